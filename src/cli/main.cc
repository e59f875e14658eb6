// podgate: the command line (DESIGN.md section 4). Parses arguments and hands over to the
// subcommand in src/cli/*_command.cc.

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "podgate/ledger.h"

namespace podgate::cli {
namespace {

constexpr const char* kLedgerUrlHelp =
    "Ledger URL: sqlite:PATH or postgresql://USER@HOST:PORT/DB (a libpq URI; several gate "
    "processes may share one PostgreSQL ledger)";

// The message for a --kind (or schema KIND) that names no kind, listing the kinds there are.
void UnknownKind(std::string_view name) {
  fmt::print(stderr,
             "podgate: unknown kind \"{}\": the kinds are participant-bind, "
             "client-instance-attachment, client-instance-detachment and "
             "client-instance-recovery\n",
             name);
}

// --kind, --format, --ndjson, --quiet and the inputs, as validate and verify share them.
void AddCheckOptions(CLI::App* command, CheckOptions* options, std::string* kind,
                     std::string* format) {
  command->add_option("--kind", *kind,
                      "Artifact kind: participant-bind, client-instance-attachment, "
                      "client-instance-detachment or client-instance-recovery (default: from the "
                      "file name suffix, else from the kind-specific id member)");
  command->add_option("--format", *format, "Output format: text or json")
      ->check(CLI::IsMember({"text", "json"}));
  command->add_flag("--ndjson", options->ndjson, "Each input holds one artifact per line");
  command->add_flag("--quiet", options->quiet, "Print only the final count line");
  command->add_option("--max-bytes", options->max_bytes, "Size limit per artifact in bytes")
      ->check(CLI::Range(std::size_t{2}, std::size_t{1} << 30));
  command->add_option("inputs", options->inputs, "Files to check, or - for standard input")
      ->required();
}

// Applies --kind and --format; false (after printing why) when --kind names no kind.
bool FinishCheckOptions(CheckOptions* options, const std::string& kind, const std::string& format) {
  options->format = format == "json" ? Format::kJson : Format::kText;
  if (!kind.empty()) {
    options->kind = KindFromName(kind);
    if (!options->kind) {
      UnknownKind(kind);
      return false;
    }
  }
  return true;
}

int Main(int argc, char** argv) {
  CLI::App app{"podgate: the serving node's gate for the client-instance lifecycle"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "podgate 0.1.0");

  CheckOptions validate;
  std::string validate_kind, validate_format = "text";
  auto* validate_cmd = app.add_subcommand(
      "validate", "Check artifacts against layers 1 and 2: strict JSON and the kind's schema");
  AddCheckOptions(validate_cmd, &validate, &validate_kind, &validate_format);

  CheckOptions verify;
  std::string verify_kind, verify_format = "text";
  auto* verify_cmd = app.add_subcommand(
      "verify", "Check artifacts against layers 1 to 3: strict JSON, the schema and the proofs");
  AddCheckOptions(verify_cmd, &verify, &verify_kind, &verify_format);

  SignOptions sign;
  std::string sign_kind;
  auto* sign_cmd = app.add_subcommand(
      "sign",
      "Sign an artifact: a bind with the participant key, a detachment or recovery "
      "with the serving node key (node attestation); or, with --request or --read, make a "
      "participant's signature headers for podgate serve");
  sign_cmd->add_option("--key", sign.key_file, "PKCS#8 PEM Ed25519 key file")->required();
  sign_cmd->add_option("--kind", sign_kind, "Artifact kind (default: as validate detects it)");
  sign_cmd->add_option("--out", sign.out, "Write the signed artifact here (default: stdout)");
  sign_cmd->add_option("--max-bytes", sign.max_bytes, "Size limit of the artifact in bytes")
      ->check(CLI::Range(std::size_t{2}, std::size_t{1} << 30));
  auto* sign_request = sign_cmd->add_flag(
      "--request", sign.request,
      "Print the Participant-Signature header value for posting the artifact (the key is the "
      "bind's participant); the artifact is not changed");
  auto* sign_read = sign_cmd->add_option(
      "--read", sign.read,
      "Print the Participant-Id, Participant-Timestamp and Participant-Signature headers of a "
      "read, given as \"METHOD TARGET\" (e.g. \"GET /v1/client-instances/client:1\"); no input");
  sign_cmd->add_option("--at", sign.at, "The read's timestamp, RFC 3339 (default: now)")
      ->needs(sign_read);
  sign_request->excludes(sign_read);
  auto* sign_input =
      sign_cmd->add_option("input", sign.input, "The artifact file, or - for standard input");
  sign_input->excludes(sign_read);

  KeygenOptions keygen;
  auto* keygen_cmd = app.add_subcommand(
      "keygen", "Write a new Ed25519 key as PKCS#8 PEM (mode 0600) and print its identities");
  keygen_cmd->add_option("--out", keygen.out, "Key file to create (never overwritten)")->required();

  DidOptions did;
  std::string did_role;
  auto* did_cmd = app.add_subcommand(
      "did", "Print the did:key identities of a key file (both roles unless --role)");
  did_cmd->add_option("key", did.key_file, "PKCS#8 PEM Ed25519 key file")->required();
  did_cmd->add_option("--role", did_role, "node or participant: print that identity only")
      ->check(CLI::IsMember({"node", "participant"}));
  did_cmd->add_flag("--multibase", did.multibase,
                    "Print the bare multibase key (participant/key/public)");

  AdmitOptions admit;
  std::string admit_kind, admit_format = "text";
  auto* admit_cmd = app.add_subcommand(
      "admit",
      "Admit artifacts into the ledger (layers 1 to 4), one verdict line per artifact, "
      "each printed once it is durable");
  admit_cmd->add_option("--db", admit.db, kLedgerUrlHelp)->required();
  admit_cmd->add_option("--node-id", admit.node_id, "The gate's node:did:key:... identity")
      ->required();
  admit_cmd->add_option("--node-key", admit.node_key, "The node's PKCS#8 PEM Ed25519 key file")
      ->required();
  admit_cmd->add_option("--now", admit.now, "The gate's clock, RFC 3339 (default: system clock)");
  admit_cmd->add_flag("--operator", admit.operator_rights,
                      "Submit as the operator: node reasons (session-expired, policy, "
                      "operator-action) are allowed");
  admit_cmd->add_option("--kind", admit_kind, "Artifact kind (default: detected)");
  admit_cmd->add_option("--format", admit_format, "Output format: text or json")
      ->check(CLI::IsMember({"text", "json"}));
  admit_cmd->add_flag("--ndjson", admit.ndjson, "Each input holds one artifact per line");
  admit_cmd->add_flag("--quiet", admit.quiet, "Print only the final count line");
  admit_cmd->add_option("--max-bytes", admit.max_bytes, "Size limit per artifact in bytes")
      ->check(CLI::Range(std::size_t{2}, std::size_t{1} << 30));
  admit_cmd->add_option("--batch", admit.batch, "Artifacts per durable commit (default 1024)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20));
  admit_cmd->add_option("--skew", admit.skew_seconds, "Tolerated clock skew in seconds (300)")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1} << 40));
  admit_cmd->add_option("--retain-max-count", admit.retain_max_count,
                        "Hold at most this many detachments (oldest detached-at evicted first)");
  admit_cmd
      ->add_option("--retain-max-age", admit.retain_max_age_seconds,
                   "Evict detachments detached more than this many seconds ago")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1} << 40));
  admit_cmd->add_option("inputs", admit.inputs, "Files to admit, or - for standard input")
      ->required();

  ShowOptions show;
  std::string show_format = "text";
  auto* show_cmd = app.add_subcommand(
      "show", "Show a client instance's current state, or a participant's client instances");
  show_cmd->add_option("--db", show.db, kLedgerUrlHelp)->required();
  show_cmd->add_option("--format", show_format, "Output format: text or json")
      ->check(CLI::IsMember({"text", "json"}));
  auto* show_participant =
      show_cmd->add_option("--participant", show.participant, "A participant:did:key:... id");
  show_cmd->add_option("client-instance", show.client_instance, "A client-instance/id")
      ->excludes(show_participant);

  ShowOptions history;
  std::string history_format = "text";
  auto* history_cmd =
      app.add_subcommand("history", "Print every ledger event about a client instance");
  history_cmd->add_option("--db", history.db, kLedgerUrlHelp)->required();
  history_cmd->add_option("--format", history_format, "Output format: text or json")
      ->check(CLI::IsMember({"text", "json"}));
  history_cmd->add_option("client-instance", history.client_instance, "A client-instance/id")
      ->required();

  ServeOptions serve;
  auto* serve_cmd = app.add_subcommand(
      "serve",
      "Run the gate as an HTTP service (openapi.yaml): admissions, reads, the event "
      "stream, /healthz and /metrics");
  serve_cmd->add_option("--db", serve.db,
                        "Ledger URL: sqlite:PATH or postgresql://USER@HOST:PORT/DB (default "
                        "sqlite:./var/podgate.db)");
  serve_cmd->add_option("--listen", serve.listen,
                        "HOST:PORT to listen on (default 127.0.0.1:8080)");
  serve_cmd->add_option("--node-key", serve.node_key,
                        "The node's PKCS#8 PEM Ed25519 key; created (0600) when missing "
                        "(default ./var/node.pem)");
  serve_cmd->add_option("--operator-token-file", serve.operator_token_file,
                        "File holding the operator's bearer token, mode 0600; created with a "
                        "random token when missing (default ./var/operator.token)");
  serve_cmd->add_option("--session-ttl", serve.session_ttl,
                        "Detach (session-expired) attachments older than this: a number and a unit "
                        "(ms, s, m, h, d), e.g. 30m, 12h, 7d");
  serve_cmd->add_option("--expiry-interval", serve.expiry_interval,
                        "How often session expiry runs (default ttl/10 within 1s..60s)");
  serve_cmd->add_option("--access-log", serve.access_log,
                        "JSON access log: FILE, - for standard error (default) or off");
  serve_cmd->add_option("--threads", serve.threads, "HTTP worker threads (default: one per core)")
      ->check(CLI::Range(0, 256));
  serve_cmd
      ->add_option("--max-body", serve.max_body_bytes,
                   "Largest request body (= artifact) in bytes; larger is 413 (65536)")
      ->check(CLI::Range(std::size_t{2}, std::size_t{1} << 30));
  serve_cmd
      ->add_option("--max-header", serve.max_header_bytes,
                   "Largest request head in bytes; larger is 431 (16384)")
      ->check(CLI::Range(std::size_t{256}, std::size_t{1} << 20));
  serve_cmd
      ->add_option("--max-connections", serve.max_connections,
                   "Open connections at most; more get 503 (1024)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20));
  serve_cmd->add_option("--request-timeout", serve.request_timeout,
                        "Whole request (head and body) must arrive within this (10s)");
  serve_cmd->add_option("--idle-timeout", serve.idle_timeout,
                        "Close a connection idle between requests for this long (60s)");
  serve_cmd->add_option("--skew", serve.skew_seconds, "Tolerated clock skew in seconds (300)")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1} << 40));
  serve_cmd->add_option("--batch", serve.batch, "Admissions per group commit at most (512)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20));
  serve_cmd->add_option("--retain-max-count", serve.retain_max_count,
                        "Hold at most this many detachments (oldest detached-at evicted first)");
  serve_cmd
      ->add_option("--retain-max-age", serve.retain_max_age_seconds,
                   "Evict detachments detached more than this many seconds ago")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1} << 40));

  std::string schema_kind;
  auto* schema_cmd =
      app.add_subcommand("schema", "Print the JSON Schema document podgate enforces for a kind");
  schema_cmd->add_option("kind", schema_kind, "Artifact kind")->required();
  bool schema_bundle = false;
  schema_cmd->add_flag("--bundle", schema_bundle,
                       "Embed the documents it refers to (the participant bind's), so that a "
                       "validator compiles it alone");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // A first word that is no command is named (CLI11 would only say one is required).
    std::string commands;
    bool known = false;
    for (const CLI::App* command : app.get_subcommands({})) {
      commands += (commands.empty() ? "" : ", ") + command->get_name();
      known = known || (argc > 1 && command->get_name() == argv[1]);
    }
    if (argc > 1 && argv[1][0] != '-' && !known) {
      fmt::print(stderr, "podgate: no command \"{}\"; the commands are {}\n", argv[1], commands);
      return 2;
    }
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  if (validate_cmd->parsed()) {
    if (!FinishCheckOptions(&validate, validate_kind, validate_format)) return 2;
    return RunValidate(validate);
  }
  if (verify_cmd->parsed()) {
    if (!FinishCheckOptions(&verify, verify_kind, verify_format)) return 2;
    return RunVerify(verify);
  }
  if (sign_cmd->parsed()) {
    if (!sign_kind.empty()) {
      sign.kind = KindFromName(sign_kind);
      if (!sign.kind) {
        UnknownKind(sign_kind);
        return 2;
      }
    }
    if (sign.read.empty() && sign.input.empty()) {
      fmt::print(stderr, "podgate sign: the artifact file (or -) is missing; --read takes none\n");
      return 2;
    }
    return RunSign(sign);
  }
  if (keygen_cmd->parsed()) return RunKeygen(keygen);
  if (did_cmd->parsed()) {
    if (!did_role.empty()) did.role = did_role == "node" ? Role::kNode : Role::kParticipant;
    return RunDid(did);
  }
  if (admit_cmd->parsed()) {
    admit.format = admit_format == "json" ? Format::kJson : Format::kText;
    if (!admit_kind.empty()) {
      admit.kind = KindFromName(admit_kind);
      if (!admit.kind) {
        UnknownKind(admit_kind);
        return 2;
      }
    }
    return RunAdmit(admit);
  }
  if (show_cmd->parsed()) {
    show.format = show_format == "json" ? Format::kJson : Format::kText;
    if (show.participant.empty() == show.client_instance.empty()) {
      fmt::print(stderr, "podgate: show takes a CLIENT-INSTANCE-ID or --participant ID\n");
      return 2;
    }
    return RunShow(show);
  }
  if (history_cmd->parsed()) {
    history.format = history_format == "json" ? Format::kJson : Format::kText;
    return RunHistory(history);
  }
  if (serve_cmd->parsed()) return RunServe(serve);
  if (schema_cmd->parsed()) {
    auto kind = KindFromName(schema_kind);
    if (!kind) {
      UnknownKind(schema_kind);
      return 2;
    }
    if (schema_bundle) {
      fmt::print("{}", BundledSchemaDocument(*kind));
    } else {
      fmt::print("{}", SchemaDocument(*kind));
    }
    return 0;
  }
  return 2;
}

}  // namespace
}  // namespace podgate::cli

int main(int argc, char** argv) {
  podgate::TuneSqliteForThisProcess();  // before any ledger is opened (podgate/ledger.h)
  return podgate::cli::Main(argc, argv);
}
