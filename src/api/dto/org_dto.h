// /admin/roles, /admin/teams, /admin/org: request parsing and response rendering. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "service/org_service.h"

namespace engram::api::dto {

// {name?, promotion_prompt?, members?: [actor ids]}; null counts as absent.
Result<service::GroupUpdate> ParseGroupUpdate(std::string_view body);
// {actor_ids: [..]} (non-empty).
Result<std::vector<std::string>> ParseMembers(std::string_view body);

std::string GroupViewJson(const service::GroupView& view);
// {"roles": [...]} or {"teams": [...]}.
std::string GroupListJson(domain::ScopeKind kind, const std::vector<domain::OrgGroup>& groups);

}  // namespace engram::api::dto
