// podgate_benchgen: signed artifacts for the verify benchmark and the signed examples, and
// the libsodium floor the benchmark compares podgate with.
//
//   podgate_benchgen examples DIR
//       Writes DIR/{attachment,detachment,recovery} examples signed with the keys of the
//       signing vectors (node seed 0x29 * 32, participant seed 0x2a * 32). Deterministic:
//       Ed25519 signatures are, so the same program writes the same bytes.
//   podgate_benchgen detachments [--count N] [--binds M] [--attested]
//       Writes N client-instance-detachments as NDJSON to standard output, each embedding a
//       participant bind signed by its participant. With --binds M the N detachments share M
//       binds (M distinct participants, round robin); without it every detachment has its own
//       bind and its own participant key. --attested adds the node attestation.
//   podgate_benchgen baseline [--count N] [--threads T]
//       Verifies N distinct Ed25519 signatures over bind-sized messages with
//       crypto_sign_verify_detached on T threads (default: every core) and prints the
//       wall-clock and CPU (user + system) seconds the verification took: the floor of any
//       verifier of that many signatures.

#include <sodium.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "podgate/keys.h"
#include "podgate/proof.h"

namespace podgate {
namespace {

constexpr std::array<std::uint8_t, 32> Fill(std::uint8_t byte) {
  std::array<std::uint8_t, 32> seed{};
  for (auto& b : seed) b = byte;
  return seed;
}

// A key derived from a label and a number (SHA-256 of both as the seed).
SecretKey DerivedKey(std::string_view label, std::uint64_t n) {
  std::string material(label);
  material.append(reinterpret_cast<const char*>(&n), sizeof n);
  std::array<std::uint8_t, 32> seed{};
  crypto_hash_sha256(seed.data(), reinterpret_cast<const unsigned char*>(material.data()),
                     material.size());
  SecretKey key = SecretKey::FromSeed(seed);
  sodium_memzero(seed.data(), seed.size());
  return key;
}

[[noreturn]] void Die(const Status& status) {
  fmt::print(stderr, "podgate_benchgen: {}\n", status.ToString());
  std::exit(2);
}

std::string Check(Result<std::string> result) {
  if (!result.ok()) Die(result.status());
  return std::move(result).value();
}

// An object printed with two-space indentation; values are raw JSON text.
std::string Pretty(const std::vector<std::pair<std::string, std::string>>& members) {
  std::string out = "{\n";
  for (std::size_t i = 0; i < members.size(); ++i) {
    // Re-indent nested multi-line values by one level.
    std::string value;
    for (char c : members[i].second) {
      value.push_back(c);
      if (c == '\n') value.append("  ");
    }
    out +=
        fmt::format("  \"{}\": {}{}\n", members[i].first, value, i + 1 < members.size() ? "," : "");
  }
  return out + "}";
}

std::string Quoted(std::string_view s) { return fmt::format("\"{}\"", s); }

std::string Bind(const SecretKey& participant, const PublicKey& node, std::string_view bind_id,
                 std::string_view bound_at, std::string_view session) {
  std::string json = Pretty({
      {"schema/v", "1"},
      {"bind/id", Quoted(bind_id)},
      {"bound-at", Quoted(bound_at)},
      {"participant/id", Quoted(participant.public_key().ToId(Role::kParticipant))},
      {"via/node-id", Quoted(node.ToId(Role::kNode))},
      {"session/id", Quoted(session)},
      {"participant/key/alg", Quoted("ed25519")},
      {"participant/key/public", Quoted(participant.public_key().ToMultibase())},
  });
  return Check(SignBind(json, participant));
}

void WriteFile(const std::string& path, std::string_view text) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) Die(Status(Code::kIoError, fmt::format("cannot write {}", path)));
  std::fwrite(text.data(), 1, text.size(), f);
  std::fputc('\n', f);
  std::fclose(f);
}

int Examples(const std::string& dir) {
  ::mkdir(dir.c_str(), 0755);
  SecretKey node = SecretKey::FromSeed(Fill(0x29));
  SecretKey participant = SecretKey::FromSeed(Fill(0x2a));
  PublicKey node_key = node.public_key();
  std::string node_id = Quoted(node_key.ToId(Role::kNode));

  std::string bind = Bind(participant, node_key, "pb:01JQPARTBIND001", "2026-03-28T19:20:00Z",
                          "sess:01JQPARTSESS001");
  std::string attachment = Pretty({
      {"schema/v", "1"},
      {"attachment/id", Quoted("attach:01JQCLIATT001")},
      {"attached-at", Quoted("2026-03-28T19:42:00Z")},
      {"profile/type", Quoted("pod-client")},
      {"serving-node/id", node_id},
      {"client-instance/id", Quoted("client:ios-a13-82d1")},
      {"models/local?", "false"},
      {"session/state", Quoted("attached")},
      {"export/capable?", "true"},
      {"migration/allowed?", "true"},
      {"participant-bind", bind},
  });
  std::string detachment = Check(Attest(Kind::kDetachment,
                                        Pretty({
                                            {"schema/v", "1"},
                                            {"detachment/id", Quoted("detach:01JQCLIDET001")},
                                            {"detached-at", Quoted("2026-03-28T20:05:00Z")},
                                            {"attachment/id", Quoted("attach:01JQCLIATT001")},
                                            {"serving-node/id", node_id},
                                            {"client-instance/id", Quoted("client:ios-a13-82d1")},
                                            {"detach/reason", Quoted("device-loss")},
                                            {"participant-bind", bind},
                                            {"detach/notes", Quoted("Phone lost on the tram")},
                                        }),
                                        node));
  std::string recovery_bind = Bind(participant, node_key, "pb:01JQPARTBIND003",
                                   "2026-03-28T20:24:30Z", "sess:01JQPARTSESS003");
  std::string recovery =
      Check(Attest(Kind::kRecovery,
                   Pretty({
                       {"schema/v", "1"},
                       {"recovery/id", Quoted("recover:01JQCLIREC001")},
                       {"recovered-at", Quoted("2026-03-28T20:25:00Z")},
                       {"serving-node/id", node_id},
                       {"client-instance/id", Quoted("client:ios-a17-19f4")},
                       {"recovery/mode", Quoted("replace-device")},
                       {"recovery/from-detachment-id", Quoted("detach:01JQCLIDET001")},
                       {"recovery/token-ref", Quoted("migrate:01JQMIGRATE001")},
                       {"participant-bind", recovery_bind},
                   }),
                   node));
  WriteFile(dir + "/ios-a13.client-instance-attachment.json", attachment);
  WriteFile(dir + "/ios-a13-lost.client-instance-detachment.json", detachment);
  WriteFile(dir + "/ios-a17-replaces-a13.client-instance-recovery.json", recovery);
  return 0;
}

std::string Compact(std::string_view pretty) {
  // The generated text has no whitespace inside strings: dropping it all is safe.
  std::string out;
  for (char c : pretty) {
    if (c != '\n' && c != ' ') out.push_back(c);
  }
  return out;
}

int Detachments(std::size_t count, std::size_t binds, bool attested) {
  SecretKey node = SecretKey::FromSeed(Fill(0x29));
  PublicKey node_key = node.public_key();
  std::size_t distinct = binds == 0 ? count : binds;
  std::vector<std::string> bind_texts;
  bind_texts.reserve(distinct);
  for (std::size_t i = 0; i < distinct; ++i) {
    SecretKey participant = DerivedKey("podgate-bench-participant", i);
    bind_texts.push_back(Compact(Bind(participant, node_key, fmt::format("pb:B{:010}", i),
                                      "2026-03-28T19:42:00Z", fmt::format("sess:B{:010}", i))));
  }
  std::string line;
  for (std::size_t i = 0; i < count; ++i) {
    line = fmt::format(
        "{{\"schema/v\":1,\"detachment/id\":\"detach:B{:010}\",\"detached-at\":"
        "\"2026-03-28T20:05:00Z\",\"attachment/id\":\"attach:B{:010}\",\"serving-node/id\":\"{}\","
        "\"client-instance/id\":\"client:bench-{}\",\"detach/reason\":\"user-request\","
        "\"participant-bind\":{}}}",
        i, i, node_key.ToId(Role::kNode), i, bind_texts[i % distinct]);
    if (attested) line = Check(Attest(Kind::kDetachment, line, node));
    line.push_back('\n');
    std::fwrite(line.data(), 1, line.size(), stdout);
  }
  return 0;
}

// User + system CPU seconds of this process so far.
double CpuSeconds() {
  struct rusage usage {};
  ::getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

int Baseline(std::size_t count, std::size_t threads) {
  // Messages of the size of a bind's signing input, each signed by its own key.
  struct Triple {
    std::string message;
    std::array<std::uint8_t, 32> key;
    std::array<std::uint8_t, 64> signature;
  };
  // As long as the signing input of the binds `detachments` writes (Ed25519 hashes the
  // message, so its length matters a little).
  SecretKey node = SecretKey::FromSeed(Fill(0x29));
  std::string sample =
      Bind(DerivedKey("podgate-bench-participant", 0), node.public_key(),
           fmt::format("pb:B{:010}", 0), "2026-03-28T19:42:00Z", fmt::format("sess:B{:010}", 0));
  std::size_t length = Check(SigningInput(Domain::kParticipantBind, sample)).size();
  std::string_view domain = DomainName(Domain::kParticipantBind);
  std::vector<Triple> triples(count);
  for (std::size_t i = 0; i < count; ++i) {
    SecretKey key = DerivedKey("podgate-bench-baseline", i);
    Triple& t = triples[i];
    t.message = fmt::format("{}{:0>{}}", domain, i, length - domain.size());
    t.key = key.public_key().bytes;
    crypto_sign_detached(t.signature.data(), nullptr,
                         reinterpret_cast<const unsigned char*>(t.message.data()), t.message.size(),
                         key.secret_bytes().data());
  }
  std::atomic<std::size_t> next{0}, failures{0};
  double cpu_start = CpuSeconds();
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (std::size_t w = 0; w < threads; ++w) {
    pool.emplace_back([&] {
      for (std::size_t i; (i = next.fetch_add(1)) < count;) {
        const Triple& t = triples[i];
        if (crypto_sign_verify_detached(t.signature.data(),
                                        reinterpret_cast<const unsigned char*>(t.message.data()),
                                        t.message.size(), t.key.data()) != 0) {
          failures.fetch_add(1);
        }
      }
    });
  }
  for (auto& t : pool) t.join();
  std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  double cpu = CpuSeconds() - cpu_start;
  if (failures.load() != 0) {
    fmt::print(stderr, "podgate_benchgen: {} signatures failed\n", failures.load());
    return 1;
  }
  fmt::print("{:.6f} {:.6f}\n", elapsed.count(), cpu);
  return 0;
}

int Usage() {
  fmt::print(stderr,
             "usage: podgate_benchgen examples DIR\n"
             "       podgate_benchgen detachments [--count N] [--binds M] [--attested]\n"
             "       podgate_benchgen baseline [--count N] [--threads T]\n");
  return 2;
}

int Main(int argc, char** argv) {
  if (sodium_init() < 0 || argc < 2) return Usage();
  std::string mode = argv[1];
  std::size_t count = 20000, binds = 0;
  std::size_t threads = std::max(1u, std::thread::hardware_concurrency());
  bool attested = false;
  std::vector<std::string> positional;
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    auto number = [&]() -> std::size_t {
      if (i + 1 >= argc) std::exit(Usage());
      return std::stoul(argv[++i]);
    };
    if (arg == "--count") {
      count = number();
    } else if (arg == "--binds") {
      binds = number();
    } else if (arg == "--threads") {
      threads = std::max<std::size_t>(1, number());
    } else if (arg == "--attested") {
      attested = true;
    } else {
      positional.push_back(arg);
    }
  }
  if (mode == "examples" && positional.size() == 1) return Examples(positional[0]);
  if (mode == "detachments" && positional.empty()) return Detachments(count, binds, attested);
  if (mode == "baseline" && positional.empty()) return Baseline(count, threads);
  return Usage();
}

}  // namespace
}  // namespace podgate

int main(int argc, char** argv) { return podgate::Main(argc, argv); }
