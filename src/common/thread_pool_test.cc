#include "common/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

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

}  // namespace
}  // namespace engram
