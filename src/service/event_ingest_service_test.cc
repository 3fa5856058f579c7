// EventIngestService over a real SQLite store: what a seed-004 event becomes as a record (kind,
// speaker, type, metadata, role/team scope, timestamp), actor creation, and the dedupe window.
#include "service/event_ingest_service.h"

#include <gtest/gtest.h>

#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/test_util.h"

namespace engram::service {
namespace {

class EventIngestServiceTest : public store::sqlite::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    ctx_ = ServiceContext{store_.get(), &clock_, nullptr};
    users_ = std::make_unique<UserService>(ctx_);
    ingest_ = std::make_unique<IngestService>(ctx_);
    window_ = std::make_unique<EventDedupeWindow>(&clock_);
    events_ = std::make_unique<EventIngestService>(ctx_, users_.get(), ingest_.get(), window_.get());
  }

  static EventSpec Event(std::string actor, EventKind kind, std::string content) {
    EventSpec e;
    e.actor_id = std::move(actor);
    e.session_id = "s1";
    e.kind = kind;
    e.content = std::move(content);
    return e;
  }

  domain::Record Stored(const std::string& actor, const std::string& id) {
    auto user = store_->GetUser("ws", actor);
    EXPECT_TRUE(user.ok() && user->has_value());
    auto r = store_->GetRecord("ws", (*user)->uid, id);
    EXPECT_TRUE(r.ok() && r->has_value()) << id;
    return r.ok() && r->has_value() ? **r : domain::Record{};
  }

  ServiceContext ctx_;
  std::unique_ptr<UserService> users_;
  std::unique_ptr<IngestService> ingest_;
  std::unique_ptr<EventDedupeWindow> window_;
  std::unique_ptr<EventIngestService> events_;
};

TEST_F(EventIngestServiceTest, EventsBecomeRecordsOfTheirActors) {
  EventSpec user = Event("alice", EventKind::kUserMessage, "I prefer dark mode.");
  user.metadata_json = R"({"raw":"not json"})";
  user.role_id = "role_frontend_dev";
  user.team_id = "team_platform";
  user.ts = 1'600'000'000'000;
  EventSpec tool = Event("bob", EventKind::kToolResult, "42");
  EventSpec reply = Event("alice", EventKind::kAssistantMessage, "Noted.");
  auto res = events_->Ingest({"ws", {user, tool, reply}});
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  ASSERT_EQ(res->event_ids.size(), 3u);
  for (const auto& id : res->event_ids) EXPECT_EQ(id.rfind("evt_", 0), 0u) << id;

  domain::Record r0 = Stored("alice", res->event_ids[0]);
  EXPECT_EQ(r0.kind, domain::RecordKind::kMessage);
  EXPECT_EQ(r0.speaker, "user");
  EXPECT_EQ(r0.session_id, "s1");
  EXPECT_EQ(r0.metadata_json, R"({"raw":"not json"})");
  EXPECT_EQ(r0.role_id, "role_frontend_dev");
  EXPECT_EQ(r0.team_id, "team_platform");
  EXPECT_EQ(r0.timestamp, 1'600'000'000'000);

  domain::Record r1 = Stored("bob", res->event_ids[1]);
  EXPECT_EQ(r1.kind, domain::RecordKind::kEvent);
  EXPECT_EQ(r1.type, "tool_result");
  EXPECT_EQ(r1.timestamp, clock_.NowMs());  // no ts: the injected clock
  EXPECT_EQ(r1.role_id, "");

  domain::Record r2 = Stored("alice", res->event_ids[2]);
  EXPECT_EQ(r2.speaker, "assistant");
}

TEST_F(EventIngestServiceTest, RepeatsInsideTheWindowStoreNothingNew) {
  EventSpec e = Event("carol", EventKind::kAppEvent, "plan changed to pro");
  auto first = events_->Ingest({"ws", {e, e}});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->event_ids[0], first->event_ids[1]);
  clock_.Advance(10'000);
  auto second = events_->Ingest({"ws", {e}});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->event_ids[0], first->event_ids[0]);
  auto user = store_->GetUser("ws", "carol");
  ASSERT_TRUE(user.ok() && user->has_value());
  EXPECT_EQ(store_->CountRecords("ws", (*user)->uid)->events, 1);

  clock_.Advance(60'000);
  auto after = events_->Ingest({"ws", {e}});
  ASSERT_TRUE(after.ok());
  EXPECT_NE(after->event_ids[0], first->event_ids[0]);
  EXPECT_EQ(store_->CountRecords("ws", (*user)->uid)->events, 2);  // store dedupe is off
}

TEST_F(EventIngestServiceTest, ExistingUserIsReusedNotReRegistered) {
  domain::RegisterSpec spec;
  spec.workspace = "ws";
  spec.id = "dave";
  spec.email = "dave@example.com";
  ASSERT_TRUE(users_->Register(spec).ok());
  ASSERT_TRUE(events_->Ingest({"ws", {Event("dave", EventKind::kUserMessage, "hi")}}).ok());
  auto user = users_->Resolve("ws", "dave");
  ASSERT_TRUE(user.ok());
  EXPECT_EQ(user->email, "dave@example.com");
}

}  // namespace
}  // namespace engram::service
