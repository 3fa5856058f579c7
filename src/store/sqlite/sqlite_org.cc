// SqliteStore: the organization (seed 004): groups, memberships, promoted memories.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "store/sqlite/sqlite_store_impl.h"

namespace engram::store::sqlite {

using domain::MembershipVia;
using domain::OrgGroup;
using domain::OrgMember;
using domain::ScopedMemory;
using domain::ScopeKind;

namespace {

int64_t KindInt(ScopeKind k) { return static_cast<int64_t>(k); }

ScopeKind KindOf(int64_t v) {
  switch (v) {
    case 1: return ScopeKind::kRole;
    case 2: return ScopeKind::kTeam;
    case 3: return ScopeKind::kOrg;
    default: return ScopeKind::kActor;
  }
}

// Defined groups and groups known from memberships, in one shape: a LEFT JOIN from the union of keys.
constexpr std::string_view kSelectGroups =
    "SELECT k.kind, k.group_id, g.name, g.promotion_prompt, g.created_at, g.updated_at, g.group_id IS NOT NULL "
    "FROM (SELECT kind, group_id FROM org_groups WHERE workspace = ?1 UNION "
    "      SELECT kind, group_id FROM org_members WHERE workspace = ?1) k "
    "LEFT JOIN org_groups g ON g.workspace = ?1 AND g.kind = k.kind AND g.group_id = k.group_id ";

OrgGroup ReadGroup(const Query& q) {
  OrgGroup g;
  g.kind = KindOf(q.Int(0));
  g.id = q.Text(1);
  g.name = q.Text(2);
  g.promotion_prompt = q.Text(3);
  g.created_at = q.Int(4);
  g.updated_at = q.Int(5);
  g.defined = q.Int(6) != 0;
  return g;
}

constexpr std::string_view kSelectScoped =
    "SELECT memory_id, kind, group_id, text, category, confidence, reason, actor_ids, source_ids, groups, "
    "source_metadata, valid_from, created_at, updated_at FROM scoped_memories ";

ScopedMemory ReadScoped(const Query& q) {
  ScopedMemory m;
  m.id = q.Text(0);
  m.scope = KindOf(q.Int(1));
  m.scope_id = q.Text(2);
  m.text = q.Text(3);
  m.category = q.Text(4);
  m.confidence = q.Double(5);
  m.reason = q.Text(6);
  m.actor_ids = FromJsonArray(q.Text(7));
  m.source_ids = FromJsonArray(q.Text(8));
  m.groups = FromJsonArray(q.Text(9));
  m.source_metadata_json = q.Text(10);
  m.valid_from = q.Int(11);
  m.created_at = q.Int(12);
  m.updated_at = q.Int(13);
  return m;
}

// Whether a replacement leaves a stored promoted memory as it was: every field but the times
// (created_at is kept for an id already stored, updated_at moves on every recompute). Supporters and
// source metadata count, not only the text: search hides a memory from its supporters and shows the
// metadata, and the org is recomputed from these rows.
bool SameScoped(const ScopedMemory& stored, const ScopedMemory& next) {
  auto metadata = [](const ScopedMemory& m) -> std::string_view {
    return m.source_metadata_json.empty() ? "[]" : m.source_metadata_json;
  };
  return std::tie(stored.scope, stored.scope_id, stored.text, stored.category, stored.confidence, stored.reason,
                  stored.actor_ids, stored.source_ids, stored.groups, stored.valid_from) ==
             std::tie(next.scope, next.scope_id, next.text, next.category, next.confidence, next.reason, next.actor_ids,
                      next.source_ids, next.groups, next.valid_from) &&
         metadata(stored) == metadata(next);
}

}  // namespace

Result<std::vector<std::pair<ScopeKind, std::string>>> AddEventMemberships(
    Connection& c, const std::string& workspace, const std::string& actor,
    const std::set<std::pair<ScopeKind, std::string>>& groups, TimeMs now) {
  std::vector<std::pair<ScopeKind, std::string>> joined;
  for (const auto& [kind, id] : groups) {
    ENGRAM_RETURN_IF_ERROR(
        c.Exec("INSERT INTO org_members (workspace, kind, group_id, actor_id, via, created_at) "
               "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
               workspace, KindInt(kind), id, actor, static_cast<int64_t>(MembershipVia::kEvent), now));
    if (c.Changes() > 0) joined.emplace_back(kind, id);
  }
  return joined;
}

Status ForgetActor(Connection& c, const std::string& workspace, const std::string& actor_id) {
  ENGRAM_RETURN_IF_ERROR(c.Exec("DELETE FROM org_members WHERE workspace = ?1 AND actor_id = ?2 AND via = ?3",
                                workspace, actor_id, static_cast<int64_t>(MembershipVia::kEvent)));
  return c.Exec(
      "DELETE FROM scoped_memories WHERE workspace = ?1 AND "
      "EXISTS (SELECT 1 FROM json_each(scoped_memories.actor_ids) WHERE value = ?2)",
      workspace, actor_id);
}

namespace {

Status UpsertGroup(Connection& c, const std::string& workspace, const OrgGroup& g, TimeMs now) {
  return c.Exec(
      "INSERT INTO org_groups (workspace, kind, group_id, name, promotion_prompt, created_at, updated_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) ON CONFLICT (workspace, kind, group_id) DO UPDATE SET "
      "name = excluded.name, promotion_prompt = excluded.promotion_prompt, updated_at = excluded.updated_at",
      workspace, KindInt(g.kind), g.id, g.name, g.promotion_prompt, now);
}

Status UpsertAdminMembers(Connection& c, const std::string& workspace, ScopeKind kind, const std::string& id,
                          const std::vector<std::string>& actor_ids, TimeMs now) {
  for (const auto& actor : actor_ids) {
    ENGRAM_RETURN_IF_ERROR(
        c.Exec("INSERT INTO org_members (workspace, kind, group_id, actor_id, via, created_at) "
               "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (workspace, kind, group_id, actor_id) "
               "DO UPDATE SET via = excluded.via",
               workspace, KindInt(kind), id, actor, static_cast<int64_t>(MembershipVia::kAdmin), now));
  }
  return Status::Ok();
}

}  // namespace

Status SqliteStore::PutGroup(const std::string& workspace, const OrgGroup& g) {
  if (g.kind == ScopeKind::kActor || g.id.empty()) return Status::InvalidArgument("not a group");
  return RunWrite(Op::kPutGroup,
                  [&](Connection& c) -> Status { return UpsertGroup(c, workspace, g, clock_->NowMs()); });
}

Result<std::vector<std::string>> SqliteStore::PutGroupAndMembers(const std::string& workspace, const OrgGroup& g,
                                                                 const std::vector<std::string>& actor_ids) {
  if (g.kind != ScopeKind::kRole && g.kind != ScopeKind::kTeam) return Status::InvalidArgument("not a role or team");
  if (g.id.empty()) return Status::InvalidArgument("not a group");
  std::vector<std::string> removed;
  Status st = RunWrite(Op::kPutGroup, [&](Connection& c) -> Status {
    removed.clear();
    const TimeMs now = clock_->NowMs();
    ENGRAM_RETURN_IF_ERROR(UpsertGroup(c, workspace, g, now));
    {
      ENGRAM_ASSIGN_OR_RETURN(Query q, c.Prepare("SELECT actor_id FROM org_members WHERE workspace = ?1 AND kind = ?2 "
                                                 "AND group_id = ?3 AND via = ?4 ORDER BY actor_id",
                                                 workspace, KindInt(g.kind), g.id,
                                                 static_cast<int64_t>(MembershipVia::kAdmin)));
      std::vector<std::string> admins;
      ENGRAM_RETURN_IF_ERROR(q.CollectRows(admins, [](const Query& row) { return row.Text(0); }));
      for (auto& a : admins) {
        if (std::find(actor_ids.begin(), actor_ids.end(), a) == actor_ids.end()) removed.push_back(std::move(a));
      }
    }
    for (const auto& a : removed) {
      ENGRAM_RETURN_IF_ERROR(
          c.Exec("DELETE FROM org_members WHERE workspace = ?1 AND kind = ?2 AND group_id = ?3 AND actor_id = ?4",
                 workspace, KindInt(g.kind), g.id, a));
    }
    return UpsertAdminMembers(c, workspace, g.kind, g.id, actor_ids, now);
  });
  if (!st.ok()) return st;
  return removed;
}

Result<std::optional<OrgGroup>> SqliteStore::GetGroup(const std::string& workspace, ScopeKind kind,
                                                      const std::string& id) {
  std::optional<OrgGroup> out;
  Status st = RunRead(Op::kListGroups, [&](Connection& c) -> Status {
    out.reset();
    ENGRAM_ASSIGN_OR_RETURN(Query q, c.Prepare(std::string(kSelectGroups) + "WHERE k.kind = ?2 AND k.group_id = ?3",
                                               workspace, KindInt(kind), id));
    ENGRAM_ASSIGN_OR_RETURN(bool row, q.Step());
    if (row) out = ReadGroup(q);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Result<std::vector<OrgGroup>> SqliteStore::ListGroups(const std::string& workspace) {
  std::vector<OrgGroup> out;
  Status st = RunRead(Op::kListGroups, [&](Connection& c) -> Status {
    out.clear();
    ENGRAM_ASSIGN_OR_RETURN(Query q, c.Prepare(std::string(kSelectGroups) + "ORDER BY k.kind, k.group_id", workspace));
    return q.CollectRows(out, ReadGroup);
  });
  if (!st.ok()) return st;
  return out;
}

Result<bool> SqliteStore::DeleteGroup(const std::string& workspace, ScopeKind kind, const std::string& id) {
  bool deleted = false;
  Status st = RunWrite(Op::kDeleteGroup, [&](Connection& c) -> Status {
    deleted = false;
    for (const char* table : {"org_groups", "org_members", "scoped_memories"}) {
      ENGRAM_RETURN_IF_ERROR(c.Exec(std::string("DELETE FROM ") + table +
                                        " WHERE workspace = ?1 AND kind = ?2 AND group_id = ?3",
                                    workspace, KindInt(kind), id));
      deleted = deleted || c.Changes() > 0;
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return deleted;
}

Status SqliteStore::AddGroupMembers(const std::string& workspace, ScopeKind kind, const std::string& id,
                                   const std::vector<std::string>& actor_ids) {
  if (kind != ScopeKind::kRole && kind != ScopeKind::kTeam) return Status::InvalidArgument("not a role or team");
  return RunWrite(Op::kPutGroupMembers, [&](Connection& c) -> Status {
    return UpsertAdminMembers(c, workspace, kind, id, actor_ids, clock_->NowMs());
  });
}

Result<bool> SqliteStore::RemoveGroupMember(const std::string& workspace, ScopeKind kind, const std::string& id,
                                            const std::string& actor_id) {
  bool removed = false;
  Status st = RunWrite(Op::kPutGroupMembers, [&](Connection& c) -> Status {
    ENGRAM_RETURN_IF_ERROR(c.Exec(
        "DELETE FROM org_members WHERE workspace = ?1 AND kind = ?2 AND group_id = ?3 AND actor_id = ?4",
        workspace, KindInt(kind), id, actor_id));
    removed = c.Changes() > 0;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return removed;
}

Result<std::vector<OrgMember>> SqliteStore::ListGroupMembers(const std::string& workspace, ScopeKind kind,
                                                             const std::string& id) {
  std::vector<OrgMember> out;
  Status st = RunRead(Op::kListGroups, [&](Connection& c) -> Status {
    out.clear();
    ENGRAM_ASSIGN_OR_RETURN(Query q, c.Prepare("SELECT actor_id, via FROM org_members WHERE workspace = ?1 AND "
                                               "kind = ?2 AND group_id = ?3 ORDER BY actor_id",
                                               workspace, KindInt(kind), id));
    return q.CollectRows(out, [](const Query& row) {
      return OrgMember{row.Text(0), row.Int(1) == 1 ? MembershipVia::kEvent : MembershipVia::kAdmin};
    });
  });
  if (!st.ok()) return st;
  return out;
}

Result<std::vector<OrgGroup>> SqliteStore::ListActorGroups(const std::string& workspace, const std::string& actor_id) {
  std::vector<OrgGroup> out;
  Status st = RunRead(Op::kListGroups, [&](Connection& c) -> Status {
    out.clear();
    ENGRAM_ASSIGN_OR_RETURN(
        Query q, c.Prepare("SELECT m.kind, m.group_id, g.name, g.promotion_prompt, g.created_at, g.updated_at, "
                           "g.group_id IS NOT NULL FROM org_members m LEFT JOIN org_groups g ON "
                           "g.workspace = m.workspace AND g.kind = m.kind AND g.group_id = m.group_id "
                           "WHERE m.workspace = ?1 AND m.actor_id = ?2 ORDER BY m.kind, m.group_id",
                           workspace, actor_id));
    return q.CollectRows(out, ReadGroup);
  });
  if (!st.ok()) return st;
  return out;
}

Result<std::vector<std::string>> SqliteStore::ListOrgWorkspaces() {
  std::vector<std::string> out;
  Status st = RunRead(Op::kListGroups, [&](Connection& c) -> Status {
    out.clear();
    ENGRAM_ASSIGN_OR_RETURN(Query q, c.Prepare("SELECT workspace FROM org_groups UNION SELECT workspace FROM "
                                               "org_members UNION SELECT workspace FROM scoped_memories "
                                               "ORDER BY 1"));
    return q.CollectRows(out, [](const Query& row) { return row.Text(0); });
  });
  if (!st.ok()) return st;
  return out;
}

Result<bool> SqliteStore::ReplaceScopedMemories(const std::string& workspace, ScopeKind kind, const std::string& id,
                                                const std::vector<ScopedMemory>& memories) {
  for (const auto& m : memories) {
    if (m.scope != kind || m.scope_id != id || m.id.empty()) {
      return Status::InvalidArgument("promoted memory " + m.id + " does not belong to this scope");
    }
  }
  bool changed = false;
  Status st = RunWrite(Op::kReplaceScoped, [&](Connection& c) -> Status {
    changed = false;
    const TimeMs now = clock_->NowMs();
    std::map<std::string, ScopedMemory> before;  // by id
    {
      ENGRAM_ASSIGN_OR_RETURN(
          Query q, c.Prepare(std::string(kSelectScoped) + "WHERE workspace = ?1 AND kind = ?2 AND group_id = ?3",
                             workspace, KindInt(kind), id));
      std::vector<ScopedMemory> rows;
      ENGRAM_RETURN_IF_ERROR(q.CollectRows(rows, ReadScoped));
      for (auto& m : rows) before.emplace(m.id, std::move(m));
    }
    // A memory naming an actor that no longer exists is not written: a recompute that read before a
    // deletion committed cannot bring the deleted actor's data back.
    std::set<std::string> named;
    for (const auto& m : memories) named.insert(m.actor_ids.begin(), m.actor_ids.end());
    std::set<std::string> existing;
    {
      ENGRAM_ASSIGN_OR_RETURN(Query q, c.Prepare("SELECT user_id FROM users WHERE workspace = ?1 AND user_id IN "
                                                 "(SELECT value FROM json_each(?2))",
                                                 workspace, ToJsonArray({named.begin(), named.end()})));
      std::vector<std::string> rows;
      ENGRAM_RETURN_IF_ERROR(q.CollectRows(rows, [](const Query& row) { return row.Text(0); }));
      existing.insert(rows.begin(), rows.end());
    }
    std::vector<const ScopedMemory*> kept;
    for (const auto& m : memories) {
      if (std::all_of(m.actor_ids.begin(), m.actor_ids.end(), [&](const auto& a) { return existing.count(a) > 0; })) {
        kept.push_back(&m);
      }
    }
    std::set<std::string> after;
    changed = kept.size() != before.size();
    for (const auto* m : kept) {
      after.insert(m->id);
      auto it = before.find(m->id);
      changed = changed || it == before.end() || !SameScoped(it->second, *m);
    }
    for (const auto& [old_id, old_memory] : before) {
      if (after.count(old_id) > 0) continue;
      ENGRAM_RETURN_IF_ERROR(
          c.Exec("DELETE FROM scoped_memories WHERE workspace = ?1 AND memory_id = ?2", workspace, old_id));
    }
    for (const ScopedMemory* kept_memory : kept) {
      const ScopedMemory& m = *kept_memory;
      ENGRAM_RETURN_IF_ERROR(c.Exec(
          "INSERT INTO scoped_memories (workspace, kind, group_id, memory_id, text, category, confidence, reason, "
          "actor_ids, source_ids, groups, source_metadata, valid_from, created_at, updated_at) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) "
          "ON CONFLICT (workspace, memory_id) DO UPDATE SET kind = excluded.kind, group_id = excluded.group_id, "
          "text = excluded.text, category = excluded.category, confidence = excluded.confidence, "
          "reason = excluded.reason, actor_ids = excluded.actor_ids, source_ids = excluded.source_ids, "
          "groups = excluded.groups, source_metadata = excluded.source_metadata, valid_from = excluded.valid_from, "
          "updated_at = excluded.updated_at",
          workspace, KindInt(kind), id, m.id, m.text, m.category, m.confidence, m.reason, ToJsonArray(m.actor_ids),
          ToJsonArray(m.source_ids), ToJsonArray(m.groups),
          m.source_metadata_json.empty() ? std::string("[]") : m.source_metadata_json, m.valid_from,
          m.created_at ? m.created_at : now, m.updated_at ? m.updated_at : now));
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return changed;
}

Result<std::vector<ScopedMemory>> SqliteStore::ListScopedMemories(
    const std::string& workspace, const std::vector<std::pair<ScopeKind, std::string>>& scopes) {
  std::vector<ScopedMemory> out;
  Status st = RunRead(Op::kListScoped, [&](Connection& c) -> Status {
    out.clear();
    if (scopes.empty()) {
      ENGRAM_ASSIGN_OR_RETURN(
          Query q, c.Prepare(std::string(kSelectScoped) + "WHERE workspace = ?1 ORDER BY kind DESC, smid", workspace));
      return q.CollectRows(out, ReadScoped);
    }
    // Scopes arrive as one JSON array of "<kind>:<id>" keys, so the statement is the same for any count.
    std::vector<std::string> keys;
    for (const auto& [kind, id] : scopes) keys.push_back(std::to_string(KindInt(kind)) + ":" + id);
    ENGRAM_ASSIGN_OR_RETURN(
        Query q, c.Prepare(std::string(kSelectScoped) +
                               "WHERE workspace = ?1 AND (kind || ':' || group_id) IN (SELECT value FROM json_each(?2)) "
                               "ORDER BY kind DESC, smid",
                           workspace, ToJsonArray(keys)));
    return q.CollectRows(out, ReadScoped);
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace engram::store::sqlite
