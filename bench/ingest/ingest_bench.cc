// bench/ingest: acknowledged ingest throughput of a real engramd.
//
// Starts build/engramd on 127.0.0.1 (port 0, fresh data dir, durability on: SQLite synchronous=FULL),
// registers one user per client, then C concurrent keep-alive clients post batches of 100 events of
// about 200 bytes each for D seconds. Prints acknowledged events/s, p50/p99/max batch latency and the
// server's peak resident memory.
//
//   ingest_bench [--clients 8] [--seconds 10] [--batch 100] [--sync full|normal]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/http/engramd_process.h"
#include "bench/bench_util.h"
#include "tests/support/http_client.h"

using engram::testing::EngramdProcess;
using engram::testing::HttpClient;
using Json = nlohmann::json;
using engram::bench::Arg;
using engram::bench::MetricValue;
using engram::bench::Percentile;

namespace {

using engram::bench::kKey;


long PeakRssKb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// About 200 bytes of plausible event text.
std::string EventText(int client, long n) {
  static const char* kPhrases[] = {
      "Moved the weekly design review to Thursday afternoon because the team is at the offsite.",
      "Asked for the Q4 budget draft with the hiring plan and the marketing numbers attached.",
      "Prefers short status updates in Slack over long emails, ideally before ten in the morning.",
      "Booked a table for four at the sushi place on Valencia Street for Friday at 9pm.",
  };
  std::string s = kPhrases[(client + n) % 4];
  s += " Ref ";
  s += std::to_string(client);
  s += "-";
  s += std::to_string(n);
  s += ". Follow-up scheduled with the product team next week to close the open items.";
  return s;
}


}  // namespace

int main(int argc, char** argv) {
  const int clients = std::stoi(Arg(argc, argv, "--clients", "8"));
  const int seconds = std::stoi(Arg(argc, argv, "--seconds", "10"));
  const int batch = std::stoi(Arg(argc, argv, "--batch", "100"));
  const std::string sync = Arg(argc, argv, "--sync", "full");

  EngramdProcess server({"--api-keys", kKey, "--rate-limit-other", "0", "--sync", sync});
  if (auto st = server.Start(); !st.ok()) {
    std::fprintf(stderr, "cannot start engramd: %s\n", st.ToString().c_str());
    return 1;
  }
  const std::vector<std::pair<std::string, std::string>> headers = {{"x-api-key", kKey},
                                                                    {"Content-Type", "application/json"}};
  {
    HttpClient c("127.0.0.1", server.port());
    for (int i = 0; i < clients; ++i) {
      auto r = c.Post("/register", Json{{"user_id", "bench-" + std::to_string(i)}}.dump(), headers);
      if (!r.ok() || r->status != 200) {
        std::fprintf(stderr, "register failed\n");
        return 1;
      }
    }
  }

  std::atomic<bool> stop{false};
  std::atomic<long> events_acked{0}, errors{0};
  std::mutex mu;
  std::vector<double> latencies_ms;
  std::vector<std::thread> threads;
  const auto start = std::chrono::steady_clock::now();
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      HttpClient client("127.0.0.1", server.port());
      std::vector<double> local;
      long n = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        Json events = Json::array();
        for (int i = 0; i < batch; ++i, ++n) {
          events.push_back({{"event_id", "e" + std::to_string(c) + "-" + std::to_string(n)},
                            {"type", "message"},
                            {"timestamp", "2025-10-10T09:00:00Z"},
                            {"content", EventText(c, n)}});
        }
        const std::string body = Json{{"user_id", "bench-" + std::to_string(c)}, {"events", events}}.dump();
        const auto t0 = std::chrono::steady_clock::now();
        auto r = client.Post("/ingest", body, headers);
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        if (r.ok() && r->status == 200) {
          events_acked += batch;
          local.push_back(ms);
        } else {
          ++errors;
        }
      }
      std::lock_guard<std::mutex> lock(mu);
      latencies_ms.insert(latencies_ms.end(), local.begin(), local.end());
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  stop.store(true);
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::vector<double> lat = latencies_ms;
  std::printf("bench/ingest: %d clients, batches of %d events (~200 B each), sync=%s, %.1f s\n", clients, batch,
              sync.c_str(), elapsed);
  std::printf("  acknowledged events/s : %.0f\n", events_acked.load() / elapsed);
  std::printf("  batches               : %zu ok, %ld errors\n", lat.size(), errors.load());
  const double p50 = Percentile(lat, 0.50), p99 = Percentile(lat, 0.99), max = lat.empty() ? 0 : *std::max_element(lat.begin(), lat.end());
  std::printf("  batch latency ms      : p50 %.2f  p99 %.2f  max %.2f\n", p50, p99, max);
  std::printf("  server peak RSS       : %.1f MB\n", PeakRssKb(server.Pid()) / 1024.0);
  server.Terminate();
  return errors.load() == 0 ? 0 : 1;
}
