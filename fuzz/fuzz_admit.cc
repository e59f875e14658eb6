// Fuzz target: the admission decision (src/lifecycle/decision.cc), DESIGN.md section 3.
//
// An input is a program: every 4 bytes describe one artifact's facts (kind, rights, ids,
// client instance, participant, nodes, times, reason or mode, content variant) drawn from
// small alphabets, so that programs collide on ids, clients and references all the time; one
// step in sixteen first evicts the oldest held detachment (retention). Each
// artifact is decided against two ledger views in step: the in-memory MemoryView and a
// transaction of the SQLite engine (rolled back after each input), and what is admitted is
// recorded in both. Properties, after every step:
//   * both views reach the same decision (verdict, code, path): the engine's queries read the
//     ledger as the reference view does, and its constraints accept every admitted record;
//   * the decision is the one of an independent reading of the documented rule order
//     (decision.h), written here from the documentation;
//   * deciding twice gives the same decision, and a rejection or duplicate leaves the view as
//     it was; the ledger invariants hold: first admitted wins, an attachment is detached at
//     most once, a detachment recovered at most once, at most one live attachment per client.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <variant>

#include "fuzz_check.h"
#include "lifecycle/decision.h"
#include "lifecycle/memory_view.h"
#include "podgate/ledger.h"

namespace podgate::fuzz {
namespace {

using lifecycle::Context;
using lifecycle::Decision;
using lifecycle::Facts;
using lifecycle::MemoryView;

const Timestamp kT0{1774726920, 0};  // 2026-03-28T19:42:00Z
constexpr std::int64_t kSkew = 300;
const std::string kNode = "node:did:key:z6MkwJFpvJVFe15ygGgYLTYuiPwfhkkDRkMG4eKQFT8g65yE";
const std::string kOtherNode = "node:did:key:z6MkrLQkJr2YQ6L8eYw6Qk8f9P8GmJm7a3x6P1v1Q2w3E4r5";

constexpr std::int64_t kTimes[8] = {-3600, -1, 0, 1, 3600, 3900, 3901, 7200};
constexpr std::int64_t kBindLag[4] = {-60, 0, kSkew, kSkew + 1};
constexpr std::string_view kReasons[6] = {"user-request",    "device-loss", "migration",
                                          "session-expired", "policy",      "operator-action"};
constexpr std::string_view kModes[4] = {"reattach-existing-device", "replace-device",
                                        "migrate-to-new-host", "resume-after-suspension"};

Facts FactsOf(const std::uint8_t* op) {
  Facts f;
  f.kind = op[0] % 3 == 0   ? Kind::kAttachment
           : op[0] % 3 == 1 ? Kind::kDetachment
                            : Kind::kRecovery;
  const char* prefix = f.kind == Kind::kAttachment   ? "attach:"
                       : f.kind == Kind::kDetachment ? "detach:"
                                                     : "recover:";
  f.id = prefix + std::to_string(op[1] & 3);
  // One detachment id in eight is the one the gate mints for an attachment's session expiry:
  // reserved to the gate.
  if (f.kind == Kind::kDetachment && (op[3] & 0x70) == 0x70) {
    f.id = std::string(lifecycle::kSessionExpiredIdPrefix) + "attach:" + std::to_string(op[1] & 3);
  }
  f.ref_id =
      (f.kind == Kind::kDetachment ? "attach:" : "detach:") + std::to_string((op[1] >> 2) & 3);
  f.client_instance = "client:" + std::to_string((op[1] >> 4) % 3);
  f.participant =
      (op[1] >> 6) & 1 ? "participant:did:key:z6MkBob" : "participant:did:key:z6MkAlice";
  f.bind_id = "pb:" + std::to_string(op[1] >> 7);
  f.at = kT0.PlusSeconds(kTimes[op[2] & 7]);
  f.bound_at = f.at.PlusSeconds(kBindLag[(op[2] >> 3) & 3]);
  f.serving_node = (op[2] >> 5) & 1 ? kOtherNode : kNode;
  f.via_node = (op[2] >> 6) & 1 ? kOtherNode : kNode;
  f.detail = std::string(f.kind == Kind::kDetachment ? kReasons[op[3] % 6] : kModes[op[3] % 4]);
  // The content: everything above plus a variant bit, so that one id can carry two contents.
  f.digest = f.id + "|" + f.ref_id + "|" + f.client_instance + "|" + f.participant + "|" +
             std::to_string(f.at.unix_seconds) + "|" + std::to_string(f.bound_at.unix_seconds) +
             "|" + f.serving_node + "|" + f.via_node + "|" + f.detail + "|" +
             std::to_string(op[3] >> 7);
  return f;
}

Context ContextOf(const std::uint8_t* op) {
  Context c;
  c.node_id = kNode;
  c.now = kT0.PlusSeconds(3600);
  c.skew_seconds = kSkew;
  int rights = (op[0] / 3) % 3;
  c.rights = rights == 0 ? Rights::kParticipant : rights == 1 ? Rights::kOperator : Rights::kGate;
  return c;
}

// The documented rule order of decision.h, read independently: the expected verdict and code.
struct Expected {
  Verdict verdict;
  Code code;
};

Expected Reference(const MemoryView& v, const Facts& f, const Context& c) {
  auto reject = [](Code code) { return Expected{Verdict::kRejected, code}; };
  auto held_digest = [&]() -> std::optional<std::string> {
    if (f.kind == Kind::kAttachment) {
      auto it = v.attachments.find(f.id);
      if (it != v.attachments.end()) return it->second.digest;
    } else if (f.kind == Kind::kDetachment) {
      auto it = v.detachments.find(f.id);
      if (it != v.detachments.end()) return it->second.digest;
    } else {
      auto it = v.recoveries.find(f.id);
      if (it != v.recoveries.end()) return it->second.digest;
    }
    return std::nullopt;
  }();
  if (held_digest) {
    return *held_digest == f.digest ? Expected{Verdict::kDuplicate, Code::kOk}
                                    : reject(Code::kIdConflict);
  }
  if (f.kind == Kind::kDetachment) {
    auto evicted = v.evicted.find(f.id);
    if (evicted != v.evicted.end()) {
      return evicted->second == f.digest ? Expected{Verdict::kDuplicate, Code::kOk}
                                         : reject(Code::kIdConflict);
    }
  }
  if (f.serving_node != c.node_id || f.via_node != c.node_id) return reject(Code::kWrongNode);
  if (f.kind == Kind::kDetachment && c.rights == Rights::kParticipant &&
      (f.detail == "session-expired" || f.detail == "policy" || f.detail == "operator-action")) {
    return reject(Code::kUnauthorized);
  }
  if (f.kind == Kind::kDetachment && c.rights != Rights::kGate &&
      f.id.starts_with("detach:session-expired:")) {
    return reject(Code::kUnauthorized);
  }
  if (f.at > c.now.PlusSeconds(c.skew_seconds)) return reject(Code::kClockSkew);
  if (f.bound_at > f.at.PlusSeconds(c.skew_seconds)) return reject(Code::kTimeOrder);
  if (f.kind == Kind::kAttachment) {
    for (const auto& [id, a] : v.attachments) {
      if (a.client_instance == f.client_instance && !a.detached_by)
        return reject(Code::kClientBusy);
    }
  } else if (f.kind == Kind::kDetachment) {
    auto it = v.attachments.find(f.ref_id);
    if (it == v.attachments.end()) return reject(Code::kUnknownAttachment);
    const AttachmentRecord& x = it->second;
    if (x.client_instance != f.client_instance) return reject(Code::kClientMismatch);
    if (x.participant != f.participant) return reject(Code::kParticipantMismatch);
    if (f.at < x.attached_at) return reject(Code::kTimeOrder);
    if (x.detached_by) return reject(Code::kAlreadyDetached);
  } else {
    auto it = v.detachments.find(f.ref_id);
    if (it == v.detachments.end()) return reject(Code::kUnknownDetachment);
    const DetachmentRecord& d = it->second;
    if (d.participant != f.participant) return reject(Code::kParticipantMismatch);
    if (d.client_instance != f.client_instance && f.detail != "replace-device" &&
        f.detail != "migrate-to-new-host") {
      return reject(Code::kClientMismatch);
    }
    if (f.at < d.detached_at) return reject(Code::kTimeOrder);
    if (d.recovered_by) return reject(Code::kAlreadyRecovered);
  }
  return {Verdict::kAdmitted, Code::kOk};
}

bool SameDecision(const Decision& a, const Decision& b) {
  return a.verdict == b.verdict && a.code == b.code && a.path == b.path &&
         a.first_seq == b.first_seq;
}

bool SameView(const MemoryView& a, const MemoryView& b) {
  return a.attachments == b.attachments && a.detachments == b.detachments &&
         a.recoveries == b.recoveries && a.evicted == b.evicted && a.last_seq == b.last_seq;
}

void CheckInvariants(const MemoryView& v) {
  std::map<std::string, int> live;
  for (const auto& [id, a] : v.attachments) {
    if (!a.detached_by) FUZZ_CHECK(++live[a.client_instance] == 1, "two live attachments");
  }
  std::map<std::string, int> detached;
  for (const auto& [id, d] : v.detachments) {
    FUZZ_CHECK(++detached[d.attachment_id] == 1, "an attachment detached twice");
    FUZZ_CHECK(!v.evicted.contains(id), "a held detachment under an evicted id");
    auto a = v.attachments.find(d.attachment_id);
    FUZZ_CHECK(a != v.attachments.end() && a->second.detached_by == id,
               "a detachment of no attachment, or not marked on it");
  }
  std::map<std::string, int> recovered;
  for (const auto& [id, r] : v.recoveries) {
    FUZZ_CHECK(++recovered[r.detachment_id] == 1, "a detachment recovered twice");
  }
}

// Records an admitted decision in the SQLite transaction; OK for other verdicts.
Status Record(LedgerTransaction& txn, const Decision& d, Timestamp now) {
  Result<std::uint64_t> seq = std::uint64_t{0};
  if (const auto* a = std::get_if<AttachmentRecord>(&d.record)) {
    seq = txn.RecordAttachment(*a, "{}", now);
  } else if (const auto* x = std::get_if<DetachmentRecord>(&d.record)) {
    seq = txn.RecordDetachment(*x, "{}", now);
  } else if (const auto* r = std::get_if<RecoveryRecord>(&d.record)) {
    seq = txn.RecordRecovery(*r, "{}", now);
  }
  return seq.ok() ? Status::Ok() : seq.status();
}

}  // namespace
}  // namespace podgate::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace podgate;
  using namespace podgate::fuzz;
  static std::unique_ptr<Ledger> ledger = [] {
    auto opened = OpenLedger("sqlite::memory:");
    if (!opened.ok()) std::abort();
    return std::move(opened).value();
  }();
  if (size > 4 * 64) return 0;  // programs of up to 64 artifacts
  auto begun = ledger->Begin();
  FUZZ_CHECK(begun.ok(), "cannot begin: %s", begun.status().ToString().c_str());
  LedgerTransaction& txn = *begun.value();

  lifecycle::MemoryView view;
  for (std::size_t i = 0; i + 4 <= size; i += 4) {
    Facts facts = FactsOf(data + i);
    Context context = ContextOf(data + i);
    if ((data[i] & 0xf0) == 0xf0 && !view.detachments.empty()) {
      // Retention keeps one detachment fewer: the engine chooses (oldest detached-at first),
      // and the reference view forgets the same one.
      RetentionPolicy policy;
      policy.max_count = view.detachments.size() - 1;
      auto evicted = txn.ApplyRetention(policy, context.now);
      FUZZ_CHECK(evicted.ok() && evicted->size() == 1, "retention did not evict one: %s",
                 evicted.ok() ? "" : evicted.status().ToString().c_str());
      view.Evict(evicted->front());
    }
    MemoryView before = view;
    auto decided = lifecycle::Decide(view, facts, context);
    FUZZ_CHECK(decided.ok(), "the memory view failed: %s", decided.status().ToString().c_str());
    const Decision& d = decided.value();
    auto again = lifecycle::Decide(view, facts, context);
    FUZZ_CHECK(again.ok() && SameDecision(again.value(), d), "deciding twice differs");
    FUZZ_CHECK(SameView(before, view), "deciding changed the view");

    Expected expected = Reference(view, facts, context);
    FUZZ_CHECK(d.verdict == expected.verdict && d.code == expected.code,
               "step %zu: decided %s/%s, the documented rules say %s/%s", i / 4,
               std::string(VerdictName(d.verdict)).c_str(), std::string(CodeName(d.code)).c_str(),
               std::string(VerdictName(expected.verdict)).c_str(),
               std::string(CodeName(expected.code)).c_str());
    FUZZ_CHECK(
        (d.verdict == Verdict::kAdmitted) == !std::holds_alternative<std::monostate>(d.record),
        "a record without admission, or an admission without record");

    auto engine = lifecycle::Decide(txn, facts, context);
    FUZZ_CHECK(engine.ok(), "the SQLite view failed: %s", engine.status().ToString().c_str());
    FUZZ_CHECK(SameDecision(engine.value(), d), "step %zu: SQLite view decided %s/%s, memory %s/%s",
               i / 4, std::string(VerdictName(engine->verdict)).c_str(),
               std::string(CodeName(engine->code)).c_str(),
               std::string(VerdictName(d.verdict)).c_str(), std::string(CodeName(d.code)).c_str());

    view.Apply(d);
    if (d.verdict != Verdict::kAdmitted) {
      FUZZ_CHECK(SameView(before, view), "a %s changed the view",
                 std::string(VerdictName(d.verdict)).c_str());
    }
    Status recorded = Record(txn, d, context.now);
    FUZZ_CHECK(recorded.ok(), "the engine refused an admitted record: %s",
               recorded.ToString().c_str());
    CheckInvariants(view);
  }
  return 0;  // the transaction is rolled back as it goes out of scope
}
