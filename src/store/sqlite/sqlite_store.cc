// Opening the SQLite store, its lifecycle, the read/write plumbing, and API keys.
#include "store/sqlite/sqlite_store.h"

#include <exception>
#include <filesystem>
#include <string_view>
#include <system_error>

#include "common/log.h"
#include "store/sqlite/schema.h"
#include "store/sqlite/sqlite_store_impl.h"

namespace engram::store {

Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options) {
  using sqlite::Connection;
  if (options.path.empty() || options.path == ":memory:" || options.path.starts_with("file:")) {
    // The writer and the readers are separate connections: they must meet in one file.
    return Status::InvalidArgument("sqlite store needs a file path");
  }
  const std::filesystem::path path(options.path);
  if (path.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) return Status::Internal("cannot create the database directory: " + ec.message());
  }

  Result<std::unique_ptr<Connection>> writer =
      Connection::Open(options.path, {.read_only = false, .busy_timeout_ms = options.busy_timeout_ms});
  if (!writer.ok()) return writer.status();
  Connection& w = **writer;
  // WAL: readers never block the writer or each other. synchronous=FULL syncs the WAL on every
  // COMMIT, which is what makes an acknowledged write survive a power loss, not only kill -9.
  Result<bool> wal = [&]() -> Result<bool> {
    ENGRAM_ASSIGN_OR_RETURN(sqlite::Query q, w.Prepare("PRAGMA journal_mode = WAL"));
    ENGRAM_ASSIGN_OR_RETURN(bool row, q.Step());
    return row && q.Text(0) == "wal";
  }();
  if (!wal.ok()) return wal.status();
  if (!*wal) return Status::Internal("sqlite: cannot switch the database to WAL mode");
  ENGRAM_RETURN_IF_ERROR(w.ExecScript(options.synchronous_full ? "PRAGMA synchronous = FULL"
                                                               : "PRAGMA synchronous = NORMAL"));
  // foreign_keys is per connection and off by default: without it DeleteUser would not cascade.
  ENGRAM_RETURN_IF_ERROR(w.ExecScript("PRAGMA foreign_keys = ON"));
  // After a large batch the WAL file would otherwise keep its peak size on disk forever.
  ENGRAM_RETURN_IF_ERROR(w.ExecScript("PRAGMA journal_size_limit = 67108864"));
  // Checkpoints run on a background thread (checkpointer.h), not inside a client's COMMIT.
  ENGRAM_RETURN_IF_ERROR(w.ExecScript("PRAGMA wal_autocheckpoint = 0"));
  // A larger page cache and memory-mapped reads keep the B-tree pages the writer touches on every
  // ingest (unique-id and content-hash indexes) out of pread() system calls.
  ENGRAM_RETURN_IF_ERROR(w.ExecScript("PRAGMA cache_size = -65536; PRAGMA mmap_size = 268435456; "
                                      "PRAGMA temp_store = MEMORY"));
  ENGRAM_RETURN_IF_ERROR(sqlite::Migrate(w));

  // Readers open after the migration so they never see a half-created schema.
  Result<std::unique_ptr<sqlite::ReadPool>> readers =
      sqlite::ReadPool::Open(options.path, options.read_connections, options.busy_timeout_ms);
  if (!readers.ok()) return readers.status();

  Result<std::unique_ptr<sqlite::Checkpointer>> checkpointer =
      sqlite::Checkpointer::Start(options.path, std::chrono::milliseconds(200));
  if (!checkpointer.ok()) return checkpointer.status();

  auto queue = std::make_unique<sqlite::WriteQueue>(std::move(writer).value(),
                                                    sqlite::WriteQueue::Options{.metrics = options.metrics});
  std::unique_ptr<Store> store = std::make_unique<sqlite::SqliteStore>(options, std::move(queue),
                                                                       std::move(readers).value(),
                                                                       std::move(checkpointer).value());
  return store;
}

}  // namespace engram::store

namespace engram::store::sqlite {
namespace {

constexpr std::string_view OpName(Op op) {
  switch (op) {
    case Op::kPing: return "ping";
    case Op::kStats: return "stats";
    case Op::kCreateApiKey: return "create_api_key";
    case Op::kFindApiKey: return "find_api_key";
    case Op::kListApiKeys: return "list_api_keys";
    case Op::kRevokeApiKey: return "revoke_api_key";
    case Op::kCountApiKeys: return "count_api_keys";
    case Op::kRegisterUser: return "register_user";
    case Op::kGetUser: return "get_user";
    case Op::kCountRecords: return "count_records";
    case Op::kDeleteUser: return "delete_user";
    case Op::kWriteRecords: return "write_records";
    case Op::kGetRecord: return "get_record";
    case Op::kListRecords: return "list_records";
    case Op::kListChunks: return "list_chunks";
    case Op::kPutChunkVectors: return "put_chunk_vectors";
    case Op::kListChunkVectors: return "list_chunk_vectors";
    case Op::kListMemories: return "list_memories";
    case Op::kApplyMemoryWrite: return "apply_memory_write";
    case Op::kListUnextracted: return "list_unextracted";
    case Op::kListPending: return "list_pending_extraction";
    case Op::kListTraits: return "list_traits";
    case Op::kPutStage3: return "put_stage3";
    case Op::kListStage3: return "list_stage3";
    case Op::kRecordStatusCounts: return "record_status_counts";
    case Op::kRecordStatuses: return "record_statuses";
    case Op::kMarkExtractionFailed: return "mark_extraction_failed";
    case Op::kCountPending: return "count_pending_extraction";
    case Op::kPutGroup: return "put_group";
    case Op::kListGroups: return "list_groups";
    case Op::kDeleteGroup: return "delete_group";
    case Op::kPutGroupMembers: return "put_group_members";
    case Op::kReplaceScoped: return "replace_scoped_memories";
    case Op::kListScoped: return "list_scoped_memories";
    case Op::kCount: break;
  }
  return "unknown";
}

constexpr bool IsWrite(Op op) {
  return op == Op::kCreateApiKey || op == Op::kRevokeApiKey || op == Op::kRegisterUser ||
         op == Op::kDeleteUser || op == Op::kWriteRecords || op == Op::kPutChunkVectors ||
         op == Op::kApplyMemoryWrite || op == Op::kPutStage3 || op == Op::kMarkExtractionFailed ||
         op == Op::kPutGroup || op == Op::kDeleteGroup || op == Op::kPutGroupMembers || op == Op::kReplaceScoped;
}

constexpr std::string_view kKeyColumns =
    "id, workspace, scope, hash, prefix, name, created_at, revoked_at";

domain::ApiKey ReadKey(const Query& q) {
  domain::ApiKey k;
  k.id = q.Text(0);
  k.workspace = q.Text(1);
  const int64_t scope = q.Int(2);
  k.scope = scope >= 0 && scope <= 2 ? static_cast<domain::KeyScope>(scope) : domain::KeyScope::kRead;
  k.hash = q.Text(3);
  k.prefix = q.Text(4);
  k.name = q.Text(5);
  k.created_at = q.Int(6);
  if (!q.IsNull(7)) k.revoked_at = q.Int(7);
  return k;
}

}  // namespace

SqliteStore::SqliteStore(const SqliteOptions& options, std::unique_ptr<WriteQueue> writer,
                         std::unique_ptr<ReadPool> readers, std::unique_ptr<Checkpointer> checkpointer)
    : clock_(options.clock != nullptr ? options.clock : SystemClock::Default()),
      writer_(std::move(writer)),
      readers_(std::move(readers)),
      checkpointer_(std::move(checkpointer)) {
  if (options.metrics == nullptr) return;
  for (size_t i = 0; i < static_cast<size_t>(Op::kCount); ++i) {
    const Op op = static_cast<Op>(i);
    const Labels labels = {{"op", std::string(OpName(op))}};
    if (IsWrite(op)) {
      write_seconds_[i] = options.metrics->GetHistogram(
          "engram_store_write_seconds", "Store write latency, queueing and commit included", labels);
    } else {
      read_seconds_[i] = options.metrics->GetHistogram("engram_store_read_seconds",
                                                       "Store read latency", labels);
    }
  }
}

SqliteStore::~SqliteStore() { (void)Close(); }

Status SqliteStore::Close() {
  std::lock_guard<std::mutex> lock(close_mu_);
  if (closed_.exchange(true)) return Status::Ok();
  // Drain writes first (they were acknowledged to nobody yet), then wait out the readers, then close
  // the write connection last so its close can checkpoint the WAL into the main file.
  writer_->Stop();
  checkpointer_->Stop();
  readers_->Close();
  writer_->Close();
  return Status::Ok();
}

Status SqliteStore::RunWrite(Op op, const std::function<Status(Connection&)>& fn) {
  if (closed_.load()) return Status::Unavailable("store is closed");
  ScopedTimer timer(write_seconds_[static_cast<size_t>(op)]);
  return writer_->Run(fn);
}

Status SqliteStore::RunRead(Op op, const std::function<Status(Connection&)>& fn) {
  if (closed_.load()) return Status::Unavailable("store is closed");
  ScopedTimer timer(read_seconds_[static_cast<size_t>(op)]);
  Result<ReadPool::Lease> lease = readers_->Acquire();
  if (!lease.ok()) return lease.status();
  Connection& conn = lease->conn();
  ENGRAM_RETURN_IF_ERROR(conn.Exec("BEGIN"));
  Status st;
  try {
    st = fn(conn);
  } catch (const std::exception& e) {
    st = Status::Internal(std::string("store read failed: ") + e.what());
  }
  // A read transaction has nothing to keep: ending it either way just releases the snapshot.
  if (conn.InTransaction()) {
    Status end = conn.Exec(st.ok() ? "COMMIT" : "ROLLBACK");
    if (st.ok() && !end.ok()) st = end;
  }
  return st;
}

Result<bool> UserInWorkspace(Connection& conn, const std::string& workspace, int64_t uid) {
  ENGRAM_ASSIGN_OR_RETURN(
      std::optional<int64_t> found,
      conn.QueryInt("SELECT 1 FROM users WHERE uid = ?1 AND workspace = ?2", uid, workspace));
  return found.has_value();
}

Status SqliteStore::Ping() {
  return RunRead(Op::kPing, [](Connection& c) -> Status {
    ENGRAM_ASSIGN_OR_RETURN(std::optional<int64_t> one, c.QueryInt("SELECT 1"));
    return one == 1 ? Status::Ok() : Status::Internal("sqlite: ping returned no row");
  });
}

Result<StoreStats> SqliteStore::Stats() {
  StoreStats stats;
  Status st = RunRead(Op::kStats, [&](Connection& c) -> Status {
    ENGRAM_ASSIGN_OR_RETURN(auto users, c.QueryInt("SELECT COUNT(*) FROM users"));
    ENGRAM_ASSIGN_OR_RETURN(auto records, c.QueryInt("SELECT COUNT(*) FROM records"));
    ENGRAM_ASSIGN_OR_RETURN(auto chunks, c.QueryInt("SELECT COUNT(*) FROM chunks"));
    ENGRAM_ASSIGN_OR_RETURN(auto derived, c.QueryInt("SELECT (SELECT COUNT(*) FROM memories) + (SELECT COUNT(*) FROM "
                                                      "traits) + (SELECT COUNT(*) FROM stage3_items) + "
                                                      "(SELECT COUNT(*) FROM chunk_vectors)"));
    stats = {users.value_or(0), records.value_or(0), chunks.value_or(0), derived.value_or(0)};
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return stats;
}

// --- API keys -------------------------------------------------------------------------------------

Status SqliteStore::CreateApiKey(const domain::ApiKey& key) {
  if (key.id.empty() || key.hash.empty()) return Status::InvalidArgument("api key needs an id and a hash");
  return RunWrite(Op::kCreateApiKey, [&](Connection& c) -> Status {
    return c.Exec(
        "INSERT INTO api_keys (id, workspace, scope, hash, prefix, name, created_at, revoked_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        key.id, key.workspace, static_cast<int64_t>(key.scope), key.hash, key.prefix, key.name,
        key.created_at != 0 ? key.created_at : clock_->NowMs(), key.revoked_at);
  });
}

Result<std::optional<domain::ApiKey>> SqliteStore::FindApiKeyByHash(const std::string& hash) {
  std::optional<domain::ApiKey> key;
  Status st = RunRead(Op::kFindApiKey, [&](Connection& c) -> Status {
    ENGRAM_ASSIGN_OR_RETURN(
        Query q, c.Prepare("SELECT " + std::string(kKeyColumns) +
                               " FROM api_keys WHERE hash = ?1 AND revoked_at IS NULL",
                           hash));
    ENGRAM_ASSIGN_OR_RETURN(bool row, q.Step());
    if (row) key = ReadKey(q);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return key;
}

Result<std::vector<domain::ApiKey>> SqliteStore::ListApiKeys(const std::string& workspace) {
  std::vector<domain::ApiKey> keys;
  Status st = RunRead(Op::kListApiKeys, [&](Connection& c) -> Status {
    ENGRAM_ASSIGN_OR_RETURN(
        Query q, c.Prepare("SELECT " + std::string(kKeyColumns) +
                               " FROM api_keys WHERE ?1 = '' OR workspace = ?1"
                               " ORDER BY created_at, id",
                           workspace));
    ENGRAM_RETURN_IF_ERROR(q.CollectRows(keys, ReadKey));
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return keys;
}

Status SqliteStore::RevokeApiKey(const std::string& workspace, const std::string& key_id) {
  return RunWrite(Op::kRevokeApiKey, [&](Connection& c) -> Status {
    ENGRAM_RETURN_IF_ERROR(c.Exec(
        "UPDATE api_keys SET revoked_at = ?1 "
        "WHERE id = ?2 AND revoked_at IS NULL AND (?3 = '' OR workspace = ?3)",
        clock_->NowMs(), key_id, workspace));
    if (c.Changes() == 0) return Status::NotFound("no active api key with this id");
    return Status::Ok();
  });
}

Result<int64_t> SqliteStore::CountActiveApiKeys() {
  int64_t n = 0;
  Status st = RunRead(Op::kCountApiKeys, [&](Connection& c) -> Status {
    ENGRAM_ASSIGN_OR_RETURN(auto v, c.QueryInt("SELECT COUNT(*) FROM api_keys WHERE revoked_at IS NULL"));
    n = v.value_or(0);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return n;
}

}  // namespace engram::store::sqlite
