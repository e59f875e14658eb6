// Api: the HTTP interface of podgate serve (DESIGN.md section 4; openapi.yaml documents it).
// It routes each request through kRoutes (router.h), checks rights (auth.h), runs layers 1 to
// 3 on admissions in the calling worker thread (so that signature verification uses every
// core; the gate then finds the proofs in the shared ProofCache), hands admissions to the
// Admitter and answers reads from the ReadModel.
//
// Status codes of an admission: 201 admitted, 200 duplicate; errors carry
// {"code","message","errors":[{"path","keyword","message"}]} and the status HttpStatusFor
// gives their code. Bad input never gets a 5xx: 503 means the ledger or the shutdown refused
// work that may be retried, 500 a bug.
//
// Thread safety: Handle may be called from any number of threads at once.

#ifndef PODGATE_SERVER_API_H_
#define PODGATE_SERVER_API_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "podgate/proof.h"
#include "podgate/timestamp.h"
#include "server/auth.h"
#include "server/backend.h"
#include "server/http.h"
#include "server/metrics.h"

namespace podgate::server {

struct ApiOptions {
  std::string node_id;                 // shown by /healthz
  std::int64_t skew_seconds = 300;     // for participant read timestamps
  std::size_t events_per_chunk = 256;  // SSE: events read per ledger query
};

// The HTTP status of a verdict code (an artifact layer's or an operational one).
int HttpStatusFor(Code code);

class Api : public Handler {
 public:
  // Every pointer must outlive the Api. `clock` gives "now" (tests fix it).
  Api(ApiOptions options, Admitter* admitter, ReadModel* reads, const OperatorToken* token,
      Metrics* metrics, std::function<Timestamp()> clock);
  ~Api() override;

  void Handle(HttpRequest request, Responder respond) override;

 private:
  struct ReadAccess {
    bool operator_rights = false;
    std::string participant;  // set for a participant
  };

  void Admit(Kind kind, HttpRequest request, Responder respond);
  // OK with the rights, or the 401/403 response in *denied.
  bool AuthorizeRead(const HttpRequest& request, ReadAccess* access, HttpResponse* denied);
  HttpResponse GetArtifact(Kind kind, const std::string& id, const ReadAccess& access);
  HttpResponse GetClientInstance(const std::string& id, const ReadAccess& access);
  HttpResponse GetParticipant(const std::string& id, const ReadAccess& access);
  HttpResponse Events(const HttpRequest& request);

  ApiOptions options_;
  Admitter* admitter_;
  ReadModel* reads_;
  const OperatorToken* token_;
  Metrics* metrics_;
  std::function<Timestamp()> clock_;
};

// The JSON text of one ledger event (SSE data, client-instance history); with_artifact adds
// the stored artifact as "artifact".
std::string EventJson(const Event& event, bool with_artifact);

}  // namespace podgate::server

#endif  // PODGATE_SERVER_API_H_
