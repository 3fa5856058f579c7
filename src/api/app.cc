#include "api/app.h"

#include <algorithm>
#include <thread>

#include "common/strings.h"
#include "api/errors.h"
#include "common/log.h"

namespace engram::api {

namespace {

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i]))) return false;
  }
  return true;
}

// Remembers the status a streaming handler answered with, for metrics. Used from one thread.
class RecordingWriter final : public ResponseWriter {
 public:
  explicit RecordingWriter(ResponseWriter& inner) : inner_(inner) {}
  void Send(HttpResponse response) override {
    if (status_ == 0) status_ = response.status;
    inner_.Send(std::move(response));
  }
  bool BeginStream(int status, std::string content_type,
                   std::vector<std::pair<std::string, std::string>> headers) override {
    if (status_ == 0) status_ = status;
    return inner_.BeginStream(status, std::move(content_type), std::move(headers));
  }
  bool Write(std::string data) override { return inner_.Write(std::move(data)); }
  void End() override { inner_.End(); }
  int status() const { return status_; }

 private:
  ResponseWriter& inner_;
  int status_ = 0;  // 0: nothing answered yet
};

}  // namespace

ApiApp::ApiApp(ApiServices services, ApiOptions options)
    : s_(services), options_(options), limiter_(services.clock),
      pool_(options.request_threads, options.request_queue),
      compute_pool_(options.compute_threads ? options.compute_threads
                                            : std::max(1u, std::thread::hardware_concurrency()),
                    options.request_queue),
      stream_pool_(std::max<size_t>(1, options.stream_threads), options.stream_queue) {
  AddSystemRoutes();
  AddUserRoutes();
  AddIngestRoutes();
  AddAdminRoutes();
  AddRetrievalRoutes();
  AddProfileRoutes();
  AddProxyRoutes();
  AddExtractionRoutes();
  AddOrgRoutes();
}

ApiApp::~ApiApp() { Shutdown(); }

void ApiApp::Shutdown() {
  pool_.Shutdown();
  compute_pool_.Shutdown();
  stream_pool_.Shutdown();
}

void ApiApp::Add(std::string method, std::string pattern, std::optional<domain::KeyScope> scope, SyncHandler h,
                 Runs runs) {
  auto route = std::make_unique<Route>();
  route->name = pattern;
  route->scope = scope;
  route->runs = runs;
  route->handler = std::move(h);
  const Route* r = route.get();
  routes_.push_back(std::move(route));
  router_.Add(std::move(method), std::move(pattern),
              [this, r](HttpRequest&& req, std::shared_ptr<ResponseWriter> writer) {
                if (r->runs == Runs::kIoThread) {
                  writer->Send(Run(*r, req));
                  return;
                }
                auto shared_req = std::make_shared<HttpRequest>(std::move(req));
                ThreadPool& pool = r->runs == Runs::kCompute ? compute_pool_ : pool_;
                const bool queued = pool.TrySubmit([this, r, shared_req, writer] { writer->Send(Run(*r, *shared_req)); });
                if (!queued) {
                  SendBusy(*r, *shared_req, *writer);
                }
              },
              r->name);
}

void ApiApp::SendBusy(const Route& route, const HttpRequest& req, ResponseWriter& writer) {
  HttpResponse busy = ErrorResponse(Status::Unavailable("Server busy; retry shortly"), req.request_id);
  busy.headers.emplace_back("Retry-After", "1");
  Observe(route.name, req.method, busy.status, 0);
  writer.Send(std::move(busy));
}

void ApiApp::AddStreaming(std::string method, std::string pattern, domain::KeyScope scope, StreamHandler h) {
  auto route = std::make_unique<Route>();
  route->name = pattern;
  route->scope = scope;
  route->runs = Runs::kStreaming;
  route->stream = std::move(h);
  const Route* r = route.get();
  routes_.push_back(std::move(route));
  router_.Add(std::move(method), std::move(pattern),
              [this, r](HttpRequest&& req, std::shared_ptr<ResponseWriter> writer) {
                auto shared_req = std::make_shared<HttpRequest>(std::move(req));
                const bool queued =
                    stream_pool_.TrySubmit([this, r, shared_req, writer] { RunStreaming(*r, *shared_req, *writer); });
                if (!queued) {
                  SendBusy(*r, *shared_req, *writer);
                }
              },
              r->name);
}

HttpHandler ApiApp::Handler() {
  return [this](HttpRequest&& req, std::shared_ptr<ResponseWriter> writer) { Dispatch(std::move(req), std::move(writer)); };
}

void ApiApp::Dispatch(HttpRequest&& req, std::shared_ptr<ResponseWriter> writer) {
  auto match = router_.Find(req.method, req.path);
  if (!match || match->method_not_allowed || !match->handler) {
    const bool not_allowed = match && match->method_not_allowed;
    HttpResponse r;
    r.status = not_allowed ? 405 : 404;
    r.body = ErrorJson(not_allowed ? "METHOD_NOT_ALLOWED" : "NOT_FOUND",
                       std::string(not_allowed ? "Method not allowed: " : "No such route: ") + req.method + " " + req.path);
    Observe(not_allowed ? match->name : "unmatched", req.method, r.status, 0);
    writer->Send(std::move(r));
    return;
  }
  req.path_params = std::move(match->params);
  (*match->handler)(std::move(req), std::move(writer));
}

std::string ApiApp::ExtractApiKey(const HttpRequest& req) {
  if (const std::string* k = req.Header("x-api-key")) return std::string(TrimAsciiSpace(*k));
  if (const std::string* auth = req.Header("authorization")) {
    std::string_view v = TrimAsciiSpace(*auth);
    if (StartsWithNoCase(v, "bearer ")) return std::string(TrimAsciiSpace(v.substr(7)));
    if (StartsWithNoCase(v, "x-api-key:")) return std::string(TrimAsciiSpace(v.substr(10)));
    if (StartsWithNoCase(v, "x-api-key ")) return std::string(TrimAsciiSpace(v.substr(10)));
  }
  return "";
}

int ApiApp::RateLimitFor(const domain::ApiKey& key) const {
  if (key.prefix.rfind(service::KeyService::kTestPrefix, 0) == 0) return options_.rate_limit_test;
  if (key.prefix.rfind(service::KeyService::kLivePrefix, 0) == 0) return options_.rate_limit_live;
  return options_.rate_limit_other;
}

Result<domain::ApiKey> ApiApp::Authorize(const Route& route, const HttpRequest& req, HttpResponse* early) {
  const std::string secret = ExtractApiKey(req);
  if (secret.empty()) {
    return Status::Unauthenticated("Missing API key: send x-api-key: <key> or Authorization: Bearer <key>");
  }
  ENGRAM_ASSIGN_OR_RETURN(domain::ApiKey key, s_.keys->Authenticate(secret));
  if (static_cast<int>(key.scope) < static_cast<int>(*route.scope)) {
    return Status::PermissionDenied("API key scope '" + std::string(domain::KeyScopeName(key.scope)) +
                                    "' does not allow this request (needs '" +
                                    std::string(domain::KeyScopeName(*route.scope)) + "')");
  }
  const RateDecision d = limiter_.Check(key.id, RateLimitFor(key));
  if (!d.allowed) {
    *early = ErrorResponse(Status::RateLimited("Rate limit exceeded for this API key; retry after " +
                                               std::to_string(d.retry_after_seconds) + " s"),
                           req.request_id);
    early->headers.emplace_back("Retry-After", std::to_string(d.retry_after_seconds));
    return Status::RateLimited("");
  }
  return key;
}

HttpResponse ApiApp::Run(const Route& route, const HttpRequest& req) {
  const int64_t start = MonotonicNanos();
  HttpResponse response;
  domain::ApiKey key;
  bool answered = false;
  if (route.scope) {
    HttpResponse early;
    auto authorized = Authorize(route, req, &early);
    if (!authorized.ok()) {
      response = early.status != 200 ? std::move(early) : ErrorResponse(authorized.status(), req.request_id);
      answered = true;
    } else {
      key = std::move(authorized).value();
    }
  }
  if (!answered) {
    Result<HttpResponse> result = [&]() -> Result<HttpResponse> {
      try {
        return route.handler(req, key);
      } catch (const std::exception& e) {
        return Status::Internal(e.what());
      }
    }();
    if (result.ok()) {
      response = std::move(result).value();
    } else {
      if (result.status().code() == StatusCode::kInternal) {
        ENGRAM_LOG(kError, "api", "request {} {} {} failed: {}", req.request_id, req.method, route.name,
                   result.status().message());
      }
      response = ErrorResponse(result.status(), req.request_id);
    }
  }
  const double seconds = (MonotonicNanos() - start) / 1e9;
  Observe(route.name, req.method, response.status, seconds);
  ENGRAM_LOG(kDebug, "api", "{} {} {} -> {} in {:.2f} ms", req.request_id, req.method, route.name, response.status,
             seconds * 1000);
  return response;
}

void ApiApp::RunStreaming(const Route& route, const HttpRequest& req, ResponseWriter& writer) {
  const int64_t start = MonotonicNanos();
  RecordingWriter recorded(writer);
  HttpResponse early;
  auto authorized = Authorize(route, req, &early);
  if (!authorized.ok()) {
    recorded.Send(early.status != 200 ? std::move(early) : ErrorResponse(authorized.status(), req.request_id));
  } else {
    Status st = [&]() -> Status {
      try {
        return route.stream(req, authorized.value(), recorded);
      } catch (const std::exception& e) {
        return Status::Internal(e.what());
      }
    }();
    if (!st.ok()) {
      if (st.code() == StatusCode::kInternal || recorded.status() != 0) {
        ENGRAM_LOG(kError, "api", "request {} {} {} failed: {}", req.request_id, req.method, route.name, st.ToString());
      }
      // Once a stream has begun, the writer aborts it when dropped without End.
      if (recorded.status() == 0) recorded.Send(ErrorResponse(st, req.request_id));
    }
  }
  // A handler that returned without answering gets the writer's 500.
  const int status = recorded.status() != 0 ? recorded.status() : 500;
  const double seconds = (MonotonicNanos() - start) / 1e9;
  Observe(route.name, req.method, status, seconds);
  ENGRAM_LOG(kDebug, "api", "{} {} {} -> {} in {:.2f} ms", req.request_id, req.method, route.name, status,
             seconds * 1000);
}

void ApiApp::Observe(const std::string& route, const std::string& method, int status, double seconds) {
  if (!s_.metrics) return;
  s_.metrics
      ->GetCounter("engram_http_requests_total", "HTTP requests by route, method and status",
                   {{"route", route}, {"method", method}, {"status", std::to_string(status)}})
      ->Add();
  s_.metrics->GetHistogram("engram_http_request_duration_seconds", "HTTP request latency by route and status",
                           {{"route", route}, {"status", std::to_string(status)}})
      ->Observe(seconds);
}

Result<std::string> ApiApp::AdminWorkspace(const domain::ApiKey& key, const std::string& requested) const {
  if (requested.empty() || requested == key.workspace) return key.workspace;
  if (key.workspace == options_.default_workspace) return requested;
  return Status::PermissionDenied("This key may only manage keys of workspace '" + key.workspace + "'");
}

}  // namespace engram::api
