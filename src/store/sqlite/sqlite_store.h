// The embedded SQLite backend of store::Store.
//
// One database file in WAL mode. Writes go through a single writer thread that commits concurrent
// callers together (group commit: one BEGIN IMMEDIATE, one SAVEPOINT per caller, one COMMIT and so one
// fsync for the whole group); a write returns only after its COMMIT has returned. Reads use a small
// pool of read-only connections, which WAL lets run concurrently with the writer.
// The schema is versioned (PRAGMA user_version) and migrated forward when the store is opened.
//
// Thread-safety: the returned Store is thread-safe (see store/store.h).
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "common/time.h"
#include "store/store.h"

namespace engram {
class Metrics;
}  // namespace engram

namespace engram::store {

struct SqliteOptions {
  std::string path;               // file path of the DB; its parent directory is created if missing
  bool synchronous_full = true;   // PRAGMA synchronous=FULL (else NORMAL: faster, but a power loss
                                  // may lose the last commits; a process crash loses nothing either way)
  int read_connections = 4;       // size of the read-only connection pool (at least 1 is used)
  int busy_timeout_ms = 5000;     // how long a connection waits on a lock held by another process
  const Clock* clock = nullptr;   // defaults to SystemClock::Default(); must outlive the store
  Metrics* metrics = nullptr;     // optional; records engram_store_* series; must outlive the store
};

// Opens (creating if needed) and migrates the database, then starts the writer thread.
[[nodiscard]] Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options);

}  // namespace engram::store
