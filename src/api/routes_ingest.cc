// POST /ingest.
#include "api/app.h"
#include "api/dto/ingest_dto.h"

namespace engram::api {

void ApiApp::AddIngestRoutes() {
  Add("POST", "/ingest", domain::KeyScope::kWrite,
      [this](const HttpRequest& req, const domain::ApiKey& key) -> Result<HttpResponse> {
        ENGRAM_ASSIGN_OR_RETURN(auto command, dto::ParseIngest(req.body, key.workspace, options_.ingest_limits));
        ENGRAM_ASSIGN_OR_RETURN(auto result, s_.ingest->Ingest(std::move(command)));
        HttpResponse r;
        r.body = dto::IngestResponseJson(result);
        return r;
      });
}

}  // namespace engram::api
