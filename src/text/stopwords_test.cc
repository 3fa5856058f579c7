#include "text/stopwords.h"

#include <gtest/gtest.h>

namespace engram::text {
namespace {

TEST(StopwordsTest, FunctionWordsOnly) {
  for (const char* w : {"the", "a", "of", "and", "is", "was", "would", "when", "where", "who", "us", "am"}) {
    EXPECT_TRUE(IsStopword(w)) << w;
  }
  // Words with retrieval value stay searchable.
  for (const char* w : {"not", "never", "first", "last", "new", "before", "after", "caroline", "meeting", "no"}) {
    EXPECT_FALSE(IsStopword(w)) << w;
  }
}

TEST(StopwordsTest, QueryListAddsFiller) {
  EXPECT_TRUE(IsQueryStopword("please"));
  EXPECT_TRUE(IsQueryStopword("the"));
  EXPECT_FALSE(IsStopword("please"));
  EXPECT_FALSE(IsQueryStopword("pottery"));
}

TEST(StopwordsTest, QuestionWords) {
  EXPECT_EQ(QuestionWordOf("when"), QuestionWord::kWhen);
  EXPECT_EQ(QuestionWordOf("whom"), QuestionWord::kWho);
  EXPECT_EQ(QuestionWordOf("where"), QuestionWord::kWhere);
  EXPECT_EQ(QuestionWordOf("how"), QuestionWord::kHow);
  EXPECT_EQ(QuestionWordOf("dog"), QuestionWord::kNone);
  EXPECT_EQ(QuestionWordName(QuestionWord::kWhy), "why");
}

}  // namespace
}  // namespace engram::text
