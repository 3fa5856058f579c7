#include "memory/llm_extractor.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/strings.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/time.h"
#include "llm/json_schema.h"
#include "llm/llm_client.h"
#include "memory/prose.h"
#include "memory/speaker.h"

namespace engram::memory {

// Types only: item-level quality (lengths, unknown categories, foreign ids) is handled item by item
// below, so one rambling memory drops itself instead of sending the whole call to the fallback.
extern const std::string_view kLlmExtractionSchema = R"({
  "type": "object",
  "required": ["memories"],
  "properties": {
    "memories": {
      "type": "array",
      "items": {
        "type": "object",
        "required": ["text", "source_ids"],
        "properties": {
          "text": {"type": "string", "minLength": 1},
          "category": {"type": ["string", "null"]},
          "confidence": {"type": ["number", "null"]},
          "entities": {"type": ["array", "null"], "items": {"type": "string"}},
          "subject": {"type": ["string", "null"]},
          "key": {"type": ["string", "null"]},
          "valid_from": {"type": ["string", "null"]},
          "source_ids": {"type": "array", "items": {"type": "string"}}
        }
      }
    },
    "traits": {
      "type": ["array", "null"],
      "items": {
        "type": "object",
        "required": ["name", "value", "source_ids"],
        "properties": {
          "name": {"type": "string", "minLength": 1},
          "value": {"type": "string", "minLength": 1},
          "confidence": {"type": ["number", "null"]},
          "source_ids": {"type": "array", "items": {"type": "string"}}
        }
      }
    }
  }
})";

namespace {

using json = nlohmann::json;
using domain::Record;

constexpr size_t kMaxItemsPerCall = 200;     // a runaway reply keeps its first items only
constexpr size_t kMaxMemoryChars = 500;      // longer "memories" are paragraphs, not facts
constexpr size_t kMaxTraitValueChars = 200;
constexpr size_t kMaxEntities = 16;

constexpr std::string_view kSystemPrompt =
    R"(You extract long-term memories from one user's records (chat messages, events, documents).
Reply with one JSON object and nothing else, in this form:
{"memories":[{"text":"...","category":"...","confidence":0.9,"entities":["..."],"subject":"","key":"","valid_from":"","source_ids":["..."]}],
 "traits":[{"name":"...","value":"...","confidence":0.9,"source_ids":["..."]}]}
Rules:
- One atomic fact per memory, in the third person. About the user, leave the user out: "Loves sushi", "Works as a nurse at St. Mary's". About someone else, name them: "Caroline went to a support group on 7 May 2023".
- subject: "" when the memory is about the user, otherwise the name of the person it is about.
- category: one of preference, fact, work, location, family, pet, possession, plan, event, relationship, schedule, goal, communication, other.
- confidence: from 0 to 1, how clearly the records state the fact.
- entities: people, places, organisations and things named in the memory, as written.
- key: for a fact that a later fact would replace, a slot "category:topic" such as "schedule:stand-up" or "location:home"; otherwise "".
- valid_from: the ISO 8601 date (YYYY-MM-DD) the fact became true when the records say so (resolve "yesterday" against the record's time); otherwise "".
- source_ids: the ids of the records the fact comes from, only ids listed in the input.
- Only what the user or a named person says about themselves. Ignore what assistants, bots and systems say, questions, hypotheticals and small talk.
- traits: profile attributes of the user only, name one of: name, timezone, locale, location, employer, role.
- focus, when given, describes what the user's role and team care about: do not miss facts on those topics (the rules above still apply).
- Nothing worth remembering: {"memories":[],"traits":[]}.)";

// Consecutive runs of records for one call each: at most max_records_per_call records and, unless a
// single record is alone, at most max_input_chars characters of (cut) content.
std::vector<std::span<const Record>> SplitCalls(std::span<const Record> records, const LlmExtractorOptions& o) {
  std::vector<std::span<const Record>> calls;
  const size_t per_call = std::max<size_t>(1, o.max_records_per_call);
  size_t start = 0, chars = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    const size_t len = std::min(records[i].content.size(), o.max_input_chars);
    const size_t count = i - start;
    if (count > 0 && (count >= per_call || chars + len > o.max_input_chars)) {
      calls.push_back(records.subspan(start, count));
      start = i;
      chars = 0;
    }
    chars += len;
  }
  if (start < records.size()) calls.push_back(records.subspan(start));
  return calls;
}

std::string UserMessage(std::span<const Record> records, const ExtractionContext& ctx, size_t max_chars) {
  json in = json::object();
  if (!ctx.user_name.empty()) in["user_name"] = ctx.user_name;
  if (!ctx.participants.empty()) in["participants"] = ctx.participants;
  if (!ctx.focus.empty()) in["focus"] = ctx.focus;
  json list = json::array();
  for (const Record& r : records) {
    json item = {{"id", r.id}, {"kind", std::string(domain::RecordKindName(r.kind))}};
    if (r.timestamp != 0) item["time"] = FormatIso8601(r.timestamp);
    if (!r.type.empty()) item["type"] = r.type;
    if (!r.speaker.empty()) item["speaker"] = r.speaker;
    if (!r.title.empty()) item["title"] = r.title;
    item["content"] = std::string(Utf8Prefix(r.content, max_chars));
    list.push_back(std::move(item));
  }
  in["records"] = std::move(list);
  // Content is client data: replace invalid UTF-8 rather than throw.
  return in.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string StringOr(const json& obj, const char* field) {
  auto it = obj.find(field);
  return it != obj.end() && it->is_string() ? std::string(TrimAsciiSpace(it->get<std::string>())) : std::string();
}

double Confidence(const json& obj) {
  auto it = obj.find("confidence");
  if (it == obj.end() || !it->is_number()) return 0.5;
  return std::clamp(it->get<double>(), 0.0, 1.0);
}

const std::set<std::string, std::less<>>& Categories() {
  static const std::set<std::string, std::less<>> kSet = {
      "preference", "fact",     "work",     "location", "family", "pet",           "possession",
      "plan",       "event",    "relationship", "schedule", "goal", "communication", "other"};
  return kSet;
}

// The reply's view of the call: which ids it may cite, and when each record was written.
struct CallRecords {
  std::vector<std::pair<std::string_view, TimeMs>> citable;  // sorted by id

  explicit CallRecords(std::span<const Record> records) {
    for (const Record& r : records) {
      if (!IsAssistantRole(r.speaker)) citable.emplace_back(r.id, r.timestamp);
    }
    std::sort(citable.begin(), citable.end());
  }
  const TimeMs* Find(std::string_view id) const {
    auto it = std::lower_bound(citable.begin(), citable.end(), id,
                               [](const auto& p, std::string_view v) { return p.first < v; });
    return it != citable.end() && it->first == id ? &it->second : nullptr;
  }
  // The cited ids that are citable, deduplicated in the reply's order; the earliest of their times.
  std::vector<std::string> Filter(const json& obj, TimeMs* earliest) const {
    std::vector<std::string> out;
    *earliest = std::numeric_limits<TimeMs>::max();
    auto it = obj.find("source_ids");
    if (it == obj.end() || !it->is_array()) return out;
    for (const json& v : *it) {
      if (!v.is_string()) continue;
      std::string id(TrimAsciiSpace(v.get<std::string>()));
      const TimeMs* t = Find(id);
      if (t == nullptr || std::find(out.begin(), out.end(), id) != out.end()) continue;
      *earliest = std::min(*earliest, *t);
      out.push_back(std::move(id));
    }
    return out;
  }
};

bool NamesUser(std::string_view subject, const ExtractionContext& ctx) {
  const std::string s = prose::Lower(subject);
  if (s.empty() || s == "user" || s == "the user" || s == "me" || s == "i") return true;
  if (ctx.user_name.empty()) return false;
  const std::string name = prose::Lower(ctx.user_name);
  return s == name || s == name.substr(0, name.find(' '));
}

std::optional<ExtractedMemory> ToMemory(const json& m, const CallRecords& call, const ExtractionContext& ctx) {
  ExtractedMemory out;
  out.text = StringOr(m, "text");
  if (out.text.empty() || out.text.size() > kMaxMemoryChars) return std::nullopt;
  TimeMs earliest = 0;
  out.source_ids = call.Filter(m, &earliest);
  if (out.source_ids.empty()) return std::nullopt;
  out.category = prose::Lower(StringOr(m, "category"));
  if (!Categories().contains(out.category)) out.category = "other";
  out.confidence = Confidence(m);
  if (auto it = m.find("entities"); it != m.end() && it->is_array()) {
    for (const json& e : *it) {
      if (out.entities.size() >= kMaxEntities) break;
      std::string name = e.is_string() ? std::string(TrimAsciiSpace(e.get<std::string>())) : std::string();
      if (!name.empty() && std::find(out.entities.begin(), out.entities.end(), name) == out.entities.end()) {
        out.entities.push_back(std::move(name));
      }
    }
  }
  out.subject = StringOr(m, "subject");
  if (NamesUser(out.subject, ctx)) out.subject.clear();
  out.key = prose::Lower(StringOr(m, "key"));
  const std::optional<TimeMs> given = ParseIso8601(StringOr(m, "valid_from"));
  out.valid_from = given ? *given : earliest;
  return out;
}

std::optional<ExtractedTrait> ToTrait(const json& t, const CallRecords& call) {
  static const std::set<std::string, std::less<>> kNames = {"name",     "timezone", "locale",
                                                           "location", "employer", "role"};
  ExtractedTrait out;
  out.name = prose::Lower(StringOr(t, "name"));
  out.value = StringOr(t, "value");
  if (!kNames.contains(out.name) || out.value.empty() || out.value.size() > kMaxTraitValueChars) {
    return std::nullopt;
  }
  TimeMs earliest = 0;
  out.source_ids = call.Filter(t, &earliest);
  if (out.source_ids.empty()) return std::nullopt;
  out.confidence = Confidence(t);
  return out;
}

void Append(Extraction&& from, Extraction* to) {
  for (auto& m : from.memories) to->memories.push_back(std::move(m));
  for (auto& t : from.traits) to->traits.push_back(std::move(t));
}

}  // namespace

LlmExtractor::LlmExtractor(llm::LlmClient* client, Extractor* fallback, LlmExtractorOptions options)
    : client_(client), fallback_(fallback), options_(options) {
  if (options_.metrics != nullptr) {
    const std::string help = "LLM memory extraction calls by outcome (fallback: the deterministic path ran)";
    calls_ok_ = options_.metrics->GetCounter("engram_llm_extract_calls_total", help, {{"outcome", "ok"}});
    calls_fallback_ =
        options_.metrics->GetCounter("engram_llm_extract_calls_total", help, {{"outcome", "fallback"}});
  }
}

Result<Extraction> LlmExtractor::Extract(std::span<const domain::Record> records, const ExtractionContext& ctx) {
  if (records.empty()) return Extraction{};
  if (client_ == nullptr || !client_->Enabled()) return fallback_->Extract(records, ctx);

  const std::vector<std::span<const Record>> calls = SplitCalls(records, options_);
  const size_t n_model = std::min(calls.size(), options_.max_calls_per_batch);
  Extraction out;
  for (size_t i = 0; i < n_model; ++i) {
    Result<Extraction> got = ExtractWithModel(calls[i], ctx);
    if (got.ok()) {
      if (calls_ok_ != nullptr) calls_ok_->Add();
      Append(std::move(got).value(), &out);
      continue;
    }
    if (calls_fallback_ != nullptr) calls_fallback_->Add();
    // The code, plus the violation path for a schema failure ("$.memories[2].confidence: expected
    // number"); other messages may quote the upstream's reply, which may quote user content.
    const std::string& why = got.status().message();
    ENGRAM_LOG(kWarn, "llm", "extraction call over {} records fell back to deterministic: {}{}", calls[i].size(),
               StatusCodeName(got.status().code()), why.starts_with("$.") ? " " + why : std::string());
    ENGRAM_ASSIGN_OR_RETURN(Extraction fb, fallback_->Extract(calls[i], ctx));
    Append(std::move(fb), &out);
  }
  if (n_model < calls.size()) {
    const size_t done = static_cast<size_t>(calls[n_model].data() - records.data());
    ENGRAM_ASSIGN_OR_RETURN(Extraction fb, fallback_->Extract(records.subspan(done), ctx));
    Append(std::move(fb), &out);
  }
  return out;
}

Result<Extraction> LlmExtractor::ExtractWithModel(std::span<const domain::Record> records,
                                                  const ExtractionContext& ctx) {
  llm::ChatRequest req;
  req.messages.resize(2);
  req.messages[0].role = "system";
  req.messages[0].content = kSystemPrompt;
  req.messages[1].role = "user";
  req.messages[1].content = UserMessage(records, ctx, options_.max_input_chars);
  req.temperature = 0.0;
  req.max_tokens = options_.max_tokens;
  req.response_format_json = R"({"type":"json_object"})";
  req.timeout_ms = options_.timeout_ms;
  ENGRAM_ASSIGN_OR_RETURN(llm::ChatResponse resp, client_->Chat(req));

  const std::string object = llm::ExtractJsonObject(resp.message.content);
  if (object.empty()) return Status::Internal("reply holds no JSON object");
  ENGRAM_RETURN_IF_ERROR(llm::ValidateJson(object, kLlmExtractionSchema));
  const json reply = json::parse(object, nullptr, /*allow_exceptions=*/false);
  if (!reply.is_object()) return Status::Internal("reply is not a JSON object");

  const CallRecords call(records);
  Extraction out;
  if (auto it = reply.find("memories"); it != reply.end() && it->is_array()) {
    for (size_t i = 0; i < it->size() && i < kMaxItemsPerCall; ++i) {
      if (auto m = ToMemory((*it)[i], call, ctx)) out.memories.push_back(std::move(*m));
    }
  }
  if (auto it = reply.find("traits"); it != reply.end() && it->is_array()) {
    for (size_t i = 0; i < it->size() && i < kMaxItemsPerCall; ++i) {
      if (auto t = ToTrait((*it)[i], call)) out.traits.push_back(std::move(*t));
    }
  }
  return out;
}

}  // namespace engram::memory
