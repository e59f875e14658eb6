// The schema documents (schemas/*.schema.json, and the copies embedded for `podgate schema`)
// and the compiled tables (tables.h) state the same constraints, keyword by keyword: same
// member names, same required set, closed objects, and each property's keywords exactly those
// its Rule asserts. The documents are read with podgate's own JSON parser (simdjson).

#include "artifact/schema.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "json/parser.h"
#include "podgate/artifact.h"

namespace podgate::artifact {
namespace {

using ::testing::ElementsAreArray;
using ::testing::UnorderedElementsAreArray;

std::string ReadSchemaFile(Kind kind) {
  std::string path = std::string(PODGATE_SOURCE_DIR) + "/schemas/" + std::string(KindName(kind)) +
                     ".v1.schema.json";
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string BindId() { return "urn:podgate:schema:participant-bind:v1"; }

// A parsed schema document; owns its parser so the elements stay valid.
class Document {
 public:
  explicit Document(std::string_view text) : parser_(json::Limits{1 << 20, 64}) {
    status_ = parser_.ParseCopy(text, &root_);
  }
  const Status& status() const { return status_; }
  json::Object root() const { return root_.get_object().value_unsafe(); }

 private:
  json::Parser parser_;
  json::Element root_;
  Status status_;
};

std::optional<json::Element> Get(json::Object object, std::string_view key) {
  auto value = object[key];
  if (value.error()) return std::nullopt;
  return value.value_unsafe();
}

std::string StringAt(json::Object object, std::string_view key) {
  auto value = Get(object, key);
  if (!value || !value->is_string()) return "<not a string>";
  return std::string(value->get_string().value_unsafe());
}

std::vector<std::string> Keys(json::Object object) {
  std::vector<std::string> keys;
  for (auto field : object) keys.emplace_back(field.key);
  return keys;
}

std::vector<std::string> Strings(json::Element array) {
  std::vector<std::string> out;
  if (!array.is_array()) return {"<not an array>"};
  json::Array items = array.get_array().value_unsafe();
  for (json::Element item : items) {
    out.emplace_back(item.is_string() ? std::string(item.get_string().value_unsafe())
                                      : "<not a string>");
  }
  return out;
}

// The keywords (other than "description") a property of `rule` must carry, with their values
// rendered as compact JSON.
std::map<std::string, std::string> ExpectedKeywords(const Member& member) {
  auto quoted = [](std::string_view s) { return "\"" + std::string(s) + "\""; };
  switch (member.rule) {
    case Rule::kSchemaVersion:
      return {{"const", "1"}};
    case Rule::kNonEmptyString:
      return {{"type", quoted("string")}, {"minLength", "1"}};
    case Rule::kDateTime:
      return {{"type", quoted("string")}, {"format", quoted("date-time")}};
    case Rule::kNodeId:
    case Rule::kParticipantId:
    case Rule::kPodUserId:
    case Rule::kMultibaseKey:
      return {{"type", quoted("string")}, {"pattern", quoted(PatternOf(member.rule))}};
    case Rule::kEnum: {
      std::string values = "[";
      for (auto v : member.values) {
        if (values.size() > 1) values += ",";
        values += quoted(v);
      }
      return {{"type", quoted("string")}, {"enum", values + "]"}};
    }
    case Rule::kBoolean:
      return {{"type", quoted("boolean")}};
    case Rule::kParticipantBind:
      return {{"$ref", quoted(BindId())}};
    case Rule::kSignature:
      return {{"$ref", quoted("#/$defs/signature")}};
    case Rule::kAnyObject:
      return {{"type", quoted("object")}, {"additionalProperties", "true"}};
  }
  return {};
}

std::map<std::string, std::string> ActualKeywords(json::Object property) {
  std::map<std::string, std::string> out;
  for (auto field : property) {
    if (field.key == "description") continue;
    out[std::string(field.key)] = simdjson::minify(field.value);
  }
  return out;
}

// Checks one closed object schema against one Shape; `where` names it in failure messages.
void ExpectShapeMatches(json::Object schema, const Shape& shape, const std::string& where) {
  SCOPED_TRACE(where);
  EXPECT_EQ(StringAt(schema, "type"), "object");
  auto closed = Get(schema, "additionalProperties");
  ASSERT_TRUE(closed.has_value()) << "additionalProperties missing";
  EXPECT_TRUE(closed->is_bool() && !closed->get_bool().value_unsafe())
      << "additionalProperties must be false";

  std::vector<std::string> names, required;
  for (const Member& member : shape.members) {
    names.emplace_back(member.name);
    if (member.required) required.emplace_back(member.name);
  }
  auto required_doc = Get(schema, "required");
  ASSERT_TRUE(required_doc.has_value());
  EXPECT_THAT(Strings(*required_doc), UnorderedElementsAreArray(required));

  auto properties = Get(schema, "properties");
  ASSERT_TRUE(properties.has_value() && properties->is_object());
  json::Object props = properties->get_object().value_unsafe();
  // Same names, in the same order (the documents list members as the tables do).
  EXPECT_THAT(Keys(props), ElementsAreArray(names));

  for (const Member& member : shape.members) {
    auto property = Get(props, member.name);
    if (!property || !property->is_object()) {
      ADD_FAILURE() << "no property " << member.name;
      continue;
    }
    json::Object object = property->get_object().value_unsafe();
    EXPECT_EQ(ActualKeywords(object), ExpectedKeywords(member)) << "property " << member.name;
    EXPECT_NE(StringAt(object, "description"), "<not a string>")
        << "property " << member.name << " has no description";
  }
}

bool HasSignatureMember(const Shape& shape) {
  return std::any_of(shape.members.begin(), shape.members.end(),
                     [](const Member& m) { return m.rule == Rule::kSignature; });
}

class SchemaAgreementTest : public testing::TestWithParam<Kind> {};

TEST_P(SchemaAgreementTest, FileMatchesCompiledTables) {
  Kind kind = GetParam();
  std::string text = ReadSchemaFile(kind);
  ASSERT_FALSE(text.empty()) << "cannot read the schema file of " << KindName(kind);
  Document doc(text);
  ASSERT_TRUE(doc.status().ok()) << doc.status().ToString();
  json::Object root = doc.root();

  EXPECT_EQ(StringAt(root, "$schema"), "https://json-schema.org/draft/2020-12/schema");
  EXPECT_EQ(StringAt(root, "$id"), "urn:podgate:schema:" + std::string(KindName(kind)) + ":v1");
  EXPECT_NE(StringAt(root, "title"), "<not a string>");
  ExpectShapeMatches(root, ShapeOf(kind), std::string(KindName(kind)));

  auto defs = Get(root, "$defs");
  if (HasSignatureMember(ShapeOf(kind))) {
    ASSERT_TRUE(defs.has_value() && defs->is_object()) << "$defs missing";
    auto signature = Get(defs->get_object().value_unsafe(), "signature");
    ASSERT_TRUE(signature.has_value() && signature->is_object()) << "$defs/signature missing";
    ExpectShapeMatches(signature->get_object().value_unsafe(), SignatureShape(), "$defs/signature");
  } else {
    // Nothing refers to a definition the document does not carry, and no unused definitions.
    EXPECT_FALSE(defs.has_value()) << "unused $defs";
  }
  // No keywords beyond those the tables know about.
  for (const std::string& key : Keys(root)) {
    EXPECT_THAT(key, ::testing::AnyOf("$schema", "$id", "title", "description", "type",
                                      "additionalProperties", "required", "properties", "$defs"));
  }
}

TEST_P(SchemaAgreementTest, EmbeddedDocumentIsTheFile) {
  Kind kind = GetParam();
  EXPECT_EQ(SchemaDocument(kind), ReadSchemaFile(kind));
  Document doc(SchemaDocument(kind));
  EXPECT_TRUE(doc.status().ok()) << doc.status().ToString();
}

TEST_P(SchemaAgreementTest, BindReferenceResolvesToTheBindDocument) {
  Document bind(SchemaDocument(Kind::kParticipantBind));
  ASSERT_TRUE(bind.status().ok());
  EXPECT_EQ(StringAt(bind.root(), "$id"), BindId());
  for (const Member& member : ShapeOf(GetParam()).members) {
    if (member.rule == Rule::kParticipantBind) {
      EXPECT_EQ(member.name, "participant-bind");
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Kinds, SchemaAgreementTest, testing::ValuesIn(kAllKinds),
                         [](const testing::TestParamInfo<Kind>& info) {
                           std::string name(KindName(info.param));
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(SchemaTables, ShapesNameTheirKindAndHoldTheirIdMember) {
  for (Kind kind : kAllKinds) {
    const Shape& shape = ShapeOf(kind);
    EXPECT_EQ(shape.name, KindName(kind));
    auto id = std::find_if(shape.members.begin(), shape.members.end(),
                           [&](const Member& m) { return m.name == KindIdField(kind); });
    ASSERT_NE(id, shape.members.end()) << KindName(kind);
    EXPECT_TRUE(id->required);
    EXPECT_EQ(id->rule, Rule::kNonEmptyString);
    EXPECT_LE(shape.members.size(), 32u) << "the seen-members mask holds 32";
    std::set<std::string_view> unique;
    for (const Member& m : shape.members) {
      EXPECT_TRUE(unique.insert(m.name).second) << "member listed twice: " << m.name;
      EXPECT_EQ(m.rule == Rule::kEnum, !m.values.empty()) << m.name;
    }
  }
  EXPECT_EQ(SignatureShape().members.size(), 2u);
}

TEST(SchemaTables, PatternsOnlyForPatternRules) {
  EXPECT_EQ(PatternOf(Rule::kNodeId), "^node:did:key:z[1-9A-HJ-NP-Za-km-z]+$");
  EXPECT_EQ(PatternOf(Rule::kParticipantId), "^participant:did:key:z[1-9A-HJ-NP-Za-km-z]+$");
  EXPECT_EQ(PatternOf(Rule::kPodUserId), "^(pod-user|participant):did:key:z[1-9A-HJ-NP-Za-km-z]+$");
  EXPECT_EQ(PatternOf(Rule::kMultibaseKey), "^z[1-9A-HJ-NP-Za-km-z]+$");
  for (Rule rule : {Rule::kSchemaVersion, Rule::kNonEmptyString, Rule::kDateTime, Rule::kEnum,
                    Rule::kBoolean, Rule::kParticipantBind, Rule::kSignature, Rule::kAnyObject}) {
    EXPECT_EQ(PatternOf(rule), "") << static_cast<int>(rule);
  }
}

// --- CheckSchema's contract -------------------------------------------------------------------

class CheckSchemaTest : public testing::Test {
 protected:
  json::Object Parse(std::string_view text) {
    json::Element root;
    // check_duplicates off: CheckSchema is the one that must find them.
    padded_.assign(text);
    padded_.append(json::kPadding, '\0');
    Status status = parser_.Parse(std::string_view(padded_.data(), text.size()), &root, false);
    EXPECT_TRUE(status.ok()) << status.ToString();
    return root.get_object().value_unsafe();
  }

  json::Parser parser_;
  std::string padded_;
};

constexpr std::string_view kBind = R"({
  "schema/v": 1, "bind/id": "pb:1", "bound-at": "2026-03-28T19:20:00Z",
  "participant/id": "participant:did:key:z6MkrLQkJr2YQ6L8eYw6Qk8f9P8GmJm7a3x6P1v1Q2w3E4r5",
  "via/node-id": "node:did:key:z6MkwJFpvJVFe15ygGgYLTYuiPwfhkkDRkMG4eKQFT8g65yE",
  "session/id": "s:1", "participant/key/alg": "ed25519",
  "participant/key/public": "z6MkrLQkJr2YQ6L8eYw6Qk8f9P8GmJm7a3x6P1v1Q2w3E4r5",
  "proof/participant-signature": {"alg": "ed25519", "value": "sig"})";

TEST_F(CheckSchemaTest, ValidBindAddsNothing) {
  std::vector<Violation> errors;
  EXPECT_EQ(CheckSchema(Kind::kParticipantBind, Parse(std::string(kBind) + "}"), &errors),
            SchemaOutcome::kValid);
  EXPECT_TRUE(errors.empty());
}

TEST_F(CheckSchemaTest, AppendsToExistingErrors) {
  std::vector<Violation> errors = {{"/earlier", "x", "kept", {}}};
  auto object = Parse(std::string(kBind) + R"(, "extra": 1, "schema/v": 2})");
  // "schema/v" twice: a duplicate, so the outcome is kDuplicateName and errors are untouched.
  EXPECT_EQ(CheckSchema(Kind::kParticipantBind, object, &errors), SchemaOutcome::kDuplicateName);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].path, "/earlier");

  object = Parse(std::string(kBind) + R"(, "extra": 1, "bound-at": "x"})");
  errors = {{"/earlier", "x", "kept", {}}};
  // bound-at twice as well.
  EXPECT_EQ(CheckSchema(Kind::kParticipantBind, object, &errors), SchemaOutcome::kDuplicateName);
  EXPECT_EQ(errors.size(), 1u);

  object = Parse(std::string(kBind) + R"(, "extra": 1, "policy_annotations": []})");
  EXPECT_EQ(CheckSchema(Kind::kParticipantBind, object, &errors), SchemaOutcome::kInvalid);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].path, "/earlier");
  std::set<std::pair<std::string, std::string>> got;
  for (std::size_t i = 1; i < errors.size(); ++i) got.emplace(errors[i].path, errors[i].keyword);
  EXPECT_EQ(got, (std::set<std::pair<std::string, std::string>>{{"/extra", "additionalProperties"},
                                                                {"/policy_annotations", "type"}}));
}

TEST_F(CheckSchemaTest, DuplicateBelowAnOpenObjectIsFound) {
  std::vector<Violation> errors;
  auto object = Parse(std::string(kBind) + R"(, "policy_annotations": {"a": [{"k": 1, "k": 2}]}})");
  EXPECT_EQ(CheckSchema(Kind::kParticipantBind, object, &errors), SchemaOutcome::kDuplicateName);
  EXPECT_TRUE(errors.empty());
}

TEST_F(CheckSchemaTest, DuplicateAmongManyUnknownMembersIsFound) {
  // More unknown members than the checker's inline list holds, the duplicate past it.
  std::string text(kBind);
  for (int i = 0; i < 12; ++i) text += ", \"x" + std::to_string(i) + "\": 0";
  text += ", \"x10\": 1}";
  std::vector<Violation> errors;
  EXPECT_EQ(CheckSchema(Kind::kParticipantBind, Parse(text), &errors),
            SchemaOutcome::kDuplicateName);
  EXPECT_TRUE(errors.empty());
}

TEST_F(CheckSchemaTest, MessagesNameTheMemberAndTheRule) {
  std::vector<Violation> errors;
  auto object = Parse(std::string(kBind) + R"(, "via/node-id2": 1})");
  ASSERT_EQ(CheckSchema(Kind::kParticipantBind, object, &errors), SchemaOutcome::kInvalid);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0].message, ::testing::HasSubstr("via/node-id2"));

  errors.clear();
  object = Parse(R"({"schema/v": 1, "bind/id": "pb:1", "bound-at": "2026-02-30T00:00:00Z",
    "participant/id": "participant:did:key:z0", "via/node-id": "node:did:key:zz",
    "session/id": "", "participant/key/alg": "ed448", "participant/key/public": "z1",
    "proof/participant-signature": {"alg": "ed25519"}})");
  ASSERT_EQ(CheckSchema(Kind::kParticipantBind, object, &errors), SchemaOutcome::kInvalid);
  std::map<std::string, Violation> by_path;
  for (const auto& e : errors) by_path[e.path] = e;
  ASSERT_EQ(by_path.size(), 5u);
  EXPECT_THAT(by_path["/bound-at"].message, ::testing::HasSubstr("2026-02-30"));
  EXPECT_THAT(by_path["/participant~1id"].message,
              ::testing::HasSubstr(PatternOf(Rule::kParticipantId)));
  EXPECT_THAT(by_path["/session~1id"].message, ::testing::HasSubstr("empty"));
  EXPECT_THAT(by_path["/participant~1key~1alg"].message, ::testing::HasSubstr("ed25519"));
  EXPECT_EQ(by_path["/proof~1participant-signature/value"].keyword, "required");
}

}  // namespace
}  // namespace podgate::artifact
