#include "podgate/status.h"

#include <gtest/gtest.h>

namespace podgate {
namespace {

TEST(StatusTest, DefaultIsOk) {
  Status status;
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(status.ToString(), "ok");
}

TEST(StatusTest, CarriesCodeAndMessage) {
  Status status(Code::kBadSignature, "/proof~1node-attestation: signature does not verify");
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.code_name(), "bad-signature");
  EXPECT_EQ(status.ToString(),
            "bad-signature: /proof~1node-attestation: signature does not verify");
}

// Every code has a distinct wire name, and the names read back to the same code: the table in
// status.cc follows the enum order, and this catches a code added to one but not the other.
TEST(StatusTest, CodeNamesRoundTripForEveryCode) {
  for (int i = 0; i <= static_cast<int>(Code::kInternal); ++i) {
    auto code = static_cast<Code>(i);
    std::string_view name = CodeName(code);
    ASSERT_NE(name, "unknown") << "code " << i << " has no name";
    auto back = CodeFromName(name);
    ASSERT_TRUE(back.has_value()) << name;
    EXPECT_EQ(*back, code) << name;
  }
  EXPECT_FALSE(CodeFromName("no-such-code").has_value());
}

TEST(StatusTest, DesignCodesAreSpelledAsTheContractSays) {
  EXPECT_EQ(CodeName(Code::kMalformedJson), "malformed-json");
  EXPECT_EQ(CodeName(Code::kSchemaInvalid), "schema-invalid");
  EXPECT_EQ(CodeName(Code::kUnknownKind), "unknown-kind");
  EXPECT_EQ(CodeName(Code::kKeyMismatch), "key-mismatch");
  EXPECT_EQ(CodeName(Code::kWrongNode), "wrong-node");
  EXPECT_EQ(CodeName(Code::kUnknownAttachment), "unknown-attachment");
  EXPECT_EQ(CodeName(Code::kUnknownDetachment), "unknown-detachment");
  EXPECT_EQ(CodeName(Code::kClientMismatch), "client-mismatch");
  EXPECT_EQ(CodeName(Code::kParticipantMismatch), "participant-mismatch");
  EXPECT_EQ(CodeName(Code::kTimeOrder), "time-order");
  EXPECT_EQ(CodeName(Code::kClockSkew), "clock-skew");
  EXPECT_EQ(CodeName(Code::kClientBusy), "client-busy");
  EXPECT_EQ(CodeName(Code::kAlreadyDetached), "already-detached");
  EXPECT_EQ(CodeName(Code::kAlreadyRecovered), "already-recovered");
  EXPECT_EQ(CodeName(Code::kIdConflict), "id-conflict");
  EXPECT_EQ(CodeName(Code::kUnauthorized), "unauthorized");
}

TEST(ResultTest, HoldsValueOrStatus) {
  Result<int> good = 7;
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 7);
  Result<int> bad = Status(Code::kIoError, "x: No such file or directory");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kIoError);
}

}  // namespace
}  // namespace podgate
