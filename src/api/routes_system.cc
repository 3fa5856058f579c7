// GET /healthz, /readyz, /metrics.
#include "api/app.h"
#include "api/errors.h"

namespace engram::api {

void ApiApp::AddSystemRoutes() {
  Add("GET", "/healthz", std::nullopt,
      [](const HttpRequest&, const domain::ApiKey&) -> Result<HttpResponse> {
        return JsonResponse(R"({"status":"ok"})");
      },
      Runs::kIoThread);

  Add("GET", "/readyz", std::nullopt, [this](const HttpRequest&, const domain::ApiKey&) -> Result<HttpResponse> {
    HttpResponse r;
    if (shutting_down_.load()) {
      r.status = 503;
      r.body = ErrorJson("SERVICE_UNAVAILABLE", "Shutting down");
      return r;
    }
    Status st = s_.store->Ping();
    if (!st.ok()) {
      r.status = 503;
      r.body = ErrorJson("SERVICE_UNAVAILABLE", "Store not ready");
      return r;
    }
    r.body = R"({"status":"ready"})";
    return r;
  });

  Add("GET", "/metrics", std::nullopt, [this](const HttpRequest&, const domain::ApiKey&) -> Result<HttpResponse> {
    HttpResponse r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    if (s_.metrics) {
      s_.metrics->GetGauge("engram_request_queue_depth", "Requests waiting for a request thread")
          ->Set(static_cast<double>(pool_.QueueDepth() + compute_pool_.QueueDepth()));
      r.body = s_.metrics->RenderPrometheus();
    }
    return r;
  });
}

}  // namespace engram::api
