#include "server/router.h"

#include <set>

#include <gtest/gtest.h>

namespace podgate::server {
namespace {

// A concrete path for a template: every "{id}" becomes "x:1".
std::string Instantiate(std::string_view templ) {
  std::string out;
  std::size_t i = 0;
  while (i < templ.size()) {
    if (templ[i] == '{') {
      std::size_t close = templ.find('}', i);
      out += "x:1";
      i = close + 1;
    } else {
      out.push_back(templ[i++]);
    }
  }
  return out;
}

TEST(Router, EveryRouteMatchesItsOwnTemplate) {
  for (const Route& route : kRoutes) {
    RouteMatch m = MatchRoute(route.method, Instantiate(route.path));
    ASSERT_NE(m.route, nullptr) << route.path;
    EXPECT_EQ(m.route->id, route.id) << route.path;
  }
}

TEST(Router, RoutesAreUniqueAndNamed) {
  std::set<std::pair<std::string_view, std::string_view>> seen;
  std::set<std::string_view> names;
  for (const Route& route : kRoutes) {
    EXPECT_TRUE(seen.insert({route.method, route.path}).second) << route.path;
    EXPECT_TRUE(names.insert(route.operation_id).second) << route.operation_id;
  }
}

TEST(Router, ParametersAreDecoded) {
  RouteMatch m =
      MatchRoute("GET", "/v1/participants/participant%3Adid%3Akey%3Az6Mk/client-instances");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->id, RouteId::kGetParticipantClientInstances);
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params[0], "participant:did:key:z6Mk");
}

TEST(Router, WrongMethodListsTheAllowedOnes) {
  RouteMatch m = MatchRoute("DELETE", "/v1/detachments");
  EXPECT_EQ(m.route, nullptr);
  ASSERT_EQ(m.allowed.size(), 1u);
  EXPECT_EQ(m.allowed[0], "POST");
  m = MatchRoute("POST", "/v1/detachments/detach:1");
  EXPECT_EQ(m.route, nullptr);
  ASSERT_EQ(m.allowed.size(), 1u);
  EXPECT_EQ(m.allowed[0], "GET");
}

TEST(Router, UnknownPathsMatchNothing) {
  for (std::string_view path :
       {"", "v1/attachments", "/", "/v1", "/v1/attachments/", "/v1/attachments/a/b",
        "/v2/attachments", "/v1/attachments//", "/v1/attachments/%zz", "/v1/attachments/%00",
        "/v1/attachments/%4"}) {
    RouteMatch m = MatchRoute("GET", path);
    EXPECT_EQ(m.route, nullptr) << path;
    EXPECT_TRUE(m.allowed.empty()) << path;
  }
}

TEST(Router, PercentDecode) {
  EXPECT_EQ(PercentDecode("a%20b"), "a b");
  EXPECT_EQ(PercentDecode("%41%62"), "Ab");
  EXPECT_EQ(PercentDecode("plain"), "plain");
  EXPECT_FALSE(PercentDecode("%"));
  EXPECT_FALSE(PercentDecode("%4"));
  EXPECT_FALSE(PercentDecode("%g1"));
  EXPECT_FALSE(PercentDecode("%00"));
}

}  // namespace
}  // namespace podgate::server
