// Route matching: segment by segment against each template of kRoutes.

#include "server/router.h"

namespace podgate::server {
namespace {

// Splits "/a/b" into {"a","b"}; false for a path that does not start with '/'.
bool SplitPath(std::string_view path, std::vector<std::string_view>* segments) {
  if (path.empty() || path.front() != '/') return false;
  path.remove_prefix(1);
  while (true) {
    std::size_t slash = path.find('/');
    segments->push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// True when the template matches; fills *params with the decoded parameters.
bool MatchTemplate(std::string_view templ, const std::vector<std::string_view>& segments,
                   std::vector<std::string>* params) {
  std::vector<std::string_view> parts;
  SplitPath(templ, &parts);
  if (parts.size() != segments.size()) return false;
  params->clear();
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].starts_with('{')) {
      if (segments[i].empty()) return false;
      auto decoded = PercentDecode(segments[i]);
      if (!decoded || decoded->empty()) return false;
      params->push_back(std::move(*decoded));
    } else if (parts[i] != segments[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<std::string> PercentDecode(std::string_view segment) {
  std::string out;
  out.reserve(segment.size());
  for (std::size_t i = 0; i < segment.size(); ++i) {
    char c = segment[i];
    if (c != '%') {
      out.push_back(c);
      continue;
    }
    if (i + 2 >= segment.size()) return std::nullopt;
    int hi = HexValue(segment[i + 1]);
    int lo = HexValue(segment[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    char decoded = static_cast<char>(hi * 16 + lo);
    if (decoded == '\0') return std::nullopt;
    out.push_back(decoded);
    i += 2;
  }
  return out;
}

RouteMatch MatchRoute(std::string_view method, std::string_view path) {
  RouteMatch match;
  std::vector<std::string_view> segments;
  if (!SplitPath(path, &segments)) return match;
  std::vector<std::string> params;
  for (const Route& route : kRoutes) {
    if (!MatchTemplate(route.path, segments, &params)) continue;
    if (route.method == method) {
      match.route = &route;
      match.params = std::move(params);
      match.allowed.clear();
      return match;
    }
    match.allowed.push_back(route.method);
  }
  return match;
}

}  // namespace podgate::server
