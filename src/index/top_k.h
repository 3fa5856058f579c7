// Top-k selection over document ordinals, shared by the lexical and the vector scans.
//
// DocFilter is a non-owning predicate (a function_ref): it costs one indirect call per candidate and
// never allocates, unlike std::function. TopKCollector keeps the k best (score desc, ordinal asc on
// ties, so results are deterministic) in a min-heap: O(n log k), no buffer proportional to the corpus.
//
// Thread-safety: plain values; a DocFilter must outlive the call it is passed to.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>
#include <span>
#include <vector>

namespace engram::index {

inline constexpr uint32_t kNoOrdinal = UINT32_MAX;

// A document (by ordinal) with a score; `matched_terms` is the lexical coverage (0 for vector hits).
struct ScoredDoc {
  uint32_t ordinal = kNoOrdinal;
  float score = 0;
  uint16_t matched_terms = 0;
  friend bool operator==(const ScoredDoc&, const ScoredDoc&) = default;
};

// Keeps a document when it returns true. Default-constructed: keeps everything.
class DocFilter {
 public:
  DocFilter() = default;
  template <typename F, typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, DocFilter>>>
  DocFilter(const F& f)  // NOLINT: implicit, like a function_ref
      : obj_(&f), call_([](const void* o, uint32_t d) { return (*static_cast<const F*>(o))(d); }) {}

  bool operator()(uint32_t ordinal) const { return call_ == nullptr || call_(obj_, ordinal); }
  explicit operator bool() const { return call_ != nullptr; }

 private:
  const void* obj_ = nullptr;
  bool (*call_)(const void*, uint32_t) = nullptr;
};

// "a ranks before b": higher score, then lower ordinal.
inline bool RanksBefore(const ScoredDoc& a, const ScoredDoc& b) {
  return a.score != b.score ? a.score > b.score : a.ordinal < b.ordinal;
}
// RanksBefore as a type, so the heap algorithms inline it (a function pointer would be an indirect
// call per comparison).
struct RanksBeforeOrder {
  bool operator()(const ScoredDoc& a, const ScoredDoc& b) const { return RanksBefore(a, b); }
};

// For a histogram `count` of scores by bucket (higher bucket, higher score): the lowest bucket b such
// that buckets [b, top) hold at least `want` items, or 0 when they all hold fewer.
inline int HistogramCut(std::span<const uint32_t> count, int top, size_t want) {
  int b = top;
  for (size_t above = 0; b > 0 && above < want;) above += count[--b];
  return b;
}

// The k best of `docs` in RanksBefore order (the ones a TopKCollector(k) would keep), in no particular
// order: O(n), for callers that gather their candidates first and do not need them sorted.
// Reorders `docs`.
inline void SelectBest(std::vector<ScoredDoc>& docs, size_t k, std::vector<ScoredDoc>& out) {
  if (docs.size() > 4 * k + 256) {
    // Many more than k: first drop what a histogram of the (finite) scores shows cannot be among the
    // k best, keeping every bucket from the top down to the one that holds the k-th best. Two cheap
    // linear passes, and the selection below partitions a few more than k instead of all.
    float lo = docs[0].score, hi = lo;
    for (const ScoredDoc& d : docs) {
      lo = std::min(lo, d.score);
      hi = std::max(hi, d.score);
    }
    constexpr int kBuckets = 1024;
    if (hi - lo > 1e-30f) {
      const float scale = static_cast<float>(kBuckets) / (hi - lo);
      std::array<uint32_t, kBuckets> count{};
      for (const ScoredDoc& d : docs) {  // branch-free: clamp, then truncate
        ++count[static_cast<int>(std::clamp((d.score - lo) * scale, 0.f, static_cast<float>(kBuckets - 1)))];
      }
      const int first = HistogramCut(count, kBuckets, k);
      // Buckets below `first`: the same expression as the count, unclamped (x >= first for any
      // score counted in bucket `first` or above).
      const auto below = static_cast<float>(first);
      docs.erase(std::remove_if(docs.begin(), docs.end(), [&](const ScoredDoc& d) { return (d.score - lo) * scale < below; }),
                 docs.end());
    }
  }
  const auto keep = static_cast<std::ptrdiff_t>(std::min(k, docs.size()));
  std::nth_element(docs.begin(), docs.begin() + keep, docs.end(), RanksBeforeOrder{});
  out.assign(docs.begin(), docs.begin() + keep);
}

class TopKCollector {
 public:
  explicit TopKCollector(size_t k) : k_(k) { heap_.reserve(k); }

  // Cheap rejection of documents that cannot enter, the common case once the heap is full.
  bool WouldKeep(float score) const { return heap_.size() < k_ || score >= heap_.front().score; }

  void Push(const ScoredDoc& d) {
    if (k_ == 0) return;
    if (heap_.size() < k_) {
      heap_.push_back(d);
      std::push_heap(heap_.begin(), heap_.end(), RanksBeforeOrder{});  // worst kept on top
    } else if (RanksBefore(d, heap_.front())) {
      ReplaceWorst(d);
    }
  }
  // Best first. Leaves the collector empty.
  std::vector<ScoredDoc> Take() {
    std::sort_heap(heap_.begin(), heap_.end(), RanksBeforeOrder{});
    return std::move(heap_);
  }

 private:
  // Puts `d` in place of the worst kept document and sifts it down: one pass instead of pop + push.
  void ReplaceWorst(const ScoredDoc& d) {
    const size_t n = heap_.size();
    size_t i = 0;
    while (true) {
      size_t child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && RanksBefore(heap_[child], heap_[child + 1])) ++child;  // the worse child
      if (!RanksBefore(d, heap_[child])) break;
      heap_[i] = heap_[child];
      i = child;
    }
    heap_[i] = d;
  }

  size_t k_;
  std::vector<ScoredDoc> heap_;
};

}  // namespace engram::index
