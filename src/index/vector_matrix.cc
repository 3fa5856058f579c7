#include "index/vector_matrix.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "index/vector_kernels.h"

namespace engram::index {

namespace {

// Normalizes `v` into `out`; false when v is zero or not finite.
bool Normalize(std::span<const float> v, std::vector<float>& out) {
  double sq = 0;
  for (float x : v) sq += static_cast<double>(x) * x;
  if (!(sq > 0) || !std::isfinite(sq)) return false;
  const auto inv = static_cast<float>(1.0 / std::sqrt(sq));
  out.resize(v.size());
  for (size_t i = 0; i < v.size(); ++i) out[i] = v[i] * inv;
  return true;
}

// Symmetric per-vector quantization to [-127, 127] (never -128: the AVX2 kernel relies on it).
float Quantize(std::span<const float> v, int8_t* out) {
  float max_abs = 0;
  for (float x : v) max_abs = std::max(max_abs, std::fabs(x));
  if (max_abs == 0) {
    std::fill(out, out + v.size(), 0);
    return 0;
  }
  const float inv = 127.0f / max_abs;
  for (size_t i = 0; i < v.size(); ++i) {
    // Round half away from zero without a libm call; |v[i] * inv| <= 127 by construction.
    const float x = v[i] * inv;
    out[i] = static_cast<int8_t>(std::clamp(static_cast<int>(x + (x >= 0 ? 0.5f : -0.5f)), -127, 127));
  }
  return max_abs / 127.0f;
}

}  // namespace

Status VectorMatrix::Check(std::span<const float> v) const {
  if (v.empty()) return Status::Ok();
  if (dim_ != 0 && v.size() != dim_) {
    return Status::InvalidArgument("vector has " + std::to_string(v.size()) + " dimensions, index has " +
                                   std::to_string(dim_));
  }
  double sq = 0;
  for (float x : v) sq += static_cast<double>(x) * x;
  if (!(sq > 0) || !std::isfinite(sq)) return Status::InvalidArgument("vector is zero or not finite");
  return Status::Ok();
}

void VectorMatrix::SetDim(size_t dim) {
  dim_ = dim;
  const size_t cap = static_cast<size_t>(std::max(reserve_rows_, rows_)) * dim_;
  if (storage_ == VectorStorage::kFloat32) {
    f32_.reserve(cap);
    f32_.assign(static_cast<size_t>(rows_) * dim_, 0.f);
  } else {
    i8_.reserve(cap);
    i8_.assign(static_cast<size_t>(rows_) * dim_, 0);
  }
}

void VectorMatrix::Reserve(uint32_t rows) {
  reserve_rows_ = rows;
  has_.reserve((static_cast<size_t>(rows) + 63) / 64);
  if (storage_ == VectorStorage::kInt8) scale_.reserve(rows);
  if (dim_ == 0) return;
  if (storage_ == VectorStorage::kFloat32) {
    f32_.reserve(static_cast<size_t>(rows) * dim_);
  } else {
    i8_.reserve(static_cast<size_t>(rows) * dim_);
  }
}

void VectorMatrix::ShrinkToFit() {
  has_.shrink_to_fit();
  f32_.shrink_to_fit();
  i8_.shrink_to_fit();
  scale_.shrink_to_fit();
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
  thread_local std::vector<float> unit;
  Normalize(v, unit);  // Check() already rejected vectors that cannot be normalized
  const size_t at = static_cast<size_t>(row) * dim_;
  if (storage_ == VectorStorage::kFloat32) {
    std::memcpy(f32_.data() + at, unit.data(), dim_ * sizeof(float));
  } else {
    scale_[row] = Quantize(unit, i8_.data() + at);
  }
  SetBit(row, true);
}

Status VectorMatrix::Append(std::span<const float> v) {
  Status st = Check(v);
  const uint32_t row = rows_++;
  if ((row & 63) == 0) has_.push_back(0);
  if (storage_ == VectorStorage::kInt8) scale_.push_back(0.f);
  if (dim_ == 0 && st.ok() && !v.empty()) {
    SetDim(v.size());  // sizes storage for every row so far, this one included
  } else if (dim_ != 0) {
    if (storage_ == VectorStorage::kFloat32) {
      f32_.resize(f32_.size() + dim_, 0.f);
    } else {
      i8_.resize(i8_.size() + dim_, 0);
    }
  }
  if (st.ok() && !v.empty()) StoreRow(row, v);
  return st;
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
  if (storage_ == VectorStorage::kFloat32) {
    std::fill_n(f32_.data() + at, dim_, 0.f);
  } else {
    std::fill_n(i8_.data() + at, dim_, 0);
    scale_[row] = 0;
  }
  SetBit(row, false);
}

std::vector<float> VectorMatrix::Row(uint32_t row) const {
  if (!HasVector(row)) return {};
  const size_t at = static_cast<size_t>(row) * dim_;
  if (storage_ == VectorStorage::kFloat32) return {f32_.begin() + at, f32_.begin() + at + dim_};
  std::vector<float> out(dim_);
  for (size_t i = 0; i < dim_; ++i) out[i] = static_cast<float>(i8_[at + i]) * scale_[row];
  return out;
}

bool VectorMatrix::Scores(std::span<const float> query, std::span<float> out) const {
  if (dim_ == 0 || query.size() != dim_ || out.size() < rows_) return false;
  thread_local std::vector<float> unit;
  if (!Normalize(query, unit)) return false;
  if (storage_ == VectorStorage::kFloat32) {
    kernels::DotRowsF32(f32_.data(), rows_, dim_, unit.data(), out.data());
  } else {
    thread_local std::vector<int8_t> q8;
    q8.resize(dim_);
    const float q_scale = Quantize(unit, q8.data());
    kernels::DotRowsI8(i8_.data(), scale_.data(), rows_, dim_, q8.data(), q_scale, out.data());
  }
  return true;
}

std::vector<ScoredDoc> VectorMatrix::TopK(std::span<const float> query, size_t k, DocFilter filter) const {
  thread_local std::vector<float> scores;
  scores.resize(rows_);
  if (!Scores(query, scores)) return {};
  TopKCollector top(k);
  for (uint32_t r = 0; r < rows_; ++r) {
    if (HasVector(r) && filter(r)) top.Push({r, scores[r], 0});
  }
  return top.Take();
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
      if (storage_ == VectorStorage::kFloat32) {
        std::memmove(f32_.data() + static_cast<size_t>(to) * dim_, f32_.data() + static_cast<size_t>(r) * dim_,
                     dim_ * sizeof(float));
      } else {
        std::memmove(i8_.data() + static_cast<size_t>(to) * dim_, i8_.data() + static_cast<size_t>(r) * dim_, dim_);
      }
    }
    if (storage_ == VectorStorage::kInt8) scale_[to] = scale_[r];
    if (HasVector(r)) {
      has[to >> 6] |= uint64_t{1} << (to & 63);
      ++count;
    }
  }
  rows_ = new_rows;
  vector_count_ = count;
  has_ = std::move(has);
  if (storage_ == VectorStorage::kFloat32) {
    f32_.resize(static_cast<size_t>(rows_) * dim_);
    f32_.shrink_to_fit();
  } else {
    i8_.resize(static_cast<size_t>(rows_) * dim_);
    i8_.shrink_to_fit();
    scale_.resize(rows_);
    scale_.shrink_to_fit();
  }
}

size_t VectorMatrix::MemoryBytes() const {
  return sizeof(*this) + has_.capacity() * sizeof(uint64_t) + f32_.capacity() * sizeof(float) +
         i8_.capacity() + scale_.capacity() * sizeof(float);
}

}  // namespace engram::index
