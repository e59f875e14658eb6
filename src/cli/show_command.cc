// podgate show: the read models of the ledger, a client instance's current state or a
// participant's client instances.

#include <fmt/format.h>

#include "cli/commands.h"
#include "json/writer.h"
#include "podgate/ledger.h"

namespace podgate::cli {
namespace {

void OptionalString(json::Writer* w, std::string_view key, std::string_view value) {
  w->Key(key);
  if (value.empty()) {
    w->Null();
  } else {
    w->String(value);
  }
}

std::string StateJson(const ClientInstanceState& s) {
  std::string out;
  json::Writer w(&out);
  w.BeginObject().Key("client-instance").String(s.client_instance);
  w.Key("state").String(s.state);
  w.Key("participant").String(s.participant);
  OptionalString(&w, "attachment", s.attachment_id);
  OptionalString(&w, "detachment", s.detachment_id);
  OptionalString(&w, "recovery", s.recovery_id);
  OptionalString(&w, "reason", s.reason);
  w.Key("since").String(s.since.ToRfc3339());
  w.Key("seq").UInt(s.last_seq);
  w.EndObject();
  out.push_back('\n');
  return out;
}

std::string StateText(const ClientInstanceState& s) {
  std::string out = fmt::format("{}: {} since {} (event {})\n", s.client_instance, s.state,
                                s.since.ToRfc3339(), s.last_seq);
  out += fmt::format("  participant: {}\n", s.participant);
  if (!s.attachment_id.empty()) out += fmt::format("  attachment: {}\n", s.attachment_id);
  if (!s.detachment_id.empty()) {
    out += fmt::format("  detachment: {}{}\n", s.detachment_id,
                       s.reason.empty() ? "" : fmt::format(" ({})", s.reason));
  }
  if (!s.recovery_id.empty()) out += fmt::format("  recovery: {}\n", s.recovery_id);
  return out;
}

}  // namespace

Result<std::unique_ptr<Ledger>> OpenExistingLedger(const std::string& url) {
  LedgerOptions options;
  options.create_if_missing = false;
  return OpenLedger(url, options);
}

int RunShow(const ShowOptions& options) {
  auto ledger = OpenExistingLedger(options.db);
  if (!ledger.ok()) {
    fmt::print(stderr, "podgate: {}\n", ledger.status().ToString());
    return 2;
  }
  std::vector<ClientInstanceState> states;
  if (!options.participant.empty()) {
    auto found = (*ledger)->ParticipantClientInstances(options.participant);
    if (!found.ok()) {
      fmt::print(stderr, "podgate: {}\n", found.status().ToString());
      return 2;
    }
    states = std::move(found).value();
    if (states.empty()) {
      fmt::print(stderr, "podgate: participant {} has no client instances in the ledger\n",
                 options.participant);
      return 1;
    }
  } else {
    auto found = (*ledger)->GetClientInstance(options.client_instance);
    if (!found.ok()) {
      fmt::print(stderr, "podgate: {}\n", found.status().ToString());
      return 2;
    }
    if (!*found) {
      fmt::print(stderr, "podgate: client instance {} is not in the ledger\n",
                 options.client_instance);
      return 1;
    }
    states.push_back(std::move(**found));
  }
  std::string out;
  for (const auto& s : states) out += options.format == Format::kJson ? StateJson(s) : StateText(s);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

}  // namespace podgate::cli
