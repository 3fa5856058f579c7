#include "api/dto/ingest_dto.h"

#include "api/dto/json_fields.h"

namespace engram::api::dto {

namespace {

using domain::Record;
using domain::RecordKind;

Status CheckSize(const std::string& content, std::string_view path, const IngestLimits& limits) {
  if (content.size() > limits.max_record_bytes) {
    return Status::PayloadTooLarge("Field " + std::string(path) + " is " + std::to_string(content.size()) +
                                   " bytes; the limit is " + std::to_string(limits.max_record_bytes) +
                                   " bytes per record");
  }
  return Status::Ok();
}

Status CheckCount(const Json* arr, std::string_view field, size_t max) {
  if (arr && arr->size() > max) {
    return Status::InvalidArgument("Field " + std::string(field) + ": at most " + std::to_string(max) +
                                   " per request (got " + std::to_string(arr->size()) + ")");
  }
  return Status::Ok();
}

// Metadata is kept as the client sent it: a JSON value serialized, or a string verbatim.
std::string MetadataText(const Json& item) {
  auto it = item.find("metadata");
  if (it == item.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  return Dump(*it);
}

std::string MetadataString(const Json& item, const char* key) {
  auto it = item.find("metadata");
  if (it == item.end() || !it->is_object()) return "";
  auto v = it->find(key);
  if (v == it->end()) return "";
  if (v->is_string()) return v->get<std::string>();
  if (v->is_number()) return v->dump();
  return "";
}

// What every record shares: an object with non-blank `content` within the size limit, an optional
// non-blank client id under `id_field`, an optional ISO 8601 time under `time_field`, and metadata kept
// as sent.
Result<Record> ParseRecordBase(const Json& item, const std::string& path, RecordKind kind, const char* id_field,
                               const char* time_field, const std::string& source, const IngestLimits& limits) {
  if (!item.is_object()) return Status::InvalidArgument("Invalid field: " + path + " (expected object)");
  Record r;
  r.kind = kind;
  r.source = source;
  ENGRAM_ASSIGN_OR_RETURN(r.content, RequiredString(item, "content", path));
  ENGRAM_RETURN_IF_ERROR(CheckSize(r.content, Path(path, "content"), limits));
  ENGRAM_ASSIGN_OR_RETURN(auto id, OptionalString(item, id_field, path));
  if (id && IsBlank(*id)) return Status::InvalidArgument("Empty field: " + Path(path, id_field));
  r.id = id.value_or("");
  ENGRAM_ASSIGN_OR_RETURN(auto ts, OptionalTime(item, time_field, path));
  r.timestamp = ts.value_or(0);
  r.metadata_json = MetadataText(item);
  return r;
}

Result<Record> ParseEvent(const Json& item, const std::string& path, const std::string& source,
                          const IngestLimits& limits) {
  ENGRAM_ASSIGN_OR_RETURN(Record r, ParseRecordBase(item, path, RecordKind::kEvent, "event_id", "timestamp", source, limits));
  ENGRAM_ASSIGN_OR_RETURN(auto type, OptionalString(item, "type", path));
  r.type = type && !type->empty() ? *type : "event";
  ENGRAM_ASSIGN_OR_RETURN(auto item_source, OptionalString(item, "source", path));
  if (item_source && !item_source->empty()) r.source = *item_source;
  r.speaker = MetadataString(item, "speaker");
  r.session_id = MetadataString(item, "session_id");
  if (r.session_id.empty()) r.session_id = MetadataString(item, "session");
  return r;
}

Result<Record> ParseDocument(const Json& item, const std::string& path, const std::string& source,
                             const IngestLimits& limits) {
  ENGRAM_ASSIGN_OR_RETURN(Record r,
                          ParseRecordBase(item, path, RecordKind::kDocument, "doc_id", "created_at", source, limits));
  ENGRAM_ASSIGN_OR_RETURN(auto kind, OptionalString(item, "kind", path));
  ENGRAM_ASSIGN_OR_RETURN(auto document_type, OptionalString(item, "document_type", path));
  r.type = kind && !kind->empty() ? *kind : document_type && !document_type->empty() ? *document_type : "document";
  ENGRAM_ASSIGN_OR_RETURN(auto title, OptionalString(item, "title", path));
  r.title = title.value_or("");
  return r;
}

Result<Record> ParseMessage(const Json& item, const std::string& path, const std::string& source,
                            const IngestLimits& limits) {
  ENGRAM_ASSIGN_OR_RETURN(Record r,
                          ParseRecordBase(item, path, RecordKind::kMessage, "message_id", "timestamp", source, limits));
  r.type = "message";
  ENGRAM_ASSIGN_OR_RETURN(r.speaker, RequiredString(item, "role", path));
  if (r.speaker != "user" && r.speaker != "assistant" && r.speaker != "system" && r.speaker != "tool") {
    return Status::InvalidArgument("Invalid field: " + Path(path, "role") +
                                   " (expected user, assistant, system or tool)");
  }
  return r;
}

}  // namespace

Result<service::IngestCommand> ParseIngest(std::string_view body, const std::string& workspace,
                                           const IngestLimits& limits) {
  ENGRAM_ASSIGN_OR_RETURN(Json j, ParseObject(body));
  return ParseIngest(j, workspace, limits);
}

Result<service::IngestCommand> ParseIngest(const Json& j, const std::string& workspace,
                                           const IngestLimits& limits) {
  if (!j.is_object()) return Status::InvalidArgument("Request body must be a JSON object");
  service::IngestCommand cmd;
  cmd.workspace = workspace;
  ENGRAM_ASSIGN_OR_RETURN(cmd.user_id, RequiredString(j, "user_id", ""));
  ENGRAM_ASSIGN_OR_RETURN(auto source, OptionalString(j, "source", ""));
  const std::string src = source.value_or("");

  ENGRAM_ASSIGN_OR_RETURN(const Json* events, OptionalArray(j, "events", ""));
  ENGRAM_ASSIGN_OR_RETURN(const Json* documents, OptionalArray(j, "documents", ""));
  ENGRAM_ASSIGN_OR_RETURN(const Json* messages, OptionalArray(j, "message_history", ""));
  ENGRAM_RETURN_IF_ERROR(CheckCount(events, "events", limits.max_events));
  ENGRAM_RETURN_IF_ERROR(CheckCount(documents, "documents", limits.max_documents));
  ENGRAM_RETURN_IF_ERROR(CheckCount(messages, "message_history", limits.max_messages));
  const size_t total = (events ? events->size() : 0) + (documents ? documents->size() : 0) +
                       (messages ? messages->size() : 0);
  if (total == 0) {
    return Status::InvalidArgument("Missing field: events, documents or message_history (nothing to ingest)");
  }

  auto it = j.find("options");
  if (it != j.end() && !it->is_null()) {
    if (!it->is_object()) return Status::InvalidArgument("Invalid field: options (expected object)");
    ENGRAM_ASSIGN_OR_RETURN(auto dedupe, OptionalBool(*it, "dedupe", "options"));
    ENGRAM_ASSIGN_OR_RETURN(auto update, OptionalBool(*it, "update_existing", "options"));
    cmd.policy.dedupe = dedupe.value_or(cmd.policy.dedupe);
    cmd.policy.update_existing = update.value_or(false);
  }

  cmd.records.reserve(total);
  for (size_t i = 0; events && i < events->size(); ++i) {
    ENGRAM_ASSIGN_OR_RETURN(auto r, ParseEvent((*events)[i], Path("events", i), src, limits));
    cmd.records.push_back(std::move(r));
  }
  for (size_t i = 0; documents && i < documents->size(); ++i) {
    ENGRAM_ASSIGN_OR_RETURN(auto r, ParseDocument((*documents)[i], Path("documents", i), src, limits));
    cmd.records.push_back(std::move(r));
  }
  for (size_t i = 0; messages && i < messages->size(); ++i) {
    ENGRAM_ASSIGN_OR_RETURN(auto r, ParseMessage((*messages)[i], Path("message_history", i), src, limits));
    cmd.records.push_back(std::move(r));
  }
  return cmd;
}

std::string IngestResponseJson(const service::IngestResult& result) {
  // Seed 000 counts "events"/"documents"; seed 001 counts "documents"/"message_history".
  static const char* kField[] = {"events", "documents", "message_history"};
  int64_t saved[3] = {0, 0, 0};
  int64_t updated[3] = {0, 0, 0};
  Json skipped = Json::array();
  Json inserted_ids = Json::array();
  Json updated_ids = Json::array();
  for (size_t i = 0; i < result.outcomes.size(); ++i) {
    const auto& o = result.outcomes[i];
    const int k = static_cast<int>(o.kind);
    switch (o.outcome) {
      case domain::WriteOutcome::kInserted:
        ++saved[k];
        inserted_ids.push_back(o.record_id);
        break;
      case domain::WriteOutcome::kUpdated:
        ++saved[k];
        ++updated[k];
        updated_ids.push_back(o.record_id);
        break;
      case domain::WriteOutcome::kSkipped:
        skipped.push_back({{"id", o.record_id}, {"type", kField[k]}, {"reason", o.skip_reason}});
        break;
    }
  }
  Json counts = Json::object();
  Json updated_counts = Json::object();
  Json triggered = Json::object();
  for (int k = 0; k < 3; ++k) {
    counts[kField[k]] = saved[k];
    updated_counts[kField[k]] = updated[k];
    triggered[kField[k]] = saved[k] > 0;
  }
  Json j;
  j["ingested"] = counts;
  j["saved"] = counts;
  j["updated"] = updated_counts;
  j["skipped"] = skipped;
  j["processing_triggered"] = triggered;
  j["inserted_document_ids"] = inserted_ids;
  j["updated_document_ids"] = updated_ids;
  j["received_at"] = FormatIso8601(result.received_at);
  j["updated_at"] = FormatIso8601(result.updated_at);
  return Dump(j);
}

}  // namespace engram::api::dto
