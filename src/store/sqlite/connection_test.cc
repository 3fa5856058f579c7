#include "store/sqlite/connection.h"

#include <gtest/gtest.h>

#include "store/sqlite/schema.h"
#include "store/sqlite/test_util.h"

namespace engram::store::sqlite {
namespace {

std::unique_ptr<Connection> OpenOrDie(const std::string& path, bool read_only = false,
                                      int busy_ms = 5000) {
  auto c = Connection::Open(path, {.read_only = read_only, .busy_timeout_ms = busy_ms});
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? std::move(c).value() : nullptr;
}

TEST(ConnectionTest, BindsStepsAndReadsColumns) {
  TempDir dir;
  auto c = OpenOrDie(dir.File("t.db"));
  ASSERT_TRUE(c->ExecScript("CREATE TABLE t (a INTEGER, b TEXT, c TEXT)").ok());
  const std::string with_nul("x\0y", 3);
  ASSERT_TRUE(c->Exec("INSERT INTO t VALUES (?1, ?2, ?3)", int64_t{7}, with_nul, std::nullopt).ok());
  ASSERT_TRUE(c->Exec("INSERT INTO t VALUES (?1, ?2, ?3)", 8, "plain", std::optional<std::string>("o"))
                  .ok());
  EXPECT_EQ(c->Changes(), 1);
  EXPECT_EQ(c->LastInsertRowId(), 2);

  auto q = c->Prepare("SELECT a, b, c FROM t ORDER BY a");
  ASSERT_TRUE(q.ok());
  ASSERT_TRUE(*q->Step());
  EXPECT_EQ(q->Int(0), 7);
  EXPECT_EQ(q->Text(1), with_nul) << "text is length-delimited, not NUL-terminated";
  EXPECT_TRUE(q->IsNull(2));
  EXPECT_EQ(q->Text(2), "");
  ASSERT_TRUE(*q->Step());
  EXPECT_EQ(q->Int(0), 8);
  EXPECT_EQ(q->Text(2), "o");
  EXPECT_FALSE(*q->Step());
}

TEST(ConnectionTest, CachesStatementsAndRefusesConcurrentUseOfOne) {
  TempDir dir;
  auto c = OpenOrDie(dir.File("t.db"));
  {
    auto a = c->Prepare("SELECT 1");
    ASSERT_TRUE(a.ok());
    auto b = c->Prepare("SELECT 1");
    EXPECT_EQ(b.status().code(), StatusCode::kInternal) << "same statement while still in use";
  }
  auto again = c->Prepare("SELECT 1");
  ASSERT_TRUE(again.ok()) << "released when the Query died";
  EXPECT_EQ(c->CachedStatements(), 1u);
  EXPECT_EQ(*c->QueryInt("SELECT ?1 + 1", 41), std::optional<int64_t>(42));
  EXPECT_EQ(c->CachedStatements(), 2u);
}

TEST(ConnectionTest, MapsErrors) {
  TempDir dir;
  auto c = OpenOrDie(dir.File("t.db"));
  ASSERT_TRUE(c->ExecScript("CREATE TABLE t (id TEXT PRIMARY KEY, v TEXT NOT NULL)").ok());
  ASSERT_TRUE(c->Exec("INSERT INTO t VALUES ('a', 'x')").ok());
  EXPECT_EQ(c->Exec("INSERT INTO t VALUES ('a', 'y')").code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(c->Exec("INSERT INTO t VALUES ('b', NULL)").code(), StatusCode::kInternal);
  Status syntax = c->Exec("SELEC nothing");
  EXPECT_EQ(syntax.code(), StatusCode::kInternal);
  EXPECT_NE(syntax.message().find("syntax"), std::string::npos) << syntax.message();
  // Binding past the last parameter is remembered and reported by Step.
  auto q = c->Prepare("SELECT ?1", 1, 2);
  ASSERT_TRUE(q.ok());
  EXPECT_FALSE(q->Step().ok());
}

TEST(ConnectionTest, BusyAfterTimeoutIsUnavailable) {
  TempDir dir;
  auto holder = OpenOrDie(dir.File("t.db"));
  ASSERT_TRUE(holder->ExecScript("PRAGMA journal_mode=WAL; CREATE TABLE t (x)").ok());
  auto other = OpenOrDie(dir.File("t.db"), false, /*busy_ms=*/50);
  ASSERT_TRUE(holder->ExecScript("BEGIN IMMEDIATE").ok());
  Status st = other->ExecScript("BEGIN IMMEDIATE");
  EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.ToString();
  ASSERT_TRUE(holder->ExecScript("COMMIT").ok());
  EXPECT_TRUE(other->ExecScript("BEGIN IMMEDIATE; COMMIT").ok());
}

TEST(ConnectionTest, ReadOnlyConnectionCannotWrite) {
  TempDir dir;
  auto w = OpenOrDie(dir.File("t.db"));
  ASSERT_TRUE(w->ExecScript("PRAGMA journal_mode=WAL; CREATE TABLE t (x)").ok());
  auto r = OpenOrDie(dir.File("t.db"), /*read_only=*/true);
  EXPECT_FALSE(r->Exec("INSERT INTO t VALUES (1)").ok());
  EXPECT_TRUE(r->QueryInt("SELECT COUNT(*) FROM t").ok());
}

TEST(ConnectionTest, OpenFailureIsAStatus) {
  auto c = Connection::Open("/nonexistent-dir/sub/x.db", {});
  EXPECT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInternal);
}

// --- schema ---------------------------------------------------------------------------------------

TEST(SchemaTest, MigrateIsIdempotent) {
  TempDir dir;
  auto c = OpenOrDie(dir.File("t.db"));
  ASSERT_TRUE(Migrate(*c).ok());
  EXPECT_EQ(*SchemaVersion(*c), LatestSchemaVersion());
  ASSERT_TRUE(Migrate(*c).ok()) << "a second run applies nothing";
  EXPECT_EQ(*SchemaVersion(*c), LatestSchemaVersion());
  c.reset();
  auto reopened = OpenOrDie(dir.File("t.db"));
  ASSERT_TRUE(Migrate(*reopened).ok());
  EXPECT_EQ(*SchemaVersion(*reopened), LatestSchemaVersion());
}

TEST(SchemaTest, AppendedMigrationRunsOnceOnTopOfExisting) {
  TempDir dir;
  auto c = OpenOrDie(dir.File("t.db"));
  std::vector<Migration> list(Migrations().begin(), Migrations().end());
  ASSERT_TRUE(Migrate(*c, list).ok());
  const int next = LatestSchemaVersion() + 1;
  list.push_back({next, "test: add memories", "CREATE TABLE memories_test (id INTEGER PRIMARY KEY)"});
  ASSERT_TRUE(Migrate(*c, list).ok());
  EXPECT_EQ(*SchemaVersion(*c), next);
  ASSERT_TRUE(Migrate(*c, list).ok()) << "CREATE TABLE would fail if it ran twice";
  EXPECT_TRUE(c->Exec("INSERT INTO memories_test DEFAULT VALUES").ok());
}

TEST(SchemaTest, VectorsMoveOffTheChunkRowsKeepingThemAndTheCascade) {
  TempDir dir;
  auto c = OpenOrDie(dir.File("t.db"));
  ASSERT_TRUE(c->ExecScript("PRAGMA foreign_keys = ON").ok());
  std::vector<Migration> before(Migrations().begin(), Migrations().begin() + 6);
  ASSERT_TRUE(Migrate(*c, before).ok());
  ASSERT_TRUE(c->ExecScript(
                   "INSERT INTO users (uid, workspace, user_id, created_at, updated_at) VALUES (1, 'ws', 'u', 0, 0);"
                   "INSERT INTO records (rid, uid, record_id, kind, ts, content, created_at, updated_at) "
                   "VALUES (1, 1, 'r', 0, 0, 'hello', 0, 0);"
                   "INSERT INTO chunks (uid, record_rid, chunk_id, n, text, kind, ts, vector, vector_model) "
                   "VALUES (1, 1, 'r#0', 0, 'hello', 0, 0, x'0000803f', 'hash'), "
                   "       (1, 1, 'r#1', 1, 'world', 0, 0, NULL, NULL);")
                  .ok());
  ASSERT_TRUE(Migrate(*c).ok());
  EXPECT_EQ(*SchemaVersion(*c), LatestSchemaVersion());
  EXPECT_EQ(*c->QueryInt("SELECT count(*) FROM chunk_vectors WHERE uid = 1 AND chunk_id = 'r#0' AND model = 'hash' "
                         "AND vector = x'0000803f'"),
            1);
  EXPECT_EQ(*c->QueryInt("SELECT count(*) FROM chunk_vectors"), 1) << "chunks without a vector have none";
  EXPECT_FALSE(c->Exec("SELECT vector FROM chunks").ok()) << "the column is gone";
  ASSERT_TRUE(c->Exec("DELETE FROM chunks WHERE record_rid = 1").ok());
  EXPECT_EQ(*c->QueryInt("SELECT count(*) FROM chunk_vectors"), 0) << "a deleted chunk takes its vector";
}

TEST(SchemaTest, ChunksLoseTheirRecordCopiesAndKeepTheirRows) {
  TempDir dir;
  auto c = OpenOrDie(dir.File("t.db"));
  std::vector<Migration> before(Migrations().begin(), Migrations().begin() + 7);
  ASSERT_TRUE(Migrate(*c, before).ok());
  ASSERT_TRUE(c->ExecScript(
                   "INSERT INTO users (uid, workspace, user_id, created_at, updated_at) VALUES (1, 'ws', 'u', 0, 0);"
                   "INSERT INTO records (rid, uid, record_id, kind, type, ts, content, created_at, updated_at) "
                   "VALUES (1, 1, 'r', 2, 'message', 7, 'hello', 0, 0);"
                   "INSERT INTO chunks (uid, record_rid, chunk_id, n, text, kind, type, source, speaker, ts) "
                   "VALUES (1, 1, 'r#0', 0, 'hello', 2, 'message', '', 'user', 7);")
                  .ok());
  ASSERT_TRUE(Migrate(*c).ok());
  EXPECT_EQ(*c->QueryInt("SELECT count(*) FROM chunks c JOIN records r ON r.rid = c.record_rid "
                         "WHERE c.chunk_id = 'r#0' AND c.speaker = 'user' AND r.kind = 2 AND r.ts = 7"),
            1);
  EXPECT_FALSE(c->Exec("SELECT kind FROM chunks").ok()) << "the copy is gone";
}

TEST(SchemaTest, FailedMigrationLeavesPreviousVersion) {
  TempDir dir;
  auto c = OpenOrDie(dir.File("t.db"));
  std::vector<Migration> list(Migrations().begin(), Migrations().end());
  ASSERT_TRUE(Migrate(*c, list).ok());
  const int next = LatestSchemaVersion() + 1;
  list.push_back({next, "broken", "CREATE TABLE ok_part (x); CREATE TABLE users (x)"});
  EXPECT_FALSE(Migrate(*c, list).ok());
  EXPECT_EQ(*SchemaVersion(*c), LatestSchemaVersion());
  EXPECT_FALSE(c->Exec("INSERT INTO ok_part VALUES (1)").ok()) << "rolled back as a whole";
}

TEST(SchemaTest, RefusesNewerDatabase) {
  TempDir dir;
  auto c = OpenOrDie(dir.File("t.db"));
  ASSERT_TRUE(c->ExecScript("PRAGMA user_version = 999").ok());
  Status st = Migrate(*c);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("newer"), std::string::npos);
}

}  // namespace
}  // namespace engram::store::sqlite
