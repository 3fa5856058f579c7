#include "index/derived_chunks.h"

namespace engram::index {

domain::Chunk MemoryChunk(const domain::Memory& m, TimeMs fallback_time) {
  domain::Chunk c;
  c.id = m.id;
  c.record_id = m.id;
  c.text = m.text;
  c.kind = domain::RecordKind::kMemory;
  c.type = m.category;
  c.source = "memory";
  c.speaker = m.subject;
  c.timestamp = m.valid_from ? m.valid_from : (m.created_at ? m.created_at : fallback_time);
  c.source_ids = m.source_ids;
  return c;
}

domain::Chunk Stage3Chunk(const domain::Stage3Item& item) {
  domain::Chunk c;
  c.id = item.id;
  c.record_id = item.id;
  c.text = "Q: " + item.question + "\nA: " + item.answer;
  c.kind = domain::RecordKind::kStage3;
  c.type = "stage3";
  c.source = "stage3";
  c.timestamp = item.updated_at;
  c.source_ids = item.source_ids;
  return c;
}

domain::Chunk ScopedMemoryChunk(const domain::ScopedMemory& m) {
  domain::Chunk c;
  c.id = m.id;
  c.record_id = m.id;
  c.text = m.text;
  c.kind = domain::RecordKind::kMemory;
  c.type = m.category;
  c.source = "memory";
  c.timestamp = m.valid_from ? m.valid_from : m.created_at;
  c.source_ids = m.source_ids;
  return c;
}

}  // namespace engram::index
