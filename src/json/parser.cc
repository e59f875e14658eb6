#include "json/parser.h"

#include <algorithm>
#include <memory>
#include <unordered_set>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "json/strict_scanner.h"

namespace podgate::json {
namespace {

std::optional<SyntaxError> TooLarge(std::size_t size, const Limits& limits) {
  if (size <= limits.max_bytes) return std::nullopt;
  return SyntaxError{
      limits.max_bytes,
      fmt::format("the document is {} bytes, over the limit of {} bytes", size, limits.max_bytes)};
}

bool IsContainer(Element element) { return element.is_object() || element.is_array(); }

// Whether `element` holds an object with a repeated member name; if so, *pointer is set to
// that object's JSON Pointer relative to `element`. The pointer is built on the way out of the
// recursion, so a document without duplicates (every admitted one) costs no pointer text.
bool FindDuplicateIn(Element element, std::string* pointer) {
  if (element.is_object()) {
    Object object = element.get_object().value_unsafe();
    // Small objects (every closed artifact shape) compare pairwise; large ones hash.
    constexpr std::size_t kPairwiseLimit = 16;
    std::string_view small[kPairwiseLimit];
    std::size_t count = 0;
    std::unordered_set<std::string_view> large;
    for (auto field : object) {
      std::string_view key = field.key;
      if (count < kPairwiseLimit) {
        for (std::size_t i = 0; i < count; ++i) {
          if (small[i] == key) {
            pointer->clear();
            return true;
          }
        }
        small[count++] = key;
      } else {
        if (large.empty()) large.insert(small, small + kPairwiseLimit);
        if (!large.insert(key).second) {
          pointer->clear();
          return true;
        }
      }
    }
    for (auto field : object) {
      if (IsContainer(field.value) && FindDuplicateIn(field.value, pointer)) {
        std::string step;
        AppendPointer(&step, field.key);
        pointer->insert(0, step);
        return true;
      }
    }
  } else if (element.is_array()) {
    std::size_t index = 0;
    Array array = element.get_array().value_unsafe();
    for (Element item : array) {
      if (IsContainer(item) && FindDuplicateIn(item, pointer)) {
        std::string step;
        AppendPointer(&step, index);
        pointer->insert(0, step);
        return true;
      }
      ++index;
    }
  }
  return false;
}

std::size_t FirstNonSpace(std::string_view input) {
  std::size_t i = 0;
  while (i < input.size() &&
         (input[i] == ' ' || input[i] == '\t' || input[i] == '\n' || input[i] == '\r')) {
    ++i;
  }
  return i;
}

}  // namespace

Status MalformedJson(const SyntaxError& error) {
  return Status(Code::kMalformedJson, fmt::format("at byte {}: {}", error.offset, error.message));
}

Parser::Parser(Limits limits) : limits_(limits), parser_(limits.max_bytes) {
  // Allocating up front keeps Parse() free of allocation; a failure here (out of memory)
  // resurfaces as an error from the first Parse().
  init_error_ = parser_.allocate(limits_.max_bytes, limits_.max_depth);
}

Status Parser::Fail(SyntaxError error, SyntaxError* out) {
  Status status = MalformedJson(error);
  if (out != nullptr) *out = std::move(error);
  return status;
}

Status Parser::Parse(std::string_view input, Element* root, bool check_duplicates,
                     SyntaxError* error) {
  if (auto too_large = TooLarge(input.size(), limits_)) return Fail(*too_large, error);
  if (init_error_ != simdjson::SUCCESS) {
    return Status(Code::kInternal, "the JSON parser could not allocate its buffers");
  }
  auto parsed = parser_.parse(input.data(), input.size(), /*realloc_if_needed=*/false);
  if (parsed.error() == simdjson::SUCCESS) {
    *root = parsed.value_unsafe();
    if (!root->is_object()) {
      // The scanner names the top-level value's type in the same words as for any input.
      ScanResult scan = ScanStrict(input, limits_.max_depth);
      return Fail({scan.ok ? FirstNonSpace(input) : scan.offset,
                   scan.ok ? "the top-level value is not an object" : scan.message},
                  error);
    }
    if (check_duplicates && FindDuplicateName(*root)) {
      if (auto diagnosis = Diagnose(input)) return Fail(*diagnosis, error);
      return Fail({0, "duplicate member name"}, error);
    }
    return Status::Ok();
  }
  if (parsed.error() == simdjson::MEMALLOC) {
    return Status(Code::kInternal, "out of memory while parsing JSON");
  }

  ScanResult scan = ScanStrict(input, limits_.max_depth);
  if (!scan.ok) return Fail({scan.offset, std::move(scan.message)}, error);
  // The scanner accepts what simdjson refused. Two cases are known and legitimate:
  // - integer literals beyond 64 bits, which denote floats (DESIGN.md section 2); simdjson
  //   refuses them as integers but reads them exactly as floats once they carry a fraction;
  // - a non-empty container at the deepest allowed level: simdjson's depth count is one level
  //   stricter than the contract's.
  // Both are re-read by a parser one level deeper and large enough for the rewrite (the
  // scanner has already bounded the depth). Anything else fails closed, in simdjson's words.
  std::string_view reparse = input;
  if (!scan.big_integer_ends.empty()) {
    RewriteBigIntegers(input, scan.big_integer_ends);
    reparse = std::string_view(rewrite_.data(), rewrite_.size() - kPadding);
  }
  simdjson::dom::parser* slow = SlowParser(reparse.size());
  if (slow == nullptr) return Status(Code::kInternal, "out of memory while parsing JSON");
  auto reparsed = slow->parse(reparse.data(), reparse.size(), false);
  if (reparsed.error() != simdjson::SUCCESS) {
    return Fail({0, fmt::format("rejected by the JSON parser: {}",
                                simdjson::error_message(reparsed.error()))},
                error);
  }
  *root = reparsed.value_unsafe();
  return Status::Ok();  // the scanner found no duplicate names
}

simdjson::dom::parser* Parser::SlowParser(std::size_t size) {
  if (slow_ == nullptr || slow_->capacity() < size) {
    auto parser = std::make_unique<simdjson::dom::parser>();
    if (parser->allocate(std::max(size, limits_.max_bytes), limits_.max_depth + 1) !=
        simdjson::SUCCESS) {
      return nullptr;
    }
    slow_ = std::move(parser);
  }
  return slow_.get();
}

void Parser::RewriteBigIntegers(std::string_view input, const std::vector<std::size_t>& ends) {
  rewrite_.clear();
  rewrite_.reserve(input.size() + 2 * ends.size() + kPadding);
  std::size_t from = 0;
  for (std::size_t end : ends) {
    rewrite_.append(input.substr(from, end - from));
    rewrite_ += ".0";
    from = end;
  }
  rewrite_.append(input.substr(from));
  rewrite_.append(kPadding, '\0');
}

Status Parser::ParseCopy(std::string_view input, Element* root, SyntaxError* error) {
  if (auto too_large = TooLarge(input.size(), limits_)) return Fail(*too_large, error);
  copy_.assign(input);
  copy_.append(kPadding, '\0');
  return Parse(std::string_view(copy_.data(), input.size()), root, true, error);
}

std::optional<SyntaxError> Parser::Diagnose(std::string_view input) const {
  if (auto too_large = TooLarge(input.size(), limits_)) return too_large;
  ScanResult scan = ScanStrict(input, limits_.max_depth);
  if (scan.ok) return std::nullopt;
  return SyntaxError{scan.offset, std::move(scan.message)};
}

std::optional<std::string> FindDuplicateName(Element element) {
  std::string pointer;
  if (FindDuplicateIn(element, &pointer)) return pointer;
  return std::nullopt;
}

void AppendPointer(std::string* pointer, std::string_view name) {
  pointer->push_back('/');
  for (char c : name) {
    if (c == '~') {
      pointer->append("~0");
    } else if (c == '/') {
      pointer->append("~1");
    } else {
      pointer->push_back(c);
    }
  }
}

void AppendPointer(std::string* pointer, std::size_t index) {
  pointer->push_back('/');
  pointer->append(std::to_string(index));
}

}  // namespace podgate::json
