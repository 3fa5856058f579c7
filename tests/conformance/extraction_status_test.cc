// Extraction state of records (pending / processed / failed), over every backend.
#include "tests/conformance/store_conformance.h"

namespace engram::conformance {
namespace {

template <typename Backend>
class ExtractionStatusTest : public StoreConformanceTest<Backend> {};
TYPED_TEST_SUITE(ExtractionStatusTest, StoreBackends, BackendName);

TYPED_TEST(ExtractionStatusTest, CountsStatusesAndFailedMarks) {
  auto& s = this->store();
  const domain::User u = this->Register("ws", "u1");
  this->Write(u, {this->MakeRecord("r1", "one"), this->MakeRecord("r2", "two"), this->MakeRecord("r3", "three"),
                  this->MakeRecord("r4", "four")});
  auto counts = s.RecordStatusCounts("ws", u.uid, 10);
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  EXPECT_EQ(counts->pending, 4);
  EXPECT_EQ(counts->processed, 0);
  EXPECT_EQ(counts->failed, 0);
  EXPECT_EQ(*s.CountPendingExtraction(), 4);

  store::MemoryWrite w;
  w.extracted_record_ids = {"r1"};
  ASSERT_TRUE(s.ApplyMemoryWrite("ws", u.uid, w).ok());
  ASSERT_TRUE(s.MarkExtractionFailed("ws", u.uid, {"r2", "r4"}, "extractor said no", 3).ok());
  // Already extracted records are left alone.
  ASSERT_TRUE(s.MarkExtractionFailed("ws", u.uid, {"r1"}, "late", 1).ok());

  counts = s.RecordStatusCounts("ws", u.uid, 10);
  EXPECT_EQ(counts->pending, 1);
  EXPECT_EQ(counts->processed, 1);
  EXPECT_EQ(counts->failed, 2);
  EXPECT_EQ(counts->failed_ids, (std::vector<std::string>{"r2", "r4"}));
  EXPECT_EQ(s.RecordStatusCounts("ws", u.uid, 1)->failed_ids, std::vector<std::string>{"r2"});
  EXPECT_EQ(*s.CountPendingExtraction(), 1);

  // Failed records are no longer pending work.
  auto pending = s.ListUnextractedRecords("ws", u.uid, 10);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].id, "r3");

  this->Reopen();
  auto statuses = this->store().RecordStatuses("ws", u.uid, {"r4", "r1", "r3", "missing"});
  ASSERT_TRUE(statuses.ok()) << statuses.status().ToString();
  ASSERT_EQ(statuses->size(), 4u);
  EXPECT_EQ((*statuses)[0].record_id, "r4");
  EXPECT_EQ((*statuses)[0].state, store::ExtractionState::kFailed);
  EXPECT_EQ((*statuses)[0].error, "extractor said no");
  EXPECT_EQ((*statuses)[1].state, store::ExtractionState::kProcessed);
  EXPECT_EQ((*statuses)[2].state, store::ExtractionState::kPending);
  EXPECT_EQ((*statuses)[3].state, store::ExtractionState::kUnknown);

  // A user whose only pending records failed is not pending any more.
  store::MemoryWrite w3;
  w3.extracted_record_ids = {"r3"};
  ASSERT_TRUE(this->store().ApplyMemoryWrite("ws", u.uid, w3).ok());
  EXPECT_TRUE(this->store().ListUsersPendingExtraction(10)->empty());
}

TYPED_TEST(ExtractionStatusTest, TenantsAreIsolated) {
  auto& s = this->store();
  const domain::User u = this->Register("ws", "u1");
  this->Write(u, {this->MakeRecord("r1", "one")});
  auto counts = s.RecordStatusCounts("other", u.uid, 10);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->pending, 0);
  auto statuses = s.RecordStatuses("other", u.uid, {"r1"});
  ASSERT_TRUE(statuses.ok());
  EXPECT_EQ((*statuses)[0].state, store::ExtractionState::kUnknown);
  EXPECT_EQ(s.MarkExtractionFailed("other", u.uid, {"r1"}, "x", 1).code(), StatusCode::kNotFound);
  EXPECT_EQ(s.RecordStatusCounts("ws", u.uid, 10)->pending, 1);
  // An empty reason still reads as failed.
  ASSERT_TRUE(s.MarkExtractionFailed("ws", u.uid, {"r1"}, "", 1).ok());
  auto st = s.RecordStatuses("ws", u.uid, {"r1"});
  EXPECT_EQ((*st)[0].state, store::ExtractionState::kFailed);
  EXPECT_FALSE((*st)[0].error.empty());
}

}  // namespace
}  // namespace engram::conformance
