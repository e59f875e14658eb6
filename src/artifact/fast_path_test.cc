// The fast path (fast_path.h) may call a document valid only when the exact path does, with
// the same kind and id. These tests hold it to that over the whole fixture corpus (valid and
// invalid, every kind forced and detected), hand-written edge cases on both sides of every
// rule, and random mutations of valid artifacts; and they check that it does decide the
// common valid documents (or it would be correct but useless).

#include "artifact/fast_path.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "artifact/schema.h"
#include "json/parser.h"
#include "podgate/artifact.h"
#include "podgate/timestamp.h"

namespace podgate::artifact {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A typical detachment as bench/gen_artifacts.py writes them, with a node attestation and
// policy annotations.
constexpr std::string_view kDetachment =
    R"({"schema/v":1,"detachment/id":"detach:01JQ0002WDPX","detached-at":"2026-03-26T04:50:57Z",)"
    R"("attachment/id":"attach:01JQ0002SQ1J","serving-node/id":"node:did:key:z6MkhqYndg67BXhcn)"
    R"(L3nkH4CjVaRmzZooqCJW99Jt5mY3bvd","client-instance/id":"client:01JQ0002P6MT","detach/rea)"
    R"(son":"policy","participant-bind":{"schema/v":1,"bind/id":"pb:01JQ0002EXD1","bound-at":")"
    R"(2026-03-26T03:23:25Z","participant/id":"participant:did:key:z6Mktm3PKHocYEnJ5vaH8HF31Fe4)"
    R"(5qwCz3kSUAfB3oySj1Mj","via/node-id":"node:did:key:z6MkhqYndg67BXhcnL3nkH4CjVaRmzZooqCJW)"
    R"(99Jt5mY3bvd","session/id":"sess:01JQ000241Z9","participant/key/alg":"ed25519","particip)"
    R"(ant/key/public":"z6Mktm3PKHocYEnJ5vaH8HF31Fe45qwCz3kSUAfB3oySj1Mj","proof/participant-s)"
    R"(ignature":{"alg":"ed25519","value":"DRsdlvpI9xBoH5rucxK7J6JwXfH4gVmFjDvsHVri_up3nlnqegfk)"
    R"(t6K7G79zuHBGKpDSG9M190gZeOYao0e4Ow"}},"proof/node-attestation":{"alg":"ed25519","value":")"
    R"(sig"},"policy_annotations":{"region":"eu-west","retention-days":30,"tags":["a",{"b":[]}]}})";

class FastPathTest : public ::testing::Test {
 protected:
  // The exact path alone: CheckArtifact with a DOM wanted never takes the fast path.
  Report Exact(std::string_view input, std::optional<Kind> kind) {
    padded_.assign(input);
    padded_.append(json::kPadding, '\0');
    Report report;
    json::Object root;
    CheckArtifact(&parser_, std::string_view(padded_.data(), input.size()), kind, &report, &root);
    return report;
  }

  // The fast path's verdict. The padding is filled with bytes that would make a document
  // look longer if the scanner read past its end ("}" and spaces), so that such a read shows.
  std::optional<FastVerdict> Fast(std::string_view input, std::optional<Kind> kind) {
    fast_padded_.assign(input);
    fast_padded_.append(json::kPadding, '}');
    return FastCheck(std::string_view(fast_padded_.data(), input.size()), kind, limits_);
  }

  // Asserts agreement on `input` for the detected kind and each forced kind; returns whether
  // the fast path called it valid with the kind detected.
  bool Agree(std::string_view input) {
    bool accepted = false;
    std::array<std::optional<Kind>, 5> kinds = {std::nullopt, Kind::kParticipantBind,
                                                Kind::kAttachment, Kind::kDetachment,
                                                Kind::kRecovery};
    for (auto kind : kinds) {
      auto fast = Fast(input, kind);
      if (!fast) continue;
      if (!kind) accepted = true;
      Report exact = Exact(input, kind);
      EXPECT_TRUE(exact.ok()) << "the fast path calls valid what the exact path rejects ("
                              << (kind ? KindName(*kind) : "detected") << "): " << input;
      EXPECT_EQ(exact.kind, fast->kind) << input;
      EXPECT_EQ(exact.id, fast->id) << input;
      // Through the public entry point (the fast path first) the report is the same.
      Report via_validator = validator_.Validate(input, kind);
      EXPECT_EQ(via_validator.code, exact.code) << input;
      EXPECT_EQ(via_validator.kind, exact.kind) << input;
      EXPECT_EQ(via_validator.id, exact.id) << input;
      EXPECT_TRUE(via_validator.errors.empty()) << input;
    }
    return accepted;
  }

  json::Limits limits_;
  json::Parser parser_;
  Validator validator_;
  std::string padded_;
  std::string fast_padded_;
};

TEST_F(FastPathTest, DecidesTheTypicalDetachment) {
  auto fast = Fast(kDetachment, std::nullopt);
  ASSERT_TRUE(fast.has_value());
  EXPECT_EQ(fast->kind, Kind::kDetachment);
  EXPECT_EQ(fast->id, "detach:01JQ0002WDPX");
  EXPECT_TRUE(Agree(kDetachment));
}

TEST_F(FastPathTest, IdMembersAreTheKindIdFields) {
  // fast_path.cc names the id members itself (constexpr); they must be KindIdField's.
  std::string bind =
      std::string(R"({"schema/v":1,"bind/id":"pb:1","bound-at":"2026-03-26T03:23:25Z",)") +
      R"("participant/id":"participant:did:key:z6Mk","via/node-id":"node:did:key:z6Mk",)" +
      R"("session/id":"s","participant/key/alg":"ed25519","participant/key/public":"z6Mk",)" +
      R"("proof/participant-signature":{"alg":"ed25519","value":"x"}})";
  auto fast = Fast(bind, std::nullopt);
  ASSERT_TRUE(fast.has_value());
  EXPECT_EQ(fast->kind, Kind::kParticipantBind);
  EXPECT_EQ(fast->id, "pb:1");
  EXPECT_EQ(KindIdField(Kind::kParticipantBind), "bind/id");
  EXPECT_EQ(KindIdField(Kind::kAttachment), "attachment/id");
  EXPECT_EQ(KindIdField(Kind::kDetachment), "detachment/id");
  EXPECT_EQ(KindIdField(Kind::kRecovery), "recovery/id");
}

// Every fixture, valid or invalid, every kind: the fast path never disagrees; and it decides
// most valid fixtures itself (the others use escapes, unusual numbers, deep nesting, ...).
TEST_F(FastPathTest, AgreesOnTheFixtureCorpus) {
  std::size_t files = 0, valid = 0, decided = 0, invalid_decided = 0;
  for (const auto& entry :
       fs::recursive_directory_iterator(fs::path(PODGATE_TEST_DATA) / "fixtures")) {
    if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
    ++files;
    const std::string text = ReadFile(entry.path());
    const bool is_valid = entry.path().parent_path().filename() == "valid";
    const bool accepted = Agree(text);
    if (is_valid) {
      ++valid;
      if (accepted) ++decided;
    } else if (accepted) {
      ++invalid_decided;
    }
  }
  EXPECT_GT(files, 1000u);
  EXPECT_EQ(invalid_decided, 0u);
  // Not a timing assertion: the fast path must actually take the common valid shapes.
  EXPECT_GT(decided * 2, valid) << decided << " of " << valid << " valid fixtures decided";
}

std::string Replace(std::string_view text, std::string_view from, std::string_view to) {
  std::string out(text);
  const auto at = out.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) out.replace(at, from.size(), to);
  return out;
}

// Valid documents the fast path decides: whitespace anywhere, any member order, non-ASCII
// text, open content of every JSON type, a forced kind.
TEST_F(FastPathTest, DecidesValidVariants) {
  const std::vector<std::string> cases = {
      " \t\r\n" + std::string(kDetachment) + " \n",
      Replace(kDetachment, R"({"schema/v":1,)", "{ \"schema/v\" :\n 1 ,\t"),
      Replace(kDetachment, R"("detach/reason":"policy",)",
              "\"detach/notes\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xed\x9f\xbf "
              "\xf4\x8f\xbf\xbf\","
              "\"detach/reason\":\"policy\","),
      Replace(kDetachment, R"("tags":["a",{"b":[]}])",
              "\"x\":[true,false,null,-0,0.5,-12.25,123456789012345,\"\xc3\xa9\",{},[[]]]"),
      Replace(kDetachment, R"("detached-at":"2026-03-26T04:50:57Z")",
              R"("detached-at":"2024-02-29T23:59:60Z")"),
      Replace(kDetachment, R"("detached-at":"2026-03-26T04:50:57Z")",
              R"("detached-at":"2026-03-26t04:50:57.123456789+05:30")"),
      // Members in reverse order of the schema.
      Replace(Replace(kDetachment, R"({"schema/v":1,"detachment/id":"detach:01JQ0002WDPX",)", "{"),
              R"("policy_annotations":{)",
              R"("detachment/id":"detach:01JQ0002WDPX","schema/v":1,"policy_annotations":{)"),
  };
  for (const auto& input : cases) {
    EXPECT_TRUE(Agree(input)) << "not decided: " << input;
  }
  auto forced = Fast(kDetachment, Kind::kDetachment);
  ASSERT_TRUE(forced.has_value());
  EXPECT_EQ(forced->id, "detach:01JQ0002WDPX");
}

// Documents the fast path must not call valid: each breaks one rule of layer 1 or 2, or is
// valid but left to the exact path on purpose.
TEST_F(FastPathTest, LeavesEverythingElseToTheExactPath) {
  auto swap = [](std::string_view from, std::string_view to) {
    return Replace(kDetachment, from, to);
  };
  const std::vector<std::string> cases = {
      // layer 1
      "",
      "{}",
      "[]",
      std::string(kDetachment.substr(0, kDetachment.size() - 1)),
      std::string(kDetachment) + "x",
      std::string(kDetachment) + "{}",
      std::string(kDetachment) + std::string(1, '\0'),
      "\xef\xbb\xbf" + std::string(kDetachment),
      swap(R"("schema/v":1,)", R"("schema/v":1,"schema/v":1,)"),
      swap(R"("bind/id":"pb:01JQ0002EXD1",)", R"("bind/id":"pb:01JQ0002EXD1","bind/id":"x",)"),
      swap(R"({"alg":"ed25519","value":"sig"})", R"({"alg":"ed25519","value":"sig","alg":"x"})"),
      swap(R"("region":"eu-west",)", R"("region":"eu-west","region":"x",)"),
      swap(R"({"b":[]})", R"({"b":[],"b":1})"),
      swap(R"("region")", R"("reg\u0069on")"),
      swap(R"("client:01JQ0002P6MT")", R"("client:\u0030")"),
      swap(R"("client:01JQ0002P6MT")", "\"client:\x01\""),
      swap(R"("client:01JQ0002P6MT")", "\"client:\xc3\""),
      swap(R"("client:01JQ0002P6MT")", "\"client:\xc0\xaf\""),
      swap(R"("client:01JQ0002P6MT")", "\"client:\xed\xa0\x80\""),
      swap(R"("client:01JQ0002P6MT")", "\"client:\xf4\x90\x80\x80\""),
      swap(R"("client:01JQ0002P6MT")", "\"client:\xe0\x80\xaf\""),
      swap(R"("client:01JQ0002P6MT")", "\"client:\xff\""),
      swap(R"("retention-days":30)", R"("retention-days":030)"),
      swap(R"("retention-days":30)", R"("retention-days":1e400)"),
      swap(R"("retention-days":30)", R"("retention-days":12345678901234567890)"),
      swap(R"("retention-days":30)", R"("retention-days":-)"),
      swap(R"("retention-days":30)", R"("retention-days":1.)"),
      swap(R"("retention-days":30)", R"("retention-days":tru)"),
      swap(R"("retention-days":30)", R"("retention-days":[1,])"),
      swap(R"("retention-days":30)", R"("retention-days":{"a":1,})"),
      swap(R"({"b":[]})", R"({"b":[}])"),
      swap(R"("detach/reason":"policy",)", R"("detach/reason":"policy",,)"),
      swap(R"("detach/reason":"policy")", R"("detach/reason" "policy")"),
      // layer 2
      swap(R"("schema/v":1,)", R"("schema/v":2,)"),
      swap(R"("schema/v":1,)", R"("schema/v":1.0,)"),
      swap(R"("schema/v":1,)", R"("schema/v":"1",)"),
      swap(R"("schema/v":1,)", R"("schema/v":11,)"),
      swap(R"("schema/v":1,)", ""),
      swap(R"("detachment/id":"detach:01JQ0002WDPX")", R"("detachment/id":"")"),
      swap(R"("detachment/id":"detach:01JQ0002WDPX")", R"("detachment/id":7)"),
      swap(R"("detach/reason":"policy")", R"("detach/reason":"Policy")"),
      swap(R"("detach/reason":"policy")", R"("detach/reason":"polic")"),
      swap(R"("detach/reason":"policy")", R"("detach/reason":"policyx")"),
      swap(R"("detach/reason":"policy",)", ""),
      swap(R"("detach/reason":"policy")", R"("detach/reasons":"policy")"),
      swap(R"("detach/reason":"policy")", R"("detach/reason":"policy","bind/id":"x")"),
      swap(R"("detach/reason":"policy")", R"("detach/reason":"policy","recovery/id":"x")"),
      swap(R"("detached-at":"2026-03-26T04:50:57Z")", R"("detached-at":"2026-02-30T04:50:57Z")"),
      swap(R"("detached-at":"2026-03-26T04:50:57Z")", R"("detached-at":"2025-02-29T04:50:57Z")"),
      swap(R"("detached-at":"2026-03-26T04:50:57Z")", R"("detached-at":"2026-03-26T04:50:60Z")"),
      swap(R"("detached-at":"2026-03-26T04:50:57Z")", R"("detached-at":"2026-03-26T24:00:00Z")"),
      swap(R"("detached-at":"2026-03-26T04:50:57Z")", R"("detached-at":"2026-13-26T04:50:57Z")"),
      swap(R"("detached-at":"2026-03-26T04:50:57Z")", R"("detached-at":"2026-03-26 04:50:57Z")"),
      swap(R"("detached-at":"2026-03-26T04:50:57Z")", R"("detached-at":"2026-03-26T04:50:57")"),
      swap("node:did:key:z6MkhqYndg67BXhcnL3nkH4CjVaRmzZooqCJW99Jt5mY3bvd\",\"client",
           "node:did:key:z6MkhqYndg67BXhcnL3nkH4CjVaRmzZooqCJW99Jt5mY3bvO\",\"client"),
      swap("node:did:key:z6MkhqYndg67BXhcnL3nkH4CjVaRmzZooqCJW99Jt5mY3bvd\",\"client",
           "node:did:key:z6MkhqYndg67BXhcnL3nkH4CjVaRmz0ooqCJW99Jt5mY3bvd\",\"client"),
      swap("node:did:key:z6MkhqYndg67BXhcnL3nkH4CjVaRmzZooqCJW99Jt5mY3bvd\",\"client",
           "node:did:key:z\",\"client"),
      swap("node:did:key:z6MkhqYndg67BXhcnL3nkH4CjVaRmzZooqCJW99Jt5mY3bvd\",\"client",
           "node:did:key:6MkhqYndg67BXhcnL3nkH4CjVaRmzZooqCJW99Jt5mY3bvd\",\"client"),
      swap("node:did:key:z6MkhqYndg67BXhcnL3nkH4CjVaRmzZooqCJW99Jt5mY3bvd\",\"client",
           "participant:did:key:z6MkhqYndg67BXhcnL3nkH4CjVaRmzZooqCJW99Jt5mY3bvd\",\"client"),
      swap("node:did:key:z6MkhqYndg67BXhcnL3nkH4CjVaRmzZooqCJW99Jt5mY3bvd\",\"client",
           "node:did:key:z6Mk\\u0041\",\"client"),
      swap(R"("participant/key/alg":"ed25519")", R"("participant/key/alg":"ed448")"),
      swap(R"("proof/participant-signature":{"alg":"ed25519",)",
           R"("proof/participant-signature":{)"),
      swap(R"({"alg":"ed25519","value":"sig"})", R"({"alg":"ed25519","value":""})"),
      swap(R"({"alg":"ed25519","value":"sig"})", R"({"alg":"ed25519","value":"sig","x":1})"),
      swap(R"({"alg":"ed25519","value":"sig"})", R"(null)"),
      swap(R"("policy_annotations":{)", R"("policy_annotations":[{)"),
      swap(R"("participant-bind":{"schema/v":1,)", R"("participant-bind":{)"),
      swap(R"("participant-bind":{"schema/v":1,)", R"("participant-bind":{"schema/v":1,"x":1,)"),
  };
  for (const auto& input : cases) {
    EXPECT_FALSE(Fast(input, std::nullopt).has_value()) << "decided: " << input;
    Agree(input);
  }
}

TEST_F(FastPathTest, RespectsTheLimits) {
  // Depth: policy_annotations sits at depth 2; each '[' adds one.
  std::string deep = Replace(
      kDetachment, R"("tags":["a",{"b":[]}])",
      R"("d":)" + std::string(kMaxFastDepth - 2, '[') + std::string(kMaxFastDepth - 2, ']'));
  EXPECT_TRUE(Fast(deep, std::nullopt).has_value());
  Agree(deep);
  std::string deeper = Replace(
      kDetachment, R"("tags":["a",{"b":[]}])",
      R"("d":)" + std::string(kMaxFastDepth - 1, '[') + std::string(kMaxFastDepth - 1, ']'));
  EXPECT_FALSE(Fast(deeper, std::nullopt).has_value());
  Agree(deeper);

  json::Limits shallow{64 * 1024, 3};
  fast_padded_.assign(kDetachment);
  fast_padded_.append(json::kPadding, ' ');
  const std::string_view bytes(fast_padded_.data(), kDetachment.size());
  EXPECT_FALSE(FastCheck(bytes, std::nullopt, shallow).has_value());  // {"b":[]} is at depth 5
  json::Limits small{kDetachment.size() - 1, 64};
  EXPECT_FALSE(FastCheck(bytes, std::nullopt, small).has_value());
  json::Limits exact_size{kDetachment.size(), 64};
  EXPECT_TRUE(FastCheck(bytes, std::nullopt, exact_size).has_value());

  std::string many = "{";
  for (std::size_t i = 0; i <= kMaxOpenMembers; ++i) many += "\"m" + std::to_string(i) + "\":0,";
  many.back() = '}';
  const std::string wide = Replace(
      kDetachment, R"({"region":"eu-west","retention-days":30,"tags":["a",{"b":[]}]})", many);
  EXPECT_FALSE(Fast(wide, std::nullopt).has_value());
  EXPECT_TRUE(Exact(wide, std::nullopt).ok());
}

// Date-times decide like ParseRfc3339 (the fast path checks the common shape itself): every
// day number of every month in leap and common years, every hour, minute and second around
// the limits, and non-digits in every position.
TEST_F(FastPathTest, DateTimesDecideLikeParseRfc3339) {
  std::vector<std::string> dates;
  for (const char* year : {"2023", "2024", "2000", "1900", "0000", "9999"}) {
    for (int month = 0; month <= 13; ++month) {
      for (int day = 0; day <= 32; ++day) {
        char text[64];
        std::snprintf(text, sizeof text, "%s-%02d-%02dT12:30:45Z", year, month, day);
        dates.push_back(text);
      }
    }
  }
  for (int hour = 22; hour <= 25; ++hour) {
    for (int minute : {0, 58, 59, 60, 61}) {
      for (int second : {0, 58, 59, 60, 61}) {
        char text[64];
        std::snprintf(text, sizeof text, "2026-06-30T%02d:%02d:%02dZ", hour, minute, second);
        dates.push_back(text);
      }
    }
  }
  const std::string base = "2026-03-26T04:50:57Z";
  for (std::size_t i = 0; i < base.size(); ++i) {
    for (char c : std::string("/:-0123456789TtZz. \\\x7f")) {
      std::string date = base;
      date[i] = c;
      dates.push_back(date);
    }
  }
  const std::string_view from = R"("detached-at":"2026-03-26T04:50:57Z")";
  for (const auto& date : dates) {
    const std::string input = Replace(kDetachment, from, "\"detached-at\":\"" + date + "\"");
    const bool parses = ParseRfc3339(date, nullptr).has_value();
    EXPECT_EQ(Fast(input, std::nullopt).has_value(), parses) << date;
    Agree(input);
  }
}

// The verdict never depends on the padding: every prefix of a detachment, followed by exactly
// json::kPadding bytes of hostile content (literals, brackets, names that would continue the
// document), decides as with zero padding. The buffer is sized exactly, so a sanitizer build
// also catches any read beyond the padding.
TEST_F(FastPathTest, IgnoresWhatThePaddingHolds) {
  const std::vector<std::string> fillers = {
      "true,", "[", "{", "}", "]", "1", "\"", ",\"a\":", "\"schema/v\":1,", " ", "z", "\n"};
  const std::string doc(kDetachment);
  for (std::size_t n = 0; n <= doc.size(); ++n) {
    std::vector<char> zero(n + json::kPadding, '\0');
    std::copy(doc.begin(), doc.begin() + static_cast<std::ptrdiff_t>(n), zero.begin());
    const auto expected = FastCheck(std::string_view(zero.data(), n), std::nullopt, limits_);
    for (const auto& filler : fillers) {
      std::vector<char> buffer(n + json::kPadding);
      std::copy(doc.begin(), doc.begin() + static_cast<std::ptrdiff_t>(n), buffer.begin());
      for (std::size_t i = n; i < buffer.size(); ++i) buffer[i] = filler[(i - n) % filler.size()];
      const auto got = FastCheck(std::string_view(buffer.data(), n), std::nullopt, limits_);
      ASSERT_EQ(got.has_value(), expected.has_value()) << n << " " << filler;
      if (got) {
        EXPECT_EQ(got->kind, expected->kind);
        EXPECT_EQ(got->id, std::string_view(buffer.data() + (expected->id.data() - zero.data()),
                                            expected->id.size()));
      }
    }
  }
}

// Random mutations of valid documents (compact and pretty-printed, every kind): bytes
// flipped, inserted (from an alphabet of the characters that matter), deleted, spans
// repeated. Deterministic (fixed seed), so a failure reproduces.
TEST_F(FastPathTest, AgreesOnRandomMutations) {
  std::vector<std::string> bases = {std::string(kDetachment)};
  for (std::string_view kind : {"participant-bind", "client-instance-attachment",
                                "client-instance-detachment", "client-instance-recovery"}) {
    const fs::path dir = fs::path(PODGATE_TEST_DATA) / "fixtures" / std::string(kind) / "valid";
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir)) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (std::size_t i = 0; i < files.size(); i += 7) bases.push_back(ReadFile(files[i]));
  }
  constexpr std::string_view kAlphabet =
      "\"\\{}[],: \n\t01-.eEzZTtfn/\x7f\x80\xbf\xc2\xc3\xdf\xe0\xed\xef\xf0\xf4\xf5\xff";
  std::mt19937_64 rng(20261125);
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  std::size_t checked = 0, accepted = 0;
  for (int round = 0; round < 200000; ++round) {
    std::string doc = bases[pick(bases.size())];
    const int edits = 1 + static_cast<int>(pick(3));
    for (int e = 0; e < edits && !doc.empty(); ++e) {
      const std::size_t at = pick(doc.size());
      switch (pick(5)) {
        case 0:
          doc[at] = static_cast<char>(doc[at] ^ (1 << pick(8)));
          break;
        case 1:
          doc.insert(doc.begin() + static_cast<std::ptrdiff_t>(at),
                     kAlphabet[pick(kAlphabet.size())]);
          break;
        case 2:
          doc.erase(at, 1 + pick(3));
          break;
        case 3:
          doc[at] = kAlphabet[pick(kAlphabet.size())];
          break;
        default: {
          // Repeat a span (duplicates members, values, brackets).
          const std::size_t length = std::min(doc.size() - at, 1 + pick(120));
          doc.insert(at, doc.substr(at, length));
          break;
        }
      }
    }
    ++checked;
    if (Agree(doc)) ++accepted;
    if (HasFailure()) {
      ADD_FAILURE() << "round " << round;
      return;
    }
  }
  // Some mutants stay valid (a flipped base58 digit, added whitespace): the property is not
  // vacuous.
  EXPECT_GT(accepted, 1000u) << accepted << " of " << checked;
  std::printf("%zu of %zu mutants decided valid by the fast path\n", accepted, checked);
}

}  // namespace
}  // namespace podgate::artifact
