// Scenario suite of the gate through the real binary: every verdict and code of DESIGN.md
// section 3 (admitted, duplicate, wrong-node, unknown-attachment, client-mismatch,
// participant-mismatch, time-order, clock-skew, client-busy, already-detached,
// unknown-detachment, already-recovered, id-conflict, unauthorized), with artifacts signed by
// keys made in the test, admitted by `podgate admit` into a SQLite ledger; then the read
// models through `podgate show` and `podgate history`.

#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gate_artifacts.h"
#include "gate_cli.h"
#include "podgate/gate.h"
#include "podgate/proof.h"

namespace podgate::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr const char* kNow = "2026-03-28T21:00:00Z";

class GateScenarioTest : public ::testing::Test {
 protected:
  void SetUp() override { PODGATE_SKIP_WITHOUT_SELECTED_ENGINE(); }

  // The outcome of each artifact: "admitted", "duplicate", or the rejection's code.
  std::vector<std::string> Admit(const std::vector<std::string>& artifacts,
                                 const std::string& options = "") {
    std::string path = dir_.File("input-" + std::to_string(runs_++) + ".ndjson");
    std::string text;
    for (const auto& a : artifacts) text += a + "\n";
    WriteFile(path, text);
    CommandResult r = RunCommand(node_.AdmitCommand(options + " --ndjson " + path, kNow));
    exit_code_ = r.exit_code;
    out_ = r.out;
    lines_ = ParseVerdicts(r.out);
    std::vector<std::string> outcomes;
    for (const auto& line : lines_) {
      outcomes.push_back(line.verdict == "rejected" ? line.code : line.verdict);
    }
    return outcomes;
  }

  std::string Attach(std::string_view id, std::string_view client,
                     std::string_view at = "2026-03-28T19:42:00Z") {
    return MakeAttachment(id, client, at, node_.id(), alice_bind_);
  }
  std::string Detach(std::string_view id, std::string_view attachment, std::string_view client,
                     std::string_view reason = "user-request",
                     std::string_view at = "2026-03-28T20:05:00Z") {
    return MakeDetachment(id, attachment, client, reason, at, node_.id(), alice_bind_);
  }
  std::string Recover(std::string_view id, std::string_view from, std::string_view client,
                      std::string_view mode = "reattach-existing-device",
                      std::string_view at = "2026-03-28T20:25:00Z") {
    return MakeRecovery(id, from, client, mode, at, node_.id(), alice_bind_);
  }

  ScratchDir dir_;
  GateNode node_{dir_};
  SecretKey alice_ = KeyFromByte(2);
  SecretKey bob_ = KeyFromByte(3);
  std::string alice_bind_ = MakeBind(
      alice_, {.id = "pb:alice", .bound_at = "2026-03-28T19:20:00Z", .via_node = node_.id()});
  std::string bob_bind_ =
      MakeBind(bob_, {.id = "pb:bob", .bound_at = "2026-03-28T19:20:00Z", .via_node = node_.id()});
  int runs_ = 0;
  int exit_code_ = -1;
  std::string out_;  // the last run's standard output
  std::vector<VerdictLine> lines_;
};

TEST_F(GateScenarioTest, AdmittedThenDuplicateWithTheAttestedReceipt) {
  std::string d = Detach("detach:1", "attach:1", "client:1");
  EXPECT_THAT(Admit({Attach("attach:1", "client:1"), Attach("attach:1", "client:1"), d, d}),
              ElementsAre("admitted", "duplicate", "admitted", "duplicate"));
  EXPECT_EQ(exit_code_, 0);
  ASSERT_EQ(lines_.size(), 4u);
  EXPECT_EQ(lines_[2].kind, "client-instance-detachment");
  EXPECT_EQ(lines_[2].id, "detach:1");
  EXPECT_THAT(lines_[2].receipt, HasSubstr("proof/node-attestation"));
  EXPECT_EQ(lines_[3].receipt, lines_[2].receipt);
  Verifier verifier;
  EXPECT_TRUE(verifier.Verify(lines_[2].receipt).ok());
  // A later run of the binary finds the same ledger: the whole history replays as duplicates.
  EXPECT_THAT(Admit({Attach("attach:1", "client:1"), d, lines_[2].receipt}),
              ElementsAre("duplicate", "duplicate", "duplicate"));
  // The count line (standard error with --format json) tells duplicates from admissions.
  std::string path = dir_.File("count.ndjson");
  WriteFile(path, Attach("attach:1", "client:1") + "\n" + Attach("attach:2", "client:2") + "\n" +
                      Detach("detach:9", "attach:none", "client:9") + "\n");
  CommandResult counted =
      RunCommand("(" + node_.AdmitCommand("--quiet --ndjson " + path, kNow) + " 2>&1)");
  EXPECT_EQ(counted.out, "3 inputs: 1 admitted, 1 duplicate, 1 rejected\n");
}

// An unreadable input between two files gets its line in input order, after the verdicts of
// everything read before it (those are committed first), and the run goes on.
TEST_F(GateScenarioTest, UnreadableInputKeepsItsPlaceInTheVerdicts) {
  std::string first = dir_.File("a.json");
  std::string missing = dir_.File("missing.json");
  std::string last = dir_.File("b.json");
  WriteFile(first, Attach("attach:1", "client:1"));
  WriteFile(last, Attach("attach:2", "client:2"));
  CommandResult r = RunCommand(node_.AdmitCommand(first + " " + missing + " " + last, kNow));
  EXPECT_EQ(r.exit_code, 2);
  std::vector<VerdictLine> lines = ParseVerdicts(r.out);
  ASSERT_EQ(lines.size(), 3u) << r.out;
  EXPECT_EQ(lines[0].verdict, "admitted");
  EXPECT_EQ(lines[1].input, missing);
  EXPECT_EQ(lines[1].code, "io-error");
  EXPECT_EQ(lines[2].verdict, "admitted");
}

TEST_F(GateScenarioTest, WrongNode) {
  SecretKey other = KeyFromByte(9);
  std::string other_bind = MakeBind(
      alice_, {.id = "pb:x", .bound_at = "2026-03-28T19:20:00Z", .via_node = NodeId(other)});
  EXPECT_THAT(
      Admit({MakeAttachment("attach:1", "client:1", "2026-03-28T19:42:00Z", NodeId(other),
                            alice_bind_),
             MakeAttachment("attach:2", "client:2", "2026-03-28T19:42:00Z", node_.id(), other_bind),
             Attach("attach:3", "client:3"),
             MakeDetachment("detach:3", "attach:3", "client:3", "user-request",
                            "2026-03-28T20:05:00Z", node_.id(), other_bind)}),
      ElementsAre("wrong-node", "wrong-node", "admitted", "wrong-node"));
  EXPECT_EQ(exit_code_, 1);
}

TEST_F(GateScenarioTest, UnknownAttachment) {
  EXPECT_THAT(Admit({Detach("detach:1", "attach:never", "client:1")}),
              ElementsAre("unknown-attachment"));
}

TEST_F(GateScenarioTest, ClientMismatch) {
  EXPECT_THAT(
      Admit({Attach("attach:1", "client:1"), Detach("detach:1", "attach:1", "client:2"),
             Detach("detach:2", "attach:1", "client:1"),
             Recover("recover:1", "detach:2", "client:9", "resume-after-suspension"),
             Recover("recover:2", "detach:2", "client:9", "replace-device")}),
      ElementsAre("admitted", "client-mismatch", "admitted", "client-mismatch", "admitted"));
}

TEST_F(GateScenarioTest, ParticipantMismatch) {
  EXPECT_THAT(Admit({Attach("attach:1", "client:1"),
                     MakeDetachment("detach:1", "attach:1", "client:1", "user-request",
                                    "2026-03-28T20:05:00Z", node_.id(), bob_bind_),
                     Detach("detach:2", "attach:1", "client:1"),
                     MakeRecovery("recover:1", "detach:2", "client:1", "reattach-existing-device",
                                  "2026-03-28T20:25:00Z", node_.id(), bob_bind_)}),
              ElementsAre("admitted", "participant-mismatch", "admitted", "participant-mismatch"));
}

TEST_F(GateScenarioTest, TimeOrder) {
  std::string late_bind = MakeBind(
      alice_, {.id = "pb:late", .bound_at = "2026-03-28T19:50:00Z", .via_node = node_.id()});
  EXPECT_THAT(
      Admit({// bound-at more than 300 s after attached-at
             MakeAttachment("attach:0", "client:0", "2026-03-28T19:42:00Z", node_.id(), late_bind),
             Attach("attach:1", "client:1"),
             // detached before it was attached
             Detach("detach:1", "attach:1", "client:1", "user-request", "2026-03-28T19:41:59Z"),
             Detach("detach:2", "attach:1", "client:1"),
             // recovered before it was detached
             Recover("recover:1", "detach:2", "client:1", "reattach-existing-device",
                     "2026-03-28T20:04:00Z")}),
      ElementsAre("time-order", "admitted", "time-order", "admitted", "time-order"));
}

TEST_F(GateScenarioTest, ClockSkew) {
  EXPECT_THAT(Admit({Attach("attach:1", "client:1", "2026-03-28T21:05:01Z"),
                     Attach("attach:2", "client:2", "2026-03-28T21:05:00Z")}),
              ElementsAre("clock-skew", "admitted"));
  EXPECT_THAT(Admit({Attach("attach:3", "client:3", "2026-03-28T21:00:11Z")}, "--skew 10"),
              ElementsAre("clock-skew"));
}

TEST_F(GateScenarioTest, ClientBusy) {
  EXPECT_THAT(Admit({Attach("attach:1", "client:1"), Attach("attach:2", "client:1"),
                     Detach("detach:1", "attach:1", "client:1"),
                     Attach("attach:3", "client:1", "2026-03-28T20:30:00Z")}),
              ElementsAre("admitted", "client-busy", "admitted", "admitted"));
}

// Identifiers past kMaxIdentifierBytes are refused before the ledger, on both engines alike
// (PostgreSQL cannot index them: the whole group commit failed, the valid artifacts in it too),
// and the artifacts around them are admitted in the same run.
TEST_F(GateScenarioTest, OverlongIdentifiersAreRefusedBeforeTheLedger) {
  const std::string longest(kMaxIdentifierBytes - 7, 'x');  // "attach:" + it: at the limit
  const std::string over = longest + "y";
  EXPECT_THAT(
      Admit({Attach("attach:1", "client:1"), Attach("attach:" + over, "client:2"),
             Attach("attach:2", "client:" + std::string(kMaxIdentifierBytes, 'c')),
             Attach("attach:" + longest, "client:3"), Detach("detach:1", "attach:1", "client:1"),
             Detach("detach:" + over, "attach:1", "client:1"),
             Detach("detach:3", "attach:" + longest, "client:3")}),
      ElementsAre("admitted", "malformed-json", "malformed-json", "admitted", "admitted",
                  "malformed-json", "admitted"));
  EXPECT_EQ(exit_code_, 1);
  EXPECT_THAT(out_, HasSubstr("\"path\":\"/attachment~1id\"")) << out_;
  EXPECT_THAT(out_, HasSubstr("\"path\":\"/client-instance~1id\"")) << out_;
  EXPECT_THAT(out_, HasSubstr("this gate admits identifiers of at most 2048 bytes")) << out_;
}

TEST_F(GateScenarioTest, AlreadyDetached) {
  EXPECT_THAT(Admit({Attach("attach:1", "client:1"), Detach("detach:1", "attach:1", "client:1"),
                     Detach("detach:2", "attach:1", "client:1", "device-loss")}),
              ElementsAre("admitted", "admitted", "already-detached"));
}

TEST_F(GateScenarioTest, UnknownDetachmentIncludingEvicted) {
  EXPECT_THAT(Admit({Recover("recover:0", "detach:never", "client:1")}),
              ElementsAre("unknown-detachment"));
  // With at most one detachment held, detach:1 (the older) is evicted before recover:1.
  EXPECT_THAT(
      Admit({Attach("attach:1", "client:1"), Attach("attach:2", "client:2"),
             Detach("detach:1", "attach:1", "client:1", "user-request", "2026-03-28T20:05:00Z"),
             Detach("detach:2", "attach:2", "client:2", "user-request", "2026-03-28T20:06:00Z"),
             Recover("recover:1", "detach:1", "client:1"),
             Recover("recover:2", "detach:2", "client:2")},
            "--retain-max-count 1"),
      ElementsAre("admitted", "admitted", "admitted", "admitted", "unknown-detachment",
                  "admitted"));
}

TEST_F(GateScenarioTest, AlreadyRecovered) {
  EXPECT_THAT(Admit({Attach("attach:1", "client:1"), Detach("detach:1", "attach:1", "client:1"),
                     Recover("recover:1", "detach:1", "client:1"),
                     Recover("recover:2", "detach:1", "client:1")}),
              ElementsAre("admitted", "admitted", "admitted", "already-recovered"));
}

TEST_F(GateScenarioTest, IdConflictKeepsTheFirstRecord) {
  std::string first = Attach("attach:1", "client:1");
  EXPECT_THAT(Admit({first, Attach("attach:1", "client:2"), first}),
              ElementsAre("admitted", "id-conflict", "duplicate"));
  ASSERT_EQ(lines_.size(), 3u);
  EXPECT_EQ(lines_[2].receipt, lines_[0].receipt);
  EXPECT_THAT(lines_[2].receipt, HasSubstr("client:1"));
}

// Retention forgets a detachment, not its id: another detachment under an evicted id (here
// one that would detach another, live attachment) is an id conflict, and the attachment stays
// attached; the evicted detachment itself, posted again, finds its attachment detached by it.
TEST_F(GateScenarioTest, IdConflictAlsoAfterEviction) {
  std::string first = Detach("detach:1", "attach:1", "client:1");
  EXPECT_THAT(
      Admit({Attach("attach:1", "client:1"), Attach("attach:2", "client:2"),
             Attach("attach:3", "client:3"), first,
             Detach("detach:3", "attach:3", "client:3", "user-request", "2026-03-28T20:06:00Z"),
             Detach("detach:1", "attach:2", "client:2"), first},
            "--retain-max-count 1"),
      ElementsAre("admitted", "admitted", "admitted", "admitted", "admitted", "id-conflict",
                  "duplicate"));
  CommandResult shown = RunCommand(std::string(PODGATE_BINARY) + " show --db " + node_.db() +
                                   " --format json client:2");
  EXPECT_EQ(shown.exit_code, 0);
  EXPECT_THAT(shown.out, HasSubstr("\"state\":\"attached\"")) << shown.out;
  EXPECT_THAT(shown.out, ::testing::Not(HasSubstr("detach:1"))) << shown.out;
}

TEST_F(GateScenarioTest, NodeReasonsAreUnauthorizedWithoutOperator) {
  std::string policy = Detach("detach:1", "attach:1", "client:1", "policy");
  EXPECT_THAT(Admit({Attach("attach:1", "client:1"), policy,
                     Detach("detach:2", "attach:1", "client:1", "session-expired"),
                     Detach("detach:3", "attach:1", "client:1", "operator-action")}),
              ElementsAre("admitted", "unauthorized", "unauthorized", "unauthorized"));
  EXPECT_EQ(exit_code_, 1);
  EXPECT_THAT(Admit({policy}, "--operator"), ElementsAre("admitted"));
  EXPECT_EQ(exit_code_, 0);
}

TEST_F(GateScenarioTest, BareBindAndBrokenProofAreRejected) {
  std::string forged = Attach("attach:1", "client:1");
  forged.replace(forged.find("pb:alice"), 8, "pb:alicx");
  EXPECT_THAT(Admit({alice_bind_, forged}), ElementsAre("unknown-kind", "bad-signature"));
}

TEST_F(GateScenarioTest, NodeIdMustBeTheKeys) {
  std::string path = dir_.File("a.json");
  WriteFile(path, Attach("attach:1", "client:1"));
  CommandResult r =
      RunCommand(std::string(PODGATE_BINARY) + " admit --db " + node_.db() + " --node-id " +
                 NodeId(bob_) + " --node-key " + node_.key_file() + " " + path);
  EXPECT_EQ(r.exit_code, 2);
  r = RunCommand(std::string(PODGATE_BINARY) + " admit --db mysql://x --node-id " + node_.id() +
                 " --node-key " + node_.key_file() + " " + path);
  EXPECT_EQ(r.exit_code, 2);
}

TEST_F(GateScenarioTest, ShowAndHistoryReadTheLedger) {
  ASSERT_THAT(Admit({Attach("attach:1", "client:1"), Detach("detach:1", "attach:1", "client:1"),
                     Recover("recover:1", "detach:1", "client:2", "replace-device"),
                     Attach("attach:2", "client:3")}),
              ElementsAre("admitted", "admitted", "admitted", "admitted"));
  std::string bin = PODGATE_BINARY;
  CommandResult show = RunCommand(bin + " show --db " + node_.db() + " --format json client:1");
  EXPECT_EQ(show.exit_code, 0);
  EXPECT_THAT(show.out, HasSubstr("\"state\":\"detached\""));
  EXPECT_THAT(show.out, HasSubstr("\"detachment\":\"detach:1\""));
  CommandResult text = RunCommand(bin + " show --db " + node_.db() + " client:2");
  EXPECT_THAT(text.out, HasSubstr("client:2: recovered"));
  CommandResult participant = RunCommand(bin + " show --db " + node_.db() + " --participant " +
                                         ParticipantId(alice_) + " --format json");
  EXPECT_EQ(participant.exit_code, 0);
  EXPECT_EQ(std::count(participant.out.begin(), participant.out.end(), '\n'), 3);
  CommandResult history = RunCommand(bin + " history --db " + node_.db() + " client:1");
  EXPECT_EQ(history.exit_code, 0);
  EXPECT_THAT(history.out, HasSubstr("attached   attach:1"));
  EXPECT_THAT(history.out, HasSubstr("detached   detach:1 (user-request) of attach:1"));
  EXPECT_THAT(history.out, HasSubstr("recovered  recover:1 (replace-device) from detach:1"));
  CommandResult missing = RunCommand(bin + " show --db " + node_.db() + " client:none");
  EXPECT_EQ(missing.exit_code, 1);
  CommandResult no_db =
      RunCommand(bin + " show --db sqlite:" + dir_.File("absent.db") + " client:1");
  EXPECT_EQ(no_db.exit_code, 2);
}

}  // namespace
}  // namespace podgate::testing
