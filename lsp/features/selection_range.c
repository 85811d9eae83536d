/* selection_range.c: textDocument/selectionRange: from the cursor outwards, the link target,
 * the link (or mention, tag, frontmatter value), the line's text, the list items, code block,
 * block quote and heading sections around it, the frontmatter, and the whole note. */
#include <stdlib.h>
#include <string.h>

#include "lsp/features/features.h"
#include "lsp/features/locate.h"
#include "lsp/features/structure.h"
#include "protocol/lsp_types.h"
#include "protocol/rpc.h"

#define MAX_LEVELS 64

typedef struct {
  nl_brange r[MAX_LEVELS];
  size_t n;
} chain;

static int contains(nl_brange outer, nl_brange inner) {
  int start = outer.start.line < inner.start.line ||
              (outer.start.line == inner.start.line && outer.start.col <= inner.start.col);
  int end = outer.end.line > inner.end.line ||
            (outer.end.line == inner.end.line && outer.end.col >= inner.end.col);
  return start && end;
}

static int same(nl_brange a, nl_brange b) { return contains(a, b) && contains(b, a); }

/* Adds r outside the last range when it contains it and is larger; innermost first. */
static void add(chain *c, nl_brange r) {
  if (c->n == MAX_LEVELS) return;
  if (c->n > 0 && (!contains(r, c->r[c->n - 1]) || same(r, c->r[c->n - 1]))) return;
  c->r[c->n++] = r;
}

static nl_brange lines_range(const nl_text *t, uint32_t first, uint32_t last) {
  size_t len;
  nl_text_line(t, last, &len);
  nl_brange r = {{first, 0}, {last, (uint32_t)len}};
  return r;
}

/* The element at pos; a mention's extent is the person's name in the note's own vault (self,
 * its entry, may be NULL: every folder's). */
static void element(const nl_ctx *ctx, const nl_entry *self, const nl_note *note, nl_bpos pos,
                    chain *c) {
  nl_loc loc;
  if (nl_locate(ctx->ws, self, note, pos, &loc) == NL_LOC_NONE) return;
  if (loc.kind == NL_LOC_LINK) {
    const nl_link *l = &note->links[loc.index];
    if (nl_brange_contains(nl_link_target_range(l), pos, 1)) add(c, nl_link_target_range(l));
    if (nl_brange_contains(nl_link_fragment_range(l), pos, 1)) add(c, nl_link_fragment_range(l));
  }
  add(c, loc.range);
}

static json_t *to_json(const nl_ctx *ctx, const nl_text *t, const chain *c) {
  json_t *parent = NULL;
  for (size_t i = c->n; i-- > 0;) {
    uint32_t l1, c1, l2, c2;
    nl_text_units(t, ctx->enc, c->r[i].start, &l1, &c1);
    nl_text_units(t, ctx->enc, c->r[i].end, &l2, &c2);
    json_t *sr = json_pack("{s:o}", "range", nl_lsp_range_json(l1, c1, l2, c2));
    if (sr != NULL && parent != NULL) json_object_set_new(sr, "parent", parent);
    else json_decref(parent);
    parent = sr;
  }
  return parent;
}

int nl_feature_selection_range(const nl_ctx *ctx, const json_t *params, json_t **result,
                               char *err, size_t err_size) {
  const char *uri = nl_lsp_get_uri(params, err, err_size);
  if (uri == NULL) return NL_RPC_INVALID_PARAMS;
  const json_t *positions = json_object_get(params, "positions");
  if (!json_is_array(positions)) {
    snprintf(err, err_size, "positions must be an array");
    return NL_RPC_INVALID_PARAMS;
  }
  nl_doc *doc = nl_docs_get(ctx->docs, uri);
  if (doc == NULL) {
    *result = json_null();
    return 0;
  }
  nl_structure st;
  if (nl_structure_of_doc(&st, doc, uri) != 0) {
    nl_structure_free(&st);
    snprintf(err, err_size, "out of memory");
    return NL_RPC_INTERNAL_ERROR;
  }
  *result = json_array();
  const nl_entry *self = nl_ws_by_uri(ctx->ws, uri);
  uint32_t n_lines = nl_text_n_lines(&st.text);
  size_t i;
  const json_t *p;
  json_array_foreach(positions, i, p) {
    int64_t line = json_integer_value(json_object_get(p, "line"));
    int64_t character = json_integer_value(json_object_get(p, "character"));
    if (!json_is_integer(json_object_get(p, "line")) || line < 0 || character < 0) {
      json_decref(*result);
      *result = NULL;
      snprintf(err, err_size, "positions[%zu] must be a Position", i);
      break;
    }
    nl_bpos pos = nl_text_bpos(&st.text, ctx->enc, (uint32_t)line, (uint32_t)character);
    chain c = {.n = 0};
    element(ctx, self, st.note, pos, &c);
    size_t ll;
    const char *s = nl_text_line(&st.text, pos.line, &ll);
    size_t a = 0, b = ll;
    while (a < b && (s[a] == ' ' || s[a] == '\t')) a++;
    while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t')) b--;
    add(&c, (nl_brange){{pos.line, (uint32_t)a}, {pos.line, (uint32_t)b}});
    add(&c, lines_range(&st.text, pos.line, pos.line));
    /* Spans are sorted outermost first among those starting together: walk them innermost
     * first by taking the enclosing spans from the last to the first. */
    const nl_span *spans = st.spans.list.items;
    for (size_t k = st.spans.list.n; k-- > 0;) {
      const nl_span *sp = &spans[k];
      if (sp->first <= pos.line && pos.line <= sp->last) add(&c, lines_range(&st.text, sp->first, sp->last));
    }
    add(&c, lines_range(&st.text, 0, n_lines - 1));
    json_array_append_new(*result, to_json(ctx, &st.text, &c));
  }
  nl_structure_free(&st);
  return *result != NULL ? 0 : NL_RPC_INVALID_PARAMS;
}
