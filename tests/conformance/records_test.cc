// Conformance: WriteRecords under every branch of the write policy, the record/chunk reads, and
// DeleteUser's cascade.
#include "tests/conformance/store_conformance.h"

namespace engram::conformance {
namespace {

template <typename B>
class RecordsTest : public StoreConformanceTest<B> {};
TYPED_TEST_SUITE(RecordsTest, StoreBackends, BackendName);

using domain::WritePolicy;

void ExpectOutcome(const domain::RecordWriteResult& r, const std::string& id, WriteOutcome outcome,
                   const std::string& reason = "") {
  EXPECT_EQ(r.record_id, id);
  EXPECT_EQ(r.outcome, outcome) << id;
  EXPECT_EQ(r.skip_reason, reason) << id;
}

TYPED_TEST(RecordsTest, InsertRoundTripsEveryField) {
  auto& s = this->store();
  const domain::User u = this->Register("ws", "u1");
  Record doc = this->MakeRecord("doc-1", "Q4 goals: launch", this->kStart - 5000,
                                RecordKind::kDocument, 3);
  doc.role_id = "role_frontend_dev";
  doc.team_id = "team_platform";
  this->clock_.Advance(42);
  auto res = this->Write(u, {doc});
  ASSERT_EQ(res.results.size(), 1u);
  ExpectOutcome(res.results[0], "doc-1", WriteOutcome::kInserted);
  EXPECT_EQ(res.results[0].kind, RecordKind::kDocument);
  EXPECT_GT(res.user_version, u.version);

  auto got = s.GetRecord("ws", u.uid, "doc-1");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_TRUE(got->has_value());
  const Record& r = **got;
  EXPECT_EQ(r.id, "doc-1");
  EXPECT_EQ(r.kind, RecordKind::kDocument);
  EXPECT_EQ(r.type, "document");
  EXPECT_EQ(r.source, "test");
  EXPECT_EQ(r.title, "Title of doc-1");
  EXPECT_EQ(r.session_id, "s1");
  EXPECT_EQ(r.timestamp, this->kStart - 5000);
  EXPECT_EQ(r.metadata_json, R"({"k":"v"})");
  EXPECT_EQ(r.role_id, "role_frontend_dev");
  EXPECT_EQ(r.team_id, "team_platform");
  EXPECT_EQ(r.content, "Q4 goals: launch");
  EXPECT_EQ(r.content_hash, doc.content_hash);
  EXPECT_EQ(r.created_at, this->kStart + 42);
  EXPECT_EQ(r.updated_at, this->kStart + 42);
  ASSERT_EQ(r.chunks.size(), 3u);
  for (int n = 0; n < 3; ++n) {
    EXPECT_EQ(r.chunks[n].id, "doc-1#" + std::to_string(n));
    EXPECT_EQ(r.chunks[n].record_id, "doc-1");
    EXPECT_EQ(r.chunks[n].n, n);
    EXPECT_EQ(r.chunks[n].text, doc.chunks[n].text);
    EXPECT_EQ(r.chunks[n].kind, RecordKind::kDocument);
    EXPECT_EQ(r.chunks[n].timestamp, this->kStart - 5000);
  }

  auto missing = s.GetRecord("ws", u.uid, "nope");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TYPED_TEST(RecordsTest, DuplicateIdIsSkippedWhetherOrNotDedupeIsOn) {
  const domain::User u = this->Register("ws", "u1");
  this->Write(u, {this->MakeRecord("e1", "first")});
  auto dedupe = this->Write(u, {this->MakeRecord("e1", "other content")});
  ExpectOutcome(dedupe.results[0], "e1", WriteOutcome::kSkipped, "duplicate_id");
  auto no_dedupe = this->Write(u, {this->MakeRecord("e1", "third content")},
                               WritePolicy{.dedupe = false, .update_existing = false});
  ExpectOutcome(no_dedupe.results[0], "e1", WriteOutcome::kSkipped, "duplicate_id");
  auto got = this->store().GetRecord("ws", u.uid, "e1");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->content, "first");
}

TYPED_TEST(RecordsTest, DuplicateContentIsSkippedAgainstStoreAndWithinBatch) {
  auto& s = this->store();
  const domain::User u = this->Register("ws", "u1");
  this->Write(u, {this->MakeRecord("e1", "same words", this->kStart)});

  auto res = this->Write(u, {
      this->MakeRecord("e2", "same words", this->kStart),       // equals a stored record
      this->MakeRecord("e3", "fresh words", this->kStart),      // new
      this->MakeRecord("e4", "fresh words", this->kStart),      // equals e3 of this batch
      this->MakeRecord("e5", "same words", this->kStart + 1),   // other timestamp: other hash
  });
  ASSERT_EQ(res.results.size(), 4u);
  ExpectOutcome(res.results[0], "e2", WriteOutcome::kSkipped, "duplicate_content");
  ExpectOutcome(res.results[1], "e3", WriteOutcome::kInserted);
  ExpectOutcome(res.results[2], "e4", WriteOutcome::kSkipped, "duplicate_content");
  ExpectOutcome(res.results[3], "e5", WriteOutcome::kInserted);

  auto counts = s.CountRecords("ws", u.uid);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->events, 3);
}

TYPED_TEST(RecordsTest, DedupeOffInsertsEqualContent) {
  const domain::User u = this->Register("ws", "u1");
  const WritePolicy off{.dedupe = false};
  this->Write(u, {this->MakeRecord("e1", "same")}, off);
  auto res = this->Write(u, {this->MakeRecord("e2", "same"), this->MakeRecord("e3", "same")}, off);
  ExpectOutcome(res.results[0], "e2", WriteOutcome::kInserted);
  ExpectOutcome(res.results[1], "e3", WriteOutcome::kInserted);
  EXPECT_EQ(this->store().CountRecords("ws", u.uid)->events, 3);
}

TYPED_TEST(RecordsTest, UpdateExistingReplacesContentAndChunksKeepsCreatedAt) {
  auto& s = this->store();
  const domain::User u = this->Register("ws", "u1");
  const WritePolicy update{.dedupe = true, .update_existing = true};
  auto first = this->Write(u, {this->MakeRecord("doc", "v1 text", this->kStart,
                                                RecordKind::kDocument, 3)}, update);
  ExpectOutcome(first.results[0], "doc", WriteOutcome::kInserted);

  this->clock_.Advance(60'000);
  Record v2 = this->MakeRecord("doc", "v2 text", this->kStart + 10, RecordKind::kDocument, 1);
  v2.title = "New title";
  v2.type = "notion_page";
  v2.metadata_json = R"({"rev":2})";
  auto second = this->Write(u, {v2}, update);
  ExpectOutcome(second.results[0], "doc", WriteOutcome::kUpdated);
  EXPECT_GT(second.user_version, first.user_version);

  auto got = s.GetRecord("ws", u.uid, "doc");
  ASSERT_TRUE(got.ok() && got->has_value());
  const Record& r = **got;
  EXPECT_EQ(r.content, "v2 text");
  EXPECT_EQ(r.title, "New title");
  EXPECT_EQ(r.type, "notion_page");
  EXPECT_EQ(r.metadata_json, R"({"rev":2})");
  EXPECT_EQ(r.timestamp, this->kStart + 10);
  EXPECT_EQ(r.content_hash, v2.content_hash);
  EXPECT_EQ(r.created_at, this->kStart);
  EXPECT_EQ(r.updated_at, this->kStart + 60'000);
  ASSERT_EQ(r.chunks.size(), 1u) << "old chunks must be gone";
  EXPECT_EQ(r.chunks[0].text, "v2 text part 0");
  EXPECT_EQ(r.chunks[0].type, "notion_page");
  EXPECT_EQ(r.chunks[0].timestamp, this->kStart + 10);

  auto chunks = s.ListChunks("ws", u.uid);
  ASSERT_TRUE(chunks.ok());
  EXPECT_EQ(chunks->size(), 1u);
  auto records = s.ListRecords("ws", u.uid);
  ASSERT_TRUE(records.ok());
  EXPECT_EQ(records->size(), 1u);
}

TYPED_TEST(RecordsTest, UpdateWithEqualHashIsUnchangedAndDoesNotBumpVersion) {
  const domain::User u = this->Register("ws", "u1");
  const WritePolicy update{.dedupe = true, .update_existing = true};
  auto first = this->Write(u, {this->MakeRecord("e1", "text")}, update);
  this->clock_.Advance(1000);
  auto second = this->Write(u, {this->MakeRecord("e1", "text")}, update);
  ExpectOutcome(second.results[0], "e1", WriteOutcome::kSkipped, "unchanged");
  EXPECT_EQ(second.user_version, first.user_version);
  auto got = this->store().GetRecord("ws", u.uid, "e1");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->updated_at, this->kStart);
  auto user = this->store().GetUser("ws", "u1");
  ASSERT_TRUE(user.ok() && user->has_value());
  EXPECT_EQ((*user)->version, first.user_version);
}

TYPED_TEST(RecordsTest, UpdateWithDedupeOffStillUpdates) {
  const domain::User u = this->Register("ws", "u1");
  const WritePolicy update_only{.dedupe = false, .update_existing = true};
  this->Write(u, {this->MakeRecord("e1", "one")}, update_only);
  auto res = this->Write(u, {this->MakeRecord("e1", "two")}, update_only);
  ExpectOutcome(res.results[0], "e1", WriteOutcome::kUpdated);
}

TYPED_TEST(RecordsTest, SameIdTwiceInOneBatch) {
  const domain::User u = this->Register("ws", "u1");
  auto skip = this->Write(u, {this->MakeRecord("e1", "a"), this->MakeRecord("e1", "b")});
  ExpectOutcome(skip.results[0], "e1", WriteOutcome::kInserted);
  ExpectOutcome(skip.results[1], "e1", WriteOutcome::kSkipped, "duplicate_id");

  const WritePolicy update{.dedupe = true, .update_existing = true};
  auto upd = this->Write(u, {this->MakeRecord("e2", "a2"), this->MakeRecord("e2", "b2")}, update);
  ExpectOutcome(upd.results[0], "e2", WriteOutcome::kInserted);
  ExpectOutcome(upd.results[1], "e2", WriteOutcome::kUpdated);
  auto got = this->store().GetRecord("ws", u.uid, "e2");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->content, "b2");
}

TYPED_TEST(RecordsTest, VersionBumpsOnlyWhenSomethingChanged) {
  const domain::User u = this->Register("ws", "u1");
  auto a = this->Write(u, {this->MakeRecord("e1", "x"), this->MakeRecord("e2", "y")});
  EXPECT_EQ(a.user_version, u.version + 1) << "one bump per batch";
  auto b = this->Write(u, {this->MakeRecord("e1", "x")});
  EXPECT_EQ(b.user_version, a.user_version);
  auto c = this->Write(u, {});
  EXPECT_EQ(c.user_version, a.user_version);
  this->clock_.Advance(7);
  auto d = this->Write(u, {this->MakeRecord("e3", "z")});
  EXPECT_EQ(d.user_version, a.user_version + 1);
  auto user = this->store().GetUser("ws", "u1");
  ASSERT_TRUE(user.ok() && user->has_value());
  EXPECT_EQ((*user)->version, d.user_version);
  EXPECT_EQ((*user)->updated_at, this->kStart + 7);
}

TYPED_TEST(RecordsTest, UnknownOrForeignUserIsNotFound) {
  auto& s = this->store();
  const domain::User u = this->Register("ws_a", "u1");
  WriteBatch foreign{.workspace = "ws_b", .uid = u.uid, .records = {this->MakeRecord("e", "x")}};
  EXPECT_EQ(s.WriteRecords(foreign).status().code(), StatusCode::kNotFound);
  WriteBatch ghost{.workspace = "ws_a", .uid = u.uid + 1000, .records = {this->MakeRecord("e", "x")}};
  EXPECT_EQ(s.WriteRecords(ghost).status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(*s.DeleteUser("ws_a", "u1"));
  WriteBatch deleted{.workspace = "ws_a", .uid = u.uid, .records = {this->MakeRecord("e", "x")}};
  EXPECT_EQ(s.WriteRecords(deleted).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(s.Stats()->records, 0);
}

TYPED_TEST(RecordsTest, ListsCountsAndOrder) {
  auto& s = this->store();
  const domain::User u = this->Register("ws", "u1");
  const domain::User other = this->Register("ws", "u2");
  this->Write(u, {this->MakeRecord("m1", "hello", this->kStart + 30, RecordKind::kMessage, 2),
                  this->MakeRecord("d1", "doc", this->kStart + 10, RecordKind::kDocument, 3)});
  this->Write(u, {this->MakeRecord("e1", "evt", this->kStart + 20, RecordKind::kEvent, 1)});
  this->Write(other, {this->MakeRecord("x1", "not yours", this->kStart, RecordKind::kEvent, 4)});

  auto records = s.ListRecords("ws", u.uid);
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 3u);
  // Store order: oldest write first, regardless of timestamps.
  EXPECT_EQ((*records)[0].id, "m1");
  EXPECT_EQ((*records)[1].id, "d1");
  EXPECT_EQ((*records)[2].id, "e1");
  EXPECT_EQ((*records)[0].speaker, "user");
  for (const Record& r : *records) EXPECT_TRUE(r.chunks.empty());

  auto chunks = s.ListChunks("ws", u.uid);
  ASSERT_TRUE(chunks.ok());
  std::vector<std::string> ids;
  for (const auto& c : *chunks) ids.push_back(c.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"m1#0", "m1#1", "d1#0", "d1#1", "d1#2", "e1#0"}));
  EXPECT_EQ((*chunks)[0].kind, RecordKind::kMessage);
  EXPECT_EQ((*chunks)[0].speaker, "user");
  EXPECT_EQ((*chunks)[0].source, "test");
  EXPECT_EQ((*chunks)[0].timestamp, this->kStart + 30);
  EXPECT_EQ((*chunks)[2].record_id, "d1");

  auto counts = s.CountRecords("ws", u.uid);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->events, 1);
  EXPECT_EQ(counts->documents, 1);
  EXPECT_EQ(counts->messages, 1);
  EXPECT_EQ(counts->chunks, 6);

  auto stats = s.Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->users, 2);
  EXPECT_EQ(stats->records, 4);
  EXPECT_EQ(stats->chunks, 10);
}

TYPED_TEST(RecordsTest, ReadsThroughAnotherWorkspaceSeeNothing) {
  auto& s = this->store();
  const domain::User u = this->Register("ws_a", "u1");
  this->Write(u, {this->MakeRecord("e1", "secret", this->kStart, RecordKind::kEvent, 2)});
  auto rec = s.GetRecord("ws_b", u.uid, "e1");
  ASSERT_TRUE(rec.ok());
  EXPECT_FALSE(rec->has_value());
  auto list = s.ListRecords("ws_b", u.uid);
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());
  auto chunks = s.ListChunks("ws_b", u.uid);
  ASSERT_TRUE(chunks.ok());
  EXPECT_TRUE(chunks->empty());
  auto counts = s.CountRecords("ws_b", u.uid);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->events + counts->chunks, 0);
}

TYPED_TEST(RecordsTest, DeleteUserRemovesRecordsAndChunks) {
  auto& s = this->store();
  const domain::User u = this->Register("ws", "u1");
  const domain::User keep = this->Register("ws", "u2");
  this->Write(u, {this->MakeRecord("e1", "a", this->kStart, RecordKind::kEvent, 2),
                  this->MakeRecord("d1", "b", this->kStart, RecordKind::kDocument, 3)});
  this->Write(keep, {this->MakeRecord("e1", "a", this->kStart, RecordKind::kEvent, 1)});

  auto del = s.DeleteUser("ws", "u1");
  ASSERT_TRUE(del.ok());
  EXPECT_TRUE(*del);
  auto gone = s.GetUser("ws", "u1");
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
  EXPECT_TRUE(s.ListRecords("ws", u.uid)->empty());
  EXPECT_TRUE(s.ListChunks("ws", u.uid)->empty());
  auto stats = s.Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->users, 1);
  EXPECT_EQ(stats->records, 1);
  EXPECT_EQ(stats->chunks, 1);
  EXPECT_EQ(s.ListChunks("ws", keep.uid)->size(), 1u);

  auto again = s.DeleteUser("ws", "u1");
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
}

}  // namespace
}  // namespace engram::conformance
