// SqliteStore: extraction state of records (pending / processed / failed) for /status and the worker's
// give-up path. The state is derived from two columns: `extracted` and `extract_error`.
#include "store/sqlite/sqlite_store_impl.h"

namespace engram::store::sqlite {

Result<ExtractionCounts> SqliteStore::RecordStatusCounts(const std::string& workspace, int64_t uid,
                                                         size_t max_failed_ids) {
  ExtractionCounts out;
  Status st = RunRead(Op::kRecordStatusCounts, [&](Connection& c) -> Status {
    out = ExtractionCounts{};
    ENGRAM_ASSIGN_OR_RETURN(bool mine, UserInWorkspace(c, workspace, uid));
    if (!mine) return Status::Ok();
    // One pass over the user's records; a user has few enough that the per-user scan is cheap.
    ENGRAM_ASSIGN_OR_RETURN(Query q, c.Prepare("SELECT SUM(extracted = 0 AND extract_error IS NULL), "
                                               "SUM(extracted <> 0), SUM(extracted = 0 AND extract_error IS NOT NULL) "
                                               "FROM records WHERE uid = ?1",
                                               uid));
    ENGRAM_ASSIGN_OR_RETURN(bool row, q.Step());
    if (row) {
      out.pending = q.IsNull(0) ? 0 : q.Int(0);
      out.processed = q.IsNull(1) ? 0 : q.Int(1);
      out.failed = q.IsNull(2) ? 0 : q.Int(2);
    }
    if (out.failed == 0 || max_failed_ids == 0) return Status::Ok();
    ENGRAM_ASSIGN_OR_RETURN(Query f, c.Prepare("SELECT record_id FROM records WHERE uid = ?1 AND extracted = 0 "
                                               "AND extract_error IS NOT NULL ORDER BY rid LIMIT ?2",
                                               uid, static_cast<int64_t>(max_failed_ids)));
    while (true) {
      ENGRAM_ASSIGN_OR_RETURN(bool more, f.Step());
      if (!more) break;
      out.failed_ids.push_back(f.Text(0));
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Result<std::vector<RecordExtractionStatus>> SqliteStore::RecordStatuses(const std::string& workspace, int64_t uid,
                                                                        const std::vector<std::string>& ids) {
  std::vector<RecordExtractionStatus> out;
  Status st = RunRead(Op::kRecordStatuses, [&](Connection& c) -> Status {
    out.clear();
    for (const std::string& id : ids) out.push_back(RecordExtractionStatus{.record_id = id, .error = {}});
    ENGRAM_ASSIGN_OR_RETURN(bool mine, UserInWorkspace(c, workspace, uid));
    if (!mine) return Status::Ok();
    for (RecordExtractionStatus& s : out) {
      ENGRAM_ASSIGN_OR_RETURN(Query q, c.Prepare("SELECT extracted, extract_error FROM records "
                                                 "WHERE uid = ?1 AND record_id = ?2",
                                                 uid, s.record_id));
      ENGRAM_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) continue;
      if (q.Int(0) != 0) {
        s.state = ExtractionState::kProcessed;
      } else if (!q.IsNull(1)) {
        s.state = ExtractionState::kFailed;
        s.error = q.Text(1);
      } else {
        s.state = ExtractionState::kPending;
      }
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Status SqliteStore::MarkExtractionFailed(const std::string& workspace, int64_t uid,
                                         const std::vector<std::string>& ids, const std::string& reason,
                                         int attempts) {
  // A NULL or empty reason would read as "pending" again; the state must stay failed.
  const std::string why = reason.empty() ? std::string("extraction failed") : reason;
  return RunWrite(Op::kMarkExtractionFailed, [&](Connection& c) -> Status {
    ENGRAM_ASSIGN_OR_RETURN(bool mine, UserInWorkspace(c, workspace, uid));
    if (!mine) return Status::NotFound("user no longer exists");
    for (const std::string& id : ids) {
      ENGRAM_RETURN_IF_ERROR(c.Exec("UPDATE records SET extract_error = ?1, extract_attempts = ?2 "
                                    "WHERE uid = ?3 AND record_id = ?4 AND extracted = 0",
                                    why, static_cast<int64_t>(attempts), uid, id));
    }
    return Status::Ok();
  });
}

Result<int64_t> SqliteStore::CountPendingExtraction() {
  int64_t n = 0;
  Status st = RunRead(Op::kCountPending, [&](Connection& c) -> Status {
    ENGRAM_ASSIGN_OR_RETURN(std::optional<int64_t> v,
                            c.QueryInt("SELECT COUNT(*) FROM records WHERE extracted = 0 AND extract_error IS NULL"));
    n = v.value_or(0);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return n;
}

}  // namespace engram::store::sqlite
