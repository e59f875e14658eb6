#include "util/thread_name.h"

#include <pthread.h>

#include <algorithm>
#include <array>

namespace podgate::util {

void NameThisThread(std::string_view name) {
#if defined(__linux__)
  // pthread_setname_np refuses (ERANGE) rather than cuts a name over 15 bytes: cut it here.
  std::array<char, kMaxThreadNameBytes + 1> buffer{};
  std::size_t n = std::min(name.size(), kMaxThreadNameBytes);
  std::copy_n(name.data(), n, buffer.data());
  (void)pthread_setname_np(pthread_self(), buffer.data());
#else
  (void)name;
#endif
}

}  // namespace podgate::util
