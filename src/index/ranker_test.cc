#include "index/ranker.h"

#include <gtest/gtest.h>

#include <random>

namespace engram::index {
namespace {

TEST(RankerFunctionsTest, NeighbourEvidence) {
  struct Case {
    double own, prev, next, wp, wn, want;
  } cases[] = {
      {2.0, 0.0, 0.0, 0.3, 0.15, 2.0},
      {0.0, 4.0, 0.0, 0.3, 0.15, 1.2},  // an answer turn inherits part of its question's match
      {1.0, 2.0, 4.0, 0.3, 0.15, 2.2},
      {1.0, 2.0, 4.0, 0.0, 0.0, 1.0},
  };
  for (const auto& c : cases) EXPECT_DOUBLE_EQ(NeighbourEvidence(c.own, c.prev, c.next, c.wp, c.wn), c.want);
}

TEST(RankerFunctionsTest, SpeakerAndTemporalBoosts) {
  const std::vector<std::string> names = {"caroline", "lgbtq"};
  EXPECT_DOUBLE_EQ(SpeakerBoost("Caroline", names, 0.25), 1.25);
  EXPECT_DOUBLE_EQ(SpeakerBoost("Melanie", names, 0.25), 1.0);
  EXPECT_DOUBLE_EQ(SpeakerBoost("", names, 0.25), 1.0);
  EXPECT_DOUBLE_EQ(SpeakerBoost("Carol", names, 0.25), 1.0);
  EXPECT_DOUBLE_EQ(TemporalBoost(true, true, 0.2), 1.2);
  EXPECT_DOUBLE_EQ(TemporalBoost(true, false, 0.2), 1.0);
  EXPECT_DOUBLE_EQ(TemporalBoost(false, true, 0.2), 1.0);
}

TEST(RankerFunctionsTest, TemporalTerms) {
  for (const char* t : {"yesterday", "week", "friday", "januari", "2023", "2023-05-08", "14:00", "ago"}) {
    EXPECT_TRUE(IsTemporalTerm(t)) << t;
  }
  for (const char* t : {"sushi", "1234", "3000", "caroline", "12", "paint"}) EXPECT_FALSE(IsTemporalTerm(t)) << t;
}

TEST(RankerFunctionsTest, FeedbackTermsNeedAgreementAndInformation) {
  std::vector<FeedbackCandidate> c = {
      {"pottery", 1.8, 3},   // in two top docs, rare: chosen first
      {"class", 1.5, 10},
      {"the", 2.0, 90},      // in most of the index: no information
      {"vase", 0.0, 2},      // no weight
  };
  auto out = SelectFeedbackTerms(c, 100, 2);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0], "pottery");
  EXPECT_EQ(out[1], "class");
}

TEST(RankerFunctionsTest, OverridesParseAndReject) {
  RankingParams p;
  ASSERT_TRUE(ApplyRankingOverrides("prev_weight=0.5,feedback_terms=0,fusion.alpha=0.8", p).ok());
  EXPECT_DOUBLE_EQ(p.prev_weight, 0.5);
  EXPECT_EQ(p.feedback_terms, 0u);
  EXPECT_DOUBLE_EQ(p.fusion.alpha, 0.8);
  EXPECT_EQ(ApplyRankingOverrides("nope=1", p).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ApplyRankingOverrides("prev_weight=x", p).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ApplyRankingOverrides("prev_weight", p).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(ApplyRankingOverrides("", p).ok());
}

// A small two-person conversation in two sessions.
class RankTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Add("D1:1", "Caroline", "s1", "Caroline: Hey Mel! How have you been?");
    Add("D1:2", "Melanie", "s1", "Melanie: What did you do this week?");
    Add("D1:3", "Caroline", "s1", "Caroline: I went to a LGBTQ support group yesterday and it was so powerful.");
    Add("D1:4", "Melanie", "s1", "Melanie: That sounds great. I took the kids to the museum.");
    Add("D2:1", "Melanie", "s2", "Melanie: Which pottery class are you taking?");
    Add("D2:2", "Caroline", "s2", "Caroline: The one downtown on Saturdays, I love it.");
    Add("D2:3", "Melanie", "s2", "Melanie: I support you going to the group, Caroline.");
  }
  void Add(const std::string& id, const std::string& speaker, const std::string& session, const std::string& text) {
    domain::Chunk c;
    c.id = id + "#0";
    c.record_id = id;
    c.kind = domain::RecordKind::kEvent;
    c.speaker = speaker;
    c.session_id = session;
    c.text = text;
    c.timestamp = 1'683'554'160'000;
    ASSERT_TRUE(index_.Add(c, {}, session).ok());
  }
  std::vector<std::string> Ranked(const std::string& question, RankingParams p = {}, RankRequest r = {}) {
    std::vector<Turn> turns = {{"user", question}};
    QueryPlan plan = BuildQuery(turns);
    r.k = r.k == 6 ? 10 : r.k;
    std::vector<std::string> ids;
    for (const auto& h : Rank(index_, plan, r, p).hits) ids.emplace_back(index_.RecordId(h.ordinal));
    return ids;
  }
  UserIndex index_;
};

TEST_F(RankTest, FindsTheAnswerTurnAndScoresInUnitRange) {
  std::vector<Turn> turns = {{"user", "When did Caroline go to the LGBTQ support group?"}};
  QueryPlan plan = BuildQuery(turns);
  RankResult r = Rank(index_, plan, RankRequest{.k = 5});
  ASSERT_FALSE(r.hits.empty());
  EXPECT_EQ(index_.RecordId(r.hits[0].ordinal), "D1:3");
  for (const auto& h : r.hits) {
    EXPECT_GT(h.score, 0.0f);
    EXPECT_LT(h.score, 1.0f);
  }
  for (size_t i = 1; i < r.hits.size(); ++i) EXPECT_GE(r.hits[i - 1].score, r.hits[i].score);
}

TEST_F(RankTest, SpeakerNamedInTheQuestionWins) {
  // Chat messages whose text does not carry the speaker's name: only the speaker field can tell.
  Add("E1", "Caroline", "s3", "I finally joined the support group for new runners near my flat");
  Add("E2", "Melanie", "s3", "The support group sounds nice");
  RankingParams off;
  off.speaker_boost = 0;
  off.feedback_terms = 0;
  off.session_weight = 0;
  off.prev_weight = off.next_weight = 0;
  RankingParams on = off;
  on.speaker_boost = 1.0;
  auto pos = [](const std::vector<std::string>& ids, const char* id) {
    return std::find(ids.begin(), ids.end(), id) - ids.begin();
  };
  auto without = Ranked("Caroline support group", off);
  auto with = Ranked("Caroline support group", on);
  EXPECT_LT(pos(without, "E2"), pos(without, "E1"));  // the shorter turn wins on BM25 alone
  EXPECT_LT(pos(with, "E1"), pos(with, "E2"));
}

TEST_F(RankTest, NeighbourBringsTheAnswerAfterAQuestion) {
  // D2:2 shares no word with the query; its question (D2:1) does.
  RankingParams off;
  off.prev_weight = 0;
  off.next_weight = 0;
  off.feedback_terms = 0;
  off.session_weight = 0;
  auto without = Ranked("pottery class", off);
  EXPECT_EQ(std::find(without.begin(), without.end(), "D2:2"), without.end());
  auto with = Ranked("pottery class");
  EXPECT_NE(std::find(with.begin(), with.end(), "D2:2"), with.end());
}

TEST_F(RankTest, ThresholdExclusionAndEmptyQuery) {
  RankRequest r;
  r.min_score = 0.99;
  EXPECT_TRUE(Ranked("LGBTQ support group", {}, r).empty());
  const std::vector<std::string> excluded = {"D1:3#0"};
  RankRequest ex;
  ex.exclude_chunk_ids = excluded;
  auto ids = Ranked("LGBTQ support group", {}, ex);
  EXPECT_EQ(std::find(ids.begin(), ids.end(), "D1:3"), ids.end());
  EXPECT_TRUE(Ranked("the of and").empty());
}

TEST_F(RankTest, RecencyFavoursNewerTurnsWhenAskedTo) {
  domain::Chunk old_c, new_c;
  old_c.id = "old#0"; old_c.record_id = "old"; old_c.text = "weekly budget review"; old_c.timestamp = 0;
  new_c.id = "new#0"; new_c.record_id = "new"; new_c.text = "weekly budget review"; new_c.timestamp = 86'400'000LL * 60;
  UserIndex idx;
  ASSERT_TRUE(idx.Add(old_c).ok());
  ASSERT_TRUE(idx.Add(new_c).ok());
  std::vector<Turn> turns = {{"user", "budget review"}};
  QueryPlan plan = BuildQuery(turns);
  RankRequest r;
  r.now = new_c.timestamp;
  RankingParams p;
  p.recency_weight = 0.5;
  auto hits = Rank(idx, plan, r, p).hits;
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(idx.RecordId(hits[0].ordinal), "new");
  EXPECT_LT(hits[1].score, hits[0].score);
  p.recency_weight = 0;
  hits = Rank(idx, plan, r, p).hits;
  EXPECT_FLOAT_EQ(hits[0].score, hits[1].score);
}

}  // namespace
}  // namespace engram::index

namespace engram::index {
namespace {

TEST(RankerFunctionsTest, BestScoresKeepsTheTop) {
  const std::vector<float> scores = {1.0f, 4.0f, 2.0f, 3.0f, 0.5f};
  BestScores best(3);
  for (float s : scores) best.Add(s);
  EXPECT_DOUBLE_EQ(best.Sum(), 9.0);
  BestScores none(0);
  none.Add(5);
  EXPECT_DOUBLE_EQ(none.Sum(), 0.0);
}

TEST(RankerFunctionsTest, BestScoresReplacesItsLowest) {
  BestScores best(2);
  best.Add(1.0f);
  best.Add(3.0f);
  best.Add(2.0f);  // replaces 1
  ASSERT_EQ(best.size(), 2u);
  std::vector<float> kept = {best.score(0), best.score(1)};
  std::sort(kept.begin(), kept.end());
  EXPECT_EQ(kept, (std::vector<float>{2.0f, 3.0f}));
  EXPECT_DOUBLE_EQ(best.Sum(), 5.0);
}

}  // namespace
}  // namespace engram::index

namespace engram::index {
namespace {

TEST(RankerFunctionsTest, PeriodBoost) {
  const std::vector<std::pair<TimeMs, TimeMs>> periods = {{100, 200}, {500, 600}};
  EXPECT_DOUBLE_EQ(PeriodBoost(150, periods, 0.3), 1.3);
  EXPECT_DOUBLE_EQ(PeriodBoost(500, periods, 0.3), 1.3);
  EXPECT_DOUBLE_EQ(PeriodBoost(200, periods, 0.3), 1.0);  // end is exclusive
  EXPECT_DOUBLE_EQ(PeriodBoost(50, {}, 0.3), 1.0);
}

TEST(QueryPeriodsTest, NamedPeriodsAreResolvedAgainstNow) {
  const TimeMs now = *ParseIso8601("2023-06-15T12:00:00Z");
  std::vector<Turn> turns = {{"user", "What did Melanie paint in May 2023?"}};
  QueryPlan plan = BuildQuery(turns, {}, now);
  ASSERT_EQ(plan.periods.size(), 1u);
  EXPECT_EQ(plan.periods[0].first, *ParseIso8601("2023-05-01"));
  EXPECT_EQ(plan.periods[0].second, *ParseIso8601("2023-06-01"));
  EXPECT_TRUE(BuildQuery(turns, {}, 0).periods.empty());
}

}  // namespace
}  // namespace engram::index

namespace engram::index {
namespace {

TEST(RankerFunctionsTest, DropRedundantSkipsDerivedItemsCoveringShownRecords) {
  UserIndex idx;
  auto add = [&](const std::string& id, domain::RecordKind kind, std::vector<std::string> sources) {
    domain::Chunk c;
    c.id = id;
    c.record_id = id.substr(0, id.find('#'));
    c.kind = kind;
    c.text = "text of " + id;
    c.source_ids = std::move(sources);
    ASSERT_TRUE(idx.Add(c).ok());
  };
  add("r1#0", domain::RecordKind::kEvent, {});
  add("r1#1", domain::RecordKind::kEvent, {});
  add("mem_a", domain::RecordKind::kMemory, {"r1"});        // covered by r1#0 above it
  add("mem_b", domain::RecordKind::kMemory, {"r1", "r2"});  // r2 not shown yet: kept
  add("r2#0", domain::RecordKind::kEvent, {});              // r2 covered by mem_b above it
  add("mem_c", domain::RecordKind::kMemory, {"r1"});        // covered by r1#0
  add("r3#0", domain::RecordKind::kEvent, {});
  std::vector<RankedHit> ranked;
  for (uint32_t o = 0; o < idx.ordinal_count(); ++o) ranked.push_back({o, 1.0f - o * 0.1f, 0, std::nullopt});
  auto ids = [&](const std::vector<RankedHit>& hits) {
    std::vector<std::string> out;
    for (const auto& h : hits) out.emplace_back(idx.ChunkId(h.ordinal));
    return out;
  };
  EXPECT_EQ(ids(DropRedundant(idx, ranked, 10)), (std::vector<std::string>{"r1#0", "r1#1", "mem_b", "r3#0"}));
  EXPECT_EQ(ids(DropRedundant(idx, ranked, 2)), (std::vector<std::string>{"r1#0", "r1#1"}));
}

}  // namespace
}  // namespace engram::index

namespace engram::index {
namespace {

TEST(RankerFunctionsTest, DerivedPriorAppliesToResultListsNotToEvidence) {
  UserIndex idx;
  domain::Chunk rec;
  rec.id = "d#0";
  rec.record_id = "d";
  rec.kind = domain::RecordKind::kDocument;
  rec.text = "meetings after 1 PM preferred";
  domain::Chunk mem;
  mem.id = "mem_1";
  mem.record_id = "mem_1";
  mem.kind = domain::RecordKind::kMemory;
  mem.text = "Prefers meetings after 1 PM";
  mem.source_ids = {"d"};
  ASSERT_TRUE(idx.Add(rec).ok());
  ASSERT_TRUE(idx.Add(mem).ok());
  std::vector<Turn> turns = {{"user", "meetings after 1 PM"}};
  QueryPlan plan = BuildQuery(turns);
  RankRequest list;
  auto shown = Rank(idx, plan, list).hits;
  ASSERT_EQ(shown.size(), 1u);  // the memory repeats the shown document
  EXPECT_EQ(idx.ChunkId(shown[0].ordinal), "d#0");
  RankRequest evidence;
  evidence.diversify = false;
  auto both = Rank(idx, plan, evidence).hits;
  ASSERT_EQ(both.size(), 2u);
  float mem_score = 0, doc_score = 0;
  for (const auto& h : both) (idx.ChunkId(h.ordinal) == "mem_1" ? mem_score : doc_score) = h.score;
  // Without the prior the shorter memory is at least as strong as its source.
  EXPECT_GE(mem_score, doc_score);
}

}  // namespace
}  // namespace engram::index


namespace engram::index {
namespace {

// Rank computes exact cosines only for the candidates that can reach the head of the list (the
// vector scan bounds the others). Whatever k, the list must be the head of the list a large k gives,
// for which nothing is left out: same chunks, same scores, same cosines, with and without
// DropRedundant, in both vector storages, over a corpus where every query word matches many chunks.
TEST(RankVectorsTest, SmallKIsTheHeadOfTheFullList) {
  const std::vector<std::string> words = {"pottery", "museum", "garden", "camping", "violin", "paint",
                                          "hiking",  "bakery", "sunset", "library", "kayak",  "chess",
                                          "pizza",   "yoga",   "guitar", "river",   "summer", "beach"};
  // Wide: varied texts and vectors. Tight: few distinct texts and vectors close to a few directions,
  // so the order of most chunks is decided by cosines closer than int8 can tell apart.
  for (const bool tight : {false, true}) {
  for (const VectorStorage storage : {VectorStorage::kFloat32, VectorStorage::kInt8}) {
    IndexOptions options;
    options.vector_storage = storage;
    UserIndex idx(options);
    std::mt19937 rng(21);
    std::normal_distribution<float> gauss(0.f, 1.f);
    std::vector<std::vector<float>> topics;  // chunks near a few directions: many close cosines
    for (int t = 0; t < 6; ++t) {
      std::vector<float> v(128);
      for (float& x : v) x = gauss(rng);
      topics.push_back(v);
    }
    auto near = [&](size_t topic) {
      std::vector<float> v = topics[topic % topics.size()];
      for (float& x : v) x += (tight ? 0.02f : 0.8f) * gauss(rng);
      return v;
    };
    for (int i = 0; i < 2500; ++i) {
      domain::Chunk c;
      c.record_id = "r" + std::to_string(i);
      c.id = c.record_id + "#0";
      c.kind = i % 50 == 7 ? domain::RecordKind::kMemory : domain::RecordKind::kEvent;
      if (c.kind == domain::RecordKind::kMemory) c.source_ids = {"r" + std::to_string(i - 1)};
      for (int w = 0; w < 8; ++w) c.text += words[(tight ? i % 3 + w : rng()) % words.size()] + " ";
      c.session_id = "s" + std::to_string(i / 25);
      // Every ninth chunk has no vector yet.
      ASSERT_TRUE(idx.Add(c, i % 9 == 4 ? std::vector<float>{} : near(static_cast<size_t>(i)), c.session_id).ok());
    }
    size_t computed_full = 0, computed_head = 0;  // float32 cosines computed beyond the scan's
    for (int qi = 0; qi < 30; ++qi) {
      const size_t vocabulary = tight ? 10 : words.size();  // tight texts use the first 10 words
      std::vector<Turn> turns = {{"user", "what about " + words[rng() % vocabulary] + " and " +
                                              words[rng() % vocabulary] + " " + words[rng() % vocabulary]}};
      const QueryPlan plan = BuildQuery(turns);
      const std::vector<float> qv = near(static_cast<size_t>(qi));
      for (const bool diversify : {true, false}) {
        RankRequest full;
        full.k = 100000;
        full.query_vector = qv;
        full.diversify = diversify;
        const RankResult all = Rank(idx, plan, full, {});
        ASSERT_TRUE(all.used_vectors);
        ASSERT_GT(all.hits.size(), 200u) << "tight " << tight << " q " << qi;
        for (const size_t k : {1u, 6u, 20u, 100u}) {
          RankRequest head = full;
          head.k = k;
          const RankResult got = Rank(idx, plan, head, {});
          ASSERT_EQ(got.hits.size(), k);
          computed_full += all.cosines_computed;
          computed_head += got.cosines_computed;
          for (size_t i = 0; i < k; ++i) {
            const std::string where = "q " + std::to_string(qi) + " k " + std::to_string(k) + " #" + std::to_string(i);
            EXPECT_EQ(got.hits[i].ordinal, all.hits[i].ordinal) << where;
            EXPECT_EQ(got.hits[i].score, all.hits[i].score) << where;
            EXPECT_EQ(got.hits[i].cosine, all.hits[i].cosine) << where;
          }
        }
      }
    }
    // The lists above are equal although the short ones left most cosines uncomputed; int8 storage
    // computes none beyond its (exact) scan.
    if (storage == VectorStorage::kInt8) {
      EXPECT_EQ(computed_full + computed_head, 0u);
    } else {
      EXPECT_GT(computed_full, 0u);
      EXPECT_LT(computed_head * 4, computed_full);
    }
  }
  }
}


// The feedback pass starts from the first pass (its pool, each session's best turns) and reads only
// the query's matches the added terms match, skipping those that cannot enter the pool. Where every
// chunk matches the query, it must give what ranking the expanded query from scratch gives: the same
// list in the same order, over a corpus where pools are full (the pool is small) and sessions share
// turns.
TEST(RankFeedbackTest, FeedbackPassEqualsRankingTheExpandedQuery) {
  const std::vector<std::string> words = {"pottery", "museum", "garden", "camping", "violin", "paint", "hiking",
                                          "bakery",  "sunset", "library", "kayak",  "chess",  "pizza", "yoga",
                                          "guitar",  "river",  "summer", "beach",  "novel",  "tennis"};
  UserIndex idx;
  std::mt19937 rng(5);
  for (int i = 0; i < 3000; ++i) {
    domain::Chunk c;
    c.record_id = "r" + std::to_string(i);
    c.id = c.record_id + "#0";
    c.kind = domain::RecordKind::kEvent;
    // Skewed word draws, so some words are in most chunks and others rare; "note" is in every chunk.
    c.text = "note ";
    for (int w = 0; w < 6 + i % 5; ++w) c.text += words[(rng() % words.size()) * (rng() % words.size()) / words.size()] + " ";
    c.session_id = "s" + std::to_string(i / 20);
    ASSERT_TRUE(idx.Add(c, {}, c.session_id).ok());
  }
  RankingParams p;
  p.candidate_pool = 40;
  size_t expanded = 0;
  for (int qi = 0; qi < 40; ++qi) {
    std::vector<Turn> turns = {
        {"user", "what about the note on " + words[rng() % words.size()] + " and " + words[rng() % words.size()]}};
    const QueryPlan plan = BuildQuery(turns);
    RankRequest r;
    r.k = 30;
    r.diversify = false;
    const RankResult got = Rank(idx, plan, r, p);
    if (got.feedback_terms.empty()) continue;
    ++expanded;
    QueryPlan with = plan;
    for (const auto& t : got.feedback_terms) with.terms.push_back({t, static_cast<float>(p.feedback_weight)});
    RankingParams no_feedback = p;
    no_feedback.feedback_terms = 0;
    const RankResult want = Rank(idx, with, r, no_feedback);
    ASSERT_EQ(got.hits.size(), want.hits.size()) << "q " << qi;
    // Scores differ in scale (the calibration uses the original query's own score) but not in order.
    for (size_t i = 0; i < want.hits.size(); ++i) EXPECT_EQ(got.hits[i].ordinal, want.hits[i].ordinal) << "q " << qi << " #" << i;
  }
  EXPECT_GT(expanded, 20u);
}

// Adds the event chunk "<id>#0" of record `id` to `session`, without a vector.
void AddTurn(UserIndex& idx, const std::string& id, const std::string& session, const std::string& text) {
  domain::Chunk c;
  c.record_id = id;
  c.id = id + "#0";
  c.kind = domain::RecordKind::kEvent;
  c.text = text;
  ASSERT_TRUE(idx.Add(c, {}, session).ok());
}

// Feedback reweights the query's matches; a chunk that matches only the added terms is not brought
// in (it stays out of the list whatever k), unless it is the session neighbour of a match.
TEST(RankFeedbackTest, FeedbackBringsInNoChunkOutsideTheQuery) {
  UserIndex idx;
  AddTurn(idx, "a", "s1", "pottery class with glaze and kiln firing");
  AddTurn(idx, "b", "s2", "my pottery class glaze turned out blue in the kiln");
  AddTurn(idx, "c", "s3", "pottery class tonight, kiln glaze again");
  AddTurn(idx, "d", "s4", "the glaze cracked in the kiln");      // only the feedback terms, alone in its session
  AddTurn(idx, "e", "s5", "pottery class was cancelled");
  AddTurn(idx, "f", "s5", "glaze and kiln are expensive");       // only the feedback terms, after a match
  for (int i = 0; i < 30; ++i) AddTurn(idx, "x" + std::to_string(i), "s" + std::to_string(10 + i), "weather report number " + std::to_string(i));
  const QueryPlan plan = BuildQuery(std::vector<Turn>{{"user", "how is the pottery class going?"}});
  RankRequest r;
  r.k = 50;
  r.diversify = false;
  const RankResult got = Rank(idx, plan, r, {});
  ASSERT_FALSE(got.feedback_terms.empty());
  EXPECT_NE(std::find(got.feedback_terms.begin(), got.feedback_terms.end(), "kiln"), got.feedback_terms.end());
  std::vector<std::string> ids;
  for (const auto& h : got.hits) ids.emplace_back(idx.RecordId(h.ordinal));
  EXPECT_EQ(std::find(ids.begin(), ids.end(), "d"), ids.end());
  EXPECT_NE(std::find(ids.begin(), ids.end(), "f"), ids.end());  // the neighbour of "e"
  for (const auto& id : {"a", "b", "c", "e"}) EXPECT_NE(std::find(ids.begin(), ids.end(), id), ids.end()) << id;
}

// Session evidence: of two equal turns, the one whose session matches the query elsewhere too ranks
// first; the evidence counts the session's best turns among the candidates, not its neighbours.
TEST(RankSessionTest, SessionEvidenceLiftsTheTurnsOfAMatchingSession) {
  UserIndex idx;
  AddTurn(idx, "b0", "s2", "the weather was grey");
  AddTurn(idx, "b", "s2", "we talked about the pottery class");  // first: wins ties by ordinal
  AddTurn(idx, "b1", "s2", "then we had lunch");
  AddTurn(idx, "a1", "s1", "pottery class pottery class, the pottery class again");
  AddTurn(idx, "a2", "s1", "my pottery class and her pottery class");
  AddTurn(idx, "a3", "s1", "the weather was grey");                // neither of A's neighbours matches
  AddTurn(idx, "a", "s1", "we talked about the pottery class");
  AddTurn(idx, "a4", "s1", "then we had lunch");
  for (int i = 0; i < 20; ++i) AddTurn(idx, "x" + std::to_string(i), "s" + std::to_string(10 + i), "a note about the garden " + std::to_string(i));
  const QueryPlan plan = BuildQuery(std::vector<Turn>{{"user", "pottery class?"}});
  RankRequest r;
  r.k = 10;
  r.diversify = false;
  auto position = [&](const RankingParams& p, const std::string& id) {
    const RankResult got = Rank(idx, plan, r, p);
    for (size_t i = 0; i < got.hits.size(); ++i) {
      if (idx.RecordId(got.hits[i].ordinal) == id) return static_cast<int>(i);
    }
    return -1;
  };
  RankingParams p;
  p.feedback_terms = 0;
  ASSERT_GE(position(p, "a"), 0);
  ASSERT_GE(position(p, "b"), 0);
  EXPECT_LT(position(p, "a"), position(p, "b"));
  RankingParams off = p;
  off.session_weight = 0;
  EXPECT_GT(position(off, "a"), position(off, "b"));  // equal scores: ordinal order
}

}  // namespace
}  // namespace engram::index
