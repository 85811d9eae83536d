/* test-glob.c: the ignore-glob matcher, against a plain recursive reference on every small
 * pattern and path, and on the inputs that made the recursive one exponential. */
#include <stdlib.h>

#include "lsp/index/glob.h"
#include "test.h"

/* The definition, written as directly as possible (exponential on hostile patterns). */
static int reference(const char *p, const char *s) {
  while (*p != '\0') {
    if (p[0] == '*' && p[1] == '*') {
      p += 2;
      if (*p == '/') p++;
      if (*p == '\0') return 1;
      for (const char *t = s;; t++) {
        if ((t == s || t[-1] == '/') && reference(p, t)) return 1;
        if (*t == '\0') return 0;
      }
    }
    if (*p == '*') {
      p++;
      for (const char *t = s;; t++) {
        if (reference(p, t)) return 1;
        if (*t == '\0' || *t == '/') return 0;
      }
    }
    if (*s == '\0') return 0;
    if (*p != '?' && *p != *s) return 0;
    if (*p == '?' && *s == '/') return 0;
    p++;
    s++;
  }
  return *s == '\0';
}

static void test_examples(void) {
  ASSERT(nl_glob_match("Templates/**", "Templates/a/b.md"));
  ASSERT(nl_glob_match("Templates/**", "Templates/"));
  ASSERT(!nl_glob_match("Templates/**", "Templates"));
  ASSERT(nl_glob_match("**/draft-*.md", "draft-x.md"));
  ASSERT(nl_glob_match("**/draft-*.md", "a/b/draft-x.md"));
  ASSERT(!nl_glob_match("**/draft-*.md", "a/xdraft-x.md"));
  ASSERT(nl_glob_match("*.md", "a.md"));
  ASSERT(!nl_glob_match("*.md", "x/a.md"));
  ASSERT(nl_glob_match("a/?/c", "a/b/c"));
  ASSERT(!nl_glob_match("a/?/c", "a///c"));
  ASSERT(nl_glob_match("a/**/c", "a/c"));
  ASSERT(nl_glob_match("a/**/c", "a/x/y/c"));
  ASSERT(!nl_glob_match("a/**/c", "a/xc"));
  ASSERT(nl_glob_match("", ""));
  ASSERT(!nl_glob_match("", "a"));
  ASSERT(nl_glob_match("**", ""));
}

/* Every pattern of up to 5 tokens over {a, b, /, ?, *, **} against every path of up to 5
 * bytes over {a, b, /}: the automaton agrees with the definition everywhere. */
static void test_agrees_with_reference(void) {
  static const char *const toks[] = {"a", "b", "/", "?", "*", "**"};
  static const char alpha[] = "ab/";
  char pat[16], path[8];
  long checked = 0;
  for (int plen = 0; plen <= 5; plen++) {
    long np = 1;
    for (int i = 0; i < plen; i++) np *= 6;
    for (long pi = 0; pi < np; pi++) {
      pat[0] = '\0';
      for (long k = pi, i = 0; i < plen; i++, k /= 6) strcat(pat, toks[k % 6]);
      for (int slen = 0; slen <= 5; slen++) {
        long ns = 1;
        for (int i = 0; i < slen; i++) ns *= 3;
        for (long si = 0; si < ns; si++) {
          long k = si;
          for (int i = 0; i < slen; i++, k /= 3) path[i] = alpha[k % 3];
          path[slen] = '\0';
          int want = reference(pat, path), got = nl_glob_match(pat, path);
          if (want != got) NL_FAIL_("'%s' on '%s': want %d, got %d", pat, path, want, got);
          checked++;
        }
      }
    }
  }
  ASSERT(checked > 1000000);
}

/* The pattern from issue #14 on a long path: the recursive matcher never finished. */
static void test_hostile_pattern_is_linear(void) {
  size_t n = 200000;
  char *path = malloc(n + 1);
  ASSERT(path != NULL);
  for (size_t i = 0; i < n; i++) path[i] = i % 1000 == 999 ? '/' : 'a';
  path[n] = '\0';
  ASSERT(!nl_glob_match("*a*a*a*a*a*a*a*a*b", path));
  ASSERT(!nl_glob_match("**/*a*a*a*a*a*a*a*a*b", path));
  ASSERT(!nl_glob_match("**a**a**a**a**a**a**a**a**b", path));
  path[n - 1] = 'b';
  ASSERT(nl_glob_match("**/*a*a*a*a*a*a*a*a*b", path));
  /* A pattern longer than the matcher's stack buffers. */
  char pat[300];
  for (int i = 0; i < 299; i++) pat[i] = i % 2 ? 'a' : '*';
  pat[299] = '\0';
  ASSERT(!nl_glob_match(pat, path));
  free(path);
}

int main(void) {
  RUN(test_examples);
  RUN(test_agrees_with_reference);
  RUN(test_hostile_pattern_is_linear);
  return NL_TEST_DONE();
}
