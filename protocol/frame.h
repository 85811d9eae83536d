/* frame.h: incremental LSP base-protocol framing ("Content-Length: N\r\n\r\n" + N bytes).
 *
 * Pure and I/O-free, in the shape of cmark_parser_feed: the caller feeds whatever bytes arrived
 * from the transport, then calls nl_frame_next until it returns 0. Header names are
 * case-insensitive, Content-Type is accepted and ignored, bare "\n" line ends are tolerated, and
 * after any framing error the framer has already resynchronised, so the caller logs the message
 * and simply calls nl_frame_next again. A body longer than the limit is dropped as it streams
 * in (its announced length is trusted, so a corrupt huge length swallows what follows); a header
 * block without a usable length is followed by a scan for the next header line. */
#ifndef NL_FRAME_H
#define NL_FRAME_H

#include <stddef.h>

/* Framing errors; all negative. NL_FRAME_ENOMEM equals -ENOMEM. */
#define NL_FRAME_ERRNO_MAP(XX)                                              \
  XX(ENOMEM, -12, "out of memory")                                          \
  XX(EGARBAGE, -1001, "garbage before header")                              \
  XX(ENOLENGTH, -1002, "missing content-length header")                     \
  XX(EBADLENGTH, -1003, "invalid content-length header")                    \
  XX(ETOOBIG, -1004, "content-length exceeds limit")                        \
  XX(EHEADER, -1005, "header block too long")

typedef enum {
#define XX(name, value, msg) NL_FRAME_##name = (value),
  NL_FRAME_ERRNO_MAP(XX)
#undef XX
} nl_frame_errno;

/* Longest header block accepted; a longer one is reported as NL_FRAME_EHEADER and skipped. */
#define NL_FRAME_MAX_HEADER 8192

typedef struct nl_frame nl_frame;

/* Returns a new framer that accepts bodies of at most max_body bytes (e.g. 64 MiB), or NULL when
 * out of memory. Free with nl_frame_free. */
nl_frame *nl_frame_new(size_t max_body);
/* Frees the framer and its buffer; accepts NULL. */
void nl_frame_free(nl_frame *f);

/* Copies len bytes of input into the framer (bytes of a body being discarded because it exceeds
 * the limit are dropped, not copied). Invalidates any body returned by nl_frame_next. Returns 0,
 * or NL_FRAME_ENOMEM with the framer unchanged. */
int nl_frame_feed(nl_frame *f, const char *buf, size_t len);

/* Returns 1 with *body and *len set when a whole message is ready (borrowed: valid until the next
 * nl_frame_feed or nl_frame_next); 0 when more bytes are needed; a negative NL_FRAME_* code on a
 * framing error, with a lowercase message in err (may be NULL), after which the framer has
 * resynchronised and the caller calls nl_frame_next again. */
int nl_frame_next(nl_frame *f, const char **body, size_t *len, char *err, size_t err_size);

/* Bytes currently buffered and not yet returned, for tests and statistics. */
size_t nl_frame_buffered(const nl_frame *f);

/* The default message of an NL_FRAME_* code; "unknown error" for anything else. Borrowed, static. */
const char *nl_frame_strerror(int code);

#endif
