#include "service/key_service.h"

#include <set>

#include "common/crypto.h"

namespace engram::service {

KeyService::KeyService(ServiceContext ctx, std::chrono::milliseconds cache_ttl)
    : ctx_(ctx), cache_ttl_(cache_ttl) {}

std::string KeyService::DisplayPrefix(std::string_view secret) {
  const size_t n = std::min<size_t>(secret.size(), secret.rfind('_') == std::string_view::npos ? 4 : secret.rfind('_') + 5);
  return std::string(secret.substr(0, n));
}

Result<domain::ApiKey> KeyService::Authenticate(std::string_view secret) {
  if (secret.empty()) return Status::Unauthenticated("Missing API key");
  const std::string hash = Sha256Hex(secret);
  const TimeMs now = ctx_.clock->NowMs();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(hash);
    if (it != cache_.end() && it->second.expires_at > now) return it->second.key;
  }
  ENGRAM_ASSIGN_OR_RETURN(auto found, ctx_.store->FindApiKeyByHash(hash));
  if (!found) return Status::Unauthenticated("Invalid API key");
  std::lock_guard<std::mutex> lock(mu_);
  if (cache_.size() > 100000) cache_.clear();  // bound memory under a flood of distinct keys
  cache_[hash] = CacheEntry{*found, now + cache_ttl_.count()};
  return *found;
}

Result<CreatedKey> KeyService::Create(const std::string& workspace, domain::KeyScope scope,
                                      const std::string& name, std::string_view secret_prefix) {
  if (workspace.empty()) return Status::InvalidArgument("Missing field: workspace");
  CreatedKey out;
  out.secret = std::string(secret_prefix) + RandomHex(24);
  out.key.id = NewId("key_");
  out.key.workspace = workspace;
  out.key.scope = scope;
  out.key.hash = Sha256Hex(out.secret);
  out.key.prefix = DisplayPrefix(out.secret);
  out.key.name = name;
  out.key.created_at = ctx_.clock->NowMs();
  ENGRAM_RETURN_IF_ERROR(ctx_.store->CreateApiKey(out.key));
  return out;
}

Result<std::vector<domain::ApiKey>> KeyService::List(const std::string& workspace) {
  return ctx_.store->ListApiKeys(workspace);
}

Status KeyService::Revoke(const std::string& workspace, const std::string& key_id) {
  ENGRAM_RETURN_IF_ERROR(ctx_.store->RevokeApiKey(workspace, key_id));
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = cache_.begin(); it != cache_.end();) {
    if (it->second.key.id == key_id) it = cache_.erase(it);
    else ++it;
  }
  return Status::Ok();
}

Status KeyService::SyncConfiguredKeys(const std::vector<std::string>& secrets, const std::string& workspace) {
  std::set<std::string> wanted;
  for (const auto& s : secrets) {
    if (!s.empty()) wanted.insert(Sha256Hex(s));
  }
  ENGRAM_ASSIGN_OR_RETURN(auto existing, ctx_.store->ListApiKeys(""));
  std::set<std::string> present;
  for (const auto& k : existing) {
    if (k.revoked_at) continue;
    present.insert(k.hash);
    if (k.name == kConfigKeyName && !wanted.count(k.hash)) {
      ENGRAM_RETURN_IF_ERROR(ctx_.store->RevokeApiKey("", k.id));
    }
  }
  for (const auto& s : secrets) {
    if (s.empty()) continue;
    const std::string hash = Sha256Hex(s);
    if (present.count(hash)) continue;
    domain::ApiKey key;
    key.id = NewId("key_");
    key.workspace = workspace;
    key.scope = domain::KeyScope::kAdmin;
    key.hash = hash;
    key.prefix = DisplayPrefix(s);
    key.name = std::string(kConfigKeyName);
    key.created_at = ctx_.clock->NowMs();
    ENGRAM_RETURN_IF_ERROR(ctx_.store->CreateApiKey(key));
    present.insert(hash);
  }
  std::lock_guard<std::mutex> lock(mu_);
  cache_.clear();
  return Status::Ok();
}

Result<std::optional<CreatedKey>> KeyService::BootstrapAdminKey(const std::string& workspace) {
  ENGRAM_ASSIGN_OR_RETURN(int64_t active, ctx_.store->CountActiveApiKeys());
  if (active > 0) return std::optional<CreatedKey>();
  ENGRAM_ASSIGN_OR_RETURN(CreatedKey created, Create(workspace, domain::KeyScope::kAdmin, "bootstrap admin"));
  return std::optional<CreatedKey>(std::move(created));
}

}  // namespace engram::service
