#include "index/derived_chunks.h"

#include <nlohmann/json.hpp>

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
  domain::Chunk c = Derived(item.id, "Q: " + item.question + "\nA: " + item.answer, domain::RecordKind::kStage3,
                            "stage3", "stage3", item.updated_at, item.source_ids);
  c.metadata_json = nlohmann::json{{"question_index", item.question_index},
                                   {"question", item.question},
                                   {"answer", item.answer}}
                        .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return c;
}

domain::Chunk ScopedMemoryChunk(const domain::ScopedMemory& m) {
  domain::Chunk c = Derived(m.id, m.text, domain::RecordKind::kMemory, m.category,
                            std::string(domain::ScopeKindName(m.scope)) + ":" + m.scope_id,
                            m.valid_from ? m.valid_from : m.created_at, m.source_ids);
  c.metadata_json = m.source_metadata_json.empty() ? "[]" : m.source_metadata_json;
  return c;
}

std::optional<std::pair<domain::ScopeKind, std::string>> ScopeOfChunk(domain::RecordKind kind,
                                                                      std::string_view source) {
  if (kind != domain::RecordKind::kMemory) return std::nullopt;
  const size_t colon = source.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  auto scope = domain::ParseScopeKind(source.substr(0, colon));
  if (!scope || *scope == domain::ScopeKind::kActor) return std::nullopt;
  return std::make_pair(*scope, std::string(source.substr(colon + 1)));
}

}  // namespace engram::index
