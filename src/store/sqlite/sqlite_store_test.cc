// Backend-specific behaviour of the SQLite store (the shared contract is in tests/conformance/).
#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <cstdio>
#include <filesystem>
#include <thread>
#include <vector>

#include "common/crypto.h"
#include "common/metrics.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/schema.h"
#include "store/sqlite/test_util.h"

namespace engram::store {
namespace {

using sqlite::TempDir;

std::unique_ptr<Store> OpenOrDie(const SqliteOptions& o) {
  auto s = OpenSqliteStore(o);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s).value() : nullptr;
}

domain::Record MakeRecord(const std::string& id, int chunks = 1) {
  domain::Record r;
  r.id = id;
  r.content = "content of " + id;
  r.timestamp = 1000;
  r.content_hash = Sha256Hex(r.content);
  for (int n = 0; n < chunks; ++n) {
    r.chunks.push_back({.id = id + "#" + std::to_string(n), .record_id = id, .n = n, .text = "t"});
  }
  return r;
}

TEST(SqliteStoreTest, RejectsPathsThatCannotBeShared) {
  EXPECT_EQ(OpenSqliteStore({.path = ""}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenSqliteStore({.path = ":memory:"}).status().code(), StatusCode::kInvalidArgument);
}

TEST(SqliteStoreTest, CreatesParentDirectoryAndUsesWal) {
  TempDir dir;
  const std::string path = dir.File("a/b/c/engram.db");
  auto s = OpenOrDie({.path = path});
  ASSERT_TRUE(s);
  EXPECT_TRUE(std::filesystem::exists(path));
  ASSERT_TRUE(s->Close().ok());
  auto c = sqlite::Connection::Open(path, {.read_only = true});
  ASSERT_TRUE(c.ok());
  auto q = (*c)->Prepare("PRAGMA journal_mode");
  ASSERT_TRUE(q.ok());
  ASSERT_TRUE(*q->Step());
  EXPECT_EQ(q->Text(0), "wal") << "WAL is persistent in the file";
}

TEST(SqliteStoreTest, ReopenKeepsDataAndDoesNotRemigrate) {
  TempDir dir;
  const SqliteOptions o{.path = dir.File("engram.db"), .synchronous_full = false};
  int64_t uid = 0;
  {
    auto s = OpenOrDie(o);
    auto u = s->RegisterUser({.workspace = "ws", .id = "u1"});
    ASSERT_TRUE(u.ok());
    uid = u->user.uid;
    ASSERT_TRUE(s->WriteRecords({.workspace = "ws", .uid = uid, .records = {MakeRecord("r1", 2)}}).ok());
    ASSERT_TRUE(s->Close().ok());
  }
  for (int i = 0; i < 3; ++i) {
    auto s = OpenOrDie(o);
    auto counts = s->CountRecords("ws", uid);
    ASSERT_TRUE(counts.ok());
    EXPECT_EQ(counts->events, 1);
    EXPECT_EQ(counts->chunks, 2);
    // Destructor without Close() must close cleanly too.
  }
  auto c = sqlite::Connection::Open(o.path, {.read_only = true});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(*sqlite::SchemaVersion(**c), sqlite::LatestSchemaVersion());
}

TEST(SqliteStoreTest, RecordsMetrics) {
  TempDir dir;
  Metrics metrics;
  auto s = OpenOrDie({.path = dir.File("engram.db"), .metrics = &metrics});
  auto u = s->RegisterUser({.workspace = "ws", .id = "u1"});
  ASSERT_TRUE(u.ok());
  ASSERT_TRUE(s->WriteRecords({.workspace = "ws", .uid = u->user.uid, .records = {MakeRecord("r")}}).ok());
  ASSERT_TRUE(s->ListChunks("ws", u->user.uid).ok());
  EXPECT_EQ(metrics.GetHistogram("engram_store_write_seconds", "", {{"op", "write_records"}})->Count(), 1u);
  EXPECT_EQ(metrics.GetHistogram("engram_store_write_seconds", "", {{"op", "register_user"}})->Count(), 1u);
  EXPECT_EQ(metrics.GetHistogram("engram_store_read_seconds", "", {{"op", "list_chunks"}})->Count(), 1u);
  EXPECT_EQ(metrics.GetCounter("engram_store_group_commits_total", "")->Value(), 2);
  ASSERT_TRUE(s->Close().ok());
}

TEST(SqliteStoreTest, ReadersSeeALongWriteAllOrNothing) {
  // WAL: pooled readers go on during a long write transaction and see it whole or not at all.
  TempDir dir;
  auto s = OpenOrDie({.path = dir.File("engram.db"), .read_connections = 2});
  auto u = s->RegisterUser({.workspace = "ws", .id = "u1"});
  ASSERT_TRUE(u.ok());
  std::vector<domain::Record> big;
  for (int i = 0; i < 2000; ++i) big.push_back(MakeRecord("r" + std::to_string(i), 3));
  std::atomic<bool> done{false};
  std::thread writer([&] {
    EXPECT_TRUE(s->WriteRecords({.workspace = "ws", .uid = u->user.uid, .records = big}).ok());
    done = true;
  });
  do {
    auto c = s->CountRecords("ws", u->user.uid);
    ASSERT_TRUE(c.ok());
    // A reader sees the batch all or nothing.
    EXPECT_TRUE(c->events == 0 || c->events == 2000) << c->events;
  } while (!done);
  writer.join();
  EXPECT_EQ(s->CountRecords("ws", u->user.uid)->chunks, 6000);
}

// Acknowledged writes survive kill -9: a child process writes from several threads and reports
// each acknowledged record id through a pipe; the parent kills it mid-stream, reopens the file and
// checks that every reported id is stored.
TEST(SqliteStoreTest, AcknowledgedWritesSurviveKill9) {
  TempDir dir;
  const std::string path = dir.File("engram.db");
  int64_t uid = 0;
  {
    auto s = OpenOrDie({.path = path});
    auto u = s->RegisterUser({.workspace = "ws", .id = "u1"});
    ASSERT_TRUE(u.ok());
    uid = u->user.uid;
    ASSERT_TRUE(s->Close().ok());
  }
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[0]);
    auto opened = OpenSqliteStore({.path = path});
    if (!opened.ok()) _exit(2);
    Store* s = opened->get();
    std::vector<std::thread> threads;
    std::mutex pipe_mu;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0;; ++i) {
          const std::string id = "t" + std::to_string(t) + "_" + std::to_string(i);
          if (!s->WriteRecords({.workspace = "ws", .uid = uid, .records = {MakeRecord(id)}}).ok()) _exit(3);
          const std::string line = id + "\n";
          std::lock_guard<std::mutex> lock(pipe_mu);
          if (write(fds[1], line.data(), line.size()) != static_cast<ssize_t>(line.size())) _exit(4);
        }
      });
    }
    for (auto& th : threads) th.join();  // never: the parent kills us
    _exit(0);
  }
  close(fds[1]);
  std::string acked;
  char buf[4096];
  size_t lines = 0;
  while (lines < 200) {
    const ssize_t n = read(fds[0], buf, sizeof buf);
    ASSERT_GT(n, 0) << "child died early";
    acked.append(buf, static_cast<size_t>(n));
    lines = static_cast<size_t>(std::count(acked.begin(), acked.end(), '\n'));
  }
  kill(child, SIGKILL);
  int wstatus = 0;
  waitpid(child, &wstatus, 0);
  // Drain what the child wrote before it died: those were acknowledged too.
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) acked.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  ASSERT_TRUE(WIFSIGNALED(wstatus));

  auto s = OpenOrDie({.path = path});
  size_t checked = 0;
  size_t start = 0;
  while (true) {
    const size_t end = acked.find('\n', start);
    if (end == std::string::npos) break;
    const std::string id = acked.substr(start, end - start);
    start = end + 1;
    auto r = s->GetRecord("ws", uid, id);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->has_value()) << "acknowledged record lost: " << id;
    ++checked;
  }
  EXPECT_GE(checked, 200u);
  auto counts = s->CountRecords("ws", uid);
  ASSERT_TRUE(counts.ok());
  EXPECT_GE(static_cast<size_t>(counts->events), checked);
}

}  // namespace
}  // namespace engram::store
