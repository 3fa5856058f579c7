#include "store/sqlite/write_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include "common/metrics.h"
#include "store/sqlite/test_util.h"

namespace engram::store::sqlite {
namespace {

class WriteQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = Connection::Open(dir_.File("q.db"), {});
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE((*c)->ExecScript("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                                 "CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)")
                    .ok());
    queue_ = std::make_unique<WriteQueue>(std::move(c).value(),
                                          WriteQueue::Options{.metrics = &metrics_});
    auto r = Connection::Open(dir_.File("q.db"), {.read_only = true});
    ASSERT_TRUE(r.ok());
    reader_ = std::move(r).value();
  }

  int64_t Count() { return reader_->QueryInt("SELECT COUNT(*) FROM t")->value_or(-1); }
  Status Insert(const std::string& k, int64_t v = 0) {
    return queue_->Run([k, v](Connection& c) { return c.Exec("INSERT INTO t VALUES (?1, ?2)", k, v); });
  }

  TempDir dir_;
  Metrics metrics_;
  std::unique_ptr<WriteQueue> queue_;
  std::unique_ptr<Connection> reader_;
};

TEST_F(WriteQueueTest, WriteIsVisibleToOtherConnectionsOnReturn) {
  ASSERT_TRUE(Insert("a").ok());
  EXPECT_EQ(Count(), 1) << "Run returns after COMMIT";
}

TEST_F(WriteQueueTest, FailingWriteIsRolledBackToItsSavepointOnly) {
  // Closures that fail after writing: their own rows must vanish, concurrent ones must land.
  constexpr int kThreads = 8;
  std::vector<std::thread> threads;
  std::vector<Status> results(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      results[t] = queue_->Run([t](Connection& c) -> Status {
        ENGRAM_RETURN_IF_ERROR(c.Exec("INSERT INTO t VALUES (?1, 1)", "row" + std::to_string(t)));
        if (t % 2 == 1) return Status::InvalidArgument("caller " + std::to_string(t) + " refuses");
        return Status::Ok();
      });
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) {
    if (t % 2 == 1) {
      EXPECT_EQ(results[t].code(), StatusCode::kInvalidArgument);
    } else {
      EXPECT_TRUE(results[t].ok()) << results[t].ToString();
    }
  }
  EXPECT_EQ(Count(), kThreads / 2);
}

TEST_F(WriteQueueTest, ConstraintViolationFailsOnlyItsCaller) {
  ASSERT_TRUE(Insert("dup").ok());
  // Two writes in one group: the duplicate fails, the other commits.
  std::atomic<bool> go{false};
  Status dup, fresh;
  std::thread a([&] { while (!go) {} dup = Insert("dup"); });
  std::thread b([&] { while (!go) {} fresh = Insert("fresh"); });
  go = true;
  a.join();
  b.join();
  EXPECT_EQ(dup.code(), StatusCode::kAlreadyExists);
  EXPECT_TRUE(fresh.ok());
  EXPECT_EQ(Count(), 2);
}

TEST_F(WriteQueueTest, ExceptionsBecomeInternal) {
  Status st = queue_->Run([](Connection& c) -> Status {
    (void)c.Exec("INSERT INTO t VALUES ('thrown', 1)");
    throw std::runtime_error("boom");
  });
  EXPECT_EQ(st.code(), StatusCode::kInternal);
  EXPECT_NE(st.message().find("boom"), std::string::npos);
  EXPECT_EQ(Count(), 0);
  EXPECT_TRUE(Insert("after").ok()) << "the writer survives";
}

TEST_F(WriteQueueTest, NestedRunIsRefused) {
  Status inner;
  Status outer = queue_->Run([&](Connection&) {
    inner = queue_->Run([](Connection&) { return Status::Ok(); });
    return Status::Ok();
  });
  EXPECT_TRUE(outer.ok());
  EXPECT_EQ(inner.code(), StatusCode::kInternal);
}

TEST_F(WriteQueueTest, ManyThreadsShareCommits) {
  constexpr int kThreads = 16;
  constexpr int kPerThread = 50;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        if (!Insert(std::to_string(t) + ":" + std::to_string(i), i).ok()) failures++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Count(), kThreads * kPerThread);
  const double groups =
      metrics_.GetCounter("engram_store_group_commits_total", "")->Value();
  EXPECT_GT(groups, 0);
  // With 16 writers queueing behind each fsync, groups must form; a 1:1 ratio means no batching.
  EXPECT_LT(groups, kThreads * kPerThread) << "no write shared a commit";
  const double inf = metrics_.GetCounter("engram_store_group_commit_size", "", {{"le", "+Inf"}})->Value();
  EXPECT_EQ(inf, groups) << "+Inf bucket counts every group";
  const std::string text = metrics_.RenderPrometheus();
  EXPECT_NE(text.find("engram_store_group_commit_size{le=\"1\"}"), std::string::npos);
}

TEST_F(WriteQueueTest, StopDrainsQueuedWritesThenRefuses) {
  constexpr int kThreads = 8;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0}, unavailable{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        Status st = Insert(std::to_string(t) + "/" + std::to_string(i));
        if (st.ok()) ok++;
        else if (st.code() == StatusCode::kUnavailable) unavailable++;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  queue_->Stop();
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok + unavailable, kThreads * 20) << "every caller got an answer";
  EXPECT_EQ(Count(), ok.load()) << "exactly the acknowledged writes are stored";
  EXPECT_EQ(Insert("late").code(), StatusCode::kUnavailable);
  queue_->Stop();  // idempotent
  queue_->Close();
  queue_->Close();
}

}  // namespace
}  // namespace engram::store::sqlite
