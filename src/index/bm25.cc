#include "index/bm25.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace engram::index {

double Bm25Idf(uint64_t doc_count, uint64_t doc_freq) {
  const double n = static_cast<double>(doc_count);
  const double df = static_cast<double>(std::min(doc_freq, doc_count));
  return std::log(1.0 + (n - df + 0.5) / (df + 0.5));
}

double Bm25LengthNorm(uint32_t doc_len, double avg_doc_len, const Bm25Params& params) {
  const double ratio = avg_doc_len > 0 ? static_cast<double>(doc_len) / avg_doc_len : 1.0;
  return params.k1 * (1.0 - params.b + params.b * ratio);
}

double Bm25TermScore(double idf, uint32_t tf, uint32_t doc_len, double avg_doc_len,
                     const Bm25Params& params) {
  if (tf == 0) return 0.0;
  const double t = static_cast<double>(tf);
  return idf * t * (params.k1 + 1.0) / (t + Bm25LengthNorm(doc_len, avg_doc_len, params));
}

double Bm25DocScore(std::span<const TermMatch> terms, uint64_t doc_count, uint32_t doc_len,
                    double avg_doc_len, const Bm25Params& params) {
  double s = 0;
  for (const TermMatch& t : terms) {
    if (t.tf == 0) continue;
    s += t.weight * Bm25TermScore(Bm25Idf(doc_count, t.df), t.tf, doc_len, avg_doc_len, params);
  }
  return s;
}

double Bm25SelfScore(std::span<const double> idfs, std::span<const double> weights) {
  double s = 0;
  for (size_t i = 0; i < idfs.size() && i < weights.size(); ++i) s += weights[i] * idfs[i];
  return s;
}

double Bm25MaxScore(std::span<const double> idfs, std::span<const double> weights,
                    const Bm25Params& params) {
  return Bm25SelfScore(idfs, weights) * (params.k1 + 1.0);
}

std::vector<WeightedTerm> MergeWeightedTerms(std::span<const WeightedTerm> terms) {
  std::vector<WeightedTerm> out;
  out.reserve(terms.size());
  std::unordered_map<std::string_view, size_t> seen;  // views into `terms`, which outlives the map
  for (const WeightedTerm& t : terms) {
    if (t.term.empty() || !(t.weight > 0)) continue;
    auto [it, inserted] = seen.emplace(t.term, out.size());
    if (inserted) {
      out.push_back(t);
    } else {
      out[it->second].weight = std::max(out[it->second].weight, t.weight);
    }
  }
  return out;
}

}  // namespace engram::index
