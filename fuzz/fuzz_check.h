// FUZZ_CHECK: the property assertion of the fuzz targets. A failed check prints what failed
// and aborts, which libFuzzer reports as a crash and saves the input that caused it (unlike
// assert, it is not compiled out of optimized builds).
//
// Thread safety: libFuzzer runs one input at a time per process.

#ifndef PODGATE_FUZZ_FUZZ_CHECK_H_
#define PODGATE_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>
#include <string_view>

#define FUZZ_CHECK(condition, ...)                                                          \
  do {                                                                                      \
    if (!(condition)) {                                                                     \
      std::fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #condition); \
      std::fprintf(stderr, "  " __VA_ARGS__);                                               \
      std::fprintf(stderr, "\n");                                                           \
      std::abort();                                                                         \
    }                                                                                       \
  } while (false)

namespace podgate::fuzz {

inline std::string_view AsText(const unsigned char* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace podgate::fuzz

#endif  // PODGATE_FUZZ_FUZZ_CHECK_H_
