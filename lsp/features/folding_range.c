/* folding_range.c: textDocument/foldingRange: the frontmatter, heading sections, code blocks,
 * list items and block quotes of the open note, as whole lines (every client folds lines). */
#include <stdlib.h>

#include "lsp/features/features.h"
#include "lsp/features/structure.h"
#include "protocol/lsp_types.h"
#include "protocol/rpc.h"

int nl_feature_folding_range(const nl_ctx *ctx, const json_t *params, json_t **result,
                             char *err, size_t err_size) {
  const char *uri = nl_lsp_get_uri(params, err, err_size);
  if (uri == NULL) return NL_RPC_INVALID_PARAMS;
  *result = json_array();
  nl_doc *doc = nl_docs_get(ctx->docs, uri);
  if (doc == NULL || *result == NULL) return 0;
  nl_structure st;
  if (nl_structure_of_doc(&st, doc, uri) == 0) {
    const nl_span *spans = st.spans.list.items;
    for (size_t i = 0; i < st.spans.list.n; i++) {
      const nl_span *s = &spans[i];
      if (s->last <= s->first) continue;
      if (i > 0 && s->first == spans[i - 1].first && s->last == spans[i - 1].last)
        continue; /* a section that is one list, say: one fold */
      json_array_append_new(*result, json_pack("{s:i,s:i,s:s}", "startLine", (int)s->first,
                                               "endLine", (int)s->last, "kind", "region"));
    }
  }
  nl_structure_free(&st);
  return 0;
}
