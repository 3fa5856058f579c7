// Store: the persistence seam. Users, records, chunks, API keys (memories, Stage 3 items and jobs
// join as their features land).
//
// Contract:
// - Every call names the workspace (and user) it acts for; there is no call that reads another
//   tenant's rows. A user is addressed by its store-internal uid once resolved with GetUser.
// - A write returns only after it is durable (committed and synced per the backend's durability
//   setting): an acknowledged write survives kill -9 of the process.
// - Concurrent writes may be committed together (group commit); each caller still gets its own result,
//   and one caller's failure never fails another's write.
// - Implementations are thread-safe: any number of threads may call any method concurrently.
// Implementations: sqlite/ (embedded default), postgres/ (scale-out, later).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "domain/types.h"

namespace engram::store {

// A batch of records for one user, written in one transaction.
struct WriteBatch {
  std::string workspace;
  int64_t uid = 0;
  domain::WritePolicy policy;
  std::vector<domain::Record> records;  // with chunks filled in; ids unique within the batch
};

struct WriteBatchResult {
  std::vector<domain::RecordWriteResult> results;  // one per input record, in input order
  int64_t user_version = 0;                        // the user's version after the write
  // Roles and teams the write made the user a member of (event memberships it added, not those the
  // user already had): what the user's search covers has grown.
  std::vector<std::pair<domain::ScopeKind, std::string>> joined_groups;
};

// One extraction round for a user, applied in one transaction: memories inserted or replaced (by id;
// merges and supersedes arrive as the full new rows), extracted traits upserted (by name), and the
// records it covered marked extracted.
struct MemoryWrite {
  std::vector<domain::Memory> upserts;
  std::vector<domain::Trait> traits;
  std::vector<std::string> extracted_record_ids;
};

// Where a record stands in extraction: pending until extracted, processed once extracted, failed when
// the worker gave up on it (it keeps the reason and is never picked as pending again).
enum class ExtractionState { kPending, kProcessed, kFailed, kUnknown /* no such record */ };

struct ExtractionCounts {
  int64_t pending = 0;
  int64_t processed = 0;
  int64_t failed = 0;
  std::vector<std::string> failed_ids;  // oldest first, at most the caller's limit
};

struct RecordExtractionStatus {
  std::string record_id;
  ExtractionState state = ExtractionState::kUnknown;
  std::string error;  // failed records: why extraction gave up
};

struct StoreStats {
  int64_t users = 0;
  int64_t records = 0;
  int64_t chunks = 0;
  int64_t derived = 0;  // memories, extracted traits, Stage 3 items and chunk vectors, all users
};

class Store {
 public:
  virtual ~Store() = default;

  // --- lifecycle
  // Flushes pending writes and closes; later calls fail with kUnavailable. Idempotent.
  virtual Status Close() = 0;
  // A cheap round trip proving the store answers (for /readyz).
  virtual Status Ping() = 0;
  virtual Result<StoreStats> Stats() = 0;

  // --- API keys
  virtual Status CreateApiKey(const domain::ApiKey& key) = 0;
  // The active (not revoked) key with this secret hash, or nullopt.
  virtual Result<std::optional<domain::ApiKey>> FindApiKeyByHash(const std::string& hash) = 0;
  // Keys of one workspace, or of all workspaces when `workspace` is empty; revoked ones included.
  virtual Result<std::vector<domain::ApiKey>> ListApiKeys(const std::string& workspace) = 0;
  // Revokes by id; kNotFound when no active key has that id (within `workspace` unless it is empty).
  virtual Status RevokeApiKey(const std::string& workspace, const std::string& key_id) = 0;
  virtual Result<int64_t> CountActiveApiKeys() = 0;

  // --- users
  // Creates the user or merges into the existing one, in one transaction. A given id is the user's
  // identity (matched by id only); without an id, a user with the same email is the same user: traits merge shallowly (new keys win), purpose and email replace when given.
  virtual Result<domain::RegisterResult> RegisterUser(const domain::RegisterSpec& spec) = 0;
  virtual Result<std::optional<domain::User>> GetUser(const std::string& workspace,
                                                      const std::string& user_id) = 0;
  virtual Result<std::optional<domain::User>> GetUserByUid(const std::string& workspace, int64_t uid) = 0;
  virtual Result<domain::RecordCounts> CountRecords(const std::string& workspace, int64_t uid) = 0;
  // Removes the user and everything derived from it. False when there was no such user.
  virtual Result<bool> DeleteUser(const std::string& workspace, const std::string& user_id) = 0;

  // --- records and chunks
  // Applies the batch under its policy (see domain::WritePolicy): for each record, in input order,
  // - id stored and update_existing: content, metadata, timestamp, chunks replaced -> kUpdated
  //   (kSkipped "unchanged" when the content hash is equal);
  // - id stored otherwise: kSkipped "duplicate_id";
  // - dedupe and a stored record (or an earlier one of this batch) has equal content_hash:
  //   kSkipped "duplicate_content";
  // - else inserted with its chunks -> kInserted.
  // kNotFound when the user no longer exists. Bumps the user's version when anything changed.
  virtual Result<WriteBatchResult> WriteRecords(const WriteBatch& batch) = 0;
  virtual Result<std::optional<domain::Record>> GetRecord(const std::string& workspace, int64_t uid,
                                                          const std::string& record_id) = 0;
  // All records of a user in store order (oldest write first), without chunks.
  virtual Result<std::vector<domain::Record>> ListRecords(const std::string& workspace, int64_t uid) = 0;
  // All chunks of a user, ordered by record store order then n.
  virtual Result<std::vector<domain::Chunk>> ListChunks(const std::string& workspace, int64_t uid) = 0;

  // --- memories, traits, Stage 3 items
  // Current memories (and superseded ones with include_history), oldest first.
  virtual Result<std::vector<domain::Memory>> ListMemories(const std::string& workspace, int64_t uid,
                                                           bool include_history) = 0;
  // Applies the write; bumps the user's version when anything changed and returns it.
  // kNotFound when the user no longer exists.
  virtual Result<int64_t> ApplyMemoryWrite(const std::string& workspace, int64_t uid, const MemoryWrite& write) = 0;
  // Up to `limit` records of the user not yet extracted nor failed, in store order (with content,
  // without chunks).
  virtual Result<std::vector<domain::Record>> ListUnextractedRecords(const std::string& workspace, int64_t uid,
                                                                     size_t limit) = 0;
  // Users (workspace, uid) that have records waiting for extraction, up to `limit`.
  virtual Result<std::vector<std::pair<std::string, int64_t>>> ListUsersPendingExtraction(size_t limit) = 0;
  // The user's records by extraction state (zeros for an unknown user), with up to `max_failed_ids`
  // failed record ids.
  virtual Result<ExtractionCounts> RecordStatusCounts(const std::string& workspace, int64_t uid,
                                                      size_t max_failed_ids) = 0;
  // One status per requested id, in request order; kUnknown for ids the user has no record of.
  virtual Result<std::vector<RecordExtractionStatus>> RecordStatuses(const std::string& workspace, int64_t uid,
                                                                     const std::vector<std::string>& ids) = 0;
  // Marks records still pending as failed with `reason` (non-empty) after `attempts` tries; they leave
  // ListUnextractedRecords and ListUsersPendingExtraction. Records already extracted are left alone.
  virtual Status MarkExtractionFailed(const std::string& workspace, int64_t uid, const std::vector<std::string>& ids,
                                      const std::string& reason, int attempts) = 0;
  // Pending records over all users (start-up value of the ingest backpressure counter).
  virtual Result<int64_t> CountPendingExtraction() = 0;
  // Extracted traits (registration traits live on the user).
  virtual Result<std::vector<domain::Trait>> ListTraits(const std::string& workspace, int64_t uid) = 0;
  // Inserts or replaces by id; bumps the user's version.
  // Returns the user's new version.
  virtual Result<int64_t> PutStage3Item(const std::string& workspace, int64_t uid, const domain::Stage3Item& item) = 0;
  virtual Result<std::vector<domain::Stage3Item>> ListStage3Items(const std::string& workspace, int64_t uid) = 0;

  // --- organization (seed 004): roles, teams and the org, memberships, promoted memories
  // A group is a role, a team, or the org (ScopeKind kRole / kTeam / kOrg; the org's id is
  // domain::kOrgGroupId). Memberships come from the admin API (via kAdmin) or from records: WriteRecords
  // makes the record's actor a member of the record's role_id and team_id (via kEvent), in the same
  // transaction, and lists the memberships it added in WriteBatchResult::joined_groups. DeleteUser
  // removes the actor's event memberships and every promoted memory the actor supported (they are
  // recomputed from the remaining members).
  // Creates or replaces the definition of a group (name, promotion prompt).
  virtual Status PutGroup(const std::string& workspace, const domain::OrgGroup& group) = 0;
  // A defined group, or one known only from memberships (defined = false); nullopt when neither.
  virtual Result<std::optional<domain::OrgGroup>> GetGroup(const std::string& workspace, domain::ScopeKind kind,
                                                           const std::string& id) = 0;
  // Defined groups and groups known from memberships, by kind then id.
  virtual Result<std::vector<domain::OrgGroup>> ListGroups(const std::string& workspace) = 0;
  // Removes the definition, every membership and the promoted memories of the group. False when none
  // of these existed. (Later events that name the group make their actors members again.)
  virtual Result<bool> DeleteGroup(const std::string& workspace, domain::ScopeKind kind, const std::string& id) = 0;
  // PutGroup, and makes `actor_ids` the group's admin members (a role or team), in one transaction:
  // admin members not listed are removed, event memberships stay, and the listed actors become admin
  // members as AddGroupMembers makes them. Returns the actors removed.
  virtual Result<std::vector<std::string>> PutGroupAndMembers(const std::string& workspace,
                                                              const domain::OrgGroup& group,
                                                              const std::vector<std::string>& actor_ids) = 0;
  // Admin memberships; an existing event membership becomes an admin one. Idempotent.
  virtual Status AddGroupMembers(const std::string& workspace, domain::ScopeKind kind, const std::string& id,
                                 const std::vector<std::string>& actor_ids) = 0;
  // False when the actor was not a member.
  virtual Result<bool> RemoveGroupMember(const std::string& workspace, domain::ScopeKind kind,
                                         const std::string& id, const std::string& actor_id) = 0;
  // By actor id.
  virtual Result<std::vector<domain::OrgMember>> ListGroupMembers(const std::string& workspace,
                                                                  domain::ScopeKind kind, const std::string& id) = 0;
  // The roles and teams the actor belongs to (with their definitions when defined), by kind then id.
  virtual Result<std::vector<domain::OrgGroup>> ListActorGroups(const std::string& workspace,
                                                                const std::string& actor_id) = 0;
  // Workspaces with any group or promoted memory (the start-up promotion sweep).
  virtual Result<std::vector<std::string>> ListOrgWorkspaces() = 0;
  // Makes `memories` the promoted memories of one scope (each must carry that scope). created_at of an
  // id already stored is kept. A memory whose actor_ids name an actor that is no longer a user of the
  // workspace is not written (a recompute that read before a deletion committed cannot bring the
  // deleted actor's data back). True when any memory was added, removed, or changed in a field other
  // than created_at and updated_at: search depends on every one of them (a memory is hidden from its
  // supporters, results carry source metadata), and so does the org, recomputed from these rows.
  virtual Result<bool> ReplaceScopedMemories(const std::string& workspace, domain::ScopeKind kind,
                                             const std::string& id,
                                             const std::vector<domain::ScopedMemory>& memories) = 0;
  // Promoted memories of the given scopes (of every scope of the workspace when `scopes` is empty),
  // broadest scope first, then oldest first.
  virtual Result<std::vector<domain::ScopedMemory>> ListScopedMemories(
      const std::string& workspace, const std::vector<std::pair<domain::ScopeKind, std::string>>& scopes) = 0;
  // Records by client id, without content or chunks (their heads: kind, type, metadata, scopes, times),
  // in request order; unknown ids are left out.
  virtual Result<std::vector<domain::Record>> GetRecords(const std::string& workspace, int64_t uid,
                                                         const std::vector<std::string>& ids) = 0;

  // --- chunk vectors
  // Stores vectors made by embedder `model`. A vector whose chunk no longer exists, or whose text has
  // changed since it was embedded (an update raced the embedding), is silently dropped.
  virtual Status PutChunkVectors(const std::string& workspace, int64_t uid, const std::string& model,
                                 const std::vector<domain::ChunkVector>& vectors) = 0;
  // The stored vectors of embedder `model` (text left empty), in the order they were stored.
  virtual Result<std::vector<domain::ChunkVector>> ListChunkVectors(const std::string& workspace, int64_t uid,
                                                                    const std::string& model) = 0;
};

}  // namespace engram::store
