// POST /chunks (both dialects).
#include "api/app.h"
#include "api/errors.h"
#include "api/dto/chunks_dto.h"

namespace engram::api {

void ApiApp::AddRetrievalRoutes() {
  Add("POST", "/chunks", domain::KeyScope::kRead,
      [this](const HttpRequest& req, const domain::ApiKey& key) -> Result<HttpResponse> {
        ENGRAM_ASSIGN_OR_RETURN(auto parsed, dto::ParseChunks(req.body, key.workspace));
        ENGRAM_ASSIGN_OR_RETURN(auto result, s_.chunks->Search(parsed.request));
        return JsonResponse(dto::ChunksResponseJson(result, parsed.dialect));
      },
      Runs::kCompute);
}

}  // namespace engram::api
