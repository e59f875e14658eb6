#include "json/writer.h"

#include <charconv>

#include <simdjson.h>

namespace podgate::json {

namespace {

// Length of the valid UTF-8 sequence (RFC 3629) starting at text[i], or 0 when there is none.
std::size_t Utf8SequenceLength(std::string_view text, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char b0 = byte(i);
  if (b0 < 0x80) return 1;
  std::size_t n = b0 >= 0xC2 && b0 <= 0xDF   ? 2
                  : b0 >= 0xE0 && b0 <= 0xEF ? 3
                  : b0 >= 0xF0 && b0 <= 0xF4 ? 4
                                             : 0;
  if (n == 0 || i + n > text.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  unsigned char b1 = byte(i + 1);
  if ((b0 == 0xE0 && b1 < 0xA0) || (b0 == 0xED && b1 > 0x9F) || (b0 == 0xF0 && b1 < 0x90) ||
      (b0 == 0xF4 && b1 > 0x8F)) {
    return 0;  // overlong, surrogate, or beyond U+10FFFF
  }
  return n;
}

// `text` with each byte that starts no valid UTF-8 sequence replaced by U+FFFD.
std::string ReplaceInvalidUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (std::size_t i = 0; i < text.size();) {
    std::size_t n = Utf8SequenceLength(text, i);
    if (n == 0) {
      out.append("\xEF\xBF\xBD");
      ++i;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

}  // namespace

void AppendQuoted(std::string* out, std::string_view text) {
  if (!simdjson::validate_utf8(text.data(), text.size())) {
    // Names from the file system need not be UTF-8; the output must stay JSON.
    std::string valid = ReplaceInvalidUtf8(text);
    return AppendQuoted(out, valid);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  std::size_t run = 0;  // start of the pending run of bytes that need no escape
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(text.substr(run, i - run));
    run = i + 1;
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      default:
        out->append("\\u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 0xF]);
    }
  }
  out->append(text.substr(run));
  out->push_back('"');
}

void Writer::Separate() {
  if (need_comma_) out_->push_back(',');
  need_comma_ = true;
}

Writer& Writer::BeginObject() {
  Separate();
  out_->push_back('{');
  need_comma_ = false;
  return *this;
}

Writer& Writer::EndObject() {
  out_->push_back('}');
  need_comma_ = true;
  return *this;
}

Writer& Writer::BeginArray() {
  Separate();
  out_->push_back('[');
  need_comma_ = false;
  return *this;
}

Writer& Writer::EndArray() {
  out_->push_back(']');
  need_comma_ = true;
  return *this;
}

Writer& Writer::Key(std::string_view name) {
  Separate();
  AppendQuoted(out_, name);
  out_->push_back(':');
  need_comma_ = false;
  return *this;
}

Writer& Writer::String(std::string_view value) {
  Separate();
  AppendQuoted(out_, value);
  return *this;
}

Writer& Writer::Int(std::int64_t value) {
  Separate();
  char buf[24];
  auto end = std::to_chars(buf, buf + sizeof buf, value).ptr;
  out_->append(buf, end);
  return *this;
}

Writer& Writer::UInt(std::uint64_t value) {
  Separate();
  char buf[24];
  auto end = std::to_chars(buf, buf + sizeof buf, value).ptr;
  out_->append(buf, end);
  return *this;
}

Writer& Writer::Bool(bool value) {
  Separate();
  out_->append(value ? "true" : "false");
  return *this;
}

Writer& Writer::Null() {
  Separate();
  out_->append("null");
  return *this;
}

Writer& Writer::Raw(std::string_view json) {
  Separate();
  out_->append(json);
  return *this;
}

}  // namespace podgate::json
