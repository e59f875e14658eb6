// Thread names for the operator's tools.
//
// podgate's long-lived threads carry a name (`podgate-http`, `podgate-commit`,
// `podgate-prepare`) so that `top -H`, `ps -L`, `perf report --sort comm` and gdb tell the
// HTTP workers from the commit thread without guessing from thread ids. Linux keeps at most
// 15 bytes of a name; longer names are cut there. Best effort: where threads cannot be named,
// or the system refuses, the thread keeps the name it had, and nothing depends on it.
//
// Thread-safety: names the calling thread only; safe from any thread.

#ifndef PODGATE_UTIL_THREAD_NAME_H_
#define PODGATE_UTIL_THREAD_NAME_H_

#include <cstddef>
#include <string_view>

namespace podgate::util {

// The longest name the kernel keeps (TASK_COMM_LEN - 1).
inline constexpr std::size_t kMaxThreadNameBytes = 15;

void NameThisThread(std::string_view name);

}  // namespace podgate::util

#endif  // PODGATE_UTIL_THREAD_NAME_H_
