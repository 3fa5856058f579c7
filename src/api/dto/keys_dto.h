// /admin/keys: request parsing and response rendering. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "service/key_service.h"

namespace engram::api::dto {

struct CreateKeyRequest {
  std::string workspace;     // empty: the caller's workspace
  domain::KeyScope scope = domain::KeyScope::kRead;
  std::string name;
  bool test = false;         // sk_test_ key (test rate limit) instead of sk_live_
};

Result<CreateKeyRequest> ParseCreateKey(std::string_view body);
std::string CreatedKeyJson(const service::CreatedKey& created);
std::string KeyListJson(const std::vector<domain::ApiKey>& keys);

}  // namespace engram::api::dto
