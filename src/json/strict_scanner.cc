#include "json/strict_scanner.h"

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <unordered_set>

#include <fmt/format.h>

namespace podgate::json {
namespace {

// A recursive-descent scanner over the raw bytes. Recursion depth is bounded by max_depth,
// which the caller bounds (64 by default), so the C++ stack is never at risk.
class Scanner {
 public:
  Scanner(std::string_view input, std::size_t max_depth) : in_(input), max_depth_(max_depth) {}

  ScanResult Run() {
    SkipSpace();
    if (pos_ >= in_.size()) return Fail(pos_, "the document is empty");
    if (in_.size() >= 3 && static_cast<unsigned char>(in_[0]) == 0xEF &&
        static_cast<unsigned char>(in_[1]) == 0xBB && static_cast<unsigned char>(in_[2]) == 0xBF) {
      return Fail(0, "a byte order mark is not allowed before the document");
    }
    if (in_[pos_] != '{') {
      return Fail(pos_, fmt::format("the top-level value is {}, expected an object", Kind(pos_)));
    }
    if (!Value(0)) return std::move(result_);
    SkipSpace();
    if (pos_ < in_.size()) return Fail(pos_, "unexpected data after the end of the document");
    result_.ok = true;
    return std::move(result_);
  }

 private:
  ScanResult Fail(std::size_t at, std::string message) {
    Error(at, std::move(message));
    return std::move(result_);
  }
  bool Error(std::size_t at, std::string message) {
    result_.ok = false;
    result_.offset = at;
    result_.message = std::move(message);
    result_.big_integer_ends.clear();
    return false;
  }

  void SkipSpace() {
    while (pos_ < in_.size()) {
      char c = in_[pos_];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
      ++pos_;
    }
  }

  std::string Describe(std::size_t at) const {
    if (at >= in_.size()) return "end of the document";
    auto c = static_cast<unsigned char>(in_[at]);
    if (c >= 0x20 && c < 0x7F) return fmt::format("'{}'", static_cast<char>(c));
    return fmt::format("byte 0x{:02x}", c);
  }

  // What kind of value starts at `at`, for messages.
  std::string Kind(std::size_t at) const {
    switch (in_[at]) {
      case '[':
        return "an array";
      case '"':
        return "a string";
      case 't':
      case 'f':
        return "a boolean";
      case 'n':
        return "null";
      default:
        return (in_[at] == '-' || (in_[at] >= '0' && in_[at] <= '9')) ? "a number" : Describe(at);
    }
  }

  bool Value(std::size_t depth) {
    SkipSpace();
    if (pos_ >= in_.size()) return Error(pos_, "unexpected end of the document, expected a value");
    switch (in_[pos_]) {
      case '{':
        return Object(depth + 1);
      case '[':
        return Array(depth + 1);
      case '"': {
        std::string ignored;
        return String(&ignored);
      }
      case 't':
        return Literal("true");
      case 'f':
        return Literal("false");
      case 'n':
        return Literal("null");
      default:
        if (in_[pos_] == '-' || (in_[pos_] >= '0' && in_[pos_] <= '9')) {
          return Number();
        }
        return Error(pos_, fmt::format("unexpected {}, expected a value", Describe(pos_)));
    }
  }

  bool Literal(std::string_view word) {
    if (in_.substr(pos_, word.size()) != word) {
      return Error(pos_, fmt::format("invalid literal, expected '{}'", word));
    }
    pos_ += word.size();
    return true;
  }

  bool Object(std::size_t depth) {
    std::size_t open = pos_;
    if (depth > max_depth_) {
      return Error(open, fmt::format("nesting deeper than {} levels", max_depth_));
    }
    ++pos_;
    std::unordered_set<std::string> names;
    SkipSpace();
    if (pos_ < in_.size() && in_[pos_] == '}') {
      ++pos_;
      return true;
    }
    while (true) {
      SkipSpace();
      if (pos_ >= in_.size() || in_[pos_] != '"') {
        return Error(pos_, fmt::format("unexpected {}, expected a member name", Describe(pos_)));
      }
      std::size_t name_at = pos_;
      std::string name;
      if (!String(&name)) return false;
      if (!names.insert(name).second) {
        return Error(name_at, fmt::format("duplicate member name \"{}\"", Printable(name)));
      }
      SkipSpace();
      if (pos_ >= in_.size() || in_[pos_] != ':') {
        return Error(pos_, fmt::format("unexpected {}, expected ':'", Describe(pos_)));
      }
      ++pos_;
      if (!Value(depth)) return false;
      SkipSpace();
      if (pos_ < in_.size() && in_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < in_.size() && in_[pos_] == '}') {
        ++pos_;
        return true;
      }
      return Error(pos_, fmt::format("unexpected {}, expected ',' or '}}'", Describe(pos_)));
    }
  }

  bool Array(std::size_t depth) {
    if (depth > max_depth_) {
      return Error(pos_, fmt::format("nesting deeper than {} levels", max_depth_));
    }
    ++pos_;
    SkipSpace();
    if (pos_ < in_.size() && in_[pos_] == ']') {
      ++pos_;
      return true;
    }
    while (true) {
      if (!Value(depth)) return false;
      SkipSpace();
      if (pos_ < in_.size() && in_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < in_.size() && in_[pos_] == ']') {
        ++pos_;
        return true;
      }
      return Error(pos_, fmt::format("unexpected {}, expected ',' or ']'", Describe(pos_)));
    }
  }

  static std::string Printable(std::string_view s) {
    std::string out;
    for (unsigned char c : s) {
      if (c == '"' || c == '\\') {
        out += '\\';
        out += static_cast<char>(c);
      } else if (c < 0x20) {
        out += fmt::format("\\u{:04x}", c);
      } else {
        out += static_cast<char>(c);
      }
    }
    return out;
  }

  static void AppendUtf8(std::string* out, std::uint32_t cp) {
    if (cp < 0x80) {
      *out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      *out += static_cast<char>(0xC0 | (cp >> 6));
      *out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      *out += static_cast<char>(0xE0 | (cp >> 12));
      *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      *out += static_cast<char>(0xF0 | (cp >> 18));
      *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  // Reads four hex digits at pos_; false when they are not there.
  bool Hex4(std::uint32_t* value) {
    if (pos_ + 4 > in_.size()) return false;
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = in_[pos_ + i];
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= static_cast<std::uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        v |= static_cast<std::uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        v |= static_cast<std::uint32_t>(c - 'A' + 10);
      } else {
        return false;
      }
    }
    pos_ += 4;
    *value = v;
    return true;
  }

  bool Escape(std::string* out) {
    std::size_t at = pos_;  // at the backslash
    ++pos_;
    if (pos_ >= in_.size()) return Error(at, "unterminated escape sequence");
    char c = in_[pos_++];
    switch (c) {
      case '"':
      case '\\':
      case '/':
        *out += c;
        return true;
      case 'b':
        *out += '\b';
        return true;
      case 'f':
        *out += '\f';
        return true;
      case 'n':
        *out += '\n';
        return true;
      case 'r':
        *out += '\r';
        return true;
      case 't':
        *out += '\t';
        return true;
      case 'u':
        break;
      default:
        return Error(
            at, fmt::format("invalid escape sequence, {} after a backslash", Describe(at + 1)));
    }
    std::uint32_t cp = 0;
    if (!Hex4(&cp)) return Error(at, "\\u must be followed by four hex digits");
    if (cp >= 0xDC00 && cp <= 0xDFFF) {
      return Error(at, fmt::format("lone low surrogate \\u{:04x}", cp));
    }
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      std::uint32_t low = 0;
      if (pos_ + 2 > in_.size() || in_[pos_] != '\\' || in_[pos_ + 1] != 'u') {
        return Error(at, fmt::format("lone high surrogate \\u{:04x}", cp));
      }
      pos_ += 2;
      if (!Hex4(&low)) return Error(pos_ - 2, "\\u must be followed by four hex digits");
      if (low < 0xDC00 || low > 0xDFFF) {
        return Error(at, fmt::format("lone high surrogate \\u{:04x}", cp));
      }
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    AppendUtf8(out, cp);
    return true;
  }

  // Validates one UTF-8 sequence starting at pos_ (a byte >= 0x80) and appends it.
  bool Utf8(std::string* out) {
    std::size_t at = pos_;
    auto b0 = static_cast<unsigned char>(in_[pos_]);
    int extra = 0;
    std::uint32_t cp = 0;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      extra = 1;
      cp = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      extra = 2;
      cp = b0 & 0x0F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      extra = 3;
      cp = b0 & 0x07;
    } else {
      return Error(at, fmt::format("invalid UTF-8 lead byte 0x{:02x}", b0));
    }
    if (pos_ + extra >= in_.size()) {
      return Error(at, "truncated UTF-8 sequence");
    }
    for (int i = 1; i <= extra; ++i) {
      auto b = static_cast<unsigned char>(in_[pos_ + i]);
      if ((b & 0xC0) != 0x80) return Error(at, "truncated UTF-8 sequence");
      cp = (cp << 6) | (b & 0x3F);
    }
    if ((extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000)) {
      return Error(at, "overlong UTF-8 encoding");
    }
    if (cp >= 0xD800 && cp <= 0xDFFF) return Error(at, "UTF-8 encoded surrogate");
    if (cp > 0x10FFFF) return Error(at, "UTF-8 sequence beyond U+10FFFF");
    out->append(in_.substr(pos_, extra + 1));
    pos_ += extra + 1;
    return true;
  }

  bool String(std::string* out) {
    std::size_t open = pos_;
    ++pos_;  // opening quote
    while (true) {
      if (pos_ >= in_.size()) return Error(open, "unterminated string");
      auto c = static_cast<unsigned char>(in_[pos_]);
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c == '\\') {
        if (!Escape(out)) return false;
      } else if (c < 0x20) {
        return Error(pos_, fmt::format("unescaped control character 0x{:02x} in a string", c));
      } else if (c >= 0x80) {
        if (!Utf8(out)) return false;
      } else {
        *out += static_cast<char>(c);
        ++pos_;
      }
    }
  }

  static bool Digit(char c) { return c >= '0' && c <= '9'; }

  bool Number() {
    std::size_t start = pos_;
    bool negative = false;
    if (in_[pos_] == '-') {
      negative = true;
      ++pos_;
    }
    if (pos_ >= in_.size() || !Digit(in_[pos_])) {
      return Error(start, "a number needs digits after '-'");
    }
    if (in_[pos_] == '0') {
      ++pos_;
      if (pos_ < in_.size() && Digit(in_[pos_])) {
        return Error(start, "a number must not have leading zeros");
      }
    } else {
      while (pos_ < in_.size() && Digit(in_[pos_])) ++pos_;
    }
    bool integer = true;
    if (pos_ < in_.size() && in_[pos_] == '.') {
      integer = false;
      ++pos_;
      if (pos_ >= in_.size() || !Digit(in_[pos_])) {
        return Error(start, "a number needs digits after the decimal point");
      }
      while (pos_ < in_.size() && Digit(in_[pos_])) ++pos_;
    }
    if (pos_ < in_.size() && (in_[pos_] == 'e' || in_[pos_] == 'E')) {
      integer = false;
      ++pos_;
      if (pos_ < in_.size() && (in_[pos_] == '+' || in_[pos_] == '-')) ++pos_;
      if (pos_ >= in_.size() || !Digit(in_[pos_])) {
        return Error(start, "a number needs digits in its exponent");
      }
      while (pos_ < in_.size() && Digit(in_[pos_])) ++pos_;
    }
    std::string literal(in_.substr(start, pos_ - start));
    if (integer) {
      errno = 0;
      char* end = nullptr;
      if (negative) {
        (void)std::strtoll(literal.c_str(), &end, 10);
      } else {
        (void)std::strtoull(literal.c_str(), &end, 10);
      }
      if (errno != ERANGE) return true;
    }
    errno = 0;
    double value = std::strtod(literal.c_str(), nullptr);
    if (std::isinf(value)) {
      return Error(start,
                   fmt::format("number {} is beyond the range of a double (I-JSON)",
                               literal.size() > 40 ? literal.substr(0, 40) + "..." : literal));
    }
    if (integer) result_.big_integer_ends.push_back(pos_);
    return true;
  }

  std::string_view in_;
  std::size_t max_depth_;
  std::size_t pos_ = 0;
  ScanResult result_;
};

}  // namespace

ScanResult ScanStrict(std::string_view input, std::size_t max_depth) {
  return Scanner(input, max_depth).Run();
}

}  // namespace podgate::json
