// Layer 1 through json::Parser: the fast path (simdjson) and its slow paths (the strict
// scanner for offsets, big integers, duplicate names), limits, and JSON Pointer helpers.

#include "json/parser.h"

#include <cmath>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace podgate::json {
namespace {

using ::testing::HasSubstr;

class ParserTest : public testing::Test {
 protected:
  // Parses `text` through Parse() (padded, as the validator hands it over).
  Status Parse(std::string_view text, bool check_duplicates = true) {
    padded_.assign(text);
    padded_.append(kPadding, '\0');
    error_ = {};
    return parser_.Parse(std::string_view(padded_.data(), text.size()), &root_, check_duplicates,
                         &error_);
  }

  void ExpectMalformed(std::string_view text, std::size_t offset, std::string_view phrase) {
    Status status = Parse(text);
    EXPECT_EQ(status.code(), Code::kMalformedJson) << text;
    EXPECT_EQ(error_.offset, offset) << text << ": " << error_.message;
    EXPECT_THAT(error_.message, HasSubstr(std::string(phrase))) << text;
    EXPECT_EQ(status.message(), "at byte " + std::to_string(offset) + ": " + error_.message);
    // Diagnose() explains the same rejection the same way.
    auto diagnosis = parser_.Diagnose(text);
    ASSERT_TRUE(diagnosis.has_value()) << text;
    EXPECT_EQ(diagnosis->offset, offset);
    EXPECT_EQ(diagnosis->message, error_.message);
  }

  Element Member(std::string_view name) {
    auto value = root_.get_object().value_unsafe()[name];
    EXPECT_FALSE(value.error()) << name;
    return value.value_unsafe();
  }

  Parser parser_;
  std::string padded_;
  Element root_;
  SyntaxError error_;
};

TEST_F(ParserTest, AcceptsAnObjectAndHandsItOut) {
  ASSERT_TRUE(Parse(R"( {"a": 1, "b": [true, null], "c": {"d": "e"}} )").ok());
  EXPECT_TRUE(root_.is_object());
  EXPECT_EQ(Member("a").get_int64().value_unsafe(), 1);
  EXPECT_EQ(std::string_view(Member("c")["d"].get_string().value_unsafe()), "e");
  EXPECT_FALSE(parser_.Diagnose(R"({"a": 1})").has_value());
}

TEST_F(ParserTest, EveryFailureClassHasItsOffsetAndMessage) {
  ExpectMalformed("", 0, "the document is empty");
  ExpectMalformed("  \n", 3, "the document is empty");
  ExpectMalformed("\xEF\xBB\xBF{}", 0, "byte order mark");
  // simdjson accepts these; the top-level check rejects them with the scanner's words.
  ExpectMalformed(" [1, 2]", 1, "the top-level value is an array, expected an object");
  ExpectMalformed("\"{}\"", 0, "the top-level value is a string");
  ExpectMalformed("12", 0, "the top-level value is a number");
  ExpectMalformed("null", 0, "the top-level value is null");
  ExpectMalformed("{} []", 3, "unexpected data after the end of the document");
  ExpectMalformed("{\"a\": \"\xFF\"}", 7, "invalid UTF-8 lead byte 0xff");
  ExpectMalformed("{\"a\": \"\xED\xA0\x80\"}", 7, "UTF-8 encoded surrogate");
  ExpectMalformed(R"({"a": "\ud800"})", 7, "lone high surrogate");
  ExpectMalformed(R"({"a": "\q"})", 7, "invalid escape sequence");
  ExpectMalformed("{\"a\": \"\n\"}", 7, "unescaped control character 0x0a");
  ExpectMalformed(R"({"a": 01})", 6, "leading zeros");
  ExpectMalformed(R"({"a": [1,]})", 9, "expected a value");
  ExpectMalformed(R"({"a" 1})", 5, "expected ':'");
  ExpectMalformed(R"({"a": 1 "b": 2})", 8, "expected ',' or '}'");
  ExpectMalformed(R"({"a": "x)", 6, "unterminated string");
  ExpectMalformed(R"({"a": fals})", 6, "invalid literal, expected 'false'");
  ExpectMalformed(R"({"a": 1, "a": 2})", 9, "duplicate member name \"a\"");
}

TEST_F(ParserTest, BigIntegersBeyond64BitsAreReadAsFloats) {
  ASSERT_TRUE(Parse(R"({"big": 123456789012345678901234567890,
                        "neg": [-9223372036854775809],
                        "u64max": 18446744073709551615, "u64next": 18446744073709551616,
                        "i64min": -9223372036854775808,
                        "s": "123456789012345678901234567890", "after": 7})")
                  .ok())
      << error_.message;
  EXPECT_EQ(Member("big").type(), ElementType::DOUBLE);
  EXPECT_EQ(Member("big").get_double().value_unsafe(), 123456789012345678901234567890.0);
  Element neg = Member("neg").at(0).value_unsafe();
  EXPECT_EQ(neg.type(), ElementType::DOUBLE);
  EXPECT_EQ(neg.get_double().value_unsafe(), -9223372036854775809.0);
  EXPECT_EQ(Member("u64max").type(), ElementType::UINT64);
  EXPECT_EQ(Member("u64max").get_uint64().value_unsafe(), 18446744073709551615u);
  EXPECT_EQ(Member("u64next").type(), ElementType::DOUBLE);
  EXPECT_EQ(Member("u64next").get_double().value_unsafe(), 18446744073709551616.0);
  EXPECT_EQ(Member("i64min").type(), ElementType::INT64);
  // Strings that look like big integers are left alone by the rewrite.
  EXPECT_EQ(std::string_view(Member("s").get_string().value_unsafe()),
            "123456789012345678901234567890");
  EXPECT_EQ(Member("after").get_int64().value_unsafe(), 7);
}

TEST_F(ParserTest, BigIntegerDocumentsStillGetEveryLayerOneCheck) {
  // The slow path (simdjson refused the big integer) must still find duplicates and depth.
  ExpectMalformed(R"({"n": 100000000000000000000, "k": 1, "k": 2})", 37, "duplicate");
  std::string deep =
      R"({"n": 100000000000000000000, "d": )" + std::string(64, '[') + std::string(64, ']') + "}";
  ExpectMalformed(deep, 34 + 63, "nesting deeper than 64 levels");
  // And the top-level check.
  ExpectMalformed("[100000000000000000000]", 0, "the top-level value is an array");
}

TEST_F(ParserTest, NumbersBeyondTheRangeOfADoubleAreRejected) {
  ExpectMalformed(R"({"a": 1e999999})", 6, "beyond the range of a double");
  ExpectMalformed(R"({"a": -1e999999})", 6, "beyond the range of a double");
  ExpectMalformed(R"({"a": 1.8e308})", 6, "beyond the range of a double");
  ExpectMalformed("{\"a\": 1" + std::string(309, '0') + "}", 6, "beyond the range");
  EXPECT_TRUE(Parse(R"({"a": 1.7976931348623157e308})").ok()) << error_.message;
  EXPECT_TRUE(Parse(R"({"a": 1e-999999})").ok()) << error_.message;  // underflows to 0
}

TEST_F(ParserTest, MinusZeroIsAccepted) {
  for (std::string_view text : {R"({"a": -0})", R"({"a": -0.0})", R"({"a": -0e5})"}) {
    ASSERT_TRUE(Parse(text).ok()) << text << ": " << error_.message;
    Element a = Member("a");
    double value = a.type() == ElementType::DOUBLE
                       ? a.get_double().value_unsafe()
                       : static_cast<double>(a.get_int64().value_unsafe());
    EXPECT_EQ(value, 0.0) << text;
  }
}

std::string Nested(std::size_t depth, std::string_view innermost) {
  // The top-level object is level 1; each "[" adds one.
  return "{\"a\": " + std::string(depth - 1, '[') + std::string(innermost) +
         std::string(depth - 1, ']') + "}";
}

TEST_F(ParserTest, DepthExactly64IsAcceptedAnd65Rejected) {
  EXPECT_TRUE(Parse(Nested(64, "")).ok()) << error_.message;  // level 64 is an empty array
  ExpectMalformed(Nested(65, ""), 6 + 63, "nesting deeper than 64 levels");
  ExpectMalformed(Nested(65, "1"), 6 + 63, "nesting deeper than 64 levels");
  ExpectMalformed(Nested(200, "{}"), 6 + 63, "nesting deeper than 64 levels");
}

// Regression (bug parser-depth): simdjson counts only non-empty containers against its depth
// limit and refuses a non-empty container at level 64, which DESIGN.md allows; the parser must
// accept it (the scanner bounds the depth, a deeper slow-path parser reads it).
TEST_F(ParserTest, DepthExactly64WithValuesInside) {
  EXPECT_TRUE(Parse(Nested(64, "1")).ok()) << error_.message;
  EXPECT_TRUE(Parse(Nested(64, "true, \"x\"")).ok()) << error_.message;
  std::string objects = "{\"a\": ";
  for (int i = 1; i < 64; ++i) objects += "{\"a\": ";
  objects += "0" + std::string(64, '}');
  EXPECT_TRUE(Parse(objects).ok()) << error_.message;
}

TEST_F(ParserTest, CustomDepthLimit) {
  Parser shallow(Limits{1024, 3});
  Element root;
  SyntaxError error;
  std::string ok = Nested(3, "");
  std::string too_deep = Nested(4, "");
  EXPECT_TRUE(shallow.ParseCopy(ok, &root, &error).ok()) << error.message;
  EXPECT_FALSE(shallow.ParseCopy(too_deep, &root, &error).ok());
  EXPECT_EQ(error.offset, 6u + 2u);
  EXPECT_THAT(error.message, HasSubstr("deeper than 3 levels"));
}

TEST_F(ParserTest, DuplicateNamesAreComparedAfterUnescaping) {
  ExpectMalformed(R"({"a":1,"\u0061":2})", 7, "duplicate member name \"a\"");
  ExpectMalformed(R"({"x": {"k/l": 1, "k\/l": 2}})", 17, "duplicate member name \"k/l\"");
  ExpectMalformed("{\"\\u00e9\": 1, \"\xC3\xA9\": 2}", 14, "duplicate member name");
  ExpectMalformed(R"({"d": [{}, {"e": {"f": 1, "f": 2}}]})", 26, "duplicate member name \"f\"");
  // Different after unescaping: no duplicate.
  EXPECT_TRUE(Parse(R"({"a": 1, "\\u0061": 2, "A": 3, "a\u0000": 4})").ok()) << error_.message;
  // With check_duplicates off the caller takes over (the schema layer does, in its walk).
  EXPECT_TRUE(Parse(R"({"a":1,"\u0061":2})", /*check_duplicates=*/false).ok());
}

TEST_F(ParserTest, SizeLimit) {
  Parser small(Limits{100, 64});
  Element root;
  SyntaxError error;
  std::string exactly = "{\"p\": \"" + std::string(100 - 10, 'x') + "\"}";
  ASSERT_EQ(exactly.size(), 99u);
  exactly.insert(exactly.begin() + 1, ' ');
  ASSERT_EQ(exactly.size(), 100u);
  EXPECT_TRUE(small.ParseCopy(exactly, &root, &error).ok()) << error.message;
  std::string over = exactly + " ";
  Status status = small.ParseCopy(over, &root, &error);
  EXPECT_EQ(status.code(), Code::kMalformedJson);
  EXPECT_EQ(error.offset, 100u);
  EXPECT_EQ(error.message, "the document is 101 bytes, over the limit of 100 bytes");
  auto diagnosis = small.Diagnose(over);
  ASSERT_TRUE(diagnosis.has_value());
  EXPECT_EQ(diagnosis->offset, 100u);
}

// Regression (bug parser-bigint-capacity): rewriting big integers as floats (".0" appended)
// can grow a document within max_bytes past the fast parser's capacity; it must still parse.
TEST_F(ParserTest, BigIntegersAtTheSizeLimit) {
  Parser small(Limits{100, 64});
  Element root;
  SyntaxError error;
  std::string text = "{\"n\": [100000000000000000000, 100000000000000000000], \"p\": \"";
  text += std::string(100 - text.size() - 2, 'x') + "\"}";
  ASSERT_EQ(text.size(), 100u);
  EXPECT_TRUE(small.ParseCopy(text, &root, &error).ok()) << error.message;
}

TEST_F(ParserTest, ParserIsReusable) {
  ASSERT_TRUE(Parse(R"({"first": 1})").ok());
  EXPECT_FALSE(Parse(R"({"bad": )").ok());
  ASSERT_TRUE(Parse(R"({"n": 100000000000000000000})").ok());  // the slow path
  EXPECT_EQ(Member("n").type(), ElementType::DOUBLE);
  ASSERT_TRUE(Parse(R"({"second": 2})").ok());
  EXPECT_EQ(Member("second").get_int64().value_unsafe(), 2);
  EXPECT_TRUE(root_["first"].error());
}

TEST_F(ParserTest, ParseCopyNeedsNoPadding) {
  std::string exact = R"({"a": [1, 2, 3]})";
  Element root;
  ASSERT_TRUE(parser_.ParseCopy(exact, &root).ok());
  EXPECT_EQ(root["a"].at(2).get_int64().value_unsafe(), 3);
}

TEST(MalformedJsonTest, StatusNamesTheOffset) {
  Status status = MalformedJson({42, "something is off"});
  EXPECT_EQ(status.code(), Code::kMalformedJson);
  EXPECT_EQ(status.message(), "at byte 42: something is off");
}

TEST(FindDuplicateNameTest, PointsAtTheObjectThatRepeatsAName) {
  Parser parser;
  auto find = [&](std::string_view text) {
    Element root;
    std::string copy(text);
    copy.append(kPadding, '\0');
    EXPECT_TRUE(parser.Parse(std::string_view(copy.data(), text.size()), &root, false).ok());
    return FindDuplicateName(root);
  };
  EXPECT_EQ(find(R"({"a": 1, "b": [{"c": 1}]})"), std::nullopt);
  EXPECT_EQ(find(R"({"a": 1, "a": 1})"), "");
  EXPECT_EQ(find(R"({"x": [{"a": 1}, {"b": {"c": 1, "c": 2}}]})"), "/x/1/b");
  EXPECT_EQ(find(R"({"a/b": {"~": {"k": 1, "k": 2}}})"), "/a~1b/~0");
  // Scalars between containers still count in array indexes.
  EXPECT_EQ(find(R"({"l": [1, "s", [2, {"q": 0, "q": 0}]]})"), "/l/2/1");
  EXPECT_EQ(find(R"({"": [[], [{"z": [{}, {"d": 1, "d": 1}]}]]})"), "//1/0/z/1");
  // Past the pairwise limit the check switches to hashing.
  std::string many = "{";
  for (int i = 0; i < 40; ++i) many += (i ? ",\"m" : "\"m") + std::to_string(i) + "\": 0";
  EXPECT_EQ(find(many + "}"), std::nullopt);
  EXPECT_EQ(find(many + ", \"m3\": 1}"), "");
  EXPECT_EQ(find(many + ", \"m39\": 1}"), "");
  EXPECT_EQ(find("{\"o\": " + many + ", \"m20\": 1}}"), "/o");
}

TEST(AppendPointerTest, EscapesTildeAndSlash) {
  std::string pointer;
  AppendPointer(&pointer, "participant-bind");
  AppendPointer(&pointer, "proof/participant-signature");
  AppendPointer(&pointer, "a~b");
  AppendPointer(&pointer, std::size_t{12});
  AppendPointer(&pointer, "");
  EXPECT_EQ(pointer, "/participant-bind/proof~1participant-signature/a~0b/12/");
  std::string tricky;
  AppendPointer(&tricky, "~1");
  EXPECT_EQ(tricky, "/~01");
}

}  // namespace
}  // namespace podgate::json
