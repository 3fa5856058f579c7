// IngestService: the write use case. Prepares records (ids, hashes, chunks), writes them durably in
// one store transaction under the request's dedupe/update policy, then tells observers (the index
// makes them searchable before the response leaves).
// Thread-safe.
#pragma once

#include <functional>
#include <vector>

#include "ingest/prepare.h"
#include "service/context.h"

namespace engram::service {

struct IngestCommand {
  std::string workspace;
  std::string user_id;
  int64_t uid = 0;  // the user's uid when the caller has it already (0: looked up by user_id); the
                    // write checks it still names a user
  domain::WritePolicy policy;
  std::vector<domain::Record> records;  // as parsed; ids/timestamps may be empty
};

struct IngestResult {
  std::vector<domain::Record> records;                 // prepared, in input order
  std::vector<domain::RecordWriteResult> outcomes;     // one per record, in input order
  TimeMs received_at = 0;
  TimeMs updated_at = 0;
  int64_t user_version = 0;
};

class IngestService {
 public:
  IngestService(ServiceContext ctx, ingest::PrepareOptions options = {});

  void AddObserver(UserDataObserver* observer) { observers_.push_back(observer); }

  // kNotFound for an unknown user; the store's error otherwise. Nothing is written on error.
  Result<IngestResult> Ingest(IngestCommand command);

  // Backpressure for client ingest: Admit() answers kUnavailable while `pending()` (records waiting
  // for extraction, a cheap counter) exceeds `max`. Set before serving; unset, everything is admitted.
  void SetPendingLimit(std::function<int64_t()> pending, int64_t max) {
    pending_ = std::move(pending);
    max_pending_ = max;
  }
  [[nodiscard]] Status Admit() const;

 private:
  ServiceContext ctx_;
  ingest::PrepareOptions options_;
  std::vector<UserDataObserver*> observers_;
  std::function<int64_t()> pending_;
  int64_t max_pending_ = 0;
  Counter* inserted_[3] = {};
  Counter* updated_[3] = {};
  Counter* skipped_[3] = {};
};

}  // namespace engram::service
