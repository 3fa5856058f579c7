// ThreadPool: a fixed set of worker threads over a bounded FIFO queue.
//
// TrySubmit refuses work when the queue is full, so callers can shed load (HTTP answers 503) instead
// of growing without bound. Shutdown() stops accepting, runs what is queued, and joins.
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace engram {

// Background threads (extraction, embedding, promotion, WAL checkpoints) run at a lower CPU priority
// than the threads that answer requests, so a backlog of background work slows requests as little
// as possible on a machine with few cores. SetBackgroundNice (at start-up, before the workers start)
// sets the niceness they add, 0 = none; a background thread calls EnterBackground() first thing.
// Linux applies a thread's niceness to that thread only; elsewhere this does nothing.
void SetBackgroundNice(int nice);
void EnterBackground();

// Foreground work that background work should not compete with: a user's index being built for the
// request waiting on it. Priority alone does not keep a background thread off the store (its writes
// slow the reads), so background loops also call YieldToForeground() between units of work: it
// returns at once when no ForegroundWork is in flight, else when none is left or after `max_wait`,
// whichever comes first (a stream of foreground work delays background work, never stops it).
class ForegroundWork {
 public:
  ForegroundWork();
  ~ForegroundWork();
  ForegroundWork(const ForegroundWork&) = delete;
  ForegroundWork& operator=(const ForegroundWork&) = delete;
};
void YieldToForeground(std::chrono::milliseconds max_wait);
// What the background workers pass: longer than a cold index load takes, short enough that a stream
// of them cannot hold background work back for long.
inline constexpr std::chrono::milliseconds kForegroundYield{250};

class ThreadPool {
 public:
  ThreadPool(size_t threads, size_t max_queue);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // False when the queue is full or the pool is shut down; the task is then not run.
  bool TrySubmit(std::function<void()> task);
  // Stops accepting, drains the queue, joins the workers. Idempotent.
  void Shutdown();
  size_t QueueDepth() const;

 private:
  void Loop();

  const size_t max_queue_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;  // guarded by mu_
  bool stopping_ = false;                   // guarded by mu_
  std::vector<std::thread> workers_;
};

}  // namespace engram
