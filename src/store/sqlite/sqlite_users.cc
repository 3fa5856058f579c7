// Users: register (create or merge), lookup, counts, delete.
#include <nlohmann/json.hpp>

#include "common/crypto.h"
#include "store/sqlite/sqlite_store_impl.h"

namespace engram::store::sqlite {
namespace {

constexpr std::string_view kSelectUser =
    "SELECT uid, workspace, user_id, email, purpose, traits_json, status, created_at, updated_at, "
    "version FROM users ";

domain::User ReadUser(const Query& q) {
  domain::User u;
  u.uid = q.Int(0);
  u.workspace = q.Text(1);
  u.id = q.Text(2);
  u.email = q.Text(3);
  u.purpose = q.Text(4);
  u.traits_json = q.Text(5);
  u.status = q.Text(6);
  u.created_at = q.Int(7);
  u.updated_at = q.Int(8);
  u.version = q.Int(9);
  return u;
}

// The first user matching `where` (a clause with ?1 = workspace, ?2 = the value).
Result<std::optional<domain::User>> FindUser(Connection& c, std::string_view where,
                                             const std::string& workspace, const std::string& value) {
  ENGRAM_ASSIGN_OR_RETURN(Query q, c.Prepare(std::string(kSelectUser) + std::string(where),
                                             workspace, value));
  ENGRAM_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return std::optional<domain::User>();
  return std::optional<domain::User>(ReadUser(q));
}

Result<std::optional<domain::User>> FindById(Connection& c, const std::string& workspace,
                                             const std::string& user_id) {
  return FindUser(c, "WHERE workspace = ?1 AND user_id = ?2", workspace, user_id);
}

Result<std::optional<domain::User>> FindByEmail(Connection& c, const std::string& workspace,
                                                const std::string& email) {
  // Oldest first: if a merge ever left two users with one email, the answer stays stable.
  return FindUser(c, "WHERE workspace = ?1 AND email = ?2 AND email <> '' ORDER BY uid LIMIT 1",
                  workspace, email);
}

// Shallow merge of `update` over `base` (both JSON object text; new keys win). nlohmann's object is an
// ordered map, so the result's key order, and so the summary built from it, is deterministic.
Result<std::string> MergeTraits(const std::string& base, const std::string& update) {
  try {
    nlohmann::json merged = base.empty() ? nlohmann::json::object() : nlohmann::json::parse(base);
    if (!merged.is_object()) merged = nlohmann::json::object();
    if (!update.empty()) {
      const nlohmann::json patch = nlohmann::json::parse(update);
      if (!patch.is_object()) return Status::InvalidArgument("traits must be a JSON object");
      for (const auto& [k, v] : patch.items()) merged[k] = v;
    }
    return merged.dump();
  } catch (const nlohmann::json::exception&) {
    return Status::InvalidArgument("traits are not valid JSON");
  }
}

}  // namespace

Result<domain::RegisterResult> SqliteStore::RegisterUser(const domain::RegisterSpec& spec) {
  const bool has_id = spec.id.has_value() && !spec.id->empty();
  const bool has_email = spec.email.has_value() && !spec.email->empty();
  if (!has_id && !has_email) return Status::InvalidArgument("register needs a user id or an email");
  // Validate the traits before queueing, so a malformed body never occupies the writer.
  ENGRAM_ASSIGN_OR_RETURN(std::string traits, MergeTraits("{}", spec.traits_json));

  domain::RegisterResult out;
  Status st = RunWrite(Op::kRegisterUser, [&](Connection& c) -> Status {
    out = domain::RegisterResult{};
    const TimeMs now = clock_->NowMs();
    std::optional<domain::User> existing;
    if (has_id) {
      ENGRAM_ASSIGN_OR_RETURN(existing, FindById(c, spec.workspace, *spec.id));
    }
    if (!existing && has_email && !has_id) {
      ENGRAM_ASSIGN_OR_RETURN(existing, FindByEmail(c, spec.workspace, *spec.email));
    }

    if (!existing) {
      domain::User u;
      u.workspace = spec.workspace;
      u.id = has_id ? *spec.id : NewId("usr_");
      u.email = has_email ? *spec.email : "";
      u.purpose = spec.purpose.value_or("");
      u.traits_json = traits;
      u.created_at = now;
      u.updated_at = now;
      u.version = 1;
      ENGRAM_RETURN_IF_ERROR(c.Exec(
          "INSERT INTO users (workspace, user_id, email, purpose, traits_json, status, created_at, "
          "updated_at, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
          u.workspace, u.id, u.email, u.purpose, u.traits_json, u.status, u.created_at,
          u.updated_at, u.version));
      u.uid = c.LastInsertRowId();
      out.user = std::move(u);
      out.created = true;
      return Status::Ok();
    }

    domain::User u = std::move(*existing);
    ENGRAM_ASSIGN_OR_RETURN(std::string merged, MergeTraits(u.traits_json, spec.traits_json));
    bool changed = merged != u.traits_json;
    u.traits_json = std::move(merged);
    if (has_email && *spec.email != u.email) {
      u.email = *spec.email;
      changed = true;
    }
    if (spec.purpose && *spec.purpose != u.purpose) {
      u.purpose = *spec.purpose;
      changed = true;
    }
    if (changed) {
      // Traits and purpose feed the summary: a new version invalidates its cache.
      u.updated_at = now;
      u.version += 1;
      ENGRAM_RETURN_IF_ERROR(c.Exec(
          "UPDATE users SET email = ?1, purpose = ?2, traits_json = ?3, updated_at = ?4, "
          "version = ?5 WHERE uid = ?6",
          u.email, u.purpose, u.traits_json, u.updated_at, u.version, u.uid));
    }
    out.user = std::move(u);
    out.created = false;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Result<std::optional<domain::User>> SqliteStore::GetUser(const std::string& workspace,
                                                         const std::string& user_id) {
  std::optional<domain::User> user;
  Status st = RunRead(Op::kGetUser, [&](Connection& c) -> Status {
    ENGRAM_ASSIGN_OR_RETURN(user, FindById(c, workspace, user_id));
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return user;
}

Result<std::optional<domain::User>> SqliteStore::GetUserByUid(const std::string& workspace, int64_t uid) {
  std::optional<domain::User> user;
  Status st = RunRead(Op::kGetUser, [&](Connection& c) -> Status {
    ENGRAM_ASSIGN_OR_RETURN(user, FindUser(c, "WHERE workspace = ?1 AND uid = ?2", workspace, std::to_string(uid)));
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return user;
}

Result<domain::RecordCounts> SqliteStore::CountRecords(const std::string& workspace, int64_t uid) {
  domain::RecordCounts counts;
  Status st = RunRead(Op::kCountRecords, [&](Connection& c) -> Status {
    ENGRAM_ASSIGN_OR_RETURN(bool mine, UserInWorkspace(c, workspace, uid));
    if (!mine) return Status::Ok();  // another workspace's uid counts as an empty user
    {
      ENGRAM_ASSIGN_OR_RETURN(
          Query q, c.Prepare("SELECT kind, COUNT(*) FROM records WHERE uid = ?1 GROUP BY kind", uid));
      while (true) {
        ENGRAM_ASSIGN_OR_RETURN(bool row, q.Step());
        if (!row) break;
        switch (static_cast<domain::RecordKind>(q.Int(0))) {
          case domain::RecordKind::kEvent: counts.events = q.Int(1); break;
          case domain::RecordKind::kDocument: counts.documents = q.Int(1); break;
          case domain::RecordKind::kMessage: counts.messages = q.Int(1); break;
          case domain::RecordKind::kMemory:  // derived items are not records
          case domain::RecordKind::kStage3: break;
        }
      }
    }
    ENGRAM_ASSIGN_OR_RETURN(auto chunks, c.QueryInt("SELECT COUNT(*) FROM chunks WHERE uid = ?1", uid));
    counts.chunks = chunks.value_or(0);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return counts;
}

Result<bool> SqliteStore::DeleteUser(const std::string& workspace, const std::string& user_id) {
  bool deleted = false;
  Status st = RunWrite(Op::kDeleteUser, [&](Connection& c) -> Status {
    // ON DELETE CASCADE removes records, and through them chunks, in this same transaction.
    ENGRAM_RETURN_IF_ERROR(ForgetActor(c, workspace, user_id));
    ENGRAM_RETURN_IF_ERROR(
        c.Exec("DELETE FROM users WHERE workspace = ?1 AND user_id = ?2", workspace, user_id));
    deleted = c.Changes() > 0;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return deleted;
}

}  // namespace engram::store::sqlite
