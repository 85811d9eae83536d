/* The word-start pre-filter of completion never drops a name that matches better than
 * scattered: on random names and patterns, whenever nl_fuzzy_score says tier 2 or more,
 * nl_nav_may_anchor says yes. (It may say yes too often: the sets are hashed.) */
#include <stdio.h>
#include <string.h>

#include "lsp/features/nav_match.h"
#include "lsp/base/fuzzy.h"
#include "lsp/base/unicode.h"
#include "test.h"

static uint32_t seed = 2025;

static uint32_t next(void) {
  seed = seed * 1103515245u + 12345u;
  return seed >> 16;
}

static void test_never_drops_a_word_start_match(void) {
  static const char letters[] = "abcqueAB1";
  static const char breaks[] = " -_/";
  char name[80], pat[8];
  int anchored = 0, skipped = 0;
  for (int n = 0; n < 200000; n++) {
    size_t len = next() % 60;
    for (size_t i = 0; i < len; i++)
      name[i] = next() % 5 == 0 ? breaks[next() % 4] : letters[next() % (sizeof(letters) - 1)];
    name[len] = '\0';
    size_t pn = 1 + next() % 4;
    for (size_t i = 0; i < pn; i++) pat[i] = letters[next() % (sizeof(letters) - 1)];
    pat[pn] = '\0';
    nl_nav_pattern p;
    nl_nav_pattern_init(&p, pat, pn);
    uint64_t bigrams, trigrams;
    nl_unicode_word_heads(name, len, &bigrams, &trigrams);
    int may = nl_nav_may_anchor(&p, nl_unicode_initials_mask(name, len), bigrams, trigrams);
    int score = nl_fuzzy_score(pat, pn, name, len);
    if (score >= 0 && (score >> 24) >= 2) {
      anchored++;
      if (!may) NL_FAIL_("pattern \"%s\" name \"%s\": tier %d but the filter says no", pat, name,
                         score >> 24);
    }
    skipped += !may;
  }
  /* Both outcomes occur: the filter is exercised, not trivially yes. */
  ASSERT(anchored > 1000);
  ASSERT(skipped > 1000);
}

static void test_one_letter_from_the_row(void) {
  /* Completion and workspace/symbol score one typed letter from a name's first byte, word
   * initials and length alone; that must be exactly nl_fuzzy_score's answer. */
  static const char letters[] = "abcqAQ1z";
  static const char breaks[] = " -_/";
  char name[210];
  int checked = 0;
  for (int n = 0; n < 100000; n++) {
    size_t len = 1 + next() % 200; /* past the 128 bytes of the bit-set scorer too */
    for (size_t i = 0; i < len; i++)
      name[i] = next() % 5 == 0 ? breaks[next() % 4] : letters[next() % (sizeof(letters) - 1)];
    name[len] = '\0';
    char pat = letters[next() % (sizeof(letters) - 1)];
    int present = strchr(name, pat) != NULL || strchr(name, pat ^ 0x20) != NULL;
    if (!present) continue;
    nl_nav_pattern p;
    nl_nav_pattern_init(&p, &pat, 1);
    int starts = nl_nav_may_anchor(&p, nl_unicode_initials_mask(name, len), 0, 0);
    int where = (name[0] | 0x20) == (pat | 0x20) ? NL_FUZZY_LETTER_FIRST
                : starts                         ? NL_FUZZY_LETTER_WORD
                                                 : NL_FUZZY_LETTER_INSIDE;
    int want = nl_fuzzy_score(&pat, 1, name, len);
    int got = nl_fuzzy_score_letter(where, len);
    if (want != got) NL_FAIL_("'%c' in \"%s\": %d, from the row %d", pat, name, want, got);
    checked++;
  }
  ASSERT(checked > 10000);
}

static void test_examples(void) {
  nl_nav_pattern p;
  uint64_t b, t;
  const char *name = "2023-01-02 - Halcyon Foods quarterly business review";
  nl_unicode_word_heads(name, strlen(name), &b, &t);
  nl_nav_pattern_init(&p, "Que", 3);
  ASSERT(!nl_nav_may_anchor(&p, nl_unicode_initials_mask(name, strlen(name)), b, t));
  name = "Quentin Okafor";
  nl_unicode_word_heads(name, strlen(name), &b, &t);
  ASSERT(nl_nav_may_anchor(&p, nl_unicode_initials_mask(name, strlen(name)), b, t));
  nl_nav_pattern_init(&p, "qo", 2); /* initials: Quentin Okafor */
  ASSERT(nl_nav_may_anchor(&p, nl_unicode_initials_mask(name, strlen(name)), b, t));
  /* A non-ASCII word start gives up (says yes). */
  name = "Zo\xc3\xab Lindahl";
  nl_unicode_word_heads(name, strlen(name), &b, &t);
  nl_nav_pattern_init(&p, "zol", 3);
  ASSERT(nl_nav_may_anchor(&p, nl_unicode_initials_mask(name, strlen(name)), b, t));
}

int main(void) {
  RUN(test_never_drops_a_word_start_match);
  RUN(test_one_letter_from_the_row);
  RUN(test_examples);
  return NL_TEST_DONE();
}
