#include "artifact/schema.h"

#include <array>
#include <cstdint>
#include <cstring>

#include <fmt/format.h>

#include "artifact/fast_path.h"
#include "artifact/tables.h"
#include "podgate/timestamp.h"

namespace podgate::artifact {
namespace {

using tables::kAttachmentShape;
using tables::kBindShape;
using tables::kDetachmentShape;
using tables::kRecoveryShape;
using tables::kSignatureShape;

// --- patterns ---------------------------------------------------------------------------------

constexpr std::array<std::uint8_t, 256> MakeBase58Table() {
  std::array<std::uint8_t, 256> table{};
  for (char c : std::string_view("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz")) {
    table[static_cast<unsigned char>(c)] = 1;
  }
  return table;
}
constexpr std::array<std::uint8_t, 256> kBase58 = MakeBase58Table();

// True when every byte is in the base58btc alphabet: [1-9A-HJ-NP-Za-km-z]. Keys are checked
// several times in every artifact, so 16 bytes are classified at a time (GCC/Clang vector
// extensions, portable to every target they support), the tail through the table.
bool AllBase58(std::string_view text) {
  using Bytes = unsigned char __attribute__((vector_size(16)));
  const std::size_t n = text.size();
  std::size_t i = 0;
  Bytes bad = {};
  for (; i + 16 <= n; i += 16) {
    Bytes c;
    std::memcpy(&c, text.data() + i, 16);
    auto digit = (Bytes)((Bytes)(c - '1') <= 8);
    auto upper = (Bytes)((Bytes)(c - 'A') <= 25) & (Bytes)(c != 'I') & (Bytes)(c != 'O');
    auto lower = (Bytes)((Bytes)(c - 'a') <= 25) & (Bytes)(c != 'l');
    bad |= ~(digit | upper | lower);
  }
  std::uint64_t halves[2];
  std::memcpy(halves, &bad, sizeof halves);
  std::uint8_t ok = (halves[0] | halves[1]) == 0;
  for (; i < n; ++i) ok &= kBase58[static_cast<unsigned char>(text[i])];
  return ok != 0;
}

// ^<prefix>z[1-9A-HJ-NP-Za-km-z]+$ with ECMA-262 semantics ($ is the end of input).
bool MatchesDidKey(std::string_view value, std::string_view prefix) {
  if (value.size() < prefix.size() + 2 ||
      !tables::SameBytes(value.substr(0, prefix.size()), prefix)) {
    return false;
  }
  if (value[prefix.size()] != 'z') return false;
  return AllBase58(value.substr(prefix.size() + 1));
}

}  // namespace

bool MatchesPattern(Rule rule, std::string_view value) {
  switch (rule) {
    case Rule::kNodeId:
      return MatchesDidKey(value, "node:did:key:");
    case Rule::kParticipantId:
      return MatchesDidKey(value, "participant:did:key:");
    case Rule::kPodUserId:
      return MatchesDidKey(value, "pod-user:did:key:") ||
             MatchesDidKey(value, "participant:did:key:");
    case Rule::kMultibaseKey:
      return MatchesDidKey(value, "");
    default:
      return true;
  }
}

namespace {

std::string_view PatternNoun(Rule rule) {
  switch (rule) {
    case Rule::kNodeId:
      return "a node did:key";
    case Rule::kParticipantId:
      return "a participant did:key";
    case Rule::kPodUserId:
      return "a pod-user or participant did:key";
    default:
      return "a multibase base58btc key";
  }
}

// --- messages ---------------------------------------------------------------------------------

std::string_view TypeNoun(json::ElementType type) {
  switch (type) {
    case json::ElementType::ARRAY:
      return "an array";
    case json::ElementType::OBJECT:
      return "an object";
    case json::ElementType::INT64:
    case json::ElementType::UINT64:
    case json::ElementType::DOUBLE:
      return "a number";
    case json::ElementType::STRING:
      return "a string";
    case json::ElementType::BOOL:
      return "a boolean";
    case json::ElementType::NULL_VALUE:
      return "null";
  }
  return "a value";
}

// The value as compact JSON, shortened for a message.
std::string Show(json::Element value) {
  std::string text = simdjson::minify(value);
  constexpr std::size_t kMax = 72;
  if (text.size() > kMax) {
    std::size_t cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text.resize(cut);
    text += "...";
  }
  return text;
}

std::string JoinValues(std::span<const std::string_view> values) {
  std::string out;
  for (auto v : values) {
    if (!out.empty()) out += ", ";
    out += v;
  }
  return out;
}

// A JSON Pointer in the making: a chain of member names on the stack, turned into a string
// only when a violation is reported.
struct Location {
  const Location* parent;
  std::string_view name;
};

std::string PointerOf(const Location* at) {
  if (at == nullptr) return "";
  std::string pointer = PointerOf(at->parent);
  json::AppendPointer(&pointer, at->name);
  return pointer;
}

bool IsContainer(json::Element value) {
  auto type = value.type();
  return type == json::ElementType::OBJECT || type == json::ElementType::ARRAY;
}

class Checker {
 public:
  explicit Checker(std::vector<Violation>* errors) : errors_(errors) {}

  bool duplicate() const { return duplicate_; }

  void CheckClosed(const Shape& shape, json::Object object, const Location* at) {
    std::uint32_t seen = 0;
    constexpr std::size_t kMaxUnknown = 8;
    std::string_view unknown[kMaxUnknown];
    std::size_t unknown_count = 0;
    std::vector<std::string_view> more_unknown;
    for (auto field : object) {
      std::string_view key = field.key;
      int index = Find(shape, key);
      if (index >= 0) {
        std::uint32_t bit = 1u << index;
        if (seen & bit) return Duplicate();
        seen |= bit;
        Location child{at, key};
        CheckMember(shape.members[index], field.value, &child);
      } else {
        for (std::size_t i = 0; i < unknown_count; ++i) {
          if (unknown[i] == key) return Duplicate();
        }
        for (auto name : more_unknown) {
          if (name == key) return Duplicate();
        }
        if (unknown_count < kMaxUnknown) {
          unknown[unknown_count++] = key;
        } else {
          more_unknown.push_back(key);
        }
        Location child{at, key};
        Add(&child, "additionalProperties",
            fmt::format("unknown member \"{}\": the {} shape is closed", key, shape.name));
        CheckNested(field.value);
      }
      if (duplicate_) return;
    }
    for (std::size_t i = 0; i < shape.members.size(); ++i) {
      const Member& member = shape.members[i];
      if (member.required && !(seen & (1u << i))) {
        Location child{at, member.name};
        Add(&child, "required", fmt::format("missing required member \"{}\"", member.name));
      }
    }
  }

 private:
  // The index of `key` among the shape's members, or -1.
  static int Find(const Shape& shape, std::string_view key) {
    int i = shape.index.Candidate(key);
    return i >= 0 && tables::SameBytes(shape.members[static_cast<std::size_t>(i)].name, key) ? i
                                                                                             : -1;
  }

  void Duplicate() { duplicate_ = true; }

  // Values the schema does not walk still must be free of duplicate names (layer 1).
  void CheckNested(json::Element value) {
    if (IsContainer(value) && json::FindDuplicateName(value)) Duplicate();
  }

  void Add(const Location* at, std::string_view keyword, std::string message) {
    errors_->push_back(Violation{PointerOf(at), std::string(keyword), std::move(message), {}});
  }

  void TypeMismatch(const Location* at, std::string_view expected, json::Element value) {
    Add(at, "type", fmt::format("expected {}, found {}", expected, TypeNoun(value.type())));
    CheckNested(value);
  }

  void CheckMember(const Member& member, json::Element value, const Location* at) {
    switch (member.rule) {
      case Rule::kSchemaVersion:
        return CheckSchemaVersion(value, at);
      case Rule::kBoolean:
        if (value.type() != json::ElementType::BOOL) TypeMismatch(at, "a boolean", value);
        return;
      case Rule::kParticipantBind:
      case Rule::kSignature:
      case Rule::kAnyObject:
        if (value.type() != json::ElementType::OBJECT) return TypeMismatch(at, "an object", value);
        if (member.rule == Rule::kAnyObject) return CheckNested(value);
        return CheckClosed(member.rule == Rule::kSignature ? kSignatureShape : kBindShape,
                           value.get_object().value_unsafe(), at);
      default:
        return CheckString(member, value, at);
    }
  }

  void CheckSchemaVersion(json::Element value, const Location* at) {
    bool one = false;
    switch (value.type()) {
      case json::ElementType::INT64:
        one = value.get_int64().value_unsafe() == 1;
        break;
      case json::ElementType::UINT64:
        one = value.get_uint64().value_unsafe() == 1;
        break;
      case json::ElementType::DOUBLE:
        one = value.get_double().value_unsafe() == 1.0;
        break;
      default:
        CheckNested(value);
        break;
    }
    if (!one) Add(at, "const", fmt::format("must be 1, found {}", Show(value)));
  }

  void CheckString(const Member& member, json::Element value, const Location* at) {
    if (value.type() != json::ElementType::STRING) {
      TypeMismatch(at, "a string", value);
      // enum is not tied to a type: a non-string fails it too (as JSON Schema evaluates).
      if (member.rule == Rule::kEnum) {
        Add(at, "enum", fmt::format("{} is not one of {}", Show(value), JoinValues(member.values)));
      }
      return;
    }
    std::string_view text = value.get_string().value_unsafe();
    switch (member.rule) {
      case Rule::kNonEmptyString:
        if (text.empty()) Add(at, "minLength", "must not be empty (minLength 1)");
        return;
      case Rule::kDateTime: {
        TimestampError why;
        if (!ParseRfc3339(text, &why)) {
          Add(at, "format", fmt::format("{} {} (format date-time)", Show(value), why.reason));
        }
        return;
      }
      case Rule::kEnum:
        for (auto allowed : member.values) {
          if (allowed == text) return;
        }
        Add(at, "enum", fmt::format("{} is not one of {}", Show(value), JoinValues(member.values)));
        return;
      default:
        if (!MatchesPattern(member.rule, text)) {
          Add(at, "pattern",
              fmt::format("{} is not {} (pattern {})", Show(value), PatternNoun(member.rule),
                          PatternOf(member.rule)));
        }
        return;
    }
  }

  std::vector<Violation>* errors_;
  bool duplicate_ = false;
};

}  // namespace

const Shape& ShapeOf(Kind kind) {
  switch (kind) {
    case Kind::kParticipantBind:
      return kBindShape;
    case Kind::kAttachment:
      return kAttachmentShape;
    case Kind::kDetachment:
      return kDetachmentShape;
    case Kind::kRecovery:
      return kRecoveryShape;
  }
  return kDetachmentShape;
}

const Shape& SignatureShape() { return kSignatureShape; }

std::string_view PatternOf(Rule rule) {
  switch (rule) {
    case Rule::kNodeId:
      return "^node:did:key:z[1-9A-HJ-NP-Za-km-z]+$";
    case Rule::kParticipantId:
      return "^participant:did:key:z[1-9A-HJ-NP-Za-km-z]+$";
    case Rule::kPodUserId:
      return "^(pod-user|participant):did:key:z[1-9A-HJ-NP-Za-km-z]+$";
    case Rule::kMultibaseKey:
      return "^z[1-9A-HJ-NP-Za-km-z]+$";
    default:
      return "";
  }
}

IdMembers FindIdMembers(json::Object top) {
  IdMembers ids;
  for (auto field : top) {
    std::string_view key = field.key;
    // The id members end in "/id" and are 7 to 13 bytes long; most keys fail that cheaply.
    if (key.size() < 7 || key.size() > 13 || !key.ends_with("/id")) continue;
    for (Kind kind : kAllKinds) {
      if (key == KindIdField(kind)) ids.value[static_cast<int>(kind)] = field.value;
    }
  }
  return ids;
}

std::optional<Kind> DetectKind(const IdMembers& ids, std::string* why) {
  bool has[4];
  for (Kind kind : kAllKinds)
    has[static_cast<int>(kind)] = ids.value[static_cast<int>(kind)].has_value();
  // A detachment carries the attachment/id it terminates, so attachment/id names the kind
  // only when detachment/id is absent.
  if (has[static_cast<int>(Kind::kDetachment)]) has[static_cast<int>(Kind::kAttachment)] = false;
  std::optional<Kind> found;
  int count = 0;
  for (Kind kind : kAllKinds) {
    if (has[static_cast<int>(kind)]) {
      found = kind;
      ++count;
    }
  }
  if (count == 1) return found;
  if (why != nullptr) {
    *why = count == 0 ? "no kind-specific id member (detachment/id, recovery/id, attachment/id, "
                        "bind/id); name the kind with --kind"
                      : "more than one kind-specific id member; name the kind with --kind";
  }
  return std::nullopt;
}

std::optional<Kind> DetectKind(json::Object top, std::string* why) {
  return DetectKind(FindIdMembers(top), why);
}

SchemaOutcome CheckSchema(Kind kind, json::Object root, std::vector<Violation>* errors) {
  std::size_t before = errors->size();
  Checker checker(errors);
  checker.CheckClosed(ShapeOf(kind), root, nullptr);
  if (checker.duplicate()) {
    errors->resize(before);
    return SchemaOutcome::kDuplicateName;
  }
  return errors->size() == before ? SchemaOutcome::kValid : SchemaOutcome::kInvalid;
}

void CheckArtifact(json::Parser* parser, std::string_view input, std::optional<Kind> kind,
                   Report* report, json::Object* root) {
  report->code = Code::kOk;
  report->kind = kind;
  report->id.clear();
  report->errors.clear();

  // A caller that needs no DOM gets the one-pass fast path first; it decides the valid
  // documents, and the exact path below everything else.
  if (root == nullptr) {
    if (auto fast = FastCheck(input, kind, parser->limits())) {
      report->kind = fast->kind;
      report->id.assign(fast->id);
      return;
    }
  }

  json::Element element;
  json::SyntaxError syntax;
  Status parsed = parser->Parse(input, &element, /*check_duplicates=*/false, &syntax);
  auto malformed = [&](json::SyntaxError error) {
    report->code = Code::kMalformedJson;
    report->kind.reset();
    report->id.clear();
    report->errors.clear();
    report->errors.push_back(Violation{"", "json", std::move(error.message), error.offset});
  };
  if (!parsed.ok()) {
    if (parsed.code() != Code::kMalformedJson) {
      report->code = parsed.code();
      report->errors.push_back(Violation{"", "json", parsed.message(), {}});
      return;
    }
    return malformed(std::move(syntax));
  }
  json::Object object = element.get_object().value_unsafe();

  // One pass over the top-level members finds both the kind and the id.
  const IdMembers ids = FindIdMembers(object);
  std::string why;
  if (!kind) kind = DetectKind(ids, &why);
  if (!kind) {
    // Layer 1 still outranks: a document with a duplicate name is malformed, whatever its kind.
    if (json::FindDuplicateName(element)) {
      return malformed(parser->Diagnose(input).value_or(json::SyntaxError{0, "duplicate name"}));
    }
    report->code = Code::kUnknownKind;
    report->errors.push_back(Violation{"", "kind", std::move(why), {}});
    return;
  }
  report->kind = kind;
  if (const auto& id = ids.value[static_cast<int>(*kind)]; id && id->is_string()) {
    report->id.assign(id->get_string().value_unsafe());
  }

  switch (CheckSchema(*kind, object, &report->errors)) {
    case SchemaOutcome::kValid:
      if (root != nullptr) *root = object;
      return;
    case SchemaOutcome::kInvalid:
      report->code = Code::kSchemaInvalid;
      return;
    case SchemaOutcome::kDuplicateName:
      return malformed(
          parser->Diagnose(input).value_or(json::SyntaxError{0, "duplicate member name"}));
  }
}

}  // namespace podgate::artifact
