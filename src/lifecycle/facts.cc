#include "lifecycle/facts.h"

#include <sodium.h>

#include <fmt/format.h>

#include "podgate/timestamp.h"

namespace podgate::lifecycle {
namespace {

Status Missing(std::string_view pointer, std::string_view what) {
  return Status(Code::kSchemaInvalid, fmt::format("{}: {}", pointer, what));
}

// Reads string member `name` of `object` into *out; `pointer` names it in errors.
Status ReadString(json::Object object, std::string_view name, std::string_view pointer,
                  std::string* out) {
  std::string_view value;
  if (object[name].get_string().get(value) != simdjson::SUCCESS) {
    return Missing(pointer, "a string is required here");
  }
  out->assign(value);
  return Status::Ok();
}

Status ReadTime(json::Object object, std::string_view name, std::string_view pointer,
                Timestamp* out) {
  std::string text;
  if (Status s = ReadString(object, name, pointer, &text); !s.ok()) return s;
  TimestampError error;
  auto parsed = ParseRfc3339(text, &error);
  if (!parsed) return Missing(pointer, "not an RFC 3339 date-time: " + error.reason);
  *out = *parsed;
  return Status::Ok();
}

}  // namespace

Result<Facts> ExtractFacts(json::Object root, Kind kind) {
  Facts f;
  f.kind = kind;
  if (kind == Kind::kParticipantBind) {
    if (Status s = ReadString(root, "bind/id", "/bind~1id", &f.id); !s.ok()) return s;
    return f;
  }
  json::Object bind;
  if (root["participant-bind"].get_object().get(bind) != simdjson::SUCCESS) {
    return Missing("/participant-bind", "an object is required here");
  }
  Status s;
  if (s = ReadString(root, "serving-node/id", "/serving-node~1id", &f.serving_node); !s.ok()) {
    return s;
  }
  if (s = ReadString(root, "client-instance/id", "/client-instance~1id", &f.client_instance);
      !s.ok()) {
    return s;
  }
  if (s = ReadString(bind, "via/node-id", "/participant-bind/via~1node-id", &f.via_node); !s.ok()) {
    return s;
  }
  if (s = ReadString(bind, "participant/id", "/participant-bind/participant~1id", &f.participant);
      !s.ok()) {
    return s;
  }
  if (s = ReadString(bind, "bind/id", "/participant-bind/bind~1id", &f.bind_id); !s.ok()) {
    return s;
  }
  if (s = ReadTime(bind, "bound-at", "/participant-bind/bound-at", &f.bound_at); !s.ok()) {
    return s;
  }
  switch (kind) {
    case Kind::kAttachment:
      if (s = ReadString(root, "attachment/id", "/attachment~1id", &f.id); !s.ok()) return s;
      if (s = ReadTime(root, "attached-at", "/attached-at", &f.at); !s.ok()) return s;
      break;
    case Kind::kDetachment:
      if (s = ReadString(root, "detachment/id", "/detachment~1id", &f.id); !s.ok()) return s;
      if (s = ReadTime(root, "detached-at", "/detached-at", &f.at); !s.ok()) return s;
      if (s = ReadString(root, "attachment/id", "/attachment~1id", &f.ref_id); !s.ok()) return s;
      if (s = ReadString(root, "detach/reason", "/detach~1reason", &f.detail); !s.ok()) return s;
      break;
    case Kind::kRecovery:
      if (s = ReadString(root, "recovery/id", "/recovery~1id", &f.id); !s.ok()) return s;
      if (s = ReadTime(root, "recovered-at", "/recovered-at", &f.at); !s.ok()) return s;
      if (s = ReadString(root, "recovery/from-detachment-id", "/recovery~1from-detachment-id",
                         &f.ref_id);
          !s.ok()) {
        return s;
      }
      if (s = ReadString(root, "recovery/mode", "/recovery~1mode", &f.detail); !s.ok()) return s;
      break;
    case Kind::kParticipantBind:
      break;
  }
  return f;
}

std::string Sha256(std::string_view bytes) {
  std::string digest(crypto_hash_sha256_BYTES, '\0');
  crypto_hash_sha256(reinterpret_cast<unsigned char*>(digest.data()),
                     reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return digest;
}

}  // namespace podgate::lifecycle
