// SqliteStore: memories, extracted traits, Stage 3 items, extraction bookkeeping.
#include <nlohmann/json.hpp>

#include "store/sqlite/sqlite_store_impl.h"

namespace engram::store::sqlite {

namespace {

using domain::Memory;

constexpr std::string_view kSelectMemory =
    "SELECT memory_id, text, category, confidence, entities, subject, key, valid_from, source_ids, status, "
    "superseded_by, superseded_at, created_at, updated_at FROM memories ";

Memory ReadMemory(const Query& q) {
  Memory m;
  m.id = q.Text(0);
  m.text = q.Text(1);
  m.category = q.Text(2);
  m.confidence = q.Double(3);
  m.entities = FromJsonArray(q.Text(4));
  m.subject = q.Text(5);
  m.key = q.Text(6);
  m.valid_from = q.Int(7);
  m.source_ids = FromJsonArray(q.Text(8));
  m.status = q.Int(9) == 1 ? domain::MemoryStatus::kSuperseded : domain::MemoryStatus::kCurrent;
  m.superseded_by = q.Text(10);
  m.superseded_at = q.Int(11);
  m.created_at = q.Int(12);
  m.updated_at = q.Int(13);
  return m;
}

domain::Trait ReadTrait(const Query& q) {
  domain::Trait t;
  t.name = q.Text(0);
  t.value = q.Text(1);
  t.source = q.Text(2);
  t.confidence = q.Double(3);
  t.source_ids = FromJsonArray(q.Text(4));
  t.updated_at = q.Int(5);
  return t;
}

domain::Stage3Item ReadStage3Item(const Query& q) {
  domain::Stage3Item s;
  s.id = q.Text(0);
  s.question_index = static_cast<int>(q.Int(1));
  s.question = q.Text(2);
  s.answer = q.Text(3);
  s.confidence = q.Double(4);
  s.source_ids = FromJsonArray(q.Text(5));
  s.created_at = q.Int(6);
  s.updated_at = q.Int(7);
  return s;
}

Status BumpVersion(Connection& c, int64_t uid, TimeMs now, int64_t* version) {
  ENGRAM_ASSIGN_OR_RETURN(std::optional<int64_t> v, c.QueryInt("SELECT version FROM users WHERE uid = ?1", uid));
  if (!v) return Status::NotFound("user no longer exists");
  *version = *v + 1;
  return c.Exec("UPDATE users SET version = ?1, updated_at = ?2 WHERE uid = ?3", *version, now, uid);
}

}  // namespace

std::string ToJsonArray(const std::vector<std::string>& v) {
  return nlohmann::json(v).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<std::string> FromJsonArray(const std::string& text) {
  std::vector<std::string> out;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& e : j) {
    if (e.is_string()) out.push_back(e.get<std::string>());
  }
  return out;
}

Result<std::vector<Memory>> SqliteStore::ListMemories(const std::string& workspace, int64_t uid, bool include_history) {
  std::vector<Memory> out;
  Status st = RunRead(Op::kListMemories, [&](Connection& c) -> Status {
    out.clear();
    ENGRAM_ASSIGN_OR_RETURN(bool mine, UserInWorkspace(c, workspace, uid));
    if (!mine) return Status::Ok();
    ENGRAM_ASSIGN_OR_RETURN(Query q, c.Prepare(std::string(kSelectMemory) +
                                                   (include_history ? "WHERE uid = ?1 ORDER BY mid"
                                                                    : "WHERE uid = ?1 AND status = 0 ORDER BY mid"),
                                               uid));
    ENGRAM_RETURN_IF_ERROR(q.CollectRows(out, ReadMemory));
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Result<int64_t> SqliteStore::ApplyMemoryWrite(const std::string& workspace, int64_t uid, const MemoryWrite& w) {
  int64_t version = 0;
  Status st = RunWrite(Op::kApplyMemoryWrite, [&](Connection& c) -> Status {
    version = 0;
    ENGRAM_ASSIGN_OR_RETURN(bool mine, UserInWorkspace(c, workspace, uid));
    if (!mine) return Status::NotFound("user no longer exists");
    const TimeMs now = clock_->NowMs();
    for (const Memory& m : w.upserts) {
      ENGRAM_RETURN_IF_ERROR(c.Exec(
          "INSERT INTO memories (uid, memory_id, text, category, confidence, entities, subject, key, valid_from, "
          "source_ids, status, superseded_by, superseded_at, created_at, updated_at) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) "
          "ON CONFLICT (uid, memory_id) DO UPDATE SET text = excluded.text, category = excluded.category, "
          "confidence = excluded.confidence, entities = excluded.entities, subject = excluded.subject, "
          "key = excluded.key, valid_from = excluded.valid_from, source_ids = excluded.source_ids, "
          "status = excluded.status, superseded_by = excluded.superseded_by, "
          "superseded_at = excluded.superseded_at, updated_at = excluded.updated_at",
          uid, m.id, m.text, m.category, m.confidence, ToJsonArray(m.entities), m.subject, m.key, m.valid_from,
          ToJsonArray(m.source_ids), static_cast<int64_t>(m.status == domain::MemoryStatus::kSuperseded ? 1 : 0),
          m.superseded_by, m.superseded_at, m.created_at ? m.created_at : now, m.updated_at ? m.updated_at : now));
    }
    for (const domain::Trait& t : w.traits) {
      ENGRAM_RETURN_IF_ERROR(c.Exec(
          "INSERT INTO traits (uid, name, value, source, confidence, source_ids, updated_at) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (uid, name) DO UPDATE SET value = excluded.value, "
          "source = excluded.source, confidence = excluded.confidence, source_ids = excluded.source_ids, "
          "updated_at = excluded.updated_at",
          uid, t.name, t.value, t.source.empty() ? std::string("extracted") : t.source, t.confidence,
          ToJsonArray(t.source_ids), t.updated_at ? t.updated_at : now));
    }
    for (const std::string& id : w.extracted_record_ids) {
      ENGRAM_RETURN_IF_ERROR(c.Exec("UPDATE records SET extracted = 1 WHERE uid = ?1 AND record_id = ?2", uid, id));
    }
    if (!w.upserts.empty() || !w.traits.empty()) {
      ENGRAM_RETURN_IF_ERROR(BumpVersion(c, uid, now, &version));
    } else {
      ENGRAM_ASSIGN_OR_RETURN(std::optional<int64_t> v, c.QueryInt("SELECT version FROM users WHERE uid = ?1", uid));
      version = v.value_or(0);
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return version;
}

Result<std::vector<std::pair<std::string, int64_t>>> SqliteStore::ListUsersPendingExtraction(size_t limit) {
  std::vector<std::pair<std::string, int64_t>> out;
  Status st = RunRead(Op::kListPending, [&](Connection& c) -> Status {
    out.clear();
    ENGRAM_ASSIGN_OR_RETURN(
        Query q, c.Prepare("SELECT u.workspace, u.uid FROM users u WHERE EXISTS (SELECT 1 FROM records r "
                           "WHERE r.uid = u.uid AND r.extracted = 0 AND r.extract_error IS NULL) ORDER BY u.uid LIMIT ?1",
                           static_cast<int64_t>(limit)));
    ENGRAM_RETURN_IF_ERROR(
        q.CollectRows(out, [](const Query& row) { return std::make_pair(row.Text(0), row.Int(1)); }));
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Result<std::vector<domain::Trait>> SqliteStore::ListTraits(const std::string& workspace, int64_t uid) {
  std::vector<domain::Trait> out;
  Status st = RunRead(Op::kListTraits, [&](Connection& c) -> Status {
    out.clear();
    ENGRAM_ASSIGN_OR_RETURN(bool mine, UserInWorkspace(c, workspace, uid));
    if (!mine) return Status::Ok();
    ENGRAM_ASSIGN_OR_RETURN(Query q, c.Prepare("SELECT name, value, source, confidence, source_ids, updated_at "
                                               "FROM traits WHERE uid = ?1 ORDER BY name",
                                               uid));
    ENGRAM_RETURN_IF_ERROR(q.CollectRows(out, ReadTrait));
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Result<int64_t> SqliteStore::PutStage3Item(const std::string& workspace, int64_t uid,
                                           const domain::Stage3Item& item) {
  int64_t version = 0;
  Status st = RunWrite(Op::kPutStage3, [&](Connection& c) -> Status {
    ENGRAM_ASSIGN_OR_RETURN(bool mine, UserInWorkspace(c, workspace, uid));
    if (!mine) return Status::NotFound("user no longer exists");
    const TimeMs now = clock_->NowMs();
    ENGRAM_RETURN_IF_ERROR(c.Exec(
        "INSERT INTO stage3_items (uid, item_id, question_index, question, answer, confidence, source_ids, "
        "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (uid, item_id) DO UPDATE "
        "SET question_index = excluded.question_index, question = excluded.question, answer = excluded.answer, "
        "confidence = excluded.confidence, source_ids = excluded.source_ids, updated_at = excluded.updated_at",
        uid, item.id, static_cast<int64_t>(item.question_index), item.question, item.answer, item.confidence,
        ToJsonArray(item.source_ids), item.created_at ? item.created_at : now, now));
    return BumpVersion(c, uid, now, &version);
  });
  if (!st.ok()) return st;
  return version;
}

Result<std::vector<domain::Stage3Item>> SqliteStore::ListStage3Items(const std::string& workspace, int64_t uid) {
  std::vector<domain::Stage3Item> out;
  Status st = RunRead(Op::kListStage3, [&](Connection& c) -> Status {
    out.clear();
    ENGRAM_ASSIGN_OR_RETURN(bool mine, UserInWorkspace(c, workspace, uid));
    if (!mine) return Status::Ok();
    ENGRAM_ASSIGN_OR_RETURN(Query q, c.Prepare("SELECT item_id, question_index, question, answer, confidence, "
                                               "source_ids, created_at, updated_at FROM stage3_items WHERE uid = ?1 "
                                               "ORDER BY sid",
                                               uid));
    ENGRAM_RETURN_IF_ERROR(q.CollectRows(out, ReadStage3Item));
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace engram::store::sqlite
