#include "api/dto/org_dto.h"

#include "api/dto/json_fields.h"

namespace engram::api::dto {

namespace {

Json GroupJson(const domain::OrgGroup& g) {
  Json j = {{"id", g.id},
            {"kind", domain::ScopeKindName(g.kind)},
            {"name", g.name},
            {"promotion_prompt", g.promotion_prompt},
            {"defined", g.defined}};
  j["created_at"] = g.defined ? Json(FormatIso8601(g.created_at)) : Json(nullptr);
  j["updated_at"] = g.defined ? Json(FormatIso8601(g.updated_at)) : Json(nullptr);
  return j;
}

Json ScopedMemoryJson(const domain::ScopedMemory& m) {
  Json metadata = Json::parse(m.source_metadata_json.empty() ? "[]" : m.source_metadata_json, nullptr, false);
  Json j = {{"id", m.id},
            {"text", m.text},
            {"category", m.category},
            {"confidence", m.confidence},
            {"scope", domain::ScopeKindName(m.scope)},
            {"scope_id", m.scope_id},
            {"reason", m.reason},
            {"actor_ids", m.actor_ids},
            {"source_ids", m.source_ids},
            {"metadata", {{"source_metadata", metadata.is_array() ? metadata : Json::array()}}},
            {"created_at", FormatIso8601(m.created_at)},
            {"updated_at", FormatIso8601(m.updated_at)}};
  if (m.scope == domain::ScopeKind::kOrg) j["groups"] = m.groups;
  return j;
}

}  // namespace

Result<service::GroupUpdate> ParseGroupUpdate(std::string_view body) {
  service::GroupUpdate u;
  if (IsBlank(body)) return u;  // an empty PUT defines the group with no prompt
  ENGRAM_ASSIGN_OR_RETURN(Json j, ParseObject(body));
  ENGRAM_ASSIGN_OR_RETURN(u.name, OptionalString(j, "name", ""));
  ENGRAM_ASSIGN_OR_RETURN(u.promotion_prompt, OptionalString(j, "promotion_prompt", ""));
  ENGRAM_ASSIGN_OR_RETURN(u.members, OptionalStringArray(j, "members", ""));
  return u;
}

Result<std::vector<std::string>> ParseMembers(std::string_view body) {
  ENGRAM_ASSIGN_OR_RETURN(Json j, ParseObject(body));
  if (!j.contains("actor_ids")) return Status::InvalidArgument("Missing field: actor_ids");
  ENGRAM_ASSIGN_OR_RETURN(auto ids, OptionalStringArray(j, "actor_ids", ""));
  if (!ids || ids->empty()) {
    return Status::InvalidArgument("Invalid field: actor_ids (expected at least one actor id)");
  }
  return std::move(*ids);
}

std::string GroupViewJson(const service::GroupView& view) {
  Json j = GroupJson(view.group);
  if (view.group.kind != domain::ScopeKind::kOrg) {
    Json members = Json::array();
    for (const auto& m : view.members) {
      members.push_back({{"actor_id", m.actor_id}, {"via", m.via == domain::MembershipVia::kAdmin ? "admin" : "event"}});
    }
    j["members"] = members;
  }
  Json memories = Json::array();
  for (const auto& m : view.memories) memories.push_back(ScopedMemoryJson(m));
  j["memories"] = memories;
  return Dump(j);
}

std::string GroupListJson(domain::ScopeKind kind, const std::vector<domain::OrgGroup>& groups) {
  Json list = Json::array();
  for (const auto& g : groups) list.push_back(GroupJson(g));
  return Dump(Json{{kind == domain::ScopeKind::kRole ? "roles" : "teams", list}});
}

}  // namespace engram::api::dto
