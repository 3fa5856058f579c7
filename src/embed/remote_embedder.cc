#include "embed/remote_embedder.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <thread>
#include <vector>

#include "common/log.h"

namespace engram::embed {
namespace {

using json = nlohmann::json;

// curl_global_init is not thread-safe and must run before any other curl call; it is never undone
// because other components of the process may use curl too.
void EnsureCurlGlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

std::string EndpointFor(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (EndsWith(url, "/embeddings")) return url;
  if (EndsWith(url, "/v1")) return url + "/embeddings";
  return url + "/v1/embeddings";
}

// Printable, bounded excerpt of an upstream body for an error message.
std::string Excerpt(std::string_view body, size_t max = 200) {
  std::string out;
  for (char c : body.substr(0, max)) out.push_back(static_cast<unsigned char>(c) < 0x20 ? ' ' : c);
  if (body.size() > max) out += "...";
  return out;
}

// The human-readable message from the error shapes OpenAI ({"error":{"message"}}), Ollama and TEI
// ({"error": "..."}) and vLLM ({"message": "..."} / {"detail": ...}) use; else a body excerpt.
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

// Retry-After in delta-seconds form; the HTTP-date form is rare for APIs and falls back to backoff.
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

int64_t BackoffMs(const RemoteEmbedderOptions& o, int attempt) {
  int64_t delay = std::max(0, o.backoff_initial_ms);
  for (int i = 0; i < attempt && delay < o.backoff_max_ms; ++i) delay *= 2;
  delay = std::min<int64_t>(delay, std::max(0, o.backoff_max_ms));
  if (delay <= 1) return delay;
  // "Equal jitter": half fixed so retries still back off, half random so clients that failed
  // together do not retry in lockstep.
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<int64_t> dist(0, delay / 2);
  return delay - delay / 2 + dist(rng);
}

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

// Idle easy handles. curl handles must not be used by two threads at once, but reusing one keeps its
// connection cache (keep-alive) alive, so a call borrows one and returns it.
class RemoteEmbedder::HandlePool {
 public:
  static constexpr size_t kMaxIdle = 8;

  ~HandlePool() {
    for (CURL* h : idle_) curl_easy_cleanup(h);
  }
  CURL* Acquire() {
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
  void Release(CURL* h) {
    curl_easy_reset(h);  // clears options, keeps the connection cache
    std::lock_guard lock(mu_);
    if (idle_.size() < kMaxIdle) {
      idle_.push_back(h);
      return;
    }
    curl_easy_cleanup(h);
  }

 private:
  std::mutex mu_;
  std::vector<CURL*> idle_;  // guarded by mu_
};

struct RemoteEmbedder::Attempt {
  Status transport;         // non-OK when no HTTP response was obtained
  bool retryable = false;   // for transport failures
  long http_status = 0;
  std::string body;
  std::optional<int64_t> retry_after_ms;
  double seconds = 0;
};

Result<std::unique_ptr<RemoteEmbedder>> RemoteEmbedder::Create(RemoteEmbedderOptions options) {
  if (options.url.empty()) return Status::InvalidArgument("remote embedder: url is required");
  if (!StartsWith(options.url, "http://") && !StartsWith(options.url, "https://")) {
    return Status::InvalidArgument("remote embedder: url must start with http:// or https://");
  }
  if (options.batch_size < 1) return Status::InvalidArgument("remote embedder: batch_size must be >= 1");
  if (options.timeout_ms < 1) return Status::InvalidArgument("remote embedder: timeout_ms must be >= 1");
  if (options.max_retries < 0) return Status::InvalidArgument("remote embedder: max_retries must be >= 0");
  if (options.backoff_initial_ms < 0 || options.backoff_max_ms < 0 || options.retry_after_max_ms < 0) {
    return Status::InvalidArgument("remote embedder: backoff delays must be >= 0");
  }
  if (options.dimensions < 0) return Status::InvalidArgument("remote embedder: dimensions must be >= 0");
  if (options.max_response_bytes == 0) options.max_response_bytes = 256u << 20;
  EnsureCurlGlobalInit();
  return std::unique_ptr<RemoteEmbedder>(new RemoteEmbedder(std::move(options)));
}

RemoteEmbedder::RemoteEmbedder(RemoteEmbedderOptions options)
    : options_(std::move(options)), pool_(std::make_unique<HandlePool>()) {
  endpoint_ = EndpointFor(options_.url);
  name_ = options_.model.empty() ? "remote" : "remote/" + options_.model;
  dimension_.store(options_.dimensions);
  if (options_.metrics) {
    seconds_ = options_.metrics->GetHistogram("engram_embed_seconds",
                                              "Latency of one embeddings HTTP request in seconds");
  }
}

RemoteEmbedder::~RemoteEmbedder() = default;

void RemoteEmbedder::Record(std::string_view outcome, double seconds) {
  if (!options_.metrics) return;
  options_.metrics
      ->GetCounter("engram_embed_requests_total", "Embeddings HTTP requests by outcome",
                   {{"status", std::string(outcome)}})
      ->Add();
  seconds_->Observe(seconds);
}

Result<std::vector<Vector>> RemoteEmbedder::Embed(const std::vector<std::string>& texts) {
  std::vector<Vector> out;
  out.reserve(texts.size());
  const auto batch = static_cast<size_t>(options_.batch_size);
  for (size_t begin = 0; begin < texts.size(); begin += batch) {
    const size_t end = std::min(texts.size(), begin + batch);
    ENGRAM_ASSIGN_OR_RETURN(auto vectors, EmbedBatch(texts, begin, end));
    for (auto& v : vectors) out.push_back(std::move(v));
  }
  return out;
}

Result<std::vector<Vector>> RemoteEmbedder::EmbedBatch(const std::vector<std::string>& texts, size_t begin,
                                                       size_t end) {
  std::string body;
  {
    json req = json::object();
    if (!options_.model.empty()) req["model"] = options_.model;
    json input = json::array();
    for (size_t i = begin; i < end; ++i) input.push_back(texts[i]);
    req["input"] = std::move(input);
    if (options_.dimensions > 0) req["dimensions"] = options_.dimensions;
    // Invalid UTF-8 in a text becomes U+FFFD instead of throwing: one bad byte must not fail a batch.
    body = req.dump(-1, ' ', false, json::error_handler_t::replace);
  }

  Status last;
  const int attempts = options_.max_retries + 1;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    Attempt a = Post(body);
    std::optional<int64_t> delay_hint;
    if (!a.transport.ok()) {
      Record(a.transport.code() == StatusCode::kDeadlineExceeded ? "timeout" : "network_error", a.seconds);
      if (!a.retryable) return a.transport;
      last = a.transport;
    } else if (a.http_status >= 200 && a.http_status < 300) {
      auto parsed = ParseResponse(a.body, end - begin);
      Record(parsed.ok() ? "ok" : "bad_response", a.seconds);
      return parsed;
    } else if (a.http_status == 429 || a.http_status == 408 || a.http_status >= 500) {
      Record(a.http_status == 429 ? "rate_limited" : "server_error", a.seconds);
      last = Status::Unavailable("embedding endpoint returned HTTP " + std::to_string(a.http_status) + ": " +
                                 UpstreamErrorMessage(a.body));
      delay_hint = a.retry_after_ms;
    } else {
      Record("client_error", a.seconds);
      std::string msg =
          "embedding endpoint returned HTTP " + std::to_string(a.http_status) + ": " + UpstreamErrorMessage(a.body);
      if (a.http_status == 401 || a.http_status == 403) return Status::Unauthenticated(std::move(msg));
      return Status::InvalidArgument(std::move(msg));
    }
    if (attempt + 1 >= attempts) break;
    const int64_t delay = delay_hint ? std::min<int64_t>(*delay_hint, options_.retry_after_max_ms)
                                     : BackoffMs(options_, attempt);
    ENGRAM_LOG(kWarn, "embed", "embeddings request failed ({}), retry {}/{} in {} ms", last.message(),
               attempt + 1, options_.max_retries, delay);
    if (delay > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay));
  }
  std::string msg = last.message() + " (after " + std::to_string(attempts) + " attempts)";
  return Status(last.code(), std::move(msg));
}

RemoteEmbedder::Attempt RemoteEmbedder::Post(const std::string& body) {
  Attempt a;
  CURL* h = pool_->Acquire();
  if (h == nullptr) {
    a.transport = Status::Internal("curl_easy_init failed");
    return a;
  }
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Content-Type: application/json");
  headers = curl_slist_append(headers, "Accept: application/json");
  // Without this curl sends "Expect: 100-continue" for large bodies and may stall waiting for it.
  headers = curl_slist_append(headers, "Expect:");
  if (!options_.api_key.empty()) {
    headers = curl_slist_append(headers, ("Authorization: Bearer " + options_.api_key).c_str());
  }
  Capture capture;
  capture.max_bytes = options_.max_response_bytes;
  char errbuf[CURL_ERROR_SIZE] = {0};

  curl_easy_setopt(h, CURLOPT_URL, endpoint_.c_str());
  curl_easy_setopt(h, CURLOPT_POST, 1L);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout_ms));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.timeout_ms));
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // signals and threads do not mix
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");  // whatever compression curl was built with
  curl_easy_setopt(h, CURLOPT_USERAGENT, "engram-embed/1");
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
  } else {
    const std::string detail = errbuf[0] != 0 ? std::string(errbuf) : std::string(curl_easy_strerror(rc));
    switch (rc) {
      case CURLE_OPERATION_TIMEDOUT:
        a.transport = Status::DeadlineExceeded("embedding endpoint timed out after " +
                                               std::to_string(options_.timeout_ms) + " ms");
        a.retryable = true;
        break;
      case CURLE_COULDNT_RESOLVE_HOST:
      case CURLE_COULDNT_RESOLVE_PROXY:
      case CURLE_COULDNT_CONNECT:
      case CURLE_SEND_ERROR:
      case CURLE_RECV_ERROR:
      case CURLE_GOT_NOTHING:
      case CURLE_PARTIAL_FILE:
      case CURLE_SSL_CONNECT_ERROR:
        a.transport = Status::Unavailable("embedding endpoint unreachable: " + detail);
        a.retryable = true;
        break;
      case CURLE_WRITE_ERROR:
        if (capture.too_large) {
          a.transport = Status::Internal("embedding response larger than " +
                                         std::to_string(options_.max_response_bytes) + " bytes");
          break;
        }
        [[fallthrough]];
      default:
        a.transport = Status::Unavailable("embedding request failed: " + detail);
        break;
    }
  }
  curl_slist_free_all(headers);
  pool_->Release(h);
  return a;
}

Result<std::vector<Vector>> RemoteEmbedder::ParseResponse(const std::string& body, size_t expected) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::Internal("embedding endpoint returned invalid JSON: " + Excerpt(body, 80));
  std::vector<Vector> out(expected);
  size_t dim = 0;
  try {
    auto data = j.is_object() ? j.find("data") : j.end();
    if (!j.is_object() || data == j.end() || !data->is_array()) {
      return Status::Internal("embedding response has no \"data\" array");
    }
    if (data->size() != expected) {
      return Status::Internal("embedding endpoint returned " + std::to_string(data->size()) +
                              " embeddings for " + std::to_string(expected) + " inputs");
    }
    std::vector<bool> seen(expected, false);
    for (size_t k = 0; k < data->size(); ++k) {
      const json& item = (*data)[k];
      if (!item.is_object()) return Status::Internal("embedding response item is not an object");
      // "index" is what restores input order; servers that omit it answer in order.
      int64_t index = static_cast<int64_t>(k);
      if (auto it = item.find("index"); it != item.end()) {
        if (!it->is_number_integer()) return Status::Internal("embedding response index is not an integer");
        index = it->get<int64_t>();
      }
      if (index < 0 || static_cast<size_t>(index) >= expected || seen[static_cast<size_t>(index)]) {
        return Status::Internal("embedding response has an out-of-range or duplicate index " +
                                std::to_string(index));
      }
      seen[static_cast<size_t>(index)] = true;
      auto emb = item.find("embedding");
      if (emb == item.end() || !emb->is_array()) {
        return Status::Internal("embedding response item has no numeric \"embedding\" array");
      }
      Vector& v = out[static_cast<size_t>(index)];
      v.reserve(emb->size());
      for (const json& x : *emb) {
        if (!x.is_number()) return Status::Internal("embedding contains a non-number");
        v.push_back(x.get<float>());
      }
      if (v.empty()) return Status::Internal("embedding endpoint returned an empty embedding");
      if (dim == 0) dim = v.size();
      if (v.size() != dim) {
        return Status::Internal("embedding dimensions differ within one response (" + std::to_string(dim) +
                                " vs " + std::to_string(v.size()) + ")");
      }
    }
  } catch (const json::exception& e) {
    return Status::Internal(std::string("malformed embedding response: ") + e.what());
  }
  if (expected == 0) return out;
  // The first successful response fixes the dimension (unless configured); a later change means the
  // endpoint now serves another model, whose vectors must not be mixed with the stored ones.
  int known = dimension_.load();
  if (known == 0 && dimension_.compare_exchange_strong(known, static_cast<int>(dim))) known = static_cast<int>(dim);
  if (static_cast<size_t>(known) != dim) {
    return Status::Internal("embedding dimension " + std::to_string(dim) + " differs from the expected " +
                            std::to_string(known));
  }
  return out;
}

}  // namespace engram::embed
