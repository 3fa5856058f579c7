// ReadPool: a fixed set of read-only SQLite connections, leased one caller at a time.
//
// WAL mode lets these read concurrently with each other and with the writer; each read transaction
// sees the database as of its start, including every write acknowledged before it began.
// Acquire() blocks while all connections are leased. Close() refuses new leases, waits for the
// outstanding ones to return, then closes every connection.
// Thread-safety: thread-safe.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/sqlite/connection.h"

namespace engram::store::sqlite {

class ReadPool {
 public:
  // A leased connection; returns it to the pool when destroyed.
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease();
    Connection& conn() { return *conn_; }

   private:
    friend class ReadPool;
    Lease(ReadPool* pool, Connection* conn) : pool_(pool), conn_(conn) {}
    ReadPool* pool_;
    Connection* conn_;
  };

  [[nodiscard]] static Result<std::unique_ptr<ReadPool>> Open(const std::string& path, int size,
                                                              int busy_timeout_ms);
  ~ReadPool();

  // kUnavailable after Close().
  [[nodiscard]] Result<Lease> Acquire();
  void Close();  // idempotent

 private:
  ReadPool() = default;
  void Return(Connection* conn);

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> all_;  // guarded by mu_
  std::vector<Connection*> free_;                 // guarded by mu_
  bool closed_ = false;                           // guarded by mu_
};

}  // namespace engram::store::sqlite
