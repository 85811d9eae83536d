/* error.c: messages of the error vocabulary (error.h). */
#include "lsp/base/error.h"

#include <string.h>

const char *nl_strerror(int err) {
  switch (err) {
#define XX(name, code, msg) \
  case code:                \
    return msg;
    NL_ERRNO_MAP(XX)
#undef XX
    default:
      break;
  }
  /* Any other errno a system call gave back. */
  return err < 0 && err > -4000 ? strerror(-err) : "unknown error";
}
