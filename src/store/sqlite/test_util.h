// Test helpers for the SQLite backend: a temporary directory removed on destruction, and a store
// opened in one (for the unit tests of the layers above the store).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>

#include "common/time.h"
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

// A fixture with a store in a temporary directory on a ManualClock: opened before each test, closed
// (and checked to close cleanly) after it.
class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = OpenTestStore(dir_, &clock_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
  }
  void TearDown() override { EXPECT_TRUE(store_->Close().ok()); }

  TempDir dir_;
  ManualClock clock_{1'760'000'000'000};
  std::unique_ptr<Store> store_;
};

}  // namespace engram::store::sqlite
