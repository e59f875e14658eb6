// Benchmarks of the signing profile: building a signing input, verifying an artifact with and
// without the proof cache, and the parts of a cache hit. The detachment vector (a bind with its
// participant signature, attested by the node) is the input throughout.

#include <fstream>
#include <sstream>

#include <benchmark/benchmark.h>
#include <simdjson.h>

#include "codec/base58.h"
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

void BM_TripleDigest(benchmark::State& state) {
  std::string input(static_cast<std::size_t>(state.range(0)), 'x');
  PublicKey key;
  std::array<std::uint8_t, 64> signature{};
  for (auto _ : state) benchmark::DoNotOptimize(proof::TripleDigest(input, key, signature));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * (input.size() + 96)));
}
BENCHMARK(BM_TripleDigest)->Arg(500)->Arg(1000);

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
