// Test helpers for the SQLite backend: a temporary directory removed on destruction, and a store
// opened in one (for the unit tests of the layers above the store).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

#include "store/sqlite/sqlite_store.h"

namespace engram::store::sqlite {

class TempDir {
 public:
  TempDir() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern =
        std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/engram-sqlite-XXXXXX";
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A SQLite store in `dir`, on the clock the test drives.
inline Result<std::unique_ptr<Store>> OpenTestStore(const TempDir& dir, const Clock* clock) {
  SqliteOptions o;
  o.path = dir.File("engram.db");
  o.clock = clock;
  return OpenSqliteStore(o);
}

}  // namespace engram::store::sqlite
