#include "index/string_table.h"

#include <gtest/gtest.h>

#include <string>

namespace engram::index {
namespace {

TEST(StringTableTest, InternsAndFinds) {
  StringTable t;
  EXPECT_EQ(t.Find("a"), StringTable::kNone);
  const uint32_t a = t.Intern("alpha");
  const uint32_t b = t.Intern("beta");
  EXPECT_EQ(a, 0u);
  EXPECT_EQ(b, 1u);
  EXPECT_EQ(t.Intern("alpha"), a);
  EXPECT_EQ(t.Find("beta"), b);
  EXPECT_EQ(t.Get(a), "alpha");
  EXPECT_EQ(t.Intern(""), 2u);  // the empty string is a valid key
  EXPECT_EQ(t.Get(2), "");
  EXPECT_EQ(t.size(), 3u);
}

TEST(StringTableTest, SurvivesGrowth) {
  StringTable t;
  for (int i = 0; i < 5000; ++i) ASSERT_EQ(t.Intern("term" + std::to_string(i)), static_cast<uint32_t>(i));
  for (int i = 0; i < 5000; ++i) {
    ASSERT_EQ(t.Find("term" + std::to_string(i)), static_cast<uint32_t>(i));
    ASSERT_EQ(t.Get(i), "term" + std::to_string(i));
  }
  EXPECT_EQ(t.Find("term5000"), StringTable::kNone);
  t.Clear();
  EXPECT_EQ(t.size(), 0u);
  EXPECT_EQ(t.Find("term1"), StringTable::kNone);
}

}  // namespace
}  // namespace engram::index
