// ApiApp: the one route table of engramd and the middleware every data route goes through.
//
// For each request: route match (404/405), then, on the bounded request pool (never on an I/O
// thread): API key from `x-api-key: K`, `Authorization: Bearer K` or `Authorization: x-api-key: K`;
// scope check (read < write < admin); per-key rate limit (429 + Retry-After); the handler; metrics
// by route and status. A full pool answers 503 + Retry-After instead of queueing without bound.
// Handlers call only services (src/service/) and DTOs (src/api/dto/).
// Thread-safe after construction.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/dto/ingest_dto.h"
#include "api/http/http_server.h"
#include "api/http/router.h"
#include "api/rate_limiter.h"
#include "common/metrics.h"
#include "common/thread_pool.h"
#include "service/chunks_service.h"
#include "service/profile_ingest_service.h"
#include "service/profile_service.h"
#include "service/query_service.h"
#include "service/event_ingest_service.h"
#include "service/ingest_service.h"
#include "service/key_service.h"
#include "service/proxy_service.h"
#include "service/status_service.h"
#include "service/user_service.h"

namespace engram::service {
class OrgService;
}  // namespace engram::service

namespace engram::api {

struct ApiOptions {
  dto::IngestLimits ingest_limits;
  int rate_limit_test = 60;     // requests/min for sk_test_ keys; 0 = unlimited
  int rate_limit_live = 600;    // requests/min for sk_live_ keys; 0 = unlimited
  int rate_limit_other = 0;     // requests/min for keys of any other form; 0 = unlimited
  size_t request_threads = 16;  // writes: handlers block on durable commits, so more threads than cores
  size_t compute_threads = 0;   // reads (CPU-bound ranking): 0 = one per core
  size_t request_queue = 4096;  // pending requests per pool beyond which the server answers 503
  std::string default_workspace = "default";  // its admin keys may manage every workspace's keys
  size_t stream_threads = 8;    // streaming handlers (LLM proxy): each holds a thread while the upstream talks
  size_t stream_queue = 64;     // pending streaming requests beyond which the server answers 503
};

// Non-owning; all outlive the app.
struct ApiServices {
  service::KeyService* keys = nullptr;
  service::UserService* users = nullptr;
  service::IngestService* ingest = nullptr;
  service::EventIngestService* events = nullptr;  // seed-004 dialect of /ingest
  service::ChunksService* chunks = nullptr;
  service::ProfileService* profile = nullptr;
  service::QueryService* query = nullptr;
  service::ProxyService* proxy = nullptr;  // null: /v1/chat/completions answers 503
  service::ProfileIngestService* profile_ingest = nullptr;  // null: /profiles/{id}/ingest answers 503
  service::StatusService* status = nullptr;                 // null: /status answers 503
  service::OrgService* org = nullptr;                       // null: /admin/{roles,teams,org} answer 503
  store::Store* store = nullptr;   // for /readyz only
  Metrics* metrics = nullptr;
  const Clock* clock = nullptr;
};

class ApiApp {
 public:
  ApiApp(ApiServices services, ApiOptions options);
  ~ApiApp();

  // The entry point handed to HttpServer.
  HttpHandler Handler();
  // /readyz turns 503 from now on (called when SIGTERM arrives, before the listener stops).
  void BeginShutdown() { shutting_down_.store(true); }
  // Runs what is queued and joins the request pool.
  void Shutdown();

  // A handler that answers synchronously on a request-pool thread. `key` is the authenticated key
  // (empty id on public routes).
  using SyncHandler = std::function<Result<HttpResponse>(const HttpRequest& req, const domain::ApiKey& key)>;

  // A handler that answers through the writer itself (BeginStream/Write/End, or Send), on a thread of
  // the streaming pool, where Write may block for backpressure. An error returned before anything was
  // answered becomes the usual error response; after that, the writer's own rules apply.
  using StreamHandler = std::function<Status(const HttpRequest& req, const domain::ApiKey& key, ResponseWriter& writer)>;

  // Extracts the API key secret from the request headers; empty when none is present.
  static std::string ExtractApiKey(const HttpRequest& req);

 private:
  // Where a handler runs. CPU-bound reads get a pool sized to the cores, so a burst of searches
  // queues instead of time-slicing (which would inflate every search's latency); handlers that block
  // on durable writes get a larger pool, since they mostly wait for the group commit.
  // Streaming handlers get their own bounded pool, so a slow upstream never starves other routes.
  enum class Runs { kIoThread, kCompute, kBlocking, kStreaming };

  struct Route {
    std::string name;                       // metrics label, e.g. "/users/{user_id}"
    std::optional<domain::KeyScope> scope;  // nullopt: public
    Runs runs = Runs::kBlocking;
    SyncHandler handler;
    StreamHandler stream;  // set instead of handler for streaming routes
  };

  void Add(std::string method, std::string pattern, std::optional<domain::KeyScope> scope, SyncHandler h,
           Runs runs = Runs::kBlocking);
  // Same auth, rate limit and metrics as Add; runs on the streaming pool.
  void AddStreaming(std::string method, std::string pattern, domain::KeyScope scope, StreamHandler h);
  void AddSystemRoutes();
  void AddUserRoutes();
  void AddIngestRoutes();
  void AddAdminRoutes();
  void AddRetrievalRoutes();
  void AddProfileRoutes();
  void AddProxyRoutes();
  void AddExtractionRoutes();
  void AddOrgRoutes();

  void Dispatch(HttpRequest&& req, std::shared_ptr<ResponseWriter> writer);
  HttpResponse Run(const Route& route, const HttpRequest& req);
  void RunStreaming(const Route& route, const HttpRequest& req, ResponseWriter& writer);
  Result<domain::ApiKey> Authorize(const Route& route, const HttpRequest& req, HttpResponse* early);
  int RateLimitFor(const domain::ApiKey& key) const;
  void Observe(const std::string& route, const std::string& method, int status, double seconds);
  // 503 + Retry-After when a handler pool is full.
  void SendBusy(const Route& route, const HttpRequest& req, ResponseWriter& writer);
  // The workspace an admin request acts on; PermissionDenied when the key may not.
  Result<std::string> AdminWorkspace(const domain::ApiKey& key, const std::string& requested) const;

  ApiServices s_;
  ApiOptions options_;
  Router router_;
  std::vector<std::unique_ptr<Route>> routes_;
  RateLimiter limiter_;
  ThreadPool pool_;          // blocking handlers (writes)
  ThreadPool compute_pool_;  // CPU-bound handlers (reads)
  ThreadPool stream_pool_;   // streaming handlers
  std::atomic<bool> shutting_down_{false};
};

}  // namespace engram::api
