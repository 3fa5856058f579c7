#include "api/dto/chunks_dto.h"

#include <cmath>
#include <string>
#include <string_view>

#include "api/dto/json_fields.h"
#include "api/dto/json_text.h"

namespace engram::api::dto {

namespace {

constexpr size_t kMaxTurns = 200;
constexpr size_t kMaxTurnBytes = 32 * 1024;
constexpr int64_t kMaxK = 100;

Result<std::vector<index::Turn>> ParseTurns(const Json& arr, const std::string& field) {
  if (arr.empty()) return Status::InvalidArgument("Empty field: " + field);
  if (arr.size() > kMaxTurns) {
    return Status::InvalidArgument("Field " + field + ": at most " + std::to_string(kMaxTurns) + " turns");
  }
  std::vector<index::Turn> turns;
  for (size_t i = 0; i < arr.size(); ++i) {
    const std::string path = Path(field, i);
    if (!arr[i].is_object()) return Status::InvalidArgument("Invalid field: " + path + " (expected object)");
    index::Turn t;
    ENGRAM_ASSIGN_OR_RETURN(t.role, RequiredString(arr[i], "role", path));
    if (t.role != "user" && t.role != "assistant" && t.role != "system" && t.role != "tool") {
      return Status::InvalidArgument("Invalid field: " + Path(path, "role") + " (expected system, user, assistant or tool)");
    }
    auto content = arr[i].find("content");
    if (content == arr[i].end() || content->is_null()) {
      return Status::InvalidArgument("Missing field: " + Path(path, "content"));
    }
    if (!content->is_string()) return Status::InvalidArgument("Invalid field: " + Path(path, "content") + " (expected string)");
    t.content = content->get<std::string>();
    if (t.content.size() > kMaxTurnBytes) {
      return Status::PayloadTooLarge("Field " + Path(path, "content") + " is over " + std::to_string(kMaxTurnBytes) + " bytes");
    }
    turns.push_back(std::move(t));
  }
  bool any_text = false;
  for (const auto& t : turns) any_text = any_text || !IsBlank(t.content);
  if (!any_text) return Status::InvalidArgument("Empty field: " + field + " (no turn has content)");
  return turns;
}

double Round4(double v) { return std::round(v * 10000.0) / 10000.0; }

}  // namespace

Result<ParsedChunks> ParseChunks(std::string_view body, const std::string& workspace) {
  ENGRAM_ASSIGN_OR_RETURN(Json j, ParseObject(body));
  ParsedChunks out;
  auto& r = out.request;
  r.workspace = workspace;
  // Seed-004 clients name the user as an actor.
  const bool by_actor = !j.contains("user_id") && j.contains("actor_id");
  ENGRAM_ASSIGN_OR_RETURN(r.user_id, RequiredString(j, by_actor ? "actor_id" : "user_id", ""));
  const bool conversation = j.contains("conversation") || (!j.contains("history") && j.contains("top_k"));
  out.dialect = conversation ? ChunksDialect::kConversation : ChunksDialect::kHistory;
  const std::string field = conversation ? "conversation" : "history";
  ENGRAM_ASSIGN_OR_RETURN(const Json* turns, OptionalArray(j, field, ""));
  if (!turns) return Status::InvalidArgument("Missing field: " + field);
  ENGRAM_ASSIGN_OR_RETURN(r.turns, ParseTurns(*turns, field));

  if (conversation) {
    ENGRAM_ASSIGN_OR_RETURN(auto top_k, OptionalInt(j, "top_k", ""));
    const int64_t k = top_k.value_or(5);
    if (k < 1 || k > 20) return Status::InvalidArgument("Invalid field: top_k (expected 1 to 20)");
    r.k = static_cast<size_t>(k);
    // Seed 002 has no threshold: every one of the top_k results is returned unless the client asks.
    r.similarity_threshold = 0.0;
  } else {
    ENGRAM_ASSIGN_OR_RETURN(auto k, OptionalInt(j, "k", ""));
    const int64_t kk = k.value_or(6);
    if (kk < 1 || kk > kMaxK) return Status::InvalidArgument("Invalid field: k (expected 1 to 100)");
    r.k = static_cast<size_t>(kk);
    r.similarity_threshold = 0.25;
  }
  ENGRAM_ASSIGN_OR_RETURN(auto turns_n, OptionalInt(j, "max_context_turns", ""));
  if (turns_n && (*turns_n < 1 || *turns_n > 50)) {
    return Status::InvalidArgument("Invalid field: max_context_turns (expected 1 to 50)");
  }
  r.max_context_turns = static_cast<size_t>(turns_n.value_or(4));
  ENGRAM_ASSIGN_OR_RETURN(auto threshold, OptionalNumber(j, "similarity_threshold", ""));
  if (threshold) {
    if (*threshold < 0 || *threshold > 1) {
      return Status::InvalidArgument("Invalid field: similarity_threshold (expected 0 to 1)");
    }
    r.similarity_threshold = *threshold;
  }
  ENGRAM_ASSIGN_OR_RETURN(auto exclude, OptionalStringArray(j, "exclude_chunk_ids", ""));
  if (exclude) r.exclude_chunk_ids = std::move(*exclude);
  return out;
}

namespace {
// Seed 004: each result says its scope and carries the metadata of the records it came from, as
// the JSON array text the service wrote (a valid array, ChunkResult): copied, not parsed again.
void Scope(JsonText& out, const service::ChunkResult& c) {
  out.Member("scope", c.scope);
  if (!c.scope_id.empty()) out.Member("scope_id", c.scope_id);
  out.Key("metadata").BeginObject().Key("source_metadata").Raw(c.source_metadata_json).EndObject();
}
}  // namespace

// Written directly (json_text.h): building a Json tree per result only to dump it was a few percent
// of a search.
std::string ChunksResponseJson(const service::ChunksResponse& response, ChunksDialect dialect) {
  JsonText out;
  out.BeginObject();
  if (dialect == ChunksDialect::kConversation) {
    out.Key("results").BeginArray();
    for (const auto& c : response.chunks) {
      out.BeginObject()
          .Member("chunk_id", c.id)
          .Member("excerpt", c.text)
          .Member("score", Round4(c.score))
          .Member("source", c.source)
          .Member("source_ids", c.source_ids);
      Scope(out, c);
      out.EndObject();
    }
    return out.EndArray().EndObject().Take();
  }
  out.Key("chunks").BeginArray();
  for (const auto& c : response.chunks) {
    const std::string at = FormatIso8601(c.created_at);
    out.BeginObject()
        .Member("id", c.id)
        .Member("text", c.text)
        .Member("score", Round4(c.score))
        .Member("source", c.source)
        .Member("created_at", at)
        .Member("updated_at", at)
        .Member("source_ids", c.source_ids);
    if (c.source == "stage3") {
      out.Member("question_index", static_cast<int64_t>(c.question_index))
          .Member("question", c.question)
          .Member("answer", c.answer);
    }
    Scope(out, c);
    out.EndObject();
  }
  out.EndArray();
  out.Member("used_query", response.used_query);
  const auto& d = response.debug;
  auto count = [](size_t n) { return static_cast<int64_t>(n); };
  out.Key("debug")
      .BeginObject()
      .Member("total_candidates", count(d.total_candidates))
      .Member("lexical_candidates", count(d.lexical_candidates))
      .Member("vector_candidates", count(d.vector_candidates))
      .Member("memory_count", count(d.memory_count))
      .Member("stage3_count", count(d.stage3_count))
      .Member("chunk_count", count(d.chunk_count))
      .Member("threshold", d.threshold)
      .Member("used_vectors", d.used_vectors)
      .Member("embedding_time_ms", Round4(d.embedding_time_ms))
      .Member("search_time_ms", Round4(d.search_time_ms))
      .Member("total_time_ms", Round4(d.total_time_ms))
      .EndObject();
  return out.EndObject().Take();
}

}  // namespace engram::api::dto
