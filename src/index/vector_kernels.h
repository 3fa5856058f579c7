// Dot-product kernels for the exact vector scan: float32 and int8, an AVX2+FMA version of each (int8
// also AVX-512 VNNI, one instruction per 64 bytes) and a portable scalar fallback, chosen once at
// runtime (__builtin_cpu_supports), because -O3 with the baseline x86-64 target does not reliably
// vectorize a float reduction (it may not reassociate). The int8 kernels all return the exact integer
// dot product, so they agree to the bit.
//
// Internal to engram_index (vector_matrix.cc and tests). Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>

namespace engram::index::kernels {

// out[r] = dot(rows[r * dim .. r * dim + dim), q) for r in [0, n_rows).
void DotRowsF32(const float* rows, size_t n_rows, size_t dim, const float* q, float* out);
// out[r] = scales[r] * q_scale * sum(rows[r * dim + i] * q[i]); int8 values must be in [-127, 127].
void DotRowsI8(const int8_t* rows, const float* scales, size_t n_rows, size_t dim, const int8_t* q,
               float q_scale, float* out);

float DotF32(const float* a, const float* b, size_t n);
int32_t DotI8(const int8_t* a, const int8_t* b, size_t n);

// True when the AVX2 kernels are in use; when the AVX-512 VNNI int8 kernels are.
bool UsingAvx2();
bool UsingAvx512Vnni();

// The portable versions, exposed so tests can compare both paths.
namespace scalar {
float DotF32(const float* a, const float* b, size_t n);
int32_t DotI8(const int8_t* a, const int8_t* b, size_t n);
}  // namespace scalar
// The AVX2 int8 kernel, for comparing it with the VNNI one; only call when UsingAvx2().
namespace avx2 {
int32_t DotI8(const int8_t* a, const int8_t* b, size_t n);
}  // namespace avx2

}  // namespace engram::index::kernels
