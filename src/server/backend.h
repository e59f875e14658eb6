// The narrow interfaces the HTTP API talks to: an Admitter that decides and durably records
// admissions (the gate behind a group-commit queue), and a ReadModel that answers reads (the
// ledger's read models). The API layer (api.h) knows nothing else about the gate or the
// ledger, so a test can drive it with fakes and the engines can change behind it.
//
// Thread safety: both interfaces are called from many threads at once and must be
// thread-safe.

#ifndef PODGATE_SERVER_BACKEND_H_
#define PODGATE_SERVER_BACKEND_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "podgate/artifact.h"
#include "podgate/gate.h"
#include "podgate/ledger.h"
#include "podgate/status.h"

namespace podgate::server {

struct AdmissionRequest {
  Kind kind = Kind::kAttachment;
  std::string body;  // the artifact
  Rights rights = Rights::kParticipant;
  // What Admitter::Check() did ahead of the decision; may stay empty.
  PreparedArtifact prepared;
};

// The outcome of one admission. `status` is not OK only for an operational failure (storage,
// shutdown): nothing was recorded, and the caller should retry.
struct AdmissionOutcome {
  Status status;
  Admission admission;
};

class Admitter {
 public:
  virtual ~Admitter() = default;

  // Layers 1 to 3 of `request`, on the calling thread: a report that is not ok() is the
  // verdict, and the request goes no further. The admitter may keep in request->prepared the
  // work of its decision that needs no ledger, so that Admit() leaves less to its own thread.
  virtual Report Check(AdmissionRequest* request) = 0;

  // Queues `request` (Check()ed, and its report ok); `done` is called exactly once, from any
  // thread, after the decision is durable (or with a non-OK status when it could not be made).
  virtual void Admit(AdmissionRequest request, std::function<void(AdmissionOutcome)> done) = 0;

  // Queues a session-expiry run: attachments live for more than ttl_seconds are detached
  // (session-expired) by the gate itself. `done` gets how many were minted.
  virtual void ExpireSessions(std::int64_t ttl_seconds,
                              std::function<void(Result<std::size_t>)> done) = 0;

  // Decides everything queued so far, then refuses new work (unavailable). Blocks until done.
  virtual void Drain() = 0;
};

class ReadModel {
 public:
  virtual ~ReadModel() = default;

  virtual Result<std::optional<StoredArtifact>> GetArtifact(Kind kind, std::string_view id) = 0;
  virtual Result<std::optional<ClientInstanceState>> GetClientInstance(
      std::string_view client_instance) = 0;
  virtual Result<std::vector<Event>> ClientInstanceHistory(std::string_view client_instance) = 0;
  virtual Result<std::vector<ClientInstanceState>> ParticipantClientInstances(
      std::string_view participant) = 0;
  virtual Result<std::vector<Event>> EventsAfter(std::uint64_t after, std::size_t limit) = 0;
};

}  // namespace podgate::server

#endif  // PODGATE_SERVER_BACKEND_H_
