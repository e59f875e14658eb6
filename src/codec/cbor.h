// Deterministic CBOR: the encoding of the signing profile (DESIGN.md section 2).
//
// RFC 8949 section 4.2.1 core deterministic encoding of a JSON value already parsed by
// json::Parser: shortest heads, definite lengths, map keys sorted by the bytewise order of
// their encodings (for text keys: shorter first, then bytewise). JSON strings become text
// strings, true/false/null the simple values 20/21/22, an integer literal that fits int64 or
// uint64 (simdjson's INT64/UINT64 types) a CBOR integer, and every other number (simdjson's
// DOUBLE, which includes the integer literals beyond 64 bits that the parser rewrites as
// floats) the shortest of the 16/32/64-bit floats that holds the value exactly. NaN and the
// infinities cannot occur: the parser refuses them.
//
// Thread safety: a CborEncoder keeps scratch space and is used by one thread at a time.

#ifndef PODGATE_CODEC_CBOR_H_
#define PODGATE_CODEC_CBOR_H_

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "json/parser.h"

namespace podgate::codec {

// Appends the head of a data item: major type (0..7) and argument, in the shortest form.
void AppendCborHead(std::string* out, std::uint8_t major, std::uint64_t argument);

// Appends a double as the shortest float (half, single or double) that holds it exactly.
void AppendCborFloat(std::string* out, double value);

class CborEncoder {
 public:
  CborEncoder() = default;
  CborEncoder(const CborEncoder&) = delete;
  CborEncoder& operator=(const CborEncoder&) = delete;

  // Appends the encoding of `value` to *out.
  void Append(json::Element value, std::string* out);

  // Appends the encoding of `object` without its top-level members named in `omit` (the proof
  // fields of an artifact). Members below the top level are never omitted.
  void AppendObject(json::Object object, std::span<const std::string_view> omit, std::string* out);

 private:
  struct Field {
    std::string_view key;
    json::Element value;
  };

  void AppendAt(json::Element value, std::size_t depth, std::string* out);
  void AppendObjectAt(json::Object object, std::span<const std::string_view> omit,
                      std::size_t depth, std::string* out);

  // One scratch vector of fields per nesting depth, so encoding allocates only while warming.
  std::vector<std::vector<Field>> scratch_;
};

// The deterministic CBOR of a JSON text (strict JSON, any top-level value); for tests and
// tools. Fails with malformed-json.
Result<std::string> JsonToCbor(std::string_view json_text);

}  // namespace podgate::codec

#endif  // PODGATE_CODEC_CBOR_H_
