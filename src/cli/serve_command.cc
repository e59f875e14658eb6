// podgate serve: the gate as an HTTP service (DESIGN.md section 4; src/server/; openapi.yaml).
//
// Start-up: open (creating) the ledger, load the node key (creating ./var/node.pem-style files
// on first run, mode 0600), load the operator token (creating it likewise), build the gate
// behind its group-commit thread, a pool of read connections, and the HTTP server; print the
// node id, the listen address and where the operator token is; serve until SIGTERM/SIGINT;
// then stop accepting, finish requests in flight, drain the admission queue and exit 0.

#include <malloc.h>
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "cli/commands.h"
#include "podgate/gate.h"
#include "podgate/keys.h"
#include "podgate/ledger.h"
#include "podgate/proof.h"
#include "server/access_log.h"
#include "server/api.h"
#include "server/auth.h"
#include "server/duration.h"
#include "server/http_server.h"
#include "server/ledger_backend.h"
#include "server/metrics.h"

namespace podgate::cli {
namespace {

int Fail(const Status& status) {
  fmt::print(stderr, "podgate serve: {}\n", status.ToString());
  return 2;
}

// Creates the directory that will hold `path` (mode 0700) when it is missing.
Status EnsureParentDirectory(const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) return Status::Ok();
  std::error_code ec;
  if (std::filesystem::exists(parent, ec)) return Status::Ok();
  std::filesystem::create_directories(parent, ec);
  if (ec) {
    return Status(Code::kIoError,
                  fmt::format("cannot create the directory {}: {}", parent.string(), ec.message()));
  }
  std::filesystem::permissions(parent, std::filesystem::perms::owner_all, ec);
  return Status::Ok();
}

bool Exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// "HOST:PORT" or "[V6]:PORT".
Status ParseListen(std::string_view text, server::ServerOptions* options) {
  std::string_view host, port;
  if (text.starts_with('[')) {
    std::size_t close = text.find("]:");
    if (close == std::string_view::npos) {
      return Status(Code::kUsage, fmt::format("--listen \"{}\" is not [ADDRESS]:PORT", text));
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      return Status(Code::kUsage, fmt::format("--listen \"{}\" is not HOST:PORT", text));
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || value > 65535 || host.empty()) {
    return Status(Code::kUsage, fmt::format("--listen \"{}\" is not HOST:PORT", text));
  }
  options->host = std::string(host == "localhost" ? "127.0.0.1" : host);
  options->port = static_cast<std::uint16_t>(value);
  return Status::Ok();
}

Result<std::chrono::milliseconds> Duration(std::string_view flag, const std::string& text) {
  auto d = server::ParseDuration(text);
  if (!d.ok()) return Status(Code::kUsage, fmt::format("{}: {}", flag, d.status().message()));
  return d;
}

}  // namespace

// glibc returns the free top of a thread's malloc arena to the kernel (madvise) as soon as it
// passes the trim threshold; on the commit thread, whose batches allocate and free a few
// hundred kilobytes each, that was about 5 % of the server's CPU, mostly the TLB shoot-downs
// the madvise sends to the other cores. A server keeps its peak: trim only above 256 MiB
// (bench/serve.sh, docs/PERFORMANCE.md: 128-133 us of CPU per admission against 144-151).
constexpr int kMallocTrimThreshold = 256 << 20;

int RunServe(const ServeOptions& options) {
  ::signal(SIGPIPE, SIG_IGN);
  ::mallopt(M_TRIM_THRESHOLD, kMallocTrimThreshold);

  server::ServerOptions http;
  if (Status s = ParseListen(options.listen, &http); !s.ok()) return Fail(s);
  http.threads = options.threads;
  http.max_body_bytes = options.max_body_bytes;
  http.max_header_bytes = options.max_header_bytes;
  http.max_connections = options.max_connections;
  auto request_timeout = Duration("--request-timeout", options.request_timeout);
  if (!request_timeout.ok()) return Fail(request_timeout.status());
  http.request_timeout = *request_timeout;
  auto idle_timeout = Duration("--idle-timeout", options.idle_timeout);
  if (!idle_timeout.ok()) return Fail(idle_timeout.status());
  http.idle_timeout = *idle_timeout;

  std::int64_t ttl_seconds = -1;
  std::chrono::milliseconds expiry_interval{0};
  if (!options.session_ttl.empty()) {
    auto ttl = Duration("--session-ttl", options.session_ttl);
    if (!ttl.ok()) return Fail(ttl.status());
    if (ttl->count() < 1000) return Fail(Status(Code::kUsage, "--session-ttl must be at least 1s"));
    ttl_seconds = ttl->count() / 1000;
    expiry_interval =
        std::clamp(*ttl / 10, std::chrono::milliseconds(1000), std::chrono::milliseconds(60'000));
    if (!options.expiry_interval.empty()) {
      auto every = Duration("--expiry-interval", options.expiry_interval);
      if (!every.ok()) return Fail(every.status());
      if (every->count() < 10) {
        return Fail(Status(Code::kUsage, "--expiry-interval must be at least 10ms"));
      }
      expiry_interval = *every;
    }
  }

  server::AccessLog log;
  if (Status s = log.Open(options.access_log); !s.ok()) return Fail(s);

  // The ledger, created on first run.
  if (options.db.starts_with("sqlite:") && options.db != "sqlite::memory:") {
    if (Status s = EnsureParentDirectory(options.db.substr(7)); !s.ok()) return Fail(s);
  }
  auto ledger = OpenLedger(options.db);
  if (!ledger.ok()) return Fail(ledger.status());
  int threads = http.threads > 0
                    ? http.threads
                    : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  auto reads = server::LedgerReadModel::Open(options.db, static_cast<std::size_t>(threads) + 1);
  if (!reads.ok()) return Fail(reads.status());

  // The node key, created on first run.
  bool key_created = false;
  if (!Exists(options.node_key)) {
    if (Status s = EnsureParentDirectory(options.node_key); !s.ok()) return Fail(s);
    if (Status s = SaveSecretKey(SecretKey::Generate(), options.node_key); !s.ok()) return Fail(s);
    key_created = true;
  }
  auto key = LoadSecretKey(options.node_key);
  if (!key.ok()) return Fail(key.status());
  std::string node_id = key->public_key().ToId(Role::kNode);

  // The operator token, created on first run.
  bool token_created = false;
  Result<server::OperatorToken> token = Status(Code::kInternal, "unset");
  if (!Exists(options.operator_token_file)) {
    if (Status s = EnsureParentDirectory(options.operator_token_file); !s.ok()) return Fail(s);
    token = server::OperatorToken::Create(options.operator_token_file);
    token_created = true;
  } else {
    token = server::OperatorToken::Load(options.operator_token_file);
  }
  if (!token.ok()) return Fail(token.status());

  // The gate behind its group-commit thread; the HTTP workers prepare its admissions (layers
  // 1 to 3, facts, digest, attestation: gate.h), so that thread only decides and records.
  auto cache = std::make_shared<ProofCache>();
  GateOptions gate_options;
  gate_options.node_id = node_id;
  gate_options.skew_seconds = options.skew_seconds;
  gate_options.validator.max_bytes = options.max_body_bytes;
  gate_options.retention.max_count = options.retain_max_count;
  gate_options.retention.max_age_seconds = options.retain_max_age_seconds;
  auto gate = Gate::Create(gate_options, ledger->get(), std::move(key.value()), cache);
  if (!gate.ok()) {
    // A key this start created and the gate refused (the ledger is another node's: a lost key
    // replaced) goes again, so that the file is missing, as found, for the old one to return.
    if (key_created) std::remove(options.node_key.c_str());
    return Fail(gate.status());
  }

  server::Notifier notifier;
  server::Metrics metrics;
  // Answers are built and sent on the HTTP workers, not on the commit thread.
  server::Server* http_server_ptr = nullptr;
  auto completer = [&http_server_ptr](std::function<void()> task) {
    if (http_server_ptr != nullptr) {
      http_server_ptr->Post(std::move(task));
    } else {
      task();
    }
  };
  // Set by the first configuration error while serving: the ledger turned out to be another
  // node's (gates of different keys started on an empty ledger, and the other committed
  // first), or a PostgreSQL ledger reconnected to a database podgate cannot use. Retrying does
  // not cure one, so the server stops, as start-up would have refused, and exits 2 saying why.
  std::mutex refusal_mu;
  std::optional<Status> refusal;
  auto refuse = [&refusal_mu, &refusal, &http_server_ptr, &log](const Status& status) {
    if (status.code() != Code::kConfig) return;
    {
      std::lock_guard lock(refusal_mu);
      if (refusal) return;
      refusal = status;
    }
    // Said now, not only at exit: the shutdown may take the grace period to drain.
    log.Event("config-error", "stopping: " + status.message());
    if (http_server_ptr != nullptr) http_server_ptr->Shutdown();
  };
  server::GateAdmitter admitter(
      std::move(ledger.value()), std::move(gate.value()), NowUtc, &notifier, options.batch,
      completer,
      [&metrics, &refuse](std::size_t admissions, double seconds, const Status& outcome) {
        metrics.ObserveGroupCommit(admissions, seconds);
        refuse(outcome);
      });
  std::atomic<std::uint64_t> expired_total{0};
  server::ReadModel* read_model = reads->get();
  metrics.AddSampler(
      "podgate_ledger_last_sequence",
      "Sequence number of the latest fact in the ledger (the number of facts recorded).", "gauge",
      [&admitter, read_model] {
        auto last = server::LastSequence(read_model, admitter.last_seq());
        return last.ok() ? static_cast<double>(*last) : -1.0;
      });
  metrics.AddSampler("podgate_group_commits_total", "Batches committed by the gate.", "counter",
                     [&admitter] { return static_cast<double>(admitter.batches()); });
  metrics.AddSampler("podgate_proof_cache_hits_total",
                     "Signature checks answered by the verified-proof cache.", "counter",
                     [cache] { return static_cast<double>(cache->hits()); });
  metrics.AddSampler("podgate_proof_cache_misses_total",
                     "Signature checks the verified-proof cache did not hold.", "counter",
                     [cache] { return static_cast<double>(cache->misses()); });
  metrics.AddSampler("podgate_session_expiry_minted_total",
                     "session-expired detachments minted by the gate.", "counter",
                     [&expired_total] { return static_cast<double>(expired_total.load()); });

  server::ApiOptions api_options;
  api_options.node_id = node_id;
  api_options.skew_seconds = options.skew_seconds;
  server::Api api(api_options, &admitter, reads->get(), &token.value(), &metrics, NowUtc);

  server::Server http_server(http, &api, &metrics, &log, &notifier);
  http_server_ptr = &http_server;
  if (Status s = http_server.Listen(); !s.ok()) return Fail(s);
  // Facts that other gate processes commit to a shared (PostgreSQL) ledger wake this
  // process's event streams too (LISTEN/NOTIFY); a no-op for SQLite.
  auto watch = WatchLedger(options.db, [&notifier] { notifier.Notify(); });
  if (!watch.ok()) return Fail(watch.status());

  auto expire = [&admitter, &log, &expired_total, &refuse, ttl_seconds] {
    admitter.ExpireSessions(
        ttl_seconds, [&log, &expired_total, &refuse](Result<std::size_t> minted) {
          if (!minted.ok()) {
            log.Event("session-expiry", minted.status().ToString());
            refuse(minted.status());
          } else if (*minted > 0) {
            expired_total.fetch_add(*minted);
            log.Event("session-expiry",
                      fmt::format("minted {} session-expired detachment(s)", *minted));
          }
        });
  };
  http_server.Every(std::chrono::milliseconds(200), [&log] { log.Flush(); });
  if (ttl_seconds >= 0) {
    expire();
    http_server.Every(expiry_interval, expire);
  }

  std::string host = http.host.find(':') != std::string::npos ? "[" + http.host + "]" : http.host;
  fmt::print("podgate serve: node id {}{}\n", node_id,
             key_created ? fmt::format(" (new key written to {})", options.node_key)
                         : fmt::format(" (key {})", options.node_key));
  fmt::print("podgate serve: listening on http://{}:{}\n", host, http_server.port());
  fmt::print(
      "podgate serve: operator token in {}{}; send it as \"Authorization: Bearer "
      "<token>\"\n",
      options.operator_token_file, token_created ? " (created now, mode 0600)" : "");
  fmt::print("podgate serve: ledger {}; session ttl {}\n", RedactLedgerUrl(options.db),
             ttl_seconds >= 0 ? fmt::format("{} ({} s)", options.session_ttl, ttl_seconds)
                              : std::string("off"));
  std::fflush(stdout);
  log.Event("start", fmt::format("listening on {}:{}", host, http_server.port()));

  http_server.Run(/*handle_signals=*/true);
  admitter.Drain();
  // Every thread that could refuse has been joined (Run, Drain): no lock needed to read it.
  if (refusal) {
    // The node key stays, even one this start created: unlike a refusal at start-up, this gate
    // may have signed receipts before the error.
    log.Event("stop", "configuration error: " + refusal->message());
    log.Flush();
    return Fail(*refusal);
  }
  log.Event("stop", "every admission answered and committed; bye");
  return 0;
}

}  // namespace podgate::cli
