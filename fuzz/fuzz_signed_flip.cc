// Fuzz target: no edit of a signed artifact verifies unless the signed content is unchanged.
//
// The target holds four verified artifacts (signed_artifacts.h). Input: one byte choosing the
// artifact, then edits of three bytes each (position, little endian 16 bits, modulo the size;
// and a mask XORed into the byte there). The property: if the edited artifact still verifies
// (layers 1 to 3), then everything its signatures cover is the same value as before: the
// bind's signing input and, for an attested kind, the artifact's attestation signing input.
// Edits that only touch insignificant bytes (whitespace between tokens) may verify; nothing
// else may. tests/hostile_test.cc flips every bit of every signed value exhaustively.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_check.h"
#include "json/parser.h"
#include "podgate/proof.h"
#include "signed_artifacts.h"

namespace podgate::fuzz {
namespace {

// The signing inputs an artifact's signatures cover: the bind's, then the artifact's own.
std::vector<std::string> SignedContent(Kind kind, std::string_view text) {
  static json::Parser parser;
  std::vector<std::string> out;
  json::Element root;
  if (!parser.ParseCopy(text, &root).ok()) return out;
  std::string bind_text = kind == Kind::kParticipantBind
                              ? std::string(text)
                              : simdjson::minify(root["participant-bind"].value_unsafe());
  auto bind = SigningInput(Domain::kParticipantBind, bind_text);
  out.push_back(bind.ok() ? bind.value() : "");
  if (auto domain = AttestationDomain(kind)) {
    auto own = SigningInput(*domain, text);
    out.push_back(own.ok() ? own.value() : "");
  }
  return out;
}

struct Original {
  SignedArtifact artifact;
  std::vector<std::string> content;
};

std::vector<Original> MakeOriginals() {
  std::vector<Original> out;
  Verifier verifier(nullptr);
  for (SignedArtifact& artifact : MakeSignedArtifacts()) {
    Report report = verifier.Verify(artifact.json, artifact.kind);
    if (!report.ok()) {
      std::fprintf(stderr, "seed artifact does not verify: %s\n",
                   report.errors.empty() ? "" : report.errors[0].message.c_str());
      std::abort();
    }
    std::vector<std::string> content = SignedContent(artifact.kind, artifact.json);
    out.push_back({std::move(artifact), std::move(content)});
  }
  return out;
}

}  // namespace
}  // namespace podgate::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace podgate;
  static const std::vector<podgate::fuzz::Original> originals = podgate::fuzz::MakeOriginals();
  static Verifier verifier(std::make_shared<ProofCache>(1024));
  if (size < 4) return 0;
  const podgate::fuzz::Original& original = originals[data[0] % originals.size()];
  std::string edited = original.artifact.json;
  bool changed = false;
  for (std::size_t i = 1; i + 3 <= size && i < 1 + 3 * 8; i += 3) {
    std::size_t position = (data[i] | (std::size_t{data[i + 1]} << 8)) % edited.size();
    if (data[i + 2] == 0) continue;
    edited[position] = static_cast<char>(edited[position] ^ data[i + 2]);
    changed = true;
  }
  if (!changed || edited == original.artifact.json) return 0;
  Report report = verifier.Verify(edited, original.artifact.kind);
  if (!report.ok()) return 0;
  FUZZ_CHECK(podgate::fuzz::SignedContent(original.artifact.kind, edited) == original.content,
             "an edited artifact verifies with other signed content:\n%s", edited.c_str());
  return 0;
}
