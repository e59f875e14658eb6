#include "codec/cbor.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <simdjson.h>

namespace podgate::codec {
namespace {

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string CborHex(std::string_view json) {
  auto cbor = JsonToCbor(json);
  EXPECT_TRUE(cbor.ok()) << json << ": " << cbor.status().ToString();
  return cbor.ok() ? Hex(cbor.value()) : "";
}

TEST(CborTest, ReproducesEveryDeterministicCborVector) {
  std::string text = ReadFile(PODGATE_TEST_DATA "/vectors/deterministic-cbor.json");
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(text);
  std::size_t count = 0;
  for (auto entry : doc["cases"].get_object()) {
    std::string_view json = entry.value["json"].get_string();
    std::string_view expected = entry.value["cbor-hex"].get_string();
    EXPECT_EQ(CborHex(json), expected) << "case " << entry.key;
    ++count;
  }
  EXPECT_GE(count, 15u);
}

TEST(CborTest, IntegersUseTheShortestHead) {
  EXPECT_EQ(CborHex("0"), "00");
  EXPECT_EQ(CborHex("-0"), "00");  // an integer literal: integer zero, not a float
  EXPECT_EQ(CborHex("-1"), "20");
  EXPECT_EQ(CborHex("255"), "18ff");
  EXPECT_EQ(CborHex("256"), "190100");
  EXPECT_EQ(CborHex("65535"), "19ffff");
  EXPECT_EQ(CborHex("65536"), "1a00010000");
  EXPECT_EQ(CborHex("4294967295"), "1affffffff");
  EXPECT_EQ(CborHex("4294967296"), "1b0000000100000000");
  EXPECT_EQ(CborHex("-24"), "37");
  EXPECT_EQ(CborHex("-25"), "3818");
  EXPECT_EQ(CborHex("9223372036854775807"), "1b7fffffffffffffff");
  EXPECT_EQ(CborHex("9223372036854775808"), "1b8000000000000000");
}

TEST(CborTest, NumbersThatAreNotIntegerLiteralsAreShortestFloats) {
  EXPECT_EQ(CborHex("0.0"), "f90000");
  EXPECT_EQ(CborHex("1e2"), "f95640");          // an exponent makes it a float, even when whole
  EXPECT_EQ(CborHex("65504.0"), "f97bff");      // largest half
  EXPECT_EQ(CborHex("65505.0"), "fa477fe100");  // not a half, a single
  EXPECT_EQ(CborHex("5.960464477539063e-8"), "f90001");        // smallest half subnormal
  EXPECT_EQ(CborHex("6.103515625e-05"), "f90400");             // smallest half normal
  EXPECT_EQ(CborHex("3.0517578125e-05"), "f90200");            // half subnormal
  EXPECT_EQ(CborHex("2.9802322387695312e-08"), "fa33000000");  // below half range
  EXPECT_EQ(CborHex("3.4028234663852886e38"), "fa7f7fffff");   // largest single
  EXPECT_EQ(CborHex("1e300"), "fb7e37e43c8800759c");
  EXPECT_EQ(CborHex("0.1"), "fb3fb999999999999a");
  EXPECT_EQ(CborHex("-2.5"), "f9c100");
  // Integer literals beyond 64 bits denote floats.
  EXPECT_EQ(CborHex("18446744073709551616"), "fa5f800000");
  EXPECT_EQ(CborHex("100000000000000000000000000000"), "fb45f431e0fae6d721");
}

TEST(CborTest, ScalarsAndStrings) {
  EXPECT_EQ(CborHex("true"), "f5");
  EXPECT_EQ(CborHex("false"), "f4");
  EXPECT_EQ(CborHex("null"), "f6");
  EXPECT_EQ(CborHex("\"\""), "60");
  EXPECT_EQ(CborHex("\"a\\u0000b\""), "63610062");  // escapes are decoded first
  EXPECT_EQ(CborHex("\"\\ud83d\\ude00\""), "64f09f9880");
  EXPECT_EQ(CborHex("\"" + std::string(24, 'x') + "\""), "7818" + Hex(std::string(24, 'x')));
  EXPECT_EQ(CborHex("[]"), "80");
  EXPECT_EQ(CborHex("[[],{}]"), "8280a0");
}

TEST(CborTest, MapKeysSortByLengthThenBytesAtEveryDepth) {
  // "b" < "aa" (shorter first); inside the nested map too.
  EXPECT_EQ(CborHex(R"({"aa":{"zz":1,"y":2},"b":[{"bb":0,"c":0}]})"),
            "a2"
            "6162"
            "81a2"
            "616300"
            "62626200"
            "626161"
            "a2"
            "617902"
            "627a7a01");
  // Bytewise, not by code point collation: uppercase before lowercase, UTF-8 bytes last.
  EXPECT_EQ(CborHex(R"({"a":1,"B":2,"é":3})"),
            "a3614202616101"
            "62c3a903");
}

TEST(CborTest, AppendObjectOmitsOnlyTopLevelMembers) {
  std::string json = R"({"p":1,"a":{"p":2},"b":3})";
  json::Parser parser;
  json::Element root;
  ASSERT_TRUE(parser.ParseCopy(json, &root).ok());
  CborEncoder encoder;
  std::string out;
  constexpr std::string_view kOmit[] = {"p", "absent"};
  encoder.AppendObject(root.get_object().value_unsafe(), kOmit, &out);
  EXPECT_EQ(Hex(out),
            "a2"
            "6161"
            "a1617002"
            "616203");
}

TEST(CborTest, RefusesWhatIsNotStrictJson) {
  EXPECT_FALSE(JsonToCbor("01").ok());
  EXPECT_FALSE(JsonToCbor("{\"a\":1,\"a\":2}").ok());
  EXPECT_FALSE(JsonToCbor("NaN").ok());
  EXPECT_FALSE(JsonToCbor("1e400").ok());
  // Found by fuzz/fuzz_cbor.cc: text that closes the wrapper's value and adds a member.
  EXPECT_FALSE(JsonToCbor("1,\"w\":2").ok());
  EXPECT_FALSE(JsonToCbor("{},\"w\":[1]").ok());
  EXPECT_TRUE(JsonToCbor(" 1 ").ok());
}

// Reads back a CBOR float of any width.
double DecodeFloat(std::string_view cbor) {
  auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(cbor[i]); };
  std::uint64_t bits = 0;
  for (std::size_t i = 1; i < cbor.size(); ++i) bits = bits << 8 | byte(i);
  switch (byte(0)) {
    case 0xf9: {
      int exponent = static_cast<int>((bits >> 10) & 0x1f);
      double mantissa = static_cast<double>(bits & 0x3ff);
      double value =
          exponent == 0 ? std::ldexp(mantissa, -24) : std::ldexp(mantissa + 1024, exponent - 25);
      return (bits & 0x8000) ? -value : value;
    }
    case 0xfa:
      return std::bit_cast<float>(static_cast<std::uint32_t>(bits));
    case 0xfb:
      return std::bit_cast<double>(bits);
  }
  return std::nan("");
}

RC_GTEST_PROP(CborProperty, FloatsRoundTripInTheShortestWidth, (std::uint64_t bits)) {
  double value = std::bit_cast<double>(bits);
  RC_PRE(std::isfinite(value));
  std::string out;
  AppendCborFloat(&out, value);
  double back = DecodeFloat(out);
  RC_ASSERT(std::bit_cast<std::uint64_t>(back) == bits);
  // Shortest: a narrower width would have been chosen had it held the value.
  if (out.size() == 9) RC_ASSERT(static_cast<double>(static_cast<float>(value)) != value);
}

RC_GTEST_PROP(CborProperty, NarrowFloatsRoundTrip, (std::uint16_t half_bits, std::uint32_t f)) {
  // Every finite half encodes as a half; every finite single as at most a single.
  std::string half;
  half.push_back(static_cast<char>(0xf9));
  half.push_back(static_cast<char>(half_bits >> 8));
  half.push_back(static_cast<char>(half_bits & 0xff));
  RC_PRE(((half_bits >> 10) & 0x1f) != 0x1f);
  double value = DecodeFloat(half);
  std::string out;
  AppendCborFloat(&out, value);
  RC_ASSERT(out == half);

  float single = std::bit_cast<float>(f);
  RC_PRE(std::isfinite(single));
  out.clear();
  AppendCborFloat(&out, single);
  RC_ASSERT(out.size() <= 5u);
  RC_ASSERT(std::bit_cast<std::uint32_t>(static_cast<float>(DecodeFloat(out))) == f);
}

}  // namespace
}  // namespace podgate::codec
