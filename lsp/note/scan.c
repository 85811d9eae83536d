/* scan.c: the line table and the inline scanner. cmark gives the block structure; this file
 * reads the raw bytes of one paragraph or heading so every range is exact, in two linear passes:
 * the first marks what is not text (code spans, math, raw HTML, autolinks), leftmost first as
 * CommonMark does; the second finds wikilinks, markdown links, tags, mentions and block ids
 * outside those spans. */
#include "lsp/note/scan.h"

#include <stdlib.h>
#include <string.h>

#include "lsp/base/bytes.h"
#include "lsp/base/unicode.h"
#include "lsp/note/mojibake.h"
#include "lsp/note/task.h"
#include "protocol/percent.h"

/* ---- positions -------------------------------------------------------------------------- */

nl_bpos nl_scan_pos(const nl_lines *l, size_t off) {
  size_t line = 0;
  return nl_scan_pos_near(l, off, &line);
}

nl_bpos nl_scan_pos_near(const nl_lines *l, size_t off, size_t *hint) {
  size_t line = *hint;
  if (line >= l->n_lines || l->starts[line] > off ||
      (line + 1 < l->n_lines && l->starts[line + 1] <= off))
    *hint = line = nl_lines_line_of(l, off);
  size_t start = l->starts[line], end = nl_lines_line_end(l, line);
  nl_bpos p = {(uint32_t)line, (uint32_t)((off < end ? off : end) - start)};
  return p;
}

/* ---- inline scanner ---------------------------------------------------------------------- */

typedef struct {
  size_t a, b;
} span;

void nl_scan_init(nl_scan *s, const nl_lines *lines, nl_arena *arena) {
  s->links.n = s->tags.n = s->mentions.n = s->blocks.n = s->code.n = 0;
  s->lines = lines;
  s->arena = arena;
  s->oom = 0;
}

void nl_scan_free(nl_scan *s) {
  nl_vec_free(&s->links);
  nl_vec_free(&s->tags);
  nl_vec_free(&s->mentions);
  nl_vec_free(&s->blocks);
  nl_vec_free(&s->code);
  nl_vec_free(&s->excluded);
  nl_vec_free(&s->brackets);
  free(s->fail);
  s->fail = NULL;
  s->fail_cap = 0;
}

static int is_eol(char c) { return c == '\n' || c == '\r'; }
static int is_blank(char c) { return c == ' ' || c == '\t'; }
static int is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
static int is_punct(char c) {
  return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
         (c >= '{' && c <= '~');
}
static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_alnum(char c) { return is_alpha(c) || is_digit(c); }

/* State of one unit's scan. */
typedef struct {
  nl_scan *s;
  const char *t; /* the note text */
  size_t start, end;
  size_t wfail;  /* no "]]" closes a wikilink before this offset (a line end) */
  size_t line;   /* the line of the latest position (pos_of) */
  int no_dollar, no_ddollar, no_comment, no_pi, no_decl, no_cdata, no_percent;
} unit;

static nl_bpos pos_of(unit *u, size_t off) { return nl_scan_pos_near(u->s->lines, off, &u->line); }

static nl_brange range_of(unit *u, size_t a, size_t b) {
  nl_brange r = {pos_of(u, a), pos_of(u, b)};
  return r;
}

static const char *dup(unit *u, size_t a, size_t b) {
  char *p = nl_arena_strndup(u->s->arena, u->t + a, b - a);
  if (p == NULL) u->s->oom = 1;
  return p;
}

/* A new record at the end of v, or NULL (the parse is then out of memory). */
static void *push(unit *u, nl_vec *v, size_t size) {
  void *p = nl_vec_push(v, size);
  if (p == NULL) u->s->oom = 1;
  return p;
}

/* Whether a wikilink opens at i ("[[" checked by the caller); returns the offset after "]]",
 * or 0. The content is one line, not blank, and holds no other "[["; where a line has no
 * closer left, later openers on it fail at once. */
static size_t wikilink_end(unit *u, size_t i) {
  const char *t = u->t;
  if (i < u->wfail) return 0;
  if (i + 2 < u->end && t[i + 2] == '[') return 0; /* "[[[": the link starts one later */
  int blank = 1;
  for (size_t j = i + 2; j < u->end; j++) {
    char c = t[j];
    if (is_eol(c)) {
      u->wfail = j;
      return 0;
    }
    if (c == ']' && j + 1 < u->end && t[j + 1] == ']') return blank ? 0 : j + 2;
    if (c == '[' && j + 1 < u->end && t[j + 1] == '[') return 0;
    if (!is_blank(c)) blank = 0;
  }
  u->wfail = u->end;
  return 0;
}

/* Finds "needle" from i; returns the offset after it, or 0 (and sets *none). */
static size_t find_after(unit *u, size_t i, const char *needle, int *none) {
  size_t n = strlen(needle);
  if (*none) return 0;
  for (size_t j = i; j + n <= u->end; j++)
    if (u->t[j] == needle[0] && memcmp(u->t + j, needle, n) == 0) return j + n;
  *none = 1;
  return 0;
}

/* The end of a code span whose opening run of n backticks ends at i, or 0. A failed search
 * for a length is remembered for the rest of the unit, so the pass stays linear. */
static size_t code_span_end(unit *u, size_t i, size_t n) {
  nl_scan *s = u->s;
  if (n >= s->fail_cap) {
    size_t ncap = s->fail_cap ? s->fail_cap : 64;
    while (ncap <= n) ncap *= 2;
    uint32_t *f = realloc(s->fail, ncap * sizeof(*f));
    if (f == NULL) {
      s->oom = 1;
      return 0;
    }
    memset(f + s->fail_cap, 0, (ncap - s->fail_cap) * sizeof(*f));
    s->fail = f;
    s->fail_cap = ncap;
  }
  if (s->fail[n] == s->generation) return 0;
  size_t j = i;
  while (j < u->end) {
    if (u->t[j] != '`') {
      j++;
      continue;
    }
    size_t k = j;
    while (k < u->end && u->t[k] == '`') k++;
    if (k - j == n) return k;
    j = k;
  }
  s->fail[n] = s->generation;
  return 0;
}

/* Inline math: "$$...$$", or "$x$" where the opener is followed and the closer preceded by a
 * non-space and the closer is not followed by a digit (so "$5 and $6" is not math). */
static size_t math_end(unit *u, size_t i) {
  const char *t = u->t;
  if (i + 1 < u->end && t[i + 1] == '$') return find_after(u, i + 2, "$$", &u->no_ddollar);
  if (u->no_dollar || i + 1 >= u->end || is_ws(t[i + 1])) return 0;
  for (size_t j = i + 2; j < u->end; j++) {
    if (t[j] == '\\') {
      j++;
      continue;
    }
    if (t[j] == '$' && !is_ws(t[j - 1]) && !(j + 1 < u->end && is_digit(t[j + 1]))) return j + 1;
  }
  u->no_dollar = 1;
  return 0;
}

static size_t skip_html_ws(const unit *u, size_t i) {
  while (i < u->end && is_ws(u->t[i])) i++;
  return i;
}

/* An open tag per CommonMark: <name (attr (= value)?)* /?>; returns the end or 0. */
static size_t open_tag_end(const unit *u, size_t i) {
  const char *t = u->t;
  size_t j = i + 1;
  if (j >= u->end || !is_alpha(t[j])) return 0;
  while (j < u->end && (is_alnum(t[j]) || t[j] == '-')) j++;
  for (;;) {
    size_t k = skip_html_ws(u, j);
    if (k >= u->end) return 0;
    if (t[k] == '>') return k + 1;
    if (t[k] == '/') return k + 1 < u->end && t[k + 1] == '>' ? k + 2 : 0;
    if (k == j) return 0; /* attributes need whitespace before them */
    if (!(is_alpha(t[k]) || t[k] == '_' || t[k] == ':')) return 0;
    while (k < u->end && (is_alnum(t[k]) || strchr("_.:-", t[k]) != NULL)) k++;
    j = k;
    k = skip_html_ws(u, k);
    if (k < u->end && t[k] == '=') {
      k = skip_html_ws(u, k + 1);
      if (k >= u->end) return 0;
      if (t[k] == '"' || t[k] == '\'') {
        const char *q = memchr(t + k + 1, t[k], u->end - k - 1);
        if (q == NULL) return 0;
        k = (size_t)(q - t) + 1;
      } else {
        size_t v = k;
        while (k < u->end && !is_ws(t[k]) && strchr("\"'=<>`", t[k]) == NULL) k++;
        if (k == v) return 0;
      }
      j = k;
    }
  }
}

/* Autolinks (<scheme:...>, <a@b.c>) and raw HTML; returns the end or 0. */
static size_t angle_end(unit *u, size_t i) {
  const char *t = u->t;
  size_t j = i + 1;
  if (j >= u->end) return 0;
  if (is_alpha(t[j])) {
    size_t k = j;
    while (k < u->end && (is_alnum(t[k]) || t[k] == '+' || t[k] == '.' || t[k] == '-')) k++;
    if (k < u->end && t[k] == ':' && k - j >= 2 && k - j <= 32) {
      for (k++; k < u->end && t[k] != '>'; k++)
        if ((unsigned char)t[k] <= ' ' || t[k] == '<') return 0;
      return k < u->end ? k + 1 : 0;
    }
  }
  if (is_alnum(t[j]) || t[j] == '.' || t[j] == '_' || t[j] == '-' || t[j] == '+') {
    size_t k = j, at = 0;
    while (k < u->end && (is_alnum(t[k]) || strchr(".!#$%&'*+/=?^_`{|}~-@", t[k]) != NULL)) {
      if (t[k] == '@') at = k;
      k++;
    }
    if (at > j && k < u->end && t[k] == '>') return k + 1;
  }
  if (t[j] == '/') {
    size_t k = j + 1;
    if (k >= u->end || !is_alpha(t[k])) return 0;
    while (k < u->end && (is_alnum(t[k]) || t[k] == '-')) k++;
    k = skip_html_ws(u, k);
    return k < u->end && t[k] == '>' ? k + 1 : 0;
  }
  if (t[j] == '?') return find_after(u, j + 1, "?>", &u->no_pi);
  if (t[j] == '!') {
    if (u->end - j >= 3 && t[j + 1] == '-' && t[j + 2] == '-')
      return find_after(u, j + 3, "-->", &u->no_comment);
    if (u->end - j >= 8 && memcmp(t + j, "![CDATA[", 8) == 0)
      return find_after(u, j + 8, "]]>", &u->no_cdata);
    if (j + 1 < u->end && is_alpha(t[j + 1])) return find_after(u, j + 1, ">", &u->no_decl);
    return 0;
  }
  return open_tag_end(u, i);
}

static int exclude(unit *u, size_t a, size_t b) {
  span *sp = push(u, &u->s->excluded, sizeof(span));
  if (sp == NULL) return -1;
  sp->a = a;
  sp->b = b;
  return 0;
}

/* First pass: the spans that are not markdown text, leftmost first. Wikilinks are stepped over
 * whole so a backtick inside one opens nothing, as the second pass reads them the same way. */
/* Bytes that may start something in the first pass and in the second; the passes step over
 * all other bytes (nl_bytes_skip_to), which is most of the time they take. */
#define PASS1_BYTES(X) X('\\') X('[') X('`') X('$') X('<') X('%')
#define PASS2_BYTES(X) X('\\') X('!') X('[') X(']') X('#') X('@') X('^')
#define AS_INDEX(c) [c] = 1,
#define AS_CHAR(c) c,
static const unsigned char pass1_byte[256] = {PASS1_BYTES(AS_INDEX)},
                           pass2_byte[256] = {PASS2_BYTES(AS_INDEX)};
static const char pass1_set[] = {PASS1_BYTES(AS_CHAR)}, pass2_set[] = {PASS2_BYTES(AS_CHAR)};

static void mark_excluded(unit *u) {
  const char *t = u->t;
  size_t i = u->start;
  while (i < u->end && !u->s->oom) {
    size_t k = 0;
    i = nl_bytes_skip_to(t, i, u->end, pass1_byte, pass1_set, sizeof pass1_set);
    if (i == u->end) break;
    switch (t[i]) {
      case '\\':
        i += i + 1 < u->end && is_punct(t[i + 1]) ? 2 : 1;
        continue;
      case '[':
        if (i + 1 < u->end && t[i + 1] == '[' && (k = wikilink_end(u, i)) != 0) {
          i = k;
          continue;
        }
        i++;
        continue;
      case '`': {
        size_t r = i;
        while (r < u->end && t[r] == '`') r++;
        k = code_span_end(u, r, r - i);
        if (k == 0) {
          i = r;
          continue;
        }
        nl_brange *c = push(u, &u->s->code, sizeof(nl_brange));
        if (c != NULL) *c = range_of(u, i, k);
        break;
      }
      case '$':
        k = math_end(u, i);
        break;
      case '<':
        k = angle_end(u, i);
        break;
      case '%':
        /* An Obsidian comment, "%%...%%": hidden in reading view, so nothing in it counts. */
        k = i + 1 < u->end && t[i + 1] == '%' ? find_after(u, i + 2, "%%", &u->no_percent) : 0;
        break;
      default:
        i++;
        continue;
    }
    if (k == 0) {
      i++;
      continue;
    }
    exclude(u, i, k);
    i = k;
  }
}

static int at_word_start(const unit *u, size_t i) {
  if (i == u->start) return 1;
  char p = u->t[i - 1];
  if (is_ws(p) || p == '(') return 1;
  if ((unsigned char)p < 0x80) return 0;
  /* Any Unicode space counts: "a\u00A0#proposed" is tagged as "a #proposed" is. */
  size_t k = i - 1;
  while (k > u->start && i - k < 4 && ((unsigned char)u->t[k] & 0xC0) == 0x80) k--;
  uint32_t cp;
  size_t n = nl_utf8_next(u->t + k, i - k, &cp);
  return n == i - k && nl_unicode_is_space(cp);
}

/* The end of a run of word characters (plus ASCII `extra`) from i. */
static size_t word_end(const unit *u, size_t i, const char *extra) {
  while (i < u->end) {
    unsigned char c = (unsigned char)u->t[i];
    if (c < 0x80) {
      if (!is_alnum((char)c) && (c == 0 || strchr(extra, c) == NULL)) break;
      i++;
      continue;
    }
    uint32_t cp;
    size_t n = nl_utf8_next(u->t + i, u->end - i, &cp);
    if (!nl_unicode_is_word_cp(cp)) break;
    i += n;
  }
  return i;
}

static void trim(const char *t, size_t *a, size_t *b) {
  while (*a < *b && is_blank(t[*a])) (*a)++;
  while (*b > *a && is_blank(t[*b - 1])) (*b)--;
}

/* Inserts the link keeping the array sorted by start: a markdown link is found at its "](",
 * after the wikilinks inside its text. */
static nl_link *push_link(unit *u, nl_bpos start) {
  nl_vec *v = &u->s->links;
  if (push(u, v, sizeof(nl_link)) == NULL) return NULL;
  nl_link *links = v->items;
  size_t at = v->n - 1;
  while (at > 0 && (nl_link_range(&links[at - 1]).start.line > start.line ||
                    (nl_link_range(&links[at - 1]).start.line == start.line &&
                     nl_link_range(&links[at - 1]).start.col > start.col)))
    at--;
  memmove(&links[at + 1], &links[at], (v->n - 1 - at) * sizeof(nl_link));
  memset(&links[at], 0, sizeof(nl_link));
  return &links[at];
}

/* Splits target#fragment of [a, b) into the link; the fragment may be a ^block. */
static void split_fragment(unit *u, nl_link *l, size_t a, size_t b, int decode);

/* The link's record of what few links have, made on first use (an nl_link_spread, its fields
 * kept, with `spread`: for a link not on its target's line); NULL when out of memory. */
static nl_link_more *more_of(unit *u, nl_link *l, int spread) {
  nl_link_more *m = (nl_link_more *)l->more; /* the parse's own until the note is handed out */
  if (m != NULL && l->spread >= spread) return m;
  size_t size = spread ? sizeof(nl_link_spread) : sizeof(nl_link_more);
  nl_link_more *to = nl_arena_alloc_of(u->s->arena, size, size);
  if (to == NULL) {
    u->s->oom = 1;
    return NULL;
  }
  *to = m != NULL ? *m : (nl_link_more){0}; /* a spread's range is set by set_range */
  l->more = to;
  l->spread = (uint8_t)spread;
  return to;
}

/* The whole link, [a, b), once split_fragment has set its line. */
static void set_range(unit *u, nl_link *l, size_t a, size_t b) {
  nl_brange r = range_of(u, a, b);
  l->cols = (nl_col_span){r.start.col, r.end.col};
  if ((r.start.line != l->line || r.end.line != l->line) && more_of(u, l, 1) != NULL)
    ((nl_link_spread *)(void *)l->more)->range = r;
}

static void emit_wikilink(unit *u, size_t i, size_t end, int embed) {
  const char *t = u->t;
  size_t open = embed ? i - 1 : i;
  size_t cs = i + 2, ce = end - 2, pe = ce, as = ce;
  for (size_t j = cs; j < ce; j++) {
    if (t[j] == '|') {
      /* In a table the pipe is written "\|"; the backslash belongs to neither side. */
      pe = j > cs && t[j - 1] == '\\' ? j - 1 : j;
      as = j + 1;
      break;
    }
  }
  size_t ts = cs, te = pe;
  trim(t, &ts, &te);
  if (ts == te) return; /* "[[ ]]", "[[|x]]": nothing to link to */
  nl_link *l = push_link(u, pos_of(u, open));
  if (l == NULL) return;
  l->kind = embed ? NL_LINK_EMBED : NL_LINK_WIKI;
  split_fragment(u, l, ts, te, 0);
  if (as < ce) {
    size_t a = as, b = ce;
    trim(t, &a, &b);
    nl_link_more *m = more_of(u, l, 0);
    if (m != NULL) m->alias = dup(u, a, b);
  }
  set_range(u, l, open, end);
}

/* Percent-decodes and unescapes a markdown destination into the arena. */
static const char *decode(unit *u, size_t a, size_t b) {
  char *out = nl_arena_alloc_of(u->s->arena, b - a + 1, 1);
  if (out == NULL) {
    u->s->oom = 1;
    return NULL;
  }
  const char *t = u->t;
  size_t n = 0;
  for (size_t i = a; i < b; i++) {
    if (t[i] == '%' && i + 2 < b && nl_hex_value((unsigned char)t[i + 1]) >= 0 && nl_hex_value((unsigned char)t[i + 2]) >= 0) {
      out[n++] = (char)(nl_hex_value((unsigned char)t[i + 1]) * 16 + nl_hex_value((unsigned char)t[i + 2]));
      i += 2;
      continue;
    }
    if (t[i] == '\\' && i + 1 < b && is_punct(t[i + 1])) i++;
    out[n++] = t[i];
  }
  out[n] = '\0';
  nl_arena_shrink(u->s->arena, out, b - a + 1, n + 1);
  return out;
}

static void split_fragment(unit *u, nl_link *l, size_t a, size_t b, int decoded) {
  const char *t = u->t;
  const char *hash = memchr(t + a, '#', b - a);
  size_t te = hash != NULL ? (size_t)(hash - t) : b;
  size_t ta = a, tb = te;
  if (!decoded) trim(t, &ta, &tb);
  l->target = decoded ? decode(u, ta, tb) : dup(u, ta, tb);
  /* [a, b) holds no line end (see nl_link): every column below is on the line of ta. */
  nl_bpos at = pos_of(u, ta);
  l->line = at.line;
  l->target_cols = (nl_col_span){at.col, at.col + (uint32_t)(tb - ta)};
  nl_link_more *m = hash != NULL ? more_of(u, l, 0) : NULL;
  if (m == NULL) return;
  size_t fa = te + 1, fb = b;
  if (!decoded) trim(t, &fa, &fb);
  m->fragment_cols = (nl_col_span){at.col + (uint32_t)(fa - ta), at.col + (uint32_t)(fb - ta)};
  l->is_block = fa < fb && t[fa] == '^';
  m->fragment = decoded ? decode(u, fa + l->is_block, fb) : dup(u, fa + l->is_block, fb);
}

/* A markdown link's "(destination "title")" from the '(' at i; returns the offset after ')'
 * and the destination in [*da, *db), or 0. */
static size_t destination_end(const unit *u, size_t i, size_t *da, size_t *db) {
  const char *t = u->t;
  size_t p = skip_html_ws(u, i + 1);
  if (p >= u->end) return 0;
  if (t[p] == '<') {
    size_t q = p + 1;
    while (q < u->end && t[q] != '>' && t[q] != '<' && !is_eol(t[q])) q += t[q] == '\\' ? 2 : 1;
    if (q >= u->end || t[q] != '>') return 0;
    *da = p + 1, *db = q;
    p = q + 1;
  } else {
    size_t q = p;
    int depth = 0;
    while (q < u->end && (unsigned char)t[q] > ' ') {
      if (t[q] == '\\' && q + 1 < u->end && is_punct(t[q + 1])) {
        q += 2;
        continue;
      }
      if (t[q] == ')') {
        if (depth == 0) break;
        depth--;
      }
      if (t[q] == '(') depth++;
      q++;
    }
    if (depth > 0) return 0;
    *da = p, *db = q;
    p = q;
  }
  size_t w = skip_html_ws(u, p);
  if (w < u->end && w > p && (t[w] == '"' || t[w] == '\'' || t[w] == '(')) {
    char close = t[w] == '(' ? ')' : t[w];
    size_t q = w + 1;
    while (q < u->end && t[q] != close) q += t[q] == '\\' ? 2 : 1;
    if (q >= u->end) return 0;
    w = skip_html_ws(u, q + 1);
  }
  return w < u->end && t[w] == ')' ? w + 1 : 0;
}

static int has_scheme(const char *t, size_t a, size_t b) {
  size_t k = a;
  if (k >= b || !is_alpha(t[k])) return 0;
  while (k < b && (is_alnum(t[k]) || t[k] == '+' || t[k] == '.' || t[k] == '-')) k++;
  return k < b && t[k] == ':' && k - a >= 2 && k - a <= 32;
}

/* At the ']' of a bracket pair (opened at o) followed by '(' at i + 1; returns the offset after
 * the link's ')' (its destination is skipped), or 0 when it is no link. */
static size_t markdown_link(unit *u, size_t o, int image, size_t i) {
  size_t da, db;
  size_t end = destination_end(u, i + 1, &da, &db);
  if (end == 0) return 0;
  /* An image ("![alt](img/x.png)") is an embed, as Obsidian reads it: a link to its file. */
  if (has_scheme(u->t, da, db) || da == db) return end;
  const char *hash = memchr(u->t + da, '#', db - da);
  size_t pe = hash != NULL ? (size_t)(hash - u->t) : db;
  const char *path = decode(u, da, pe);
  /* A local destination is a link to a note (".md", or no extension as Obsidian writes
   * "[x](Filters)"), to a heading of this note ("#Heading"), or to an attachment. */
  if (path == NULL || (*path == '\0' && hash == NULL)) return end;
  nl_link *l = push_link(u, pos_of(u, o));
  if (l == NULL) return end;
  l->kind = NL_LINK_MARKDOWN;
  nl_link_more *m = more_of(u, l, 0);
  if (m != NULL) m->alias = dup(u, o + 1, i);
  split_fragment(u, l, da, db, 1);
  set_range(u, l, image ? o - 1 : o, end);
  return end;
}

static void emit_tag(unit *u, size_t i, size_t *next) {
  size_t e = word_end(u, i + 1, "_-/");
  int named = 0;
  for (size_t k = i + 1; k < e && !named; k++) named = !is_digit(u->t[k]) && u->t[k] != '-' && u->t[k] != '/';
  if (!named) return;
  nl_tag *tag = push(u, &u->s->tags, sizeof(nl_tag));
  if (tag == NULL) return;
  /* A note repeats its tags (#task on every task line): the same name is stored once. */
  const nl_tag *tags = u->s->tags.items;
  tag->name = NULL;
  for (size_t k = u->s->tags.n - 1, seen = 0; k-- > 0 && seen < 8 && !tag->name; seen++)
    if (tags[k].name != NULL && strlen(tags[k].name) == e - i - 1 &&
        memcmp(tags[k].name, u->t + i + 1, e - i - 1) == 0)
      tag->name = tags[k].name;
  if (tag->name == NULL) tag->name = dup(u, i + 1, e);
  nl_bpos at = pos_of(u, i); /* "#name" ends on its line, at col + e - i */
  tag->line = at.line;
  tag->col = at.col;
  *next = e;
}

/* Where a mention's tail stops: see nl_mention in note.h. */
static size_t tail_end(const unit *u, size_t i, size_t limit) {
  const char *t = u->t;
  for (; i < limit; i++) {
    char c = t[i];
    if (is_eol(c) || c == '@' || c == '`' || c == '\0' || strchr(",;()[]", c) != NULL) break;
    if (is_blank(c) && i + 1 < limit && t[i + 1] == '#') break;
    if ((unsigned char)c >= 0xE2 && nl_task_emoji(t + i, limit - i, NULL, NULL) > 0) break;
  }
  return i;
}

static void emit_mention(unit *u, size_t i, size_t limit) {
  const char *t = u->t;
  uint32_t cp;
  size_t n = nl_utf8_next(t + i + 1, u->end - i - 1, &cp);
  if (n == 0 || !(nl_unicode_is_word_cp(cp) || cp == '_')) return;
  size_t te = tail_end(u, i + 1, limit), ta = i + 1;
  trim(t, &ta, &te);
  nl_mention *m = push(u, &u->s->mentions, sizeof(nl_mention));
  if (m == NULL) return;
  m->tail = dup(u, i + 1, te);
  m->at = pos_of(u, i);
}

static void emit_block_id(unit *u, size_t i, size_t *next) {
  const char *t = u->t;
  size_t e = i + 1;
  while (e < u->end && (is_alnum(t[e]) || t[e] == '-')) e++;
  if (e == i + 1) return;
  size_t k = e;
  while (k < u->end && is_blank(t[k])) k++;
  if (k < u->end && !is_eol(t[k])) return;
  nl_block_id *b = push(u, &u->s->blocks, sizeof(nl_block_id));
  if (b == NULL) return;
  b->id = dup(u, i + 1, e);
  b->range = range_of(u, i, e);
  *next = e;
}

static void push_bracket(unit *u, size_t i, int image) {
  size_t *b = push(u, &u->s->brackets, sizeof(size_t));
  if (b == NULL) return;
  *b = i << 1 | (size_t)image;
}

/* Second pass: the elements, outside the excluded spans. */
static void find_elements(unit *u) {
  const char *t = u->t;
  const span *ex = u->s->excluded.items;
  size_t n_ex = u->s->excluded.n, k = 0, i = u->start, w;
  nl_vec *brackets = &u->s->brackets;
  brackets->n = 0;
  while (i < u->end && !u->s->oom) {
    if (k < n_ex && i >= ex[k].a) {
      if (i < ex[k].b) i = ex[k].b;
      k++;
      continue;
    }
    size_t limit = k < n_ex ? ex[k].a : u->end, next = i + 1;
    if (!pass2_byte[(unsigned char)t[i]]) {
      i = nl_bytes_skip_to(t, i, limit, pass2_byte, pass2_set, sizeof pass2_set);
      continue;
    }
    char c = t[i];
    switch (c) {
      case '\\':
        if (i + 1 < u->end && is_punct(t[i + 1])) next = i + 2;
        break;
      case '!':
        if (i + 1 < u->end && t[i + 1] == '[') {
          if (i + 2 < u->end && t[i + 2] == '[' && (w = wikilink_end(u, i + 1)) != 0) {
            emit_wikilink(u, i + 1, w, 1);
            next = w;
          } else {
            push_bracket(u, i + 1, 1);
            next = i + 2;
          }
        }
        break;
      case '[':
        if (i + 1 < u->end && t[i + 1] == '[' && (w = wikilink_end(u, i)) != 0) {
          emit_wikilink(u, i, w, 0);
          next = w;
        } else {
          push_bracket(u, i, 0);
        }
        break;
      case ']':
        if (brackets->n > 0) {
          size_t o = ((size_t *)brackets->items)[--brackets->n];
          if (i + 1 < u->end && t[i + 1] == '(' && (w = markdown_link(u, o >> 1, (int)(o & 1), i)))
            next = w;
        }
        break;
      case '#':
        if (at_word_start(u, i)) emit_tag(u, i, &next);
        break;
      case '@':
        if (at_word_start(u, i)) emit_mention(u, i, limit);
        break;
      case '^':
        if (at_word_start(u, i)) emit_block_id(u, i, &next);
        break;
      default:
        break;
    }
    i = next;
  }
}

int nl_scan_unit(nl_scan *s, size_t start, size_t end) {
  unit u = {.s = s, .t = s->lines->text, .start = start, .end = end};
  s->excluded.n = 0;
  if (++s->generation == 0) { /* wrapped: forget every remembered failure */
    if (s->fail != NULL) memset(s->fail, 0, s->fail_cap * sizeof(*s->fail));
    s->generation = 1;
  }
  mark_excluded(&u);
  u.wfail = 0; /* the first pass's memory holds only for openers after the one that failed */
  find_elements(&u);
  return s->oom ? -1 : 0;
}
