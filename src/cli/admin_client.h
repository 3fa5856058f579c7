// Where `engram` sends its commands: straight to a data directory (the embedded store, usable with or
// without a server running on it), or to a running engramd over HTTP with an admin key.
// Not thread-safe; one command per process.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace engram::cli {

// Rendered output of a command: JSON text for machines, printed as-is.
class AdminTarget {
 public:
  virtual ~AdminTarget() = default;
  virtual Result<std::string> CreateKey(const std::string& workspace, const std::string& scope,
                                        const std::string& name, bool test) = 0;
  virtual Result<std::string> ListKeys(const std::string& workspace) = 0;
  virtual Result<std::string> RevokeKey(const std::string& workspace, const std::string& key_id) = 0;
};

Result<std::unique_ptr<AdminTarget>> OpenDataDir(const std::string& data_dir);
Result<std::unique_ptr<AdminTarget>> ConnectServer(const std::string& url, const std::string& api_key);

}  // namespace engram::cli
