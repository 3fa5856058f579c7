#include "service/user_service.h"

namespace engram::service {

Result<domain::RegisterResult> UserService::Register(const domain::RegisterSpec& spec) {
  if ((!spec.id || spec.id->empty()) && (!spec.email || spec.email->empty())) {
    return Status::InvalidArgument("Missing field: email");
  }
  return ctx_.store->RegisterUser(spec);
}

Result<domain::User> UserService::Resolve(const std::string& workspace, const std::string& user_id) {
  return RequireUser(ctx_, workspace, user_id);
}

Result<domain::User> UserService::EnsureRegistered(const std::string& workspace, const std::string& user_id) {
  auto user = Resolve(workspace, user_id);
  if (user.ok() || user.status().code() != StatusCode::kNotFound) return user;
  domain::RegisterSpec spec;
  spec.workspace = workspace;
  spec.id = user_id;
  ENGRAM_ASSIGN_OR_RETURN(domain::RegisterResult registered, Register(spec));
  return std::move(registered.user);
}

Result<UserView> UserService::Get(const std::string& workspace, const std::string& user_id) {
  UserView view;
  ENGRAM_ASSIGN_OR_RETURN(view.user, Resolve(workspace, user_id));
  ENGRAM_ASSIGN_OR_RETURN(view.counts, ctx_.store->CountRecords(workspace, view.user.uid));
  return view;
}

Status UserService::Delete(const std::string& workspace, const std::string& user_id) {
  ENGRAM_ASSIGN_OR_RETURN(auto user, RequireUser(ctx_, workspace, user_id));
  ENGRAM_ASSIGN_OR_RETURN(bool deleted, ctx_.store->DeleteUser(workspace, user_id));
  if (!deleted) return Status::NotFound("User not found: " + user_id);
  for (auto* o : observers_) o->OnUserDeleted(workspace, user.uid);
  return Status::Ok();
}

}  // namespace engram::service
