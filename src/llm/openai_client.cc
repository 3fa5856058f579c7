#include "llm/openai_client.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <thread>

#include "common/strings.h"
#include "common/log.h"
#include "common/upstream_http.h"
#include "llm/chat_codec.h"

namespace engram::llm {
namespace {

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

void StripTrailingSlashes(std::string& s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
}

// Request headers Forward never relays: curl frames the request itself, the upstream is another host,
// and compressed bytes could not be relayed chunk by chunk to a client that did not ask for them.
bool IsDroppedRequestHeader(const std::string& lower_name) {
  static constexpr std::string_view kDropped[] = {"host",    "content-length", "transfer-encoding", "connection",
                                                  "expect",  "keep-alive",     "te",                "upgrade",
                                                  "accept-encoding", "proxy-connection"};
  return std::find(std::begin(kDropped), std::end(kDropped), lower_name) != std::end(kDropped);
}

// State of one Forward transfer, shared with the curl callbacks.
struct Relay {
  const std::function<void(int, const HeaderList&)>* on_head = nullptr;
  const std::function<bool(std::string_view)>* on_data = nullptr;
  int status = 0;
  HeaderList headers;
  bool head_sent = false;
  bool stopped_by_caller = false;  // on_data returned false
  bool callback_threw = false;
  int64_t idle_limit_ns = 0;
  int64_t last_activity_ns = 0;    // last byte sent or received
  curl_off_t uploaded = 0;
  bool idle_timeout = false;

  // Exceptions must not unwind through curl's C frames: they end the transfer instead.
  bool SendHead() {
    head_sent = true;
    try {
      (*on_head)(status, headers);
      return true;
    } catch (...) {
      callback_threw = true;
      return false;
    }
  }
};

size_t OnRelayHeader(char* data, size_t size, size_t n, void* user) {
  auto* r = static_cast<Relay*>(user);
  const size_t len = size * n;
  r->last_activity_ns = MonotonicNanos();
  if (r->head_sent) return len;  // trailers of a chunked body: not relayed
  const std::string_view line(data, len);
  if (StartsWith(line, "HTTP/")) {
    // A new status line (the first, or the final one after 1xx): start over.
    r->headers.clear();
    r->status = 0;
    const size_t sp = line.find(' ');
    if (sp != std::string_view::npos) {
      for (size_t i = sp + 1; i < line.size() && std::isdigit(static_cast<unsigned char>(line[i])); ++i) {
        r->status = r->status * 10 + (line[i] - '0');
      }
    }
    return len;
  }
  const std::string_view trimmed = TrimAsciiSpace(line);
  if (trimmed.empty()) {
    if (r->status >= 100 && r->status < 200) return len;  // interim response; the real head follows
    return r->SendHead() ? len : 0;
  }
  if ((line.front() == ' ' || line.front() == '\t') && !r->headers.empty()) {  // obsolete line folding
    std::string& value = r->headers.back().second;
    value.push_back(' ');
    value.append(trimmed);
    return len;
  }
  const size_t colon = trimmed.find(':');
  if (colon == std::string_view::npos) return len;
  r->headers.emplace_back(AsciiLower(TrimAsciiSpace(trimmed.substr(0, colon))), std::string(TrimAsciiSpace(trimmed.substr(colon + 1))));
  return len;
}

size_t OnRelayBody(char* data, size_t size, size_t n, void* user) {
  auto* r = static_cast<Relay*>(user);
  const size_t len = size * n;
  r->last_activity_ns = MonotonicNanos();
  if (!r->head_sent && !r->SendHead()) return 0;
  try {
    if (!(*r->on_data)(std::string_view(data, len))) {
      r->stopped_by_caller = true;
      return 0;  // makes curl stop with CURLE_WRITE_ERROR
    }
  } catch (...) {
    r->callback_threw = true;
    return 0;
  }
  return len;
}

// The inactivity limit. curl's own low-speed check averages over a window of about five seconds, so
// it notices a stall only that much late; this callback runs about once a second when idle.
int OnRelayProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t ulnow) {
  auto* r = static_cast<Relay*>(user);
  const int64_t now = MonotonicNanos();
  if (ulnow != r->uploaded) {
    r->uploaded = ulnow;
    r->last_activity_ns = now;
  }
  if (now - r->last_activity_ns > r->idle_limit_ns) {
    r->idle_timeout = true;
    return 1;  // makes curl stop with CURLE_ABORTED_BY_CALLBACK
  }
  return 0;
}

}  // namespace

Result<std::unique_ptr<OpenAiClient>> OpenAiClient::Create(OpenAiClientOptions options) {
  if (options.url.empty()) return Status::InvalidArgument("openai llm client: url is required");
  if (!StartsWith(options.url, "http://") && !StartsWith(options.url, "https://")) {
    return Status::InvalidArgument("openai llm client: url must start with http:// or https://");
  }
  if (options.model.empty()) return Status::InvalidArgument("openai llm client: model is required");
  if (options.timeout_ms < 1) return Status::InvalidArgument("openai llm client: timeout_ms must be >= 1");
  if (options.max_retries < 0) return Status::InvalidArgument("openai llm client: max_retries must be >= 0");
  if (options.backoff_initial_ms < 0 || options.backoff_max_ms < 0 || options.retry_after_max_ms < 0) {
    return Status::InvalidArgument("openai llm client: backoff delays must be >= 0");
  }
  if (options.max_response_bytes == 0) options.max_response_bytes = 16u << 20;
  return std::unique_ptr<OpenAiClient>(new OpenAiClient(std::move(options)));
}

OpenAiClient::OpenAiClient(OpenAiClientOptions options)
    : options_(std::move(options)), pool_(std::make_unique<upstream::HandlePool>()) {
  std::string url = options_.url;
  StripTrailingSlashes(url);
  const bool full_endpoint = EndsWith(url, "/chat/completions");
  if (full_endpoint) url.resize(url.size() - std::string_view("/chat/completions").size());
  const std::string api_root = url;  // where chat/completions lives, e.g. ".../v1"
  if (EndsWith(url, "/v1")) url.resize(url.size() - 3);
  base_url_ = url;
  // A full endpoint is taken as given, so servers whose API root is not "/v1" still work for Chat.
  endpoint_ = full_endpoint ? api_root + "/chat/completions" : base_url_ + "/v1/chat/completions";
  if (options_.metrics) {
    seconds_ = options_.metrics->GetHistogram("engram_llm_seconds", "Latency of one LLM HTTP request in seconds");
    prompt_tokens_ = options_.metrics->GetCounter("engram_llm_tokens_total", "Tokens reported by the LLM",
                                                  {{"kind", "prompt"}});
    completion_tokens_ = options_.metrics->GetCounter("engram_llm_tokens_total", "Tokens reported by the LLM",
                                                      {{"kind", "completion"}});
  }
}

OpenAiClient::~OpenAiClient() = default;

void OpenAiClient::Record(std::string_view outcome, double seconds) {
  if (!options_.metrics) return;
  options_.metrics
      ->GetCounter("engram_llm_requests_total", "LLM HTTP requests by outcome", {{"status", std::string(outcome)}})
      ->Add();
  seconds_->Observe(seconds);
}

Result<ChatResponse> OpenAiClient::Chat(const ChatRequest& request) {
  ENGRAM_ASSIGN_OR_RETURN(std::string body, EncodeChatRequest(request, options_.model));
  const upstream::PostRequest post{.url = endpoint_,
                                   .body = body,
                                   .api_key = options_.api_key,
                                   .user_agent = "engram-llm/1",
                                   .what = "chat",
                                   .timeout_ms = request.timeout_ms > 0 ? request.timeout_ms : options_.timeout_ms,
                                   .max_response_bytes = options_.max_response_bytes};
  const upstream::RetryPolicy policy{.max_retries = options_.max_retries,
                                     .backoff_initial_ms = options_.backoff_initial_ms,
                                     .backoff_max_ms = options_.backoff_max_ms,
                                     .retry_after_max_ms = options_.retry_after_max_ms,
                                     .retry_timeouts = false};
  ENGRAM_ASSIGN_OR_RETURN(upstream::Reply reply,
                          upstream::PostWithRetries(*pool_, post, policy, "llm",
                                                    [this](std::string_view outcome, double seconds) {
                                                      Record(outcome, seconds);
                                                    }));
  auto parsed = DecodeChatResponse(reply.body);
  Record(parsed.ok() ? "ok" : "bad_response", reply.seconds);
  if (parsed.ok() && prompt_tokens_ != nullptr) {
    prompt_tokens_->Add(parsed->prompt_tokens);
    completion_tokens_->Add(parsed->completion_tokens);
  }
  return parsed;
}

Status OpenAiClient::Forward(const std::string& path, const std::string& body_json, const HeaderList& headers,
                             const std::function<void(int status, const HeaderList& headers)>& on_head,
                             const std::function<bool(std::string_view chunk)>& on_data) {
  const std::string url = base_url_ + (StartsWith(path, "/") ? "" : "/") + path;
  curl_slist* list = nullptr;
  bool has_content_type = false;
  for (const auto& [name, value] : headers) {
    const std::string lower = AsciiLower(name);
    if (IsDroppedRequestHeader(lower)) continue;
    if (lower == "authorization" && !options_.api_key.empty()) continue;
    // A CR or LF would let a header smuggle extra header lines upstream; a bad name would garble one.
    const bool bad_name = name.empty() || name.find_first_of("\r\n: ") != std::string::npos;
    if (bad_name || value.find_first_of("\r\n") != std::string::npos) {
      continue;
    }
    has_content_type = has_content_type || lower == "content-type";
    list = curl_slist_append(list, (name + ": " + value).c_str());
  }
  if (!has_content_type) list = curl_slist_append(list, "Content-Type: application/json");
  list = curl_slist_append(list, "Expect:");  // no 100-continue round trip
  if (!options_.api_key.empty()) list = curl_slist_append(list, ("Authorization: Bearer " + options_.api_key).c_str());

  // Backstop for the progress callback, in whole seconds because that is curl's granularity.
  const long idle_seconds = std::max(1L, static_cast<long>((options_.timeout_ms + 999) / 1000));
  const upstream::RetryPolicy policy{.max_retries = options_.max_retries,
                                     .backoff_initial_ms = options_.backoff_initial_ms,
                                     .backoff_max_ms = options_.backoff_max_ms};
  Status result;
  std::string outcome;
  const int64_t start = MonotonicNanos();
  for (int attempt = 0;; ++attempt) {
    CURL* h = pool_->Acquire();
    if (h == nullptr) {
      result = Status::Internal("curl_easy_init failed");
      outcome = "error";
      break;
    }
    Relay relay;
    relay.on_head = &on_head;
    relay.on_data = &on_data;
    relay.idle_limit_ns = static_cast<int64_t>(options_.timeout_ms) * 1'000'000;
    relay.last_activity_ns = MonotonicNanos();
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body_json.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body_json.size()));
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.timeout_ms));
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, idle_seconds);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &OnRelayProgress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, &relay);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "engram-llm/1");
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &OnRelayHeader);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &relay);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &OnRelayBody);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &relay);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    const CURLcode rc = curl_easy_perform(h);
    if (rc == CURLE_OK && !relay.head_sent) {
      // No blank line seen (should not happen with HTTP/1.1); still tell the caller the status.
      long code = 0;
      curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
      relay.status = static_cast<int>(code);
      relay.SendHead();
    }
    pool_->Release(h);

    if (relay.callback_threw) {
      result = Status::Internal("llm stream callback threw");
      outcome = "error";
    } else if (rc == CURLE_OK || relay.stopped_by_caller) {
      outcome = relay.stopped_by_caller ? "aborted" : "ok";
    } else if (relay.idle_timeout || rc == CURLE_OPERATION_TIMEDOUT) {
      result = Status::DeadlineExceeded(std::string(relay.head_sent ? "llm stream" : "llm endpoint") +
                                        " idle for more than " + std::to_string(options_.timeout_ms) + " ms");
      outcome = "timeout";
    } else if (relay.head_sent) {
      // Bytes already reached the caller: the only honest answer is that the stream broke.
      result = Status::Unavailable("llm stream interrupted: " +
                                   std::string(errbuf[0] != 0 ? errbuf : curl_easy_strerror(rc)));
      outcome = "network_error";
    } else {
      bool retryable = false;
      result = upstream::CurlFailureStatus(rc, errbuf, "llm", options_.timeout_ms, &retryable);
      outcome = "network_error";
      // Only a connection that never opened is safe to retry: the upstream saw nothing, so the request
      // (which may cost tokens) is not run twice.
      const bool not_connected = rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST;
      if (not_connected && attempt < options_.max_retries) {
        const int64_t delay = upstream::BackoffMs(policy, attempt);
        ENGRAM_LOG(kWarn, "llm", "llm forward failed ({}), retry {}/{} in {} ms", result.message(), attempt + 1,
                   options_.max_retries, delay);
        if (delay > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay));
        result = Status::Ok();
        continue;
      }
    }
    break;
  }
  curl_slist_free_all(list);
  if (options_.metrics) {
    options_.metrics
        ->GetCounter("engram_llm_forward_total", "Relayed LLM requests by outcome", {{"status", outcome}})
        ->Add();
  }
  ENGRAM_LOG(kDebug, "llm", "forward {} {} in {:.3f} s", path, outcome,
             static_cast<double>(MonotonicNanos() - start) / 1e9);
  return result;
}

}  // namespace engram::llm
