#include "index/index_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <stdexcept>
#include <thread>
#include <vector>

#include "common/metrics.h"
#include "index/ranker.h"

namespace engram::index {
namespace {

using domain::Chunk;
using domain::Record;

Chunk MakeChunk(const std::string& record, int n, const std::string& text) {
  Chunk c;
  c.id = record + "#" + std::to_string(n);
  c.record_id = record;
  c.n = n;
  c.text = text;
  return c;
}

Record MakeRecord(const std::string& id, std::vector<std::string> texts) {
  Record r;
  r.id = id;
  for (size_t i = 0; i < texts.size(); ++i) r.chunks.push_back(MakeChunk(id, static_cast<int>(i), texts[i]));
  return r;
}

// A loader over a fixed corpus that counts its calls.
struct FakeStore {
  std::vector<Chunk> chunks;
  int64_t version = 1;
  std::atomic<int> loads{0};
  UserLoader Loader() {
    return [this]() -> Result<LoadedUser> {
      ++loads;
      LoadedUser u;
      u.version = version;
      u.chunks = chunks;
      return u;
    };
  }
};

std::vector<std::string> SearchIds(const std::shared_ptr<UserIndexHandle>& h, const std::string& text) {
  return h->Read([&](const UserIndex& idx) {
    std::vector<WeightedTerm> q;
    AppendQueryTerms(text, 1.0f, q);
    QueryPlan plan;
    plan.terms = q;
    std::vector<std::string> ids;
    for (const RankedHit& hit : Rank(idx, plan, {.k = 10}).hits) ids.emplace_back(idx.ChunkId(hit.ordinal));
    return ids;
  });
}

TEST(IndexCacheTest, ConcurrentAcquiresBuildOnce) {
  FakeStore store;
  store.chunks = {MakeChunk("a", 0, "alpha bravo"), MakeChunk("b", 0, "charlie delta")};
  IndexCache cache(64 << 20);
  UserLoader slow = [&]() -> Result<LoadedUser> {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return store.Loader()();
  };
  std::vector<std::future<std::shared_ptr<UserIndexHandle>>> futures;
  for (int i = 0; i < 8; ++i) {
    futures.push_back(std::async(std::launch::async, [&] {
      auto r = cache.Acquire("ws", 7, slow);
      EXPECT_TRUE(r.ok());
      return r.ok() ? r.value() : nullptr;
    }));
  }
  std::vector<std::shared_ptr<UserIndexHandle>> handles;
  for (auto& f : futures) handles.push_back(f.get());
  EXPECT_EQ(store.loads.load(), 1);
  for (const auto& h : handles) EXPECT_EQ(h, handles[0]);
  EXPECT_EQ(SearchIds(handles[0], "delta"), (std::vector<std::string>{"b#0"}));
  EXPECT_EQ(cache.resident_users(), 1u);
  // Another workspace with the same uid is another user.
  ASSERT_TRUE(cache.Acquire("ws2", 7, store.Loader()).ok());
  EXPECT_EQ(store.loads.load(), 2);
}

TEST(IndexCacheTest, WritesUpdateResidentIndexesOnly) {
  FakeStore store;
  store.version = 3;
  store.chunks = {MakeChunk("note_1", 0, "old lunch plan"), MakeChunk("note_2", 0, "gym on monday")};
  IndexCache cache(64 << 20);
  auto h = cache.Acquire("ws", 1, store.Loader()).value();

  const Record added[] = {MakeRecord("note_3", {"dinner with Sam", "at the harbour"})};
  cache.OnRecordsWritten("ws", 1, 4, added);
  EXPECT_EQ(SearchIds(h, "harbour"), (std::vector<std::string>{"note_3#1"}));

  const Record replaced[] = {MakeRecord("note_1", {"new lunch plan: sushi"})};
  cache.OnRecordsWritten("ws", 1, 5, replaced);
  EXPECT_EQ(SearchIds(h, "sushi"), (std::vector<std::string>{"note_1#0"}));
  EXPECT_EQ(SearchIds(h, "old"), (std::vector<std::string>{}));

  const std::string deleted[] = {"note_2"};
  cache.OnRecordsDeleted("ws", 1, 6, deleted);
  EXPECT_TRUE(SearchIds(h, "gym").empty());

  const ChunkVector vecs[] = {{"note_3#0", {1, 0, 0}}, {"missing#0", {1, 0, 0}}};
  cache.OnVectorsWritten("ws", 1, vecs);
  h->Read([](const UserIndex& idx) {
    EXPECT_EQ(idx.version(), 6);
    EXPECT_EQ(idx.size(), 3u);
    EXPECT_TRUE(idx.HasVector(*idx.Find("note_3#0")));
  });

  // A stale notification (already in the loaded snapshot) is skipped.
  const Record stale[] = {MakeRecord("note_2", {"gym on monday"})};
  cache.OnRecordsWritten("ws", 1, 3, stale);
  EXPECT_TRUE(SearchIds(h, "gym").empty());

  // Not resident: ignored, and nothing is loaded.
  cache.OnRecordsWritten("ws", 2, 9, added);
  EXPECT_EQ(cache.Peek("ws", 2), nullptr);
  EXPECT_EQ(store.loads.load(), 1);
  EXPECT_GT(cache.memory_bytes(), 0u);
}

TEST(IndexCacheTest, OutOfOrderWriteEvictsForReload) {
  FakeStore store;
  store.version = 1;
  IndexCache cache(64 << 20);
  ASSERT_TRUE(cache.Acquire("ws", 1, store.Loader()).ok());
  const Record r1[] = {MakeRecord("r", {"version ten"})};
  cache.OnRecordsWritten("ws", 1, 10, r1);
  ASSERT_NE(cache.Peek("ws", 1), nullptr);
  const Record r0[] = {MakeRecord("r", {"version nine"})};
  cache.OnRecordsWritten("ws", 1, 9, r0);  // arrived after 10: cannot be applied safely
  EXPECT_EQ(cache.Peek("ws", 1), nullptr);
  EXPECT_EQ(cache.resident_users(), 0u);
}

TEST(IndexCacheTest, WritesDuringLoadAreApplied) {
  FakeStore store;
  store.version = 5;
  store.chunks = {MakeChunk("a", 0, "apple")};
  IndexCache cache(64 << 20);
  std::promise<void> loader_started, release_loader;
  std::shared_future<void> release = release_loader.get_future().share();
  UserLoader blocking = [&]() -> Result<LoadedUser> {
    auto u = store.Loader()();  // the snapshot is read at version 5...
    loader_started.set_value();
    release.wait();             // ...and the build is slow
    return u;
  };
  auto acquired = std::async(std::launch::async, [&] { return cache.Acquire("ws", 1, blocking); });
  loader_started.get_future().wait();
  const Record newer[] = {MakeRecord("b", {"banana"})};
  const Record older[] = {MakeRecord("a", {"apricot"})};
  cache.OnRecordsWritten("ws", 1, 6, newer);  // after the snapshot: must be applied
  cache.OnRecordsWritten("ws", 1, 5, older);  // in the snapshot already: skipped
  release_loader.set_value();
  auto h = acquired.get();
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(SearchIds(h.value(), "banana"), (std::vector<std::string>{"b#0"}));
  EXPECT_EQ(SearchIds(h.value(), "apple"), (std::vector<std::string>{"a#0"}));
  h.value()->Read([](const UserIndex& idx) { EXPECT_EQ(idx.version(), 6); });
}

TEST(IndexCacheTest, EvictsLeastRecentlyUsedUnderBudget) {
  FakeStore store;
  for (int i = 0; i < 200; ++i) store.chunks.push_back(MakeChunk("r" + std::to_string(i), 0, "some words number " + std::to_string(i)));
  Metrics metrics;
  size_t one;
  {
    IndexCache probe(1 << 30);
    ASSERT_TRUE(probe.Acquire("ws", 0, store.Loader()).ok());
    one = probe.memory_bytes();
  }
  IndexCache cache(one * 2 + one / 2, {}, &metrics);  // room for two users
  auto held = cache.Acquire("ws", 1, store.Loader()).value();  // kept in use throughout
  ASSERT_TRUE(cache.Acquire("ws", 2, store.Loader()).ok());
  ASSERT_TRUE(cache.Acquire("ws", 3, store.Loader()).ok());  // over budget: evicts 2, not the held 1
  EXPECT_EQ(cache.resident_users(), 2u);
  EXPECT_NE(cache.Peek("ws", 1), nullptr);
  EXPECT_EQ(cache.Peek("ws", 2), nullptr);
  EXPECT_NE(cache.Peek("ws", 3), nullptr);
  EXPECT_LE(cache.memory_bytes(), cache.memory_budget());

  held.reset();
  ASSERT_TRUE(cache.Acquire("ws", 3, store.Loader()).ok());  // touch 3: now 1 is least recent
  ASSERT_TRUE(cache.Acquire("ws", 4, store.Loader()).ok());
  EXPECT_EQ(cache.Peek("ws", 1), nullptr);
  EXPECT_NE(cache.Peek("ws", 3), nullptr);

  EXPECT_EQ(metrics.GetGauge("engram_index_resident_users", "")->Value(), 2.0);
  EXPECT_EQ(metrics.GetGauge("engram_index_memory_bytes", "")->Value(), static_cast<double>(cache.memory_bytes()));
  EXPECT_EQ(metrics.GetCounter("engram_index_loads_total", "")->Value(), 4.0);
  EXPECT_EQ(metrics.GetHistogram("engram_index_load_seconds", "")->Count(), 4u);
}

TEST(IndexCacheTest, DropForgetsAndReloads) {
  FakeStore store;
  store.chunks = {MakeChunk("a", 0, "alpha")};
  IndexCache cache(64 << 20);
  auto h = cache.Acquire("ws", 1, store.Loader()).value();
  cache.Drop("ws", 1);
  EXPECT_EQ(cache.Peek("ws", 1), nullptr);
  EXPECT_EQ(cache.resident_users(), 0u);
  EXPECT_EQ(cache.memory_bytes(), 0u);
  EXPECT_EQ(SearchIds(h, "alpha").size(), 1u);  // a holder keeps its copy
  ASSERT_TRUE(cache.Acquire("ws", 1, store.Loader()).ok());
  EXPECT_EQ(store.loads.load(), 2);
}

TEST(IndexCacheTest, DropWorkspaceForgetsThatWorkspaceOnly) {
  FakeStore store;
  store.chunks = {MakeChunk("a", 0, "alpha")};
  IndexCache cache(64 << 20);
  ASSERT_TRUE(cache.Acquire("ws", 1, store.Loader()).ok());
  ASSERT_TRUE(cache.Acquire("ws", 2, store.Loader()).ok());
  ASSERT_TRUE(cache.Acquire("ws2", 1, store.Loader()).ok());
  ASSERT_TRUE(cache.Acquire("w", 1, store.Loader()).ok());  // a prefix of "ws" is another workspace
  cache.DropWorkspace("ws");
  EXPECT_EQ(cache.Peek("ws", 1), nullptr);
  EXPECT_EQ(cache.Peek("ws", 2), nullptr);
  EXPECT_NE(cache.Peek("ws2", 1), nullptr);
  EXPECT_NE(cache.Peek("w", 1), nullptr);
  EXPECT_EQ(cache.resident_users(), 2u);
}

TEST(IndexCacheTest, LoadFailuresAreReportedNotCached) {
  IndexCache cache(64 << 20);
  int calls = 0;
  UserLoader failing = [&]() -> Result<LoadedUser> {
    ++calls;
    return Status::Unavailable("store down");
  };
  auto r = cache.Acquire("ws", 1, failing);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_FALSE(cache.Acquire("ws", 1, failing).ok());
  EXPECT_EQ(calls, 2);
  UserLoader throwing = []() -> Result<LoadedUser> { throw std::runtime_error("boom"); };
  EXPECT_EQ(cache.Acquire("ws", 1, throwing).status().code(), StatusCode::kInternal);
  EXPECT_EQ(cache.resident_users(), 0u);
}

TEST(IndexCacheTest, SearchesRunWhileWritesApply) {
  FakeStore store;
  for (int i = 0; i < 300; ++i) store.chunks.push_back(MakeChunk("r" + std::to_string(i), 0, "common word " + std::to_string(i)));
  IndexCache cache(64 << 20, IndexOptions{.compact_min_dead = 8});  // compactions happen during the run
  auto h = cache.Acquire("ws", 1, store.Loader()).value();
  std::atomic<bool> stop{false};
  std::atomic<long> searches{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      std::vector<WeightedTerm> q;
      AppendQueryTerms("common word", 1.0f, q);
      while (!stop) {
        const size_t n = h->Read([&](const UserIndex& idx) {
          QueryPlan plan;
          plan.terms = q;
          const auto hits = Rank(idx, plan, {.k = 5}).hits;
          // A hit read under the lock is consistent: its id finds it, and its text is a document's.
          for (const RankedHit& hit : hits) {
            EXPECT_EQ(idx.Find(idx.ChunkId(hit.ordinal)), std::optional<uint32_t>(hit.ordinal));
            EXPECT_NE(idx.Text(hit.ordinal).find("common"), std::string_view::npos);
          }
          return hits.size();
        });
        EXPECT_EQ(n, 5u);
        ++searches;
      }
    });
  }
  // Writes interleave with searches: wait until the readers are searching before each half.
  auto wait_for_searches = [&](int n) {
    while (searches.load() < n) std::this_thread::yield();
  };
  wait_for_searches(1);
  for (int v = 2; v < 200; ++v) {
    const Record r[] = {MakeRecord("r" + std::to_string(v % 300), {"common word updated " + std::to_string(v)})};
    cache.OnRecordsWritten("ws", 1, v, r);
    if (v == 100) wait_for_searches(searches.load() + 3);
  }
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_GT(searches.load(), 0);
  h->Read([](const UserIndex& idx) {
    EXPECT_EQ(idx.size(), 300u);
    EXPECT_EQ(idx.version(), 199);
  });
}

TEST(IndexCacheTest, BadStoredVectorKeepsChunkLexically) {
  IndexCache cache(64 << 20);
  UserLoader loader = []() -> Result<LoadedUser> {
    LoadedUser u;
    u.chunks = {MakeChunk("a", 0, "alpha"), MakeChunk("b", 0, "bravo")};
    u.chunks[0].session_id = "s1";
    u.chunks[1].session_id = "s2";
    u.vectors = {{1, 0, 0}, {1, 0}};  // second has the wrong dimension
    return u;
  };
  auto h = cache.Acquire("ws", 1, loader).value();
  h->Read([](const UserIndex& idx) {
    EXPECT_EQ(idx.size(), 2u);
    EXPECT_TRUE(idx.HasVector(*idx.Find("a#0")));
    EXPECT_FALSE(idx.HasVector(*idx.Find("b#0")));
    EXPECT_EQ(idx.SessionId(*idx.Find("b#0")), "s2");
  });
}

}  // namespace
}  // namespace engram::index
