// POST /v1/chat/completions: the OpenAI-compatible LLM proxy (the use case is service/proxy_service.h).
// The upstream's answer, whatever its status, is relayed as it arrives with chunked encoding, so a
// stream of server-sent events reaches the client event by event and is never held whole.
#include <algorithm>
#include <string_view>

#include "api/app.h"
#include "api/errors.h"
#include "common/strings.h"

namespace engram::api {

namespace {

// Client headers passed upstream. Never Authorization or x-api-key: they carry the Engram key (the
// upstream gets the configured --llm-api-key instead).
constexpr std::string_view kForwardedHeaders[] = {"accept", "openai-organization", "openai-project"};

bool RelayedHeader(std::string_view lower_name) {
  return lower_name == "retry-after" || lower_name.rfind("x-ratelimit-", 0) == 0 ||
         lower_name == "openai-processing-ms";
}

// X-Engram-Context: a comma-separated list of `summary` and `chunks`.
Status ParseContextHeader(const std::string* header, service::ProxyCall* call) {
  if (!header) return Status::Ok();
  std::string_view rest = *header;
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    std::string item = AsciiLower(rest.substr(0, comma));
    item.erase(std::remove_if(item.begin(), item.end(), [](char c) { return c == ' ' || c == '\t'; }), item.end());
    if (item == "summary") {
      call->with_summary = true;
    } else if (item == "chunks") {
      call->with_chunks = true;
    } else if (!item.empty()) {
      return Status::InvalidArgument("Invalid header: X-Engram-Context (expected summary, chunks or both, comma-separated)");
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return Status::Ok();
}

// Relays the upstream answer into the response writer.
class WriterSink final : public service::ProxySink {
 public:
  explicit WriterSink(ResponseWriter& writer) : writer_(writer) {}

  void OnHead(int status, const llm::HeaderList& headers, bool event_stream) override {
    std::string content_type = event_stream ? "text/event-stream" : "application/json";
    std::vector<std::pair<std::string, std::string>> extra;
    for (const auto& [name, value] : headers) {
      if (name == "content-type") {
        content_type = value;
      } else if (RelayedHeader(name)) {
        extra.emplace_back(name, value);
      }
    }
    // Proxies in between must not buffer or cache an event stream.
    if (event_stream) extra.emplace_back("Cache-Control", "no-cache");
    began_ = true;
    open_ = writer_.BeginStream(status, std::move(content_type), std::move(extra));
  }

  bool OnData(std::string_view piece) override {
    if (open_) open_ = writer_.Write(std::string(piece));
    return open_;
  }

  bool began() const { return began_; }

 private:
  ResponseWriter& writer_;
  bool began_ = false;
  bool open_ = false;  // false once the client is gone
};

}  // namespace

void ApiApp::AddProxyRoutes() {
  AddStreaming("POST", "/v1/chat/completions", domain::KeyScope::kWrite,
               [this](const HttpRequest& req, const domain::ApiKey& key, ResponseWriter& writer) -> Status {
                 if (!s_.proxy || !s_.proxy->configured()) {
                   return Status::Unavailable(
                       "No LLM upstream is configured: start engramd with --llm-url and --llm-model to use "
                       "/v1/chat/completions");
                 }
                 service::ProxyCall call;
                 call.workspace = key.workspace;
                 call.body = req.body;
                 call.request_id = req.request_id;
                 if (const std::string* user = req.Header("x-engram-user")) call.header_user = *user;
                 ENGRAM_RETURN_IF_ERROR(ParseContextHeader(req.Header("x-engram-context"), &call));
                 for (std::string_view name : kForwardedHeaders) {
                   if (const std::string* v = req.Header(name)) call.headers.emplace_back(std::string(name), *v);
                 }
                 ENGRAM_ASSIGN_OR_RETURN(auto prepared, s_.proxy->Prepare(call));
                 WriterSink sink(writer);
                 Status st = s_.proxy->Relay(prepared, sink);
                 if (!st.ok()) return st;  // after the head, the dropped writer aborts the stream
                 if (sink.began()) writer.End();
                 return Status::Ok();
               });
}

}  // namespace engram::api
