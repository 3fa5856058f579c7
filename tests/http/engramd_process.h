// EngramdProcess: runs the real engramd binary for black-box tests, on 127.0.0.1 with port 0.
//
// Start() launches it with a fresh (or kept) data directory and waits for the port file; Kill() sends
// SIGKILL (crash), Terminate() SIGTERM (graceful) and returns the exit status. The data directory
// survives restarts of the same object and is removed by the destructor.
// Not thread-safe.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace engram::testing {

class EngramdProcess {
 public:
  // `extra_args` are appended to the defaults (--listen 127.0.0.1:0 --data-dir D --port-file F).
  explicit EngramdProcess(std::vector<std::string> extra_args = {},
                          std::vector<std::pair<std::string, std::string>> env = {});
  ~EngramdProcess();

  Status Start();
  // SIGKILL and reap; the data directory stays.
  void Kill();
  // SIGTERM and wait up to `timeout_ms`; returns the exit code (-1 on timeout, then SIGKILL).
  int Terminate(int timeout_ms = 15000);
  bool Running() const { return pid_ > 0; }
  uint16_t port() const { return port_; }
  const std::string& data_dir() const { return data_dir_; }
  // Everything the process wrote to stdout so far (e.g. the bootstrap key line).
  std::string Stdout() const;
  void set_args(std::vector<std::string> args) { extra_args_ = std::move(args); }
  pid_t Pid() const { return pid_; }

  static std::string BinaryPath();     // build/engramd
  static std::string CliBinaryPath();  // build/engram

 private:
  std::vector<std::string> extra_args_;
  std::vector<std::pair<std::string, std::string>> env_;
  std::string data_dir_;
  std::string port_file_;
  std::string stdout_file_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

// Runs a command to completion, capturing stdout; returns the exit code.
int RunCommand(const std::vector<std::string>& argv, std::string* out,
               const std::vector<std::pair<std::string, std::string>>& env = {});

}  // namespace engram::testing
