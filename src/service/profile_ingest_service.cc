#include "service/profile_ingest_service.h"

#include <algorithm>
#include <mutex>

namespace engram::service {

Result<ProfileIngestResult> ProfileIngestService::Ingest(ProfileIngestCommand command) {
  ENGRAM_ASSIGN_OR_RETURN(auto user, RequireUser(ctx_, command.workspace, command.user_id));

  // Held from before the write: the worker, queued by the write, waits and then finds the record
  // already extracted, instead of racing this call for it.
  std::lock_guard<std::mutex> user_lock(deps_.coordinator->UserMutex(command.workspace, user.uid));

  domain::Record record;
  record.kind = domain::RecordKind::kDocument;
  record.type = "document";
  record.source = command.source;
  record.metadata_json = command.metadata_json;
  record.content = std::move(command.data);
  IngestCommand ingest;
  ingest.workspace = command.workspace;
  ingest.user_id = command.user_id;
  ingest.policy.dedupe = false;  // each call is its own document, even when the text repeats
  ingest.records.push_back(std::move(record));
  ENGRAM_ASSIGN_OR_RETURN(IngestResult written, deps_.ingest->Ingest(std::move(ingest)));
  if (written.records.empty()) return Status::Internal("profile ingest: nothing written");
  const domain::Record& stored = written.records.front();

  std::span<const domain::Record> one(&stored, 1);
  ENGRAM_ASSIGN_OR_RETURN(memory::Extraction extraction, deps_.extractor->Extract(one, jobs::ContextFor(*ctx_.store, command.workspace, user.uid, one)));
  if (!command.extract_traits) extraction.traits.clear();
  if (!command.extract_memories) extraction.memories.clear();
  ENGRAM_ASSIGN_OR_RETURN(jobs::AppliedExtraction applied,
                          jobs::ApplyExtraction(*ctx_.store, deps_.cache, command.workspace, user.uid, one,
                                                extraction, ctx_.clock->NowMs()));
  deps_.coordinator->AddPending(-1);
  if (!applied.upserts.empty()) deps_.coordinator->MemoriesChanged(command.workspace, user.uid);

  ProfileIngestResult result;
  result.record_id = stored.id;
  result.extracted_traits = std::move(extraction.traits);
  for (auto& m : applied.upserts) {
    // Merges into an older memory count too: this text now backs it.
    const bool from_here = std::find(m.source_ids.begin(), m.source_ids.end(), stored.id) != m.source_ids.end();
    if (from_here && m.status == domain::MemoryStatus::kCurrent) result.extracted_memories.push_back(std::move(m));
  }
  ENGRAM_ASSIGN_OR_RETURN(auto fresh, RequireUser(ctx_, command.workspace, command.user_id));
  result.user = std::move(fresh);
  ENGRAM_ASSIGN_OR_RETURN(result.traits, deps_.profile->Traits(result.user));
  return result;
}

}  // namespace engram::service
