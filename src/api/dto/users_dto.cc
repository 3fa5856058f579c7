#include "api/dto/users_dto.h"

#include "api/dto/json_fields.h"

namespace engram::api::dto {

namespace {
bool LooksLikeEmail(const std::string& s) {
  const auto at = s.find('@');
  return at != std::string::npos && at > 0 && at + 1 < s.size() && s.find('@', at + 1) == std::string::npos &&
         s.find(' ') == std::string::npos;
}
}  // namespace

Result<domain::RegisterSpec> ParseRegister(std::string_view body, const std::string& workspace) {
  ENGRAM_ASSIGN_OR_RETURN(Json j, ParseObject(body));
  domain::RegisterSpec spec;
  spec.workspace = workspace;
  ENGRAM_ASSIGN_OR_RETURN(spec.id, OptionalString(j, "user_id", ""));
  if (spec.id && IsBlank(*spec.id)) return Status::InvalidArgument("Empty field: user_id");
  if (spec.id && spec.id->size() > 256) return Status::InvalidArgument("Invalid field: user_id (at most 256 characters)");
  ENGRAM_ASSIGN_OR_RETURN(spec.email, OptionalString(j, "email", ""));
  if (spec.email && !LooksLikeEmail(*spec.email)) {
    return Status::InvalidArgument("Invalid field: email (expected an email address)");
  }
  if (!spec.id && !spec.email) return Status::InvalidArgument("Missing field: email");
  ENGRAM_ASSIGN_OR_RETURN(spec.purpose, OptionalString(j, "purpose", ""));
  auto it = j.find("traits");
  if (it != j.end() && !it->is_null()) {
    if (!it->is_object()) return Status::InvalidArgument("Invalid field: traits (expected object)");
    spec.traits_json = Dump(*it);
  }
  return spec;
}

std::string RegisterResponseJson(const domain::RegisterResult& result) {
  Json j;
  j["user_id"] = result.user.id;
  j["created_at"] = FormatIso8601(result.user.created_at);
  j["status"] = result.user.status;
  j["created"] = result.created;
  return Dump(j);
}

std::string UserJson(const service::UserView& view) {
  const auto& u = view.user;
  Json j;
  j["user_id"] = u.id;
  j["email"] = u.email.empty() ? Json(nullptr) : Json(u.email);
  j["purpose"] = u.purpose.empty() ? Json(nullptr) : Json(u.purpose);
  Json traits = Json::parse(u.traits_json, nullptr, false);
  j["traits"] = traits.is_object() ? traits : Json::object();
  j["status"] = u.status;
  j["created_at"] = FormatIso8601(u.created_at);
  j["updated_at"] = FormatIso8601(u.updated_at);
  j["counts"] = {{"events", view.counts.events},
                 {"documents", view.counts.documents},
                 {"message_history", view.counts.messages},
                 {"records", view.counts.events + view.counts.documents + view.counts.messages},
                 {"chunks", view.counts.chunks}};
  return Dump(j);
}

Result<std::string> ParseUserIdBody(std::string_view body) {
  ENGRAM_ASSIGN_OR_RETURN(Json j, ParseObject(body));
  return RequiredString(j, "user_id", "");
}

std::string DeletedJson(const std::string& user_id) {
  Json j;
  j["user_id"] = user_id;
  j["deleted"] = true;
  return Dump(j);
}

}  // namespace engram::api::dto
