// POST /register, GET /users/{user_id}, POST /users/delete, DELETE /users/{user_id}.
#include "api/app.h"
#include "api/dto/users_dto.h"
#include "api/errors.h"

namespace engram::api {

void ApiApp::AddUserRoutes() {
  using domain::KeyScope;
  Add("POST", "/register", KeyScope::kWrite,
      [this](const HttpRequest& req, const domain::ApiKey& key) -> Result<HttpResponse> {
        ENGRAM_ASSIGN_OR_RETURN(auto spec, dto::ParseRegister(req.body, key.workspace));
        ENGRAM_ASSIGN_OR_RETURN(auto result, s_.users->Register(spec));
        return JsonResponse(dto::RegisterResponseJson(result));
      });

  Add("GET", "/users/{user_id}", KeyScope::kRead,
      [this](const HttpRequest& req, const domain::ApiKey& key) -> Result<HttpResponse> {
        ENGRAM_ASSIGN_OR_RETURN(auto view, s_.users->Get(key.workspace, req.path_params.at("user_id")));
        return JsonResponse(dto::UserJson(view));
      });

  Add("POST", "/users/delete", KeyScope::kWrite,
      [this](const HttpRequest& req, const domain::ApiKey& key) -> Result<HttpResponse> {
        ENGRAM_ASSIGN_OR_RETURN(std::string user_id, dto::ParseUserIdBody(req.body));
        ENGRAM_RETURN_IF_ERROR(s_.users->Delete(key.workspace, user_id));
        return JsonResponse(dto::DeletedJson(user_id));
      });

  Add("DELETE", "/users/{user_id}", KeyScope::kWrite,
      [this](const HttpRequest& req, const domain::ApiKey& key) -> Result<HttpResponse> {
        const std::string& user_id = req.path_params.at("user_id");
        ENGRAM_RETURN_IF_ERROR(s_.users->Delete(key.workspace, user_id));
        return JsonResponse(dto::DeletedJson(user_id));
      });
}

}  // namespace engram::api
