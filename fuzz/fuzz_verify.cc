// Fuzz target: layer 3, the proof layer (src/proof) on arbitrary input.
//
// Properties, on any input:
//   * Verify answers with a layer 1-3 code only, and agrees with Validate on layers 1 and 2:
//     the same code and violations whenever Validate fails, and never OK when it fails;
//   * the proof cache never changes a verdict: a Verifier with a shared cache (that has seen
//     every earlier input) and one without a cache reach the same report;
//   * SigningInput never crashes, under every domain, and fails only with malformed-json;
//   * Attest with the node key of the seeds: when it succeeds, the result keeps its kind and
//     its signing input, and verifies whenever the input verified (the new attestation is
//     good, nothing else changed). The attestation member adds about 150 bytes, so an input
//     near the size limit attests to a document over it: the result is checked under a limit
//     of 64 KiB + 512 bytes (docs/SECURITY.md notes this).

#include <cstddef>
#include <cstdint>
#include <memory>

#include "fuzz_check.h"
#include "podgate/proof.h"
#include "signed_artifacts.h"

namespace podgate::fuzz {
namespace {

bool SameReport(const Report& a, const Report& b) {
  return a.code == b.code && a.kind == b.kind && a.id == b.id && a.errors == b.errors;
}

}  // namespace
}  // namespace podgate::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace podgate;
  using podgate::fuzz::SameReport;
  static Validator validator;
  static auto cache = std::make_shared<ProofCache>(1024);
  static Verifier cached(cache);
  static Verifier uncached(nullptr);
  // For attested outputs, which may exceed the input limit by the attestation member.
  static Validator roomy_validator(ValidatorOptions{64 * 1024 + 512, 64});
  static Verifier roomy_verifier(nullptr, ValidatorOptions{64 * 1024 + 512, 64});
  std::string_view input = podgate::fuzz::AsText(data, size);

  Report layers12 = validator.Validate(input);
  Report report = cached.Verify(input);
  FUZZ_CHECK(report.code == Code::kOk || report.code == Code::kMalformedJson ||
                 report.code == Code::kSchemaInvalid || report.code == Code::kUnknownKind ||
                 report.code == Code::kKeyMismatch || report.code == Code::kBadSignature,
             "unexpected code %s", std::string(CodeName(report.code)).c_str());
  FUZZ_CHECK(report.ok() == report.errors.empty(), "verdict and violations disagree");
  if (!layers12.ok()) {
    FUZZ_CHECK(SameReport(report, layers12), "Verify %s, Validate %s",
               std::string(CodeName(report.code)).c_str(),
               std::string(CodeName(layers12.code)).c_str());
  }
  Report without_cache = uncached.Verify(input);
  FUZZ_CHECK(SameReport(report, without_cache), "the cache changed the verdict: %s vs %s",
             std::string(CodeName(report.code)).c_str(),
             std::string(CodeName(without_cache.code)).c_str());

  for (Domain domain :
       {Domain::kParticipantBind, Domain::kDetachment, Domain::kRecovery,
        Domain::kAttachmentRequest, Domain::kDetachmentRequest, Domain::kRecoveryRequest}) {
    auto signing_input = SigningInput(domain, input);
    FUZZ_CHECK(signing_input.ok() || signing_input.status().code() == Code::kMalformedJson,
               "SigningInput failed with %s", signing_input.status().ToString().c_str());
  }

  if (!layers12.ok() || !layers12.kind) return 0;
  Kind kind = *layers12.kind;
  std::optional<Domain> domain = AttestationDomain(kind);
  auto attested = Attest(kind, input, podgate::fuzz::NodeKey());
  if (!domain) {
    FUZZ_CHECK(!attested.ok(), "an attachment was attested");
    return 0;
  }
  if (!attested.ok()) return 0;
  Report again = roomy_validator.Validate(attested.value(), kind);
  FUZZ_CHECK(again.ok(), "the attested artifact is not valid: %s",
             std::string(CodeName(again.code)).c_str());
  auto before = SigningInput(*domain, input);
  auto after = SigningInput(*domain, attested.value());
  FUZZ_CHECK(before.ok() && after.ok() && before.value() == after.value(),
             "attesting changed the signing input");
  if (report.ok()) {
    Report verified = roomy_verifier.Verify(attested.value(), kind);
    FUZZ_CHECK(verified.ok(), "attesting a verified artifact broke it: %s %s",
               std::string(CodeName(verified.code)).c_str(),
               verified.errors.empty() ? "" : verified.errors[0].message.c_str());
  }
  return 0;
}
