// engramd: parse configuration, start the server, wait for SIGTERM/SIGINT, shut down gracefully.
#include <signal.h>

#include <cstdio>
#include <optional>
#include <string>

#include "common/log.h"
#include "common/background.h"
#include "server/config.h"
#include "server/server.h"

int main(int argc, char** argv) {
  using namespace engram;
  // Block the stop signals in every thread (threads inherit the mask) and wait for them here.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  bool exit_now = false;
  auto config = server::ParseConfig(argc, argv, &exit_now);
  if (!config.ok()) {
    std::fprintf(stderr, "engramd: %s\n", config.status().message().c_str());
    return 2;
  }
  if (exit_now) return 0;
  log::SetLevel(config->log_level);
  SetBackgroundNice(config->background_nice);

  auto srv = server::Server::Create(*config);
  if (!srv.ok()) {
    std::fprintf(stderr, "engramd: %s\n", srv.status().ToString().c_str());
    return 1;
  }
  std::optional<std::string> bootstrap_key;
  Status st = (*srv)->Start(&bootstrap_key);
  if (!st.ok()) {
    std::fprintf(stderr, "engramd: %s\n", st.ToString().c_str());
    return 1;
  }
  if (bootstrap_key) {
    std::printf("engramd: created the first admin API key (shown once, store it now): %s\n",
                bootstrap_key->c_str());
    std::fflush(stdout);
  }
  int sig = 0;
  sigwait(&stop_signals, &sig);
  ENGRAM_LOG(kInfo, "server", "received signal {}", sig);
  (*srv)->Stop();
  return 0;
}
