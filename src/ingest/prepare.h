// Record preparation: the feature step between a parsed request and the store.
//
// Given records as the client described them (content, optional id and timestamp, raw metadata), it
// fills in what the store needs: a generated id where the client gave none, the timestamp default
// (received time), the content hash used by dedupe, and the record's chunks (`<record_id>#<n>`).
// Pure functions over values; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "domain/types.h"

namespace engram::ingest {

struct PrepareOptions {
  TimeMs received_at = 0;       // used as timestamp for records that carry none
  size_t max_chunk_chars = 1200;  // a longer message/event is split at sentences; documents into passages
  size_t chunk_overlap_chars = 150;
};

// Content hash for dedupe: equal content at an equal timestamp means the same record.
std::string ContentHash(const std::string& content, TimeMs timestamp);

// Prefix of generated ids per kind: "evt_", "doc_", "msg_".
std::string GeneratedIdPrefix(domain::RecordKind kind);

// Fills ids, timestamps, hashes and chunks in place. InvalidArgument when two records of the batch
// share a client id (the message names both positions).
Status PrepareRecords(std::vector<domain::Record>& records, const PrepareOptions& options);

// Splits one record's content into chunks according to its kind.
std::vector<domain::Chunk> MakeChunks(const domain::Record& record, const PrepareOptions& options);

}  // namespace engram::ingest
