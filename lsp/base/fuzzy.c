/* fuzzy.c: scores a typed pattern against a name for completion ranking: a bit-parallel path
 * for short ASCII names, an alignment over folded code points for the rest. */
#include "lsp/base/fuzzy.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lsp/base/unicode.h"

/* ---- Fuzzy scoring ---- */

#define FZ_WORD 8
#define FZ_RUN 4
#define FZ_GAP 1
#define FZ_NEG (INT_MIN / 4)
#define FZ_STACK 1024 /* code points on the stack: names up to 256 bytes need no malloc */
#define IS_RAW(cp) (((cp) & NL_UNICODE_RAW) != 0)

static int has_mark(const uint32_t *c, size_t n) {
  size_t i;
  for (i = 0; i < n; i++)
    if (!IS_RAW(c[i]) && nl_unicode_ccc(c[i]) != 0) return 1;
  return 0;
}

static int word_start(const uint32_t *c, size_t j) {
  uint32_t p;
  if (j == 0) return 1;
  p = c[j - 1];
  return p == '/' || p == '-' || p == '_' || (!IS_RAW(p) && nl_unicode_is_space(p));
}

static int is_subsequence(const uint32_t *p, size_t pn, const uint32_t *c, size_t cn) {
  size_t i = 0, j;
  for (j = 0; j < cn && i < pn; j++)
    if (p[i] == c[j]) i++;
  return i == pn;
}

/* Best alignment score (see the header); anchored allows a match only at a word start or
 * right after the previous match. FZ_NEG when no alignment exists. rows holds 4 * cn ints. */
static int align(const uint32_t *p, size_t pn, const uint32_t *c, size_t cn, int anchored,
                 int *rows, const unsigned char *starts) {
  int *mp = rows, *dp = rows + cn, *mc = rows + 2 * cn, *dc = rows + 3 * cn, *t;
  int best = FZ_NEG;
  size_t i, j;
  for (i = 0; i < pn; i++) {
    for (j = 0; j < cn; j++) {
      int m = FZ_NEG, ws = starts[j], ms = 1 + (ws ? FZ_WORD : 0);
      if (j >= i && p[i] == c[j]) {
        if (i == 0) {
          if (!anchored || ws) m = ms;
        } else if (j > 0) {
          if (mp[j - 1] > FZ_NEG) m = mp[j - 1] + ms + FZ_RUN;
          if (dp[j - 1] > FZ_NEG && (!anchored || ws) && dp[j - 1] + ms > m)
            m = dp[j - 1] + ms;
        }
      }
      mc[j] = m;
      dc[j] = m;
      if (j > 0 && dc[j - 1] > FZ_NEG && dc[j - 1] - FZ_GAP > m) dc[j] = dc[j - 1] - FZ_GAP;
    }
    t = mp, mp = mc, mc = t;
    t = dp, dp = dc, dc = t;
  }
  for (j = 0; j < cn; j++)
    if (mp[j] > best) best = mp[j];
  return best;
}

/* Whether an anchored alignment (every match at a word start or right after the previous
 * match) exists. Exact, and bit-parallel for candidates up to 64 code points: R holds the
 * positions where pattern[i] can end such an alignment. Longer candidates say "maybe" and
 * leave it to the alignment. */
static int anchored_possible(const uint32_t *p, size_t pn, const uint32_t *c, size_t cn,
                             const unsigned char *starts) {
  if (cn > 64) return 1;
  uint64_t ws = 0, reach = 0;
  for (size_t j = 0; j < cn; j++) ws |= (uint64_t)(starts[j] != 0) << j;
  for (size_t i = 0; i < pn; i++) {
    uint64_t eq = 0;
    for (size_t j = 0; j < cn; j++) eq |= (uint64_t)(c[j] == p[i]) << j;
    if (i == 0) {
      reach = eq & ws;
    } else {
      uint64_t low = reach & (~reach + 1);          /* the first reachable position */
      uint64_t after = ~((low << 1) - 1);           /* every position past it */
      if (low == 1ull << 63) after = 0;
      reach = eq & ((reach << 1) | (ws & after));
    }
    if (reach == 0) return 0;
  }
  return 1;
}

/* The quality of the leftmost greedy alignment, scored like align (a match 1, a word start
 * FZ_WORD more, a run FZ_RUN more, each skipped character after the first match FZ_GAP
 * less). Scattered matches are many and rank below every better tier, so they get this one
 * pass instead of the full alignment. */
static int greedy_quality(const uint32_t *p, size_t pn, const uint32_t *c, size_t cn,
                          const unsigned char *starts) {
  int q = 0;
  size_t i = 0, last = 0;
  for (size_t j = 0; j < cn && i < pn; j++) {
    if (c[j] != p[i]) continue;
    q += 1 + (starts[j] ? FZ_WORD : 0);
    if (i > 0) q += j == last + 1 ? FZ_RUN : -(int)(j - last - 1) * FZ_GAP;
    last = j;
    i++;
  }
  return q;
}

static int fz_pack(int tier, int quality, size_t cn) {
  quality += 1024; /* room for gap penalties below zero */
  if (quality < 0) quality = 0;
  if (quality > 8191) quality = 8191;
  if (cn > 1023) cn = 1023;
  return (tier << 24) + (quality << 10) + (int)(1023 - cn);
}

static int fz_score(const uint32_t *p, size_t pn, const uint32_t *c, size_t cn, int *rows) {
  int q;
  if (pn == 0) return fz_pack(3, 0, cn);
  if (pn > cn || !is_subsequence(p, pn, c, cn)) return -1;
  /* Word starts once per candidate, not once per cell of each alignment. rows has room:
   * 4 * cn ints, of which align uses 4 * cn; the starts go in a buffer of their own. */
  unsigned char sstack[FZ_STACK], *starts = cn <= FZ_STACK ? sstack : malloc(cn);
  if (starts == NULL) return -1;
  for (size_t j = 0; j < cn; j++) starts[j] = (unsigned char)word_start(c, j);
  int score;
  if (memcmp(p, c, pn * sizeof *p) == 0) {
    score = fz_pack(pn == cn ? 4 : 3, align(p, pn, c, cn, 0, rows, starts), cn);
  } else if (anchored_possible(p, pn, c, cn, starts) &&
             (q = align(p, pn, c, cn, 1, rows, starts)) > FZ_NEG) {
    score = fz_pack(2, q, cn);
  } else {
    score = fz_pack(1, greedy_quality(p, pn, c, cn, starts), cn);
  }
  if (starts != sstack) free(starts);
  return score;
}

static int ascii_space(unsigned char b) { return b == ' ' || (b >= '\t' && b <= '\r'); }

static unsigned char fold_ascii(unsigned char b) { return b >= 'A' && b <= 'Z' ? b + 32 : b; }

/* The ASCII bytes after which a word starts: '/', '-', '_' and white space. */
static const unsigned char fz_break[128] = {['\t'] = 1, ['\n'] = 1, ['\v'] = 1, ['\f'] = 1,
                                            ['\r'] = 1, [' '] = 1,  ['-'] = 1,  ['/'] = 1,
                                            ['_'] = 1};

/* The positions of a candidate of up to 128 characters (names, and the dated titles of
 * meeting notes) as one 128-bit set. */
#define FZ_FAST_MAX 128
__extension__ typedef unsigned __int128 fz_bits;

static int lowest_bit(fz_bits m) {
  uint64_t lo = (uint64_t)m;
  return lo != 0 ? __builtin_ctzll(lo) : 64 + __builtin_ctzll((uint64_t)(m >> 64));
}

/* Positions above `last` (all when last < 0). */
static fz_bits above(int last) {
  return last < 0 ? ~(fz_bits)0 : last >= FZ_FAST_MAX - 1 ? 0 : ~(((fz_bits)2 << last) - 1);
}

/* align(anchored = 1) from the positions where each pattern character occurs (eq) and the
 * word starts (ws), visiting only those positions: a pattern character can only match where
 * it occurs, so row i of the alignment is its value at eq[i]'s positions, each from row i - 1
 * by a run (the position before) or a word start after a gap (the best of row i - 1 before it,
 * less a point per skipped character: a running maximum of value + position). The same value
 * as align in a few dozen steps instead of pattern x candidate cells. FZ_NEG when no anchored
 * alignment exists. */
static int anchored_quality(const fz_bits *eq, size_t pn, fz_bits ws) {
  uint8_t pos[2][FZ_FAST_MAX];
  int val[2][FZ_FAST_MAX];
  size_t n = 0;
  for (fz_bits m = eq[0] & ws; m != 0; m &= m - 1) { /* the first match starts a word */
    pos[0][n] = (uint8_t)lowest_bit(m);
    val[0][n++] = 1 + FZ_WORD;
  }
  for (size_t i = 1; i < pn && n > 0; i++) {
    const uint8_t *pp = pos[(i - 1) & 1];
    const int *pv = val[(i - 1) & 1];
    uint8_t *cp = pos[i & 1];
    int *cv = val[i & 1];
    size_t k = 0, out = 0;
    int best = FZ_NEG, before = -2, before_val = FZ_NEG; /* best: max of value + position */
    for (fz_bits m = eq[i] & above(pp[0]); m != 0; m &= m - 1) {
      int j = lowest_bit(m);
      for (; k < n && pp[k] < j; k++) {
        if (pv[k] + pp[k] > best) best = pv[k] + pp[k];
        before = pp[k];
        before_val = pv[k];
      }
      int at_word = (int)(ws >> j) & 1, ms = 1 + (at_word ? FZ_WORD : 0), v = FZ_NEG;
      if (before == j - 1) v = before_val + ms + FZ_RUN;
      if (at_word && before >= 0 && best - (j - 1) + ms > v) v = best - (j - 1) + ms;
      if (v > FZ_NEG) {
        cp[out] = (uint8_t)j;
        cv[out++] = v;
      }
    }
    n = out;
  }
  int q = FZ_NEG;
  for (size_t k = 0; k < n; k++)
    if (val[(pn - 1) & 1][k] > q) q = val[(pn - 1) & 1][k];
  return q;
}

/* One pattern character (the first keystroke, so the commonest query): the best alignment
 * is that character at a word start if it occurs at one (1 + FZ_WORD), else its first
 * occurrence (1). */
static int fz_score_ascii_one(unsigned char want, const char *candidate, size_t cn) {
  int found = 0, at_start = 0;
  unsigned char prev = 0;
  for (size_t j = 0; j < cn && !at_start; j++) {
    unsigned char b = fold_ascii((unsigned char)candidate[j]);
    if (b == want) {
      found = 1;
      at_start = j == 0 || prev == '/' || prev == '-' || prev == '_' || ascii_space(prev);
    }
    prev = b;
  }
  if (!found) return -1;
  if (fold_ascii((unsigned char)candidate[0]) == want)
    return nl_fuzzy_score_letter(NL_FUZZY_LETTER_FIRST, cn);
  return nl_fuzzy_score_letter(at_start ? NL_FUZZY_LETTER_WORD : NL_FUZZY_LETTER_INSIDE, cn);
}

int nl_fuzzy_score_bound(int tier, size_t pn, size_t later_at_word, size_t clen_min) {
  if (pn == 0) return fz_pack(tier, 0, clen_min);
  /* The first character: a match at a word start. Each later one: a run (FZ_RUN), or a word
   * start after at least one skipped character (FZ_WORD - FZ_GAP); both only for an
   * alphanumeric pattern, whose match cannot precede a word start. */
  size_t later = pn - 1, words = later_at_word < later ? later_at_word : later;
  int q = 1 + FZ_WORD + (int)(later - words) * (1 + FZ_RUN) + (int)words * (1 + FZ_WORD - FZ_GAP);
  return fz_pack(tier, q, clen_min);
}

int nl_fuzzy_score_letter(int where, size_t clen) {
  if (where == NL_FUZZY_LETTER_FIRST) return fz_pack(clen == 1 ? 4 : 3, 1 + FZ_WORD, clen);
  return where == NL_FUZZY_LETTER_WORD ? fz_pack(2, 1 + FZ_WORD, clen) : fz_pack(1, 1, clen);
}

/* fz_score of a candidate of cn <= FZ_FAST_MAX characters that does not start with the
 * pattern of pn <= 16, from where each pattern character occurs in it (eq) and its word
 * starts (ws): -1 when the pattern is not a subsequence, tier 2 when an anchored alignment
 * exists, else tier 1 by the greedy alignment. */
static int score_below_prefix(const fz_bits *eq, size_t pn, fz_bits ws, size_t cn) {
  int last = -1;
  for (size_t i = 0; i < pn; i++) {
    fz_bits m = eq[i] & above(last);
    if (m == 0) return -1; /* not a subsequence */
    last = lowest_bit(m);
  }
  int q = anchored_quality(eq, pn, ws);
  if (q > FZ_NEG) return fz_pack(2, q, cn);
  q = 0;
  last = -1;
  for (size_t i = 0; i < pn; i++) {
    int j = lowest_bit(eq[i] & above(last));
    q += 1 + ((ws >> j) & 1 ? FZ_WORD : 0);
    if (i > 0) q += j == last + 1 ? FZ_RUN : -(j - last - 1) * FZ_GAP;
    last = j;
  }
  return fz_pack(1, q, cn);
}

/* fz_score of folded code points by bit sets, for a pattern of at most 16 and a candidate of
 * at most FZ_FAST_MAX of them (names with accents, emoji, other scripts). */
static int fz_score_folded(const uint32_t *p, size_t pn, const uint32_t *c, size_t cn,
                           int *rows) {
  if (pn == 0 || pn > cn || memcmp(p, c, pn * sizeof *p) == 0) return fz_score(p, pn, c, cn, rows);
  fz_bits eq[16], ws = 0, bit = 1;
  for (size_t i = 0; i < pn; i++) eq[i] = 0;
  for (size_t j = 0; j < cn; j++, bit <<= 1) {
    if (word_start(c, j)) ws |= bit;
    for (size_t i = 0; i < pn; i++)
      if (c[j] == p[i]) eq[i] |= bit;
  }
  return score_below_prefix(eq, pn, ws, cn);
}

/* fz_score for an ASCII pattern of at most 16 and an ASCII candidate of at most 128 bytes, in
 * one pass over the candidate: per pattern character a bit set of where it occurs (a table
 * from byte to pattern characters), then the subsequence test, the anchored alignment
 * (anchored_quality) and the greedy alignment on those bits; only a prefix match takes the
 * full alignment. The same scores as the general path (tests/test-unicode.c compares them on
 * random strings). */
static int fz_score_ascii(const char *pattern, size_t pn, const char *candidate, size_t cn) {
  uint32_t p[16];
  if (pn == 0) return fz_pack(3, 0, cn);
  if (pn > cn) return -1;
  if (pn == 1) return fz_score_ascii_one(fold_ascii((unsigned char)pattern[0]), candidate, cn);
  /* which[b]: the pattern characters byte b matches, both cases set, so the loop over the
   * candidate neither folds nor shifts 128-bit sets by a byte's value (it was most of a
   * score's time); the sets are built in two 64-bit halves. The table is all zeros between
   * calls (cleared again below): zeroing it per call, like the sets of all 16 characters, was
   * a fifth of a call. */
  static _Thread_local uint16_t which[128];
  uint64_t eqw[16][2], wsw[2] = {0, 0};
  for (size_t i = 0; i < pn; i++) {
    p[i] = fold_ascii((unsigned char)pattern[i]);
    which[p[i] & 0x7F] |= (uint16_t)(1u << i);
    if (p[i] >= 'a' && p[i] <= 'z') which[p[i] - 32] |= (uint16_t)(1u << i);
    eqw[i][0] = eqw[i][1] = 0;
  }
  int after_break = 1;
  for (size_t j = 0; j < cn; j++) {
    unsigned char b = (unsigned char)candidate[j] & 0x7F; /* ASCII: the mask only bounds it */
    uint64_t bit = 1ull << (j & 63);
    size_t half = j >> 6;
    if (after_break) wsw[half] |= bit;
    after_break = fz_break[b];
    for (unsigned w = which[b]; w != 0; w &= w - 1) eqw[__builtin_ctz(w)][half] |= bit;
  }
  for (size_t i = 0; i < pn; i++) {
    which[p[i] & 0x7F] = 0;
    if (p[i] >= 'a' && p[i] <= 'z') which[p[i] - 32] = 0;
  }
  fz_bits eq[16], ws = (fz_bits)wsw[1] << 64 | wsw[0];
  for (size_t i = 0; i < pn; i++) eq[i] = (fz_bits)eqw[i][1] << 64 | eqw[i][0];
  size_t same = 0;
  while (same < pn && fold_ascii((unsigned char)candidate[same]) == p[same]) same++;
  if (same == pn) { /* a prefix: its quality by the full alignment */
    uint32_t c[FZ_FAST_MAX];
    unsigned char starts[FZ_FAST_MAX];
    int rows[4 * FZ_FAST_MAX];
    for (size_t j = 0; j < cn; j++) {
      c[j] = fold_ascii((unsigned char)candidate[j]);
      starts[j] = (unsigned char)((ws >> j) & 1);
    }
    return fz_pack(pn == cn ? 4 : 3, align(p, pn, c, cn, 0, rows, starts), cn);
  }
  return score_below_prefix(eq, pn, ws, cn);
}

int nl_fuzzy_score_scattered(const char *lower, size_t pn, const char *candidate, size_t cn) {
  if (pn == 0 || pn > cn) return -1;
  /* The leftmost greedy alignment, as fz_score_ascii's tier 1, in one pass over the bytes. */
  int q = 0;
  size_t i = 0, last = 0;
  unsigned char prev = 0;
  for (size_t j = 0; j < cn; j++) {
    unsigned char b = fold_ascii((unsigned char)candidate[j]);
    if (b == (unsigned char)lower[i]) {
      int ws = j == 0 || prev == '/' || prev == '-' || prev == '_' || ascii_space(prev);
      q += 1 + (ws ? FZ_WORD : 0);
      if (i > 0) q += j == last + 1 ? FZ_RUN : -(int)(j - last - 1) * FZ_GAP;
      last = j;
      if (++i == pn) return fz_pack(1, q, cn);
    }
    prev = b;
  }
  return -1;
}

/* Folds both strings to code points and scores them: by bit sets when `fast` and they are
 * short enough, else by the full alignment alone (fz_score). */
static int score_folded(const char *pattern, size_t plen, const char *candidate, size_t clen,
                        int fast) {
  uint32_t pstack[64], cstack[FZ_STACK], *p = pstack, *c = cstack;
  int rstack[4 * FZ_STACK], *rows = rstack, score = -1;
  size_t pn, cn;
  /* Up to 4 code points per input byte (a 3-byte character decomposes into at most 4). */
  if (plen > 16) p = malloc(plen * 4 * sizeof *p);
  if (clen > FZ_STACK / 4) c = malloc(clen * 4 * sizeof *c);
  if (clen > FZ_STACK / 4) rows = malloc(clen * 4 * 4 * sizeof *rows);
  if (p == NULL || c == NULL || rows == NULL) goto done;
  pn = nl_unicode_fold_cps(pattern, plen, 0, p);
  cn = nl_unicode_fold_cps(candidate, clen, !has_mark(p, pn), c);
  if (fast && pn <= 16 && cn <= FZ_FAST_MAX) score = fz_score_folded(p, pn, c, cn, rows);
  else score = fz_score(p, pn, c, cn, rows);
done:
  if (p != pstack) free(p);
  if (c != cstack) free(c);
  if (rows != rstack) free(rows);
  return score;
}

int nl_fuzzy_score(const char *pattern, size_t plen, const char *candidate, size_t clen) {
  if (plen <= 16 && clen <= FZ_FAST_MAX && nl_unicode_is_ascii(pattern, plen) &&
      nl_unicode_is_ascii(candidate, clen))
    return fz_score_ascii(pattern, plen, candidate, clen);
  return score_folded(pattern, plen, candidate, clen, 1);
}

int nl_fuzzy_score_reference(const char *pattern, size_t plen, const char *candidate,
                             size_t clen) {
  return score_folded(pattern, plen, candidate, clen, 0);
}
