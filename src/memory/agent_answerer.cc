#include "memory/agent_answerer.h"

#include <algorithm>
#include <chrono>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/strings.h"
#include "common/log.h"
#include "common/time.h"
#include "llm/llm_client.h"

namespace engram::memory {
namespace {

using json = nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

// A model that fans out a dozen searches in one step would blow the prompt; the rest get an error.
constexpr size_t kMaxToolCallsPerStep = 3;
constexpr size_t kMaxEvidenceChars = 600;  // per result shown to the model

constexpr std::string_view kSystemPrompt =
    R"(You answer questions about a user from what is stored about them: memories extracted from their data and excerpts of their messages, events and documents.
Use the search_memories tool to look things up; search again with other words if the first results miss. Results are numbered like [3].
Answer briefly, from the results only, citing the results you use by their number in square brackets, e.g. "Prefers morning meetings [2]."
If the results do not answer the question, say that nothing stored answers it. Do not invent facts.)";

constexpr std::string_view kLastStepNote =
    "Searching is over. Answer the question now from the results above, citing them by number.";

constexpr std::string_view kToolSchema =
    R"({"type":"object","properties":{"query":{"type":"string","description":"What to look for, in a few words, e.g. \"food preferences\" or \"sister's name\""}},"required":["query"]})";

// The query of a search_memories call, or nullopt. Tolerates arguments that were JSON-encoded twice
// (a string holding the object), which some local servers produce.
std::optional<std::string> ParseQuery(const std::string& arguments_json) {
  json args = json::parse(arguments_json, nullptr, /*allow_exceptions=*/false);
  if (args.is_string()) args = json::parse(args.get<std::string>(), nullptr, false);
  if (!args.is_object()) return std::nullopt;
  auto it = args.find("query");
  if (it == args.end() || !it->is_string()) return std::nullopt;
  std::string q(TrimAsciiSpace(it->get<std::string>()));
  if (q.empty()) return std::nullopt;
  return q;
}

// One line per result, on one line each: "[3] (id mem_ab12, memory, 2023-05-08, about Caroline) text".
std::string FormatResult(size_t number, const Evidence& e) {
  std::string line = "[" + std::to_string(number) + "] (id " + e.id;
  if (!e.source.empty()) line += ", " + e.source;
  if (e.timestamp != 0) line += ", " + FormatIso8601(e.timestamp).substr(0, 10);
  if (!e.subject.empty() && e.subject != "user") line += ", about " + e.subject;
  line += ") ";
  std::string text = e.text;
  if (text.size() > kMaxEvidenceChars) text = std::string(Utf8Prefix(text, kMaxEvidenceChars)) + "...";
  std::replace(text.begin(), text.end(), '\n', ' ');
  return line + text;
}

bool IsIdChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '#' || c == '.';
}

// Finds the retrieved items `text` refers to, by "[n]" / "[n, m]" markers or by id, and renumbers the
// markers in order of first mention. Markers that name no retrieved item are left as written.
Answer Cite(std::string text, const std::vector<Evidence>& retrieved) {
  struct Marker {
    size_t pos, len;  // the digits of one number inside a bracket group
    size_t index;     // into retrieved
  };
  std::vector<Marker> markers;
  std::vector<std::pair<size_t, size_t>> mentions;  // (position, index into retrieved)
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '[') continue;
    size_t j = i + 1;
    std::vector<Marker> group;
    while (j < text.size()) {
      size_t k = j;
      while (k < text.size() && std::isdigit(static_cast<unsigned char>(text[k]))) ++k;
      if (k == j) break;
      const size_t n = k - j <= 4 ? std::stoul(text.substr(j, k - j)) : 0;  // "[20231]" cites nothing
      if (n >= 1 && n <= retrieved.size()) group.push_back({j, k - j, n - 1});
      j = k;
      while (j < text.size() && (text[j] == ',' || text[j] == ' ')) ++j;
    }
    if (j < text.size() && text[j] == ']' && !group.empty()) {
      for (const Marker& m : group) {
        markers.push_back(m);
        mentions.emplace_back(m.pos, m.index);
      }
    }
  }
  for (size_t r = 0; r < retrieved.size(); ++r) {
    const std::string& id = retrieved[r].id;
    if (id.empty()) continue;
    for (size_t p = text.find(id); p != std::string::npos; p = text.find(id, p + 1)) {
      const bool start_ok = p == 0 || !IsIdChar(text[p - 1]);
      const size_t end = p + id.size();
      // A trailing '.' ends a sentence, not the id.
      const bool end_ok = end == text.size() || !IsIdChar(text[end]) || text[end] == '.';
      if (start_ok && end_ok) {
        mentions.emplace_back(p, r);
        break;
      }
    }
  }
  Answer out;
  if (mentions.empty()) {
    out.text = std::move(text);
    out.cited = retrieved;
    return out;
  }
  std::sort(mentions.begin(), mentions.end());
  std::map<size_t, size_t> renumber;  // retrieved index -> 1-based cited number
  for (const auto& [pos, index] : mentions) {
    if (renumber.emplace(index, out.cited.size() + 1).second) out.cited.push_back(retrieved[index]);
  }
  // Rewrite from the back so earlier positions stay valid.
  std::sort(markers.begin(), markers.end(), [](const Marker& a, const Marker& b) { return a.pos > b.pos; });
  for (const Marker& m : markers) text.replace(m.pos, m.len, std::to_string(renumber.at(m.index)));
  out.text = std::move(text);
  return out;
}

// Designated initializers would leave fields unnamed (-Wmissing-field-initializers).
llm::ChatMessage Message(std::string role, std::string content) {
  llm::ChatMessage m;
  m.role = std::move(role);
  m.content = std::move(content);
  return m;
}

int EstimateTokens(const llm::ChatMessage& m) {
  size_t chars = m.content.size();
  for (const llm::ToolCall& c : m.tool_calls) chars += c.name.size() + c.arguments_json.size();
  return static_cast<int>(chars / 4) + 1;
}

}  // namespace

Result<Answer> AnswerWithAgent(llm::LlmClient& client, std::string_view question, const SearchFn& search,
                               const AgentOptions& opt) {
  const SteadyClock::time_point deadline = SteadyClock::now() + std::chrono::milliseconds(opt.timeout_ms);
  auto ms_left = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()).count();
  };

  std::vector<llm::ChatMessage> conversation = {Message("system", std::string(kSystemPrompt)),
                                                Message("user", std::string(question))};
  const std::vector<llm::ToolSpec> tools = {
      {.name = std::string(kSearchToolName),
       .description = "Search the user's stored memories, messages, events and documents. Returns numbered results.",
       .parameters_schema_json = std::string(kToolSchema)}};

  std::vector<Evidence> retrieved;        // every distinct item shown to the model; number = index + 1
  std::map<std::string, size_t> numbers;  // evidence id -> index in retrieved
  bool searched = false;
  int tokens_left = opt.max_tokens;

  for (int step = 0; step < opt.max_steps; ++step) {
    const auto time_left = ms_left();
    if (time_left <= 0) return Status::DeadlineExceeded("agent: out of time before an answer");
    if (tokens_left <= 0) return Status::DeadlineExceeded("agent: out of tokens before an answer");

    llm::ChatRequest req;
    req.messages = conversation;
    if (step == opt.max_steps - 1 && step > 0) req.messages.push_back(Message("user", std::string(kLastStepNote)));
    req.tools = tools;
    req.temperature = 0.0;
    req.max_tokens = tokens_left;
    req.timeout_ms = static_cast<int>(time_left);
    ENGRAM_ASSIGN_OR_RETURN(llm::ChatResponse resp, client.Chat(req));
    llm::ChatMessage& reply = resp.message;
    tokens_left -= resp.completion_tokens > 0 ? resp.completion_tokens : EstimateTokens(reply);

    if (reply.tool_calls.empty()) {
      std::string text(TrimAsciiSpace(reply.content));
      if (text.empty()) return Status::Internal("agent: the model replied with neither an answer nor a tool call");
      Answer answer = Cite(std::move(text), retrieved);
      answer.confidence = searched ? 0.7 : 0.5;
      return answer;
    }

    reply.role = "assistant";
    for (size_t i = 0; i < reply.tool_calls.size(); ++i) {
      // Every call needs an id its tool message can echo; some local servers send none.
      if (reply.tool_calls[i].id.empty()) {
        reply.tool_calls[i].id = "call_" + std::to_string(step) + "_" + std::to_string(i);
      }
    }
    conversation.push_back(reply);
    for (size_t i = 0; i < reply.tool_calls.size(); ++i) {
      const llm::ToolCall& call = reply.tool_calls[i];
      llm::ChatMessage result = Message("tool", "");
      result.tool_call_id = call.id;
      std::optional<std::string> query;
      if (call.name != kSearchToolName) {
        result.content = "error: unknown tool \"" + call.name + "\"; the only tool is search_memories";
      } else if (i >= kMaxToolCallsPerStep) {
        result.content = "error: at most " + std::to_string(kMaxToolCallsPerStep) + " searches per step";
      } else if (!(query = ParseQuery(call.arguments_json))) {
        result.content = R"(error: arguments must be a JSON object {"query": "<non-empty text>"})";
      } else if (ms_left() <= 0) {
        result.content = "error: no time left to search";
      } else if (Result<std::vector<Evidence>> found = search(*query); !found.ok()) {
        ENGRAM_LOG(kWarn, "llm", "agent search failed: {}", StatusCodeName(found.status().code()));
        result.content = "error: the search failed";
      } else {
        searched = true;
        std::vector<Evidence>& items = found.value();
        if (items.size() > opt.max_search_results) items.resize(opt.max_search_results);
        for (Evidence& e : items) {
          // An item found again keeps its number; one without an id cannot be recognized again.
          size_t index = retrieved.size();
          if (e.id.empty() || numbers.emplace(e.id, index).second) {
            retrieved.push_back(std::move(e));
          } else {
            index = numbers.at(e.id);
          }
          if (!result.content.empty()) result.content += "\n";
          result.content += FormatResult(index + 1, retrieved[index]);
        }
        if (items.empty()) result.content = "No results.";
      }
      conversation.push_back(std::move(result));
    }
  }
  return Status::DeadlineExceeded("agent: " + std::to_string(opt.max_steps) + " steps without an answer");
}

}  // namespace engram::memory
