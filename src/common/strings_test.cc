#include "common/strings.h"

#include <gtest/gtest.h>

namespace engram {
namespace {

TEST(StringsTest, TrimAsciiSpace) {
  EXPECT_EQ(TrimAsciiSpace(" \t\r\n\f\vx y\n "), "x y");
  EXPECT_EQ(TrimAsciiSpace("   "), "");
  EXPECT_EQ(TrimAsciiSpace("\xC2\xA0x"), "\xC2\xA0x");  // a no-break space is not ASCII whitespace
}

TEST(StringsTest, Utf8PrefixNeverSplitsASequence) {
  const std::string s = "ab\xC3\xA9z";  // a b é z
  EXPECT_EQ(Utf8Prefix(s, 10), s);
  EXPECT_EQ(Utf8Prefix(s, 4), "ab\xC3\xA9");
  EXPECT_EQ(Utf8Prefix(s, 3), "ab");  // would cut é in half
  EXPECT_EQ(Utf8Prefix(s, 0), "");
}

TEST(StringsTest, Utf8LengthCountsCodePoints) {
  EXPECT_EQ(Utf8Length(""), 0u);
  EXPECT_EQ(Utf8Length("abc"), 3u);
  EXPECT_EQ(Utf8Length("\xC3\xA9t\xC3\xA9"), 3u);
  EXPECT_EQ(Utf8Length("\xF0\x9F\x98\x80"), 1u);  // one emoji, four bytes
}

}  // namespace
}  // namespace engram
