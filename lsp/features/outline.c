/* outline.c: textDocument/documentSymbol, the note's headings as an outline. A heading's
 * range is its whole section (to the line before the next heading of the same or a higher
 * level); its selection range is the heading line. Clients without hierarchical support get
 * the same headings flat, each with its parent's name as container. Kind String (15), as
 * VS Code's own markdown outline uses. */
#include <stdlib.h>
#include <string.h>

#include "lsp/features/features.h"
#include "protocol/lsp_types.h"
#include "protocol/rpc.h"

#define SYMBOL_STRING 15

/* The end of the section of heading i: the end of the line before the next heading of the
 * same or a higher level, or of the last line. */
static nl_bpos section_end(const nl_note *n, const nl_text *t, size_t i) {
  uint32_t last = nl_text_n_lines(t) - 1;
  for (size_t j = i + 1; j < n->n_headings; j++) {
    if (n->headings[j].level <= n->headings[i].level) {
      last = n->headings[j].line;
      if (last > n->headings[i].end_line) last--;
      break;
    }
  }
  size_t len;
  nl_text_line(t, last, &len);
  nl_bpos p = {last, (uint32_t)len};
  return p;
}

static json_t *symbol(const nl_ctx *ctx, const nl_entry *e, const nl_text *t, size_t i) {
  const nl_heading *h = &e->note->headings[i];
  nl_brange section = {{h->line, 0}, section_end(e->note, t, i)};
  return json_pack("{s:s,s:i,s:o,s:o}", "name", h->text[0] ? h->text : "(empty heading)",
                   "kind", SYMBOL_STRING, "range", nl_ctx_text_range_json(ctx, t, section),
                   "selectionRange", nl_ctx_text_range_json(ctx, t, nl_heading_range(h)));
}

/* Heading i and its subsections as DocumentSymbols into `into`; returns the next index. */
static size_t tree(const nl_ctx *ctx, const nl_entry *e, const nl_text *t, size_t i,
                   json_t *into) {
  const nl_note *n = e->note;
  json_t *s = symbol(ctx, e, t, i);
  json_t *children = json_array();
  size_t j = i + 1;
  while (j < n->n_headings && n->headings[j].level > n->headings[i].level)
    j = tree(ctx, e, t, j, children);
  if (json_array_size(children) > 0)
    json_object_set_new(s, "children", children);
  else
    json_decref(children);
  json_array_append_new(into, s);
  return j;
}

int nl_feature_document_symbol(const nl_ctx *ctx, const json_t *params, json_t **result,
                               char *err, size_t err_size) {
  const char *uri = nl_lsp_get_uri(params, err, err_size);
  if (uri == NULL) return NL_RPC_INVALID_PARAMS;
  *result = json_array();
  const nl_doc *doc = nl_docs_get(ctx->docs, uri);
  const nl_entry *e = nl_ws_by_uri(ctx->ws, uri);
  /* The index holds the open text (the server flushes edits before requests). */
  if (doc == NULL || e == NULL) return 0;
  const nl_note *n = e->note;
  nl_text t;
  nl_text_of_doc(&t, doc);
  if (ctx->caps->hierarchical_symbols) {
    for (size_t i = 0; i < n->n_headings;) i = tree(ctx, e, &t, i, *result);
    nl_text_free(&t);
    return 0;
  }
  for (size_t i = 0; i < n->n_headings; i++) {
    json_t *s = symbol(ctx, e, &t, i);
    json_t *loc = json_pack("{s:s,s:O}", "uri", e->uri, "range", json_object_get(s, "range"));
    json_object_del(s, "range");
    json_object_del(s, "selectionRange");
    json_object_set_new(s, "location", loc);
    for (size_t j = i; j-- > 0;) {
      if (n->headings[j].level < n->headings[i].level) {
        json_object_set_new(s, "containerName", json_string(n->headings[j].text));
        break;
      }
    }
    json_array_append_new(*result, s);
  }
  nl_text_free(&t);
  return 0;
}
