#include "store/sqlite/write_queue.h"

#include <array>
#include <exception>
#include <string>
#include <utility>

#include "common/log.h"
#include "common/metrics.h"

namespace engram::store::sqlite {
namespace {

// Group sizes are counts, not seconds, so they do not fit Histogram's latency buckets: one counter
// per size class (labelled by its upper bound) gives the same picture on a dashboard.
constexpr std::array<size_t, 7> kGroupSizeBounds = {1, 2, 4, 8, 16, 64, 256};

thread_local const WriteQueue* tls_writer = nullptr;  // set on the writer thread, to catch re-entry

Status RunClosure(const WriteFn& fn, Connection& conn) {
  try {
    return fn(conn);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("store write failed: ") + e.what());
  } catch (...) {
    return Status::Internal("store write failed: unknown exception");
  }
}

}  // namespace

WriteQueue::WriteQueue(std::unique_ptr<Connection> conn, Options options)
    : options_(options), conn_(std::move(conn)) {
  if (options_.metrics != nullptr) {
    groups_total_ = options_.metrics->GetCounter("engram_store_group_commits_total",
                                                 "Write transactions committed by the store writer");
    for (size_t bound : kGroupSizeBounds) {
      group_size_buckets_.push_back(options_.metrics->GetCounter(
          "engram_store_group_commit_size", "Group commits by number of writes in the group (le)",
          {{"le", std::to_string(bound)}}));
    }
    group_size_buckets_.push_back(options_.metrics->GetCounter(
        "engram_store_group_commit_size", "Group commits by number of writes in the group (le)",
        {{"le", "+Inf"}}));
  }
  thread_ = std::thread([this] { Loop(); });
}

WriteQueue::~WriteQueue() { Close(); }

Status WriteQueue::Run(WriteFn fn) {
  if (tls_writer == this) return Status::Internal("store write issued from inside a store write");
  std::future<Status> result;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return Status::Unavailable("store is closed");
    Op op{std::move(fn), {}};
    result = op.done.get_future();
    queue_.push_back(std::move(op));
  }
  cv_.notify_one();
  return result.get();
}

void WriteQueue::Stop() {
  std::lock_guard<std::mutex> stop_lock(stop_mu_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void WriteQueue::Close() {
  Stop();
  std::lock_guard<std::mutex> stop_lock(stop_mu_);
  conn_.reset();
}

void WriteQueue::Loop() {
  tls_writer = this;
  std::vector<Op> group;
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) break;  // stopping and drained
      // Whatever piled up while the previous group was committing forms the next group: the
      // longer an fsync takes, the more writes share the next one.
      while (!queue_.empty() && group.size() < options_.max_group) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    CommitGroup(group);
    group.clear();
  }
}

void WriteQueue::CommitGroup(std::vector<Op>& ops) {
  Connection& conn = *conn_;
  std::vector<Status> results(ops.size());
  std::vector<size_t> pending(ops.size());
  for (size_t i = 0; i < ops.size(); ++i) pending[i] = i;

  // Each pass runs the pending closures in one transaction. A pass ends early only when sqlite
  // aborted the whole transaction; the closure that hit it fails and the rest run again.
  while (!pending.empty()) {
    Status begin = conn.ExecScript("BEGIN IMMEDIATE");
    if (!begin.ok()) {
      for (size_t i : pending) results[i] = begin;
      pending.clear();
      break;
    }
    std::vector<size_t> committed;  // succeeded in this pass, waiting for COMMIT
    std::vector<size_t> retry;
    bool aborted = false;
    for (size_t k = 0; k < pending.size(); ++k) {
      const size_t i = pending[k];
      if (aborted) {
        retry.push_back(i);
        continue;
      }
      Status st = conn.ExecScript("SAVEPOINT w");
      if (st.ok()) st = RunClosure(ops[i].fn, conn);
      if (!conn.InTransaction()) {
        // sqlite rolled everything back (e.g. SQLITE_FULL, SQLITE_IOERR): earlier successes are gone.
        results[i] = st.ok() ? Status::Internal("store transaction aborted") : st;
        aborted = true;
        retry.insert(retry.end(), committed.begin(), committed.end());
        committed.clear();
        continue;
      }
      if (st.ok()) {
        st = conn.ExecScript("RELEASE w");
        if (st.ok()) {
          committed.push_back(i);
          continue;
        }
      }
      results[i] = st;
      Status undo = conn.ExecScript("ROLLBACK TO w");
      if (undo.ok()) undo = conn.ExecScript("RELEASE w");
      if (!undo.ok() && conn.InTransaction()) {
        // Cannot isolate this closure's partial changes: give up on the pass, retry the others.
        ENGRAM_LOG(kError, "store", "rollback to savepoint failed: {}", undo.message());
        (void)conn.ExecScript("ROLLBACK");
      }
      if (!conn.InTransaction()) {
        aborted = true;
        retry.insert(retry.end(), committed.begin(), committed.end());
        committed.clear();
      }
    }
    if (aborted) {
      if (conn.InTransaction()) (void)conn.ExecScript("ROLLBACK");
      pending = std::move(retry);
      continue;
    }
    Status commit = conn.ExecScript("COMMIT");
    if (!commit.ok()) {
      // The commit is the durability point of the whole group: no closure's write can be claimed.
      if (conn.InTransaction()) (void)conn.ExecScript("ROLLBACK");
      ENGRAM_LOG(kError, "store", "group commit of {} writes failed: {}", committed.size(),
                 commit.message());
      for (size_t i : committed) results[i] = commit;
    } else {
      for (size_t i : committed) results[i] = Status::Ok();
    }
    RecordGroupSize(committed.size());
    pending.clear();
  }
  for (size_t i = 0; i < ops.size(); ++i) ops[i].done.set_value(std::move(results[i]));
}

void WriteQueue::RecordGroupSize(size_t n) {
  if (groups_total_ == nullptr || n == 0) return;
  groups_total_->Add();
  size_t b = 0;
  while (b < kGroupSizeBounds.size() && n > kGroupSizeBounds[b]) ++b;
  // Cumulative like a Prometheus histogram: a group of 3 counts in le=4, le=8, ..., le=+Inf.
  for (; b < group_size_buckets_.size(); ++b) group_size_buckets_[b]->Add();
}

}  // namespace engram::store::sqlite
