// Kind names, file name suffixes and kind detection from the id member (DESIGN.md section 1).

#include <string>

#include <gtest/gtest.h>

#include "artifact/schema.h"
#include "json/parser.h"
#include "podgate/artifact.h"

namespace podgate {
namespace {

TEST(KindTest, NamesAndIdFieldsRoundTrip) {
  EXPECT_EQ(KindName(Kind::kParticipantBind), "participant-bind");
  EXPECT_EQ(KindName(Kind::kAttachment), "client-instance-attachment");
  EXPECT_EQ(KindName(Kind::kDetachment), "client-instance-detachment");
  EXPECT_EQ(KindName(Kind::kRecovery), "client-instance-recovery");
  EXPECT_EQ(KindIdField(Kind::kParticipantBind), "bind/id");
  EXPECT_EQ(KindIdField(Kind::kAttachment), "attachment/id");
  EXPECT_EQ(KindIdField(Kind::kDetachment), "detachment/id");
  EXPECT_EQ(KindIdField(Kind::kRecovery), "recovery/id");
  for (Kind kind : kAllKinds) {
    EXPECT_EQ(KindFromName(KindName(kind)), kind);
    EXPECT_EQ(KindFromName(std::string(KindName(kind)) + ".v1"), kind);
  }
}

TEST(KindTest, FromNameRejectsEverythingElse) {
  for (const char* name : {"", ".v1", "detachment", "client-instance-detachment.v2",
                           "client-instance-detachment.v1.v1", "Client-Instance-Detachment",
                           "client-instance-detachment ", " participant-bind", "participant_bind",
                           "participant-bind.json", "bind", "participant-bind.V1"}) {
    EXPECT_EQ(KindFromName(name), std::nullopt) << '"' << name << '"';
  }
}

TEST(KindTest, FromFileNameReadsTheSuffix) {
  EXPECT_EQ(KindFromFileName("user-requested.client-instance-detachment.json"), Kind::kDetachment);
  EXPECT_EQ(KindFromFileName("examples/invalid--missing-via-node.participant-bind.json"),
            Kind::kParticipantBind);
  EXPECT_EQ(KindFromFileName("/abs/dir/x.client-instance-attachment.json"), Kind::kAttachment);
  EXPECT_EQ(KindFromFileName("a.b.client-instance-recovery.json"), Kind::kRecovery);
  EXPECT_EQ(KindFromFileName("./.participant-bind.json"), Kind::kParticipantBind);
}

TEST(KindTest, FromFileNameNeedsDotKindDotJson) {
  for (const char* path :
       {"", ".json", "participant-bind.json", "x-participant-bind.json",
        "x.participant-bind.json.bak", "x.participant-bind.JSON", "x.participant-bind",
        "x.participant-bind.v1.json", "dir.participant-bind.json/x.json", "x.bind.json",
        "x.client-instance-detachment.json ", "-", "x.Participant-Bind.json"}) {
    EXPECT_EQ(KindFromFileName(path), std::nullopt) << '"' << path << '"';
  }
}

class DetectKindTest : public testing::Test {
 protected:
  std::optional<Kind> Detect(std::string_view text, std::string* why = nullptr) {
    json::Element root;
    Status status = parser_.ParseCopy(text, &root);
    EXPECT_TRUE(status.ok()) << status.ToString();
    if (!status.ok()) return std::nullopt;
    std::string ignored;
    return artifact::DetectKind(root.get_object().value_unsafe(), why ? why : &ignored);
  }

  json::Parser parser_;
};

TEST_F(DetectKindTest, TheOneIdMemberNamesTheKind) {
  EXPECT_EQ(Detect(R"({"bind/id": "pb:1"})"), Kind::kParticipantBind);
  EXPECT_EQ(Detect(R"({"attachment/id": "a:1"})"), Kind::kAttachment);
  EXPECT_EQ(Detect(R"({"detachment/id": "d:1"})"), Kind::kDetachment);
  EXPECT_EQ(Detect(R"({"recovery/id": "r:1"})"), Kind::kRecovery);
}

TEST_F(DetectKindTest, DetachmentCarriesTheAttachmentIdItEnds) {
  EXPECT_EQ(Detect(R"({"attachment/id": "a:1", "detachment/id": "d:1"})"), Kind::kDetachment);
  EXPECT_EQ(Detect(R"({"detachment/id": "d:1", "attachment/id": "a:1"})"), Kind::kDetachment);
}

TEST_F(DetectKindTest, PresenceCountsNotTheValue) {
  // The schema reports a wrong id value; detection only looks at the names.
  EXPECT_EQ(Detect(R"({"recovery/id": 7})"), Kind::kRecovery);
  EXPECT_EQ(Detect(R"({"bind/id": ""})"), Kind::kParticipantBind);
  EXPECT_EQ(Detect(R"({"bind/id": null})"), Kind::kParticipantBind);
}

TEST_F(DetectKindTest, EscapedNamesAreTheSameNames) {
  EXPECT_EQ(Detect(R"({"recovery\/id": "r:1"})"), Kind::kRecovery);
  EXPECT_EQ(Detect(R"({"\u0062ind/id": "pb:1"})"), Kind::kParticipantBind);
}

TEST_F(DetectKindTest, NoIdMemberIsUnknown) {
  std::string why;
  EXPECT_EQ(Detect(R"({})", &why), std::nullopt);
  EXPECT_NE(why.find("--kind"), std::string::npos) << why;
  why.clear();
  EXPECT_EQ(Detect(R"({"participant-bind": {"bind/id": "pb:1"}, "x/id": 1})", &why), std::nullopt)
      << "an id member below the top level names nothing";
  EXPECT_NE(why.find("no kind-specific id member"), std::string::npos) << why;
  EXPECT_EQ(Detect(R"({"Bind/id": "pb:1", "bind/ID": "x", "bind/id ": "y"})"), std::nullopt);
}

TEST_F(DetectKindTest, TwoIdMembersAreAmbiguous) {
  for (const char* text :
       {R"({"bind/id": "1", "recovery/id": "2"})", R"({"attachment/id": "1", "bind/id": "2"})",
        R"({"attachment/id": "1", "recovery/id": "2"})",
        R"({"detachment/id": "1", "recovery/id": "2"})",
        R"({"detachment/id": "1", "attachment/id": "1", "bind/id": "2"})",
        R"({"detachment/id": "1", "attachment/id": "2", "recovery/id": "3",
                               "bind/id": "4"})"}) {
    std::string why;
    EXPECT_EQ(Detect(text, &why), std::nullopt) << text;
    EXPECT_NE(why.find("more than one"), std::string::npos) << text << ": " << why;
  }
}

TEST_F(DetectKindTest, AcceptsANullWhy) {
  json::Element root;
  ASSERT_TRUE(parser_.ParseCopy(R"({"x": 1})", &root).ok());
  EXPECT_EQ(artifact::DetectKind(root.get_object().value_unsafe(), nullptr), std::nullopt);
}

// The Validator detects the same way and reports unknown-kind with a message naming --kind.
TEST(ValidatorKindTest, UnknownKindReport) {
  Validator validator;
  Report report = validator.Validate(R"({"schema/v": 1})");
  EXPECT_EQ(report.code, Code::kUnknownKind);
  EXPECT_EQ(report.kind, std::nullopt);
  ASSERT_EQ(report.errors.size(), 1u);
  EXPECT_EQ(report.errors[0].keyword, "kind");
  EXPECT_EQ(report.errors[0].path, "");
  EXPECT_NE(report.errors[0].message.find("--kind"), std::string::npos);
}

TEST(ValidatorKindTest, ForcedKindWinsOverTheIdMember) {
  Validator validator;
  Report report = validator.Validate(R"({"detachment/id": "d:1"})", Kind::kRecovery);
  EXPECT_EQ(report.code, Code::kSchemaInvalid);
  EXPECT_EQ(report.kind, Kind::kRecovery);
  EXPECT_EQ(report.id, "") << "the recovery's id member is absent";
  bool unknown_member = false;
  for (const auto& e : report.errors) {
    if (e.path == "/detachment~1id") unknown_member = e.keyword == "additionalProperties";
  }
  EXPECT_TRUE(unknown_member);
}

}  // namespace
}  // namespace podgate
