#include "index/bm25.h"

#include <gtest/gtest.h>

#include <vector>

namespace engram::index {
namespace {

TEST(Bm25Test, IdfTable) {
  struct Case {
    uint64_t n, df;
    double want;
  } cases[] = {
      {10, 2, 1.4816045409242156},    // ln(1 + 8.5 / 2.5) = ln 4.4
      {10, 0, 3.091042453358316},     // unseen term: ln(1 + 10.5 / 0.5) = ln 22
      {10, 10, 0.04652001563489291},  // in every document: small but positive
      {1, 1, 0.28768207245178085},    // ln(1 + 0.5 / 1.5)
      {1000, 1, 6.503289671207057},
      {10, 12, 0.04652001563489291},  // df > N clamps to N
  };
  for (const auto& c : cases) EXPECT_NEAR(Bm25Idf(c.n, c.df), c.want, 1e-12) << c.n << " " << c.df;
}

TEST(Bm25Test, TermScoreTable) {
  const double idf = Bm25Idf(10, 2);
  struct Case {
    double idf;
    uint32_t tf, len;
    double avg;
    Bm25Params p;
    double want;
  } cases[] = {
      {idf, 1, 10, 10, {}, idf},                   // tf 1 at average length: exactly idf
      {idf, 3, 5, 10, {}, 2.6076239920266193},     // 3 * 2.2 / (3 + 1.2 * 0.625) * idf
      {idf, 2, 20, 10, {}, 1.5900146292845243},    // long document is penalized
      {1.0, 1, 8, 4, {2.0, 0.0}, 1.0},             // b = 0 ignores length: 3 / (1 + 2)
      {1.0, 2, 8, 4, {1.2, 1.0}, 1.0},             // 4.4 / (2 + 2.4)
      {1.0, 1, 0, 0, {}, 1.0},                     // empty corpus: treated as average length
      {idf, 0, 10, 10, {}, 0.0},                   // not matched
  };
  for (const auto& c : cases) {
    EXPECT_NEAR(Bm25TermScore(c.idf, c.tf, c.len, c.avg, c.p), c.want, 1e-12) << c.tf << " " << c.len;
  }
}

TEST(Bm25Test, DocScoreSumsWeightedTerms) {
  const TermMatch terms[] = {{2, 5, 1.0}, {1, 40, 0.5}, {0, 3, 1.0}};
  EXPECT_NEAR(Bm25DocScore(terms, 100, 12, 10), 4.211003601549704, 1e-12);
}

TEST(Bm25Test, SelfAndMaxScore) {
  const double idfs[] = {2.0, 1.0};
  const double weights[] = {1.0, 0.5};
  EXPECT_DOUBLE_EQ(Bm25SelfScore(idfs, weights), 2.5);
  EXPECT_DOUBLE_EQ(Bm25MaxScore(idfs, weights), 2.5 * 2.2);
}

TEST(Bm25Test, MergeKeepsFirstOrderAndMaxWeight) {
  const std::vector<WeightedTerm> in = {{"flight", 0.5f}, {"lisbon", 1.0f}, {"flight", 1.0f},
                                        {"", 1.0f},       {"hotel", 0.0f},  {"lisbon", 0.3f}};
  const std::vector<WeightedTerm> out = MergeWeightedTerms(in);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].term, "flight");
  EXPECT_FLOAT_EQ(out[0].weight, 1.0f);
  EXPECT_EQ(out[1].term, "lisbon");
  EXPECT_FLOAT_EQ(out[1].weight, 1.0f);
}

}  // namespace
}  // namespace engram::index
