// Internal access to ProofCache for the verifier: the digest of a verified triple, and the
// lookup/insert pair. Only code that has just verified a signature with libsodium may call
// CacheAccess::Insert.
//
// Thread safety: as ProofCache; TripleDigest is pure.

#ifndef PODGATE_PROOF_CACHE_H_
#define PODGATE_PROOF_CACHE_H_

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "podgate/keys.h"
#include "podgate/proof.h"

namespace podgate::proof {

using Digest = std::array<std::uint8_t, 32>;

// BLAKE2b-256(signing input || public key || signature).
Digest TripleDigest(std::string_view signing_input, const PublicKey& key,
                    std::span<const std::uint8_t, 64> signature);

struct CacheAccess {
  // True when `digest` was recorded; counts a hit or a miss.
  static bool Lookup(ProofCache* cache, const Digest& digest);
  // Records a triple that has just verified.
  static void Insert(ProofCache* cache, const Digest& digest);
};

}  // namespace podgate::proof

#endif  // PODGATE_PROOF_CACHE_H_
