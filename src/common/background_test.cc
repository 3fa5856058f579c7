#include "common/background.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#if defined(__linux__)
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace engram {
namespace {

#if defined(__linux__)
// A background thread gets the configured niceness on top of its own; the caller's is unchanged;
// 0 leaves it as it is.
TEST(BackgroundPriorityTest, EnterBackgroundLowersOnlyThatThread) {
  auto priority = [] { return getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid))); };
  const int mine = priority();
  auto in_background = [&](int nice) {
    SetBackgroundNice(nice);
    int seen = 0;
    std::thread t([&] {
      const int before = priority();
      EnterBackground();
      seen = priority() - before;
    });
    t.join();
    return seen;
  };
  EXPECT_EQ(in_background(3), std::min(19, mine + 3) - mine);  // niceness stops at 19
  EXPECT_EQ(in_background(0), 0);
  EXPECT_EQ(priority(), mine);
  SetBackgroundNice(0);
}

#endif

// YieldToForeground returns at once with no foreground work; with some in flight it returns only
// once that is done, or after its bound while it goes on.
TEST(BackgroundPriorityTest, YieldToForegroundWaitsForForegroundWork) {
  YieldToForeground(std::chrono::hours(1));  // none in flight: does not wait

  std::atomic<bool> released{false};
  std::atomic<bool> holding{false};
  std::atomic<bool> release{false};
  std::thread foreground([&] {
    ForegroundWork work;
    holding = true;
    while (!release) std::this_thread::yield();
    released = true;  // before `work` ends
  });
  while (!holding) std::this_thread::yield();
  const auto t0 = std::chrono::steady_clock::now();
  YieldToForeground(std::chrono::milliseconds(5));  // waits its bound, then returns though the work goes on
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(5));
  EXPECT_FALSE(released.load());
  std::atomic<bool> waiting{false};
  std::thread background([&] {
    waiting = true;
    YieldToForeground(std::chrono::hours(1));
    EXPECT_TRUE(released.load());  // returned because the foreground work ended
  });
  while (!waiting) std::this_thread::yield();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // most likely blocked by now (either way correct)
  release = true;
  background.join();
  foreground.join();
}

}  // namespace
}  // namespace engram
