// StrictScanner: a byte-exact, single-pass checker of layer 1 (DESIGN.md section 1) that says
// *where* a document stops being strict JSON.
//
// simdjson is the parser podgate trusts for speed, but it reports no byte offset and it refuses
// integer literals beyond 64 bits, which RFC 8259 allows and the signing profile encodes as
// floats. The scanner runs only on those slow paths: after simdjson rejected a document, to
// explain the rejection, and after a duplicate member name was found, to point at it. Its
// rules are the same as the fast path's, and a property test holds the two to agreement.
//
// Thread safety: stateless functions; safe to call concurrently.

#ifndef PODGATE_JSON_STRICT_SCANNER_H_
#define PODGATE_JSON_STRICT_SCANNER_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace podgate::json {

struct ScanResult {
  // True when the document is strict JSON with an object at the top.
  bool ok = false;
  // Offset of the first offending byte, and what is wrong there, when !ok.
  std::size_t offset = 0;
  std::string message;
  // Offsets just past integer literals that fit neither int64 nor uint64 (they are valid JSON
  // and denote floats). Only filled when ok.
  std::vector<std::size_t> big_integer_ends;
};

// Scans `input` as one strict JSON text: RFC 8259 grammar, RFC 3629 UTF-8 (no overlong forms,
// no encoded surrogates), escapes with paired surrogates only, no duplicate member names
// (compared after unescaping), at most `max_depth` nested containers, numbers finite as IEEE
// 754 doubles (I-JSON), an object at the top.
ScanResult ScanStrict(std::string_view input, std::size_t max_depth);

}  // namespace podgate::json

#endif  // PODGATE_JSON_STRICT_SCANNER_H_
