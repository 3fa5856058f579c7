// EventIngestService: the seed-004 ingest use case (`POST /ingest` with actor/session/kind events).
//
// Takes events already validated by the DTO, answers one event id per event in input order:
// - an identical (actor_id, session_id, kind, content) seen within the dedupe window (earlier request
//   or earlier in this batch) gets the original id and stores nothing;
// - actors are users of the workspace, registered by id on first sight;
// - the rest become records (messages for user/assistant turns, events for tool results and app
//   events) written through IngestService, one call per actor in order of first appearance, so the
//   index, embeddings and extraction observers see them as any other ingest.
// A store failure for one actor leaves the actors written before it written (each call is its own
// transaction); their ids stay in the window, the failed ones are forgotten.
// Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "service/event_dedupe_window.h"
#include "service/ingest_service.h"
#include "service/user_service.h"

namespace engram::service {

enum class EventKind { kUserMessage, kAssistantMessage, kToolResult, kAppEvent };
std::string_view EventKindName(EventKind k);  // "user_message", ...
std::optional<EventKind> ParseEventKind(std::string_view s);

struct EventSpec {
  std::string actor_id;         // trimmed, non-empty
  std::string session_id;       // trimmed, non-empty
  EventKind kind = EventKind::kUserMessage;
  std::string content;
  std::optional<TimeMs> ts;     // nullopt: the server's clock at ingest
  std::string metadata_json;    // JSON text as sent, {"raw": ...} when it was not JSON, "" when absent
  std::string role_id;          // "" = none
  std::string team_id;          // "" = none
};

struct EventIngestCommand {
  std::string workspace;
  std::vector<EventSpec> events;
};

struct EventIngestResult {
  std::vector<std::string> event_ids;  // one per event, in input order
};

class EventIngestService {
 public:
  // Not owned; all outlive the service.
  EventIngestService(ServiceContext ctx, UserService* users, IngestService* ingest, EventDedupeWindow* window);

  Result<EventIngestResult> Ingest(EventIngestCommand command);

 private:
  ServiceContext ctx_;
  UserService* users_;
  IngestService* ingest_;
  EventDedupeWindow* window_;
};

}  // namespace engram::service
