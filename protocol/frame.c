/* frame.c: incremental Content-Length framing; see frame.h. */
#include "protocol/frame.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { S_HEADERS, S_BODY, S_DISCARD };

/* Shrink an idle buffer above this size so one huge message does not pin its memory forever. */
#define SHRINK_ABOVE (1u << 20)
#define IDLE_CAP 4096

static const char CL_NAME[] = "content-length";
#define CL_MARK "content-length:"
#define CL_MARK_LEN (sizeof(CL_MARK) - 1)

struct nl_frame {
  char *buf;
  size_t start, end, cap; /* unconsumed bytes are buf[start, end) */
  size_t max_body;
  int state;

  /* The header block being parsed starts at buf[start]; hdr_pos bytes of it are parsed. */
  size_t hdr_pos;
  int in_block;
  int have_length, length_bad, length_conflict, too_big;
  uint64_t length;
  char length_text[32];

  size_t body_len;       /* S_BODY */
  uint64_t discard_left; /* S_DISCARD */
};

nl_frame *nl_frame_new(size_t max_body) {
  nl_frame *f = calloc(1, sizeof(*f));
  if (f == NULL) return NULL;
  f->max_body = max_body;
  f->state = S_HEADERS;
  return f;
}

void nl_frame_free(nl_frame *f) {
  if (f == NULL) return;
  free(f->buf);
  free(f);
}

size_t nl_frame_buffered(const nl_frame *f) { return f->end - f->start; }

const char *nl_frame_strerror(int code) {
  switch (code) {
#define XX(name, value, msg) \
  case NL_FRAME_##name:      \
    return msg;
    NL_FRAME_ERRNO_MAP(XX)
#undef XX
  }
  return "unknown error";
}

static int fail(char *err, size_t err_size, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t err_size, int code, const char *fmt, ...) {
  if (err != NULL && err_size > 0) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_size, fmt, ap);
    va_end(ap);
  }
  return code;
}

static void reset_block(nl_frame *f) {
  f->hdr_pos = 0;
  f->in_block = 0;
  f->have_length = f->length_bad = f->length_conflict = f->too_big = 0;
  f->length = 0;
  f->length_text[0] = '\0';
}

/* Moves the unconsumed bytes to the front and makes room for at least `need` of them. */
static int reserve(nl_frame *f, size_t need) {
  size_t used = f->end - f->start;
  if (f->start > 0 && f->start + need > f->cap) {
    memmove(f->buf, f->buf + f->start, used);
    f->start = 0;
    f->end = used;
  }
  if (need <= f->cap - f->start) return 0;
  size_t cap = f->cap ? f->cap : IDLE_CAP;
  while (cap < need) {
    if (cap > SIZE_MAX / 2) {
      cap = need;
      break;
    }
    cap *= 2;
  }
  char *buf = realloc(f->buf, cap);
  if (buf == NULL) return NL_FRAME_ENOMEM;
  f->buf = buf;
  f->cap = cap;
  return 0;
}

/* Drops buffered bytes of an oversized body; returns 1 when the whole body is gone. */
static int discard_buffered(nl_frame *f) {
  size_t avail = f->end - f->start;
  size_t n = f->discard_left < avail ? (size_t)f->discard_left : avail;
  f->start += n;
  f->discard_left -= n;
  if (f->discard_left > 0) return 0;
  f->state = S_HEADERS;
  return 1;
}

int nl_frame_feed(nl_frame *f, const char *buf, size_t len) {
  if (f->state == S_DISCARD && !discard_buffered(f)) {
    /* Never buffer an oversized body: drop it straight from the caller's bytes. */
    size_t n = f->discard_left < len ? (size_t)f->discard_left : len;
    buf += n;
    len -= n;
    f->discard_left -= n;
    if (f->discard_left == 0) f->state = S_HEADERS;
  }
  if (f->start == f->end) {
    f->start = f->end = 0;
    if (f->cap > SHRINK_ABOVE && f->state != S_BODY) {
      char *small = realloc(f->buf, IDLE_CAP);
      if (small != NULL) {
        f->buf = small;
        f->cap = IDLE_CAP;
      }
    }
  }
  if (len == 0) return 0;
  size_t used = f->end - f->start;
  if (len > SIZE_MAX - used) return NL_FRAME_ENOMEM;
  if (f->end + len > f->cap) {
    /* reserve grows geometrically, so a big body fed in small pieces is copied O(1) times. */
    int rc = reserve(f, used + len);
    if (rc < 0) return rc;
  }
  memcpy(f->buf + f->end, buf, len);
  f->end += len;
  return 0;
}

static int is_tchar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return 1;
  return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int lower(int c) { return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c; }

/* A header line is "token: value" (RFC 7230); anything else is garbage. So is a token that ends
 * in "content-length" without being it: the tail of an overlong body glued to the next header. */
static int looks_like_header(const char *p, size_t len) {
  size_t i = 0;
  while (i < len && is_tchar((unsigned char)p[i])) i++;
  if (i == 0 || i >= len || p[i] != ':') return 0;
  size_t n = sizeof(CL_NAME) - 1;
  if (i <= n) return 1;
  for (size_t k = 0; k < n; k++)
    if (lower((unsigned char)p[i - n + k]) != CL_NAME[k]) return 1;
  return 0;
}

/* Offset of "content-length:" (any case) in p[0, len), or len when absent. */
static size_t find_mark(const char *p, size_t len) {
  for (size_t i = 0; i + CL_MARK_LEN <= len; i++) {
    size_t k = 0;
    while (k < CL_MARK_LEN && lower((unsigned char)p[i + k]) == CL_MARK[k]) k++;
    if (k == CL_MARK_LEN) return i;
  }
  return len;
}

static void parse_length(nl_frame *f, const char *v, size_t n) {
  uint64_t value = 0;
  int big = 0;
  int bad = n == 0;
  for (size_t i = 0; i < n && !bad; i++) {
    if (v[i] < '0' || v[i] > '9') {
      bad = 1;
      break;
    }
    unsigned d = (unsigned)(v[i] - '0');
    if (value > (UINT64_MAX - d) / 10) {
      value = UINT64_MAX; /* saturate: anything this large exceeds the limit anyway */
      big = 1;
    } else {
      value = value * 10 + d;
    }
  }
  size_t shown = n < sizeof(f->length_text) - 1 ? n : sizeof(f->length_text) - 1;
  if (f->have_length && !bad && value != f->length) f->length_conflict = 1;
  memcpy(f->length_text, v, shown);
  f->length_text[shown] = '\0';
  f->have_length = 1;
  f->length_bad |= bad;
  f->length = value;
  f->too_big = big || value > f->max_body;
}

static void parse_header(nl_frame *f, const char *p, size_t len) {
  const char *colon = memchr(p, ':', len);
  size_t name_len = (size_t)(colon - p);
  const char *v = colon + 1, *e = p + len;
  while (v < e && (*v == ' ' || *v == '\t')) v++;
  while (e > v && (e[-1] == ' ' || e[-1] == '\t')) e--;
  if (name_len != sizeof(CL_NAME) - 1) return; /* Content-Type and the rest are ignored */
  for (size_t i = 0; i < name_len; i++)
    if (lower((unsigned char)p[i]) != CL_NAME[i]) return;
  parse_length(f, v, (size_t)(e - v));
}

/* The header block is complete and consumed: decide what follows it. */
static int finish_block(nl_frame *f, char *err, size_t err_size) {
  int rc = 1;
  if (f->length_conflict) {
    rc = fail(err, err_size, NL_FRAME_EBADLENGTH, "conflicting content-length headers");
  } else if (f->length_bad) {
    rc = fail(err, err_size, NL_FRAME_EBADLENGTH, "invalid content-length '%s'", f->length_text);
  } else if (!f->have_length) {
    rc = fail(err, err_size, NL_FRAME_ENOLENGTH, "missing content-length header");
  } else if (f->too_big) {
    rc = fail(err, err_size, NL_FRAME_ETOOBIG, "content-length %s exceeds limit %zu",
              f->length_text, f->max_body);
    f->state = S_DISCARD;
    f->discard_left = f->length;
  } else {
    f->state = S_BODY;
    f->body_len = (size_t)f->length;
    (void)reserve(f, f->body_len); /* best effort; feed reports ENOMEM itself */
  }
  reset_block(f);
  return rc;
}

static int report_garbage(size_t skipped, char *err, size_t err_size) {
  return fail(err, err_size, NL_FRAME_EGARBAGE, "skipped %zu bytes of garbage before header",
              skipped);
}

/* Skips garbage at the start of a header block, up to the next line that looks like a header or
 * to a "content-length:" glued onto the garbage (a body longer than its announced length). */
static size_t garbage_len(const char *p, size_t line_len, int complete) {
  size_t k = find_mark(p, line_len);
  if (k > 0 && k < line_len) return k;
  if (complete) return line_len + 1;
  /* An endless line: keep a tail that may be the start of the next header. */
  return line_len - (CL_MARK_LEN - 1);
}

/* Returns 1 when a body length is known (state changed), 0 for more input, or an error. */
static int parse_headers(nl_frame *f, char *err, size_t err_size) {
  size_t skipped = 0;
  for (;;) {
    const char *p = f->buf + f->start + f->hdr_pos;
    size_t avail = f->end - f->start - f->hdr_pos;
    const char *nl = avail ? memchr(p, '\n', avail) : NULL;
    if (nl == NULL) {
      if (f->hdr_pos + avail <= NL_FRAME_MAX_HEADER) {
        return skipped ? report_garbage(skipped, err, err_size) : 0;
      }
      if (f->in_block) {
        f->start += f->hdr_pos; /* the partial line is examined again as a new block */
        reset_block(f);
        return fail(err, err_size, NL_FRAME_EHEADER, "header block exceeds %d bytes",
                    NL_FRAME_MAX_HEADER);
      }
      size_t n = garbage_len(p, avail, 0);
      f->start += n;
      skipped += n;
      continue;
    }
    size_t line_len = (size_t)(nl - p);
    size_t content = line_len;
    if (content > 0 && p[content - 1] == '\r') content--;

    if (content == 0) {
      if (!f->in_block) { /* a stray blank line between messages */
        f->start += line_len + 1;
        continue;
      }
      f->start += f->hdr_pos + line_len + 1;
      return finish_block(f, err, err_size);
    }
    if (looks_like_header(p, content)) {
      if (skipped) return report_garbage(skipped, err, err_size);
      if (f->hdr_pos + line_len + 1 > NL_FRAME_MAX_HEADER) {
        f->start += f->hdr_pos + line_len + 1;
        reset_block(f);
        return fail(err, err_size, NL_FRAME_EHEADER, "header block exceeds %d bytes",
                    NL_FRAME_MAX_HEADER);
      }
      parse_header(f, p, content);
      f->in_block = 1;
      f->hdr_pos += line_len + 1;
      continue;
    }
    /* Garbage, possibly in the middle of a block: drop what was parsed of the block with it. */
    size_t n = f->hdr_pos + garbage_len(p, line_len, 1);
    f->start += n;
    skipped += n;
    reset_block(f);
  }
}

int nl_frame_next(nl_frame *f, const char **body, size_t *len, char *err, size_t err_size) {
  if (err != NULL && err_size > 0) err[0] = '\0';
  for (;;) {
    int rc;
    switch (f->state) {
    case S_DISCARD:
      if (!discard_buffered(f)) return 0;
      break;
    case S_BODY:
      if (f->end - f->start < f->body_len) return 0;
      *body = f->buf ? f->buf + f->start : "";
      *len = f->body_len;
      f->start += f->body_len;
      f->state = S_HEADERS;
      return 1;
    default:
      rc = parse_headers(f, err, err_size);
      if (rc != 1) return rc;
      break;
    }
  }
}
