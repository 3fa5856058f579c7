// Chunk vectors: stored per embedder model, dropped with their chunk, never attached to changed text.
#include "tests/conformance/store_conformance.h"

namespace engram::conformance {
namespace {

template <typename Backend>
class VectorsTest : public StoreConformanceTest<Backend> {};
TYPED_TEST_SUITE(VectorsTest, StoreBackends, BackendName);

domain::ChunkVector Vec(const std::string& chunk_id, const std::string& text, std::vector<float> v) {
  return domain::ChunkVector{chunk_id, text, std::move(v)};
}

TYPED_TEST(VectorsTest, PutListPerModelAndReopen) {
  auto& s = this->store();
  const domain::User u = this->Register("ws", "u1");
  this->Write(u, {this->MakeRecord("r1", "alpha", this->kStart, RecordKind::kEvent, 2)});
  ASSERT_TRUE(s.PutChunkVectors("ws", u.uid, "m1",
                                {Vec("r1#0", "alpha part 0", {1.0f, 0.5f, -2.0f}),
                                 Vec("r1#1", "alpha part 1", {0.0f, 1.0f, 0.25f})})
                  .ok());
  ASSERT_TRUE(s.PutChunkVectors("ws", u.uid, "m2", {Vec("r1#1", "alpha part 1", {9.0f})}).ok());
  this->Reopen();
  auto m1 = this->store().ListChunkVectors("ws", u.uid, "m1");
  ASSERT_TRUE(m1.ok()) << m1.status().ToString();
  ASSERT_EQ(m1->size(), 1u);  // r1#1 now belongs to m2
  EXPECT_EQ((*m1)[0].chunk_id, "r1#0");
  EXPECT_EQ((*m1)[0].vector, (std::vector<float>{1.0f, 0.5f, -2.0f}));
  auto m2 = this->store().ListChunkVectors("ws", u.uid, "m2");
  ASSERT_TRUE(m2.ok());
  ASSERT_EQ(m2->size(), 1u);
  EXPECT_EQ((*m2)[0].vector, (std::vector<float>{9.0f}));
  // Another workspace sees nothing.
  auto other = this->store().ListChunkVectors("other", u.uid, "m1");
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other->empty());
}

TYPED_TEST(VectorsTest, StaleTextAndUnknownChunksAreDropped) {
  auto& s = this->store();
  const domain::User u = this->Register("ws", "u1");
  this->Write(u, {this->MakeRecord("r1", "alpha")});
  ASSERT_TRUE(s.PutChunkVectors("ws", u.uid, "m", {Vec("r1#0", "not the stored text", {1.0f}),
                                                   Vec("nope#0", "whatever", {2.0f})})
                  .ok());
  auto got = s.ListChunkVectors("ws", u.uid, "m");
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got->empty());
}

TYPED_TEST(VectorsTest, UpdatingARecordDropsItsVectors) {
  auto& s = this->store();
  const domain::User u = this->Register("ws", "u1");
  this->Write(u, {this->MakeRecord("r1", "alpha")});
  ASSERT_TRUE(s.PutChunkVectors("ws", u.uid, "m", {Vec("r1#0", "alpha part 0", {1.0f})}).ok());
  ASSERT_EQ(s.ListChunkVectors("ws", u.uid, "m")->size(), 1u);
  domain::WritePolicy update;
  update.update_existing = true;
  this->Write(u, {this->MakeRecord("r1", "beta")}, update);
  EXPECT_TRUE(s.ListChunkVectors("ws", u.uid, "m")->empty());
}

TYPED_TEST(VectorsTest, ChunksCarryTheRecordSession) {
  auto& s = this->store();
  const domain::User u = this->Register("ws", "u1");
  this->Write(u, {this->MakeRecord("r1", "alpha")});
  auto chunks = s.ListChunks("ws", u.uid);
  ASSERT_TRUE(chunks.ok());
  ASSERT_EQ(chunks->size(), 1u);
  EXPECT_EQ((*chunks)[0].session_id, "s1");
}

}  // namespace
}  // namespace engram::conformance
