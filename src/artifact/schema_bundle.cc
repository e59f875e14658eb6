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

// The `$id` of each kind's schema document, read once per bundle.
using SchemaIds = std::vector<std::pair<Kind, std::string>>;
SchemaIds ReadSchemaIds() {
  SchemaIds ids;
  simdjson::dom::parser parser;
  for (Kind kind : kAllKinds) {
    auto id = parser.parse(std::string(SchemaDocument(kind)))["$id"].get_string();
    ids.emplace_back(kind, id.error() ? std::string() : std::string(id.value()));
  }
  return ids;
}

// The kind whose schema document has `$id` == `uri`, if any.
std::optional<Kind> KindOfSchemaId(const SchemaIds& ids, std::string_view uri) {
  for (const auto& [kind, id] : ids) {
    if (id == uri) return kind;
  }
  return std::nullopt;
}

const std::string& SchemaIdOf(const SchemaIds& ids, Kind kind) {
  return std::find_if(ids.begin(), ids.end(), [kind](const auto& e) { return e.first == kind; })
      ->second;
}

// Adds to `refs` every document (the URI before any `#` fragment) a `$ref` under `element`
// names, other than this one (`#...`), once.
void CollectForeignRefs(simdjson::dom::element element, std::vector<std::string>* refs) {
  if (element.is_object()) {
    simdjson::dom::object object = element.get_object().value_unsafe();
    for (auto [key, value] : object) {
      if (key == "$ref" && value.is_string()) {
        std::string_view ref = value.get_string().value_unsafe();
        ref = ref.substr(0, ref.find('#'));
        if (!ref.empty() && std::find(refs->begin(), refs->end(), ref) == refs->end()) {
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
  const SchemaIds ids = ReadSchemaIds();
  std::vector<std::string> refs;
  CollectForeignRefs(root, &refs);
  std::vector<std::pair<Kind, std::string>> embedded;  // kind, its minified document
  for (std::size_t i = 0; i < refs.size(); ++i) {
    auto target = KindOfSchemaId(ids, refs[i]);
    if (!target || *target == kind) continue;
    simdjson::dom::parser inner;
    simdjson::dom::element doc = inner.parse(std::string(SchemaDocument(*target))).value();
    CollectForeignRefs(doc, &refs);
    embedded.emplace_back(*target, simdjson::to_string(doc));
  }

  // "$defs": the document's own definitions, then each embedded document under its kind's name
  // (or under its $id, should the document define that name itself).
  auto definitions_with_embedded = [&embedded, &ids](std::optional<simdjson::dom::object> own) {
    std::string defs = "{";
    std::vector<std::string_view> names;
    if (own) {
      for (auto [name, definition] : *own) {
        names.push_back(name);
        AppendMember(&defs, name, simdjson::to_string(definition));
      }
    }
    for (const auto& [k, document] : embedded) {
      std::string_view name = KindName(k);
      if (std::find(names.begin(), names.end(), name) != names.end()) {
        AppendMember(&defs, SchemaIdOf(ids, k), document);
      } else {
        AppendMember(&defs, name, document);
      }
    }
    defs.push_back('}');
    return defs;
  };
  std::string out = "{";
  bool had_defs = false;
  simdjson::dom::object members = root.get_object().value();
  for (auto [key, value] : members) {
    if (key == "$defs") {
      had_defs = true;
      AppendMember(&out, key, definitions_with_embedded(value.get_object().value_unsafe()));
    } else {
      AppendMember(&out, key, simdjson::to_string(value));
    }
  }
  if (!had_defs && !embedded.empty()) {
    AppendMember(&out, "$defs", definitions_with_embedded(std::nullopt));
  }
  out += "}\n";
  return out;
}

}  // namespace podgate
