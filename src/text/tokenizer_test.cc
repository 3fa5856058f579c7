#include "text/tokenizer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace engram::text {
namespace {

// "text|kind" for each token, to compare whole sequences at once.
std::vector<std::string> Describe(std::string_view s) {
  std::vector<std::string> out;
  for (const Token& t : Tokenize(s)) out.push_back(std::string(t.Text(s)) + "|" + std::string(TokenKindName(t.kind)));
  return out;
}

using V = std::vector<std::string>;

TEST(TokenizerTest, KeepsStructuredTokensWhole) {
  struct Case {
    const char* in;
    V want;
  } cases[] = {
      {"Typical focus blocks 9\u201312 PT; meetings after 1 PM preferred.",
       {"Typical|word", "focus|word", "blocks|word", "9\u201312|range", "PT|word", "meetings|word",
        "after|word", "1 PM|time", "preferred|word"}},
      {"Q4 2025 Goals: Launch new product, hire 3 engineers, reach $1M ARR",
       {"Q4|word", "2025|number", "Goals|word", "Launch|word", "new|word", "product|word", "hire|word",
        "3|number", "engineers|word", "reach|word", "$1M|number", "ARR|word"}},
      {"3.5 1,000 50% 8th 2pm 9:30 9:30 a.m. 14:00 9-12 9am-5pm 10:00-11:30",
       {"3.5|number", "1,000|number", "50%|number", "8th|ordinal", "2pm|time", "9:30|time",
        "9:30 a.m.|time", "14:00|time", "9-12|range", "9am-5pm|range", "10:00-11:30|range"}},
      {"on 2023-05-08 or 05/08/2023, call 555-123-4567; 24/7 support, 1/2 cup",
       {"on|word", "2023-05-08|date", "or|word", "05/08/2023|date", "call|word", "555-123-4567|number",
        "24/7|number", "support|word", "1/2|number", "cup|word"}},
      {"Write to ash@example.com or ash.b+tag@mail.example.co.uk.",
       {"Write|word", "to|word", "ash@example.com|email", "or|word", "ash.b+tag@mail.example.co.uk|email"}},
      {"See https://example.com/a?b=c&d=1, (http://x.org/wiki/Foo_(bar)) and www.test.io.",
       {"See|word", "https://example.com/a?b=c&d=1|url", "http://x.org/wiki/Foo_(bar)|url", "and|word",
        "www.test.io|url"}},
      {"#selfcare with @ash_b and #1", {"#selfcare|hashtag", "with|word", "@ash_b|mention", "and|word", "1|number"}},
      {"stand-up COVID-19 3d \u20AC20 \u00a35k 3bn", {"stand|word", "up|word", "COVID|word", "19|number", "3d|word",
                                                   "\u20AC20|number", "\u00a35k|number", "3bn|number"}},
      {"caf\u00e9 na\u00efve \u65e5\u672c\u8a9e \u0645\u0631\u062d\u0628\u0627",
       {"caf\u00e9|word", "na\u00efve|word", "\u65e5\u672c\u8a9e|word", "\u0645\u0631\u062d\u0628\u0627|word"}},
      {"", {}},
      {"  ...  !!! ", {}},
  };
  for (const auto& c : cases) EXPECT_EQ(Describe(c.in), c.want) << c.in;
}

TEST(TokenizerTest, PossessivesAndContractions) {
  const std::string s = "Caroline's parents' dog didn't like it; Let\u2019s go, I'm sure we'll see O'Brien. Can't, won't.";
  struct Want {
    const char* text;
    uint8_t flags;
    const char* expansion;
  } want[] = {
      {"Caroline", kFlagPossessive, ""}, {"parents", kFlagPossessive, ""}, {"dog", 0, ""},
      {"did", 0, ""}, {"n't", kFlagContraction, "not"}, {"like", 0, ""}, {"it", 0, ""},
      {"Let", 0, ""}, {"\u2019s", kFlagContraction, "us"}, {"go", 0, ""}, {"I", 0, ""},
      {"'m", kFlagContraction, "am"}, {"sure", 0, ""}, {"we", 0, ""}, {"'ll", kFlagContraction, "will"},
      {"see", 0, ""}, {"O'Brien", 0, ""}, {"Ca", 0, "can"}, {"n't", kFlagContraction, "not"},
      {"wo", 0, "will"}, {"n't", kFlagContraction, "not"},
  };
  const auto toks = Tokenize(s);
  ASSERT_EQ(toks.size(), std::size(want));
  for (size_t i = 0; i < toks.size(); ++i) {
    EXPECT_EQ(toks[i].Text(s), want[i].text) << i;
    EXPECT_EQ(toks[i].flags, want[i].flags) << i;
    EXPECT_EQ(toks[i].expansion, want[i].expansion) << i;
  }
  const auto its = Tokenize("it's");
  ASSERT_EQ(its.size(), 2u);
  EXPECT_EQ(its[1].expansion, "is");
}

TEST(TokenizerTest, AcronymsAndHyphenFlags) {
  const std::string s = "the U.S. team, e.g. Ann";
  const auto t = Tokenize(s);
  ASSERT_EQ(t.size(), 5u);
  EXPECT_EQ(t[1].Text(s), "U.S.");
  EXPECT_TRUE(t[1].Has(kFlagAcronym));
  EXPECT_EQ(t[3].Text(s), "e.g.");
  const std::string h = "stand-up";
  const auto th = Tokenize(h);
  ASSERT_EQ(th.size(), 2u);
  EXPECT_FALSE(th[0].Has(kFlagHyphenated));
  EXPECT_TRUE(th[1].Has(kFlagHyphenated));
}

TEST(TokenizerTest, OffsetsPointIntoOriginal) {
  const std::string s = "Let\u2019s meet at 2 PM \u2014 ok?";
  for (const Token& t : Tokenize(s)) {
    ASSERT_LE(t.end, s.size());
    ASSERT_LT(t.begin, t.end);
  }
  const auto t = Tokenize(s);
  EXPECT_EQ(t[4].Text(s), "2 PM");
  EXPECT_EQ(t[4].begin, s.find("2 PM"));
}

TEST(TokenizerTest, InvalidUtf8NeverCrashes) {
  const std::string inputs[] = {std::string("ab\xff\xfe" "cd"), std::string("\xc3"), std::string("x\xe2\x80"),
                                std::string("9\xe2\x80"), std::string("don\xe2\x80"), std::string("#\xff"),
                                std::string("$\xff"), std::string("a@\xff.com"), std::string("http://\xff")};
  for (const auto& s : inputs) {
    for (const Token& t : Tokenize(s)) {
      EXPECT_LE(t.end, s.size());
      EXPECT_LT(t.begin, t.end);
    }
  }
  EXPECT_EQ(Describe(std::string("ab\xff" "cd")), (V{"ab|word", "cd|word"}));
}


}  // namespace
}  // namespace engram::text
