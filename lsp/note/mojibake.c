/* mojibake.c: mis-decoded UTF-8 detection and repair (rules in mojibake.h). */
#include "lsp/note/mojibake.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lsp/base/unicode.h"
#include "protocol/utf8.h"

#define MAX_LAYERS 3

/* Bytes 0x80..0x9F under Windows-1252; the five undefined bytes decode to the C1 control of
 * the same value, as Python's and Windows' decoders do in practice. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

/* Bytes 0x80..0xFF under Mac Roman (Python's mac_roman: 0xDB is the euro sign). */
static const uint16_t macroman_high[128] = {
    0x00C4, 0x00C5, 0x00C7, 0x00C9, 0x00D1, 0x00D6, 0x00DC, 0x00E1, 0x00E0, 0x00E2, 0x00E4,
    0x00E3, 0x00E5, 0x00E7, 0x00E9, 0x00E8, 0x00EA, 0x00EB, 0x00ED, 0x00EC, 0x00EE, 0x00EF,
    0x00F1, 0x00F3, 0x00F2, 0x00F4, 0x00F6, 0x00F5, 0x00FA, 0x00F9, 0x00FB, 0x00FC, 0x2020,
    0x00B0, 0x00A2, 0x00A3, 0x00A7, 0x2022, 0x00B6, 0x00DF, 0x00AE, 0x00A9, 0x2122, 0x00B4,
    0x00A8, 0x2260, 0x00C6, 0x00D8, 0x221E, 0x00B1, 0x2264, 0x2265, 0x00A5, 0x00B5, 0x2202,
    0x2211, 0x220F, 0x03C0, 0x222B, 0x00AA, 0x00BA, 0x03A9, 0x00E6, 0x00F8, 0x00BF, 0x00A1,
    0x00AC, 0x221A, 0x0192, 0x2248, 0x2206, 0x00AB, 0x00BB, 0x2026, 0x00A0, 0x00C0, 0x00C3,
    0x00D5, 0x0152, 0x0153, 0x2013, 0x2014, 0x201C, 0x201D, 0x2018, 0x2019, 0x00F7, 0x25CA,
    0x00FF, 0x0178, 0x2044, 0x20AC, 0x2039, 0x203A, 0xFB01, 0xFB02, 0x2021, 0x00B7, 0x201A,
    0x201E, 0x2030, 0x00C2, 0x00CA, 0x00C1, 0x00CB, 0x00C8, 0x00CD, 0x00CE, 0x00CF, 0x00CC,
    0x00D3, 0x00D4, 0xF8FF, 0x00D2, 0x00DA, 0x00DB, 0x00D9, 0x0131, 0x02C6, 0x02DC, 0x00AF,
    0x02D8, 0x02D9, 0x02DA, 0x00B8, 0x02DD, 0x02DB, 0x02C7};

/* One decoded input code point and where its bytes start. */
typedef struct {
  uint32_t cp;
  size_t off, line;
} cpos;

/* A candidate run: cps [i, j) decode to the UTF-8 bytes in buf. */
typedef struct {
  size_t i, j, nseq;
  int longest;          /* bytes in the longest sequence */
  unsigned char buf[4]; /* the first sequence, which the acceptance rules look at */
  size_t blen;          /* decoded bytes of the whole run */
} run;

/* The byte cp stood for under the codec, or -1; ASCII is never part of a run. */
static int to_byte(uint32_t cp, nl_mojibake_codec codec) {
  int b;
  if (cp < 0x80) return -1;
  if (codec == NL_MOJIBAKE_CP1252) {
    if (cp <= 0xFF) return (int)cp; /* Latin-1, including its C1 range */
    for (b = 0; b < 32; b++)
      if (cp1252_high[b] == cp) return 0x80 + b;
    return -1;
  }
  for (b = 0; b < 128; b++)
    if (macroman_high[b] == cp) return 0x80 + b;
  return -1;
}

static int plausible(uint32_t u) {
  if (u >= 0x80 && u <= 0x9F) return 0;
  if ((u >= 0xE000 && u <= 0xF8FF) || u >= 0xF0000) return 0;
  if ((u >= 0xFDD0 && u <= 0xFDEF) || (u & 0xFFFE) == 0xFFFE) return 0;
  return 1;
}

/* Mac Roman has no glyph for 0xF0 outside Apple's fonts (it is U+F8FF, private use), so a
 * 4-byte emoji often arrives without its lead: 📅 F0 9F 93 85 as "üìÖ". Three characters that
 * stand for 9F xx yy are such an emoji when they are a word of their own (no letter on either
 * side), decode to a pictograph (U+1F300..U+1FAFF), and the second is none of the letters
 * Turkish, German or Hungarian put after "ü" ("üçü" is Turkish for "the three of them"). */
static int lost_lead(const cpos *c, size_t n, size_t i, unsigned char out[4], uint32_t *decoded) {
  static const unsigned char genuine_second[] = {0x8A, 0x8D, 0x8E, 0x9A, 0x9F}; /* ä ç é ö ü */
  if (i + 3 > n || to_byte(c[i].cp, NL_MOJIBAKE_MACROMAN) != 0x9F) return 0;
  int b2 = to_byte(c[i + 1].cp, NL_MOJIBAKE_MACROMAN);
  int b3 = to_byte(c[i + 2].cp, NL_MOJIBAKE_MACROMAN);
  if (b2 < 0x80 || b2 > 0xBF || b3 < 0x80 || b3 > 0xBF) return 0;
  if (memchr(genuine_second, b2, sizeof genuine_second) != NULL) return 0;
  uint32_t prev = i > 0 ? c[i - 1].cp : 0;
  size_t after = i + 3;
  /* U+FE0F after the emoji arrives as "Ô∏è" (EF B8 8F) */
  if (after + 3 <= n && to_byte(c[after].cp, NL_MOJIBAKE_MACROMAN) == 0xEF &&
      to_byte(c[after + 1].cp, NL_MOJIBAKE_MACROMAN) == 0xB8 &&
      to_byte(c[after + 2].cp, NL_MOJIBAKE_MACROMAN) == 0x8F)
    after += 3;
  uint32_t next = after < n ? c[after].cp : 0;
  if (prev == 0xF8FF || nl_unicode_is_letter(prev) || nl_unicode_is_letter(next)) return 0;
  unsigned char seq[4] = {0xF0, 0x9F, (unsigned char)b2, (unsigned char)b3};
  uint32_t u;
  if (nl_utf8_decode((const char *)seq, 4, &u) != 4 || u < 0x1F300 || u > 0x1FAFF) return 0;
  memcpy(out, seq, 4);
  *decoded = u;
  return 3;
}

/* Parses one UTF-8 sequence from cps starting at i; returns its length in code points (2-4,
 * or 3 for a 4-byte emoji whose lead was lost) and its bytes in out, their count in *nbytes;
 * 0 when there is none. */
static int parse_seq(const cpos *c, size_t n, size_t i, nl_mojibake_codec codec, int strict,
                     unsigned char out[4], uint32_t *decoded, int *nbytes) {
  int b0 = to_byte(c[i].cp, codec), len, k;
  uint32_t u;
  if (codec == NL_MOJIBAKE_MACROMAN && b0 == 0x9F && lost_lead(c, n, i, out, decoded)) {
    *nbytes = 4;
    return 3;
  }
  if (b0 < 0xC2 || b0 > 0xF4) return 0;
  len = b0 < 0xE0 ? 2 : b0 < 0xF0 ? 3 : 4;
  if (i + (size_t)len > n) return 0;
  for (k = 0; k < len; k++) {
    int b = to_byte(c[i + k].cp, codec);
    if (b < 0) return 0;
    out[k] = (unsigned char)b;
  }
  /* the one decoder rules out overlongs, surrogates and values past U+10FFFF */
  if (nl_utf8_decode((const char *)out, (size_t)len, &u) != (size_t)len) return 0;
  if (strict && !plausible(u)) return 0;
  *decoded = u;
  *nbytes = len;
  return len;
}

/* strict refuses implausible decodes; lenient lets an inner layer hold them (a double
 * encoded "č" passes through U+008D), and the final text is checked instead. */
static void collect_run(const cpos *c, size_t n, size_t i, nl_mojibake_codec codec, int strict,
                        run *r) {
  unsigned char seq[4];
  uint32_t u;
  int len, nb = 0;
  r->i = r->j = i;
  r->nseq = 0;
  r->longest = 0;
  r->blen = 0;
  while ((len = parse_seq(c, n, r->j, codec, strict, seq, &u, &nb)) > 0) {
    if (r->nseq == 0) memcpy(r->buf, seq, sizeof seq);
    r->blen += (size_t)nb;
    r->j += (size_t)len;
    r->nseq++;
    if (nb > r->longest) r->longest = nb;
  }
}

/* Quotes, dashes and the ellipsis: what genuinely follows a word ending in a capital, as the
 * second character of "JOSÉ’s" or "ABÖ–ÜB". Signs such as ™ ° ® are left out: they are
 * rare there and common in mojibake ("PÅ™i" for "Při", "Ä°" for "İ"). */
static int after_word(int b) {
  return b == 0x85 || (b >= 0x91 && b <= 0x97) || b == 0xAB || b == 0xBB;
}

static int is_upper(uint32_t cp) { return nl_unicode_is_letter(cp) && nl_unicode_fold(cp) != cp; }
static int is_lower(uint32_t cp) { return nl_unicode_is_letter(cp) && !is_upper(cp); }

/* The single 2-byte sequence case, the one genuine text can imitate. */
static int accept_pair(const run *r, const cpos *c, uint32_t prev, uint32_t next,
                       nl_mojibake_codec codec) {
  int lead = r->buf[0], cont = r->buf[1];
  uint32_t u = 0;
  nl_utf8_decode((const char *)r->buf, 2, &u); /* the run holds a valid 2-byte sequence */
  /* The lead reads as a capital letter: after a lower-case letter ("gÄ™Å›lÄ…", "cÅ“ur") that
   * is no genuine word; alone, a letter must follow ("Å’uvre"); after another capital it
   * may well end a genuine word ("JOSÉ’s", "ABÖ–ÜB"). */
  int mid_word = is_lower(prev) || (!nl_unicode_is_letter(prev) && nl_unicode_is_letter(next));
  if (codec == NL_MOJIBAKE_MACROMAN) {
    /* √ ¬ ƒ ≈ before an accented letter are never genuine; » is, in German »Über«, so it
     * needs a letter before it (Romanian "na»ôtere", "OP»öIUNI"); Œ œ lead Greek. Mac
     * Roman's other 2-byte leads are dashes and quotes, genuine in "l’été", "Paris—à". */
    if (lead >= 0xC2 && lead <= 0xC5) return 1;
    if (lead == 0xC8) return nl_unicode_is_letter(prev);
    return (lead == 0xCE || lead == 0xCF) && mid_word;
  }
  if (c[r->i + 1].cp >= 0x80 && c[r->i + 1].cp <= 0x9F)
    return 1; /* a C1 control in the text is never genuine */
  if (lead == 0xC2 || lead == 0xC3) {
    /* "MAÇÃ”" is a genuine capital word closed by a quote; "MYÃ–S" and "OGSÃ…" are not. */
    return !((cont == 0x92 || cont == 0x94) && is_upper(prev) && !nl_unicode_is_letter(next));
  }
  if (u > 0x4FF) return 0; /* a lone Hebrew, Arabic or NKo letter: "Straße—und" */
  if (u >= 0x300 && u <= 0x36F && !nl_unicode_is_letter(prev)) return 0;
  /* no genuine closing quote touches a letter on both sides: "TAKÅ»E" is "TAKŻE" */
  if ((cont == 0xBB || cont == 0x94) && nl_unicode_is_letter(prev) &&
      nl_unicode_is_letter(next))
    return 1;
  return after_word(cont) ? mid_word : 1;
}

static int accept_run(const run *r, const cpos *c, size_t n, nl_mojibake_codec codec) {
  uint32_t prev = r->i > 0 ? c[r->i - 1].cp : 0;
  uint32_t next = r->j < n ? c[r->j].cp : 0;
  if (r->nseq == 0) return 0;
  if (r->nseq >= 2 || r->longest == 4) return 1;
  if (r->longest == 3) {
    /* "café…”": a lower-case accented letter closing a word, then two punctuation marks */
    return !(codec == NL_MOJIBAKE_CP1252 && nl_unicode_is_letter(prev) &&
             after_word(r->buf[1]) && after_word(r->buf[2]));
  }
  return accept_pair(r, c, prev, next, codec);
}

/* ---- Decoding text into code points ---- */

static cpos *decode_all(const char *s, size_t len, size_t *n) {
  cpos *c = malloc((len + 1) * sizeof *c);
  size_t i = 0, adv, k = 0, line = 0;
  if (c == NULL) return NULL;
  while (i < len) {
    uint32_t cp = nl_unicode_decode(s + i, len - i, &adv);
    /* an invalid byte becomes a marker no codec maps, so it ends any run */
    c[k].cp = (cp == 0xFFFD && adv == 1) ? 0xFFFFFFFFu : cp;
    c[k].off = i;
    c[k].line = line;
    if (cp == '\n') line++;
    k++;
    i += adv;
  }
  c[k].cp = 0;
  c[k].off = len;
  c[k].line = line;
  *n = k;
  return c;
}

/* Repairs bytes that are entirely one more layer of mojibake into a new string, or NULL. */
static char *peel_layer(const char *s, size_t len, size_t *out_len) {
  static const nl_mojibake_codec codecs[2] = {NL_MOJIBAKE_CP1252, NL_MOJIBAKE_MACROMAN};
  size_t n, k, pos, i;
  cpos *c = decode_all(s, len, &n);
  char *out = NULL;
  if (c == NULL || n < 2) goto done;
  for (k = 0; k < 2 && out == NULL; k++) {
    unsigned char seq[4];
    uint32_t u;
    int sl, nb = 0;
    for (i = 0; i < n; i += (size_t)sl)
      if ((sl = parse_seq(c, n, i, codecs[k], 0, seq, &u, &nb)) == 0) break;
    if (i != n) continue;
    out = malloc(len + 1); /* decoding only shrinks */
    if (out == NULL) goto done;
    for (i = 0, pos = 0; i < n; i += (size_t)sl) {
      sl = parse_seq(c, n, i, codecs[k], 0, seq, &u, &nb);
      memcpy(out + pos, seq, (size_t)nb);
      pos += (size_t)nb;
    }
    out[pos] = '\0';
    *out_len = pos;
  }
done:
  free(c);
  return out;
}

static int plausible_text(const char *s, size_t len) {
  size_t i = 0, adv;
  while (i < len) {
    if (!plausible(nl_unicode_decode(s + i, len - i, &adv))) return 0;
    i += adv;
  }
  return 1;
}

/* Builds the span's repaired text: the run's bytes, then any further whole layers. Returns 1
 * when a lenient run ends in implausible text, then the caller retries strictly. */
static int finish_span(const run *r, const cpos *c, size_t n, nl_mojibake_codec codec,
                       int strict, nl_mojibake_span *sp) {
  unsigned char seq[4];
  uint32_t u;
  size_t i, pos = 0, len;
  int layer, sl, nb = 0;
  char *text = malloc(r->blen + 1), *next;
  if (text == NULL) return -1;
  for (i = r->i; i < r->j; i += (size_t)sl) {
    sl = parse_seq(c, n, i, codec, strict, seq, &u, &nb);
    memcpy(text + pos, seq, (size_t)nb);
    pos += (size_t)nb;
  }
  text[pos] = '\0';
  for (layer = 1; layer < MAX_LAYERS; layer++) {
    next = peel_layer(text, pos, &len);
    if (next == NULL) break;
    free(text);
    text = next;
    pos = len;
  }
  if (!strict && !plausible_text(text, pos)) {
    free(text);
    return 1;
  }
  sp->start = c[r->i].off;
  sp->end = c[r->j].off;
  sp->repaired = text;
  sp->repaired_len = pos;
  sp->codec = codec;
  return 0;
}

/* A run found in the text: accepted on its own, or pending until other mojibake on its line
 * shows that the line was mis-decoded (a lone "Ð’" in "Ð’ Ð´Ð°Ð½Ð½Ñ‹Ð¹"). */
typedef struct {
  nl_mojibake_span span;
  size_t line, end_i; /* line number and the code point index after the run */
  int accepted;
} cand;

/* The run at i under codec, lenient first, then strict; 1 with *out filled, 0 when there is
 * none, -1 when out of memory. */
static int candidate_at(const cpos *c, size_t n, size_t i, nl_mojibake_codec codec,
                        cand *out) {
  int strict, rc;
  run r;
  for (strict = 0; strict < 2; strict++) {
    collect_run(c, n, i, codec, strict, &r);
    if (r.nseq == 0) continue;
    rc = finish_span(&r, c, n, codec, strict, &out->span);
    if (rc < 0) return -1;
    if (rc > 0) continue;
    out->accepted = accept_run(&r, c, n, codec);
    out->line = c[i].line;
    out->end_i = r.j;
    return 1;
  }
  return 0;
}

static void cands_free(cand *v, size_t n) {
  size_t i;
  for (i = 0; i < n; i++) free(v[i].span.repaired);
  free(v);
}

/* Of the two codecs' runs at one position: an accepted one, the longer if both are. */
static int choose(const cand *x, int gx, const cand *y, int gy) {
  if (gx && x->accepted && gy && y->accepted) return y->end_i > x->end_i ? 1 : 0;
  if (gx && x->accepted) return 0;
  if (gy && y->accepted) return 1;
  return gx ? 0 : gy ? 1 : -1;
}

/* Pass one: every candidate in order; accepted runs are skipped over, pending ones are not. */
static ptrdiff_t scan(const cpos *c, size_t n, cand **out) {
  cand *v = NULL, x, y;
  size_t i = 0, m = 0, cap = 0;
  while (i < n) {
    int gx, gy, pick;
    if (c[i].cp < 0x80) {
      i++;
      continue;
    }
    gx = candidate_at(c, n, i, NL_MOJIBAKE_CP1252, &x);
    gy = candidate_at(c, n, i, NL_MOJIBAKE_MACROMAN, &y);
    pick = (gx < 0 || gy < 0) ? -2 : choose(&x, gx, &y, gy);
    if (gx > 0 && pick != 0) free(x.span.repaired);
    if (gy > 0 && pick != 1) free(y.span.repaired);
    if (pick == -2) goto oom;
    if (pick < 0) {
      i++;
      continue;
    }
    if (m == cap) {
      size_t ncap = cap ? cap * 2 : 8;
      cand *g = realloc(v, ncap * sizeof *g);
      if (g == NULL) {
        free((pick ? &y : &x)->span.repaired);
        goto oom;
      }
      v = g;
      cap = ncap;
    }
    v[m] = pick ? y : x;
    i = v[m].accepted ? v[m].end_i : i + 1;
    m++;
  }
  *out = v;
  return (ptrdiff_t)m;
oom:
  cands_free(v, m);
  return -1;
}

/* Pass two: a pending run is kept when an accepted run of its codec shares its line and it
 * overlaps no kept run. Returns the kept count; v is compacted in place. */
static size_t settle(cand *v, size_t m) {
  size_t k, kept = 0, before[2] = {SIZE_MAX, SIZE_MAX}, *after;
  size_t last_end = 0;
  int any = 0;
  after = malloc((m + 1) * 2 * sizeof *after);
  /* nearest accepted line per codec after each candidate; without memory, no promotions */
  if (after != NULL) {
    after[2 * m] = after[2 * m + 1] = SIZE_MAX;
    for (k = m; k-- > 0;) {
      after[2 * k] = after[2 * k + 2];
      after[2 * k + 1] = after[2 * k + 3];
      if (v[k].accepted) after[2 * k + v[k].span.codec] = v[k].line;
    }
  }
  for (k = 0; k < m; k++) {
    cand *x = &v[k];
    int keep = x->accepted;
    if (!keep && after != NULL) {
      int cd = x->span.codec;
      keep = before[cd] == x->line || after[2 * k + 2 + cd] == x->line;
      /* a pending run must not overlap the kept run before it or the accepted one after */
      if (any && x->span.start < last_end) keep = 0;
      if (k + 1 < m && v[k + 1].accepted && v[k + 1].span.start < x->span.end) keep = 0;
    }
    if (x->accepted) before[x->span.codec] = x->line;
    if (!keep) {
      free(x->span.repaired);
      continue;
    }
    last_end = x->span.end;
    any = 1;
    v[kept++] = *x;
  }
  free(after);
  return kept;
}

/* Whether some character of s can start a run: one that a codec reads as a UTF-8 lead byte
 * (0xC2..0xF4; Mac Roman's 0x9F too, a lost lead), as parse_seq asks of a run's first. Text
 * without one (ASCII, emoji, the task fields' symbols) holds no mojibake and is not decoded
 * whole. */
static int may_start_run(const char *s, size_t len) {
  for (size_t i = 0; i < len;) {
    i += nl_utf8_ascii_run(s + i, len - i);
    if (i == len) break;
    uint32_t cp;
    i += nl_utf8_next(s + i, len - i, &cp);
    int a = to_byte(cp, NL_MOJIBAKE_CP1252), b = to_byte(cp, NL_MOJIBAKE_MACROMAN);
    if ((a >= 0xC2 && a <= 0xF4) || (b >= 0xC2 && b <= 0xF4) || b == 0x9F) return 1;
  }
  return 0;
}

ptrdiff_t nl_mojibake_find(const char *text, size_t len, nl_mojibake_span **spans) {
  nl_mojibake_span *a;
  cand *v = NULL;
  ptrdiff_t m;
  size_t k, kept;
  cpos *c;
  *spans = NULL;
  if (!may_start_run(text, len)) return 0;
  c = decode_all(text, len, &k);
  if (c == NULL) return -1;
  m = scan(c, k, &v);
  free(c);
  if (m <= 0) return m;
  kept = settle(v, (size_t)m);
  if (kept == 0) {
    free(v);
    return 0;
  }
  a = malloc(kept * sizeof *a);
  if (a == NULL) {
    cands_free(v, kept);
    return -1;
  }
  for (k = 0; k < kept; k++) a[k] = v[k].span;
  free(v);
  *spans = a;
  return (ptrdiff_t)kept;
}

void nl_mojibake_spans_free(nl_mojibake_span *spans, size_t n) {
  size_t i;
  if (spans == NULL) return;
  for (i = 0; i < n; i++) free(spans[i].repaired);
  free(spans);
}

size_t nl_mojibake_splice(const char *text, size_t from, size_t to,
                          const nl_mojibake_span *spans, size_t n, char *out) {
  size_t pos = 0;
  for (size_t i = 0; i < n; i++) {
    memcpy(out + pos, text + from, spans[i].start - from);
    pos += spans[i].start - from;
    memcpy(out + pos, spans[i].repaired, spans[i].repaired_len);
    pos += spans[i].repaired_len;
    from = spans[i].end;
  }
  memcpy(out + pos, text + from, to - from);
  pos += to - from;
  out[pos] = '\0';
  return pos;
}

char *nl_mojibake_repair(const char *text, size_t len, size_t *out_len) {
  nl_mojibake_span *sp;
  ptrdiff_t n = nl_mojibake_find(text, len, &sp);
  size_t pos;
  char *out;
  if (n < 0) return NULL;
  /* every run decodes to no more bytes than it had, so len bounds the result */
  out = malloc(len + 1);
  if (out == NULL) {
    nl_mojibake_spans_free(sp, (size_t)n);
    return NULL;
  }
  pos = nl_mojibake_splice(text, 0, len, sp, (size_t)n, out);
  if (out_len) *out_len = pos;
  nl_mojibake_spans_free(sp, (size_t)n);
  return out;
}

static int all_word(const char *s, size_t n, int (*is_word)(uint32_t)) {
  uint32_t cp;
  for (size_t at = 0, m; at < n; at += m)
    if ((m = nl_utf8_decode(s + at, n - at, &cp)) == 0 || !is_word(cp)) return 0;
  return 1;
}

size_t nl_mojibake_word_end(const char *text, size_t len, size_t end, int (*is_word)(uint32_t)) {
  if (end >= len || (unsigned char)text[end] < 0x80) return end; /* ended by ASCII: no run */
  nl_mojibake_span *sp;
  ptrdiff_t n = nl_mojibake_find(text, len, &sp);
  for (ptrdiff_t k = 0; k < n && sp[k].start <= end; k++) {
    if (sp[k].end <= end) continue;
    if (!all_word(sp[k].repaired, sp[k].repaired_len, is_word)) {
      end = sp[k].start; /* the run reads as what ends the word: "’" in "Bobâ€™s" */
      break;
    }
    end = sp[k].end;
    uint32_t cp;
    for (size_t m; end < len && (m = nl_utf8_decode(text + end, len - end, &cp)) > 0 && is_word(cp);)
      end += m;
  }
  nl_mojibake_spans_free(sp, n > 0 ? (size_t)n : 0);
  return end;
}
