/* text.c: see text.h. */
#include "lsp/client/text.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lsp/base/error.h"
#include "lsp/base/file.h"

static size_t bom_of(const char *s, size_t len) {
  return len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

static void empty(nl_text *t) {
  memset(t, 0, sizeof *t);
  t->text = "";
  t->lines = &t->own_lines;
  t->ck = &t->ck_store;
  t->ck->line = UINT32_MAX;
}

/* ---- loading ----------------------------------------------------------------------------- */

void nl_text_of_doc(nl_text *t, const nl_doc *doc) {
  empty(t);
  t->text = doc->text;
  t->len = doc->len;
  t->bom = bom_of(doc->text, doc->len);
  t->open = 1;
  t->version = doc->version;
  t->lines = &doc->lines; /* the client sees the BOM: lines of the whole text */
}

int nl_text_of_bytes(nl_text *t, const char *s, size_t len) {
  empty(t);
  if (s == NULL) return nl_lines_init(&t->own_lines, "", 0);
  t->text = s;
  t->len = len;
  t->bom = bom_of(s, len);
  /* The client does not see a closed note's BOM: lines of what follows it. */
  if (nl_lines_init(&t->own_lines, s + t->bom, len - t->bom) < 0) {
    empty(t);
    nl_lines_init(&t->own_lines, "", 0); /* no allocation beyond the first: may still fail */
    return NL_ENOMEM;
  }
  return 0;
}

int nl_text_load(nl_text *t, nl_docs *docs, const nl_entry *e) {
  nl_doc *doc = (docs != NULL && e->uri != NULL) ? nl_docs_get(docs, e->uri) : NULL;
  if (doc != NULL) {
    nl_text_of_doc(t, doc);
    return 0;
  }
  char *bytes = NULL;
  size_t len = 0;
  char *real = NULL;
  int rc = nl_ws_entry_real(e, &real); /* never through a link that now leads out of the root */
  if (rc == 0) rc = nl_file_read(real, NL_FILE_NO_LIMIT, &bytes, &len);
  free(real);
  if (rc < 0) {
    nl_text_of_bytes(t, NULL, 0);
    return rc;
  }
  rc = nl_text_of_bytes(t, bytes, len);
  if (rc < 0) {
    free(bytes);
    return rc;
  }
  t->owned = bytes;
  return 0;
}

void nl_text_free(nl_text *t) {
  if (t == NULL) return;
  nl_lines_free(&t->own_lines);
  free(t->owned);
  free(t->ck->ck_byte);
  free(t->ck->ck_units);
  empty(t);
}

/* ---- reading ----------------------------------------------------------------------------- */

/* Bytes before the note's column 0 of `line` in the client's lines: the BOM on line 0 of an
 * open document. */
static size_t shift(const nl_text *t, uint32_t line) {
  return (line == 0 && t->open) ? t->bom : 0;
}

const char *nl_text_body(const nl_text *t, size_t *len) {
  *len = t->len - t->bom;
  return t->text + t->bom;
}

uint32_t nl_text_n_lines(const nl_text *t) {
  size_t n = t->lines->n_lines ? t->lines->n_lines : 1;
  return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

/* Line `line` as the client sees it: [*start, *end) of t->lines->text. 0, or -1 past the end. */
static int client_line(const nl_text *t, uint32_t line, size_t *start, size_t *end) {
  const nl_lines *l = t->lines;
  if (l->n_lines == 0 || line >= l->n_lines) return -1;
  *start = nl_lines_line_start(l, line);
  *end = nl_lines_line_end(l, line);
  return 0;
}

const char *nl_text_line(const nl_text *t, uint32_t line, size_t *len) {
  size_t a, b;
  *len = 0;
  if (client_line(t, line, &a, &b) < 0) return "";
  a += shift(t, line);
  if (a > b) a = b;
  *len = b - a;
  return t->lines->text + a;
}

/* ---- converting -------------------------------------------------------------------------- */

/* Builds the checkpoints of line s[0, len) in enc: ck_byte[k] is the first character boundary
 * at or after k * NL_TEXT_STRIDE and ck_units[k] the units before it. -1 when out of memory. */
static int build_checkpoints(nl_text_ck *c, uint32_t line, const char *s, size_t len,
                             nl_encoding enc) {
  size_t n = len / NL_TEXT_STRIDE + 1;
  size_t *bytes = realloc(c->ck_byte, n * sizeof *bytes);
  if (bytes != NULL) c->ck_byte = bytes;
  uint32_t *units = bytes ? realloc(c->ck_units, n * sizeof *units) : NULL;
  if (units != NULL) c->ck_units = units;
  if (bytes == NULL || units == NULL) {
    c->line = UINT32_MAX;
    return -1;
  }
  size_t pos = 0;
  uint64_t acc = 0;
  for (size_t k = 0; k < n; k++) {
    /* A byte that is not a continuation byte always starts a character. */
    size_t to = k * NL_TEXT_STRIDE;
    while (to < len && ((unsigned char)s[to] & 0xC0) == 0x80) to++;
    if (to > len) to = len;
    acc += nl_col_to_units(s + pos, len - pos, to - pos, enc);
    pos = to;
    c->ck_byte[k] = pos;
    c->ck_units[k] = acc > UINT32_MAX ? UINT32_MAX : (uint32_t)acc;
  }
  c->n = n;
  c->line = line;
  c->enc = enc;
  return 0;
}

/* Units of byte column col of line s[0, len) in enc, from the nearest checkpoint. */
static uint32_t units_of(nl_text_ck *c, uint32_t line, const char *s, size_t len, size_t col,
                         nl_encoding enc) {
  if (col > len) col = len;
  if (col < 2 * NL_TEXT_STRIDE) return nl_col_to_units(s, len, col, enc);
  if ((c->line != line || c->enc != enc) && build_checkpoints(c, line, s, len, enc) < 0)
    return nl_col_to_units(s, len, col, enc);
  size_t k = col / NL_TEXT_STRIDE;
  if (k >= c->n) k = c->n - 1;
  while (k > 0 && c->ck_byte[k] > col) k--;
  size_t from = c->ck_byte[k];
  uint64_t u = (uint64_t)c->ck_units[k] + nl_col_to_units(s + from, len - from, col - from, enc);
  return u > UINT32_MAX ? UINT32_MAX : (uint32_t)u;
}

void nl_text_units(const nl_text *t, nl_encoding enc, nl_bpos p, uint32_t *line,
                   uint32_t *character) {
  size_t a, b;
  *line = p.line;
  *character = 0;
  if (client_line(t, p.line, &a, &b) < 0) return;
  size_t col = (size_t)p.col + shift(t, p.line);
  *character = units_of(t->ck, p.line, t->lines->text + a, b - a, col, enc);
}

nl_bpos nl_text_bpos(const nl_text *t, nl_encoding enc, uint32_t line, uint32_t character) {
  nl_bpos p = {0, 0};
  const nl_lines *l = t->lines;
  if (l->n_lines == 0) return p;
  size_t off = nl_lines_offset(l, enc, line, character);
  size_t ln = nl_lines_line_of(l, off);
  size_t col = off - nl_lines_line_start(l, ln);
  size_t s = shift(t, (uint32_t)ln);
  p.line = (uint32_t)ln;
  p.col = (uint32_t)(col >= s ? col - s : 0);
  return p;
}
