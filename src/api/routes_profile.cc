// GET /users/{user_id}/memories, GET /summary, POST /query.
#include "api/app.h"
#include "api/errors.h"
#include "api/dto/profile_dto.h"

namespace engram::api {

void ApiApp::AddProfileRoutes() {
  using domain::KeyScope;
  Add("GET", "/users/{user_id}/memories", KeyScope::kRead,
      [this](const HttpRequest& req, const domain::ApiKey& key) -> Result<HttpResponse> {
        auto it = req.query.find("history");
        const bool history = it != req.query.end() && (it->second == "true" || it->second == "1");
        ENGRAM_ASSIGN_OR_RETURN(auto view, s_.profile->Memories(key.workspace, req.path_params.at("user_id"), history));
        ENGRAM_ASSIGN_OR_RETURN(auto traits, s_.profile->Traits(view.user));
        return JsonResponse(dto::MemoriesJson(view, traits));
      },
      Runs::kCompute);

  Add("GET", "/summary", KeyScope::kRead,
      [this](const HttpRequest& req, const domain::ApiKey& key) -> Result<HttpResponse> {
        ENGRAM_ASSIGN_OR_RETURN(auto q, dto::ParseSummaryQuery(req.query));
        ENGRAM_ASSIGN_OR_RETURN(auto result, s_.profile->Summary(key.workspace, q.user_id, q.max_chars, q.purpose));
        return JsonResponse(dto::SummaryJson(result));
      },
      Runs::kCompute);

  // Uncached answers are stored as Stage 3 items (a durable write): the blocking pool.
  Add("POST", "/query", KeyScope::kRead,
      [this](const HttpRequest& req, const domain::ApiKey& key) -> Result<HttpResponse> {
        ENGRAM_ASSIGN_OR_RETURN(auto q, dto::ParseQuery(req.body));
        ENGRAM_ASSIGN_OR_RETURN(auto result, s_.query->Query(key.workspace, q.user_id, q.question, q.use_cache));
        return JsonResponse(dto::QueryJson(result));
      });
}

}  // namespace engram::api
