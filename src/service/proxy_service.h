// ProxyService: the use case behind POST /v1/chat/completions, an OpenAI-compatible proxy in front of
// the configured upstream that remembers the conversation.
//
// One call: Prepare validates the client's body, names the user (an unknown user is registered on
// first sight, like the seed's proxy creates profiles), fills the default model, and, when asked,
// injects a delimited context block (the user's /summary, the top chunks for the conversation) into
// the first system message or a new one at the front. Relay forwards it upstream and hands the answer
// to a sink as it arrives (server-sent events are never held whole), reassembling the assistant's text
// on the way. After a 2xx answer relayed to its end, the last user message and the reply are ingested
// as message_history records on a small background queue: ingest failures (and a full queue) are
// logged, never surfaced to the client.
// Context retrieval failures are logged and the request goes on without context: memory is a bonus
// to the chat, not a precondition.
//
// Thread-safe. Shutdown() (or the destructor) drains the background queue; call it before the store
// closes.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/thread_pool.h"
#include "llm/openai_client.h"
#include "service/chunks_service.h"
#include "service/context.h"
#include "service/ingest_service.h"
#include "service/profile_service.h"
#include "service/user_service.h"

namespace engram::service {

struct ProxyServiceOptions {
  std::string default_model;            // "model" when the client sent none (--llm-model)
  size_t context_chunks = 6;            // top chunks injected for `chunks` (seed-001 k)
  size_t summary_max_chars = 1000;      // like GET /summary's default
  size_t max_turn_bytes = 32u << 10;    // per ingested message (user or assistant); longer ones are cut
  size_t max_plain_body_bytes = 16u << 20;  // a non-stream reply larger than this is relayed, not ingested
  size_t ingest_queue = 256;            // pending background ingests beyond which turns are dropped
  std::string source = "llm_proxy";     // `source` of the ingested records
};

// What the client asked for, as the route read it from HTTP.
struct ProxyCall {
  std::string workspace;
  std::string body;          // the client's JSON body, raw
  std::string header_user;   // X-Engram-User; wins over the body's `user` field when both are set
  bool with_summary = false; // X-Engram-Context names `summary`
  bool with_chunks = false;  // X-Engram-Context names `chunks`
  llm::HeaderList headers;   // client headers safe to pass upstream (never the Engram API key)
  std::string request_id;    // for logs
};

// A validated call, ready to relay.
struct PreparedProxyCall {
  std::string workspace;
  std::string user_id;
  int64_t uid = 0;               // the user's, found or registered when the call was prepared
  std::string upstream_body;     // what goes upstream
  std::string last_user_message; // for ingest; "" when the request has none
  llm::HeaderList headers;
  std::string request_id;
};

// Where the upstream answer goes. OnHead once, then OnData per piece; OnData returning false (the
// client is gone) aborts the upstream transfer.
class ProxySink {
 public:
  virtual ~ProxySink() = default;
  virtual void OnHead(int status, const llm::HeaderList& headers, bool event_stream) = 0;
  virtual bool OnData(std::string_view piece) = 0;
};

class ProxyService {
 public:
  // `upstream` null: not configured (configured() is false). The services are not owned.
  ProxyService(ServiceContext ctx, llm::OpenAiClient* upstream, UserService* users, ProfileService* profile,
               ChunksService* chunks, IngestService* ingest, ProxyServiceOptions options);
  ~ProxyService();
  ProxyService(const ProxyService&) = delete;
  ProxyService& operator=(const ProxyService&) = delete;

  bool configured() const { return upstream_ != nullptr; }

  // kUnavailable when no upstream is configured; kInvalidArgument for a body that is not a chat
  // request or names no user; store errors otherwise.
  Result<PreparedProxyCall> Prepare(const ProxyCall& call);
  // Relays upstream to `sink`. Errors before OnHead (upstream unreachable: kUnavailable; silent:
  // kDeadlineExceeded) leave the sink untouched; errors after it mean the relay was cut short.
  Status Relay(const PreparedProxyCall& call, ProxySink& sink);

  // Drains the background ingest queue and stops it. Idempotent.
  void Shutdown();

 private:
  // The delimited context block, or "" when there is nothing to add.
  std::string ContextBlock(const ProxyCall& call, const std::string& user_id, const std::vector<index::Turn>& turns);
  void IngestTurn(const PreparedProxyCall& call, std::string reply);

  ServiceContext ctx_;
  llm::OpenAiClient* upstream_;
  UserService* users_;
  ProfileService* profile_;
  ChunksService* chunks_;
  IngestService* ingest_;
  ProxyServiceOptions options_;
  ThreadPool ingest_pool_;  // one thread: background ingests of proxied turns
};

}  // namespace engram::service
