/* unicode.c: UTF-8 coding, NFC, name keys and character masks over the generated tables. */
#include "lsp/base/unicode.h"

#include "protocol/utf8.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* An invalid input byte travels through the pipeline as this flag plus the byte: it is
 * outside Unicode, so it never decomposes, folds or composes, and is written back raw. */
#define RAW_FLAG NL_UNICODE_RAW
#define IS_RAW(cp) (((cp) & RAW_FLAG) != 0)

/* Hangul syllable arithmetic (Unicode chapter 3.12). */
#define S_BASE 0xAC00u
#define L_BASE 0x1100u
#define V_BASE 0x1161u
#define T_BASE 0x11A7u
#define L_COUNT 19u
#define V_COUNT 21u
#define T_COUNT 28u
#define N_COUNT (V_COUNT * T_COUNT)
#define S_COUNT (L_COUNT * N_COUNT)

/* Starter plus at most 32 non-starters: UAX #15's stream-safe bound. */
#define SEG_MAX 33

/* ---- UTF-8 ---- */

/* Strict decoding (the one decoder, protocol/utf8.c); returns RAW_FLAG|byte for anything
 * invalid and consumes one byte. */
static uint32_t decode_raw(const unsigned char *s, size_t len, size_t *adv) {
  uint32_t cp;
  size_t n = nl_utf8_decode((const char *)s, len, &cp);
  if (n == 0) {
    *adv = 1;
    return RAW_FLAG | s[0];
  }
  *adv = n;
  return cp;
}

uint32_t nl_unicode_decode(const char *s, size_t len, size_t *adv) {
  uint32_t cp;
  *adv = nl_utf8_next(s, len, &cp);
  return cp;
}


/* ---- Character classes ---- */

int nl_unicode_is_ascii(const char *s, size_t len) { return nl_utf8_ascii_run(s, len) == len; }

int nl_unicode_is_word_cp(uint32_t cp) {
  if (cp < 0x80)
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
  /* Latin-1's symbols and no-break space are not letters; its ª µ º are. */
  if (cp < 0xC0) return cp == 0xAA || cp == 0xB5 || cp == 0xBA;
  if (cp >= 0x2000 && cp <= 0x2BFF) return 0;
  if (cp >= 0x3000 && cp <= 0x303F) return 0;
  if (cp >= 0xFE00 && cp <= 0xFE0F) return 0;
  if (cp == 0xFEFF || cp == 0xFFFD) return 0;
  return cp < 0x1F000;
}

int nl_unicode_is_space(uint32_t cp) {
  if (cp < 0x80) return cp == ' ' || (cp >= 0x09 && cp <= 0x0D);
  switch (cp) {
  case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029:
  case 0x202F: case 0x205F: case 0x3000:
    return 1;
  default:
    return cp >= 0x2000 && cp <= 0x200A;
  }
}

/* ---- Decomposition and composition ---- */

static size_t decompose_into(uint32_t cp, uint32_t *out, size_t cap) {
  uint32_t a, b;
  int k;
  size_t n;
  if (cap == 0) return 0;
  if (cp >= S_BASE && cp < S_BASE + S_COUNT) {
    uint32_t s = cp - S_BASE, t = s % T_COUNT;
    out[0] = L_BASE + s / N_COUNT;
    if (cap < 2) return 1;
    out[1] = V_BASE + (s % N_COUNT) / T_COUNT;
    if (t == 0 || cap < 3) return 2;
    out[2] = T_BASE + t;
    return 3;
  }
  k = nl_unicode_decompose1(cp, &a, &b);
  if (k == 0) {
    out[0] = cp;
    return 1;
  }
  n = decompose_into(a, out, cap);
  if (k == 2 && n < cap) n += decompose_into(b, out + n, cap - n);
  return n;
}

size_t nl_unicode_decompose(uint32_t cp, uint32_t out[4]) {
  return decompose_into(cp, out, 4);
}

uint32_t nl_unicode_compose(uint32_t first, uint32_t second) {
  if (first >= L_BASE && first < L_BASE + L_COUNT && second >= V_BASE &&
      second < V_BASE + V_COUNT)
    return S_BASE + ((first - L_BASE) * V_COUNT + (second - V_BASE)) * T_COUNT;
  if (first >= S_BASE && first < S_BASE + S_COUNT && (first - S_BASE) % T_COUNT == 0 &&
      second > T_BASE && second < T_BASE + T_COUNT)
    return first + (second - T_BASE);
  return nl_unicode_compose_table(first, second);
}

/* Folds one NFD code point and decomposes the result again: a fold target may itself be
 * precomposed or change combining class (U+0345 folds to the starter U+03B9). */
static size_t fold_decompose(uint32_t cp, uint32_t out[4]) {
  uint32_t f = nl_unicode_fold(cp);
  if (f == cp) {
    out[0] = cp;
    return 1;
  }
  return decompose_into(f, out, 4);
}

/* Folded NFD code points of s into out (room for 4 * len); marks dropped when strip. */
size_t nl_unicode_fold_cps(const char *s, size_t len, int strip, uint32_t *out) {
  size_t i = 0, adv, n = 0, k, j, m, dn;
  uint32_t d[4], f[4];
  while (i < len) {
    unsigned char b = (unsigned char)s[i];
    if (b < 0x80) {
      /* ASCII decomposes to itself and folds to lower case: the common case, kept cheap. */
      out[n++] = b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
      i++;
      continue;
    }
    uint32_t cp = decode_raw((const unsigned char *)s + i, len - i, &adv);
    i += adv;
    if (IS_RAW(cp)) {
      out[n++] = cp;
      continue;
    }
    dn = decompose_into(cp, d, 4);
    for (k = 0; k < dn; k++) {
      m = fold_decompose(d[k], f);
      for (j = 0; j < m; j++)
        if (!strip || nl_unicode_ccc(f[j]) == 0) out[n++] = f[j];
    }
  }
  return n;
}

/* ---- The normaliser: segments of one starter and its non-starters ---- */

typedef struct {
  char *buf;
  size_t cap, len; /* writes while len < cap, always counts (snprintf-like) */
  uint32_t seg[SEG_MAX]; /* composer input: NFD, folded in key mode */
  size_t n;
  uint32_t pre[SEG_MAX]; /* key mode only: NFD before folding */
  size_t pn;
} norm;

static uint8_t ccc_of(uint32_t cp) { return IS_RAW(cp) ? 0 : nl_unicode_ccc(cp); }

static void put_bytes(norm *z, const char *p, size_t n) {
  size_t i;
  for (i = 0; i < n; i++, z->len++)
    if (z->len < z->cap) z->buf[z->len] = p[i];
}

static void put_cp(norm *z, uint32_t cp) {
  char tmp[4];
  if (IS_RAW(cp)) {
    tmp[0] = (char)(cp & 0xFF);
    put_bytes(z, tmp, 1);
    return;
  }
  put_bytes(z, tmp, nl_utf8_encode(cp, tmp));
}

/* Stable insertion sort by combining class: canonical ordering of the non-starters. */
static void reorder(uint32_t *c, size_t n) {
  size_t i, j;
  for (i = 1; i < n; i++) {
    uint32_t x = c[i];
    uint8_t cx = ccc_of(x);
    for (j = i; j > 0 && ccc_of(c[j - 1]) > cx; j--) c[j] = c[j - 1];
    c[j] = x;
  }
}

static void compose_segment(norm *z) {
  size_t i, out = 1;
  int last = -1;
  if (z->n == 0) return;
  if (IS_RAW(z->seg[0]) || ccc_of(z->seg[0]) != 0) {
    reorder(z->seg, z->n);
    return;
  }
  reorder(z->seg + 1, z->n - 1);
  for (i = 1; i < z->n; i++) {
    uint32_t c = z->seg[i], comp = 0;
    int cc = ccc_of(c);
    /* A mark is blocked from the starter by an uncomposed mark of the same class. */
    if (last < cc) comp = nl_unicode_compose(z->seg[0], c);
    if (comp) {
      z->seg[0] = comp;
    } else {
      z->seg[out++] = c;
      last = cc;
    }
  }
  z->n = out;
}

static void flush_segment(norm *z) {
  size_t i;
  compose_segment(z);
  for (i = 0; i < z->n; i++) put_cp(z, z->seg[i]);
  z->n = 0;
}

/* Feeds one fully decomposed code point. */
static void push(norm *z, uint32_t cp) {
  if (ccc_of(cp) == 0) {
    if (z->n > 0) {
      compose_segment(z);
      /* Starters compose only with an immediately preceding starter (Hangul LV + T). */
      if (z->n == 1 && !IS_RAW(z->seg[0]) && !IS_RAW(cp) && ccc_of(z->seg[0]) == 0) {
        uint32_t comp = nl_unicode_compose(z->seg[0], cp);
        if (comp) {
          z->seg[0] = comp;
          return;
        }
      }
      flush_segment(z);
    }
    z->seg[z->n++] = cp;
    return;
  }
  if (z->n == SEG_MAX) flush_segment(z);
  z->seg[z->n++] = cp;
}

/* Key mode folds only after canonical ordering, as NFD-then-fold requires: U+0345 (class 240)
 * sorts after the other marks and only then becomes the starter U+03B9. */
static void flush_pre(norm *z) {
  uint32_t f[4];
  size_t i, j, m;
  if (z->pn == 0) return;
  if (IS_RAW(z->pre[0]) || ccc_of(z->pre[0]) != 0) reorder(z->pre, z->pn);
  else reorder(z->pre + 1, z->pn - 1);
  for (i = 0; i < z->pn; i++) {
    if (IS_RAW(z->pre[i])) {
      push(z, z->pre[i]);
      continue;
    }
    m = fold_decompose(z->pre[i], f);
    for (j = 0; j < m; j++) push(z, f[j]);
  }
  z->pn = 0;
}

static void push_pre(norm *z, uint32_t cp) {
  if (z->pn > 0 && (ccc_of(cp) == 0 || z->pn == SEG_MAX)) flush_pre(z);
  z->pre[z->pn++] = cp;
}

static void finish(norm *z) {
  flush_pre(z);
  flush_segment(z);
  if (z->cap > 0) z->buf[z->len < z->cap ? z->len : z->cap - 1] = '\0';
}

static size_t nfc_into(const char *s, size_t len, char *buf, size_t cap) {
  norm z;
  size_t i = 0, adv, k, n;
  uint32_t d[4];
  z.buf = buf;
  z.cap = cap;
  z.len = 0;
  z.n = 0;
  z.pn = 0;
  if (nl_unicode_is_ascii(s, len)) {
    put_bytes(&z, s, len);
    finish(&z);
    return z.len;
  }
  while (i < len) {
    uint32_t cp = decode_raw((const unsigned char *)s + i, len - i, &adv);
    i += adv;
    n = IS_RAW(cp) ? (d[0] = cp, 1) : decompose_into(cp, d, 4);
    for (k = 0; k < n; k++) push(&z, d[k]);
  }
  finish(&z);
  return z.len;
}

static size_t ascii_key_into(const char *s, size_t len, char *buf, size_t cap) {
  size_t i, out = 0;
  int pending = 0;
  for (i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == ' ' || (c >= 0x09 && c <= 0x0D)) {
      pending = out > 0;
      continue;
    }
    if (pending) {
      if (out < cap) buf[out] = ' ';
      out++;
      pending = 0;
    }
    if (out < cap) buf[out] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    out++;
  }
  if (cap > 0) buf[out < cap ? out : cap - 1] = '\0';
  return out;
}

size_t nl_unicode_key_into(const char *s, size_t len, char *buf, size_t cap) {
  norm z;
  size_t i = 0, adv, k, n;
  int pending = 0, any = 0;
  uint32_t d[4];
  if (nl_unicode_is_ascii(s, len)) return ascii_key_into(s, len, buf, cap);
  z.buf = buf;
  z.cap = cap;
  z.len = 0;
  z.n = 0;
  z.pn = 0;
  while (i < len) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80 && (i + 1 == len || (unsigned char)s[i + 1] < 0x80)) {
      /* An ASCII character before another or at the end composes with nothing: what came
       * before is flushed and it is written folded, as the general path would. */
      i++;
      if (nl_unicode_is_space(c)) {
        pending = any;
        continue;
      }
      if (pending) push_pre(&z, ' ');
      pending = 0;
      any = 1;
      flush_pre(&z);
      flush_segment(&z);
      char lower = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
      put_bytes(&z, &lower, 1);
      continue;
    }
    uint32_t cp = decode_raw((const unsigned char *)s + i, len - i, &adv);
    i += adv;
    if (!IS_RAW(cp) && nl_unicode_is_space(cp)) {
      pending = any;
      continue;
    }
    if (pending) push_pre(&z, ' ');
    pending = 0;
    any = 1;
    n = IS_RAW(cp) ? (d[0] = cp, 1) : decompose_into(cp, d, 4);
    for (k = 0; k < n; k++) push_pre(&z, d[k]);
  }
  finish(&z);
  return z.len;
}

/* Runs an _into function on a stack buffer, retrying on the heap when it is too small. */
static char *alloc_result(size_t (*into)(const char *, size_t, char *, size_t), const char *s,
                          size_t len, size_t *out_len) {
  char stack[256], *r;
  size_t n = into(s, len, stack, sizeof stack);
  r = malloc(n + 1);
  if (r == NULL) return NULL;
  if (n < sizeof stack) memcpy(r, stack, n + 1);
  else into(s, len, r, n + 1);
  if (out_len) *out_len = n;
  return r;
}

char *nl_unicode_key(const char *s, size_t len, size_t *out_len) {
  return alloc_result(nl_unicode_key_into, s, len, out_len);
}

char *nl_unicode_nfc(const char *s, size_t len, size_t *out_len) {
  return alloc_result(nfc_into, s, len, out_len);
}

/* ---- Character masks ---- */

static uint64_t ascii_bit(uint32_t c) {
  if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
  if (c >= 'a' && c <= 'z') return 1ull << (c - 'a');
  if (c >= '0' && c <= '9') return 1ull << (26 + c - '0');
  return 1ull << (36 + c % 27);
}

uint64_t nl_unicode_char_mask(const char *s, size_t len) {
  uint64_t mask = 0;
  size_t i = 0;
  while (i < len) {
    unsigned char b = (unsigned char)s[i];
    if (b < 0x80) {
      mask |= ascii_bit(b);
      i++;
      continue;
    }
    size_t adv = 1;
    uint32_t cp = nl_unicode_decode(s + i, len - i, &adv);
    i += adv;
    uint32_t parts[4], folded[4];
    size_t n = nl_unicode_decompose(cp, parts);
    for (size_t k = 0; k < n; k++) {
      size_t m = fold_decompose(parts[k], folded);
      for (size_t j = 0; j < m; j++) {
        if (folded[j] < 0x80)
          mask |= ascii_bit(folded[j]);
        else if (nl_unicode_ccc(folded[j]) == 0)
          mask |= 1ull << 63;
      }
    }
  }
  return mask;
}

uint64_t nl_unicode_initials_mask(const char *s, size_t len) {
  uint64_t mask = 0;
  int at_start = 1;
  size_t i = 0;
  while (i < len) {
    size_t adv = 1;
    uint32_t cp = (unsigned char)s[i] < 0x80 ? (unsigned char)s[i] : nl_unicode_decode(s + i, len - i, &adv);
    if (at_start) mask |= nl_unicode_char_mask(s + i, adv);
    at_start = cp == '/' || cp == '-' || cp == '_' || nl_unicode_is_space(cp);
    i += adv;
  }
  return mask;
}

static unsigned char fold_ascii(unsigned char b) { return b >= 'A' && b <= 'Z' ? b + 32 : b; }

uint64_t nl_unicode_pieces_bit(const char *s, size_t n) {
  uint32_t h = 0;
  for (size_t i = 0; i < n; i++) h = h * 31 + fold_ascii((unsigned char)s[i]);
  return 1ull << ((h * 2654435761u) >> 26);
}

void nl_unicode_word_heads(const char *s, size_t len, uint64_t *bigrams, uint64_t *trigrams) {
  *bigrams = *trigrams = 0;
  int at_start = 1;
  for (size_t i = 0; i < len; i++) {
    unsigned char b = (unsigned char)s[i];
    if (at_start) {
      size_t n = 0;
      int ascii = 1;
      while (n < 3 && i + n < len) {
        unsigned char c = (unsigned char)s[i + n];
        if (c >= 0x80) ascii = 0;
        if (c == ' ' || c == '\t' || c == '/' || c == '-' || c == '_') break;
        n++;
      }
      if (!ascii) {
        *bigrams = *trigrams = ~0ull;
        return;
      }
      if (n >= 2) *bigrams |= nl_unicode_pieces_bit(s + i, 2);
      if (n >= 3) *trigrams |= nl_unicode_pieces_bit(s + i, 3);
    }
    at_start = b == '/' || b == '-' || b == '_' || b == ' ' || (b >= '\t' && b <= '\r');
  }
}
