// POST /register, GET /users/{user_id}, POST /users/delete, DELETE /users/{user_id}.
#include "api/app.h"
#include "api/dto/users_dto.h"

namespace engram::api {

namespace {
HttpResponse Json(std::string body, int status = 200) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}
}  // namespace

void ApiApp::AddUserRoutes() {
  using domain::KeyScope;
  Add("POST", "/register", KeyScope::kWrite,
      [this](const HttpRequest& req, const domain::ApiKey& key) -> Result<HttpResponse> {
        ENGRAM_ASSIGN_OR_RETURN(auto spec, dto::ParseRegister(req.body, key.workspace));
        ENGRAM_ASSIGN_OR_RETURN(auto result, s_.users->Register(spec));
        return Json(dto::RegisterResponseJson(result));
      });

  Add("GET", "/users/{user_id}", KeyScope::kRead,
      [this](const HttpRequest& req, const domain::ApiKey& key) -> Result<HttpResponse> {
        ENGRAM_ASSIGN_OR_RETURN(auto view, s_.users->Get(key.workspace, req.path_params.at("user_id")));
        return Json(dto::UserJson(view));
      });

  Add("POST", "/users/delete", KeyScope::kWrite,
      [this](const HttpRequest& req, const domain::ApiKey& key) -> Result<HttpResponse> {
        ENGRAM_ASSIGN_OR_RETURN(std::string user_id, dto::ParseUserIdBody(req.body));
        ENGRAM_RETURN_IF_ERROR(s_.users->Delete(key.workspace, user_id));
        return Json(dto::DeletedJson(user_id));
      });

  Add("DELETE", "/users/{user_id}", KeyScope::kWrite,
      [this](const HttpRequest& req, const domain::ApiKey& key) -> Result<HttpResponse> {
        const std::string& user_id = req.path_params.at("user_id");
        ENGRAM_RETURN_IF_ERROR(s_.users->Delete(key.workspace, user_id));
        return Json(dto::DeletedJson(user_id));
      });
}

}  // namespace engram::api
