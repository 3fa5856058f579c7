// Store backends under conformance test, one class per backend.
//
// A backend class gives the suite a fresh, empty store and the means to reopen it:
//   static constexpr const char* kName;
//   Status Setup();                                      // fresh location; GTEST_SKIP-able via Skip()
//   Result<std::unique_ptr<store::Store>> Open(const Clock* clock);  // same location every time
//   std::optional<std::string> SkipReason() const;      // set when the backend is not available here
// To add PostgreSQL: a PostgresBackend that reads a DSN from the environment, creates a schema per
// test in Setup(), drops it in its destructor, reports a SkipReason when no server is configured,
// and is appended to StoreBackends below (behind ENGRAM_WITH_POSTGRES).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

#include "common/status.h"
#include "common/time.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"

namespace engram::conformance {

class SqliteBackend {
 public:
  static constexpr const char* kName = "sqlite";

  ~SqliteBackend() {
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }

  Status Setup() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") +
                          "/engram-conformance-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) return Status::Internal("mkdtemp failed");
    dir_ = pattern;
    return Status::Ok();
  }

  Result<std::unique_ptr<store::Store>> Open(const Clock* clock) {
    // A nested path also checks that the store creates its parent directory.
    return store::OpenSqliteStore(
        {.path = dir_ + "/data/engram.db", .read_connections = 4, .clock = clock});
  }

  std::optional<std::string> SkipReason() const { return std::nullopt; }

 private:
  std::string dir_;
};

using StoreBackends = ::testing::Types<SqliteBackend>;

}  // namespace engram::conformance
