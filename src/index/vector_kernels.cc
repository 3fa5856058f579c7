#include "index/vector_kernels.h"

// GCC 12's AVX-512 intrinsics trip a false -Wuninitialized when inlined (GCC bug 105593, fixed in 13).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop

namespace engram::index::kernels {

namespace scalar {

float DotF32(const float* a, const float* b, size_t n) {
  // Four partial sums: the same association the SIMD kernel uses, and it lets the compiler pipeline.
  float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += a[i] * b[i];
    s1 += a[i + 1] * b[i + 1];
    s2 += a[i + 2] * b[i + 2];
    s3 += a[i + 3] * b[i + 3];
  }
  for (; i < n; ++i) s0 += a[i] * b[i];
  return (s0 + s1) + (s2 + s3);
}

int32_t DotI8(const int8_t* a, const int8_t* b, size_t n) {
  int32_t s = 0;
  for (size_t i = 0; i < n; ++i) s += static_cast<int32_t>(a[i]) * static_cast<int32_t>(b[i]);
  return s;
}

}  // namespace scalar

namespace {

__attribute__((target("avx2,fma"))) inline float HorizontalSum(__m256 v) {
  __m128 lo = _mm256_castps256_ps128(v);
  __m128 hi = _mm256_extractf128_ps(v, 1);
  lo = _mm_add_ps(lo, hi);
  __m128 shuf = _mm_movehdup_ps(lo);
  __m128 sums = _mm_add_ps(lo, shuf);
  shuf = _mm_movehl_ps(shuf, sums);
  sums = _mm_add_ss(sums, shuf);
  return _mm_cvtss_f32(sums);
}

__attribute__((target("avx2,fma"))) float DotF32Avx2(const float* a, const float* b, size_t n) {
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
  __m256 acc2 = _mm256_setzero_ps(), acc3 = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
    acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), acc1);
    acc2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16), acc2);
    acc3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24), acc3);
  }
  for (; i + 8 <= n; i += 8) acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
  float s = HorizontalSum(_mm256_add_ps(_mm256_add_ps(acc0, acc1), _mm256_add_ps(acc2, acc3)));
  for (; i < n; ++i) s += a[i] * b[i];
  return s;
}

__attribute__((target("avx2,fma"))) int32_t DotI8Avx2(const int8_t* a, const int8_t* b, size_t n) {
  // maddubs multiplies unsigned by signed bytes, so move a's sign onto b: |a| * (b * sign(a)).
  // With values in [-127, 127] a pair sum is at most 2 * 127 * 127 = 32258: no int16 saturation.
  const __m256i ones = _mm256_set1_epi16(1);
  __m256i acc = _mm256_setzero_si256();
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256i va = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + i));
    const __m256i vb = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + i));
    const __m256i p16 = _mm256_maddubs_epi16(_mm256_sign_epi8(va, va), _mm256_sign_epi8(vb, va));
    acc = _mm256_add_epi32(acc, _mm256_madd_epi16(p16, ones));
  }
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
  int32_t total = _mm_cvtsi128_si32(s);
  for (; i < n; ++i) total += static_cast<int32_t>(a[i]) * static_cast<int32_t>(b[i]);
  return total;
}

__attribute__((target("avx2,fma"))) void DotRowsF32Avx2(const float* rows, size_t n_rows, size_t dim,
                                                        const float* q, float* out) {
  for (size_t r = 0; r < n_rows; ++r) out[r] = DotF32Avx2(rows + r * dim, q, dim);
}

__attribute__((target("avx2,fma"))) void DotRowsI8Avx2(const int8_t* rows, const float* scales,
                                                       size_t n_rows, size_t dim, const int8_t* q,
                                                       float q_scale, float* out) {
  for (size_t r = 0; r < n_rows; ++r) {
    out[r] = scales[r] * q_scale * static_cast<float>(DotI8Avx2(rows + r * dim, q, dim));
  }
}

// AVX-512 VNNI: vpdpbusd multiplies unsigned by signed bytes and sums each group of four into an
// int32 lane, one instruction per 64 bytes. The row's signed bytes are made unsigned by flipping
// their sign bit (x + 128), so the sum is dot + 128 * sum(q), and sum(q) is subtracted once. Exact:
// the same int32 as the other kernels. Tails are masked loads (masked bytes of q are 0).
__attribute__((target("avx512f,avx512bw,avx512vnni"))) int32_t DotI8Vnni(const int8_t* a, const int8_t* b,
                                                                         size_t n) {
  const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
  const __m512i ones = _mm512_set1_epi8(1);
  __m512i acc = _mm512_setzero_si512();
  __m512i qsum = _mm512_setzero_si512();
  for (size_t i = 0; i < n; i += 64) {
    const __mmask64 m = n - i >= 64 ? ~__mmask64{0} : (__mmask64{1} << (n - i)) - 1;
    const __m512i va = _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, a + i), flip);
    const __m512i vb = _mm512_maskz_loadu_epi8(m, b + i);
    acc = _mm512_dpbusd_epi32(acc, va, vb);
    qsum = _mm512_dpbusd_epi32(qsum, ones, vb);
  }
  return _mm512_reduce_add_epi32(acc) - 128 * _mm512_reduce_add_epi32(qsum);
}

__attribute__((target("avx512f,avx512bw,avx512vnni"))) void DotRowsI8Vnni(const int8_t* rows, const float* scales,
                                                                          size_t n_rows, size_t dim, const int8_t* q,
                                                                          float q_scale, float* out) {
  const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
  const __m512i ones = _mm512_set1_epi8(1);
  // sum(q) once for all rows.
  __m512i qsum_v = _mm512_setzero_si512();
  for (size_t i = 0; i < dim; i += 64) {
    const __mmask64 m = dim - i >= 64 ? ~__mmask64{0} : (__mmask64{1} << (dim - i)) - 1;
    qsum_v = _mm512_dpbusd_epi32(qsum_v, ones, _mm512_maskz_loadu_epi8(m, q + i));
  }
  const int32_t bias = 128 * _mm512_reduce_add_epi32(qsum_v);
  size_t r = 0;
  if (dim % 64 == 0) {
    // Four rows at a time, full-width loads: four independent accumulation chains.
    for (; r + 4 <= n_rows; r += 4) {
      const int8_t* a = rows + r * dim;
      __m512i acc0 = _mm512_setzero_si512(), acc1 = _mm512_setzero_si512();
      __m512i acc2 = _mm512_setzero_si512(), acc3 = _mm512_setzero_si512();
      for (size_t i = 0; i < dim; i += 64) {
        const __m512i vq = _mm512_loadu_si512(q + i);
        acc0 = _mm512_dpbusd_epi32(acc0, _mm512_xor_si512(_mm512_loadu_si512(a + i), flip), vq);
        acc1 = _mm512_dpbusd_epi32(acc1, _mm512_xor_si512(_mm512_loadu_si512(a + dim + i), flip), vq);
        acc2 = _mm512_dpbusd_epi32(acc2, _mm512_xor_si512(_mm512_loadu_si512(a + 2 * dim + i), flip), vq);
        acc3 = _mm512_dpbusd_epi32(acc3, _mm512_xor_si512(_mm512_loadu_si512(a + 3 * dim + i), flip), vq);
      }
      out[r] = scales[r] * q_scale * static_cast<float>(_mm512_reduce_add_epi32(acc0) - bias);
      out[r + 1] = scales[r + 1] * q_scale * static_cast<float>(_mm512_reduce_add_epi32(acc1) - bias);
      out[r + 2] = scales[r + 2] * q_scale * static_cast<float>(_mm512_reduce_add_epi32(acc2) - bias);
      out[r + 3] = scales[r + 3] * q_scale * static_cast<float>(_mm512_reduce_add_epi32(acc3) - bias);
    }
  }
  for (; r < n_rows; ++r) {
    const int8_t* a = rows + r * dim;
    __m512i acc = _mm512_setzero_si512();
    for (size_t i = 0; i < dim; i += 64) {
      const __mmask64 m = dim - i >= 64 ? ~__mmask64{0} : (__mmask64{1} << (dim - i)) - 1;
      const __m512i va = _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, a + i), flip);
      acc = _mm512_dpbusd_epi32(acc, va, _mm512_maskz_loadu_epi8(m, q + i));
    }
    out[r] = scales[r] * q_scale * static_cast<float>(_mm512_reduce_add_epi32(acc) - bias);
  }
}

void DotRowsF32Scalar(const float* rows, size_t n_rows, size_t dim, const float* q, float* out) {
  for (size_t r = 0; r < n_rows; ++r) out[r] = scalar::DotF32(rows + r * dim, q, dim);
}

void DotRowsI8Scalar(const int8_t* rows, const float* scales, size_t n_rows, size_t dim,
                     const int8_t* q, float q_scale, float* out) {
  for (size_t r = 0; r < n_rows; ++r) {
    out[r] = scales[r] * q_scale * static_cast<float>(scalar::DotI8(rows + r * dim, q, dim));
  }
}

struct Dispatch {
  bool avx2;
  bool vnni;
  decltype(&DotRowsF32Scalar) rows_f32;
  decltype(&DotRowsI8Scalar) rows_i8;
  decltype(&scalar::DotF32) dot_f32;
  decltype(&scalar::DotI8) dot_i8;
};

const Dispatch& Pick() {
  // A function-local static: resolved once, thread-safe initialization.
  static const Dispatch d = [] {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
      if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
          __builtin_cpu_supports("avx512vnni")) {
        return Dispatch{true, true, &DotRowsF32Avx2, &DotRowsI8Vnni, &DotF32Avx2, &DotI8Vnni};
      }
      return Dispatch{true, false, &DotRowsF32Avx2, &DotRowsI8Avx2, &DotF32Avx2, &DotI8Avx2};
    }
    return Dispatch{false, false, &DotRowsF32Scalar, &DotRowsI8Scalar, &scalar::DotF32, &scalar::DotI8};
  }();
  return d;
}

}  // namespace

void DotRowsF32(const float* rows, size_t n_rows, size_t dim, const float* q, float* out) {
  Pick().rows_f32(rows, n_rows, dim, q, out);
}

void DotRowsI8(const int8_t* rows, const float* scales, size_t n_rows, size_t dim, const int8_t* q,
               float q_scale, float* out) {
  Pick().rows_i8(rows, scales, n_rows, dim, q, q_scale, out);
}

float DotF32(const float* a, const float* b, size_t n) { return Pick().dot_f32(a, b, n); }
int32_t DotI8(const int8_t* a, const int8_t* b, size_t n) { return Pick().dot_i8(a, b, n); }
bool UsingAvx2() { return Pick().avx2; }
bool UsingAvx512Vnni() { return Pick().vnni; }

namespace avx2 {
int32_t DotI8(const int8_t* a, const int8_t* b, size_t n) { return DotI8Avx2(a, b, n); }
}  // namespace avx2

}  // namespace engram::index::kernels
