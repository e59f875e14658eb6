// A catalogue of hostile input (issue 7): several hundred inputs a stranger could send, each
// with the code DESIGN.md documents for it, run through the layer that decides it:
//   kValidate  layers 1-2 (Validator): truncated, oversized and deeply nested documents, huge
//              strings, NUL bytes, overlong and otherwise invalid UTF-8, byte order marks,
//              numbers at and past the double range, duplicate member names, names that differ
//              only by Unicode normalization (distinct names, never duplicates), JSON that is
//              not an object, every required member missing or of the wrong type, date-times
//              at every boundary of RFC 3339;
//   kVerify    layers 1-3 (Verifier): did:keys of other curves and of wrong lengths,
//              signatures of wrong lengths, alphabets, encodings and keys, non-canonical
//              Ed25519 signatures;
//   kAdmit     layers 1-4 (Gate over an in-memory SQLite ledger): artifacts each valid alone
//              but hostile together with what the ledger holds (replays, conflicts, foreign
//              binds, wrong nodes, clocks at the skew boundary, normalization twins).
// Each case asserts the exact code (and, where the rule names one, the JSON Pointer). None may
// crash (the test binary would die) or hang: every case is one call on a bounded input, and
// the layers are linear in the input. For kAdmit, a rejected or duplicate artifact must leave
// the ledger's facts (its event log: every admission and eviction, with the stored bytes)
// exactly as they were; the verdict history records the rejection, by design.
//
// The cases are generated here from a few signed base artifacts (keys made in the test, as in
// gate_artifacts.h); tests/data/hostile/ holds the inputs that are clearer as files (UTF-16
// and UTF-32 documents, ...), listed with their codes in tests/data/hostile/MANIFEST.

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "codec/base58.h"
#include "gate_artifacts.h"
#include "podgate/artifact.h"
#include "podgate/gate.h"
#include "podgate/keys.h"
#include "podgate/ledger.h"
#include "podgate/proof.h"
#include "podgate/timestamp.h"

namespace podgate::testing {
namespace {

namespace fs = std::filesystem;

enum class Stage { kValidate, kVerify, kAdmit };

constexpr std::string_view kAnyPath = "*";

struct Case {
  std::string name;
  Stage stage = Stage::kValidate;
  std::optional<Kind> kind;  // forced kind; nullopt: detected
  std::string input;
  Code code = Code::kOk;            // the documented code
  std::string path{kAnyPath};       // the first violation's JSON Pointer, when pinned
  std::vector<std::string> before;  // kAdmit: admitted first, in order (each must be)
  Rights rights = Rights::kParticipant;
  Verdict verdict = Verdict::kRejected;  // kAdmit: the expected verdict
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

// --- keys, times and base artifacts ------------------------------------------------------

const SecretKey& NodeKey() {
  static const SecretKey key = KeyFromByte(0x29);
  return key;
}
const SecretKey& AliceKey() {
  static const SecretKey key = KeyFromByte(0x2a);
  return key;
}
const SecretKey& BobKey() {
  static const SecretKey key = KeyFromByte(0x2b);
  return key;
}
const SecretKey& OtherNodeKey() {
  static const SecretKey key = KeyFromByte(0x2c);
  return key;
}
std::string Node() { return NodeId(NodeKey()); }
std::string OtherNode() { return NodeId(OtherNodeKey()); }

// The gate's clock in every kAdmit case.
constexpr std::string_view kNow = "2026-03-28T21:00:00Z";
constexpr std::string_view kBoundAt = "2026-03-28T19:20:00Z";
constexpr std::string_view kAttachedAt = "2026-03-28T19:42:00Z";
constexpr std::string_view kDetachedAt = "2026-03-28T20:05:00Z";
constexpr std::string_view kRecoveredAt = "2026-03-28T20:25:00Z";

std::string AliceBind(std::string_view bound_at = kBoundAt, std::string via = "") {
  return MakeBind(AliceKey(), {.id = "pb:alice",
                               .bound_at = std::string(bound_at),
                               .via_node = via.empty() ? Node() : via,
                               .session = "sess:alice"});
}
std::string BobBind() {
  return MakeBind(BobKey(), {.id = "pb:bob",
                             .bound_at = std::string(kBoundAt),
                             .via_node = Node(),
                             .session = "sess:bob"});
}
std::string Attach(std::string_view id = "attach:1", std::string_view client = "client:1",
                   std::string_view at = kAttachedAt, std::string bind = "") {
  return MakeAttachment(id, client, at, Node(), bind.empty() ? AliceBind() : bind);
}
std::string Detach(std::string_view id = "detach:1", std::string_view attachment = "attach:1",
                   std::string_view client = "client:1", std::string_view reason = "user-request",
                   std::string_view at = kDetachedAt, std::string bind = "") {
  return MakeDetachment(id, attachment, client, reason, at, Node(),
                        bind.empty() ? AliceBind() : bind);
}
std::string Recover(std::string_view id = "recover:1", std::string_view from = "detach:1",
                    std::string_view client = "client:1",
                    std::string_view mode = "reattach-existing-device",
                    std::string_view at = kRecoveredAt, std::string bind = "") {
  return MakeRecovery(id, from, client, mode, at, Node(), bind.empty() ? AliceBind() : bind);
}

// A detachment with notes (the only free-text member of the kinds).
std::string Noted() {
  return MakeDetachment("detach:1", "attach:1", "client:1", "user-request", kDetachedAt, Node(),
                        AliceBind(), "notes");
}

// --- editing compact JSON text ------------------------------------------------------------

// Problems met while building the catalogue (an edit that found nothing to edit): reported by
// the CatalogueIsWellFormed test rather than silently producing a wrong case.
std::vector<std::string>& BuildErrors() {
  static std::vector<std::string> errors;
  return errors;
}

// The end of the JSON value that starts at `pos` of well-formed `text`.
std::size_t SkipValue(std::string_view text, std::size_t pos) {
  if (text[pos] == '"') {
    for (std::size_t i = pos + 1; i < text.size(); ++i) {
      if (text[i] == '\\') {
        ++i;
      } else if (text[i] == '"') {
        return i + 1;
      }
    }
    return text.size();
  }
  if (text[pos] == '{' || text[pos] == '[') {
    int depth = 0;
    for (std::size_t i = pos; i < text.size(); ++i) {
      char c = text[i];
      if (c == '"') {
        i = SkipValue(text, i) - 1;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (--depth == 0) return i + 1;
      }
    }
    return text.size();
  }
  std::size_t end = text.find_first_of(",}]", pos);
  return end == std::string_view::npos ? text.size() : end;
}

// The position of the first `"name":` in `text`, or npos (with a build error).
std::size_t FindMember(std::string_view text, std::string_view name) {
  std::string needle = "\"" + std::string(name) + "\":";
  std::size_t at = text.find(needle);
  if (at == std::string_view::npos) BuildErrors().push_back("no member " + std::string(name));
  return at;
}

// Replaces the value of the first member `name` with the raw JSON `value`.
std::string SetValue(std::string text, std::string_view name, std::string_view value) {
  std::size_t at = FindMember(text, name);
  if (at == std::string::npos) return text;
  std::size_t start = at + name.size() + 3;
  std::size_t end = SkipValue(text, start);
  text.replace(start, end - start, value);
  return text;
}

std::string SetString(std::string text, std::string_view name, std::string_view value) {
  return SetValue(std::move(text), name, "\"" + std::string(value) + "\"");
}

// Removes the first member `name` (and one comma next to it).
std::string RemoveMember(std::string text, std::string_view name) {
  std::size_t at = FindMember(text, name);
  if (at == std::string::npos) return text;
  std::size_t end = SkipValue(text, at + name.size() + 3);
  if (end < text.size() && text[end] == ',') {
    ++end;
  } else if (at > 0 && text[at - 1] == ',') {
    --at;
  }
  text.erase(at, end - at);
  return text;
}

// Renames the first member `name` (its value stays).
std::string RenameMember(std::string text, std::string_view name, std::string_view new_name) {
  std::size_t at = FindMember(text, name);
  if (at == std::string::npos) return text;
  text.replace(at + 1, name.size(), new_name);
  return text;
}

// Adds raw members (`"a":1,"b":2`) at the end of the top-level object.
std::string AddMembers(std::string text, std::string_view members) {
  std::size_t close = text.rfind('}');
  text.insert(close, "," + std::string(members));
  return text;
}

// Replaces the one occurrence of `from` in `text`.
std::string ReplaceOnce(std::string text, std::string_view from, std::string_view to) {
  std::size_t at = text.find(from);
  if (at == std::string::npos || text.find(from, at + 1) != std::string::npos) {
    BuildErrors().push_back("not exactly one \"" + std::string(from) + "\"");
    return text;
  }
  text.replace(at, from.size(), to);
  return text;
}

std::string Repeat(std::string_view piece, std::size_t n) {
  std::string out;
  out.reserve(piece.size() * n);
  for (std::size_t i = 0; i < n; ++i) out += piece;
  return out;
}

std::string Multibase(std::initializer_list<std::uint8_t> prefix, std::size_t key_bytes,
                      std::uint8_t fill = 0x42) {
  std::vector<std::uint8_t> raw(prefix);
  raw.insert(raw.end(), key_bytes, fill);
  return "z" + codec::Base58Encode(raw);
}

// The 64 bytes of a base64url signature.
std::vector<std::uint8_t> SignatureBytes(std::string_view value) {
  auto decoded = Base64UrlDecode(value);
  if (!decoded || decoded->size() != 64) {
    BuildErrors().push_back("not a signature: " + std::string(value));
    return std::vector<std::uint8_t>(64, 0);
  }
  return {decoded->begin(), decoded->end()};
}

std::string Encode(const std::vector<std::uint8_t>& bytes) { return Base64UrlEncode(bytes); }

// The "value" of the first signature object under member `name`.
std::string SignatureValue(std::string_view text, std::string_view name) {
  std::size_t at = FindMember(text, name);
  if (at == std::string_view::npos) return "";
  std::size_t value = text.find("\"value\":\"", at);
  std::size_t start = value + 9;
  return std::string(text.substr(start, text.find('"', start) - start));
}

// --- the catalogue -------------------------------------------------------------------------

class Catalogue {
 public:
  std::vector<Case> Build() {
    Truncation();
    Size();
    Nesting();
    NulBytes();
    Utf8();
    ByteOrderMarks();
    Numbers();
    DuplicateNames();
    Normalization();
    NotJsonObjects();
    RequiredMembers();
    Timestamps();
    DidKeys();
    Signatures();
    Together();
    Files();
    return std::move(cases_);
  }

 private:
  void Add(std::string name, Stage stage, std::optional<Kind> kind, std::string input, Code code,
           std::string path = std::string(kAnyPath)) {
    Case c;
    c.name = std::move(name);
    c.stage = stage;
    c.kind = kind;
    c.input = std::move(input);
    c.code = code;
    c.path = std::move(path);
    cases_.push_back(std::move(c));
  }
  void Validate(std::string name, std::string input, Code code,
                std::optional<Kind> kind = Kind::kAttachment,
                std::string path = std::string(kAnyPath)) {
    Add("validate/" + name, Stage::kValidate, kind, std::move(input), code, std::move(path));
  }
  void Verify(std::string name, std::string input, Code code,
              std::optional<Kind> kind = Kind::kAttachment,
              std::string path = std::string(kAnyPath)) {
    Add("verify/" + name, Stage::kVerify, kind, std::move(input), code, std::move(path));
  }
  // A kAdmit case: `before` are admitted in order, then `input` must get `verdict` / `code`.
  void Admit(std::string name, std::vector<std::string> before, std::string input, Verdict verdict,
             Code code = Code::kOk, std::string path = std::string(kAnyPath),
             Rights rights = Rights::kParticipant) {
    Case c;
    c.name = "admit/" + name;
    c.stage = Stage::kAdmit;
    c.input = std::move(input);
    c.code = code;
    c.path = std::move(path);
    c.before = std::move(before);
    c.rights = rights;
    c.verdict = verdict;
    cases_.push_back(std::move(c));
  }

  // Truncated documents: every prefix at 48 points spread over a signed attachment, and
  // prefixes cut right after each structural character of its first 200 bytes.
  void Truncation() {
    const std::string doc = Attach();
    for (std::size_t i = 0; i < 48; ++i) {
      std::size_t cut = doc.size() * i / 48;
      Validate("truncated/at-" + std::to_string(cut), doc.substr(0, cut), Code::kMalformedJson);
    }
    std::size_t taken = 0;
    for (std::size_t i = 0; i < 200 && taken < 24; ++i) {
      if (std::string_view("{}[]:,\"").find(doc[i]) == std::string_view::npos) continue;
      Validate("truncated/after-" + std::to_string(i) + "-structural", doc.substr(0, i + 1),
               Code::kMalformedJson);
      ++taken;
    }
    Validate("truncated/last-byte-missing", doc.substr(0, doc.size() - 1), Code::kMalformedJson);
    Validate("truncated/whitespace-only", "  \n\t ", Code::kMalformedJson);
    Validate("truncated/open-string-at-end", doc.substr(0, doc.size() - 2) + "\"",
             Code::kMalformedJson);
  }

  // Documents at and over the 64 KiB limit, and large members inside it.
  void Size() {
    const std::string doc = Attach();
    constexpr std::size_t kMax = 64 * 1024;
    Validate("size/exactly-64KiB-with-trailing-space", doc + std::string(kMax - doc.size(), ' '),
             Code::kOk);
    Validate("size/64KiB-plus-one", doc + std::string(kMax + 1 - doc.size(), ' '),
             Code::kMalformedJson);
    Validate("size/1MiB-of-space", doc + std::string(1 << 20, ' '), Code::kMalformedJson);
    Validate("size/4MiB-string", AddMembers(doc, "\"x\":\"" + std::string(4 << 20, 'a') + "\""),
             Code::kMalformedJson);
    Validate("size/60000-char-id",
             SetString(doc, "attachment/id", "attach:" + std::string(60000, 'x')), Code::kOk);
    Validate("size/70000-char-id",
             SetString(doc, "attachment/id", "attach:" + std::string(70000, 'x')),
             Code::kMalformedJson);
    Validate("size/notes-of-60000-escapes",
             SetString(Noted(), "detach/notes", Repeat("\\n", 30000)), Code::kOk,
             Kind::kDetachment);
    Validate("size/notes-of-12000-unicode-escapes-over-the-limit",
             SetString(Noted(), "detach/notes", Repeat("\\u00e9", 12000)), Code::kMalformedJson,
             Kind::kDetachment);
    Validate("size/annotations-array-of-30000-zeros",
             AddMembers(doc, "\"policy_annotations\":{\"a\":[" + Repeat("0,", 29999) + "0]}"),
             Code::kOk);
    std::string many_keys;
    for (int i = 0; i < 5000; ++i) many_keys += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":1";
    Validate("size/annotations-5000-members",
             AddMembers(doc, "\"policy_annotations\":{" + many_keys + "}"), Code::kOk);
    Validate("size/annotations-5000-members-last-repeats-first",
             AddMembers(doc, "\"policy_annotations\":{" + many_keys + ",\"k0\":2}"),
             Code::kMalformedJson);
    Validate("size/empty-document", "", Code::kMalformedJson);
  }

  // Nesting: the limit is 64 containers, the top-level object included.
  void Nesting() {
    const std::string doc = Attach();
    // The top-level object is depth 1 and policy_annotations' object depth 2: k arrays inside
    // it reach depth 2 + k.
    for (std::size_t k : {1, 30, 61, 62}) {
      Validate(
          "nesting/arrays-to-depth-" + std::to_string(2 + k),
          AddMembers(doc, "\"policy_annotations\":{\"a\":" + Repeat("[", k) + Repeat("]", k) + "}"),
          Code::kOk);
    }
    for (std::size_t k : {63, 64, 1000, 20000}) {
      Validate(
          "nesting/arrays-to-depth-" + std::to_string(2 + k),
          AddMembers(doc, "\"policy_annotations\":{\"a\":" + Repeat("[", k) + Repeat("]", k) + "}"),
          Code::kMalformedJson);
    }
    Validate(
        "nesting/objects-to-depth-64",
        AddMembers(doc, "\"policy_annotations\":" + Repeat("{\"a\":", 62) + "{}" + Repeat("}", 62)),
        Code::kOk);
    Validate(
        "nesting/objects-to-depth-65",
        AddMembers(doc, "\"policy_annotations\":" + Repeat("{\"a\":", 63) + "{}" + Repeat("}", 63)),
        Code::kMalformedJson);
    Validate("nesting/unclosed-30000-arrays", AddMembers(doc, "\"x\":" + Repeat("[", 30000)),
             Code::kMalformedJson);
    Validate("nesting/top-level-arrays-100000", Repeat("[", 100000) + Repeat("]", 100000),
             Code::kMalformedJson);
    Validate("nesting/top-level-objects-30000", Repeat("{\"a\":", 30000) + "1" + Repeat("}", 30000),
             Code::kMalformedJson);
    Validate("nesting/mixed-40000", Repeat("{\"a\":[", 20000) + Repeat("]}", 20000),
             Code::kMalformedJson);
  }

  void NulBytes() {
    const std::string doc = Attach();
    std::string nul(1, '\0');
    Validate("nul/raw-in-string-value", SetString(doc, "client-instance/id", "a" + nul + "b"),
             Code::kMalformedJson);
    Validate("nul/raw-between-tokens",
             ReplaceOnce(doc, "\"attachment/id\":", nul + "\"attachment/id\":"),
             Code::kMalformedJson);
    Validate("nul/raw-after-document", doc + nul, Code::kMalformedJson);
    Validate("nul/raw-before-document", nul + doc, Code::kMalformedJson);
    Validate("nul/raw-in-member-name", RenameMember(doc, "profile/type", "profile" + nul + "type"),
             Code::kMalformedJson);
    Validate("nul/escaped-in-value", SetString(doc, "client-instance/id", "client:\\u0000"),
             Code::kOk);
    Validate("nul/escaped-in-annotation-name",
             AddMembers(doc, "\"policy_annotations\":{\"a\\u0000b\":1}"), Code::kOk);
    Validate("nul/escaped-in-top-level-name",
             RenameMember(doc, "profile/type", "profile/type\\u0000"), Code::kSchemaInvalid);
    Validate("nul/escaped-only-value", SetString(doc, "attachment/id", "\\u0000"), Code::kOk);
  }

  // Invalid UTF-8 in strings and names; valid but unusual code points.
  void Utf8() {
    const std::string doc = Attach();
    const std::vector<std::pair<std::string, std::string>> invalid = {
        {"overlong-2-byte-slash", "\xc0\xaf"},
        {"overlong-2-byte-c1", "\xc1\xbf"},
        {"overlong-2-byte-nul", "\xc0\x80"},
        {"overlong-3-byte-slash", "\xe0\x80\xaf"},
        {"overlong-3-byte-max", "\xe0\x9f\xbf"},
        {"overlong-4-byte-slash", "\xf0\x80\x80\xaf"},
        {"overlong-4-byte-max", "\xf0\x8f\xbf\xbf"},
        {"surrogate-high-d800", "\xed\xa0\x80"},
        {"surrogate-low-dfff", "\xed\xbf\xbf"},
        {"surrogate-pair-as-utf8", "\xed\xa0\xbd\xed\xb8\x80"},
        {"beyond-10ffff", "\xf4\x90\x80\x80"},
        {"lead-f5", "\xf5\x80\x80\x80"},
        {"lead-f8-5-byte", "\xf8\x88\x80\x80\x80"},
        {"lead-fc-6-byte", "\xfc\x84\x80\x80\x80\x80"},
        {"lone-continuation-80", "\x80"},
        {"lone-continuation-bf", "\xbf"},
        {"truncated-2-byte", "\xc3"},
        {"truncated-3-byte", "\xe2\x82"},
        {"truncated-4-byte", "\xf0\x9f\x98"},
        {"byte-fe", "\xfe"},
        {"byte-ff", "\xff"},
        {"latin1-e9", "caf\xe9"},
        {"continuation-then-ascii", "\xe2\x28\xa1"},
    };
    for (const auto& [name, bytes] : invalid) {
      Validate("utf8/value-" + name, SetString(doc, "client-instance/id", "c" + bytes),
               Code::kMalformedJson);
    }
    for (std::size_t i = 0; i < invalid.size(); i += 4) {
      Validate("utf8/name-" + invalid[i].first,
               AddMembers(doc, "\"policy_annotations\":{\"k" + invalid[i].second + "\":1}"),
               Code::kMalformedJson);
    }
    const std::vector<std::pair<std::string, std::string>> escapes = {
        {"escaped-lone-high-surrogate", "\\ud800"},
        {"escaped-lone-low-surrogate", "\\udc00"},
        {"escaped-high-then-letter", "\\ud800\\u0041"},
        {"escaped-reversed-pair", "\\udc00\\ud800"},
        {"escaped-high-at-end", "x\\udbff"},
        {"escape-x", "\\x41"},
        {"escape-short-u", "\\u12"},
        {"escape-capital-u", "\\U0041"},
        {"escape-single-quote", "\\'"},
        {"raw-tab", "a\tb"},
        {"raw-newline", "a\nb"},
        {"raw-control-1f", "a\x1f"},
    };
    for (const auto& [name, text] : escapes) {
      Validate("utf8/" + name, SetString(doc, "client-instance/id", text), Code::kMalformedJson);
    }
    const std::vector<std::pair<std::string, std::string>> valid = {
        {"escaped-surrogate-pair", "\\ud83d\\ude00"},
        {"max-code-point", "\xf4\x8f\xbf\xbf"},
        {"noncharacter-fffe", "\xef\xbf\xbe"},
        {"noncharacter-ffff", "\xef\xbf\xbf"},
        {"line-separator-raw",
         "a\xe2\x80\xa8"
         "b"},
        {"raw-del", "a\x7f"},
        {"four-byte-emoji", "\xf0\x9f\x98\x80"},
    };
    for (const auto& [name, text] : valid) {
      Validate("utf8/" + name, SetString(doc, "client-instance/id", text), Code::kOk);
    }
  }

  void ByteOrderMarks() {
    const std::string doc = Attach();
    const std::string bom = "\xef\xbb\xbf";
    Validate("bom/utf8-before-document", bom + doc, Code::kMalformedJson);
    Validate("bom/utf8-after-leading-space", " " + bom + doc, Code::kMalformedJson);
    Validate("bom/utf8-after-document", doc + bom, Code::kMalformedJson);
    Validate("bom/utf8-twice", bom + bom + doc, Code::kMalformedJson);
    Validate("bom/utf16-be-bytes-before-document", "\xfe\xff" + doc, Code::kMalformedJson);
    Validate("bom/utf16-le-bytes-before-document", "\xff\xfe" + doc, Code::kMalformedJson);
    Validate("bom/inside-string-value", SetString(doc, "client-instance/id", bom + "client"),
             Code::kOk);
    Validate("bom/as-annotation-name",
             AddMembers(doc, "\"policy_annotations\":{\"" + bom + "\":1}"), Code::kOk);
    Validate("bom/before-top-level-name", RenameMember(doc, "profile/type", bom + "profile/type"),
             Code::kSchemaInvalid, Kind::kAttachment);
    Validate("bom/escaped-in-value", SetString(doc, "client-instance/id", "\\ufeffclient"),
             Code::kOk);
  }

  void Numbers() {
    const std::string doc = Attach();
    auto annotation = [&](std::string_view number) {
      return AddMembers(doc, "\"policy_annotations\":{\"n\":" + std::string(number) + "}");
    };
    const std::vector<std::string> malformed = {
        "1e999999", "-1e999999", "1e309",    "-1e309",    "1.8e308", "01",    "-01", "00",
        "+1",       ".5",        "-.5",      "5.",        "1e",      "1e+",   "1E-", "-",
        "NaN",      "-NaN",      "Infinity", "-Infinity", "0x1F",    "1_000", "1,5", "--1",
        "1.2.3",    "0.e1",      "inf",      "1e1.5",     "\"1\"1",
    };
    for (const std::string& n : malformed) {
      Validate("number/malformed-" + n, annotation(n), Code::kMalformedJson);
    }
    Validate("number/malformed-400-digit-integer", annotation("1" + std::string(400, '0')),
             Code::kMalformedJson);
    const std::vector<std::string> fine = {
        "-0",
        "-0.0",
        "0e0",
        "-0e-0",
        "1e-999999",
        "-1e-400",
        "4.9e-324",
        "1.7976931348623157e308",
        "-1.7976931348623157e308",
        "18446744073709551615",
        "18446744073709551616",
        "-9223372036854775808",
        "-9223372036854775809",
        "123456789012345678901234567890",
        "1E+2",
        "0.1e1",
    };
    for (const std::string& n : fine) Validate("number/fine-" + n, annotation(n), Code::kOk);
    Validate("number/fine-300-digit-integer", annotation("9" + std::string(299, '9')), Code::kOk);
    // schema/v is const 1: JSON Schema compares numbers by value, so every spelling of one
    // passes, and nothing else does.
    for (std::string one : {"1", "1.0", "1e0", "10e-1", "0.1e1", "1.00000000000000000000001"}) {
      Validate("number/schema-v-" + one, SetValue(doc, "schema/v", one), Code::kOk);
    }
    for (std::string other : {"-0", "0", "2", "-1", "1.0000001", "\"1\"", "true", "null", "[1]",
                              "1e-400", "18446744073709551617"}) {
      Validate("number/schema-v-" + other, SetValue(doc, "schema/v", other), Code::kSchemaInvalid,
               Kind::kAttachment, "/schema~1v");
    }
  }

  void DuplicateNames() {
    const std::string doc = Attach();
    Validate("duplicate/top-level-id-other-value",
             AddMembers(doc, "\"attachment/id\":\"attach:evil\""), Code::kMalformedJson);
    Validate("duplicate/top-level-id-same-value", AddMembers(doc, "\"attachment/id\":\"attach:1\""),
             Code::kMalformedJson);
    Validate("duplicate/top-level-three-times", AddMembers(doc, "\"schema/v\":1,\"schema/v\":1"),
             Code::kMalformedJson);
    Validate("duplicate/in-bind",
             ReplaceOnce(doc, "\"session/id\":\"sess:alice\"",
                         "\"session/id\":\"sess:alice\",\"session/id\":\"sess:evil\""),
             Code::kMalformedJson);
    Validate("duplicate/bind-signature",
             ReplaceOnce(doc, "\"session/id\":\"sess:alice\"",
                         "\"session/id\":\"sess:alice\",\"proof/participant-signature\":{\"alg\":"
                         "\"ed25519\",\"value\":\"AA\"}"),
             Code::kMalformedJson);
    Validate("duplicate/deep-in-annotations",
             AddMembers(doc, "\"policy_annotations\":{\"a\":{\"b\":[{\"c\":{\"d\":1,\"d\":2}}]}}"),
             Code::kMalformedJson);
    Validate("duplicate/by-unicode-escape",
             AddMembers(doc, "\"policy_annotations\":{\"a\":1,\"\\u0061\":2}"),
             Code::kMalformedJson);
    Validate("duplicate/top-level-by-escaped-solidus",
             AddMembers(doc, "\"attachment\\/id\":\"attach:evil\""), Code::kMalformedJson);
    Validate("duplicate/top-level-by-escaped-letters",
             AddMembers(doc, "\"\\u0061ttachment/id\":\"attach:evil\""), Code::kMalformedJson);
    Validate("duplicate/in-signature-object",
             ReplaceOnce(doc, "\"alg\":\"ed25519\",\"value\"",
                         "\"alg\":\"ed25519\",\"alg\":\"none\",\"value\""),
             Code::kMalformedJson);
    Validate("duplicate/empty-names", AddMembers(doc, "\"policy_annotations\":{\"\":1,\"\":2}"),
             Code::kMalformedJson);
    Validate("duplicate/case-differs-is-not-a-duplicate",
             AddMembers(doc, "\"policy_annotations\":{\"a\":1,\"A\":2}"), Code::kOk);
    Validate("duplicate/top-level-case-differs", AddMembers(doc, "\"Attachment/id\":\"x\""),
             Code::kSchemaInvalid, Kind::kAttachment, "/Attachment~1id");
  }

  // Names that differ only by Unicode normalization are different names (RFC 8259 compares
  // code points; podgate does not normalize): never duplicates.
  void Normalization() {
    const std::string doc = Attach();
    const std::string nfc = "caf\xc3\xa9";   // U+00E9
    const std::string nfd = "cafe\xcc\x81";  // e + U+0301
    const std::string ohm = "\xe2\x84\xa6";  // U+2126 OHM SIGN, NFC is U+03A9
    const std::string omega = "\xce\xa9";    // U+03A9
    const std::string fi = "\xef\xac\x81";   // U+FB01, NFKC is "fi"
    Validate("normalization/nfc-and-nfd-names-in-annotations",
             AddMembers(doc, "\"policy_annotations\":{\"" + nfc + "\":1,\"" + nfd + "\":2}"),
             Code::kOk);
    Validate("normalization/ohm-and-omega-names",
             AddMembers(doc, "\"policy_annotations\":{\"" + ohm + "\":1,\"" + omega + "\":2}"),
             Code::kOk);
    Validate("normalization/ligature-and-letters",
             AddMembers(doc, "\"policy_annotations\":{\"" + fi + "\":1,\"fi\":2}"), Code::kOk);
    Validate("normalization/nfc-and-nfd-top-level-names",
             AddMembers(doc, "\"" + nfc + "\":1,\"" + nfd + "\":2"), Code::kSchemaInvalid,
             Kind::kAttachment);
    Validate("normalization/fullwidth-solidus-in-required-name",
             RenameMember(doc, "profile/type", "profile\xef\xbc\x8ftype"), Code::kSchemaInvalid,
             Kind::kAttachment);
    Validate("normalization/cyrillic-a-homoglyph-name",
             RenameMember(doc, "attachment/id", "\xd0\xb0ttachment/id"), Code::kSchemaInvalid,
             Kind::kAttachment);
    Validate("normalization/zero-width-space-in-name",
             RenameMember(doc, "profile/type", "profile/type\xe2\x80\x8b"), Code::kSchemaInvalid,
             Kind::kAttachment);
    Validate("normalization/nfd-enum-value", SetString(doc, "profile/type", "pod-clie\xcc\x81nt"),
             Code::kSchemaInvalid, Kind::kAttachment, "/profile~1type");
    Validate("normalization/fullwidth-digit-in-date",
             SetString(doc, "attached-at", "2026-03-28T19:42:0\xef\xbc\x90Z"), Code::kSchemaInvalid,
             Kind::kAttachment, "/attached-at");
    Validate("normalization/nfd-in-value-is-fine", SetString(doc, "client-instance/id", nfd),
             Code::kOk);
  }

  void NotJsonObjects() {
    const std::string doc = Attach();
    for (std::string text : {"[]",
                             "[{}]",
                             "\"x\"",
                             "1",
                             "-0",
                             "null",
                             "true",
                             "false",
                             "{}{}",
                             "{} {}",
                             "{\"a\":1,}",
                             "{,}",
                             "{\"a\" 1}",
                             "{'a':1}",
                             "{a:1}",
                             "{\"a\":1 // c\n}",
                             "{\"a\":1 /* c */}",
                             "{\"a\":01}",
                             "{\"a\":}",
                             "{\"a\"}",
                             "{:1}",
                             "{1:1}",
                             "{null:1}",
                             "{\"a\":1]",
                             "[\"a\":1}",
                             "{\"a\":tru}",
                             "{\"a\":nul}",
                             "{\"a\":True}",
                             "\x1f{}"}) {
      Validate("not-object/" + text, text, Code::kMalformedJson, std::nullopt);
    }
    Validate("not-object/document-twice", doc + doc, Code::kMalformedJson);
    Validate("not-object/document-in-array", "[" + doc + "]", Code::kMalformedJson);
    Validate("not-object/document-as-string", "\"" + doc + "\"", Code::kMalformedJson);
    Validate("kind/empty-object", "{}", Code::kUnknownKind, std::nullopt);
    Validate("kind/no-id-member", RemoveMember(doc, "attachment/id"), Code::kUnknownKind,
             std::nullopt);
    Validate("kind/id-member-not-a-string", SetValue(doc, "attachment/id", "1"),
             Code::kSchemaInvalid, std::nullopt);
  }

  // Every required member of each kind missing, of the wrong type, and empty where
  // minLength applies; and an unknown member.
  void RequiredMembers() {
    struct Base {
      Kind kind;
      std::string text;
      std::vector<std::string> required;
    };
    const std::string bind = AliceBind();
    const std::vector<Base> bases = {
        {Kind::kParticipantBind,
         bind,
         {"schema/v", "bind/id", "bound-at", "participant/id", "via/node-id", "session/id",
          "participant/key/alg", "participant/key/public", "proof/participant-signature"}},
        {Kind::kAttachment,
         Attach(),
         {"schema/v", "attachment/id", "attached-at", "profile/type", "serving-node/id",
          "client-instance/id", "session/state", "export/capable?", "migration/allowed?",
          "participant-bind"}},
        {Kind::kDetachment,
         Detach(),
         {"schema/v", "detachment/id", "detached-at", "attachment/id", "serving-node/id",
          "client-instance/id", "detach/reason", "participant-bind"}},
        {Kind::kRecovery,
         Recover(),
         {"schema/v", "recovery/id", "recovered-at", "serving-node/id", "client-instance/id",
          "recovery/mode", "recovery/from-detachment-id", "participant-bind"}},
    };
    for (const Base& base : bases) {
      std::string kind(KindName(base.kind));
      Validate("schema/" + kind + "/valid", base.text, Code::kOk, base.kind);
      for (const std::string& member : base.required) {
        std::string pointer = "/" + ReplaceSlash(member);
        Validate("schema/" + kind + "/missing-" + member, RemoveMember(base.text, member),
                 Code::kSchemaInvalid, base.kind, pointer);
        // A top-level array where every member wants a string, object, boolean or 1.
        Validate("schema/" + kind + "/array-for-" + member, SetValue(base.text, member, "[]"),
                 Code::kSchemaInvalid, base.kind, pointer);
        Validate("schema/" + kind + "/null-for-" + member, SetValue(base.text, member, "null"),
                 Code::kSchemaInvalid, base.kind, pointer);
      }
      Validate("schema/" + kind + "/unknown-member", AddMembers(base.text, "\"evil\":true"),
               Code::kSchemaInvalid, base.kind, "/evil");
      Validate("schema/" + kind + "/annotations-not-object",
               AddMembers(base.text, "\"policy_annotations\":[]"), Code::kSchemaInvalid, base.kind,
               "/policy_annotations");
    }
    const std::string doc = Attach();
    Validate("schema/empty-id", SetString(doc, "attachment/id", ""), Code::kSchemaInvalid,
             Kind::kAttachment, "/attachment~1id");
    Validate("schema/empty-client", SetString(doc, "client-instance/id", ""), Code::kSchemaInvalid,
             Kind::kAttachment, "/client-instance~1id");
    Validate("schema/one-code-point-client-is-enough",
             SetString(doc, "client-instance/id", "\xf0\x9f\x98\x80"), Code::kOk);
    Validate("schema/boolean-as-string", SetValue(doc, "export/capable?", "\"true\""),
             Code::kSchemaInvalid, Kind::kAttachment, "/export~1capable?");
    Validate("schema/boolean-as-number", SetValue(doc, "export/capable?", "1"),
             Code::kSchemaInvalid, Kind::kAttachment, "/export~1capable?");
    Validate("schema/enum-case", SetString(doc, "profile/type", "POD-CLIENT"), Code::kSchemaInvalid,
             Kind::kAttachment, "/profile~1type");
    Validate("schema/enum-trailing-space", SetString(doc, "session/state", "attached "),
             Code::kSchemaInvalid, Kind::kAttachment, "/session~1state");
    Validate("schema/reason-case", SetString(Detach(), "detach/reason", "User-Request"),
             Code::kSchemaInvalid, Kind::kDetachment, "/detach~1reason");
    Validate("schema/node-id-participant-prefix",
             SetString(doc, "serving-node/id", ParticipantId(NodeKey())), Code::kSchemaInvalid,
             Kind::kAttachment, "/serving-node~1id");
    Validate("schema/node-id-base58-zero", SetString(doc, "serving-node/id", "node:did:key:z0"),
             Code::kSchemaInvalid, Kind::kAttachment, "/serving-node~1id");
    Validate("schema/node-id-no-digits", SetString(doc, "serving-node/id", "node:did:key:z"),
             Code::kSchemaInvalid, Kind::kAttachment, "/serving-node~1id");
    Validate("schema/node-id-trailing-newline", SetString(doc, "serving-node/id", Node() + "\\n"),
             Code::kSchemaInvalid, Kind::kAttachment, "/serving-node~1id");
    Validate("schema/signature-extra-member",
             ReplaceOnce(doc, "\"alg\":\"ed25519\",", "\"alg\":\"ed25519\",\"kid\":\"x\","),
             Code::kSchemaInvalid, Kind::kAttachment);
    Validate("schema/signature-as-string", SetString(doc, "proof/participant-signature", "x"),
             Code::kSchemaInvalid, Kind::kAttachment);
    Validate("schema/attachment-with-node-attestation",
             AddMembers(doc, "\"proof/node-attestation\":{\"alg\":\"ed25519\",\"value\":\"AA\"}"),
             Code::kSchemaInvalid, Kind::kAttachment, "/proof~1node-attestation");
  }

  static std::string ReplaceSlash(std::string name) {
    std::string out;
    for (char c : name) out += c == '/' ? std::string("~1") : std::string(1, c);
    return out;
  }

  // RFC 3339 at every boundary, as attached-at (layer 2).
  void Timestamps() {
    const std::string doc = Attach();
    const std::vector<std::string> valid = {
        "2026-03-28T19:42:00Z",           "2026-03-28t19:42:00z",
        "2024-02-29T00:00:00Z",           "2000-02-29T00:00:00Z",
        "2026-01-31T23:59:59Z",           "2026-04-30T00:00:00Z",
        "2026-12-31T23:59:59.999999999Z", "0000-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z",           "1990-12-31T23:59:60Z",
        "1990-12-31T15:59:60-08:00",      "1991-01-01T00:59:60+01:00",
        "2026-03-28T19:42:00+23:59",      "2026-03-28T19:42:00-23:59",
        "2026-03-28T19:42:00+00:00",      "2026-03-28T19:42:00-00:00",
        "2026-03-28T19:42:00.0Z",         "2026-03-28T19:42:00.123456789012345678901234567890Z",
        "1970-01-01T00:00:00Z",           "1969-12-31T23:59:59.999999999Z",
    };
    for (const std::string& t : valid) {
      Validate("timestamp/valid-" + t, SetString(doc, "attached-at", t), Code::kOk);
    }
    const std::vector<std::string> invalid = {
        "2025-02-29T00:00:00Z",      "1900-02-29T00:00:00Z",
        "2026-02-30T00:00:00Z",      "2026-04-31T00:00:00Z",
        "2026-06-31T00:00:00Z",      "2026-09-31T00:00:00Z",
        "2026-11-31T00:00:00Z",      "2026-01-32T00:00:00Z",
        "2026-00-10T00:00:00Z",      "2026-13-10T00:00:00Z",
        "2026-03-00T00:00:00Z",      "2026-03-28T24:00:00Z",
        "2026-03-28T23:60:00Z",      "2026-03-28T23:59:61Z",
        "2026-03-28T19:42:60Z",      "1990-12-31T23:59:60+01:00",
        "1990-12-31T22:59:60Z",      "2026-03-28T19:42:00+24:00",
        "2026-03-28T19:42:00+23:60", "2026-03-28T19:42:00+0100",
        "2026-03-28T19:42:00+01",    "2026-03-28T19:42:00",
        "2026-03-28T19:42Z",         "2026-03-28 19:42:00Z",
        "2026-03-28_19:42:00Z",      "2026-03-28T19:42:00.Z",
        "2026-03-28T19:42:00,5Z",    "2026-03-28T19:42:00ZZ",
        "2026-03-28T19:42:00Z ",     " 2026-03-28T19:42:00Z",
        "26-03-28T19:42:00Z",        "10000-01-01T00:00:00Z",
        "-001-01-01T00:00:00Z",      "+2026-03-28T19:42:00Z",
        "2026-3-28T19:42:00Z",       "2026-03-28T9:42:00Z",
        "2026-087T19:42:00Z",        "2026-W13-6T19:42:00Z",
        "20260328T194200Z",          "",
        "2026-03-28T19:42:00UTC",    "2026-03-28T19:42:00+01:00Z",
    };
    for (const std::string& t : invalid) {
      Validate("timestamp/invalid-" + t, SetString(doc, "attached-at", t), Code::kSchemaInvalid,
               Kind::kAttachment, "/attached-at");
    }
  }

  // did:keys that are not 32-byte Ed25519 keys: other curves, other lengths. In the bind
  // (participant/id and participant/key/public alike, so only the key is wrong): key-mismatch.
  void DidKeys() {
    struct Key {
      std::string name;
      std::string multibase;
    };
    const std::vector<Key> keys = {
        {"secp256k1", Multibase({0xe7, 0x01}, 33, 0x02)},
        {"x25519", Multibase({0xec, 0x01}, 32)},
        {"p256", Multibase({0x80, 0x24}, 33, 0x03)},
        {"p384", Multibase({0x81, 0x24}, 49, 0x02)},
        {"bls12-381-g2", Multibase({0xeb, 0x01}, 96)},
        {"rsa", Multibase({0x85, 0x24}, 270)},
        {"ed25519-31-bytes", Multibase({0xed, 0x01}, 31)},
        {"ed25519-33-bytes", Multibase({0xed, 0x01}, 33)},
        {"ed25519-64-bytes", Multibase({0xed, 0x01}, 64)},
        {"ed25519-no-key", Multibase({0xed, 0x01}, 0)},
        {"ed25519-prefix-half", Multibase({0xed}, 0)},
        {"no-prefix-32-bytes", Multibase({}, 32)},
        {"varint-overlong-ed25519", Multibase({0xed, 0x81, 0x00}, 32)},
        {"leading-zero-bytes", "z11" + Multibase({0xed, 0x01}, 32).substr(1)},
        {"one-digit", "z2"},
    };
    for (const Key& key : keys) {
      std::string bind = SetString(
          SetString(AliceBind(), "participant/id", "participant:did:key:" + key.multibase),
          "participant/key/public", key.multibase);
      Verify("didkey/bind-" + key.name, bind, Code::kKeyMismatch, Kind::kParticipantBind,
             "/participant~1id");
      Verify("didkey/attachment-bind-" + key.name,
             MakeAttachment("attach:1", "client:1", kAttachedAt, Node(), bind), Code::kKeyMismatch,
             Kind::kAttachment, "/participant-bind/participant~1id");
    }
    // The key in participant/key/public differs from the one in participant/id.
    const std::string bob_key = BobKey().public_key().ToMultibase();
    Verify("didkey/public-key-of-someone-else",
           SetString(AliceBind(), "participant/key/public", bob_key), Code::kKeyMismatch,
           Kind::kParticipantBind, "/participant~1key~1public");
    Verify("didkey/public-key-other-curve",
           SetString(AliceBind(), "participant/key/public", keys[0].multibase), Code::kKeyMismatch,
           Kind::kParticipantBind, "/participant~1key~1public");
    Verify("didkey/public-key-with-leading-1",
           SetString(AliceBind(), "participant/key/public",
                     "z1" + AliceKey().public_key().ToMultibase().substr(1)),
           Code::kKeyMismatch, Kind::kParticipantBind, "/participant~1key~1public");
    // A bind signed by Bob's key that claims to be Alice's.
    std::string forged = SetString(BobBind(), "participant/id", ParticipantId(AliceKey()));
    forged = SetString(forged, "participant/key/public", AliceKey().public_key().ToMultibase());
    Verify("didkey/bind-signed-by-another-key", forged, Code::kBadSignature, Kind::kParticipantBind,
           "/proof~1participant-signature");
    // Node identities of other curves under a node attestation: it cannot verify.
    for (std::size_t i = 0; i < 4; ++i) {
      std::string detachment = Attested(Detach());
      Verify("didkey/attested-detachment-node-" + keys[i].name,
             SetString(detachment, "serving-node/id", "node:did:key:" + keys[i].multibase),
             Code::kBadSignature, Kind::kDetachment, "/proof~1node-attestation");
    }
    // An attachment carries no attestation: its node id is the gate's business (wrong-node).
    Verify("didkey/attachment-node-secp256k1",
           SetString(Attach(), "serving-node/id", "node:did:key:" + keys[0].multibase), Code::kOk);
  }

  std::string Attested(const std::string& text, Kind kind = Kind::kDetachment) {
    auto attested = Attest(kind, text, NodeKey());
    if (!attested.ok()) {
      BuildErrors().push_back("cannot attest: " + attested.status().ToString());
      return text;
    }
    return attested.value();
  }

  // Signature values that are not 64 bytes of unpadded base64url, or not a signature of
  // this key over this input.
  void Signatures() {
    const std::string bind = AliceBind();
    const std::string good = SignatureValue(bind, "proof/participant-signature");
    const std::vector<std::uint8_t> bytes = SignatureBytes(good);
    auto with_value = [&](std::string_view value) {
      return ReplaceOnce(bind, "\"value\":\"" + good + "\"",
                         "\"value\":\"" + std::string(value) + "\"");
    };
    auto bad = [&](std::string name, std::string value) {
      Verify("signature/bind-" + name, with_value(value), Code::kBadSignature,
             Kind::kParticipantBind, "/proof~1participant-signature");
    };
    Verify("signature/bind-good", bind, Code::kOk, Kind::kParticipantBind);
    for (std::size_t length : {1, 2, 3, 4, 42, 43, 84, 85, 87, 88, 128, 171, 1000, 20000}) {
      bad("length-" + std::to_string(length), std::string(length, 'A'));
    }
    bad("all-zero-64-bytes", std::string(86, 'A'));
    bad("padded", good + "==");
    bad("one-pad", good + "=");
    bad("standard-alphabet", good.find_first_of("-_") != std::string::npos
                                 ? ReplaceAll(ReplaceAll(good, "-", "+"), "_", "/")
                                 : good.substr(0, 85) + "+");
    Verify("signature/bind-empty-value", with_value(""), Code::kSchemaInvalid,
           Kind::kParticipantBind);
    bad("space-inside", good.substr(0, 40) + " " + good.substr(40));
    bad("escaped-newline-at-end", good + "\\n");
    bad("non-canonical-last-char", good.substr(0, 85) + NextChar(good[85]));
    bad("truncated-by-one-char", good.substr(0, 85));
    bad("extended-by-one-char", good + "A");
    // libsodium 1.0.18 decodes a byte above 0x7f as '_' (63): a multi-byte character in place
    // of "__" must not alias to the same signature.
    bad("non-ascii-alias", "\xc3\xa9" + good.substr(2));
    bad("fullwidth-letter", "\xef\xbc\xa1" + good.substr(1));
    bad("nul-escape", good.substr(0, 85) + "\\u0000");
    // A flipped bit in R, in S, S + L (the same signature, non-canonical: libsodium refuses).
    for (std::size_t byte : {0, 31, 32, 63}) {
      std::vector<std::uint8_t> flipped = bytes;
      flipped[byte] ^= 0x01;
      bad("bit-flipped-in-byte-" + std::to_string(byte), Encode(flipped));
    }
    {
      static constexpr std::uint8_t kL[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58,
                                              0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
                                              0,    0,    0,    0,    0,    0,    0,    0,
                                              0,    0,    0,    0,    0,    0,    0,    0x10};
      std::vector<std::uint8_t> malleable = bytes;
      unsigned carry = 0;
      for (std::size_t i = 0; i < 32; ++i) {
        unsigned sum = malleable[32 + i] + kL[i] + carry;
        malleable[32 + i] = static_cast<std::uint8_t>(sum);
        carry = sum >> 8;
      }
      bad("s-plus-l-non-canonical", Encode(malleable));
      std::vector<std::uint8_t> identity_r = bytes;
      std::fill(identity_r.begin(), identity_r.begin() + 32, 0);
      identity_r[0] = 1;
      bad("small-order-r", Encode(identity_r));
    }
    // Signatures that are real, but not of this bind by this key.
    bad("of-bob-bind", SignatureValue(BobBind(), "proof/participant-signature"));
    bad("of-other-bind-same-key",
        SignatureValue(AliceBind("2026-03-28T19:20:01Z"), "proof/participant-signature"));
    bad("by-node-key-over-same-input",
        NodeKey().Sign(SigningInput(Domain::kParticipantBind, bind).value()));
    bad("over-request-domain",
        AliceKey().Sign(SigningInput(Domain::kAttachmentRequest, bind).value()));
    for (std::string alg : {"EdDSA", "ED25519", "ed25519 ", "Ed25519", "ed448", "none", "hs256"}) {
      Verify(
          "signature/bind-alg-" + alg,
          ReplaceOnce(bind, "\"alg\":\"ed25519\",\"value\"", "\"alg\":\"" + alg + "\",\"value\""),
          Code::kBadSignature, Kind::kParticipantBind, "/proof~1participant-signature");
    }
    Verify("signature/bind-value-not-string",
           ReplaceOnce(bind, "\"value\":\"" + good + "\"", "\"value\":64"), Code::kSchemaInvalid,
           Kind::kParticipantBind);
    Verify("signature/bind-missing", RemoveMember(bind, "proof/participant-signature"),
           Code::kSchemaInvalid, Kind::kParticipantBind);

    // Node attestations of a detachment.
    const std::string detachment = Attested(Detach());
    const std::string attestation = SignatureValue(detachment, "proof/node-attestation");
    auto bad_attestation = [&](std::string name, std::string value) {
      Verify("signature/attestation-" + name,
             ReplaceOnce(detachment, "\"value\":\"" + attestation + "\"",
                         "\"value\":\"" + value + "\""),
             Code::kBadSignature, Kind::kDetachment, "/proof~1node-attestation");
    };
    Verify("signature/attestation-good", detachment, Code::kOk, Kind::kDetachment);
    bad_attestation("by-participant-key",
                    AliceKey().Sign(SigningInput(Domain::kDetachment, detachment).value()));
    bad_attestation("by-other-node",
                    OtherNodeKey().Sign(SigningInput(Domain::kDetachment, detachment).value()));
    bad_attestation("under-recovery-domain",
                    NodeKey().Sign(SigningInput(Domain::kRecovery, detachment).value()));
    bad_attestation("bind-signature-reused", good);
    bad_attestation("short", attestation.substr(0, 43));
    bad_attestation("non-ascii-alias", "\xc3\xa9" + attestation.substr(2));
    Verify("signature/attestation-after-edit", SetString(detachment, "detach/reason", "policy"),
           Code::kBadSignature, Kind::kDetachment, "/proof~1node-attestation");
    Verify(
        "signature/attestation-after-bind-edit",
        ReplaceOnce(detachment, "\"session/id\":\"sess:alice\"", "\"session/id\":\"sess:mallory\""),
        Code::kBadSignature, Kind::kDetachment, "/participant-bind/proof~1participant-signature");
  }

  static std::string ReplaceAll(std::string text, std::string_view from, std::string_view to) {
    for (std::size_t at = text.find(from); at != std::string::npos;
         at = text.find(from, at + to.size())) {
      text.replace(at, from.size(), to);
    }
    return text;
  }
  // The base64url character after `c` (the last character of an 86-character value carries
  // 4 unused bits: its successor keeps the bytes but breaks canonical form, or changes them).
  static std::string NextChar(char c) {
    constexpr std::string_view kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::size_t at = kAlphabet.find(c);
    return std::string(1, kAlphabet[(at + 1) % kAlphabet.size()]);
  }

  // Artifacts each valid alone, hostile with what the ledger already holds (layer 4).
  void Together() {
    const std::string a1 = Attach();
    const std::string d1 = Detach();
    const std::string r1 = Recover();
    const std::string bob_bind = BobBind();
    auto rejected = [&](std::string name, std::vector<std::string> before, std::string input,
                        Code code, std::string path, Rights rights = Rights::kParticipant) {
      Admit(std::move(name), std::move(before), std::move(input), Verdict::kRejected, code,
            std::move(path), rights);
    };
    auto admitted = [&](std::string name, std::vector<std::string> before, std::string input,
                        Rights rights = Rights::kParticipant) {
      Admit(std::move(name), std::move(before), std::move(input), Verdict::kAdmitted, Code::kOk,
            std::string(kAnyPath), rights);
    };
    auto duplicate = [&](std::string name, std::vector<std::string> before, std::string input) {
      Admit(std::move(name), std::move(before), std::move(input), Verdict::kDuplicate, Code::kOk);
    };

    admitted("baseline/attachment", {}, a1);
    admitted("baseline/detachment", {a1}, d1);
    admitted("baseline/recovery", {a1, d1}, r1);

    // Replays and conflicting copies.
    duplicate("replay/attachment-byte-for-byte", {a1}, a1);
    duplicate("replay/attachment-reformatted", {a1}, "{\n  " + a1.substr(1) + "\n");
    duplicate("replay/detachment-after-attestation", {a1, d1}, d1);
    duplicate("replay/attachment-after-its-detachment", {a1, d1}, a1);
    duplicate("replay/recovery", {a1, d1, r1}, r1);
    rejected("conflict/attachment-same-id-other-client", {a1}, Attach("attach:1", "client:2"),
             Code::kIdConflict, "/attachment~1id");
    rejected("conflict/attachment-same-id-annotation-added", {a1},
             AddMembers(a1, "\"policy_annotations\":{\"x\":1}"), Code::kIdConflict,
             "/attachment~1id");
    rejected("conflict/detachment-same-id-other-reason", {a1, d1},
             Detach("detach:1", "attach:1", "client:1", "device-loss"), Code::kIdConflict,
             "/detachment~1id");
    rejected("conflict/recovery-same-id-other-mode", {a1, d1, r1},
             Recover("recover:1", "detach:1", "client:1", "resume-after-suspension"),
             Code::kIdConflict, "/recovery~1id");
    rejected(
        "conflict/number-spelled-differently", {AddMembers(a1, "\"policy_annotations\":{\"n\":1}")},
        AddMembers(a1, "\"policy_annotations\":{\"n\":1.0}"), Code::kIdConflict, "/attachment~1id");
    duplicate("replay/minus-zero-is-zero", {AddMembers(a1, "\"policy_annotations\":{\"n\":0}")},
              AddMembers(a1, "\"policy_annotations\":{\"n\":-0}"));
    duplicate("replay/escaped-spelling", {a1},
              ReplaceOnce(a1, "\"client:1\"", "\"\\u0063lient:1\""));

    // Detachments of the wrong thing, by the wrong one.
    rejected("detach/unknown-attachment", {a1}, Detach("detach:1", "attach:2"),
             Code::kUnknownAttachment, "/attachment~1id");
    rejected("detach/nothing-admitted", {}, d1, Code::kUnknownAttachment, "/attachment~1id");
    rejected("detach/other-client", {a1}, Detach("detach:1", "attach:1", "client:2"),
             Code::kClientMismatch, "/client-instance~1id");
    rejected("detach/by-another-participant", {a1},
             Detach("detach:1", "attach:1", "client:1", "user-request", kDetachedAt, bob_bind),
             Code::kParticipantMismatch, "/participant-bind/participant~1id");
    std::string claimed = SetString(bob_bind, "participant/id", ParticipantId(AliceKey()));
    claimed = SetString(claimed, "participant/key/public", AliceKey().public_key().ToMultibase());
    rejected("detach/bob-signs-a-bind-claiming-alice", {a1},
             Detach("detach:1", "attach:1", "client:1", "user-request", kDetachedAt, claimed),
             Code::kBadSignature, "/participant-bind/proof~1participant-signature");
    rejected("detach/second-detachment", {a1, d1}, Detach("detach:2"), Code::kAlreadyDetached,
             "/attachment~1id");
    rejected("detach/node-reason-by-participant", {a1},
             Detach("detach:1", "attach:1", "client:1", "policy"), Code::kUnauthorized,
             "/detach~1reason");
    rejected("detach/session-expired-by-participant", {a1},
             Detach("detach:1", "attach:1", "client:1", "session-expired"), Code::kUnauthorized,
             "/detach~1reason");
    rejected("detach/operator-action-by-participant", {a1},
             Detach("detach:1", "attach:1", "client:1", "operator-action"), Code::kUnauthorized,
             "/detach~1reason");
    admitted("detach/node-reason-by-operator", {a1},
             Detach("detach:1", "attach:1", "client:1", "policy"), Rights::kOperator);
    admitted("detach/with-a-fresh-bind-of-the-same-participant", {a1},
             Detach("detach:1", "attach:1", "client:1", "user-request", kDetachedAt,
                    AliceBind("2026-03-28T20:00:00Z")));
    rejected("detach/attested-by-participant", {a1},
             ReplaceOnce(Attested(d1), SignatureValue(Attested(d1), "proof/node-attestation"),
                         AliceKey().Sign(SigningInput(Domain::kDetachment, d1).value())),
             Code::kBadSignature, "/proof~1node-attestation");
    rejected("detach/cross-kind-id-is-not-a-reference", {a1}, Detach("detach:1", "detach:1"),
             Code::kUnknownAttachment, "/attachment~1id");
    rejected("admit/bare-bind", {}, AliceBind(), Code::kUnknownKind, "");

    // Nodes.
    rejected("node/attachment-for-another-node", {},
             MakeAttachment("attach:1", "client:1", kAttachedAt, OtherNode(), AliceBind()),
             Code::kWrongNode, "/serving-node~1id");
    rejected("node/bind-made-via-another-node", {},
             Attach("attach:1", "client:1", kAttachedAt, AliceBind(kBoundAt, OtherNode())),
             Code::kWrongNode, "/participant-bind/via~1node-id");
    rejected("node/attachment-node-of-another-curve", {},
             MakeAttachment("attach:1", "client:1", kAttachedAt,
                            "node:did:key:" + Multibase({0xe7, 0x01}, 33, 0x02), AliceBind()),
             Code::kWrongNode, "/serving-node~1id");
    rejected("node/detachment-for-another-node", {a1},
             MakeDetachment("detach:1", "attach:1", "client:1", "user-request", kDetachedAt,
                            OtherNode(), AliceBind()),
             Code::kWrongNode, "/serving-node~1id");
    rejected("node/recovery-for-another-node", {a1, d1},
             MakeRecovery("recover:1", "detach:1", "client:1", "reattach-existing-device",
                          kRecoveredAt, OtherNode(), AliceBind()),
             Code::kWrongNode, "/serving-node~1id");

    // Clients.
    rejected("client/second-live-attachment", {a1}, Attach("attach:2", "client:1"),
             Code::kClientBusy, "/client-instance~1id");
    admitted("client/attach-again-after-detachment", {a1, d1}, Attach("attach:2", "client:1"));
    admitted("client/other-client-same-participant", {a1}, Attach("attach:2", "client:2"));

    // Recoveries.
    rejected("recover/unknown-detachment", {a1, d1}, Recover("recover:1", "detach:2"),
             Code::kUnknownDetachment, "/recovery~1from-detachment-id");
    rejected("recover/names-an-attachment", {a1, d1}, Recover("recover:1", "attach:1"),
             Code::kUnknownDetachment, "/recovery~1from-detachment-id");
    rejected("recover/by-another-participant", {a1, d1},
             Recover("recover:1", "detach:1", "client:1", "reattach-existing-device", kRecoveredAt,
                     bob_bind),
             Code::kParticipantMismatch, "/participant-bind/participant~1id");
    rejected("recover/other-client-same-device-mode", {a1, d1},
             Recover("recover:1", "detach:1", "client:9"), Code::kClientMismatch,
             "/client-instance~1id");
    rejected("recover/other-client-resume-mode", {a1, d1},
             Recover("recover:1", "detach:1", "client:9", "resume-after-suspension"),
             Code::kClientMismatch, "/client-instance~1id");
    admitted("recover/other-client-replace-device", {a1, d1},
             Recover("recover:1", "detach:1", "client:9", "replace-device"));
    admitted("recover/other-client-migrate", {a1, d1},
             Recover("recover:1", "detach:1", "client:9", "migrate-to-new-host"));
    rejected("recover/before-detachment", {a1, d1},
             Recover("recover:1", "detach:1", "client:1", "reattach-existing-device",
                     "2026-03-28T20:04:59.999999999Z"),
             Code::kTimeOrder, "/recovered-at");
    rejected("recover/second-recovery", {a1, d1, r1}, Recover("recover:2"), Code::kAlreadyRecovered,
             "/recovery~1from-detachment-id");

    // Clocks, to the nanosecond at the 300 s skew, and leap seconds.
    admitted("time/attached-at-now-plus-skew", {},
             Attach("attach:1", "client:1", "2026-03-28T21:05:00Z"));
    rejected("time/attached-at-now-plus-skew-plus-1ns", {},
             Attach("attach:1", "client:1", "2026-03-28T21:05:00.000000001Z"), Code::kClockSkew,
             "/attached-at");
    rejected("time/attached-at-far-future", {},
             Attach("attach:1", "client:1", "9999-12-31T23:59:59Z"), Code::kClockSkew,
             "/attached-at");
    rejected("time/future-by-offset", {},
             Attach("attach:1", "client:1", "2026-03-28T23:59:00+01:00"), Code::kClockSkew,
             "/attached-at");
    admitted("time/past-by-offset", {},
             Attach("attach:1", "client:1", "2026-03-28T22:05:00+01:00"));
    admitted("time/bound-at-attached-plus-skew", {},
             Attach("attach:1", "client:1", kAttachedAt, AliceBind("2026-03-28T19:47:00Z")));
    rejected(
        "time/bound-at-attached-plus-skew-plus-1ns", {},
        Attach("attach:1", "client:1", kAttachedAt, AliceBind("2026-03-28T19:47:00.000000001Z")),
        Code::kTimeOrder, "/participant-bind/bound-at");
    admitted("time/detached-at-equals-attached-at", {a1},
             Detach("detach:1", "attach:1", "client:1", "user-request", kAttachedAt));
    rejected("time/detached-1ns-before-attached", {a1},
             Detach("detach:1", "attach:1", "client:1", "user-request",
                    "2026-03-28T19:41:59.999999999Z"),
             Code::kTimeOrder, "/detached-at");
    rejected("time/detached-in-the-future", {a1},
             Detach("detach:1", "attach:1", "client:1", "user-request", "2026-03-28T21:05:01Z"),
             Code::kClockSkew, "/detached-at");
    rejected("time/recovered-in-the-future", {a1, d1},
             Recover("recover:1", "detach:1", "client:1", "reattach-existing-device",
                     "2026-03-28T21:10:00Z"),
             Code::kClockSkew, "/recovered-at");
    rejected("time/detachment-bind-from-the-future", {a1},
             Detach("detach:1", "attach:1", "client:1", "user-request", kDetachedAt,
                    AliceBind("2026-03-28T20:10:00.5Z")),
             Code::kTimeOrder, "/participant-bind/bound-at");
    {
      std::string leap_bind = AliceBind("2016-12-31T23:00:00Z");
      std::string leap_attach = Attach("attach:1", "client:1", "2016-12-31T23:59:60Z", leap_bind);
      admitted("time/detached-at-leap-second-equals-next-minute", {leap_attach},
               Detach("detach:1", "attach:1", "client:1", "user-request", "2017-01-01T00:00:00Z",
                      leap_bind));
      admitted("time/leap-second-with-offset", {leap_attach},
               Detach("detach:1", "attach:1", "client:1", "user-request",
                      "2017-01-01T00:59:60+01:00", leap_bind));
    }
    admitted("time/year-0000-with-positive-offset", {},
             Attach("attach:1", "client:1", "0000-01-01T00:00:00+23:59",
                    AliceBind("0000-01-01T00:00:00+23:59")));

    // Normalization twins and odd ids are distinct ids.
    const std::string nfc = "client:caf\xc3\xa9";
    const std::string nfd = "client:cafe\xcc\x81";
    admitted("normalization/nfd-client-is-not-the-nfc-client", {Attach("attach:1", nfc)},
             Attach("attach:2", nfd));
    rejected("normalization/detach-nfc-attachment-as-nfd-client", {Attach("attach:1", nfc)},
             Detach("detach:1", "attach:1", nfd), Code::kClientMismatch, "/client-instance~1id");
    rejected("normalization/detach-nfd-spelling-of-attachment-id",
             {Attach("attach:caf\xc3\xa9", "client:1")},
             Detach("detach:1", "attach:cafe\xcc\x81", "client:1"), Code::kUnknownAttachment,
             "/attachment~1id");
    rejected("ids/nul-prefix-is-not-the-id", {Attach(std::string("attach:x\0y", 9), "client:1")},
             Detach("detach:1", "attach:x", "client:1"), Code::kUnknownAttachment,
             "/attachment~1id");
    admitted("ids/nul-inside-id-round-trips", {Attach(std::string("attach:x\0y", 9), "client:1")},
             Detach("detach:1", std::string("attach:x\0y", 9), "client:1"));
    admitted("ids/nul-suffixed-client-is-another-client",
             {Attach("attach:1", std::string("client:1\0", 9))}, Attach("attach:2", "client:1"));
    // Identifiers are bounded by the gate (kMaxIdentifierBytes: the ledger indexes them).
    rejected("ids/60000-char-attachment-id", {},
             Attach("attach:" + std::string(60000, 'x'), "client:1"), Code::kMalformedJson,
             "/attachment~1id");
    admitted("ids/2048-byte-attachment-id-is-the-longest", {},
             Attach("attach:" + std::string(kMaxIdentifierBytes - 7, 'x'), "client:1"));
    rejected("ids/2049-byte-client-instance", {},
             Attach("attach:1", "client:" + std::string(kMaxIdentifierBytes - 6, 'x')),
             Code::kMalformedJson, "/client-instance~1id");
    admitted("ids/trailing-space-is-another-client", {a1}, Attach("attach:2", "client:1 "));
  }

  // Hand-made files of tests/data/hostile/, listed in its MANIFEST:
  //   <file> <stage: validate|verify> <kind|-> <code>
  void Files() {
    const fs::path dir = fs::path(PODGATE_TEST_DATA) / "hostile";
    std::ifstream manifest(dir / "MANIFEST");
    if (!manifest) {
      BuildErrors().push_back("cannot read " + (dir / "MANIFEST").string());
      return;
    }
    std::string line;
    while (std::getline(manifest, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::istringstream fields(line);
      std::string file, stage, kind, code;
      fields >> file >> stage >> kind >> code;
      std::ifstream in(dir / file, std::ios::binary);
      std::ostringstream bytes;
      bytes << in.rdbuf();
      auto parsed_code = CodeFromName(code);
      if (!in || !parsed_code || (stage != "validate" && stage != "verify")) {
        BuildErrors().push_back("bad MANIFEST line: " + line);
        continue;
      }
      Add("file/" + file, stage == "validate" ? Stage::kValidate : Stage::kVerify,
          kind == "-" ? std::nullopt : KindFromName(kind), bytes.str(), *parsed_code);
    }
  }

  std::vector<Case> cases_;
};

const std::vector<Case>& AllCases() {
  static const std::vector<Case> cases = Catalogue().Build();
  return cases;
}

// gtest names: letters, digits and '_' only, unique.
std::string CaseName(const ::testing::TestParamInfo<Case>& info) {
  std::string out;
  for (char c : info.param.name) {
    out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  }
  return out + "_" + std::to_string(info.index);
}

// --- running one case ----------------------------------------------------------------------

struct Outcome {
  Verdict verdict = Verdict::kRejected;
  Code code = Code::kOk;
  std::string path;
  std::string message;
};

Outcome FromReport(const Report& report) {
  Outcome o;
  o.code = report.code;
  o.verdict = report.ok() ? Verdict::kAdmitted : Verdict::kRejected;
  if (!report.errors.empty()) {
    o.path = report.errors.front().path;
    o.message = report.errors.front().message;
  }
  return o;
}

class HostileTest : public ::testing::TestWithParam<Case> {};

TEST_P(HostileTest, GetsItsDocumentedCode) {
  const Case& c = GetParam();
  Outcome outcome;
  if (c.stage == Stage::kValidate) {
    Validator validator;
    outcome = FromReport(validator.Validate(c.input, c.kind));
  } else if (c.stage == Stage::kVerify) {
    Verifier verifier(nullptr);
    outcome = FromReport(verifier.Verify(c.input, c.kind));
  } else {
    auto ledger = OpenLedger("sqlite::memory:");
    ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
    GateOptions options;
    options.node_id = Node();
    auto gate = Gate::Create(options, ledger->get(), NodeKey());
    ASSERT_TRUE(gate.ok()) << gate.status().ToString();
    const Timestamp now = ParseRfc3339(kNow).value();
    for (std::size_t i = 0; i < c.before.size(); ++i) {
      auto a = (*gate)->Admit(c.before[i], Rights::kOperator, now);
      ASSERT_TRUE(a.ok()) << a.status().ToString();
      ASSERT_EQ(a->verdict, Verdict::kAdmitted)
          << "setup artifact " << i << " was not admitted: " << CodeName(a->report.code) << " "
          << (a->report.errors.empty() ? "" : a->report.errors[0].message);
    }
    auto facts_before = (*ledger)->EventsAfter(0, 1 << 20);
    ASSERT_TRUE(facts_before.ok());
    auto a = (*gate)->Admit(c.input, c.rights, now);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    outcome = FromReport(a->report);
    outcome.verdict = a->verdict;
    if (a->verdict == Verdict::kRejected && a->report.ok()) outcome.code = Code::kInternal;
    auto facts_after = (*ledger)->EventsAfter(0, 1 << 20);
    ASSERT_TRUE(facts_after.ok());
    if (a->verdict != Verdict::kAdmitted) {
      EXPECT_EQ(*facts_after, *facts_before)
          << "a " << VerdictName(a->verdict) << " changed the ledger";
    } else {
      EXPECT_EQ(facts_after->size(), facts_before->size() + 1);
    }
    EXPECT_EQ(VerdictName(outcome.verdict), VerdictName(c.verdict))
        << CodeName(outcome.code) << ": " << outcome.message;
  }
  EXPECT_EQ(CodeName(outcome.code), CodeName(c.code)) << outcome.path << ": " << outcome.message;
  if (c.path != kAnyPath && c.code != Code::kOk) {
    EXPECT_EQ(outcome.path, c.path) << outcome.message;
  }
  if (c.code != Code::kOk) {
    EXPECT_FALSE(outcome.message.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(Catalogue, HostileTest, ::testing::ValuesIn(AllCases()), CaseName);

// The byte ranges [begin, end) of the strings (quotes included) of `text` within
// [from, to).
std::vector<std::pair<std::size_t, std::size_t>> StringsIn(std::string_view text, std::size_t from,
                                                           std::size_t to) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '"') continue;
    std::size_t end = SkipValue(text, i);
    if (i >= from && end <= to) out.emplace_back(i, end);
    i = end - 1;
  }
  return out;
}

// Every bit of every byte of every signed string (names and values, quotes included) of a
// bind, an attachment's bind, an attested detachment and an attested recovery: no flip
// verifies. (An attachment's own members carry no signature: only its bind is covered.)
TEST(HostileSignedTest, BitFlipsInSignedValues) {
  struct Signed {
    std::string name;
    Kind kind;
    std::string text;
    bool whole;  // the whole document is signed (attested), else only its bind
  };
  std::vector<Signed> artifacts = {
      {"bind", Kind::kParticipantBind, AliceBind(), true},
      {"attachment", Kind::kAttachment, Attach(), false},
  };
  for (Kind kind : {Kind::kDetachment, Kind::kRecovery}) {
    std::string text = kind == Kind::kDetachment ? Detach() : Recover();
    auto attested = Attest(kind, text, NodeKey());
    ASSERT_TRUE(attested.ok()) << attested.status().ToString();
    artifacts.push_back({std::string(KindName(kind)), kind, attested.value(), true});
  }
  Verifier verifier(std::make_shared<ProofCache>());
  std::size_t flips = 0;
  for (const Signed& a : artifacts) {
    ASSERT_TRUE(verifier.Verify(a.text, a.kind).ok()) << a.name;
    std::size_t from = 0, to = a.text.size();
    if (!a.whole) {
      from = FindMember(a.text, "participant-bind") + std::string("\"participant-bind\":").size();
      to = SkipValue(a.text, from);
    }
    // The attestation itself is not under its own signature.
    std::size_t attestation = a.text.find("\"proof/node-attestation\":");
    std::size_t attestation_end =
        attestation == std::string::npos ? 0 : SkipValue(a.text, attestation + 25);
    for (const auto& [begin, end] : StringsIn(a.text, from, to)) {
      if (attestation != std::string::npos && begin >= attestation && end <= attestation_end) {
        continue;
      }
      for (std::size_t i = begin; i < end; ++i) {
        for (int bit = 0; bit < 8; ++bit) {
          std::string flipped = a.text;
          flipped[i] = static_cast<char>(flipped[i] ^ (1 << bit));
          Report report = verifier.Verify(flipped, a.kind);
          ++flips;
          EXPECT_FALSE(report.ok()) << a.name << ": bit " << bit << " of byte " << i << " ("
                                    << a.text.substr(begin, end - begin) << ") still verifies";
        }
      }
    }
  }
  EXPECT_GT(flips, 10000u);
}

TEST(HostileCatalogueTest, IsWellFormedAndLargeEnough) {
  const std::vector<Case>& cases = AllCases();
  for (const std::string& error : BuildErrors()) ADD_FAILURE() << error;
  EXPECT_GE(cases.size(), 300u);
  std::set<std::string> names;
  std::map<Stage, int> per_stage;
  for (const Case& c : cases) {
    EXPECT_TRUE(names.insert(c.name).second) << "two cases named " << c.name;
    ++per_stage[c.stage];
  }
  // Every layer is exercised, and every documented code appears at least once.
  EXPECT_GE(per_stage[Stage::kValidate], 150);
  EXPECT_GE(per_stage[Stage::kVerify], 40);
  EXPECT_GE(per_stage[Stage::kAdmit], 40);
  std::set<Code> codes;
  for (const Case& c : cases) codes.insert(c.code);
  for (Code code :
       {Code::kOk, Code::kMalformedJson, Code::kSchemaInvalid, Code::kUnknownKind,
        Code::kKeyMismatch, Code::kBadSignature, Code::kWrongNode, Code::kUnknownAttachment,
        Code::kUnknownDetachment, Code::kClientMismatch, Code::kParticipantMismatch,
        Code::kTimeOrder, Code::kClockSkew, Code::kClientBusy, Code::kAlreadyDetached,
        Code::kAlreadyRecovered, Code::kIdConflict, Code::kUnauthorized}) {
    EXPECT_TRUE(codes.count(code)) << "no case expects " << CodeName(code);
  }
}

}  // namespace
}  // namespace podgate::testing
