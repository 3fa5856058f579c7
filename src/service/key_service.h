// KeyService: API keys, from creation to the per-request check.
//
// Secrets are never stored: a key is found by the SHA-256 of its secret. Authenticate() caches hits
// for `cache_ttl` so the hot path costs one hash and one map lookup; revoking through this service
// drops the cache entry at once, while a revoke made by another process (the `engram` tool on the
// data directory, another replica) takes effect within the TTL.
// Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "service/context.h"

namespace engram::service {

struct CreatedKey {
  domain::ApiKey key;
  std::string secret;  // shown once, never stored
};

class KeyService {
 public:
  static constexpr std::string_view kLivePrefix = "sk_live_";
  static constexpr std::string_view kTestPrefix = "sk_test_";
  // Label given to keys that come from configuration (--api-keys); they are revoked when they leave it.
  static constexpr std::string_view kConfigKeyName = "configured";

  KeyService(ServiceContext ctx, std::chrono::milliseconds cache_ttl = std::chrono::seconds(5));

  // The key whose secret this is; kUnauthenticated when unknown or revoked.
  Result<domain::ApiKey> Authenticate(std::string_view secret);

  // `secret_prefix` is kLivePrefix or kTestPrefix.
  Result<CreatedKey> Create(const std::string& workspace, domain::KeyScope scope, const std::string& name,
                            std::string_view secret_prefix = kLivePrefix);
  Result<std::vector<domain::ApiKey>> List(const std::string& workspace);
  Status Revoke(const std::string& workspace, const std::string& key_id);

  // Makes exactly `secrets` the configured admin keys of `workspace`: adds missing ones, revokes
  // configured keys no longer listed. Keys created by other means are untouched.
  Status SyncConfiguredKeys(const std::vector<std::string>& secrets, const std::string& workspace);

  // When no active key exists at all, creates one admin key for `workspace` and returns it (the
  // caller prints the secret once). nullopt when keys already exist.
  Result<std::optional<CreatedKey>> BootstrapAdminKey(const std::string& workspace);

  // Display prefix stored with a key: enough characters to recognize it, too few to use it.
  static std::string DisplayPrefix(std::string_view secret);

 private:
  struct CacheEntry {
    domain::ApiKey key;
    TimeMs expires_at;
  };

  ServiceContext ctx_;
  const std::chrono::milliseconds cache_ttl_;
  std::mutex mu_;
  std::unordered_map<std::string, CacheEntry> cache_;  // by secret hash; guarded by mu_
};

}  // namespace engram::service
