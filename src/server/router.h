// The routing table of podgate serve (DESIGN.md section 4): the one place that lists every
// route the server answers. The OpenAPI agreement test reads kRoutes and checks that
// openapi.yaml documents exactly these (method, path template) pairs, no more and no less.
//
// Templates are absolute paths whose segments are literals or "{name}" parameters; a
// parameter matches one non-empty segment, percent-decoded.
//
// Thread safety: constant data and pure functions.

#ifndef PODGATE_SERVER_ROUTER_H_
#define PODGATE_SERVER_ROUTER_H_

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace podgate::server {

enum class RouteId {
  kHealthz,
  kMetrics,
  kPostAttachment,
  kPostDetachment,
  kPostRecovery,
  kGetAttachment,
  kGetDetachment,
  kGetRecovery,
  kGetClientInstance,
  kGetParticipantClientInstances,
  kEvents,
};

struct Route {
  RouteId id;
  std::string_view method;
  std::string_view path;          // template, e.g. "/v1/attachments/{id}"
  std::string_view operation_id;  // the OpenAPI operationId; also the metrics label
};

inline constexpr std::array<Route, 11> kRoutes = {{
    {RouteId::kHealthz, "GET", "/healthz", "getHealth"},
    {RouteId::kMetrics, "GET", "/metrics", "getMetrics"},
    {RouteId::kPostAttachment, "POST", "/v1/attachments", "postAttachment"},
    {RouteId::kPostDetachment, "POST", "/v1/detachments", "postDetachment"},
    {RouteId::kPostRecovery, "POST", "/v1/recoveries", "postRecovery"},
    {RouteId::kGetAttachment, "GET", "/v1/attachments/{id}", "getAttachment"},
    {RouteId::kGetDetachment, "GET", "/v1/detachments/{id}", "getDetachment"},
    {RouteId::kGetRecovery, "GET", "/v1/recoveries/{id}", "getRecovery"},
    {RouteId::kGetClientInstance, "GET", "/v1/client-instances/{id}", "getClientInstance"},
    {RouteId::kGetParticipantClientInstances, "GET", "/v1/participants/{id}/client-instances",
     "getParticipantClientInstances"},
    {RouteId::kEvents, "GET", "/v1/events", "getEvents"},
}};

struct RouteMatch {
  const Route* route = nullptr;     // set when method and path match
  std::vector<std::string> params;  // the decoded "{…}" segments, in order
  // When route is null: the methods the path answers to (empty: no such path, 404; else 405).
  std::vector<std::string_view> allowed;
};

// Finds the route for `method` and `path` (the target without its query).
RouteMatch MatchRoute(std::string_view method, std::string_view path);

// Percent-decodes one path segment; nullopt for a malformed escape or a decoded '\0'.
std::optional<std::string> PercentDecode(std::string_view segment);

}  // namespace podgate::server

#endif  // PODGATE_SERVER_ROUTER_H_
