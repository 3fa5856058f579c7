#include "index/derived_chunks.h"

namespace engram::index {

namespace {
// A derived item is its own record: chunk id = record id = the item's id.
domain::Chunk Derived(const std::string& id, const std::string& text, domain::RecordKind kind, std::string type,
                      std::string source, TimeMs timestamp, const std::vector<std::string>& source_ids) {
  domain::Chunk c;
  c.id = id;
  c.record_id = id;
  c.text = text;
  c.kind = kind;
  c.type = std::move(type);
  c.source = std::move(source);
  c.timestamp = timestamp;
  c.source_ids = source_ids;
  return c;
}
}  // namespace

domain::Chunk MemoryChunk(const domain::Memory& m, TimeMs fallback_time) {
  domain::Chunk c = Derived(m.id, m.text, domain::RecordKind::kMemory, m.category, "memory",
                            m.valid_from ? m.valid_from : (m.created_at ? m.created_at : fallback_time), m.source_ids);
  c.speaker = m.subject;
  return c;
}

domain::Chunk Stage3Chunk(const domain::Stage3Item& item) {
  return Derived(item.id, "Q: " + item.question + "\nA: " + item.answer, domain::RecordKind::kStage3, "stage3",
                 "stage3", item.updated_at, item.source_ids);
}

domain::Chunk ScopedMemoryChunk(const domain::ScopedMemory& m) {
  return Derived(m.id, m.text, domain::RecordKind::kMemory, m.category, "memory",
                 m.valid_from ? m.valid_from : m.created_at, m.source_ids);
}

}  // namespace engram::index
