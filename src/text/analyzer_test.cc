#include "text/analyzer.h"

#include <gtest/gtest.h>

#include <thread>

namespace engram::text {
namespace {

using V = std::vector<std::string>;

TEST(AnalyzerTest, IndexTerms) {
  struct Case {
    const char* in;
    V want;
  } cases[] = {
      {"Typical focus blocks 9\u201312 PT; meetings after 1 PM preferred.",
       {"typic", "focus", "block", "9-12", "pt", "meet", "after", "13:00", "prefer"}},
      {"Let\u2019s move stand-up to 2 PM starting next week.",
       {"move", "stand", "14:00", "start", "next", "week"}},
      {"I went to the LGBTQ support group yesterday", {"went", "lgbtq", "support", "group", "yesterday"}},
      {"Q4 2025 Goals: Launch new product, hire 3 engineers, reach $1M ARR",
       {"q4", "2025", "goal", "launch", "new", "product", "hire", "3", "engin", "reach", "1m", "arr"}},
      {"Caroline's caf\u00e9 didn't open", {"carolin", "cafe", "not", "open"}},
      {"Mail ash@example.com", {"mail", "ash@example.com", "ash", "exampl"}},
      {"#SelfCare by @Ash", {"#selfcare", "selfcar", "@ash", "ash"}},
      {"1,000 users at 9:30 a.m. on 05/08/2023 (8th)", {"1000", "user", "09:30", "2023-05-08", "8"}},
  };
  for (const auto& c : cases) EXPECT_EQ(AnalyzeToStrings(c.in), c.want) << c.in;
}

TEST(AnalyzerTest, SameTermsForEquivalentSpellings) {
  EXPECT_EQ(AnalyzeToStrings("2 PM"), AnalyzeToStrings("2pm"));
  EXPECT_EQ(AnalyzeToStrings("2 p.m."), AnalyzeToStrings("14:00"));
  EXPECT_EQ(AnalyzeToStrings("9\u201312"), AnalyzeToStrings("9-12"));
  EXPECT_EQ(AnalyzeToStrings("Let\u2019s"), AnalyzeToStrings("let's"));
  EXPECT_EQ(AnalyzeToStrings("CAF\u00c9"), AnalyzeToStrings("cafe"));
  EXPECT_EQ(AnalyzeToStrings("1,000"), AnalyzeToStrings("1000"));
}

TEST(AnalyzerTest, OptionsAndPositions) {
  AnalyzerOptions raw{.remove_stopwords = false, .stem = false};
  EXPECT_EQ(AnalyzeToStrings("The meetings were moved", raw), (V{"the", "meetings", "were", "moved"}));
  const std::string s = "The meetings were moved";
  const auto terms = Analyze(s);
  ASSERT_EQ(terms.size(), 2u);
  EXPECT_EQ(terms[0].position, 1u);  // "the" left a gap
  EXPECT_EQ(terms[1].position, 3u);
  EXPECT_EQ(s.substr(terms[1].begin, terms[1].end - terms[1].begin), "moved");
  AnalyzerOptions no_parts{.expand_compounds = false};
  EXPECT_EQ(AnalyzeToStrings("ash@example.com", no_parts), (V{"ash@example.com"}));
}

TEST(AnalyzerTest, QuerySignals) {
  auto q = AnalyzeQuery("When did Caroline go to the LGBTQ support group?");
  EXPECT_TRUE(q.Has(QuestionWord::kWhen));
  EXPECT_TRUE(q.is_when_question);
  EXPECT_FALSE(q.kept_stopwords);
  V terms;
  for (const Term& t : q.terms) terms.push_back(t.text);
  EXPECT_EQ(terms, (V{"carolin", "go", "lgbtq", "support", "group"}));

  q = AnalyzeQuery("Where does she work? Please tell me.");
  EXPECT_TRUE(q.Has(QuestionWord::kWhere));
  EXPECT_FALSE(q.is_when_question);
  ASSERT_EQ(q.terms.size(), 1u);
  EXPECT_EQ(q.terms[0].text, "work");

  q = AnalyzeQuery("Who is she?");
  EXPECT_TRUE(q.Has(QuestionWord::kWho));
  EXPECT_TRUE(q.kept_stopwords);
  ASSERT_EQ(q.terms.size(), 2u);
  EXPECT_EQ(q.terms[0].text, "is");
}

TEST(AnalyzerTest, DeterministicAcrossThreads) {
  const std::string text = "Melanie painted a sunrise last year; Caroline's pottery class starts at 9:30 a.m.";
  const V want = AnalyzeToStrings(text);
  std::vector<std::thread> threads;
  std::vector<int> same(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) same[t] += AnalyzeToStrings(text) == want;
    });
  }
  for (auto& th : threads) th.join();
  for (int v : same) EXPECT_EQ(v, 500);
}

}  // namespace
}  // namespace engram::text

namespace engram::text {
namespace {

// Words' terms are remembered per thread: a thread that has seen every word before analyzes to the
// same terms, positions and offsets as one that has seen none (a fresh thread), for index and query
// analysis and for non-default options (which are not remembered).
TEST(AnalyzerTest, RememberedWordsAnalyzeAsFreshOnes) {
  const std::vector<std::string> texts = {
      "The meetings were moved; THE meeting moves. Running runners ran.",
      "Caroline's caf\u00e9 didn't open, caf\u00e9s open at 9:30 a.m. in the U.S.",
      "What did Melanie paint? Melanie painted a lake sunrise in 2022.",
      "Who is she? She is who she is.",
      "stand-up stand up standing #standup @stand ash@stand.io https://stand.example.com/up",
  };
  auto analyze_all = [&](std::vector<std::vector<Term>>& index, std::vector<std::vector<Term>>& query,
                         std::vector<V>& surface) {
    for (const auto& t : texts) {
      index.push_back(Analyze(t));
      query.push_back(AnalyzeQuery(t).terms);
      surface.push_back(AnalyzeToStrings(t, AnalyzerOptions{.remove_stopwords = false, .stem = false}));
    }
  };
  std::vector<std::vector<Term>> fresh_index, fresh_query;
  std::vector<V> fresh_surface;
  std::thread([&] { analyze_all(fresh_index, fresh_query, fresh_surface); }).join();
  std::vector<std::vector<Term>> index, query;
  std::vector<V> surface;
  for (int round = 0; round < 2; ++round) {  // the second round finds every word remembered
    index.clear(), query.clear(), surface.clear();
    analyze_all(index, query, surface);
  }
  auto same = [](const std::vector<Term>& a, const std::vector<Term>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (a[i].text != b[i].text || a[i].position != b[i].position || a[i].begin != b[i].begin ||
          a[i].end != b[i].end || a[i].kind != b[i].kind) {
        return false;
      }
    }
    return true;
  };
  for (size_t i = 0; i < texts.size(); ++i) {
    EXPECT_TRUE(same(index[i], fresh_index[i])) << texts[i];
    EXPECT_TRUE(same(query[i], fresh_query[i])) << texts[i];
    EXPECT_EQ(surface[i], fresh_surface[i]) << texts[i];
  }
  EXPECT_EQ(AnalyzeToStrings("The meetings were moved"), (V{"meet", "move"}));
}

}  // namespace
}  // namespace engram::text
