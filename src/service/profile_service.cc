#include "service/profile_service.h"

#include <nlohmann/json.hpp>

#include "memory/profile.h"

namespace engram::service {

Result<MemoriesView> ProfileService::Memories(const std::string& workspace, const std::string& user_id,
                                              bool include_history) {
  ENGRAM_ASSIGN_OR_RETURN(auto user, RequireUser(ctx_, workspace, user_id));
  MemoriesView view;
  view.user = std::move(user);
  ENGRAM_ASSIGN_OR_RETURN(view.memories, ctx_.store->ListMemories(workspace, view.user.uid, include_history));
  return view;
}

Result<std::vector<domain::Trait>> ProfileService::Traits(const domain::User& user) {
  std::vector<domain::Trait> out;
  auto registered = nlohmann::json::parse(user.traits_json, nullptr, false);
  if (registered.is_object()) {
    for (const auto& [name, value] : registered.items()) {
      domain::Trait t;
      t.name = name;
      t.value = value.is_string() ? value.get<std::string>() : value.dump();
      t.source = "register";
      t.confidence = 1.0;
      t.updated_at = user.updated_at;
      out.push_back(std::move(t));
    }
  }
  ENGRAM_ASSIGN_OR_RETURN(auto extracted, ctx_.store->ListTraits(user.workspace, user.uid));
  for (auto& t : extracted) {
    bool registered_name = false;
    for (const auto& r : out) registered_name = registered_name || r.name == t.name;
    if (!registered_name) out.push_back(std::move(t));
  }
  return out;
}

Result<SummaryResult> ProfileService::Summary(const std::string& workspace, const std::string& user_id,
                                              size_t max_chars, const std::string& purpose) {
  ENGRAM_ASSIGN_OR_RETURN(auto user, RequireUser(ctx_, workspace, user_id));
  const std::string used_purpose = purpose.empty() ? user.purpose : purpose;
  const std::string key = workspace + '\x1f' + std::to_string(user.uid) + '\x1f' + std::to_string(user.version) +
                          '\x1f' + std::to_string(max_chars) + '\x1f' + used_purpose;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(key);
    if (it != cache_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second.lru);
      SummaryResult r = it->second.result;
      r.cached = true;
      return r;
    }
  }
  memory::ProfileInput in;
  ENGRAM_ASSIGN_OR_RETURN(in.traits, Traits(user));
  ENGRAM_ASSIGN_OR_RETURN(in.memories, ctx_.store->ListMemories(workspace, user.uid, false));
  in.purpose = used_purpose;
  memory::SummaryOptions opt;
  opt.max_chars = max_chars;
  SummaryResult r;
  r.user_id = user.id;
  r.purpose = purpose;
  r.summary = memory::BuildSummary(in, opt);
  r.generated_at = ctx_.clock->NowMs();
  std::lock_guard<std::mutex> lock(mu_);
  if (!cache_.count(key)) {
    lru_.push_front(key);
    cache_.emplace(key, Entry{r, lru_.begin()});
    while (cache_.size() > capacity_) {
      cache_.erase(lru_.back());
      lru_.pop_back();
    }
  }
  return r;
}

}  // namespace engram::service
