// ThreadPool: a fixed set of worker threads over a bounded FIFO queue.
//
// TrySubmit refuses work when the queue is full, so callers can shed load (HTTP answers 503) instead
// of growing without bound. Shutdown() stops accepting, runs what is queued, and joins.
// Thread-safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace engram {

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
