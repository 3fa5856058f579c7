// Word tables, sentence model and rendering helpers of the deterministic extractor.
#include "memory/rewrite.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/time.h"
#include "memory/lexicon.h"
#include "memory/sentence.h"

namespace engram::memory::internal {
namespace {

const TimeMs kMay8 = *ParseIso8601("2023-05-08T13:56:00Z");

TEST(LexiconTest, ThirdPersonSingular) {
  const std::pair<const char*, const char*> cases[] = {
      {"love", "loves"}, {"eat", "eats"}, {"go", "goes"}, {"have", "has"}, {"do", "does"},
      {"watch", "watches"}, {"fix", "fixes"}, {"try", "tries"}, {"play", "plays"}, {"miss", "misses"},
      {"wash", "washes"}, {"be", "is"}};
  for (const auto& [base, want] : cases) EXPECT_EQ(ThirdPersonSingular(base), want) << base;
}

TEST(LexiconTest, LemmaAndTense) {
  const std::pair<const char*, const char*> cases[] = {
      {"loves", "love"}, {"loved", "love"}, {"loving", "love"}, {"went", "go"}, {"running", "run"},
      {"planned", "plan"}, {"tries", "try"}, {"studying", "study"}, {"bought", "buy"}, {"has", "have"}};
  for (const auto& [w, want] : cases) EXPECT_EQ(Lemma(w), want) << w;
  EXPECT_TRUE(IsPastTense("went"));
  EXPECT_TRUE(IsPastTense("moved"));
  EXPECT_FALSE(IsPastTense("need"));
  EXPECT_FALSE(IsPastTense("love"));
}

TEST(SentenceTest, ContractionsQuestionsAndClauses) {
  Sentence s;
  SentenceScratch scratch;
  BuildSentence("I'm a mom of three and I love painting", kMay8, &scratch, &s);
  EXPECT_EQ(s.At(1), "am");
  EXPECT_FALSE(s.question);
  const std::vector<Clause> clauses = SplitClauses(s);
  ASSERT_EQ(clauses.size(), 2u);
  EXPECT_EQ(clauses[1].first, 6u);  // "and I love painting"

  BuildSentence("Do you like sushi", kMay8, &scratch, &s);
  EXPECT_TRUE(s.question);
  BuildSentence("Really?! 😅", kMay8, &scratch, &s);
  EXPECT_TRUE(s.question);
  BuildSentence("If I had a dog I'd name it Max.", kMay8, &scratch, &s);
  EXPECT_TRUE(s.hypothetical);
  BuildSentence("When I was a kid, I loved painting", kMay8, &scratch, &s);
  const std::vector<Clause> sub = SplitClauses(s);
  ASSERT_EQ(sub.size(), 2u);
  EXPECT_TRUE(sub[0].subordinate);
  EXPECT_FALSE(sub[1].subordinate);
}

TEST(RewriteTest, RenderingKeepsOriginalTextBetweenEdits) {
  Sentence s;
  SentenceScratch scratch;
  BuildSentence("I went to the “LGBTQ” support group yesterday – it was great", kMay8, &scratch, &s);
  Rendering r(s, 0, 8);
  r.Drop(0);
  ResolveTimes(s, &r);
  EXPECT_EQ(r.Render(), "went to the \"LGBTQ\" support group on 7 May 2023");
}

TEST(RewriteTest, ResolvedTimePhrases) {
  struct Case {
    const char* in;
    const char* want;
  } cases[] = {
      {"I ran yesterday", "on 7 May 2023"},
      {"I start next week", "in the week of 15 May 2023"},
      {"starting next week", "the week of 15 May 2023"},
      {"I go next month", "in June 2023"},
      {"I went last year", "in 2022"},
      {"hiking this weekend", "on the weekend of 13 May 2023"},
      {"I met her a few days ago", "around 5 May 2023"},
      {"at 2 PM", ""},  // times of day keep their surface
  };
  for (const Case& c : cases) {
    Sentence s;
    SentenceScratch scratch;
    BuildSentence(c.in, kMay8, &scratch, &s);
    ASSERT_EQ(s.times.size(), 1u) << c.in;
    EXPECT_EQ(ResolvedTimePhrase(s, 0), c.want) << c.in;
  }
}

TEST(RewriteTest, EntitiesAndCleanText) {
  Sentence s;
  SentenceScratch scratch;
  BuildSentence("Yesterday my friend Taylor Swift and I visited San Francisco in May with the LGBTQ group", kMay8,
                &scratch, &s);
  EXPECT_EQ(Entities(s, 0, s.size()), (std::vector<std::string>{"Taylor Swift", "San Francisco", "LGBTQ"}));
  EXPECT_EQ(CleanText("  Focus blocks 9–12 PT 🙂 ; "), "Focus blocks 9-12 PT");
  EXPECT_EQ(CapitalizeFirst("loves sushi"), "Loves sushi");
  EXPECT_EQ(LowerFirst("Launch new product"), "launch new product");
  EXPECT_EQ(LowerFirst("ARR goal"), "ARR goal");
}

}  // namespace
}  // namespace engram::memory::internal
