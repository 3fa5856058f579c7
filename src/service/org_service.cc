#include "service/org_service.h"

#include <algorithm>

#include "common/strings.h"

namespace engram::service {

using domain::ScopeKind;

namespace {

Status CheckId(std::string_view what, const std::string& id) {
  if (TrimAsciiSpace(id).empty()) {
    return Status::InvalidArgument(std::string(what) + " must not be empty");
  }
  if (id.size() > kMaxGroupIdChars) {
    return Status::InvalidArgument(std::string(what) + " is longer than " + std::to_string(kMaxGroupIdChars) +
                                   " characters");
  }
  return Status::Ok();
}

Status CheckGroup(ScopeKind kind, const std::string& id) {
  if (kind == ScopeKind::kActor) return Status::InvalidArgument("not a group scope");
  if (kind == ScopeKind::kOrg && id != domain::kOrgGroupId) return Status::NotFound("the org's id is \"org\"");
  return CheckId(kind == ScopeKind::kRole ? "role id" : "team id", id);
}

Status CheckMembers(ScopeKind kind, const std::vector<std::string>& actor_ids) {
  if (kind == ScopeKind::kOrg) return Status::InvalidArgument("every actor belongs to the org; it has no member list");
  if (actor_ids.size() > kMaxMembersPerRequest) {
    return Status::InvalidArgument("at most " + std::to_string(kMaxMembersPerRequest) + " members per request");
  }
  for (const auto& a : actor_ids) ENGRAM_RETURN_IF_ERROR(CheckId("actor id", a));
  return Status::Ok();
}

}  // namespace

void OrgService::Changed(const std::string& workspace, ScopeKind kind, const std::string& id) {
  if (promotion_ == nullptr) return;
  promotion_->GroupChanged(workspace, kind, id);
  // What the org holds depends on every role and team.
  if (kind != ScopeKind::kOrg) promotion_->GroupChanged(workspace, ScopeKind::kOrg, std::string(domain::kOrgGroupId));
}

void OrgService::DropIndexes(const std::string& workspace, const std::vector<std::string>& actor_ids) {
  if (cache_ == nullptr) return;
  for (const auto& actor : actor_ids) {
    auto user = ctx_.store->GetUser(workspace, actor);
    if (user.ok() && user->has_value()) cache_->Drop(workspace, (*user)->uid);
  }
}

Result<GroupView> OrgService::Put(const std::string& workspace, ScopeKind kind, const std::string& id,
                                  const GroupUpdate& update) {
  ENGRAM_RETURN_IF_ERROR(CheckGroup(kind, id));
  if (update.name && update.name->size() > kMaxGroupNameChars) {
    return Status::InvalidArgument("name is longer than " + std::to_string(kMaxGroupNameChars) + " characters");
  }
  if (update.promotion_prompt && update.promotion_prompt->size() > kMaxPromotionPromptChars) {
    return Status::InvalidArgument("promotion_prompt is longer than " + std::to_string(kMaxPromotionPromptChars) +
                                   " characters");
  }
  if (update.members) ENGRAM_RETURN_IF_ERROR(CheckMembers(kind, *update.members));

  ENGRAM_ASSIGN_OR_RETURN(auto existing, ctx_.store->GetGroup(workspace, kind, id));
  domain::OrgGroup g;
  if (existing) g = *existing;
  g.kind = kind;
  g.id = id;
  if (update.name) g.name = *update.name;
  if (update.promotion_prompt) g.promotion_prompt = *update.promotion_prompt;
  if (update.members) {
    // The definition and the member list change together or not at all.
    ENGRAM_ASSIGN_OR_RETURN(auto removed, ctx_.store->PutGroupAndMembers(workspace, g, *update.members));
    // Members who left stop seeing the group's memories, new ones start, from their next search on.
    DropIndexes(workspace, removed);
    DropIndexes(workspace, *update.members);
  } else {
    ENGRAM_RETURN_IF_ERROR(ctx_.store->PutGroup(workspace, g));
  }
  Changed(workspace, kind, id);
  return Get(workspace, kind, id);
}

Result<GroupView> OrgService::Get(const std::string& workspace, ScopeKind kind, const std::string& id) {
  ENGRAM_RETURN_IF_ERROR(CheckGroup(kind, id));
  ENGRAM_ASSIGN_OR_RETURN(auto group, ctx_.store->GetGroup(workspace, kind, id));
  GroupView view;
  if (group) {
    view.group = *group;
  } else if (kind == ScopeKind::kOrg) {
    view.group.kind = kind;  // the org always exists, defined or not
    view.group.id = id;
  } else {
    return Status::NotFound(std::string(domain::ScopeKindName(kind)) + " not found: " + id);
  }
  if (kind != ScopeKind::kOrg) {
    ENGRAM_ASSIGN_OR_RETURN(view.members, ctx_.store->ListGroupMembers(workspace, kind, id));
  }
  ENGRAM_ASSIGN_OR_RETURN(view.memories, ctx_.store->ListScopedMemories(workspace, {{kind, id}}));
  return view;
}

Result<std::vector<domain::OrgGroup>> OrgService::List(const std::string& workspace, ScopeKind kind) {
  ENGRAM_ASSIGN_OR_RETURN(auto all, ctx_.store->ListGroups(workspace));
  std::vector<domain::OrgGroup> out;
  for (auto& g : all) {
    if (g.kind == kind) out.push_back(std::move(g));
  }
  return out;
}

Result<bool> OrgService::Delete(const std::string& workspace, ScopeKind kind, const std::string& id) {
  ENGRAM_RETURN_IF_ERROR(CheckGroup(kind, id));
  std::vector<std::string> members;
  if (kind != ScopeKind::kOrg) {
    ENGRAM_ASSIGN_OR_RETURN(auto listed, ctx_.store->ListGroupMembers(workspace, kind, id));
    for (const auto& m : listed) members.push_back(m.actor_id);
  }
  ENGRAM_ASSIGN_OR_RETURN(bool deleted, ctx_.store->DeleteGroup(workspace, kind, id));
  if (kind == ScopeKind::kOrg && cache_ != nullptr) cache_->DropWorkspace(workspace);
  DropIndexes(workspace, members);
  Changed(workspace, kind, id);
  return deleted;
}

Status OrgService::AddMembers(const std::string& workspace, ScopeKind kind, const std::string& id,
                              const std::vector<std::string>& actor_ids) {
  ENGRAM_RETURN_IF_ERROR(CheckGroup(kind, id));
  ENGRAM_RETURN_IF_ERROR(CheckMembers(kind, actor_ids));
  ENGRAM_RETURN_IF_ERROR(ctx_.store->AddGroupMembers(workspace, kind, id, actor_ids));
  // New members see the group's memories from their next search on.
  DropIndexes(workspace, actor_ids);
  Changed(workspace, kind, id);
  return Status::Ok();
}

Result<bool> OrgService::RemoveMember(const std::string& workspace, ScopeKind kind, const std::string& id,
                                      const std::string& actor_id) {
  ENGRAM_RETURN_IF_ERROR(CheckGroup(kind, id));
  ENGRAM_RETURN_IF_ERROR(CheckMembers(kind, {actor_id}));
  ENGRAM_ASSIGN_OR_RETURN(bool removed, ctx_.store->RemoveGroupMember(workspace, kind, id, actor_id));
  DropIndexes(workspace, {actor_id});
  Changed(workspace, kind, id);
  return removed;
}

}  // namespace engram::service
