/* test-frame.c: Content-Length framing, fed in every way a pipe can deliver bytes. */
#include "protocol/frame.h"

#include "test.h"

#define MAX_MSGS 16

typedef struct {
  int n;                 /* messages */
  char body[MAX_MSGS][512];
  size_t len[MAX_MSGS];
  int n_err;             /* errors, in order */
  int code[MAX_MSGS];
  char err[MAX_MSGS][128];
  int order[2 * MAX_MSGS]; /* 'm' or 'e', the sequence of events */
  int n_events;
} sink;

/* Calls nl_frame_next until it wants more input, recording messages and errors. */
static void drain(nl_frame *f, sink *s) {
  for (int guard = 0; guard < 1000; guard++) {
    const char *body;
    size_t len;
    char err[128];
    int rc = nl_frame_next(f, &body, &len, err, sizeof(err));
    if (rc == 0) return;
    if (s->n_events < 2 * MAX_MSGS) s->order[s->n_events++] = rc > 0 ? 'm' : 'e';
    if (rc > 0) {
      if (s->n < MAX_MSGS && len < sizeof(s->body[0])) {
        memcpy(s->body[s->n], body, len);
        s->body[s->n][len] = '\0';
        s->len[s->n] = len;
      }
      s->n++;
    } else {
      if (s->n_err < MAX_MSGS) {
        s->code[s->n_err] = rc;
        snprintf(s->err[s->n_err], sizeof(s->err[0]), "%s", err);
      }
      s->n_err++;
    }
  }
  fprintf(stderr, "drain: nl_frame_next did not settle\n");
  abort();
}

/* Feeds stream in pieces of `piece` bytes (0: all at once), draining after each. */
static void run(const char *stream, size_t n, size_t piece, size_t max_body, sink *s) {
  memset(s, 0, sizeof(*s));
  nl_frame *f = nl_frame_new(max_body);
  if (piece == 0) piece = n ? n : 1;
  for (size_t off = 0; off < n; off += piece) {
    size_t k = n - off < piece ? n - off : piece;
    if (nl_frame_feed(f, stream + off, k) != 0) abort();
    drain(f, s);
  }
  drain(f, s);
  nl_frame_free(f);
}

static const char STREAM[] =
    "Content-Length: 17\r\n\r\n{\"jsonrpc\":\"2.0\"}"
    "content-length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n[]"
    "CONTENT-LENGTH:6\n\nh\xC3\xA9llo"
    "Content-Length: 0\r\n\r\n";

static void check_stream(const sink *s, int *ok) {
  *ok = s->n == 4 && s->n_err == 0 && strcmp(s->body[0], "{\"jsonrpc\":\"2.0\"}") == 0 &&
        strcmp(s->body[1], "[]") == 0 && strcmp(s->body[2], "h\xC3\xA9llo") == 0 &&
        s->len[3] == 0;
}

static void test_whole_stream(void) {
  sink s;
  run(STREAM, sizeof(STREAM) - 1, 0, 1024, &s);
  ASSERT_EQ(s.n, 4);
  ASSERT_EQ(s.n_err, 0);
  ASSERT_STR_EQ(s.body[0], "{\"jsonrpc\":\"2.0\"}");
  ASSERT_STR_EQ(s.body[1], "[]");
  ASSERT_STR_EQ(s.body[2], "h\xC3\xA9llo");
  ASSERT_EQ(s.len[3], 0);
}

static void test_split_at_every_boundary(void) {
  size_t n = sizeof(STREAM) - 1;
  for (size_t cut = 0; cut <= n; cut++) {
    sink s;
    memset(&s, 0, sizeof(s));
    nl_frame *f = nl_frame_new(1024);
    ASSERT_EQ(nl_frame_feed(f, STREAM, cut), 0);
    drain(f, &s);
    ASSERT_EQ(nl_frame_feed(f, STREAM + cut, n - cut), 0);
    drain(f, &s);
    nl_frame_free(f);
    int ok;
    check_stream(&s, &ok);
    if (!ok) fprintf(stderr, "split at %zu\n", cut);
    ASSERT(ok);
  }
}

static void test_every_piece_size(void) {
  size_t n = sizeof(STREAM) - 1;
  for (size_t piece = 1; piece <= n; piece++) {
    sink s;
    run(STREAM, n, piece, 1024, &s);
    int ok;
    check_stream(&s, &ok);
    if (!ok) fprintf(stderr, "piece size %zu\n", piece);
    ASSERT(ok);
  }
}

static void test_header_value_whitespace(void) {
  static const char in[] = "Content-Length: \t3 \t\r\nX-Other: a:b\r\n\r\nabc";
  sink s;
  run(in, sizeof(in) - 1, 0, 1024, &s);
  ASSERT_EQ(s.n, 1);
  ASSERT_EQ(s.n_err, 0);
  ASSERT_STR_EQ(s.body[0], "abc");
}

static void test_garbage_then_valid(void) {
  static const char in[] = "hello world\r\nmore junk\n{\"x\":1}\nContent-Length: 2\r\n\r\n{}";
  for (size_t piece = 0; piece <= 3; piece++) {
    sink s;
    run(in, sizeof(in) - 1, piece, 1024, &s);
    ASSERT_EQ(s.n, 1);
    ASSERT_STR_EQ(s.body[0], "{}");
    ASSERT(s.n_err >= 1);
    ASSERT_EQ(s.code[0], NL_FRAME_EGARBAGE);
    ASSERT(strstr(s.err[0], "garbage") != NULL);
    ASSERT_EQ(s.order[s.n_events - 1], 'm');
  }
}

static void test_garbage_all_at_once_is_one_error(void) {
  static const char in[] = "junk one\njunk two\r\njunk three\nContent-Length: 1\r\n\r\nx";
  sink s;
  run(in, sizeof(in) - 1, 0, 1024, &s);
  ASSERT_EQ(s.n, 1);
  ASSERT_EQ(s.n_err, 1);
  ASSERT_STR_EQ(s.err[0], "skipped 30 bytes of garbage before header");
}

/* A body longer than its announced length leaves bytes glued to the next header. */
static void test_garbage_glued_to_header(void) {
  static const char in[] = "Content-Length: 3\r\n\r\n{}}}Content-Length: 2\r\n\r\n[]";
  sink s;
  run(in, sizeof(in) - 1, 0, 1024, &s);
  ASSERT_EQ(s.n, 2);
  ASSERT_STR_EQ(s.body[0], "{}}");
  ASSERT_STR_EQ(s.body[1], "[]");
  ASSERT_EQ(s.n_err, 1);
  ASSERT_STR_EQ(s.err[0], "skipped 1 bytes of garbage before header");
}

static void test_missing_content_length(void) {
  static const char in[] =
      "Content-Type: application/json\r\n\r\n{\"lost\":true}Content-Length: 2\r\n\r\nok";
  sink s;
  run(in, sizeof(in) - 1, 0, 1024, &s);
  ASSERT_EQ(s.n, 1);
  ASSERT_STR_EQ(s.body[0], "ok");
  ASSERT(s.n_err >= 1);
  ASSERT_EQ(s.code[0], NL_FRAME_ENOLENGTH);
  ASSERT_STR_EQ(s.err[0], "missing content-length header");
}

static void test_invalid_content_length(void) {
  static const char in[] = "Content-Length: 12abc\r\n\r\nContent-Length: -1\r\n\r\n"
                           "Content-Length: 1\r\nContent-Length: 2\r\n\r\n"
                           "Content-Length:\r\n\r\nContent-Length: 2\r\n\r\nok";
  sink s;
  run(in, sizeof(in) - 1, 0, 1024, &s);
  ASSERT_EQ(s.n, 1);
  ASSERT_STR_EQ(s.body[0], "ok");
  ASSERT_EQ(s.n_err, 4);
  ASSERT_STR_EQ(s.err[0], "invalid content-length '12abc'");
  ASSERT_STR_EQ(s.err[1], "invalid content-length '-1'");
  ASSERT_STR_EQ(s.err[2], "conflicting content-length headers");
  ASSERT_STR_EQ(s.err[3], "invalid content-length ''");
  ASSERT_EQ(s.code[0], NL_FRAME_EBADLENGTH);
}

static void test_oversized_body_is_discarded(void) {
  char in[512];
  int n = snprintf(in, sizeof(in), "Content-Length: 100\r\n\r\n");
  memset(in + n, 'x', 100);
  n += 100;
  n += snprintf(in + n, sizeof(in) - (size_t)n, "Content-Length: 7\r\n\r\n{\"a\":1}");
  for (size_t piece = 0; piece <= 7; piece++) {
    sink s;
    run(in, (size_t)n, piece, 64, &s);
    ASSERT_EQ(s.n_err, 1);
    ASSERT_EQ(s.code[0], NL_FRAME_ETOOBIG);
    ASSERT_STR_EQ(s.err[0], "content-length 100 exceeds limit 64");
    ASSERT_EQ(s.n, 1);
    ASSERT_STR_EQ(s.body[0], "{\"a\":1}");
  }
}

/* The discarded body streams through without being buffered. */
static void test_oversized_body_not_buffered(void) {
  nl_frame *f = nl_frame_new(1000);
  sink s;
  memset(&s, 0, sizeof(s));
  const char *hdr = "Content-Length: 1000000\r\n\r\n";
  ASSERT_EQ(nl_frame_feed(f, hdr, strlen(hdr)), 0);
  drain(f, &s);
  ASSERT_EQ(s.n_err, 1);
  char chunk[4096];
  memset(chunk, 'y', sizeof(chunk));
  size_t left = 1000000;
  while (left > 0) {
    size_t k = left < sizeof(chunk) ? left : sizeof(chunk);
    ASSERT_EQ(nl_frame_feed(f, chunk, k), 0);
    ASSERT_EQ(nl_frame_buffered(f), 0);
    drain(f, &s);
    left -= k;
  }
  const char *next = "Content-Length: 2\r\n\r\nhi";
  ASSERT_EQ(nl_frame_feed(f, next, strlen(next)), 0);
  drain(f, &s);
  nl_frame_free(f);
  ASSERT_EQ(s.n, 1);
  ASSERT_STR_EQ(s.body[0], "hi");
  ASSERT_EQ(s.n_err, 1);
}

static void test_huge_length_message(void) {
  static const char in[] = "Content-Length: 99999999999\r\n\r\n";
  sink s;
  run(in, sizeof(in) - 1, 0, 67108864, &s);
  ASSERT_EQ(s.n_err, 1);
  ASSERT_STR_EQ(s.err[0], "content-length 99999999999 exceeds limit 67108864");
  static const char in2[] = "Content-Length: 123456789012345678901234567890\r\n\r\n";
  run(in2, sizeof(in2) - 1, 0, 64, &s);
  ASSERT_EQ(s.n_err, 1);
  ASSERT_EQ(s.code[0], NL_FRAME_ETOOBIG);
}

static void test_big_message_in_small_pieces(void) {
  size_t body_len = 3u << 20;
  char *body = malloc(body_len);
  ASSERT(body != NULL);
  for (size_t i = 0; i < body_len; i++) body[i] = (char)('a' + i % 26);
  nl_frame *f = nl_frame_new(64u << 20);
  char hdr[64];
  int h = snprintf(hdr, sizeof(hdr), "Content-Length: %zu\r\n\r\n", body_len);
  ASSERT_EQ(nl_frame_feed(f, hdr, (size_t)h), 0);
  const char *out = NULL;
  size_t out_len = 0;
  int got = 0;
  for (size_t off = 0; off < body_len; off += 1000) {
    size_t k = body_len - off < 1000 ? body_len - off : 1000;
    ASSERT_EQ(nl_frame_feed(f, body + off, k), 0);
    int rc = nl_frame_next(f, &out, &out_len, NULL, 0);
    ASSERT(rc >= 0);
    if (rc == 1) got++;
  }
  ASSERT_EQ(got, 1);
  ASSERT_EQ(out_len, body_len);
  ASSERT(memcmp(out, body, body_len) == 0);
  ASSERT_EQ(nl_frame_next(f, &out, &out_len, NULL, 0), 0);
  ASSERT_EQ(nl_frame_buffered(f), 0);
  nl_frame_free(f);
  free(body);
}

static void test_blank_lines_between_messages(void) {
  static const char in[] = "\r\n\nContent-Length: 1\r\n\r\na\r\n\r\nContent-Length: 1\n\nb";
  sink s;
  run(in, sizeof(in) - 1, 1, 1024, &s);
  ASSERT_EQ(s.n, 2);
  ASSERT_EQ(s.n_err, 0);
  ASSERT_STR_EQ(s.body[0], "a");
  ASSERT_STR_EQ(s.body[1], "b");
}

static void test_header_block_too_long(void) {
  size_t pad = NL_FRAME_MAX_HEADER + 100;
  size_t cap = pad + 128;
  char *in = malloc(cap);
  ASSERT(in != NULL);
  size_t n = (size_t)snprintf(in, cap, "Content-Length: 2\r\nX-Pad: ");
  memset(in + n, 'p', pad);
  n += pad;
  n += (size_t)snprintf(in + n, cap - n, "\r\n\r\nabContent-Length: 2\r\n\r\nok");
  sink s;
  run(in, n, 512, 1024, &s);
  free(in);
  ASSERT(s.n_err >= 1);
  ASSERT_EQ(s.code[0], NL_FRAME_EHEADER);
  ASSERT_EQ(s.n, 1);
  ASSERT_STR_EQ(s.body[0], "ok");
}

/* Garbage without any newline must not pile up in the buffer. */
static void test_endless_garbage_line(void) {
  nl_frame *f = nl_frame_new(1024);
  sink s;
  memset(&s, 0, sizeof(s));
  char chunk[1000];
  memset(chunk, 'g', sizeof(chunk));
  for (int i = 0; i < 200; i++) {
    ASSERT_EQ(nl_frame_feed(f, chunk, sizeof(chunk)), 0);
    drain(f, &s);
    ASSERT(nl_frame_buffered(f) <= NL_FRAME_MAX_HEADER + sizeof(chunk));
  }
  const char *msg = "Content-Length: 2\r\n\r\nok";
  ASSERT_EQ(nl_frame_feed(f, msg, strlen(msg)), 0);
  drain(f, &s);
  nl_frame_free(f);
  ASSERT(s.n_err >= 1);
  ASSERT_EQ(s.n, 1);
  ASSERT_STR_EQ(s.body[0], "ok");
}

static void test_strerror(void) {
  ASSERT_STR_EQ(nl_frame_strerror(NL_FRAME_ENOLENGTH), "missing content-length header");
  ASSERT_STR_EQ(nl_frame_strerror(12345), "unknown error");
  nl_frame_free(NULL);
}

int main(void) {
  RUN(test_whole_stream);
  RUN(test_split_at_every_boundary);
  RUN(test_every_piece_size);
  RUN(test_header_value_whitespace);
  RUN(test_garbage_then_valid);
  RUN(test_garbage_all_at_once_is_one_error);
  RUN(test_garbage_glued_to_header);
  RUN(test_missing_content_length);
  RUN(test_invalid_content_length);
  RUN(test_oversized_body_is_discarded);
  RUN(test_oversized_body_not_buffered);
  RUN(test_huge_length_message);
  RUN(test_big_message_in_small_pieces);
  RUN(test_blank_lines_between_messages);
  RUN(test_header_block_too_long);
  RUN(test_endless_garbage_line);
  RUN(test_strerror);
  return NL_TEST_DONE();
}
