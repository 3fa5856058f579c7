// POST /ingest, in both dialects: the body is parsed once and its shape picks the dialect; each
// dialect answers in its own response shape.
#include "api/app.h"
#include "api/errors.h"
#include "api/dto/events_dto.h"
#include "api/dto/ingest_dto.h"
#include "api/dto/json_fields.h"

namespace engram::api {

void ApiApp::AddIngestRoutes() {
  Add("POST", "/ingest", domain::KeyScope::kWrite,
      [this](const HttpRequest& req, const domain::ApiKey& key) -> Result<HttpResponse> {
        // Backpressure before any parsing: with the extraction backlog over its bound, the client retries
        // later instead of the backlog growing without limit.
        if (Status admit = s_.ingest->Admit(); !admit.ok()) {
          HttpResponse busy = ErrorResponse(admit, req.request_id);
          busy.headers.emplace_back("Retry-After", "5");
          return busy;
        }
        ENGRAM_ASSIGN_OR_RETURN(dto::Json body, dto::ParseBody(req.body));
        HttpResponse r;
        if (s_.events && dto::IsEventsBody(body)) {
          dto::EventsLimits limits;
          limits.max_events = options_.ingest_limits.max_events;
          ENGRAM_ASSIGN_OR_RETURN(auto command, dto::ParseEvents(body, key.workspace, limits));
          ENGRAM_ASSIGN_OR_RETURN(auto result, s_.events->Ingest(std::move(command)));
          r.body = dto::EventsResponseJson(result);
          return r;
        }
        ENGRAM_ASSIGN_OR_RETURN(auto command, dto::ParseIngest(body, key.workspace, options_.ingest_limits));
        ENGRAM_ASSIGN_OR_RETURN(auto result, s_.ingest->Ingest(std::move(command)));
        r.body = dto::IngestResponseJson(result);
        return r;
      });
}

}  // namespace engram::api
