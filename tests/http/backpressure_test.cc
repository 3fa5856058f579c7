// /ingest backpressure end to end: while extraction is held up (the LLM extractor waits on a scripted
// upstream the test releases), records pile up past --max-pending-records and /ingest answers 503 with
// Retry-After, storing nothing; once extraction drains the backlog, /ingest accepts again.
#include <future>
#include <memory>
#include <thread>

#include "llm/fake_chat_server.h"
#include "tests/http/fixture.h"

namespace engram::testing {
namespace {

using llm::fake::Completion;
using llm::fake::FakeChatServer;
using llm::fake::Reply;

// Opens the gate the scripted upstream waits on; also on destruction, so no helper thread is left
// waiting when an assertion ends the test early.
struct Gate {
  std::promise<void> promise;
  std::shared_future<void> opened = promise.get_future().share();
  bool open = false;
  void Open() {
    if (!open) promise.set_value();
    open = true;
  }
};

struct OpenOnExit {
  Gate* gate;
  ~OpenOnExit() { gate->Open(); }
};

Json Events(const std::string& actor, int n, int from = 0) {
  Json events = Json::array();
  for (int i = from; i < from + n; ++i) {
    events.push_back({{"actor_id", actor},
                      {"session_id", "s1"},
                      {"kind", "user_message"},
                      {"content", "I moved to city number " + std::to_string(i) + " this year."}});
  }
  return events;
}

TEST(BackpressureTest, IngestAnswers503WhileTheBacklogIsOverTheLimit) {
  auto gate = std::make_shared<Gate>();
  FakeChatServer upstream([gate](const api::HttpRequest&, int) -> Reply {
    Reply r;
    r.stream = [gate](api::ResponseWriter& w) {
      gate->opened.wait();
      api::HttpResponse resp;
      resp.body = Completion({{"role", "assistant"}, {"content", "no memories here"}}, "stop");
      w.Send(std::move(resp));
    };
    return r;
  });
  EngramdProcess server({"--api-keys", kAdminKey, "--rate-limit-live", "0", "--llm-url", upstream.url(),
                         "--llm-model", "test-model", "--llm-timeout-ms", "60000", "--workers", "1",
                         "--max-pending-records", "5"});
  OpenOnExit open_on_exit{gate.get()};
  ASSERT_TRUE(server.Start().ok());
  Api api(server.port(), kAdminKey);

  // Admitted while the backlog is under the limit; the worker then blocks on the model.
  auto first = api.Post("/ingest", Events("bp-actor", 8));
  ASSERT_EQ(first.status, 200) << first.body;
  for (int i = 0; i < 500 && upstream.calls() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_GE(upstream.calls(), 1) << "extraction never asked the model";

  auto busy = api.Post("/ingest", Events("bp-actor", 2, 100));
  ExpectError(busy, 503, "SERVICE_UNAVAILABLE", "extraction");
  EXPECT_EQ(busy.headers["retry-after"], "5") << busy.body;
  auto status = api.Get("/status?user_id=bp-actor");
  ASSERT_EQ(status.status, 200) << status.body;
  EXPECT_EQ(status.json["pending"], 8) << "the refused batch stored nothing: " << status.body;

  // Extraction resumes, drains the backlog, and ingest is admitted again.
  gate->Open();
  int accepted = 0;
  for (int i = 0; i < 500; ++i) {
    auto r = api.Post("/ingest", Events("bp-actor", 2, 100));
    if (r.status == 200) {
      accepted = r.status;
      break;
    }
    EXPECT_EQ(r.status, 503) << r.body;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(accepted, 200) << "ingest never admitted again";
  Json last;
  for (int i = 0; i < 500; ++i) {
    last = api.Get("/status?user_id=bp-actor").json;
    if (last.value("pending", -1) == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(last.value("pending", -1), 0) << last.dump();
  EXPECT_EQ(last.value("processed", -1), 10) << last.dump();
}

}  // namespace
}  // namespace engram::testing
