#include "store/sqlite/read_pool.h"

#include <utility>

namespace engram::store::sqlite {

ReadPool::Lease::Lease(Lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)), conn_(std::exchange(other.conn_, nullptr)) {}

ReadPool::Lease::~Lease() {
  if (pool_ != nullptr && conn_ != nullptr) pool_->Return(conn_);
}

Result<std::unique_ptr<ReadPool>> ReadPool::Open(const std::string& path, int size,
                                                 int busy_timeout_ms) {
  std::unique_ptr<ReadPool> pool(new ReadPool());
  const int n = size < 1 ? 1 : size;
  for (int i = 0; i < n; ++i) {
    Result<std::unique_ptr<Connection>> conn =
        Connection::Open(path, {.read_only = true, .busy_timeout_ms = busy_timeout_ms});
    if (!conn.ok()) return conn.status();
    // query_only is a second guard: a bug that sends a write here fails instead of racing the writer.
    ENGRAM_RETURN_IF_ERROR((*conn)->ExecScript("PRAGMA query_only = ON"));
    ENGRAM_RETURN_IF_ERROR((*conn)->ExecScript("PRAGMA cache_size = -16384; PRAGMA mmap_size = 268435456"));
    pool->free_.push_back(conn->get());
    pool->all_.push_back(std::move(conn).value());
  }
  return pool;
}

ReadPool::~ReadPool() { Close(); }

Result<ReadPool::Lease> ReadPool::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return closed_ || !free_.empty(); });
  if (closed_) return Status::Unavailable("store is closed");
  Connection* conn = free_.back();
  free_.pop_back();
  return Lease(this, conn);
}

void ReadPool::Return(Connection* conn) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(conn);
  }
  // notify_all: both Acquire() waiters and a Close() waiting for the last lease may be waiting.
  cv_.notify_all();
}

void ReadPool::Close() {
  std::unique_lock<std::mutex> lock(mu_);
  closed_ = true;
  cv_.notify_all();
  cv_.wait(lock, [this] { return free_.size() == all_.size(); });
  free_.clear();
  all_.clear();
}

}  // namespace engram::store::sqlite
