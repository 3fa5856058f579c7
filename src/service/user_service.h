// UserService: register, read and delete users within a workspace.
// Thread-safe (stateless over the store).
#pragma once

#include <vector>

#include "service/context.h"

namespace engram::service {

struct UserView {
  domain::User user;
  domain::RecordCounts counts;
};

class UserService {
 public:
  explicit UserService(ServiceContext ctx) : ctx_(ctx) {}

  // Observers are told when a user is deleted (index, caches, queued work). Not owned.
  void AddObserver(UserDataObserver* observer) { observers_.push_back(observer); }

  // Creates or merges. Requires spec.id or spec.email (InvalidArgument otherwise).
  Result<domain::RegisterResult> Register(const domain::RegisterSpec& spec);
  // kNotFound when the user does not exist in the workspace.
  Result<domain::User> Resolve(const std::string& workspace, const std::string& user_id);
  // Registers the id (no email, no traits) unless it is a user already: seed-004 actors and the LLM
  // proxy's users come into being on first sight. Two callers racing both succeed (Register merges).
  // Returns the user, found or registered.
  Result<domain::User> EnsureRegistered(const std::string& workspace, const std::string& user_id);
  Result<UserView> Get(const std::string& workspace, const std::string& user_id);
  // Removes everything of the user; kNotFound when there is no such user.
  Status Delete(const std::string& workspace, const std::string& user_id);

 private:
  ServiceContext ctx_;
  std::vector<UserDataObserver*> observers_;  // set up before serving, read-only afterwards
};

}  // namespace engram::service
