/* buf.h: the one growing string (git's strbuf, sds): appends that remember an allocation
 * failure, so a writer appends freely and checks once when it takes the string. */
#ifndef NL_BUF_H
#define NL_BUF_H

#include <stddef.h>

typedef struct {
  char *s;    /* owned; NUL-terminated once anything was appended, else NULL */
  size_t len; /* bytes in s, the NUL not counted */
  size_t cap; /* bytes allocated */
  int oom;    /* an append failed: s is incomplete and nl_buf_take gives NULL */
} nl_buf;

#define NL_BUF_INIT {NULL, 0, 0, 0}

/* Appends s[0, len) (borrowed). */
void nl_buf_add(nl_buf *b, const char *s, size_t len);
/* Appends the NUL-terminated s (borrowed). */
void nl_buf_adds(nl_buf *b, const char *s);
/* Appends printf-formatted text. */
void nl_buf_addf(nl_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The string, handed to the caller (free()): "" when nothing was appended, NULL when an
 * append failed (the buffer is freed then). Leaves b empty. */
char *nl_buf_take(nl_buf *b);
/* Empties b but keeps its allocation, for a buffer filled and drained again and again. */
void nl_buf_clear(nl_buf *b);
/* Frees what b holds and leaves it empty. */
void nl_buf_free(nl_buf *b);

#endif
