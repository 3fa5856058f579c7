// StatusService: GET /status, where a user's records stand in background extraction (pending,
// processed, failed with the failed ids), optionally for a list of record ids (event ids).
// Read-only; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "service/context.h"

namespace engram::service {

struct StatusResult {
  std::string user_id;
  store::ExtractionCounts counts;
  bool per_event = false;                                // event ids were asked for
  std::vector<store::RecordExtractionStatus> events;     // in request order
};

class StatusService {
 public:
  explicit StatusService(ServiceContext ctx) : ctx_(ctx) {}

  // Counts over all of the user's records, or over `event_ids` only when non-empty (ids the user has
  // no record of are listed as unknown and counted nowhere). kNotFound for an unknown user.
  Result<StatusResult> ForUser(const std::string& workspace, const std::string& user_id,
                               const std::vector<std::string>& event_ids);

 private:
  ServiceContext ctx_;
};

}  // namespace engram::service
