#include "text/wordnet.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

namespace engram::text {
namespace {

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

class WordNetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists("/usr/share/wordnet/index.noun")) GTEST_SKIP() << "wordnet-base not installed";
  }
};

TEST_F(WordNetTest, SynonymsFromFirstSenses) {
  WordNet wn;
  const auto car = wn.Synonyms("car", 10);
  for (const char* w : {"auto", "automobile", "motorcar"}) EXPECT_TRUE(Contains(car, w)) << w;
  EXPECT_FALSE(Contains(car, "car"));
  for (const auto& w : car) EXPECT_EQ(w.find('_'), std::string::npos) << w;  // single words only
  EXPECT_EQ(wn.Synonyms("car", 2).size(), 2u);
  EXPECT_TRUE(Contains(wn.Synonyms("job", 5), "occupation"));
  EXPECT_TRUE(Contains(wn.Synonyms("Car", 5), "automobile"));  // case-insensitive
  EXPECT_TRUE(wn.Synonyms("xyzzyq", 5).empty());
  EXPECT_TRUE(wn.Synonyms("car", 0).empty());
}

TEST_F(WordNetTest, BaseForms) {
  WordNet wn;
  struct Case {
    const char* in;
    const char* base;
  } cases[] = {{"running", "run"}, {"dogs", "dog"}, {"geese", "goose"}, {"ran", "run"},
               {"bigger", "big"},  {"boxes", "box"}, {"churches", "church"}, {"studies", "study"}};
  for (const auto& c : cases) EXPECT_TRUE(Contains(wn.BaseForms(c.in), c.base)) << c.in;
  // Synonyms of an inflected word come from its base form.
  EXPECT_TRUE(Contains(wn.Synonyms("cars", 5), "automobile"));
}

TEST_F(WordNetTest, LoadsWithBoundedMemory) {
  WordNet wn;
  ASSERT_TRUE(wn.Load());
  EXPECT_GT(wn.MemoryBytes(), 1u << 20);
  EXPECT_LT(wn.MemoryBytes(), 32u << 20);
}

TEST_F(WordNetTest, ConcurrentFirstUse) {
  WordNet wn;
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] { ok[t] = Contains(wn.Synonyms("car", 5), "automobile"); });
  }
  for (auto& th : threads) th.join();
  for (int v : ok) EXPECT_EQ(v, 1);
}

TEST(WordNetMissingTest, MissingFilesGiveEmptyResults) {
  WordNet wn(WordNetOptions{.dir = "/nonexistent/wordnet"});
  EXPECT_FALSE(wn.Load());
  EXPECT_TRUE(wn.Synonyms("car", 5).empty());
  EXPECT_TRUE(wn.BaseForms("cars").empty());
  EXPECT_EQ(wn.MemoryBytes(), 0u);
}

}  // namespace
}  // namespace engram::text
