// The endpoints of podgate serve.

#include "server/api.h"

#include <charconv>
#include <chrono>

#include <fmt/format.h>

#include "json/writer.h"
#include "server/router.h"

namespace podgate::server {
namespace {

using Clock = std::chrono::steady_clock;

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// "application/json", with or without parameters ("; charset=utf-8").
bool IsJsonMediaType(std::string_view content_type) {
  std::size_t semicolon = content_type.find(';');
  std::string_view type = content_type.substr(0, semicolon);
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  return IEquals(type, "application/json");
}

std::vector<ErrorDetail> Details(const std::vector<Violation>& errors) {
  std::vector<ErrorDetail> details;
  details.reserve(errors.size());
  for (const Violation& v : errors) details.push_back({v.path, v.keyword, v.message});
  return details;
}

// A one-line summary of a rejection for the "message" member.
std::string Summary(Code code, const std::vector<Violation>& errors) {
  if (errors.empty()) return std::string(CodeName(code));
  const Violation& first = errors.front();
  std::string where = first.path.empty() ? "the document" : first.path;
  std::string text = fmt::format("{}: {}", where, first.message);
  if (errors.size() > 1) text += fmt::format(" (and {} more)", errors.size() - 1);
  return text;
}

HttpResponse JsonResponse(int status, std::string body, std::string code = {}) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.body.push_back('\n');
  response.code = std::move(code);
  return response;
}

HttpResponse Unauthenticated(std::string_view message) {
  HttpResponse r = ErrorResponse(401, "unauthorized", message);
  r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"podgate\"");
  return r;
}

HttpResponse StorageError(const Status& status) {
  return ErrorResponse(HttpStatusFor(status.code()), CodeName(status.code()), status.message());
}

void WriteState(json::Writer* w, const ClientInstanceState& s) {
  w->BeginObject()
      .Key("client_instance")
      .String(s.client_instance)
      .Key("participant")
      .String(s.participant)
      .Key("state")
      .String(s.state)
      .Key("attachment_id")
      .String(s.attachment_id)
      .Key("detachment_id")
      .String(s.detachment_id)
      .Key("recovery_id")
      .String(s.recovery_id)
      .Key("reason")
      .String(s.reason)
      .Key("last_seq")
      .UInt(s.last_seq)
      .Key("since")
      .String(s.since.ToRfc3339())
      .EndObject();
}

// SSE: the events after a cursor, each as "id: SEQ\nevent: TYPE\ndata: JSON\n\n". The data is
// one JSON object; a stored artifact that spans lines becomes several "data:" lines, which
// an SSE client joins back with "\n" (only JSON whitespace can hold a line break).
class EventStreamSource : public StreamSource {
 public:
  EventStreamSource(ReadModel* reads, std::uint64_t after, std::size_t batch)
      : reads_(reads), cursor_(after), batch_(batch) {}

  Result<std::string> Next() override {
    std::string out;
    if (first_) {
      first_ = false;
      out += "retry: 2000\n\n";
    }
    auto events = reads_->EventsAfter(cursor_, batch_);
    if (!events.ok()) return events.status();
    for (const Event& e : *events) {
      out += fmt::format("id: {}\nevent: {}\n", e.seq, EventTypeName(e.type));
      std::string data = EventJson(e, /*with_artifact=*/true);
      std::size_t start = 0;
      while (start <= data.size()) {
        std::size_t end = data.find_first_of("\r\n", start);
        if (end == std::string::npos) end = data.size();
        out += "data: ";
        out.append(data, start, end - start);
        out.push_back('\n');
        if (end == data.size()) break;
        start = end + 1;
        if (data[end] == '\r' && start < data.size() && data[start] == '\n') ++start;
      }
      out.push_back('\n');
      cursor_ = e.seq;
    }
    return out;
  }

  std::string Heartbeat() override { return ": keepalive\n\n"; }

 private:
  ReadModel* reads_;
  std::uint64_t cursor_;
  std::size_t batch_;
  bool first_ = true;
};

}  // namespace

int HttpStatusFor(Code code) {
  switch (code) {
    case Code::kOk:
      return 200;
    case Code::kMalformedJson:
    case Code::kSchemaInvalid:
    case Code::kUnknownKind:
    case Code::kUsage:
      return 400;
    case Code::kKeyMismatch:
    case Code::kBadSignature:
    case Code::kUnauthorized:
      return 403;
    case Code::kUnknownAttachment:
    case Code::kUnknownDetachment:
      return 404;
    case Code::kAlreadyDetached:
    case Code::kIdConflict:
    case Code::kClientBusy:
    case Code::kAlreadyRecovered:
      return 409;
    case Code::kWrongNode:
    case Code::kClientMismatch:
    case Code::kParticipantMismatch:
    case Code::kTimeOrder:
    case Code::kClockSkew:
      return 422;
    case Code::kStorage:
    case Code::kUnavailable:
    case Code::kIoError:
      return 503;
    case Code::kBadKey:
    case Code::kConfig:
    case Code::kInternal:
      return 500;
  }
  return 500;
}

std::string EventJson(const Event& e, bool with_artifact) {
  std::string out;
  out.reserve(256 + (with_artifact ? e.json.size() : 0));
  json::Writer w(&out);
  w.BeginObject()
      .Key("seq")
      .UInt(e.seq)
      .Key("type")
      .String(EventTypeName(e.type))
      .Key("kind")
      .String(KindName(e.kind))
      .Key("id")
      .String(e.id)
      .Key("ref_id")
      .String(e.ref_id)
      .Key("detail")
      .String(e.detail)
      .Key("client_instance")
      .String(e.client_instance)
      .Key("related_client_instance")
      .String(e.related_client_instance)
      .Key("participant")
      .String(e.participant)
      .Key("at")
      .String(e.at.ToRfc3339())
      .Key("recorded_at")
      .String(e.recorded_at.ToRfc3339());
  if (with_artifact && !e.json.empty()) w.Key("artifact").Raw(e.json);
  w.EndObject();
  return out;
}

Api::Api(ApiOptions options, Admitter* admitter, ReadModel* reads, const OperatorToken* token,
         Metrics* metrics, std::function<Timestamp()> clock)
    : options_(std::move(options)),
      admitter_(admitter),
      reads_(reads),
      token_(token),
      metrics_(metrics),
      clock_(std::move(clock)) {}

Api::~Api() = default;

void Api::Handle(HttpRequest request, Responder respond) {
  // HEAD is answered wherever GET is (RFC 9110 section 9.3.2: the same head, no body; the
  // transport sends the head alone), except by the event stream, which has no end to measure.
  const bool head = request.method == "HEAD";
  RouteMatch match = MatchRoute(head ? std::string_view("GET") : request.method, request.path);
  if (head && match.route != nullptr && match.route->id == RouteId::kEvents) {
    match.route = nullptr;
    match.allowed = {"GET"};
  } else if (head && match.route == nullptr) {
    match = MatchRoute(request.method, request.path);  // for its Allow list
  }
  if (match.route == nullptr) {
    if (match.allowed.empty()) {
      return respond(
          ErrorResponse(404, "not-found", fmt::format("no resource at {}", request.path)));
    }
    std::string allow;
    for (std::string_view m : match.allowed) {
      if (!allow.empty()) allow += ", ";
      allow += m;
      if (m == "GET" && request.path != "/v1/events") allow += ", HEAD";
    }
    HttpResponse r = ErrorResponse(
        405, "method-not-allowed",
        fmt::format("{} does not answer {}; it answers {}", request.path, request.method, allow));
    r.headers.emplace_back("Allow", allow);
    return respond(std::move(r));
  }
  const Route& route = *match.route;
  Responder tagged = [respond = std::move(respond), &route](HttpResponse r) {
    r.route = std::string(route.operation_id);
    respond(std::move(r));
  };

  switch (route.id) {
    case RouteId::kHealthz: {
      std::string body;
      json::Writer(&body)
          .BeginObject()
          .Key("status")
          .String("ok")
          .Key("node_id")
          .String(options_.node_id)
          .EndObject();
      return tagged(JsonResponse(200, std::move(body), "ok"));
    }
    case RouteId::kMetrics: {
      HttpResponse r;
      r.content_type = "text/plain; version=0.0.4; charset=utf-8";
      r.body = metrics_->Render();
      r.code = "ok";
      return tagged(std::move(r));
    }
    case RouteId::kPostAttachment:
      return Admit(Kind::kAttachment, std::move(request), std::move(tagged));
    case RouteId::kPostDetachment:
      return Admit(Kind::kDetachment, std::move(request), std::move(tagged));
    case RouteId::kPostRecovery:
      return Admit(Kind::kRecovery, std::move(request), std::move(tagged));
    default:
      break;
  }

  ReadAccess access;
  HttpResponse denied;
  if (!AuthorizeRead(request, &access, &denied)) return tagged(std::move(denied));
  switch (route.id) {
    case RouteId::kGetAttachment:
      return tagged(GetArtifact(Kind::kAttachment, match.params[0], access));
    case RouteId::kGetDetachment:
      return tagged(GetArtifact(Kind::kDetachment, match.params[0], access));
    case RouteId::kGetRecovery:
      return tagged(GetArtifact(Kind::kRecovery, match.params[0], access));
    case RouteId::kGetClientInstance:
      return tagged(GetClientInstance(match.params[0], access));
    case RouteId::kGetParticipantClientInstances:
      return tagged(GetParticipant(match.params[0], access));
    case RouteId::kEvents:
      if (!access.operator_rights) {
        return tagged(
            ErrorResponse(403, "unauthorized", "the event stream is for the operator only"));
      }
      return tagged(Events(request));
    default:
      return tagged(ErrorResponse(500, "internal", "route without a handler"));
  }
}

void Api::Admit(Kind kind, HttpRequest request, Responder respond) {
  auto started = Clock::now();
  std::string kind_name(KindName(kind));
  auto count = [this, kind_name, started](std::string_view verdict, std::string_view code) {
    double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    metrics_->CountAdmission(kind_name, verdict, code, seconds);
  };

  std::string_view content_type = request.Header("Content-Type");
  if (!IsJsonMediaType(content_type)) {
    count("rejected", "unsupported-media-type");
    return respond(
        ErrorResponse(415, "unsupported-media-type",
                      content_type.empty()
                          ? std::string("the request has no Content-Type; send application/json")
                          : fmt::format("Content-Type {} is not application/json", content_type)));
  }

  // Who is asking.
  Rights rights = Rights::kParticipant;
  std::string_view authorization = request.Header("Authorization");
  std::string_view participant_signature = request.Header("Participant-Signature");
  if (!authorization.empty()) {
    auto bearer = ParseBearer(authorization);
    if (!bearer || !token_->Matches(*bearer)) {
      count("rejected", "unauthorized");
      return respond(Unauthenticated(bearer ? "the bearer token is not the operator token"
                                            : "Authorization must be \"Bearer <operator token>\""));
    }
    rights = Rights::kOperator;
  } else if (participant_signature.empty()) {
    count("rejected", "unauthorized");
    return respond(Unauthenticated(
        "posting needs the operator token (Authorization: Bearer) or the participant's "
        "Participant-Signature over this artifact's .request signing input"));
  }

  // Layers 1 to 3 here, on this worker thread (and with them the gate's preparation).
  AdmissionRequest admission{kind, std::move(request.body), rights, {}};
  Report report = admitter_->Check(&admission);
  if (!report.ok()) {
    count("rejected", CodeName(report.code));
    return respond(ErrorResponse(HttpStatusFor(report.code), CodeName(report.code),
                                 Summary(report.code, report.errors), Details(report.errors)));
  }
  if (rights == Rights::kParticipant) {
    Status proof = VerifyPostSignature(kind, admission.body, participant_signature);
    if (!proof.ok()) {
      count("rejected", "unauthorized");
      return respond(Unauthenticated(proof.message()));
    }
  }

  admitter_->Admit(
      std::move(admission), [respond = std::move(respond), count](AdmissionOutcome outcome) {
        if (!outcome.status.ok()) {
          count("failed", CodeName(outcome.status.code()));
          return respond(StorageError(outcome.status));
        }
        const Admission& a = outcome.admission;
        if (a.verdict == Verdict::kRejected) {
          count("rejected", CodeName(a.report.code));
          return respond(ErrorResponse(HttpStatusFor(a.report.code), CodeName(a.report.code),
                                       Summary(a.report.code, a.report.errors),
                                       Details(a.report.errors)));
        }
        std::string body;
        body.reserve(a.receipt.size() + 200);
        json::Writer w(&body);
        w.BeginObject()
            .Key("verdict")
            .String(VerdictName(a.verdict))
            .Key("kind")
            .String(a.report.kind ? KindName(*a.report.kind) : std::string_view())
            .Key("id")
            .String(a.report.id)
            .Key("seq")
            .UInt(a.seq)
            .Key("receipt")
            .Raw(a.receipt)
            .EndObject();
        bool admitted = a.verdict == Verdict::kAdmitted;
        count(VerdictName(a.verdict), "ok");
        respond(JsonResponse(admitted ? 201 : 200, std::move(body),
                             std::string(VerdictName(a.verdict))));
      });
}

bool Api::AuthorizeRead(const HttpRequest& request, ReadAccess* access, HttpResponse* denied) {
  std::string_view authorization = request.Header("Authorization");
  if (!authorization.empty()) {
    auto bearer = ParseBearer(authorization);
    if (!bearer || !token_->Matches(*bearer)) {
      *denied = Unauthenticated(bearer ? "the bearer token is not the operator token"
                                       : "Authorization must be \"Bearer <operator token>\"");
      return false;
    }
    access->operator_rights = true;
    return true;
  }
  if (!request.HasHeader("Participant-Signature")) {
    *denied = Unauthenticated(
        "reading needs the operator token (Authorization: Bearer) or a participant read "
        "signature (Participant-Id, Participant-Timestamp, Participant-Signature)");
    return false;
  }
  auto proof =
      VerifyReadSignature(request.method, request.target, request.Header("Participant-Id"),
                          request.Header("Participant-Timestamp"),
                          request.Header("Participant-Signature"), clock_(), options_.skew_seconds);
  if (!proof.ok()) {
    *denied = Unauthenticated(proof.status().message());
    return false;
  }
  access->participant = std::move(proof->participant);
  return true;
}

HttpResponse Api::GetArtifact(Kind kind, const std::string& id, const ReadAccess& access) {
  auto stored = reads_->GetArtifact(kind, id);
  if (!stored.ok()) return StorageError(stored.status());
  // A participant sees only artifacts of its own binds; others look absent.
  if (stored->has_value() && !access.operator_rights &&
      ArtifactParticipant((*stored)->json) != access.participant) {
    stored->reset();
  }
  if (!stored->has_value()) {
    return ErrorResponse(404, "not-found", fmt::format("no {} {}", KindName(kind), id));
  }
  std::string body;
  json::Writer w(&body);
  w.BeginObject()
      .Key("kind")
      .String(KindName(kind))
      .Key("id")
      .String(id)
      .Key("seq")
      .UInt((*stored)->seq)
      .Key("artifact")
      .Raw((*stored)->json)
      .EndObject();
  return JsonResponse(200, std::move(body), "ok");
}

HttpResponse Api::GetClientInstance(const std::string& id, const ReadAccess& access) {
  auto state = reads_->GetClientInstance(id);
  if (!state.ok()) return StorageError(state.status());
  if (state->has_value() && !access.operator_rights &&
      (*state)->participant != access.participant) {
    state->reset();
  }
  if (!state->has_value()) {
    return ErrorResponse(404, "not-found", fmt::format("no client instance {}", id));
  }
  auto history = reads_->ClientInstanceHistory(id);
  if (!history.ok()) return StorageError(history.status());
  std::string body;
  json::Writer w(&body);
  w.BeginObject().Key("current");
  WriteState(&w, **state);
  w.Key("history").BeginArray();
  for (const Event& e : *history) w.Raw(EventJson(e, /*with_artifact=*/false));
  w.EndArray().EndObject();
  return JsonResponse(200, std::move(body), "ok");
}

HttpResponse Api::GetParticipant(const std::string& id, const ReadAccess& access) {
  if (!access.operator_rights && id != access.participant) {
    return ErrorResponse(403, "unauthorized",
                         "a participant may read only its own client instances");
  }
  auto states = reads_->ParticipantClientInstances(id);
  if (!states.ok()) return StorageError(states.status());
  std::string body;
  json::Writer w(&body);
  w.BeginObject().Key("participant").String(id).Key("client_instances").BeginArray();
  for (const ClientInstanceState& s : *states) WriteState(&w, s);
  w.EndArray().EndObject();
  return JsonResponse(200, std::move(body), "ok");
}

HttpResponse Api::Events(const HttpRequest& request) {
  std::uint64_t after = 0;
  std::string_view text = request.Header("Last-Event-ID");
  std::string_view source = "Last-Event-ID";
  if (text.empty()) {
    // ?after=N for clients that cannot set headers.
    std::string_view query = request.query;
    while (!query.empty()) {
      std::size_t amp = query.find('&');
      std::string_view pair = query.substr(0, amp);
      if (pair.starts_with("after=")) {
        text = pair.substr(6);
        source = "after";
      }
      if (amp == std::string_view::npos) break;
      query.remove_prefix(amp + 1);
    }
  }
  if (!text.empty()) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), after);
    if (ec != std::errc() || end != text.data() + text.size()) {
      return ErrorResponse(400, "bad-request",
                           fmt::format("{} must be a ledger sequence number (an unsigned "
                                       "integer), not \"{}\"",
                                       source, text));
    }
  }
  HttpResponse r;
  r.content_type = "text/event-stream";
  r.code = "ok";
  r.stream = std::make_shared<EventStreamSource>(reads_, after, options_.events_per_chunk);
  return r;
}

}  // namespace podgate::server
