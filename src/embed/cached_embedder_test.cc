// CachedEmbedder: hits, per-batch deduplication, LRU eviction, failures not cached, concurrency.
#include "embed/cached_embedder.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "embed/hash_embedder.h"

namespace engram::embed {
namespace {

// Counts what reaches the inner embedder; can be told to fail.
class CountingEmbedder final : public Embedder {
 public:
  std::string_view Name() const override { return "counting"; }
  int Dimension() const override { return hash_.Dimension(); }
  Result<std::vector<Vector>> Embed(const std::vector<std::string>& texts) override {
    calls.fetch_add(1);
    texts_seen.fetch_add(texts.size());
    if (fail.load()) return Status::Unavailable("down");
    return hash_.Embed(texts);
  }
  std::atomic<int> calls{0};
  std::atomic<size_t> texts_seen{0};
  std::atomic<bool> fail{false};

 private:
  HashEmbedder hash_{HashEmbedderOptions{.dim = 16}};
};

struct Fixture {
  explicit Fixture(size_t capacity) {
    auto c = std::make_unique<CountingEmbedder>();
    inner = c.get();
    cached = std::make_unique<CachedEmbedder>(std::move(c), CachedEmbedderOptions{.capacity = capacity});
  }
  CountingEmbedder* inner;
  std::unique_ptr<CachedEmbedder> cached;
};

TEST(CachedEmbedderTest, SecondCallHitsCache) {
  Fixture f(8);
  HashEmbedder ref(HashEmbedderOptions{.dim = 16});
  auto a = f.cached->Embed({"alpha", "beta"});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(f.inner->calls.load(), 1);
  auto b = f.cached->Embed({"beta", "alpha"});
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(f.inner->calls.load(), 1);
  EXPECT_EQ((*b)[0], ref.EmbedOne("beta"));
  EXPECT_EQ((*b)[1], ref.EmbedOne("alpha"));
  EXPECT_EQ(f.cached->hits(), 2u);
  EXPECT_EQ(f.cached->misses(), 2u);
  EXPECT_EQ(f.cached->Name(), "counting");
  EXPECT_EQ(f.cached->Dimension(), 16);
}

TEST(CachedEmbedderTest, OnlyDistinctMissesGoInner) {
  Fixture f(8);
  ASSERT_TRUE(f.cached->Embed({"a"}).ok());
  auto r = f.cached->Embed({"a", "b", "b", "c", "a"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(f.inner->calls.load(), 2);
  EXPECT_EQ(f.inner->texts_seen.load(), 3u);  // "a", then "b" and "c" once each
  EXPECT_EQ((*r)[1], (*r)[2]);
  EXPECT_EQ((*r)[0], (*r)[4]);
  EXPECT_EQ(f.cached->size(), 3u);
}

TEST(CachedEmbedderTest, EvictsLeastRecentlyUsed) {
  Fixture f(2);
  ASSERT_TRUE(f.cached->Embed({"a"}).ok());
  ASSERT_TRUE(f.cached->Embed({"b"}).ok());
  ASSERT_TRUE(f.cached->Embed({"a"}).ok());  // a is now most recent
  ASSERT_TRUE(f.cached->Embed({"c"}).ok());  // evicts b
  EXPECT_EQ(f.cached->size(), 2u);
  const int before = f.inner->calls.load();
  ASSERT_TRUE(f.cached->Embed({"a", "c"}).ok());
  EXPECT_EQ(f.inner->calls.load(), before);
  ASSERT_TRUE(f.cached->Embed({"b"}).ok());
  EXPECT_EQ(f.inner->calls.load(), before + 1);
}

TEST(CachedEmbedderTest, FailuresAreNotCached) {
  Fixture f(8);
  f.inner->fail = true;
  auto r = f.cached->Embed({"x"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(f.cached->size(), 0u);
  f.inner->fail = false;
  ASSERT_TRUE(f.cached->Embed({"x"}).ok());
  ASSERT_TRUE(f.cached->Embed({"x"}).ok());
  EXPECT_EQ(f.inner->calls.load(), 2);
}

TEST(CachedEmbedderTest, ZeroCapacityPassesThrough) {
  Fixture f(0);
  ASSERT_TRUE(f.cached->Embed({"x"}).ok());
  ASSERT_TRUE(f.cached->Embed({"x"}).ok());
  EXPECT_EQ(f.inner->calls.load(), 2);
  EXPECT_EQ(f.cached->size(), 0u);
}

TEST(CachedEmbedderTest, ClearDropsEntries) {
  Fixture f(4);
  ASSERT_TRUE(f.cached->Embed({"x", "y"}).ok());
  f.cached->Clear();
  EXPECT_EQ(f.cached->size(), 0u);
  ASSERT_TRUE(f.cached->Embed({"x"}).ok());
  EXPECT_EQ(f.inner->calls.load(), 2);
}

TEST(CachedEmbedderTest, ConcurrentCallersGetCorrectVectors) {
  Fixture f(16);
  HashEmbedder ref(HashEmbedderOptions{.dim = 16});
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        const std::string text = "q" + std::to_string((i * 7 + t) % 40);  // > capacity: evictions too
        auto r = f.cached->Embed({text});
        if (!r.ok() || (*r)[0] != ref.EmbedOne(text)) wrong.fetch_add(1);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_LE(f.cached->size(), 16u);
  EXPECT_EQ(f.cached->hits() + f.cached->misses(), 2000u);
}

}  // namespace
}  // namespace engram::embed
