// Ranker: the retrieval model of /chunks over one user's index.
//
// Rank() scores every chunk that matches the query lexically (BM25 over the weighted query terms) or,
// when a query vector is given, by cosine, then reranks the candidates with evidence a plain BM25
// ignores (see RankingParams), calibrates the result into [0, 1] and cuts at the threshold.
// Pure function of the index, the query and the parameters; thread-safe under the index's shared lock.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "index/fusion.h"
#include "index/query_builder.h"
#include "index/user_index.h"

namespace engram::index {

struct RankingParams {
  FusionParams fusion;           // lexical/vector calibration and fusion
  size_t candidate_pool = 200;   // candidates reranked
};

struct RankRequest {
  size_t k = 6;
  double min_score = 0.0;                          // similarity threshold on the final [0, 1] score
  std::span<const std::string> exclude_chunk_ids;
  std::span<const float> query_vector;             // empty: lexical only
  TimeMs now = 0;
  uint32_t kinds = kAllKinds;
};

struct RankedHit {
  uint32_t ordinal = 0;
  float score = 0;                // final, [0, 1]
  float lexical = 0;              // calibrated lexical evidence
  std::optional<float> cosine;
};

struct RankResult {
  std::vector<RankedHit> hits;
  size_t total_candidates = 0;
  size_t lexical_candidates = 0;
  size_t vector_candidates = 0;
  bool used_vectors = false;
};

RankResult Rank(const UserIndex& index, const QueryPlan& plan, const RankRequest& request,
                const RankingParams& params = {});

}  // namespace engram::index
