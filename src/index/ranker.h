// Ranker: the retrieval model of /chunks over one user's index.
//
// Rank() takes as candidates the chunks that match the query best lexically (BM25 over the weighted
// query terms) and, when a query vector is given, the nearest by cosine (an int8 scan of every row);
// then reranks them with evidence plain BM25 ignores, each a separate pure function below with its
// own table test:
// - neighbours: a turn is indexed with its session neighbours' evidence (the turn before it asks what
//   this one answers), NeighbourEvidence;
// - session: turns of a session that matches the query as a whole rank higher (the sum of the
//   session's best turn scores in the candidate pool, BestScores, times session_weight);
// - speaker and entities: a name in the question matches the turns that person said, SpeakerBoost;
// - time: a "when" question favours turns that carry a date or a time word, TemporalBoost; a question
//   that names a period ("in May 2023") favours turns whose record happened in it, PeriodBoost;
// - pseudo-relevance feedback: terms frequent in the first-pass best turns and rare elsewhere are
//   added to the query at a low weight and the query's matches rescored (no chunk that matches only
//   the added terms is brought in), SelectFeedbackTerms.
// The combined lexical evidence is calibrated into [0, 1] against the query's own score (fusion.h),
// fused with the calibrated cosine when vectors exist, and cut at the threshold.
// Pure function of the index, the query and the parameters; thread-safe under the index's shared lock.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "index/fusion.h"
#include "index/query_builder.h"
#include "index/user_index.h"

namespace engram::index {

struct RankingParams {
  FusionParams fusion;            // lexical/vector calibration and fusion
  size_t candidate_pool = 300;    // first-pass lexical candidates that are reranked
  size_t vector_pool = 100;       // nearest chunks by cosine added as candidates (k is at most 100)
  double prev_weight = 0.30;      // share of the previous session turn's score added to a turn
  double next_weight = 0.15;      // share of the next session turn's score
  double session_weight = 0.15;   // session evidence, relative to the query's self score
  size_t session_top = 3;         // a session's evidence is the sum of its best turns
  double speaker_boost = 0.25;    // multiplier bonus when the turn's speaker is named in the query
  double temporal_boost = 0.20;   // multiplier bonus for turns with time words on when-questions
  double period_boost = 0.30;     // multiplier bonus for turns that happened in a period the query names
  size_t feedback_docs = 3;       // pseudo-relevance feedback: best first-pass turns read
  size_t feedback_terms = 8;      // terms added
  double feedback_weight = 0.25;  // weight of an added term (query terms weigh up to 1)
  bool drop_redundant = true;     // see DropRedundant
  double derived_weight = 0.7;    // prior on memories and Stage 3 answers relative to record chunks
                                  // (result lists only, see RankRequest::diversify)
  double recency_weight = 0;      // 0 = off; 1 = score fully multiplied by the age decay
  double recency_half_life_days = 30;
};

struct RankRequest {
  size_t k = 6;
  double min_score = 0.0;                          // similarity threshold on the final [0, 1] score
  std::span<const std::string> exclude_chunk_ids;
  std::span<const float> query_vector;             // empty: lexical only
  TimeMs now = 0;
  uint32_t kinds = kAllKinds;
  bool diversify = true;   // result list for an agent: DropRedundant and the derived_weight prior apply;
                           // false gathers evidence (memories beside their sources, no prior)
};

struct RankedHit {
  uint32_t ordinal = 0;
  float score = 0;                // final, [0, 1]
  float lexical = 0;              // calibrated lexical evidence
  std::optional<float> cosine;
};

struct RankResult {
  std::vector<RankedHit> hits;
  size_t total_candidates = 0;    // candidates reranked (the pool, its neighbours, the vector pool)
  size_t lexical_candidates = 0;  // chunks the query's terms match (feedback reweights these only)
  size_t vector_candidates = 0;   // the nearest chunks by cosine
  size_t cosines_computed = 0;  // float32 cosines computed for candidates the vector scan had not
  bool used_vectors = false;
  std::vector<std::string> feedback_terms;  // the terms pseudo-relevance feedback added to the query
};

// Overrides fields of `params` from "name=value,name=value" (names as the fields above, fusion fields
// as fusion.alpha / fusion.bm25_k). InvalidArgument names an unknown field or a bad number.
Status ApplyRankingOverrides(std::string_view spec, RankingParams& params);

RankResult Rank(const UserIndex& index, const QueryPlan& plan, const RankRequest& request,
                const RankingParams& params = {});

// Result diversity: a derived item (memory, Stage 3 answer) whose source records are all already among
// the better-ranked record chunks adds nothing an agent needs twice, and neither does a record chunk
// whose record is already covered by a better-ranked derived item. Such hits are skipped; the rest keep
// their order, up to k. Record chunks never hide each other (passages of one document differ), and
// neither do derived items (two memories from one message are two facts).
std::vector<RankedHit> DropRedundant(const UserIndex& index, std::span<const RankedHit> ranked, size_t k);

// --- The evidence functions (pure).

// Own score plus shares of the session neighbours' scores.
double NeighbourEvidence(double own, double prev, double next, double prev_weight, double next_weight);
// The best `keep` (at most 8) scores seen, for session evidence in one pass over a pool.
class BestScores {
 public:
  explicit BestScores(size_t keep = 3) : keep_(static_cast<uint8_t>(keep < 8 ? keep : 8)) {}
  void Add(float s) {
    if (n_ < keep_) {
      top_[n_++] = s;
      if (n_ == keep_) FindLowest();
    } else if (n_ > 0 && s > top_[low_]) {  // the common case, once full, is a single comparison
      top_[low_] = s;
      FindLowest();
    }
  }
  double Sum() const {
    double sum = 0;
    for (size_t i = 0; i < n_; ++i) sum += top_[i];
    return sum;
  }
  // The kept scores, in no particular order.
  size_t size() const { return n_; }
  float score(size_t i) const { return top_[i]; }

 private:
  // The first of the lowest kept scores: the one a better score replaces.
  void FindLowest() {
    low_ = 0;
    for (uint8_t i = 1; i < n_; ++i) low_ = top_[i] < top_[low_] ? i : low_;
  }

  uint8_t keep_;
  uint8_t n_ = 0;
  uint8_t low_ = 0;  // valid once n_ == keep_
  float top_[8] = {};
};

// 1 + boost when `speaker` (any case) is one of `names`, else 1.
double SpeakerBoost(std::string_view speaker, std::span<const std::string> names, double boost);
// 1 + boost when the question asks "when" and the turn has a temporal term, else 1.
double TemporalBoost(bool when_question, bool has_temporal_term, double boost);
// 1 + boost when `timestamp` lies in one of `periods` ([start, end)), else 1.
double PeriodBoost(TimeMs timestamp, std::span<const std::pair<TimeMs, TimeMs>> periods, double boost);
// True for analyzed terms that date a statement: weekdays, months, relative days, "ago", years,
// ISO dates and times as the analyzer writes them.
bool IsTemporalTerm(std::string_view term);

struct FeedbackCandidate {
  std::string term;
  double weight_sum = 0;  // sum over feedback documents of the document's normalized score
  uint32_t doc_freq = 0;  // in the whole index
};
// Picks up to `max_terms` terms with the highest weight_sum * idf, skipping terms present in at most
// one feedback document (no agreement) and terms in more than half of the index (no information).
std::vector<std::string> SelectFeedbackTerms(std::vector<FeedbackCandidate> candidates, uint32_t doc_count,
                                             size_t max_terms);

}  // namespace engram::index
