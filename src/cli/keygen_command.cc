// podgate keygen: a fresh Ed25519 key as a PKCS#8 PEM file (mode 0600, never overwriting),
// the format `openssl genpkey -algorithm ed25519` writes. Prints the key's node and
// participant identities, as `podgate did` does.

#include <fmt/format.h>

#include "cli/commands.h"
#include "podgate/keys.h"

namespace podgate::cli {

int RunKeygen(const KeygenOptions& options) {
  SecretKey key = SecretKey::Generate();
  Status saved = SaveSecretKey(key, options.out);
  if (!saved.ok()) {
    fmt::print(stderr, "podgate: {}\n", saved.ToString());
    return 2;
  }
  PublicKey public_key = key.public_key();
  fmt::print("{}\n{}\n", public_key.ToId(Role::kNode), public_key.ToId(Role::kParticipant));
  fmt::print(stderr, "podgate: wrote {} (mode 0600)\n", options.out);
  return 0;
}

}  // namespace podgate::cli
