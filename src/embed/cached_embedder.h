// CachedEmbedder: a decorator that remembers recent embeddings in a bounded LRU cache.
//
// Meant for request-time query embeddings, where the same query text (an agent retrying, paging,
// or asking the same thing for several users) would otherwise cost a remote round trip each time.
// Only the misses of a batch are sent to the inner embedder, deduplicated; failures are not cached.
// Entries are keyed by a 64-bit hash of the text and keep the text itself, so a hash collision is a
// miss, never a wrong vector.
//
// Thread-safety: thread-safe. The lock covers only cache lookups and inserts, never the inner call,
// so two threads missing the same text at once may both compute it (harmless, last insert wins).
#pragma once

#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "common/metrics.h"
#include "embed/embedder.h"

namespace engram::embed {

struct CachedEmbedderOptions {
  size_t capacity = 1024;                // entries; 0 disables caching (calls go straight through)
  engram::Metrics* metrics = nullptr;    // optional: engram_embed_cache_total{result=hit|miss}
};

class CachedEmbedder final : public Embedder {
 public:
  CachedEmbedder(std::unique_ptr<Embedder> inner, CachedEmbedderOptions options = {});

  // Same vector space as the inner embedder.
  std::string_view Name() const override { return inner_->Name(); }
  int Dimension() const override { return inner_->Dimension(); }
  bool Enabled() const override { return inner_->Enabled(); }
  Result<std::vector<Vector>> Embed(const std::vector<std::string>& texts) override;

  uint64_t hits() const { return hits_.load(std::memory_order_relaxed); }
  uint64_t misses() const { return misses_.load(std::memory_order_relaxed); }
  size_t size() const;
  void Clear();

 private:
  struct Entry {
    uint64_t key;
    std::string text;
    Vector vector;
  };
  using List = std::list<Entry>;  // front = most recently used

  bool Lookup(uint64_t key, const std::string& text, Vector* out);
  void Insert(uint64_t key, const std::string& text, const Vector& vector);

  std::unique_ptr<Embedder> inner_;
  const size_t capacity_;
  mutable std::mutex mu_;
  List lru_;                                          // guarded by mu_
  std::unordered_map<uint64_t, List::iterator> map_;  // guarded by mu_
  std::atomic<uint64_t> hits_{0};
  std::atomic<uint64_t> misses_{0};
  engram::Counter* hit_counter_ = nullptr;
  engram::Counter* miss_counter_ = nullptr;
};

}  // namespace engram::embed
