#include "service/event_dedupe_window.h"

#include "common/crypto.h"

namespace engram::service {

EventDedupeWindow::EventDedupeWindow(const Clock* clock, EventDedupeOptions options)
    : clock_(clock), options_(options) {}

std::string EventDedupeWindow::Digest(const EventKey& key) {
  // Length-prefixed, so no choice of field contents can make two different tuples collide.
  std::string buf;
  for (std::string_view part : {key.workspace, key.actor_id, key.session_id, key.kind, key.content}) {
    buf += std::to_string(part.size());
    buf += ':';
    buf += part;
  }
  return Sha256Hex(buf);
}

void EventDedupeWindow::ExpireLocked(TimeMs now) {
  while (!order_.empty() &&
         (now - order_.front().first >= options_.window_ms || order_.size() > options_.max_entries)) {
    auto it = entries_.find(order_.front().second);
    // A key forgotten and remembered again has a newer entry; only the one this slot recorded goes.
    if (it != entries_.end() && it->second.at == order_.front().first) entries_.erase(it);
    order_.pop_front();
  }
}

EventDedupeWindow::Claim EventDedupeWindow::FindOrRemember(const EventKey& key, const std::string& candidate_id) {
  const std::string digest = Digest(key);
  const TimeMs now = clock_->NowMs();
  std::lock_guard<std::mutex> lock(mu_);
  ExpireLocked(now);
  auto it = entries_.find(digest);
  if (it != entries_.end() && now - it->second.at < options_.window_ms) return Claim{it->second.id, false};
  entries_[digest] = Entry{candidate_id, now};
  order_.emplace_back(now, digest);
  ExpireLocked(now);  // enforce max_entries
  return Claim{candidate_id, true};
}

void EventDedupeWindow::Forget(const EventKey& key, const std::string& id) {
  const std::string digest = Digest(key);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(digest);
  if (it != entries_.end() && it->second.id == id) entries_.erase(it);
}

size_t EventDedupeWindow::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

}  // namespace engram::service
