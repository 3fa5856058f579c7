#include "text/chunker.h"

#include <gtest/gtest.h>

#include <string>

#include "text/normalize.h"

namespace engram::text {
namespace {

TEST(ChunkerTest, MessageModeKeepsShortTextWhole) {
  const std::string s = "  Let\u2019s move stand-up to 2 PM starting next week. Thanks!  ";
  const auto chunks = ChunkText(s, {.message_mode = true});
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].text, "Let\u2019s move stand-up to 2 PM starting next week. Thanks!");
  EXPECT_EQ(s.substr(chunks[0].begin, chunks[0].end - chunks[0].begin), chunks[0].text);
}

TEST(ChunkerTest, MessageModeSplitsLongTextAtSentencesWithoutOverlap) {
  std::string s;
  for (int i = 0; i < 30; ++i) s += "Sentence number " + std::to_string(i) + " talks about pottery. ";
  const auto chunks = ChunkText(s, {.max_chars = 200, .overlap_chars = 50, .message_mode = true});
  ASSERT_GT(chunks.size(), 1u);
  for (size_t i = 0; i < chunks.size(); ++i) {
    EXPECT_LE(chunks[i].text.size(), 200u);
    EXPECT_EQ(chunks[i].text.back(), '.');
    if (i > 0) EXPECT_GE(chunks[i].begin, chunks[i - 1].end);  // no overlap
  }
}

TEST(ChunkerTest, DocumentModeOverlapsAndRespectsParagraphs) {
  std::string s;
  for (int p = 0; p < 4; ++p) {
    for (int i = 0; i < 6; ++i) s += "Paragraph " + std::to_string(p) + " sentence " + std::to_string(i) + " is here. ";
    s += "\n\n";
  }
  const ChunkOptions opts{.max_chars = 300, .overlap_chars = 80, .message_mode = false};
  const auto chunks = ChunkText(s, opts);
  ASSERT_GT(chunks.size(), 2u);
  size_t covered_to = 0;
  for (size_t i = 0; i < chunks.size(); ++i) {
    const auto& c = chunks[i];
    EXPECT_LE(c.text.size(), opts.max_chars);
    EXPECT_EQ(s.substr(c.begin, c.end - c.begin), c.text);
    if (i > 0) {
      EXPECT_LT(c.begin, chunks[i - 1].end) << "document chunks overlap";
      EXPECT_GE(chunks[i - 1].end - c.begin, 1u);
      EXPECT_LE(chunks[i - 1].end - c.begin, opts.overlap_chars);
      EXPECT_GT(c.begin, chunks[i - 1].begin);
    }
    covered_to = std::max(covered_to, c.end);
  }
  EXPECT_EQ(covered_to, s.find_last_not_of(" \n") + 1);
}

TEST(ChunkerTest, HardSplitsAGiantSentenceOnCodePointBoundaries) {
  std::string s;
  for (int i = 0; i < 400; ++i) s += "caf\u00e9\u00e9 ";
  const auto chunks = ChunkText(s, {.max_chars = 100});
  ASSERT_GT(chunks.size(), 10u);
  for (const auto& c : chunks) {
    EXPECT_LE(c.text.size(), 100u);
    EXPECT_TRUE(IsValidUtf8(c.text));
  }
  std::string nospace(500, 'x');
  for (const auto& c : ChunkText(nospace, {.max_chars = 100})) EXPECT_LE(c.text.size(), 100u);
}

TEST(ChunkerTest, EmptyInput) {
  EXPECT_TRUE(ChunkText("").empty());
  EXPECT_TRUE(ChunkText(" \n\t ", {.message_mode = true}).empty());
}

}  // namespace
}  // namespace engram::text
