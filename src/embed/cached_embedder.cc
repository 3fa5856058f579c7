#include "embed/cached_embedder.h"

#include "common/crypto.h"

namespace engram::embed {

CachedEmbedder::CachedEmbedder(std::unique_ptr<Embedder> inner, CachedEmbedderOptions options)
    : inner_(std::move(inner)), capacity_(options.capacity) {
  if (options.metrics) {
    const char* help = "Embedding cache lookups by result";
    hit_counter_ = options.metrics->GetCounter("engram_embed_cache_total", help, {{"result", "hit"}});
    miss_counter_ = options.metrics->GetCounter("engram_embed_cache_total", help, {{"result", "miss"}});
  }
}

bool CachedEmbedder::Lookup(uint64_t key, const std::string& text, Vector* out) {
  std::lock_guard lock(mu_);
  auto it = map_.find(key);
  if (it == map_.end() || it->second->text != text) return false;
  lru_.splice(lru_.begin(), lru_, it->second);
  *out = it->second->vector;
  return true;
}

void CachedEmbedder::Insert(uint64_t key, const std::string& text, const Vector& vector) {
  std::lock_guard lock(mu_);
  if (auto it = map_.find(key); it != map_.end()) {
    // Same text refreshed, or a colliding text replacing the old one: either way one slot per key.
    it->second->text = text;
    it->second->vector = vector;
    lru_.splice(lru_.begin(), lru_, it->second);
    return;
  }
  lru_.push_front(Entry{key, text, vector});
  map_[key] = lru_.begin();
  while (lru_.size() > capacity_) {
    map_.erase(lru_.back().key);
    lru_.pop_back();
  }
}

Result<std::vector<Vector>> CachedEmbedder::Embed(const std::vector<std::string>& texts) {
  if (capacity_ == 0 || !inner_->Enabled()) return inner_->Embed(texts);

  std::vector<Vector> out(texts.size());
  std::vector<uint64_t> keys(texts.size());
  // Distinct missing texts, and for each input position that missed, which of them it needs.
  std::vector<std::string> miss_texts;
  std::vector<uint64_t> miss_keys;
  std::unordered_map<std::string_view, size_t> miss_index;
  std::vector<std::pair<size_t, size_t>> fill;  // (output position, miss index)
  uint64_t hits = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    keys[i] = Fnv1a64(texts[i]);
    if (Lookup(keys[i], texts[i], &out[i])) {
      ++hits;
      continue;
    }
    auto [it, inserted] = miss_index.try_emplace(texts[i], miss_texts.size());
    if (inserted) {
      miss_texts.push_back(texts[i]);
      miss_keys.push_back(keys[i]);
    }
    fill.emplace_back(i, it->second);
  }
  const uint64_t misses = texts.size() - hits;
  hits_.fetch_add(hits, std::memory_order_relaxed);
  misses_.fetch_add(misses, std::memory_order_relaxed);
  if (hit_counter_ != nullptr) {
    hit_counter_->Add(static_cast<double>(hits));
    miss_counter_->Add(static_cast<double>(misses));
  }
  if (miss_texts.empty()) return out;

  ENGRAM_ASSIGN_OR_RETURN(auto computed, inner_->Embed(miss_texts));
  if (computed.size() != miss_texts.size()) {
    return Status::Internal("inner embedder returned " + std::to_string(computed.size()) + " vectors for " +
                            std::to_string(miss_texts.size()) + " texts");
  }
  for (size_t m = 0; m < miss_texts.size(); ++m) Insert(miss_keys[m], miss_texts[m], computed[m]);
  for (auto [pos, m] : fill) out[pos] = computed[m];
  return out;
}

size_t CachedEmbedder::size() const {
  std::lock_guard lock(mu_);
  return lru_.size();
}

void CachedEmbedder::Clear() {
  std::lock_guard lock(mu_);
  lru_.clear();
  map_.clear();
}

}  // namespace engram::embed
