// bench/profile: /summary and /query latency of a real engramd.
//
// One user with a purpose and --messages chat turns stating facts (extracted into memories by the
// deterministic extractor in the background; the bench waits for it). Then, with one keep-alive
// client, it prints p50/p99 of:
//   /summary cached    (the same request again: served from the per-version cache)
//   /summary uncached  (a new max_chars each time: built from traits and memories)
//   /query cached      (a question answered before: the stored Stage 3 item)
//   /query extractive  (use_cache=false: retrieval + the extractive answerer + storing the answer)
//
//   profile_bench [--messages 2000] [--requests 2000]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
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
using Clock = std::chrono::steady_clock;

namespace {

using engram::bench::kKey;




}  // namespace

int main(int argc, char** argv) {
  const int messages = std::stoi(Arg(argc, argv, "--messages", "2000"));
  const int requests = std::stoi(Arg(argc, argv, "--requests", "2000"));
  const std::vector<std::pair<std::string, std::string>> h = {{"x-api-key", kKey}, {"Content-Type", "application/json"}};
  EngramdProcess server({"--api-keys", kKey, "--rate-limit-other", "0", "--sync", "normal"});
  if (auto st = server.Start(); !st.ok()) {
    std::fprintf(stderr, "cannot start engramd: %s\n", st.ToString().c_str());
    return 1;
  }
  HttpClient c("127.0.0.1", server.port());
  auto registered = c.Post("/register", Json{{"user_id", "bench"}, {"purpose", "meeting scheduling assistant"},
                           {"traits", {{"name", "Ash Lewis"}, {"timezone", "America/Los_Angeles"}}}}.dump(), h);
  if (!registered.ok() || registered->status != 200) {
    std::fprintf(stderr, "register failed\n");
    return 1;
  }
  static const char* kFoods[] = {"sushi", "ramen", "tacos", "pizza", "curry", "pho", "dumplings", "paella"};
  static const char* kPlaces[] = {"Berlin", "Lisbon", "Austin", "Kyoto", "Oslo", "Denver"};
  static const char* kHobbies[] = {"painting", "hiking", "chess", "pottery", "running", "climbing", "guitar"};
  for (int b = 0; b < messages; b += 100) {
    Json msgs = Json::array();
    for (int i = b; i < std::min(messages, b + 100); ++i) {
      std::string text;
      switch (i % 5) {
        case 0: text = std::string("I love ") + kFoods[i % 8] + " with friends number " + std::to_string(i); break;
        case 1: text = std::string("I went hiking near ") + kPlaces[i % 6] + " with Sam on trip " + std::to_string(i); break;
        case 2: text = std::string("I really enjoy ") + kHobbies[i % 7] + " class " + std::to_string(i); break;
        case 3: text = "Let's move the review meeting " + std::to_string(i) + " to 2 PM starting next week."; break;
        default: text = "My sister Anna visited on day " + std::to_string(i); break;
      }
      msgs.push_back({{"role", "user"}, {"content", text}});
    }
    auto r = c.Post("/ingest", Json{{"user_id", "bench"}, {"message_history", msgs}}.dump(), h);
    if (!r.ok() || r->status != 200) {
      std::fprintf(stderr, "ingest failed\n");
      return 1;
    }
  }
  const auto t0 = Clock::now();
  for (int i = 0; i < 3000; ++i) {
    auto m = c.Get("/metrics");
    if (m.ok() && MetricValue(m->body, "engram_records_extracted_total") >= messages &&
        MetricValue(m->body, "engram_extraction_queue_depth") == 0) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const double extract_s = std::chrono::duration<double>(Clock::now() - t0).count();
  auto mem = c.Get("/users/bench/memories", h);
  const size_t memories = mem.ok() ? Json::parse(mem->body)["memories"].size() : 0;

  long cached_answers = 0;
  auto time_ms = [&](const std::string& method, const std::string& target, const std::string& body) {
    const auto s = Clock::now();
    auto r = c.Request(method, target, body, h);
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - s).count();
    if (!r.ok() || r->status != 200) std::fprintf(stderr, "%s %s failed\n", method.c_str(), target.c_str());
    if (r.ok() && r->body.find("\"cached\":true") != std::string::npos) ++cached_answers;
    return ms;
  };
  std::vector<double> sum_cached, sum_uncached, q_cached, q_extractive;
  time_ms("GET", "/summary?user_id=bench", "");
  for (int i = 0; i < requests; ++i) sum_cached.push_back(time_ms("GET", "/summary?user_id=bench", ""));
  for (int i = 0; i < requests; ++i) {
    sum_uncached.push_back(time_ms("GET", "/summary?user_id=bench&max_chars=" + std::to_string(200 + i), ""));
  }
  const std::vector<std::string> questions = {
      "What food does the user like?", "Where did the user go hiking?", "What hobbies does the user enjoy?",
      "When is the review meeting?", "Who visited the user?", "What does the user do with friends?"};
  for (int i = 0; i < requests / 4; ++i) {
    const std::string q = questions[i % questions.size()] + " (" + std::to_string(i) + ")";
    q_extractive.push_back(time_ms("POST", "/query", Json{{"user_id", "bench"}, {"question", q}, {"use_cache", false}}.dump()));
  }
  cached_answers = 0;
  for (int i = 0; i < requests; ++i) {
    const int j = i % (requests / 4);  // exactly the questions asked above
    const std::string q = questions[j % questions.size()] + " (" + std::to_string(j) + ")";
    q_cached.push_back(time_ms("POST", "/query", Json{{"user_id", "bench"}, {"question", q}}.dump()));
  }
  server.Terminate();
  std::printf("bench/profile: 1 user, %d messages -> %zu current memories (extraction done %.2f s after ingest)\n",
              messages, memories, extract_s);
  std::printf("  /summary cached     ms : p50 %.3f  p99 %.3f\n", Percentile(sum_cached, 0.5), Percentile(sum_cached, 0.99));
  std::printf("  /summary uncached   ms : p50 %.3f  p99 %.3f\n", Percentile(sum_uncached, 0.5), Percentile(sum_uncached, 0.99));
  std::printf("  /query cached       ms : p50 %.3f  p99 %.3f  (%ld of %d answered from Stage 3)\n", Percentile(q_cached, 0.5),
              Percentile(q_cached, 0.99), cached_answers, requests);
  std::printf("  /query extractive   ms : p50 %.3f  p99 %.3f\n", Percentile(q_extractive, 0.5), Percentile(q_extractive, 0.99));
  std::printf("  (client-side latency over one keep-alive connection on 127.0.0.1)\n");
  return 0;
}
