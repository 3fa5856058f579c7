#include "service/event_ingest_service.h"

#include <array>
#include <map>

#include "common/crypto.h"

namespace engram::service {

namespace {

constexpr std::array<std::string_view, 4> kKindNames = {"user_message", "assistant_message", "tool_result",
                                                        "app_event"};

EventKey KeyOf(const std::string& workspace, const EventSpec& e) {
  return EventKey{workspace, e.actor_id, e.session_id, EventKindName(e.kind), e.content};
}

domain::Record ToRecord(const EventSpec& e, const std::string& id, TimeMs now) {
  domain::Record r;
  r.id = id;
  switch (e.kind) {
    case EventKind::kUserMessage:
    case EventKind::kAssistantMessage:
      r.kind = domain::RecordKind::kMessage;
      r.type = "message";  // as first-dialect messages, so retrieval and extraction treat both alike
      r.speaker = e.kind == EventKind::kUserMessage ? "user" : "assistant";
      break;
    case EventKind::kToolResult:
    case EventKind::kAppEvent:
      r.kind = domain::RecordKind::kEvent;
      r.type = std::string(EventKindName(e.kind));
      break;
  }
  r.session_id = e.session_id;
  r.timestamp = e.ts.value_or(now);
  r.metadata_json = e.metadata_json;
  r.role_id = e.role_id;
  r.team_id = e.team_id;
  r.content = e.content;
  return r;
}

}  // namespace

std::string_view EventKindName(EventKind k) { return kKindNames[static_cast<size_t>(k)]; }

std::optional<EventKind> ParseEventKind(std::string_view s) {
  for (size_t i = 0; i < kKindNames.size(); ++i) {
    if (kKindNames[i] == s) return static_cast<EventKind>(i);
  }
  return std::nullopt;
}

EventIngestService::EventIngestService(ServiceContext ctx, UserService* users, IngestService* ingest,
                                       EventDedupeWindow* window)
    : ctx_(ctx), users_(users), ingest_(ingest), window_(window) {}

Result<EventIngestResult> EventIngestService::Ingest(EventIngestCommand command) {
  const std::string& ws = command.workspace;
  const TimeMs now = ctx_.clock->NowMs();
  EventIngestResult result;
  result.event_ids.resize(command.events.size());

  // Per actor, in order of first appearance: the records to write and the input positions they fill.
  struct Group {
    std::string actor_id;
    std::vector<domain::Record> records;
    std::vector<size_t> positions;
  };
  std::vector<Group> groups;
  std::map<std::string, size_t> group_of;

  for (size_t i = 0; i < command.events.size(); ++i) {
    const EventSpec& e = command.events[i];
    // The window also catches repeats inside this batch: the first occurrence claimed the tuple.
    auto claim = window_->FindOrRemember(KeyOf(ws, e), NewId("evt_"));
    result.event_ids[i] = claim.id;
    if (!claim.fresh) continue;
    auto [it, added] = group_of.emplace(e.actor_id, groups.size());
    if (added) groups.push_back(Group{e.actor_id, {}, {}});
    Group& g = groups[it->second];
    g.records.push_back(ToRecord(e, claim.id, now));
    g.positions.push_back(i);
  }

  // Forgets the claims of groups [from, end) so a retry is not answered with ids never stored.
  auto release = [&](size_t from) {
    for (size_t gi = from; gi < groups.size(); ++gi) {
      for (size_t pos : groups[gi].positions) window_->Forget(KeyOf(ws, command.events[pos]), result.event_ids[pos]);
    }
  };

  for (size_t gi = 0; gi < groups.size(); ++gi) {
    Group& g = groups[gi];
    auto user = users_->EnsureRegistered(ws, g.actor_id);
    Status st = user.status();
    if (st.ok()) {
      IngestCommand cmd;
      cmd.workspace = ws;
      cmd.user_id = g.actor_id;
      cmd.uid = user->uid;  // found or registered just now: not looked up again
      // Seed 004 has its own idempotency (the window); content+timestamp dedupe would drop a
      // legitimate repeat sent after the window closed.
      cmd.policy = domain::WritePolicy{.dedupe = false, .update_existing = false};
      cmd.records = std::move(g.records);
      st = ingest_->Ingest(std::move(cmd)).status();
    }
    if (!st.ok()) {
      release(gi);
      return st;
    }
  }
  return result;
}

}  // namespace engram::service
