// podgate did: the identities of a key file.
//
//   podgate did FILE                      node:did:key:z…  and  participant:did:key:z…
//   podgate did FILE --role node          node:did:key:z…           (serving-node/id)
//   podgate did FILE --role participant   participant:did:key:z…    (participant/id)
//   podgate did FILE --multibase          z…                         (participant/key/public)
//
// One key can serve either role, so without --role both identities are printed, node first,
// one per line; scripts pass --role to get exactly one line.

#include <fmt/format.h>

#include "cli/commands.h"
#include "podgate/keys.h"

namespace podgate::cli {

int RunDid(const DidOptions& options) {
  auto key = LoadSecretKey(options.key_file);
  if (!key.ok()) {
    fmt::print(stderr, "podgate: {}\n", key.status().ToString());
    return 2;
  }
  PublicKey public_key = key->public_key();
  if (options.multibase) {
    fmt::print("{}\n", public_key.ToMultibase());
  } else if (options.role) {
    fmt::print("{}\n", public_key.ToId(*options.role));
  } else {
    fmt::print("{}\n{}\n", public_key.ToId(Role::kNode), public_key.ToId(Role::kParticipant));
  }
  return 0;
}

}  // namespace podgate::cli
