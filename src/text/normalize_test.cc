#include "text/normalize.h"

#include <gtest/gtest.h>

namespace engram::text {
namespace {

TEST(NormalizeTest, MatchingForms) {
  struct Case {
    const char* in;
    const char* out;
  } cases[] = {
      {"Hello World", "hello world"},
      {"Let\u2019s meet", "let's meet"},
      {"\u201CQuoted\u201D", "\"quoted\""},
      {"9\u201312 PT", "9-12 pt"},
      {"a \u2014 b", "a - b"},
      {"Caf\u00e9 na\u00efve r\u00e9sum\u00e9", "cafe naive resume"},
      {"Stra\u00dfe", "strasse"},
      {"\uFB01le", "file"},                 // NFKC ligature
      {"\uFF21\uFF22\uFF23", "abc"},        // full-width
      {"soft\u00ADhyphen", "softhyphen"},   // default-ignorable dropped
      {"\u00C5ngstr\u00F6m", "angstrom"},
      {"", ""},
  };
  for (const auto& c : cases) EXPECT_EQ(Normalize(c.in), c.out) << c.in;
}

TEST(NormalizeTest, OptionsKeepCaseAndAccents) {
  NormalizeOptions keep{.case_fold = false, .strip_accents = false, .ascii_punctuation = true};
  EXPECT_EQ(Normalize("Caf\u00e9 \u2019", keep), "Caf\u00e9 '");
  NormalizeOptions no_punct{.ascii_punctuation = false};
  EXPECT_EQ(Normalize("it\u2019s", no_punct), "it\u2019s");
}

TEST(NormalizeTest, InvalidUtf8IsReplacedNotFatal) {
  const std::string bad[] = {std::string("ab\xff" "cd"), std::string("\xc3"), std::string("\xe2\x80"),
                             std::string("\xed\xa0\x80"),  // surrogate
                             std::string("\xc0\xaf"),      // overlong
                             std::string("x\xf4\x90\x80\x80y")};
  for (const auto& s : bad) {
    EXPECT_FALSE(IsValidUtf8(s));
    const std::string clean = SanitizeUtf8(s);
    EXPECT_TRUE(IsValidUtf8(clean));
    EXPECT_NE(clean.find("\xEF\xBF\xBD"), std::string::npos);
    EXPECT_TRUE(IsValidUtf8(Normalize(s)));
  }
  EXPECT_EQ(Normalize(std::string("AB\xff")), "ab\xEF\xBF\xBD");
  EXPECT_TRUE(IsValidUtf8("plain \u00e9 \U0001F600"));
}

TEST(NormalizeTest, DecodeAndEncodeRoundTrip) {
  const std::string s = "a\u00e9\u20AC\U0001F600";
  std::string back;
  size_t pos = 0;
  while (pos < s.size()) AppendUtf8(DecodeUtf8(s, &pos), &back);
  EXPECT_EQ(back, s);
}

}  // namespace
}  // namespace engram::text
