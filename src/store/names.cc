// Names of the ledger's enums (include/podgate/ledger.h).

#include "podgate/ledger.h"

namespace podgate {

std::string_view EventTypeName(EventType type) {
  switch (type) {
    case EventType::kAttached:
      return "attached";
    case EventType::kDetached:
      return "detached";
    case EventType::kRecovered:
      return "recovered";
    case EventType::kEvicted:
      return "evicted";
  }
  return "unknown";
}

std::optional<EventType> EventTypeFromName(std::string_view name) {
  for (EventType type :
       {EventType::kAttached, EventType::kDetached, EventType::kRecovered, EventType::kEvicted}) {
    if (EventTypeName(type) == name) return type;
  }
  return std::nullopt;
}

std::string_view VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kAdmitted:
      return "admitted";
    case Verdict::kDuplicate:
      return "duplicate";
    case Verdict::kRejected:
      return "rejected";
  }
  return "unknown";
}

}  // namespace podgate
