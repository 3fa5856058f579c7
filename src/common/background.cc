#include "common/background.h"

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <mutex>

#if defined(__linux__)
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace engram {

namespace {
std::atomic<int> background_nice{0};

struct Foreground {
  std::mutex mu;
  std::condition_variable idle;
  std::atomic<int> in_flight{0};
};
Foreground& TheForeground() {
  static Foreground f;
  return f;
}
}  // namespace

ForegroundWork::ForegroundWork() { TheForeground().in_flight.fetch_add(1, std::memory_order_relaxed); }

ForegroundWork::~ForegroundWork() {
  Foreground& f = TheForeground();
  std::lock_guard<std::mutex> lock(f.mu);  // pairs with the waiter's check: no lost wake-up
  if (f.in_flight.fetch_sub(1, std::memory_order_relaxed) == 1) f.idle.notify_all();
}

void YieldToForeground(std::chrono::milliseconds max_wait) {
  Foreground& f = TheForeground();
  if (f.in_flight.load(std::memory_order_relaxed) == 0) return;
  std::unique_lock<std::mutex> lock(f.mu);
  f.idle.wait_for(lock, max_wait, [&] { return f.in_flight.load(std::memory_order_relaxed) == 0; });
}

void SetBackgroundNice(int nice) { background_nice.store(nice, std::memory_order_relaxed); }

void EnterBackground() {
  const int nice = background_nice.load(std::memory_order_relaxed);
  if (nice <= 0) return;
#if defined(__linux__)
  const auto tid = static_cast<id_t>(syscall(SYS_gettid));
  errno = 0;
  const int current = getpriority(PRIO_PROCESS, tid);
  if (errno == 0) (void)setpriority(PRIO_PROCESS, tid, current + nice);  // best effort
#endif
}

}  // namespace engram
