// Top-k selection over document ordinals, shared by the lexical and the vector scans.
//
// DocFilter is a non-owning predicate (a function_ref): it costs one indirect call per candidate and
// never allocates, unlike std::function. TopKCollector keeps the k best (score desc, ordinal asc on
// ties, so results are deterministic) in a min-heap: O(n log k), no buffer proportional to the corpus.
//
// Thread-safety: plain values; a DocFilter must outlive the call it is passed to.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>
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
