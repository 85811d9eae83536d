/* buf.c: see buf.h. */
#include "lsp/base/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for `more` bytes and the NUL after len; 0, or -1 with oom set. */
static int grow(nl_buf *b, size_t more) {
  if (b->oom) return -1;
  if (more >= (size_t)-1 / 2 - b->len) {
    b->oom = 1;
    return -1;
  }
  if (b->len + more + 1 <= b->cap) return 0;
  size_t cap = (b->len + more + 1) * 2;
  char *s = realloc(b->s, cap);
  if (s == NULL) {
    b->oom = 1;
    return -1;
  }
  b->s = s;
  b->cap = cap;
  return 0;
}

void nl_buf_add(nl_buf *b, const char *s, size_t len) {
  if (grow(b, len) != 0) return;
  if (len > 0) memcpy(b->s + b->len, s, len);
  b->len += len;
  b->s[b->len] = '\0';
}

void nl_buf_adds(nl_buf *b, const char *s) { nl_buf_add(b, s, strlen(s)); }

void nl_buf_addf(nl_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) {
    b->oom = 1;
    return;
  }
  if (grow(b, (size_t)n) != 0) return;
  va_start(ap, fmt);
  vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

void nl_buf_clear(nl_buf *b) {
  b->len = 0;
  if (b->s != NULL) b->s[0] = '\0';
}

char *nl_buf_take(nl_buf *b) {
  char *s = b->s;
  if (b->oom) {
    free(s);
    s = NULL;
  } else if (s == NULL) {
    s = calloc(1, 1);
  }
  *b = (nl_buf)NL_BUF_INIT;
  return s;
}

void nl_buf_free(nl_buf *b) {
  free(b->s);
  *b = (nl_buf)NL_BUF_INIT;
}
