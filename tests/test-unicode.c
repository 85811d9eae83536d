/* Tests for lsp/base/unicode.c: UTF-8 coding, NFC, name keys, classes and fuzzy scoring. */
#include "lsp/base/fuzzy.h"
#include "lsp/base/unicode.h"

#include <dirent.h>

#include "test.h"

/* Key of a NUL-terminated string, in a static buffer (tests only). */
static const char *key(const char *s) {
  static char buf[4][512];
  static int which;
  char *b = buf[which++ % 4];
  nl_unicode_key_into(s, strlen(s), b, 512);
  return b;
}

static int tier(int score) { return score < 0 ? -1 : score >> 24; }

static int fz(const char *p, const char *c) {
  return nl_fuzzy_score(p, strlen(p), c, strlen(c));
}

static void test_utf8_decode(void) {
  size_t adv;
  ASSERT_EQ(nl_unicode_decode("A", 1, &adv), 'A');
  ASSERT_EQ(adv, 1);
  ASSERT_EQ(nl_unicode_decode("\xc3\xa9", 2, &adv), 0xE9);
  ASSERT_EQ(adv, 2);
  ASSERT_EQ(nl_unicode_decode("\xe7\x8e\x8b", 3, &adv), 0x738B);
  ASSERT_EQ(adv, 3);
  ASSERT_EQ(nl_unicode_decode("\xf0\x9f\x93\x85", 4, &adv), 0x1F4C5);
  ASSERT_EQ(adv, 4);
  /* overlong, surrogate, truncated, out of range, stray continuation, bad lead */
  ASSERT_EQ(nl_unicode_decode("\xc0\x80", 2, &adv), 0xFFFD);
  ASSERT_EQ(adv, 1);
  ASSERT_EQ(nl_unicode_decode("\xe0\x80\xaf", 3, &adv), 0xFFFD);
  ASSERT_EQ(adv, 1);
  ASSERT_EQ(nl_unicode_decode("\xed\xa0\x80", 3, &adv), 0xFFFD);
  ASSERT_EQ(adv, 1);
  ASSERT_EQ(nl_unicode_decode("\xe2\x82", 2, &adv), 0xFFFD);
  ASSERT_EQ(adv, 1);
  ASSERT_EQ(nl_unicode_decode("\xf4\x90\x80\x80", 4, &adv), 0xFFFD);
  ASSERT_EQ(adv, 1);
  ASSERT_EQ(nl_unicode_decode("\x80", 1, &adv), 0xFFFD);
  ASSERT_EQ(adv, 1);
  ASSERT_EQ(nl_unicode_decode("\xf5\x80\x80\x80", 4, &adv), 0xFFFD);
  ASSERT_EQ(adv, 1);
  ASSERT_EQ(nl_unicode_decode("\xc3\xa9", 1, &adv), 0xFFFD); /* len cuts the sequence */
  ASSERT_EQ(adv, 1);
  ASSERT_EQ(nl_unicode_decode("", 0, &adv), 0xFFFD);
  ASSERT_EQ(adv, 0);
}

static void test_utf8_encode_round_trip(void) {
  static const uint32_t cps[] = {0, 0x7F, 0x80, 0x7FF, 0x800, 0xFFFF, 0x10000, 0x10FFFF};
  char out[4];
  size_t i, n, adv;
  for (i = 0; i < sizeof cps / sizeof cps[0]; i++) {
    n = nl_utf8_encode(cps[i], out);
    ASSERT_EQ(nl_unicode_decode(out, n, &adv), cps[i]);
    ASSERT_EQ(adv, n);
  }
  ASSERT_EQ(nl_utf8_encode(0xD800, out), 3);
  ASSERT_MEM_EQ(out, 3, "\xef\xbf\xbd", 3);
  ASSERT_EQ(nl_utf8_encode(0x110000, out), 3);
  ASSERT_MEM_EQ(out, 3, "\xef\xbf\xbd", 3);
}

static void test_key_nfd_zoe(void) {
  /* macOS stores the file name decomposed; the mention is typed composed. */
  const char *nfd = "Zoe\xcc\x88 Lindahl";
  const char *nfc = "Zo\xc3\xab Lindahl";
  ASSERT_STR_EQ(key(nfd), key(nfc));
  ASSERT_STR_EQ(key(nfd), "zo\xc3\xab lindahl");
  ASSERT_STR_EQ(key("ZOË LINDAHL"), key(nfc));
}

static void test_key_vault_file_name(void) {
  /* The example vault's People/ holds "Zoe" + U+0308 as the bytes on disk. */
  DIR *d = opendir(NL_TEST_VAULT "/People");
  struct dirent *e;
  int found = 0;
  ASSERT(d != NULL);
  while ((e = readdir(d)) != NULL) {
    size_t n = strlen(e->d_name);
    char *k;
    if (n < 3 || strcmp(e->d_name + n - 3, ".md") != 0) continue;
    k = nl_unicode_key(e->d_name, n - 3, NULL);
    if (k != NULL && strcmp(k, key("Zoë Lindahl")) == 0) found++;
    free(k);
  }
  closedir(d);
  ASSERT_EQ(found, 1);
}

static void test_key_lea(void) {
  ASSERT_STR_EQ(key("Léa Dubois"), "léa dubois");
  ASSERT_STR_EQ(key("LÉA DUBOIS"), "léa dubois");
  ASSERT_STR_EQ(key("léa dubois"), "léa dubois");
  ASSERT_STR_EQ(key("Le\xcc\x81" "a Dubois"), "léa dubois");
  ASSERT(strcmp(key("Lea Dubois"), key("Léa Dubois")) != 0);
}

static void test_key_cjk(void) {
  ASSERT_STR_EQ(key("王芳"), "王芳");
  ASSERT_STR_EQ(key(" 王芳 "), "王芳");
  ASSERT(strcmp(key("王芳"), key("王")) != 0);
}

static void test_key_greek_sigma(void) {
  ASSERT_STR_EQ(key("ΣΊΣΥΦΟΣ"), key("σίσυφος"));
  ASSERT_STR_EQ(key("σίσυφος"), "σίσυφοσ"); /* final sigma folds to sigma */
  ASSERT_STR_EQ(key("ΣΙ\xcc\x81ΣΥΦΟΣ"), key("σίσυφος"));
  /* iota subscript: U+0345 folds to iota only after canonical ordering */
  ASSERT_STR_EQ(key("ᾼ"), key("α\xcd\x85"));
}

static void test_key_simple_folding(void) {
  /* Simple folding: capital sharp s folds to ß, ß stays (full folding would give "ss"). */
  ASSERT_STR_EQ(key("STRAẞE"), "straße");
  ASSERT_STR_EQ(key("Straße"), "straße");
  ASSERT(strcmp(key("Straße"), key("strasse")) != 0);
  ASSERT_STR_EQ(key("µ"), key("μ")); /* micro sign folds to mu */
  ASSERT_STR_EQ(key("\xe2\x84\xa6"), "ω"); /* U+2126 ohm sign: singleton decomposition then fold */
  ASSERT_STR_EQ(key("\xe1\x8f\xa3"), key("\xea\xae\xb3")); /* Cherokee folds to upper case */
}

static void test_hangul_round_trip(void) {
  uint32_t s, d[4];
  char in[16], *out;
  size_t n, k, len, olen, adv;
  int bad = 0;
  for (s = 0xAC00; s <= 0xD7A3; s++) {
    n = nl_unicode_decompose(s, d);
    if (n < 2 || n > 3) bad++;
    for (len = 0, k = 0; k < n; k++) len += nl_utf8_encode(d[k], in + len);
    out = nl_unicode_nfc(in, len, &olen);
    ASSERT(out != NULL);
    if (nl_unicode_decode(out, olen, &adv) != s || adv != olen) bad++;
    free(out);
  }
  ASSERT_EQ(bad, 0);
  /* 한 = U+1112 U+1161 U+11AB; LV syllable plus a trailing jamo composes too */
  n = nl_unicode_decompose(0xD55C, d);
  ASSERT_EQ(n, 3);
  ASSERT_EQ(d[0], 0x1112);
  ASSERT_EQ(d[1], 0x1161);
  ASSERT_EQ(d[2], 0x11AB);
  out = nl_unicode_nfc("\xed\x95\x98\xe1\x86\xab", 6, &olen); /* 하 + U+11AB */
  ASSERT(out != NULL);
  ASSERT_STR_EQ(out, "한");
  free(out);
}

static void test_nfc_reordering(void) {
  char *a = nl_unicode_nfc("a\xcc\xa3\xcc\x82", 5, NULL); /* a + dot below + circumflex */
  char *b = nl_unicode_nfc("a\xcc\x82\xcc\xa3", 5, NULL); /* a + circumflex + dot below */
  char *c = nl_unicode_nfc("q\xcc\x87\xcc\xa3", 5, NULL); /* no composite: just reordered */
  char *e = nl_unicode_nfc("a\xcc\x81\xcc\x81", 5, NULL); /* second acute is blocked */
  ASSERT(a && b && c && e);
  ASSERT_STR_EQ(a, "ậ");
  ASSERT_STR_EQ(b, "ậ");
  ASSERT_STR_EQ(c, "q\xcc\xa3\xcc\x87");
  ASSERT_STR_EQ(e, "á\xcc\x81");
  free(a);
  free(b);
  free(c);
  free(e);
}

static void test_nfc_exclusions_and_singletons(void) {
  size_t n;
  char *x = nl_unicode_nfc("\xe0\xa5\x98", 3, &n); /* U+0958 is a composition exclusion */
  char *y = nl_unicode_nfc("\xe2\x84\xab", 3, NULL); /* U+212B ANGSTROM -> U+00C5 */
  char *z = nl_unicode_nfc("\xe0\xad\x87\xe0\xac\xbe", 6, NULL); /* two starters compose */
  ASSERT(x && y && z);
  ASSERT_MEM_EQ(x, n, "\xe0\xa4\x95\xe0\xa4\xbc", 6);
  ASSERT_STR_EQ(y, "\xc3\x85");
  ASSERT_STR_EQ(z, "\xe0\xad\x8b");
  free(x);
  free(y);
  free(z);
}

static void test_invalid_utf8_kept(void) {
  size_t n;
  char *k = nl_unicode_key("A\xff" "B\xc3", 4, &n);
  char *m = nl_unicode_nfc("e\xff\xcc\x81\xed\xa0\x80", 7, &n);
  ASSERT(k && m);
  ASSERT_MEM_EQ(k, 4, "a\xff" "b\xc3", 4);
  /* the raw byte sits between e and the accent, so they must not compose */
  ASSERT_MEM_EQ(m, n, "e\xff\xcc\x81\xed\xa0\x80", 7);
  free(k);
  free(m);
  k = nl_unicode_key("\xcc\x81\xcc\x81", 4, &n); /* leading marks with no starter */
  ASSERT(k != NULL);
  ASSERT_MEM_EQ(k, n, "\xcc\x81\xcc\x81", 4);
  free(k);
}

static void test_whitespace_collapse(void) {
  ASSERT_STR_EQ(key("  Ana \t\r\n  Ruiz  "), "ana ruiz");
  ASSERT_STR_EQ(key("\xc2\xa0L\xc3\xa9" "a\xe3\x80\x80\xe2\x80\x83" "Dubois\xc2\xa0"), "léa dubois");
  ASSERT_STR_EQ(key("   "), "");
  ASSERT_STR_EQ(key(""), "");
  /* a combining mark after a space stays on the space, not on the previous word */
  ASSERT_STR_EQ(key("e \xcc\x81"), "e \xcc\x81");
}

static void test_key_into_truncates(void) {
  char buf[6];
  size_t n;
  n = nl_unicode_key_into("Léa Dubois", strlen("Léa Dubois"), buf, sizeof buf);
  ASSERT_EQ(n, strlen("léa dubois"));
  ASSERT_STR_EQ(buf, "léa "); /* é is two bytes */
  n = nl_unicode_key_into("ABCDEFGH", 8, buf, sizeof buf);
  ASSERT_EQ(n, 8);
  ASSERT_STR_EQ(buf, "abcde");
  ASSERT_EQ(nl_unicode_key_into("Léa", 4, NULL, 0), 4);
  ASSERT_EQ(nl_unicode_key_into("Lea", 3, NULL, 0), 3);
}

static void test_key_long_input_heap(void) {
  /* longer than the internal stack buffer, with many marks in one run */
  char in[2000], *k;
  size_t i, n, len = 0;
  in[len++] = 'A';
  for (i = 0; i < 400; i++) {
    memcpy(in + len, i % 2 ? "\xcc\x81" : "\xcc\xa3", 2);
    len += 2;
  }
  k = nl_unicode_key(in, len, &n);
  ASSERT(k != NULL);
  ASSERT_EQ(n, len); /* marks reorder and one composes, but byte count stays */
  ASSERT_EQ(strlen(k), n);
  ASSERT_EQ(nl_unicode_key_into(in, len, NULL, 0), n);
  free(k);
}

static void test_classes(void) {
  ASSERT(nl_unicode_is_letter('a'));
  ASSERT(nl_unicode_is_letter(0xE9));
  ASSERT(nl_unicode_is_letter(0x738B));
  ASSERT(!nl_unicode_is_letter('1'));
  ASSERT(!nl_unicode_is_letter('-'));
  ASSERT(!nl_unicode_is_letter(0x1F4C5));
  ASSERT(nl_unicode_is_alnum('1'));
  ASSERT(nl_unicode_is_alnum(0x663)); /* ARABIC-INDIC DIGIT THREE */
  ASSERT(nl_unicode_is_alnum(0xBD));  /* ½ is No */
  ASSERT(!nl_unicode_is_alnum('_'));
  ASSERT(nl_unicode_is_space(' '));
  ASSERT(nl_unicode_is_space(0xA0));
  ASSERT(nl_unicode_is_space(0x3000));
  ASSERT(!nl_unicode_is_space(0x200B));
  ASSERT(!nl_unicode_is_space('x'));
  ASSERT_EQ(nl_unicode_ccc(0x323), 220);
  ASSERT_EQ(nl_unicode_ccc(0x302), 230);
  ASSERT_EQ(nl_unicode_ccc('a'), 0);
  ASSERT(strlen(nl_unicode_data_version()) > 0);
}

static void test_fuzzy_no_match(void) {
  ASSERT_EQ(fz("zl", "Lindahl Zoë"), -1);
  ASSERT_EQ(fz("léa", "Lea Dubois"), -1); /* an accent in the pattern must match */
  ASSERT_EQ(fz("abc", "ab"), -1);
  ASSERT(fz("", "anything") >= 0);
}

static void test_fuzzy_case_and_accents(void) {
  ASSERT_EQ(tier(fz("LÉA", "léa dubois")), 3);
  ASSERT_EQ(tier(fz("lea", "Léa Dubois")), 3);
  ASSERT_EQ(tier(fz("zoe", "Zoe\xcc\x88 Lindahl")), 3);
  ASSERT_EQ(tier(fz("σίσυφος", "ΣΊΣΥΦΟΣ")), 4);
}

static void test_fuzzy_tiers(void) {
  ASSERT_EQ(tier(fz("lea", "Lea")), 4);
  ASSERT_EQ(tier(fz("lea", "Leader")), 3);
  ASSERT_EQ(tier(fz("ld", "Léa Dubois")), 2);
  ASSERT_EQ(tier(fz("pa", "Projects/Apollo")), 2);
  ASSERT_EQ(tier(fz("sp", "storage-pilot")), 2);
  ASSERT_EQ(tier(fz("sp", "storage_pilot")), 2);
  ASSERT_EQ(tier(fz("ld", "Old stuff")), 1);
  /* exact beats prefix beats word starts beats scattered */
  ASSERT(fz("lea", "Lea") > fz("lea", "Leader"));
  ASSERT(fz("dub", "Dubois Léa") > fz("dub", "Léa Dubois"));
  ASSERT(fz("ld", "Léa Dubois") > fz("ld", "Old"));
  ASSERT(fz("atl", "Project Atlas") > fz("atl", "a total"));
}

static void test_fuzzy_runs_and_length(void) {
  /* same tier: a contiguous run beats a spread-out match */
  ASSERT_EQ(tier(fz("tla", "xtlax")), 1);
  ASSERT_EQ(tier(fz("tla", "xtxlxa")), 1);
  ASSERT(fz("tla", "xtlax") > fz("tla", "xtxlxa"));
  /* word start in the middle beats a scattered in-word match */
  ASSERT(fz("rui", "Ana Ruiz") > fz("rui", "carbuig"));
  /* ties go to the shorter candidate */
  ASSERT(fz("ana", "Ana Ruiz") > fz("ana", "Ana Ruizzz"));
  ASSERT(fz("con", "Contoso") > fz("con", "Contoso Ltd"));
}

static void test_fuzzy_anchored_tier(void) {
  /* A word-start alignment that a left-to-right greedy walk would miss still is tier 2. */
  ASSERT_EQ(tier(fz("ab", "ax-ab")), 2);
  ASSERT_EQ(tier(fz("ab", "a-xab")), 1);
  ASSERT_EQ(tier(fz("jb", "Jonas Becker")), 2);
  ASSERT_EQ(tier(fz("job", "Jonas Becker")), 2);
  ASSERT_EQ(tier(fz("jnb", "Jonas Becker")), 1);
  ASSERT_EQ(tier(fz("nb", "Jonas Becker")), 1);
  ASSERT_EQ(tier(fz("pa", "Project Atlas")), 2);
  /* The last of 64 code points can start a word; past 64 the alignment decides alone. */
  char c[80];
  memset(c, 'x', sizeof c);
  c[62] = ' ';
  c[63] = 'q';
  ASSERT_EQ(tier(nl_fuzzy_score("q", 1, c, 64)), 2);
  ASSERT_EQ(tier(nl_fuzzy_score("xq", 2, c, 64)), 2);
  c[63] = 'x';
  c[78] = ' ';
  c[79] = 'q';
  ASSERT_EQ(tier(nl_fuzzy_score("xq", 2, c, 80)), 2);
  c[78] = 'x';
  ASSERT_EQ(tier(nl_fuzzy_score("xq", 2, c, 80)), 1);
  ASSERT_EQ(tier(nl_fuzzy_score("yq", 2, c, 80)), -1);
  /* Scattered matches still rank runs above gaps. */
  ASSERT(fz("tla", "xtlax") > fz("tla", "xtxlxa"));
}

/* Fills out[0, n) from alphabet with the test's linear congruential generator. */
static void random_text(uint32_t *seed, const char *alphabet, size_t k, char *out, size_t n) {
  for (size_t i = 0; i < n; i++) {
    *seed = *seed * 1103515245u + 12345u;
    out[i] = alphabet[(*seed >> 16) % k];
  }
}

/* nl_fuzzy_score of pat against cand, checked against the full alignment (a failure when
 * they differ). */
static int score_agrees(const char *pat, size_t pn, const char *cand, size_t cn) {
  int fast = nl_fuzzy_score(pat, pn, cand, cn);
  int ref = nl_fuzzy_score_reference(pat, pn, cand, cn);
  if (fast != ref) {
    fprintf(stderr, "%s:%d: pattern \"%.*s\" candidate \"%.*s\": fast %d, reference %d\n",
            __FILE__, __LINE__, (int)pn, pat, (int)cn, cand, fast, ref);
    nl_test_failures++;
  }
  return fast;
}

static void test_fuzzy_fast_path_agrees(void) {
  /* Random ASCII patterns and candidates over a small alphabet with word breaks, so that
   * every tier and alignment shape occurs: the fast path and the general one agree. '@' and
   * '`' are 'A' and 'a' less one and 32 apart, as a case-folding table must not confuse. */
  static const char alphabet[] = "abcAB -_/x\t.@`";
  uint32_t seed = 12345;
  char pat[17], cand[160];
  int tiers[5] = {0};
  for (int n = 0; n < 200000; n++) {
    seed = seed * 1103515245u + 12345u;
    size_t pn = (seed >> 16) % 5, cn = (seed >> 8) % 150; /* across the 128-character limit */
    random_text(&seed, alphabet, sizeof(alphabet) - 1, pat, pn);
    random_text(&seed, alphabet, sizeof(alphabet) - 1, cand, cn);
    int fast = score_agrees(pat, pn, cand, cn);
    if (fast >= 0) tiers[fast >> 24]++;
  }
  for (int t = 1; t <= 4; t++) ASSERT(tiers[t] > 0);
  /* Longer patterns (up to 16, the fast path's limit) over two letters and word breaks, so
   * that anchored alignments of many pieces occur. */
  static const char two[] = "abAB -";
  int pieces = 0;
  for (int n = 0; n < 100000; n++) {
    seed = seed * 1103515245u + 12345u;
    size_t pn = 2 + (seed >> 16) % 15, cn = (seed >> 8) % 140;
    random_text(&seed, two, 4, pat, pn); /* letters only: alphanumeric patterns */
    random_text(&seed, two, sizeof(two) - 1, cand, cn);
    int fast = score_agrees(pat, pn, cand, cn);
    pieces += fast >= 0 && fast >> 24 == 2 && pn > 4;
  }
  ASSERT(pieces > 100);
}

static void test_fuzzy_folded_agrees(void) {
  /* Random patterns and candidates with accents (composed and combining), a sharp s, an
   * emoji, a no-break space and word breaks: nl_fuzzy_score (bit sets over folded code points)
   * and the full alignment agree. */
  static const char *const pieces[] = {"a", "b", "E", "e", "\xC3\xA9", "E\xCC\x81", "\xC3\x9F",
                                       "\xF0\x9F\x8C\x8A", " ", "-", "\xC2\xA0", "/", "A"};
  const size_t k = sizeof pieces / sizeof *pieces;
  uint32_t seed = 4242;
  char pat[80], cand[600];
  int tiers[5] = {0};
  for (int n = 0; n < 100000; n++) {
    seed = seed * 1103515245u + 12345u;
    size_t pn = 1 + (seed >> 16) % 6, cn = (seed >> 8) % 90, pl = 0, cl = 0;
    for (size_t i = 0; i < pn; i++) {
      seed = seed * 1103515245u + 12345u;
      const char *piece = pieces[(seed >> 16) % 7]; /* letters, accents, sharp s */
      memcpy(pat + pl, piece, strlen(piece));
      pl += strlen(piece);
    }
    for (size_t i = 0; i < cn; i++) {
      seed = seed * 1103515245u + 12345u;
      const char *piece = pieces[(seed >> 16) % k];
      memcpy(cand + cl, piece, strlen(piece));
      cl += strlen(piece);
    }
    int fast = score_agrees(pat, pl, cand, cl);
    if (fast >= 0) tiers[fast >> 24]++;
  }
  for (int t = 1; t <= 3; t++) ASSERT(tiers[t] > 0);
}

/* Whether cand[j] starts a word, as the scorer sees it. */
static int starts_word(const char *c, size_t j) {
  return j == 0 || c[j - 1] == ' ' || c[j - 1] == '\t' || c[j - 1] == '-' || c[j - 1] == '_' ||
         c[j - 1] == '/';
}

static void test_fuzzy_bound(void) {
  /* Random alphanumeric patterns against random names that do not start with the pattern's
   * first letter: no score exceeds nl_fuzzy_score_bound given the tier, the number of later
   * pattern letters that start a word somewhere in the name, and the name's length; and the
   * bound is reached (a run at a word start), so it is not loose for the commonest match. */
  static const char letters[] = "abcAB1", breaks[] = "abcAB1 -_/";
  uint32_t seed = 777;
  char pat[17], cand[100];
  int reached = 0;
  for (int n = 0; n < 200000; n++) {
    seed = seed * 1103515245u + 12345u;
    size_t pn = 2 + (seed >> 16) % 4, cn = 1 + (seed >> 8) % 90;
    random_text(&seed, letters, sizeof(letters) - 1, pat, pn);
    random_text(&seed, breaks, sizeof(breaks) - 1, cand, cn);
    if ((cand[0] | 0x20) == (pat[0] | 0x20)) continue;
    int score = nl_fuzzy_score(pat, pn, cand, cn);
    if (score < 0) continue;
    size_t words = 0;
    for (size_t i = 1; i < pn; i++) {
      int at = 0;
      for (size_t j = 0; j < cn && !at; j++) at = starts_word(cand, j) && (cand[j] | 0x20) == (pat[i] | 0x20);
      words += (size_t)at;
    }
    int bound = nl_fuzzy_score_bound(tier(score) == 2 ? 2 : 1, pn, words, cn);
    if (score > bound)
      NL_FAIL_("pattern \"%.*s\" candidate \"%.*s\": score %d above bound %d", (int)pn, pat,
               (int)cn, cand, score, bound);
    reached += score == bound;
  }
  ASSERT(reached > 0);
}

static void test_fuzzy_scattered_agrees(void) {
  /* Random alphanumeric patterns and ASCII names with word breaks: where nl_fuzzy_score finds
   * no match or only a scattered one, nl_fuzzy_score_scattered gives the same score. */
  static const char letters[] = "abcAB1", breaks[] = "abcAB1 -_/\t.";
  uint32_t seed = 4242;
  char pat[17], lower[17], cand[140];
  int scattered = 0;
  for (int n = 0; n < 200000; n++) {
    seed = seed * 1103515245u + 12345u;
    size_t pn = 1 + (seed >> 16) % 5, cn = (seed >> 8) % 129;
    random_text(&seed, letters, sizeof(letters) - 1, pat, pn);
    random_text(&seed, breaks, sizeof(breaks) - 1, cand, cn);
    for (size_t i = 0; i < pn; i++) lower[i] = pat[i] >= 'A' && pat[i] <= 'Z' ? pat[i] + 32 : pat[i];
    int score = nl_fuzzy_score(pat, pn, cand, cn);
    if (tier(score) > 1) continue;
    int fast = nl_fuzzy_score_scattered(lower, pn, cand, cn);
    if (fast != score)
      NL_FAIL_("pattern \"%.*s\" candidate \"%.*s\": scattered %d, nl_fuzzy_score %d", (int)pn,
               pat, (int)cn, cand, fast, score);
    scattered += score >= 0;
  }
  ASSERT(scattered > 1000);
}

static void test_fuzzy_long_and_invalid(void) {
  char c[600];
  memset(c, 'x', sizeof c);
  c[590] = 'a';
  c[595] = 'b';
  ASSERT_EQ(tier(nl_fuzzy_score("ab", 2, c, sizeof c)), 1);
  ASSERT_EQ(nl_fuzzy_score("abc", 3, c, sizeof c), -1);
  ASSERT(nl_fuzzy_score("a\xff", 2, "ba\xff", 3) >= 0);
  ASSERT_EQ(nl_fuzzy_score("\xff", 1, "abc", 3), -1);
  ASSERT_EQ(tier(fz("a long pattern over sixteen bytes", "a long pattern over sixteen bytes")),
            4);
}

int main(void) {
  RUN(test_utf8_decode);
  RUN(test_utf8_encode_round_trip);
  RUN(test_key_nfd_zoe);
  RUN(test_key_vault_file_name);
  RUN(test_key_lea);
  RUN(test_key_cjk);
  RUN(test_key_greek_sigma);
  RUN(test_key_simple_folding);
  RUN(test_hangul_round_trip);
  RUN(test_nfc_reordering);
  RUN(test_nfc_exclusions_and_singletons);
  RUN(test_invalid_utf8_kept);
  RUN(test_whitespace_collapse);
  RUN(test_key_into_truncates);
  RUN(test_key_long_input_heap);
  RUN(test_classes);
  RUN(test_fuzzy_no_match);
  RUN(test_fuzzy_case_and_accents);
  RUN(test_fuzzy_tiers);
  RUN(test_fuzzy_runs_and_length);
  RUN(test_fuzzy_anchored_tier);
  RUN(test_fuzzy_fast_path_agrees);
  RUN(test_fuzzy_folded_agrees);
  RUN(test_fuzzy_bound);
  RUN(test_fuzzy_scattered_agrees);
  RUN(test_fuzzy_long_and_invalid);
  return NL_TEST_DONE();
}
