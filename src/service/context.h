// The dependencies every use case is built from, handed in by the composition root.
// Pointers are non-owning and outlive the services.
#pragma once

#include "common/metrics.h"
#include "common/time.h"
#include "store/store.h"

namespace engram::service {

class UserDataObserver;

struct ServiceContext {
  store::Store* store = nullptr;
  const Clock* clock = nullptr;
  Metrics* metrics = nullptr;  // may be null (tests)
};

// The user, or kNotFound "User not found: <id>" (answered 404 USER_NOT_FOUND).
inline Result<domain::User> RequireUser(const ServiceContext& ctx, const std::string& workspace,
                                        const std::string& user_id) {
  ENGRAM_ASSIGN_OR_RETURN(auto user, ctx.store->GetUser(workspace, user_id));
  if (!user) return Status::NotFound("User not found: " + user_id);
  return std::move(*user);
}

// Told about writes and deletions so that derived state (per-user index, caches, queued work) follows
// the store. Called synchronously on the request thread after the store committed; must be quick.
class UserDataObserver {
 public:
  virtual ~UserDataObserver() = default;
  virtual void OnRecordsWritten(const std::string& workspace, int64_t uid, int64_t user_version,
                                const std::vector<domain::Record>& written) = 0;
  // The write also made the user a member of these roles and teams (after OnRecordsWritten).
  virtual void OnGroupsJoined(const std::string& workspace, int64_t uid,
                              const std::vector<std::pair<domain::ScopeKind, std::string>>& groups) = 0;
  virtual void OnUserDeleted(const std::string& workspace, int64_t uid) = 0;
};

}  // namespace engram::service
