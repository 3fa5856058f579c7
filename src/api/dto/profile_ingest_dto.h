// POST /profiles/{profile_id}/ingest (seed 003) and GET /status: parsing and rendering.
// Pure; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "service/profile_ingest_service.h"
#include "service/status_service.h"

namespace engram::api::dto {

inline constexpr size_t kMaxProfileIngestBytes = 100 * 1024;  // `data`, per the seed
inline constexpr size_t kMaxStatusEventIds = 1000;

// InvalidArgument for a malformed body, PayloadTooLarge when `data` exceeds kMaxProfileIngestBytes.
Result<service::ProfileIngestCommand> ParseProfileIngest(std::string_view body, const std::string& workspace,
                                                         const std::string& profile_id);
// `source` and `metadata` are echoed as sent (null when absent).
std::string ProfileIngestJson(const service::ProfileIngestResult& result, const service::ProfileIngestCommand& sent);

struct StatusQuery {
  std::string user_id;
  std::vector<std::string> event_ids;  // from `event_ids=a,b,c`; empty: all records
};
Result<StatusQuery> ParseStatusQuery(const std::map<std::string, std::string>& query);
std::string StatusJson(const service::StatusResult& result);

}  // namespace engram::api::dto
