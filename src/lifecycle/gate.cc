// The gate (include/podgate/gate.h): Verifier (layers 1-3), the pure decision (layer 4), the
// ledger, and the node key that attests what the gate admits.

#include "podgate/gate.h"

#include <fmt/format.h>

#include "json/parser.h"
#include "json/writer.h"
#include "lifecycle/decision.h"
#include "lifecycle/facts.h"
#include "proof/signing.h"

namespace podgate {

std::string_view RightsName(Rights rights) {
  switch (rights) {
    case Rights::kParticipant:
      return "participant";
    case Rights::kOperator:
      return "operator";
    case Rights::kGate:
      return "gate";
  }
  return "unknown";
}

namespace {

// The domain whose signing input the gate digests to tell duplicates from conflicting copies:
// the attestation domain for detachments and recoveries (the same bytes the gate then signs),
// the request domain for attachments. Either way the digest covers the artifact without its
// proof fields.
Domain DigestDomain(Kind kind) {
  switch (kind) {
    case Kind::kDetachment:
      return Domain::kDetachment;
    case Kind::kRecovery:
      return Domain::kRecovery;
    case Kind::kAttachment:
      return Domain::kAttachmentRequest;
    case Kind::kParticipantBind:
      break;
  }
  return Domain::kParticipantBind;
}

void Reject(Admission* a, Code code, std::string path, std::string message) {
  a->verdict = Verdict::kRejected;
  a->report.code = code;
  a->report.errors.clear();
  a->report.errors.push_back(
      Violation{std::move(path), "lifecycle", std::move(message), std::nullopt});
}

}  // namespace

struct Gate::Impl {
  Impl(GateOptions opts, Ledger* l, SecretKey key, std::shared_ptr<ProofCache> cache)
      : options(std::move(opts)),
        ledger(l),
        node_key(std::move(key)),
        verifier(cache, options.validator),
        parser(json::Limits{options.validator.max_bytes, options.validator.max_depth}),
        minted_verifier(std::move(cache), MintedLimits(options.validator)),
        minted_parser(
            json::Limits{MintedLimits(options.validator).max_bytes, options.validator.max_depth}) {}

  // The gate's own session-expired detachments repeat the attachment's id and client instance
  // beside its bind, so they may outgrow the limit the attachment met; checked under twice the
  // limit (and some room), they always fit, and an attachment can always be expired.
  static ValidatorOptions MintedLimits(ValidatorOptions options) {
    options.max_bytes = 2 * options.max_bytes + 4096;
    return options;
  }

  Result<Admission> Stage(std::string_view json, Rights rights, Timestamp now,
                          std::optional<Kind> kind);
  Status EnsureTransaction() {
    if (txn) return Status::Ok();
    auto begun = ledger->Begin();
    if (!begun.ok()) return begun.status();
    txn = std::move(begun).value();
    return Status::Ok();
  }
  // Stores an admitted decision's record; returns its sequence number.
  Result<std::uint64_t> Record(const lifecycle::Decision& d, std::string_view stored,
                               Timestamp now) {
    if (const auto* a = std::get_if<AttachmentRecord>(&d.record)) {
      return txn->RecordAttachment(*a, stored, now);
    }
    if (const auto* x = std::get_if<DetachmentRecord>(&d.record)) {
      return txn->RecordDetachment(*x, stored, now);
    }
    if (const auto* r = std::get_if<RecoveryRecord>(&d.record)) {
      return txn->RecordRecovery(*r, stored, now);
    }
    return Status(Code::kInternal, "admitted decision without a record");
  }

  GateOptions options;
  Ledger* ledger;
  SecretKey node_key;
  Verifier verifier;
  json::Parser parser;
  Verifier minted_verifier;  // for Rights::kGate: see MintedLimits
  json::Parser minted_parser;
  proof::SigningInputBuilder builder;
  std::string padded;
  std::string input;  // signing input of the current artifact
  std::unique_ptr<LedgerTransaction> txn;
  std::size_t staged = 0;
};

Result<Admission> Gate::Impl::Stage(std::string_view json, Rights rights, Timestamp now,
                                    std::optional<Kind> kind) {
  Admission a;
  const bool minted = rights == Rights::kGate;
  a.report = (minted ? minted_verifier : verifier).Verify(json, kind);
  if (!a.report.ok()) return a;  // layers 1 to 3 decided: nothing reaches the ledger
  const Kind k = *a.report.kind;

  padded.assign(json);
  padded.append(json::kPadding, '\0');
  json::Element root;
  if (Status s = (minted ? minted_parser : parser)
                     .Parse(std::string_view(padded.data(), json.size()), &root);
      !s.ok()) {
    return Status(Code::kInternal, "the verified artifact no longer parses: " + s.message());
  }
  json::Object object = root.get_object().value_unsafe();
  auto facts = lifecycle::ExtractFacts(object, k);
  if (!facts.ok()) return Status(Code::kInternal, facts.status().ToString());
  if (k != Kind::kParticipantBind) {
    builder.Build(DigestDomain(k), object, &input);
    facts->digest = lifecycle::Sha256(input);
  }

  if (Status s = EnsureTransaction(); !s.ok()) return s;
  if (options.retention.enabled()) {
    auto evicted = txn->ApplyRetention(options.retention, now);
    if (!evicted.ok()) return evicted.status();
  }
  lifecycle::Context context{options.node_id, now, options.skew_seconds, rights};
  auto decision = lifecycle::Decide(*txn, *facts, context);
  if (!decision.ok()) return decision.status();
  lifecycle::Decision& d = *decision;

  switch (d.verdict) {
    case Verdict::kAdmitted: {
      // Detachments and recoveries are stored (and answered) as the node attests them.
      std::string attested;
      if (k == Kind::kDetachment || k == Kind::kRecovery) {
        attested = proof::SpliceSignature(json, proof::kNodeAttestation, node_key.Sign(input));
      }
      std::string_view stored = attested.empty() ? json : std::string_view(attested);
      auto seq = Record(d, stored, now);
      if (seq.ok()) {
        a.verdict = Verdict::kAdmitted;
        a.seq = *seq;
        a.receipt.assign(stored);
      } else if (seq.status().code() == Code::kStorage ||
                 seq.status().code() == Code::kUnavailable ||
                 seq.status().code() == Code::kInternal) {
        return seq.status();  // operational (PostgreSQL: unavailable), not a refusal
      } else {
        // The engine's constraints refused what the decision admitted; they win.
        Reject(&a, seq.status().code(), "", seq.status().message());
      }
      break;
    }
    case Verdict::kDuplicate: {
      auto stored = txn->GetArtifact(k, facts->id);
      if (!stored.ok()) return stored.status();
      if (!*stored) return Status(Code::kInternal, "a duplicate's first admission is not held");
      a.verdict = Verdict::kDuplicate;
      a.seq = (*stored)->seq;
      a.receipt = std::move((*stored)->json);
      break;
    }
    case Verdict::kRejected:
      Reject(&a, d.code, d.path, d.message);
      break;
  }

  VerdictEntry entry;
  entry.kind = k;
  entry.artifact_id = facts->id;
  entry.verdict = a.verdict;
  entry.code = a.report.code;
  if (!a.report.errors.empty()) entry.message = a.report.errors.front().message;
  entry.digest = facts->digest;
  entry.rights = std::string(RightsName(rights));
  entry.decided_at = now;
  entry.fact_seq = a.seq;
  if (Status s = txn->RecordVerdict(entry); !s.ok()) return s;
  ++staged;
  return a;
}

Gate::Gate(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Gate::~Gate() = default;

Result<std::unique_ptr<Gate>> Gate::Create(GateOptions options, Ledger* ledger, SecretKey node_key,
                                           std::shared_ptr<ProofCache> cache) {
  auto named = DecodeId(options.node_id, Role::kNode);
  if (!named.ok()) {
    return Status(Code::kConfig,
                  fmt::format("node id \"{}\": {}", options.node_id, named.status().message()));
  }
  if (!(*named == node_key.public_key())) {
    return Status(Code::kConfig,
                  fmt::format("node id {} is not the identity of the node key ({})",
                              options.node_id, node_key.public_key().ToId(Role::kNode)));
  }
  if (ledger == nullptr) return Status(Code::kConfig, "the gate needs a ledger");
  if (options.skew_seconds < 0) return Status(Code::kConfig, "clock skew must not be negative");
  return std::unique_ptr<Gate>(new Gate(
      std::make_unique<Impl>(std::move(options), ledger, std::move(node_key), std::move(cache))));
}

Result<Admission> Gate::Stage(std::string_view json, Rights rights, Timestamp now,
                              std::optional<Kind> kind) {
  return impl_->Stage(json, rights, now, kind);
}

Status Gate::Commit() {
  if (!impl_->txn) return Status::Ok();
  Status s = impl_->txn->Commit();
  impl_->txn.reset();
  impl_->staged = 0;
  return s;
}

void Gate::Rollback() {
  impl_->txn.reset();
  impl_->staged = 0;
}

std::size_t Gate::staged() const { return impl_->staged; }

Result<Admission> Gate::Admit(std::string_view json, Rights rights, Timestamp now,
                              std::optional<Kind> kind) {
  auto a = Stage(json, rights, now, kind);
  if (!a.ok()) {
    Rollback();
    return a;
  }
  if (Status s = Commit(); !s.ok()) return s;
  return a;
}

Result<std::vector<Admission>> Gate::ExpireSessions(Timestamp now, std::int64_t ttl_seconds,
                                                    std::size_t limit) {
  if (ttl_seconds <= 0) return Status(Code::kConfig, "the session TTL must be positive");
  auto expired = impl_->ledger->LiveAttachmentsAttachedBefore(now.PlusSeconds(-ttl_seconds), limit);
  if (!expired.ok()) return expired.status();
  std::vector<Admission> admissions;
  json::Parser parser(
      json::Limits{impl_->options.validator.max_bytes, impl_->options.validator.max_depth});
  for (const AttachmentRecord& x : *expired) {
    auto stored = impl_->ledger->GetArtifact(Kind::kAttachment, x.id);
    if (!stored.ok()) return stored.status();
    if (!*stored) return Status(Code::kInternal, "live attachment " + x.id + " has no artifact");
    json::Element root;
    if (Status s = parser.ParseCopy((*stored)->json, &root); !s.ok()) return s;
    auto bind = root["participant-bind"];
    if (bind.error()) return Status(Code::kInternal, "attachment " + x.id + " has no bind");
    // The minted detachment reuses the attachment's bind, value for value (the bind's
    // signature covers its values, not its bytes).
    std::string bind_json = simdjson::to_string(bind.value_unsafe());

    std::string minted;
    json::Writer w(&minted);
    w.BeginObject()
        .Key("schema/v")
        .Int(1)
        .Key("detachment/id")
        .String(std::string(lifecycle::kSessionExpiredIdPrefix) + x.id)
        .Key("detached-at")
        .String(x.attached_at.PlusSeconds(ttl_seconds).ToRfc3339())
        .Key("attachment/id")
        .String(x.id)
        .Key("serving-node/id")
        .String(impl_->options.node_id)
        .Key("client-instance/id")
        .String(x.client_instance)
        .Key("detach/reason")
        .String("session-expired")
        .Key("participant-bind")
        .Raw(bind_json)
        .EndObject();
    auto a = Stage(minted, Rights::kGate, now, Kind::kDetachment);
    if (!a.ok()) {
      Rollback();
      return a.status();
    }
    admissions.push_back(std::move(a).value());
  }
  if (Status s = Commit(); !s.ok()) return s;
  return admissions;
}

const std::string& Gate::node_id() const { return impl_->options.node_id; }

}  // namespace podgate
