// Records and chunks: the write policy (dedupe / update_existing) and the per-user reads.
#include <set>
#include <string>

#include <cstring>

#include "store/sqlite/sqlite_store_impl.h"

namespace engram::store::sqlite {
namespace {

using domain::Chunk;
using domain::Record;
using domain::RecordWriteResult;
using domain::WriteOutcome;

constexpr std::string_view kSkipDuplicateId = "duplicate_id";
constexpr std::string_view kSkipDuplicateContent = "duplicate_content";
constexpr std::string_view kSkipUnchanged = "unchanged";

// An empty hash means "unknown" (the caller did not compute one): it never equals anything, so
// records without hashes are never deduplicated against each other by content.
std::optional<std::string> HashOrNull(const std::string& h) {
  if (h.empty()) return std::nullopt;
  return h;
}

domain::RecordKind KindFromInt(int64_t v) {
  return v >= 0 && v <= 4 ? static_cast<domain::RecordKind>(v) : domain::RecordKind::kEvent;
}

struct StoredRecord {
  int64_t rid = 0;
  std::string content_hash;
};

Result<std::optional<StoredRecord>> FindStored(Connection& c, int64_t uid, const std::string& id) {
  ENGRAM_ASSIGN_OR_RETURN(
      Query q, c.Prepare("SELECT rid, content_hash FROM records "
                         "WHERE uid = ?1 AND record_id = ?2",
                         uid, id));
  ENGRAM_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return std::optional<StoredRecord>();
  return std::optional<StoredRecord>(StoredRecord{q.Int(0), q.Text(1)});
}

// A chunk row holds what is its own (text, position, speaker); kind, type, source, time, session and
// metadata are its record's, read through the join. A chunk may name its own speaker (a transcript
// chunk), else it inherits the record's.
Status InsertChunks(Connection& c, int64_t uid, int64_t rid, const Record& r) {
  for (const Chunk& ch : r.chunks) {
    const std::string id = ch.id.empty() ? r.id + "#" + std::to_string(ch.n) : ch.id;
    ENGRAM_RETURN_IF_ERROR(c.Exec(
        "INSERT INTO chunks (uid, record_rid, chunk_id, n, text, speaker) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", uid, rid,
        id, ch.n, ch.text, ch.speaker.empty() ? r.speaker : ch.speaker));
  }
  return Status::Ok();
}

Status InsertRecord(Connection& c, int64_t uid, const Record& r, TimeMs now) {
  ENGRAM_RETURN_IF_ERROR(c.Exec(
      "INSERT INTO records (uid, record_id, kind, type, source, title, speaker, session_id, ts, "
      "metadata, content, content_hash, created_at, updated_at, role_id, team_id) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, ?14, ?15)",
      uid, r.id, static_cast<int64_t>(r.kind), r.type, r.source, r.title, r.speaker, r.session_id,
      r.timestamp, r.metadata_json, r.content, HashOrNull(r.content_hash), now, r.role_id, r.team_id));
  return InsertChunks(c, uid, c.LastInsertRowId(), r);
}

// Replaces what the client may change about a record it already sent; kind, source, session and
// created_at describe where the record came from and stay as first stored.
Status ReplaceRecord(Connection& c, int64_t uid, const StoredRecord& stored, const Record& r,
                     TimeMs now) {
  ENGRAM_RETURN_IF_ERROR(c.Exec(
      "UPDATE records SET type = ?1, title = ?2, speaker = ?3, ts = ?4, metadata = ?5, content = ?6, "
      "content_hash = ?7, updated_at = ?8, role_id = ?10, team_id = ?11 WHERE rid = ?9",
      r.type, r.title, r.speaker, r.timestamp, r.metadata_json, r.content,
      HashOrNull(r.content_hash), now, stored.rid, r.role_id, r.team_id));
  ENGRAM_RETURN_IF_ERROR(c.Exec("DELETE FROM chunks WHERE record_rid = ?1", stored.rid));
  return InsertChunks(c, uid, stored.rid, r);
}

constexpr std::string_view kSelectRecord =
    "SELECT rid, record_id, kind, type, source, title, speaker, session_id, ts, metadata, content, "
    "content_hash, created_at, updated_at, role_id, team_id FROM records ";

Record ReadRecord(const Query& q) {
  Record r;
  r.id = q.Text(1);
  r.kind = KindFromInt(q.Int(2));
  r.type = q.Text(3);
  r.source = q.Text(4);
  r.title = q.Text(5);
  r.speaker = q.Text(6);
  r.session_id = q.Text(7);
  r.timestamp = q.Int(8);
  r.metadata_json = q.Text(9);
  r.content = q.Text(10);
  r.content_hash = q.Text(11);
  r.created_at = q.Int(12);
  r.updated_at = q.Int(13);
  r.role_id = q.Text(14);
  r.team_id = q.Text(15);
  return r;
}

constexpr std::string_view kChunkColumns =
    "SELECT c.chunk_id, r.record_id, c.n, c.text, r.kind, r.type, r.source, c.speaker, r.ts, r.session_id, "
    "r.metadata ";
constexpr std::string_view kChunkFrom = "FROM chunks c JOIN records r ON r.rid = c.record_rid ";

Chunk ReadChunk(const Query& q) {
  Chunk ch;
  ch.id = q.Text(0);
  ch.record_id = q.Text(1);
  ch.n = static_cast<int>(q.Int(2));
  ch.text = q.Text(3);
  ch.kind = KindFromInt(q.Int(4));
  ch.type = q.Text(5);
  ch.source = q.Text(6);
  ch.speaker = q.Text(7);
  ch.timestamp = q.Int(8);
  ch.session_id = q.Text(9);
  ch.metadata_json = q.Text(10);
  return ch;
}

}  // namespace

Result<WriteBatchResult> SqliteStore::WriteRecords(const WriteBatch& batch) {
  for (const Record& r : batch.records) {
    if (r.id.empty()) return Status::InvalidArgument("record without an id");
  }
  WriteBatchResult out;
  Status st = RunWrite(Op::kWriteRecords, [&](Connection& c) -> Status {
    out = WriteBatchResult{};
    const TimeMs now = clock_->NowMs();
    // The user's version and id (the actor of any membership the records add), in one read.
    std::optional<int64_t> version;
    std::string actor;
    {
      ENGRAM_ASSIGN_OR_RETURN(Query user, c.Prepare("SELECT version, user_id FROM users WHERE uid = ?1 AND workspace = ?2",
                                                    batch.uid, batch.workspace));
      ENGRAM_ASSIGN_OR_RETURN(bool row, user.Step());
      if (!row) return Status::NotFound("user not found");
      version = user.Int(0);
      actor = user.Text(1);
    }

    // Records are applied one by one inside the transaction, so "already stored" includes the
    // earlier records of this batch: in-batch duplicates follow the same rules as stored ones.
    bool changed = false;
    std::set<std::pair<domain::ScopeKind, std::string>> groups;  // roles and teams the written records name
    out.results.reserve(batch.records.size());
    for (const Record& r : batch.records) {
      RecordWriteResult res;
      res.record_id = r.id;
      res.kind = r.kind;
      ENGRAM_ASSIGN_OR_RETURN(std::optional<StoredRecord> stored, FindStored(c, batch.uid, r.id));
      if (stored) {
        if (!batch.policy.update_existing) {
          res.outcome = WriteOutcome::kSkipped;
          res.skip_reason = kSkipDuplicateId;
        } else if (!r.content_hash.empty() && stored->content_hash == r.content_hash) {
          res.outcome = WriteOutcome::kSkipped;
          res.skip_reason = kSkipUnchanged;
        } else {
          ENGRAM_RETURN_IF_ERROR(ReplaceRecord(c, batch.uid, *stored, r, now));
          res.outcome = WriteOutcome::kUpdated;
          changed = true;
        }
      } else {
        std::optional<int64_t> same_content;
        if (batch.policy.dedupe && !r.content_hash.empty()) {
          ENGRAM_ASSIGN_OR_RETURN(
              same_content,
              c.QueryInt("SELECT 1 FROM records WHERE uid = ?1 AND content_hash = ?2 LIMIT 1",
                         batch.uid, r.content_hash));
        }
        if (same_content) {
          res.outcome = WriteOutcome::kSkipped;
          res.skip_reason = kSkipDuplicateContent;
        } else {
          ENGRAM_RETURN_IF_ERROR(InsertRecord(c, batch.uid, r, now));
          res.outcome = WriteOutcome::kInserted;
          changed = true;
        }
      }
      if (res.outcome != WriteOutcome::kSkipped) {
        if (!r.role_id.empty()) groups.emplace(domain::ScopeKind::kRole, r.role_id);
        if (!r.team_id.empty()) groups.emplace(domain::ScopeKind::kTeam, r.team_id);
      }
      out.results.push_back(std::move(res));
    }
    if (!groups.empty()) {
      ENGRAM_ASSIGN_OR_RETURN(out.joined_groups, AddEventMemberships(c, batch.workspace, actor, groups, now));
    }
    if (changed) {
      // New content changes what retrieval and the summary see: readers holding a cached index
      // compare this version to know they are stale.
      *version += 1;
      ENGRAM_RETURN_IF_ERROR(c.Exec("UPDATE users SET version = ?1, updated_at = ?2 WHERE uid = ?3",
                                    *version, now, batch.uid));
    }
    out.user_version = *version;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Result<std::optional<Record>> SqliteStore::GetRecord(const std::string& workspace, int64_t uid,
                                                     const std::string& record_id) {
  std::optional<Record> record;
  Status st = RunRead(Op::kGetRecord, [&](Connection& c) -> Status {
    ENGRAM_ASSIGN_OR_RETURN(bool mine, UserInWorkspace(c, workspace, uid));
    if (!mine) return Status::Ok();
    int64_t rid = 0;
    {
      ENGRAM_ASSIGN_OR_RETURN(
          Query q, c.Prepare(std::string(kSelectRecord) + "WHERE uid = ?1 AND record_id = ?2", uid,
                             record_id));
      ENGRAM_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) return Status::Ok();
      rid = q.Int(0);
      record = ReadRecord(q);
    }
    ENGRAM_ASSIGN_OR_RETURN(
        Query q, c.Prepare(std::string(kChunkColumns) + std::string(kChunkFrom) + "WHERE c.record_rid = ?1 ORDER BY c.n",
                           rid));
    ENGRAM_RETURN_IF_ERROR(q.CollectRows(record->chunks, ReadChunk));
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return record;
}

Result<std::vector<Record>> SqliteStore::GetRecords(const std::string& workspace, int64_t uid,
                                                    const std::vector<std::string>& ids) {
  std::vector<Record> found;
  Status st = RunRead(Op::kGetRecord, [&](Connection& c) -> Status {
    found.clear();
    ENGRAM_ASSIGN_OR_RETURN(bool mine, UserInWorkspace(c, workspace, uid));
    if (!mine || ids.empty()) return Status::Ok();
    // One statement whatever the number of ids: they arrive as a JSON array.
    // The columns of kSelectRecord with the content left empty (callers want a record's head only).
    ENGRAM_ASSIGN_OR_RETURN(
        Query q, c.Prepare("SELECT rid, record_id, kind, type, source, title, speaker, session_id, ts, metadata, '', "
                           "content_hash, created_at, updated_at, role_id, team_id FROM records "
                           "WHERE uid = ?1 AND record_id IN (SELECT value FROM json_each(?2))",
                           uid, ToJsonArray(ids)));
    return q.CollectRows(found, ReadRecord);
  });
  if (!st.ok()) return st;
  std::vector<Record> ordered;
  for (const auto& id : ids) {
    for (auto& r : found) {
      if (r.id == id && !r.id.empty()) {
        ordered.push_back(std::move(r));
        r.id.clear();  // moved from; a repeated request id finds it once
        break;
      }
    }
  }
  return ordered;
}

Result<std::vector<Record>> SqliteStore::ListRecords(const std::string& workspace, int64_t uid) {
  std::vector<Record> records;
  Status st = RunRead(Op::kListRecords, [&](Connection& c) -> Status {
    ENGRAM_ASSIGN_OR_RETURN(bool mine, UserInWorkspace(c, workspace, uid));
    if (!mine) return Status::Ok();
    ENGRAM_ASSIGN_OR_RETURN(
        Query q, c.Prepare(std::string(kSelectRecord) + "WHERE uid = ?1 ORDER BY rid", uid));
    ENGRAM_RETURN_IF_ERROR(q.CollectRows(records, ReadRecord));
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return records;
}

Result<std::vector<Chunk>> SqliteStore::ListChunks(const std::string& workspace, int64_t uid) {
  std::vector<Chunk> chunks;
  Status st = RunRead(Op::kListChunks, [&](Connection& c) -> Status {
    ENGRAM_ASSIGN_OR_RETURN(bool mine, UserInWorkspace(c, workspace, uid));
    if (!mine) return Status::Ok();
    ENGRAM_ASSIGN_OR_RETURN(
        Query q, c.Prepare(std::string(kChunkColumns) +
                               "FROM records r JOIN chunks c ON c.record_rid = r.rid WHERE r.uid = ?1 "
                               "ORDER BY r.rid, c.n",
                           uid));
    ENGRAM_RETURN_IF_ERROR(q.CollectRows(chunks, ReadChunk));
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return chunks;
}

Status SqliteStore::PutChunkVectors(const std::string& workspace, int64_t uid, const std::string& model,
                                    const std::vector<domain::ChunkVector>& vectors) {
  if (vectors.empty()) return Status::Ok();
  return RunWrite(Op::kPutChunkVectors, [&](Connection& c) -> Status {
    ENGRAM_ASSIGN_OR_RETURN(bool mine, UserInWorkspace(c, workspace, uid));
    if (!mine) return Status::Ok();  // the user was deleted meanwhile: nothing to attach to
    for (const auto& v : vectors) {
      std::string_view blob(reinterpret_cast<const char*>(v.vector.data()), v.vector.size() * sizeof(float));
      // Only onto the chunk as it was embedded: a chunk replaced meanwhile (other text) gets none.
      ENGRAM_RETURN_IF_ERROR(c.Exec(
          "INSERT INTO chunk_vectors (uid, chunk_id, model, vector) SELECT uid, chunk_id, ?1, ?2 FROM chunks "
          "WHERE uid = ?3 AND chunk_id = ?4 AND text = ?5 "
          "ON CONFLICT (uid, chunk_id) DO UPDATE SET model = excluded.model, vector = excluded.vector",
          model, Blob{blob}, uid, v.chunk_id, v.text));
    }
    return Status::Ok();
  });
}

Result<std::vector<domain::ChunkVector>> SqliteStore::ListChunkVectors(const std::string& workspace, int64_t uid,
                                                                       const std::string& model) {
  std::vector<domain::ChunkVector> out;
  Status st = RunRead(Op::kListChunkVectors, [&](Connection& c) -> Status {
    out.clear();
    ENGRAM_ASSIGN_OR_RETURN(bool mine, UserInWorkspace(c, workspace, uid));
    if (!mine) return Status::Ok();
    ENGRAM_ASSIGN_OR_RETURN(Query q, c.Prepare("SELECT chunk_id, vector FROM chunk_vectors WHERE uid = ?1 AND "
                                               "model = ?2 ORDER BY rowid",
                                               uid, model));
    while (true) {
      ENGRAM_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      domain::ChunkVector v;
      v.chunk_id = q.Text(0);
      const std::string_view blob = q.BlobView(1);
      v.vector.resize(blob.size() / sizeof(float));
      std::memcpy(v.vector.data(), blob.data(), v.vector.size() * sizeof(float));
      out.push_back(std::move(v));
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Result<std::vector<Record>> SqliteStore::ListUnextractedRecords(const std::string& workspace, int64_t uid,
                                                                size_t limit) {
  std::vector<Record> records;
  Status st = RunRead(Op::kListUnextracted, [&](Connection& c) -> Status {
    records.clear();
    ENGRAM_ASSIGN_OR_RETURN(bool mine, UserInWorkspace(c, workspace, uid));
    if (!mine) return Status::Ok();
    ENGRAM_ASSIGN_OR_RETURN(Query q, c.Prepare(std::string(kSelectRecord) +
                                                   "WHERE uid = ?1 AND extracted = 0 AND extract_error IS NULL "
                                                   "ORDER BY rid LIMIT ?2",
                                               uid, static_cast<int64_t>(limit)));
    ENGRAM_RETURN_IF_ERROR(q.CollectRows(records, ReadRecord));
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return records;
}

}  // namespace engram::store::sqlite
