// End-to-end tests of podgate keygen / did / sign / verify, running the real binary, with the
// real openssl binary on the other side of the PEM format.

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "podgate/keys.h"

namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

struct Outcome {
  int code = -1;
  std::string out;
  std::string err;
};

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

class ProofCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/podgate-proof-cli-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  // Runs a shell command line, capturing standard output and standard error.
  Outcome Shell(const std::string& command) {
    Outcome run;
    std::string out = Path(".out"), err = Path(".err");
    int status = std::system((command + " >" + out + " 2>" + err).c_str());
    run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.out = Slurp(out);
    run.err = Slurp(err);
    return run;
  }

  Outcome Podgate(const std::string& args) {
    return Shell(std::string(PODGATE_BINARY) + " " + args);
  }

  void Write(const std::string& name, const std::string& text) {
    std::ofstream(Path(name), std::ios::binary) << text;
  }

  static bool HaveOpenssl() { return std::system("openssl version >/dev/null 2>&1") == 0; }

  // An unsigned bind for `participant_id` served by `node_id`.
  static std::string UnsignedBind(const std::string& participant_id, const std::string& node_id) {
    std::string key = participant_id.substr(participant_id.rfind(':') + 1);
    return "{\n  \"schema/v\": 1,\n  \"bind/id\": \"pb:e2e\",\n  \"bound-at\": "
           "\"2026-03-28T19:20:00Z\",\n  \"participant/id\": \"" +
           participant_id + "\",\n  \"via/node-id\": \"" + node_id +
           "\",\n  \"session/id\": \"sess:e2e\",\n  \"participant/key/alg\": \"ed25519\",\n  "
           "\"participant/key/public\": \"" +
           key + "\"\n}\n";
  }

  static std::string Detachment(const std::string& node_id, const std::string& bind) {
    std::string nested;
    for (char c : bind) {
      nested.push_back(c);
      if (c == '\n') nested += "  ";
    }
    while (!nested.empty() && (nested.back() == ' ' || nested.back() == '\n')) nested.pop_back();
    return "{\n  \"schema/v\": 1,\n  \"detachment/id\": \"detach:e2e\",\n  \"detached-at\": "
           "\"2026-03-28T20:05:00Z\",\n  \"attachment/id\": \"attach:e2e\",\n  "
           "\"serving-node/id\": \"" +
           node_id +
           "\",\n  \"client-instance/id\": \"client:e2e\",\n  \"detach/reason\": "
           "\"user-request\",\n  \"participant-bind\": " +
           nested + "\n}\n";
  }

  std::string Line(const std::string& text) { return text.substr(0, text.find('\n')); }

  std::string dir_;
};

TEST_F(ProofCliTest, KeygenWritesAKeyOpensslReads) {
  if (!HaveOpenssl()) GTEST_SKIP() << "no openssl binary";
  Outcome keygen = Podgate("keygen --out " + Path("k.pem"));
  ASSERT_EQ(keygen.code, 0) << keygen.err;
  EXPECT_THAT(keygen.out, StartsWith("node:did:key:z6Mk"));
  struct stat st {};
  ASSERT_EQ(::stat(Path("k.pem").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  Outcome pkey = Shell("openssl pkey -in " + Path("k.pem") + " -noout");
  EXPECT_EQ(pkey.code, 0) << pkey.err;
  // openssl and podgate agree on the public key.
  Outcome pub = Shell("openssl pkey -in " + Path("k.pem") +
                      " -pubout -outform DER | tail -c 32 | od "
                      "-An -tx1 | tr -d ' \\n'");
  ASSERT_EQ(pub.code, 0);
  auto key =
      podgate::DecodeMultibaseKey(Podgate("did --multibase " + Path("k.pem")).out.substr(0, 48));
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  std::string hex;
  for (std::uint8_t byte : key->bytes) hex += fmt::format("{:02x}", byte);
  EXPECT_EQ(pub.out, hex);
  // Never overwrites.
  Outcome again = Podgate("keygen --out " + Path("k.pem"));
  EXPECT_EQ(again.code, 2);
  EXPECT_THAT(again.err, HasSubstr("exists"));
}

TEST_F(ProofCliTest, DidPrintsTheIdentities) {
  ASSERT_EQ(Podgate("keygen --out " + Path("k.pem")).code, 0);
  Outcome both = Podgate("did " + Path("k.pem"));
  ASSERT_EQ(both.code, 0) << both.err;
  std::string node = Line(both.out);
  std::string participant = both.out.substr(node.size() + 1);
  EXPECT_THAT(node, StartsWith("node:did:key:z6Mk"));
  EXPECT_EQ(participant, "participant:" + node.substr(5) + "\n");
  EXPECT_EQ(Podgate("did --role node " + Path("k.pem")).out, node + "\n");
  EXPECT_EQ(Podgate("did --role participant " + Path("k.pem")).out, participant);
  EXPECT_EQ(Podgate("did --multibase " + Path("k.pem")).out, node.substr(13) + "\n");
  EXPECT_EQ(Podgate("did --role admin " + Path("k.pem")).code, 2);
}

TEST_F(ProofCliTest, RefusesAKeyFileOthersCanRead) {
  ASSERT_EQ(Podgate("keygen --out " + Path("k.pem")).code, 0);
  ASSERT_EQ(::chmod(Path("k.pem").c_str(), 0644), 0);
  Outcome did = Podgate("did " + Path("k.pem"));
  EXPECT_EQ(did.code, 2);
  EXPECT_THAT(did.err, HasSubstr("bad-key"));
  EXPECT_THAT(did.err, HasSubstr("chmod 600"));
  Write("b.json",
        UnsignedBind("participant:did:key:z6MkgAnvkP45uNxwCKeNdt6wrYkEjpYX4f7Nrd8MQqFL8Fbn",
                     "node:did:key:z6MkwJFpvJVFe15ygGgYLTYuiPwfhkkDRkMG4eKQFT8g65yE"));
  Outcome sign = Podgate("sign --key " + Path("k.pem") + " " + Path("b.json"));
  EXPECT_EQ(sign.code, 2);
  EXPECT_THAT(sign.err, HasSubstr("bad-key"));
}

TEST_F(ProofCliTest, OpensslKeysSignWhatVerifyAccepts) {
  if (!HaveOpenssl()) GTEST_SKIP() << "no openssl binary";
  ASSERT_EQ(Shell("umask 077 && openssl genpkey -algorithm ed25519 -out " + Path("p.pem")).code, 0);
  ASSERT_EQ(Shell("umask 077 && openssl genpkey -algorithm ed25519 -out " + Path("n.pem")).code, 0);
  std::string participant = Line(Podgate("did --role participant " + Path("p.pem")).out);
  std::string node = Line(Podgate("did --role node " + Path("n.pem")).out);
  ASSERT_THAT(participant, StartsWith("participant:did:key:z6Mk"));
  ASSERT_THAT(node, StartsWith("node:did:key:z6Mk"));

  // The bind, signed by its participant.
  Write("bind.participant-bind.json", UnsignedBind(participant, node));
  Outcome bind = Podgate("sign --key " + Path("p.pem") + " --out " + Path("signed.json") + " " +
                         Path("bind.participant-bind.json"));
  ASSERT_EQ(bind.code, 0) << bind.err;
  Outcome verify = Podgate("verify " + Path("signed.json"));
  EXPECT_EQ(verify.code, 0) << verify.out;
  EXPECT_THAT(verify.out, HasSubstr("valid participant-bind pb:e2e"));

  // The node refuses to sign as the participant, and the reverse.
  Outcome wrong = Podgate("sign --key " + Path("n.pem") + " " + Path("bind.participant-bind.json"));
  EXPECT_EQ(wrong.code, 1);
  EXPECT_THAT(wrong.err, HasSubstr("key-mismatch"));

  // A detachment with that bind, attested by the node (read from standard input).
  std::string signed_bind = Slurp(Path("signed.json"));
  Write("d.json", Detachment(node, signed_bind));
  Outcome attest = Podgate("sign --key " + Path("n.pem") + " - <" + Path("d.json"));
  ASSERT_EQ(attest.code, 0) << attest.err;
  EXPECT_THAT(attest.out, HasSubstr("\"proof/node-attestation\": {"));
  // Every byte of the input is kept ahead of the new member.
  std::string input = Slurp(Path("d.json"));
  EXPECT_EQ(attest.out.substr(0, input.rfind('\n', input.size() - 2)),
            input.substr(0, input.rfind('\n', input.size() - 2)));
  Write("attested.json", attest.out);
  Outcome ok = Podgate("verify --format json " + Path("attested.json"));
  EXPECT_EQ(ok.code, 0) << ok.out;
  EXPECT_THAT(ok.out, HasSubstr("\"verdict\":\"valid\""));

  Outcome by_participant = Podgate("sign --key " + Path("p.pem") + " " + Path("d.json"));
  EXPECT_EQ(by_participant.code, 1);
  EXPECT_THAT(by_participant.err, HasSubstr("serving-node/id"));

  // A tampered copy fails with the pointer of the failing proof.
  std::string tampered = attest.out;
  tampered.replace(tampered.find("user-request"), 12, "device-loss");
  Write("tampered.json", tampered);
  Outcome bad = Podgate("verify --format json " + Path("tampered.json"));
  EXPECT_EQ(bad.code, 1);
  EXPECT_THAT(bad.out, HasSubstr("\"code\":\"bad-signature\""));
  EXPECT_THAT(bad.out, HasSubstr("\"path\":\"/proof~1node-attestation\""));
}

TEST_F(ProofCliTest, SignRefusesAttachmentsAndInvalidInput) {
  ASSERT_EQ(Podgate("keygen --out " + Path("k.pem")).code, 0);
  Outcome attachment =
      Podgate("sign --key " + Path("k.pem") +
              " " PODGATE_SOURCE_DIR "/examples/signed/ios-a13.client-instance-attachment.json");
  EXPECT_EQ(attachment.code, 1);
  EXPECT_THAT(attachment.err, HasSubstr("carries no signature of its own"));

  Write("x.client-instance-detachment.json", "{\"detachment/id\": 7}");
  Outcome invalid =
      Podgate("sign --key " + Path("k.pem") + " " + Path("x.client-instance-detachment.json"));
  EXPECT_EQ(invalid.code, 1);
  EXPECT_THAT(invalid.err, HasSubstr("schema-invalid"));

  Write("y.json", "{\"detachment/id\": ");
  Outcome malformed = Podgate("sign --key " + Path("k.pem") + " " + Path("y.json"));
  EXPECT_EQ(malformed.code, 1);
  EXPECT_THAT(malformed.err, HasSubstr("malformed-json"));
}

TEST_F(ProofCliTest, SignedExamplesVerifyAndUpstreamExamplesDoNot) {
  Outcome signed_examples = Podgate("verify " PODGATE_SOURCE_DIR "/examples/signed/*.json");
  EXPECT_EQ(signed_examples.code, 0) << signed_examples.out;
  EXPECT_THAT(signed_examples.out, HasSubstr("3 inputs: 3 valid, 0 invalid"));

  for (const char* name : {"bound-over-live-session.participant-bind.json",
                           "operator-remote-screen.client-instance-attachment.json",
                           "replace-device.client-instance-recovery.json",
                           "user-requested.client-instance-detachment.json"}) {
    std::string path = std::string(PODGATE_SOURCE_DIR "/examples/") + name;
    EXPECT_EQ(Podgate("validate " + path).code, 0) << name;
    Outcome verify = Podgate("verify --format json " + path);
    EXPECT_EQ(verify.code, 1) << name;
    EXPECT_THAT(verify.out, HasSubstr("\"code\":\"bad-signature\"")) << name;
    EXPECT_THAT(verify.out, HasSubstr("proof~1participant-signature\"")) << name;
  }
}

TEST_F(ProofCliTest, VerifyReportsAnUnreadableInputAndGoesOn) {
  Outcome run =
      Podgate("verify " + Path("missing.json") +
              " " PODGATE_SOURCE_DIR "/examples/signed/ios-a13.client-instance-attachment.json");
  EXPECT_EQ(run.code, 2);
  EXPECT_THAT(run.err, HasSubstr("missing.json"));
  EXPECT_THAT(run.out, HasSubstr("valid client-instance-attachment attach:01JQCLIATT001"));
  EXPECT_THAT(run.out, HasSubstr("2 inputs: 1 valid, 0 invalid, 1 unreadable"));
}

TEST_F(ProofCliTest, NdjsonVerifyKeepsInputOrder) {
  // Valid and tampered lines interleaved; the verdicts come back in line order.
  std::string signed_detachment = Slurp(PODGATE_SOURCE_DIR
                                        "/examples/signed/ios-a13-lost.client-instance-detachment."
                                        "json");
  std::string line;
  for (char c : signed_detachment) {
    if (c != '\n') line.push_back(c);
  }
  std::string tampered = line;
  tampered.replace(tampered.find("device-loss"), 11, "user-request");
  std::string ndjson;
  const int kLines = 3000;
  for (int i = 0; i < kLines; ++i) ndjson += (i % 7 == 3 ? tampered : line) + "\n";
  Write("in.ndjson", ndjson);
  Outcome run = Podgate("verify --ndjson --format json " + Path("in.ndjson"));
  EXPECT_EQ(run.code, 1);
  std::istringstream out(run.out);
  std::string verdict;
  int n = 0;
  while (std::getline(out, verdict)) {
    std::string input = "\"input\":\"" + Path("in.ndjson") + ":" + std::to_string(n + 1) + "\"";
    ASSERT_THAT(verdict, HasSubstr(input)) << n;
    ASSERT_THAT(verdict,
                HasSubstr(n % 7 == 3 ? "\"verdict\":\"invalid\"" : "\"verdict\":\"valid\""))
        << n;
    ++n;
  }
  EXPECT_EQ(n, kLines);
  EXPECT_THAT(run.err, HasSubstr("3000 inputs"));
}

}  // namespace
