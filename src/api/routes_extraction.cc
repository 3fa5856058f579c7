// POST /profiles/{profile_id}/ingest (synchronous extraction, seed 003) and GET /status (where a
// user's records stand in background extraction).
#include "api/app.h"
#include "api/errors.h"
#include "api/dto/profile_ingest_dto.h"

namespace engram::api {

void ApiApp::AddExtractionRoutes() {
  using domain::KeyScope;
  Add("POST", "/profiles/{profile_id}/ingest", KeyScope::kWrite,
      [this](const HttpRequest& req, const domain::ApiKey& key) -> Result<HttpResponse> {
        if (s_.profile_ingest == nullptr) return Status::Unavailable("Profile ingest is not configured");
        ENGRAM_ASSIGN_OR_RETURN(auto command,
                                dto::ParseProfileIngest(req.body, key.workspace, req.path_params.at("profile_id")));
        ENGRAM_ASSIGN_OR_RETURN(auto result, s_.profile_ingest->Ingest(command));
        return JsonResponse(dto::ProfileIngestJson(result, command));
      });

  Add("GET", "/status", KeyScope::kRead,
      [this](const HttpRequest& req, const domain::ApiKey& key) -> Result<HttpResponse> {
        if (s_.status == nullptr) return Status::Unavailable("Status is not configured");
        ENGRAM_ASSIGN_OR_RETURN(auto q, dto::ParseStatusQuery(req.query));
        ENGRAM_ASSIGN_OR_RETURN(auto result, s_.status->ForUser(key.workspace, q.user_id, q.event_ids));
        return JsonResponse(dto::StatusJson(result));
      },
      Runs::kCompute);
}

}  // namespace engram::api
