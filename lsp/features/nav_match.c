/* nav_match.c: see nav_match.h. This file includes lsp/base/unicode.h but never lsp/client/context.h. */
#include "lsp/features/nav_match.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lsp/base/fuzzy.h"
#include "lsp/base/unicode.h"

static unsigned char lower_ascii(unsigned char c) {
  return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

void nl_nav_pattern_init(nl_nav_pattern *p, const char *text, size_t len) {
  memset(p, 0, sizeof *p);
  p->text = text;
  p->len = len;
  p->ascii = 1;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)text[i];
    if (c >= 0x80) p->ascii = 0;
    if (p->n_lower < sizeof p->lower) p->lower[p->n_lower++] = (char)lower_ascii(c);
  }
  /* White space in a pattern breaks words; it is no character a candidate must hold. */
  p->mask = nl_unicode_char_mask(text, len) & ~(nl_unicode_char_mask(" ", 1) |
                                                nl_unicode_char_mask("\t", 1));
  size_t adv = 1;
  if (len > 0 && (unsigned char)text[0] >= 0x80) nl_unicode_decode(text, len, &adv);
  p->first = len == 0 || text[0] == ' ' || text[0] == '\t' ? 0
             : nl_unicode_initials_mask(text, adv);
  int plain = len <= 16;
  for (size_t i = 0; i < len && plain; i++) {
    unsigned char c = (unsigned char)text[i];
    plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }
  if (plain) {
    p->n_pieces = len;
    for (size_t i = 0; i < len; i++) {
      p->one[i] = nl_unicode_initials_mask(text + i, 1);
      p->two[i] = i + 2 <= len ? nl_unicode_pieces_bit(text + i, 2) : 0;
      p->three[i] = i + 3 <= len ? nl_unicode_pieces_bit(text + i, 3) : 0;
    }
  }
}

/* 1 when every pattern byte occurs in order in an ASCII candidate (case-insensitively), 0 when
 * not, -1 when the candidate holds non-ASCII bytes and only the full scorer can tell: a pattern
 * "lea" matches "Léa" there, since marks are ignored. Spaces in the pattern are skipped,
 * because the scorer treats white space as a word break, not as a character to find. The
 * candidate ends at clen bytes or at a NUL, whichever comes first (SIZE_MAX: at its NUL). */
static int ascii_prefilter(const nl_nav_pattern *p, const char *c, size_t clen) {
  size_t j = 0;
  int found = 1;
  for (size_t k = 0; k < p->n_lower; k++) {
    unsigned char want = (unsigned char)p->lower[k];
    if (want == ' ') continue;
    for (;;) {
      if (j >= clen || c[j] == '\0') {
        found = 0;
        break;
      }
      unsigned char ch = (unsigned char)c[j++];
      if (ch >= 0x80) return -1;
      if (lower_ascii(ch) == want) break;
    }
    if (!found) break;
  }
  if (found) return 1;
  /* Not found among ASCII bytes: the rest may still hide a non-ASCII letter. */
  for (; j < clen && c[j] != '\0'; j++)
    if ((unsigned char)c[j] >= 0x80) return -1;
  return 0;
}

int nl_nav_score(const nl_nav_pattern *p, const char *candidate, size_t clen) {
  if (p->len == 0) return nl_fuzzy_score("", 0, candidate, clen);
  if (p->ascii && ascii_prefilter(p, candidate, clen) == 0) return -1;
  return nl_fuzzy_score(p->text, p->len, candidate, clen);
}

int nl_nav_score_str(const nl_nav_pattern *p, const char *candidate) {
  /* The pre-filter walks the name once and most names fail it: no strlen for those. */
  if (p->len > 0 && p->ascii && ascii_prefilter(p, candidate, SIZE_MAX) == 0) return -1;
  return nl_fuzzy_score(p->text, p->len, candidate, strlen(candidate));
}

int nl_nav_prefix_tier(const nl_nav_pattern *p, const char *c) {
  if (!p->ascii || p->len > sizeof p->lower) return -1;
  for (size_t i = 0; i < p->len; i++) {
    unsigned char want = (unsigned char)p->lower[i], got = (unsigned char)c[i];
    if (got >= 0x80) return -1;
    if (lower_ascii(got) == want) continue;
    /* White space runs fold to one space in the scorer: let it decide. */
    if (want == ' ' || want == '\t' || got == ' ' || got == '\t') return -1;
    return 0; /* also when the candidate ended (got == 0) */
  }
  if (c[p->len] == '\0') return NL_NAV_TIER_EXACT;
  return (unsigned char)c[p->len] >= 0x80 ? -1 : NL_NAV_TIER_PREFIX;
}

char *nl_nav_nfc(const char *s, size_t len) {
  size_t i = 0;
  while (i < len && (unsigned char)s[i] < 0x80) i++;
  if (i == len) {
    char *copy = malloc(len + 1);
    if (copy == NULL) return NULL;
    memcpy(copy, s, len);
    copy[len] = '\0';
    return copy;
  }
  return nl_unicode_nfc(s, len, NULL);
}

int nl_nav_same_name(const char *a, size_t alen, const char *b, size_t blen) {
  char ka[256], kb[256];
  size_t la = nl_unicode_key_into(a, alen, ka, sizeof ka);
  size_t lb = nl_unicode_key_into(b, blen, kb, sizeof kb);
  if (la < sizeof ka && lb < sizeof kb) return la == lb && memcmp(ka, kb, la) == 0;
  /* Long names: fall back to allocated keys. */
  size_t xa = 0, xb = 0;
  char *pa = nl_unicode_key(a, alen, &xa), *pb = nl_unicode_key(b, blen, &xb);
  int same = pa && pb && xa == xb && memcmp(pa, pb, xa) == 0;
  free(pa);
  free(pb);
  return same;
}

int nl_nav_may_anchor_pieces(const nl_nav_pattern *p, uint64_t initials, uint64_t bigrams,
                             uint64_t trigrams) {
  /* ok[i]: pattern[i..] splits into pieces that all may start words; any[i]: some ok[j], j >= i
   * (a piece of three or more characters may end anywhere after its first three). */
  size_t n = p->n_pieces;
  int ok[17], any[18];
  ok[n] = 1;
  any[n + 1] = 0;
  any[n] = 1;
  for (size_t i = n; i-- > 0;) {
    ok[i] = ((initials & p->one[i]) == p->one[i] && ok[i + 1]) ||
            (i + 2 <= n && (bigrams & p->two[i]) != 0 && ok[i + 2]) ||
            (i + 3 <= n && (trigrams & p->three[i]) != 0 && any[i + 3]);
    any[i] = ok[i] || any[i + 1];
  }
  return ok[0];
}
