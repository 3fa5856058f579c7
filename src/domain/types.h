// Domain types: plain values shared by every layer above `common`.
//
// Invariants are stated next to each field. Times are TimeMs (ms since epoch, UTC).
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/time.h"

namespace engram::domain {

// --- API keys -------------------------------------------------------------------------------------

enum class KeyScope { kRead = 0, kWrite = 1, kAdmin = 2 };  // ordered: admin > write > read
std::string_view KeyScopeName(KeyScope s);
std::optional<KeyScope> ParseKeyScope(std::string_view s);

struct ApiKey {
  std::string id;            // "key_<hex>", public handle used to list/revoke
  std::string workspace;     // the one workspace this key sees
  KeyScope scope = KeyScope::kRead;
  std::string hash;          // hex SHA-256 of the secret; the secret itself is never stored
  std::string prefix;        // first characters of the secret, for display ("sk_live_ab12...")
  std::string name;          // free label
  TimeMs created_at = 0;
  std::optional<TimeMs> revoked_at;
};

// --- Users ----------------------------------------------------------------------------------------

struct User {
  int64_t uid = 0;           // store-internal id; stable for the user's life, never reused
  std::string workspace;
  std::string id;            // client-visible id (given at /register or generated "usr_<hex>")
  std::string email;         // may be empty when registered by id only
  std::string purpose;
  std::string traits_json;   // JSON object text, "{}" when none
  std::string status = "active";
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
  int64_t version = 0;       // bumped on every write that changes what retrieval or summary sees
};

// What /register asks for. Either id or email (or both) is set.
struct RegisterSpec {
  std::string workspace;
  std::optional<std::string> id;
  std::optional<std::string> email;
  std::optional<std::string> purpose;
  std::string traits_json = "{}";   // JSON object; merged shallowly over the stored traits
};

struct RegisterResult {
  User user;
  bool created = false;
};

// --- Records and chunks ---------------------------------------------------------------------------

// What a retrievable item is. Records are events, documents or messages; memories and Stage 3 items
// are derived, and are indexed beside record chunks with their own kind.
enum class RecordKind { kEvent = 0, kDocument = 1, kMessage = 2, kMemory = 3, kStage3 = 4 };
std::string_view RecordKindName(RecordKind k);  // "event", "document", "message", "memory", "stage3"

struct Chunk {
  std::string id;            // "<record_id>#<n>"
  std::string record_id;
  int n = 0;                 // 0-based position within the record
  std::string text;
  // Copied from the record so retrieval never needs a join:
  RecordKind kind = RecordKind::kEvent;
  std::string type;
  std::string source;
  std::string speaker;       // message role or speaker name, may be empty
  std::string session_id;    // the record's session, may be empty
  TimeMs timestamp = 0;
  // Client record ids this chunk came from; empty means {record_id}. Derived items (memories, Stage 3
  // answers) list every record they were built from.
  std::vector<std::string> source_ids;
  // The record's metadata as stored ("" = none), so search results carry it without a join.
  std::string metadata_json;
};

// An embedding of one chunk's text, tagged by the embedder that made it (vectors of different
// embedders never mix).
struct ChunkVector {
  std::string chunk_id;
  std::string text;            // the text that was embedded: a vector is stored only if it still matches
  std::vector<float> vector;
};

struct Record {
  std::string id;            // client id (event_id / doc_id) or generated ("evt_", "doc_", "msg_")
  RecordKind kind = RecordKind::kEvent;
  std::string type;          // email, message, note, document, calendar_event, ...
  std::string source;        // gmail, slack, ...
  std::string title;         // documents
  std::string speaker;       // role of a chat message, or speaker name from metadata
  std::string session_id;
  TimeMs timestamp = 0;      // when it happened (client's timestamp, else received time)
  std::string metadata_json; // raw metadata as sent (JSON text), "" when absent
  std::string role_id;       // seed-004 role scope ("" = none); kept apart from metadata, which echoes the client
  std::string team_id;       // seed-004 team scope ("" = none)
  std::string content;
  std::string content_hash;  // hex SHA-256 over content and timestamp, for dedupe
  TimeMs created_at = 0;     // first stored
  TimeMs updated_at = 0;     // last replaced
  std::vector<Chunk> chunks; // filled on write; may be empty on reads that do not ask for them
};

struct RecordCounts {
  int64_t events = 0;
  int64_t documents = 0;
  int64_t messages = 0;
  int64_t chunks = 0;
};

// How a record write treats a stored record with the same id, or with equal content and timestamp.
struct WritePolicy {
  bool dedupe = true;            // skip a record whose id exists, or whose content+timestamp is stored
  bool update_existing = false;  // replace the content of a stored record with the same id
};

enum class WriteOutcome { kInserted, kUpdated, kSkipped };

struct RecordWriteResult {
  std::string record_id;
  RecordKind kind = RecordKind::kEvent;
  WriteOutcome outcome = WriteOutcome::kInserted;
  std::string skip_reason;  // "duplicate_id", "duplicate_content", "unchanged", when skipped
};

// --- Memories and traits ---------------------------------------------------------------------------

enum class MemoryStatus { kCurrent = 0, kSuperseded = 1 };

// An atomic statement about the user (or a person in the user's data), derived from records.
struct Memory {
  std::string id;                        // "mem_<hex>"
  std::string text;                      // third person, one fact: "Loves sushi and usually eats late dinners around 9pm"
  std::string category;                  // preference | fact | work | location | family | pet | possession |
                                         // plan | event | relationship | schedule | goal | communication | other
  double confidence = 0.5;               // [0, 1]
  std::vector<std::string> entities;     // people, places, things named
  std::string subject;                   // whom it is about: "" = the user; else a speaker's name
  std::string key;                       // slot for contradiction: "schedule:stand-up"; "" = none
  TimeMs valid_from = 0;                 // when it became true (the source's time, or a resolved date)
  std::vector<std::string> source_ids;   // client record ids it came from
  MemoryStatus status = MemoryStatus::kCurrent;
  std::string superseded_by;             // id of the memory that replaced it
  TimeMs superseded_at = 0;
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
};

// A profile attribute with its provenance. Registration wins over inference.
struct Trait {
  std::string name;                      // name, timezone, locale, location, employer, role, ...
  std::string value;
  std::string source;                    // "register" | "extracted"
  double confidence = 1.0;
  std::vector<std::string> source_ids;   // records it was inferred from (empty for register)
  TimeMs updated_at = 0;
};

// A question about the user with its answer and sources (Stage 3 of the seed's processing model).
struct Stage3Item {
  std::string id;                        // "stage3_<hex>"
  int question_index = 0;                // position in the purpose's question set; -1 for /query questions
  std::string question;
  std::string answer;
  double confidence = 0;
  std::vector<std::string> source_ids;   // client record ids the answer rests on
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
};

// --- Organization (seed 004) ------------------------------------------------------------------------

// Where a memory lives: an actor's own (the per-user memories above), or promoted to a role, a team, or
// the whole organization (the workspace). Ordered from narrow to broad.
enum class ScopeKind { kActor = 0, kRole = 1, kTeam = 2, kOrg = 3 };
std::string_view ScopeKindName(ScopeKind k);  // "actor", "role", "team", "org"
std::optional<ScopeKind> ParseScopeKind(std::string_view s);

inline constexpr std::string_view kOrgGroupId = "org";  // the one org group of a workspace

// A role, a team, or the org. Defined through the admin API (with a promotion prompt), or known only
// because events named it in role_id / team_id (then `defined` is false and the prompt empty).
struct OrgGroup {
  ScopeKind kind = ScopeKind::kTeam;     // kRole, kTeam or kOrg
  std::string id;                        // client id ("team_platform"); kOrgGroupId for the org
  std::string name;
  std::string promotion_prompt;          // what belongs at this level; "" = consensus only
  bool defined = false;
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
};

// An actor in a role or team: added by an admin, or seen on an event carrying that role_id / team_id.
enum class MembershipVia { kAdmin = 0, kEvent = 1 };

struct OrgMember {
  std::string actor_id;                  // the actor's user id
  MembershipVia via = MembershipVia::kAdmin;
};

// A memory promoted above the actor scope (see docs/memory.md, "Organization scopes").
struct ScopedMemory {
  std::string id;                        // "smem_<hex>", stable while its representative stands
  ScopeKind scope = ScopeKind::kTeam;
  std::string scope_id;                  // the role, team or org id
  std::string text;
  std::string category;
  double confidence = 0.5;
  std::string reason;                    // "consensus" | "prompt" | "groups"
  std::vector<std::string> actor_ids;    // actors whose own memories support it, sorted
  std::vector<std::string> source_ids;   // client record ids of those memories' sources
  std::vector<std::string> groups;       // org memories: the "role:<id>" / "team:<id>" it was promoted from
  std::string source_metadata_json;      // JSON array, at most 5 {event_id, metadata} | {event_id, raw}
  TimeMs valid_from = 0;
  TimeMs created_at = 0;
  TimeMs updated_at = 0;
};

}  // namespace engram::domain
