#include "lsp/client/context.h"

#include "lsp/note/columns.h"
#include "protocol/lsp_types.h"

/* Note positions p[0, n) in the client's units. An open note converts with its document's
 * text; a closed one with the columns its parse keeps (lsp/note/columns.h), and only a
 * position the parse does not know makes the file be read (once per call). */
static void to_lsp(const nl_ctx *ctx, const nl_entry *e, const nl_bpos *p, size_t n,
                   uint32_t *line, uint32_t *character) {
  nl_doc *doc = ctx->docs != NULL ? nl_docs_get(ctx->docs, e->uri) : NULL;
  nl_text t;
  int loaded = 0, ok = 0;
  if (doc != NULL) {
    nl_text_of_doc(&t, doc);
    loaded = ok = 1;
  }
  for (size_t i = 0; i < n; i++) {
    line[i] = p[i].line;
    character[i] = p[i].col;
    if (!loaded && e->note != NULL && nl_columns_units(e->note, ctx->enc, p[i], &character[i]) == 0)
      continue;
    if (!loaded) {
      ok = nl_text_load(&t, ctx->docs, e) == 0;
      loaded = 1;
    }
    if (ok) nl_text_units(&t, ctx->enc, p[i], &line[i], &character[i]);
  }
  if (loaded) nl_text_free(&t);
}

json_t *nl_ctx_position_json(const nl_ctx *ctx, const nl_entry *e, nl_bpos p) {
  uint32_t l, c;
  to_lsp(ctx, e, &p, 1, &l, &c);
  return nl_lsp_position_json(l, c);
}

json_t *nl_ctx_range_json(const nl_ctx *ctx, const nl_entry *e, nl_brange r) {
  nl_bpos p[2] = {r.start, r.end};
  uint32_t l[2], c[2];
  to_lsp(ctx, e, p, 2, l, c);
  return nl_lsp_range_json(l[0], c[0], l[1], c[1]);
}

json_t *nl_ctx_span_location_json(const nl_ctx *ctx, const nl_entry *e, nl_bpos start,
                                  uint32_t lead, const char *bytes, size_t n) {
  uint32_t l, c;
  to_lsp(ctx, e, &start, 1, &l, &c);
  uint64_t end = (uint64_t)c + lead + nl_col_to_units(bytes, n, n, ctx->enc);
  json_t *range = nl_lsp_range_json(l, c, l, end > UINT32_MAX ? UINT32_MAX : (uint32_t)end);
  return json_pack("{s:s,s:o}", "uri", e->uri, "range", range);
}

json_t *nl_ctx_text_range_json(const nl_ctx *ctx, const nl_text *t, nl_brange r) {
  uint32_t l1, c1, l2, c2;
  nl_text_units(t, ctx->enc, r.start, &l1, &c1);
  nl_text_units(t, ctx->enc, r.end, &l2, &c2);
  return nl_lsp_range_json(l1, c1, l2, c2);
}

json_t *nl_ctx_location_json(const nl_ctx *ctx, const nl_entry *e, nl_brange r) {
  return json_pack("{s:s,s:o}", "uri", e->uri, "range", nl_ctx_range_json(ctx, e, r));
}

nl_bpos nl_ctx_bpos(const nl_ctx *ctx, const nl_doc *doc, uint32_t line, uint32_t character) {
  nl_text t;
  nl_text_of_doc(&t, doc);
  return nl_text_bpos(&t, ctx->enc, line, character);
}
