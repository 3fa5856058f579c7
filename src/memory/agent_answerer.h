// Agent answerer: the answer of `POST /query` when an LLM is configured. The model gets the question
// and one tool, `search_memories` ({"query": string}), and searches the user's memories and records
// as it sees fit before answering in text.
//
// The loop, bounded by AgentOptions (never more than max_steps chat calls):
//  - each step sends the whole conversation with the tool declared (OpenAI tool format);
//  - each tool call the model makes is answered by a "tool" message carrying its tool_call_id: the
//    search results, numbered across the whole conversation ("[3] (id mem_ab12, memory, 2023-05-08)
//    Loves sushi"), at most max_search_results per search; an unknown tool, arguments that are not
//    {"query": non-empty string}, a failed search or too many calls in one step get an "error: ..."
//    tool message instead, so the model can correct itself;
//  - on the last step the model is told that searching is over and it must answer now;
//  - the loop ends when the model replies with content and no tool calls.
// The answer: Answer::text is the model's text with its citations renumbered so that "[i]" is
// Answer::cited[i-1] (the contract of answerer.h). Cited are the retrieved items the text refers to
// by "[n]" or by id, in order of first mention; when it refers to none, every retrieved item is
// cited, in retrieval order (the answer rests on them even if the model did not say which).
// confidence is 0.7 when at least one search ran, 0.5 when the model answered without searching.
//
// Errors, so the caller can fall back to the extractive answerer (ComposeAnswer): the client's own
// Status on a transport failure; kDeadlineExceeded when the steps, the time (timeout_ms, searches
// included; each call gets the time that is left) or the completion-token budget (max_tokens over all
// steps) run out before an answer; kInternal when the model replies with neither content nor a tool
// call.
//
// Thread-safety: a function with no shared state; thread-safe when the client and `search` are.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "memory/answerer.h"

namespace engram::llm {
class LlmClient;
}  // namespace engram::llm

namespace engram::memory {

struct AgentOptions {
  int max_steps = 4;                // chat calls at most (the last one must answer)
  int max_tokens = 800;             // completion tokens over all steps (> 0); each call may use what is left
  int timeout_ms = 30000;           // total wall time, model calls and searches included
  size_t max_search_results = 8;    // results shown to the model per search
};

// Runs one retrieval for the model; results best first.
using SearchFn = std::function<Result<std::vector<Evidence>>(const std::string& query)>;

inline constexpr std::string_view kSearchToolName = "search_memories";

Result<Answer> AnswerWithAgent(llm::LlmClient& client, std::string_view question, const SearchFn& search,
                               const AgentOptions& opt = {});

}  // namespace engram::memory
