#include "store/sqlite/checkpointer.h"

#include "common/log.h"
#include "common/background.h"

namespace engram::store::sqlite {

Result<std::unique_ptr<Checkpointer>> Checkpointer::Start(const std::string& path,
                                                          std::chrono::milliseconds interval) {
  Result<std::unique_ptr<Connection>> conn = Connection::Open(path, {.read_only = false, .busy_timeout_ms = 0});
  if (!conn.ok()) return conn.status();
  return std::unique_ptr<Checkpointer>(new Checkpointer(std::move(conn).value(), interval));
}

Checkpointer::Checkpointer(std::unique_ptr<Connection> conn, std::chrono::milliseconds interval)
    : conn_(std::move(conn)), interval_(interval) {
  thread_ = std::thread([this] { Loop(); });
}

Checkpointer::~Checkpointer() { Stop(); }

void Checkpointer::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Checkpointer::Loop() {
  EnterBackground();
  std::unique_lock<std::mutex> lock(mu_);
  while (!cv_.wait_for(lock, interval_, [this] { return stop_; })) {
    lock.unlock();
    Status st = conn_->ExecScript("PRAGMA wal_checkpoint(PASSIVE)");
    // Busy is expected now and then (another checkpoint, a schema change); the next round retries.
    if (!st.ok() && st.code() != StatusCode::kUnavailable) {
      ENGRAM_LOG(kWarn, "store", "background checkpoint failed: {}", st.ToString());
    }
    lock.lock();
  }
}

}  // namespace engram::store::sqlite
