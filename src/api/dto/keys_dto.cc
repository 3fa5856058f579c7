#include "api/dto/keys_dto.h"

#include "api/dto/json_fields.h"

namespace engram::api::dto {

namespace {
Json KeyJson(const domain::ApiKey& k) {
  Json j;
  j["id"] = k.id;
  j["workspace"] = k.workspace;
  j["scope"] = domain::KeyScopeName(k.scope);
  j["prefix"] = k.prefix;
  j["name"] = k.name;
  j["created_at"] = FormatIso8601(k.created_at);
  j["revoked_at"] = k.revoked_at ? Json(FormatIso8601(*k.revoked_at)) : Json(nullptr);
  return j;
}
}  // namespace

Result<CreateKeyRequest> ParseCreateKey(std::string_view body) {
  ENGRAM_ASSIGN_OR_RETURN(Json j, ParseObject(body));
  CreateKeyRequest r;
  ENGRAM_ASSIGN_OR_RETURN(auto ws, OptionalString(j, "workspace", ""));
  r.workspace = ws.value_or("");
  ENGRAM_ASSIGN_OR_RETURN(std::string scope, RequiredString(j, "scope", ""));
  auto parsed = domain::ParseKeyScope(scope);
  if (!parsed) return Status::InvalidArgument("Invalid field: scope (expected read, write or admin)");
  r.scope = *parsed;
  ENGRAM_ASSIGN_OR_RETURN(auto name, OptionalString(j, "name", ""));
  r.name = name.value_or("");
  ENGRAM_ASSIGN_OR_RETURN(auto test, OptionalBool(j, "test", ""));
  r.test = test.value_or(false);
  return r;
}

std::string CreatedKeyJson(const service::CreatedKey& created) {
  Json j = KeyJson(created.key);
  j["key"] = created.secret;
  return Dump(j);
}

std::string KeyListJson(const std::vector<domain::ApiKey>& keys) {
  Json arr = Json::array();
  for (const auto& k : keys) arr.push_back(KeyJson(k));
  Json j;
  j["keys"] = arr;
  return Dump(j);
}

}  // namespace engram::api::dto
