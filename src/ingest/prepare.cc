#include "ingest/prepare.h"

#include <unordered_map>

#include "common/crypto.h"
#include "text/chunker.h"

namespace engram::ingest {

std::string ContentHash(const std::string& content, TimeMs timestamp) {
  std::string material = std::to_string(timestamp);
  material += '\x1f';
  material += content;
  return Sha256Hex(material);
}

std::string GeneratedIdPrefix(domain::RecordKind kind) {
  switch (kind) {
    case domain::RecordKind::kEvent: return "evt_";
    case domain::RecordKind::kDocument: return "doc_";
    case domain::RecordKind::kMessage: return "msg_";
    case domain::RecordKind::kMemory: return "mem_";
    case domain::RecordKind::kStage3: return "stage3_";
  }
  return "rec_";
}

std::vector<domain::Chunk> MakeChunks(const domain::Record& record, const PrepareOptions& options) {
  text::ChunkOptions chunk_options;
  chunk_options.max_chars = options.max_chunk_chars;
  chunk_options.overlap_chars = options.chunk_overlap_chars;
  chunk_options.message_mode = record.kind != domain::RecordKind::kDocument;
  std::vector<domain::Chunk> chunks;
  int n = 0;
  for (const auto& span : text::ChunkText(record.content, chunk_options)) {
    domain::Chunk c;
    c.id = record.id + "#" + std::to_string(n);
    c.record_id = record.id;
    c.n = n++;
    c.text = span.text;
    c.kind = record.kind;
    c.type = record.type;
    c.source = record.source;
    c.speaker = record.speaker;
    c.session_id = record.session_id;
    c.timestamp = record.timestamp;
    c.metadata_json = record.metadata_json;
    chunks.push_back(std::move(c));
  }
  return chunks;
}

Status PrepareRecords(std::vector<domain::Record>& records, const PrepareOptions& options) {
  std::unordered_map<std::string, size_t> seen;
  for (size_t i = 0; i < records.size(); ++i) {
    auto& r = records[i];
    if (r.id.empty()) r.id = NewId(GeneratedIdPrefix(r.kind));
    auto [it, inserted] = seen.emplace(r.id, i);
    if (!inserted) {
      return Status::InvalidArgument("Duplicate id in request: " + r.id);
    }
    if (r.timestamp == 0) r.timestamp = options.received_at;
    r.content_hash = ContentHash(r.content, r.timestamp);
    r.chunks = MakeChunks(r, options);
  }
  return Status::Ok();
}

}  // namespace engram::ingest
