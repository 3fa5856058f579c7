#include "index/inverted_index.h"

#include <algorithm>
#include <limits>

namespace engram::index {

void LexicalScores::Reset(size_t ordinals) {
  for (size_t i = 0; i < n_touched_; ++i) {
    score_[touched_[i]] = 0;
    matched_[touched_[i]] = 0;
  }
  n_touched_ = 0;
  if (score_.size() < ordinals) {
    score_.resize(ordinals, 0.f);
    matched_.resize(ordinals, 0);
  }
  // One spare slot: the scoring loop writes a candidate before deciding whether to keep it.
  if (touched_.size() < score_.size() + 1) touched_.resize(score_.size() + 1);
  self_score_ = max_score_ = 0;
  query_terms_ = known_terms_ = 0;
}

uint32_t InvertedIndex::Add(std::span<const std::string> terms) {
  const auto ordinal = static_cast<uint32_t>(live_.size());
  // Postings are appended in ordinal order, so a term already seen in this document is the one whose
  // last posting is this document: term frequencies are counted in place, without sorting.
  for (const std::string& t : terms) {
    const uint32_t id = terms_.Intern(t);
    if (id == postings_.size()) {
      postings_.emplace_back();
      df_.push_back(0);
    }
    std::vector<Posting>& list = postings_[id];
    if (!list.empty() && list.back().doc == ordinal) {
      if (list.back().tf < UINT16_MAX) ++list.back().tf;
      continue;
    }
    list.push_back({ordinal, 1});
    ++df_[id];
    fwd_terms_.push_back(id);
  }
  fwd_begin_.push_back(static_cast<uint32_t>(fwd_terms_.size()));
  const auto len = static_cast<uint32_t>(terms.size());
  doc_len_.push_back(len);
  live_.push_back(1);
  ++live_count_;
  total_len_ += len;
  return ordinal;
}

bool InvertedIndex::Remove(uint32_t ordinal) {
  if (!IsLive(ordinal)) return false;
  live_[ordinal] = 0;
  --live_count_;
  total_len_ -= doc_len_[ordinal];
  for (uint32_t i = fwd_begin_[ordinal]; i < fwd_begin_[ordinal + 1]; ++i) --df_[fwd_terms_[i]];
  return true;
}

std::vector<uint32_t> InvertedIndex::Compact() {
  const uint32_t n = ordinal_count();
  std::vector<uint32_t> remap(n, kNoOrdinal);
  uint32_t next = 0;
  for (uint32_t d = 0; d < n; ++d) {
    if (live_[d]) remap[d] = next++;
  }

  // Terms still used by a live document, renumbered in id order into a fresh dictionary.
  StringTable terms;
  std::vector<std::vector<Posting>> postings;
  std::vector<uint32_t> df;
  std::vector<uint32_t> term_remap(postings_.size(), StringTable::kNone);
  for (uint32_t t = 0; t < postings_.size(); ++t) {
    if (df_[t] == 0) continue;
    term_remap[t] = terms.Intern(terms_.Get(t));
    std::vector<Posting> kept;
    kept.reserve(df_[t]);
    for (const Posting& p : postings_[t]) {
      if (remap[p.doc] != kNoOrdinal) kept.push_back({remap[p.doc], p.tf});
    }
    postings.push_back(std::move(kept));
    df.push_back(df_[t]);
  }

  std::vector<uint32_t> doc_len, fwd_begin{0}, fwd_terms;
  doc_len.reserve(next);
  fwd_begin.reserve(next + 1);
  for (uint32_t d = 0; d < n; ++d) {
    if (!live_[d]) continue;
    doc_len.push_back(doc_len_[d]);
    for (uint32_t i = fwd_begin_[d]; i < fwd_begin_[d + 1]; ++i) fwd_terms.push_back(term_remap[fwd_terms_[i]]);
    fwd_begin.push_back(static_cast<uint32_t>(fwd_terms.size()));
  }
  fwd_terms.shrink_to_fit();

  terms_ = std::move(terms);
  postings_ = std::move(postings);
  df_ = std::move(df);
  doc_len_ = std::move(doc_len);
  fwd_begin_ = std::move(fwd_begin);
  fwd_terms_ = std::move(fwd_terms);
  live_.assign(next, 1);
  return remap;
}

void InvertedIndex::ShrinkToFit() {
  for (auto& p : postings_) p.shrink_to_fit();
  postings_.shrink_to_fit();
  df_.shrink_to_fit();
  doc_len_.shrink_to_fit();
  live_.shrink_to_fit();
  fwd_begin_.shrink_to_fit();
  fwd_terms_.shrink_to_fit();
}

uint32_t InvertedIndex::DocFreq(std::string_view term) const {
  const uint32_t id = terms_.Find(term);
  return id == StringTable::kNone ? 0 : df_[id];
}

void InvertedIndex::Score(std::span<const WeightedTerm> query, LexicalScores& out) const {
  out.Reset(ordinal_count());
  const std::vector<WeightedTerm> merged = MergeWeightedTerms(query);
  out.query_terms_ = static_cast<uint32_t>(merged.size());
  const double avg = AvgDocLength();
  const double k1 = params_.k1;
  // Length norm k1 * (1 - b + b * len / avg) = c0 + c1 * len, so the inner loop is one FMA and a divide.
  const float c0 = static_cast<float>(k1 * (1.0 - params_.b));
  const float c1 = static_cast<float>(avg > 0 ? k1 * params_.b / avg : 0.0);
  const float k1p1 = static_cast<float>(k1 + 1.0);
  for (const WeightedTerm& wt : merged) {
    const uint32_t id = terms_.Find(wt.term);
    const uint32_t df = id == StringTable::kNone ? 0 : df_[id];
    const double idf = Bm25Idf(live_count_, df);
    out.max_score_ += wt.weight * idf * (k1 + 1.0);
    // A term no chunk contains cannot be matched; counting it in the calibration reference would
    // only lower every score ("the user" in a question about the user is not in the user's data).
    if (df == 0) continue;  // a live document uses the term, so avg > 0 below
    out.self_score_ += wt.weight * idf;
    ++out.known_terms_;
    const float wi = static_cast<float>(wt.weight * idf) * k1p1;
    // Raw pointers: the compiler cannot prove the vectors' buffers do not alias each other, and
    // would reload them after every store. touched_ has room for every ordinal (Reset).
    float* __restrict score = out.score_.data();
    uint16_t* __restrict matched = out.matched_.data();
    uint32_t* __restrict touched = out.touched_.data();
    const uint32_t* __restrict len = doc_len_.data();
    size_t n_touched = out.n_touched_;
    for (const Posting& p : postings_[id]) {
      const uint32_t d = p.doc;
      const float tf = p.tf;
      touched[n_touched] = d;
      n_touched += matched[d] == 0;  // branch-free append of first touches
      score[d] += wi * tf / (tf + c0 + c1 * static_cast<float>(len[d]));
      ++matched[d];
    }
    out.n_touched_ = n_touched;
  }
}

std::vector<ScoredDoc> InvertedIndex::TopK(std::span<const WeightedTerm> query, size_t k,
                                           DocFilter filter) const {
  thread_local LexicalScores scores;
  Score(query, scores);
  TopKCollector top(k);
  for (uint32_t d : scores.touched()) {
    if (!live_[d] || (filter && !filter(d))) continue;
    top.Push({d, scores.score(d), scores.matched(d)});
  }
  return top.Take();
}

size_t InvertedIndex::MemoryBytes() const {
  size_t bytes = sizeof(*this) + terms_.MemoryBytes();
  bytes += postings_.capacity() * sizeof(std::vector<Posting>);
  for (const auto& p : postings_) bytes += p.capacity() * sizeof(Posting);
  bytes += (df_.capacity() + doc_len_.capacity() + fwd_begin_.capacity() + fwd_terms_.capacity()) *
           sizeof(uint32_t);
  bytes += live_.capacity();
  return bytes;
}

}  // namespace engram::index
