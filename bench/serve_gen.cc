// podgate_servegen: inputs and the crypto floor for bench/serve.sh.
//
//   podgate_servegen artifacts --node-key FILE --count N --out DIR [--participants P]
//       Writes DIR/attachments.ndjson and DIR/detachments.ndjson: N attachments and the N
//       detachments that end them (reason user-request), one compact artifact per line, for
//       the node of FILE. Every artifact embeds its own participant-bind, signed by one of P
//       participants (default 1000): attachment i and detachment i have distinct binds, so
//       admitting a detachment costs a real signature verification (no proof-cache hit).
//   podgate_servegen floor --count N [--threads T]
//       The crypto an operator-posted detachment needs, and nothing else: one Ed25519
//       verification of a distinct bind signature plus one Ed25519 signature (the node
//       attestation), N times over T threads (default: every core). Prints operations per
//       second (wall) and CPU seconds per operation.

#include <sodium.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "podgate/keys.h"
#include "podgate/proof.h"

namespace podgate {
namespace {

// User + system CPU seconds of this process so far.
double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

SecretKey DerivedKey(std::uint64_t n) {
  std::array<std::uint8_t, 32> seed{};
  std::string material = fmt::format("podgate-servegen-participant-{}", n);
  crypto_hash_sha256(seed.data(), reinterpret_cast<const unsigned char*>(material.data()),
                     material.size());
  return SecretKey::FromSeed(seed);
}

std::string Bind(const SecretKey& participant, const std::string& node_id, std::string_view id) {
  PublicKey pub = participant.public_key();
  std::string bind = fmt::format(
      R"({{"schema/v":1,"bind/id":"{}","bound-at":"2026-03-28T19:20:00Z","participant/id":"{}","via/node-id":"{}","session/id":"sess:{}","participant/key/alg":"ed25519","participant/key/public":"{}"}})",
      id, pub.ToId(Role::kParticipant), node_id, id, pub.ToMultibase());
  return SignBind(bind, participant).value();
}

int Artifacts(const std::string& node_key, std::size_t count, std::size_t participants,
              const std::string& out) {
  auto key = LoadSecretKey(node_key);
  if (!key.ok()) {
    fmt::print(stderr, "podgate_servegen: {}\n", key.status().ToString());
    return 2;
  }
  std::string node = key->public_key().ToId(Role::kNode);
  std::vector<SecretKey> keys;
  for (std::size_t p = 0; p < participants; ++p) keys.push_back(DerivedKey(p));
  std::ofstream attachments(out + "/attachments.ndjson");
  std::ofstream detachments(out + "/detachments.ndjson");
  for (std::size_t i = 0; i < count; ++i) {
    const SecretKey& participant = keys[i % participants];
    std::string a_bind = Bind(participant, node, fmt::format("pb:a{}", i));
    std::string d_bind = Bind(participant, node, fmt::format("pb:d{}", i));
    attachments
        << fmt::format(
               R"({{"schema/v":1,"attachment/id":"attach:{}","attached-at":"2026-03-28T19:42:00Z","profile/type":"pod-client","serving-node/id":"{}","client-instance/id":"client:{}","models/local?":false,"session/state":"attached","export/capable?":true,"migration/allowed?":true,"participant-bind":{}}})",
               i, node, i, a_bind)
        << '\n';
    detachments
        << fmt::format(
               R"({{"schema/v":1,"detachment/id":"detach:{}","detached-at":"2026-03-28T20:05:00Z","attachment/id":"attach:{}","serving-node/id":"{}","client-instance/id":"client:{}","detach/reason":"user-request","participant-bind":{}}})",
               i, i, node, i, d_bind)
        << '\n';
  }
  return attachments.good() && detachments.good() ? 0 : 2;
}

int Floor(std::size_t count, unsigned threads) {
  if (sodium_init() < 0) return 2;
  // Distinct keys, messages (bind- and detachment-sized) and signatures, made before timing.
  struct Item {
    std::array<unsigned char, 32> pk;
    std::string bind;
    std::array<unsigned char, 64> sig;
    std::string detachment;
  };
  std::vector<Item> items(count);
  std::array<unsigned char, 64> node_sk{};
  std::array<unsigned char, 32> node_pk{};
  crypto_sign_keypair(node_pk.data(), node_sk.data());
  for (std::size_t i = 0; i < count; ++i) {
    std::array<unsigned char, 64> sk{};
    crypto_sign_keypair(items[i].pk.data(), sk.data());
    items[i].bind = fmt::format("participant-bind.v1{:0>400}", i);
    items[i].detachment = fmt::format("client-instance-detachment.v1{:0>900}", i);
    crypto_sign_detached(items[i].sig.data(), nullptr,
                         reinterpret_cast<const unsigned char*>(items[i].bind.data()),
                         items[i].bind.size(), sk.data());
  }
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> failures{0};
  double cpu_start = CpuSeconds();
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      std::array<unsigned char, 64> attestation{};
      while (true) {
        std::size_t i = next.fetch_add(1);
        if (i >= count) break;
        const Item& it = items[i];
        if (crypto_sign_verify_detached(it.sig.data(),
                                        reinterpret_cast<const unsigned char*>(it.bind.data()),
                                        it.bind.size(), it.pk.data()) != 0) {
          failures.fetch_add(1);
        }
        crypto_sign_detached(attestation.data(), nullptr,
                             reinterpret_cast<const unsigned char*>(it.detachment.data()),
                             it.detachment.size(), node_sk.data());
      }
    });
  }
  for (auto& w : workers) w.join();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double cpu = CpuSeconds() - cpu_start;
  if (failures.load() != 0) return 1;
  fmt::print("{:.0f} {:.9f}\n", static_cast<double>(count) / seconds,
             cpu / static_cast<double>(count));
  return 0;
}

}  // namespace
}  // namespace podgate

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto flag = [&](std::string_view name, std::string fallback) {
    for (std::size_t i = 0; i + 1 < args.size(); ++i) {
      if (args[i] == name) return args[i + 1];
    }
    return fallback;
  };
  if (!args.empty() && args[0] == "artifacts") {
    return podgate::Artifacts(flag("--node-key", ""), std::stoul(flag("--count", "10000")),
                              std::stoul(flag("--participants", "1000")), flag("--out", "."));
  }
  if (!args.empty() && args[0] == "floor") {
    unsigned threads = std::stoul(
        flag("--threads", std::to_string(std::max(1u, std::thread::hardware_concurrency()))));
    return podgate::Floor(std::stoul(flag("--count", "20000")), threads);
  }
  std::fprintf(stderr, "usage: podgate_servegen artifacts|floor ... (see bench/serve_gen.cc)\n");
  return 2;
}
