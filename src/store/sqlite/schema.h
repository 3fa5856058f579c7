// Schema of the SQLite store as an ordered list of migrations, tracked with PRAGMA user_version.
//
// A migration is never edited once released: a later feature (memories, jobs...) appends a new one
// to the list in schema.cc with the next version number. Migrate() applies the missing ones in a
// single IMMEDIATE transaction, so a crash mid-migration leaves the previous version intact, and
// refuses a database written by a newer binary.
// Thread-safety: none; called once on the write connection before the writer thread starts.
#pragma once

#include <span>
#include <string_view>

#include "common/status.h"
#include "store/sqlite/connection.h"

namespace engram::store::sqlite {

struct Migration {
  int version;               // 1, 2, 3... in order, no gaps
  std::string_view name;     // for logs
  std::string_view sql;      // one or more statements
};

std::span<const Migration> Migrations();
int LatestSchemaVersion();

// Brings the database to LatestSchemaVersion().
[[nodiscard]] Status Migrate(Connection& conn);
// Same, over an explicit list (tests use it to check that appending a migration works).
[[nodiscard]] Status Migrate(Connection& conn, std::span<const Migration> migrations);

[[nodiscard]] Result<int> SchemaVersion(Connection& conn);

}  // namespace engram::store::sqlite
