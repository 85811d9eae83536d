/* document_link.c: textDocument/documentLink: every link of the open note whose target is a
 * file: a note the index resolves (at the heading or block it names: "#L<line>", which VS Code
 * and others open at that line), or an attachment of the vault (lsp/index/attachments.c). The
 * range is the link's target text, as other markdown servers do. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsp/features/features.h"
#include "lsp/features/nav_util.h"
#include "protocol/lsp_types.h"
#include "protocol/rpc.h"

/* The note's line the link lands on (0: the top). */
static uint32_t landing_line(const nl_entry *to, const nl_link *l) {
  if (nl_link_block(l) != NULL) {
    const nl_block_id *b = nl_nav_find_block(to->note, nl_link_block(l));
    return b ? b->range.start.line : 0;
  }
  const char *heading = nl_link_heading(l);
  const nl_heading *h = heading ? nl_nav_find_heading(to->note, heading) : NULL;
  return h ? h->line : 0;
}

static json_t *link_json(const nl_ctx *ctx, const nl_text *t, nl_brange r, const char *target,
                         const char *tooltip) {
  uint32_t l1, c1, l2, c2;
  nl_text_units(t, ctx->enc, r.start, &l1, &c1);
  nl_text_units(t, ctx->enc, r.end, &l2, &c2);
  return json_pack("{s:o,s:s,s:s}", "range", nl_lsp_range_json(l1, c1, l2, c2), "target",
                   target, "tooltip", tooltip);
}

int nl_feature_document_link(const nl_ctx *ctx, const json_t *params, json_t **result,
                             char *err, size_t err_size) {
  const char *uri = nl_lsp_get_uri(params, err, err_size);
  if (uri == NULL) return NL_RPC_INVALID_PARAMS;
  *result = json_array();
  nl_doc *doc = nl_docs_get(ctx->docs, uri);
  nl_entry *self = nl_ws_by_uri(ctx->ws, uri);
  if (doc == NULL || self == NULL || *result == NULL) return 0;
  nl_text t;
  nl_text_of_doc(&t, doc);
  const nl_note *note = self->note; /* the server flushes edits before requests */
  for (size_t i = 0; i < note->n_links; i++) {
    const nl_link *l = &note->links[i];
    if (*l->target == '\0' || l->target_cols.b <= l->target_cols.a) continue;
    const nl_entry *to = nl_ws_resolve(ctx->ws, self, l->target,
                                       strlen(l->target), NULL);
    json_t *link = NULL;
    if (to != NULL) {
      char *target = malloc(strlen(to->uri) + 16);
      if (target == NULL) continue;
      uint32_t line = landing_line(to, l);
      if (line > 0) sprintf(target, "%s#L%u", to->uri, line + 1);
      else strcpy(target, to->uri);
      link = link_json(ctx, &t, nl_link_target_range(l), target, to->rel);
      free(target);
    } else {
      const char *abs = nl_ws_resolve_attachment(ctx->ws, self, l->target, strlen(l->target));
      char *target = abs ? nl_path_to_uri(abs) : NULL;
      if (target != NULL) link = link_json(ctx, &t, nl_link_target_range(l), target, l->target);
      free(target);
    }
    if (link != NULL) json_array_append_new(*result, link);
  }
  nl_text_free(&t);
  return 0;
}
