// PromotionWorker: keeps the role, team and org memories (memory/promotion.h) in step with what the
// actors hold.
//
// Promotion is a pure function of stored state (members' current memories, their source records,
// the groups' prompts), so the work item is "recompute this group": a group is marked dirty when one
// of its members' memories changed (after every extraction round that wrote memories), when an admin
// changed its definition or members, or when an actor was deleted (every group of the workspace).
// One thread recomputes dirty groups in batches: role and team memories from the members, then the
// org's from the role and team memories when any of them changed. The result replaces the scope's
// stored memories in one transaction; when what search sees changed, the resident indexes of the
// members (of the whole workspace for the org) are dropped and reload with it on next use.
// Nothing about the queue needs to be durable: at start-up every workspace with groups is recomputed
// once, which also picks up work a crash interrupted.
// Thread-safe.
#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <tuple>

#include "common/metrics.h"
#include "common/status.h"
#include "common/time.h"
#include "index/index_cache.h"
#include "memory/promotion.h"
#include "store/store.h"

namespace engram::jobs {

class PromotionWorker {
 public:
  // `cache` and `metrics` may be null. Not owned; all outlive the worker.
  PromotionWorker(store::Store* store, index::IndexCache* cache, const Clock* clock,
                  memory::PromotionOptions rules = {}, Metrics* metrics = nullptr);
  ~PromotionWorker();
  PromotionWorker(const PromotionWorker&) = delete;
  PromotionWorker& operator=(const PromotionWorker&) = delete;

  // Marks every workspace with groups dirty (the start-up sweep) and starts the thread.
  Status Start();
  void Stop();

  // The actor's memories changed: its roles and teams are recomputed.
  void ActorChanged(const std::string& workspace, int64_t uid);
  // A group's definition or members changed (kOrg: the org's prompt).
  void GroupChanged(const std::string& workspace, domain::ScopeKind kind, const std::string& id);
  // An actor of the workspace was deleted (its promoted memories are already gone from the store):
  // true when members' resident indexes may still hold some, i.e. the caller must drop them.
  // Recomputes the workspace either way.
  bool ActorDeleted(const std::string& workspace);
  // Blocks until nothing is dirty or being recomputed (tests, benchmarks).
  void Drain();

  // Recomputes now, on the calling thread. True when what search sees changed.
  Result<bool> RecomputeGroup(const std::string& workspace, domain::ScopeKind kind, const std::string& id);
  Result<bool> RecomputeOrg(const std::string& workspace);

 private:
  using GroupKey = std::tuple<std::string, domain::ScopeKind, std::string>;
  struct Batch {
    std::set<std::pair<std::string, int64_t>> actors;
    std::set<GroupKey> groups;
    std::set<std::string> workspaces;
  };
  // One member's shareable memories with their source records, read once per batch.
  struct Member {
    int64_t uid = 0;  // 0: no such user (yet)
    std::vector<memory::PromotionCandidate> candidates;
  };
  using MemberMemo = std::map<std::pair<std::string, std::string>, Member>;  // (workspace, actor id)
  void Loop();
  Status Process(const Batch& batch);
  Result<const Member*> MemberOf(const std::string& workspace, const std::string& actor_id, MemberMemo& memo);
  // `listed`: the group as this batch already read it (ListGroups / ListActorGroups), or null to read it.
  Result<bool> RecomputeGroup(const std::string& workspace, domain::ScopeKind kind, const std::string& id,
                              MemberMemo& memo, const domain::OrgGroup* listed);
  void NotePromoted(const std::string& workspace, bool any);

  store::Store* store_;
  index::IndexCache* cache_;
  const Clock* clock_;
  const memory::PromotionOptions rules_;
  Counter* recomputes_ = nullptr;
  Counter* changes_ = nullptr;
  Counter* failures_ = nullptr;

  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable idle_cv_;
  Batch dirty_;          // guarded by mu_
  bool running_ = false; // guarded by mu_: a batch is being processed
  bool stop_ = false;    // guarded by mu_
  std::set<std::string> promoted_in_;  // guarded by mu_: workspaces that have (had) promoted memories
  std::thread thread_;
};

}  // namespace engram::jobs
