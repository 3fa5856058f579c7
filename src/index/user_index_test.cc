#include "index/user_index.h"

#include <gtest/gtest.h>

#include "index/ranker.h"

#include <string>
#include <vector>

namespace engram::index {
namespace {

using domain::Chunk;
using domain::RecordKind;

constexpr TimeMs kDay = 86'400'000;

Chunk MakeChunk(const std::string& record, int n, const std::string& text,
                RecordKind kind = RecordKind::kMessage, TimeMs ts = 100 * kDay) {
  Chunk c;
  c.id = record + "#" + std::to_string(n);
  c.record_id = record;
  c.n = n;
  c.text = text;
  c.kind = kind;
  c.type = kind == RecordKind::kMessage ? "message" : "note";
  c.source = "app";
  c.speaker = "user";
  c.timestamp = ts;
  return c;
}

std::vector<WeightedTerm> Query(const std::string& text, float w = 1.0f) {
  std::vector<WeightedTerm> q;
  AppendQueryTerms(text, w, q);
  return q;
}

// The index searched as /chunks searches it (index::Rank) for the given terms.
std::vector<RankedHit> Search(const UserIndex& idx, std::span<const WeightedTerm> terms, RankRequest req = {},
                              RankingParams params = {}) {
  QueryPlan plan;
  plan.terms.assign(terms.begin(), terms.end());
  return Rank(idx, plan, req, params).hits;
}

std::vector<std::string> Ids(const UserIndex& idx, const std::vector<RankedHit>& hits) {
  std::vector<std::string> out;
  for (const RankedHit& h : hits) out.emplace_back(idx.ChunkId(h.ordinal));
  return out;
}

class UserIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(idx_.Add(MakeChunk("msg_1", 0, "My flight to Lisbon leaves on Friday morning"), {}, "s1").ok());
    ASSERT_TRUE(idx_.Add(MakeChunk("msg_1", 1, "I booked a hotel near the Lisbon waterfront"), {}, "s1").ok());
    ASSERT_TRUE(idx_.Add(MakeChunk("doc_2", 0, "Quarterly report: revenue grew in Lisbon office",
                                   RecordKind::kDocument, 10 * kDay)).ok());
    ASSERT_TRUE(idx_.Add(MakeChunk("evt_3", 0, "Dentist appointment on Tuesday", RecordKind::kEvent)).ok());
  }
  UserIndex idx_;
};

TEST_F(UserIndexTest, LexicalSearchWithCalibratedScores) {
  const auto q = Query("When is my flight to Lisbon?");
  const auto hits = Search(idx_, q, {.k = 10});
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(idx_.ChunkId(hits[0].ordinal), "msg_1#0");  // flight + lisbon
  EXPECT_GT(hits[0].score, hits[1].score);
  for (const RankedHit& h : hits) {
    EXPECT_FALSE(h.cosine.has_value());
    EXPECT_FLOAT_EQ(h.score, h.lexical);  // no vectors: lexical alone
    EXPECT_GT(h.lexical, 0.f);
    EXPECT_LT(h.lexical, 1.f);
  }
  // Accessors by ordinal.
  const uint32_t o = hits[0].ordinal;
  EXPECT_EQ(idx_.ChunkId(o), "msg_1#0");
  EXPECT_EQ(idx_.RecordId(o), "msg_1");
  EXPECT_EQ(idx_.Text(o), "My flight to Lisbon leaves on Friday morning");
  EXPECT_EQ(idx_.Kind(o), RecordKind::kMessage);
  EXPECT_EQ(idx_.Type(o), "message");
  EXPECT_EQ(idx_.Source(o), "app");
  EXPECT_EQ(idx_.Speaker(o), "user");
  EXPECT_EQ(idx_.SessionId(o), "s1");
  EXPECT_EQ(idx_.Timestamp(o), 100 * kDay);
  EXPECT_EQ(idx_.Find("msg_1#0"), o);
  EXPECT_FALSE(idx_.Find("nope#0").has_value());
}

TEST_F(UserIndexTest, ExclusionKindsKAndThreshold) {
  const auto q = Query("Lisbon");
  const std::vector<std::string> exclude = {"msg_1#1", "unknown#9"};
  EXPECT_EQ(Ids(idx_, Search(idx_, q, {.k = 10, .exclude_chunk_ids = exclude})),
            (std::vector<std::string>{"msg_1#0", "doc_2#0"}));
  const auto docs = Search(idx_, q, {.k = 10, .kinds = KindBit(RecordKind::kDocument)});
  EXPECT_EQ(Ids(idx_, docs), (std::vector<std::string>{"doc_2#0"}));
  EXPECT_EQ(Search(idx_, q, {.k = 1}).size(), 1u);
  EXPECT_TRUE(Search(idx_, q, {.k = 10, .min_score = 0.99}).empty());
  EXPECT_TRUE(Search(idx_, q, {.k = 0}).empty());
  EXPECT_TRUE(Search(idx_, {}, {.k = 10}).empty());  // no terms, no vector
}

TEST_F(UserIndexTest, RemoveRecordAndReplaceChunk) {
  EXPECT_EQ(idx_.RemoveRecord("msg_1"), 2u);
  EXPECT_EQ(idx_.RemoveRecord("msg_1"), 0u);
  EXPECT_EQ(idx_.size(), 2u);
  EXPECT_EQ(Ids(idx_, Search(idx_, Query("Lisbon"))), (std::vector<std::string>{"doc_2#0"}));

  // Same chunk id again: replaces.
  ASSERT_TRUE(idx_.Add(MakeChunk("evt_3", 0, "Dentist appointment moved to Thursday", RecordKind::kEvent)).ok());
  EXPECT_EQ(idx_.size(), 2u);
  EXPECT_TRUE(Search(idx_, Query("Tuesday")).empty());
  EXPECT_EQ(Ids(idx_, Search(idx_, Query("Thursday"))), (std::vector<std::string>{"evt_3#0"}));
  EXPECT_TRUE(idx_.RemoveChunk("evt_3#0"));
  EXPECT_FALSE(idx_.RemoveChunk("evt_3#0"));
}

TEST_F(UserIndexTest, HybridSearchFusesCalibratedSignals) {
  // A 4-dim toy embedding: travel, lodging, finance, health.
  ASSERT_TRUE(idx_.SetVector("msg_1#0", std::vector<float>{1, 0, 0, 0}).ok());
  ASSERT_TRUE(idx_.SetVector("msg_1#1", std::vector<float>{0.6f, 0.8f, 0, 0}).ok());
  ASSERT_TRUE(idx_.SetVector("evt_3#0", std::vector<float>{0, 0, 0, 1}).ok());
  EXPECT_EQ(idx_.SetVector("nope#0", std::vector<float>{1, 0, 0, 0}).code(), StatusCode::kNotFound);
  EXPECT_FALSE(idx_.SetVector("doc_2#0", std::vector<float>{1, 0}).ok());  // wrong dimension

  const auto q = Query("Where am I staying in Lisbon?");
  const std::vector<float> qv = {0, 1, 0, 0};
  const auto hits = Search(idx_, q, {.k = 10, .query_vector = qv});
  ASSERT_GE(hits.size(), 3u);
  EXPECT_EQ(idx_.ChunkId(hits[0].ordinal), "msg_1#1");  // lodging vector + Lisbon
  ASSERT_TRUE(hits[0].cosine.has_value());
  EXPECT_NEAR(*hits[0].cosine, 0.8, 1e-6);
  EXPECT_NEAR(hits[0].score, 0.6 * 0.8 + 0.4 * hits[0].lexical, 1e-6);
  for (const RankedHit& h : hits) {
    if (idx_.ChunkId(h.ordinal) == "doc_2#0") {
      EXPECT_FALSE(h.cosine.has_value());  // no vector: lexical alone
      EXPECT_FLOAT_EQ(h.score, h.lexical);
    }
    if (idx_.ChunkId(h.ordinal) == "evt_3#0") FAIL() << "orthogonal vector and no term match must not be a hit";
  }

  // A query vector of another dimension is ignored, not an error.
  const std::vector<float> bad = {1, 0};
  EXPECT_FALSE(idx_.AcceptsQueryVector(bad));
  const auto lexical_only = Search(idx_, q, {.k = 10, .query_vector = bad});
  EXPECT_FALSE(lexical_only.empty());
  for (const RankedHit& h : lexical_only) EXPECT_FALSE(h.cosine.has_value());

  // Vector-only query (no terms) still finds by meaning.
  const std::vector<float> health = {0, 0, 0.1f, 1};
  const auto by_meaning = Search(idx_, {}, {.k = 1, .query_vector = health});
  ASSERT_EQ(by_meaning.size(), 1u);
  EXPECT_EQ(idx_.ChunkId(by_meaning[0].ordinal), "evt_3#0");

  // Adding a vector of the wrong dimension is rejected without adding the chunk.
  EXPECT_FALSE(idx_.Add(MakeChunk("x", 0, "x"), std::vector<float>{1, 2, 3}).ok());
  EXPECT_FALSE(idx_.Find("x#0").has_value());
}

TEST_F(UserIndexTest, RecencyDemotesOldChunks) {
  const auto q = Query("Lisbon");
  RankingParams recent;
  recent.recency_weight = 1.0;
  recent.recency_half_life_days = 30;
  const auto hits = Search(idx_, q, {.k = 10, .now = 100 * kDay}, recent);
  ASSERT_EQ(hits.size(), 3u);
  for (const RankedHit& h : hits) {
    if (idx_.ChunkId(h.ordinal) == "doc_2#0") {
      EXPECT_NEAR(h.score, h.lexical * RecencyDecay(100 * kDay, 10 * kDay, 30), 1e-6);  // 90 days old
    } else {
      EXPECT_FLOAT_EQ(h.score, h.lexical);  // written "now"
    }
  }
}

TEST(UserIndexCompactionTest, CompactionKeepsEverythingConsistent) {
  UserIndex idx(IndexOptions{.compact_min_dead = 4, .compact_dead_fraction = 0.25});
  for (int r = 0; r < 20; ++r) {
    const std::string rec = "rec_" + std::to_string(r);
    for (int n = 0; n < 2; ++n) {
      std::vector<float> v = {static_cast<float>(r + 1), static_cast<float>(n + 1)};
      Chunk c = MakeChunk(rec, n, "topic" + std::to_string(r) + " shared words part" + std::to_string(n));
      c.metadata_json = R"({"r":)" + std::to_string(r) + "}";
      ASSERT_TRUE(idx.Add(c, v, "sess" + std::to_string(r % 3)).ok());
    }
  }
  EXPECT_EQ(idx.ordinal_count(), 40u);
  for (int r = 0; r < 20; r += 2) idx.RemoveRecord("rec_" + std::to_string(r));
  // 20 dead of 40 ordinals crossed the threshold during removal: compacted.
  EXPECT_LT(idx.ordinal_count(), 40u);
  idx.Compact();
  EXPECT_EQ(idx.ordinal_count(), 20u);
  EXPECT_EQ(idx.size(), 20u);
  EXPECT_EQ(idx.lexical().dead_count(), 0u);
  EXPECT_EQ(idx.vectors().vector_count(), 20u);
  for (uint32_t o = 0; o < idx.ordinal_count(); ++o) {
    const std::string id(idx.ChunkId(o));
    EXPECT_EQ(idx.Find(id), o);
    const int r = std::stoi(std::string(idx.RecordId(o)).substr(4));
    EXPECT_EQ(r % 2, 1);
    EXPECT_EQ(idx.SessionId(o), "sess" + std::to_string(r % 3));
    EXPECT_EQ(idx.Metadata(o), R"({"r":)" + std::to_string(r) + "}");
    EXPECT_EQ(idx.Text(o).substr(0, 5 + std::to_string(r).size()), "topic" + std::to_string(r));
    const auto v = idx.vectors().Row(o);
    ASSERT_EQ(v.size(), 2u);
    const float n = static_cast<float>(id.back() - '0' + 1);
    EXPECT_NEAR(v[0] / v[1], (r + 1) / n, 1e-4);
  }
  const auto hits = Search(idx, Query("topic7"), {.k = 5});
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(idx.RecordId(hits[0].ordinal), "rec_7");
  EXPECT_EQ(idx.RecordId(hits[1].ordinal), "rec_7");
  EXPECT_TRUE(Search(idx, Query("topic8"), {.k = 5}).empty());
}

TEST(UserIndexMemoryTest, OverheadPerChunkIsSmall) {
  // 2,000 chunks of ~40 words from a 3,000-word vocabulary, ~25 KB of ids: the index's own overhead
  // (postings, dictionaries, metadata) must stay far below the 1.5 KB per chunk budget.
  UserIndex idx;
  std::string vocab[3000];
  for (int i = 0; i < 3000; ++i) vocab[i] = "w" + std::to_string(i * 7919 % 100000) + "x";
  uint32_t seed = 1;
  for (int c = 0; c < 2000; ++c) {
    std::string text;
    for (int w = 0; w < 40; ++w) {
      seed = seed * 1103515245u + 12345u;
      text += vocab[(seed >> 8) % 3000] + " ";
    }
    ASSERT_TRUE(idx.Add(MakeChunk("evt_" + std::to_string(c / 2) + "_0123456789", c % 2, text)).ok());
  }
  const IndexMemory m = idx.MemoryBytes();
  const size_t per_chunk = m.index / 2000;
  RecordProperty("index_bytes_per_chunk", static_cast<int>(per_chunk));
  EXPECT_LT(per_chunk, 1536u);
  EXPECT_GE(m.text, 2000u * 40u * 5u);
  EXPECT_EQ(m.vectors, idx.vectors().MemoryBytes());
}

}  // namespace
}  // namespace engram::index
