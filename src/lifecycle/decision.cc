#include "lifecycle/decision.h"

#include <fmt/format.h>

namespace podgate::lifecycle {
namespace {

// JSON Pointers of the fields the rules name ('/' in a member name is escaped as "~1").
constexpr std::string_view kAttachmentIdPath = "/attachment~1id";
constexpr std::string_view kDetachmentIdPath = "/detachment~1id";
constexpr std::string_view kRecoveryIdPath = "/recovery~1id";
constexpr std::string_view kServingNodePath = "/serving-node~1id";
constexpr std::string_view kViaNodePath = "/participant-bind/via~1node-id";
constexpr std::string_view kClientPath = "/client-instance~1id";
constexpr std::string_view kParticipantPath = "/participant-bind/participant~1id";
constexpr std::string_view kBoundAtPath = "/participant-bind/bound-at";
constexpr std::string_view kReasonPath = "/detach~1reason";
constexpr std::string_view kFromDetachmentPath = "/recovery~1from-detachment-id";

std::string_view IdPath(Kind kind) {
  switch (kind) {
    case Kind::kAttachment:
      return kAttachmentIdPath;
    case Kind::kDetachment:
      return kDetachmentIdPath;
    case Kind::kRecovery:
      return kRecoveryIdPath;
    case Kind::kParticipantBind:
      break;
  }
  return "/bind~1id";
}

std::string_view TimePath(Kind kind) {
  switch (kind) {
    case Kind::kAttachment:
      return "/attached-at";
    case Kind::kDetachment:
      return "/detached-at";
    case Kind::kRecovery:
      return "/recovered-at";
    case Kind::kParticipantBind:
      break;
  }
  return "/bound-at";
}

Decision Reject(Code code, std::string_view path, std::string message) {
  Decision d;
  d.verdict = Verdict::kRejected;
  d.code = code;
  d.path = std::string(path);
  d.message = std::move(message);
  return d;
}

Decision Duplicate(std::uint64_t seq) {
  Decision d;
  d.verdict = Verdict::kDuplicate;
  d.first_seq = seq;
  return d;
}

template <typename Record>
Decision Admit(Record record) {
  Decision d;
  d.verdict = Verdict::kAdmitted;
  d.record = std::move(record);
  return d;
}

// The id rule: a held id answers duplicate for the same content and id-conflict otherwise.
template <typename Record>
std::optional<Decision> CheckId(const std::optional<Record>& held, const Facts& facts) {
  if (!held) return std::nullopt;
  if (held->digest == facts.digest) return Duplicate(held->seq);
  return Reject(Code::kIdConflict, IdPath(facts.kind),
                fmt::format("{} {} was admitted before with other content; the first admitted "
                            "record is kept",
                            KindName(facts.kind), facts.id));
}

std::optional<Decision> CheckNode(const Facts& facts, const Context& context) {
  if (facts.serving_node != context.node_id) {
    return Reject(Code::kWrongNode, kServingNodePath,
                  fmt::format("names serving node {}, but this gate is {}", facts.serving_node,
                              context.node_id));
  }
  if (facts.via_node != context.node_id) {
    return Reject(Code::kWrongNode, kViaNodePath,
                  fmt::format("the bind was made via node {}, but this gate is {}", facts.via_node,
                              context.node_id));
  }
  return std::nullopt;
}

// The artifact's own time against the gate's clock, and the bind's against the artifact's.
std::optional<Decision> CheckTimes(const Facts& facts, const Context& context) {
  if (facts.at > context.now.PlusSeconds(context.skew_seconds)) {
    return Reject(Code::kClockSkew, TimePath(facts.kind),
                  fmt::format("{} is more than {} s ahead of the gate's clock ({})",
                              facts.at.ToRfc3339(), context.skew_seconds, context.now.ToRfc3339()));
  }
  if (facts.bound_at > facts.at.PlusSeconds(context.skew_seconds)) {
    return Reject(Code::kTimeOrder, kBoundAtPath,
                  fmt::format("the bind is dated {}, more than {} s after {} ({})",
                              facts.bound_at.ToRfc3339(), context.skew_seconds,
                              TimePath(facts.kind).substr(1), facts.at.ToRfc3339()));
  }
  return std::nullopt;
}

Result<Decision> DecideAttachment(LedgerView& view, const Facts& f, const Context& context) {
  auto held = view.FindAttachment(f.id);
  if (!held.ok()) return held.status();
  if (auto d = CheckId(*held, f)) return *d;
  if (auto d = CheckNode(f, context)) return *d;
  if (auto d = CheckTimes(f, context)) return *d;
  auto live = view.FindLiveAttachment(f.client_instance);
  if (!live.ok()) return live.status();
  if (*live) {
    return Reject(Code::kClientBusy, kClientPath,
                  fmt::format("client instance {} is attached by {} and not detached",
                              f.client_instance, (*live)->id));
  }
  AttachmentRecord r;
  r.id = f.id;
  r.client_instance = f.client_instance;
  r.participant = f.participant;
  r.bind_id = f.bind_id;
  r.attached_at = f.at;
  r.bound_at = f.bound_at;
  r.digest = f.digest;
  return Admit(std::move(r));
}

Result<Decision> DecideDetachment(LedgerView& view, const Facts& f, const Context& context) {
  auto held = view.FindDetachment(f.id);
  if (!held.ok()) return held.status();
  if (auto d = CheckId(*held, f)) return *d;
  if (!*held) {
    // Retention forgets a detachment, not its admission: the same content is still a
    // duplicate (its receipt is read back from the log; first_seq is not known here), other
    // content a conflict. An eviction recorded before digests were kept (empty digest) cannot
    // tell the two apart and conflicts with any content.
    auto evicted = view.FindEvictedDetachment(f.id);
    if (!evicted.ok()) return evicted.status();
    if (*evicted) {
      if (!(*evicted)->empty() && **evicted == f.digest) return Duplicate(0);
      return Reject(Code::kIdConflict, kDetachmentIdPath,
                    fmt::format("detachment {} was admitted before with {} content and has since "
                                "been evicted by retention; the id stays taken",
                                f.id, (*evicted)->empty() ? "unrecorded" : "other"));
    }
  }
  if (auto d = CheckNode(f, context)) return *d;
  if (IsNodeReason(f.detail) && context.rights == Rights::kParticipant) {
    return Reject(Code::kUnauthorized, kReasonPath,
                  fmt::format("\"{}\" is a node reason: only the operator or the gate itself "
                              "may detach for it",
                              f.detail));
  }
  if (f.id.starts_with(kSessionExpiredIdPrefix) && context.rights != Rights::kGate) {
    return Reject(Code::kUnauthorized, kDetachmentIdPath,
                  fmt::format("ids beginning with \"{}\" are reserved to the gate's own "
                              "session-expired detachments",
                              kSessionExpiredIdPrefix));
  }
  if (auto d = CheckTimes(f, context)) return *d;
  auto found = view.FindAttachment(f.ref_id);
  if (!found.ok()) return found.status();
  if (!*found) {
    return Reject(Code::kUnknownAttachment, kAttachmentIdPath,
                  fmt::format("names attachment {}, which this gate never admitted", f.ref_id));
  }
  const AttachmentRecord& x = **found;
  if (f.client_instance != x.client_instance) {
    return Reject(Code::kClientMismatch, kClientPath,
                  fmt::format("is {}, but attachment {} attached client instance {}",
                              f.client_instance, x.id, x.client_instance));
  }
  if (f.participant != x.participant) {
    return Reject(Code::kParticipantMismatch, kParticipantPath,
                  fmt::format("is {}, but attachment {} is bound to participant {}", f.participant,
                              x.id, x.participant));
  }
  if (f.at < x.attached_at) {
    return Reject(Code::kTimeOrder, "/detached-at",
                  fmt::format("{} is before attachment {} was attached ({})", f.at.ToRfc3339(),
                              x.id, x.attached_at.ToRfc3339()));
  }
  if (x.detached_by) {
    return Reject(
        Code::kAlreadyDetached, kAttachmentIdPath,
        *x.detached_by == f.id
            ? fmt::format("attachment {} was detached by {}, which retention has "
                          "since evicted",
                          x.id, f.id)
            : fmt::format("attachment {} is already detached by {}", x.id, *x.detached_by));
  }
  DetachmentRecord r;
  r.id = f.id;
  r.attachment_id = f.ref_id;
  r.client_instance = f.client_instance;
  r.participant = f.participant;
  r.reason = f.detail;
  r.detached_at = f.at;
  r.digest = f.digest;
  return Admit(std::move(r));
}

bool MayChangeClient(std::string_view mode) {
  return mode == "replace-device" || mode == "migrate-to-new-host";
}

Result<Decision> DecideRecovery(LedgerView& view, const Facts& f, const Context& context) {
  auto held = view.FindRecovery(f.id);
  if (!held.ok()) return held.status();
  if (auto d = CheckId(*held, f)) return *d;
  if (auto d = CheckNode(f, context)) return *d;
  if (auto d = CheckTimes(f, context)) return *d;
  auto found = view.FindDetachment(f.ref_id);
  if (!found.ok()) return found.status();
  if (!*found) {
    return Reject(Code::kUnknownDetachment, kFromDetachmentPath,
                  fmt::format("names detachment {}, which this gate does not hold (never "
                              "admitted, or evicted by retention)",
                              f.ref_id));
  }
  const DetachmentRecord& d = **found;
  if (f.participant != d.participant) {
    return Reject(Code::kParticipantMismatch, kParticipantPath,
                  fmt::format("is {}, but detachment {} was bound to participant {}", f.participant,
                              d.id, d.participant));
  }
  if (f.client_instance != d.client_instance && !MayChangeClient(f.detail)) {
    return Reject(Code::kClientMismatch, kClientPath,
                  fmt::format("is {}, but detachment {} detached client instance {}; only "
                              "replace-device and migrate-to-new-host may change it",
                              f.client_instance, d.id, d.client_instance));
  }
  if (f.at < d.detached_at) {
    return Reject(Code::kTimeOrder, "/recovered-at",
                  fmt::format("{} is before detachment {} ({})", f.at.ToRfc3339(), d.id,
                              d.detached_at.ToRfc3339()));
  }
  if (d.recovered_by) {
    return Reject(Code::kAlreadyRecovered, kFromDetachmentPath,
                  fmt::format("detachment {} is already recovered by {}", d.id, *d.recovered_by));
  }
  RecoveryRecord r;
  r.id = f.id;
  r.detachment_id = f.ref_id;
  r.client_instance = f.client_instance;
  r.from_client_instance = d.client_instance;
  r.participant = f.participant;
  r.mode = f.detail;
  r.recovered_at = f.at;
  r.digest = f.digest;
  return Admit(std::move(r));
}

}  // namespace

std::optional<Violation> FindOverlongIdentifier(const Facts& facts, std::size_t limit) {
  // Only values the ledger would index that it does not hold already: the artifact's own id, and
  // the client instance of an attachment or recovery (a detachment's must equal its
  // attachment's). The id a detachment or recovery names is admitted only when it names a
  // held record, whose id the ledger already indexes; otherwise it is only looked up.
  auto overlong = [&](std::string_view path, const std::string& value) -> std::optional<Violation> {
    if (value.size() <= limit) return std::nullopt;
    return Violation{std::string(path), "maxBytes",
                     fmt::format("is {} bytes long; this gate admits identifiers of at most {} "
                                 "bytes (UTF-8)",
                                 value.size(), limit),
                     std::nullopt};
  };
  if (auto v = overlong(IdPath(facts.kind), facts.id)) return v;
  if (facts.kind != Kind::kDetachment) return overlong(kClientPath, facts.client_instance);
  return std::nullopt;
}

bool IsNodeReason(std::string_view reason) {
  return reason == "session-expired" || reason == "policy" || reason == "operator-action";
}

Result<Decision> Decide(LedgerView& view, const Facts& facts, const Context& context) {
  switch (facts.kind) {
    case Kind::kAttachment:
      return DecideAttachment(view, facts, context);
    case Kind::kDetachment:
      return DecideDetachment(view, facts, context);
    case Kind::kRecovery:
      return DecideRecovery(view, facts, context);
    case Kind::kParticipantBind:
      break;
  }
  return Reject(Code::kUnknownKind, "",
                "a participant-bind alone is not a lifecycle fact: admit takes attachments, "
                "detachments and recoveries (the bind travels inside them)");
}

}  // namespace podgate::lifecycle
