// ProfileService: what Engram knows about a user, read side. Memories (current, or with history),
// the merged trait view (registration wins over extraction), and the deterministic /summary with a
// cache keyed by the user's version (any write that can change the profile bumps it).
// Thread-safe.
#pragma once

#include <list>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "service/context.h"

namespace engram::service {

struct MemoriesView {
  domain::User user;
  std::vector<domain::Memory> memories;
};

struct SummaryResult {
  std::string user_id;
  std::string purpose;      // the purpose the summary was built for ("" = none)
  std::string summary;
  TimeMs generated_at = 0;
  bool cached = false;
};

class ProfileService {
 public:
  explicit ProfileService(ServiceContext ctx, size_t cache_entries = 10000) : ctx_(ctx), capacity_(cache_entries) {}

  Result<MemoriesView> Memories(const std::string& workspace, const std::string& user_id, bool include_history);
  // Registration traits (source "register") and extracted ones, one per name, registration first.
  Result<std::vector<domain::Trait>> Traits(const domain::User& user);
  // `purpose` empty: the register purpose. `max_chars` > 0.
  Result<SummaryResult> Summary(const std::string& workspace, const std::string& user_id, size_t max_chars,
                                const std::string& purpose);

 private:
  struct Entry {
    SummaryResult result;
    std::list<std::string>::iterator lru;
  };
  ServiceContext ctx_;
  const size_t capacity_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> cache_;  // guarded by mu_
  std::list<std::string> lru_;                    // front = newest; guarded by mu_
};

}  // namespace engram::service
