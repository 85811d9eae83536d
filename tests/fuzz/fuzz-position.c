/* fuzz-position.c: libFuzzer target for the one position converter (protocol/position.c).
 * Built and run by ctest when clang has libFuzzer (tests/fuzz/CMakeLists.txt).
 * The first byte picks the encoding and a unit column, the rest is one line of text. Checked:
 * byte -> units -> byte lands on the start of the character holding the byte; units grow with
 * the byte column; units -> byte never leaves the line and never splits a valid character;
 * the column of a character start round-trips exactly; UTF-8 columns of valid text are bytes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "protocol/position.h"
#include "protocol/utf8.h"

#define CHECK(cond)                                                                    \
  do {                                                                                 \
    if (!(cond)) {                                                                     \
      fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond);     \
      abort();                                                                         \
    }                                                                                  \
  } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  static const nl_encoding encs[] = {NL_ENC_UTF8, NL_ENC_UTF16, NL_ENC_UTF32};
  nl_encoding enc = encs[data[0] % 3];
  uint32_t probe = data[0] >> 2;
  const char *line = (const char *)data + 1;
  size_t len = size - 1;
  if (len > 4096) len = 4096; /* one line is what the converter sees; keep runs fast */

  /* Character starts, as the one decoder reads them (an invalid byte is a character). */
  uint8_t *start = calloc(len + 1, 1);
  CHECK(start != NULL);
  for (size_t i = 0; i < len;) {
    uint32_t cp;
    size_t n = nl_utf8_decode(line + i, len - i, &cp);
    start[i] = 1;
    i += n ? n : 1;
  }
  start[len] = 1;

  uint32_t prev = 0;
  for (size_t b = 0; b <= len; b++) {
    uint32_t u = nl_col_to_units(line, len, b, enc);
    CHECK(u >= prev);
    prev = u;
    size_t back = nl_col_from_units(line, len, u, enc);
    CHECK(back <= b && back <= len);
    CHECK(start[back]);
    if (start[b]) CHECK(back == b);
  }
  CHECK(nl_col_to_units(line, len, len + 7, enc) == nl_col_to_units(line, len, len, enc));
  /* Arbitrary unit columns clamp to the line and land on a character start. */
  for (uint32_t u = probe; u < probe + 8; u++) {
    size_t b = nl_col_from_units(line, len, u, enc);
    CHECK(b <= len && start[b]);
    CHECK(nl_col_to_units(line, len, b, enc) <= u || b == 0);
  }
  CHECK(nl_col_from_units(line, len, UINT32_MAX, enc) == len);
  free(start);
  return 0;
}
