/* workspace_diagnostic.c: workspace/diagnostic, every note's problems for clients that list
 * the whole vault's (VS Code's Problems panel), not only the open notes'. A note's resultId is
 * a hash of its diagnostics, so a note whose problems did not change answers `unchanged` and
 * the client keeps what it shows. Notes with no problems are reported only to clear what the
 * client has of them. With a partialResultToken, reports go out in batches as $/progress. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsp/features/features.h"
#include "protocol/lsp_types.h"
#include "protocol/rpc.h"

#define BATCH 500 /* reports per partial result */

void nl_feature_result_id(const json_t *items, char out[17]) {
  char *s = json_dumps(items, JSON_COMPACT | JSON_SORT_KEYS);
  uint64_t h = 1469598103934665603ull; /* FNV-1a */
  for (const char *p = s != NULL ? s : ""; *p != '\0'; p++) {
    h ^= (unsigned char)*p;
    h *= 1099511628211ull;
  }
  free(s);
  snprintf(out, 17, "%016llx", (unsigned long long)h);
}

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

static void report(reports *r, const nl_entry *e, const json_t *previous) {
  json_t *items = nl_feature_diagnostics_json(r->ctx, e);
  if (items == NULL) return;
  const char *before = json_string_value(json_object_get(previous, e->uri));
  if (json_array_size(items) == 0 && before == NULL) { /* nothing to show or to clear */
    json_decref(items);
    return;
  }
  char id[17];
  nl_feature_result_id(items, id);
  json_t *rep;
  if (before != NULL && strcmp(before, id) == 0) {
    json_decref(items);
    rep = json_pack("{s:s, s:s, s:o, s:s}", "kind", "unchanged", "uri", e->uri, "version",
                    version_of(r->ctx, e), "resultId", id);
  } else {
    rep = json_pack("{s:s, s:s, s:o, s:s, s:o}", "kind", "full", "uri", e->uri, "version",
                    version_of(r->ctx, e), "resultId", id, "items", items);
  }
  if (rep != NULL) json_array_append_new(r->items, rep);
  flush(r);
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
  uint32_t limit = nl_ws_id_limit(ctx->ws);
  for (uint32_t id = 0; r.items != NULL && id < limit; id++) {
    const nl_entry *e = nl_ws_get(ctx->ws, id);
    if (e != NULL && e->note != NULL && e->uri != NULL) report(&r, e, previous);
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
