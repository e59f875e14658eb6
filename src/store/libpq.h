// LibPq: the functions of libpq that the PostgreSQL ledger calls, loaded at run time.
//
// podgate does not link libpq: the library and what it pulls in (OpenSSL, GnuTLS, Kerberos,
// LDAP, SASL: about 25 shared objects) cost every process about 6 ms of CPU at start-up
// (`podgate validate` of one file: 9.0-9.8 ms before, 3.0-3.7 ms after; docs/PERFORMANCE.md
// "validate"), and only a postgresql:// ledger needs it. So the PostgreSQL engine asks for
// libpq.so.5 (Debian's libpq5) when it opens a ledger; nothing else loads it. The declarations
// still come from libpq-fe.h, so every call is checked against libpq's own prototypes.
//
// Thread safety: a loaded LibPq is immutable; share it freely. The library stays loaded for the
// life of the process (RTLD_NODELETE): the dynamic loader counts the references itself.

#ifndef PODGATE_STORE_LIBPQ_H_
#define PODGATE_STORE_LIBPQ_H_

#include <libpq-fe.h>

#include <memory>

#include "podgate/status.h"

namespace podgate::store {

// Every libpq function the engine calls, once: the members of LibPq and what LoadLibPq resolves.
#define PODGATE_LIBPQ_FUNCTIONS(X) \
  X(PQconnectdbParams)             \
  X(PQstatus)                      \
  X(PQerrorMessage)                \
  X(PQsetNoticeProcessor)          \
  X(PQparameterStatus)             \
  X(PQtransactionStatus)           \
  X(PQfinish)                      \
  X(PQexec)                        \
  X(PQprepare)                     \
  X(PQexecPrepared)                \
  X(PQresultStatus)                \
  X(PQresultErrorField)            \
  X(PQresultErrorMessage)          \
  X(PQcmdStatus)                   \
  X(PQntuples)                     \
  X(PQgetisnull)                   \
  X(PQgetvalue)                    \
  X(PQgetlength)                   \
  X(PQclear)                       \
  X(PQescapeLiteral)               \
  X(PQfreemem)                     \
  X(PQsocket)                      \
  X(PQconsumeInput)                \
  X(PQnotifies)                    \
  X(PQconninfoParse)               \
  X(PQconninfoFree)

struct LibPq {
#define PODGATE_LIBPQ_MEMBER(name) decltype(&::name) name;
  PODGATE_LIBPQ_FUNCTIONS(PODGATE_LIBPQ_MEMBER)
#undef PODGATE_LIBPQ_MEMBER
};

// libpq.so.5 with every function above resolved; Code::kConfig naming the library and what the
// dynamic loader said when it is not installed or lacks a function.
Result<std::shared_ptr<const LibPq>> LoadLibPq();

}  // namespace podgate::store

#endif  // PODGATE_STORE_LIBPQ_H_
