// Micro-benchmarks of layers 1 and 2 (artifact::CheckArtifact) over one detachment, the hot
// path of `podgate validate` and of every admission. The whole-process comparison with ajv is
// bench/validate.sh; results of both are in docs/PERFORMANCE.md.
//
//   build-release/podgate_bench --benchmark_filter='CheckArtifact|FastCheck|ParseOnly'

#include <string>
#include <string_view>

#include <benchmark/benchmark.h>

#include "artifact/fast_path.h"
#include "artifact/schema.h"
#include "json/parser.h"
#include "podgate/artifact.h"

namespace podgate::artifact {
namespace {

// A typical detachment as bench/gen_artifacts.py writes them (826 bytes): ids, did:keys of
// real length, a bind with a 64-byte base64url signature.
constexpr std::string_view kDetachment =
    R"({"schema/v":1,"detachment/id":"detach:01JQ0002WDPX","detached-at":"2026-03-26T04:50:57Z",)"
    R"("attachment/id":"attach:01JQ0002SQ1J","serving-node/id":"node:did:key:z6MkhqYndg67BXhcn)"
    R"(L3nkH4CjVaRmzZooqCJW99Jt5mY3bvd","client-instance/id":"client:01JQ0002P6MT","detach/rea)"
    R"(son":"policy","participant-bind":{"schema/v":1,"bind/id":"pb:01JQ0002EXD1","bound-at":")"
    R"(2026-03-26T03:23:25Z","participant/id":"participant:did:key:z6Mktm3PKHocYEnJ5vaH8HF31Fe4)"
    R"(5qwCz3kSUAfB3oySj1Mj","via/node-id":"node:did:key:z6MkhqYndg67BXhcnL3nkH4CjVaRmzZooqCJW)"
    R"(99Jt5mY3bvd","session/id":"sess:01JQ000241Z9","participant/key/alg":"ed25519","particip)"
    R"(ant/key/public":"z6Mktm3PKHocYEnJ5vaH8HF31Fe45qwCz3kSUAfB3oySj1Mj","proof/participant-s)"
    R"(ignature":{"alg":"ed25519","value":"DRsdlvpI9xBoH5rucxK7J6JwXfH4gVmFjDvsHVri_up3nlnqegfk)"
    R"(t6K7G79zuHBGKpDSG9M190gZeOYao0e4Ow"}}})";

// The same detachment with three violations: a date-time that is not RFC 3339, an unknown
// member, a missing required member (detach/reason).
constexpr std::string_view kBrokenDetachment =
    R"({"schema/v":1,"detachment/id":"detach:01JQ0002WDPX","detached-at":"2026-02-30T04:50:57Z",)"
    R"("attachment/id":"attach:01JQ0002SQ1J","serving-node/id":"node:did:key:z6MkhqYndg67BXhcn)"
    R"(L3nkH4CjVaRmzZooqCJW99Jt5mY3bvd","client-instance/id":"client:01JQ0002P6MT","detach/rea)"
    R"(sons":"policy","participant-bind":{"schema/v":1,"bind/id":"pb:01JQ0002EXD1","bound-at":")"
    R"(2026-03-26T03:23:25Z","participant/id":"participant:did:key:z6Mktm3PKHocYEnJ5vaH8HF31Fe4)"
    R"(5qwCz3kSUAfB3oySj1Mj","via/node-id":"node:did:key:z6MkhqYndg67BXhcnL3nkH4CjVaRmzZooqCJW)"
    R"(99Jt5mY3bvd","session/id":"sess:01JQ000241Z9","participant/key/alg":"ed25519","particip)"
    R"(ant/key/public":"z6Mktm3PKHocYEnJ5vaH8HF31Fe45qwCz3kSUAfB3oySj1Mj","proof/participant-s)"
    R"(ignature":{"alg":"ed25519","value":"DRsdlvpI9xBoH5rucxK7J6JwXfH4gVmFjDvsHVri_up3nlnqegfk)"
    R"(t6K7G79zuHBGKpDSG9M190gZeOYao0e4Ow"}}})";

// The same valid detachment with an escape in its last string (the bind's signature value ends
// in "\u0077", a "w"): the fast path scans nearly all of it before it leaves the document to
// the exact path, the worst case for a valid document.
constexpr std::string_view kEscapedDetachment =
    R"({"schema/v":1,"detachment/id":"detach:01JQ0002WDPX","detached-at":"2026-03-26T04:50:57Z",)"
    R"("attachment/id":"attach:01JQ0002SQ1J","serving-node/id":"node:did:key:z6MkhqYndg67BXhcn)"
    R"(L3nkH4CjVaRmzZooqCJW99Jt5mY3bvd","client-instance/id":"client:01JQ0002P6MT","detach/rea)"
    R"(son":"policy","participant-bind":{"schema/v":1,"bind/id":"pb:01JQ0002EXD1","bound-at":")"
    R"(2026-03-26T03:23:25Z","participant/id":"participant:did:key:z6Mktm3PKHocYEnJ5vaH8HF31Fe4)"
    R"(5qwCz3kSUAfB3oySj1Mj","via/node-id":"node:did:key:z6MkhqYndg67BXhcnL3nkH4CjVaRmzZooqCJW)"
    R"(99Jt5mY3bvd","session/id":"sess:01JQ000241Z9","participant/key/alg":"ed25519","particip)"
    R"(ant/key/public":"z6Mktm3PKHocYEnJ5vaH8HF31Fe45qwCz3kSUAfB3oySj1Mj","proof/participant-s)"
    R"(ignature":{"alg":"ed25519","value":"DRsdlvpI9xBoH5rucxK7J6JwXfH4gVmFjDvsHVri_up3nlnqegfk)"
    R"(t6K7G79zuHBGKpDSG9M190gZeOYao0e4O\u0077"}}})";

// The input followed by the padding the parser may read.
std::string Padded(std::string_view input) {
  std::string padded(input);
  padded.append(json::kPadding, '\0');
  return padded;
}

// Layers 1 and 2 with kind detection, as `podgate validate --ndjson` runs them per line: the
// fast path (fast_path.h) first, the exact path for what it does not call valid. With
// `exact`, as verify and admit run them: the caller wants the DOM, so only the exact path.
void BM_CheckArtifact(benchmark::State& state, std::string_view input, bool expect_ok,
                      bool exact = false) {
  const std::string padded = Padded(input);
  const std::string_view bytes(padded.data(), input.size());
  json::Parser parser;
  Report report;
  json::Object root;
  for (auto _ : state) {
    CheckArtifact(&parser, bytes, std::nullopt, &report, exact ? &root : nullptr);
    benchmark::DoNotOptimize(report);
  }
  if (report.ok() != expect_ok || report.kind != Kind::kDetachment) {
    state.SkipWithError("unexpected verdict: the benchmark input is stale");
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(input.size()));
}
BENCHMARK_CAPTURE(BM_CheckArtifact, valid_detachment, kDetachment, true);
BENCHMARK_CAPTURE(BM_CheckArtifact, detachment_3_violations, kBrokenDetachment, false);
BENCHMARK_CAPTURE(BM_CheckArtifact, valid_detachment_exact_path, kDetachment, true, true);
BENCHMARK_CAPTURE(BM_CheckArtifact, valid_detachment_escape_at_end, kEscapedDetachment, true);

// The fast path alone on a valid detachment.
void BM_FastCheck(benchmark::State& state) {
  const std::string padded = Padded(kDetachment);
  const std::string_view bytes(padded.data(), kDetachment.size());
  const json::Limits limits;
  std::optional<FastVerdict> verdict;
  for (auto _ : state) {
    verdict = FastCheck(bytes, std::nullopt, limits);
    benchmark::DoNotOptimize(verdict);
  }
  if (!verdict || verdict->kind != Kind::kDetachment) {
    state.SkipWithError("the fast path did not call the benchmark input valid");
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(kDetachment.size()));
}
BENCHMARK(BM_FastCheck);

// Layer 1 alone (simdjson, no duplicate check): the floor under CheckArtifact.
void BM_ParseOnly(benchmark::State& state) {
  const std::string padded = Padded(kDetachment);
  const std::string_view bytes(padded.data(), kDetachment.size());
  json::Parser parser;
  json::Element root;
  for (auto _ : state) {
    Status status = parser.Parse(bytes, &root, /*check_duplicates=*/false);
    benchmark::DoNotOptimize(status);
    benchmark::DoNotOptimize(root);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(kDetachment.size()));
}
BENCHMARK(BM_ParseOnly);

}  // namespace
}  // namespace podgate::artifact
