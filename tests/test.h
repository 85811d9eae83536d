/* Minimal test harness in the style of libuv's test/task.h: assertions print both values. */
#ifndef NL_TEST_H
#define NL_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int nl_test_failures;
static int nl_test_count;

#define NL_FAIL_(fmt, ...)                                                          \
  do {                                                                              \
    fprintf(stderr, "%s:%d: assertion failed: " fmt "\n", __FILE__, __LINE__,       \
            __VA_ARGS__);                                                           \
    nl_test_failures++;                                                             \
    return;                                                                         \
  } while (0)

#define ASSERT(expr)                                                                \
  do {                                                                              \
    if (!(expr)) NL_FAIL_("%s", #expr);                                             \
  } while (0)

#define ASSERT_EQ(a, b)                                                             \
  do {                                                                              \
    int64_t a_ = (int64_t)(a), b_ = (int64_t)(b);                                   \
    if (a_ != b_) NL_FAIL_("%s == %s (%" PRId64 " != %" PRId64 ")", #a, #b, a_, b_); \
  } while (0)

#define ASSERT_NE(a, b)                                                             \
  do {                                                                              \
    int64_t a_ = (int64_t)(a), b_ = (int64_t)(b);                                   \
    if (a_ == b_) NL_FAIL_("%s != %s (both %" PRId64 ")", #a, #b, a_);              \
  } while (0)

/* A byte range (nl_brange) from (l0, c0) to (l1, c1). */
#define ASSERT_BRANGE(r, l0, c0, l1, c1) \
  do {                                   \
    ASSERT_EQ((r).start.line, l0);       \
    ASSERT_EQ((r).start.col, c0);        \
    ASSERT_EQ((r).end.line, l1);         \
    ASSERT_EQ((r).end.col, c1);          \
  } while (0)

#define ASSERT_STR_EQ(a, b)                                                         \
  do {                                                                              \
    const char *a_ = (a), *b_ = (b);                                                \
    if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0)                            \
      NL_FAIL_("%s == %s (\"%s\" != \"%s\")", #a, #b, a_ ? a_ : "(null)",           \
               b_ ? b_ : "(null)");                                                 \
  } while (0)

#define ASSERT_MEM_EQ(a, alen, b, blen)                                             \
  do {                                                                              \
    size_t al_ = (alen), bl_ = (blen);                                              \
    if (al_ != bl_ || memcmp((a), (b), al_) != 0)                                   \
      NL_FAIL_("%s == %s (\"%.*s\" != \"%.*s\")", #a, #b, (int)al_, (const char *)(a), \
               (int)bl_, (const char *)(b));                                        \
  } while (0)

/* Runs one case; a failing assertion returns from the case and is counted. */
#define RUN(fn)                                                                     \
  do {                                                                              \
    int before_ = nl_test_failures;                                                 \
    nl_test_count++;                                                                \
    fn();                                                                           \
    fprintf(stderr, "%s %s\n", nl_test_failures == before_ ? "ok  " : "FAIL", #fn);  \
  } while (0)

/* Prints the plain closing line and returns the exit status for main. */
#define NL_TEST_DONE()                                                              \
  (printf("%d passed, %d failed\n", nl_test_count - nl_test_failures,              \
          nl_test_failures),                                                        \
   nl_test_failures ? 1 : 0)

#endif
