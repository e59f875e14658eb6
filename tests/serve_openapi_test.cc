// openapi.yaml and the server agree: the document lists exactly the routes of the routing
// table (method, path template, operationId), its ErrorCode enum holds exactly the codes the
// server can answer with, and its status table puts every verdict code under the status
// HttpStatusFor gives it.

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "podgate/status.h"
#include "server/api.h"
#include "server/router.h"

namespace podgate::serve_openapi {
namespace {

std::string ReadDocument() {
  std::ifstream in(std::string(PODGATE_SOURCE_DIR) + "/openapi.yaml");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

// (METHOD, path) -> operationId, from the `paths:` section (two-space indented paths,
// four-space indented methods).
std::map<std::pair<std::string, std::string>, std::string> DocumentedOperations(
    const std::vector<std::string>& lines) {
  std::map<std::pair<std::string, std::string>, std::string> ops;
  static const std::regex kPath(R"(^  (/[^ :]*):\s*$)");
  static const std::regex kMethod(R"(^    (get|post|put|patch|delete|head|options):\s*$)");
  static const std::regex kOperation(R"(^      operationId:\s*(\S+)\s*$)");
  bool in_paths = false;
  std::string path, method;
  for (const std::string& line : lines) {
    if (line == "paths:") {
      in_paths = true;
      continue;
    }
    if (in_paths && !line.empty() && line[0] != ' ') break;  // the next top-level key
    if (!in_paths) continue;
    std::smatch m;
    if (std::regex_match(line, m, kPath)) {
      path = m[1];
      method.clear();
    } else if (std::regex_match(line, m, kMethod)) {
      method = m[1];
      for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      ops[{method, path}] = "";
    } else if (std::regex_match(line, m, kOperation) && !method.empty()) {
      ops[{method, path}] = m[1];
    }
  }
  return ops;
}

TEST(OpenApi, DocumentsExactlyTheRoutingTable) {
  auto ops = DocumentedOperations(Lines(ReadDocument()));
  ASSERT_FALSE(ops.empty()) << "no paths found in openapi.yaml";
  std::map<std::pair<std::string, std::string>, std::string> routes;
  for (const server::Route& r : server::kRoutes) {
    routes[{std::string(r.method), std::string(r.path)}] = std::string(r.operation_id);
  }
  for (const auto& [key, id] : routes) {
    auto it = ops.find(key);
    ASSERT_NE(it, ops.end()) << key.first << " " << key.second << " is served but not documented";
    EXPECT_EQ(it->second, id) << key.first << " " << key.second;
  }
  for (const auto& [key, id] : ops) {
    EXPECT_TRUE(routes.count(key))
        << key.first << " " << key.second << " is documented but not served";
  }
}

// The codes an HTTP client can see: every verdict code, the operational ones the server
// answers with, and the transport's own.
std::set<std::string> ServedCodes() {
  std::set<std::string> codes = {"bad-request",         "not-found",
                                 "method-not-allowed",  "too-large",
                                 "header-too-large",    "unsupported-media-type",
                                 "too-many-connections"};
  for (int c = 1; c <= static_cast<int>(Code::kInternal); ++c) {
    Code code = static_cast<Code>(c);
    // config-error is served too: a gate that finds its ledger another node's (or unusable)
    // while serving answers it, then stops.
    if (code == Code::kUsage || code == Code::kBadKey) continue;
    codes.insert(std::string(CodeName(code)));
  }
  return codes;
}

TEST(OpenApi, ErrorCodeEnumIsWhatTheServerAnswers) {
  std::vector<std::string> lines = Lines(ReadDocument());
  std::set<std::string> documented;
  bool in_enum = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i] == "    ErrorCode:") {
      in_enum = true;
      continue;
    }
    if (!in_enum) continue;
    static const std::regex kItem(R"(^        - (\S+)\s*$)");
    std::smatch m;
    if (std::regex_match(lines[i], m, kItem)) {
      documented.insert(m[1]);
    } else if (lines[i].rfind("    ", 0) == 0 && lines[i][4] != ' ') {
      break;  // the next schema
    }
  }
  EXPECT_EQ(documented, ServedCodes());
}

TEST(OpenApi, StatusTablePutsEveryVerdictCodeUnderItsStatus) {
  std::vector<std::string> lines = Lines(ReadDocument());
  static const std::regex kRow(R"(^    \| (\d{3}) \| (.*)\|\s*$)");
  std::map<int, std::string> rows;
  for (const std::string& line : lines) {
    std::smatch m;
    if (std::regex_match(line, m, kRow)) rows[std::stoi(m[1])] += m[2];
  }
  ASSERT_FALSE(rows.empty());
  for (int c = 1; c <= static_cast<int>(Code::kUnauthorized); ++c) {
    Code code = static_cast<Code>(c);
    int status = server::HttpStatusFor(code);
    std::string needle = "`" + std::string(CodeName(code)) + "`";
    EXPECT_NE(rows[status].find(needle), std::string::npos)
        << CodeName(code) << " answers " << status << " but the table does not say so";
  }
}

}  // namespace
}  // namespace podgate::serve_openapi
