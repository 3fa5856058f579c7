// InvertedIndex: a compact in-memory BM25 index over one user's chunks.
//
// Documents are identified by ordinals handed out in append order (0, 1, 2...). The owner (UserIndex)
// keeps its per-chunk arrays parallel to these ordinals. Layout, chosen for a small per-document cost:
//   - term dictionary: StringTable (one arena, open addressing), term id -> postings;
//   - postings: one contiguous vector per term of packed (ordinal uint32, tf uint16) = 6 bytes,
//     sorted by ordinal because ordinals only grow;
//   - per document: length (uint32), live flag, and its distinct term ids (a flat forward index), so
//     removal can keep document frequencies exact without touching the postings.
// Removal is a tombstone: postings of dead documents stay until Compact(), which drops them and
// renumbers ordinals; the owner decides when (it must renumber its own arrays with the same map).
//
// Scoring is term-at-a-time into a dense per-ordinal accumulator (LexicalScores) that is reused
// between queries, so a query allocates nothing proportional to the corpus once warm. That is the
// fastest shape for the corpora we hold (up to ~100k documents per user). IDF and average length use
// live documents only.
//
// Thread-safety: const methods (Score, TopK, accessors) may run concurrently, each with its own
// LexicalScores; Add/Remove/Compact need exclusive access (UserIndex documents the lock).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "index/bm25.h"
#include "index/string_table.h"
#include "index/top_k.h"

namespace engram::index {

// The result and scratch space of one lexical pass: dense score and coverage arrays by ordinal plus
// the list of ordinals touched. Only touched entries are non-zero, and only those are cleared before
// the next pass.
class LexicalScores {
 public:
  float score(uint32_t ordinal) const { return ordinal < score_.size() ? score_[ordinal] : 0.f; }
  // Distinct query terms found in the document (coverage).
  uint16_t matched(uint32_t ordinal) const { return ordinal < matched_.size() ? matched_[ordinal] : 0; }
  // Ordinals with at least one matched term, in no particular order; may include removed documents.
  std::span<const uint32_t> touched() const { return {touched_.data(), n_touched_}; }
  // Bm25SelfScore of the query's terms that occur in the index: the calibration reference (fusion.h).
  double self_score() const { return self_score_; }
  // Upper bound of any document's score for this query (Bm25MaxScore).
  double max_score() const { return max_score_; }
  // Distinct query terms after merging duplicates; how many of them exist in the index.
  uint32_t query_terms() const { return query_terms_; }
  uint32_t known_terms() const { return known_terms_; }

 private:
  friend class InvertedIndex;
  void Reset(size_t ordinals);

  std::vector<float> score_;
  std::vector<uint16_t> matched_;
  std::vector<uint32_t> touched_;  // sized to the ordinals; the first n_touched_ are valid
  size_t n_touched_ = 0;
  double self_score_ = 0;
  double max_score_ = 0;
  uint32_t query_terms_ = 0;
  uint32_t known_terms_ = 0;
};

class InvertedIndex {
 public:
  explicit InvertedIndex(Bm25Params params = {}) : params_(params) {}

  // Appends a document given its analyzed terms (duplicates count as term frequency; tf saturates
  // at 65535). Returns its ordinal. An empty term list is a valid, unmatchable document.
  uint32_t Add(std::span<const std::string> terms);
  // Tombstones a document. False if the ordinal is unknown or already removed.
  bool Remove(uint32_t ordinal);
  // Drops removed documents and renumbers the rest in order. Returns old ordinal -> new ordinal
  // (kNoOrdinal for dropped ones). Also rebuilds the dictionary without terms no live doc uses.
  std::vector<uint32_t> Compact();
  // Releases spare capacity of postings and per-document arrays (after a bulk load).
  void ShrinkToFit();

  // Term-at-a-time BM25 of `query` (duplicates merged by MergeWeightedTerms) into `out`.
  void Score(std::span<const WeightedTerm> query, LexicalScores& out) const;
  // The k best live documents accepted by `filter`, score desc then ordinal asc. Uses a thread_local
  // LexicalScores.
  std::vector<ScoredDoc> TopK(std::span<const WeightedTerm> query, size_t k, DocFilter filter = {}) const;

  bool IsLive(uint32_t ordinal) const { return ordinal < live_.size() && live_[ordinal] != 0; }
  uint32_t ordinal_count() const { return static_cast<uint32_t>(live_.size()); }  // live + removed
  uint32_t live_count() const { return live_count_; }
  uint32_t dead_count() const { return ordinal_count() - live_count_; }
  uint32_t DocLength(uint32_t ordinal) const { return doc_len_[ordinal]; }
  double AvgDocLength() const { return live_count_ ? static_cast<double>(total_len_) / live_count_ : 0.0; }
  // Live documents containing `term`.
  uint32_t DocFreq(std::string_view term) const;
  uint32_t term_count() const { return terms_.size(); }
  // The distinct term ids of a document (its forward index), for feedback and feature extraction.
  std::span<const uint32_t> DocTermIds(uint32_t ordinal) const {
    return {fwd_terms_.data() + fwd_begin_[ordinal], fwd_begin_[ordinal + 1] - fwd_begin_[ordinal]};
  }
  std::string_view TermText(uint32_t term_id) const { return terms_.Get(term_id); }
  uint32_t DocFreqById(uint32_t term_id) const { return term_id < df_.size() ? df_[term_id] : 0; }

  size_t MemoryBytes() const;

 private:
  struct __attribute__((packed)) Posting {
    uint32_t doc;
    uint16_t tf;
  };
  static_assert(sizeof(Posting) == 6);

  Bm25Params params_;
  StringTable terms_;                         // term -> term id
  std::vector<std::vector<Posting>> postings_;  // by term id
  std::vector<uint32_t> df_;                  // by term id, live documents only
  std::vector<uint32_t> doc_len_;             // by ordinal
  std::vector<uint8_t> live_;                 // by ordinal
  std::vector<uint32_t> fwd_begin_{0};        // by ordinal (+1): range into fwd_terms_
  std::vector<uint32_t> fwd_terms_;           // distinct term ids of each document
  uint32_t live_count_ = 0;
  uint64_t total_len_ = 0;                    // sum of live document lengths
};

}  // namespace engram::index
