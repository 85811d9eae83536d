/* fuzz-frame.c: libFuzzer target for the framer, the JSON-RPC classifier and the line table.
 * Built and run by ctest when clang has libFuzzer (tests/fuzz.cmake). By hand, from the root:
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I. -D_POSIX_C_SOURCE=200809L \
 *     -D_DEFAULT_SOURCE tests/fuzz/fuzz-frame.c protocol/frame.c protocol/position.c \
 *     protocol/rpc.c $(pkg-config --cflags --libs jansson) -o build/fuzz-frame
 *   mkdir -p build/fuzz-corpus && build/fuzz-frame -max_total_time=60 build/fuzz-corpus
 *
 * The first input byte picks the feed size and the body limit, the rest is the byte stream.
 * Invariants checked (abort on violation): bodies never exceed the limit; nl_frame_next settles;
 * the buffer stays bounded; position -> offset never moves forward, never leaves the line, and
 * round-trips at every character start. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/frame.h"
#include "protocol/position.h"
#include "protocol/rpc.h"

#define CHECK(cond)                                                        \
  do {                                                                     \
    if (!(cond)) {                                                         \
      fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      abort();                                                             \
    }                                                                      \
  } while (0)

static void drain(nl_frame *f, size_t max_body) {
  for (int guard = 0;; guard++) {
    CHECK(guard < 100000);
    const char *body;
    size_t len;
    char err[128];
    int rc = nl_frame_next(f, &body, &len, err, sizeof(err));
    if (rc == 0) return;
    if (rc < 0) {
      CHECK(err[0] != '\0');
      continue;
    }
    CHECK(len <= max_body);
    nl_rpc_msg m;
    char rerr[128];
    int prc = nl_rpc_parse(body, len, &m, rerr, sizeof(rerr));
    CHECK(prc == 0 || prc == NL_RPC_PARSE_ERROR || prc == NL_RPC_INVALID_REQUEST);
    CHECK((prc == 0) == (m.kind != NL_RPC_MSG_INVALID));
    if (m.kind == NL_RPC_MSG_REQUEST || m.kind == NL_RPC_MSG_NOTIFICATION)
      CHECK(m.method != NULL);
    nl_rpc_msg_free(&m);
  }
}

static void fuzz_frame(const uint8_t *data, size_t size, size_t piece, size_t max_body) {
  nl_frame *f = nl_frame_new(max_body);
  CHECK(f != NULL);
  for (size_t off = 0; off < size; off += piece) {
    size_t k = size - off < piece ? size - off : piece;
    CHECK(nl_frame_feed(f, (const char *)data + off, k) == 0);
    drain(f, max_body);
    /* After draining, what is left is at most one header block, a partial body or an endless
     * garbage line's tail, plus the last piece. */
    CHECK(nl_frame_buffered(f) <= max_body + NL_FRAME_MAX_HEADER + piece);
  }
  nl_frame_free(f);
}

static void fuzz_lines(const char *text, size_t len) {
  nl_lines l;
  CHECK(nl_lines_init(&l, text, len) == 0);
  CHECK(l.n_lines >= 1 && l.starts[0] == 0);
  for (size_t i = 1; i < l.n_lines; i++) CHECK(l.starts[i] > l.starts[i - 1] && l.starts[i] <= len);
  nl_encoding encs[] = {NL_ENC_UTF8, NL_ENC_UTF16, NL_ENC_UTF32};
  for (size_t e = 0; e < 3; e++) {
    size_t limit = len < 512 ? len : 512; /* keep each run fast */
    for (size_t off = 0; off <= limit; off++) {
      uint32_t line, ch;
      nl_lines_position(&l, encs[e], off, &line, &ch);
      CHECK(line < l.n_lines);
      size_t back = nl_lines_offset(&l, encs[e], line, ch);
      CHECK(back <= off);
      CHECK(back >= l.starts[line] && back <= nl_lines_line_end(&l, line));
      /* From a position we produced, the same position comes back. */
      uint32_t line2, ch2;
      nl_lines_position(&l, encs[e], back, &line2, &ch2);
      CHECK(line2 == line && ch2 == ch);
    }
    /* Arbitrary positions clamp inside the text. */
    for (uint32_t ln = 0; ln < 4; ln++) {
      size_t o = nl_lines_offset(&l, encs[e], ln, (uint32_t)len / (ln + 1));
      CHECK(o <= len);
      o = nl_lines_offset(&l, encs[e], ln, UINT32_MAX);
      CHECK(o == (ln < l.n_lines ? nl_lines_line_end(&l, ln) : len));
    }
  }
  nl_lines_free(&l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  size_t piece = 1 + (data[0] & 0x1F);
  size_t max_body = (data[0] & 0x80) ? 64 : 4096;
  data++, size--;
  fuzz_frame(data, size, piece, max_body);
  fuzz_frame(data, size, size ? size : 1, max_body);
  fuzz_lines((const char *)data, size);
  return 0;
}
