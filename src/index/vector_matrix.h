// VectorMatrix: one user's chunk embeddings as a contiguous row-major matrix, searched exactly.
//
// Per-user corpora are small, so an exact scan beats an approximate index in both speed and recall:
// 10k rows x 384 dims is one pass over 15 MB (float32) or 3.8 MB (int8) with the AVX2 kernels of
// vector_kernels.h. Rows are indexed by the same ordinals as the InvertedIndex (the owner appends to
// both in lockstep and compacts both with one remap).
//
// - The dimension is fixed by the first vector stored; later vectors of another size are rejected.
// - Vectors are L2-normalized on insert, so a dot product with a normalized query is the cosine.
// - A row may have no vector (a chunk not embedded yet): a bitmap says which rows do; such rows score
//   0 in Scores() and are skipped by TopK().
// - Storage kInt8 keeps each row as int8 in [-127, 127] with one float scale per row (max |x| / 127):
//   4x less memory and bandwidth, cosines within about 0.01 of float32 for typical embeddings.
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
  kFloat32 = 0,  // exact
  kInt8 = 1,     // per-row scaled int8: 4x smaller, slightly approximate
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

  // Cosine of every row with `query` (normalized here) into out[0, rows()). False, leaving `out`
  // untouched, when the query is empty, zero, or not of the matrix's dimension.
  bool Scores(std::span<const float> query, std::span<float> out) const;
  // The k rows with a vector most similar to `query` that `filter` accepts, best first (ordinal asc
  // on ties). Empty when Scores() would return false.
  std::vector<ScoredDoc> TopK(std::span<const float> query, size_t k, DocFilter filter = {}) const;

  // Renumbers rows: old row r moves to remap[r] (kNoOrdinal drops it). remap must be increasing over
  // kept rows, as InvertedIndex::Compact() returns.
  void Compact(std::span<const uint32_t> remap, uint32_t new_rows);

  size_t MemoryBytes() const;

 private:
  void SetDim(size_t dim);
  void StoreRow(uint32_t row, std::span<const float> v);  // v checked; normalizes and quantizes
  void SetBit(uint32_t row, bool on);

  VectorStorage storage_;
  size_t dim_ = 0;
  uint32_t rows_ = 0;
  uint32_t vector_count_ = 0;
  uint32_t reserve_rows_ = 0;
  std::vector<uint64_t> has_;   // bitmap by row
  std::vector<float> f32_;      // rows_ * dim_ (kFloat32)
  std::vector<int8_t> i8_;      // rows_ * dim_ (kInt8)
  std::vector<float> scale_;    // per row (kInt8)
};

}  // namespace engram::index
