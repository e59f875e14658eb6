// podgate_admitgen: inputs and the crypto floor of the admit benchmark (bench/admit.sh).
//
//   podgate_admitgen pairs --count N --dir DIR
//       Writes DIR/node.pem (the gate's key, mode 0600), DIR/node.id (its node identity) and
//       DIR/pairs.ndjson: N attachments, each followed by its detachment (user-request), every
//       pair with its own participant key and its own signed bind. Admitting a pair costs one
//       bind verification (the detachment carries the same bind: a proof-cache hit) and one
//       node attestation.
//   podgate_admitgen floor --count N
//       The crypto floor of admitting N pairs on one thread: N Ed25519 verifications of
//       bind-sized messages and N Ed25519 signatures of detachment-sized messages with plain
//       libsodium calls (crypto_sign_verify_detached, crypto_sign_detached), timed alone.
//       Prints the loop's wall-clock and CPU (user + system) seconds: "WALL CPU".

#include <sodium.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "json/writer.h"
#include "podgate/keys.h"
#include "podgate/proof.h"

namespace podgate {
namespace {

SecretKey KeyOf(std::uint64_t n, std::uint8_t domain) {
  std::array<std::uint8_t, 32> seed{};
  std::memcpy(seed.data(), &n, sizeof n);
  seed[31] = domain;
  return SecretKey::FromSeed(seed);
}

int Pairs(std::uint64_t count, const std::string& dir) {
  SecretKey node = KeyOf(0, 0x4e);
  std::string node_id = node.public_key().ToId(Role::kNode);
  if (Status s = SaveSecretKey(node, dir + "/node.pem"); !s.ok()) {
    fmt::print(stderr, "podgate_admitgen: {}\n", s.ToString());
    return 2;
  }
  std::ofstream(dir + "/node.id") << node_id << '\n';
  std::ofstream out(dir + "/pairs.ndjson", std::ios::binary | std::ios::trunc);
  std::string bind, line;
  for (std::uint64_t i = 0; i < count; ++i) {
    SecretKey participant = KeyOf(i, 0x50);
    bind.clear();
    json::Writer b(&bind);
    b.BeginObject()
        .Key("schema/v")
        .Int(1)
        .Key("bind/id")
        .String(fmt::format("pb:{:08}", i))
        .Key("bound-at")
        .String("2026-03-28T19:20:00Z")
        .Key("participant/id")
        .String(participant.public_key().ToId(Role::kParticipant))
        .Key("via/node-id")
        .String(node_id)
        .Key("session/id")
        .String(fmt::format("sess:{:08}", i))
        .Key("participant/key/alg")
        .String("ed25519")
        .Key("participant/key/public")
        .String(participant.public_key().ToMultibase())
        .EndObject();
    auto signed_bind = SignBind(bind, participant);
    if (!signed_bind.ok()) {
      fmt::print(stderr, "podgate_admitgen: {}\n", signed_bind.status().ToString());
      return 2;
    }
    std::string attachment = fmt::format("attach:{:08}", i);
    std::string client = fmt::format("client:{:08}", i);
    line.clear();
    json::Writer a(&line);
    a.BeginObject()
        .Key("schema/v")
        .Int(1)
        .Key("attachment/id")
        .String(attachment)
        .Key("attached-at")
        .String("2026-03-28T19:42:00Z")
        .Key("profile/type")
        .String("pod-client")
        .Key("serving-node/id")
        .String(node_id)
        .Key("client-instance/id")
        .String(client)
        .Key("session/state")
        .String("attached")
        .Key("export/capable?")
        .Bool(true)
        .Key("migration/allowed?")
        .Bool(true)
        .Key("participant-bind")
        .Raw(*signed_bind)
        .EndObject();
    line.push_back('\n');
    json::Writer d(&line);
    d.BeginObject()
        .Key("schema/v")
        .Int(1)
        .Key("detachment/id")
        .String(fmt::format("detach:{:08}", i))
        .Key("detached-at")
        .String("2026-03-28T20:05:00Z")
        .Key("attachment/id")
        .String(attachment)
        .Key("serving-node/id")
        .String(node_id)
        .Key("client-instance/id")
        .String(client)
        .Key("detach/reason")
        .String("user-request")
        .Key("participant-bind")
        .Raw(*signed_bind)
        .EndObject();
    line.push_back('\n');
    out << line;
  }
  return out ? 0 : 2;
}

int Floor(std::uint64_t count) {
  if (sodium_init() < 0) return 2;
  // 1024 distinct keys, messages and signatures, cycled: libsodium caches nothing, so every
  // verification costs the same as a fresh one.
  constexpr std::size_t kSet = 1024;
  std::vector<std::array<unsigned char, 32>> pks(kSet);
  std::vector<std::array<unsigned char, 64>> sks(kSet);
  std::vector<std::string> binds(kSet), detachments(kSet);
  std::vector<std::array<unsigned char, 64>> sigs(kSet);
  for (std::size_t i = 0; i < kSet; ++i) {
    crypto_sign_keypair(pks[i].data(), sks[i].data());
    binds[i] = std::string(420, static_cast<char>('a' + i % 26));        // a bind's signing input
    detachments[i] = std::string(900, static_cast<char>('A' + i % 26));  // a detachment's
    crypto_sign_detached(sigs[i].data(), nullptr,
                         reinterpret_cast<const unsigned char*>(binds[i].data()), binds[i].size(),
                         sks[i].data());
  }
  unsigned char out[64];
  std::uint64_t bad = 0;
  auto cpu = [] {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  };
  double cpu_start = cpu();
  auto start = std::chrono::steady_clock::now();
  for (std::uint64_t n = 0; n < count; ++n) {
    std::size_t i = n % kSet;
    bad += crypto_sign_verify_detached(sigs[i].data(),
                                       reinterpret_cast<const unsigned char*>(binds[i].data()),
                                       binds[i].size(), pks[i].data()) != 0;
    crypto_sign_detached(out, nullptr,
                         reinterpret_cast<const unsigned char*>(detachments[i].data()),
                         detachments[i].size(), sks[(i + 1) % kSet].data());
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double cpu_seconds = cpu() - cpu_start;
  if (bad != 0) return 2;
  fmt::print("{:.3f} {:.3f}\n", seconds, cpu_seconds);
  return 0;
}

}  // namespace
}  // namespace podgate

int main(int argc, char** argv) {
  if (argc < 4 || std::strcmp(argv[2], "--count") != 0) {
    std::fprintf(stderr, "usage: podgate_admitgen pairs --count N --dir DIR | floor --count N\n");
    return 2;
  }
  std::uint64_t count = std::strtoull(argv[3], nullptr, 10);
  std::string mode = argv[1];
  if (mode == "pairs" && argc == 6 && std::strcmp(argv[4], "--dir") == 0) {
    return podgate::Pairs(count, argv[5]);
  }
  if (mode == "floor") return podgate::Floor(count);
  std::fprintf(stderr, "usage: podgate_admitgen pairs --count N --dir DIR | floor --count N\n");
  return 2;
}
