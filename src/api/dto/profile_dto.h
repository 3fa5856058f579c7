// /users/{user_id}/memories, GET /summary, POST /query: parsing and rendering. Pure; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "service/profile_service.h"
#include "service/query_service.h"

namespace engram::api::dto {

std::string MemoriesJson(const service::MemoriesView& view, const std::vector<domain::Trait>& traits);

struct SummaryQuery {
  std::string user_id;
  size_t max_chars = 1000;
  std::string purpose;
};
Result<SummaryQuery> ParseSummaryQuery(const std::map<std::string, std::string>& query);
std::string SummaryJson(const service::SummaryResult& r);

struct QueryBody {
  std::string user_id;
  std::string question;
  bool use_cache = true;
};
Result<QueryBody> ParseQuery(std::string_view body);
std::string QueryJson(const service::QueryResult& r);

}  // namespace engram::api::dto
