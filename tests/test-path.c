/* The shared path joiner (lsp/base/path.c) and percent codec (protocol/percent.c). */
#include <stdlib.h>
#include <string.h>

#include "lsp/base/path.h"
#include "protocol/percent.h"
#include "test.h"

static void test_join(void) {
  char out[64];
  ASSERT_EQ(nl_path_join("Meetings/2025", "../People/Ana.md", out, sizeof out), 0);
  ASSERT_STR_EQ(out, "Meetings/People/Ana.md");
  ASSERT_EQ(nl_path_join("Meetings", "./x/../y.md", out, sizeof out), 0);
  ASSERT_STR_EQ(out, "Meetings/y.md");
  ASSERT_EQ(nl_path_join("Meetings", "/People/Ana.md", out, sizeof out), 0);
  ASSERT_STR_EQ(out, "People/Ana.md");
  ASSERT_EQ(nl_path_join("", "a//b.md", out, sizeof out), 0);
  ASSERT_STR_EQ(out, "a/b.md");
  ASSERT_EQ(nl_path_join("Meetings", "../../x.md", out, sizeof out), -1); /* above the root */
  ASSERT_EQ(nl_path_join("", "abcdefghij/abcdefghij.md", out, 12), -1);  /* does not fit */
  ASSERT_EQ(nl_path_join("a/b", "../../..", out, sizeof out), -1);
  ASSERT_EQ(nl_path_join("a/b", "../..", out, sizeof out), 0);
  ASSERT_STR_EQ(out, "");
  /* No limit but the caller's buffer: a 3,000-byte path joins into a 4,096-byte one. */
  char base[3001], big[4096];
  memset(base, 'x', 3000);
  base[3000] = '\0';
  base[1500] = '/';
  ASSERT_EQ(nl_path_join(base, "../y.md", big, sizeof big), 0);
  ASSERT_EQ(strlen(big), 1505);
  ASSERT_EQ(nl_path_join_beside("Meetings/2025/kickoff.md", "../People/Ana.md#x", 16, out, sizeof out), 0);
  ASSERT_STR_EQ(out, "Meetings/People/Ana.md");
  ASSERT_EQ(nl_path_join_beside("kickoff.md", "/People/Ana.md", 14, out, sizeof out), 0);
  ASSERT_STR_EQ(out, "People/Ana.md");
}

static void test_relative(void) {
  char *p = nl_path_relative("Meetings/2025", "People/Ana Ruiz.md");
  ASSERT_STR_EQ(p, "../../People/Ana Ruiz.md");
  free(p);
  p = nl_path_relative("People", "People/Ana Ruiz.md");
  ASSERT_STR_EQ(p, "Ana Ruiz.md");
  free(p);
  p = nl_path_relative("", "People/Ana Ruiz.md");
  ASSERT_STR_EQ(p, "People/Ana Ruiz.md");
  free(p);
  ASSERT_EQ(nl_path_dir_len("People/Ana.md"), 6);
  ASSERT_EQ(nl_path_dir_len("Ana.md"), 0);
}

static int keep_alnum(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static void test_percent(void) {
  char buf[32];
  ASSERT_EQ(nl_percent_decode("Ana%20Ruiz%2emd", 15, buf, sizeof buf), 11);
  ASSERT_STR_EQ(buf, "Ana Ruiz.md");
  /* A '%' without two hex digits stays as written. */
  ASSERT_EQ(nl_percent_decode("100%", 4, buf, sizeof buf), 4);
  ASSERT_STR_EQ(buf, "100%");
  ASSERT_EQ(nl_percent_decode("%zz%4", 5, buf, sizeof buf), 5);
  ASSERT_STR_EQ(buf, "%zz%4");
  ASSERT_EQ(nl_percent_decode("abcdef", 6, buf, 4), -1);
  char *e = nl_percent_encode("a b(c)\xC3\xA9", 8, keep_alnum);
  ASSERT_STR_EQ(e, "a%20b%28c%29%C3%A9");
  free(e);
  /* Bounded: only whole characters, always NUL-terminated. */
  ASSERT_EQ(nl_percent_encode_to("ab c", 4, keep_alnum, buf, 5), 2);
  ASSERT_STR_EQ(buf, "ab");
  ASSERT_EQ(nl_percent_encode_to("ab c", 4, keep_alnum, buf, 7), 6);
  ASSERT_STR_EQ(buf, "ab%20c");
  ASSERT_EQ(nl_hex_value('f'), 15);
  ASSERT_EQ(nl_hex_value('G'), -1);
}

int main(void) {
  RUN(test_join);
  RUN(test_relative);
  RUN(test_percent);
  return NL_TEST_DONE();
}
