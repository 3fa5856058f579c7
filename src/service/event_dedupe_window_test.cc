// EventDedupeWindow: the seed-004 60-second idempotency window, driven by a ManualClock.
#include "service/event_dedupe_window.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace engram::service {
namespace {

EventKey Key(std::string_view session = "s1", std::string_view content = "hello",
             std::string_view workspace = "ws") {
  return EventKey{workspace, "actor", session, "user_message", content};
}

TEST(EventDedupeWindowTest, RepeatInsideWindowGetsOriginalId) {
  ManualClock clock;
  EventDedupeWindow w(&clock);
  auto first = w.FindOrRemember(Key(), "evt_a");
  EXPECT_TRUE(first.fresh);
  EXPECT_EQ(first.id, "evt_a");
  clock.Advance(59'999);
  auto again = w.FindOrRemember(Key(), "evt_b");
  EXPECT_FALSE(again.fresh);
  EXPECT_EQ(again.id, "evt_a");
}

TEST(EventDedupeWindowTest, AfterWindowANewIdIsTaken) {
  ManualClock clock;
  EventDedupeWindow w(&clock);
  ASSERT_TRUE(w.FindOrRemember(Key(), "evt_a").fresh);
  clock.Advance(30'000);
  EXPECT_EQ(w.FindOrRemember(Key(), "evt_b").id, "evt_a");  // a repeat does not extend the window
  clock.Advance(30'000);
  auto later = w.FindOrRemember(Key(), "evt_c");
  EXPECT_TRUE(later.fresh);
  EXPECT_EQ(later.id, "evt_c");
  EXPECT_EQ(w.size(), 1u);  // the expired entry was dropped
}

TEST(EventDedupeWindowTest, AnyDifferentFieldOrWorkspaceIsANewEvent) {
  ManualClock clock;
  EventDedupeWindow w(&clock);
  ASSERT_TRUE(w.FindOrRemember(Key(), "evt_a").fresh);
  EXPECT_TRUE(w.FindOrRemember(Key("s2"), "evt_b").fresh);
  EXPECT_TRUE(w.FindOrRemember(Key("s1", "hello!"), "evt_c").fresh);
  EXPECT_TRUE(w.FindOrRemember(Key("s1", "hello", "other-ws"), "evt_d").fresh);
  EXPECT_TRUE(w.FindOrRemember(EventKey{"ws", "actor", "s1", "app_event", "hello"}, "evt_e").fresh);
  // Fields are length-prefixed: moving a character between fields is a different tuple.
  EXPECT_TRUE(w.FindOrRemember(EventKey{"ws", "actors", "1", "user_message", "hello"}, "evt_f").fresh);
}

TEST(EventDedupeWindowTest, ForgetOnlyDropsTheGivenId) {
  ManualClock clock;
  EventDedupeWindow w(&clock);
  ASSERT_TRUE(w.FindOrRemember(Key(), "evt_a").fresh);
  w.Forget(Key(), "evt_other");
  EXPECT_EQ(w.FindOrRemember(Key(), "evt_b").id, "evt_a");
  w.Forget(Key(), "evt_a");
  EXPECT_EQ(w.FindOrRemember(Key(), "evt_b").id, "evt_b");
}

TEST(EventDedupeWindowTest, MemoryIsBounded) {
  ManualClock clock;
  EventDedupeWindow w(&clock, EventDedupeOptions{.window_ms = 60'000, .max_entries = 3});
  for (int i = 0; i < 10; ++i) w.FindOrRemember(Key("s", std::to_string(i)), "evt_" + std::to_string(i));
  EXPECT_EQ(w.size(), 3u);
  // The newest survive; the oldest were evicted.
  EXPECT_EQ(w.FindOrRemember(Key("s", "9"), "x").id, "evt_9");
  EXPECT_TRUE(w.FindOrRemember(Key("s", "0"), "evt_new").fresh);
}

TEST(EventDedupeWindowTest, ConcurrentClaimsAgreeOnOneId) {
  ManualClock clock;
  EventDedupeWindow w(&clock);
  std::vector<std::string> ids(8);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < ids.size(); ++t) {
    threads.emplace_back([&, t] { ids[t] = w.FindOrRemember(Key(), "evt_" + std::to_string(t)).id; });
  }
  for (auto& th : threads) th.join();
  for (const auto& id : ids) EXPECT_EQ(id, ids[0]);
}

}  // namespace
}  // namespace engram::service
