// podgate: the command line (DESIGN.md section 4). Parses arguments and hands over to the
// subcommand in src/cli/*_command.cc.

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/commands.h"

namespace podgate::cli {
namespace {

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
      fmt::print(stderr, "podgate: unknown kind \"{}\"\n", kind);
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
      "sign", "Sign an artifact: a bind with the participant key, a detachment or recovery "
              "with the serving node key (node attestation)");
  sign_cmd->add_option("--key", sign.key_file, "PKCS#8 PEM Ed25519 key file")->required();
  sign_cmd->add_option("--kind", sign_kind, "Artifact kind (default: as validate detects it)");
  sign_cmd->add_option("--out", sign.out, "Write the signed artifact here (default: stdout)");
  sign_cmd->add_option("--max-bytes", sign.max_bytes, "Size limit of the artifact in bytes")
      ->check(CLI::Range(std::size_t{2}, std::size_t{1} << 30));
  sign_cmd->add_option("input", sign.input, "The artifact file, or - for standard input")
      ->required();

  KeygenOptions keygen;
  auto* keygen_cmd = app.add_subcommand(
      "keygen", "Write a new Ed25519 key as PKCS#8 PEM (mode 0600) and print its identities");
  keygen_cmd->add_option("--out", keygen.out, "Key file to create (never overwritten)")
      ->required();

  DidOptions did;
  std::string did_role;
  auto* did_cmd = app.add_subcommand(
      "did", "Print the did:key identities of a key file (both roles unless --role)");
  did_cmd->add_option("key", did.key_file, "PKCS#8 PEM Ed25519 key file")->required();
  did_cmd->add_option("--role", did_role, "node or participant: print that identity only")
      ->check(CLI::IsMember({"node", "participant"}));
  did_cmd->add_flag("--multibase", did.multibase,
                    "Print the bare multibase key (participant/key/public)");

  std::string schema_kind;
  auto* schema_cmd =
      app.add_subcommand("schema", "Print the JSON Schema document podgate enforces for a kind");
  schema_cmd->add_option("kind", schema_kind, "Artifact kind")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
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
        fmt::print(stderr, "podgate: unknown kind \"{}\"\n", sign_kind);
        return 2;
      }
    }
    return RunSign(sign);
  }
  if (keygen_cmd->parsed()) return RunKeygen(keygen);
  if (did_cmd->parsed()) {
    if (!did_role.empty()) did.role = did_role == "node" ? Role::kNode : Role::kParticipant;
    return RunDid(did);
  }
  if (schema_cmd->parsed()) {
    auto kind = KindFromName(schema_kind);
    if (!kind) {
      fmt::print(stderr, "podgate: unknown kind \"{}\"\n", schema_kind);
      return 2;
    }
    fmt::print("{}", SchemaDocument(*kind));
    return 0;
  }
  return 2;
}

}  // namespace
}  // namespace podgate::cli

int main(int argc, char** argv) { return podgate::cli::Main(argc, argv); }
