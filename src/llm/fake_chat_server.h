// Test-only: a scripted OpenAI-compatible chat server on 127.0.0.1 (engram::api::HttpServer) for the
// engram_llm tests. Not part of the library (which must not link engram_http).
// Thread-safety: the script runs on the server's I/O threads; FakeChatServer's accessors are
// thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "api/http/http_server.h"
#include "tests/support/scripted_server.h"

namespace engram::llm::fake {

using Reply = testing::ScriptedReply;
using FakeChatServer = testing::ScriptedServer;

// An OpenAI chat.completion body with one choice.
inline std::string Completion(const nlohmann::json& message, const std::string& finish_reason, int prompt = 11,
                              int completion = 7) {
  using nlohmann::json;
  json choice = {{"index", 0}, {"message", message}, {"finish_reason", finish_reason}};
  json out = {{"id", "chatcmpl-1"},
              {"object", "chat.completion"},
              {"created", 1700000000},
              {"model", "test-model"},
              {"choices", json::array({choice})},
              {"usage", {{"prompt_tokens", prompt}, {"completion_tokens", completion}, {"total_tokens", prompt + completion}}}};
  return out.dump();
}

inline Reply Answer(const std::string& text) {
  return {{.body = Completion({{"role", "assistant"}, {"content", text}}, "stop")}};
}

}  // namespace engram::llm::fake
