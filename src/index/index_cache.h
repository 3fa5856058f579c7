// IndexCache: the resident UserIndexes of this process, keyed by (workspace, uid).
//
// - Acquire() returns the user's index, building it on first use from a loader (a callback over the
//   Store, so this layer does not depend on it). One thread builds; concurrent Acquires of the same
//   user wait for that build instead of starting their own. A failed load is reported to every waiter
//   and not cached.
// - OnRecordsWritten/OnRecordsDeleted/OnVectorsWritten keep a resident index current after a write
//   (read-your-writes for keyword search). Writes to users that are not resident are ignored (the next
//   load reads them from the store); writes that arrive while a user is loading are queued and applied
//   after the build. Versions: a write at or below the version the index was loaded at is already in it
//   and skipped; a write older than one already applied (out of order) evicts the index, so the next
//   Acquire reloads it from the store rather than risk an older record overwriting a newer one.
// - Memory: the sum of UserIndex::MemoryBytes() is kept under a budget by evicting least recently
//   used indexes. An index someone still holds (handle use_count > 1) is not evicted; it is freed when
//   the last holder lets go. Drop() forgets a user at once (user deletion).
//
// Thread-safety: all methods are thread-safe. The cache mutex is never held while a loader runs or
// while a UserIndex is searched or updated. A UserIndexHandle carries the shared (writer-preferring)
// mutex guarding its UserIndex: search under Read() (shared), mutate under Write() (exclusive).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "domain/types.h"
#include "index/user_index.h"

namespace engram {
class Metrics;
class Counter;
class Gauge;
class Histogram;
}  // namespace engram

namespace engram::index {

// What a loader returns: the user's chunks as stored, with optional parallel arrays.
struct LoadedUser {
  int64_t version = 0;                       // store version read with the chunks (0 = unknown)
  std::vector<domain::Chunk> chunks;         // Store::ListChunks order
  std::vector<std::vector<float>> vectors;   // empty, or parallel to chunks (inner empty = none)
};
using UserLoader = std::function<Result<LoadedUser>()>;

// An embedding computed for a stored chunk.
struct ChunkVector {
  std::string chunk_id;
  std::vector<float> vector;
};

// A shared mutex that lets a waiting writer in. std::shared_mutex on glibc prefers readers: under a
// steady stream of searches a write (OnRecordsWritten) can wait indefinitely (measured: a 200-write
// test took 100 s with 3 searching threads). Here a writer takes `gate_` first; new readers pass the
// gate, so they queue behind the writer while the readers already inside finish.
// Not recursive: a thread holding a shared lock must not take it again (it could deadlock behind a
// waiting writer). Meets the SharedMutex requirements used by std::shared_lock / std::unique_lock.
class WriterPreferringMutex {
 public:
  void lock() {
    gate_.lock();
    mu_.lock();
  }
  void unlock() {
    mu_.unlock();
    gate_.unlock();
  }
  void lock_shared() {
    { std::lock_guard pass(gate_); }
    mu_.lock_shared();
  }
  void unlock_shared() { mu_.unlock_shared(); }

 private:
  std::mutex gate_;
  std::shared_mutex mu_;
};

// One user's index with the lock that guards it.
class UserIndexHandle {
 public:
  explicit UserIndexHandle(const IndexOptions& options) : index_(options) {}

  // Runs f(const UserIndex&) under the shared lock (searches, accessors).
  template <typename F>
  decltype(auto) Read(F&& f) const {
    std::shared_lock lock(mu_);
    return std::forward<F>(f)(static_cast<const UserIndex&>(index_));
  }
  // Runs f(UserIndex&) under the exclusive lock (Add, Remove, SetVector).
  template <typename F>
  decltype(auto) Write(F&& f) {
    std::unique_lock lock(mu_);
    return std::forward<F>(f)(index_);
  }
  UserIndex& unsafe_index() { return index_; }

 private:
  mutable WriterPreferringMutex mu_;
  UserIndex index_;  // guarded by mu_
};

class IndexCache {
 public:
  // `memory_budget_bytes`: --index-memory-mb * 2^20. `metrics` may be null.
  explicit IndexCache(size_t memory_budget_bytes, IndexOptions index_options = {},
                      Metrics* metrics = nullptr);
  ~IndexCache();
  IndexCache(const IndexCache&) = delete;
  IndexCache& operator=(const IndexCache&) = delete;

  // The user's index, loading it with `loader` if not resident.
  Result<std::shared_ptr<UserIndexHandle>> Acquire(const std::string& workspace, int64_t uid,
                                                   const UserLoader& loader);
  // The resident index, or null; never loads.
  std::shared_ptr<UserIndexHandle> Peek(const std::string& workspace, int64_t uid);

  // Records inserted or replaced by a store write at `version` (records carry their chunks; a record
  // with no chunks just has its old chunks removed).
  void OnRecordsWritten(const std::string& workspace, int64_t uid, int64_t version,
                        std::span<const domain::Record> records);
  void OnRecordsDeleted(const std::string& workspace, int64_t uid, int64_t version,
                        std::span<const std::string> record_ids);
  // Embeddings stored for existing chunks (unknown chunk ids are ignored).
  void OnVectorsWritten(const std::string& workspace, int64_t uid, std::span<const ChunkVector> vectors);
  // Forgets the user's index (deletion). Holders of a handle keep it until they release it.
  void Drop(const std::string& workspace, int64_t uid);
  // Forgets every resident index of the workspace (org-wide derived data changed); they reload on use.
  void DropWorkspace(const std::string& workspace);

  size_t resident_users() const;
  size_t memory_bytes() const;
  size_t memory_budget() const { return budget_; }

 private:
  struct Update;
  struct Slot;

  static std::string Key(const std::string& workspace, int64_t uid);
  Result<std::shared_ptr<UserIndexHandle>> Load(const UserLoader& loader, int64_t* loaded_version);
  // Applies one update; false when it arrived out of order (the index must be reloaded).
  static bool Apply(UserIndex& index, const Update& update, int64_t loaded_version);
  void Submit(const std::string& workspace, int64_t uid, Update update);
  void EvictLocked();          // requires mu_
  void PublishMetricsLocked(); // requires mu_
  void EraseLocked(const std::string& key);

  const size_t budget_;
  const IndexOptions options_;
  Gauge* resident_gauge_ = nullptr;
  Gauge* memory_gauge_ = nullptr;
  Counter* loads_counter_ = nullptr;
  Histogram* load_seconds_ = nullptr;

  mutable std::mutex mu_;
  std::condition_variable loaded_cv_;
  std::unordered_map<std::string, std::shared_ptr<Slot>> slots_;  // guarded by mu_
  std::list<std::string> lru_;                                    // front = most recent; guarded by mu_
  size_t total_bytes_ = 0;                                        // guarded by mu_
};

}  // namespace engram::index
