/* error.h: the one error vocabulary of lsp/. Internal calls return 0 on success and one of
 * these negative codes on failure, as libuv does with UV_ERRNO_MAP: the codes that have an
 * errno are that errno negated (so -errno from a system call is already one of them), the
 * others are ours. JSON-RPC error codes belong to protocol/rpc.h and are chosen only where a
 * reply is built. */
#ifndef NL_ERROR_H
#define NL_ERROR_H

#include <errno.h>

#define NL_ERRNO_MAP(XX)                                                       \
  XX(NOMEM, -ENOMEM, "out of memory")                                          \
  XX(INVAL, -EINVAL, "invalid argument")                                       \
  XX(NOENT, -ENOENT, "no such file or folder")                                 \
  XX(EXIST, -EEXIST, "file exists")                                            \
  XX(ACCES, -EACCES, "permission denied")                                      \
  XX(IO, -EIO, "input/output error")                                           \
  XX(BUSY, -EBUSY, "busy")                                                     \
  XX(CANCELED, -ECANCELED, "cancelled")                                        \
  XX(TOOBIG, -EFBIG, "file over the size limit")                               \
  XX(NOTREG, -4001, "not a regular file")                                      \
  XX(BINARY, -4002, "binary file (contains NUL bytes)")                        \
  XX(OUTSIDE, -4003, "outside every workspace folder")                         \
  XX(STALE, -4004, "the file changed since it was read")                       \
  XX(PARSE, -4005, "cannot be parsed")                                         \
  XX(RANGE, -4006, "position out of range")                                    \
  XX(LOOP, -4007, "cannot start work on the event loop")                      \
  XX(CORRUPT, -4008, "invariant broken")

typedef enum {
#define XX(name, code, msg) NL_E##name = code,
  NL_ERRNO_MAP(XX)
#undef XX
} nl_errno;

/* The message of an nl_errno, or of any other negative errno (strerror), or "unknown error";
 * static storage. */
const char *nl_strerror(int err);

#endif
