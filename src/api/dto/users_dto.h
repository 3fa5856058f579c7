// /register, /users/{user_id}, /users/delete: request parsing and response rendering.
// Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "service/user_service.h"

namespace engram::api::dto {

Result<domain::RegisterSpec> ParseRegister(std::string_view body, const std::string& workspace);
std::string RegisterResponseJson(const domain::RegisterResult& result);
std::string UserJson(const service::UserView& view);
// {"user_id": "..."} for POST /users/delete.
Result<std::string> ParseUserIdBody(std::string_view body);
std::string DeletedJson(const std::string& user_id);

}  // namespace engram::api::dto
