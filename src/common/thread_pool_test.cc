#include "common/thread_pool.h"

#include <gtest/gtest.h>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <thread>

namespace engram {
namespace {

TEST(ThreadPoolTest, RunsEverythingSubmittedBeforeShutdown) {
  std::atomic<int> n{0};
  ThreadPool pool(2, 1000);
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(pool.TrySubmit([&] { n++; }));
  pool.Shutdown();
  EXPECT_EQ(n.load(), 100);
  EXPECT_FALSE(pool.TrySubmit([] {}));
}

TEST(ThreadPoolTest, RefusesWhenQueueFull) {
  ThreadPool pool(1, 1);
  std::promise<void> gate;
  auto gate_future = gate.get_future().share();
  std::promise<void> started;
  ASSERT_TRUE(pool.TrySubmit([&] { started.set_value(); gate_future.wait(); }));
  started.get_future().wait();                 // the worker is busy
  ASSERT_TRUE(pool.TrySubmit([] {}));          // fills the queue
  EXPECT_FALSE(pool.TrySubmit([] {}));         // over the bound
  gate.set_value();
}

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
  YieldToForeground(std::chrono::milliseconds(1));  // bounded: returns although the work goes on
  EXPECT_FALSE(released.load());
  std::thread background([&] {
    YieldToForeground(std::chrono::hours(1));
    EXPECT_TRUE(released.load());  // woken by the end of the foreground work, not by the bound
  });
  release = true;
  background.join();
  foreground.join();
}

}  // namespace
}  // namespace engram
