#include "index/inverted_index.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace engram::index {
namespace {

using Terms = std::vector<std::string>;

// d0: coffee x2, morning (len 3); d1: tea, morning (len 2); d2: coffee, tea, evening, walk (len 4).
InvertedIndex ThreeDocs() {
  InvertedIndex idx;
  EXPECT_EQ(idx.Add(Terms{"coffee", "morning", "coffee"}), 0u);
  EXPECT_EQ(idx.Add(Terms{"tea", "morning"}), 1u);
  EXPECT_EQ(idx.Add(Terms{"coffee", "tea", "evening", "walk"}), 2u);
  return idx;
}

TEST(InvertedIndexTest, ScoresMatchTheReferenceFormula) {
  InvertedIndex idx = ThreeDocs();
  EXPECT_EQ(idx.DocFreq("coffee"), 2u);
  EXPECT_EQ(idx.DocFreq("walk"), 1u);
  EXPECT_EQ(idx.DocFreq("absent"), 0u);
  EXPECT_DOUBLE_EQ(idx.AvgDocLength(), 3.0);

  const std::vector<WeightedTerm> q = {{"coffee", 1.0f}, {"morning", 0.5f}};
  const std::vector<ScoredDoc> top = idx.TopK(q, 10);
  ASSERT_EQ(top.size(), 3u);
  struct Want {
    uint32_t ordinal;
    std::vector<TermMatch> terms;
    uint32_t len;
    uint16_t matched;
  } want[] = {
      {0, {{2, 2, 1.0}, {1, 2, 0.5}}, 3, 2},
      {2, {{1, 2, 1.0}}, 4, 1},
      {1, {{1, 2, 0.5}}, 2, 1},
  };
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(top[i].ordinal, want[i].ordinal) << i;
    EXPECT_NEAR(top[i].score, Bm25DocScore(want[i].terms, 3, want[i].len, 3.0), 1e-5) << i;
    EXPECT_EQ(top[i].matched_terms, want[i].matched) << i;
  }
}

TEST(InvertedIndexTest, LexicalScoresExposeCoverageAndReference) {
  InvertedIndex idx = ThreeDocs();
  LexicalScores s;
  const std::vector<WeightedTerm> q = {{"tea", 1.0f}, {"walk", 1.0f}, {"tea", 0.3f}, {"nowhere", 0.5f}};
  idx.Score(q, s);
  EXPECT_EQ(s.query_terms(), 3u);  // "tea" merged
  EXPECT_EQ(s.known_terms(), 2u);
  EXPECT_EQ(s.matched(2), 2);
  EXPECT_EQ(s.matched(1), 1);
  EXPECT_EQ(s.matched(0), 0);
  EXPECT_EQ(s.touched().size(), 2u);
  // The calibration reference counts only terms the index holds ("nowhere" cannot match anything);
  // the upper bound counts every term.
  const double self = Bm25Idf(3, 2) + Bm25Idf(3, 1);
  EXPECT_NEAR(s.self_score(), self, 1e-9);
  EXPECT_NEAR(s.max_score(), (self + 0.5 * Bm25Idf(3, 0)) * 2.2, 1e-9);

  // Reusing the scratch clears the previous query's entries.
  idx.Score(std::vector<WeightedTerm>{{"morning", 1.0f}}, s);
  EXPECT_EQ(s.matched(2), 0);
  EXPECT_EQ(s.score(2), 0.f);
  EXPECT_EQ(s.matched(0), 1);
}

TEST(InvertedIndexTest, FilterAndK) {
  InvertedIndex idx = ThreeDocs();
  const std::vector<WeightedTerm> q = {{"coffee", 1.0f}, {"morning", 1.0f}, {"tea", 1.0f}};
  auto not_zero = [](uint32_t d) { return d != 0; };
  const auto top = idx.TopK(q, 1, not_zero);
  ASSERT_EQ(top.size(), 1u);
  EXPECT_NE(top[0].ordinal, 0u);
  EXPECT_TRUE(idx.TopK(q, 0).empty());
  EXPECT_TRUE(idx.TopK(std::vector<WeightedTerm>{}, 5).empty());
}

TEST(InvertedIndexTest, RemoveKeepsStatisticsExact) {
  InvertedIndex idx = ThreeDocs();
  EXPECT_TRUE(idx.Remove(0));
  EXPECT_FALSE(idx.Remove(0));
  EXPECT_FALSE(idx.Remove(7));
  EXPECT_EQ(idx.live_count(), 2u);
  EXPECT_EQ(idx.dead_count(), 1u);
  EXPECT_EQ(idx.DocFreq("coffee"), 1u);
  EXPECT_EQ(idx.DocFreq("morning"), 1u);
  EXPECT_DOUBLE_EQ(idx.AvgDocLength(), 3.0);  // (2 + 4) / 2

  const std::vector<WeightedTerm> q = {{"coffee", 1.0f}};
  const auto top = idx.TopK(q, 10);
  ASSERT_EQ(top.size(), 1u);
  EXPECT_EQ(top[0].ordinal, 2u);
  const TermMatch m[] = {{1, 1, 1.0}};
  EXPECT_NEAR(top[0].score, Bm25DocScore(m, 2, 4, 3.0), 1e-5);
}

TEST(InvertedIndexTest, CompactRenumbersAndMatchesAFreshIndex) {
  InvertedIndex idx = ThreeDocs();
  idx.Add(Terms{"walk", "walk", "dog"});  // 3
  idx.Remove(0);
  idx.Remove(2);
  const size_t before = idx.MemoryBytes();
  const std::vector<uint32_t> remap = idx.Compact();
  EXPECT_EQ(remap, (std::vector<uint32_t>{kNoOrdinal, 0, kNoOrdinal, 1}));
  EXPECT_EQ(idx.ordinal_count(), 2u);
  EXPECT_EQ(idx.dead_count(), 0u);
  EXPECT_EQ(idx.DocFreq("coffee"), 0u);
  EXPECT_EQ(idx.term_count(), 4u);  // tea, morning, walk, dog
  EXPECT_LT(idx.MemoryBytes(), before);

  InvertedIndex fresh;
  fresh.Add(Terms{"tea", "morning"});
  fresh.Add(Terms{"walk", "walk", "dog"});
  const std::vector<WeightedTerm> q = {{"walk", 1.0f}, {"tea", 0.5f}, {"coffee", 1.0f}};
  EXPECT_EQ(idx.TopK(q, 10), fresh.TopK(q, 10));

  // Appends after a compaction continue from the new count.
  EXPECT_EQ(idx.Add(Terms{"coffee"}), 2u);
  EXPECT_EQ(idx.DocFreq("coffee"), 1u);
}

TEST(InvertedIndexTest, EmptyDocumentAndTfSaturation) {
  InvertedIndex idx;
  EXPECT_EQ(idx.Add(Terms{}), 0u);
  Terms many(70000, "echo");
  idx.Add(many);
  const auto top = idx.TopK(std::vector<WeightedTerm>{{"echo", 1.0f}}, 5);
  ASSERT_EQ(top.size(), 1u);
  EXPECT_EQ(top[0].ordinal, 1u);
  EXPECT_GT(top[0].score, 0.f);
}

TEST(InvertedIndexTest, MemoryIsCompact) {
  InvertedIndex idx;
  // 1000 documents of 30 distinct terms drawn from a 3000-term vocabulary.
  for (uint32_t d = 0; d < 1000; ++d) {
    Terms t;
    for (uint32_t i = 0; i < 30; ++i) t.push_back("t" + std::to_string((d * 31 + i * 97) % 3000));
    idx.Add(t);
  }
  // Postings (6 B) + forward index (4 B) per term occurrence, plus per-term dictionary entries.
  EXPECT_LT(idx.MemoryBytes() / 1000, 700u);
}

}  // namespace
}  // namespace engram::index
