// Score calibration, fusion and recency: pure functions, so that ranking arithmetic lives in one
// place with table tests (not inlined in the search loop).
//
// Calibration puts both signals on [0, 1] so that ONE similarity threshold means the same thing with
// an embedder configured and without one:
//
//   lexical = s / (s + K * self)                                              (CalibrateBm25)
//     s    = the document's weighted BM25 score,
//     self = the query's own reference score: sum over its distinct terms of weight * IDF, i.e. the
//            BM25 of an average-length document containing each query term exactly once
//            (Bm25SelfScore; terms absent from the corpus count too: a document missing part of the
//            query should score lower). It depends only on the query and corpus statistics, so the
//            same match scores the same whatever else is in the result list.
//     K    = 0.5 by default: a document saying what the query says (s = self) -> 0.67, one matching
//            half the query's IDF mass -> 0.5, a fifth of it -> 0.29; repeated, short matches
//            approach but never reach 1. These land where cosines of a typical sentence-embedding
//            model land for the same judgments (strong ~0.6-0.8, weak ~0.2-0.3).
//   vector  = clamp((cosine - lo) / (hi - lo), 0, 1), lo = 0, hi = 1 by default    (CalibrateCosine)
//   fused   = alpha * vector + (1 - alpha) * lexical   when the query and the chunk both have vectors,
//             lexical                                   otherwise                  (FuseWeighted)
//
// Recency: decay = 0.5 ^ (age_days / half_life_days) (1 for future timestamps or half-life <= 0);
// score * (1 - weight + weight * decay), so weight 0 disables it and the result stays in [0, 1].
//
// Thread-safety: pure functions.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>

#include "common/time.h"

namespace engram::index {

struct FusionParams {
  double alpha = 0.6;      // weight of the vector signal
  double bm25_k = 0.5;     // K of CalibrateBm25
  double cosine_lo = 0.0;  // cosine mapped to 0
  double cosine_hi = 1.0;  // cosine mapped to 1
};

// Inline: the search loop evaluates these for every candidate chunk.

// s / (s + k * self); 0 when s <= 0 or self <= 0.
inline double CalibrateBm25(double score, double self_score, double k = 0.5) {
  if (!(score > 0) || !(self_score > 0)) return 0.0;
  return score / (score + k * self_score);
}
// clamp((cosine - lo) / (hi - lo), 0, 1); hi <= lo is treated as a step at lo; NaN -> 0.
inline double CalibrateCosine(double cosine, double lo = 0.0, double hi = 1.0) {
  if (std::isnan(cosine)) return 0.0;
  if (!(hi > lo)) return cosine >= lo ? 1.0 : 0.0;
  return std::clamp((cosine - lo) / (hi - lo), 0.0, 1.0);
}
// alpha * vector + (1 - alpha) * lexical, or lexical alone when vector is absent. alpha clamped to [0, 1].
inline double FuseWeighted(double lexical, std::optional<double> vector, double alpha) {
  if (!vector) return lexical;
  const double a = std::clamp(alpha, 0.0, 1.0);
  return a * *vector + (1.0 - a) * lexical;
}

// 0.5 ^ (age / half_life). 1 when timestamp >= now or half_life_days <= 0.
double RecencyDecay(TimeMs now, TimeMs timestamp, double half_life_days);
// score * (1 - weight + weight * decay); weight clamped to [0, 1].
inline double ApplyRecency(double score, double decay, double weight) {
  const double w = std::clamp(weight, 0.0, 1.0);
  return score * (1.0 - w + w * decay);
}

}  // namespace engram::index
