#include "util/thread_name.h"

#include <fstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

namespace podgate::util {
namespace {

#if defined(__linux__)
// The calling thread's name as the kernel reports it to ps and top.
std::string KernelNameOfThisThread() {
  std::ifstream comm("/proc/thread-self/comm");
  std::string name;
  std::getline(comm, name);
  return name;
}

TEST(ThreadNameTest, NamesTheCallingThreadOnly) {
  std::string before = KernelNameOfThisThread();
  std::string inside;
  std::thread t([&inside] {
    NameThisThread("podgate-commit");
    inside = KernelNameOfThisThread();
  });
  t.join();
  EXPECT_EQ(inside, "podgate-commit");
  EXPECT_EQ(KernelNameOfThisThread(), before);
}

TEST(ThreadNameTest, CutsANameTheKernelCannotHold) {
  std::string inside;
  std::thread t([&inside] {
    NameThisThread("podgate-prepare-for-admit");
    inside = KernelNameOfThisThread();
  });
  t.join();
  EXPECT_EQ(inside, std::string("podgate-prepare-for-admit").substr(0, kMaxThreadNameBytes));
}
#endif

}  // namespace
}  // namespace podgate::util
