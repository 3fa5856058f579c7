// /admin/keys: create, list and revoke API keys (admin scope).
#include "api/app.h"
#include "api/dto/keys_dto.h"
#include "api/errors.h"

namespace engram::api {

void ApiApp::AddAdminRoutes() {
  using domain::KeyScope;
  Add("POST", "/admin/keys", KeyScope::kAdmin,
      [this](const HttpRequest& req, const domain::ApiKey& key) -> Result<HttpResponse> {
        ENGRAM_ASSIGN_OR_RETURN(auto create, dto::ParseCreateKey(req.body));
        ENGRAM_ASSIGN_OR_RETURN(std::string workspace, AdminWorkspace(key, create.workspace));
        ENGRAM_ASSIGN_OR_RETURN(auto created,
                                s_.keys->Create(workspace, create.scope, create.name,
                                                create.test ? service::KeyService::kTestPrefix
                                                            : service::KeyService::kLivePrefix));
        return JsonResponse(dto::CreatedKeyJson(created), 201);
      });

  Add("GET", "/admin/keys", KeyScope::kAdmin,
      [this](const HttpRequest& req, const domain::ApiKey& key) -> Result<HttpResponse> {
        auto it = req.query.find("workspace");
        std::string requested = it == req.query.end() ? "" : it->second;
        // The default workspace's admins see every workspace's keys unless they ask for one.
        std::string workspace;
        if (requested.empty() && key.workspace == options_.default_workspace) {
          workspace = "";
        } else {
          ENGRAM_ASSIGN_OR_RETURN(workspace, AdminWorkspace(key, requested));
        }
        ENGRAM_ASSIGN_OR_RETURN(auto keys, s_.keys->List(workspace));
        return JsonResponse(dto::KeyListJson(keys));
      });

  Add("DELETE", "/admin/keys/{key_id}", KeyScope::kAdmin,
      [this](const HttpRequest& req, const domain::ApiKey& key) -> Result<HttpResponse> {
        const std::string scope_ws = key.workspace == options_.default_workspace ? "" : key.workspace;
        Status st = s_.keys->Revoke(scope_ws, req.path_params.at("key_id"));
        if (st.code() == StatusCode::kNotFound) return ErrorResponse(st, req.request_id, "NOT_FOUND");
        ENGRAM_RETURN_IF_ERROR(st);
        return JsonResponse(R"({"revoked":true})");
      });
}

}  // namespace engram::api
