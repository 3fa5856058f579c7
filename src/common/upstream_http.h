// Upstream HTTP: the libcurl plumbing shared by the clients of OpenAI-compatible HTTP APIs (the remote
// embedder, the LLM client).
//
// What is shared: process-wide curl initialisation; a pool of easy handles, so keep-alive connections
// survive between calls; one POST attempt with its transport failures mapped to a Status; the retry
// loop (connection errors, optionally timeouts, 408, 429 and 5xx, exponential backoff with jitter, a
// Retry-After header in seconds wins, capped); and the readable message out of the error bodies those
// servers send (OpenAI, Ollama, TEI, vLLM shapes).
//
// Internal to the adapters that talk to upstream services: include it from .cc files only, never from
// a public header, because it exposes libcurl types. Library target `engram_upstream_http`.
//
// Thread-safety: HandlePool, PostOnce and PostWithRetries are thread-safe; every attempt borrows its
// own easy handle.
#pragma once

#include <curl/curl.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace engram::upstream {

// curl_global_init is not thread-safe and must run before any other curl call; this runs it once.
// It is never undone because other components of the process may use curl too.
void EnsureCurlGlobalInit();

// Idle easy handles. A curl handle must not be used by two threads at once, but reusing one keeps its
// connection cache (keep-alive) alive, so a call borrows one and returns it.
class HandlePool {
 public:
  static constexpr size_t kMaxIdle = 8;

  HandlePool();  // runs EnsureCurlGlobalInit
  ~HandlePool();
  HandlePool(const HandlePool&) = delete;
  HandlePool& operator=(const HandlePool&) = delete;

  // A handle with default options; nullptr when curl cannot allocate one.
  CURL* Acquire();
  // Resets the handle's options (its connection cache stays) and keeps it for the next caller.
  void Release(CURL* h);

 private:
  std::mutex mu_;
  std::vector<CURL*> idle_;  // guarded by mu_
};

struct RetryPolicy {
  int max_retries = 2;              // extra attempts after the first one fails transiently
  int backoff_initial_ms = 200;     // first retry delay; doubles per attempt, with jitter
  int backoff_max_ms = 5000;        // cap on one backoff delay
  int retry_after_max_ms = 30000;   // cap on a server-requested Retry-After delay
  // Whether an attempt that hit its own timeout is retried. Worth it for cheap calls (embeddings);
  // not for chat, where a timeout usually means slow generation and a retry would multiply the wait.
  bool retry_timeouts = true;
};

struct PostRequest {
  std::string url;
  std::string_view body;           // JSON; must outlive the call
  std::string api_key;             // sent as a Bearer token when non-empty
  std::string user_agent = "engram/1";
  std::string what = "upstream";   // names the service in messages: "<what> endpoint timed out ..."
  int timeout_ms = 10000;          // per attempt, connect included
  size_t max_response_bytes = 64u << 20;  // a larger body fails the attempt with kInternal
};

// One HTTP exchange: a transport failure, or the HTTP status with the body and Retry-After.
struct Attempt {
  Status transport;                       // non-OK when no complete HTTP response was obtained
  bool retryable = false;                 // for transport failures
  long http_status = 0;
  std::string body;
  std::optional<int64_t> retry_after_ms;
  double seconds = 0;                     // wall time of the attempt
};

Attempt PostOnce(HandlePool& pool, const PostRequest& request);

// A 2xx answer: its body and how long that attempt took (for the caller's latency metric).
struct Reply {
  std::string body;
  double seconds = 0;
};

// Told about every attempt that did not end in 2xx, with one of "timeout", "network_error",
// "rate_limited", "server_error", "client_error". The 2xx attempt is left to the caller, which
// knows only after parsing whether it was "ok" or a "bad_response".
using AttemptObserver = std::function<void(std::string_view outcome, double seconds)>;

// POSTs with retries. Errors: a transport failure (kUnavailable, kDeadlineExceeded, kInternal); the
// last retryable HTTP failure as kUnavailable with "(after N attempts)"; another 4xx at once through
// HttpErrorStatus. `log_category` is where retries are logged.
Result<Reply> PostWithRetries(HandlePool& pool, const PostRequest& request, const RetryPolicy& policy,
                              std::string_view log_category, const AttemptObserver& observe);

// True for the HTTP statuses worth retrying: 408, 429 and 5xx.
bool IsRetryableHttpStatus(long http_status);
// A non-retryable 4xx as a Status: 401/403 -> kUnauthenticated (the configured key is wrong, whatever
// the upstream calls it), others -> kInvalidArgument; the message carries the upstream's own words.
Status HttpErrorStatus(long http_status, std::string_view what, const std::string& body);
// Maps a failed curl_easy_perform. `retryable` is set for failures a new attempt may fix (timeouts
// included; the retry policy decides about those).
Status CurlFailureStatus(CURLcode rc, const char* errbuf, std::string_view what, int timeout_ms,
                         bool* retryable);

// The human-readable message from the error shapes OpenAI ({"error":{"message"}}), Ollama and TEI
// ({"error": "..."}) and vLLM ({"message": "..."} / {"detail": ...}) use; else a body excerpt.
std::string UpstreamErrorMessage(const std::string& body);
// Printable, bounded excerpt of an upstream body for an error message.
std::string Excerpt(std::string_view body, size_t max = 200);
// Retry-After in delta-seconds form; the HTTP-date form is rare for APIs and yields nullopt.
std::optional<int64_t> ParseRetryAfterMs(std::string_view value);
// The delay before retry number `attempt + 1` ("equal jitter" exponential backoff).
int64_t BackoffMs(const RetryPolicy& policy, int attempt);

}  // namespace engram::upstream
