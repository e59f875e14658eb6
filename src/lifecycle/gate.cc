// The gate (include/podgate/gate.h): Verifier (layers 1-3), the pure decision (layer 4), the
// ledger, and the node key that attests what the gate admits.

#include "podgate/gate.h"

#include <memory>

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

// A ledger belongs to one node identity (DESIGN.md section 3: the gate holds one): the node that
// admitted its first fact, always an attachment naming it as serving node. A gate with another
// key (a lost node key replaced by a new one at start-up, a second host started with its own)
// would answer wrong-node to every attachment there, and its session expiry would keep
// meeting them; it is refused before it starts, or, when the ledger was still empty then, in
// its first write transaction after another node's first fact (Gate::Impl::EnsureTransaction).
// True when the ledger has a first fact that is not another node's (this node's attachment, or
// one whose serving node cannot be read, which the check leaves alone), false when it has none.
Result<bool> CheckLedgerNode(Ledger* ledger, const std::string& node_id,
                             const ValidatorOptions& limits) {
  auto first = ledger->EventsAfter(0, 1);
  if (!first.ok()) return first.status();
  if (first->empty()) return false;
  if (first->front().type != EventType::kAttached) return true;
  json::Parser parser(json::LimitsFitting(first->front().json, limits.max_depth));
  json::Element root;
  if (!parser.ParseCopy(first->front().json, &root).ok()) return true;
  auto node = root["serving-node/id"];
  if (node.error() || !node.value_unsafe().is_string()) return true;
  std::string_view owner = node.value_unsafe().get_string().value_unsafe();
  if (owner == node_id) return true;
  return Status(Code::kConfig,
                fmt::format("the ledger belongs to node {} (its first fact, {}, was admitted by "
                            "it), and this gate's key is node {}: start it with that node's key, "
                            "or give it a ledger of its own",
                            owner, first->front().id, node_id));
}

}  // namespace

// What a gate and its preparers share; immutable once the gate is created, so preparers on
// other threads read it without locks (the ProofCache is thread-safe on its own).
struct Preparer::Shared {
  GateOptions options;
  SecretKey node_key;
  std::shared_ptr<ProofCache> cache;
};

struct PreparedArtifact::Impl {
  // The preparer's gate: Stage() refuses an artifact another gate prepared (its options, and
  // its key if attested, may differ).
  const void* origin = nullptr;
  Rights rights = Rights::kParticipant;
  Report report;
  Status failure;  // an internal failure after layers 1 to 3 passed
  std::string json;
  lifecycle::Facts facts;
  std::string input;     // the signing input of DigestDomain(kind), digested into facts.digest
  std::string attested;  // the artifact with the node's attestation, once Attest() signed it
};

PreparedArtifact::PreparedArtifact() = default;
PreparedArtifact::~PreparedArtifact() = default;
PreparedArtifact::PreparedArtifact(PreparedArtifact&& other) noexcept = default;
PreparedArtifact& PreparedArtifact::operator=(PreparedArtifact&& other) noexcept = default;

const Report& PreparedArtifact::report() const {
  static const Report kEmpty;  // immutable: no state shared between gates
  return impl_ ? impl_->report : kEmpty;
}

struct Preparer::Impl {
  explicit Impl(std::shared_ptr<const Shared> s)
      : shared(std::move(s)),
        verifier(shared->cache, shared->options.validator),
        parser(
            json::Limits{shared->options.validator.max_bytes, shared->options.validator.max_depth}),
        minted_verifier(shared->cache, MintedLimits(shared->options.validator)),
        minted_parser(json::Limits{MintedLimits(shared->options.validator).max_bytes,
                                   shared->options.validator.max_depth}) {}

  // The gate's own session-expired detachments repeat the attachment's id and client instance
  // beside its bind, so they may outgrow the limit the attachment met: an attachment that met
  // the current limit gives one within twice the limit and some room, checked here; one
  // admitted under a larger limit since lowered is checked under its own size (Prepare).
  static ValidatorOptions MintedLimits(ValidatorOptions options) {
    options.max_bytes = 2 * options.max_bytes + 4096;
    return options;
  }

  // Facts, signing input and digest of an artifact `p`'s limits let through verification.
  void ReadFacts(PreparedArtifact::Impl* a, json::Parser& p) {
    const Kind k = *a->report.kind;
    padded.assign(a->json);
    padded.append(json::kPadding, '\0');
    json::Element root;
    if (Status s = p.Parse(std::string_view(padded.data(), a->json.size()), &root); !s.ok()) {
      a->failure =
          Status(Code::kInternal, "the verified artifact no longer parses: " + s.message());
      return;
    }
    json::Object object = root.get_object().value_unsafe();
    auto facts = lifecycle::ExtractFacts(object, k);
    if (!facts.ok()) {
      a->failure = Status(Code::kInternal, facts.status().ToString());
      return;
    }
    a->facts = std::move(facts).value();
    if (k != Kind::kParticipantBind) {
      builder.Build(DigestDomain(k), object, &a->input);
      a->facts.digest = lifecycle::Sha256(a->input);
    }
  }

  std::shared_ptr<const Shared> shared;
  Verifier verifier;
  json::Parser parser;
  Verifier minted_verifier;  // for Rights::kGate: see MintedLimits
  json::Parser minted_parser;
  proof::SigningInputBuilder builder;
  std::string padded;
};

Preparer::Preparer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Preparer::~Preparer() = default;

PreparedArtifact Preparer::Prepare(std::string_view json, Rights rights, std::optional<Kind> kind) {
  PreparedArtifact out;
  out.impl_ = std::make_unique<PreparedArtifact::Impl>();
  PreparedArtifact::Impl& a = *out.impl_;
  a.origin = impl_->shared.get();
  a.rights = rights;
  Verifier* verifier = &impl_->verifier;
  json::Parser* parser = &impl_->parser;
  // The gate's own documents are checked under MintedLimits, or under their own size when they
  // outgrow even those: then the attachment they come from was admitted under a size limit the
  // operator has lowered since, and its session must still expire. Every other check applies.
  std::unique_ptr<Verifier> sized_verifier;
  std::unique_ptr<json::Parser> sized_parser;
  if (rights == Rights::kGate) {
    verifier = &impl_->minted_verifier;
    parser = &impl_->minted_parser;
    if (json.size() > parser->limits().max_bytes) {
      ValidatorOptions sized = impl_->shared->options.validator;
      sized.max_bytes = json.size();
      sized_verifier = std::make_unique<Verifier>(impl_->shared->cache, sized);
      sized_parser = std::make_unique<json::Parser>(json::LimitsFitting(json, sized.max_depth));
      verifier = sized_verifier.get();
      parser = sized_parser.get();
    }
  }
  a.report = verifier->Verify(json, kind);
  if (!a.report.ok()) return out;  // layers 1 to 3 decided: nothing reaches the ledger
  a.json.assign(json);
  impl_->ReadFacts(&a, *parser);
  // The ledger indexes these identifiers: a longer one is refused here, before the ledger (and
  // its verdict history), rather than failing the group commit it would be in. The gate's own
  // session-expired detachments are exempt: their values come from an attachment the ledger
  // holds (one admitted before this limit existed may be longer), and they must always pass.
  if (a.failure.ok() && rights != Rights::kGate && a.report.kind != Kind::kParticipantBind) {
    if (auto overlong = lifecycle::FindOverlongIdentifier(a.facts, kMaxIdentifierBytes)) {
      a.report.code = Code::kMalformedJson;
      a.report.errors.assign(1, std::move(*overlong));
    }
  }
  return out;
}

void Preparer::Attest(PreparedArtifact* prepared) {
  if (prepared == nullptr || !prepared->impl_) return;
  PreparedArtifact::Impl& a = *prepared->impl_;
  if (a.origin != impl_->shared.get() || !a.report.ok() || !a.failure.ok()) return;
  if (*a.report.kind != Kind::kDetachment && *a.report.kind != Kind::kRecovery) return;
  if (!a.attested.empty()) return;
  a.attested = proof::SpliceSignature(a.json, proof::kNodeAttestation,
                                      impl_->shared->node_key.Sign(a.input));
}

struct Gate::Impl {
  Impl(std::shared_ptr<const Preparer::Shared> s, Ledger* l)
      : shared(std::move(s)), ledger(l), preparer(std::make_unique<Preparer::Impl>(shared)) {}

  Result<Admission> Stage(PreparedArtifact prepared, Timestamp now);
  // Opens the write transaction, which holds the writers' lock on both engines. While the
  // ledger had no first fact, each one checks it again under that lock: of gates of different
  // keys started on one empty ledger, the first to commit owns it, and the others refuse
  // every write from then on, as they would at start-up (finding 19 of docs/SECURITY.md).
  Status EnsureTransaction() {
    if (txn) return Status::Ok();
    auto begun = ledger->Begin();
    if (!begun.ok()) return begun.status();
    txn = std::move(begun).value();
    if (!owner_confirmed) {
      auto owned = CheckLedgerNode(ledger, shared->options.node_id, shared->options.validator);
      if (!owned.ok()) {
        txn.reset();  // rolled back: nothing was staged
        return owned.status();
      }
      owner_confirmed = *owned;
    }
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

  std::shared_ptr<const Preparer::Shared> shared;
  Ledger* ledger;
  Preparer preparer;  // for Stage() of raw JSON, on the gate's own thread
  std::unique_ptr<LedgerTransaction> txn;
  std::size_t staged = 0;
  // The ledger's first fact was found to be this node's; it never changes once there.
  bool owner_confirmed = false;
};

Result<Admission> Gate::Impl::Stage(PreparedArtifact prepared, Timestamp now) {
  if (!prepared.impl_) return Status(Code::kInternal, "staged an empty prepared artifact");
  PreparedArtifact::Impl& p = *prepared.impl_;
  if (p.origin != shared.get()) {
    return Status(Code::kInternal, "staged an artifact prepared for another gate");
  }
  if (!p.failure.ok()) return p.failure;
  Admission a;
  a.report = std::move(p.report);
  if (!a.report.ok()) return a;  // layers 1 to 3 decided: nothing reaches the ledger
  const Kind k = *a.report.kind;
  const lifecycle::Facts& facts = p.facts;
  const GateOptions& options = shared->options;

  if (Status s = EnsureTransaction(); !s.ok()) return s;
  if (options.retention.enabled()) {
    auto evicted = txn->ApplyRetention(options.retention, now);
    if (!evicted.ok()) return evicted.status();
  }
  lifecycle::Context context{options.node_id, now, options.skew_seconds, p.rights};
  auto decision = lifecycle::Decide(*txn, facts, context);
  if (!decision.ok()) return decision.status();
  lifecycle::Decision& d = *decision;

  switch (d.verdict) {
    case Verdict::kAdmitted: {
      // Detachments and recoveries are stored (and answered) as the node attests them.
      if (k == Kind::kDetachment || k == Kind::kRecovery) preparer.Attest(&prepared);
      std::string_view stored = p.attested.empty() ? std::string_view(p.json) : p.attested;
      auto seq = Record(d, stored, now);
      if (seq.ok()) {
        a.verdict = Verdict::kAdmitted;
        a.seq = *seq;
        a.receipt.assign(stored);
        // The bounds hold after each admission too, not only from the next decision on: a
        // detachment past max-count evicts the oldest at once (and one admitted already past
        // max-age is evicted at once, recorded like any eviction).
        if (k == Kind::kDetachment && options.retention.enabled()) {
          auto evicted = txn->ApplyRetention(options.retention, now);
          if (!evicted.ok()) return evicted.status();
        }
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
      // A held first admission has its number; a detachment retention evicted has none
      // (first_seq 0), and its receipt is read back from the log through its attachment.
      auto stored = (d.first_seq == 0 && k == Kind::kDetachment)
                        ? txn->GetEvictedDetachment(facts.id, facts.ref_id)
                        : txn->GetArtifact(k, facts.id);
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
  entry.artifact_id = facts.id;
  entry.verdict = a.verdict;
  entry.code = a.report.code;
  if (!a.report.errors.empty()) entry.message = a.report.errors.front().message;
  entry.digest = facts.digest;
  entry.rights = std::string(RightsName(p.rights));
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
  if (cache == nullptr) return Status(Code::kConfig, "the gate needs a proof cache");
  auto owned = CheckLedgerNode(ledger, options.node_id, options.validator);
  if (!owned.ok()) return owned.status();
  auto shared = std::make_shared<const Preparer::Shared>(
      Preparer::Shared{std::move(options), std::move(node_key), std::move(cache)});
  auto impl = std::make_unique<Impl>(std::move(shared), ledger);
  impl->owner_confirmed = *owned;
  return std::unique_ptr<Gate>(new Gate(std::move(impl)));
}

Result<Admission> Gate::Stage(std::string_view json, Rights rights, Timestamp now,
                              std::optional<Kind> kind) {
  return impl_->Stage(impl_->preparer.Prepare(json, rights, kind), now);
}

Result<Admission> Gate::Stage(PreparedArtifact prepared, Timestamp now) {
  return impl_->Stage(std::move(prepared), now);
}

std::unique_ptr<Preparer> Gate::NewPreparer() const {
  return std::unique_ptr<Preparer>(new Preparer(std::make_unique<Preparer::Impl>(impl_->shared)));
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
  const GateOptions& options = impl_->shared->options;
  for (const AttachmentRecord& x : *expired) {
    auto stored = impl_->ledger->GetArtifact(Kind::kAttachment, x.id);
    if (!stored.ok()) return stored.status();
    if (!*stored) return Status(Code::kInternal, "live attachment " + x.id + " has no artifact");
    json::Parser parser(json::LimitsFitting((*stored)->json, options.validator.max_depth));
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
        .String(options.node_id)
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

const std::string& Gate::node_id() const { return impl_->shared->options.node_id; }

}  // namespace podgate
