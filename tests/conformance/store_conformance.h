// The typed fixture shared by every conformance test file: one store per test, over each backend in
// StoreBackends, with a ManualClock so times are exact, plus small builders for users and records.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "common/crypto.h"
#include "common/time.h"
#include "store/store.h"
#include "tests/conformance/backends.h"

namespace engram::conformance {

using domain::Record;
using domain::RecordKind;
using domain::WriteOutcome;
using store::Store;
using store::WriteBatch;

template <typename Backend>
class StoreConformanceTest : public ::testing::Test {
 protected:
  static constexpr TimeMs kStart = 1'760'000'000'000;  // 2025-10-09

  void SetUp() override {
    if (auto reason = backend_.SkipReason()) GTEST_SKIP() << *reason;
    ASSERT_TRUE(backend_.Setup().ok());
    Reopen();
  }

  void TearDown() override {
    if (store_) EXPECT_TRUE(store_->Close().ok());
  }

  // Closes the store (if open) and opens the same database again.
  void Reopen() {
    if (store_) ASSERT_TRUE(store_->Close().ok());
    store_.reset();
    auto opened = backend_.Open(&clock_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
  }

  Store& store() { return *store_; }

  domain::User Register(const std::string& workspace, const std::string& id,
                        const std::string& traits = "{}") {
    domain::RegisterSpec spec;
    spec.workspace = workspace;
    spec.id = id;
    spec.traits_json = traits;
    auto r = store_->RegisterUser(spec);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->user : domain::User{};
  }

  // A record with `chunk_count` chunks "<id>#<n>", hashed over content and timestamp like ingest does.
  static Record MakeRecord(const std::string& id, const std::string& content, TimeMs ts = kStart,
                           RecordKind kind = RecordKind::kEvent, int chunk_count = 1) {
    Record r;
    r.id = id;
    r.kind = kind;
    r.type = kind == RecordKind::kDocument ? "document" : "note";
    r.source = "test";
    r.title = kind == RecordKind::kDocument ? "Title of " + id : "";
    r.speaker = kind == RecordKind::kMessage ? "user" : "";
    r.session_id = "s1";
    r.timestamp = ts;
    r.metadata_json = R"({"k":"v"})";
    r.content = content;
    r.content_hash = Sha256Hex(content + "|" + std::to_string(ts));
    for (int n = 0; n < chunk_count; ++n) {
      domain::Chunk c;
      c.id = id + "#" + std::to_string(n);
      c.record_id = id;
      c.n = n;
      c.text = content + " part " + std::to_string(n);
      c.kind = kind;
      c.type = r.type;
      c.source = r.source;
      c.speaker = r.speaker;
      c.timestamp = ts;
      r.chunks.push_back(c);
    }
    return r;
  }

  store::WriteBatchResult Write(const domain::User& u, std::vector<Record> records,
                                domain::WritePolicy policy = {}) {
    WriteBatch batch{.workspace = u.workspace, .uid = u.uid, .policy = policy,
                     .records = std::move(records)};
    auto r = store_->WriteRecords(batch);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r).value() : store::WriteBatchResult{};
  }

  ManualClock clock_{kStart};
  Backend backend_;
  std::unique_ptr<Store> store_;
};

// Test names read "Suite/sqlite.Test" instead of "Suite/0.Test".
struct BackendName {
  template <typename Backend>
  static std::string GetName(int) {
    return Backend::kName;
  }
};

// Each test file derives its own suite from the fixture, e.g.
//   template <typename B> class KeysTest : public StoreConformanceTest<B> {};
//   TYPED_TEST_SUITE(KeysTest, StoreBackends, BackendName);

}  // namespace engram::conformance
