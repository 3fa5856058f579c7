#include "service/index_maintainer.h"

namespace engram::service {

void IndexMaintainer::OnRecordsWritten(const std::string& workspace, int64_t uid, int64_t user_version,
                                       const std::vector<domain::Record>& written) {
  cache_->OnRecordsWritten(workspace, uid, user_version, written);
  if (embeddings_ != nullptr) {
    for (const auto& r : written) embeddings_->Enqueue(workspace, uid, r.chunks);
  }
  if (extraction_ != nullptr) extraction_->Enqueue(workspace, uid, static_cast<int64_t>(written.size()));
}

void IndexMaintainer::OnGroupsJoined(const std::string& workspace, int64_t uid,
                                     const std::vector<std::pair<domain::ScopeKind, std::string>>& groups) {
  // The resident index was only brought up to date with the new records; the promoted memories of
  // the groups just joined come with a reload.
  cache_->Drop(workspace, uid);
  // The member's memories may already be eligible for the group (those whose sources name no group).
  if (promotion_ == nullptr) return;
  for (const auto& [kind, id] : groups) promotion_->GroupChanged(workspace, kind, id);
}

void IndexMaintainer::OnUserDeleted(const std::string& workspace, int64_t uid) {
  if (embeddings_ != nullptr) embeddings_->DropUser(workspace, uid);
  if (extraction_ != nullptr) extraction_->DropUser(workspace, uid);
  cache_->Drop(workspace, uid);
  // Promoted memories the user supported left the store with it; other members' indexes may hold them.
  if (promotion_ != nullptr && promotion_->ActorDeleted(workspace)) cache_->DropWorkspace(workspace);
}

}  // namespace engram::service
