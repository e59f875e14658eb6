// Benchmarks of the signing profile: building a signing input, verifying an artifact with and
// without the proof cache, and the parts of a cache hit. The detachment vector (a bind with its
// participant signature, attested by the node) is the input throughout.

#include <fstream>
#include <sstream>

#include <sodium.h>

#include <benchmark/benchmark.h>
#include <simdjson.h>

#include "codec/base58.h"
#include "lifecycle/facts.h"
#include "podgate/keys.h"
#include "podgate/proof.h"
#include "proof/cache.h"
#include "proof/signing.h"

namespace podgate {
namespace {

std::string VectorArtifact() {
  std::ifstream in(PODGATE_TEST_DATA "/vectors/client-instance-detachment-attestation.json");
  std::stringstream buffer;
  buffer << in.rdbuf();
  simdjson::dom::parser parser;
  std::string text = buffer.str();
  return simdjson::minify(parser.parse(text)["signed-artifact"]);
}

void BM_SigningInput(benchmark::State& state) {
  std::string artifact = VectorArtifact();
  json::Parser parser;
  json::Element root;
  if (!parser.ParseCopy(artifact, &root).ok()) state.SkipWithError("vector does not parse");
  proof::SigningInputBuilder builder;
  std::string input;
  for (auto _ : state) {
    builder.Build(Domain::kDetachment, root.get_object().value_unsafe(), &input);
    benchmark::DoNotOptimize(input.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * input.size()));
}
BENCHMARK(BM_SigningInput);

// Layers 1 to 3 with two Ed25519 verifications per artifact (no cache).
void BM_VerifyUncached(benchmark::State& state) {
  std::string artifact = VectorArtifact();
  Verifier verifier(nullptr);
  for (auto _ : state) {
    Report report = verifier.Verify(artifact);
    if (!report.ok()) state.SkipWithError("vector does not verify");
  }
}
BENCHMARK(BM_VerifyUncached);

// The same artifact again and again: both signatures hit the cache.
void BM_VerifyCacheHit(benchmark::State& state) {
  std::string artifact = VectorArtifact();
  auto cache = std::make_shared<ProofCache>();
  Verifier verifier(cache);
  for (auto _ : state) {
    Report report = verifier.Verify(artifact);
    if (!report.ok()) state.SkipWithError("vector does not verify");
  }
  state.counters["hit_ratio"] =
      static_cast<double>(cache->hits()) / static_cast<double>(cache->hits() + cache->misses());
}
BENCHMARK(BM_VerifyCacheHit);

// Layers 1 and 2 alone, for comparison.
void BM_ValidateOnly(benchmark::State& state) {
  std::string artifact = VectorArtifact();
  Validator validator;
  for (auto _ : state) benchmark::DoNotOptimize(validator.Validate(artifact).code);
}
BENCHMARK(BM_ValidateOnly);

// 256 binds, each signed by its own participant key, as bench/benchgen.cc writes them.
struct DistinctBinds {
  DistinctBinds() {
    std::array<std::uint8_t, 32> node_seed{};
    node_seed.fill(0x29);
    std::string node = SecretKey::FromSeed(node_seed).public_key().ToId(Role::kNode);
    for (std::uint8_t i = 0; i < 255; ++i) {
      std::array<std::uint8_t, 32> seed{};
      seed.fill(i);
      seed[0] = 0x42;
      SecretKey key = SecretKey::FromSeed(seed);
      PublicKey pub = key.public_key();
      std::string bind = "{\"schema/v\":1,\"bind/id\":\"pb:B" + std::to_string(1000000000 + i) +
                         "\",\"bound-at\":\"2026-03-28T19:42:00Z\",\"participant/id\":\"" +
                         pub.ToId(Role::kParticipant) + "\",\"via/node-id\":\"" + node +
                         "\",\"session/id\":\"sess:B" + std::to_string(1000000000 + i) +
                         "\",\"participant/key/alg\":\"ed25519\",\"participant/key/public\":\"" +
                         pub.ToMultibase() + "\"}";
      auto signed_bind = SignBind(bind, key);
      auto input = SigningInput(Domain::kParticipantBind, bind);
      if (!signed_bind.ok() || !input.ok()) continue;
      binds.push_back(*signed_bind);
      inputs.push_back(*input);
      keys.push_back(pub);
      std::string sig = signed_bind->substr(signed_bind->rfind(':') + 2, 86);
      signatures.push_back(*Base64UrlDecode(sig));
    }
  }
  std::vector<std::string> binds, inputs, signatures;
  std::vector<PublicKey> keys;
};

// Layers 1-3 of distinct binds: every signature is a cache miss (a cache of 8 entries cycled
// through by 255 binds), so this is the whole verify path: parse, schema, did:key, CBOR,
// BLAKE2b-256 of the triple, Ed25519, insertion.
void BM_VerifyDistinctBinds(benchmark::State& state) {
  static const DistinctBinds data;
  Verifier verifier(std::make_shared<ProofCache>(8));
  std::size_t i = 0;
  for (auto _ : state) {
    if (!verifier.Verify(data.binds[i]).ok()) state.SkipWithError("bind does not verify");
    i = (i + 1) % data.binds.size();
  }
}
BENCHMARK(BM_VerifyDistinctBinds);

// The floor of the above: crypto_sign_verify_detached over the same signing inputs.
void BM_Ed25519Floor(benchmark::State& state) {
  static const DistinctBinds data;
  std::size_t i = 0;
  for (auto _ : state) {
    const auto* sig = reinterpret_cast<const unsigned char*>(data.signatures[i].data());
    const auto* msg = reinterpret_cast<const unsigned char*>(data.inputs[i].data());
    if (crypto_sign_verify_detached(sig, msg, data.inputs[i].size(), data.keys[i].bytes.data()) !=
        0) {
      state.SkipWithError("bind does not verify");
    }
    i = (i + 1) % data.inputs.size();
  }
}
BENCHMARK(BM_Ed25519Floor);

void BM_TripleDigest(benchmark::State& state) {
  std::string input(static_cast<std::size_t>(state.range(0)), 'x');
  PublicKey key;
  std::array<std::uint8_t, 64> signature{};
  for (auto _ : state) benchmark::DoNotOptimize(proof::TripleDigest(input, key, signature));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * (input.size() + 96)));
}
BENCHMARK(BM_TripleDigest)->Arg(500)->Arg(1000);

// The digest the gate keeps of every admitted artifact (lifecycle/facts.h: SHA-256 of its
// signing input, to tell a duplicate from a conflicting copy) beside the node attestation over
// the same bytes: what the digest adds to an admission's Ed25519 work (libsodium's SHA-256 is
// its portable code, without the CPU's SHA extensions; docs/PERFORMANCE.md "serve").
std::string VectorAttestationInput() {
  std::string artifact = VectorArtifact();
  json::Parser parser;
  json::Element root;
  std::string input;
  if (parser.ParseCopy(artifact, &root).ok()) {
    proof::SigningInputBuilder().Build(Domain::kDetachment, root.get_object().value_unsafe(),
                                       &input);
  }
  return input;
}

void BM_AdmissionDigest(benchmark::State& state) {
  const std::string input = VectorAttestationInput();
  if (input.empty()) state.SkipWithError("vector does not parse");
  for (auto _ : state) benchmark::DoNotOptimize(lifecycle::Sha256(input));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * input.size()));
}
BENCHMARK(BM_AdmissionDigest);

void BM_NodeAttestationSign(benchmark::State& state) {
  const std::string input = VectorAttestationInput();
  if (input.empty()) state.SkipWithError("vector does not parse");
  const SecretKey key = SecretKey::Generate();
  for (auto _ : state) benchmark::DoNotOptimize(key.Sign(input));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * input.size()));
}
BENCHMARK(BM_NodeAttestationSign);

void BM_DecodeDidKey(benchmark::State& state) {
  for (auto _ : state) {
    auto key = DecodeMultibaseKey("z6MkgAnvkP45uNxwCKeNdt6wrYkEjpYX4f7Nrd8MQqFL8Fbn");
    benchmark::DoNotOptimize(key.ok());
  }
}
BENCHMARK(BM_DecodeDidKey);

void BM_Base64UrlDecodeSignature(benchmark::State& state) {
  std::string sig =
      "Ll5Cl2PgBo4TS_QAnnwfrKDKBKMUpgBD7fISHhA1AVsApKE46Ys3QiL2bPEXIv6IhJDMW1LY-ojqX0E-YKSMBg";
  for (auto _ : state) benchmark::DoNotOptimize(Base64UrlDecode(sig));
}
BENCHMARK(BM_Base64UrlDecodeSignature);

}  // namespace
}  // namespace podgate
