#include "json/writer.h"

#include <charconv>

namespace podgate::json {

void AppendQuoted(std::string* out, std::string_view text) {
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
