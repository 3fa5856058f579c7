// IndexMaintainer: keeps derived state in step with the store. Subscribed to ingest and user deletion
// (UserDataObserver): a committed write updates the user's resident index at once (read-your-writes
// for keyword search), queues the new chunks for embedding and the user for memory extraction; a
// write that made the user a member of a role or team drops the user's index (it reloads with that
// group's promoted memories) and has the group recomputed with the new member; a
// deletion drops the user's index and queued work, and has the promoted memories of the user's
// workspace recomputed without it.
// Thread-safe.
#pragma once

#include "index/index_cache.h"
#include "jobs/embedding_worker.h"
#include "jobs/extraction_worker.h"
#include "jobs/promotion_worker.h"
#include "service/context.h"

namespace engram::service {

class IndexMaintainer final : public UserDataObserver {
 public:
  // `embeddings` may be null (no embedder configured), `extraction` and `promotion` too (tests).
  // Not owned.
  IndexMaintainer(index::IndexCache* cache, jobs::EmbeddingWorker* embeddings, jobs::ExtractionWorker* extraction,
                  jobs::PromotionWorker* promotion = nullptr)
      : cache_(cache), embeddings_(embeddings), extraction_(extraction), promotion_(promotion) {}

  void OnRecordsWritten(const std::string& workspace, int64_t uid, int64_t user_version,
                        const std::vector<domain::Record>& written) override;
  void OnGroupsJoined(const std::string& workspace, int64_t uid,
                      const std::vector<std::pair<domain::ScopeKind, std::string>>& groups) override;
  void OnUserDeleted(const std::string& workspace, int64_t uid) override;

 private:
  index::IndexCache* cache_;
  jobs::EmbeddingWorker* embeddings_;
  jobs::ExtractionWorker* extraction_;
  jobs::PromotionWorker* promotion_;
};

}  // namespace engram::service
