#include "api/app.h"

#include <algorithm>
#include <thread>

#include "api/errors.h"
#include "common/log.h"

namespace engram::api {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i]))) return false;
  }
  return true;
}

}  // namespace

ApiApp::ApiApp(ApiServices services, ApiOptions options)
    : s_(services), options_(options), limiter_(services.clock),
      pool_(options.request_threads, options.request_queue),
      compute_pool_(options.compute_threads ? options.compute_threads
                                            : std::max(1u, std::thread::hardware_concurrency()),
                    options.request_queue) {
  AddSystemRoutes();
  AddUserRoutes();
  AddIngestRoutes();
  AddAdminRoutes();
  AddRetrievalRoutes();
  AddProfileRoutes();
}

ApiApp::~ApiApp() { Shutdown(); }

void ApiApp::Shutdown() {
  pool_.Shutdown();
  compute_pool_.Shutdown();
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
                  HttpResponse busy = ErrorResponse(Status::Unavailable("Server busy; retry shortly"), shared_req->request_id);
                  busy.headers.emplace_back("Retry-After", "1");
                  Observe(r->name, shared_req->method, busy.status, 0);
                  writer->Send(std::move(busy));
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
    r.body = ErrorBody(not_allowed ? "METHOD_NOT_ALLOWED" : "NOT_FOUND",
                       std::string(not_allowed ? "Method not allowed: " : "No such route: ") + req.method + " " + req.path);
    Observe(not_allowed ? match->name : "unmatched", req.method, r.status, 0);
    writer->Send(std::move(r));
    return;
  }
  req.path_params = std::move(match->params);
  (*match->handler)(std::move(req), std::move(writer));
}

std::string ApiApp::ExtractApiKey(const HttpRequest& req) {
  if (const std::string* k = req.Header("x-api-key")) return std::string(Trim(*k));
  if (const std::string* auth = req.Header("authorization")) {
    std::string_view v = Trim(*auth);
    if (StartsWithNoCase(v, "bearer ")) return std::string(Trim(v.substr(7)));
    if (StartsWithNoCase(v, "x-api-key:")) return std::string(Trim(v.substr(10)));
    if (StartsWithNoCase(v, "x-api-key ")) return std::string(Trim(v.substr(10)));
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
