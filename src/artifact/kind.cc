#include <array>

#include "podgate/artifact.h"

namespace podgate {
namespace {

struct KindEntry {
  Kind kind;
  std::string_view name;
  std::string_view id_field;
};

constexpr std::array<KindEntry, 4> kKinds = {{
    {Kind::kParticipantBind, "participant-bind", "bind/id"},
    {Kind::kAttachment, "client-instance-attachment", "attachment/id"},
    {Kind::kDetachment, "client-instance-detachment", "detachment/id"},
    {Kind::kRecovery, "client-instance-recovery", "recovery/id"},
}};

}  // namespace

std::string_view KindName(Kind kind) { return kKinds[static_cast<std::size_t>(kind)].name; }

std::string_view KindIdField(Kind kind) {
  return kKinds[static_cast<std::size_t>(kind)].id_field;
}

std::optional<Kind> KindFromName(std::string_view name) {
  if (name.ends_with(".v1")) name.remove_suffix(3);
  for (const auto& entry : kKinds) {
    if (entry.name == name) return entry.kind;
  }
  return std::nullopt;
}

std::optional<Kind> KindFromFileName(std::string_view path) {
  // "<anything>.<kind>.json", the way upstream names its examples.
  constexpr std::string_view kSuffix = ".json";
  if (!path.ends_with(kSuffix)) return std::nullopt;
  path.remove_suffix(kSuffix.size());
  for (const auto& entry : kKinds) {
    if (path.ends_with(entry.name) && path.size() > entry.name.size() &&
        path[path.size() - entry.name.size() - 1] == '.') {
      return entry.kind;
    }
  }
  return std::nullopt;
}

}  // namespace podgate
