// Conformance: lifecycle (ping, close, reopen) and concurrent writers.
#include <atomic>
#include <thread>

#include "tests/conformance/store_conformance.h"

namespace engram::conformance {
namespace {

template <typename B>
class LifecycleTest : public StoreConformanceTest<B> {};
TYPED_TEST_SUITE(LifecycleTest, StoreBackends, BackendName);

TYPED_TEST(LifecycleTest, PingAndEmptyStats) {
  auto& s = this->store();
  EXPECT_TRUE(s.Ping().ok());
  auto stats = s.Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->users, 0);
  EXPECT_EQ(stats->records, 0);
  EXPECT_EQ(stats->chunks, 0);
}

TYPED_TEST(LifecycleTest, CloseIsIdempotentAndLaterCallsAreUnavailable) {
  auto& s = this->store();
  const domain::User u = this->Register("ws", "u1");
  ASSERT_TRUE(s.Close().ok());
  ASSERT_TRUE(s.Close().ok());
  EXPECT_EQ(s.Ping().code(), StatusCode::kUnavailable);
  EXPECT_EQ(s.Stats().status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(s.GetUser("ws", "u1").status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(s.RegisterUser({.workspace = "ws", .id = "u2"}).status().code(),
            StatusCode::kUnavailable);
  WriteBatch batch{.workspace = "ws", .uid = u.uid, .records = {this->MakeRecord("e", "x")}};
  EXPECT_EQ(s.WriteRecords(batch).status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(s.CountActiveApiKeys().status().code(), StatusCode::kUnavailable);
}

TYPED_TEST(LifecycleTest, DataSurvivesReopen) {
  const domain::User u = this->Register("ws", "u1", R"({"name":"Ash"})");
  this->Write(u, {this->MakeRecord("d1", "kept", this->kStart, RecordKind::kDocument, 2)});
  domain::ApiKey key{.id = "key_1", .workspace = "ws", .hash = Sha256Hex("s"), .created_at = 1};
  ASSERT_TRUE(this->store().CreateApiKey(key).ok());

  this->Reopen();
  auto& s = this->store();
  auto user = s.GetUser("ws", "u1");
  ASSERT_TRUE(user.ok() && user->has_value());
  EXPECT_EQ((*user)->uid, u.uid);
  EXPECT_EQ((*user)->traits_json, u.traits_json);
  auto rec = s.GetRecord("ws", u.uid, "d1");
  ASSERT_TRUE(rec.ok() && rec->has_value());
  EXPECT_EQ((*rec)->chunks.size(), 2u);
  EXPECT_EQ(*s.CountActiveApiKeys(), 1);
  // Writing after a reopen keeps working and the version keeps counting from where it was.
  auto res = this->Write(u, {this->MakeRecord("d2", "more")});
  EXPECT_EQ(res.user_version, (*user)->version + 1);
}

TYPED_TEST(LifecycleTest, ConcurrentWritersAllLand) {
  constexpr int kThreads = 8;
  constexpr int kBatchesPerThread = 25;
  constexpr int kRecordsPerBatch = 4;
  auto& s = this->store();
  const domain::User shared = this->Register("ws", "shared");
  std::vector<domain::User> own;
  for (int t = 0; t < kThreads; ++t) own.push_back(this->Register("ws", "own" + std::to_string(t)));

  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int b = 0; b < kBatchesPerThread; ++b) {
        std::vector<Record> mine, common;
        for (int i = 0; i < kRecordsPerBatch; ++i) {
          const std::string id = std::to_string(t) + "-" + std::to_string(b) + "-" + std::to_string(i);
          mine.push_back(this->MakeRecord("m" + id, "mine " + id, this->kStart, RecordKind::kEvent, 2));
          common.push_back(this->MakeRecord("c" + id, "common " + id));
        }
        for (auto* batch : {&mine, &common}) {
          WriteBatch wb{.workspace = "ws", .uid = batch == &mine ? own[t].uid : shared.uid,
                        .records = *batch};
          auto r = s.WriteRecords(wb);
          if (!r.ok()) {
            failures.fetch_add(1);
            continue;
          }
          for (const auto& rr : r->results) {
            if (rr.outcome != WriteOutcome::kInserted) failures.fetch_add(1);
          }
        }
        // Interleave reads and registrations with the writes.
        if (b % 5 == 0) {
          if (!s.ListChunks("ws", own[t].uid).ok()) failures.fetch_add(1);
          if (!s.RegisterUser({.workspace = "ws", .id = "own" + std::to_string(t),
                               .traits_json = R"({"b":)" + std::to_string(b) + "}"})
                   .ok()) {
            failures.fetch_add(1);
          }
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);

  const int64_t per_user = kBatchesPerThread * kRecordsPerBatch;
  for (int t = 0; t < kThreads; ++t) {
    auto c = s.CountRecords("ws", own[t].uid);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->events, per_user);
    EXPECT_EQ(c->chunks, per_user * 2);
  }
  auto c = s.CountRecords("ws", shared.uid);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->events, per_user * kThreads);
  auto user = s.GetUser("ws", "shared");
  ASSERT_TRUE(user.ok() && user->has_value());
  EXPECT_EQ((*user)->version, shared.version + kThreads * kBatchesPerThread)
      << "every batch that inserted bumps the version exactly once";
}

}  // namespace
}  // namespace engram::conformance
