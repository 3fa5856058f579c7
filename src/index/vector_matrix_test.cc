#include "index/vector_matrix.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>
#include <cstdint>
#include <vector>

#include "index/vector_kernels.h"

namespace engram::index {
namespace {

std::vector<float> RandomVector(std::mt19937& rng, size_t dim) {
  std::normal_distribution<float> dist(0.f, 1.f);
  std::vector<float> v(dim);
  for (float& x : v) x = dist(rng);
  return v;
}

double Cosine(const std::vector<float>& a, const std::vector<float>& b) {
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    dot += static_cast<double>(a[i]) * b[i];
    na += static_cast<double>(a[i]) * a[i];
    nb += static_cast<double>(b[i]) * b[i];
  }
  return dot / std::sqrt(na * nb);
}

TEST(VectorKernelsTest, DispatchedMatchesScalar) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> byte(-127, 127);
  for (size_t n : {0, 1, 7, 8, 31, 32, 33, 100, 384, 385}) {
    const auto a = RandomVector(rng, n), b = RandomVector(rng, n);
    EXPECT_NEAR(kernels::DotF32(a.data(), b.data(), n), kernels::scalar::DotF32(a.data(), b.data(), n), 1e-3)
        << n;
    std::vector<int8_t> qa(n), qb(n);
    for (size_t i = 0; i < n; ++i) {
      qa[i] = static_cast<int8_t>(byte(rng));
      qb[i] = static_cast<int8_t>(byte(rng));
    }
    if (n > 0) qa[0] = -127, qb[0] = -127;  // extremes must not saturate
    EXPECT_EQ(kernels::DotI8(qa.data(), qb.data(), n), kernels::scalar::DotI8(qa.data(), qb.data(), n)) << n;
  }
  // The test machine has AVX2; report which path ran either way.
  RecordProperty("avx2", kernels::UsingAvx2() ? "yes" : "no");
}

TEST(VectorMatrixTest, DimensionAndValidation) {
  VectorMatrix m;
  EXPECT_TRUE(m.Append({}).ok());  // row 0, no vector, dimension still unknown
  EXPECT_EQ(m.dim(), 0u);
  const std::vector<float> v3 = {3, 0, 4};
  EXPECT_TRUE(m.Append(v3).ok());  // row 1 fixes dim = 3
  EXPECT_EQ(m.dim(), 3u);
  EXPECT_EQ(m.rows(), 2u);
  EXPECT_FALSE(m.HasVector(0));
  EXPECT_TRUE(m.HasVector(1));
  const auto row = m.Row(1);
  ASSERT_EQ(row.size(), 3u);
  EXPECT_FLOAT_EQ(row[0], 0.6f);  // normalized on insert
  EXPECT_FLOAT_EQ(row[2], 0.8f);

  const std::vector<float> v2 = {1, 2};
  EXPECT_FALSE(m.Check(v2).ok());
  EXPECT_FALSE(m.Append(v2).ok());  // row 2 still appended, without a vector
  EXPECT_EQ(m.rows(), 3u);
  EXPECT_FALSE(m.HasVector(2));
  const std::vector<float> zero = {0, 0, 0}, nan = {NAN, 1, 1};
  EXPECT_FALSE(m.Check(zero).ok());
  EXPECT_FALSE(m.Check(nan).ok());
  EXPECT_EQ(m.Set(9, v3).code(), StatusCode::kNotFound);

  EXPECT_TRUE(m.Set(0, v3).ok());
  EXPECT_EQ(m.vector_count(), 2u);
  m.Clear(1);
  EXPECT_FALSE(m.HasVector(1));
  EXPECT_EQ(m.vector_count(), 1u);

  std::vector<float> out(3, -1.f);
  EXPECT_FALSE(m.Scores(v2, out));
  EXPECT_TRUE(m.Scores(v3, out));
  EXPECT_NEAR(out[0], 1.0, 1e-6);
  EXPECT_EQ(out[1], 0.f);  // cleared rows score 0
}

class VectorTopKTest : public ::testing::TestWithParam<VectorStorage> {};

TEST_P(VectorTopKTest, MatchesBruteForce) {
  std::mt19937 rng(42);
  constexpr size_t kDim = 384, kRows = 600;
  VectorMatrix m(GetParam());
  std::vector<std::vector<float>> data;
  for (size_t r = 0; r < kRows; ++r) {
    if (r % 10 == 3) {  // some chunks are not embedded yet
      ASSERT_TRUE(m.Append({}).ok());
      data.emplace_back();
      continue;
    }
    data.push_back(RandomVector(rng, kDim));
    ASSERT_TRUE(m.Append(data.back()).ok());
  }
  const auto query = RandomVector(rng, kDim);
  auto even = [](uint32_t r) { return r % 2 == 0; };

  std::vector<std::pair<double, uint32_t>> ref;
  for (uint32_t r = 0; r < kRows; ++r) {
    if (!data[r].empty() && even(r)) ref.push_back({Cosine(data[r], query), r});
  }
  std::sort(ref.begin(), ref.end(), [](auto a, auto b) { return a.first > b.first; });

  const auto top = m.TopK(query, 10, even);
  ASSERT_EQ(top.size(), 10u);
  if (GetParam() == VectorStorage::kFloat32) {
    for (size_t i = 0; i < 10; ++i) {
      EXPECT_EQ(top[i].ordinal, ref[i].second) << i;
      EXPECT_NEAR(top[i].score, ref[i].first, 1e-5) << i;
    }
  } else {
    // int8: cosines within 0.01 and the same top-10 up to near-ties.
    std::set<uint32_t> want;
    for (size_t i = 0; i < 10; ++i) want.insert(ref[i].second);
    size_t overlap = 0;
    for (const ScoredDoc& d : top) {
      overlap += want.count(d.ordinal);
      EXPECT_NEAR(d.score, Cosine(data[d.ordinal], query), 0.01);
    }
    EXPECT_GE(overlap, 8u);
    EXPECT_EQ(top[0].ordinal, ref[0].second);
  }
  for (const ScoredDoc& d : top) EXPECT_TRUE(even(d.ordinal));
}

TEST_P(VectorTopKTest, CompactMovesRows) {
  VectorMatrix m(GetParam());
  const std::vector<std::vector<float>> rows = {{1, 0, 0, 0}, {0, 1, 0, 0}, {}, {0, 0, 1, 0}, {0, 0, 0, 1}};
  for (const auto& r : rows) ASSERT_TRUE(m.Append(r).ok());
  const std::vector<uint32_t> remap = {kNoOrdinal, 0, 1, kNoOrdinal, 2};
  m.Compact(remap, 3);
  EXPECT_EQ(m.rows(), 3u);
  EXPECT_EQ(m.vector_count(), 2u);
  EXPECT_TRUE(m.HasVector(0));
  EXPECT_FALSE(m.HasVector(1));
  EXPECT_TRUE(m.HasVector(2));
  const std::vector<float> q = {0, 0, 0, 1};
  const auto top = m.TopK(q, 1);
  ASSERT_EQ(top.size(), 1u);
  EXPECT_EQ(top[0].ordinal, 2u);
  EXPECT_NEAR(top[0].score, 1.0, 0.01);
  EXPECT_EQ(m.TopK(std::vector<float>{0, 1, 0, 0}, 1)[0].ordinal, 0u);  // old row 1
  EXPECT_TRUE(m.Append(std::vector<float>{0, 0, -1, 0}).ok());
  EXPECT_EQ(m.TopK(std::vector<float>{0, 0, -1, 0}, 1)[0].ordinal, 3u);
}

INSTANTIATE_TEST_SUITE_P(Storage, VectorTopKTest,
                         ::testing::Values(VectorStorage::kFloat32, VectorStorage::kInt8));

TEST(VectorKernelsTest, Int8KernelsAgreeToTheBit) {
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> byte(-127, 127);
  for (size_t dim : {1, 31, 32, 63, 64, 65, 100, 384, 385, 1024}) {
    std::vector<int8_t> rows(5 * dim), q(dim);
    for (auto& x : rows) x = static_cast<int8_t>(byte(rng));
    for (auto& x : q) x = static_cast<int8_t>(byte(rng));
    rows[0] = 127, q[0] = -127;  // extremes
    const std::vector<float> scales = {0.5f, 1.f, 2.f, 0.f, 0.25f};
    std::vector<float> out(5);
    kernels::DotRowsI8(rows.data(), scales.data(), 5, dim, q.data(), 0.125f, out.data());
    for (size_t r = 0; r < 5; ++r) {
      const int32_t want = kernels::scalar::DotI8(rows.data() + r * dim, q.data(), dim);
      EXPECT_EQ(kernels::DotI8(rows.data() + r * dim, q.data(), dim), want) << dim;
      if (kernels::UsingAvx2()) EXPECT_EQ(kernels::avx2::DotI8(rows.data() + r * dim, q.data(), dim), want) << dim;
      EXPECT_EQ(out[r], scales[r] * 0.125f * static_cast<float>(want)) << dim << " row " << r;
    }
  }
  RecordProperty("avx512_vnni", kernels::UsingAvx512Vnni() ? "yes" : "no");
}

TEST_P(VectorTopKTest, ScoreRowsEqualsScores) {
  std::mt19937 rng(5);
  VectorMatrix m(GetParam());
  for (int r = 0; r < 50; ++r) ASSERT_TRUE(m.Append(r % 7 == 2 ? std::vector<float>{} : RandomVector(rng, 96)).ok());
  const auto query = RandomVector(rng, 96);
  std::vector<float> all(50);
  ASSERT_TRUE(m.Scores(query, all));
  const std::vector<uint32_t> rows = {49, 0, 2, 9, 9, 30};
  std::vector<float> some(rows.size());
  ASSERT_TRUE(m.ScoreRows(query, rows, some));
  for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(some[i], all[rows[i]]) << rows[i];
  EXPECT_EQ(some[2], 0.f);  // row 2 has no vector
  // The same with the query a TopK scan prepared; no scan, no scores.
  VectorMatrix::PreScan scan;
  std::vector<float> from_scan(rows.size(), -5.f);
  EXPECT_FALSE(m.ScoreRows(scan, rows, from_scan));
  ASSERT_FALSE(m.TopK(query, 5, {}, -2.f, 0, scan).empty());
  ASSERT_TRUE(m.ScoreRows(scan, rows, from_scan));
  EXPECT_EQ(from_scan, some);
  EXPECT_FALSE(m.ScoreRows(std::vector<float>(96, 0.f), rows, some));  // zero query
  EXPECT_FALSE(m.ScoreRows(std::vector<float>(95, 1.f), rows, some));  // wrong dimension
}

// The int8 pre-scan with float32 rescoring returns what the exact float32 scan returns: same rows,
// same order, same cosines, over a table of corpus shapes, k, filters and thresholds.
TEST(VectorMatrixTest, PrescanTopKEqualsExactScan) {
  struct Case {
    size_t rows, dim, k;
    int keep_one_in;   // filter: rows r with r % keep_one_in == 0 (1 = all)
    float min_score;
    bool clustered;    // rows are noisy copies of 8 centers: many near-ties around the cut
    bool holes = true;  // every 13th row has no vector (false: all have one, the scan's fast path)
  };
  const Case cases[] = {
      {2000, 384, 100, 1, -2.f, false}, {2000, 384, 10, 1, 0.f, false},  {3000, 384, 100, 7, 0.f, false},
      {500, 64, 100, 1, -2.f, false},   {150, 384, 100, 1, -2.f, false}, {5000, 128, 300, 3, 0.05f, false},
      {2000, 384, 100, 1, 0.f, true},   {4000, 256, 50, 2, -2.f, true},  {1000, 33, 20, 1, 0.f, true},
      {2000, 384, 100, 1, -2.f, false, false}, {3000, 384, 100, 7, 0.f, false, false},
      {150, 384, 100, 1, -2.f, false, false},  {4000, 256, 50, 2, -2.f, true, false},
  };
  for (const Case& c : cases) {
    std::mt19937 rng(static_cast<uint32_t>(c.rows + c.dim + c.k));
    std::vector<std::vector<float>> centers;
    for (int i = 0; i < 8; ++i) centers.push_back(RandomVector(rng, c.dim));
    std::normal_distribution<float> noise(0.f, 0.3f);
    VectorMatrix m(VectorStorage::kFloat32);
    for (size_t r = 0; r < c.rows; ++r) {
      if (c.holes && r % 13 == 5) {
        ASSERT_TRUE(m.Append({}).ok());
        continue;
      }
      std::vector<float> v = c.clustered ? centers[r % 8] : RandomVector(rng, c.dim);
      if (c.clustered) {
        for (float& x : v) x += noise(rng);
      }
      ASSERT_TRUE(m.Append(v).ok());
    }
    const int keep = c.keep_one_in;
    auto filter = [keep](uint32_t r) { return r % static_cast<uint32_t>(keep) == 0; };
    for (int qi = 0; qi < 20; ++qi) {
      std::vector<float> query = c.clustered ? centers[qi % 8] : RandomVector(rng, c.dim);
      if (c.clustered) {
        for (float& x : query) x += noise(rng);
      }
      const auto exact = m.TopK(query, c.k, filter, c.min_score, SIZE_MAX);
      const auto pre = m.TopK(query, c.k, filter, c.min_score);
      ASSERT_EQ(pre.size(), exact.size()) << c.rows << "x" << c.dim << " k " << c.k << " q " << qi;
      for (size_t i = 0; i < exact.size(); ++i) {
        EXPECT_EQ(pre[i], exact[i]) << c.rows << "x" << c.dim << " k " << c.k << " q " << qi << " #" << i;
      }
    }
  }
}

TEST(VectorMatrixTest, PrescanRescoresAtLeastTheDepth) {
  // With a rescoring depth of k, rows are still exact floats and filtered; with no rows accepted by
  // the filter there is nothing to return.
  std::mt19937 rng(3);
  VectorMatrix m(VectorStorage::kFloat32);
  for (int r = 0; r < 300; ++r) ASSERT_TRUE(m.Append(RandomVector(rng, 48)).ok());
  const auto query = RandomVector(rng, 48);
  std::vector<float> all(300);
  ASSERT_TRUE(m.Scores(query, all));
  for (const ScoredDoc& d : m.TopK(query, 5, {}, -2.f, 5)) EXPECT_EQ(d.score, all[d.ordinal]);
  EXPECT_TRUE(m.TopK(query, 5, [](uint32_t) { return false; }).empty());
  EXPECT_TRUE(m.TopK(query, 0).empty());
  const auto all_rows = m.TopK(query, 1000);
  EXPECT_EQ(all_rows.size(), 300u);  // fewer rows than k: all of them, best first
  EXPECT_TRUE(std::is_sorted(all_rows.begin(), all_rows.end(), RanksBefore));
}

// The bounds a TopK scan leaves hold the exact cosine of every row, collapse to it on the rows the
// scan rescored (and everywhere in int8 storage, where the scan is exact), stay tight enough to
// decide most orders, and follow rows through Clear, Set and Compact.
TEST(VectorMatrixTest, CosineBoundsHoldTheExactCosine) {
  for (const VectorStorage storage : {VectorStorage::kFloat32, VectorStorage::kInt8}) {
    for (const bool clustered : {false, true}) {
      std::mt19937 rng(clustered ? 11 : 12);
      const size_t dim = 384, rows = 1500;
      std::vector<std::vector<float>> centers;
      for (int i = 0; i < 4; ++i) centers.push_back(RandomVector(rng, dim));
      std::normal_distribution<float> noise(0.f, 0.3f);
      auto make = [&](size_t r) {
        std::vector<float> v = clustered ? centers[r % 4] : RandomVector(rng, dim);
        if (clustered) {
          for (float& x : v) x += noise(rng);
        }
        return v;
      };
      VectorMatrix m(storage);
      for (size_t r = 0; r < rows; ++r) ASSERT_TRUE(m.Append(r % 17 == 3 ? std::vector<float>{} : make(r)).ok());
      m.Clear(20);
      ASSERT_TRUE(m.Set(3, make(3)).ok());  // a row without a vector gets one
      std::vector<uint32_t> remap(rows);
      uint32_t kept = 0;
      for (size_t r = 0; r < rows; ++r) remap[r] = r % 10 == 9 ? kNoOrdinal : kept++;
      m.Compact(remap, kept);

      std::vector<uint32_t> all(m.rows());
      for (uint32_t r = 0; r < m.rows(); ++r) all[r] = r;
      std::vector<float> exact(m.rows());
      VectorMatrix::PreScan scan;
      for (int qi = 0; qi < 10; ++qi) {
        const auto query = make(static_cast<size_t>(qi));
        const auto top = m.TopK(query, 50, {}, -2.f, 0, scan);
        ASSERT_EQ(top.size(), 50u);
        ASSERT_TRUE(m.ScoreRows(query, all, exact));
        double width = 0;
        for (uint32_t r = 0; r < m.rows(); ++r) {
          if (!m.HasVector(r)) continue;
          const auto [lo, hi] = m.CosineBounds(scan, r);
          EXPECT_LE(lo, exact[r]) << "row " << r << " q " << qi;
          EXPECT_GE(hi, exact[r]) << "row " << r << " q " << qi;
          width = std::max(width, static_cast<double>(hi - lo));
        }
        for (const ScoredDoc& d : top) {
          const auto [lo, hi] = m.CosineBounds(scan, d.ordinal);
          EXPECT_EQ(lo, d.score);
          EXPECT_EQ(hi, d.score);
        }
        if (storage == VectorStorage::kInt8) {
          EXPECT_EQ(width, 0.0);
        } else {
          EXPECT_GT(width, 0.0);
          EXPECT_LT(width, 0.1);  // int8 cosines are within about 0.01: the bound is a few times that
        }
      }
    }
  }
}

// SelectBest keeps the documents a TopKCollector keeps, on inputs with many ties, below and above
// the size where it narrows by histogram first.
TEST(TopKSelectionTest, SelectBestKeepsWhatTheCollectorKeeps) {
  std::mt19937 rng(9);
  for (const size_t n : {0u, 5u, 300u, 1000u, 1400u, 20000u}) {
    for (const size_t k : {1u, 10u, 300u}) {
      for (const int levels : {3, 1000, 0}) {  // scores from 3 values, 1000 values, or continuous
        std::vector<ScoredDoc> docs;
        std::uniform_real_distribution<float> u(0.f, 5.f);
        for (size_t i = 0; i < n; ++i) {
          const float s = levels == 0 ? u(rng) : static_cast<float>(rng() % static_cast<unsigned>(levels)) / 7.f;
          docs.push_back({static_cast<uint32_t>((i * 7919) % 100003), s, 0});
        }
        TopKCollector collector(k);
        for (const ScoredDoc& d : docs) collector.Push(d);
        const auto want = collector.Take();
        std::vector<ScoredDoc> selected;
        SelectBest(docs, k, selected);  // the same documents, in any order
        std::sort(selected.begin(), selected.end(), RanksBefore);
        EXPECT_EQ(selected, want) << "n " << n << " k " << k << " levels " << levels;
      }
    }
  }
}

TEST(VectorMatrixTest, Int8StoresOnlyTheQuantizedCopy) {
  std::mt19937 rng(1);
  VectorMatrix f(VectorStorage::kFloat32), q(VectorStorage::kInt8);
  f.Reserve(1000);
  q.Reserve(1000);
  for (int i = 0; i < 1000; ++i) {
    const auto v = RandomVector(rng, 384);
    ASSERT_TRUE(f.Append(v).ok());
    ASSERT_TRUE(q.Append(v).ok());
  }
  // float32 keeps its int8 copy for pre-scans beside the floats.
  EXPECT_NEAR(static_cast<double>(f.MemoryBytes()) / 1000, 384 * 4 + 384 + 4, 64);
  EXPECT_NEAR(static_cast<double>(q.MemoryBytes()) / 1000, 384 + 4, 64);
}

}  // namespace
}  // namespace engram::index
