// Layer 3 of a verdict (DESIGN.md section 1) and the signers, over the signing profile of
// DESIGN.md section 2.

#include <sodium.h>

#include <algorithm>

#include <fmt/format.h>

#include "artifact/schema.h"
#include "codec/base64url.h"
#include "podgate/proof.h"
#include "proof/cache.h"
#include "proof/signing.h"

namespace podgate {
namespace {

constexpr std::string_view kBindMember = "participant-bind";

// The string member `name` of `object`, or "" (the schema layer has vouched for the shapes).
std::string_view StringMember(json::Object object, std::string_view name) {
  auto value = object[name];
  if (value.error() || !value.value_unsafe().is_string()) return {};
  return value.value_unsafe().get_string().value_unsafe();
}

std::optional<json::Object> ObjectMember(json::Object object, std::string_view name) {
  auto value = object[name];
  if (value.error() || !value.value_unsafe().is_object()) return std::nullopt;
  return value.value_unsafe().get_object().value_unsafe();
}

std::string Pointer(std::string_view base, std::string_view member) {
  std::string out(base);
  json::AppendPointer(&out, member);
  return out;
}

// "path: message" of the first violation of a failed report.
Status StatusOf(const Report& report) {
  if (report.errors.empty()) return Status(report.code, std::string(CodeName(report.code)));
  const Violation& first = report.errors.front();
  std::string where = first.offset ? fmt::format("at byte {}", *first.offset)
                                   : (first.path.empty() ? "(document)" : first.path);
  return Status(report.code, fmt::format("{}: {}", where, first.message));
}

}  // namespace

struct Verifier::Impl {
  Impl(std::shared_ptr<ProofCache> shared_cache, const ValidatorOptions& options)
      : parser(json::Limits{options.max_bytes, options.max_depth}), cache(std::move(shared_cache)) {
    proof::EnsureSodium();
  }

  void Fail(Code code, std::string path, std::string_view keyword, std::string message) {
    if (report->errors.empty()) report->code = code;
    report->errors.push_back(
        Violation{std::move(path), std::string(keyword), std::move(message), std::nullopt});
  }

  // Checks the signature object at `object`[`member`] under `key` over `input`; records a
  // bad-signature violation otherwise. `whose` names the key in messages.
  void CheckSignature(json::Object object, std::string_view member, std::string_view base,
                      const PublicKey& key, std::string_view whose, Domain domain,
                      std::string_view input) {
    std::string path = Pointer(base, member);
    auto signature = ObjectMember(object, member);
    if (!signature) return Fail(Code::kBadSignature, path, "signature", "missing");
    std::string_view alg = StringMember(*signature, "alg");
    if (alg != "ed25519") {
      return Fail(
          Code::kBadSignature, path, "signature",
          fmt::format("its alg is \"{}\"; the signing profile knows only \"ed25519\"", alg));
    }
    std::string_view text = StringMember(*signature, "value");
    std::array<std::uint8_t, crypto_sign_BYTES> bytes{};
    if (!codec::Base64UrlDecodeInto(text, bytes)) {
      auto value = Base64UrlDecode(text);
      if (!value) {
        return Fail(Code::kBadSignature, path, "signature",
                    "its value is not unpadded base64url (RFC 4648 section 5)");
      }
      return Fail(
          Code::kBadSignature, path, "signature",
          fmt::format("its value decodes to {} bytes; an Ed25519 signature has 64", value->size()));
    }
    proof::Digest digest{};
    if (cache) {
      digest = proof::TripleDigest(input, key, bytes);
      if (proof::CacheAccess::Lookup(cache.get(), digest)) return;
    }
    if (crypto_sign_verify_detached(bytes.data(),
                                    reinterpret_cast<const unsigned char*>(input.data()),
                                    input.size(), key.bytes.data()) != 0) {
      return Fail(Code::kBadSignature, path, "signature",
                  fmt::format("the Ed25519 signature does not verify under the {} key {} over "
                              "the {} signing input",
                              whose, key.ToMultibase(), DomainName(domain)));
    }
    if (cache) proof::CacheAccess::Insert(cache.get(), digest);
  }

  // A node attestation member of `object`, if present, under the node identity in `node_id`.
  void CheckAttestation(json::Object object, std::string_view base, std::string_view node_field,
                        Domain domain, std::string_view input) {
    auto present = object[proof::kNodeAttestation];
    if (present.error()) return;
    std::string path = Pointer(base, proof::kNodeAttestation);
    auto node = DecodeId(StringMember(object, node_field), Role::kNode);
    if (!node.ok()) {
      return Fail(Code::kBadSignature, path, "signature",
                  fmt::format("cannot be verified: {} is not a node did:key: {}", node_field,
                              node.status().message()));
    }
    CheckSignature(object, proof::kNodeAttestation, base, node.value(), "node", domain, input);
  }

  void CheckBind(json::Object bind, std::string_view base) {
    std::string_view id_text = StringMember(bind, "participant/id");
    std::string_view key_text = StringMember(bind, "participant/key/public");
    auto id = DecodeId(id_text, Role::kParticipant);
    if (!id.ok()) {
      Fail(Code::kKeyMismatch, Pointer(base, "participant/id"), "key", id.status().message());
    }
    // base58btc is a bijection: the same text is the same key, decoded once.
    constexpr std::string_view kPrefix = "participant:did:key:";
    bool same_text = id_text.size() == kPrefix.size() + key_text.size() &&
                     id_text.substr(kPrefix.size()) == key_text;
    Result<PublicKey> key = id.ok() && same_text ? id : DecodeMultibaseKey(key_text);
    std::string key_path = Pointer(base, "participant/key/public");
    if (!key.ok()) {
      Fail(Code::kKeyMismatch, key_path, "key", key.status().message());
    } else if (id.ok() && !(key.value() == id.value())) {
      Fail(Code::kKeyMismatch, key_path, "key",
           fmt::format("participant/key/public is {}, but participant/id holds the key {}",
                       key->ToMultibase(), id->ToMultibase()));
    }
    builder.Build(Domain::kParticipantBind, bind, &input);
    if (id.ok() && key.ok() && key.value() == id.value()) {
      CheckSignature(bind, proof::kParticipantSignature, base, id.value(), "participant",
                     Domain::kParticipantBind, input);
    }
    CheckAttestation(bind, base, "via/node-id", Domain::kParticipantBind, input);
  }

  void CheckProofs(Kind kind, json::Object root) {
    if (kind == Kind::kParticipantBind) return CheckBind(root, "");
    if (auto bind = ObjectMember(root, kBindMember)) CheckBind(*bind, Pointer("", kBindMember));
    if (auto domain = AttestationDomain(kind)) {
      if (root[proof::kNodeAttestation].error()) return;
      builder.Build(*domain, root, &input);
      CheckAttestation(root, "", "serving-node/id", *domain, input);
    }
  }

  json::Parser parser;
  std::shared_ptr<ProofCache> cache;
  proof::SigningInputBuilder builder;
  std::string padded;
  std::string input;
  Report* report = nullptr;
};

Verifier::Verifier(std::shared_ptr<ProofCache> cache, ValidatorOptions options)
    : impl_(std::make_unique<Impl>(std::move(cache), options)) {}
Verifier::~Verifier() = default;

Report Verifier::Verify(std::string_view json, std::optional<Kind> kind) {
  Report report;
  impl_->padded.assign(json);
  impl_->padded.append(json::kPadding, '\0');
  json::Object root;
  artifact::CheckArtifact(&impl_->parser, std::string_view(impl_->padded.data(), json.size()), kind,
                          &report, &root);
  if (!report.ok() || !report.kind) return report;
  impl_->report = &report;
  impl_->CheckProofs(*report.kind, root);
  impl_->report = nullptr;
  return report;
}

namespace {

// Layers 1 and 2 over `json` as `kind`, then signs the signing input under `domain` with
// `key`, which must be the identity in `signer_field` of the signed object, and splices the
// signature in as `member`.
// A document through layers 1 and 2 as `kind`, for signing; `root` (set when both pass)
// points into `parser` and `padded`, and lives as long as this object.
struct CheckedDocument {
  CheckedDocument(Kind kind, std::string_view json)
      : parser(json::LimitsFitting(json)), padded(json) {
    padded.append(json::kPadding, '\0');
    artifact::CheckArtifact(&parser, text(), kind, &report, &root);
  }
  std::string_view text() const { return {padded.data(), padded.size() - json::kPadding}; }

  json::Parser parser;
  std::string padded;
  Report report;
  json::Object root;
};

Result<std::string> SignMember(Kind kind, std::string_view json, const SecretKey& key,
                               Domain domain, std::string_view signer_field, Role role,
                               std::string_view member) {
  CheckedDocument doc(kind, json);
  Report& report = doc.report;
  json::Object& root = doc.root;
  if (!report.ok()) {
    // The member being added may be missing (an unsigned bind): that alone is fine.
    std::string missing = Pointer("", member);
    auto is_missing = [&](const Violation& v) {
      return v.path == missing && v.keyword == "required";
    };
    if (report.code != Code::kSchemaInvalid ||
        !std::all_of(report.errors.begin(), report.errors.end(), is_missing)) {
      return StatusOf(report);
    }
    // CheckArtifact hands out the root only when the schema passes: parse again for it.
    json::Element element;
    Status parsed = doc.parser.Parse(doc.text(), &element);
    if (!parsed.ok()) return parsed;
    root = element.get_object().value_unsafe();
  }
  std::string_view signer_id = StringMember(root, signer_field);
  auto signer = DecodeId(signer_id, role);
  if (!signer.ok()) {
    return Status(Code::kKeyMismatch,
                  fmt::format("{}: {}", signer_field, signer.status().message()));
  }
  if (!(signer.value() == key.public_key())) {
    return Status(
        Code::kKeyMismatch,
        fmt::format("the key {} is not the signer this {} names in {} ({})",
                    key.public_key().ToId(role), KindName(kind), signer_field, signer_id));
  }
  std::string input;
  proof::SigningInputBuilder builder;
  builder.Build(domain, root, &input);
  return proof::SpliceSignature(json, member, key.Sign(input));
}

}  // namespace

Result<std::string> Attest(Kind kind, std::string_view json, const SecretKey& node_key) {
  auto domain = AttestationDomain(kind);
  if (!domain) {
    return Status(Code::kSchemaInvalid,
                  fmt::format("a {} carries no node attestation", KindName(kind)));
  }
  proof::EnsureSodium();
  return SignMember(kind, json, node_key, *domain,
                    kind == Kind::kParticipantBind ? "via/node-id" : "serving-node/id", Role::kNode,
                    proof::kNodeAttestation);
}

Result<std::string> SignBind(std::string_view json, const SecretKey& participant_key) {
  proof::EnsureSodium();
  return SignMember(Kind::kParticipantBind, json, participant_key, Domain::kParticipantBind,
                    "participant/id", Role::kParticipant, proof::kParticipantSignature);
}

Result<std::string> SignRequest(Kind kind, std::string_view json,
                                const SecretKey& participant_key) {
  auto domain = RequestDomain(kind);
  if (!domain) {
    return Status(Code::kSchemaInvalid,
                  fmt::format("a {} is not posted on its own: only attachments, detachments and "
                              "recoveries carry a participant's request signature",
                              KindName(kind)));
  }
  proof::EnsureSodium();
  CheckedDocument doc(kind, json);
  if (!doc.report.ok()) return StatusOf(doc.report);
  std::string_view participant =
      StringMember(*ObjectMember(doc.root, "participant-bind"), "participant/id");
  auto signer = DecodeId(participant, Role::kParticipant);
  if (!signer.ok()) {
    return Status(Code::kKeyMismatch,
                  fmt::format("participant-bind participant/id: {}", signer.status().message()));
  }
  if (!(signer.value() == participant_key.public_key())) {
    return Status(Code::kKeyMismatch,
                  fmt::format("the key {} is not the participant this {} is bound to ({})",
                              participant_key.public_key().ToId(Role::kParticipant), KindName(kind),
                              participant));
  }
  std::string input;
  proof::SigningInputBuilder builder;
  builder.Build(*domain, doc.root, &input);
  return participant_key.Sign(input);
}

}  // namespace podgate
