// Uses the installed library as a user would: validates artifacts and admits nothing into an
// in-memory ledger. Prints one line the test compares.
#include <cstdio>

#include "podgate/artifact.h"
#include "podgate/ledger.h"

int main() {
  podgate::Validator validator;
  auto broken = validator.Validate(R"({"schema/v":1,"detachment/id":""})");
  auto ledger = podgate::OpenLedger("sqlite::memory:");
  if (!ledger.ok()) {
    std::printf("ledger: %s\n", ledger.status().ToString().c_str());
    return 1;
  }
  auto events = (*ledger)->EventsAfter(0, 10);
  std::printf("kind=%s ok=%d first-error=%s events=%zu\n",
              broken.kind ? std::string(podgate::KindName(*broken.kind)).c_str() : "none",
              broken.ok() ? 1 : 0,
              broken.errors.empty() ? "none" : broken.errors.front().path.c_str(),
              events.ok() ? events->size() : 999u);
  return 0;
}
