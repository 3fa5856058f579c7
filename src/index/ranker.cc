#include "index/ranker.h"

namespace engram::index {

RankResult Rank(const UserIndex& index, const QueryPlan& plan, const RankRequest& request,
                const RankingParams& params) {
  RankResult result;
  SearchRequest sr;
  sr.terms = plan.terms;
  sr.query_vector = request.query_vector;
  sr.k = request.k;
  sr.candidate_pool = params.candidate_pool;
  sr.exclude_chunk_ids = request.exclude_chunk_ids;
  sr.kinds = request.kinds;
  sr.fusion = params.fusion;
  sr.min_score = request.min_score;
  result.used_vectors = index.AcceptsQueryVector(request.query_vector);
  for (const Hit& h : index.Search(sr)) {
    result.hits.push_back({h.ordinal, h.score, h.lexical, h.cosine});
    if (h.bm25 > 0) ++result.lexical_candidates;
    if (h.cosine) ++result.vector_candidates;
  }
  result.total_candidates = result.hits.size();
  return result;
}

}  // namespace engram::index
