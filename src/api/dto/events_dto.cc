#include "api/dto/events_dto.h"

#include <algorithm>

#include "common/strings.h"
#include "api/dto/json_fields.h"

namespace engram::api::dto {

namespace {

using service::EventSpec;

Status Invalid(const std::string& path, std::string_view field, std::string_view rule) {
  return Status::Unprocessable(Path(path, field) + ": " + std::string(rule));
}

std::string StripNul(std::string s) {
  s.erase(std::remove(s.begin(), s.end(), '\0'), s.end());
  return s;
}

// A string field with NULs stripped; nullopt when absent or null.
Result<std::optional<std::string>> StringField(const Json& item, std::string_view field, const std::string& path) {
  auto it = item.find(field);
  if (it == item.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) return Invalid(path, field, "must be a string");
  return std::optional<std::string>(StripNul(it->get<std::string>()));
}

// actor_id / session_id: required, trimmed, non-empty, bounded.
Result<std::string> IdField(const Json& item, std::string_view field, const std::string& path,
                            const EventsLimits& limits) {
  ENGRAM_ASSIGN_OR_RETURN(auto v, StringField(item, field, path));
  if (!v) return Invalid(path, field, "field required");
  std::string trimmed(TrimAsciiSpace(*v));
  if (trimmed.empty()) return Invalid(path, field, "must not be empty");
  if (Utf8Length(trimmed) > limits.max_id_chars) {
    return Invalid(path, field, "must be at most " + std::to_string(limits.max_id_chars) + " characters");
  }
  return trimmed;
}

// role_id / team_id: optional, "" when only whitespace, bounded.
Result<std::string> ScopeField(const Json& item, std::string_view field, const std::string& path,
                               const EventsLimits& limits) {
  ENGRAM_ASSIGN_OR_RETURN(auto v, StringField(item, field, path));
  if (!v) return std::string();
  if (Utf8Length(*v) > limits.max_id_chars) {
    return Invalid(path, field, "must be at most " + std::to_string(limits.max_id_chars) + " characters");
  }
  return std::string(TrimAsciiSpace(*v));
}

constexpr std::pair<std::string_view, std::string_view> kCamelCaseFields[] = {
    {"actorId", "actor_id"}, {"sessionId", "session_id"}, {"roleId", "role_id"}, {"teamId", "team_id"}};

Result<EventSpec> ParseEvent(const Json& item, const std::string& path, const EventsLimits& limits) {
  if (!item.is_object()) return Status::Unprocessable(path + ": must be an object");
  // Seed 004: the wire format is snake_case; an SDK's camelCase pasted into a body is a 422.
  for (const auto& [camel, snake] : kCamelCaseFields) {
    if (item.contains(camel)) {
      return Status::Unprocessable(path + "." + std::string(camel) + ": the JSON wire format is snake_case (" +
                                   std::string(snake) + ")");
    }
  }
  EventSpec e;
  ENGRAM_ASSIGN_OR_RETURN(e.actor_id, IdField(item, "actor_id", path, limits));
  ENGRAM_ASSIGN_OR_RETURN(e.session_id, IdField(item, "session_id", path, limits));

  // Any kind that is not one of the four (a number, null, "chat_turn") gets the same answer.
  auto kind = item.find("kind");
  std::optional<service::EventKind> parsed_kind;
  if (kind != item.end() && kind->is_string()) parsed_kind = service::ParseEventKind(StripNul(kind->get<std::string>()));
  if (!parsed_kind) return Invalid(path, "kind", "must be one of user_message, assistant_message, tool_result, app_event");
  e.kind = *parsed_kind;

  ENGRAM_ASSIGN_OR_RETURN(auto content, StringField(item, "content", path));
  if (!content) return Invalid(path, "content", "field required");
  if (TrimAsciiSpace(*content).empty()) return Invalid(path, "content", "must contain a non-whitespace character");
  const size_t chars = Utf8Length(*content);
  if (chars >= limits.max_content_chars) {
    return Invalid(path, "content", "must be under " + std::to_string(limits.max_content_chars) + " characters (got " +
                                        std::to_string(chars) + ")");
  }
  e.content = std::move(*content);

  ENGRAM_ASSIGN_OR_RETURN(auto ts, StringField(item, "ts", path));
  if (ts) {
    auto t = ParseIso8601(*ts);
    if (!t) return Invalid(path, "ts", "must be an ISO 8601 timestamp");
    e.ts = *t;
  }

  auto meta = item.find("metadata");
  if (meta != item.end() && !meta->is_null()) {
    if (!meta->is_string()) return Invalid(path, "metadata", "must be a string (JSON serialized), not " + std::string(meta->type_name()));
    std::string text = StripNul(meta->get<std::string>());
    if (Utf8Length(text) > limits.max_metadata_chars) {
      return Invalid(path, "metadata", "must be at most " + std::to_string(limits.max_metadata_chars) + " characters");
    }
    // Not JSON is not an error: the seed keeps the client's string under "raw".
    e.metadata_json = Json::accept(text) ? text : Dump(Json{{"raw", text}});
  }

  ENGRAM_ASSIGN_OR_RETURN(e.role_id, ScopeField(item, "role_id", path, limits));
  ENGRAM_ASSIGN_OR_RETURN(e.team_id, ScopeField(item, "team_id", path, limits));
  return e;
}

const Json* EventsArray(const Json& body) {
  if (body.is_array()) return &body;
  if (!body.is_object() || body.contains("user_id")) return nullptr;
  auto it = body.find("events");
  if (it == body.end() || !it->is_array()) return nullptr;
  return &*it;
}

}  // namespace

bool IsEventsBody(const Json& body) {
  if (body.is_array()) return true;
  const Json* events = EventsArray(body);
  if (!events) return false;
  return std::any_of(events->begin(), events->end(), [](const Json& item) {
    return item.is_object() && (item.contains("actor_id") || item.contains("actorId"));
  });
}

Result<service::EventIngestCommand> ParseEvents(const Json& body, const std::string& workspace,
                                                const EventsLimits& limits) {
  const Json* events = EventsArray(body);
  if (!events) return Status::InvalidArgument("Request body must be an array of events or {\"events\": [...]}");
  if (events->empty()) return Status::InvalidArgument("Missing field: events (nothing to ingest)");
  if (events->size() > limits.max_events) {
    return Status::InvalidArgument("Field events: at most " + std::to_string(limits.max_events) +
                                   " per request (got " + std::to_string(events->size()) + ")");
  }
  service::EventIngestCommand cmd;
  cmd.workspace = workspace;
  cmd.events.reserve(events->size());
  for (size_t i = 0; i < events->size(); ++i) {
    ENGRAM_ASSIGN_OR_RETURN(auto e, ParseEvent((*events)[i], Path("events", i), limits));
    cmd.events.push_back(std::move(e));
  }
  return cmd;
}

std::string EventsResponseJson(const service::EventIngestResult& result) {
  Json j;
  j["event_ids"] = result.event_ids;
  return Dump(j);
}

}  // namespace engram::api::dto
