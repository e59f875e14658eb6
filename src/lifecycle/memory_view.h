// MemoryView: an in-memory LedgerView for tests of the pure decision. Apply() records an
// admitted Decision the way an engine would (sequence numbers, detached-by, recovered-by).
//
// Thread safety: none; one test at a time.

#ifndef PODGATE_LIFECYCLE_MEMORY_VIEW_H_
#define PODGATE_LIFECYCLE_MEMORY_VIEW_H_

#include <map>
#include <string>
#include <variant>

#include "lifecycle/decision.h"
#include "podgate/ledger.h"

namespace podgate::lifecycle {

class MemoryView : public LedgerView {
 public:
  std::map<std::string, AttachmentRecord, std::less<>> attachments;
  std::map<std::string, DetachmentRecord, std::less<>> detachments;
  std::map<std::string, RecoveryRecord, std::less<>> recoveries;
  std::map<std::string, std::string, std::less<>> evicted;  // detachment id -> digest
  std::uint64_t last_seq = 0;

  // Evicts a held detachment the way an engine's retention does.
  void Evict(std::string_view id) {
    auto it = detachments.find(id);
    if (it == detachments.end()) return;
    evicted[it->first] = it->second.digest;
    ++last_seq;
    detachments.erase(it);
  }

  // Records what an admitted decision says to record; ignores other verdicts.
  void Apply(const Decision& d) {
    if (d.verdict != Verdict::kAdmitted) return;
    if (const auto* a = std::get_if<AttachmentRecord>(&d.record)) {
      AttachmentRecord r = *a;
      r.seq = ++last_seq;
      attachments[r.id] = r;
    } else if (const auto* x = std::get_if<DetachmentRecord>(&d.record)) {
      DetachmentRecord r = *x;
      r.seq = ++last_seq;
      detachments[r.id] = r;
      attachments[r.attachment_id].detached_by = r.id;
    } else if (const auto* v = std::get_if<RecoveryRecord>(&d.record)) {
      RecoveryRecord r = *v;
      r.seq = ++last_seq;
      recoveries[r.id] = r;
      detachments[r.detachment_id].recovered_by = r.id;
    }
  }

  Result<std::optional<AttachmentRecord>> FindAttachment(std::string_view id) override {
    return Find(attachments, id);
  }
  Result<std::optional<AttachmentRecord>> FindLiveAttachment(
      std::string_view client_instance) override {
    for (const auto& [id, r] : attachments) {
      if (r.client_instance == client_instance && !r.detached_by) {
        return std::optional<AttachmentRecord>(r);
      }
    }
    return std::optional<AttachmentRecord>();
  }
  Result<std::optional<DetachmentRecord>> FindDetachment(std::string_view id) override {
    return Find(detachments, id);
  }
  Result<std::optional<DetachmentRecord>> FindDetachmentOfAttachment(
      std::string_view attachment_id) override {
    for (const auto& [id, r] : detachments) {
      if (r.attachment_id == attachment_id) return std::optional<DetachmentRecord>(r);
    }
    return std::optional<DetachmentRecord>();
  }
  Result<std::optional<RecoveryRecord>> FindRecovery(std::string_view id) override {
    return Find(recoveries, id);
  }
  Result<std::optional<std::string>> FindEvictedDetachment(std::string_view id) override {
    return Find(evicted, id);
  }
  Result<std::optional<RecoveryRecord>> FindRecoveryOfDetachment(
      std::string_view detachment_id) override {
    for (const auto& [id, r] : recoveries) {
      if (r.detachment_id == detachment_id) return std::optional<RecoveryRecord>(r);
    }
    return std::optional<RecoveryRecord>();
  }

 private:
  template <typename Map>
  static Result<std::optional<typename Map::mapped_type>> Find(const Map& map,
                                                               std::string_view id) {
    auto it = map.find(id);
    if (it == map.end()) return std::optional<typename Map::mapped_type>();
    return std::optional<typename Map::mapped_type>(it->second);
  }
};

}  // namespace podgate::lifecycle

#endif  // PODGATE_LIFECYCLE_MEMORY_VIEW_H_
