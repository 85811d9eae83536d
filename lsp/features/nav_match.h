/* nav_match.h: name matching for completion and workspace/symbol: a cheap ASCII pre-filter in
 * front of nl_fuzzy_score, and NFC display forms. Kept apart from the files that include
 * lsp/client/context.h because lsp/base/unicode.h and protocol/position.h both declare nl_unicode_decode
 * with different signatures, so no translation unit may include both. */
#ifndef NL_NAV_MATCH_H
#define NL_NAV_MATCH_H

#include <stddef.h>
#include <stdint.h>

/* Fuzzy score tiers of nl_fuzzy_score (lsp/base/unicode.h): score >> 24. */
#define NL_NAV_TIER_EXACT 4
#define NL_NAV_TIER_PREFIX 3
#define NL_NAV_TIER_WORDS 2 /* every piece at a word start */

/* A pattern prepared once per request. */
typedef struct {
  const char *text;  /* borrowed */
  size_t len;
  int ascii;         /* only ASCII bytes: the byte pre-filter is exact */
  char lower[64];    /* the first (up to 64) pattern bytes lowercased, for the pre-filter */
  size_t n_lower;
  uint64_t mask;     /* nl_unicode_char_mask of the pattern without white space */
  uint64_t first;    /* the mask of its first character; 0 when it starts with white space */
  /* For an ASCII letters-and-digits pattern of up to 16 characters: the bits its characters,
   * bigrams and trigrams take in a name's word-start sets (n_pieces 0 otherwise). */
  size_t n_pieces;
  uint64_t one[16], two[16], three[16];
} nl_nav_pattern;

/* Prepares `text` (len bytes, borrowed: must outlive the pattern). */
void nl_nav_pattern_init(nl_nav_pattern *p, const char *text, size_t len);

/* Whether a candidate whose character mask is `mask` can match at all (see
 * nl_unicode_char_mask): one comparison that lets a pass skip an entry without touching it. */
static inline int nl_nav_may_match(const nl_nav_pattern *p, uint64_t mask) {
  return (p->mask & ~mask) == 0;
}

/* Whether a name can match better than scattered: tier 2 and up split the pattern into
 * pieces that each start a word of the name, so some split must have each piece's first one,
 * two or three characters among the name's word starts (`initials`, `bigrams`, `trigrams`).
 * Only ever says yes too often (the sets are hashed), never no wrongly. */
int nl_nav_may_anchor_pieces(const nl_nav_pattern *p, uint64_t initials, uint64_t bigrams,
                             uint64_t trigrams);
static inline int nl_nav_may_anchor(const nl_nav_pattern *p, uint64_t initials,
                                    uint64_t bigrams, uint64_t trigrams) {
  /* The first character must start a word in every split: the cheap test first. */
  if ((p->first & ~initials) != 0) return 0;
  return p->n_pieces <= 1 || nl_nav_may_anchor_pieces(p, initials, bigrams, trigrams);
}

/* Scores candidate[0, clen) like nl_fuzzy_score (-1: no match, else higher is better). An ASCII
 * candidate that does not hold the pattern's bytes in order is rejected without the full
 * scorer, which keeps a pass over a large vault cheap; no allocation for candidates up to 64
 * bytes. An empty pattern scores every candidate by length. */
int nl_nav_score(const nl_nav_pattern *p, const char *candidate, size_t clen);
/* nl_nav_score of a NUL-terminated candidate, measured only when the pre-filter lets it
 * through (a pass over many names then walks each rejected one once). */
int nl_nav_score_str(const nl_nav_pattern *p, const char *candidate);

/* The fuzzy tier of candidate (NUL-terminated) without the full scorer, when bytes tell:
 * NL_NAV_TIER_EXACT, NL_NAV_TIER_PREFIX, 0 when it is certainly neither (a lower tier or no
 * match), -1 when only nl_nav_score can tell (non-ASCII bytes, white space). Reads only as
 * many candidate bytes as the pattern has, so rejecting most names costs a byte or two. */
int nl_nav_prefix_tier(const nl_nav_pattern *p, const char *candidate);

/* The NFC form of s[0, len) for display and insertion (file names may be NFD on disk): new
 * (free()), a plain copy when s is ASCII; NULL when out of memory. */
char *nl_nav_nfc(const char *s, size_t len);

/* Whether the NFC case-folded keys of a and b are equal (name identity). */
int nl_nav_same_name(const char *a, size_t alen, const char *b, size_t blen);

#endif
