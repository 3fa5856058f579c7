// POST /ingest, seed-004 dialect: a JSON array of events, or {"events": [...]} whose items carry
// actor_id. Detects the dialect on an already parsed body, validates a whole batch into an
// EventIngestCommand (nothing is stored unless every event is valid), renders {"event_ids": [...]}.
//
// Errors: too many events is InvalidArgument (400, like the first dialect's limits); every per-event
// rule is Unprocessable (422) with a message "events[<i>].<field>: <rule>".
// Rules: NUL bytes are stripped from every string first; kind is one of the four seed kinds; content
// has a non-whitespace character and fewer than max_content_chars Unicode characters; actor_id and
// session_id are trimmed, non-empty, at most max_id_chars; role_id/team_id at most max_id_chars and
// empty when only whitespace; metadata, when present, is a string of at most max_metadata_chars,
// kept as sent when it is JSON and as {"raw": <string>} when it is not. Whitespace is ASCII.
// Pure; thread-safe.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

#include "service/event_ingest_service.h"

namespace engram::api::dto {

struct EventsLimits {
  size_t max_events = 100;           // per request
  size_t max_content_chars = 8000;   // content must stay under this
  size_t max_id_chars = 256;         // actor_id, session_id, role_id, team_id
  size_t max_metadata_chars = 4096;
};

// True when `body` speaks the seed-004 dialect: an array, or an object without user_id whose
// `events` array holds at least one object with actor_id.
bool IsEventsBody(const nlohmann::json& body);

Result<service::EventIngestCommand> ParseEvents(const nlohmann::json& body, const std::string& workspace,
                                                const EventsLimits& limits);

std::string EventsResponseJson(const service::EventIngestResult& result);

}  // namespace engram::api::dto
