// WriteQueue: the single writer thread of a SQLite store, committing concurrent writes as a group.
//
// Run(fn) enqueues `fn` and blocks until it is durable or failed. The writer thread takes everything
// queued (up to a bound), opens one BEGIN IMMEDIATE transaction, runs each closure inside its own
// SAVEPOINT (a closure that fails is rolled back to its savepoint, so one caller's error never fails
// another's write), COMMITs once (one fsync for the group) and only then completes every caller.
//
// Contract for closures:
// - Return a non-OK Status to have the closure's changes rolled back; exceptions are caught and
//   treated as kInternal.
// - A closure may run more than once: if sqlite aborts the whole transaction (I/O error, disk full),
//   the closure that hit it fails and the others are re-run in a fresh transaction. So a closure
//   must (re)initialize its outputs when it starts rather than append to them.
// - A closure must not call Run() itself (it would wait on its own thread): that returns kInternal.
//
// Thread-safety: Run() may be called from any number of threads; Stop() from any one thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "common/status.h"
#include "store/sqlite/connection.h"

namespace engram {
class Counter;
class Metrics;
}  // namespace engram

namespace engram::store::sqlite {

using WriteFn = std::function<Status(Connection&)>;

class WriteQueue {
 public:
  struct Options {
    size_t max_group = 256;     // closures per transaction; bounds how long one commit holds the lock
    Metrics* metrics = nullptr; // optional: group commit counters
  };
  // Takes the write connection (already migrated) and starts the writer thread.
  WriteQueue(std::unique_ptr<Connection> conn, Options options);
  ~WriteQueue();  // Stop() + closes the connection
  WriteQueue(const WriteQueue&) = delete;
  WriteQueue& operator=(const WriteQueue&) = delete;

  // Runs `fn` in the next group transaction; returns its Status once the group has committed (or the
  // commit's error). kUnavailable after Stop().
  [[nodiscard]] Status Run(WriteFn fn);

  // Refuses new writes, commits everything already queued, joins the thread. Idempotent.
  void Stop();
  // Stop(), then closes the write connection (finalizing its statements). Idempotent.
  void Close();

 private:
  struct Op {
    WriteFn fn;
    std::promise<Status> done;
  };
  void Loop();
  void CommitGroup(std::vector<Op>& ops);
  void RecordGroupSize(size_t n);

  const Options options_;
  std::unique_ptr<Connection> conn_;  // used only by the writer thread while it runs

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Op> queue_;   // guarded by mu_
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
  std::mutex stop_mu_;     // serializes Stop()/Close() callers

  Counter* groups_total_ = nullptr;                 // engram_store_group_commits_total
  std::vector<Counter*> group_size_buckets_;        // engram_store_group_commit_size{size=...}
};

}  // namespace engram::store::sqlite
