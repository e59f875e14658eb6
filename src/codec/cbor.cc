#include "codec/cbor.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace podgate::codec {
namespace {

constexpr std::uint8_t kMajorUnsigned = 0;
constexpr std::uint8_t kMajorNegative = 1;
constexpr std::uint8_t kMajorText = 3;
constexpr std::uint8_t kMajorArray = 4;
constexpr std::uint8_t kMajorMap = 5;

constexpr char kFalse = static_cast<char>(0xf4);
constexpr char kTrue = static_cast<char>(0xf5);
constexpr char kNull = static_cast<char>(0xf6);
constexpr char kHalf = static_cast<char>(0xf9);
constexpr char kSingle = static_cast<char>(0xfa);
constexpr char kDouble = static_cast<char>(0xfb);

void AppendBigEndian(std::string* out, std::uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out->push_back(static_cast<char>(value >> (8 * i)));
}

// The binary16 bits of a float that a half holds exactly, or -1.
int ExactHalf(float value) {
  auto bits = std::bit_cast<std::uint32_t>(value);
  std::uint32_t sign = (bits >> 16) & 0x8000u;
  std::uint32_t exponent = (bits >> 23) & 0xffu;
  std::uint32_t mantissa = bits & 0x7fffffu;
  if (exponent == 0) {
    // Zero, or a single-precision subnormal: far below the smallest half subnormal (2^-24).
    return mantissa == 0 ? static_cast<int>(sign) : -1;
  }
  int unbiased = static_cast<int>(exponent) - 127;
  if (unbiased > 15) return -1;
  if (unbiased >= -14) {  // a normal half: 10 mantissa bits
    if ((mantissa & 0x1fffu) != 0) return -1;
    return static_cast<int>(sign | (static_cast<std::uint32_t>(unbiased + 15) << 10) |
                            (mantissa >> 13));
  }
  if (unbiased < -24) return -1;
  // A subnormal half m * 2^-24 with m < 1024: the full significand shifted right.
  std::uint32_t significand = 0x800000u | mantissa;
  int shift = -(unbiased + 1);  // 14 .. 23
  if ((significand & ((1u << shift) - 1)) != 0) return -1;
  return static_cast<int>(sign | (significand >> shift));
}

// Bytewise order of the encodings of two text keys: the head carries the length, and a
// shorter length always encodes to smaller bytes, so shorter keys sort first.
bool KeyLess(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return a.size() < b.size();
  return std::memcmp(a.data(), b.data(), a.size()) < 0;
}

void AppendText(std::string* out, std::string_view text) {
  AppendCborHead(out, kMajorText, text.size());
  out->append(text);
}

}  // namespace

void AppendCborHead(std::string* out, std::uint8_t major, std::uint64_t argument) {
  auto initial = static_cast<std::uint8_t>(major << 5);
  if (argument < 24) {
    out->push_back(static_cast<char>(initial | argument));
  } else if (argument <= 0xff) {
    out->push_back(static_cast<char>(initial | 24));
    AppendBigEndian(out, argument, 1);
  } else if (argument <= 0xffff) {
    out->push_back(static_cast<char>(initial | 25));
    AppendBigEndian(out, argument, 2);
  } else if (argument <= 0xffffffffu) {
    out->push_back(static_cast<char>(initial | 26));
    AppendBigEndian(out, argument, 4);
  } else {
    out->push_back(static_cast<char>(initial | 27));
    AppendBigEndian(out, argument, 8);
  }
}

void AppendCborFloat(std::string* out, double value) {
  auto single = static_cast<float>(value);
  if (static_cast<double>(single) == value) {
    if (int half = ExactHalf(single); half >= 0) {
      out->push_back(kHalf);
      AppendBigEndian(out, static_cast<std::uint64_t>(half), 2);
      return;
    }
    out->push_back(kSingle);
    AppendBigEndian(out, std::bit_cast<std::uint32_t>(single), 4);
    return;
  }
  out->push_back(kDouble);
  AppendBigEndian(out, std::bit_cast<std::uint64_t>(value), 8);
}

void CborEncoder::Append(json::Element value, std::string* out) { AppendAt(value, 0, out); }

void CborEncoder::AppendObject(json::Object object, std::span<const std::string_view> omit,
                               std::string* out) {
  AppendObjectAt(object, omit, 0, out);
}

void CborEncoder::AppendAt(json::Element value, std::size_t depth, std::string* out) {
  switch (value.type()) {
    case json::ElementType::OBJECT:
      AppendObjectAt(value.get_object().value_unsafe(), {}, depth, out);
      return;
    case json::ElementType::ARRAY: {
      json::Array array = value.get_array().value_unsafe();
      std::size_t count = 0;
      for (json::Element item : array) {
        (void)item;
        ++count;
      }
      AppendCborHead(out, kMajorArray, count);
      for (json::Element item : array) AppendAt(item, depth + 1, out);
      return;
    }
    case json::ElementType::STRING:
      AppendText(out, value.get_string().value_unsafe());
      return;
    case json::ElementType::INT64: {
      std::int64_t n = value.get_int64().value_unsafe();
      if (n >= 0) {
        AppendCborHead(out, kMajorUnsigned, static_cast<std::uint64_t>(n));
      } else {
        // -1 - n, computed without overflow for INT64_MIN.
        AppendCborHead(out, kMajorNegative, ~static_cast<std::uint64_t>(n));
      }
      return;
    }
    case json::ElementType::UINT64:
      AppendCborHead(out, kMajorUnsigned, value.get_uint64().value_unsafe());
      return;
    case json::ElementType::DOUBLE:
      AppendCborFloat(out, value.get_double().value_unsafe());
      return;
    case json::ElementType::BOOL:
      out->push_back(value.get_bool().value_unsafe() ? kTrue : kFalse);
      return;
    case json::ElementType::NULL_VALUE:
      out->push_back(kNull);
      return;
  }
}

void CborEncoder::AppendObjectAt(json::Object object, std::span<const std::string_view> omit,
                                 std::size_t depth, std::string* out) {
  if (scratch_.size() <= depth) scratch_.resize(depth + 1);
  // Taken by index: deeper levels may grow scratch_ and move the vectors.
  scratch_[depth].clear();
  for (auto field : object) {
    if (std::find(omit.begin(), omit.end(), field.key) != omit.end()) continue;
    scratch_[depth].push_back(Field{field.key, field.value});
  }
  std::sort(scratch_[depth].begin(), scratch_[depth].end(),
            [](const Field& a, const Field& b) { return KeyLess(a.key, b.key); });
  AppendCborHead(out, kMajorMap, scratch_[depth].size());
  for (std::size_t i = 0; i < scratch_[depth].size(); ++i) {
    Field field = scratch_[depth][i];
    AppendText(out, field.key);
    AppendAt(field.value, depth + 1, out);
  }
}

Result<std::string> JsonToCbor(std::string_view json_text) {
  // The parser wants an object at the top: wrap the value as the one member of an object.
  std::string wrapped = "{\"v\":";
  wrapped.append(json_text);
  wrapped.append("\n}");
  json::Parser parser(json::LimitsFitting(wrapped, 65));
  json::Element root;
  Status parsed = parser.ParseCopy(wrapped, &root);
  if (!parsed.ok()) return parsed;
  // The wrapper must not be fooled into accepting more than one value: "1,\"w\":2" makes a
  // well-formed object of two members. One member means `json_text` was one value.
  if (root.get_object().value_unsafe().size() != 1) {
    return Status(Code::kMalformedJson, "the text is not one JSON value");
  }
  CborEncoder encoder;
  std::string out;
  encoder.Append(root["v"].value_unsafe(), &out);
  return out;
}

}  // namespace podgate::codec
