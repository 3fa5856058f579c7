#include "index/query_builder.h"

#include <gtest/gtest.h>

namespace engram::index {
namespace {

float WeightOf(const QueryPlan& p, const std::string& term) {
  for (const auto& t : p.terms) {
    if (t.term == term) return t.weight;
  }
  return 0;
}

TEST(QueryBuilderTest, NewestUserTurnWeighsMost) {
  std::vector<Turn> turns = {
      {"system", "You help with restaurant recommendations"},
      {"user", "I loved the ramen place last week"},
      {"assistant", "Great, noted the ramen spot."},
      {"user", "I'm hungry, what should I eat tonight?"},
  };
  QueryPlan p = BuildQuery(turns);
  EXPECT_FLOAT_EQ(WeightOf(p, "hungri"), 1.0f);
  EXPECT_FLOAT_EQ(WeightOf(p, "eat"), 1.0f);
  EXPECT_FLOAT_EQ(WeightOf(p, "ramen"), 0.6f);        // older user turn beats the assistant's 0.35
  EXPECT_FLOAT_EQ(WeightOf(p, "restaur"), 0.2f);      // system
  EXPECT_FLOAT_EQ(WeightOf(p, "spot"), 0.35f);        // assistant only
  EXPECT_EQ(p.newest_text, "I'm hungry, what should I eat tonight?");
  EXPECT_EQ(p.used_query.rfind("hungry eat tonight", 0), 0u) << p.used_query;
}

TEST(QueryBuilderTest, OnlyTheLastTurnsCount) {
  std::vector<Turn> turns = {{"user", "sushi"}, {"user", "pizza"}, {"user", "tacos"}};
  QueryOptions o;
  o.max_context_turns = 2;
  QueryPlan p = BuildQuery(turns, o);
  EXPECT_EQ(WeightOf(p, "sushi"), 0.0f);
  EXPECT_FLOAT_EQ(WeightOf(p, "pizza"), 0.6f);
  EXPECT_FLOAT_EQ(WeightOf(p, "taco"), 1.0f);
}

TEST(QueryBuilderTest, NamesAndTemporalSignals) {
  std::vector<Turn> turns = {{"user", "When did Caroline go to the LGBTQ support group?"}};
  QueryPlan p = BuildQuery(turns);
  EXPECT_TRUE(p.is_when_question);
  ASSERT_FALSE(p.names.empty());
  EXPECT_EQ(p.names[0], "caroline");
  EXPECT_NE(std::find(p.names.begin(), p.names.end(), "lgbtq"), p.names.end());
  EXPECT_EQ(std::find(p.names.begin(), p.names.end(), "when"), p.names.end());
}

TEST(QueryBuilderTest, WithoutUserTurnTheNewestAnchors) {
  std::vector<Turn> turns = {{"assistant", "Shall I book sushi?"}};
  QueryPlan p = BuildQuery(turns);
  EXPECT_FLOAT_EQ(WeightOf(p, "sushi"), 1.0f);
  EXPECT_TRUE(BuildQuery({}).empty());
}

}  // namespace
}  // namespace engram::index
