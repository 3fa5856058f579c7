#include "index/vector_matrix.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "index/vector_kernels.h"

namespace engram::index {

namespace {

// Rows requested ahead when float32 rows are read in random order: a row is 24 cache lines, and one
// row of lead left the loads waiting (two to six rows measured the same, 2-3% faster than one).
constexpr size_t kPrefetchRows = 4;

// Sum of v[i]^2 in double (no overflow for any finite float), over 8 independent partial sums: a
// single running sum is a chain of dependent additions, the slowest part of storing a vector.
double SumSquares(std::span<const float> v) {
  double part[8] = {};
  size_t i = 0;
  for (; i + 8 <= v.size(); i += 8) {
    for (size_t j = 0; j < 8; ++j) part[j] += static_cast<double>(v[i + j]) * v[i + j];
  }
  for (; i < v.size(); ++i) part[0] += static_cast<double>(v[i]) * v[i];
  return ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]));
}

// Normalizes `v` into out[0, v.size()) and returns the largest |out[i]|; -1 (out untouched) when v
// is zero or not finite.
float NormalizeInto(std::span<const float> v, float* out) {
  const double sq = SumSquares(v);
  if (!(sq > 0) || !std::isfinite(sq)) return -1;
  const auto inv = static_cast<float>(1.0 / std::sqrt(sq));
  float max_abs = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    out[i] = v[i] * inv;
    max_abs = std::max(max_abs, std::fabs(out[i]));
  }
  return max_abs;
}

// Symmetric quantization of `v` (largest |v[i]| = max_abs) to [-127, 127] (never -128: the AVX2
// kernel relies on it); returns the scale (max_abs / 127). With `error`, also the L2 norm of
// v - scale * q, rounded up so it stays a bound.
float Quantize(std::span<const float> v, float max_abs, int8_t* out, float* error = nullptr) {
  if (max_abs == 0) {
    std::fill(out, out + v.size(), 0);
    if (error != nullptr) *error = 0;
    return 0;
  }
  const float inv = 127.0f / max_abs;
  const float scale = max_abs / 127.0f;
  for (size_t i = 0; i < v.size(); ++i) {
    // Round half away from zero without a libm call; |v[i] * inv| <= 127 by construction.
    const float x = v[i] * inv;
    out[i] = static_cast<int8_t>(std::clamp(static_cast<int>(x + (x >= 0 ? 0.5f : -0.5f)), -127, 127));
  }
  if (error != nullptr) {
    // Squared errors (each at most (scale / 2)^2) in float partial sums, relative error about 1e-6,
    // then 0.1% more: still a bound, and the callers' slack is far larger.
    float part[8] = {};
    size_t i = 0;
    for (; i + 8 <= v.size(); i += 8) {
      for (size_t j = 0; j < 8; ++j) {
        const float d = v[i + j] - scale * static_cast<float>(out[i + j]);
        part[j] += d * d;
      }
    }
    for (; i < v.size(); ++i) {
      const float d = v[i] - scale * static_cast<float>(out[i]);
      part[0] += d * d;
    }
    const float sq = ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]));
    *error = std::sqrt(sq) * 1.001f;
  }
  return scale;
}

}  // namespace

Status VectorMatrix::Check(std::span<const float> v) const {
  if (v.empty()) return Status::Ok();
  if (dim_ != 0 && v.size() != dim_) {
    return Status::InvalidArgument("vector has " + std::to_string(v.size()) + " dimensions, index has " +
                                   std::to_string(dim_));
  }
  const double sq = SumSquares(v);
  if (!(sq > 0) || !std::isfinite(sq)) return Status::InvalidArgument("vector is zero or not finite");
  return Status::Ok();
}

void VectorMatrix::SetDim(size_t dim) {
  dim_ = dim;
  const size_t cap = static_cast<size_t>(std::max(reserve_rows_, rows_)) * dim_;
  if (has_f32()) {
    f32_.reserve(cap);
    f32_.assign(static_cast<size_t>(rows_) * dim_, 0.f);
  }
  i8_.reserve(cap);
  i8_.assign(static_cast<size_t>(rows_) * dim_, 0);
}

void VectorMatrix::Reserve(uint32_t rows) {
  reserve_rows_ = rows;
  has_.reserve((static_cast<size_t>(rows) + 63) / 64);
  scale_.reserve(rows);
  if (has_f32()) error_.reserve(rows);
  if (dim_ == 0) return;
  if (has_f32()) f32_.reserve(static_cast<size_t>(rows) * dim_);
  i8_.reserve(static_cast<size_t>(rows) * dim_);
}

void VectorMatrix::ShrinkToFit() {
  has_.shrink_to_fit();
  f32_.shrink_to_fit();
  i8_.shrink_to_fit();
  scale_.shrink_to_fit();
  error_.shrink_to_fit();
}

void VectorMatrix::SetBit(uint32_t row, bool on) {
  const uint64_t mask = uint64_t{1} << (row & 63);
  const bool was = (has_[row >> 6] & mask) != 0;
  if (on == was) return;
  if (on) {
    has_[row >> 6] |= mask;
    ++vector_count_;
  } else {
    has_[row >> 6] &= ~mask;
    --vector_count_;
  }
}

void VectorMatrix::StoreRow(uint32_t row, std::span<const float> v) {
  // Normalized straight into its row (float32), else into scratch; then quantized, in two passes.
  thread_local std::vector<float> scratch;
  const size_t at = static_cast<size_t>(row) * dim_;
  float* unit = f32_.data() + at;
  if (!has_f32()) {
    scratch.resize(dim_);
    unit = scratch.data();
  }
  const float max_abs = NormalizeInto(v, unit);  // >= 0: Check() rejected what cannot be normalized
  scale_[row] = Quantize({unit, dim_}, max_abs, i8_.data() + at, has_f32() ? &error_[row] : nullptr);
  SetBit(row, true);
}

Status VectorMatrix::Append(std::span<const float> v) {
  Status st = Check(v);
  AppendChecked(st.ok() ? v : std::span<const float>());
  return st;
}

void VectorMatrix::AppendChecked(std::span<const float> v) {
  const uint32_t row = rows_++;
  if ((row & 63) == 0) has_.push_back(0);
  scale_.push_back(0.f);
  if (has_f32()) error_.push_back(0.f);
  if (dim_ == 0 && !v.empty()) {
    SetDim(v.size());  // sizes storage for every row so far, this one included
  } else if (dim_ != 0) {
    if (has_f32()) f32_.resize(f32_.size() + dim_, 0.f);
    i8_.resize(i8_.size() + dim_, 0);
  }
  if (!v.empty()) StoreRow(row, v);
}

Status VectorMatrix::Set(uint32_t row, std::span<const float> v) {
  if (row >= rows_) return Status::NotFound("no such row");
  if (v.empty()) {
    Clear(row);
    return Status::Ok();
  }
  ENGRAM_RETURN_IF_ERROR(Check(v));
  if (dim_ == 0) SetDim(v.size());
  StoreRow(row, v);
  return Status::Ok();
}

void VectorMatrix::Clear(uint32_t row) {
  if (!HasVector(row)) return;
  const size_t at = static_cast<size_t>(row) * dim_;
  if (has_f32()) std::fill_n(f32_.data() + at, dim_, 0.f);
  std::fill_n(i8_.data() + at, dim_, 0);
  scale_[row] = 0;
  if (has_f32()) error_[row] = 0;
  SetBit(row, false);
}

std::vector<float> VectorMatrix::Row(uint32_t row) const {
  if (!HasVector(row)) return {};
  const size_t at = static_cast<size_t>(row) * dim_;
  if (has_f32()) return {f32_.begin() + at, f32_.begin() + at + dim_};
  std::vector<float> out(dim_);
  for (size_t i = 0; i < dim_; ++i) out[i] = static_cast<float>(i8_[at + i]) * scale_[row];
  return out;
}

bool VectorMatrix::AcceptsQuery(std::span<const float> query) const {
  return dim_ != 0 && query.size() == dim_ && Check(query).ok();
}

bool VectorMatrix::PrepareQuery(std::span<const float> query, PreparedQuery& q) const {
  if (dim_ == 0 || query.size() != dim_) return false;
  q.unit.resize(dim_);
  const float max_abs = NormalizeInto(query, q.unit.data());
  if (max_abs < 0) return false;
  q.q8.resize(dim_);
  q.q_scale = Quantize(q.unit, max_abs, q.q8.data(), &q.error);
  return true;
}

bool VectorMatrix::Scores(std::span<const float> query, std::span<float> out) const {
  thread_local PreparedQuery q;
  if (out.size() < rows_ || !PrepareQuery(query, q)) return false;
  if (has_f32()) {
    kernels::DotRowsF32(f32_.data(), rows_, dim_, q.unit.data(), out.data());
  } else {
    ApproxScores(q, out.data());
  }
  return true;
}

void VectorMatrix::ApproxScores(const PreparedQuery& q, float* out) const {
  kernels::DotRowsI8(i8_.data(), scale_.data(), rows_, dim_, q.q8.data(), q.q_scale, out);
}

float VectorMatrix::Score(const PreparedQuery& q, uint32_t row) const {
  const size_t at = static_cast<size_t>(row) * dim_;
  if (has_f32()) return kernels::DotF32(f32_.data() + at, q.unit.data(), dim_);
  // The expression of the int8 row kernel, so a row scores here exactly as in Scores().
  return scale_[row] * q.q_scale * static_cast<float>(kernels::DotI8(i8_.data() + at, q.q8.data(), dim_));
}

bool VectorMatrix::ScoreRows(std::span<const float> query, std::span<const uint32_t> rows,
                             std::span<float> out) const {
  thread_local PreparedQuery q;
  if (out.size() < rows.size() || !PrepareQuery(query, q)) return false;
  ScorePrepared(q, rows, out);
  return true;
}

bool VectorMatrix::ScoreRows(const PreScan& scan, std::span<const uint32_t> rows, std::span<float> out) const {
  if (out.size() < rows.size() || dim_ == 0 || scan.cosine.size() < rows_ || scan.query.unit.size() != dim_) {
    return false;
  }
  ScorePrepared(scan.query, rows, out);
  return true;
}

void VectorMatrix::ScorePrepared(const PreparedQuery& q, std::span<const uint32_t> rows, std::span<float> out) const {
  for (size_t i = 0; has_f32() && i < std::min(rows.size(), kPrefetchRows); ++i) PrefetchRow(rows[i]);
  for (size_t i = 0; i < rows.size(); ++i) {
    if (has_f32() && i + kPrefetchRows < rows.size()) PrefetchRow(rows[i + kPrefetchRows]);
    out[i] = HasVector(rows[i]) ? Score(q, rows[i]) : 0.f;
  }
}

std::vector<ScoredDoc> VectorMatrix::TopK(std::span<const float> query, size_t k, DocFilter filter,
                                          float min_score, size_t rescore) const {
  return TopKInto(query, k, filter, min_score, rescore, nullptr);
}

std::vector<ScoredDoc> VectorMatrix::TopK(std::span<const float> query, size_t k, DocFilter filter,
                                          float min_score, size_t rescore, PreScan& scan) const {
  return TopKInto(query, k, filter, min_score, rescore, &scan);
}

std::pair<float, float> VectorMatrix::CosineBounds(const PreScan& scan, uint32_t row) const {
  const float c = scan.cosine[row];
  if (scan.all_exact || !has_f32() || scan.exact_mark[row] == scan.scan) {
    return {c, c};
  }
  // Unit row x = x8 + e and query u = u8 + f: x.u - x8.u8 = x.f + e.u - e.f. The int8 dot itself is
  // exact (integers) and scaled in float; both sides' float rounding is covered by the 1e-4.
  const float e = error_[row];
  const float f = scan.query.error;
  const float bound = e + f + e * f + 1e-4f;
  return {c - bound, c + bound};
}

std::vector<ScoredDoc> VectorMatrix::TopKInto(std::span<const float> query, size_t k, DocFilter filter,
                                              float min_score, size_t rescore, PreScan* scan) const {
  thread_local PreparedQuery own_query;
  thread_local std::vector<float> own_scores;
  PreparedQuery& q = scan != nullptr ? scan->query : own_query;
  if (k == 0 || !PrepareQuery(query, q)) {
    if (scan != nullptr) {
      scan->cosine.clear();  // no scan
      scan->all_exact = false;
    }
    return {};
  }
  std::vector<float>& scores = scan != nullptr ? scan->cosine : own_scores;
  scores.resize(rows_);  // every entry is written by the scan: resized, not cleared
  if (scan != nullptr) {
    if (scan->scan == UINT32_MAX) {  // wraps: clear the marks once every four billion scans
      std::fill(scan->exact_mark.begin(), scan->exact_mark.end(), 0);
      scan->scan = 0;
    }
    ++scan->scan;
    if (scan->exact_mark.size() < rows_) scan->exact_mark.resize(rows_, 0);
  }
  const bool exact_scan = has_f32() && rescore == SIZE_MAX;
  if (exact_scan) {
    kernels::DotRowsF32(f32_.data(), rows_, dim_, q.unit.data(), scores.data());
  } else {
    ApproxScores(q, scores.data());
  }
  if (scan != nullptr) {
    scan->all_exact = exact_scan || !has_f32();
  }
  if (exact_scan || !has_f32()) {
    // The scanned scores are the final ones.
    TopKCollector top(k);
    for (uint32_t r = 0; r < rows_; ++r) {
      const float s = scores[r];
      if (s > min_score && top.WouldKeep(s) && HasVector(r) && filter(r)) top.Push({r, s, 0});
    }
    return top.Take();
  }
  // int8 pre-scan: at least the best `depth` rows by their int8 cosine, then their float32 cosines.
  // No min_score cut before rescoring: a row's int8 cosine may sit on either side of its float32 one.
  const size_t depth = std::max(k, rescore == 0 ? RescoreDepth(k) : rescore);
  thread_local std::vector<uint32_t> picked;
  SelectAtLeast(scores, depth, filter, picked);
  TopKCollector top(k);
  for (size_t i = 0; i < std::min(picked.size(), kPrefetchRows); ++i) PrefetchRow(picked[i]);
  for (size_t i = 0; i < picked.size(); ++i) {
    if (i + kPrefetchRows < picked.size()) PrefetchRow(picked[i + kPrefetchRows]);
    const float s = Score(q, picked[i]);
    if (scan != nullptr) {
      scores[picked[i]] = s;
      scan->exact_mark[picked[i]] = scan->scan;
    }
    if (s > min_score && top.WouldKeep(s)) top.Push({picked[i], s, 0});
  }
  return top.Take();
}

void VectorMatrix::SelectAtLeast(std::span<const float> scores, size_t depth, DocFilter filter,
                                 std::vector<uint32_t>& out) const {
  // A histogram of the scores (cosines, in [-1, 1]) in fine buckets, then every row from the top
  // bucket down to the one where `depth` rows are reached: one branch-free counting pass and one
  // collecting pass, where a bounded heap of `depth` would take a mispredicted branch per level of
  // each of its thousands of insertions. The filter runs on collected rows only (one indirect call
  // per row would cost more than the counting); when it rejects some, one more pass gathers the
  // accepted rows below and takes the best buckets of those.
  constexpr int kBuckets = 2048;
  auto bucket = [](float s) {
    const int b = static_cast<int>((s + 1.0f) * (kBuckets / 2));
    return b < 0 ? 0 : (b >= kBuckets ? kBuckets - 1 : b);  // NaN lands in bucket 0
  };
  // bucket(s) >= b for b >= 1, as one comparison of the same float product: the truncation is
  // monotone, so int(x) >= b exactly when x >= b (NaN is neither).
  auto at_least = [](float s, int b) { return (s + 1.0f) * (kBuckets / 2) >= static_cast<float>(b); };
  // Every row has a vector in the usual case: then no row needs its bit tested.
  const bool all_rows = vector_count_ == rows_;
  thread_local std::vector<uint32_t> count;
  count.assign(kBuckets, 0);
  if (all_rows) {
    for (uint32_t r = 0; r < rows_; ++r) ++count[bucket(scores[r])];
  } else {
    for (uint32_t r = 0; r < rows_; ++r) count[bucket(scores[r])] += HasVector(r) ? 1 : 0;
  }
  const int first = HistogramCut(count, kBuckets, depth);
  // Branch-free: each row is written, and kept by advancing past it when it is in; the filter then
  // runs on the kept rows only.
  thread_local std::vector<uint32_t> in;
  if (in.size() <= rows_) in.resize(static_cast<size_t>(rows_) + 1);
  size_t n = 0;
  for (uint32_t r = 0; r < rows_; ++r) {
    in[n] = r;
    n += (first == 0 || at_least(scores[r], first)) && (all_rows || HasVector(r)) ? 1 : 0;
  }
  out.clear();
  for (size_t i = 0; i < n; ++i) {
    if (filter(in[i])) out.push_back(in[i]);
  }
  if (out.size() >= depth || first == 0) return;
  // The filter rejected some: the accepted rows below `first`, counted again.
  thread_local std::vector<uint32_t> rest;
  rest.clear();
  count.assign(kBuckets, 0);
  for (uint32_t r = 0; r < rows_; ++r) {
    const int b = bucket(scores[r]);
    if (b < first && HasVector(r) && filter(r)) {
      rest.push_back(r);
      ++count[b];
    }
  }
  const int second = HistogramCut(count, first, depth - out.size());
  const auto mid = static_cast<std::ptrdiff_t>(out.size());
  for (uint32_t r : rest) {
    if (bucket(scores[r]) >= second) out.push_back(r);
  }
  std::inplace_merge(out.begin(), out.begin() + mid, out.end());  // both runs ascend: ordinal order
}

void VectorMatrix::PrefetchRow(uint32_t row) const {
  // A row is dim_ * 4 bytes of float32 in random order: start loading all its lines while the
  // previous row is computed.
  const char* p = reinterpret_cast<const char*>(f32_.data() + static_cast<size_t>(row) * dim_);
  for (size_t off = 0; off < dim_ * sizeof(float); off += 64) __builtin_prefetch(p + off);
}

void VectorMatrix::Compact(std::span<const uint32_t> remap, uint32_t new_rows) {
  std::vector<uint64_t> has((static_cast<size_t>(new_rows) + 63) / 64, 0);
  uint32_t count = 0;
  for (uint32_t r = 0; r < rows_ && r < remap.size(); ++r) {
    const uint32_t to = remap[r];
    if (to == kNoOrdinal) continue;
    // to <= r because remap increases over kept rows: moving forward in place never overwrites a
    // row that is still to be read.
    if (dim_ != 0 && to != r) {
      if (has_f32()) {
        std::memmove(f32_.data() + static_cast<size_t>(to) * dim_, f32_.data() + static_cast<size_t>(r) * dim_,
                     dim_ * sizeof(float));
      }
      std::memmove(i8_.data() + static_cast<size_t>(to) * dim_, i8_.data() + static_cast<size_t>(r) * dim_, dim_);
    }
    scale_[to] = scale_[r];
    if (has_f32()) error_[to] = error_[r];
    if (HasVector(r)) {
      has[to >> 6] |= uint64_t{1} << (to & 63);
      ++count;
    }
  }
  rows_ = new_rows;
  vector_count_ = count;
  has_ = std::move(has);
  if (has_f32()) {
    f32_.resize(static_cast<size_t>(rows_) * dim_);
    f32_.shrink_to_fit();
  }
  i8_.resize(static_cast<size_t>(rows_) * dim_);
  i8_.shrink_to_fit();
  scale_.resize(rows_);
  scale_.shrink_to_fit();
  if (has_f32()) {
    error_.resize(rows_);
    error_.shrink_to_fit();
  }
}

size_t VectorMatrix::MemoryBytes() const {
  return sizeof(*this) + has_.capacity() * sizeof(uint64_t) + f32_.capacity() * sizeof(float) +
         i8_.capacity() + (scale_.capacity() + error_.capacity()) * sizeof(float);
}

}  // namespace engram::index
