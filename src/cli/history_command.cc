// podgate history: every fact of the ledger about one client instance, oldest first.

#include <fmt/format.h>

#include "cli/commands.h"
#include "json/writer.h"
#include "podgate/ledger.h"

namespace podgate::cli {

int RunHistory(const ShowOptions& options) {
  auto ledger = OpenExistingLedger(options.db);
  if (!ledger.ok()) {
    fmt::print(stderr, "podgate: {}\n", ledger.status().ToString());
    return 2;
  }
  auto events = (*ledger)->ClientInstanceHistory(options.client_instance);
  if (!events.ok()) {
    fmt::print(stderr, "podgate: {}\n", events.status().ToString());
    return 2;
  }
  if (events->empty()) {
    fmt::print(stderr, "podgate: client instance {} is not in the ledger\n",
               options.client_instance);
    return 1;
  }
  std::string out;
  for (const Event& e : *events) {
    if (options.format == Format::kJson) {
      json::Writer w(&out);
      w.BeginObject().Key("seq").UInt(e.seq);
      w.Key("event").String(EventTypeName(e.type));
      w.Key("kind").String(KindName(e.kind));
      w.Key("id").String(e.id);
      w.Key("ref").String(e.ref_id);
      w.Key("detail").String(e.detail);
      w.Key("client-instance").String(e.client_instance);
      w.Key("participant").String(e.participant);
      w.Key("at").String(e.at.ToRfc3339());
      w.Key("recorded-at").String(e.recorded_at.ToRfc3339());
      w.Key("artifact");
      if (e.json.empty()) {
        w.Null();
      } else {
        w.Raw(CompactJson(e.json));
      }
      w.EndObject();
      out.push_back('\n');
    } else {
      out +=
          fmt::format("{:>6}  {}  {:<9}  {}", e.seq, e.at.ToRfc3339(), EventTypeName(e.type), e.id);
      if (!e.detail.empty()) out += fmt::format(" ({})", e.detail);
      if (!e.ref_id.empty()) {
        out += fmt::format(" {} {}", e.type == EventType::kRecovered ? "from" : "of", e.ref_id);
      }
      if (e.client_instance != options.client_instance) {
        out += fmt::format(" [client instance {}]", e.client_instance);
      }
      out.push_back('\n');
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

}  // namespace podgate::cli
