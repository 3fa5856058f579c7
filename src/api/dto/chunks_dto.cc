#include "api/dto/chunks_dto.h"

#include <cmath>
#include <string>
#include <string_view>

#include "api/dto/json_fields.h"

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
  ENGRAM_ASSIGN_OR_RETURN(const Json* exclude, OptionalArray(j, "exclude_chunk_ids", ""));
  if (exclude) {
    for (size_t i = 0; i < exclude->size(); ++i) {
      if (!(*exclude)[i].is_string()) {
        return Status::InvalidArgument("Invalid field: " + Path("exclude_chunk_ids", i) + " (expected string)");
      }
      r.exclude_chunk_ids.push_back((*exclude)[i].get<std::string>());
    }
  }
  return out;
}

namespace {
// Seed 004: each result says its scope and carries the metadata of the records it came from.
// Appends `item` to `out` with the result's scope and, last, "metadata": {"source_metadata": [...]}.
// The entries are JSON text already, written by the service: they are checked and copied, not
// parsed and written again (a parse and a dump per result were a few percent of a search).
void AppendResult(std::string& out, Json item, const service::ChunkResult& c) {
  item["scope"] = c.scope;
  if (!c.scope_id.empty()) item["scope_id"] = c.scope_id;
  std::string text = Dump(item);
  text.pop_back();  // the closing brace: metadata follows as the last member
  out += text;
  out += R"(,"metadata":{"source_metadata":)";
  const std::string& entries = c.source_metadata_json;
  out += !entries.empty() && entries.front() == '[' && Json::accept(entries) ? entries : "[]";
  out += "}}";
}

// `{"<key>":[` + each result + `]` and the members of `rest` (an object), then `}`.
template <typename Item>
std::string ResultsObject(const char* key, const service::ChunksResponse& response, const Item& item,
                          const Json& rest) {
  std::string out = std::string("{\"") + key + "\":[";
  for (size_t i = 0; i < response.chunks.size(); ++i) {
    if (i > 0) out += ',';
    AppendResult(out, item(response.chunks[i]), response.chunks[i]);
  }
  out += ']';
  if (!rest.empty()) {
    out += ',';
    out += std::string_view(Dump(rest)).substr(1);  // its members and closing brace
  } else {
    out += '}';
  }
  return out;
}
}  // namespace

std::string ChunksResponseJson(const service::ChunksResponse& response, ChunksDialect dialect) {
  if (dialect == ChunksDialect::kConversation) {
    auto item = [](const service::ChunkResult& c) {
      return Json{{"chunk_id", c.id},
                  {"excerpt", c.text},
                  {"score", Round4(c.score)},
                  {"source", c.source},
                  {"source_ids", c.source_ids}};
    };
    return ResultsObject("results", response, item, Json::object());
  }
  auto item = [](const service::ChunkResult& c) {
    Json j = {{"id", c.id},
              {"text", c.text},
              {"score", Round4(c.score)},
              {"source", c.source},
              {"created_at", FormatIso8601(c.created_at)},
              {"updated_at", FormatIso8601(c.created_at)},
              {"source_ids", c.source_ids}};
    if (c.source == "stage3") {
      j["question_index"] = c.question_index;
      j["question"] = c.question;
      j["answer"] = c.answer;
    }
    return j;
  };
  const auto& d = response.debug;
  Json rest;
  rest["used_query"] = response.used_query;
  rest["debug"] = {{"total_candidates", d.total_candidates},
                   {"lexical_candidates", d.lexical_candidates},
                   {"vector_candidates", d.vector_candidates},
                   {"memory_count", d.memory_count},
                   {"stage3_count", d.stage3_count},
                   {"chunk_count", d.chunk_count},
                   {"threshold", d.threshold},
                   {"used_vectors", d.used_vectors},
                   {"embedding_time_ms", Round4(d.embedding_time_ms)},
                   {"search_time_ms", Round4(d.search_time_ms)},
                   {"total_time_ms", Round4(d.total_time_ms)}};
  return ResultsObject("chunks", response, item, rest);
}

}  // namespace engram::api::dto
