#include "index/index_cache.h"

#include <atomic>

#include <algorithm>
#include <exception>
#include <system_error>
#include <thread>
#include <utility>

#include "common/metrics.h"
#include "common/background.h"
#include "text/analyzer.h"

namespace engram::index {

struct IndexCache::Update {
  int64_t version = 0;
  std::vector<domain::Record> records;  // upserts: old chunks of each record out, its chunks in
  std::vector<std::string> deleted;     // record ids
  std::vector<ChunkVector> vectors;
  // The records' chunks analyzed, in order, when Submit did it before taking the index's write lock
  // (empty: Apply analyzes them).
  std::vector<std::vector<std::string>> terms;
};

struct IndexCache::Slot {
  std::shared_ptr<UserIndexHandle> handle;  // set once loaded
  bool loading = true;
  Status error;                             // the load's failure, for waiters
  std::vector<Update> pending;              // writes that arrived while loading
  int64_t loaded_version = 0;               // store version the build read
  std::list<std::string>::iterator lru;     // valid once published
  size_t bytes = 0;
};

namespace {

constexpr int kMaxLoadAttempts = 3;
constexpr size_t kParallelLoadMin = 2000;

size_t IndexBytes(const UserIndexHandle& h) {
  return h.Read([](const UserIndex& idx) { return idx.MemoryBytes().total(); });
}

}  // namespace

IndexCache::IndexCache(size_t memory_budget_bytes, IndexOptions index_options, Metrics* metrics)
    : budget_(memory_budget_bytes), options_(index_options) {
  if (metrics != nullptr) {
    resident_gauge_ = metrics->GetGauge("engram_index_resident_users", "User indexes resident in memory");
    memory_gauge_ = metrics->GetGauge("engram_index_memory_bytes", "Memory held by resident user indexes");
    loads_counter_ = metrics->GetCounter("engram_index_loads_total", "User indexes built from the store");
    load_seconds_ = metrics->GetHistogram("engram_index_load_seconds", "Time to build a user index");
  }
}

IndexCache::~IndexCache() = default;

std::string IndexCache::Key(const std::string& workspace, int64_t uid) {
  std::string key = workspace;
  key.push_back('\0');  // cannot appear in a workspace name, so keys cannot collide
  key += std::to_string(uid);
  return key;
}

Result<std::shared_ptr<UserIndexHandle>> IndexCache::Load(const UserLoader& loader, int64_t* loaded_version) {
  const ForegroundWork foreground;  // background workers hold their next batch while a request waits on this
  const int64_t start = MonotonicNanos();
  Result<LoadedUser> loaded = Status::Internal("loader did not run");
  try {
    loaded = loader();
  } catch (const std::exception& e) {
    return Status::Internal(std::string("index loader failed: ") + e.what());
  } catch (...) {
    return Status::Internal("index loader failed");
  }
  if (!loaded.ok()) return loaded.status();
  LoadedUser& user = loaded.value();

  auto handle = std::make_shared<UserIndexHandle>(options_);
  UserIndex& index = handle->unsafe_index();  // not shared yet: no lock needed
  const std::vector<domain::Chunk>& chunks = user.chunks;
  const size_t n = chunks.size();
  index.Reserve(n);
  auto add = [&](size_t i, std::span<const std::string> terms) {
    std::span<const float> vec;
    if (i < user.vectors.size()) vec = user.vectors[i];
    if (!index.AddAnalyzed(chunks[i], terms, vec).ok()) {
      // A malformed stored vector must not make the user unsearchable: keep the chunk, lexically.
      (void)index.AddAnalyzed(chunks[i], terms, {});
    }
  };
  // Analysis dominates a load. Both threads take chunks to analyze from one counter; this thread also
  // indexes them in order (ordinals are append order) and, whenever the next chunk is not analyzed
  // yet, analyzes further ahead instead of waiting. The two threads stay busy until the end.
  std::vector<std::vector<std::string>> terms(n);
  std::unique_ptr<std::atomic<bool>[]> ready(new std::atomic<bool>[n]);
  for (size_t i = 0; i < n; ++i) ready[i].store(false, std::memory_order_relaxed);
  std::atomic<size_t> next{0};
  auto analyze_one = [&]() -> bool {
    const size_t i = next.fetch_add(1, std::memory_order_relaxed);
    if (i >= n) return false;
    terms[i] = text::AnalyzeToStrings(chunks[i].text);
    ready[i].store(true, std::memory_order_release);
    return true;
  };
  std::thread helper;
  if (options_.load_threads > 1 && n >= kParallelLoadMin) {
    try {
      helper = std::thread([&] {
        while (analyze_one()) {
        }
      });
    } catch (const std::system_error&) {
      // No thread available: this thread analyzes everything.
    }
  }
  for (size_t i = 0; i < n; ++i) {
    while (!ready[i].load(std::memory_order_acquire)) {
      if (!analyze_one()) std::this_thread::yield();  // the helper holds chunk i: it is nearly done
    }
    add(i, terms[i]);
    terms[i] = {};
  }
  if (helper.joinable()) helper.join();
  index.ShrinkToFit();
  index.set_version(user.version);
  *loaded_version = user.version;
  if (loads_counter_ != nullptr) loads_counter_->Add();
  if (load_seconds_ != nullptr) load_seconds_->Observe(static_cast<double>(MonotonicNanos() - start) / 1e9);
  return handle;
}

Result<std::shared_ptr<UserIndexHandle>> IndexCache::Acquire(const std::string& workspace, int64_t uid,
                                                            const UserLoader& loader) {
  const std::string key = Key(workspace, uid);
  std::shared_ptr<Slot> slot;
  {
    std::unique_lock lock(mu_);
    auto it = slots_.find(key);
    if (it != slots_.end()) {
      slot = it->second;
      if (!slot->loading) {
        lru_.splice(lru_.begin(), lru_, slot->lru);
        return slot->handle;
      }
      // Someone else is building it: wait for that build rather than load twice.
      loaded_cv_.wait(lock, [&] { return !slot->loading; });
      if (slot->handle) return slot->handle;
      return slot->error;
    }
    slot = std::make_shared<Slot>();
    slots_.emplace(key, slot);
  }

  Result<std::shared_ptr<UserIndexHandle>> built = Status::Internal("not loaded");
  bool cacheable = true;
  for (int attempt = 1;; ++attempt) {
    int64_t loaded_version = 0;
    built = Load(loader, &loaded_version);
    bool in_order = true;
    if (built.ok()) {
      // Apply the writes that arrived meanwhile; publish only once none is left, atomically with
      // the check, so no write can slip between the build and publication.
      UserIndex& index = built.value()->unsafe_index();
      std::unique_lock lock(mu_);
      while (!slot->pending.empty()) {
        std::vector<Update> pending = std::move(slot->pending);
        slot->pending.clear();
        lock.unlock();
        for (const Update& u : pending) in_order = Apply(index, u, loaded_version) && in_order;
        lock.lock();
      }
      slot->loaded_version = loaded_version;
    }
    if (!in_order && attempt < kMaxLoadAttempts) continue;  // reload from the store
    cacheable = in_order;
    break;
  }

  std::unique_lock lock(mu_);
  auto it = slots_.find(key);
  const bool still_ours = it != slots_.end() && it->second == slot;
  slot->loading = false;
  if (built.ok()) {
    slot->handle = built.value();
  } else {
    slot->error = built.status();
  }
  if (still_ours) {
    if (built.ok() && cacheable) {
      slot->bytes = IndexBytes(*slot->handle);
      lru_.push_front(key);
      slot->lru = lru_.begin();
      total_bytes_ += slot->bytes;
    } else {
      slots_.erase(it);  // failures are not cached: the next Acquire retries
    }
  }
  loaded_cv_.notify_all();
  if (built.ok()) {
    std::shared_ptr<UserIndexHandle> handle = built.value();  // held: EvictLocked will not pick it
    EvictLocked();
    PublishMetricsLocked();
    return handle;
  }
  PublishMetricsLocked();
  return built.status();
}

std::shared_ptr<UserIndexHandle> IndexCache::Peek(const std::string& workspace, int64_t uid) {
  std::lock_guard lock(mu_);
  auto it = slots_.find(Key(workspace, uid));
  if (it == slots_.end() || it->second->loading) return nullptr;
  return it->second->handle;
}

bool IndexCache::Apply(UserIndex& index, const Update& u, int64_t loaded_version) {
  if (u.version != 0) {
    if (u.version <= loaded_version) return true;  // the store snapshot already had it
    if (u.version < index.version()) return false;  // a newer write was applied first
  }
  if (!u.records.empty() || !u.deleted.empty()) {
    std::vector<std::string> ids = u.deleted;
    for (const domain::Record& r : u.records) ids.push_back(r.id);
    index.RemoveRecords(ids);
    size_t k = 0;  // into u.terms
    for (const domain::Record& r : u.records) {
      for (const domain::Chunk& c : r.chunks) {  // no vector: cannot fail
        if (k < u.terms.size()) {
          (void)index.AddAnalyzed(c, u.terms[k++], {}, r.session_id);
        } else {
          (void)index.Add(c, {}, r.session_id);
        }
      }
    }
  }
  for (const ChunkVector& v : u.vectors) (void)index.SetVector(v.chunk_id, v.vector);  // unknown ids ignored
  if (u.version > index.version()) index.set_version(u.version);
  return true;
}

void IndexCache::Submit(const std::string& workspace, int64_t uid, Update update) {
  const std::string key = Key(workspace, uid);
  std::shared_ptr<Slot> slot;
  {
    std::lock_guard lock(mu_);
    auto it = slots_.find(key);
    if (it == slots_.end()) return;  // not resident: the next load reads the store
    slot = it->second;
    if (slot->loading) {
      slot->pending.push_back(std::move(update));
      return;
    }
  }
  // Text analysis, the costly part of applying a write, is done before the write lock: searches of
  // this user wait only for the insertion (and a background writer at low priority holds the lock
  // for less time).
  for (const domain::Record& r : update.records) {
    for (const domain::Chunk& c : r.chunks) update.terms.push_back(text::AnalyzeToStrings(c.text));
  }
  const std::shared_ptr<UserIndexHandle> handle = slot->handle;
  const bool in_order =
      handle->Write([&](UserIndex& index) { return Apply(index, update, slot->loaded_version); });
  const size_t bytes = IndexBytes(*handle);

  std::lock_guard lock(mu_);
  auto it = slots_.find(key);
  if (it == slots_.end() || it->second != slot) return;  // dropped or evicted meanwhile
  if (!in_order) {
    EraseLocked(key);
  } else {
    total_bytes_ = total_bytes_ - slot->bytes + bytes;
    slot->bytes = bytes;
    EvictLocked();
  }
  PublishMetricsLocked();
}

void IndexCache::OnRecordsWritten(const std::string& workspace, int64_t uid, int64_t version,
                                  std::span<const domain::Record> records) {
  Update u;
  u.version = version;
  u.records.assign(records.begin(), records.end());
  Submit(workspace, uid, std::move(u));
}

void IndexCache::OnRecordsDeleted(const std::string& workspace, int64_t uid, int64_t version,
                                  std::span<const std::string> record_ids) {
  Update u;
  u.version = version;
  u.deleted.assign(record_ids.begin(), record_ids.end());
  Submit(workspace, uid, std::move(u));
}

void IndexCache::OnVectorsWritten(const std::string& workspace, int64_t uid,
                                  std::span<const ChunkVector> vectors) {
  Update u;
  u.vectors.assign(vectors.begin(), vectors.end());
  Submit(workspace, uid, std::move(u));
}

void IndexCache::EraseLocked(const std::string& key) {
  auto it = slots_.find(key);
  if (it == slots_.end()) return;
  Slot& slot = *it->second;
  if (!slot.loading && slot.handle) {
    lru_.erase(slot.lru);
    total_bytes_ -= slot.bytes;
  }
  // A loading slot leaves the map; its loader sees that and hands the index to its waiters only.
  slots_.erase(it);
}

void IndexCache::Drop(const std::string& workspace, int64_t uid) {
  std::lock_guard lock(mu_);
  EraseLocked(Key(workspace, uid));
  PublishMetricsLocked();
}

void IndexCache::DropWorkspace(const std::string& workspace) {
  std::lock_guard lock(mu_);
  const std::string prefix = Key(workspace, 0).substr(0, workspace.size() + 1);
  std::vector<std::string> keys;
  for (const auto& [key, slot] : slots_) {
    if (key.compare(0, prefix.size(), prefix) == 0) keys.push_back(key);
  }
  for (const auto& key : keys) EraseLocked(key);
  PublishMetricsLocked();
}

void IndexCache::EvictLocked() {
  // Oldest first; skip indexes somebody holds (the slot's own reference is the 1). `it` is the
  // element after the one examined, so it stays valid when that one is erased.
  auto it = lru_.end();
  while (total_bytes_ > budget_ && it != lru_.begin()) {
    const auto cur = std::prev(it);
    if (slots_.at(*cur)->handle.use_count() == 1) {
      EraseLocked(std::string(*cur));
    } else {
      it = cur;
    }
  }
}

void IndexCache::PublishMetricsLocked() {
  if (resident_gauge_ != nullptr) resident_gauge_->Set(static_cast<double>(lru_.size()));
  if (memory_gauge_ != nullptr) memory_gauge_->Set(static_cast<double>(total_bytes_));
}

size_t IndexCache::resident_users() const {
  std::lock_guard lock(mu_);
  return lru_.size();  // exactly the built, resident indexes
}

size_t IndexCache::memory_bytes() const {
  std::lock_guard lock(mu_);
  return total_bytes_;
}

}  // namespace engram::index
