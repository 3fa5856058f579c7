// OpenAiClient: LlmClient over any OpenAI-compatible `POST /v1/chat/completions` endpoint (OpenAI,
// Ollama, vLLM, llama.cpp server, LM Studio, ...), over libcurl (not exposed here).
//
// Chat sends model, messages (tool_calls on assistant messages, tool_call_id on tool messages), tools
// in the `{"type":"function","function":{...}}` form, temperature, max_tokens and response_format, with
// `Authorization: Bearer <api_key>` when a key is set; it reads choices[0].message (content may be null
// when tool calls are present), finish_reason and usage. Each attempt is bounded by the timeout.
// Connection errors, 408, 429 (a Retry-After header in seconds wins, capped) and 5xx are retried with
// exponential backoff and jitter. A timeout is not retried (a slow generation would only be slow
// again) and yields kDeadlineExceeded; 401/403 yield kUnauthenticated and other 4xx kInvalidArgument,
// both with the upstream's own message; an unreadable 2xx body yields kInternal.
//
// Forward is the streaming primitive for the LLM proxy: it relays one raw request upstream and hands
// the response to callbacks as it arrives, for server-sent events.
//
// Thread-safety: thread-safe. Concurrent calls each borrow their own curl easy handle from a small
// pool, so keep-alive connections are reused between calls.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/metrics.h"
#include "llm/llm_client.h"

namespace engram::upstream {
class HandlePool;
}  // namespace engram::upstream

namespace engram::llm {

struct OpenAiClientOptions {
  std::string url;                 // base URL, e.g. http://127.0.0.1:11434 ; a trailing /v1 (or a full
                                   // .../v1/chat/completions) is accepted too
  std::string model;               // "model" of every Chat request (required)
  std::string api_key;             // sent as a Bearer token when non-empty
  int timeout_ms = 30000;          // Chat: per attempt, connect included. Forward: inactivity limit
  int max_retries = 2;             // extra attempts after a transient failure
  int backoff_initial_ms = 500;    // first retry delay; doubles per attempt, with jitter
  int backoff_max_ms = 8000;       // cap on one backoff delay
  int retry_after_max_ms = 30000;  // cap on a server-requested Retry-After delay
  size_t max_response_bytes = 16u << 20;  // a larger Chat response is refused (kInternal)
  engram::Metrics* metrics = nullptr;     // optional; must outlive the client
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

class OpenAiClient final : public LlmClient {
 public:
  // Validates the options (URL present and http(s), model present, sane numbers).
  static Result<std::unique_ptr<OpenAiClient>> Create(OpenAiClientOptions options);
  ~OpenAiClient() override;
  OpenAiClient(const OpenAiClient&) = delete;
  OpenAiClient& operator=(const OpenAiClient&) = delete;

  Result<ChatResponse> Chat(const ChatRequest& request) override;

  // POSTs `body_json` as is to `path` under the API root (e.g. "/v1/chat/completions"; a base URL that
  // ends in /v1 is not doubled) and relays the answer as it arrives, without buffering it:
  //  - on_head(status, headers) once, when the response head is complete, whatever the status (an
  //    upstream 4xx/5xx is passed through, not retried); header names are lower-case;
  //  - on_data(chunk) for each piece of body as it arrives; returning false aborts the transfer.
  // `headers` are sent upstream, except hop-by-hop and framing ones (Host, Content-Length,
  // Transfer-Encoding, Connection, Expect) and Accept-Encoding (the bytes are relayed uncompressed).
  // The configured api_key, when set, replaces any Authorization header; Content-Type defaults to
  // application/json.
  // options.timeout_ms bounds connecting and inactivity (no byte sent or received for that long,
  // checked about once a second), not the total duration, so long streams live. Only a failed connect
  // is retried.
  // Returns OK when the response was relayed to its end or on_data asked to stop; kUnavailable when the
  // upstream could not be reached or the connection broke; kDeadlineExceeded on inactivity.
  Status Forward(const std::string& path, const std::string& body_json, const HeaderList& headers,
                 const std::function<void(int status, const HeaderList& headers)>& on_head,
                 const std::function<bool(std::string_view chunk)>& on_data);

  // The API root requests go under, e.g. "http://127.0.0.1:11434" (no /v1).
  const std::string& base_url() const { return base_url_; }
  // The chat endpoint, e.g. "http://127.0.0.1:11434/v1/chat/completions".
  const std::string& endpoint() const { return endpoint_; }

 private:
  explicit OpenAiClient(OpenAiClientOptions options);
  void Record(std::string_view outcome, double seconds);

  OpenAiClientOptions options_;
  std::string base_url_;
  std::string endpoint_;
  std::unique_ptr<upstream::HandlePool> pool_;
  engram::Histogram* seconds_ = nullptr;          // engram_llm_seconds, per HTTP attempt
  engram::Counter* prompt_tokens_ = nullptr;      // engram_llm_tokens_total{kind="prompt"}
  engram::Counter* completion_tokens_ = nullptr;  // engram_llm_tokens_total{kind="completion"}
};

}  // namespace engram::llm
