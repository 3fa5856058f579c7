// LlmExtractor against a scripted OpenAI-compatible chat server on 127.0.0.1 (llm/fake_chat_server.h)
// through the real OpenAiClient: valid replies, replies wrapped in prose, every kind of failure
// falling back to the deterministic extractor, source-id checks, and the bound on calls per batch.
#include "memory/llm_extractor.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/metrics.h"
#include "common/time.h"
#include "llm/fake_chat_server.h"
#include "llm/none_client.h"
#include "llm/openai_client.h"
#include "memory/deterministic_extractor.h"

namespace engram::memory {
namespace {

using json = nlohmann::json;
using domain::Record;
using domain::RecordKind;
using llm::fake::Answer;
using llm::fake::FakeChatServer;
using llm::fake::Reply;

Record Rec(std::string id, std::string speaker, std::string content, const char* iso = "2023-05-08T10:00:00Z") {
  Record r;
  r.id = std::move(id);
  r.kind = RecordKind::kMessage;
  r.speaker = std::move(speaker);
  r.timestamp = *ParseIso8601(iso);
  r.content = std::move(content);
  return r;
}

std::unique_ptr<llm::OpenAiClient> Client(const std::string& url, int timeout_ms = 3000) {
  llm::OpenAiClientOptions o;
  o.url = url;
  o.model = "test-model";
  o.timeout_ms = timeout_ms;
  o.max_retries = 0;
  auto r = llm::OpenAiClient::Create(std::move(o));
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return std::move(r).value();
}

// A deterministic extractor that remembers which records it was given.
class RecordingFallback final : public Extractor {
 public:
  Result<Extraction> Extract(std::span<const Record> records, const ExtractionContext& ctx) override {
    {
      std::lock_guard lock(mu_);
      for (const Record& r : records) ids_.push_back(r.id);
    }
    return inner_.Extract(records, ctx);
  }
  std::vector<std::string> ids() const {
    std::lock_guard lock(mu_);
    return ids_;
  }

 private:
  DeterministicExtractor inner_;
  mutable std::mutex mu_;
  std::vector<std::string> ids_;
};

// A byte-comparable rendering of an extraction.
std::string Dump(const Extraction& e) {
  std::string out;
  for (const ExtractedMemory& m : e.memories) {
    out += "M|" + m.text + "|" + m.category + "|" + std::to_string(m.confidence) + "|" + m.subject + "|" + m.key +
           "|" + std::to_string(m.valid_from) + "|";
    for (const auto& s : m.source_ids) out += s + ",";
    out += "|";
    for (const auto& s : m.entities) out += s + ",";
    out += "\n";
  }
  for (const ExtractedTrait& t : e.traits) {
    out += "T|" + t.name + "|" + t.value + "|" + std::to_string(t.confidence) + "|";
    for (const auto& s : t.source_ids) out += s + ",";
    out += "\n";
  }
  return out;
}

std::vector<Record> SampleRecords() {
  return {Rec("r1", "user", "I love sushi and usually eat late dinners around 9pm"),
          Rec("r2", "assistant", "Noted! I love sushi too."),
          Rec("r3", "user", "My dog Max loves the beach.")};
}

Extraction Deterministic(const std::vector<Record>& records) {
  DeterministicExtractor d;
  auto r = d.Extract(records, {});
  EXPECT_TRUE(r.ok());
  return std::move(r).value();
}

const char* kValidReply = R"({
  "memories": [
    {"text": "Loves sushi", "category": "preference", "confidence": 0.9, "entities": ["sushi"],
     "subject": "", "key": "preference:sushi", "valid_from": "", "source_ids": ["r1"]},
    {"text": "Has a dog named Max", "category": "pet", "confidence": 0.8, "entities": ["Max", "Max"],
     "subject": "user", "key": null, "valid_from": "2023-05-01", "source_ids": ["r3"]}
  ],
  "traits": [{"name": "Location", "value": "Lisbon", "confidence": 0.7, "source_ids": ["r3"]}]
})";

TEST(LlmExtractorTest, ValidReplyBecomesMemoriesWithSources) {
  FakeChatServer server([](const api::HttpRequest&, int) { return Answer(kValidReply); });
  auto client = Client(server.url());
  DeterministicExtractor fallback;
  Metrics metrics;
  LlmExtractor extractor(client.get(), &fallback, {.metrics = &metrics});
  const std::vector<Record> records = SampleRecords();

  auto r = extractor.Extract(records, {.user_name = "Sam Lee", .focus = {"Tooling and editor preferences"}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->memories.size(), 2u);
  const ExtractedMemory& sushi = r->memories[0];
  EXPECT_EQ(sushi.text, "Loves sushi");
  EXPECT_EQ(sushi.category, "preference");
  EXPECT_DOUBLE_EQ(sushi.confidence, 0.9);
  EXPECT_EQ(sushi.source_ids, std::vector<std::string>{"r1"});
  EXPECT_EQ(sushi.key, "preference:sushi");
  EXPECT_EQ(sushi.valid_from, records[0].timestamp);  // no date given: the record's time
  const ExtractedMemory& dog = r->memories[1];
  EXPECT_EQ(dog.subject, "");                        // "user" is the user
  EXPECT_EQ(dog.entities, std::vector<std::string>{"Max"});
  EXPECT_EQ(dog.valid_from, *ParseIso8601("2023-05-01"));
  ASSERT_EQ(r->traits.size(), 1u);
  EXPECT_EQ(r->traits[0].name, "location");
  EXPECT_EQ(r->traits[0].value, "Lisbon");

  // One call, asking for a JSON object, with the records and their ids in it.
  ASSERT_EQ(server.calls(), 1);
  const json body = json::parse(server.request(0).body);
  EXPECT_EQ(body["response_format"]["type"], "json_object");
  EXPECT_EQ(body["temperature"], 0.0);
  ASSERT_EQ(body["messages"].size(), 2u);
  EXPECT_EQ(body["messages"][0]["role"], "system");
  const json input = json::parse(body["messages"][1]["content"].get<std::string>());
  EXPECT_EQ(input["user_name"], "Sam Lee");
  EXPECT_EQ(input["focus"], json::array({"Tooling and editor preferences"}));
  EXPECT_NE(body["messages"][0]["content"].get<std::string>().find("focus"), std::string::npos);
  ASSERT_EQ(input["records"].size(), 3u);
  EXPECT_EQ(input["records"][1]["id"], "r2");
  EXPECT_EQ(input["records"][1]["speaker"], "assistant");
  EXPECT_EQ(input["records"][2]["content"], "My dog Max loves the beach.");

  // Same replies, same bytes.
  auto again = extractor.Extract(records, {.user_name = "Sam Lee", .focus = {"Tooling and editor preferences"}});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(Dump(*again), Dump(*r));
  EXPECT_EQ(metrics.GetCounter("engram_llm_extract_calls_total", "", {{"outcome", "ok"}})->Value(), 2);
  EXPECT_EQ(metrics.GetCounter("engram_llm_extract_calls_total", "", {{"outcome", "fallback"}})->Value(), 0);
}

TEST(LlmExtractorTest, JsonWrappedInProseOrFencesIsFound) {
  const std::string object = R"({"memories":[{"text":"Loves sushi {really}","source_ids":["r1"]}]})";
  for (const std::string& reply :
       {"Sure! Here are the memories {as requested}:\n```json\n" + object + "\n```\nHope that helps.",
        "```\n" + object + "\n```", "  " + object + "  "}) {
    FakeChatServer server([&](const api::HttpRequest&, int) { return Answer(reply); });
    auto client = Client(server.url());
    DeterministicExtractor fallback;
    LlmExtractor extractor(client.get(), &fallback);
    auto r = extractor.Extract(SampleRecords(), {});
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->memories.size(), 1u) << reply;
    EXPECT_EQ(r->memories[0].text, "Loves sushi {really}");
    EXPECT_EQ(r->memories[0].category, "other");  // absent category
    EXPECT_DOUBLE_EQ(r->memories[0].confidence, 0.5);
    EXPECT_TRUE(r->traits.empty());
  }
}

// Every broken reply gives exactly what the deterministic extractor gives on the same records.
TEST(LlmExtractorTest, MalformedOrInvalidReplyFallsBackToDeterministic) {
  const std::vector<Record> records = SampleRecords();
  const std::string want = Dump(Deterministic(records));
  ASSERT_FALSE(want.empty());
  const std::vector<std::string> replies = {
      // malformed
      R"({"memories": [{"text": "Loves sushi", "source_ids": ["r1"]})",  // cut off
      R"({"memories": [{"text": "Loves sushi", "source_ids": ["r1"],}]})",  // trailing comma
      "I could not find anything worth remembering.",
      "",
      "[{\"text\": \"Loves sushi\", \"source_ids\": [\"r1\"]}]",  // an array, not an object
      // schema violations
      R"({"memories": [{"text": "Loves sushi", "confidence": "high", "source_ids": ["r1"]}]})",
      R"({"memories": [{"category": "preference", "source_ids": ["r1"]}]})",  // no text
      R"({"memories": [{"text": "", "source_ids": ["r1"]}]})",
      R"({"memories": [{"text": "Loves sushi", "source_ids": "r1"}]})",
      R"({"memories": "Loves sushi"})",
      R"({"facts": []})",  // no "memories"
      R"({"memories": [], "traits": [{"name": "location", "value": 3, "source_ids": ["r1"]}]})",
  };
  Metrics metrics;
  for (const std::string& reply : replies) {
    FakeChatServer server([&](const api::HttpRequest&, int) { return Answer(reply); });
    auto client = Client(server.url());
    DeterministicExtractor fallback;
    LlmExtractor extractor(client.get(), &fallback, {.metrics = &metrics});
    auto r = extractor.Extract(records, {});
    ASSERT_TRUE(r.ok()) << reply;
    EXPECT_EQ(Dump(*r), want) << reply;
    EXPECT_EQ(server.calls(), 1);
  }
  EXPECT_EQ(metrics.GetCounter("engram_llm_extract_calls_total", "", {{"outcome", "fallback"}})->Value(),
            static_cast<double>(replies.size()));
}

TEST(LlmExtractorTest, ForeignSourceIdsAreDroppedAndValuesNormalized) {
  const char* reply = R"({"memories": [
      {"text": "Invented fact", "source_ids": ["r99"]},
      {"text": "Loves sushi", "category": "Preference", "confidence": 1.7, "source_ids": ["r99", "r1", "r1"]},
      {"text": "Loves sushi too", "source_ids": ["r2"]},
      {"text": "Has a dog named Max", "category": "animals", "confidence": -0.2, "source_ids": ["r3"]},
      {"text": "Sam likes hikes", "subject": "sam", "source_ids": ["r3"]},
      {"text": "Anna is a nurse", "subject": "Anna", "source_ids": ["r3"]},
      {"text": "No sources", "source_ids": []}],
    "traits": [
      {"name": "employer", "value": "Acme", "source_ids": ["elsewhere"]},
      {"name": "favorite_color", "value": "blue", "source_ids": ["r1"]},
      {"name": "role", "value": "nurse", "confidence": 2, "source_ids": ["r3"]}]})";
  FakeChatServer server([&](const api::HttpRequest&, int) { return Answer(reply); });
  auto client = Client(server.url());
  RecordingFallback fallback;
  LlmExtractor extractor(client.get(), &fallback);
  auto r = extractor.Extract(SampleRecords(), {.user_name = "Sam Lee"});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(fallback.ids().empty());  // the call itself succeeded
  ASSERT_EQ(r->memories.size(), 4u) << Dump(*r);
  EXPECT_EQ(r->memories[0].text, "Loves sushi");
  EXPECT_EQ(r->memories[0].source_ids, std::vector<std::string>{"r1"});
  EXPECT_EQ(r->memories[0].category, "preference");
  EXPECT_DOUBLE_EQ(r->memories[0].confidence, 1.0);
  // "Loves sushi too" cited only the assistant's turn: dropped.
  EXPECT_EQ(r->memories[1].text, "Has a dog named Max");
  EXPECT_EQ(r->memories[1].category, "other");
  EXPECT_DOUBLE_EQ(r->memories[1].confidence, 0.0);
  EXPECT_EQ(r->memories[2].subject, "");  // the user's first name
  EXPECT_EQ(r->memories[3].subject, "Anna");
  ASSERT_EQ(r->traits.size(), 1u);
  EXPECT_EQ(r->traits[0].name, "role");
  EXPECT_DOUBLE_EQ(r->traits[0].confidence, 1.0);
}

TEST(LlmExtractorTest, InvalidUtf8AndLongContentAreSentSafely) {
  FakeChatServer server([](const api::HttpRequest&, int) { return Answer(R"({"memories":[]})"); });
  auto client = Client(server.url());
  RecordingFallback fallback;
  LlmExtractor extractor(client.get(), &fallback, {.max_input_chars = 100});
  const std::vector<Record> records = {Rec("bad", "user", "I drink \xff\xfe tea"),
                                       Rec("long", "user", std::string(99, 'a') + "\xc3\xa9" + std::string(500, 'b'))};
  auto r = extractor.Extract(records, {});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(fallback.ids().empty());
  ASSERT_EQ(server.calls(), 2);  // 100 chars per call: one record each
  const json body = json::parse(server.request(1).body);
  const json input = json::parse(body["messages"][1]["content"].get<std::string>());
  EXPECT_EQ(input["records"][0]["content"], std::string(99, 'a'));  // cut before the 2-byte character
}

TEST(LlmExtractorTest, TimeoutAndTransportErrorFallBack) {
  const std::vector<Record> records = SampleRecords();
  const std::string want = Dump(Deterministic(records));
  {
    FakeChatServer server([](const api::HttpRequest&, int) {
      Reply r = Answer(kValidReply);
      r.delay_ms = 1500;
      return r;
    });
    auto client = Client(server.url());
    DeterministicExtractor fallback;
    LlmExtractor extractor(client.get(), &fallback, {.timeout_ms = 200});
    const auto start = std::chrono::steady_clock::now();
    auto r = extractor.Extract(records, {});
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(Dump(*r), want);
    EXPECT_LT(ms, 1200);
  }
  {
    FakeChatServer server([](const api::HttpRequest&, int) {
      return Reply{{.status = 500, .body = R"({"error":{"message":"boom"}})"}};
    });
    auto client = Client(server.url());
    DeterministicExtractor fallback;
    LlmExtractor extractor(client.get(), &fallback);
    auto r = extractor.Extract(records, {});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(Dump(*r), want);
  }
  {
    // Nothing listens there any more.
    std::string url;
    {
      FakeChatServer gone([](const api::HttpRequest&, int) { return Answer("{}"); });
      url = gone.url();
    }
    auto client = Client(url);
    DeterministicExtractor fallback;
    LlmExtractor extractor(client.get(), &fallback);
    auto r = extractor.Extract(records, {});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(Dump(*r), want);
  }
}

TEST(LlmExtractorTest, DisabledClientUsesFallbackOnly) {
  llm::NoneLlmClient none;
  RecordingFallback fallback;
  LlmExtractor extractor(&none, &fallback);
  const std::vector<Record> records = SampleRecords();
  auto r = extractor.Extract(records, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Dump(*r), Dump(Deterministic(records)));
  EXPECT_EQ(fallback.ids(), (std::vector<std::string>{"r1", "r2", "r3"}));
  auto empty = extractor.Extract({}, {});
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->memories.empty());
}

// The script answers each call with one memory citing the first record it was sent.
Reply FirstRecordMemory(const api::HttpRequest& req) {
  const json body = json::parse(req.body);
  const json input = json::parse(body["messages"][1]["content"].get<std::string>());
  const std::string id = input["records"][0]["id"];
  json reply = {{"memories", json::array({{{"text", "Fact from " + id}, {"source_ids", {id}}}})}};
  return Answer(reply.dump());
}

std::vector<Record> Many(size_t n, size_t content_chars = 0) {
  std::vector<Record> out;
  for (size_t i = 0; i < n; ++i) {
    std::string content = "I love hiking number " + std::to_string(i) + ".";
    if (content_chars > content.size()) content += std::string(content_chars - content.size(), 'x');
    out.push_back(Rec("r" + std::to_string(i), "user", content));
  }
  return out;
}

TEST(LlmExtractorTest, CallsPerBatchAreBounded) {
  {
    FakeChatServer server([](const api::HttpRequest& req, int) { return FirstRecordMemory(req); });
    auto client = Client(server.url());
    RecordingFallback fallback;
    LlmExtractor extractor(client.get(), &fallback, {.max_records_per_call = 20, .max_calls_per_batch = 5});
    auto r = extractor.Extract(Many(100), {});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(server.calls(), 5);
    EXPECT_TRUE(fallback.ids().empty());
    ASSERT_EQ(r->memories.size(), 5u);
    EXPECT_EQ(r->memories[4].text, "Fact from r80");
    for (int i = 0; i < 5; ++i) {
      const json body = json::parse(server.request(i).body);
      EXPECT_EQ(json::parse(body["messages"][1]["content"].get<std::string>())["records"].size(), 20u);
    }
  }
  {
    // 130 records: five calls of 20, the last 30 records go to the fallback, in order after them.
    FakeChatServer server([](const api::HttpRequest& req, int) { return FirstRecordMemory(req); });
    auto client = Client(server.url());
    RecordingFallback fallback;
    LlmExtractor extractor(client.get(), &fallback, {.max_records_per_call = 20, .max_calls_per_batch = 5});
    const std::vector<Record> records = Many(130);
    auto r = extractor.Extract(records, {});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(server.calls(), 5);
    const std::vector<std::string> ids = fallback.ids();
    ASSERT_EQ(ids.size(), 30u);
    EXPECT_EQ(ids.front(), "r100");
    EXPECT_EQ(ids.back(), "r129");
    ASSERT_GT(r->memories.size(), 5u);
    EXPECT_EQ(r->memories[5].source_ids, std::vector<std::string>{"r100"});
  }
  {
    // The input-size bound cuts calls too: 5000-char records, 12000 chars per call -> 2 per call.
    FakeChatServer server([](const api::HttpRequest& req, int) { return FirstRecordMemory(req); });
    auto client = Client(server.url());
    RecordingFallback fallback;
    LlmExtractor extractor(client.get(), &fallback, {.max_calls_per_batch = 2});
    auto r = extractor.Extract(Many(6, 5000), {});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(server.calls(), 2);
    EXPECT_EQ(fallback.ids(), (std::vector<std::string>{"r4", "r5"}));
  }
}

TEST(LlmExtractorTest, OneFailedCallFallsBackForItsRecordsOnly) {
  FakeChatServer server([](const api::HttpRequest& req, int call) {
    return call == 1 ? Answer("{\"memories\": [oops") : FirstRecordMemory(req);
  });
  auto client = Client(server.url());
  RecordingFallback fallback;
  LlmExtractor extractor(client.get(), &fallback, {.max_records_per_call = 2});
  auto r = extractor.Extract(Many(6), {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(server.calls(), 3);
  EXPECT_EQ(fallback.ids(), (std::vector<std::string>{"r2", "r3"}));
  ASSERT_EQ(r->memories.size(), 4u) << Dump(*r);  // r0 by the model, r2 and r3 by rule, r4 by the model
  EXPECT_EQ(r->memories[0].text, "Fact from r0");
  EXPECT_EQ(r->memories[1].source_ids, std::vector<std::string>{"r2"});
  EXPECT_EQ(r->memories[2].source_ids, std::vector<std::string>{"r3"});
  EXPECT_EQ(r->memories[3].text, "Fact from r4");
}

}  // namespace
}  // namespace engram::memory
