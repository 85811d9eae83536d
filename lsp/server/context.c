#include "lsp/server/context.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/lsp_types.h"

static int has_bom(const char *s, size_t len) {
  return len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0;
}

/* The bytes of line `line` of the text of `e`: the open document's, else read from disk into
 * owned (freed by the caller). Returns 0 and sets s and len, or -1.
 * An open document's text may start with a BOM that the note's byte columns do not count;
 * *skip is the bytes to add to a column of line `line` (3 on line 0 of such a text). */
static int line_text(const nl_ctx *ctx, const nl_entry *e, uint32_t line, const char **s,
                     size_t *len, char **owned, size_t *skip) {
  *owned = NULL;
  *skip = 0;
  nl_doc *doc = ctx->docs != NULL ? nl_docs_get(ctx->docs, e->uri) : NULL;
  if (doc != NULL) {
    if (line >= doc->lines.n_lines) return -1;
    size_t start = nl_lines_line_start(&doc->lines, line);
    *s = doc->text + start;
    *len = nl_lines_line_end(&doc->lines, line) - start;
    if (line == 0 && has_bom(doc->text, doc->len)) *skip = 3;
    return 0;
  }
  FILE *f = fopen(e->abs, "rb");
  if (f == NULL) return -1;
  /* Lines end at \n, \r\n or \r, as for open documents; a BOM is not part of line 0. */
  size_t cap = 256, n = 0;
  char *buf = malloc(cap);
  uint32_t cur = 0;
  int c, first = 1;
  while (buf != NULL && (c = fgetc(f)) != EOF) {
    if (first && c == 0xEF) {
      int c2 = fgetc(f), c3 = c2 != EOF ? fgetc(f) : EOF;
      first = 0;
      if (c2 == 0xBB && c3 == 0xBF) continue;
      if (c3 != EOF) ungetc(c3, f);
      if (c2 != EOF && c3 == EOF) ungetc(c2, f);
      /* fall through with c: only rare garbage is mis-read here */
    }
    first = 0;
    if (c == '\n' || c == '\r') {
      if (c == '\r') {
        int d = fgetc(f);
        if (d != '\n' && d != EOF) ungetc(d, f);
      }
      if (cur == line) break;
      cur++;
      continue;
    }
    if (cur != line) continue;
    if (n + 1 >= cap) {
      char *nb = realloc(buf, cap *= 2);
      if (nb == NULL) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = nb;
    }
    buf[n++] = (char)c;
  }
  fclose(f);
  if (buf == NULL || cur < line) {
    free(buf);
    return -1;
  }
  *owned = buf;
  *s = buf;
  *len = n;
  return 0;
}

static void to_lsp(const nl_ctx *ctx, const nl_entry *e, nl_bpos p, uint32_t *line,
                   uint32_t *character) {
  const char *s;
  size_t len, skip;
  char *owned;
  *line = p.line;
  *character = p.col;
  if (line_text(ctx, e, p.line, &s, &len, &owned, &skip) == 0) {
    size_t col = p.col + skip < len ? p.col + skip : len;
    *character = nl_col_to_units(s, len, col, ctx->enc);
    free(owned);
  }
}

json_t *nl_ctx_position_json(const nl_ctx *ctx, const nl_entry *e, nl_bpos p) {
  uint32_t l, c;
  to_lsp(ctx, e, p, &l, &c);
  return nl_lsp_position_json(l, c);
}

json_t *nl_ctx_range_json(const nl_ctx *ctx, const nl_entry *e, nl_brange r) {
  uint32_t l1, c1, l2, c2;
  to_lsp(ctx, e, r.start, &l1, &c1);
  to_lsp(ctx, e, r.end, &l2, &c2);
  return nl_lsp_range_json(l1, c1, l2, c2);
}

json_t *nl_ctx_location_json(const nl_ctx *ctx, const nl_entry *e, nl_brange r) {
  return json_pack("{s:s,s:o}", "uri", e->uri, "range", nl_ctx_range_json(ctx, e, r));
}

nl_bpos nl_ctx_bpos(const nl_ctx *ctx, const nl_doc *doc, uint32_t line, uint32_t character) {
  size_t off = nl_lines_offset(&doc->lines, ctx->enc, line, character);
  size_t l = nl_lines_line_of(&doc->lines, off);
  size_t col = off - nl_lines_line_start(&doc->lines, l);
  if (l == 0 && has_bom(doc->text, doc->len)) col = col >= 3 ? col - 3 : 0;
  nl_bpos p = {(uint32_t)l, (uint32_t)col};
  return p;
}
