#include "text/stemmer.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace engram::text {
namespace {

TEST(StemmerTest, EnglishSnowball) {
  struct Case {
    const char* in;
    const char* out;
  } cases[] = {
      {"running", "run"},   {"meetings", "meet"},  {"preferred", "prefer"}, {"engineers", "engin"},
      {"happiness", "happi"}, {"goals", "goal"},   {"caroline", "carolin"}, {"go", "go"},
      {"q4", "q4"},         {"2025", "2025"},      {"", ""},
  };
  Stemmer s;
  for (const auto& c : cases) {
    EXPECT_EQ(s.Stem(c.in), c.out) << c.in;
    EXPECT_EQ(StemEnglish(c.in), c.out) << c.in;
  }
}

TEST(StemmerTest, ThreadLocalInstanceIsSafeConcurrently) {
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &ok] {
      int good = 0;
      for (int i = 0; i < 5000; ++i) good += StemEnglish(i % 2 ? "connections" : "running") == (i % 2 ? "connect" : "run");
      ok[t] = good;
    });
  }
  for (auto& th : threads) th.join();
  for (int v : ok) EXPECT_EQ(v, 5000);
}

}  // namespace
}  // namespace engram::text
