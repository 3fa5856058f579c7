// /admin/roles, /admin/teams, /admin/org: the organization of seed 004 (admin scope).
//   PUT    /admin/{roles|teams}/{id}                  define or update {name, promotion_prompt, members}
//   GET    /admin/{roles|teams}                       list (defined ones and those events named)
//   GET    /admin/{roles|teams}/{id}                  definition, members, promoted memories
//   DELETE /admin/{roles|teams}/{id}
//   POST   /admin/{roles|teams}/{id}/members          {actor_ids: [...]}
//   DELETE /admin/{roles|teams}/{id}/members/{actor_id}
//   PUT    /admin/org, GET /admin/org                 the org's name and promotion prompt; its memories
// Every route takes ?workspace= like /admin/keys (default: the key's workspace).
#include "api/app.h"
#include "api/dto/org_dto.h"
#include "api/errors.h"
#include "service/org_service.h"

namespace engram::api {

namespace {

std::string QueryParam(const HttpRequest& req, const std::string& name) {
  auto it = req.query.find(name);
  return it == req.query.end() ? "" : it->second;
}

}  // namespace

void ApiApp::AddOrgRoutes() {
  using domain::KeyScope;
  using domain::ScopeKind;
  // Runs `f(workspace)` for an admin request, or answers 503 when the organization is not served.
  auto admin = [this](const HttpRequest& req, const domain::ApiKey& key,
                      const std::function<Result<HttpResponse>(const std::string&)>& f) -> Result<HttpResponse> {
    if (s_.org == nullptr) return Status::Unavailable("the organization API is not enabled");
    ENGRAM_ASSIGN_OR_RETURN(std::string workspace, AdminWorkspace(key, QueryParam(req, "workspace")));
    Result<HttpResponse> r = f(workspace);
    if (!r.ok() && r.status().code() == StatusCode::kNotFound) {
      return ErrorResponse(r.status(), req.request_id, "NOT_FOUND");
    }
    return r;
  };

  for (ScopeKind kind : {ScopeKind::kRole, ScopeKind::kTeam}) {
    const std::string base = kind == ScopeKind::kRole ? "/admin/roles" : "/admin/teams";
    Add("PUT", base + "/{id}", KeyScope::kAdmin,
        [this, admin, kind](const HttpRequest& req, const domain::ApiKey& key) -> Result<HttpResponse> {
          return admin(req, key, [&](const std::string& ws) -> Result<HttpResponse> {
            ENGRAM_ASSIGN_OR_RETURN(auto update, dto::ParseGroupUpdate(req.body));
            ENGRAM_ASSIGN_OR_RETURN(auto view, s_.org->Put(ws, kind, req.path_params.at("id"), update));
            return JsonResponse(dto::GroupViewJson(view));
          });
        });
    Add("GET", base, KeyScope::kAdmin,
        [this, admin, kind](const HttpRequest& req, const domain::ApiKey& key) -> Result<HttpResponse> {
          return admin(req, key, [&](const std::string& ws) -> Result<HttpResponse> {
            ENGRAM_ASSIGN_OR_RETURN(auto groups, s_.org->List(ws, kind));
            return JsonResponse(dto::GroupListJson(kind, groups));
          });
        });
    Add("GET", base + "/{id}", KeyScope::kAdmin,
        [this, admin, kind](const HttpRequest& req, const domain::ApiKey& key) -> Result<HttpResponse> {
          return admin(req, key, [&](const std::string& ws) -> Result<HttpResponse> {
            ENGRAM_ASSIGN_OR_RETURN(auto view, s_.org->Get(ws, kind, req.path_params.at("id")));
            return JsonResponse(dto::GroupViewJson(view));
          });
        });
    Add("DELETE", base + "/{id}", KeyScope::kAdmin,
        [this, admin, kind](const HttpRequest& req, const domain::ApiKey& key) -> Result<HttpResponse> {
          return admin(req, key, [&](const std::string& ws) -> Result<HttpResponse> {
            ENGRAM_ASSIGN_OR_RETURN(bool deleted, s_.org->Delete(ws, kind, req.path_params.at("id")));
            if (!deleted) return Status::NotFound(std::string(domain::ScopeKindName(kind)) + " not found");
            return JsonResponse(R"({"deleted":true})");
          });
        });
    Add("POST", base + "/{id}/members", KeyScope::kAdmin,
        [this, admin, kind](const HttpRequest& req, const domain::ApiKey& key) -> Result<HttpResponse> {
          return admin(req, key, [&](const std::string& ws) -> Result<HttpResponse> {
            ENGRAM_ASSIGN_OR_RETURN(auto actors, dto::ParseMembers(req.body));
            const std::string& id = req.path_params.at("id");
            ENGRAM_RETURN_IF_ERROR(s_.org->AddMembers(ws, kind, id, actors));
            ENGRAM_ASSIGN_OR_RETURN(auto view, s_.org->Get(ws, kind, id));
            return JsonResponse(dto::GroupViewJson(view));
          });
        });
    Add("DELETE", base + "/{id}/members/{actor_id}", KeyScope::kAdmin,
        [this, admin, kind](const HttpRequest& req, const domain::ApiKey& key) -> Result<HttpResponse> {
          return admin(req, key, [&](const std::string& ws) -> Result<HttpResponse> {
            ENGRAM_ASSIGN_OR_RETURN(bool removed, s_.org->RemoveMember(ws, kind, req.path_params.at("id"),
                                                                       req.path_params.at("actor_id")));
            if (!removed) return Status::NotFound("not a member: " + req.path_params.at("actor_id"));
            return JsonResponse(R"({"removed":true})");
          });
        });
  }

  const std::string org_id(domain::kOrgGroupId);
  Add("PUT", "/admin/org", KeyScope::kAdmin,
      [this, admin, org_id](const HttpRequest& req, const domain::ApiKey& key) -> Result<HttpResponse> {
        return admin(req, key, [&](const std::string& ws) -> Result<HttpResponse> {
          ENGRAM_ASSIGN_OR_RETURN(auto update, dto::ParseGroupUpdate(req.body));
          ENGRAM_ASSIGN_OR_RETURN(auto view, s_.org->Put(ws, ScopeKind::kOrg, org_id, update));
          return JsonResponse(dto::GroupViewJson(view));
        });
      });
  Add("GET", "/admin/org", KeyScope::kAdmin,
      [this, admin, org_id](const HttpRequest& req, const domain::ApiKey& key) -> Result<HttpResponse> {
        return admin(req, key, [&](const std::string& ws) -> Result<HttpResponse> {
          ENGRAM_ASSIGN_OR_RETURN(auto view, s_.org->Get(ws, ScopeKind::kOrg, org_id));
          return JsonResponse(dto::GroupViewJson(view));
        });
      });
}

}  // namespace engram::api
