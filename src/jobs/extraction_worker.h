// ExtractionWorker: turns ingested records into memories and traits in the background.
//
// The work item is a user: records carry an `extracted` mark in the store, so "what is left to do"
// is durable by construction. After each ingest the user is queued; at start-up every user with
// unextracted records is queued. A worker takes a user, reads a batch of its unextracted records,
// runs the extractor, consolidates the result with the user's current memories (near-duplicates
// merge, contradictions supersede and are kept as history), merges extracted traits, and writes all of
// it with the records' marks in one transaction: a crash mid-way leaves the records unmarked and they
// are extracted again. The user's resident index learns the new memories at once, and when the
// current-memory count crosses a Stage 3 threshold (5, 10, 20, 40, ...) the Stage 3 hook runs.
// One user is processed by at most one thread at a time (consolidation reads then writes): the
// ExtractionCoordinator's user lock, shared with the synchronous profile ingest.
//
// Failures: a failing batch is retried with backoff. After `max_attempts` consecutive failures the
// user's next batch is extracted one record at a time; a record the extractor still fails on is marked
// failed with the reason (Store::MarkExtractionFailed) and never picked again, and the user's other
// records go on. Store errors never mark records failed: they are retried with backoff.
// Thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/metrics.h"
#include "index/index_cache.h"
#include "jobs/extraction_apply.h"
#include "memory/extractor.h"
#include "store/store.h"

namespace engram::jobs {

struct ExtractionWorkerOptions {
  size_t threads = 1;
  size_t batch_records = 200;   // records extracted per transaction
  int retry_initial_ms = 500;   // after a failed batch (store busy, extractor error)
  int retry_max_ms = 30000;
  int max_attempts = 3;         // failed tries of a batch before its records are isolated (see above)
  // Shared with the synchronous profile ingest; null: the worker keeps its own. Not owned.
  ExtractionCoordinator* coordinator = nullptr;
};

class ExtractionWorker {
 public:
  using Stage3Hook = std::function<void(const std::string& workspace, int64_t uid)>;

  // `cache` may be null. Not owned; all outlive the worker.
  ExtractionWorker(store::Store* store, memory::Extractor* extractor, index::IndexCache* cache, const Clock* clock,
                   ExtractionWorkerOptions options = {}, Metrics* metrics = nullptr);
  ~ExtractionWorker();

  // Set before Start(): runs on the worker thread when a user's memory count crosses a threshold.
  void set_stage3_hook(Stage3Hook hook) { stage3_hook_ = std::move(hook); }
  // Queues every user with pending records and starts the threads.
  Status Start();
  // `new_records`: how many records the caller just wrote (the pending-records counter).
  void Enqueue(const std::string& workspace, int64_t uid, int64_t new_records = 0);
  void DropUser(const std::string& workspace, int64_t uid);
  // Blocks until nothing is queued or running (tests, benchmarks).
  void Drain();
  void Stop();
  // Pending records over all users, approximately (a counter, not a query).
  int64_t pending_records() const { return coordinator_->pending(); }

 private:
  using UserKey = std::pair<std::string, int64_t>;
  void Loop();
  // Extracts one batch; false when the user had nothing left.
  Result<bool> ProcessBatch(const std::string& workspace, int64_t uid);
  // Like ProcessBatch, one record at a time; records the extractor fails on are marked failed.
  Result<bool> ProcessIsolated(const std::string& workspace, int64_t uid);
  // Writes one extracted batch and runs the Stage 3 hook when a threshold is crossed.
  Status Apply(const std::string& workspace, int64_t uid, std::span<const domain::Record> records,
               const memory::Extraction& extraction);
  void ResyncPending();

  store::Store* store_;
  memory::Extractor* extractor_;
  index::IndexCache* cache_;
  const Clock* clock_;
  const ExtractionWorkerOptions options_;
  Stage3Hook stage3_hook_;
  std::unique_ptr<ExtractionCoordinator> own_coordinator_;
  ExtractionCoordinator* coordinator_;
  Counter* records_ = nullptr;
  Counter* memories_ = nullptr;
  Counter* failures_ = nullptr;
  Counter* records_failed_ = nullptr;
  Gauge* pending_gauge_ = nullptr;
  Gauge* queue_gauge_ = nullptr;
  Histogram* batch_seconds_ = nullptr;

  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable idle_cv_;
  std::deque<UserKey> queue_;   // guarded by mu_
  std::set<UserKey> queued_;    // guarded by mu_: users in queue_
  std::set<UserKey> running_;   // guarded by mu_: users being processed
  std::set<UserKey> again_;     // guarded by mu_: enqueued while running: process once more
  std::map<UserKey, int> attempts_;  // guarded by mu_: consecutive failed tries per user
  bool stop_ = false;           // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace engram::jobs
