// EventDedupeWindow: seed-004 idempotency. Remembers, per workspace, which event id was assigned to an
// (actor_id, session_id, kind, content) tuple, for a rolling window (60 s by default) measured from
// the original event, so a client retry within the window gets the original id back.
//
// Best-effort by design (the seed says so): it lives in memory, is lost on restart, and holds at most
// `max_entries` tuples (the oldest go first). Keys are SHA-256 digests, so memory per entry does not
// grow with content size. Time comes from the injected Clock.
// Thread-safe.
#pragma once

#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/time.h"

namespace engram::service {

struct EventKey {
  std::string_view workspace;
  std::string_view actor_id;
  std::string_view session_id;
  std::string_view kind;
  std::string_view content;
};

struct EventDedupeOptions {
  TimeMs window_ms = 60'000;    // how long an original event id is handed back for a repeat
  size_t max_entries = 200'000; // bound on remembered tuples; the oldest are dropped beyond it
};

class EventDedupeWindow {
 public:
  explicit EventDedupeWindow(const Clock* clock, EventDedupeOptions options = {});

  // The id remembered for `key` inside the window, if any; otherwise remembers `candidate_id` for
  // it and returns that. Check and insert are one step, so two concurrent requests with the same
  // tuple agree on one id.
  struct Claim {
    std::string id;
    bool fresh = false;  // true: `candidate_id` was remembered; the caller must store the event
  };
  Claim FindOrRemember(const EventKey& key, const std::string& candidate_id);

  // Drops `key` if it still maps to `id` (used when storing the event failed, so a retry is not
  // answered with an id that was never stored).
  void Forget(const EventKey& key, const std::string& id);

  size_t size() const;

 private:
  struct Entry {
    std::string id;
    TimeMs at = 0;
  };
  static std::string Digest(const EventKey& key);
  void ExpireLocked(TimeMs now);

  const Clock* clock_;
  EventDedupeOptions options_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;       // GUARDED_BY(mu_)
  std::deque<std::pair<TimeMs, std::string>> order_;     // GUARDED_BY(mu_), insertion order
};

}  // namespace engram::service
