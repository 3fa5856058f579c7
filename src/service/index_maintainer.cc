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

void IndexMaintainer::OnUserDeleted(const std::string& workspace, int64_t uid) {
  if (embeddings_ != nullptr) embeddings_->DropUser(workspace, uid);
  if (extraction_ != nullptr) extraction_->DropUser(workspace, uid);
  cache_->Drop(workspace, uid);
  // Promoted memories the user supported left the store with it; other members' indexes may hold them.
  if (promotion_ != nullptr && promotion_->ActorDeleted(workspace)) cache_->DropWorkspace(workspace);
}

}  // namespace engram::service
