// VectorMatrix: one user's chunk embeddings as a contiguous row-major matrix, searched exactly.
//
// Per-user corpora are small, so an exact scan beats an approximate index in both speed and recall:
// 10k rows x 384 dims is one pass over their 3.8 MB int8 copy with the kernels of vector_kernels.h
// (float32 storage then rescores the best few hundred rows from its 15 MB). Rows are indexed by the
// same ordinals as the InvertedIndex (the owner appends to both in lockstep and compacts both with
// one remap).
//
// - The dimension is fixed by the first vector stored; later vectors of another size are rejected.
// - Vectors are L2-normalized on insert, so a dot product with a normalized query is the cosine.
// - A row may have no vector (a chunk not embedded yet): a bitmap says which rows do; such rows score
//   0 in Scores() and are skipped by TopK().
// - Every row is also kept as int8 in [-127, 127] with one float scale per row (max |x| / 127), a
//   quarter of the bytes with cosines within about 0.01 of float32 for typical embeddings. Storage
//   kInt8 keeps only that; kFloat32 keeps both, and TopK pre-scans the int8 copy of every row, then
//   rescores the best few hundred in float32: exact float32 results at the cost of an int8 scan (the
//   scan reads 4x fewer bytes), for 392 more bytes per 384-dimension row.
// - kFloat32 also keeps, per row, the L2 norm of the row's quantization error. With the query's, it
//   bounds how far an int8 cosine can be from the float32 one (CosineBounds), so a caller can rescore
//   in float32 only the rows whose order the int8 cosine leaves undecided.
//
// Thread-safety: const methods may run concurrently (scratch buffers are thread_local); mutations
// need exclusive access.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "common/status.h"
#include "index/top_k.h"

namespace engram::index {

enum class VectorStorage : uint8_t {
  kFloat32 = 0,  // exact (with an int8 copy for pre-scans)
  kInt8 = 1,     // per-row scaled int8 only: about 5x smaller than kFloat32, slightly approximate
};

class VectorMatrix {
 public:
  explicit VectorMatrix(VectorStorage storage = VectorStorage::kFloat32) : storage_(storage) {}

  // OK when `v` is empty (no vector) or could be stored: finite, non-zero, and of the matrix's
  // dimension (any dimension while none is set).
  Status Check(std::span<const float> v) const;
  // Appends one row (ordinal rows()). An empty `v` appends a row without a vector. On error the row
  // is still appended, without a vector, so ordinals stay in lockstep with the caller's.
  Status Append(std::span<const float> v);
  // Append() of a vector that already passed Check() (empty or storable): not checked again.
  void AppendChecked(std::span<const float> v);
  // Stores or replaces the vector of an existing row.
  Status Set(uint32_t row, std::span<const float> v);
  // Forgets the vector of a row (the row stays).
  void Clear(uint32_t row);
  // Pre-sizes storage for `rows` rows (applied once the dimension is known).
  void Reserve(uint32_t rows);
  void ShrinkToFit();

  bool HasVector(uint32_t row) const { return row < rows_ && ((has_[row >> 6] >> (row & 63)) & 1); }
  uint32_t rows() const { return rows_; }
  uint32_t vector_count() const { return vector_count_; }
  size_t dim() const { return dim_; }
  VectorStorage storage() const { return storage_; }
  // The stored (normalized; dequantized for int8) vector of a row, empty when it has none.
  std::vector<float> Row(uint32_t row) const;

  // True when `query` can be scored: of the matrix's dimension, finite and non-zero.
  bool AcceptsQuery(std::span<const float> query) const;
  // Cosine of every row with `query` (normalized here) into out[0, rows()). False, leaving `out`
  // untouched, when the query is empty, zero, or not of the matrix's dimension.
  bool Scores(std::span<const float> query, std::span<float> out) const;
  // Cosines of the given rows only (as Scores() computes them) into out[i] for rows[i]; a row
  // without a vector scores 0. False, leaving `out` untouched, when Scores() would return false.
  bool ScoreRows(std::span<const float> query, std::span<const uint32_t> rows, std::span<float> out) const;
  // The k rows with a vector most similar to `query` that `filter` accepts and whose cosine is above
  // `min_score`, best first (ordinal asc on ties), with their Scores() cosines. Empty when Scores()
  // would return false. kFloat32: every row is pre-scanned in int8, the best max(k, rescore) of them
  // (default: RescoreDepth(k)) are rescored exactly. The result equals the exact scan's unless a
  // row outside that pre-scan depth belongs to the exact top k (int8 cosines are within about 0.01).
  // Measured (bench/rank_bench): for k = 100 over 10,000 chunks, a depth of 100 misses 1-2 rows in
  // most queries, 150 none in 2,000 queries; the default is twice that. rescore = SIZE_MAX scans
  // exactly.
  std::vector<ScoredDoc> TopK(std::span<const float> query, size_t k, DocFilter filter = {},
                              float min_score = -2.f, size_t rescore = 0) const;

  // A query normalized, and quantized for the int8 rows: what a scan compares rows with.
  struct PreparedQuery {
    std::vector<float> unit;
    std::vector<int8_t> q8;
    float q_scale = 0;
    float error = 0;  // L2 norm of unit - q_scale * q8
  };
  // What a TopK scan learnt of every row, for a caller that then needs the cosines of other rows.
  struct PreScan {
    PreparedQuery query;              // the scan's query, prepared once for ScoreRows too
    std::vector<float> cosine;        // by row: the scanned cosine (exact where marked)
    std::vector<uint32_t> exact_mark;  // by row: == scan when `cosine` is the exact Score() one
    uint32_t scan = 0;                // numbers the scans, so marks need no clearing
    bool all_exact = false;           // every cosine is exact (kInt8 storage, or an exact scan)
  };
  // ScoreRows with the query of a TopK scan, without preparing it again. False when the scan did not
  // run (`scan.cosine` shorter than rows()).
  bool ScoreRows(const PreScan& scan, std::span<const uint32_t> rows, std::span<float> out) const;
  // TopK, also leaving its scan in `scan`.
  std::vector<ScoredDoc> TopK(std::span<const float> query, size_t k, DocFilter filter, float min_score,
                              size_t rescore, PreScan& scan) const;
  // An interval that holds the cosine Score() (ScoreRows) computes for `row`, from a TopK scan of
  // the same query: exact where the scan was, else the int8 cosine +- |e_row| + |e_query| +
  // |e_row||e_query| (the row and query quantization errors; unit vectors), plus float rounding.
  std::pair<float, float> CosineBounds(const PreScan& scan, uint32_t row) const;
  // The default pre-scan depth of TopK for k results: max(3k, 300).
  static size_t RescoreDepth(size_t k) { return k * 3 > 300 ? k * 3 : 300; }

  // Renumbers rows: old row r moves to remap[r] (kNoOrdinal drops it). remap must be increasing over
  // kept rows, as InvertedIndex::Compact() returns.
  void Compact(std::span<const uint32_t> remap, uint32_t new_rows);

  size_t MemoryBytes() const;

 private:
  void SetDim(size_t dim);
  void StoreRow(uint32_t row, std::span<const float> v);  // v checked; normalizes and quantizes
  void SetBit(uint32_t row, bool on);
  bool has_f32() const { return storage_ == VectorStorage::kFloat32; }
  bool PrepareQuery(std::span<const float> query, PreparedQuery& q) const;
  std::vector<ScoredDoc> TopKInto(std::span<const float> query, size_t k, DocFilter filter, float min_score,
                                  size_t rescore, PreScan* scan) const;
  void ApproxScores(const PreparedQuery& q, float* out) const;  // int8 cosines of every row
  float Score(const PreparedQuery& q, uint32_t row) const;      // the cosine Scores() computes
  void ScorePrepared(const PreparedQuery& q, std::span<const uint32_t> rows, std::span<float> out) const;
  // Rows with a vector that `filter` accepts, at least the `depth` of highest score (all if fewer):
  // every row whose score bucket is at or above that of the depth-th best. Ordinal order.
  void SelectAtLeast(std::span<const float> scores, size_t depth, DocFilter filter,
                     std::vector<uint32_t>& out) const;
  void PrefetchRow(uint32_t row) const;  // kFloat32 only

  VectorStorage storage_;
  size_t dim_ = 0;
  uint32_t rows_ = 0;
  uint32_t vector_count_ = 0;
  uint32_t reserve_rows_ = 0;
  std::vector<uint64_t> has_;   // bitmap by row
  std::vector<float> f32_;      // rows_ * dim_ (kFloat32 only)
  std::vector<int8_t> i8_;      // rows_ * dim_, both storages
  std::vector<float> scale_;    // per row, both storages
  std::vector<float> error_;    // per row, kFloat32 only: L2 norm of (float32 row - dequantized int8 row)
};

}  // namespace engram::index
