// A thin value-returning wrapper over one sqlite3 connection and its cached prepared statements.
//
// Internal to the SQLite backend (sqlite3.h stays out of this header too). Every sqlite error becomes
// a Status: SQLITE_BUSY/LOCKED -> kUnavailable, a UNIQUE/PRIMARY KEY violation -> kAlreadyExists,
// anything else -> kInternal with sqlite's message.
//
// Usage:
//   ENGRAM_ASSIGN_OR_RETURN(Query q, conn.Prepare("SELECT a, b FROM t WHERE id = ?", id));
//   while (true) { ENGRAM_ASSIGN_OR_RETURN(bool row, q.Step()); if (!row) break; use(q.Int(0)); }
//
// Thread-safety: none. A Connection is used by one thread at a time (the writer thread, or the holder
// of a ReadPool lease). A cached statement is reset when its Query is destroyed, so two live Query
// objects over the same SQL text on one connection are a programming error (checked: kInternal).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>
#include <string_view>
#include <unordered_map>

#include "common/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace engram::store::sqlite {

class Connection;

// A binary parameter (bound as a BLOB, not TEXT).
struct Blob {
  std::string_view data;
};

// One execution of a cached prepared statement. Move-only; resets the statement on destruction.
class Query {
 public:
  Query(Query&& other) noexcept;
  Query& operator=(Query&& other) noexcept;
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  ~Query();

  // Parameters are 1-based. A failed bind is remembered and returned by the next Step().
  void Bind(int i, int64_t v);
  void Bind(int i, double v);
  void Bind(int i, int v) { Bind(i, static_cast<int64_t>(v)); }
  void Bind(int i, bool v) { Bind(i, static_cast<int64_t>(v ? 1 : 0)); }
  void Bind(int i, std::string_view v);
  void Bind(int i, const std::string& v) { Bind(i, std::string_view(v)); }
  void Bind(int i, const char* v) { Bind(i, std::string_view(v)); }
  void Bind(int i, std::nullopt_t);
  void Bind(int i, Blob v);
  template <typename T>
  void Bind(int i, const std::optional<T>& v) {
    if (v) {
      Bind(i, *v);
    } else {
      Bind(i, std::nullopt);
    }
  }

  // True when a row is available, false when the statement is done.
  [[nodiscard]] Result<bool> Step();
  // Steps to completion, ignoring rows (INSERT/UPDATE/DELETE).
  [[nodiscard]] Status Run();
  // Steps to the end, appending read(*this) to `out` for every row.
  template <typename T, typename ReadRow>
  [[nodiscard]] Status CollectRows(std::vector<T>& out, ReadRow read) {
    while (true) {
      Result<bool> row = Step();
      if (!row.ok()) return row.status();
      if (!*row) return Status::Ok();
      out.push_back(read(*this));
    }
  }

  // Column accessors for the current row; columns are 0-based. NULL reads as 0 / "".
  int64_t Int(int col) const;
  double Double(int col) const;
  std::string Text(int col) const;
  // Valid until the next Step or the end of the Query.
  std::string_view BlobView(int col) const;
  bool IsNull(int col) const;

 private:
  friend class Connection;
  Query(Connection* conn, sqlite3_stmt* stmt, bool* in_use)
      : conn_(conn), stmt_(stmt), in_use_(in_use) {}
  void Release();

  Connection* conn_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  bool* in_use_ = nullptr;  // the cache entry's flag; stable because the cache is never erased from
  Status bind_error_;
};

class Connection {
 public:
  struct OpenOptions {
    bool read_only = false;
    int busy_timeout_ms = 5000;
  };
  [[nodiscard]] static Result<std::unique_ptr<Connection>> Open(const std::string& path,
                                                                const OpenOptions& options);
  ~Connection();  // finalizes cached statements, closes the connection
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements without parameters (pragmas, DDL, BEGIN/COMMIT).
  [[nodiscard]] Status ExecScript(std::string_view sql);

  // Prepares (or takes from the cache) a single statement and binds `args` to ?1..?n.
  template <typename... Args>
  [[nodiscard]] Result<Query> Prepare(std::string_view sql, const Args&... args) {
    Result<Query> q = PrepareCached(sql);
    if (!q.ok()) return q;
    int i = 0;
    (q->Bind(++i, args), ...);
    return q;
  }
  // Prepare + Run: a statement whose rows, if any, are not needed.
  template <typename... Args>
  [[nodiscard]] Status Exec(std::string_view sql, const Args&... args) {
    Result<Query> q = Prepare(sql, args...);
    if (!q.ok()) return q.status();
    return q->Run();
  }
  // The first column of the first row, or nullopt when there is no row.
  template <typename... Args>
  [[nodiscard]] Result<std::optional<int64_t>> QueryInt(std::string_view sql, const Args&... args) {
    Result<Query> q = Prepare(sql, args...);
    if (!q.ok()) return q.status();
    Result<bool> row = q->Step();
    if (!row.ok()) return row.status();
    if (!*row) return std::optional<int64_t>();
    return std::optional<int64_t>(q->Int(0));
  }

  int64_t LastInsertRowId() const;
  int64_t Changes() const;          // rows changed by the last INSERT/UPDATE/DELETE
  bool InTransaction() const;       // false once sqlite rolled a transaction back on its own
  // The Status for a sqlite result code, with this connection's error message.
  Status ErrorStatus(int rc, std::string_view context) const;
  size_t CachedStatements() const { return cache_.size(); }

 private:
  friend class Query;
  explicit Connection(sqlite3* db) : db_(db) {}
  Result<Query> PrepareCached(std::string_view sql);

  struct Cached {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;  // a live Query holds it
  };
  // Looked up by string_view: no allocation per statement run.
  struct SqlHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  sqlite3* db_;
  std::unordered_map<std::string, Cached, SqlHash, std::equal_to<>> cache_;  // key: SQL text
};

}  // namespace engram::store::sqlite
