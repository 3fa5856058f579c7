// The one step that turns an Extraction into stored memories and traits, shared by the background
// ExtractionWorker and the synchronous profile ingest (POST /profiles/{id}/ingest), plus the small
// coordination state both need.
//
// ApplyExtraction consolidates the extracted memories with the user's current ones (near-duplicates
// merge, contradictions supersede), merges extracted traits (registration traits win), and writes all
// of it together with the records' `extracted` marks in one store transaction; the user's resident
// index then learns the new memories. The caller must hold the user's lock
// (ExtractionCoordinator::UserMutex): consolidation reads, then writes.
//
// ExtractionCoordinator: per-user locks (striped) so a user is extracted by one thread at a time
// whichever path runs it, and the approximate count of pending records that /ingest backpressure
// reads without a COUNT(*) per request. Thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/time.h"
#include "index/index_cache.h"
#include "memory/extractor.h"
#include "store/store.h"

namespace engram::jobs {

struct AppliedExtraction {
  std::vector<domain::Memory> upserts;  // memories written: inserted, merged, superseded
  std::vector<domain::Trait> traits;    // extracted traits written (changed ones only)
  int64_t version = 0;                  // the user's version after the write
  size_t memories_before = 0;           // current memories before and after (Stage 3 thresholds)
  size_t memories_after = 0;
};

// The context an extractor gets for the user's records: the user's name (registered trait, else
// extracted), names of speakers other than the chat roles, and the promotion prompts of the roles and
// teams the records name. Read from the store; a failed read leaves that part out (it only guides).
memory::ExtractionContext ContextFor(store::Store& store, const std::string& workspace, int64_t uid,
                                     std::span<const domain::Record> records);

// `cache` may be null. Marks every record of `records` extracted, even when nothing was extracted.
Result<AppliedExtraction> ApplyExtraction(store::Store& store, index::IndexCache* cache,
                                          const std::string& workspace, int64_t uid,
                                          std::span<const domain::Record> records,
                                          const memory::Extraction& extraction, TimeMs now);

class ExtractionCoordinator {
 public:
  using MemoriesHook = std::function<void(const std::string& workspace, int64_t uid)>;

  // Set once before extraction starts: told after every extraction round that wrote memories, on the
  // extracting thread (promotion to roles, teams and the org listens). Must be quick.
  void set_memories_hook(MemoriesHook hook) { memories_hook_ = std::move(hook); }
  void MemoriesChanged(const std::string& workspace, int64_t uid) const {
    if (memories_hook_) memories_hook_(workspace, uid);
  }

  // The lock that serializes extraction of one user (striped: unrelated users may share one).
  std::mutex& UserMutex(const std::string& workspace, int64_t uid);

  // Pending records over all users; approximate (see docs/memory.md), never negative.
  int64_t pending() const;
  void AddPending(int64_t delta) { pending_.fetch_add(delta, std::memory_order_relaxed); }
  void SetPending(int64_t n) { pending_.store(n, std::memory_order_relaxed); }

 private:
  MemoriesHook memories_hook_;
  std::array<std::mutex, 64> stripes_;
  std::atomic<int64_t> pending_{0};
};

}  // namespace engram::jobs
