// ProofCache: a set-associative table of BLAKE2b-256 digests of verified
// (signing input || public key || signature) triples.
//
// The table has a fixed number of sets of kWays digests each, chosen at construction from
// max_entries; memory never grows. A digest lives in the set its first eight bytes select; a
// full set evicts its least recently used entry. Sets are guarded by a fixed array of striped
// mutexes, so threads touching different sets rarely contend. Only Verifier inserts, and only
// after crypto_sign_verify_detached succeeded: the cache can skip work, never admit a
// signature that was not verified.

#include <sodium.h>

#include <atomic>
#include <cstring>
#include <mutex>
#include <vector>

#include "podgate/proof.h"
#include "proof/cache.h"

namespace podgate {

namespace {
constexpr std::size_t kWays = 8;
constexpr std::size_t kStripes = 64;
}  // namespace

struct ProofCache::Impl {
  struct Entry {
    proof::Digest digest{};
    std::uint64_t stamp = 0;  // 0: empty; else the set's clock at the last use
  };

  explicit Impl(std::size_t max_entries) {
    std::size_t sets = 1;
    while (sets * kWays < max_entries) sets <<= 1;
    mask = sets - 1;
    entries.resize(sets * kWays);
    clocks.resize(sets);
  }

  std::size_t SetOf(const proof::Digest& digest) const {
    std::uint64_t head;
    std::memcpy(&head, digest.data(), sizeof head);
    return static_cast<std::size_t>(head) & mask;
  }

  bool Lookup(const proof::Digest& digest) {
    std::size_t set = SetOf(digest);
    bool hit = false;
    {
      std::lock_guard<std::mutex> lock(stripes[set % kStripes]);
      Entry* ways = &entries[set * kWays];
      for (std::size_t i = 0; i < kWays; ++i) {
        if (ways[i].stamp != 0 && ways[i].digest == digest) {
          ways[i].stamp = ++clocks[set];
          hit = true;
          break;
        }
      }
    }
    (hit ? hits : misses).fetch_add(1, std::memory_order_relaxed);
    return hit;
  }

  void Insert(const proof::Digest& digest) {
    std::size_t set = SetOf(digest);
    std::lock_guard<std::mutex> lock(stripes[set % kStripes]);
    Entry* ways = &entries[set * kWays];
    Entry* victim = &ways[0];
    for (std::size_t i = 0; i < kWays; ++i) {
      if (ways[i].stamp != 0 && ways[i].digest == digest) {
        ways[i].stamp = ++clocks[set];
        return;
      }
      if (ways[i].stamp < victim->stamp) victim = &ways[i];
    }
    victim->digest = digest;
    victim->stamp = ++clocks[set];
  }

  std::size_t mask = 0;
  std::vector<Entry> entries;
  std::vector<std::uint64_t> clocks;
  std::mutex stripes[kStripes];
  std::atomic<std::size_t> hits{0};
  std::atomic<std::size_t> misses{0};
};

ProofCache::ProofCache(std::size_t max_entries)
    : impl_(std::make_unique<Impl>(max_entries == 0 ? 1 : max_entries)) {}
ProofCache::~ProofCache() = default;

std::size_t ProofCache::hits() const { return impl_->hits.load(std::memory_order_relaxed); }
std::size_t ProofCache::misses() const { return impl_->misses.load(std::memory_order_relaxed); }
std::size_t ProofCache::capacity() const { return impl_->entries.size(); }

namespace proof {

Digest TripleDigest(std::string_view signing_input, const PublicKey& key,
                    std::span<const std::uint8_t, 64> signature) {
  // BLAKE2b-256 rather than SHA-256: as collision resistant for this purpose and, in
  // libsodium, about 2.8x faster (0.9 us against 2.6 us for 600 bytes here), which is a tenth
  // of the cost of a verify that misses the cache. Key and signature have fixed lengths, so
  // the concatenation is unambiguous.
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, std::tuple_size_v<Digest>);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(signing_input.data()),
                            signing_input.size());
  crypto_generichash_update(&state, key.bytes.data(), key.bytes.size());
  crypto_generichash_update(&state, signature.data(), signature.size());
  Digest digest;
  crypto_generichash_final(&state, digest.data(), digest.size());
  return digest;
}

bool CacheAccess::Lookup(ProofCache* cache, const Digest& digest) {
  return cache->impl_->Lookup(digest);
}

void CacheAccess::Insert(ProofCache* cache, const Digest& digest) { cache->impl_->Insert(digest); }

}  // namespace proof
}  // namespace podgate
