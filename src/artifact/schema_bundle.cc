// BundledSchemaDocument (include/podgate/artifact.h): a kind's schema document with the
// documents it refers to embedded, as a JSON Schema 2020-12 compound document (section 9.3):
// each embedded document keeps its own $id, so a `$ref` by that URI, and the `#/$defs/...`
// references inside it, resolve within the one document.

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <simdjson.h>

#include "json/writer.h"
#include "podgate/artifact.h"

namespace podgate {
namespace {

// The kind whose schema document has `$id` == `uri`, if any.
std::optional<Kind> KindOfSchemaId(std::string_view uri) {
  for (Kind kind : kAllKinds) {
    simdjson::dom::parser parser;
    auto id = parser.parse(std::string(SchemaDocument(kind)))["$id"].get_string();
    if (!id.error() && id.value() == uri) return kind;
  }
  return std::nullopt;
}

// Adds to `refs` every `$ref` under `element` that names another document (not a fragment of
// this one), once.
void CollectForeignRefs(simdjson::dom::element element, std::vector<std::string>* refs) {
  if (element.is_object()) {
    simdjson::dom::object object = element.get_object().value_unsafe();
    for (auto [key, value] : object) {
      if (key == "$ref" && value.is_string()) {
        std::string_view ref = value.get_string().value_unsafe();
        if (!ref.starts_with("#") && std::find(refs->begin(), refs->end(), ref) == refs->end()) {
          refs->emplace_back(ref);
        }
      } else {
        CollectForeignRefs(value, refs);
      }
    }
  } else if (element.is_array()) {
    simdjson::dom::array array = element.get_array().value_unsafe();
    for (auto value : array) CollectForeignRefs(value, refs);
  }
}

void AppendMember(std::string* out, std::string_view key, std::string_view json_value) {
  if (out->back() != '{') out->push_back(',');
  json::AppendQuoted(out, key);
  out->push_back(':');
  out->append(json_value);
}

}  // namespace

std::string BundledSchemaDocument(Kind kind) {
  simdjson::dom::parser parser;
  simdjson::dom::element root = parser.parse(std::string(SchemaDocument(kind))).value();

  // Every document reached through foreign references, in the order first met (the documents
  // are podgate's own: a reference that names none of them stays as it is).
  std::vector<std::string> refs;
  CollectForeignRefs(root, &refs);
  std::vector<std::pair<Kind, std::string>> embedded;  // kind, its minified document
  for (std::size_t i = 0; i < refs.size(); ++i) {
    auto target = KindOfSchemaId(refs[i]);
    if (!target || *target == kind) continue;
    simdjson::dom::parser inner;
    simdjson::dom::element doc = inner.parse(std::string(SchemaDocument(*target))).value();
    CollectForeignRefs(doc, &refs);
    embedded.emplace_back(*target, simdjson::to_string(doc));
  }

  std::string out = "{";
  bool had_defs = false;
  simdjson::dom::object members = root.get_object().value();
  for (auto [key, value] : members) {
    if (key != "$defs") {
      AppendMember(&out, key, simdjson::to_string(value));
      continue;
    }
    had_defs = true;
    std::string defs = "{";
    simdjson::dom::object definitions = value.get_object().value_unsafe();
    for (auto [name, definition] : definitions) {
      AppendMember(&defs, name, simdjson::to_string(definition));
    }
    for (const auto& [k, document] : embedded) AppendMember(&defs, KindName(k), document);
    defs.push_back('}');
    AppendMember(&out, "$defs", defs);
  }
  if (!had_defs && !embedded.empty()) {
    std::string defs = "{";
    for (const auto& [k, document] : embedded) AppendMember(&defs, KindName(k), document);
    defs.push_back('}');
    AppendMember(&out, "$defs", defs);
  }
  out += "}\n";
  return out;
}

}  // namespace podgate
