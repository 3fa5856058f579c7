#include "tests/http/engramd_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace engram::testing {

namespace fs = std::filesystem;

std::string EngramdProcess::BinaryPath() { return ENGRAM_ENGRAMD_PATH; }
std::string EngramdProcess::CliBinaryPath() { return ENGRAM_CLI_PATH; }

EngramdProcess::EngramdProcess(std::vector<std::string> extra_args,
                               std::vector<std::pair<std::string, std::string>> env)
    : extra_args_(std::move(extra_args)), env_(std::move(env)) {
  char tmpl[] = "/tmp/engram-test-XXXXXX";
  const char* dir = mkdtemp(tmpl);
  data_dir_ = std::string(dir ? dir : "/tmp/engram-test-fallback") + "/data";
  port_file_ = std::string(dir ? dir : "/tmp/engram-test-fallback") + "/port";
  stdout_file_ = std::string(dir ? dir : "/tmp/engram-test-fallback") + "/stdout";
}

EngramdProcess::~EngramdProcess() {
  if (pid_ > 0) Kill();
  std::error_code ec;
  fs::remove_all(fs::path(data_dir_).parent_path(), ec);
}

namespace {
pid_t Spawn(const std::vector<std::string>& argv, const std::vector<std::pair<std::string, std::string>>& env,
            int stdout_fd) {
  const pid_t pid = fork();
  if (pid != 0) return pid;
  // Child: stop signals must not be blocked (gtest threads may have changed nothing, but be sure).
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
  if (stdout_fd >= 0) dup2(stdout_fd, STDOUT_FILENO);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  execv(args[0], args.data());
  _exit(127);
}
}  // namespace

Status EngramdProcess::Start() {
  if (pid_ > 0) return Status::Internal("already running");
  std::error_code ec;
  fs::remove(port_file_, ec);
  std::vector<std::string> argv = {BinaryPath(),  "--listen",     "127.0.0.1:0", "--data-dir",
                                   data_dir_,     "--port-file",  port_file_,    "--log-level",
                                   "warn"};
  argv.insert(argv.end(), extra_args_.begin(), extra_args_.end());
  const int fd = open(stdout_file_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  pid_ = Spawn(argv, env_, fd);
  if (fd >= 0) close(fd);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(port_file_);
    int port = 0;
    if (in >> port && port > 0) {
      port_ = static_cast<uint16_t>(port);
      return Status::Ok();
    }
    int wstatus = 0;
    if (waitpid(pid_, &wstatus, WNOHANG) == pid_) {
      pid_ = -1;
      return Status::Internal("engramd exited during startup; stdout: " + Stdout());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  Kill();
  return Status::DeadlineExceeded("engramd did not write its port file in time");
}

void EngramdProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int wstatus = 0;
  waitpid(pid_, &wstatus, 0);
  pid_ = -1;
}

int EngramdProcess::Terminate(int timeout_ms) {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    int wstatus = 0;
    if (waitpid(pid_, &wstatus, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  Kill();
  return -1;
}

std::string EngramdProcess::Stdout() const {
  std::ifstream in(stdout_file_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int RunCommand(const std::vector<std::string>& argv, std::string* out,
               const std::vector<std::pair<std::string, std::string>>& env) {
  int pipefd[2];
  if (pipe(pipefd) != 0) return -1;
  const pid_t pid = Spawn(argv, env, pipefd[1]);
  close(pipefd[1]);
  std::string data;
  char buf[4096];
  ssize_t n;
  while ((n = read(pipefd[0], buf, sizeof(buf))) > 0) data.append(buf, static_cast<size_t>(n));
  close(pipefd[0]);
  int wstatus = 0;
  waitpid(pid, &wstatus, 0);
  if (out) *out = std::move(data);
  return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
}

}  // namespace engram::testing
