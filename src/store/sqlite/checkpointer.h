// Checkpointer: moves WAL frames into the main database file on a background thread.
//
// SQLite's automatic checkpoint runs inside the COMMIT that crosses the threshold, so one unlucky
// writer (and every request group-committed with it) pays for copying and fsyncing the whole WAL:
// a tail-latency spike on /ingest. The writer connection therefore turns auto-checkpointing off and
// this thread runs PASSIVE checkpoints on its own connection every `interval`; PASSIVE never blocks
// the writer or readers. When the store closes, the writer connection's close checkpoints the rest.
// Thread-safe: Start/Stop from the owner only.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/status.h"
#include "store/sqlite/connection.h"

namespace engram::store::sqlite {

class Checkpointer {
 public:
  static Result<std::unique_ptr<Checkpointer>> Start(const std::string& path, std::chrono::milliseconds interval);
  ~Checkpointer();
  void Stop();  // idempotent; joins the thread

 private:
  Checkpointer(std::unique_ptr<Connection> conn, std::chrono::milliseconds interval);
  void Loop();

  std::unique_ptr<Connection> conn_;
  const std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace engram::store::sqlite
