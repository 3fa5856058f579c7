#include "store/sqlite/schema.h"

#include <array>
#include <string>

#include "common/log.h"

namespace engram::store::sqlite {
namespace {

// Conventions: times are INTEGER ms since the epoch (UTC); enums are INTEGER; JSON is TEXT.
// AUTOINCREMENT on users and records so an internal id is never reused after a delete (a cached
// per-user index keyed by uid must never see a stranger's data). Every child table cascades from
// users so DeleteUser is one DELETE in one transaction; every foreign key column is indexed, since
// sqlite scans the child table on a cascade otherwise.
constexpr std::string_view kV1Initial = R"sql(
CREATE TABLE api_keys (
  id          TEXT PRIMARY KEY,
  workspace   TEXT NOT NULL,
  scope       INTEGER NOT NULL,
  hash        TEXT NOT NULL UNIQUE,
  prefix      TEXT NOT NULL DEFAULT '',
  name        TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL,
  revoked_at  INTEGER
);
CREATE INDEX api_keys_workspace ON api_keys(workspace, created_at);

CREATE TABLE users (
  uid          INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace    TEXT NOT NULL,
  user_id      TEXT NOT NULL,
  email        TEXT NOT NULL DEFAULT '',
  purpose      TEXT NOT NULL DEFAULT '',
  traits_json  TEXT NOT NULL DEFAULT '{}',
  status       TEXT NOT NULL DEFAULT 'active',
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  version      INTEGER NOT NULL DEFAULT 1,
  UNIQUE (workspace, user_id)
);
CREATE INDEX users_email ON users(workspace, email) WHERE email <> '';

CREATE TABLE records (
  rid           INTEGER PRIMARY KEY AUTOINCREMENT,
  uid           INTEGER NOT NULL REFERENCES users(uid) ON DELETE CASCADE,
  record_id     TEXT NOT NULL,
  kind          INTEGER NOT NULL,
  type          TEXT NOT NULL DEFAULT '',
  source        TEXT NOT NULL DEFAULT '',
  title         TEXT NOT NULL DEFAULT '',
  speaker       TEXT NOT NULL DEFAULT '',
  session_id    TEXT NOT NULL DEFAULT '',
  ts            INTEGER NOT NULL,
  metadata      TEXT NOT NULL DEFAULT '',
  content       TEXT NOT NULL,
  content_hash  TEXT,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  UNIQUE (uid, record_id)
);
CREATE INDEX records_content_hash ON records(uid, content_hash) WHERE content_hash IS NOT NULL;

CREATE TABLE chunks (
  uid         INTEGER NOT NULL,
  record_rid  INTEGER NOT NULL REFERENCES records(rid) ON DELETE CASCADE,
  chunk_id    TEXT NOT NULL,
  n           INTEGER NOT NULL,
  text        TEXT NOT NULL,
  kind        INTEGER NOT NULL,
  type        TEXT NOT NULL DEFAULT '',
  source      TEXT NOT NULL DEFAULT '',
  speaker     TEXT NOT NULL DEFAULT '',
  ts          INTEGER NOT NULL,
  PRIMARY KEY (uid, chunk_id)
) WITHOUT ROWID;
CREATE INDEX chunks_record ON chunks(record_rid, n);
)sql";

// Embeddings live on the chunk row: replacing a record's chunks drops their vectors with them.
// vector_model names the embedder (vectors of two embedders never mix); the vector is float32,
// little-endian, packed.
constexpr std::string_view kV2ChunkVectors = R"sql(
ALTER TABLE chunks ADD COLUMN vector BLOB;
ALTER TABLE chunks ADD COLUMN vector_model TEXT;
)sql";

// Derived data. Lists (entities, source ids) are JSON arrays. A record is extracted once: `extracted`
// marks it, so a crash mid-extraction leaves it pending and it is extracted again on restart.
constexpr std::string_view kV3Memories = R"sql(
CREATE TABLE memories (
  mid           INTEGER PRIMARY KEY AUTOINCREMENT,
  uid           INTEGER NOT NULL REFERENCES users(uid) ON DELETE CASCADE,
  memory_id     TEXT NOT NULL,
  text          TEXT NOT NULL,
  category      TEXT NOT NULL DEFAULT '',
  confidence    REAL NOT NULL DEFAULT 0.5,
  entities      TEXT NOT NULL DEFAULT '[]',
  subject       TEXT NOT NULL DEFAULT '',
  key           TEXT NOT NULL DEFAULT '',
  valid_from    INTEGER NOT NULL DEFAULT 0,
  source_ids    TEXT NOT NULL DEFAULT '[]',
  status        INTEGER NOT NULL DEFAULT 0,
  superseded_by TEXT NOT NULL DEFAULT '',
  superseded_at INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  UNIQUE (uid, memory_id)
);
CREATE INDEX memories_status ON memories(uid, status);

CREATE TABLE traits (
  uid         INTEGER NOT NULL REFERENCES users(uid) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  value       TEXT NOT NULL,
  source      TEXT NOT NULL DEFAULT 'extracted',
  confidence  REAL NOT NULL DEFAULT 0.5,
  source_ids  TEXT NOT NULL DEFAULT '[]',
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (uid, name)
) WITHOUT ROWID;

CREATE TABLE stage3_items (
  sid             INTEGER PRIMARY KEY AUTOINCREMENT,
  uid             INTEGER NOT NULL REFERENCES users(uid) ON DELETE CASCADE,
  item_id         TEXT NOT NULL,
  question_index  INTEGER NOT NULL DEFAULT -1,
  question        TEXT NOT NULL,
  answer          TEXT NOT NULL,
  confidence      REAL NOT NULL DEFAULT 0,
  source_ids      TEXT NOT NULL DEFAULT '[]',
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  UNIQUE (uid, item_id)
);

ALTER TABLE records ADD COLUMN extracted INTEGER NOT NULL DEFAULT 0;
CREATE INDEX records_pending_extraction ON records(uid, rid) WHERE extracted = 0;
)sql";

// Seed-004 scoping of a record: the role and team an event belongs to ("" = actor scope only).
constexpr std::string_view kV4RecordScopes = R"sql(
ALTER TABLE records ADD COLUMN role_id TEXT NOT NULL DEFAULT '';
ALTER TABLE records ADD COLUMN team_id TEXT NOT NULL DEFAULT '';
)sql";

// Extraction failures: a record the worker gave up on keeps extracted = 0 with a non-NULL reason and
// the number of tries; the pending index leaves it out so it is never picked again.
constexpr std::string_view kV5ExtractionFailures = R"sql(
ALTER TABLE records ADD COLUMN extract_error TEXT;
ALTER TABLE records ADD COLUMN extract_attempts INTEGER NOT NULL DEFAULT 0;
DROP INDEX records_pending_extraction;
CREATE INDEX records_pending_extraction ON records(uid, rid) WHERE extracted = 0 AND extract_error IS NULL;
CREATE INDEX records_failed_extraction ON records(uid, rid) WHERE extract_error IS NOT NULL;
)sql";


// Organization scopes (seed 004). Groups are keyed by (workspace, kind, id); kind is domain::ScopeKind
// (1 role, 2 team, 3 org). org_groups holds only defined groups; a group named by events exists through
// its memberships. Memberships name actors by client user id (an admin may add an actor before its
// first event); via 0 = admin, 1 = event. Promoted memories list their supporting actors as a JSON
// array, so deleting an actor removes what it supported in the same transaction (json_each).
constexpr std::string_view kV6Organization = R"sql(
CREATE TABLE org_groups (
  workspace         TEXT NOT NULL,
  kind              INTEGER NOT NULL,
  group_id          TEXT NOT NULL,
  name              TEXT NOT NULL DEFAULT '',
  promotion_prompt  TEXT NOT NULL DEFAULT '',
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  PRIMARY KEY (workspace, kind, group_id)
) WITHOUT ROWID;

CREATE TABLE org_members (
  workspace   TEXT NOT NULL,
  kind        INTEGER NOT NULL,
  group_id    TEXT NOT NULL,
  actor_id    TEXT NOT NULL,
  via         INTEGER NOT NULL,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (workspace, kind, group_id, actor_id)
) WITHOUT ROWID;
CREATE INDEX org_members_actor ON org_members(workspace, actor_id);

CREATE TABLE scoped_memories (
  smid             INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace        TEXT NOT NULL,
  kind             INTEGER NOT NULL,
  group_id         TEXT NOT NULL,
  memory_id        TEXT NOT NULL,
  text             TEXT NOT NULL,
  category         TEXT NOT NULL DEFAULT '',
  confidence       REAL NOT NULL DEFAULT 0.5,
  reason           TEXT NOT NULL DEFAULT '',
  actor_ids        TEXT NOT NULL DEFAULT '[]',
  source_ids       TEXT NOT NULL DEFAULT '[]',
  groups           TEXT NOT NULL DEFAULT '[]',
  source_metadata  TEXT NOT NULL DEFAULT '[]',
  valid_from       INTEGER NOT NULL DEFAULT 0,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  UNIQUE (workspace, memory_id)
);
CREATE INDEX scoped_memories_scope ON scoped_memories(workspace, kind, group_id);
)sql";

// Vectors move off the chunk rows into their own table. On the chunk row (a WITHOUT ROWID b-tree, whose
// rows keep about 1 KB in-page) a 1.5 KB vector left four rows to a page, so listing a user's chunks
// read the vectors' pages too, and listing the vectors sorted 15 MB through a temporary b-tree. Here
// a chunk row is its text and labels, and the vectors of a user are read in rowid order (insertion
// order, the order chunks are written); a user's chunks are listed from its records in rid order, so
// neither list sorts. The foreign key keeps "replacing a record's chunks drops their
// vectors": deleting a chunk cascades to its vector.
constexpr std::string_view kV7VectorTable = R"sql(
CREATE TABLE chunk_vectors (
  uid       INTEGER NOT NULL,
  chunk_id  TEXT NOT NULL,
  model     TEXT NOT NULL,
  vector    BLOB NOT NULL,
  UNIQUE (uid, chunk_id),
  FOREIGN KEY (uid, chunk_id) REFERENCES chunks(uid, chunk_id) ON DELETE CASCADE
);
CREATE INDEX chunk_vectors_user ON chunk_vectors(uid);  -- (uid, rowid): a user's vectors in rowid order, no sort
CREATE INDEX records_user ON records(uid);              -- (uid, rid): a user's chunks in record order, no sort
INSERT INTO chunk_vectors (uid, chunk_id, model, vector)
  SELECT uid, chunk_id, vector_model, vector FROM chunks WHERE vector IS NOT NULL AND vector_model IS NOT NULL
  ORDER BY uid, record_rid, n;
ALTER TABLE chunks DROP COLUMN vector;
ALTER TABLE chunks DROP COLUMN vector_model;
)sql";

// A chunk's kind, type, source and time were copies of its record's, kept equal by every write; every
// read joins the record anyway (for its session and metadata), so they are read from there.
constexpr std::string_view kV8ChunkCopies = R"sql(
ALTER TABLE chunks DROP COLUMN kind;
ALTER TABLE chunks DROP COLUMN type;
ALTER TABLE chunks DROP COLUMN source;
ALTER TABLE chunks DROP COLUMN ts;
)sql";

constexpr std::array<Migration, 8> kMigrations = {{
    {1, "initial: api_keys, users, records, chunks", kV1Initial},
    {2, "chunk vectors", kV2ChunkVectors},
    {3, "memories, traits, stage3 items, extraction marks", kV3Memories},
    {4, "record role and team scopes", kV4RecordScopes},
    {5, "extraction failures", kV5ExtractionFailures},
    {6, "organization: groups, memberships, promoted memories", kV6Organization},
    {7, "chunk vectors in their own table", kV7VectorTable},
    {8, "chunks read kind, type, source and time from their record", kV8ChunkCopies},
}};

}  // namespace

std::span<const Migration> Migrations() { return kMigrations; }
int LatestSchemaVersion() { return kMigrations.back().version; }

Result<int> SchemaVersion(Connection& conn) {
  Result<std::optional<int64_t>> v = conn.QueryInt("PRAGMA user_version");
  if (!v.ok()) return v.status();
  return static_cast<int>(v->value_or(0));
}

Status Migrate(Connection& conn) { return Migrate(conn, Migrations()); }

Status Migrate(Connection& conn, std::span<const Migration> migrations) {
  const int latest = migrations.empty() ? 0 : migrations.back().version;
  // IMMEDIATE takes the write lock before reading the version, so two processes opening the same
  // file at once cannot both decide to apply the same migration.
  ENGRAM_RETURN_IF_ERROR(conn.ExecScript("BEGIN IMMEDIATE"));
  auto fail = [&conn](Status st) {
    if (conn.InTransaction()) (void)conn.ExecScript("ROLLBACK");
    return st;
  };
  Result<int> current = SchemaVersion(conn);
  if (!current.ok()) return fail(current.status());
  if (*current > latest) {
    return fail(Status::Internal("sqlite: database schema version " + std::to_string(*current) +
                                 " is newer than this binary (" + std::to_string(latest) + ")"));
  }
  int expected = 1;
  for (const Migration& m : migrations) {
    if (m.version != expected++) return fail(Status::Internal("sqlite: migrations out of order"));
    if (m.version <= *current) continue;
    Status st = conn.ExecScript(m.sql);
    if (!st.ok()) {
      return fail(Status(st.code(), "migration " + std::to_string(m.version) + ": " + st.message()));
    }
    // user_version cannot be bound as a parameter; the value is our own integer.
    st = conn.ExecScript("PRAGMA user_version = " + std::to_string(m.version));
    if (!st.ok()) return fail(st);
    ENGRAM_LOG(kInfo, "store", "sqlite schema migrated to version {} ({})", m.version, m.name);
  }
  Status st = conn.ExecScript("COMMIT");
  if (!st.ok()) return fail(st);
  return Status::Ok();
}

}  // namespace engram::store::sqlite
