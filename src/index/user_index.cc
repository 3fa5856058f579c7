#include "index/user_index.h"

#include <algorithm>

#include "text/analyzer.h"

namespace engram::index {

namespace {

// "<record_id>#<n>" -> "<record_id>", for chunks that do not carry their record id.
std::string_view RecordIdOf(const domain::Chunk& c) {
  if (!c.record_id.empty()) return c.record_id;
  const size_t hash = c.id.rfind('#');
  return hash == std::string::npos ? std::string_view(c.id) : std::string_view(c.id).substr(0, hash);
}

}  // namespace

UserIndex::UserIndex(IndexOptions options)
    : options_(options), lexical_(options.bm25), vectors_(options.vector_storage) {}

void UserIndex::Reserve(size_t chunks) {
  meta_.reserve(chunks);
  session_.reserve(chunks);
  vectors_.Reserve(static_cast<uint32_t>(chunks));
}

void UserIndex::ShrinkToFit() {
  lexical_.ShrinkToFit();
  vectors_.ShrinkToFit();
  meta_.shrink_to_fit();
  session_.shrink_to_fit();
  chunk_ordinal_.shrink_to_fit();
  text_.shrink_to_fit();
}

std::optional<uint32_t> UserIndex::Find(std::string_view chunk_id) const {
  const uint32_t id = chunk_ids_.Find(chunk_id);
  if (id == StringTable::kNone || chunk_ordinal_[id] == kNoOrdinal) return std::nullopt;
  return chunk_ordinal_[id];
}

Status UserIndex::Add(const domain::Chunk& chunk, std::span<const float> vector, std::string_view session_id) {
  ENGRAM_RETURN_IF_ERROR(vectors_.Check(vector));  // before analyzing: a rejected Add costs nothing
  return AddAnalyzed(chunk, text::AnalyzeToStrings(chunk.text), vector, session_id);
}

Status UserIndex::AddAnalyzed(const domain::Chunk& chunk, std::span<const std::string> terms,
                              std::span<const float> vector, std::string_view session_id) {
  ENGRAM_RETURN_IF_ERROR(vectors_.Check(vector));
  const auto existing = Find(chunk.id);
  const bool replacing = existing.has_value();
  if (replacing) RemoveOrdinal(*existing);

  const uint32_t ordinal = lexical_.Add(terms);
  vectors_.AppendChecked(vector);  // checked above
  const uint32_t cid = chunk_ids_.Intern(chunk.id);
  if (cid == chunk_ordinal_.size()) chunk_ordinal_.push_back(kNoOrdinal);
  chunk_ordinal_[cid] = ordinal;

  Meta m{};
  m.chunk_id = cid;
  m.record_id = record_ids_.Intern(RecordIdOf(chunk));
  m.text_begin = static_cast<uint32_t>(text_.size());
  m.text_len = static_cast<uint32_t>(chunk.text.size());
  text_.append(chunk.text);
  m.type = labels_.Intern(chunk.type);
  m.source = labels_.Intern(chunk.source);
  m.speaker = labels_.Intern(chunk.speaker);
  session_.push_back(labels_.Intern(session_id.empty() ? std::string_view(chunk.session_id) : session_id));
  m.metadata = metadata_.Intern(chunk.metadata_json);
  m.timestamp = chunk.timestamp;
  m.kind = chunk.kind;
  m.sources_begin = static_cast<uint32_t>(sources_.size());
  for (size_t i = 0; i < chunk.source_ids.size(); ++i) {
    if (i) sources_ += '\x1f';
    sources_ += chunk.source_ids[i];
  }
  m.sources_len = static_cast<uint32_t>(sources_.size()) - m.sources_begin;
  meta_.push_back(m);

  if (replacing) MaybeCompact();
  return Status::Ok();
}

Status UserIndex::SetVector(std::string_view chunk_id, std::span<const float> vector) {
  const auto ordinal = Find(chunk_id);
  if (!ordinal) return Status::NotFound("chunk not in index");
  return vectors_.Set(*ordinal, vector);
}

void UserIndex::RemoveOrdinal(uint32_t ordinal) {
  if (!lexical_.Remove(ordinal)) return;
  vectors_.Clear(ordinal);  // frees nothing, but keeps vector_count() to live chunks
  chunk_ordinal_[meta_[ordinal].chunk_id] = kNoOrdinal;
}

bool UserIndex::RemoveChunk(std::string_view chunk_id) {
  const auto ordinal = Find(chunk_id);
  if (!ordinal) return false;
  RemoveOrdinal(*ordinal);
  MaybeCompact();
  return true;
}

size_t UserIndex::RemoveRecord(std::string_view record_id) {
  const std::string id(record_id);
  return RemoveRecords(std::span<const std::string>(&id, 1));
}

size_t UserIndex::RemoveRecords(std::span<const std::string> record_ids) {
  // One pass over the ordinals whatever the number of records: 4 bytes compared per chunk.
  std::vector<uint8_t> doomed(record_ids_.size(), 0);
  bool any = false;
  for (const std::string& r : record_ids) {
    const uint32_t id = record_ids_.Find(r);
    if (id != StringTable::kNone) doomed[id] = any = true;
  }
  if (!any) return 0;
  size_t removed = 0;
  for (uint32_t o = 0; o < meta_.size(); ++o) {
    if (doomed[meta_[o].record_id] && lexical_.IsLive(o)) {
      RemoveOrdinal(o);
      ++removed;
    }
  }
  MaybeCompact();
  return removed;
}

void UserIndex::MaybeCompact() {
  const uint32_t dead = lexical_.dead_count();
  if (dead >= options_.compact_min_dead &&
      static_cast<double>(dead) >= options_.compact_dead_fraction * ordinal_count()) {
    Compact();
  }
}

void UserIndex::Compact() {
  if (lexical_.dead_count() == 0) return;
  const std::vector<uint32_t> remap = lexical_.Compact();
  const uint32_t live = lexical_.live_count();
  vectors_.Compact(remap, live);

  // Rebuild ids, labels and texts from live chunks only, in ordinal order.
  StringTable chunk_ids, record_ids, labels, metadata;
  std::vector<uint32_t> chunk_ordinal;
  std::string text;
  std::string sources;
  std::vector<Meta> meta;
  std::vector<uint32_t> session;
  meta.reserve(live);
  session.reserve(live);
  chunk_ordinal.reserve(live);
  for (uint32_t o = 0; o < meta_.size(); ++o) {
    if (remap[o] == kNoOrdinal) continue;
    const Meta& old = meta_[o];
    Meta m = old;
    m.chunk_id = chunk_ids.Intern(chunk_ids_.Get(old.chunk_id));
    chunk_ordinal.push_back(remap[o]);  // chunk ids are unique among live chunks: id == position
    m.record_id = record_ids.Intern(record_ids_.Get(old.record_id));
    m.text_begin = static_cast<uint32_t>(text.size());
    text.append(text_, old.text_begin, old.text_len);
    m.sources_begin = static_cast<uint32_t>(sources.size());
    sources.append(sources_, old.sources_begin, old.sources_len);
    m.type = labels.Intern(labels_.Get(old.type));
    m.source = labels.Intern(labels_.Get(old.source));
    m.speaker = labels.Intern(labels_.Get(old.speaker));
    session.push_back(labels.Intern(labels_.Get(session_[o])));
    m.metadata = metadata.Intern(metadata_.Get(old.metadata));
    meta.push_back(m);
  }
  chunk_ids_ = std::move(chunk_ids);
  record_ids_ = std::move(record_ids);
  labels_ = std::move(labels);
  metadata_ = std::move(metadata);
  chunk_ordinal_ = std::move(chunk_ordinal);
  text_ = std::move(text);
  sources_ = std::move(sources);
  meta_ = std::move(meta);
  session_ = std::move(session);
}

IndexMemory UserIndex::MemoryBytes() const {
  IndexMemory m;
  m.text = text_.capacity();
  m.vectors = vectors_.MemoryBytes();
  m.index = sizeof(*this) + lexical_.MemoryBytes() + meta_.capacity() * sizeof(Meta) + session_.capacity() * sizeof(uint32_t) +
            chunk_ids_.MemoryBytes() + chunk_ordinal_.capacity() * sizeof(uint32_t) +
            record_ids_.MemoryBytes() + labels_.MemoryBytes() + metadata_.MemoryBytes() + sources_.capacity();
  return m;
}

std::vector<std::string_view> UserIndex::SourceIds(uint32_t o) const {
  const Meta& m = meta_[o];
  if (m.sources_len == 0) return {RecordId(o)};
  std::vector<std::string_view> out;
  std::string_view all = std::string_view(sources_).substr(m.sources_begin, m.sources_len);
  while (true) {
    const size_t sep = all.find('\x1f');
    out.push_back(all.substr(0, sep));
    if (sep == std::string_view::npos) break;
    all.remove_prefix(sep + 1);
  }
  return out;
}

void AppendQueryTerms(std::string_view text, float weight, std::vector<WeightedTerm>& out) {
  const text::AnalyzedQuery q = text::AnalyzeQuery(text);
  for (const text::Term& t : q.terms) out.push_back({t.text, weight});
}

}  // namespace engram::index
