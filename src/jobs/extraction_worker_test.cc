// ExtractionWorker over a real SQLite store with an extractor that fails on a marker: the failure
// path (retries, then isolation and failed marks), the counter behind /ingest backpressure, and the
// shared ApplyExtraction step.
#include "jobs/extraction_worker.h"

#include <gtest/gtest.h>

#include <atomic>

#include "common/crypto.h"
#include "memory/deterministic_extractor.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/test_util.h"

namespace engram::jobs {
namespace {

constexpr const char* kMarker = "@@FAIL@@";

// Delegates to the deterministic extractor; fails any call whose records include the marker.
class MarkerFailingExtractor final : public memory::Extractor {
 public:
  Result<memory::Extraction> Extract(std::span<const domain::Record> records,
                                     const memory::ExtractionContext& ctx) override {
    calls_.fetch_add(1);
    for (const auto& r : records) {
      if (r.content.find(kMarker) != std::string::npos) return Status::Internal("injected failure for " + r.id);
    }
    return inner_.Extract(records, ctx);
  }
  int calls() const { return calls_.load(); }

 private:
  memory::DeterministicExtractor inner_;
  std::atomic<int> calls_{0};
};

class ExtractionWorkerTest : public store::sqlite::StoreTest {
 protected:
  domain::User Register(const std::string& id) {
    domain::RegisterSpec spec;
    spec.workspace = "ws";
    spec.id = id;
    auto r = store_->RegisterUser(spec);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->user : domain::User{};
  }

  void Write(const domain::User& u, const std::vector<std::pair<std::string, std::string>>& records) {
    store::WriteBatch batch{.workspace = "ws", .uid = u.uid};
    for (const auto& [id, content] : records) {
      domain::Record r;
      r.id = id;
      r.kind = domain::RecordKind::kMessage;
      r.type = "message";
      r.speaker = "user";
      r.timestamp = clock_.NowMs();
      r.content = content;
      r.content_hash = Sha256Hex(content);
      batch.records.push_back(std::move(r));
    }
    auto w = store_->WriteRecords(batch);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
  }
};

TEST_F(ExtractionWorkerTest, MarkedRecordsFailOthersAreProcessedAndTheWorkerGoesOn) {
  const domain::User u = Register("alice");
  Write(u, {{"r1", "I love sushi."},
            {"r2", std::string("I work at Acme. ") + kMarker},
            {"r3", "I live in Berlin."},
            {"r4", std::string(kMarker) + " again"}});
  MarkerFailingExtractor extractor;
  ExtractionCoordinator coordinator;
  ExtractionWorker worker(store_.get(), &extractor, nullptr, &clock_,
                          ExtractionWorkerOptions{.retry_initial_ms = 1, .retry_max_ms = 2, .max_attempts = 3,
                                                  .coordinator = &coordinator});
  ASSERT_TRUE(worker.Start().ok());
  EXPECT_EQ(coordinator.pending(), 4);  // read from the store at start
  worker.Drain();

  auto counts = store_->RecordStatusCounts("ws", u.uid, 10);
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  EXPECT_EQ(counts->pending, 0);
  EXPECT_EQ(counts->processed, 2);
  EXPECT_EQ(counts->failed, 2);
  EXPECT_EQ(counts->failed_ids, (std::vector<std::string>{"r2", "r4"}));
  auto statuses = store_->RecordStatuses("ws", u.uid, {"r1", "r2", "nope"});
  ASSERT_TRUE(statuses.ok());
  EXPECT_EQ((*statuses)[0].state, store::ExtractionState::kProcessed);
  EXPECT_EQ((*statuses)[1].state, store::ExtractionState::kFailed);
  EXPECT_NE((*statuses)[1].error.find("injected failure for r2"), std::string::npos) << (*statuses)[1].error;
  EXPECT_EQ((*statuses)[2].state, store::ExtractionState::kUnknown);
  // Three whole-batch tries, then one call per record.
  EXPECT_EQ(extractor.calls(), 3 + 4);
  EXPECT_EQ(coordinator.pending(), 0);

  auto memories = store_->ListMemories("ws", u.uid, false);
  ASSERT_TRUE(memories.ok());
  EXPECT_FALSE(memories->empty());
  for (const auto& m : *memories) {
    for (const auto& src : m.source_ids) EXPECT_TRUE(src == "r1" || src == "r3") << src;
  }

  // The worker keeps going: new records are extracted in one batch, failed ones are not retried.
  Write(u, {{"r5", "I prefer tea."}});
  worker.Enqueue("ws", u.uid, 1);
  worker.Drain();
  EXPECT_EQ(worker.pending_records(), 0);
  counts = store_->RecordStatusCounts("ws", u.uid, 10);
  EXPECT_EQ(counts->processed, 3);
  EXPECT_EQ(counts->failed, 2);
  EXPECT_EQ(extractor.calls(), 3 + 4 + 1);
  worker.Stop();
}

TEST_F(ExtractionWorkerTest, OtherUsersAreNotHeldUpByAFailingOne) {
  const domain::User bad = Register("bad");
  const domain::User good = Register("good");
  Write(bad, {{"b1", kMarker}});
  Write(good, {{"g1", "I love hiking."}});
  MarkerFailingExtractor extractor;
  ExtractionWorker worker(store_.get(), &extractor, nullptr, &clock_,
                          ExtractionWorkerOptions{.retry_initial_ms = 1, .retry_max_ms = 2, .max_attempts = 2});
  ASSERT_TRUE(worker.Start().ok());
  worker.Drain();
  EXPECT_EQ(store_->RecordStatusCounts("ws", good.uid, 10)->processed, 1);
  auto counts = store_->RecordStatusCounts("ws", bad.uid, 10);
  EXPECT_EQ(counts->failed, 1);
  EXPECT_EQ(counts->pending, 0);
  auto pending_users = store_->ListUsersPendingExtraction(10);
  ASSERT_TRUE(pending_users.ok());
  EXPECT_TRUE(pending_users->empty());
  EXPECT_EQ(worker.pending_records(), 0);
  worker.Stop();
}

// The backpressure counter moves with Enqueue before anything runs, and never reads negative.
TEST_F(ExtractionWorkerTest, PendingCounterFollowsEnqueue) {
  memory::DeterministicExtractor extractor;
  ExtractionWorker worker(store_.get(), &extractor, nullptr, &clock_);
  worker.Enqueue("ws", 1, 5);
  worker.Enqueue("ws", 2, 3);
  EXPECT_EQ(worker.pending_records(), 8);
  ExtractionCoordinator c;
  c.AddPending(-2);
  EXPECT_EQ(c.pending(), 0);
}

TEST_F(ExtractionWorkerTest, ApplyExtractionMarksRecordsAndReportsWrites) {
  const domain::User u = Register("carol");
  Write(u, {{"c1", "I love sushi. My name is Carol."}});
  auto records = store_->ListUnextractedRecords("ws", u.uid, 10);
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 1u);
  memory::DeterministicExtractor extractor;
  auto extraction = extractor.Extract(*records, ContextFor(*store_, "ws", u.uid, *records));
  ASSERT_TRUE(extraction.ok());
  auto applied = ApplyExtraction(*store_, nullptr, "ws", u.uid, *records, *extraction, clock_.NowMs());
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_FALSE(applied->upserts.empty());
  EXPECT_EQ(applied->memories_before, 0u);
  EXPECT_GT(applied->memories_after, 0u);
  EXPECT_TRUE(store_->ListUnextractedRecords("ws", u.uid, 10)->empty());
  EXPECT_EQ(store_->RecordStatusCounts("ws", u.uid, 10)->processed, 1);
}

TEST_F(ExtractionWorkerTest, ContextCarriesThePromptsOfTheRecordsRolesAndTeams) {
  const domain::User u = Register("dana");
  ASSERT_TRUE(store_->PutGroup("ws", {.kind = domain::ScopeKind::kTeam, .id = "platform",
                                      .promotion_prompt = "Tooling and editor preferences"}).ok());
  ASSERT_TRUE(store_->PutGroup("ws", {.kind = domain::ScopeKind::kRole, .id = "frontend"}).ok());  // no prompt
  domain::Record scoped;
  scoped.id = "d1";
  scoped.content = "I use Vim.";
  scoped.team_id = "platform";
  scoped.role_id = "frontend";
  domain::Record plain;
  plain.id = "d2";
  plain.content = "I like tea.";
  std::vector<domain::Record> both = {scoped, plain};
  EXPECT_EQ(ContextFor(*store_, "ws", u.uid, both).focus, std::vector<std::string>{"Tooling and editor preferences"});
  EXPECT_TRUE(ContextFor(*store_, "ws", u.uid, std::span(&plain, 1)).focus.empty());
  EXPECT_TRUE(ContextFor(*store_, "other", u.uid, both).focus.empty());
}

TEST_F(ExtractionWorkerTest, ContextNamesTheUserFromRegisteredThenExtractedTraits) {
  const domain::User u = Register("erin");
  std::vector<domain::Record> none;
  EXPECT_EQ(ContextFor(*store_, "ws", u.uid, none).user_name, "");
  store::MemoryWrite w;
  w.traits = {domain::Trait{.name = "name", .value = "Erin Extracted", .source = "extracted", .confidence = 0.7}};
  ASSERT_TRUE(store_->ApplyMemoryWrite("ws", u.uid, w).ok());
  EXPECT_EQ(ContextFor(*store_, "ws", u.uid, none).user_name, "Erin Extracted");
  domain::RegisterSpec spec{.workspace = "ws", .id = "erin", .traits_json = R"({"name":"Erin Lee"})"};
  ASSERT_TRUE(store_->RegisterUser(spec).ok());
  EXPECT_EQ(ContextFor(*store_, "ws", u.uid, none).user_name, "Erin Lee");  // registration wins
}

TEST_F(ExtractionWorkerTest, AnEqualTraitValueStillAddsItsSources) {
  const domain::User u = Register("fay");
  Write(u, {{"f1", "I live in Lisbon."}});
  auto records = store_->ListUnextractedRecords("ws", u.uid, 10).value();
  memory::Extraction first;
  first.traits = {memory::ExtractedTrait{.name = "location", .value = "Lisbon", .confidence = 0.6, .source_ids = {"f1"}}};
  ASSERT_TRUE(ApplyExtraction(*store_, nullptr, "ws", u.uid, records, first, 1000).ok());
  memory::Extraction again;
  again.traits = {memory::ExtractedTrait{.name = "location", .value = "Lisbon", .confidence = 0.8, .source_ids = {"f2"}}};
  ASSERT_TRUE(ApplyExtraction(*store_, nullptr, "ws", u.uid, records, again, 2000).ok());
  auto traits = store_->ListTraits("ws", u.uid).value();
  ASSERT_EQ(traits.size(), 1u);
  EXPECT_EQ(traits[0].source_ids, (std::vector<std::string>{"f1", "f2"}));
  EXPECT_DOUBLE_EQ(traits[0].confidence, 0.8);
}

}  // namespace
}  // namespace engram::jobs
