// Background work and the requests it must not slow down, on a machine with few cores.
//
// Process-wide policy, not tied to any one pool: the background workers (extraction, embedding,
// promotion) call EnterBackground() when they start and YieldToForeground() between units of work;
// the WAL checkpointer calls EnterBackground() only; a cold index load marks itself ForegroundWork.
// Thread-safe.
#pragma once

#include <chrono>

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

}  // namespace engram
