// bench/chunks: /chunks latency and throughput of a real engramd for one user with 10,000 chunks.
//
// 1. Starts build/engramd (fresh data dir, embedder "hash": deterministic 384-dim test vectors),
//    ingests 10,000 synthetic chat events for one user and waits until every chunk has its vector and
//    memory extraction has caught up (else the restarted server would resume that backlog on the same
//    two cores while the cold load is timed).
// 2. Restarts the server and times the first /chunks (cold: the user's index is built from the store).
// 3. 16 keep-alive clients query for --seconds: prints requests/s, client p50/p99 and the server-side
//    p50/p99 (debug.total_time_ms of each response).
// 4. In this process: SQLite FTS5 bm25() top-20 over the same texts with the same queries, and the
//    ratio to the server-side search time (the whole ranker, vectors included), both under the load
//    of step 3 and with one client sending one query at a time (after step 3), as FTS5 runs; our own plain BM25
//    top-20 (InvertedIndex::TopK) on the same queries, the like-for-like lexical comparison; the
//    in-memory size of the index per chunk beyond text and vector, and a single-threaded build of it.
//
//   chunks_bench [--chunks 10000] [--clients 16] [--seconds 10] [--vocabulary 0 (0: a 100-word worst case; N: N WordNet nouns)]
//                [--vector-storage float32|int8] [--embedder hash|none] [--backlog 0|1]
//
// --backlog 1 restarts the server as soon as the vectors are stored, with memory extraction still
// behind, to time the cold load while the restarted server works through that backlog; the load
// phase then waits until extraction has caught up, so only the cold load sees the backlog.
#include <sqlite3.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "embed/hash_embedder.h"
#include "index/user_index.h"
#include "tests/http/engramd_process.h"
#include "bench/bench_util.h"
#include "bench/chunks/text_gen.h"
#include "tests/support/http_client.h"

using engram::testing::EngramdProcess;
using engram::testing::HttpClient;
using Json = nlohmann::json;
using engram::bench::Arg;
using engram::bench::MetricValue;
using engram::bench::Percentile;
using engram::bench::TextGen;
using Clock = std::chrono::steady_clock;

namespace {

using engram::bench::kKey;

// CPU seconds (user + system) of process `pid` so far, from /proc/<pid>/stat; -1 if unreadable.
double ProcessCpuSeconds(pid_t pid) {
  FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
  if (f == nullptr) return -1;
  char buf[1024];
  const size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  buf[n] = 0;
  // Fields 14 and 15 (utime, stime, clock ticks) follow the ")" that ends the command name.
  const char* p = std::strrchr(buf, ')');
  unsigned long long utime = 0, stime = 0;
  if (p == nullptr || std::sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2) {
    return -1;
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double SelfCpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

double NumberAfter(const std::string& text, const std::string& key) {
  const auto pos = text.find(key);
  return pos == std::string::npos ? 0.0 : std::strtod(text.c_str() + pos + key.size(), nullptr);
}


}  // namespace

int main(int argc, char** argv) {
  const int n_chunks = std::stoi(Arg(argc, argv, "--chunks", "10000"));
  const int clients = std::stoi(Arg(argc, argv, "--clients", "16"));
  const int seconds = std::stoi(Arg(argc, argv, "--seconds", "10"));
  const std::vector<std::pair<std::string, std::string>> headers = {{"x-api-key", kKey},
                                                                    {"Content-Type", "application/json"}};

  TextGen gen(42, static_cast<size_t>(std::stoi(Arg(argc, argv, "--vocabulary", "0"))));
  std::vector<std::string> texts;
  for (int i = 0; i < n_chunks; ++i) texts.push_back(gen.Sentence(14 + i % 17));

  const std::string storage = Arg(argc, argv, "--vector-storage", "float32");
  const std::string embedder_kind = Arg(argc, argv, "--embedder", "hash");
  const bool backlog = Arg(argc, argv, "--backlog", "0") == "1";
  EngramdProcess server({"--api-keys", kKey, "--rate-limit-other", "0", "--embedder", embedder_kind, "--sync", "normal",
                         "--vector-storage", storage,
                         "--request-threads", "8", "--io-threads", "1"});
  if (auto st = server.Start(); !st.ok()) {
    std::fprintf(stderr, "cannot start engramd: %s\n", st.ToString().c_str());
    return 1;
  }
  {
    HttpClient c("127.0.0.1", server.port());
    if (auto r = c.Post("/register", Json{{"user_id", "bench"}}.dump(), headers); !r.ok() || r->status != 200) {
      std::fprintf(stderr, "register failed\n");
      return 1;
    }
    for (int b = 0; b < n_chunks; b += 100) {
      Json events = Json::array();
      for (int i = b; i < std::min(n_chunks, b + 100); ++i) {
        events.push_back({{"event_id", "e" + std::to_string(i)}, {"type", "message"}, {"content", texts[i]},
                          {"metadata", {{"session_id", "s" + std::to_string(i / 20)}}}});
      }
      auto r = c.Post("/ingest", Json{{"user_id", "bench"}, {"events", events}}.dump(), headers);
      if (!r.ok() || r->status != 200) {
        std::fprintf(stderr, "ingest failed\n");
        return 1;
      }
    }
    // Wait until every chunk is embedded (the test embedder runs in the background worker) and memory
    // extraction has caught up, so the restarted server has no backlog competing with the cold load.
    // (--backlog 1 restarts without waiting for extraction: the cold load then competes with it.)
    for (int i = 0; i < 1200; ++i) {
      auto m = c.Get("/metrics");
      if (m.ok() && (embedder_kind == "none" || MetricValue(m->body, "engram_chunks_embedded_total") >= n_chunks) &&
          (backlog || MetricValue(m->body, "engram_extraction_pending_records") == 0)) {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  server.Terminate();
  if (auto st = server.Start(); !st.ok()) {
    std::fprintf(stderr, "cannot restart engramd: %s\n", st.ToString().c_str());
    return 1;
  }

  std::vector<std::string> queries;
  for (int i = 0; i < 2000; ++i) queries.push_back(gen.Query());
  auto body = [&](const std::string& q) {
    return Json{{"user_id", "bench"}, {"history", {{{"role", "user"}, {"content", q}}}}, {"k", 10},
                {"similarity_threshold", 0.0}}.dump();
  };

  std::vector<std::string> bodies;
  for (const auto& q : queries) bodies.push_back(body(q));

  // Cold: the first request builds the index from the store.
  double cold_server_ms = 0, cold_client_ms = 0;
  std::string cold_breakdown;
  bool used_vectors = false;
  {
    HttpClient c("127.0.0.1", server.port());
    const auto t0 = Clock::now();
    auto r = c.Post("/chunks", body(queries[0]), headers);
    cold_client_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    if (!r.ok() || r->status != 200) {
      std::fprintf(stderr, "chunks failed\n");
      return 1;
    }
    Json j = Json::parse(r->body);
    cold_server_ms = j["debug"]["total_time_ms"].get<double>();
    used_vectors = j["debug"]["used_vectors"].get<bool>();
    // Where the cold request went: the store reads of the loader and the whole index build.
    auto m = c.Get("/metrics");
    if (m.ok()) {
      for (const char* series : {"engram_store_read_seconds_sum{op=\"list_chunks\"}",
                                 "engram_store_read_seconds_sum{op=\"list_chunk_vectors\"}",
                                 "engram_index_load_seconds_sum"}) {
        const double seconds = MetricValue(m->body, series);
        if (seconds >= 0) cold_breakdown += std::string("    ") + series + " = " + std::to_string(1000 * seconds) + " ms\n";
      }
    }
    // --backlog 1 is about the cold load only: the rest is measured once extraction has caught up.
    for (int i = 0; backlog && i < 1200; ++i) {
      auto p = c.Get("/metrics");
      if (p.ok() && MetricValue(p->body, "engram_extraction_pending_records") == 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  std::atomic<bool> stop{false};
  std::mutex mu;
  std::vector<double> client_ms, server_ms, search_ms;
  std::atomic<long> done{0}, errors{0};
  std::vector<std::thread> threads;
  const double server_cpu0 = ProcessCpuSeconds(server.Pid());
  const double client_cpu0 = SelfCpuSeconds();
  const auto start = Clock::now();
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&, t] {
      HttpClient c("127.0.0.1", server.port());
      std::vector<double> lc, ls, lsearch;
      for (size_t i = t; !stop.load(std::memory_order_relaxed); i += clients) {
        const auto t0 = Clock::now();
        auto r = c.Post("/chunks", bodies[i % bodies.size()], headers);
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        if (!r.ok() || r->status != 200) {
          ++errors;
          continue;
        }
        // The server's own timings, read without parsing the whole body (keeps the client cheap).
        lc.push_back(ms);
        ls.push_back(NumberAfter(r->body, "\"total_time_ms\":"));
        lsearch.push_back(NumberAfter(r->body, "\"search_time_ms\":"));
        ++done;
      }
      std::lock_guard<std::mutex> lock(mu);
      client_ms.insert(client_ms.end(), lc.begin(), lc.end());
      server_ms.insert(server_ms.end(), ls.begin(), ls.end());
      search_ms.insert(search_ms.end(), lsearch.begin(), lsearch.end());
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  stop.store(true);
  for (auto& th : threads) th.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  // Where the two cores went: the server's CPU and this load generator's, per request.
  const double server_cpu1 = ProcessCpuSeconds(server.Pid());
  const double server_cpu = server_cpu0 < 0 || server_cpu1 < 0 ? -1 : server_cpu1 - server_cpu0;
  const double client_cpu = SelfCpuSeconds() - client_cpu0;

  // One client, one query at a time: the search time with nothing else running, measured as the
  // FTS5 queries below are.
  // After the load, so the index and the server's scratch memory are warm.
  std::vector<double> alone_search_ms;
  long alone_errors = 0;
  {
    HttpClient c("127.0.0.1", server.port());
    for (size_t i = 0; i < 1000; ++i) {
      auto r = c.Post("/chunks", bodies[i % bodies.size()], headers);
      if (r.ok() && r->status == 200) {
        alone_search_ms.push_back(NumberAfter(r->body, "\"search_time_ms\":"));
      } else {
        ++alone_errors;
      }
    }
  }

  server.Terminate();

  // FTS5 over the same texts, same queries (terms OR-ed, as a keyword search would).
  sqlite3* db = nullptr;
  sqlite3_open(":memory:", &db);
  sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(body, tokenize='porter unicode61')", nullptr, nullptr, nullptr);
  sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
  sqlite3_stmt* ins = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO t(rowid, body) VALUES (?, ?)", -1, &ins, nullptr);
  for (int i = 0; i < n_chunks; ++i) {
    sqlite3_bind_int(ins, 1, i + 1);
    sqlite3_bind_text(ins, 2, texts[i].c_str(), -1, SQLITE_STATIC);
    sqlite3_step(ins);
    sqlite3_reset(ins);
  }
  sqlite3_finalize(ins);
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_stmt* q = nullptr;
  sqlite3_prepare_v2(db, "SELECT rowid, bm25(t) FROM t WHERE t MATCH ? ORDER BY bm25(t) LIMIT 20", -1, &q, nullptr);
  std::vector<double> fts_ms;
  for (int i = 0; i < 1000; ++i) {
    std::string expr;
    const std::string words(TextGen::QueryWords(queries[i]));
    size_t pos = 0;
    while (pos < words.size()) {
      size_t sp = words.find(' ', pos);
      if (sp == std::string::npos) sp = words.size();
      if (!expr.empty()) expr += " OR ";
      expr += "\"" + words.substr(pos, sp - pos) + "\"";
      pos = sp + 1;
    }
    const auto t0 = Clock::now();
    sqlite3_bind_text(q, 1, expr.c_str(), -1, SQLITE_TRANSIENT);
    while (sqlite3_step(q) == SQLITE_ROW) {
    }
    sqlite3_reset(q);
    fts_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  sqlite3_finalize(q);
  sqlite3_close(db);

  // Index memory and a single-threaded build, in this process, over the same chunks and vectors.
  // The vectors are computed before the clock starts: the figure is the build alone.
  engram::embed::HashEmbedder embedder;
  std::vector<std::vector<float>> vectors;
  vectors.reserve(n_chunks);
  for (int i = 0; i < n_chunks; ++i) vectors.push_back(embedder.EmbedOne(texts[i]));
  engram::index::UserIndex idx;
  const auto b0 = Clock::now();
  for (int i = 0; i < n_chunks; ++i) {
    engram::domain::Chunk c;
    c.id = "e" + std::to_string(i) + "#0";
    c.record_id = "e" + std::to_string(i);
    c.text = texts[i];
    c.session_id = "s" + std::to_string(i / 20);
    if (auto st = idx.Add(c, vectors[i], c.session_id); !st.ok()) {
      std::fprintf(stderr, "in-process index: %s\n", st.ToString().c_str());
      return 1;
    }
  }
  const double build_ms = std::chrono::duration<double, std::milli>(Clock::now() - b0).count();
  idx.ShrinkToFit();  // as the server's load does: the figure is what the index holds, not spare capacity
  const auto mem = idx.MemoryBytes();

  // The like-for-like lexical comparison: our plain BM25 top-20 in this process over the same
  // chunks and the same 1,000 queries' words (analyzed here, inside the timing), as FTS5 above.
  std::vector<double> bm25_ms;
  for (int i = 0; i < 1000; ++i) {
    const auto t0 = Clock::now();
    std::vector<engram::index::WeightedTerm> terms;
    engram::index::AppendQueryTerms(TextGen::QueryWords(queries[i]), 1.0f, terms);
    const auto top = idx.lexical().TopK(terms, 20);
    bm25_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    if (top.empty()) {
      std::fprintf(stderr, "in-process BM25 found nothing for query %d (a corpus too small for its queries?)\n", i);
      return 1;
    }
  }

  std::printf("bench/chunks: %d chunks (%zu-word vocabulary; 384-dim hash-embedder vectors: %s), %d keep-alive "
              "clients, %.1f s\n",
              n_chunks, gen.vocabulary(), used_vectors ? "used" : "NOT used", clients, elapsed);
  if (backlog) std::printf("  (--backlog 1: restarted with extraction behind; the load began once it had caught up)\n");
  std::printf("  requests/s                 : %.0f (%ld ok, %ld errors)\n", done.load() / elapsed, done.load(),
              errors.load());
  if (done.load() > 0 && server_cpu >= 0 && client_cpu >= 0) {
    std::printf("  CPU per request            : server %.3f ms, load generator %.3f ms (%.0f%% of %.1f CPU-s used)\n",
                1e3 * server_cpu / static_cast<double>(done.load()), 1e3 * client_cpu / static_cast<double>(done.load()),
                100 * (server_cpu + client_cpu) / (elapsed * static_cast<double>(std::thread::hardware_concurrency())),
                elapsed * static_cast<double>(std::thread::hardware_concurrency()));
  }
  std::printf("  client latency ms          : p50 %.3f  p99 %.3f\n", Percentile(client_ms, 0.5), Percentile(client_ms, 0.99));
  std::printf("  server-side total ms       : p50 %.3f  p99 %.3f\n", Percentile(server_ms, 0.5), Percentile(server_ms, 0.99));
  std::printf("  server-side search ms      : p50 %.3f  p99 %.3f\n", Percentile(search_ms, 0.5), Percentile(search_ms, 0.99));
  std::printf("  SQLite FTS5 bm25() top-20  : p50 %.3f ms  p99 %.3f ms  (FTS5 p50 / our search p50 = %.1fx)\n",
              Percentile(fts_ms, 0.5), Percentile(fts_ms, 0.99), Percentile(fts_ms, 0.5) / std::max(1e-9, Percentile(search_ms, 0.5)));
  std::printf("  search ms, one client      : p50 %.3f  p99 %.3f  (FTS5 p50 / this p50 = %.1fx; %ld errors)\n",
              Percentile(alone_search_ms, 0.5), Percentile(alone_search_ms, 0.99),
              Percentile(fts_ms, 0.5) / std::max(1e-9, Percentile(alone_search_ms, 0.5)), alone_errors);
  std::printf("  our BM25 top-20 in process : p50 %.3f ms  p99 %.3f ms  (FTS5 p50 / ours = %.1fx; plain BM25 on both sides)\n",
              Percentile(bm25_ms, 0.5), Percentile(bm25_ms, 0.99),
              Percentile(fts_ms, 0.5) / std::max(1e-9, Percentile(bm25_ms, 0.5)));
  std::printf("  cold first request         : %.1f ms server-side (%.1f ms at the client), index built from the store\n",
              cold_server_ms, cold_client_ms);
  std::printf("%s", cold_breakdown.c_str());
  std::printf("  single-thread index build  : %.1f ms for %d chunks (in process)\n", build_ms, n_chunks);
  std::printf("  index memory per chunk     : %.0f B beyond text (%.0f B) and vector (%.0f B)\n",
              static_cast<double>(mem.index) / n_chunks, static_cast<double>(mem.text) / n_chunks,
              static_cast<double>(mem.vectors) / n_chunks);
  return errors.load() == 0 && alone_errors == 0 ? 0 : 1;
}
