// Arbitrary bytes through every entry point: nothing may crash, hang or produce out-of-range offsets.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "text/analyzer.h"
#include "text/chunker.h"
#include "text/normalize.h"
#include "text/sentences.h"
#include "text/time_expressions.h"
#include "text/tokenizer.h"

namespace engram::text {
namespace {

std::string RandomText(std::mt19937* rng, size_t len) {
  // Mostly pieces that trigger the interesting paths, plus raw random bytes.
  static const char* kPieces[] = {"9", "-", "\u2013", ":", "30", " ", "am", "PM", ".", "@", "#", "$", "'",
                                  "\u2019", "May", "8th", "2023", "/", "http://", "www.", "e.g.", "\n",
                                  "last", "week", "ago", "two", "PT", "\xff", "\xc3", "a", "Z", "%", ","};
  std::string s;
  std::uniform_int_distribution<int> pick(0, std::size(kPieces) + 5);
  while (s.size() < len) {
    const int p = pick(*rng);
    if (p < static_cast<int>(std::size(kPieces))) {
      s += kPieces[p];
    } else {
      s.push_back(static_cast<char>((*rng)() & 0xFF));
    }
  }
  return s;
}

TEST(RobustnessTest, RandomInput) {
  std::mt19937 rng(12345);
  const TimeContext ctx{.reference = 1'683'554'160'000};
  for (int iter = 0; iter < 3000; ++iter) {
    const std::string s = RandomText(&rng, 1 + iter % 120);
    for (const Token& t : Tokenize(s)) {
      ASSERT_LT(t.begin, t.end);
      ASSERT_LE(t.end, s.size());
    }
    for (const Term& t : Analyze(s)) ASSERT_LE(t.end, s.size());
    (void)AnalyzeQuery(s);
    EXPECT_TRUE(IsValidUtf8(Normalize(s)));
    for (const SentenceSpan& sp : SplitSentences(s)) ASSERT_LE(sp.end, s.size());
    for (const TimeExpression& e : FindTimeExpressions(s, ctx)) ASSERT_LE(e.end, s.size());
    for (const ChunkSpan& c : ChunkText(s, {.max_chars = 40, .overlap_chars = 10})) ASSERT_LE(c.end, s.size());
  }
}

}  // namespace
}  // namespace engram::text
