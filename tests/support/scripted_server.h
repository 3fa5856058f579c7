// ScriptedServer: a local HTTP server (engram::api::HttpServer on 127.0.0.1, port 0) whose answers a
// test scripts, standing in for services that cannot run here (an embeddings endpoint, an LLM). It
// records every request; a reply may be delayed or streamed, on helper threads so the server's I/O
// threads never block.
// Thread-safety: the script runs on the server's I/O threads; the accessors are thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "api/http/http_server.h"

namespace engram::testing {

// What the fake server does with one request: answer `response` (after `delay_ms`), or, when `stream`
// is set, hand the writer to it. Delays and streams run on helper threads so the server's I/O thread
// never blocks.
struct ScriptedReply {
  api::HttpResponse response;
  int delay_ms = 0;
  std::function<void(api::ResponseWriter&)> stream;
};

class ScriptedServer {
 public:
  using Script = std::function<ScriptedReply(const api::HttpRequest&, int call)>;

  explicit ScriptedServer(Script script) : script_(std::move(script)) {
    api::HttpServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.io_threads = 2;
    server_ = std::make_unique<api::HttpServer>(o, [this](api::HttpRequest&& req,
                                                          std::shared_ptr<api::ResponseWriter> w) {
      int call;
      {
        std::lock_guard lock(mu_);
        call = static_cast<int>(requests_.size());
        requests_.push_back(req);
      }
      ScriptedReply reply = script_(req, call);
      if (reply.delay_ms <= 0 && !reply.stream) {
        w->Send(std::move(reply.response));
        return;
      }
      std::lock_guard lock(mu_);
      helpers_.emplace_back([w, reply = std::move(reply)]() mutable {
        if (reply.delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(reply.delay_ms));
        if (reply.stream) {
          reply.stream(*w);
        } else {
          w->Send(std::move(reply.response));
        }
      });
    });
    Status st = server_->Start();
    EXPECT_TRUE(st.ok()) << st.ToString();
  }

  ~ScriptedServer() {
    std::vector<std::thread> helpers;
    {
      std::lock_guard lock(mu_);
      helpers.swap(helpers_);
    }
    for (auto& t : helpers) t.join();
    server_->Stop(std::chrono::milliseconds(100));
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->bound_port()); }
  int calls() const {
    std::lock_guard lock(mu_);
    return static_cast<int>(requests_.size());
  }
  api::HttpRequest request(int i) const {
    std::lock_guard lock(mu_);
    return requests_.at(static_cast<size_t>(i));
  }

 private:
  Script script_;
  std::unique_ptr<api::HttpServer> server_;
  mutable std::mutex mu_;
  std::vector<api::HttpRequest> requests_;  // guarded by mu_
  std::vector<std::thread> helpers_;        // guarded by mu_
};

}  // namespace engram::testing
