/* workspace_diagnostic.c: workspace/diagnostic, every note's problems for clients that list
 * the whole vault's (VS Code's Problems panel), not only the open notes'. A note's resultId is
 * a hash of its diagnostics; the engine runs again only for the notes whose state changed
 * (nl_feature_pull_diagnostics).
 *
 * What a pull answers, and why (LSP 3.17 "Workspace Diagnostics" and its implementation
 * considerations; vscode-languageclient's diagnostic.ts; Neovim's vim/lsp/diagnostic.lua):
 * - Only the notes whose report changed for this client: a note whose resultId is the one the
 *   client sent in previousResultIds is left out rather than answered `unchanged`. The spec
 *   does not ask for a report per document, and both clients apply a report per item and keep
 *   what they have of a document that is not mentioned (its diagnostics and its resultId, which
 *   they send again next time), so leaving it out loses nothing and saves one report per note
 *   per pull: at 100,000 unchanged notes that was seconds of JSON, sent every two seconds.
 * - A note with no problems is reported only to clear what the client holds of it (an empty
 *   `full` report with the no-problems resultId); the same for a note that left the vault, once.
 * - The request "can be long running", and clients that give a partialResultToken are the ones
 *   the spec expects to let a server keep it open ("if a server closes a workspace diagnostic
 *   pull request the client should re-trigger the request"; VS Code does, two seconds after
 *   each answer). So with a token and nothing new, the answer is NL_FEATURE_NOTHING_NEW and the
 *   server holds the request until a note's diagnostics may have changed (lsp/server/pull.c),
 *   rather than answer an empty report that the client asks again for two seconds later.
 *   Without a token (Neovim's vim.lsp.buf.workspace_diagnostics() asks once, on demand) the
 *   answer comes at once, empty when nothing changed.
 * - With a token the reports go out as $/progress in batches; once any batch went that way,
 *   every report does and the answer itself is empty, as the spec's partial results require
 *   ("the final response has to be empty in terms of result values"). The server runs such a
 *   pull in slices (nl_feature_ws_pull_step), so a first pull of 100,000 notes (seconds of
 *   diagnosis) neither keeps other requests waiting nor its own batches unsent until the end. */
#include <stdint.h>
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

struct nl_ws_pull {
  json_t *previous; /* uri -> the resultId the client holds; a note's goes once looked at */
  json_t *token;    /* partialResultToken (a reference), or NULL */
  nl_buf batch;     /* the reports of the batch being filled, JSON text after "{\"items\":[" */
  size_t n;         /* how many */
  nl_buf items;     /* one note's items, written for its report */
  int streamed;     /* a batch went out as $/progress */
  uint32_t next;    /* the id of the next entry to look at */
};

nl_ws_pull *nl_feature_ws_pull_new(const json_t *params, char *err, size_t err_size) {
  if (!json_is_object(params)) {
    snprintf(err, err_size, "params must be an object");
    return NULL;
  }
  nl_ws_pull *p = calloc(1, sizeof(*p));
  if (p == NULL) {
    snprintf(err, err_size, "out of memory");
    return NULL;
  }
  if ((p->previous = previous_ids(params, err, err_size)) == NULL) {
    nl_feature_ws_pull_free(p);
    return NULL;
  }
  json_t *token = json_object_get(params, "partialResultToken");
  if (json_is_string(token) || json_is_integer(token)) p->token = json_incref(token);
  return p;
}

void nl_feature_ws_pull_free(nl_ws_pull *p) {
  if (p == NULL) return;
  json_decref(p->previous);
  json_decref(p->token);
  nl_buf_free(&p->batch);
  nl_buf_free(&p->items);
  free(p);
}

int nl_feature_ws_pull_streams(const nl_ws_pull *p) { return p->token != NULL; }

/* The token partial results go to: none when the caller cannot send them. */
static const json_t *token_of(const nl_ws_pull *p, const nl_ctx *ctx) {
  return ctx->progress != NULL ? p->token : NULL;
}

/* Takes the batch's reports as the JSON text {"items":[...]} into b (which is emptied first);
 * the batch starts again empty. */
static void take_batch(nl_ws_pull *p, nl_buf *b) {
  nl_buf_clear(b);
  nl_buf_adds(b, "{\"items\":[");
  nl_buf_add(b, p->batch.s, p->batch.len);
  nl_buf_adds(b, "]}");
  b->oom |= p->batch.oom;
  nl_buf_clear(&p->batch);
  p->batch.oom = 0;
  p->n = 0;
}

/* Sends the batch as a partial result once it holds at_least reports. -1 when out of memory. */
static int flush(nl_ws_pull *p, const nl_ctx *ctx, size_t at_least) {
  const json_t *token = token_of(p, ctx);
  if (token == NULL || p->n < at_least) return 0;
  nl_buf value = NL_BUF_INIT;
  take_batch(p, &value);
  int oom = value.oom;
  if (!oom) ctx->progress(ctx, token, value.s, value.len);
  nl_buf_free(&value);
  p->streamed = 1;
  return oom ? -1 : 0;
}

/* Appends a report {"kind":"full","uri":...,"version":...,"resultId":...,"items":...} (the key
 * order of json_pack's) whose items are the JSON text items[0, n) and whose version is the
 * open document's, or null (doc NULL). */
static int add(nl_ws_pull *p, const nl_ctx *ctx, const char *uri, const nl_doc *doc,
               const char *id, const char *items, size_t n) {
  nl_buf *b = &p->batch;
  nl_buf_adds(b, p->n > 0 ? ",{\"kind\":\"full\",\"uri\":" : "{\"kind\":\"full\",\"uri\":");
  nl_ctx_string_text(b, uri);
  if (doc != NULL)
    nl_buf_addf(b, ",\"version\":%lld", (long long)doc->version);
  else
    nl_buf_adds(b, ",\"version\":null");
  nl_buf_adds(b, ",\"resultId\":");
  nl_ctx_string_text(b, id);
  nl_buf_adds(b, ",\"items\":");
  nl_buf_add(b, items, n);
  nl_buf_adds(b, "}");
  p->n++;
  if (b->oom) return -1;
  return flush(p, ctx, BATCH);
}


static int report(nl_ws_pull *p, const nl_ctx *ctx, nl_entry *e, const char *none) {
  const char *before = json_string_value(json_object_get(p->previous, e->uri));
  /* A note the client has no report of is as good as one it holds with no problems: a note
   * with none is left out, without running the engine when that is known already. */
  char id[17];
  int rc = nl_feature_pull_diagnostics(ctx, e, before != NULL ? before : none, id, &p->items);
  /* What is left in previous once every note was looked at has left the vault. */
  if (before != NULL) json_object_del(p->previous, e->uri);
  if (rc <= 0) return rc; /* out of memory, or the client has this very report */
  const nl_doc *doc = ctx->docs != NULL ? nl_docs_get(ctx->docs, e->uri) : NULL;
  return add(p, ctx, e->uri, doc, id, p->items.s, p->items.len);
}

/* A note the client knows that left the vault: its problems are gone. Said once: the
 * no-problems resultId it gets is what the client sends back, and that needs no report. */
static int gone(nl_ws_pull *p, const nl_ctx *ctx, const char *none) {
  const char *uri;
  json_t *v;
  json_object_foreach(p->previous, uri, v) {
    if (strcmp(json_string_value(v), none) == 0 || nl_ws_by_uri(ctx->ws, uri) != NULL) continue;
    if (add(p, ctx, uri, NULL, none, "[]", 2) < 0) return -1;
  }
  return 0;
}

int nl_feature_ws_pull_step(nl_ws_pull *p, const nl_ctx *ctx, size_t slice, json_t **result,
                            char *err, size_t err_size) {
  char none[17];
  nl_feature_no_problems_id(none);
  uint32_t limit = nl_ws_id_limit(ctx->ws);
  size_t runs = nl_feature_diagnose_runs(), looked = 0;
  for (; p->next < limit; p->next++) {
    /* A slice ends after `slice` diagnoses, or 64 times as many notes whose state held. */
    if (nl_feature_diagnose_runs() - runs >= slice || looked / 64 >= slice) return NL_FEATURE_MORE;
    nl_entry *e = nl_ws_get(ctx->ws, p->next);
    if (e == NULL || e->note == NULL || e->uri == NULL) continue;
    looked++;
    if (report(p, ctx, e, none) < 0) goto oom;
  }
  if (gone(p, ctx, none) < 0) goto oom;
  json_object_clear(p->previous);
  if (p->streamed && flush(p, ctx, 1) < 0) goto oom;
  if (token_of(p, ctx) != NULL && !p->streamed && p->n == 0) return NL_FEATURE_NOTHING_NEW;
  nl_buf answer = NL_BUF_INIT;
  take_batch(p, &answer);
  return nl_ctx_raw_result(&answer, result) == NL_CTX_RAW_RESULT ? NL_CTX_RAW_RESULT
                                                                  : NL_RPC_INTERNAL_ERROR;
oom:
  snprintf(err, err_size, "out of memory");
  return NL_RPC_INTERNAL_ERROR;
}

int nl_feature_workspace_diagnostic(const nl_ctx *ctx, const json_t *params, json_t **result,
                                    char *err, size_t err_size) {
  nl_ws_pull *p = nl_feature_ws_pull_new(params, err, err_size);
  if (p == NULL) return NL_RPC_INVALID_PARAMS;
  int rc = nl_feature_ws_pull_step(p, ctx, SIZE_MAX, result, err, err_size);
  nl_feature_ws_pull_free(p);
  return rc;
}

#define NEWS_MAX 64 /* changed notes looked at one by one; more: the request is asked again */

/* The client's resultId for uri in params.previousResultIds (borrowed), or NULL. A scan, not a
 * map: it runs for the few notes an edit changed, and building the map costs more. */
static const char *previous_of(const json_t *params, const char *uri) {
  size_t i;
  const json_t *p;
  json_array_foreach(json_object_get(params, "previousResultIds"), i, p) {
    const char *u = json_string_value(json_object_get(p, "uri"));
    if (u != NULL && strcmp(u, uri) == 0) return json_string_value(json_object_get(p, "value"));
  }
  return NULL;
}

int nl_feature_workspace_diagnostic_news(const nl_ctx *ctx, const json_t *params, uint64_t seq,
                                         json_t **result) {
  *result = NULL;
  nl_entry *changed[NEWS_MAX];
  size_t n = 0;
  uint32_t limit = nl_ws_id_limit(ctx->ws);
  for (uint32_t id = 0; id < limit; id++) {
    nl_entry *e = nl_ws_get(ctx->ws, id);
    if (e == NULL || e->note == NULL || e->uri == NULL) continue;
    if (e->seq <= seq && e->diag_state != 0) continue; /* 0: it read a face that changed */
    if (n == NEWS_MAX) return -1;
    changed[n++] = e;
  }
  /* Every other note gives the client the report it holds (the pull found nothing new for
   * it), so these notes' reports, in the order of their ids, are what the whole pull would
   * answer: fewer than a batch, so in the answer itself. */
  char none[17];
  nl_feature_no_problems_id(none);
  nl_ws_pull p = {0};
  int rc = 0;
  for (size_t i = 0; i < n && rc == 0; i++) {
    const char *before = previous_of(params, changed[i]->uri);
    char id[17];
    rc = nl_feature_pull_diagnostics(ctx, changed[i], before != NULL ? before : none, id,
                                     &p.items);
    if (rc == 1) {
      const nl_doc *doc = ctx->docs != NULL ? nl_docs_get(ctx->docs, changed[i]->uri) : NULL;
      rc = add(&p, ctx, changed[i]->uri, doc, id, p.items.s, p.items.len) < 0 ? -1 : 0;
    }
  }
  if (rc == 0 && p.n > 0) {
    nl_buf answer = NL_BUF_INIT;
    take_batch(&p, &answer);
    rc = nl_ctx_raw_result(&answer, result) == NL_CTX_RAW_RESULT ? 1 : -1;
  }
  nl_buf_free(&p.batch);
  nl_buf_free(&p.items);
  return rc;
}
