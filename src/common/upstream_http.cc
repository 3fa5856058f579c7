#include "common/upstream_http.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "common/log.h"
#include "common/metrics.h"

namespace engram::upstream {
namespace {

using json = nlohmann::json;

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

struct Capture {
  std::string body;
  size_t max_bytes = 0;
  bool too_large = false;
  std::optional<int64_t> retry_after_ms;
};

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* c = static_cast<Capture*>(user);
  const size_t len = size * n;
  if (c->body.size() + len > c->max_bytes) {
    c->too_large = true;
    return 0;  // makes curl fail with CURLE_WRITE_ERROR
  }
  c->body.append(data, len);
  return len;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* c = static_cast<Capture*>(user);
  const std::string_view line(data, size * n);
  if (StartsWith(line, "HTTP/")) {
    c->retry_after_ms.reset();  // a new response (after 100 Continue): forget the previous headers
  } else if (line.size() > 12) {
    std::string name(line.substr(0, 12));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char ch) { return std::tolower(ch); });
    if (name == "retry-after:") c->retry_after_ms = ParseRetryAfterMs(line.substr(12));
  }
  return size * n;
}

}  // namespace

void EnsureCurlGlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

HandlePool::HandlePool() { EnsureCurlGlobalInit(); }

HandlePool::~HandlePool() {
  for (CURL* h : idle_) curl_easy_cleanup(h);
}

CURL* HandlePool::Acquire() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      CURL* h = idle_.back();
      idle_.pop_back();
      return h;
    }
  }
  return curl_easy_init();
}

void HandlePool::Release(CURL* h) {
  if (h == nullptr) return;
  curl_easy_reset(h);  // clears options, keeps the connection cache
  std::lock_guard lock(mu_);
  if (idle_.size() < kMaxIdle) {
    idle_.push_back(h);
    return;
  }
  curl_easy_cleanup(h);
}

std::string Excerpt(std::string_view body, size_t max) {
  std::string out;
  for (char c : body.substr(0, max)) out.push_back(static_cast<unsigned char>(c) < 0x20 ? ' ' : c);
  if (body.size() > max) out += "...";
  return out;
}

std::string UpstreamErrorMessage(const std::string& body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_object()) {
    auto it = j.find("error");
    if (it != j.end()) {
      if (it->is_string()) return Excerpt(it->get<std::string>(), 300);
      if (it->is_object()) {
        auto m = it->find("message");
        if (m != it->end() && m->is_string()) return Excerpt(m->get<std::string>(), 300);
      }
    }
    for (const char* key : {"message", "detail"}) {
      auto m = j.find(key);
      if (m != j.end() && m->is_string()) return Excerpt(m->get<std::string>(), 300);
    }
  }
  return body.empty() ? "(empty body)" : Excerpt(body);
}

std::optional<int64_t> ParseRetryAfterMs(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r' || v.back() == '\n')) {
    v.remove_suffix(1);
  }
  if (v.empty() || v.size() > 9) return std::nullopt;
  int64_t seconds = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return std::nullopt;
    seconds = seconds * 10 + (c - '0');
  }
  return seconds * 1000;
}

int64_t BackoffMs(const RetryPolicy& policy, int attempt) {
  int64_t delay = std::max(0, policy.backoff_initial_ms);
  for (int i = 0; i < attempt && delay < policy.backoff_max_ms; ++i) delay *= 2;
  delay = std::min<int64_t>(delay, std::max(0, policy.backoff_max_ms));
  if (delay <= 1) return delay;
  // "Equal jitter": half fixed so retries still back off, half random so clients that failed
  // together do not retry in lockstep.
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<int64_t> dist(0, delay / 2);
  return delay - delay / 2 + dist(rng);
}

bool IsRetryableHttpStatus(long http_status) {
  return http_status == 408 || http_status == 429 || http_status >= 500;
}

Status HttpErrorStatus(long http_status, std::string_view what, const std::string& body) {
  std::string msg = std::string(what) + " endpoint returned HTTP " + std::to_string(http_status) + ": " +
                    UpstreamErrorMessage(body);
  if (http_status == 401 || http_status == 403) return Status::Unauthenticated(std::move(msg));
  return Status::InvalidArgument(std::move(msg));
}

Status CurlFailureStatus(CURLcode rc, const char* errbuf, std::string_view what, int timeout_ms,
                         bool* retryable) {
  const std::string detail =
      errbuf != nullptr && errbuf[0] != 0 ? std::string(errbuf) : std::string(curl_easy_strerror(rc));
  *retryable = false;
  switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
      *retryable = true;
      return Status::DeadlineExceeded(std::string(what) + " endpoint timed out after " +
                                      std::to_string(timeout_ms) + " ms");
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
      *retryable = true;
      return Status::Unavailable(std::string(what) + " endpoint unreachable: " + detail);
    default:
      return Status::Unavailable(std::string(what) + " request failed: " + detail);
  }
}

Attempt PostOnce(HandlePool& pool, const PostRequest& request) {
  Attempt a;
  CURL* h = pool.Acquire();
  if (h == nullptr) {
    a.transport = Status::Internal("curl_easy_init failed");
    return a;
  }
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Content-Type: application/json");
  headers = curl_slist_append(headers, "Accept: application/json");
  // Without this curl sends "Expect: 100-continue" for large bodies and may stall waiting for it.
  headers = curl_slist_append(headers, "Expect:");
  if (!request.api_key.empty()) {
    headers = curl_slist_append(headers, ("Authorization: Bearer " + request.api_key).c_str());
  }
  Capture capture;
  capture.max_bytes = request.max_response_bytes;
  char errbuf[CURL_ERROR_SIZE] = {0};

  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_POST, 1L);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout_ms));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.timeout_ms));
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // signals and threads do not mix
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");  // whatever compression curl was built with
  curl_easy_setopt(h, CURLOPT_USERAGENT, request.user_agent.c_str());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &capture);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &capture);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);

  const int64_t start = MonotonicNanos();
  const CURLcode rc = curl_easy_perform(h);
  a.seconds = static_cast<double>(MonotonicNanos() - start) / 1e9;
  if (rc == CURLE_OK) {
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &a.http_status);
    a.body = std::move(capture.body);
    a.retry_after_ms = capture.retry_after_ms;
  } else if (rc == CURLE_WRITE_ERROR && capture.too_large) {
    a.transport = Status::Internal(request.what + " response larger than " +
                                   std::to_string(request.max_response_bytes) + " bytes");
  } else {
    a.transport = CurlFailureStatus(rc, errbuf, request.what, request.timeout_ms, &a.retryable);
  }
  curl_slist_free_all(headers);
  pool.Release(h);
  return a;
}

Result<Reply> PostWithRetries(HandlePool& pool, const PostRequest& request, const RetryPolicy& policy,
                              std::string_view log_category, const AttemptObserver& observe) {
  auto report = [&](std::string_view outcome, double seconds) {
    if (observe) observe(outcome, seconds);
  };
  Status last;
  const int attempts = std::max(0, policy.max_retries) + 1;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    Attempt a = PostOnce(pool, request);
    std::optional<int64_t> delay_hint;
    if (!a.transport.ok()) {
      const bool timeout = a.transport.code() == StatusCode::kDeadlineExceeded;
      report(timeout ? "timeout" : "network_error", a.seconds);
      if (!a.retryable || (timeout && !policy.retry_timeouts)) return a.transport;
      last = a.transport;
    } else if (a.http_status >= 200 && a.http_status < 300) {
      return Reply{std::move(a.body), a.seconds};
    } else if (IsRetryableHttpStatus(a.http_status)) {
      report(a.http_status == 429 ? "rate_limited" : "server_error", a.seconds);
      last = Status::Unavailable(request.what + " endpoint returned HTTP " + std::to_string(a.http_status) +
                                 ": " + UpstreamErrorMessage(a.body));
      delay_hint = a.retry_after_ms;
    } else {
      report("client_error", a.seconds);
      return HttpErrorStatus(a.http_status, request.what, a.body);
    }
    if (attempt + 1 >= attempts) break;
    const int64_t delay = delay_hint ? std::min<int64_t>(*delay_hint, policy.retry_after_max_ms)
                                     : BackoffMs(policy, attempt);
    ENGRAM_LOG(kWarn, log_category, "{} request failed ({}), retry {}/{} in {} ms", request.what,
               last.message(), attempt + 1, policy.max_retries, delay);
    if (delay > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay));
  }
  std::string msg = last.message() + " (after " + std::to_string(attempts) + " attempts)";
  return Status(last.code(), std::move(msg));
}

}  // namespace engram::upstream
