#include "proof/signing.h"

#include <sodium.h>

namespace podgate {

std::string_view DomainName(Domain domain) {
  switch (domain) {
    case Domain::kParticipantBind:
      return "participant-bind.v1";
    case Domain::kDetachment:
      return "client-instance-detachment.v1";
    case Domain::kRecovery:
      return "client-instance-recovery.v1";
    case Domain::kAttachmentRequest:
      return "client-instance-attachment.v1.request";
    case Domain::kDetachmentRequest:
      return "client-instance-detachment.v1.request";
    case Domain::kRecoveryRequest:
      return "client-instance-recovery.v1.request";
  }
  return "";
}

std::optional<Domain> AttestationDomain(Kind kind) {
  switch (kind) {
    case Kind::kParticipantBind:
      return Domain::kParticipantBind;
    case Kind::kDetachment:
      return Domain::kDetachment;
    case Kind::kRecovery:
      return Domain::kRecovery;
    case Kind::kAttachment:
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<Domain> RequestDomain(Kind kind) {
  switch (kind) {
    case Kind::kAttachment:
      return Domain::kAttachmentRequest;
    case Kind::kDetachment:
      return Domain::kDetachmentRequest;
    case Kind::kRecovery:
      return Domain::kRecoveryRequest;
    case Kind::kParticipantBind:
      return std::nullopt;
  }
  return std::nullopt;
}

Result<std::string> SigningInput(Domain domain, std::string_view json) {
  json::Parser parser(json::LimitsFitting(json));
  json::Element root;
  Status parsed = parser.ParseCopy(json, &root);
  if (!parsed.ok()) return parsed;
  std::string out;
  proof::SigningInputBuilder builder;
  builder.Build(domain, root.get_object().value_unsafe(), &out);
  return out;
}

namespace proof {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::size_t SkipSpace(std::string_view s, std::size_t i) {
  while (i < s.size() && IsSpace(s[i])) ++i;
  return i;
}

// `i` is at an opening quote; returns the index just past the closing quote.
std::size_t SkipString(std::string_view s, std::size_t i) {
  for (++i; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
    } else if (s[i] == '"') {
      return i + 1;
    }
  }
  return s.size();
}

// Returns the index just past the value that starts at `i`.
std::size_t SkipValue(std::string_view s, std::size_t i) {
  if (i >= s.size()) return i;
  if (s[i] == '"') return SkipString(s, i);
  if (s[i] == '{' || s[i] == '[') {
    int depth = 0;
    while (i < s.size()) {
      char c = s[i];
      if (c == '"') {
        i = SkipString(s, i);
        continue;
      }
      if (c == '{' || c == '[') ++depth;
      if (c == '}' || c == ']') {
        if (--depth == 0) return i + 1;
      }
      ++i;
    }
    return i;
  }
  while (i < s.size() && !IsSpace(s[i]) && s[i] != ',' && s[i] != '}' && s[i] != ']') ++i;
  return i;
}

void AppendUtf8(std::string* out, std::uint32_t cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out->push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

std::uint32_t Hex4(std::string_view s, std::size_t i) {
  std::uint32_t value = 0;
  for (std::size_t k = i; k < i + 4 && k < s.size(); ++k) {
    char c = s[k];
    value <<= 4;
    if (c >= '0' && c <= '9') value |= static_cast<std::uint32_t>(c - '0');
    if (c >= 'a' && c <= 'f') value |= static_cast<std::uint32_t>(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') value |= static_cast<std::uint32_t>(c - 'A' + 10);
  }
  return value;
}

// The member name of the raw string body `raw` (between the quotes), escapes decoded; the
// input is strict JSON, so every escape is well-formed.
std::string Unescape(std::string_view raw) {
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\\' || i + 1 >= raw.size()) {
      out.push_back(raw[i]);
      continue;
    }
    char c = raw[++i];
    switch (c) {
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'u': {
        std::uint32_t cp = Hex4(raw, i + 1);
        i += 4;
        if (cp >= 0xd800 && cp < 0xdc00 && i + 6 < raw.size() && raw[i + 1] == '\\' &&
            raw[i + 2] == 'u') {
          std::uint32_t low = Hex4(raw, i + 3);
          cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
          i += 6;
        }
        AppendUtf8(&out, cp);
        break;
      }
      default:
        out.push_back(c);  // '"', '\\', '/'
    }
  }
  return out;
}

}  // namespace

bool EnsureSodium() { return sodium_init() >= 0; }

void SigningInputBuilder::Build(Domain domain, json::Object object, std::string* out) {
  out->clear();
  out->append(DomainName(domain));
  out->push_back('\0');
  encoder_.AppendObject(object, kProofFields, out);
}

std::string SpliceSignature(std::string_view json, std::string_view name,
                            std::string_view signature) {
  std::size_t open = SkipSpace(json, 0);
  std::size_t i = open + 1;
  std::string_view first_gap;  // whitespace before the first member: the indentation
  bool space_after_colon = false;
  bool first = true;
  std::size_t last_value_end = i;
  std::size_t found_begin = std::string_view::npos, found_end = 0;
  while (true) {
    std::size_t at = SkipSpace(json, i);
    if (at >= json.size() || json[at] == '}') break;
    if (json[at] == ',') at = SkipSpace(json, at + 1);
    if (first) first_gap = json.substr(i, at - i);
    std::size_t key_end = SkipString(json, at);
    std::string_view raw = json.substr(at + 1, key_end - at - 2);
    std::size_t colon = SkipSpace(json, key_end);
    if (first) space_after_colon = colon + 1 < json.size() && json[colon + 1] == ' ';
    first = false;
    std::size_t value_begin = SkipSpace(json, colon + 1);
    std::size_t value_end = SkipValue(json, value_begin);
    bool match = raw.find('\\') == std::string_view::npos ? raw == name : Unescape(raw) == name;
    if (match) {
      found_begin = value_begin;
      found_end = value_end;
    }
    last_value_end = value_end;
    i = value_end;
  }

  // The member's value, laid out like the document: pretty-printed one level deeper than the
  // top-level members when those sit on their own lines, compact otherwise.
  std::string_view colon = space_after_colon ? ": " : ":";
  std::string value;
  auto newline = first_gap.rfind('\n');
  if (newline != std::string_view::npos) {
    std::string indent(first_gap.substr(newline + 1));
    std::string inner = indent + indent;
    if (inner.empty()) inner = "  ";
    value = "{\n" + inner + "\"alg\"" + std::string(colon) + "\"ed25519\",\n" + inner +
            "\"value\"" + std::string(colon) + "\"" + std::string(signature) + "\"\n" + indent +
            "}";
  } else {
    value = "{\"alg\"" + std::string(colon) + "\"ed25519\"," + (space_after_colon ? " " : "") +
            "\"value\"" + std::string(colon) + "\"" + std::string(signature) + "\"}";
  }

  std::string out;
  out.reserve(json.size() + value.size() + name.size() + 16);
  if (found_begin != std::string_view::npos) {
    out.append(json.substr(0, found_begin));
    out.append(value);
    out.append(json.substr(found_end));
    return out;
  }
  out.append(json.substr(0, last_value_end));
  if (!first) out.push_back(',');
  out.append(first ? std::string_view() : first_gap);
  out.push_back('"');
  out.append(name);
  out.push_back('"');
  out.append(colon);
  out.append(value);
  out.append(json.substr(last_value_end));
  return out;
}

}  // namespace proof
}  // namespace podgate
