#include "api/dto/profile_dto.h"

#include "api/dto/json_fields.h"

namespace engram::api::dto {

namespace {
Json TraitJson(const domain::Trait& t) {
  return {{"name", t.name},     {"value", t.value},           {"source", t.source},
          {"confidence", t.confidence}, {"source_ids", t.source_ids}, {"updated_at", FormatIso8601(t.updated_at)}};
}
}  // namespace

std::string MemoriesJson(const service::MemoriesView& view, const std::vector<domain::Trait>& traits) {
  Json memories = Json::array();
  for (const auto& m : view.memories) {
    Json j = {{"id", m.id},
              {"text", m.text},
              {"category", m.category},
              {"confidence", m.confidence},
              {"entities", m.entities},
              {"subject", m.subject.empty() ? Json(nullptr) : Json(m.subject)},
              {"valid_from", m.valid_from ? Json(FormatIso8601(m.valid_from)) : Json(nullptr)},
              {"source_ids", m.source_ids},
              {"status", m.status == domain::MemoryStatus::kCurrent ? "current" : "superseded"},
              {"created_at", FormatIso8601(m.created_at)},
              {"updated_at", FormatIso8601(m.updated_at)}};
    if (m.status == domain::MemoryStatus::kSuperseded) {
      j["superseded_by"] = m.superseded_by;
      j["superseded_at"] = FormatIso8601(m.superseded_at);
    }
    memories.push_back(std::move(j));
  }
  Json t = Json::array();
  for (const auto& tr : traits) t.push_back(TraitJson(tr));
  Json out;
  out["user_id"] = view.user.id;
  out["memories"] = memories;
  out["traits"] = t;
  return Dump(out);
}

Result<SummaryQuery> ParseSummaryQuery(const std::map<std::string, std::string>& query) {
  SummaryQuery q;
  auto it = query.find("user_id");
  if (it == query.end() || IsBlank(it->second)) return Status::InvalidArgument("Missing field: user_id");
  q.user_id = it->second;
  it = query.find("max_chars");
  if (it != query.end()) {
    const std::string& v = it->second;
    if (v.empty() || v.size() > 7 || v.find_first_not_of("0123456789") != std::string::npos) {
      return Status::InvalidArgument("Invalid field: max_chars (expected an integer from 1 to 100000)");
    }
    const long n = std::stol(v);
    if (n < 1 || n > 100000) return Status::InvalidArgument("Invalid field: max_chars (expected an integer from 1 to 100000)");
    q.max_chars = static_cast<size_t>(n);
  }
  it = query.find("purpose");
  if (it != query.end()) q.purpose = it->second;
  return q;
}

std::string SummaryJson(const service::SummaryResult& r) {
  Json j;
  j["user_id"] = r.user_id;
  j["generated_at"] = FormatIso8601(r.generated_at);
  j["purpose"] = r.purpose.empty() ? Json(nullptr) : Json(r.purpose);
  j["summary"] = r.summary;
  j["cached"] = r.cached;
  return Dump(j);
}

Result<QueryBody> ParseQuery(std::string_view body) {
  ENGRAM_ASSIGN_OR_RETURN(Json j, ParseObject(body));
  QueryBody q;
  ENGRAM_ASSIGN_OR_RETURN(q.user_id, RequiredString(j, "user_id", ""));
  ENGRAM_ASSIGN_OR_RETURN(q.question, RequiredString(j, "question", ""));
  if (q.question.size() > 8000) return Status::InvalidArgument("Invalid field: question (at most 8000 bytes)");
  ENGRAM_ASSIGN_OR_RETURN(auto use_cache, OptionalBool(j, "use_cache", ""));
  q.use_cache = use_cache.value_or(true);
  return q;
}

std::string QueryJson(const service::QueryResult& r) {
  Json sources = Json::array();
  for (const auto& e : r.sources) {
    sources.push_back({{"id", e.id}, {"text", e.text}, {"source", e.source}, {"score", e.score},
                       {"source_ids", e.source_ids}});
  }
  Json j;
  j["user_id"] = r.user_id;
  j["question"] = r.question;
  j["answer"] = r.answer;
  j["cached"] = r.cached;
  j["sources"] = sources;
  return Dump(j);
}

}  // namespace engram::api::dto
