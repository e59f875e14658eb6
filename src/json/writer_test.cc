// json::Writer and AppendQuoted: compact JSON for verdict lines, receipts and HTTP bodies.

#include "json/writer.h"

#include <cstdint>
#include <limits>
#include <string>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "json/parser.h"

namespace podgate::json {
namespace {

std::string Quoted(std::string_view text) {
  std::string out;
  AppendQuoted(&out, text);
  return out;
}

TEST(AppendQuotedTest, EscapesWhatJsonRequires) {
  EXPECT_EQ(Quoted(""), R"("")");
  EXPECT_EQ(Quoted("plain"), R"("plain")");
  EXPECT_EQ(Quoted("q\"b\\s/"), R"("q\"b\\s/")");
  EXPECT_EQ(Quoted("\n\r\t\b\f"), R"("\n\r\t\b\f")");
  EXPECT_EQ(Quoted(std::string_view("\0\x01\x1f", 3)), R"("\u0000\u0001\u001f")");
  EXPECT_EQ(Quoted("\x7f"), "\"\x7f\"");  // DEL needs no escape
  EXPECT_EQ(Quoted("\xC3\xA9\xF0\x9F\x9A\x80"), "\"\xC3\xA9\xF0\x9F\x9A\x80\"");
  std::string appended = "x";
  AppendQuoted(&appended, "y");
  EXPECT_EQ(appended, R"(x"y")");
}

TEST(WriterTest, BuildsCompactJson) {
  std::string out;
  Writer w(&out);
  w.BeginObject()
      .Key("input")
      .String("a.json")
      .Key("kind")
      .Null()
      .Key("n")
      .Int(-42)
      .Key("u")
      .UInt(7)
      .Key("ok")
      .Bool(true)
      .Key("list")
      .BeginArray()
      .Bool(false)
      .BeginObject()
      .EndObject()
      .BeginArray()
      .EndArray()
      .String("x")
      .EndArray()
      .Key("raw")
      .Raw(R"({"k":[1,2]})")
      .Key("after")
      .Int(0)
      .EndObject();
  EXPECT_EQ(out, R"({"input":"a.json","kind":null,"n":-42,"u":7,"ok":true,)"
                 R"("list":[false,{},[],"x"],"raw":{"k":[1,2]},"after":0})");
  Element root;
  Parser parser;
  EXPECT_TRUE(parser.ParseCopy(out, &root).ok());
}

TEST(WriterTest, IntegerExtremes) {
  std::string out;
  Writer w(&out);
  w.BeginArray()
      .Int(std::numeric_limits<std::int64_t>::min())
      .Int(std::numeric_limits<std::int64_t>::max())
      .UInt(std::numeric_limits<std::uint64_t>::max())
      .EndArray();
  EXPECT_EQ(out, "[-9223372036854775808,9223372036854775807,18446744073709551615]");
}

TEST(WriterTest, AppendsToWhatIsThere) {
  std::string out = "prefix ";
  Writer(&out).BeginObject().Key("a").Int(1).EndObject();
  EXPECT_EQ(out, R"(prefix {"a":1})");
}

// Any valid UTF-8 string, quoted, reads back as itself.
RC_GTEST_PROP(WriterProperty, QuotedStringsRoundTrip, ()) {
  auto code_points = *rc::gen::container<std::vector<std::uint32_t>>(rc::gen::oneOf(
      rc::gen::inRange<std::uint32_t>(0, 0x80), rc::gen::inRange<std::uint32_t>(0x80, 0xD800),
      rc::gen::inRange<std::uint32_t>(0xE000, 0x110000)));
  std::string text;
  for (std::uint32_t cp : code_points) {
    if (cp < 0x80) {
      text += static_cast<char>(cp);
    } else if (cp < 0x800) {
      text += static_cast<char>(0xC0 | (cp >> 6));
      text += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      text += static_cast<char>(0xE0 | (cp >> 12));
      text += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      text += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      text += static_cast<char>(0xF0 | (cp >> 18));
      text += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      text += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      text += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  std::string doc;
  Writer(&doc).BeginObject().Key(text).String(text).EndObject();
  Parser parser;
  Element root;
  RC_ASSERT(parser.ParseCopy(doc, &root).ok());
  auto field = root.get_object().value_unsafe().begin();
  RC_ASSERT(std::string_view((*field).key) == text);
  RC_ASSERT(std::string_view((*field).value.get_string().value_unsafe()) == text);
}

}  // namespace
}  // namespace podgate::json
