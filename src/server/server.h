// Server: the composition root of engramd. Builds the concrete store, services, API app and HTTP
// server from a Config, runs until Stop(), and shuts down in order: stop accepting, finish in-flight
// requests, drain the request pool, close the store.
// Not thread-safe except Stop(), which may be called from any thread once.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "common/status.h"
#include "server/config.h"

namespace engram::server {

class Server {
 public:
  static Result<std::unique_ptr<Server>> Create(const Config& config);
  ~Server();

  // Binds, starts serving, writes the port file. If a bootstrap admin key was created, its secret is
  // returned once through `bootstrap_key`.
  Status Start(std::optional<std::string>* bootstrap_key);
  uint16_t port() const;
  // Graceful shutdown; idempotent.
  void Stop();

 private:
  struct Parts;
  explicit Server(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace engram::server
