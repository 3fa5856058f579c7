#include "store/sqlite/connection.h"

#include <sqlite3.h>

#include <string>
#include <utility>

namespace engram::store::sqlite {

// --- Query ----------------------------------------------------------------------------------------

Query::Query(Query&& other) noexcept
    : conn_(std::exchange(other.conn_, nullptr)),
      stmt_(std::exchange(other.stmt_, nullptr)),
      in_use_(std::exchange(other.in_use_, nullptr)),
      bind_error_(std::move(other.bind_error_)) {}

Query& Query::operator=(Query&& other) noexcept {
  if (this != &other) {
    Release();
    conn_ = std::exchange(other.conn_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
    in_use_ = std::exchange(other.in_use_, nullptr);
    bind_error_ = std::move(other.bind_error_);
  }
  return *this;
}

Query::~Query() { Release(); }

void Query::Release() {
  if (stmt_ == nullptr) return;
  // Reset ends the statement's read of the database (important for read transactions and for
  // sqlite's WAL checkpointer); clearing bindings drops references to the caller's strings.
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  if (in_use_ != nullptr) *in_use_ = false;
  stmt_ = nullptr;
  in_use_ = nullptr;
  conn_ = nullptr;
}

void Query::Bind(int i, int64_t v) {
  const int rc = sqlite3_bind_int64(stmt_, i, v);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = conn_->ErrorStatus(rc, "bind");
}

void Query::Bind(int i, std::string_view v) {
  // SQLITE_TRANSIENT copies: the caller's string may not outlive the Query.
  const int rc = sqlite3_bind_text64(stmt_, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = conn_->ErrorStatus(rc, "bind");
}

void Query::Bind(int i, double v) {
  const int rc = sqlite3_bind_double(stmt_, i, v);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = conn_->ErrorStatus(rc, "bind");
}

void Query::Bind(int i, Blob v) {
  const int rc = sqlite3_bind_blob64(stmt_, i, v.data.data(), v.data.size(), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = conn_->ErrorStatus(rc, "bind");
}

void Query::Bind(int i, std::nullopt_t) {
  const int rc = sqlite3_bind_null(stmt_, i);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = conn_->ErrorStatus(rc, "bind");
}

Result<bool> Query::Step() {
  if (stmt_ == nullptr) return Status::Internal("sqlite: step on a released query");
  if (!bind_error_.ok()) return bind_error_;
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return conn_->ErrorStatus(rc, "step");
}

Status Query::Run() {
  while (true) {
    Result<bool> row = Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::Ok();
  }
}

int64_t Query::Int(int col) const { return sqlite3_column_int64(stmt_, col); }

std::string Query::Text(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  if (p == nullptr) return std::string();
  return std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}

double Query::Double(int col) const { return sqlite3_column_double(stmt_, col); }

std::string_view Query::BlobView(int col) const {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
  if (p == nullptr) return std::string_view();
  return std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}

bool Query::IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

// --- Connection -----------------------------------------------------------------------------------

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path,
                                                     const OpenOptions& options) {
  // NOMUTEX: a connection is only ever used by one thread at a time (writer thread or pool lease),
  // so sqlite's per-connection mutex would be pure overhead.
  int flags = SQLITE_OPEN_NOMUTEX;
  flags |= options.read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return Status::Internal("sqlite: cannot open database: " + msg);
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  return std::unique_ptr<Connection>(new Connection(db));
}

Connection::~Connection() {
  for (auto& [sql, cached] : cache_) sqlite3_finalize(cached.stmt);
  cache_.clear();
  sqlite3_close_v2(db_);
}

Status Connection::ExecScript(std::string_view sql) {
  char* err = nullptr;
  const std::string text(sql);
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string msg = err != nullptr ? err : sqlite3_errstr(rc);
  sqlite3_free(err);
  Status base = ErrorStatus(rc, "exec");
  return Status(base.code(), "sqlite exec: " + msg);
}

Result<Query> Connection::PrepareCached(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
    if (rc != SQLITE_OK) return ErrorStatus(rc, "prepare");
    if (stmt == nullptr) return Status::Internal("sqlite: empty statement");
    it = cache_.emplace(std::string(sql), Cached{stmt, false}).first;
  }
  if (it->second.in_use) {
    return Status::Internal("sqlite: statement already in use on this connection");
  }
  it->second.in_use = true;
  return Query(this, it->second.stmt, &it->second.in_use);
}

int64_t Connection::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }
int64_t Connection::Changes() const { return sqlite3_changes64(db_); }
bool Connection::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

Status Connection::ErrorStatus(int rc, std::string_view context) const {
  std::string msg = "sqlite ";
  msg += context;
  msg += ": ";
  // errmsg describes the most recent failure on this connection, which is the one we report.
  msg += db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Unavailable(std::move(msg));
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return Status::AlreadyExists(std::move(msg));
      }
      return Status::Internal(std::move(msg));
    default:
      return Status::Internal(std::move(msg));
  }
}

}  // namespace engram::store::sqlite
