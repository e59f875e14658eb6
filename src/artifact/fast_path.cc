#include "artifact/fast_path.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <initializer_list>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "artifact/schema.h"
#include "artifact/tables.h"
#include "podgate/timestamp.h"

namespace podgate::artifact {
namespace {

// --- the union of the four top-level shapes ------------------------------------------------
//
// The top-level members are checked before the kind is known (it is decided by which id
// members are present), so they are looked up in the union of the four shapes. A name has the
// same rule in every shape that has it (checked here at compile time), so checking a value
// by the union's rule is checking it by the kind's; what the kind adds, which members it
// allows and requires, is checked at the end with two masks.

constexpr std::size_t kUnionMax = 64;

struct UnionTable {
  std::array<Member, kUnionMax> members{};
  std::size_t count = 0;
  std::array<std::uint64_t, 4> allowed{};      // by Kind: the members the kind's shape has
  std::array<std::uint64_t, 4> required{};     // by Kind: its required members
  std::array<std::int8_t, kUnionMax> id_of{};  // the Kind whose id member this is, or -1
  std::array<std::uint64_t, 4> id_bit{};       // by Kind: the bit of its id member
};

// The id members, in Kind order (the same as KindIdField; fast_path_test.cc checks).
constexpr std::string_view kIdMembers[] = {"bind/id", "attachment/id", "detachment/id",
                                           "recovery/id"};

constexpr UnionTable MakeUnion() {
  struct Entry {
    Kind kind;
    const Shape* shape;
  };
  constexpr Entry kShapes[] = {{Kind::kParticipantBind, &tables::kBindShape},
                               {Kind::kAttachment, &tables::kAttachmentShape},
                               {Kind::kDetachment, &tables::kDetachmentShape},
                               {Kind::kRecovery, &tables::kRecoveryShape}};
  UnionTable table;
  for (auto& id : table.id_of) id = -1;
  for (const Entry& entry : kShapes) {
    const auto k = static_cast<std::size_t>(entry.kind);
    for (const Member& member : entry.shape->members) {
      std::size_t i = 0;
      while (i < table.count && table.members[i].name != member.name) ++i;
      if (i == table.count) {
        if (table.count == kUnionMax) throw "too many member names for the union mask";
        table.members[table.count++] = member;
      } else if (table.members[i].rule != member.rule ||
                 table.members[i].values.data() != member.values.data()) {
        throw "a member name with different rules in two kinds";
      }
      table.allowed[k] |= std::uint64_t{1} << i;
      if (member.required) table.required[k] |= std::uint64_t{1} << i;
    }
  }
  for (std::size_t k = 0; k < 4; ++k) {
    bool found = false;
    for (std::size_t i = 0; i < table.count; ++i) {
      if (table.members[i].name == kIdMembers[k]) {
        table.id_of[i] = static_cast<std::int8_t>(k);
        table.id_bit[k] = std::uint64_t{1} << i;
        found = (table.required[k] >> i) & 1;
      }
    }
    // A valid artifact then always has its id, as a non-empty string.
    if (!found) throw "a kind's id member is missing or optional";
  }
  return table;
}

constexpr UnionTable kUnion = MakeUnion();

// A perfect hash of the union's names, like MemberIndex but with more slots.
struct UnionIndex {
  static constexpr std::size_t kSlots = 256;

  static constexpr std::size_t Hash(std::string_view key, std::uint32_t multiplier) {
    if (key.empty()) return 0;
    auto byte = [](char c) { return static_cast<std::uint32_t>(static_cast<unsigned char>(c)); };
    return (key.size() * multiplier + byte(key.front()) * 3 + byte(key.back()) * 7 +
            byte(key[key.size() / 2]) * 5) &
           (kSlots - 1);
  }

  static constexpr UnionIndex Make() {
    for (std::uint32_t m = 1; m < 65536; ++m) {
      UnionIndex index{m, {}};
      for (auto& slot : index.slots) slot = -1;
      bool clash = false;
      for (std::size_t i = 0; i < kUnion.count && !clash; ++i) {
        auto& slot = index.slots[Hash(kUnion.members[i].name, m)];
        clash = slot >= 0;
        slot = static_cast<std::int8_t>(i);
      }
      if (!clash) return index;
    }
    throw "no perfect hash for the union of the member names";
  }

  std::uint32_t multiplier;
  std::array<std::int8_t, kSlots> slots;
};

constexpr UnionIndex kUnionIndex = UnionIndex::Make();

// The required members of a nested closed shape, as a mask over its member indices.
constexpr std::uint32_t RequiredMask(const Shape& shape) {
  std::uint32_t mask = 0;
  for (std::size_t i = 0; i < shape.members.size(); ++i) {
    if (shape.members[i].required) mask |= std::uint32_t{1} << i;
  }
  return mask;
}

constexpr std::uint32_t kBindRequired = RequiredMask(tables::kBindShape);
constexpr std::uint32_t kSignatureRequired = RequiredMask(tables::kSignatureShape);

// --- bytes ----------------------------------------------------------------------------------
//
// The scanner reads up to 32 bytes past its position whatever the input's length: the
// json::kPadding bytes after every input make that safe, and no document is accepted on
// bytes past its end (the Scanner says why).

static_assert(json::kPadding >= 64, "the scanner's reads past the end need 64 bytes");

bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

#if defined(__SSE2__)
using Block = __m128i;
inline Block Load(const char* p) { return _mm_loadu_si128(reinterpret_cast<const Block*>(p)); }
inline std::uint32_t Mask(Block b) { return static_cast<std::uint32_t>(_mm_movemask_epi8(b)); }
inline Block Equal(Block a, char c) { return _mm_cmpeq_epi8(a, _mm_set1_epi8(c)); }
// Bytes in [lo, lo + span] (unsigned).
inline Block InRange(Block a, char lo, unsigned char span) {
  const Block x = _mm_sub_epi8(a, _mm_set1_epi8(lo));
  return _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(static_cast<char>(span))), x);
}

// Bits of the bytes in [p, p + 16) that cannot stand in a string as they are: '"', '\\',
// control characters and the bytes of multi-byte UTF-8 sequences. One signed comparison
// catches both the control characters (< 0x20) and the bytes >= 0x80 (negative as signed).
inline std::uint32_t StopMask16(const char* p) {
  const Block c = Load(p);
  return Mask(_mm_or_si128(_mm_or_si128(Equal(c, '"'), Equal(c, '\\')),
                           _mm_cmplt_epi8(c, _mm_set1_epi8(0x20))));
}

// Bits of the bytes in [p, p + 16) outside the base58btc alphabet [1-9A-HJ-NP-Za-km-z].
inline std::uint32_t NonBase58Mask16(const char* p) {
  const Block c = Load(p);
  const Block digit = InRange(c, '1', 8);
  const Block upper =
      _mm_andnot_si128(_mm_or_si128(Equal(c, 'I'), Equal(c, 'O')), InRange(c, 'A', 25));
  const Block lower = _mm_andnot_si128(Equal(c, 'l'), InRange(c, 'a', 25));
  return ~Mask(_mm_or_si128(_mm_or_si128(digit, upper), lower)) & 0xFFFF;
}

inline std::uint32_t QuoteMask32(const char* p) {
  return Mask(Equal(Load(p), '"')) | Mask(Equal(Load(p + 16), '"')) << 16;
}

// Bits of the bytes of [p, p + 32) equal to those of `entry`.
inline std::uint32_t EqualMask32(const char* p, const char* entry) {
  return Mask(_mm_cmpeq_epi8(Load(p), Load(entry))) |
         Mask(_mm_cmpeq_epi8(Load(p + 16), Load(entry + 16))) << 16;
}
#else
inline std::uint32_t StopMask16(const char* p) {
  std::uint32_t mask = 0;
  for (unsigned i = 0; i < 16; ++i) {
    const auto c = static_cast<unsigned char>(p[i]);
    if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) mask |= 1u << i;
  }
  return mask;
}

inline std::uint32_t NonBase58Mask16(const char* p) {
  std::uint32_t mask = 0;
  for (unsigned i = 0; i < 16; ++i) {
    const char c = p[i];
    const bool ok = (c >= '1' && c <= '9') || (c >= 'A' && c <= 'Z' && c != 'I' && c != 'O') ||
                    (c >= 'a' && c <= 'z' && c != 'l');
    if (!ok) mask |= 1u << i;
  }
  return mask;
}

inline std::uint32_t QuoteMask32(const char* p) {
  std::uint32_t mask = 0;
  for (unsigned i = 0; i < 32; ++i) {
    if (p[i] == '"') mask |= 1u << i;
  }
  return mask;
}

inline std::uint32_t EqualMask32(const char* p, const char* entry) {
  std::uint32_t mask = 0;
  for (unsigned i = 0; i < 32; ++i) {
    if (p[i] == entry[i]) mask |= 1u << i;
  }
  return mask;
}
#endif

// A member name padded for a 32-byte comparison: the name, its closing quote, zeros.
struct NameEntry {
  alignas(16) char bytes[32];
  std::uint32_t need;  // the bits of the bytes that must match: the name and its quote
  std::uint8_t size;
};

// The names of the members of a shape (or the union), for NameAt and Expected.
template <std::size_t N>
struct NameTable {
  std::array<NameEntry, N> entries;
};

template <std::size_t N>
constexpr NameTable<N> MakeNames(std::span<const Member> members) {
  NameTable<N> table{};
  for (std::size_t i = 0; i < members.size(); ++i) {
    const std::string_view name = members[i].name;
    if (name.size() > 31) throw "a member name too long for the 32-byte comparison";
    for (auto& b : table.entries[i].bytes) b = 0;
    for (std::size_t j = 0; j < name.size(); ++j) table.entries[i].bytes[j] = name[j];
    table.entries[i].bytes[name.size()] = '"';
    table.entries[i].size = static_cast<std::uint8_t>(name.size());
    table.entries[i].need =
        name.size() >= 31 ? ~std::uint32_t{0} : (std::uint32_t{1} << (name.size() + 1)) - 1;
  }
  return table;
}

constexpr auto kBindNames = MakeNames<std::size(tables::kBindMembers)>(tables::kBindMembers);
constexpr auto kSignatureNames =
    MakeNames<std::size(tables::kSignatureMembers)>(tables::kSignatureMembers);
constexpr auto kUnionNames =
    MakeNames<kUnionMax>(std::span<const Member>(kUnion.members.data(), kUnion.count));

// Which member to expect next. Artifacts are usually written with their members in the order
// of the schema (upstream's examples, the fixtures and bench/gen_artifacts.py all are), so
// each name is first compared with the one that follows the previous member in the schema: a
// hit costs one 32-byte comparison, a miss falls back to the perfect hash. Nested shapes
// follow their table order; the top level the order of the kind guessed from the first id
// member seen (the kind is only known at the end).
struct UnionOrder {
  std::array<std::array<std::int8_t, kUnionMax>, 4> next{};  // by Kind, by union index
  std::int8_t first = -1;                                    // the first member of every kind
};

constexpr UnionOrder MakeUnionOrder() {
  constexpr const Shape* kShapes[] = {&tables::kBindShape, &tables::kAttachmentShape,
                                      &tables::kDetachmentShape, &tables::kRecoveryShape};
  UnionOrder order;
  for (auto& row : order.next) {
    for (auto& n : row) n = -1;
  }
  auto index = [](std::string_view name) {
    for (std::size_t i = 0; i < kUnion.count; ++i) {
      if (kUnion.members[i].name == name) return static_cast<std::int8_t>(i);
    }
    throw "a member missing from the union";
  };
  for (std::size_t k = 0; k < 4; ++k) {
    const auto members = kShapes[k]->members;
    for (std::size_t j = 0; j + 1 < members.size(); ++j) {
      order.next[k][static_cast<std::size_t>(index(members[j].name))] = index(members[j + 1].name);
    }
    const std::int8_t first = index(members[0].name);
    if (k > 0 && first != order.first) throw "the kinds start with different members";
    order.first = first;
  }
  return order;
}

constexpr UnionOrder kUnionOrder = MakeUnionOrder();

// QuickDateTime: the common shape of a date-time, "YYYY-MM-DDThh:mm:ssZ", checked eight
// bytes at a time without ParseRfc3339's generality. True only for what ParseRfc3339 accepts;
// false for anything else, which ParseRfc3339 then decides.

// A word with `value` in the given byte positions (little-endian order: byte 0 is the first).
constexpr std::uint64_t At8(std::initializer_list<int> positions, std::uint8_t value) {
  std::uint64_t word = 0;
  for (int p : positions) word |= std::uint64_t{value} << (8 * p);
  return word;
}

// The bytes at `digits` of `word` are ASCII digits and those at `fixed` equal `expected`.
constexpr bool Shape8(std::uint64_t word, std::uint64_t digits_high, std::uint64_t digits_ones,
                      std::uint64_t fixed_mask, std::uint64_t fixed_value) {
  // A digit is 0x30..0x39: high nibble 3, and adding 6 does not carry out of the low nibble.
  const std::uint64_t tens = digits_ones * 0x30, six = digits_ones * 0x06;
  return (word & fixed_mask) == fixed_value && (word & digits_high) == tens &&
         ((word + six) & digits_high) == tens;
}

bool QuickDateTime(std::string_view t) {
  if constexpr (std::endian::native != std::endian::little) return false;
  if (t.size() != 20) return false;
  std::uint64_t a, b, c;
  std::memcpy(&a, t.data(), 8);       // "YYYY-MM-"
  std::memcpy(&b, t.data() + 8, 8);   // "DDThh:mm"
  std::memcpy(&c, t.data() + 12, 8);  // "h:mm:ssZ"
  constexpr std::uint64_t kDigitsA = At8({0, 1, 2, 3, 5, 6}, 1);
  constexpr std::uint64_t kDigitsB = At8({0, 1, 3, 4, 6, 7}, 1);
  constexpr std::uint64_t kDigitsC = At8({5, 6}, 1);
  if (!Shape8(a, kDigitsA * 0xF0, kDigitsA, At8({4, 7}, 0xFF), At8({4, 7}, '-')) ||
      !Shape8(b, kDigitsB * 0xF0, kDigitsB, At8({2, 5}, 0xFF), At8({2}, 'T') | At8({5}, ':')) ||
      !Shape8(c, kDigitsC * 0xF0, kDigitsC, At8({1, 4, 7}, 0xFF),
              At8({1, 4}, ':') | At8({7}, 'Z'))) {
    return false;
  }
  auto digit = [](std::uint64_t word, int i) {
    return static_cast<unsigned>((word >> (8 * i)) & 0x0F);
  };
  const unsigned year = digit(a, 0) * 1000 + digit(a, 1) * 100 + digit(a, 2) * 10 + digit(a, 3);
  const unsigned month = digit(a, 5) * 10 + digit(a, 6);
  const unsigned day = digit(b, 0) * 10 + digit(b, 1);
  const unsigned hour = digit(b, 3) * 10 + digit(b, 4);
  const unsigned minute = digit(b, 6) * 10 + digit(b, 7);
  const unsigned second = digit(c, 5) * 10 + digit(c, 6);
  if (month - 1 > 11 || day == 0 || hour > 23 || minute > 59 || second > 59) return false;
  if (day <= 28) return true;
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
  return day <= (month == 2 && leap ? 29 : kDays[month - 1]);
}

// --- the scanner ----------------------------------------------------------------------------

#define PODGATE_INLINE inline __attribute__((always_inline))
#define PODGATE_NOINLINE __attribute__((noinline))

// Every method returns false as soon as the document is not certainly valid; the scanner is
// then abandoned, so a false leaves its position anywhere.
//
// Bounds: loops that move through the input stop at its end; single-byte peeks (At, the
// literals) do not check it, since the padding after the input is readable. That is sound
// because the position only moves forward and a document is accepted only when the scan stops
// exactly at the end, after the closing brace: a peek at the end that leads to consuming a byte
// there leaves the position past the end for good, and every other peek at the end is followed
// by a member or a closing bracket that must be consumed at or past it. How far past the end
// the position can get, whatever the padding holds, is bounded too: each member or element
// goes through Comma or AnyValue, which check the end, so past it the scan can only finish
// the token in hand (a literal, five bytes) and close the containers open (at most
// kMaxFastDepth): about 21 bytes, plus the 32-byte reads, within json::kPadding (64).
class Scanner {
 public:
  Scanner(std::string_view input, std::size_t max_depth)
      : p_(input.data()), end_(input.data() + input.size()), max_depth_(max_depth) {}

  bool Document(std::optional<Kind> kind, FastVerdict* verdict) {
    if (max_depth_ < 1) return false;
    SkipSpace();
    if (!At('{')) return false;
    ++p_;
    std::uint64_t seen = 0;
    std::array<std::string_view, 4> ids;
    int guess = kind ? static_cast<int>(*kind) : -1;  // the kind whose order to expect
    int expected = kUnionOrder.first;
    do {
      SkipSpace();
      int i = expected;
      if (!Expected(kUnionNames, i)) {
        i = NameAt(kUnionNames, [](std::string_view name) {
          return static_cast<int>(
              kUnionIndex.slots[UnionIndex::Hash(name, kUnionIndex.multiplier)]);
        });
        if (i < 0) return false;
      }
      const std::uint64_t bit = std::uint64_t{1} << i;
      if (seen & bit) return false;
      seen |= bit;
      if (!Colon()) return false;
      std::string_view text;
      if (!Value(kUnion.members[static_cast<std::size_t>(i)], /*depth=*/1, &text)) return false;
      if (const int id = kUnion.id_of[static_cast<std::size_t>(i)]; id >= 0) {
        ids[static_cast<std::size_t>(id)] = text;
        if (guess < 0) guess = id;
      }
      expected =
          guess < 0
              ? -1
              : kUnionOrder.next[static_cast<std::size_t>(guess)][static_cast<std::size_t>(i)];
    } while (Comma());
    if (!Closed('}')) return false;
    while (p_ < end_ && IsSpace(*p_)) ++p_;
    if (p_ != end_) return false;

    auto has = [&](Kind k) { return (seen & kUnion.id_bit[static_cast<std::size_t>(k)]) != 0; };
    if (!kind) {
      // DetectKind: exactly one kind-specific id member, attachment/id not counting beside
      // detachment/id.
      int count = 0;
      for (Kind k : kAllKinds) {
        if (k == Kind::kAttachment && has(Kind::kDetachment)) continue;
        if (has(k)) {
          kind = k;
          ++count;
        }
      }
      if (count != 1) return false;
    }
    const auto k = static_cast<std::size_t>(*kind);
    if ((seen & ~kUnion.allowed[k]) != 0) return false;
    if ((seen & kUnion.required[k]) != kUnion.required[k]) return false;
    verdict->kind = *kind;
    verdict->id = ids[k];
    return true;
  }

 private:
  PODGATE_INLINE bool At(char c) const { return *p_ == c; }

  PODGATE_INLINE void SkipSpace() {
    if (static_cast<unsigned char>(*p_) > ' ') return;  // the common case: no whitespace
    while (p_ < end_ && IsSpace(*p_)) ++p_;
  }

  PODGATE_INLINE bool Colon() {
    SkipSpace();
    if (!At(':')) return false;
    ++p_;
    SkipSpace();
    return true;
  }

  // After a member or element: true and past the ',' when another follows; false when the
  // next byte is not a ',' (Closed then checks it closes the container).
  PODGATE_INLINE bool Comma() {
    SkipSpace();
    if (p_ < end_ && *p_ == ',') {  // bounded: every loop over members and elements passes here
      ++p_;
      return true;
    }
    return false;
  }

  PODGATE_INLINE bool Closed(char close) {
    if (!At(close)) return false;
    ++p_;
    return true;
  }

  // A string starting at p_; *text is its content as written (escapes are left to the exact
  // path, so the content is also its value).
  PODGATE_INLINE bool String(std::string_view* text) {
    if (!At('"')) return false;
    const char* start = ++p_;
    while (true) {
      std::uint32_t stop;
      while ((stop = StopMask16(p_)) == 0) {
        p_ += 16;
        if (p_ >= end_) return false;
      }
      p_ += __builtin_ctz(stop);
      if (p_ >= end_) return false;
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        *text = std::string_view(start, static_cast<std::size_t>(p_ - start));
        ++p_;
        return true;
      }
      if (c < 0x80 || !Utf8Sequence()) return false;  // an escape or a control character
    }
  }

  // A member name starting at p_ (its opening quote) that is one of `names`: the index, and
  // p_ past the closing quote; else -1. `candidate` maps a name to the only index it may have
  // (a perfect hash). The name is compared with its closing quote, 32 bytes at once, so a
  // match also proves the name free of escapes.
  template <std::size_t N, typename Candidate>
  PODGATE_INLINE int NameAt(const NameTable<N>& names, Candidate candidate) {
    if (!At('"')) return -1;
    const char* name = p_ + 1;
    const std::uint32_t quotes = QuoteMask32(name);
    if (quotes == 0) return -1;
    const auto size = static_cast<std::size_t>(__builtin_ctz(quotes));
    if (name + size >= end_) return -1;
    const int i = candidate(std::string_view(name, size));
    if (i < 0) return -1;
    const NameEntry& entry = names.entries[static_cast<std::size_t>(i)];
    if (entry.size != size || (EqualMask32(name, entry.bytes) & entry.need) != entry.need) {
      return -1;
    }
    p_ = name + size + 1;
    return i;
  }

  // Whether the member name at p_ (its opening quote) is entry `i` of `names` (-1: none
  // expected); if so p_ moves past its closing quote.
  template <std::size_t N>
  PODGATE_INLINE bool Expected(const NameTable<N>& names, int i) {
    if (i < 0 || !At('"')) return false;
    const NameEntry& entry = names.entries[static_cast<std::size_t>(i)];
    const char* name = p_ + 1;
    if ((EqualMask32(name, entry.bytes) & entry.need) != entry.need || name + entry.size >= end_) {
      return false;
    }
    p_ = name + entry.size + 1;
    return true;
  }

  // A string starting at p_ that matches ^<prefix>z[1-9A-HJ-NP-Za-km-z]+$, in one pass: the
  // base58 alphabet has no quote, backslash, control or non-ASCII byte, so the first byte
  // outside it must be the closing quote. Leaves p_ alone when it fails.
  PODGATE_INLINE bool DidKeyString(std::string_view prefix) {
    if (!At('"')) return false;
    const char* start = p_ + 1;
    if (static_cast<std::size_t>(end_ - start) < prefix.size() + 3 ||
        !tables::SameBytes(std::string_view(start, prefix.size()), prefix) ||
        start[prefix.size()] != 'z') {
      return false;
    }
    const char* first = start + prefix.size() + 1;
    const char* q = first;
    std::uint32_t bad;
    while ((bad = NonBase58Mask16(q)) == 0) {
      q += 16;
      if (q >= end_) return false;
    }
    q += __builtin_ctz(bad);
    if (q >= end_ || q == first || *q != '"') return false;
    p_ = q + 1;
    return true;
  }

  // One multi-byte UTF-8 sequence at p_ (RFC 3629: no overlong forms, no surrogates, nothing
  // above U+10FFFF).
  PODGATE_NOINLINE bool Utf8Sequence() {
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(p_[i]); };
    const unsigned char lead = byte(0);
    std::size_t length;
    unsigned char low = 0x80, high = 0xBF;  // the range of the second byte
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;
      if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;
    } else {
      return false;
    }
    if (static_cast<std::size_t>(end_ - p_) < length) return false;
    if (byte(1) < low || byte(1) > high) return false;
    for (std::size_t i = 2; i < length; ++i) {
      if ((byte(i) & 0xC0) != 0x80) return false;
    }
    p_ += length;
    return true;
  }

  // `word` (4 or 5 bytes) at p_; peeks past the end like At.
  PODGATE_INLINE bool Literal(std::string_view word) {
    std::uint32_t have, want;
    std::memcpy(&have, p_, 4);
    std::memcpy(&want, word.data(), 4);
    if (have != want || (word.size() == 5 && p_[4] != word[4])) return false;
    p_ += word.size();
    return true;
  }

  bool Digit() const { return p_ < end_ && *p_ >= '0' && *p_ <= '9'; }

  // A plain decimal of at most 15 digits (no exponent): finite and exact as a double and as
  // an int64, so every JSON parser reads it alike. Others go to the exact path.
  bool Number() {
    const char* start = p_;
    if (At('-')) ++p_;
    if (At('0')) {
      ++p_;
    } else if (Digit()) {
      while (Digit()) ++p_;
    } else {
      return false;
    }
    if (At('.')) {
      ++p_;
      if (!Digit()) return false;
      while (Digit()) ++p_;
    }
    if (At('e') || At('E')) return false;
    return p_ - start <= 17;  // sign, 15 digits, point
  }

  // Any JSON value (below policy_annotations): the grammar, UTF-8, duplicate names, depth.
  bool AnyValue(std::size_t depth) {
    if (p_ >= end_) return false;
    switch (*p_) {
      case '"': {
        std::string_view text;
        return String(&text);
      }
      case '{':
        return AnyObject(depth + 1);
      case '[':
        return AnyArray(depth + 1);
      case 't':
        return Literal("true");
      case 'f':
        return Literal("false");
      case 'n':
        return Literal("null");
      default:
        return Number();
    }
  }

  PODGATE_NOINLINE bool AnyObject(std::size_t depth) {
    if (depth > max_depth_ || !At('{')) return false;
    ++p_;
    SkipSpace();
    if (At('}')) {
      ++p_;
      return true;
    }
    std::array<std::string_view, kMaxOpenMembers> names;
    std::size_t count = 0;
    do {
      SkipSpace();
      std::string_view name;
      if (!String(&name) || count == kMaxOpenMembers) return false;
      for (std::size_t i = 0; i < count; ++i) {
        if (names[i] == name) return false;  // a duplicate (no escapes: as written = value)
      }
      names[count++] = name;
      if (!Colon() || !AnyValue(depth)) return false;
    } while (Comma());
    return Closed('}');
  }

  PODGATE_NOINLINE bool AnyArray(std::size_t depth) {
    if (depth > max_depth_ || !At('[')) return false;
    ++p_;
    SkipSpace();
    if (At(']')) {
      ++p_;
      return true;
    }
    do {
      SkipSpace();
      if (!AnyValue(depth)) return false;
    } while (Comma());
    return Closed(']');
  }

  // A nested closed shape (participant-bind, signature) at `depth`.
  template <std::size_t N>
  PODGATE_INLINE bool ClosedObject(const Shape& shape, const NameTable<N>& names,
                                   std::uint32_t required, std::size_t depth) {
    if (depth > max_depth_ || !At('{')) return false;
    ++p_;
    std::uint32_t seen = 0;
    SkipSpace();
    if (At('}')) {
      ++p_;
      return required == 0;
    }
    int expected = 0;
    do {
      SkipSpace();
      int i = expected;
      if (!Expected(names, i)) {
        i = NameAt(names, [&](std::string_view name) { return shape.index.Candidate(name); });
        if (i < 0) return false;
      }
      expected = i + 1 < static_cast<int>(N) ? i + 1 : -1;
      const std::uint32_t bit = std::uint32_t{1} << i;
      if (seen & bit) return false;
      seen |= bit;
      std::string_view text;
      if (!Colon() || !Value(shape.members[static_cast<std::size_t>(i)], depth, &text)) {
        return false;
      }
    } while (Comma());
    return Closed('}') && (seen & required) == required;
  }

  PODGATE_NOINLINE bool BindObject(std::size_t depth) {
    return ClosedObject(tables::kBindShape, kBindNames, kBindRequired, depth);
  }

  PODGATE_NOINLINE bool SignatureObject(std::size_t depth) {
    return ClosedObject(tables::kSignatureShape, kSignatureNames, kSignatureRequired, depth);
  }

  // The value of `member` in an object at `depth`, checked by the member's rule. For string
  // rules *text is the string.
  PODGATE_INLINE bool Value(const Member& member, std::size_t depth, std::string_view* text) {
    switch (member.rule) {
      case Rule::kSchemaVersion:
        // The integer 1 as written "1"; 1.0, 1e0 and the like go to the exact path.
        if (!At('1')) return false;
        ++p_;
        return true;
      case Rule::kBoolean:
        return At('t') ? Literal("true") : Literal("false");
      case Rule::kParticipantBind:
        return BindObject(depth + 1);
      case Rule::kSignature:
        return SignatureObject(depth + 1);
      case Rule::kAnyObject:
        return AnyObject(depth + 1);
      case Rule::kNodeId:
        return DidKeyString("node:did:key:");
      case Rule::kParticipantId:
        return DidKeyString("participant:did:key:");
      case Rule::kPodUserId:
        return DidKeyString("pod-user:did:key:") || DidKeyString("participant:did:key:");
      case Rule::kMultibaseKey:
        return DidKeyString("");
      case Rule::kNonEmptyString:
        return String(text) && !text->empty();
      case Rule::kDateTime:
        return String(text) && (QuickDateTime(*text) || ParseRfc3339(*text, nullptr).has_value());
      case Rule::kEnum:
        if (!String(text)) return false;
        for (std::string_view allowed : member.values) {
          if (tables::SameBytes(allowed, *text)) return true;
        }
        return false;
    }
    return false;
  }

  const char* p_;
  const char* const end_;
  const std::size_t max_depth_;
};

#undef PODGATE_INLINE
#undef PODGATE_NOINLINE

}  // namespace

std::optional<FastVerdict> FastCheck(std::string_view input, std::optional<Kind> kind,
                                     const json::Limits& limits) {
  if (input.size() > limits.max_bytes) return std::nullopt;
  Scanner scanner(input, std::min(limits.max_depth, kMaxFastDepth));
  FastVerdict verdict{};
  if (!scanner.Document(kind, &verdict)) return std::nullopt;
  return verdict;
}

}  // namespace podgate::artifact
