/* workspace_diagnostic.c: workspace/diagnostic, every note's problems for clients that list
 * the whole vault's (VS Code's Problems panel), not only the open notes'. A note's resultId is
 * a hash of its diagnostics, so a note whose problems did not change answers `unchanged` and
 * the client keeps what it shows; the engine runs again only for the notes whose state changed
 * (nl_feature_pull_diagnostics). Notes with no problems are reported only to clear what the
 * client has of them. With a partialResultToken, reports go out in batches as $/progress. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsp/features/features.h"
#include "protocol/lsp_types.h"
#include "protocol/rpc.h"

#define BATCH 500 /* reports per partial result */

/* previousResultIds: [{uri, value}] -> {uri: value}. NULL when malformed. */
static json_t *previous_ids(const json_t *params, char *err, size_t err_size) {
  json_t *map = json_object();
  const json_t *prev = json_object_get(params, "previousResultIds");
  if (prev == NULL || json_is_null(prev)) return map;
  if (!json_is_array(prev)) {
    json_decref(map);
    snprintf(err, err_size, "params.previousResultIds must be an array");
    return NULL;
  }
  size_t i;
  const json_t *p;
  json_array_foreach(prev, i, p) {
    const char *uri = json_string_value(json_object_get(p, "uri"));
    const char *value = json_string_value(json_object_get(p, "value"));
    if (uri == NULL || value == NULL) {
      json_decref(map);
      snprintf(err, err_size, "params.previousResultIds[%zu] must be {uri, value} strings", i);
      return NULL;
    }
    json_object_set_new(map, uri, json_string(value));
  }
  return map;
}

typedef struct {
  const nl_ctx *ctx;
  const json_t *token; /* partialResultToken or NULL */
  json_t *items;       /* the batch being filled */
} reports;

static void flush(reports *r) {
  if (r->token == NULL || json_array_size(r->items) < BATCH) return;
  r->ctx->progress(r->ctx, r->token, json_pack("{s:o}", "items", r->items));
  r->items = json_array();
}

static json_t *version_of(const nl_ctx *ctx, const nl_entry *e) {
  const nl_doc *doc = ctx->docs != NULL ? nl_docs_get(ctx->docs, e->uri) : NULL;
  return doc != NULL ? json_integer((json_int_t)doc->version) : json_null();
}

static int report(reports *r, nl_entry *e, const json_t *previous, const char *none) {
  const char *before = json_string_value(json_object_get(previous, e->uri));
  /* A note the client has no report of is as good as one it holds with no problems: a note
   * with none is left out, without running the engine when that is known already. */
  char id[17];
  json_t *items;
  if (nl_feature_pull_diagnostics(r->ctx, e, before != NULL ? before : none, id, &items) < 0)
    return -1;
  if (items == NULL && before == NULL) return 0;
  json_t *rep;
  if (items == NULL)
    rep = json_pack("{s:s, s:s, s:o, s:s}", "kind", "unchanged", "uri", e->uri, "version",
                    version_of(r->ctx, e), "resultId", id);
  else
    rep = json_pack("{s:s, s:s, s:o, s:s, s:o}", "kind", "full", "uri", e->uri, "version",
                    version_of(r->ctx, e), "resultId", id, "items", items);
  if (rep == NULL) return -1;
  json_array_append_new(r->items, rep);
  flush(r);
  return 0;
}

int nl_feature_workspace_diagnostic(const nl_ctx *ctx, const json_t *params, json_t **result,
                                    char *err, size_t err_size) {
  if (!json_is_object(params)) {
    snprintf(err, err_size, "params must be an object");
    return NL_RPC_INVALID_PARAMS;
  }
  json_t *previous = previous_ids(params, err, err_size);
  if (previous == NULL) return NL_RPC_INVALID_PARAMS;
  const json_t *token = json_object_get(params, "partialResultToken");
  if (!json_is_string(token) && !json_is_integer(token)) token = NULL;
  reports r = {ctx, ctx->progress != NULL ? token : NULL, json_array()};
  char none[17];
  nl_feature_no_problems_id(none);
  uint32_t limit = nl_ws_id_limit(ctx->ws);
  for (uint32_t id = 0; r.items != NULL && id < limit; id++) {
    nl_entry *e = nl_ws_get(ctx->ws, id);
    if (e != NULL && e->note != NULL && e->uri != NULL && report(&r, e, previous, none) < 0) {
      json_decref(r.items);
      r.items = NULL;
    }
  }
  /* A note the client knows that left the vault: its problems are gone. */
  const char *uri;
  json_t *v;
  json_object_foreach(previous, uri, v) {
    if (r.items == NULL || nl_ws_by_uri(ctx->ws, uri) != NULL) continue;
    json_array_append_new(r.items, json_pack("{s:s, s:s, s:n, s:[]}", "kind", "full", "uri", uri,
                                             "version", "items"));
  }
  json_decref(previous);
  if (r.items == NULL) return NL_RPC_INTERNAL_ERROR;
  *result = json_pack("{s:o}", "items", r.items);
  return 0;
}
