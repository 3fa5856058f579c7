// bench/rank_bench: the retrieval work of /chunks in one process, without HTTP or SQLite, for profiling
// and for checking that an optimization leaves the ranking unchanged.
//
// Builds the corpus of chunks_bench (same texts, sessions, hash-embedder vectors) into an IndexCache
// from a prepared LoadedUser (the cold-load build alone), then ranks the chunks_bench queries on one
// thread and prints the CPU time per query of each stage (query building, query embedding, Rank) and a
// fingerprint of every result list (ordinals and scores): two builds that print the same fingerprint
// rank identically. --dump writes the result lists, one query per line.
//
//   rank_bench [--chunks 10000] [--vocabulary 0] [--vector-storage float32|int8] [--embedder hash|none]
//              [--queries 2000] [--rounds 3] [--loads 5] [--k 10] [--dump FILE] [--check-vectors 1]
//              [--ranking name=value,...]
//
// --ranking overrides ranking parameters as engramd's --ranking does (the cost of each piece).
//
// --check-vectors 1 also compares the ranker's vector pool (100 nearest) from the int8 pre-scan of
// VectorMatrix::TopK at several depths with an exact float32 scan.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "bench/chunks/text_gen.h"
#include "embed/hash_embedder.h"
#include "index/index_cache.h"
#include "index/query_builder.h"
#include "index/ranker.h"

using engram::bench::Arg;
using engram::bench::Percentile;
using engram::bench::TextGen;
using Clock = std::chrono::steady_clock;
namespace eix = engram::index;

namespace {

double MsSince(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

// CPU time of this thread: per-query figures that other processes on the machine do not inflate.
double ThreadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// FNV-1a over the bytes of a value.
void Mix(uint64_t& h, const void* p, size_t n) {
  const auto* b = static_cast<const unsigned char*>(p);
  for (size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 1099511628211ull;
}

}  // namespace

int main(int argc, char** argv) {
  const int n_chunks = std::stoi(Arg(argc, argv, "--chunks", "10000"));
  const int n_queries = std::stoi(Arg(argc, argv, "--queries", "2000"));
  const int rounds = std::stoi(Arg(argc, argv, "--rounds", "3"));
  const int loads = std::stoi(Arg(argc, argv, "--loads", "5"));
  const size_t k = static_cast<size_t>(std::stoi(Arg(argc, argv, "--k", "10")));
  const bool vectors = Arg(argc, argv, "--embedder", "hash") != "none";
  const std::string storage = Arg(argc, argv, "--vector-storage", "float32");
  const std::string dump_path = Arg(argc, argv, "--dump", "");
  const bool check_vectors = Arg(argc, argv, "--check-vectors", "0") == "1";
  eix::RankingParams params;
  if (auto st = eix::ApplyRankingOverrides(Arg(argc, argv, "--ranking", ""), params); !st.ok()) {
    std::fprintf(stderr, "%s\n", st.ToString().c_str());
    return 2;
  }

  TextGen gen(42, static_cast<size_t>(std::stoi(Arg(argc, argv, "--vocabulary", "0"))));
  engram::embed::HashEmbedder embedder;
  eix::LoadedUser user;
  for (int i = 0; i < n_chunks; ++i) {
    engram::domain::Chunk c;
    c.id = "e" + std::to_string(i) + "#0";
    c.record_id = "e" + std::to_string(i);
    c.text = gen.Sentence(14 + i % 17);
    c.kind = engram::domain::RecordKind::kEvent;
    c.type = "message";
    c.session_id = "s" + std::to_string(i / 20);
    c.timestamp = 1'700'000'000'000 + i * 60'000LL;
    if (vectors) user.vectors.push_back(embedder.EmbedOne(c.text));
    user.chunks.push_back(std::move(c));
  }
  std::vector<std::string> queries;
  for (int i = 0; i < n_queries; ++i) queries.push_back(gen.Query());

  eix::IndexOptions options;
  options.vector_storage = storage == "int8" ? eix::VectorStorage::kInt8 : eix::VectorStorage::kFloat32;
  std::vector<double> load_ms;
  std::shared_ptr<eix::UserIndexHandle> handle;
  for (int l = 0; l < loads; ++l) {
    eix::IndexCache cache(size_t{1} << 32, options);
    eix::LoadedUser copy = user;  // moved out by the loader: the build is timed, not the copy
    const auto t0 = Clock::now();
    auto acquired = cache.Acquire("w", 1, [&]() -> engram::Result<eix::LoadedUser> { return std::move(copy); });
    load_ms.push_back(MsSince(t0));
    if (!acquired.ok()) return 1;
    handle = acquired.value();
  }

  std::vector<double> build_ms, embed_ms, rank_ms;
  double lexical_sum = 0, total_sum = 0, computed_sum = 0;
  uint64_t fingerprint = 1469598103934665603ull;
  FILE* dump = dump_path.empty() ? nullptr : std::fopen(dump_path.c_str(), "w");
  for (int r = 0; r < rounds; ++r) {
    for (const std::string& q : queries) {
      const std::vector<eix::Turn> turns = {{"user", q}};
      double t0 = ThreadCpuMs();
      const eix::QueryPlan plan = eix::BuildQuery(turns, {}, 1'800'000'000'000);
      build_ms.push_back(ThreadCpuMs() - t0);
      t0 = ThreadCpuMs();
      std::vector<float> qv;
      if (vectors) qv = embedder.EmbedOne(plan.embed_text);
      embed_ms.push_back(ThreadCpuMs() - t0);
      eix::RankRequest rr;
      rr.k = k;
      rr.query_vector = qv;
      rr.now = 1'800'000'000'000;
      t0 = ThreadCpuMs();
      const eix::RankResult ranked = handle->Read([&](const eix::UserIndex& idx) { return eix::Rank(idx, plan, rr, params); });
      rank_ms.push_back(ThreadCpuMs() - t0);
      if (r == 0) {
        lexical_sum += static_cast<double>(ranked.lexical_candidates);
        total_sum += static_cast<double>(ranked.total_candidates);
        computed_sum += static_cast<double>(ranked.cosines_computed);
        for (const auto& h : ranked.hits) {
          Mix(fingerprint, &h.ordinal, sizeof h.ordinal);
          Mix(fingerprint, &h.score, sizeof h.score);
        }
        if (dump != nullptr) {
          std::fprintf(dump, "%s:", q.c_str());
          for (const auto& h : ranked.hits) std::fprintf(dump, " %u/%.6f", h.ordinal, h.score);
          std::fprintf(dump, "\n");
        }
      }
    }
  }
  if (dump != nullptr) std::fclose(dump);
  if (vectors && check_vectors) {
    // How exact the int8 pre-scan of VectorMatrix::TopK is on this corpus: the 100 nearest chunks
    // (the ranker's vector pool) after rescoring the best `depth` by int8 cosine, against an exact scan.
    std::printf("  vector pool of 100 vs exact scan, by pre-scan depth (queries with a different pool / "
                "rows missing in all):\n   ");
    for (size_t depth : {100, 150, 200, 400}) {
      size_t differ = 0, missing = 0;
      handle->Read([&](const eix::UserIndex& idx) {
        for (const std::string& q : queries) {
          const std::vector<float> qv = embedder.EmbedOne(q);
          const auto exact = idx.vectors().TopK(qv, 100, {}, 0.f, SIZE_MAX);
          const auto pre = idx.vectors().TopK(qv, 100, {}, 0.f, depth);
          size_t miss = 0;
          for (const auto& d : exact) {
            miss += std::find_if(pre.begin(), pre.end(), [&](const auto& p) { return p.ordinal == d.ordinal; }) == pre.end();
          }
          differ += miss > 0;
          missing += miss;
        }
      });
      std::printf(" depth %zu: %zu / %zu;", depth, differ, missing);
    }
    std::printf("\n");
  }
  const auto mem = handle->Read([](const eix::UserIndex& idx) { return idx.MemoryBytes(); });

  auto mean = [](const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return v.empty() ? 0.0 : s / static_cast<double>(v.size());
  };
  std::printf("rank_bench: %d chunks (%zu-word vocabulary), vectors %s (%s), %d queries x %d rounds, k %zu\n", n_chunks,
              gen.vocabulary(), vectors ? "on" : "off", storage.c_str(), n_queries, rounds, k);
  std::printf("  index build (IndexCache::Acquire from memory): min %.1f ms  median %.1f ms\n",
              *std::min_element(load_ms.begin(), load_ms.end()), Percentile(load_ms, 0.5));
  std::printf("  BuildQuery ms   : mean %.4f  p50 %.4f\n", mean(build_ms), Percentile(build_ms, 0.5));
  std::printf("  embed query ms  : mean %.4f  p50 %.4f\n", mean(embed_ms), Percentile(embed_ms, 0.5));
  std::printf("  Rank ms         : mean %.4f  p50 %.4f  p99 %.4f\n", mean(rank_ms), Percentile(rank_ms, 0.5),
              Percentile(rank_ms, 0.99));
  std::printf("  per query       : %.0f lexical matches, %.0f candidates reranked, %.1f cosines computed beyond the vector scan's\n",
              lexical_sum / n_queries, total_sum / n_queries, computed_sum / n_queries);
  std::printf("  index memory    : %.0f B/chunk beyond text (%.0f B) and vectors (%.0f B)\n",
              static_cast<double>(mem.index) / n_chunks, static_cast<double>(mem.text) / n_chunks,
              static_cast<double>(mem.vectors) / n_chunks);
  std::printf("  result fingerprint: %016llx\n", static_cast<unsigned long long>(fingerprint));
  return 0;
}
