#include "text/sentences.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace engram::text {
namespace {

std::vector<std::string> Split(std::string_view s) {
  std::vector<std::string> out;
  for (const SentenceSpan& sp : SplitSentences(s)) out.emplace_back(s.substr(sp.begin, sp.end - sp.begin));
  return out;
}

using V = std::vector<std::string>;

TEST(SentencesTest, Table) {
  struct Case {
    const char* in;
    V want;
  } cases[] = {
      {"Typical focus blocks 9\u201312 PT; meetings after 1 PM preferred. Let\u2019s move stand-up to 2 PM.",
       {"Typical focus blocks 9\u201312 PT; meetings after 1 PM preferred.", "Let\u2019s move stand-up to 2 PM."}},
      {"Mr. Smith met Dr. Jones at 9 a.m. today. It cost $3.50! Really?",
       {"Mr. Smith met Dr. Jones at 9 a.m. today.", "It cost $3.50!", "Really?"}},
      {"See e.g. the U.S. report... then go.", {"See e.g. the U.S. report... then go."}},
      {"We moved to the U.S. Then it rained.", {"We moved to the U.S.", "Then it rained."}},
      {"Email ash@example.com or visit https://example.com/a.b now. Done.",
       {"Email ash@example.com or visit https://example.com/a.b now.", "Done."}},
      {"J. R. R. Tolkien wrote it. i went home. it was late",
       {"J. R. R. Tolkien wrote it.", "i went home.", "it was late"}},
      {"First line\nSecond line\n\n  Third.  ", {"First line", "Second line", "Third."}},
      {"He said \"stop.\" Then he left?! Wow", {"He said \"stop.\"", "Then he left?!", "Wow"}},
      {"Version 3.5 shipped on 05.08.2023 at 9:30.", {"Version 3.5 shipped on 05.08.2023 at 9:30."}},
      {"", {}},
      {"   \n  ", {}},
  };
  for (const auto& c : cases) EXPECT_EQ(Split(c.in), c.want) << c.in;
}

TEST(SentencesTest, InvalidUtf8) {
  const std::string s = std::string("Bad \xff byte. Next \xe2\x80");
  const auto spans = SplitSentences(s);
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_LE(spans[1].end, s.size());
}

}  // namespace
}  // namespace engram::text
