// Writer: builds compact JSON text (RFC 8259) into a string, for verdict lines, receipts and
// HTTP bodies. Strings are escaped as JSON requires (quote, backslash, control characters);
// other UTF-8 is copied as is. Bytes that are not UTF-8 (a file name, say) are replaced by
// U+FFFD, so the output is always valid JSON.
//
// Thread safety: a Writer is a plain value; not for concurrent use.

#ifndef PODGATE_JSON_WRITER_H_
#define PODGATE_JSON_WRITER_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace podgate::json {

// Appends `text` as a quoted, escaped JSON string.
void AppendQuoted(std::string* out, std::string_view text);

class Writer {
 public:
  explicit Writer(std::string* out) : out_(out) {}

  Writer& BeginObject();
  Writer& EndObject();
  Writer& BeginArray();
  Writer& EndArray();
  Writer& Key(std::string_view name);
  Writer& String(std::string_view value);
  Writer& Int(std::int64_t value);
  Writer& UInt(std::uint64_t value);
  Writer& Bool(bool value);
  Writer& Null();
  // Inserts already-serialized JSON text as one value.
  Writer& Raw(std::string_view json);

 private:
  void Separate();

  std::string* out_;
  bool need_comma_ = false;
};

}  // namespace podgate::json

#endif  // PODGATE_JSON_WRITER_H_
