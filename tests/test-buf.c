/* The one growing string (lsp/base/buf.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lsp/base/buf.h"
#include "test.h"

static void test_appends(void) {
  nl_buf b = NL_BUF_INIT;
  nl_buf_add(&b, "ab", 2);
  nl_buf_adds(&b, "c");
  nl_buf_addf(&b, "-%d-%s", 42, "x");
  nl_buf_add(&b, "zzz", 0);
  ASSERT_EQ(b.len, 8);
  ASSERT_STR_EQ(b.s, "abc-42-x");
  char *s = nl_buf_take(&b);
  ASSERT_STR_EQ(s, "abc-42-x");
  ASSERT(b.s == NULL && b.len == 0 && b.cap == 0);
  free(s);
  /* Growth past any first capacity keeps every byte. */
  for (int i = 0; i < 1000; i++) nl_buf_addf(&b, "%03d", i);
  ASSERT_EQ(b.len, 3000);
  ASSERT(memcmp(b.s + 2997, "999", 3) == 0);
  nl_buf_free(&b);
  ASSERT(b.s == NULL);
}

static void test_empty_and_failure(void) {
  nl_buf b = NL_BUF_INIT;
  char *s = nl_buf_take(&b); /* nothing appended: "", not NULL */
  ASSERT_STR_EQ(s, "");
  free(s);
  nl_buf_adds(&b, "kept");
  nl_buf_add(&b, "x", SIZE_MAX / 2); /* cannot be held: the buffer remembers it */
  ASSERT(b.oom);
  nl_buf_adds(&b, "ignored");
  ASSERT_EQ(b.len, 4);
  ASSERT(nl_buf_take(&b) == NULL);
  ASSERT(b.s == NULL && !b.oom);
}

int main(void) {
  RUN(test_appends);
  RUN(test_empty_and_failure);
  return NL_TEST_DONE();
}
