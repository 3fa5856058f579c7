#include "service/ingest_service.h"

namespace engram::service {

IngestService::IngestService(ServiceContext ctx, ingest::PrepareOptions options)
    : ctx_(ctx), options_(options) {
  if (ctx_.metrics) {
    for (int k = 0; k < 3; ++k) {
      const std::string kind(domain::RecordKindName(static_cast<domain::RecordKind>(k)));
      const char* help = "Records ingested, by kind and outcome";
      inserted_[k] = ctx_.metrics->GetCounter("engram_records_ingested_total", help, {{"kind", kind}, {"outcome", "inserted"}});
      updated_[k] = ctx_.metrics->GetCounter("engram_records_ingested_total", help, {{"kind", kind}, {"outcome", "updated"}});
      skipped_[k] = ctx_.metrics->GetCounter("engram_records_ingested_total", help, {{"kind", kind}, {"outcome", "skipped"}});
    }
  }
}

Status IngestService::Admit() const {
  if (pending_ && max_pending_ > 0 && pending_() > max_pending_) {
    return Status::Unavailable("Too many records waiting for extraction; retry shortly");
  }
  return Status::Ok();
}

Result<IngestResult> IngestService::Ingest(IngestCommand command) {
  IngestResult result;
  result.received_at = ctx_.clock->NowMs();
  int64_t uid = command.uid;
  if (uid == 0) {
    ENGRAM_ASSIGN_OR_RETURN(auto user, RequireUser(ctx_, command.workspace, command.user_id));
    uid = user.uid;
  }

  ingest::PrepareOptions options = options_;
  options.received_at = result.received_at;
  ENGRAM_RETURN_IF_ERROR(ingest::PrepareRecords(command.records, options));

  store::WriteBatch batch;
  batch.workspace = command.workspace;
  batch.uid = uid;
  batch.policy = command.policy;
  batch.records = std::move(command.records);
  ENGRAM_ASSIGN_OR_RETURN(auto written, ctx_.store->WriteRecords(batch));

  result.records = std::move(batch.records);
  result.outcomes = std::move(written.results);
  result.user_version = written.user_version;
  result.updated_at = ctx_.clock->NowMs();

  std::vector<domain::Record> changed;
  for (size_t i = 0; i < result.outcomes.size(); ++i) {
    const auto& o = result.outcomes[i];
    const int k = static_cast<int>(o.kind);
    Counter* c = o.outcome == domain::WriteOutcome::kInserted ? inserted_[k]
                 : o.outcome == domain::WriteOutcome::kUpdated ? updated_[k]
                                                               : skipped_[k];
    if (c) c->Add();
    if (o.outcome != domain::WriteOutcome::kSkipped) changed.push_back(result.records[i]);
  }
  if (!changed.empty()) {
    for (auto* obs : observers_) obs->OnRecordsWritten(command.workspace, uid, result.user_version, changed);
  }
  if (!written.joined_groups.empty()) {
    for (auto* obs : observers_) obs->OnGroupsJoined(command.workspace, uid, written.joined_groups);
  }
  return result;
}

}  // namespace engram::service
