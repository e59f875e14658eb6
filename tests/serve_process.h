// A `podgate serve` child process for the end-to-end tests: the real binary (PODGATE_BINARY)
// on 127.0.0.1 and a free port, with the node key and operator token of a test directory.
// The constructor returns once the server printed its listen address (port() > 0), or once it
// exited without (port() == 0, startup() says why). The server dies with its test
// (PR_SET_PDEATHSIG): a test that dies (a sanitizer's halt, a crash) would otherwise leave it
// holding CTest's output pipe, and the run would hang.
//
// Thread safety: const members may be called from any thread; Stop() from one.

#ifndef PODGATE_TESTS_SERVE_PROCESS_H_
#define PODGATE_TESTS_SERVE_PROCESS_H_

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace podgate::serve_test {

class ServeProcess {
 public:
  // `podgate serve --db DB --listen 127.0.0.1:0 --node-key DIR/node.pem
  // --operator-token-file DIR/operator.token --access-log ACCESS_LOG --threads 2 EXTRA...`
  ServeProcess(const std::string& dir, const std::string& db, const std::string& access_log,
               const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {PODGATE_BINARY,
                                     "serve",
                                     "--db",
                                     db,
                                     "--listen",
                                     "127.0.0.1:0",
                                     "--node-key",
                                     dir + "/node.pem",
                                     "--operator-token-file",
                                     dir + "/operator.token",
                                     "--access-log",
                                     access_log,
                                     "--threads",
                                     "2"};
    args.insert(args.end(), extra.begin(), extra.end());
    int out[2];
    if (::pipe(out) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      ::dup2(out[1], 1);
      ::close(out[0]);
      ::close(out[1]);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    // Start-up lines until the listen address (or EOF: the server refused to start).
    constexpr std::string_view kListening = "listening on http://127.0.0.1:";
    char buffer[512];
    while (port_ == 0) {
      ssize_t n = ::read(out[0], buffer, sizeof buffer);
      if (n <= 0) break;
      startup_.append(buffer, static_cast<std::size_t>(n));
      std::size_t at = startup_.find(kListening);
      std::size_t end = at == std::string::npos ? at : startup_.find('\n', at);
      if (end != std::string::npos) {
        port_ = static_cast<std::uint16_t>(
            std::stoi(startup_.substr(at + kListening.size(), end - at - kListening.size())));
      }
    }
    out_fd_ = out[0];
  }
  ~ServeProcess() {
    if (pid_ > 0 && !stopped_) Stop();
    if (out_fd_ >= 0) ::close(out_fd_);
  }
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  // SIGTERM, then the exit status (-1, after SIGKILL, when it did not exit within `patience`).
  int Stop(std::chrono::milliseconds patience = std::chrono::seconds(30)) {
    ::kill(pid_, SIGTERM);
    return WaitExit(patience);
  }

  // The exit status once the server exits (-1, after SIGKILL, when it has not within
  // `patience`).
  int WaitExit(std::chrono::milliseconds patience) {
    stopped_ = true;
    for (auto waited = std::chrono::milliseconds(0); waited < patience;
         waited += std::chrono::milliseconds(10)) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    return -1;
  }

  bool Alive() const { return pid_ > 0 && ::kill(pid_, 0) == 0; }
  std::uint16_t port() const { return port_; }
  const std::string& startup() const { return startup_; }

 private:
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  int out_fd_ = -1;
  bool stopped_ = false;
  std::string startup_;
};

}  // namespace podgate::serve_test

#endif  // PODGATE_TESTS_SERVE_PROCESS_H_
