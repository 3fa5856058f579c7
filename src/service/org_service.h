// OrgService: the admin use cases of the organization (seed 004): define roles, teams and the org
// with their promotion prompts, say which actors belong to a role or team, and read what was promoted.
// Every change marks the group for the PromotionWorker, which recomputes its memories in the
// background; actors who leave a group get their resident index dropped so searches stop seeing
// the group's memories at once.
// Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "index/index_cache.h"
#include "jobs/promotion_worker.h"
#include "service/context.h"

namespace engram::service {

// Limits of the admin API (InvalidArgument beyond them).
inline constexpr size_t kMaxGroupIdChars = 256;
inline constexpr size_t kMaxGroupNameChars = 256;
inline constexpr size_t kMaxPromotionPromptChars = 4096;
inline constexpr size_t kMaxMembersPerRequest = 1000;

// A PUT of a group: absent fields keep their stored value.
struct GroupUpdate {
  std::optional<std::string> name;
  std::optional<std::string> promotion_prompt;
  // When given, the admin members become exactly these (event members stay: their events name the group).
  std::optional<std::vector<std::string>> members;
};

struct GroupView {
  domain::OrgGroup group;
  std::vector<domain::OrgMember> members;        // empty for the org (every actor belongs to it)
  std::vector<domain::ScopedMemory> memories;    // promoted to this group
};

class OrgService {
 public:
  // `promotion` and `cache` may be null (tests). Not owned.
  OrgService(ServiceContext ctx, jobs::PromotionWorker* promotion, index::IndexCache* cache)
      : ctx_(ctx), promotion_(promotion), cache_(cache) {}

  // Creates or updates a role, a team (kind kRole / kTeam) or the org (kOrg, id domain::kOrgGroupId).
  Result<GroupView> Put(const std::string& workspace, domain::ScopeKind kind, const std::string& id,
                        const GroupUpdate& update);
  // kNotFound when the group is neither defined nor named by any event.
  Result<GroupView> Get(const std::string& workspace, domain::ScopeKind kind, const std::string& id);
  // Groups of one kind (defined and known from events), by id.
  Result<std::vector<domain::OrgGroup>> List(const std::string& workspace, domain::ScopeKind kind);
  // False when there was nothing to delete.
  Result<bool> Delete(const std::string& workspace, domain::ScopeKind kind, const std::string& id);
  Status AddMembers(const std::string& workspace, domain::ScopeKind kind, const std::string& id,
                    const std::vector<std::string>& actor_ids);
  Result<bool> RemoveMember(const std::string& workspace, domain::ScopeKind kind, const std::string& id,
                            const std::string& actor_id);

 private:
  void Changed(const std::string& workspace, domain::ScopeKind kind, const std::string& id);
  void DropIndexes(const std::string& workspace, const std::vector<std::string>& actor_ids);

  ServiceContext ctx_;
  jobs::PromotionWorker* promotion_;
  index::IndexCache* cache_;
};

}  // namespace engram::service
