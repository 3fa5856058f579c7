// SqliteStore: the Store implementation behind OpenSqliteStore (internal to the backend).
//
// Method bodies are split by concept: sqlite_store.cc (open, lifecycle, keys), sqlite_users.cc,
// sqlite_records.cc. Later features (memories, jobs) add their methods the same way, writing through
// RunWrite() (group commit) and reading through RunRead() (pooled read-only connection, one read
// transaction, so a multi-statement read sees one snapshot).
// Thread-safety: thread-safe, as Store requires.
#pragma once

#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <set>

#include "common/metrics.h"
#include "store/sqlite/checkpointer.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/read_pool.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/write_queue.h"

namespace engram::store::sqlite {

// Operation labels of engram_store_write_seconds / engram_store_read_seconds.
enum class Op {
  kPing,
  kStats,
  kCreateApiKey,
  kFindApiKey,
  kListApiKeys,
  kRevokeApiKey,
  kCountApiKeys,
  kRegisterUser,
  kGetUser,
  kCountRecords,
  kDeleteUser,
  kWriteRecords,
  kGetRecord,
  kListRecords,
  kListChunks,
  kPutChunkVectors,
  kListChunkVectors,
  kListMemories,
  kApplyMemoryWrite,
  kListUnextracted,
  kListPending,
  kListTraits,
  kPutStage3,
  kListStage3,
  kRecordStatusCounts,
  kRecordStatuses,
  kMarkExtractionFailed,
  kCountPending,
  kPutGroup,
  kListGroups,
  kDeleteGroup,
  kPutGroupMembers,
  kReplaceScoped,
  kListScoped,
  kCount,  // number of ops, not an op
};

class SqliteStore final : public Store {
 public:
  SqliteStore(const SqliteOptions& options, std::unique_ptr<WriteQueue> writer,
              std::unique_ptr<ReadPool> readers, std::unique_ptr<Checkpointer> checkpointer);
  ~SqliteStore() override;

  Status Close() override;
  Status Ping() override;
  Result<StoreStats> Stats() override;

  Status CreateApiKey(const domain::ApiKey& key) override;
  Result<std::optional<domain::ApiKey>> FindApiKeyByHash(const std::string& hash) override;
  Result<std::vector<domain::ApiKey>> ListApiKeys(const std::string& workspace) override;
  Status RevokeApiKey(const std::string& workspace, const std::string& key_id) override;
  Result<int64_t> CountActiveApiKeys() override;

  Result<domain::RegisterResult> RegisterUser(const domain::RegisterSpec& spec) override;
  Result<std::optional<domain::User>> GetUser(const std::string& workspace,
                                              const std::string& user_id) override;
  Result<std::optional<domain::User>> GetUserByUid(const std::string& workspace, int64_t uid) override;
  Result<domain::RecordCounts> CountRecords(const std::string& workspace, int64_t uid) override;
  Result<bool> DeleteUser(const std::string& workspace, const std::string& user_id) override;

  Result<WriteBatchResult> WriteRecords(const WriteBatch& batch) override;
  Result<std::optional<domain::Record>> GetRecord(const std::string& workspace, int64_t uid,
                                                  const std::string& record_id) override;
  Result<std::vector<domain::Record>> ListRecords(const std::string& workspace, int64_t uid) override;
  Result<std::vector<domain::Chunk>> ListChunks(const std::string& workspace, int64_t uid) override;
  Result<std::vector<domain::Memory>> ListMemories(const std::string& workspace, int64_t uid,
                                                   bool include_history) override;
  Result<int64_t> ApplyMemoryWrite(const std::string& workspace, int64_t uid, const MemoryWrite& write) override;
  Result<std::vector<domain::Record>> ListUnextractedRecords(const std::string& workspace, int64_t uid,
                                                             size_t limit) override;
  Result<std::vector<std::pair<std::string, int64_t>>> ListUsersPendingExtraction(size_t limit) override;
  Result<ExtractionCounts> RecordStatusCounts(const std::string& workspace, int64_t uid,
                                              size_t max_failed_ids) override;
  Result<std::vector<RecordExtractionStatus>> RecordStatuses(const std::string& workspace, int64_t uid,
                                                             const std::vector<std::string>& ids) override;
  Status MarkExtractionFailed(const std::string& workspace, int64_t uid, const std::vector<std::string>& ids,
                              const std::string& reason, int attempts) override;
  Result<int64_t> CountPendingExtraction() override;
  Result<std::vector<domain::Trait>> ListTraits(const std::string& workspace, int64_t uid) override;
  Result<int64_t> PutStage3Item(const std::string& workspace, int64_t uid, const domain::Stage3Item& item) override;
  Result<std::vector<domain::Stage3Item>> ListStage3Items(const std::string& workspace, int64_t uid) override;
  Status PutGroup(const std::string& workspace, const domain::OrgGroup& group) override;
  Result<std::optional<domain::OrgGroup>> GetGroup(const std::string& workspace, domain::ScopeKind kind,
                                                   const std::string& id) override;
  Result<std::vector<domain::OrgGroup>> ListGroups(const std::string& workspace) override;
  Result<bool> DeleteGroup(const std::string& workspace, domain::ScopeKind kind, const std::string& id) override;
  Result<std::vector<std::string>> PutGroupAndMembers(const std::string& workspace, const domain::OrgGroup& group,
                                                      const std::vector<std::string>& actor_ids) override;
  Status AddGroupMembers(const std::string& workspace, domain::ScopeKind kind, const std::string& id,
                         const std::vector<std::string>& actor_ids) override;
  Result<bool> RemoveGroupMember(const std::string& workspace, domain::ScopeKind kind, const std::string& id,
                                 const std::string& actor_id) override;
  Result<std::vector<domain::OrgMember>> ListGroupMembers(const std::string& workspace, domain::ScopeKind kind,
                                                          const std::string& id) override;
  Result<std::vector<domain::OrgGroup>> ListActorGroups(const std::string& workspace,
                                                        const std::string& actor_id) override;
  Result<std::vector<std::string>> ListOrgWorkspaces() override;
  Result<bool> ReplaceScopedMemories(const std::string& workspace, domain::ScopeKind kind, const std::string& id,
                                     const std::vector<domain::ScopedMemory>& memories) override;
  Result<std::vector<domain::ScopedMemory>> ListScopedMemories(
      const std::string& workspace, const std::vector<std::pair<domain::ScopeKind, std::string>>& scopes) override;
  Result<std::vector<domain::Record>> GetRecords(const std::string& workspace, int64_t uid,
                                                 const std::vector<std::string>& ids) override;
  Status PutChunkVectors(const std::string& workspace, int64_t uid, const std::string& model,
                         const std::vector<domain::ChunkVector>& vectors) override;
  Result<std::vector<domain::ChunkVector>> ListChunkVectors(const std::string& workspace, int64_t uid,
                                                            const std::string& model) override;

  // Group-committed write; see WriteQueue for the closure contract (outputs reset on entry).
  [[nodiscard]] Status RunWrite(Op op, const std::function<Status(Connection&)>& fn);
  // One read transaction on a pooled read-only connection.
  [[nodiscard]] Status RunRead(Op op, const std::function<Status(Connection&)>& fn);

  const Clock& clock() const { return *clock_; }

 private:
  const Clock* clock_;
  std::unique_ptr<WriteQueue> writer_;
  std::unique_ptr<ReadPool> readers_;
  std::unique_ptr<Checkpointer> checkpointer_;
  std::atomic<bool> closed_{false};
  std::mutex close_mu_;
  std::array<Histogram*, static_cast<size_t>(Op::kCount)> write_seconds_{};  // null without metrics
  std::array<Histogram*, static_cast<size_t>(Op::kCount)> read_seconds_{};
};

// Lists of strings are stored as JSON arrays (sqlite_memories.cc). Reading tolerates anything: what is
// not an array of strings reads as empty / skips non-strings.
std::string ToJsonArray(const std::vector<std::string>& v);
std::vector<std::string> FromJsonArray(const std::string& text);

// WriteRecords' part of the organization (sqlite_org.cc): the records' actor (`actor_id`) becomes an event
// member of the roles and teams the written records name. Runs inside the write transaction. Returns
// the groups the actor was not yet a member of.
[[nodiscard]] Result<std::vector<std::pair<domain::ScopeKind, std::string>>> AddEventMemberships(
    Connection& conn, const std::string& workspace, const std::string& actor_id,
    const std::set<std::pair<domain::ScopeKind, std::string>>& groups, TimeMs now);
// DeleteUser's part: the actor's event memberships and the promoted memories it supported.
[[nodiscard]] Status ForgetActor(Connection& conn, const std::string& workspace, const std::string& actor_id);

// True when `uid` is a user of `workspace`: every uid-addressed call checks this, so a uid from one
// workspace can never reach another workspace's rows.
[[nodiscard]] Result<bool> UserInWorkspace(Connection& conn, const std::string& workspace,
                                           int64_t uid);

}  // namespace engram::store::sqlite
