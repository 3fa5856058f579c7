// UserIndex: everything retrieval needs about one (workspace, user), in memory.
//
// = InvertedIndex (BM25) + VectorMatrix (exact cosine) + per-chunk metadata (chunk id, record id,
// kind, type, source, speaker, session, timestamp, text), all indexed by the same ordinal. Chunk and
// record ids and labels live in StringTables; texts in one arena. A chunk is analyzed with
// text::AnalyzeToStrings, the same analyzer the query side (text::AnalyzeQuery) uses.
//
// It is searched by the ranker (ranker.h), through the lexical index, the vector matrix and the
// accessors by ordinal.
//
// Removal tombstones ordinals; once removed ordinals exceed max(compact_min_dead, compact_dead_fraction
// of all ordinals) the index compacts, renumbering ordinals. So ordinals (and string_views returned by
// the accessors) are valid only while the caller holds the lock that excludes writers.
//
// Thread-safety: not synchronized itself. Its owner (UserIndexHandle in index_cache.h) guards it with a
// shared mutex (writer-preferring, so searches cannot starve writes): any number of concurrent
// searches and accessor calls under the shared lock; Add/SetVector/Remove*/Compact/set_version under
// the exclusive lock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/time.h"
#include "domain/types.h"
#include "index/bm25.h"
#include "index/inverted_index.h"
#include "index/string_table.h"
#include "index/vector_matrix.h"

namespace engram::index {

struct IndexOptions {
  Bm25Params bm25;
  VectorStorage vector_storage = VectorStorage::kFloat32;
  uint32_t compact_min_dead = 256;     // never compact for fewer removed chunks than this
  double compact_dead_fraction = 0.25; // compact when removed chunks exceed this share of ordinals
  // Bulk loads (IndexCache) of at least 2,000 chunks analyze text on a second thread when > 1:
  // analysis is most of a cold load and the target is 100 ms for 10k chunks.
  int load_threads = 2;
};

constexpr uint32_t KindBit(domain::RecordKind k) { return 1u << static_cast<uint32_t>(k); }
inline constexpr uint32_t kAllKinds = KindBit(domain::RecordKind::kEvent) |
                                      KindBit(domain::RecordKind::kDocument) |
                                      KindBit(domain::RecordKind::kMessage);

struct IndexMemory {
  size_t text = 0;     // chunk texts
  size_t vectors = 0;  // vector matrix
  size_t index = 0;    // postings, dictionaries, metadata: the index's own overhead
  size_t total() const { return text + vectors + index; }
};

class UserIndex {
 public:
  explicit UserIndex(IndexOptions options = {});
  UserIndex(const UserIndex&) = delete;
  UserIndex& operator=(const UserIndex&) = delete;

  // Adds a chunk, replacing a live chunk with the same id. `vector` empty = not embedded yet.
  // InvalidArgument, with nothing changed, when the vector is zero, not finite, or of another
  // dimension than the index's.
  Status Add(const domain::Chunk& chunk, std::span<const float> vector = {},
             std::string_view session_id = {});
  // Add() with the chunk's terms already computed: `terms` must be text::AnalyzeToStrings(chunk.text).
  // Lets a bulk load analyze chunks on several threads (analysis is most of the load time).
  Status AddAnalyzed(const domain::Chunk& chunk, std::span<const std::string> terms,
                     std::span<const float> vector = {}, std::string_view session_id = {});
  // Stores (or, with an empty vector, clears) the vector of a live chunk. NotFound if absent.
  Status SetVector(std::string_view chunk_id, std::span<const float> vector);
  // Removes every chunk of a record ("<record_id>#n"). Returns how many were removed.
  size_t RemoveRecord(std::string_view record_id);
  size_t RemoveRecords(std::span<const std::string> record_ids);
  bool RemoveChunk(std::string_view chunk_id);
  // Drops removed chunks now and renumbers ordinals.
  void Compact();
  void Reserve(size_t chunks);
  // Releases spare capacity after a bulk load (vectors grown by doubling hold up to 2x).
  void ShrinkToFit();

  // --- Accessors by ordinal, for rankers. `ordinal < ordinal_count()`; a removed ordinal still
  // answers until the next compaction. Views are valid until the next mutation.
  uint32_t ordinal_count() const { return static_cast<uint32_t>(meta_.size()); }
  size_t size() const { return lexical_.live_count(); }  // live chunks
  bool IsLive(uint32_t ordinal) const { return lexical_.IsLive(ordinal); }
  std::optional<uint32_t> Find(std::string_view chunk_id) const;
  std::string_view ChunkId(uint32_t o) const { return chunk_ids_.Get(meta_[o].chunk_id); }
  std::string_view RecordId(uint32_t o) const { return record_ids_.Get(meta_[o].record_id); }
  std::string_view Text(uint32_t o) const { return std::string_view(text_).substr(meta_[o].text_begin, meta_[o].text_len); }
  std::string_view Type(uint32_t o) const { return labels_.Get(meta_[o].type); }
  std::string_view Source(uint32_t o) const { return labels_.Get(meta_[o].source); }
  std::string_view Speaker(uint32_t o) const { return labels_.Get(meta_[o].speaker); }
  std::string_view SessionId(uint32_t o) const { return labels_.Get(session_[o]); }
  // The record's metadata as stored ("" = none).
  std::string_view Metadata(uint32_t o) const { return metadata_.Get(meta_[o].metadata); }
  // Interned ids of the session and speaker labels: equal ids mean equal strings. Below label_count().
  uint32_t SessionKey(uint32_t o) const { return session_[o]; }
  uint32_t label_count() const { return labels_.size(); }
  // The interned id of a label (compare with SessionKey), or StringTable::kNone.
  uint32_t LabelKey(std::string_view label) const { return labels_.Find(label); }
  domain::RecordKind Kind(uint32_t o) const { return meta_[o].kind; }
  TimeMs Timestamp(uint32_t o) const { return meta_[o].timestamp; }
  bool HasVector(uint32_t o) const { return vectors_.HasVector(o); }
  // The client record ids a chunk came from: its record, or every source of a derived item.
  std::vector<std::string_view> SourceIds(uint32_t o) const;
  const InvertedIndex& lexical() const { return lexical_; }
  const VectorMatrix& vectors() const { return vectors_; }
  // True when `query_vector` can be scored: of the stored vectors' dimension, non-zero.
  bool AcceptsQueryVector(std::span<const float> query_vector) const { return vectors_.AcceptsQuery(query_vector); }

  // The store version of this user that the index reflects (see IndexCache).
  int64_t version() const { return version_; }
  void set_version(int64_t v) { version_ = v; }

  IndexMemory MemoryBytes() const;

 private:
  struct Meta {
    uint32_t chunk_id;    // in chunk_ids_
    uint32_t record_id;   // in record_ids_
    uint32_t text_begin;  // in text_
    uint32_t text_len;
    uint32_t type, source, speaker;  // in labels_
    uint32_t metadata;               // in metadata_
    TimeMs timestamp;
    domain::RecordKind kind;
    uint32_t sources_begin;  // in sources_; empty: the record id alone
    uint32_t sources_len;
  };

  void RemoveOrdinal(uint32_t ordinal);
  void MaybeCompact();

  IndexOptions options_;
  InvertedIndex lexical_;
  VectorMatrix vectors_;
  std::vector<Meta> meta_;               // by ordinal
  std::vector<uint32_t> session_;        // by ordinal, in labels_: apart from meta_ because the ranker
                                         // reads it for every lexical match
  StringTable chunk_ids_;
  std::vector<uint32_t> chunk_ordinal_;  // chunk_ids_ id -> live ordinal, or kNoOrdinal
  StringTable record_ids_;
  StringTable labels_;                   // type, source, speaker, session: few, and the ranker keeps
                                         // per-query scratch by session label
  StringTable metadata_;                 // record metadata (JSON text): about one per record
  std::string text_;                     // texts of all ordinals, back to back
  std::string sources_;                  // source id lists of derived items, '\x1f'-separated
  int64_t version_ = 0;
};

// Analyzes `text` as a query (text::AnalyzeQuery) and appends its terms with `weight`.
void AppendQueryTerms(std::string_view text, float weight, std::vector<WeightedTerm>& out);

}  // namespace engram::index
