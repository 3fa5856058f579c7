#include "service/status_service.h"

namespace engram::service {

namespace {
// Bounds the response; the counts stay exact.
constexpr size_t kMaxFailedIds = 1000;
}  // namespace

Result<StatusResult> StatusService::ForUser(const std::string& workspace, const std::string& user_id,
                                            const std::vector<std::string>& event_ids) {
  ENGRAM_ASSIGN_OR_RETURN(auto user, RequireUser(ctx_, workspace, user_id));
  StatusResult out;
  out.user_id = user_id;
  if (event_ids.empty()) {
    ENGRAM_ASSIGN_OR_RETURN(out.counts, ctx_.store->RecordStatusCounts(workspace, user.uid, kMaxFailedIds));
    return out;
  }
  out.per_event = true;
  ENGRAM_ASSIGN_OR_RETURN(out.events, ctx_.store->RecordStatuses(workspace, user.uid, event_ids));
  for (const auto& e : out.events) {
    switch (e.state) {
      case store::ExtractionState::kPending: ++out.counts.pending; break;
      case store::ExtractionState::kProcessed: ++out.counts.processed; break;
      case store::ExtractionState::kFailed:
        ++out.counts.failed;
        out.counts.failed_ids.push_back(e.record_id);
        break;
      case store::ExtractionState::kUnknown: break;
    }
  }
  return out;
}

}  // namespace engram::service
