/* The error vocabulary: every code has its own message and system errnos pass through. */
#include <errno.h>
#include <string.h>

#include "lsp/base/error.h"
#include "test.h"

static void test_messages(void) {
  ASSERT_STR_EQ(nl_strerror(NL_ENOMEM), "out of memory");
  ASSERT_EQ(NL_ENOMEM, -ENOMEM); /* a negated errno is already a code */
  ASSERT_STR_EQ(nl_strerror(-ENOENT), "no such file or folder");
  ASSERT_STR_EQ(nl_strerror(NL_EOUTSIDE), "outside every workspace folder");
  ASSERT_STR_EQ(nl_strerror(-ENOTDIR), strerror(ENOTDIR));
  ASSERT_STR_EQ(nl_strerror(1), "unknown error");
  ASSERT_STR_EQ(nl_strerror(-5000), "unknown error");
}

static void test_codes_are_distinct(void) {
  static const int codes[] = {
#define XX(name, code, msg) code,
      NL_ERRNO_MAP(XX)
#undef XX
  };
  size_t n = sizeof codes / sizeof codes[0];
  for (size_t i = 0; i < n; i++) {
    ASSERT(codes[i] < 0);
    for (size_t j = i + 1; j < n; j++) ASSERT_NE(codes[i], codes[j]);
  }
}

int main(void) {
  RUN(test_messages);
  RUN(test_codes_are_distinct);
  return NL_TEST_DONE();
}
