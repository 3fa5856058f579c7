// HashEmbedder: determinism, normalization and lexical similarity; plus the none embedder and the
// factory, which need no server.
#include "embed/hash_embedder.h"

#include <gtest/gtest.h>

#include <cmath>

#include "embed/factory.h"
#include "embed/none_embedder.h"

namespace engram::embed {
namespace {

double Norm(const Vector& v) {
  double s = 0;
  for (float x : v) s += static_cast<double>(x) * x;
  return std::sqrt(s);
}

TEST(HashEmbedderTest, ShapeAndName) {
  HashEmbedder e;
  EXPECT_EQ(e.Dimension(), 384);
  EXPECT_EQ(e.Name(), "hash-v1/384");
  EXPECT_TRUE(e.Enabled());
  auto r = e.Embed({"one", "two", "three"});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 3u);
  for (const auto& v : *r) EXPECT_EQ(v.size(), 384u);
  auto empty = e.Embed({});
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(HashEmbedderTest, DeterministicAcrossInstancesAndCalls) {
  HashEmbedder a, b;
  const std::string text = "Caroline moved to Berlin in 2023 and adopted a dog named Pixel.";
  EXPECT_EQ(a.EmbedOne(text), a.EmbedOne(text));
  EXPECT_EQ(a.EmbedOne(text), b.EmbedOne(text));
  auto batch = a.Embed({text, "other", text});
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ((*batch)[0], (*batch)[2]);
  EXPECT_EQ((*batch)[0], a.EmbedOne(text));
}

// Pins the algorithm: stored vectors depend on it, so any change must bump the version in Name().
TEST(HashEmbedderTest, GoldenValues) {
  HashEmbedder e(HashEmbedderOptions{.dim = 8});
  const Vector v = e.EmbedOne("Hello, world");
  const std::vector<float> golden = {0.6293168f, 0.0f, -0.4090559f, 0.0f, 0.0f, 0.4405217f, -0.4405217f, -0.2202609f};
  ASSERT_EQ(v.size(), golden.size());
  for (size_t i = 0; i < v.size(); ++i) EXPECT_NEAR(v[i], golden[i], 1e-6) << "component " << i;
}

TEST(HashEmbedderTest, L2Normalized) {
  HashEmbedder e;
  for (const char* t : {"a", "hello world", "The quick brown fox jumps over the lazy dog", "café ñandú 東京",
                        "x x x x x x x x x x"}) {
    EXPECT_NEAR(Norm(e.EmbedOne(t)), 1.0, 1e-5) << t;
  }
}

TEST(HashEmbedderTest, NoFeaturesGivesZeroVector) {
  HashEmbedder e;
  for (const char* t : {"", "   ", "?!, ..."}) {
    const Vector v = e.EmbedOne(t);
    ASSERT_EQ(v.size(), 384u);
    EXPECT_EQ(Norm(v), 0.0) << '"' << t << '"';
  }
}

TEST(HashEmbedderTest, AsciiCaseAndPunctuationIgnored) {
  HashEmbedder e;
  EXPECT_EQ(e.EmbedOne("Hello World"), e.EmbedOne("hello world"));
  EXPECT_EQ(e.EmbedOne("hello, world!"), e.EmbedOne("hello world"));
}

TEST(HashEmbedderTest, SharedWordsAreCloserThanUnrelated) {
  HashEmbedder e;
  const Vector q = e.EmbedOne("Where does Caroline live now?");
  const Vector near = e.EmbedOne("Caroline now lives in Berlin");
  const Vector far = e.EmbedOne("The quarterly revenue grew by ten percent");
  EXPECT_GT(Cosine(q, near), 0.3f);
  EXPECT_LT(std::abs(Cosine(q, far)), 0.2f);
  EXPECT_GT(Cosine(q, near), Cosine(q, far) + 0.2f);

  // Trigrams make inflections overlap even without a shared word.
  EXPECT_GT(Cosine(e.EmbedOne("walking"), e.EmbedOne("walked")), 0.15f);
  EXPECT_LT(std::abs(Cosine(e.EmbedOne("walking"), e.EmbedOne("pizza"))), 0.15f);
}

TEST(HashEmbedderTest, LexicalNotSemantic) {
  // Documented limitation: synonyms without shared surface forms are not close.
  HashEmbedder e;
  EXPECT_LT(Cosine(e.EmbedOne("car"), e.EmbedOne("automobile")), 0.3f);
}

TEST(HashEmbedderTest, Utf8AndInvalidBytes) {
  HashEmbedder e;
  EXPECT_GT(Cosine(e.EmbedOne("café au lait"), e.EmbedOne("un café")), 0.3f);
  const std::string bad = std::string("ab\xC3") + " \xFF\xFE" + "cd\xE2\x82";
  const Vector v = e.EmbedOne(bad);
  EXPECT_NEAR(Norm(v), 1.0, 1e-5);
  EXPECT_EQ(v, e.EmbedOne(bad));
}

TEST(HashEmbedderTest, SmallDimensionsWork) {
  HashEmbedder one(HashEmbedderOptions{.dim = 1});
  const Vector v = one.EmbedOne("anything at all");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NEAR(std::abs(v[0]), 1.0, 1e-6);
}

TEST(NoneEmbedderTest, DisabledAndUnavailable) {
  NoneEmbedder e;
  EXPECT_FALSE(e.Enabled());
  EXPECT_EQ(e.Dimension(), 0);
  EXPECT_EQ(e.Name(), "none");
  auto r = e.Embed({"x"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(r.status().message(), "no embedder configured");
}

TEST(FactoryTest, BuildsEachKind) {
  auto none = MakeEmbedder(EmbedderConfig{});
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE((*none)->Enabled());

  auto hash = MakeEmbedder(EmbedderConfig{.kind = "hash", .hash_dim = 64});
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ((*hash)->Dimension(), 64);
  EXPECT_EQ((*hash)->Name(), "hash-v1/64");

  EmbedderConfig remote{.kind = "remote"};
  remote.remote.url = "http://127.0.0.1:11434/";
  remote.remote.model = "nomic-embed-text";
  auto r = MakeEmbedder(remote);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)->Name(), "remote/nomic-embed-text");
  EXPECT_EQ((*r)->Dimension(), 0);
}

TEST(FactoryTest, RejectsBadConfig) {
  EXPECT_EQ(MakeEmbedder(EmbedderConfig{.kind = "bert"}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(MakeEmbedder(EmbedderConfig{.kind = "hash", .hash_dim = 0}).status().code(),
            StatusCode::kInvalidArgument);
  EmbedderConfig remote{.kind = "remote"};
  EXPECT_EQ(MakeEmbedder(remote).status().code(), StatusCode::kInvalidArgument);  // no url
  remote.remote.url = "ftp://example.com";
  EXPECT_EQ(MakeEmbedder(remote).status().code(), StatusCode::kInvalidArgument);
  remote.remote.url = "http://example.com";
  remote.remote.batch_size = 0;
  EXPECT_EQ(MakeEmbedder(remote).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace engram::embed
