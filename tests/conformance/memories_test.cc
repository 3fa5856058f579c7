// Memories, extracted traits, Stage 3 items and extraction marks, over every backend.
#include "tests/conformance/store_conformance.h"

namespace engram::conformance {
namespace {

template <typename Backend>
class MemoriesTest : public StoreConformanceTest<Backend> {};
TYPED_TEST_SUITE(MemoriesTest, StoreBackends, BackendName);

domain::Memory Mem(const std::string& id, const std::string& text, std::vector<std::string> sources) {
  domain::Memory m;
  m.id = id;
  m.text = text;
  m.category = "preference";
  m.confidence = 0.8;
  m.entities = {"Sushi"};
  m.key = "preference:sushi";
  m.valid_from = 1000;
  m.source_ids = std::move(sources);
  return m;
}

TYPED_TEST(MemoriesTest, ApplyListSupersedeAndMarks) {
  auto& s = this->store();
  const domain::User u = this->Register("ws", "u1");
  this->Write(u, {this->MakeRecord("r1", "I love sushi"), this->MakeRecord("r2", "I hate sushi now")});
  auto pending = s.ListUnextractedRecords("ws", u.uid, 10);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ((*pending)[0].id, "r1");
  auto users = s.ListUsersPendingExtraction(10);
  ASSERT_TRUE(users.ok());
  ASSERT_EQ(users->size(), 1u);
  EXPECT_EQ((*users)[0], std::make_pair(std::string("ws"), u.uid));

  store::MemoryWrite w1;
  w1.upserts = {Mem("mem_1", "Loves sushi", {"r1"})};
  w1.traits = {domain::Trait{.name = "location", .value = "Berlin", .source = "extracted", .confidence = 0.7,
                             .source_ids = {"r1"}}};
  w1.extracted_record_ids = {"r1"};
  auto v1 = s.ApplyMemoryWrite("ws", u.uid, w1);
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  EXPECT_EQ(s.ListUnextractedRecords("ws", u.uid, 10)->size(), 1u);

  domain::Memory old = Mem("mem_1", "Loves sushi", {"r1"});
  old.status = domain::MemoryStatus::kSuperseded;
  old.superseded_by = "mem_2";
  old.superseded_at = 2000;
  store::MemoryWrite w2;
  w2.upserts = {old, Mem("mem_2", "Hates sushi", {"r2"})};
  w2.extracted_record_ids = {"r2"};
  auto v2 = s.ApplyMemoryWrite("ws", u.uid, w2);
  ASSERT_TRUE(v2.ok());
  EXPECT_GT(*v2, *v1);
  EXPECT_TRUE(s.ListUnextractedRecords("ws", u.uid, 10)->empty());
  EXPECT_TRUE(s.ListUsersPendingExtraction(10)->empty());

  this->Reopen();
  auto current = this->store().ListMemories("ws", u.uid, false);
  ASSERT_TRUE(current.ok());
  ASSERT_EQ(current->size(), 1u);
  EXPECT_EQ((*current)[0].id, "mem_2");
  EXPECT_EQ((*current)[0].entities, std::vector<std::string>{"Sushi"});
  EXPECT_DOUBLE_EQ((*current)[0].confidence, 0.8);
  auto all = this->store().ListMemories("ws", u.uid, true);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].status, domain::MemoryStatus::kSuperseded);
  EXPECT_EQ((*all)[0].superseded_by, "mem_2");
  auto traits = this->store().ListTraits("ws", u.uid);
  ASSERT_EQ(traits->size(), 1u);
  EXPECT_EQ((*traits)[0].value, "Berlin");
  EXPECT_EQ((*traits)[0].source_ids, std::vector<std::string>{"r1"});
  // Other workspaces see nothing; unknown users are NotFound on write.
  EXPECT_TRUE(this->store().ListMemories("other", u.uid, true)->empty());
  EXPECT_EQ(this->store().ApplyMemoryWrite("other", u.uid, w1).status().code(), StatusCode::kNotFound);
}

TYPED_TEST(MemoriesTest, Stage3ItemsUpsertAndDeleteCascades) {
  auto& s = this->store();
  const domain::User u = this->Register("ws", "u1");
  domain::Stage3Item item{.id = "stage3_0", .question_index = 0, .question = "Food?", .answer = "Sushi [1].",
                          .confidence = 0.7, .source_ids = {"r1"}};
  auto v1 = s.PutStage3Item("ws", u.uid, item);
  ASSERT_TRUE(v1.ok());
  item.answer = "Sushi and ramen.";
  auto v2 = s.PutStage3Item("ws", u.uid, item);
  ASSERT_TRUE(v2.ok());
  EXPECT_GT(*v2, *v1);
  auto items = s.ListStage3Items("ws", u.uid);
  ASSERT_EQ(items->size(), 1u);
  EXPECT_EQ((*items)[0].answer, "Sushi and ramen.");
  store::MemoryWrite w;
  w.upserts = {Mem("mem_1", "Loves sushi", {"r1"})};
  w.traits = {domain::Trait{.name = "location", .value = "Lisbon", .source = "extracted", .confidence = 0.7}};
  ASSERT_TRUE(s.ApplyMemoryWrite("ws", u.uid, w).ok());
  EXPECT_EQ(s.Stats()->derived, 3);  // the memory, the trait, the Stage 3 item
  ASSERT_TRUE(*s.DeleteUser("ws", "u1"));
  EXPECT_EQ(s.Stats()->derived, 0) << "the user's derived rows went with it";
  const domain::User again = this->Register("ws", "u1");
  EXPECT_TRUE(s.ListStage3Items("ws", again.uid)->empty());
  EXPECT_TRUE(s.ListMemories("ws", again.uid, true)->empty());
  EXPECT_TRUE(s.ListStage3Items("ws", u.uid)->empty());
  EXPECT_EQ(s.GetUserByUid("ws", again.uid)->value().id, "u1");
}

}  // namespace
}  // namespace engram::conformance
