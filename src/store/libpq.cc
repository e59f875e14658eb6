// Loading libpq at run time (see libpq.h for why).

#include "store/libpq.h"

#include <dlfcn.h>

#include <fmt/format.h>

namespace podgate::store {
namespace {

constexpr const char* kLibPq = "libpq.so.5";

std::string LoaderError() {
  const char* error = ::dlerror();
  return error != nullptr ? error : "unknown error";
}

// Resolves `name` into `*fn`; false (with the loader's message in *error) when it is missing.
template <typename Fn>
bool Resolve(void* handle, const char* name, Fn* fn, std::string* error) {
  ::dlerror();
  void* symbol = ::dlsym(handle, name);
  if (symbol == nullptr) {
    *error = fmt::format("{}: {}", name, LoaderError());
    return false;
  }
  *fn = reinterpret_cast<Fn>(symbol);
  return true;
}

}  // namespace

Result<std::shared_ptr<const LibPq>> LoadLibPq() {
  // RTLD_NODELETE: libpq keeps process-wide state (OpenSSL's, Kerberos') that must outlive any
  // connection; a reference the loader already holds makes this call cheap after the first.
  void* handle = ::dlopen(kLibPq, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  if (handle == nullptr) {
    return Status(Code::kConfig,
                  fmt::format("a PostgreSQL ledger needs {} (Debian: apt-get install libpq5): {}",
                              kLibPq, LoaderError()));
  }
  auto pq = std::make_shared<LibPq>();
  std::string error;
  bool ok = true;
#define PODGATE_LIBPQ_RESOLVE(name) ok = ok && Resolve(handle, #name, &pq->name, &error);
  PODGATE_LIBPQ_FUNCTIONS(PODGATE_LIBPQ_RESOLVE)
#undef PODGATE_LIBPQ_RESOLVE
  if (!ok) {
    return Status(Code::kConfig,
                  fmt::format("{} lacks a function podgate needs: {}", kLibPq, error));
  }
  return std::shared_ptr<const LibPq>(std::move(pq));
}

}  // namespace podgate::store
