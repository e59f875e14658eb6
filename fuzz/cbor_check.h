// A tiny, test-only CBOR reader that checks an encoding against the JSON value it encodes and
// against the rules of RFC 8949 section 4.2.1 (core deterministic encoding) as the signing
// profile states them (DESIGN.md section 2). It is written apart from src/codec/cbor.cc, from
// the RFC, so that the two can disagree.
//
// Checked: every head is the shortest for its argument (24 only for >= 24, ...), lengths are
// definite, map keys are text strings in strictly increasing bytewise order of their
// encodings, integers encode JSON integers that fit 64 bits (major 0 and 1), every other
// number is a float in the shortest of 16/32/64 bits that holds it exactly, and the decoded
// value equals the JSON value (strings byte for byte, numbers bit for bit, -0 included).
//
// Thread safety: plain functions over their arguments.

#ifndef PODGATE_FUZZ_CBOR_CHECK_H_
#define PODGATE_FUZZ_CBOR_CHECK_H_

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "json/parser.h"

namespace podgate::fuzz {

class CborChecker {
 public:
  explicit CborChecker(std::string_view cbor) : in_(cbor) {}

  // True when the whole input is exactly one canonical item equal to `value`; else false with
  // the reason in error().
  bool CheckDocument(json::Element value) {
    if (!Item(value)) return false;
    if (pos_ != in_.size()) return Fail("bytes after the item");
    return true;
  }
  const std::string& error() const { return error_; }

  // Whether a double is exactly some IEEE binary16 / binary32 value.
  static bool FitsHalf(double v) { return FitsFloat(v, 65504.0, 24, 11); }
  static bool FitsSingle(double v) { return FitsFloat(v, 3.4028234663852886e38, 149, 24); }

 private:
  // v = k * 2^-scale_bits with k an integer whose odd part has at most `precision` bits, and
  // |v| <= max: that is the set of finite values of a binary format (subnormals included).
  static bool FitsFloat(double v, double max, int scale_bits, int precision) {
    if (v == 0) return true;
    if (std::fabs(v) > max) return false;
    double k = std::ldexp(std::fabs(v), scale_bits);  // exact: a power-of-two scaling
    if (std::trunc(k) != k) return false;
    while (std::fmod(k, 2.0) == 0) k /= 2;
    return k < std::ldexp(1.0, precision);
  }

  bool Fail(std::string why) {
    if (error_.empty()) error_ = why + " at byte " + std::to_string(pos_);
    return false;
  }

  bool Byte(std::uint8_t* b) {
    if (pos_ >= in_.size()) return Fail("truncated");
    *b = static_cast<std::uint8_t>(in_[pos_++]);
    return true;
  }

  bool BigEndian(int bytes, std::uint64_t* value) {
    *value = 0;
    for (int i = 0; i < bytes; ++i) {
      std::uint8_t b = 0;
      if (!Byte(&b)) return false;
      *value = (*value << 8) | b;
    }
    return true;
  }

  // Reads a head; checks that its argument has the shortest form.
  bool Head(std::uint8_t* major, std::uint64_t* argument, std::uint8_t* info) {
    std::uint8_t initial = 0;
    if (!Byte(&initial)) return false;
    *major = initial >> 5;
    *info = initial & 0x1f;
    if (*major == 7) return true;  // simple values and floats: the caller reads them
    if (*info < 24) {
      *argument = *info;
      return true;
    }
    if (*info > 27) return Fail("an indefinite length or a reserved additional info");
    int bytes = 1 << (*info - 24);
    if (!BigEndian(bytes, argument)) return false;
    std::uint64_t floor = *info == 24   ? 24
                          : *info == 25 ? 0x100
                          : *info == 26 ? 0x10000
                                        : 0x100000000;
    if (*argument < floor) return Fail("a head longer than needed");
    return true;
  }

  bool Text(std::uint64_t length, std::string_view* text) {
    if (length > in_.size() - pos_) return Fail("a text string past the end");
    *text = in_.substr(pos_, length);
    pos_ += length;
    return true;
  }

  bool Item(json::Element value) {
    std::uint8_t major = 0, info = 0;
    std::uint64_t argument = 0;
    std::size_t start = pos_;
    if (!Head(&major, &argument, &info)) return false;
    switch (major) {
      case 0:
        if (value.is_int64() && value.get_int64().value_unsafe() >= 0) {
          if (static_cast<std::uint64_t>(value.get_int64().value_unsafe()) == argument) return true;
        } else if (value.is_uint64() && value.get_uint64().value_unsafe() == argument) {
          return true;
        }
        pos_ = start;
        return Fail("an unsigned integer that is not the JSON value");
      case 1:
        if (value.is_int64() && value.get_int64().value_unsafe() < 0 &&
            ~static_cast<std::uint64_t>(value.get_int64().value_unsafe()) == argument) {
          return true;
        }
        pos_ = start;
        return Fail("a negative integer that is not the JSON value");
      case 3: {
        std::string_view text;
        if (!Text(argument, &text)) return false;
        if (!value.is_string() || value.get_string().value_unsafe() != text) {
          return Fail("a text string that is not the JSON value");
        }
        return true;
      }
      case 4: {
        if (!value.is_array()) return Fail("an array where JSON has no array");
        json::Array array = value.get_array().value_unsafe();
        std::uint64_t count = 0;
        for (json::Element item : array) {
          if (count++ >= argument) return Fail("an array shorter than the JSON array");
          if (!Item(item)) return false;
        }
        if (count != argument) return Fail("an array longer than the JSON array");
        return true;
      }
      case 5: {
        if (!value.is_object()) return Fail("a map where JSON has no object");
        json::Object object = value.get_object().value_unsafe();
        std::uint64_t members = 0;
        for (auto field : object) {
          (void)field;
          ++members;
        }
        if (members != argument) return Fail("a map whose size is not the object's");
        std::string_view previous_key_encoding;
        for (std::uint64_t i = 0; i < argument; ++i) {
          std::size_t key_start = pos_;
          std::uint8_t key_major = 0, key_info = 0;
          std::uint64_t key_length = 0;
          if (!Head(&key_major, &key_length, &key_info)) return false;
          if (key_major != 3) return Fail("a map key that is not a text string");
          std::string_view key;
          if (!Text(key_length, &key)) return false;
          std::string_view encoding = in_.substr(key_start, pos_ - key_start);
          if (i > 0 && !(previous_key_encoding < encoding)) {
            return Fail("map keys out of bytewise order");
          }
          previous_key_encoding = encoding;
          bool found = false;
          for (auto field : object) {
            if (field.key == key) {
              found = true;
              if (!Item(field.value)) return false;
              break;
            }
          }
          if (!found) return Fail("a map key the object does not have");
        }
        return true;
      }
      case 7:
        return Simple(value, info);
      default:
        return Fail("a major type JSON never produces");
    }
  }

  bool Simple(json::Element value, std::uint8_t info) {
    switch (info) {
      case 20:
      case 21:
        if (!value.is_bool() || value.get_bool().value_unsafe() != (info == 21)) {
          return Fail("a boolean that is not the JSON value");
        }
        return true;
      case 22:
        if (!value.is_null()) return Fail("null where JSON has no null");
        return true;
      case 25:
      case 26:
      case 27: {
        std::uint64_t bits = 0;
        if (!BigEndian(1 << (info - 24), &bits)) return false;
        double decoded = 0;
        if (info == 25) {
          decoded = DecodeHalf(static_cast<std::uint16_t>(bits));
        } else if (info == 26) {
          float f;
          auto b32 = static_cast<std::uint32_t>(bits);
          std::memcpy(&f, &b32, 4);
          decoded = f;
          if (FitsHalf(decoded)) return Fail("a single that a half holds");
        } else {
          std::memcpy(&decoded, &bits, 8);
          if (FitsSingle(decoded)) return Fail("a double that a single holds");
        }
        if (!value.is_double()) return Fail("a float for a JSON integer that fits 64 bits");
        double expected = value.get_double().value_unsafe();
        if (std::memcmp(&expected, &decoded, sizeof(double)) != 0) {
          return Fail("a float that is not the JSON value");
        }
        return true;
      }
      default:
        return Fail("a simple value JSON never produces");
    }
  }

  static double DecodeHalf(std::uint16_t half) {
    int exponent = (half >> 10) & 0x1f;
    int mantissa = half & 0x3ff;
    double magnitude = exponent == 0    ? std::ldexp(mantissa, -24)
                       : exponent == 31 ? (mantissa == 0 ? INFINITY : NAN)
                                        : std::ldexp(mantissa + 1024, exponent - 25);
    return (half & 0x8000) ? -magnitude : magnitude;
  }

  std::string_view in_;
  std::size_t pos_ = 0;
  std::string error_;
};

}  // namespace podgate::fuzz

#endif  // PODGATE_FUZZ_CBOR_CHECK_H_
