// End-to-end tests of `podgate validate` and `podgate schema`: the real binary (PODGATE_BINARY)
// is run as a user runs it (fork and exec, arguments, standard input through a pipe) and its
// standard output, standard error and exit code are checked against the contract of
// DESIGN.md section 4.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "json/parser.h"
#include "podgate/artifact.h"

namespace podgate {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const fs::path kFixtures = fs::path(PODGATE_TEST_DATA) / "fixtures";

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void WriteFile(const fs::path& path, std::string_view data) {
  std::ofstream out(path, std::ios::binary);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

std::string Fixture(std::string_view kind, std::string_view name) {
  return ReadFile(kFixtures / kind / "valid" / (std::string(name) + ".json"));
}

std::vector<std::string> Lines(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// --- running the binary -----------------------------------------------------------------------

struct RunResult {
  int exit_code = -1;  // the exit status, or 128 + signal
  std::string out;
  std::string err;
  long max_rss_kb = 0;  // the child's peak resident set size (wait4)
};

// Produces standard input a chunk at a time: appends to *chunk, false when there is no more.
using Feeder = std::function<bool(std::string* chunk)>;

Feeder Bytes(std::string data) {
  auto shared = std::make_shared<std::string>(std::move(data));
  auto done = std::make_shared<bool>(false);
  return [shared, done](std::string* chunk) {
    if (*done) return false;
    *chunk = std::move(*shared);
    *done = true;
    return true;
  };
}

// Runs PODGATE_BINARY with `args`, feeding standard input from `feed` (or /dev/null) while
// draining both output pipes, so that neither side can block the other.
RunResult Podgate(const std::vector<std::string>& args, Feeder feed = {},
                  const fs::path& cwd = {}) {
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0 ||
      pipe2(err_pipe, O_CLOEXEC) != 0) {
    ADD_FAILURE() << "pipe: " << std::strerror(errno);
    return {};
  }
  pid_t pid = fork();
  if (pid == 0) {
    if (feed) {
      dup2(in_pipe[0], 0);
    } else {
      int null = open("/dev/null", O_RDONLY);
      dup2(null, 0);
    }
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(126);
    std::vector<char*> argv;
    std::string binary = PODGATE_BINARY;
    argv.push_back(binary.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  RunResult result;
  int in_fd = in_pipe[1];
  if (!feed) {
    close(in_fd);
    in_fd = -1;
  } else {
    fcntl(in_fd, F_SETFL, O_NONBLOCK);
  }
  std::string pending;
  std::size_t pending_at = 0;
  bool out_open = true, err_open = true;
  char buffer[1 << 16];
  while (out_open || err_open || in_fd >= 0) {
    if (in_fd >= 0 && pending_at == pending.size()) {
      pending.clear();
      pending_at = 0;
      while (pending.empty()) {
        if (!feed(&pending)) break;
      }
      if (pending.empty()) {
        close(in_fd);
        in_fd = -1;
      }
    }
    pollfd fds[3];
    int n = 0;
    int out_index = -1, err_index = -1, in_index = -1;
    if (out_open) {
      out_index = n;
      fds[n++] = {out_pipe[0], POLLIN, 0};
    }
    if (err_open) {
      err_index = n;
      fds[n++] = {err_pipe[0], POLLIN, 0};
    }
    if (in_fd >= 0) {
      in_index = n;
      fds[n++] = {in_fd, POLLOUT, 0};
    }
    if (n == 0) break;
    if (poll(fds, n, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    auto drain = [&](int index, int fd, std::string* sink, bool* open) {
      if (index < 0 || !(fds[index].revents & (POLLIN | POLLHUP | POLLERR))) return;
      ssize_t got = read(fd, buffer, sizeof buffer);
      if (got > 0) {
        sink->append(buffer, static_cast<std::size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        *open = false;
      }
    };
    drain(out_index, out_pipe[0], &result.out, &out_open);
    drain(err_index, err_pipe[0], &result.err, &err_open);
    if (in_index >= 0 && (fds[in_index].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t wrote = write(in_fd, pending.data() + pending_at, pending.size() - pending_at);
      if (wrote > 0) {
        pending_at += static_cast<std::size_t>(wrote);
      } else if (wrote < 0 && errno != EAGAIN && errno != EINTR) {
        close(in_fd);  // the child stopped reading (EPIPE)
        in_fd = -1;
      }
    }
  }
  close(out_pipe[0]);
  close(err_pipe[0]);
  int status = 0;
  rusage usage{};
  while (wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.max_rss_kb = usage.ru_maxrss;
  return result;
}

std::string Show(const RunResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\n--- stdout\n" + r.out.substr(0, 4000) +
         "\n--- stderr\n" + r.err.substr(0, 4000);
}

// A scratch directory per test, removed afterwards.
class CliTest : public testing::Test {
 protected:
  static void SetUpTestSuite() { signal(SIGPIPE, SIG_IGN); }

  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "podgate-cli-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  // Writes `data` to dir_/name and returns the path.
  std::string Put(std::string_view name, std::string_view data) {
    fs::path path = dir_ / name;
    WriteFile(path, data);
    return path.string();
  }

  fs::path dir_;
};

const std::string kDetachment = Fixture("client-instance-detachment", "maximal-compact");
const std::string kAttachment = Fixture("client-instance-attachment", "maximal-compact");
const std::string kRecovery = Fixture("client-instance-recovery", "maximal-compact");
const std::string kBind = Fixture("participant-bind", "maximal-compact");

// --- files, exit codes, text output ---------------------------------------------------------

TEST_F(CliTest, ValidFileExitsZero) {
  ASSERT_FALSE(kDetachment.empty());
  std::string file = Put("user.client-instance-detachment.json", kDetachment);
  RunResult r = Podgate({"validate", file});
  EXPECT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(r.out, file + ": valid client-instance-detachment detach:01JQCLIDET001\n" +
                       "1 input: 1 valid, 0 invalid\n")
      << Show(r);
  EXPECT_EQ(r.err, "");
}

TEST_F(CliTest, InvalidFileExitsOneAndNamesEveryViolation) {
  std::string text = kDetachment;
  text.replace(text.find("\"user-request\""), 14, "\"on-a-whim\"");
  text.replace(text.find("2026-03-28T20:05:00Z"), 20, "2026-02-30T20:05:00Z");
  std::string file = Put("d.json", text);
  RunResult r = Podgate({"validate", file});
  EXPECT_EQ(r.exit_code, 1) << Show(r);
  auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 4u) << Show(r);
  EXPECT_EQ(lines[0],
            file + ": invalid (schema-invalid) client-instance-detachment detach:01JQCLIDET001");
  std::set<std::string> details(lines.begin() + 1, lines.begin() + 3);  // "/detached-at" first
  EXPECT_THAT(*details.begin(), StartsWith("  /detached-at: "));
  EXPECT_THAT(*details.begin(), HasSubstr("2026-02-30"));
  EXPECT_THAT(*details.rbegin(), StartsWith("  /detach~1reason: "));
  EXPECT_THAT(*details.rbegin(), HasSubstr("on-a-whim"));
  EXPECT_EQ(lines[3], "1 input: 0 valid, 1 invalid");
}

TEST_F(CliTest, MalformedFileNamesTheByteOffset) {
  std::string file = Put("bad.json", "{\"a\": 1,, }");
  RunResult r = Podgate({"validate", file});
  EXPECT_EQ(r.exit_code, 1) << Show(r);
  EXPECT_EQ(r.out, file + ": invalid (malformed-json)\n  at byte 8: unexpected ',', expected a " +
                       "member name\n1 input: 0 valid, 1 invalid\n")
      << Show(r);
}

TEST_F(CliTest, SeveralFilesInOrderAndTheWorstExitCode) {
  std::string a = Put("a.json", kAttachment);
  std::string b = Put("b.json", "{}");
  std::string c = Put("c.json", kRecovery);
  RunResult r = Podgate({"validate", a, b, c});
  EXPECT_EQ(r.exit_code, 1) << Show(r);
  auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 5u) << Show(r);
  EXPECT_EQ(lines[0], a + ": valid client-instance-attachment attach:01JQCLIATT001");
  EXPECT_EQ(lines[1], b + ": invalid (unknown-kind)");
  EXPECT_THAT(lines[2], HasSubstr("--kind"));
  EXPECT_EQ(lines[3], c + ": valid client-instance-recovery recover:01JQCLIREC001");
  EXPECT_EQ(lines[4], "3 inputs: 2 valid, 1 invalid");
}

TEST_F(CliTest, MissingFileExitsTwoAndTheOthersAreStillChecked) {
  std::string good = Put("good.json", kBind);
  std::string missing = (dir_ / "missing.json").string();
  RunResult r = Podgate({"validate", missing, good});
  EXPECT_EQ(r.exit_code, 2) << Show(r);
  EXPECT_THAT(r.err, HasSubstr(missing));
  EXPECT_THAT(r.err, HasSubstr("No such file or directory"));
  EXPECT_THAT(r.out, HasSubstr(good + ": valid participant-bind pb:01JQPARTBIND001\n"));
  EXPECT_THAT(r.out, HasSubstr("2 inputs: 1 valid, 0 invalid, 1 unreadable"));

  // 2 outranks 1.
  std::string bad = Put("bad.json", "[]");
  r = Podgate({"validate", bad, missing});
  EXPECT_EQ(r.exit_code, 2) << Show(r);
}

// Regression (bug cli-io-errors): every unreadable input is named on standard error, in input
// order, not only the first.
TEST_F(CliTest, EveryUnreadableInputIsNamed) {
  std::string good = Put("good.json", kBind);
  std::string first = (dir_ / "first-missing.json").string();
  std::string second = (dir_ / "second-missing.json").string();
  RunResult r = Podgate({"validate", first, good, second});
  EXPECT_EQ(r.exit_code, 2) << Show(r);
  EXPECT_THAT(r.err, HasSubstr(first));
  EXPECT_THAT(r.err, HasSubstr(second));
  EXPECT_LT(r.err.find(first), r.err.find(second));
}

// DESIGN.md section 4: --format json prints one line per input, in input order; an unreadable
// input's line has code io-error (a script pairing inputs with lines stays in step).
TEST_F(CliTest, UnreadableInputHasItsJsonLineInOrder) {
  std::string good = Put("good.json", kBind);
  std::string missing = (dir_ / "missing.json").string();
  for (const char* command : {"validate", "verify"}) {
    RunResult r = Podgate({command, "--format", "json", good, missing, good});
    EXPECT_EQ(r.exit_code, 2) << Show(r);
    std::vector<std::string> lines = Lines(r.out);
    ASSERT_EQ(lines.size(), 3u) << Show(r);
    EXPECT_THAT(lines[0], HasSubstr("{\"input\":\"" + good + "\""));
    EXPECT_THAT(lines[1], HasSubstr("\"input\":\"" + missing +
                                    "\",\"kind\":null,\"id\":null,\"verdict\":\"invalid\","
                                    "\"code\":\"io-error\""));
    EXPECT_THAT(lines[1], HasSubstr("No such file or directory"));
    EXPECT_THAT(lines[2], HasSubstr("{\"input\":\"" + good + "\""));
    // The bind's placeholder signatures pass validate, not verify.
    EXPECT_THAT(r.err, HasSubstr(std::string("3 inputs: ") +
                                 (command == std::string("validate") ? "2 valid, 0 invalid"
                                                                     : "0 valid, 2 invalid") +
                                 ", 1 unreadable"));
  }
}

TEST_F(CliTest, DirectoryIsAnIoError) {
  RunResult r = Podgate({"validate", dir_.string()});
  EXPECT_EQ(r.exit_code, 2) << Show(r);
  EXPECT_THAT(r.err, HasSubstr("directory"));
}

TEST_F(CliTest, UsageErrorsNameWhatThereIs) {
  RunResult r = Podgate({"frobnicate", "x.json"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("no command \"frobnicate\"; the commands are validate, verify"));
  r = Podgate({"validate", "--kind", "bogus", "x.json"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("unknown kind \"bogus\": the kinds are participant-bind, "
                               "client-instance-attachment"));
}

TEST_F(CliTest, BadUsageExitsTwo) {
  std::string file = Put("d.json", kDetachment);
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{},
                                             {"validate"},
                                             {"frobnicate", file},
                                             {"validate", "--no-such-option", file},
                                             {"validate", "--format", "xml", file},
                                             {"validate", "--kind"},
                                             {"validate", "--kind", "detachment", file},
                                             {"validate", "--max-bytes", "0", file},
                                             {"schema"},
                                             {"schema", "attachment"}}) {
    std::string joined;
    for (const auto& a : args) joined += a + " ";
    RunResult r = Podgate(args);
    EXPECT_EQ(r.exit_code, 2) << joined << "\n" << Show(r);
    EXPECT_FALSE(r.err.empty()) << joined << ": say why on standard error";
  }
  RunResult r = Podgate({"validate", "--kind", "detachment", file});
  EXPECT_THAT(r.err, HasSubstr("unknown kind \"detachment\""));
}

TEST_F(CliTest, HelpAndVersionExitZero) {
  RunResult r = Podgate({"--help"});
  EXPECT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_THAT(r.out, HasSubstr("validate"));
  r = Podgate({"validate", "--help"});
  EXPECT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_THAT(r.out, HasSubstr("--ndjson"));
  r = Podgate({"--version"});
  EXPECT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_THAT(r.out, HasSubstr("podgate"));
}

// --- standard input and kind selection --------------------------------------------------------

TEST_F(CliTest, StandardInputWithKindFromTheIdMember) {
  RunResult r = Podgate({"validate", "-"}, Bytes(kRecovery));
  EXPECT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(r.out,
            "-: valid client-instance-recovery recover:01JQCLIREC001\n"
            "1 input: 1 valid, 0 invalid\n");
  r = Podgate({"validate", "-"}, Bytes("{\"bind/id\": \"pb:1\"}"));
  EXPECT_EQ(r.exit_code, 1) << Show(r);
  EXPECT_THAT(r.out, StartsWith("-: invalid (schema-invalid) participant-bind pb:1\n"));
}

TEST_F(CliTest, KindFromTheFileNameSuffixBeforeTheIdMember) {
  // A detachment under a recovery's name is checked as a recovery.
  std::string misnamed = Put("x.client-instance-recovery.json", kDetachment);
  RunResult r = Podgate({"validate", misnamed});
  EXPECT_EQ(r.exit_code, 1) << Show(r);
  EXPECT_THAT(r.out,
              StartsWith(misnamed + ": invalid (schema-invalid) client-instance-recovery\n"));
  EXPECT_THAT(r.out, HasSubstr("  /detachment~1id: "));
  EXPECT_THAT(r.out, HasSubstr("  /recovery~1id: "));

  // Without a suffix the id member decides.
  std::string plain = Put("x.json", kDetachment);
  r = Podgate({"validate", plain});
  EXPECT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_THAT(r.out, HasSubstr("valid client-instance-detachment"));

  // A suffix that names no kind is no suffix.
  std::string odd = Put("x.client-instance-removal.json", kAttachment);
  r = Podgate({"validate", odd});
  EXPECT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_THAT(r.out, HasSubstr("valid client-instance-attachment"));
}

TEST_F(CliTest, KindOptionOverridesSuffixAndIdMember) {
  std::string misnamed = Put("x.client-instance-recovery.json", kDetachment);
  RunResult r = Podgate({"validate", "--kind", "client-instance-detachment", misnamed});
  EXPECT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_THAT(r.out, HasSubstr("valid client-instance-detachment detach:01JQCLIDET001"));
  r = Podgate({"validate", "--kind", "client-instance-detachment.v1", misnamed});
  EXPECT_EQ(r.exit_code, 0) << Show(r);

  // Forcing a kind the document is not: every difference is reported.
  r = Podgate({"validate", "--kind", "participant-bind", "-"}, Bytes(kDetachment));
  EXPECT_EQ(r.exit_code, 1) << Show(r);
  EXPECT_THAT(r.out, StartsWith("-: invalid (schema-invalid) participant-bind\n"));
  EXPECT_THAT(r.out, HasSubstr("  /bind~1id: missing required member"));
}

TEST_F(CliTest, UnknownKind) {
  RunResult r = Podgate({"validate", "-"}, Bytes("{\"schema/v\": 1}"));
  EXPECT_EQ(r.exit_code, 1) << Show(r);
  EXPECT_THAT(r.out, StartsWith("-: invalid (unknown-kind)\n  (document): "));
  r = Podgate({"validate", "-"}, Bytes("{\"bind/id\": \"1\", \"recovery/id\": \"2\"}"));
  EXPECT_EQ(r.exit_code, 1) << Show(r);
  EXPECT_THAT(r.out, HasSubstr("more than one"));
}

// --- --format json ---------------------------------------------------------------------------

struct JsonLine {
  std::vector<std::string> keys;
  std::string input, verdict;
  std::optional<std::string> kind, id, code;
  struct Error {
    std::vector<std::string> keys;
    std::string path, keyword, message;
    std::optional<std::uint64_t> offset;
  };
  std::vector<Error> errors;
  bool ok = false;
};

std::optional<std::string> NullableString(json::Element value) {
  if (value.is_null()) return std::nullopt;
  if (value.is_string()) return std::string(value.get_string().value_unsafe());
  return "<neither string nor null>";
}

JsonLine ParseLine(const std::string& line) {
  JsonLine out;
  json::Parser parser;
  json::Element root;
  Status status = parser.ParseCopy(line, &root);
  EXPECT_TRUE(status.ok()) << status.ToString() << ": " << line;
  if (!status.ok()) return out;
  json::Object object = root.get_object().value_unsafe();
  for (auto field : object) {
    std::string key(field.key);
    out.keys.push_back(key);
    if (key == "input") out.input = NullableString(field.value).value_or("<null>");
    if (key == "verdict") out.verdict = NullableString(field.value).value_or("<null>");
    if (key == "kind") out.kind = NullableString(field.value);
    if (key == "id") out.id = NullableString(field.value);
    if (key == "code") out.code = NullableString(field.value);
    if (key == "errors") {
      EXPECT_TRUE(field.value.is_array()) << line;
      if (!field.value.is_array()) continue;
      json::Array errors = field.value.get_array().value_unsafe();
      for (json::Element item : errors) {
        JsonLine::Error e;
        json::Object fields = item.get_object().value_unsafe();
        for (auto member : fields) {
          std::string name(member.key);
          e.keys.push_back(name);
          if (name == "offset") {
            e.offset = member.value.get_uint64().value_unsafe();
          } else {
            std::string value = NullableString(member.value).value_or("<null>");
            if (name == "path") e.path = value;
            if (name == "keyword") e.keyword = value;
            if (name == "message") e.message = value;
          }
        }
        out.errors.push_back(std::move(e));
      }
    }
  }
  out.ok = true;
  return out;
}

const std::vector<std::string> kLineKeys = {"input", "kind", "id", "verdict", "code", "errors"};
const std::vector<std::string> kErrorKeys = {"path", "keyword", "message"};

TEST_F(CliTest, JsonLinesHaveTheContractShape) {
  std::string valid = Put("v.json", kAttachment);
  std::string schema_bad = Put("s.json", "{\"recovery/id\": \"\"}");
  std::string unknown = Put("u.json", "{\"x\": [1, 2]}");
  std::string malformed = Put("m.json", "{\"x\": tru}");
  RunResult r = Podgate(
      {"validate", "--format", "json", valid, schema_bad, unknown, malformed, "-"}, Bytes(kBind));
  EXPECT_EQ(r.exit_code, 1) << Show(r);
  // Standard output holds only the JSON lines; the count line goes to standard error.
  EXPECT_EQ(r.err, "5 inputs: 2 valid, 3 invalid\n");
  auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 5u) << Show(r);
  std::vector<JsonLine> parsed;
  for (const auto& line : lines) {
    parsed.push_back(ParseLine(line));
    ASSERT_TRUE(parsed.back().ok);
    EXPECT_EQ(parsed.back().keys, kLineKeys) << line;
  }

  EXPECT_EQ(parsed[0].input, valid);
  EXPECT_EQ(parsed[0].kind, "client-instance-attachment");
  EXPECT_EQ(parsed[0].id, "attach:01JQCLIATT001");
  EXPECT_EQ(parsed[0].verdict, "valid");
  EXPECT_EQ(parsed[0].code, std::nullopt);
  EXPECT_TRUE(parsed[0].errors.empty());

  EXPECT_EQ(parsed[1].input, schema_bad);
  EXPECT_EQ(parsed[1].kind, "client-instance-recovery");
  EXPECT_EQ(parsed[1].id, std::nullopt) << "an empty id is reported as null";
  EXPECT_EQ(parsed[1].verdict, "invalid");
  EXPECT_EQ(parsed[1].code, "schema-invalid");
  EXPECT_EQ(parsed[1].errors.size(), 8u) << lines[1];
  for (const auto& e : parsed[1].errors) {
    EXPECT_EQ(e.keys, kErrorKeys) << lines[1];
    EXPECT_FALSE(e.message.empty());
  }

  EXPECT_EQ(parsed[2].kind, std::nullopt);
  EXPECT_EQ(parsed[2].id, std::nullopt);
  EXPECT_EQ(parsed[2].code, "unknown-kind");
  ASSERT_EQ(parsed[2].errors.size(), 1u);
  EXPECT_EQ(parsed[2].errors[0].keys, kErrorKeys);
  EXPECT_EQ(parsed[2].errors[0].keyword, "kind");

  EXPECT_EQ(parsed[3].code, "malformed-json");
  EXPECT_EQ(parsed[3].kind, std::nullopt);
  ASSERT_EQ(parsed[3].errors.size(), 1u);
  EXPECT_EQ(parsed[3].errors[0].path, "");
  EXPECT_EQ(parsed[3].errors[0].keyword, "json");
  // Layer 1 errors add the byte offset after the contract's three members.
  EXPECT_EQ(parsed[3].errors[0].keys,
            (std::vector<std::string>{"path", "keyword", "message", "offset"}));
  EXPECT_EQ(parsed[3].errors[0].offset, 6u);

  EXPECT_EQ(parsed[4].input, "-");
  EXPECT_EQ(parsed[4].kind, "participant-bind");
  EXPECT_EQ(parsed[4].verdict, "valid");
}

TEST_F(CliTest, JsonStringsAreEscaped) {
  // A file name and an id with a quote, a backslash and a control character.
  std::string name = "we\"ird\\name\x01.json";
  std::string text = kBind;
  text.replace(text.find("pb:01JQPARTBIND001"), 18, "pb:\\\"q\\\\\\u0007");
  std::string file = Put(name, text);
  RunResult r = Podgate({"validate", "--format", "json", file});
  EXPECT_EQ(r.exit_code, 0) << Show(r);
  auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 1u) << Show(r);
  JsonLine line = ParseLine(lines[0]);
  EXPECT_EQ(line.input, file);
  EXPECT_EQ(line.id, "pb:\"q\\\a");
}

// Regression (bug cli-json-invalid-utf8-name): a file name that is not UTF-8 (legal on Linux)
// must not make the JSON line invalid JSON.
TEST_F(CliTest, JsonLinesStayJsonForNamesThatAreNotUtf8) {
  std::string file = Put("latin1-\xE9t\xE9.json", kBind);
  RunResult r = Podgate({"validate", "--format", "json", file});
  EXPECT_EQ(r.exit_code, 0) << Show(r);
  auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 1u) << Show(r);
  JsonLine line = ParseLine(lines[0]);
  EXPECT_TRUE(line.ok);
  EXPECT_THAT(line.input, HasSubstr("latin1-"));
}

TEST_F(CliTest, QuietPrintsOnlyTheCountLine) {
  std::string a = Put("a.json", kDetachment);
  std::string b = Put("b.json", "{");
  RunResult r = Podgate({"validate", "--quiet", a, b, a});
  EXPECT_EQ(r.exit_code, 1) << Show(r);
  EXPECT_EQ(r.out, "3 inputs: 2 valid, 1 invalid\n");
  EXPECT_EQ(r.err, "");
  r = Podgate({"validate", "--quiet", "--format", "json", a});
  EXPECT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "1 input: 1 valid, 0 invalid\n");
}

// --- NDJSON -------------------------------------------------------------------------------------

TEST_F(CliTest, NdjsonLinesBlankLinesCrlfAndALastLineWithoutNewline) {
  std::string stream = kDetachment + "\n" +        // 1
                       "\n" +                      // 2: blank, skipped
                       "   \t\r\n" +               // 3: whitespace only, skipped
                       kAttachment + "\r\n" +      // 4: CRLF
                       "{\"recovery/id\": 5}\n" +  // 5: schema-invalid
                       "{\"a\":1,\"a\":2}\n" +     // 6: duplicate
                       kBind;                      // 7: no final newline
  RunResult r = Podgate({"validate", "--ndjson", "--format", "json", "-"}, Bytes(stream));
  EXPECT_EQ(r.exit_code, 1) << Show(r);
  auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 5u) << Show(r);
  std::vector<JsonLine> parsed;
  for (const auto& line : lines) parsed.push_back(ParseLine(line));
  EXPECT_EQ(parsed[0].input, "-:1");
  EXPECT_EQ(parsed[0].verdict, "valid");
  EXPECT_EQ(parsed[1].input, "-:4");
  EXPECT_EQ(parsed[1].verdict, "valid");
  EXPECT_EQ(parsed[1].kind, "client-instance-attachment");
  EXPECT_EQ(parsed[2].input, "-:5");
  EXPECT_EQ(parsed[2].code, "schema-invalid");
  EXPECT_EQ(parsed[3].input, "-:6");
  EXPECT_EQ(parsed[3].code, "malformed-json");
  ASSERT_EQ(parsed[3].errors.size(), 1u);
  EXPECT_EQ(parsed[3].errors[0].offset, 7u) << "offsets count from the start of the line";
  EXPECT_EQ(parsed[4].input, "-:7");
  EXPECT_EQ(parsed[4].verdict, "valid");
  EXPECT_EQ(r.err, "5 inputs: 3 valid, 2 invalid\n");
}

TEST_F(CliTest, NdjsonFilesAndTheKindOption) {
  std::string a = Put("a.ndjson", kDetachment + "\n" + kDetachment + "\n");
  std::string b = Put("b.ndjson", kRecovery + "\n");
  RunResult r = Podgate({"validate", "--ndjson", a, b});
  EXPECT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(r.out, a + ":1: valid client-instance-detachment detach:01JQCLIDET001\n" + a +
                       ":2: valid client-instance-detachment detach:01JQCLIDET001\n" + b +
                       ":1: valid client-instance-recovery recover:01JQCLIREC001\n" +
                       "3 inputs: 3 valid, 0 invalid\n");
  r = Podgate({"validate", "--ndjson", "--kind", "client-instance-recovery", a, b});
  EXPECT_EQ(r.exit_code, 1) << Show(r);
  EXPECT_THAT(r.out, HasSubstr("3 inputs: 1 valid, 2 invalid"));

  // A name suffix on an NDJSON file names no kind for its lines.
  std::string c = Put("c.participant-bind.json", kRecovery + "\n");
  r = Podgate({"validate", "--ndjson", c});
  EXPECT_EQ(r.exit_code, 0) << Show(r);
}

TEST_F(CliTest, NdjsonOversizedLineInTheMiddle) {
  std::string huge = "{\"policy_annotations\": \"" + std::string(200 * 1024, 'x') + "\"}";
  std::string stream = kBind + "\n" + huge + "\n" + kRecovery + "\n";
  RunResult r = Podgate({"validate", "--ndjson", "--format", "json", "-"}, Bytes(stream));
  EXPECT_EQ(r.exit_code, 1) << Show(r);
  auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 3u) << Show(r);
  JsonLine middle = ParseLine(lines[1]);
  EXPECT_EQ(middle.input, "-:2");
  EXPECT_EQ(middle.code, "malformed-json");
  ASSERT_EQ(middle.errors.size(), 1u);
  EXPECT_THAT(middle.errors[0].message, HasSubstr("over the limit"));
  EXPECT_THAT(middle.errors[0].message, HasSubstr(std::to_string(huge.size())));
  EXPECT_EQ(middle.errors[0].offset, 65536u);
  JsonLine last = ParseLine(lines[2]);
  EXPECT_EQ(last.input, "-:3");
  EXPECT_EQ(last.verdict, "valid");

  // An oversized last line without a newline, and a smaller limit set by --max-bytes.
  r = Podgate({"validate", "--ndjson", "--max-bytes", "1000", "-"},
              Bytes(kBind + "\n" + kRecovery));
  EXPECT_EQ(r.exit_code, 1) << Show(r);
  EXPECT_THAT(r.out, HasSubstr("-:1: valid participant-bind"));
  EXPECT_THAT(r.out, HasSubstr("-:2: invalid (malformed-json)\n  at byte 1000: the document is " +
                               std::to_string(kRecovery.size()) +
                               " bytes, over the limit of 1000 bytes\n"));
}

TEST_F(CliTest, FileOverTheLimit) {
  std::string text = kBind;
  ASSERT_NE(text.find("\"tier\":2"), std::string::npos);
  text.replace(text.find("\"tier\":2"), 8, "\"tier\":\"" + std::string(70000, 'y') + "\"");
  std::string file = Put("big.json", text);
  RunResult r = Podgate({"validate", file});
  EXPECT_EQ(r.exit_code, 1) << Show(r);
  EXPECT_THAT(r.out, HasSubstr("at byte 65536: the document is"));
  // The same bytes through a pipe, where the size is not known in advance.
  r = Podgate({"validate", "-"}, Bytes(ReadFile(file)));
  EXPECT_EQ(r.exit_code, 1) << Show(r);
  EXPECT_THAT(r.out, HasSubstr("at byte 65536: the document is"));
  r = Podgate({"validate", "--max-bytes", "200000", file});
  EXPECT_EQ(r.exit_code, 0) << Show(r);
}

// Lines of many sizes around the limit, in a stream long enough to cross the reader's 1 MiB
// chunks many times: every line gets its verdict, numbered, with the right size when too large.
TEST_F(CliTest, NdjsonLinesAroundTheLimitAcrossChunkBoundaries) {
  constexpr std::size_t kLimit = 3000;
  const std::string base = kBind.substr(0, kBind.size() - 1) + ",\"x-pad\":\"";
  std::mt19937 random(20260328);  // fixed seed: the same stream every run
  std::string stream;
  std::vector<std::size_t> sizes;  // 0 for a blank line
  while (stream.size() < (5u << 20)) {
    std::size_t size = 0;
    switch (random() % 8) {
      case 0:
        size = 0;
        break;
      case 1:
        size = kLimit;
        break;
      case 2:
        size = kLimit + 1;
        break;
      case 3:
        size = kLimit + 1 + random() % 3000000;  // up to a few chunks long
        break;
      default:
        size = base.size() + 2 + random() % (kLimit - base.size() - 1);
        break;
    }
    sizes.push_back(size);
    if (size > 0) {
      // Any line: the bind with an unknown member padded to `size` bytes.
      stream += base + std::string(size - base.size() - 2, 'p') + "\"}";
    }
    stream += "\n";
  }
  RunResult r = Podgate(
      {"validate", "--ndjson", "--format", "json", "--max-bytes", std::to_string(kLimit), "-"},
      Bytes(stream));
  EXPECT_EQ(r.exit_code, 1) << Show(r);
  auto lines = Lines(r.out);
  std::size_t at = 0;
  for (std::size_t n = 0; n < sizes.size(); ++n) {
    if (sizes[n] == 0) continue;
    ASSERT_LT(at, lines.size()) << "no verdict for line " << n + 1;
    JsonLine line = ParseLine(lines[at++]);
    EXPECT_EQ(line.input, "-:" + std::to_string(n + 1));
    if (sizes[n] > kLimit) {
      EXPECT_EQ(line.code, "malformed-json") << "line " << n + 1 << " of " << sizes[n];
      ASSERT_EQ(line.errors.size(), 1u);
      EXPECT_THAT(line.errors[0].message,
                  HasSubstr("the document is " + std::to_string(sizes[n]) + " bytes"));
    } else {
      // Within the limit: parsed, and only the pad member is wrong.
      EXPECT_EQ(line.code, "schema-invalid") << "line " << n + 1 << " of " << sizes[n];
      ASSERT_EQ(line.errors.size(), 1u) << lines[at - 1];
      EXPECT_EQ(line.errors[0].path, "/x-pad");
    }
  }
  EXPECT_EQ(at, lines.size());
}

// 200 MB of NDJSON generated on the fly through a pipe (no file written): the verdicts are all
// there and the peak resident set stays flat, far below the size of the stream.
TEST_F(CliTest, NdjsonStreamOf200MegabytesInFlatMemory) {
  constexpr std::size_t kTotal = 200u << 20;
  const std::string valid = kDetachment + "\n";
  const std::string invalid = "{\"detachment/id\": \"\"}\n";
  std::size_t sent = 0, valid_lines = 0, invalid_lines = 0;
  Feeder feed = [&](std::string* chunk) {
    if (sent >= kTotal) return false;
    chunk->clear();
    while (chunk->size() < (1u << 20)) {
      if ((valid_lines + invalid_lines) % 1000 == 999) {
        *chunk += invalid;
        ++invalid_lines;
      } else {
        *chunk += valid;
        ++valid_lines;
      }
    }
    sent += chunk->size();
    return true;
  };
  RunResult r = Podgate({"validate", "--ndjson", "--quiet", "-"}, feed);
  EXPECT_EQ(r.exit_code, 1) << Show(r);
  EXPECT_EQ(r.out, std::to_string(valid_lines + invalid_lines) +
                       " inputs: " + std::to_string(valid_lines) + " valid, " +
                       std::to_string(invalid_lines) + " invalid\n");
  EXPECT_GE(sent, kTotal);
  EXPECT_GT(r.max_rss_kb, 0);
  RecordProperty("peak_rss_kb", std::to_string(r.max_rss_kb));
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer holds freed memory back (its quarantine, 256 MiB by default) and shadows
  // every byte, so the resident set says nothing about podgate's own memory there; the
  // ordinary build asserts the bound.
  GTEST_SKIP() << "peak RSS not bounded under AddressSanitizer (" << r.max_rss_kb << " KiB)";
#endif
  EXPECT_LT(r.max_rss_kb, 64 * 1024)
      << "peak RSS " << r.max_rss_kb << " KiB for a " << (sent >> 20) << " MiB stream";
}

// --- the corpus through the binary --------------------------------------------------------------

// Every invalid fixture through `podgate validate --format json` in one process per kind: the
// binary agrees with the sidecars (and so with the library).
TEST_F(CliTest, CorpusThroughTheBinary) {
  for (Kind kind : kAllKinds) {
    std::string kind_name(KindName(kind));
    SCOPED_TRACE(kind_name);
    std::vector<std::string> forced = {"validate", "--format", "json", "--kind", kind_name};
    std::vector<std::string> detected = {"validate", "--format", "json"};
    std::vector<fs::path> forced_files, detected_files;
    std::vector<std::string> valid = {"validate", "--quiet", "--kind", kind_name};
    for (const auto& entry : fs::directory_iterator(kFixtures / kind_name / "valid")) {
      valid.push_back(entry.path().string());
    }
    std::sort(valid.begin() + 4, valid.end());
    RunResult r = Podgate(valid);
    EXPECT_EQ(r.exit_code, 0) << Show(r);
    EXPECT_EQ(r.out, std::to_string(valid.size() - 4) +
                         " inputs: " + std::to_string(valid.size() - 4) + " valid, 0 invalid\n");

    for (const auto& entry : fs::directory_iterator(kFixtures / kind_name / "invalid")) {
      std::string file = entry.path().filename().string();
      if (file.ends_with(".expect.json")) continue;
      std::string expect =
          ReadFile(entry.path().parent_path() / (file.substr(0, file.size() - 5) + ".expect.json"));
      bool detect = expect.find("\"detect\": true") != std::string::npos;
      (detect ? detected_files : forced_files).push_back(entry.path());
    }
    for (auto* files : {&forced_files, &detected_files}) {
      std::sort(files->begin(), files->end());
      std::vector<std::string> args = files == &forced_files ? forced : detected;
      for (const auto& f : *files) args.push_back(f.string());
      r = Podgate(args);
      EXPECT_EQ(r.exit_code, 1) << Show(r);
      auto lines = Lines(r.out);
      ASSERT_EQ(lines.size(), files->size()) << Show(r);
      for (std::size_t i = 0; i < files->size(); ++i) {
        JsonLine line = ParseLine(lines[i]);
        EXPECT_EQ(line.input, (*files)[i].string());
        EXPECT_EQ(line.verdict, "invalid");
        // The sidecar, read with the same parser.
        fs::path sidecar = (*files)[i];
        sidecar.replace_extension(".expect.json");
        json::Parser parser;
        json::Element root;
        ASSERT_TRUE(parser.ParseCopy(ReadFile(sidecar), &root).ok());
        json::Object expect = root.get_object().value_unsafe();
        EXPECT_EQ(line.code, std::string(expect["code"].get_string().value_unsafe())) << lines[i];
        std::multiset<std::pair<std::string, std::string>> want, got;
        json::Array errors = expect["errors"].get_array().value_unsafe();
        for (json::Element e : errors) {
          json::Object o = e.get_object().value_unsafe();
          want.emplace(o["path"].get_string().value_unsafe(),
                       o["keyword"].get_string().value_unsafe());
        }
        for (const auto& e : line.errors) got.emplace(e.path, e.keyword);
        EXPECT_EQ(got, want) << lines[i];
      }
    }
  }
}

// --- podgate schema -----------------------------------------------------------------------------

TEST_F(CliTest, SchemaPrintsTheDocument) {
  for (Kind kind : kAllKinds) {
    std::string name(KindName(kind));
    RunResult r = Podgate({"schema", name});
    EXPECT_EQ(r.exit_code, 0) << Show(r);
    EXPECT_EQ(r.out, SchemaDocument(kind));
    EXPECT_EQ(r.out,
              ReadFile(fs::path(PODGATE_SOURCE_DIR) / "schemas" / (name + ".v1.schema.json")));
    EXPECT_EQ(Podgate({"schema", name + ".v1"}).out, r.out);
  }
  RunResult r = Podgate({"schema", "client-instance"});
  EXPECT_EQ(r.exit_code, 2) << Show(r);
  EXPECT_THAT(r.err, HasSubstr("unknown kind"));
  EXPECT_EQ(r.out, "");
}

// --bundle embeds the bind's document under $defs with its own $id (a 2020-12 compound
// document), beside the kind's own definitions, and changes nothing else; the bind's own
// bundle has nothing to embed. (That a validator compiles it alone: tests/differential.)
TEST_F(CliTest, SchemaBundleEmbedsTheDocumentsItRefersTo) {
  auto minified = [](std::string_view json) {
    simdjson::dom::parser parser;
    return simdjson::to_string(parser.parse(std::string(json)).value());
  };
  std::string bind = minified(SchemaDocument(Kind::kParticipantBind));
  for (Kind kind : kAllKinds) {
    RunResult r = Podgate({"schema", "--bundle", std::string(KindName(kind))});
    ASSERT_EQ(r.exit_code, 0) << Show(r);
    simdjson::dom::parser parser;
    simdjson::dom::element bundle;
    ASSERT_EQ(parser.parse(r.out).get(bundle), simdjson::SUCCESS) << r.out;
    simdjson::dom::parser plain_parser;
    simdjson::dom::element plain = plain_parser.parse(std::string(SchemaDocument(kind))).value();
    if (kind == Kind::kParticipantBind) {
      EXPECT_EQ(simdjson::to_string(bundle), bind);
      continue;
    }
    EXPECT_EQ(simdjson::to_string(bundle["$defs"]["participant-bind"].value()), bind)
        << KindName(kind);
    // Everything else as in the plain document.
    simdjson::dom::object plain_object = plain.get_object().value();
    for (auto [key, value] : plain_object) {
      if (key == "$defs") {
        simdjson::dom::object defs = value.get_object().value();
        for (auto [name, definition] : defs) {
          EXPECT_EQ(simdjson::to_string(bundle["$defs"][name].value()),
                    simdjson::to_string(definition));
        }
      } else {
        EXPECT_EQ(simdjson::to_string(bundle[key].value()), simdjson::to_string(value)) << key;
      }
    }
    EXPECT_EQ(bundle.get_object().value().size(),
              plain_object.size() + (plain["$defs"].error() ? 1 : 0));
    std::size_t own_defs = plain["$defs"].error() ? 0 : plain["$defs"].get_object().value().size();
    EXPECT_EQ(bundle["$defs"].get_object().value().size(), own_defs + 1) << KindName(kind);
  }
}

}  // namespace
}  // namespace podgate
