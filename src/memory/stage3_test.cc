#include "memory/stage3.h"

#include <gtest/gtest.h>

#include <limits>
#include <set>
#include <string>
#include <vector>

namespace engram::memory {
namespace {

TEST(Stage3Test, ThresholdsDouble) {
  const size_t want[] = {5, 10, 20, 40, 80, 160, 320, 640};
  for (size_t n = 0; n < std::size(want); ++n) EXPECT_EQ(Stage3Threshold(n), want[n]) << n;
  EXPECT_EQ(Stage3Threshold(1000), std::numeric_limits<size_t>::max());  // saturates, no overflow
}

TEST(Stage3Test, NextThresholdTable) {
  struct Case {
    size_t count, want;
  } cases[] = {{0, 5}, {4, 5}, {5, 10}, {9, 10}, {10, 20}, {39, 40}, {40, 80}, {81, 160}};
  for (const auto& c : cases) EXPECT_EQ(NextStage3Threshold(c.count), c.want) << c.count;
  EXPECT_EQ(NextStage3Threshold(std::numeric_limits<size_t>::max()), std::numeric_limits<size_t>::max());
}

TEST(Stage3Test, CrossedTable) {
  struct Case {
    size_t before, after;
    bool want;
  } cases[] = {
      {0, 4, false},   {0, 5, true},    {4, 5, true},    {5, 6, false},  {5, 9, false},  {9, 10, true},
      {10, 19, false}, {19, 20, true},  {39, 41, true},  {40, 79, false}, {79, 80, true}, {3, 25, true},
      {6, 6, false},   {10, 5, false},  // deletions never trigger
      {159, 160, true}, {160, 161, false}, {0, 0, false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(CrossedStage3Threshold(c.before, c.after), c.want) << c.before << " -> " << c.after;
  }
}

TEST(Stage3Test, EveryCountCrossesEachThresholdOnce) {
  // Counting one memory at a time from 0 to 200 fires exactly at 5, 10, 20, 40, 80, 160.
  std::vector<size_t> fired;
  for (size_t n = 0; n < 200; ++n) {
    if (CrossedStage3Threshold(n, n + 1)) fired.push_back(n + 1);
  }
  EXPECT_EQ(fired, (std::vector<size_t>{5, 10, 20, 40, 80, 160}));
}

TEST(Stage3Test, GeneralQuestionsCoverTheProfile) {
  const std::vector<std::string> q = Stage3Questions("", 100);
  EXPECT_GE(q.size(), 10u);
  EXPECT_EQ(std::set<std::string>(q.begin(), q.end()).size(), q.size()) << "no duplicates";
  for (std::string_view topic : {"food preferences", "meeting habits and availability", "key relationships",
                                 "goals and projects", "communicate", "work", "timezone", "hobbies and interests",
                                 "family", "events"}) {
    bool found = false;
    for (const std::string& s : q) found = found || s.find(topic) != std::string::npos;
    EXPECT_TRUE(found) << topic;
  }
  EXPECT_EQ(q[0], "What does the user do for work, and what is their role?");
}

TEST(Stage3Test, PurposeFocusFirst) {
  struct Case {
    std::string_view purpose;
    std::vector<std::string> first;
  } cases[] = {
      {"meeting scheduling app",
       {"Where is the user based, and what timezone are they in?",
        "What are the user's meeting habits and availability?"}},
      {"This will be used in an AI SDR agent to help understand the user's communication style and priorities",
       {"How does the user prefer to communicate?", "Who are the user's key relationships?"}},
      {"Restaurant recommendation agent",
       {"What are the user's food preferences?", "Does the user have any dietary restrictions or allergies?"}},
      {"Content creation",
       {"What is the user's writing style?", "What are the user's hobbies and interests?"}},
      // No purpose table row, but the purpose names a topic of the bank.
      {"travel agent", {"Where has the user traveled, and how do they like to travel?"}},
  };
  for (const auto& c : cases) {
    const std::vector<std::string> q = Stage3Questions(c.purpose, c.first.size());
    EXPECT_EQ(q, c.first) << c.purpose;
  }
}

TEST(Stage3Test, MaxAndStability) {
  EXPECT_TRUE(Stage3Questions("anything", 0).empty());
  const auto all = Stage3Questions("meeting scheduling app", 1000);
  EXPECT_EQ(all.size(), Stage3Questions("", 1000).size()) << "every purpose sees the whole bank";
  EXPECT_EQ(Stage3Questions("meeting scheduling app", 3), std::vector<std::string>(all.begin(), all.begin() + 3));
  EXPECT_EQ(Stage3Questions("meeting scheduling app", 1000), all);
}

}  // namespace
}  // namespace engram::memory
