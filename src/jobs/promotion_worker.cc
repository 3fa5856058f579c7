#include "jobs/promotion_worker.h"

#include <chrono>
#include <map>

#include "common/log.h"
#include "common/background.h"

namespace engram::jobs {

using domain::ScopeKind;

PromotionWorker::PromotionWorker(store::Store* store, index::IndexCache* cache, const Clock* clock,
                                 memory::PromotionOptions rules, Metrics* metrics)
    : store_(store), cache_(cache), clock_(clock), rules_(rules) {
  if (metrics != nullptr) {
    recomputes_ = metrics->GetCounter("engram_promotion_recomputes_total", "Role, team and org scopes recomputed");
    changes_ = metrics->GetCounter("engram_promotion_changes_total",
                                   "Recomputed scopes whose promoted memories changed");
    failures_ = metrics->GetCounter("engram_promotion_failures_total", "Failed promotion batches");
  }
}

PromotionWorker::~PromotionWorker() { Stop(); }

Status PromotionWorker::Start() {
  ENGRAM_ASSIGN_OR_RETURN(auto workspaces, store_->ListOrgWorkspaces());
  {
    std::lock_guard lock(mu_);
    dirty_.workspaces.insert(workspaces.begin(), workspaces.end());
    promoted_in_.insert(workspaces.begin(), workspaces.end());
    stop_ = false;
  }
  thread_ = std::thread([this] { Loop(); });
  return Status::Ok();
}

void PromotionWorker::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PromotionWorker::ActorChanged(const std::string& workspace, int64_t uid) {
  {
    std::lock_guard lock(mu_);
    dirty_.actors.emplace(workspace, uid);
  }
  cv_.notify_one();
}

void PromotionWorker::GroupChanged(const std::string& workspace, ScopeKind kind, const std::string& id) {
  {
    std::lock_guard lock(mu_);
    dirty_.groups.emplace(workspace, kind, id);
  }
  cv_.notify_one();
}

bool PromotionWorker::ActorDeleted(const std::string& workspace) {
  bool had;
  {
    std::lock_guard lock(mu_);
    dirty_.workspaces.insert(workspace);
    had = promoted_in_.count(workspace) > 0;
  }
  cv_.notify_one();
  return had;
}

void PromotionWorker::NotePromoted(const std::string& workspace, bool any) {
  if (!any) return;
  std::lock_guard lock(mu_);
  promoted_in_.insert(workspace);
}

void PromotionWorker::Drain() {
  std::unique_lock lock(mu_);
  idle_cv_.wait(lock, [this] {
    return stop_ || (!running_ && dirty_.actors.empty() && dirty_.groups.empty() && dirty_.workspaces.empty());
  });
}

void PromotionWorker::Loop() {
  EnterBackground();
  int backoff_ms = 0;
  while (true) {
    Batch batch;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] {
        return stop_ || !dirty_.actors.empty() || !dirty_.groups.empty() || !dirty_.workspaces.empty();
      });
      if (stop_) break;
      batch = std::move(dirty_);
      dirty_ = Batch{};
      running_ = true;
    }
    YieldToForeground(kForegroundYield);
    Status st = Process(batch);
    std::unique_lock lock(mu_);
    running_ = false;
    if (!st.ok()) {
      // The store is busy or closing: put the work back and try again later.
      if (failures_) failures_->Add(1);
      ENGRAM_LOG(kWarn, "promotion", "recomputing promoted memories failed: {}", st.ToString());
      dirty_.actors.insert(batch.actors.begin(), batch.actors.end());
      dirty_.groups.insert(batch.groups.begin(), batch.groups.end());
      dirty_.workspaces.insert(batch.workspaces.begin(), batch.workspaces.end());
      backoff_ms = std::min(30000, backoff_ms == 0 ? 500 : backoff_ms * 2);
      cv_.wait_for(lock, std::chrono::milliseconds(backoff_ms), [this] { return stop_; });
      if (stop_) break;
      continue;
    }
    backoff_ms = 0;
    idle_cv_.notify_all();
  }
  idle_cv_.notify_all();
}

Status PromotionWorker::Process(const Batch& batch) {
  std::set<GroupKey> groups = batch.groups;
  std::map<GroupKey, domain::OrgGroup> listed;  // groups already read with their definitions
  auto add_listed = [&](const std::string& ws, std::vector<domain::OrgGroup>& read) {
    for (auto& g : read) {
      GroupKey key(ws, g.kind, g.id);
      groups.insert(key);
      listed.insert_or_assign(std::move(key), std::move(g));
    }
  };
  std::set<std::string> orgs;
  for (const auto& [ws, uid] : batch.actors) {
    ENGRAM_ASSIGN_OR_RETURN(auto user, store_->GetUserByUid(ws, uid));
    if (!user) continue;
    ENGRAM_ASSIGN_OR_RETURN(auto of_actor, store_->ListActorGroups(ws, user->id));
    add_listed(ws, of_actor);
  }
  for (const auto& ws : batch.workspaces) {
    ENGRAM_ASSIGN_OR_RETURN(auto all, store_->ListGroups(ws));
    add_listed(ws, all);
    // Groups gone from the store still have promoted memories to clear.
    ENGRAM_ASSIGN_OR_RETURN(auto stored, store_->ListScopedMemories(ws, {}));
    for (const auto& m : stored) groups.emplace(ws, m.scope, m.scope_id);
    orgs.insert(ws);
  }
  MemberMemo memo;  // an actor in several groups is read once per batch
  for (const auto& [ws, kind, id] : groups) {
    if (kind == ScopeKind::kOrg) {
      orgs.insert(ws);
      continue;
    }
    auto known = listed.find(GroupKey(ws, kind, id));
    ENGRAM_ASSIGN_OR_RETURN(bool changed,
                            RecomputeGroup(ws, kind, id, memo, known == listed.end() ? nullptr : &known->second));
    if (changed) orgs.insert(ws);
  }
  for (const auto& ws : orgs) ENGRAM_RETURN_IF_ERROR(RecomputeOrg(ws).status());
  return Status::Ok();
}

Result<const PromotionWorker::Member*> PromotionWorker::MemberOf(const std::string& workspace,
                                                                  const std::string& actor_id, MemberMemo& memo) {
  auto key = std::make_pair(workspace, actor_id);
  if (auto it = memo.find(key); it != memo.end()) return &it->second;
  Member member;
  ENGRAM_ASSIGN_OR_RETURN(auto user, store_->GetUser(workspace, actor_id));
  if (user) {  // an admin may name an actor before its first event
    member.uid = user->uid;
    ENGRAM_ASSIGN_OR_RETURN(auto memories, store_->ListMemories(workspace, user->uid, false));
    std::vector<std::string> source_ids;
    for (const auto& m : memories) {
      if (memory::Shareable(m)) source_ids.insert(source_ids.end(), m.source_ids.begin(), m.source_ids.end());
    }
    ENGRAM_ASSIGN_OR_RETURN(auto records, store_->GetRecords(workspace, user->uid, source_ids));
    std::map<std::string, const domain::Record*> by_id;
    for (const auto& r : records) by_id.emplace(r.id, &r);
    for (auto& m : memories) {
      if (!memory::Shareable(m)) continue;
      memory::PromotionCandidate c;
      c.actor_id = actor_id;
      for (const auto& sid : m.source_ids) {
        auto it = by_id.find(sid);
        if (it != by_id.end()) c.sources.push_back({sid, it->second->role_id, it->second->team_id, it->second->metadata_json});
      }
      c.memory = std::move(m);
      member.candidates.push_back(std::move(c));
    }
  }
  return &memo.emplace(std::move(key), std::move(member)).first->second;
}

Result<bool> PromotionWorker::RecomputeGroup(const std::string& workspace, ScopeKind kind, const std::string& id) {
  MemberMemo memo;
  return RecomputeGroup(workspace, kind, id, memo, nullptr);
}

Result<bool> PromotionWorker::RecomputeGroup(const std::string& workspace, ScopeKind kind, const std::string& id,
                                             MemberMemo& memo, const domain::OrgGroup* listed) {
  if (kind == ScopeKind::kOrg) return RecomputeOrg(workspace);
  std::optional<domain::OrgGroup> group;
  if (listed != nullptr) {
    group = *listed;
  } else {
    ENGRAM_ASSIGN_OR_RETURN(group, store_->GetGroup(workspace, kind, id));
  }
  std::vector<domain::ScopedMemory> promoted;
  std::vector<int64_t> member_uids;
  if (group) {
    ENGRAM_ASSIGN_OR_RETURN(auto members, store_->ListGroupMembers(workspace, kind, id));
    std::vector<memory::PromotionCandidate> candidates;
    for (const auto& m : members) {
      ENGRAM_ASSIGN_OR_RETURN(const Member* member, MemberOf(workspace, m.actor_id, memo));
      if (member->uid == 0) continue;
      member_uids.push_back(member->uid);
      candidates.insert(candidates.end(), member->candidates.begin(), member->candidates.end());
    }
    memory::PromotionOptions rules = rules_;
    rules.now = clock_->NowMs();
    promoted = memory::PromoteToGroup(*group, candidates, rules);
  }
  if (recomputes_) recomputes_->Add(1);
  NotePromoted(workspace, !promoted.empty());
  ENGRAM_ASSIGN_OR_RETURN(bool changed, store_->ReplaceScopedMemories(workspace, kind, id, promoted));
  if (changed) {
    if (changes_) changes_->Add(1);
    if (cache_ != nullptr) {
      for (int64_t uid : member_uids) cache_->Drop(workspace, uid);
    }
  }
  return changed;
}

Result<bool> PromotionWorker::RecomputeOrg(const std::string& workspace) {
  ENGRAM_ASSIGN_OR_RETURN(auto defined, store_->GetGroup(workspace, ScopeKind::kOrg, std::string(domain::kOrgGroupId)));
  domain::OrgGroup org;
  if (defined) org = *defined;
  org.kind = ScopeKind::kOrg;
  org.id = std::string(domain::kOrgGroupId);
  ENGRAM_ASSIGN_OR_RETURN(auto all, store_->ListScopedMemories(workspace, {}));
  memory::PromotionOptions rules = rules_;
  rules.now = clock_->NowMs();
  auto promoted = memory::PromoteToOrg(org, all, rules);
  if (recomputes_) recomputes_->Add(1);
  NotePromoted(workspace, !promoted.empty());
  ENGRAM_ASSIGN_OR_RETURN(bool changed, store_->ReplaceScopedMemories(workspace, ScopeKind::kOrg, org.id, promoted));
  if (changed) {
    if (changes_) changes_->Add(1);
    if (cache_ != nullptr) cache_->DropWorkspace(workspace);
  }
  return changed;
}

}  // namespace engram::jobs
