#include "podgate/proof.h"

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include "codec/cbor.h"
#include "proof/signing.h"

namespace podgate {
namespace {

using ::testing::HasSubstr;

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

SecretKey SeedKey(std::string_view seed_hex) {
  std::array<std::uint8_t, 32> seed{};
  for (std::size_t i = 0; i < 32; ++i) {
    seed[i] =
        static_cast<std::uint8_t>(std::stoi(std::string(seed_hex.substr(2 * i, 2)), nullptr, 16));
  }
  return SecretKey::FromSeed(seed);
}

// One vector file, with its signed artifact as compact JSON text.
struct Vector {
  explicit Vector(const std::string& name)
      : text(ReadFile(PODGATE_TEST_DATA "/vectors/" + name)), doc(parser.parse(text)) {}

  std::string_view Field(std::string_view name) { return doc[name].get_string().value(); }
  std::string Artifact(std::string_view name = "signed-artifact") {
    return simdjson::minify(doc[name]);
  }

  std::string text;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
};

// Replaces the first `from` in `json` by `to`, failing the test when absent.
std::string Replace(std::string json, std::string_view from, std::string_view to) {
  auto at = json.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) json.replace(at, from.size(), to);
  return json;
}

// Drops the member `"name":{...}` (a signature object) from compact JSON.
std::string DropSignature(std::string json, std::string_view name) {
  std::string key = ",\"" + std::string(name) + "\":{";
  auto at = json.find(key);
  EXPECT_NE(at, std::string::npos) << name;
  if (at == std::string::npos) return json;
  auto end = json.find('}', at);
  json.erase(at, end + 1 - at);
  return json;
}

std::string SignatureValue(std::string_view json, std::string_view member) {
  std::string key = "\"" + std::string(member) + "\":{\"alg\":\"ed25519\",\"value\":\"";
  auto at = json.find(key);
  if (at == std::string::npos) return "";
  at += key.size();
  return std::string(json.substr(at, json.find('"', at) - at));
}

TEST(SigningProfileTest, DomainNames) {
  EXPECT_EQ(DomainName(Domain::kParticipantBind), "participant-bind.v1");
  EXPECT_EQ(DomainName(Domain::kRecoveryRequest), "client-instance-recovery.v1.request");
  EXPECT_EQ(AttestationDomain(Kind::kAttachment), std::nullopt);
  EXPECT_EQ(AttestationDomain(Kind::kDetachment), Domain::kDetachment);
  EXPECT_EQ(RequestDomain(Kind::kAttachment), Domain::kAttachmentRequest);
  EXPECT_EQ(RequestDomain(Kind::kParticipantBind), std::nullopt);
}

TEST(SigningProfileTest, ParticipantBindVector) {
  Vector v("participant-bind.json");
  SecretKey key = SeedKey(v.Field("signer-seed-hex"));
  EXPECT_EQ(key.public_key().ToId(Role::kParticipant), v.Field("signer-did"));
  std::string artifact = v.Artifact();
  auto input = SigningInput(Domain::kParticipantBind, artifact);
  ASSERT_TRUE(input.ok());
  EXPECT_EQ(Hex(*input), v.Field("signing-input-hex"));
  std::string expected = SignatureValue(artifact, "proof/participant-signature");
  EXPECT_EQ(key.Sign(*input), expected);
  EXPECT_TRUE(VerifySignature(key.public_key(), *input, expected));

  // Signing the unsigned bind reproduces the vector byte for byte.
  std::string unsigned_bind = DropSignature(artifact, "proof/participant-signature");
  auto signed_bind = SignBind(unsigned_bind, key);
  ASSERT_TRUE(signed_bind.ok()) << signed_bind.status().ToString();
  EXPECT_EQ(*signed_bind, artifact);

  Verifier verifier;
  Report report = verifier.Verify(artifact);
  EXPECT_TRUE(report.ok()) << (report.errors.empty() ? "" : report.errors[0].message);
  EXPECT_EQ(report.kind, Kind::kParticipantBind);
}

TEST(SigningProfileTest, DetachmentAttestationVector) {
  Vector v("client-instance-detachment-attestation.json");
  SecretKey node = SeedKey(v.Field("signer-seed-hex"));
  EXPECT_EQ(node.public_key().ToId(Role::kNode), v.Field("signer-did"));
  std::string artifact = v.Artifact();
  auto input = SigningInput(Domain::kDetachment, artifact);
  ASSERT_TRUE(input.ok());
  EXPECT_EQ(Hex(*input), v.Field("signing-input-hex"));

  std::string unattested = DropSignature(artifact, "proof/node-attestation");
  auto attested = Attest(Kind::kDetachment, unattested, node);
  ASSERT_TRUE(attested.ok()) << attested.status().ToString();
  EXPECT_EQ(*attested, artifact);

  Verifier verifier;
  Report report = verifier.Verify(artifact);
  EXPECT_TRUE(report.ok()) << (report.errors.empty() ? "" : report.errors[0].message);
  EXPECT_EQ(report.id, "detach:000000000001");
}

TEST(SigningProfileTest, DetachmentRequestVector) {
  Vector request("client-instance-detachment-request.json");
  Vector attested("client-instance-detachment-attestation.json");
  SecretKey participant = SeedKey(request.Field("signer-seed-hex"));
  auto input = SigningInput(Domain::kDetachmentRequest, attested.Artifact());
  ASSERT_TRUE(input.ok());
  EXPECT_EQ(Hex(*input), request.Field("signing-input-hex"));
  EXPECT_EQ(participant.Sign(*input), request.Field("signature"));
  EXPECT_TRUE(VerifySignature(participant.public_key(), *input, request.Field("signature")));
  EXPECT_FALSE(VerifySignature(participant.public_key(), *input + " ", request.Field("signature")));
}

TEST(SigningProfileTest, UpstreamNodeAdvertisementVector) {
  Vector v("upstream-node-advertisement.json");
  SecretKey node = SeedKey(v.Field("signer-seed-hex"));
  EXPECT_EQ(node.public_key().ToId(Role::kNode), v.Field("signer-did"));
  json::Parser parser;
  json::Element root;
  std::string artifact = v.Artifact("artifact-without-signature");
  ASSERT_TRUE(parser.ParseCopy(artifact, &root).ok());
  std::string input(v.Field("domain"));
  input.push_back('\0');
  codec::CborEncoder encoder;
  encoder.AppendObject(root.get_object().value_unsafe(), proof::kProofFields, &input);
  EXPECT_EQ(Hex(input), v.Field("signing-input-hex"));
  EXPECT_EQ(node.Sign(input), v.Field("signature"));
  EXPECT_TRUE(VerifySignature(node.public_key(), input, v.Field("signature")));
}

struct Tamper {
  std::string what;
  std::string from;
  std::string to;
  Code code;
  std::string path;
};

TEST(VerifierTest, TamperedBindFails) {
  Vector v("participant-bind.json");
  std::string artifact = v.Artifact();
  std::string sig = SignatureValue(artifact, "proof/participant-signature");
  std::string flipped = sig;
  flipped[10] = flipped[10] == 'A' ? 'B' : 'A';
  const Tamper cases[] = {
      {"signed field", "19:20:00Z", "19:20:01Z", Code::kBadSignature,
       "/proof~1participant-signature"},
      {"signature", sig, flipped, Code::kBadSignature, "/proof~1participant-signature"},
      {"short signature", sig, sig.substr(0, 84), Code::kBadSignature,
       "/proof~1participant-signature"},
      {"padded signature", sig, sig + "==", Code::kBadSignature, "/proof~1participant-signature"},
      {"alg", "\"alg\":\"ed25519\"", "\"alg\":\"Ed25519\"", Code::kBadSignature,
       "/proof~1participant-signature"},
      {"key", "\"participant/key/public\":\"z6MkgAnvkP45uNxwCKeNdt6wrYkEjpYX4f7Nrd8MQqFL8Fbn\"",
       "\"participant/key/public\":\"z6MkwJFpvJVFe15ygGgYLTYuiPwfhkkDRkMG4eKQFT8g65yE\"",
       Code::kKeyMismatch, "/participant~1key~1public"},
      {"undecodable key", "\"participant/key/public\":\"z6Mkg",
       "\"participant/key/public\":\"z6Mk1", Code::kKeyMismatch, "/participant~1key~1public"},
  };
  Verifier verifier;
  for (const auto& c : cases) {
    Report report = verifier.Verify(Replace(artifact, c.from, c.to));
    EXPECT_EQ(report.code, c.code) << c.what;
    ASSERT_FALSE(report.errors.empty()) << c.what;
    EXPECT_EQ(report.errors[0].path, c.path) << c.what;
  }
}

TEST(VerifierTest, TamperedDetachmentFails) {
  Vector v("client-instance-detachment-attestation.json");
  std::string artifact = v.Artifact();
  const Tamper cases[] = {
      // The top level is signed only by the node: a change there breaks the attestation alone.
      {"detach/reason", "\"user-request\"", "\"device-loss\"", Code::kBadSignature,
       "/proof~1node-attestation"},
      {"annotation", "\"ratio\":0.5", "\"ratio\":0.50001", Code::kBadSignature,
       "/proof~1node-attestation"},
      // The bind is signed by the participant and covered by the node's attestation.
      {"bind field", "19:42:00Z", "19:42:01Z", Code::kBadSignature,
       "/participant-bind/proof~1participant-signature"},
      {"bind key",
       "\"participant/key/public\":\"z6MkgAnvkP45uNxwCKeNdt6wrYkEjpYX4f7Nrd8MQqFL8Fbn\"",
       "\"participant/key/public\":\"z6MkwJFpvJVFe15ygGgYLTYuiPwfhkkDRkMG4eKQFT8g65yE\"",
       Code::kKeyMismatch, "/participant-bind/participant~1key~1public"},
      {"node", "\"serving-node/id\":\"node:did:key:z6MkwJ",
       "\"serving-node/id\":\"node:did:key:z6MkgA", Code::kBadSignature,
       "/proof~1node-attestation"},
  };
  Verifier verifier;
  for (const auto& c : cases) {
    Report report = verifier.Verify(Replace(artifact, c.from, c.to));
    EXPECT_EQ(report.code, c.code) << c.what;
    ASSERT_FALSE(report.errors.empty()) << c.what;
    EXPECT_EQ(report.errors[0].path, c.path) << c.what;
  }
  // The node's signature is not the participant's, whatever the keys say.
  std::string node_sig = SignatureValue(artifact, "proof/node-attestation");
  std::string bind_sig = SignatureValue(artifact, "proof/participant-signature");
  Report swapped = verifier.Verify(Replace(artifact, node_sig, bind_sig));
  EXPECT_EQ(swapped.code, Code::kBadSignature);
}

TEST(VerifierTest, LayersOneAndTwoStillDecideFirst) {
  Verifier verifier;
  EXPECT_EQ(verifier.Verify("{").code, Code::kMalformedJson);
  EXPECT_EQ(verifier.Verify("{\"bind/id\":\"x\"}").code, Code::kSchemaInvalid);
  EXPECT_EQ(verifier.Verify("{}").code, Code::kUnknownKind);
}

TEST(VerifierTest, UpstreamExamplesPassValidateAndFailVerify) {
  const char* kExamples[] = {
      "bound-over-live-session.participant-bind.json",
      "operator-remote-screen.client-instance-attachment.json",
      "replace-device.client-instance-recovery.json",
      "user-requested.client-instance-detachment.json",
  };
  Validator validator;
  Verifier verifier;
  for (const char* name : kExamples) {
    std::string json = ReadFile(std::string(PODGATE_SOURCE_DIR "/examples/") + name);
    auto kind = KindFromFileName(name);
    EXPECT_TRUE(validator.Validate(json, kind).ok()) << name;
    Report report = verifier.Verify(json, kind);
    EXPECT_EQ(report.code, Code::kBadSignature) << name;
    ASSERT_FALSE(report.errors.empty()) << name;
    EXPECT_THAT(report.errors[0].path, HasSubstr("proof~1participant-signature")) << name;
  }
}

TEST(ProofCacheTest, RemembersOnlyVerifiedTriples) {
  Vector v("client-instance-detachment-attestation.json");
  std::string artifact = v.Artifact();
  auto cache = std::make_shared<ProofCache>(64);
  Verifier verifier(cache);
  ASSERT_TRUE(verifier.Verify(artifact).ok());
  EXPECT_EQ(cache->hits(), 0u);
  EXPECT_EQ(cache->misses(), 2u);  // the bind's signature and the node attestation
  ASSERT_TRUE(verifier.Verify(artifact).ok());
  EXPECT_EQ(cache->hits(), 2u);
  EXPECT_EQ(cache->misses(), 2u);

  // Another Verifier sharing the cache hits too.
  Verifier other(cache);
  ASSERT_TRUE(other.Verify(artifact).ok());
  EXPECT_EQ(cache->hits(), 4u);

  // A tampered signature is a miss every time and never verifies.
  std::string sig = SignatureValue(artifact, "proof/node-attestation");
  std::string flipped = sig;
  flipped[0] = flipped[0] == 'Y' ? 'Z' : 'Y';
  std::string tampered = Replace(artifact, sig, flipped);
  for (int i = 0; i < 3; ++i) {
    std::size_t hits = cache->hits();
    Report report = verifier.Verify(tampered);
    EXPECT_EQ(report.code, Code::kBadSignature);
    EXPECT_EQ(cache->hits(), hits + 1);  // only the untouched bind signature hits
  }
  // A cache that holds a triple does not vouch for the same signature over other content.
  std::string other_content = Replace(artifact, "\"user-request\"", "\"device-loss\"");
  EXPECT_EQ(verifier.Verify(other_content).code, Code::kBadSignature);
}

TEST(ProofCacheTest, StaysBounded) {
  auto cache = std::make_shared<ProofCache>(16);
  EXPECT_EQ(cache->capacity(), 16u);
  Vector v("participant-bind.json");
  SecretKey key = SeedKey(v.Field("signer-seed-hex"));
  std::string unsigned_bind = DropSignature(v.Artifact(), "proof/participant-signature");
  Verifier verifier(cache);
  std::vector<std::string> binds;
  for (int i = 0; i < 40; ++i) {
    auto bind = SignBind(Replace(unsigned_bind, "pb:000000000001", "pb:" + std::to_string(i)), key);
    ASSERT_TRUE(bind.ok());
    binds.push_back(*bind);
    ASSERT_TRUE(verifier.Verify(*bind).ok());
  }
  // 40 distinct triples in 16 slots: the latest is still there, not all the old ones are.
  std::size_t hits = cache->hits();
  ASSERT_TRUE(verifier.Verify(binds.back()).ok());
  EXPECT_EQ(cache->hits(), hits + 1);
  hits = cache->hits();
  for (const auto& bind : binds) ASSERT_TRUE(verifier.Verify(bind).ok());
  EXPECT_LT(cache->hits() - hits, binds.size());
}

TEST(ProofCacheTest, IsSharedSafelyByManyThreads) {
  Vector v("client-instance-detachment-attestation.json");
  std::string good = v.Artifact();
  std::string bad = Replace(good, "\"user-request\"", "\"device-loss\"");
  auto cache = std::make_shared<ProofCache>(256);
  constexpr int kThreads = 4, kRounds = 50;
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      Verifier verifier(cache);
      for (int i = 0; i < kRounds; ++i) {
        if (!verifier.Verify(good).ok()) ++wrong;
        if (verifier.Verify(bad).code != Code::kBadSignature) ++wrong;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
  // Four lookups per round (two signatures in each artifact), every one counted once.
  EXPECT_EQ(cache->hits() + cache->misses(), std::size_t{kThreads * kRounds * 4});
  // The tampered attestation never hits: at least one miss per bad artifact.
  EXPECT_GE(cache->misses(), std::size_t{kThreads * kRounds});
}

TEST(VerifierTest, WorksWithoutACache) {
  Vector v("participant-bind.json");
  Verifier verifier(nullptr);
  EXPECT_TRUE(verifier.Verify(v.Artifact()).ok());
  EXPECT_TRUE(verifier.Verify(v.Artifact()).ok());
}

TEST(SignersTest, RefuseTheWrongKeyAndTheAttachment) {
  Vector v("client-instance-detachment-attestation.json");
  SecretKey node = SeedKey(v.Field("signer-seed-hex"));
  SecretKey participant = SeedKey(std::string(64, 'a'));
  auto wrong = Attest(Kind::kDetachment, v.Artifact(), participant);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), Code::kKeyMismatch);
  EXPECT_THAT(wrong.status().message(), HasSubstr("serving-node/id"));

  Vector bind("participant-bind.json");
  auto not_participant = SignBind(bind.Artifact(), node);
  ASSERT_FALSE(not_participant.ok());
  EXPECT_EQ(not_participant.status().code(), Code::kKeyMismatch);

  auto attachment = Attest(Kind::kAttachment, "{}", node);
  ASSERT_FALSE(attachment.ok());
  EXPECT_EQ(attachment.status().code(), Code::kSchemaInvalid);

  auto invalid = Attest(Kind::kDetachment, "{\"detachment/id\":1}", node);
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.status().code(), Code::kSchemaInvalid);

  // A bind-level node attestation signs the bind's own signing input under via/node-id.
  auto bind_attested = Attest(Kind::kParticipantBind, bind.Artifact(), node);
  ASSERT_TRUE(bind_attested.ok()) << bind_attested.status().ToString();
  Verifier verifier;
  EXPECT_TRUE(verifier.Verify(*bind_attested).ok());
  Report broken = verifier.Verify(
      Replace(*bind_attested, "\"proof/node-attestation\":{\"alg\":\"ed25519\",\"value\":\"",
              "\"proof/node-attestation\":{\"alg\":\"ed25519\",\"value\":\"AA"));
  EXPECT_EQ(broken.code, Code::kBadSignature);
  ASSERT_FALSE(broken.errors.empty());
  EXPECT_EQ(broken.errors[0].path, "/proof~1node-attestation");
}

TEST(SpliceTest, ReplacesOrAddsAndKeepsEveryOtherByte) {
  EXPECT_EQ(proof::SpliceSignature(R"({"a":1,"s":{"alg":"x","value":"y"},"b":2})", "s", "SIG"),
            R"({"a":1,"s":{"alg":"ed25519","value":"SIG"},"b":2})");
  EXPECT_EQ(proof::SpliceSignature(R"({"a":"}\"{","b":[{"s":1}]} )", "s", "SIG"),
            R"({"a":"}\"{","b":[{"s":1}],"s":{"alg":"ed25519","value":"SIG"}} )");
  EXPECT_EQ(proof::SpliceSignature("{\n  \"a\": 1\n}\n", "s", "SIG"),
            "{\n  \"a\": 1,\n  \"s\": {\n    \"alg\": \"ed25519\",\n    \"value\": \"SIG\"\n  "
            "}\n}\n");
  // An escaped member name is the same name.
  EXPECT_EQ(proof::SpliceSignature(R"({"proof\/x":0,"a":1})", "proof/x", "SIG"),
            R"({"proof\/x":{"alg":"ed25519","value":"SIG"},"a":1})");
  EXPECT_EQ(proof::SpliceSignature("{}", "s", "SIG"), R"({"s":{"alg":"ed25519","value":"SIG"}})");
}

}  // namespace
}  // namespace podgate
