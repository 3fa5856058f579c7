#include "api/dto/profile_ingest_dto.h"

#include "api/dto/json_fields.h"

namespace engram::api::dto {

Result<service::ProfileIngestCommand> ParseProfileIngest(std::string_view body, const std::string& workspace,
                                                         const std::string& profile_id) {
  ENGRAM_ASSIGN_OR_RETURN(Json j, ParseObject(body));
  service::ProfileIngestCommand c;
  c.workspace = workspace;
  c.user_id = profile_id;
  ENGRAM_ASSIGN_OR_RETURN(c.data, RequiredString(j, "data", ""));
  if (c.data.size() > kMaxProfileIngestBytes) {
    return Status::PayloadTooLarge("Field data exceeds " + std::to_string(kMaxProfileIngestBytes / 1024) +
                                   " KB; split it into several requests");
  }
  ENGRAM_ASSIGN_OR_RETURN(auto source, OptionalString(j, "source", ""));
  c.source = source.value_or("");
  auto meta = j.find("metadata");
  if (meta != j.end() && !meta->is_null()) {
    if (!meta->is_object()) return Status::InvalidArgument("Invalid field: metadata (expected object)");
    c.metadata_json = Dump(*meta);
  }
  ENGRAM_ASSIGN_OR_RETURN(auto traits, OptionalBool(j, "extractTraits", ""));
  ENGRAM_ASSIGN_OR_RETURN(auto memories, OptionalBool(j, "extractMemories", ""));
  c.extract_traits = traits.value_or(true);
  c.extract_memories = memories.value_or(true);
  return c;
}

std::string ProfileIngestJson(const service::ProfileIngestResult& r, const service::ProfileIngestCommand& sent) {
  Json traits = Json::object();
  for (const auto& t : r.traits) {
    if (!traits.contains(t.name)) traits[t.name] = t.value;  // registration first: it wins
  }
  Json out;
  out["profile"] = Json{{"user_id", r.user.id},
                    {"traits", traits},
                    {"created_at", FormatIso8601(r.user.created_at)},
                    {"updated_at", FormatIso8601(r.user.updated_at)}};
  Json et = Json::array();
  for (const auto& t : r.extracted_traits) et.push_back({{"name", t.name}, {"value", t.value}, {"confidence", t.confidence}});
  Json em = Json::array();
  for (const auto& m : r.extracted_memories) {
    em.push_back({{"id", m.id}, {"text", m.text}, {"category", m.category}, {"confidence", m.confidence}});
  }
  out["extracted"] = {{"traits", et}, {"memories", em}};
  out["record_id"] = r.record_id;
  out["source"] = sent.source.empty() ? Json(nullptr) : Json(sent.source);
  out["metadata"] = sent.metadata_json.empty() ? Json(nullptr) : Json::parse(sent.metadata_json, nullptr, false);
  return Dump(out);
}

Result<StatusQuery> ParseStatusQuery(const std::map<std::string, std::string>& query) {
  StatusQuery q;
  auto it = query.find("user_id");
  if (it == query.end() || IsBlank(it->second)) return Status::InvalidArgument("Missing field: user_id");
  q.user_id = it->second;
  auto ids = query.find("event_ids");
  if (ids == query.end()) return q;
  std::string_view rest = ids->second;
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    std::string_view id = rest.substr(0, comma);
    while (!id.empty() && id.front() == ' ') id.remove_prefix(1);
    while (!id.empty() && id.back() == ' ') id.remove_suffix(1);
    if (!id.empty()) q.event_ids.emplace_back(id);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  }
  if (q.event_ids.size() > kMaxStatusEventIds) {
    return Status::InvalidArgument("Invalid field: event_ids (at most " + std::to_string(kMaxStatusEventIds) + ")");
  }
  return q;
}

namespace {
std::string_view StateName(store::ExtractionState s) {
  switch (s) {
    case store::ExtractionState::kPending: return "pending";
    case store::ExtractionState::kProcessed: return "processed";
    case store::ExtractionState::kFailed: return "failed";
    case store::ExtractionState::kUnknown: break;
  }
  return "unknown";
}
}  // namespace

std::string StatusJson(const service::StatusResult& r) {
  Json out;
  out["user_id"] = r.user_id;
  out["pending"] = r.counts.pending;
  out["processed"] = r.counts.processed;
  out["failed"] = r.counts.failed;
  out["failed_ids"] = r.counts.failed_ids;
  if (r.per_event) {
    Json events = Json::array();
    for (const auto& e : r.events) {
      Json one = {{"event_id", e.record_id}, {"status", StateName(e.state)}};
      if (!e.error.empty()) one["error"] = e.error;
      events.push_back(std::move(one));
    }
    out["events"] = std::move(events);
  }
  return Dump(out);
}

}  // namespace engram::api::dto
