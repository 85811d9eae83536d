/* code_lens.c: textDocument/codeLens and codeLens/resolve.
 *   a person or account note: "3 open tasks · 1 overdue · 1 proposed · 2 meetings" above its
 *     title, resolved later (it reads the vault's references); clicking runs notes-lsp.showTasks
 *     with the notes-lsp.tasks filters of their tasks, which the editor shows as a list (the
 *     server answers the same as notes-lsp.tasks when a client sends it back);
 *   a note with proposed tasks: "2 proposed — accept all" above the first one, running
 *     notes-lsp.acceptAllProposedTasks.
 * Lenses sit at the start of a line, which needs no position conversion. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsp/features/features.h"
#include "lsp/features/nav_match.h"
#include "lsp/features/party.h"
#include "lsp/note/task.h"
#include "protocol/lsp_types.h"
#include "protocol/rpc.h"

#define LENS_PARTY "party"

/* The line a note's card lens goes on: its first heading, else the line after frontmatter. */
static uint32_t title_line(const nl_note *n) {
  if (n->n_headings > 0) return n->headings[0].line;
  return n->fm.present ? n->fm.last_line + 1 : 0;
}

static json_t *line_range(uint32_t line) { return nl_lsp_range_json(line, 0, line, 0); }

int nl_feature_code_lens(const nl_ctx *ctx, const json_t *params, json_t **result, char *err,
                         size_t err_size) {
  const char *uri = nl_lsp_get_uri(params, err, err_size);
  if (uri == NULL) return NL_RPC_INVALID_PARAMS;
  *result = json_array();
  const nl_entry *e = nl_ws_by_uri(ctx->ws, uri);
  if (e == NULL || e->note == NULL || *result == NULL) return 0;
  const nl_note *n = e->note;
  if (nl_party_is(e))
    json_array_append_new(*result, json_pack("{s:o, s:{s:s, s:s}}", "range",
                                             line_range(title_line(n)), "data", "kind",
                                             LENS_PARTY, "uri", uri));
  size_t proposed = 0;
  uint32_t first = 0;
  /* The tasks notes-lsp.acceptAllProposedTasks accepts. */
  const nl_task_settings *ts = &nl_ws_config(ctx->ws)->tasks;
  for (size_t i = 0; i < n->n_tasks; i++) {
    if (!nl_task_is_proposed(&n->tasks[i], ts)) continue;
    if (proposed++ == 0) first = n->tasks[i].line;
  }
  if (proposed > 0) {
    char title[64];
    snprintf(title, sizeof title, "%zu proposed \xE2\x80\x94 accept all", proposed);
    json_array_append_new(*result,
                          json_pack("{s:o, s:{s:s, s:s, s:[s]}}", "range", line_range(first),
                                    "command", "title", title, "command",
                                    "notes-lsp.acceptAllProposedTasks", "arguments", uri));
  }
  return 0;
}

static void count(char *buf, size_t size, size_t *len, size_t n, const char *one,
                  const char *many) {
  int w = snprintf(buf + *len, size - *len, "%s%zu %s", *len ? " \xC2\xB7 " : "", n,
                   n == 1 ? one : many);
  if (w > 0 && (size_t)w < size - *len) *len += (size_t)w;
}

/* The lens's command: the counts, and the filters that list the tasks counted. */
static json_t *party_command(const nl_ctx *ctx, const nl_entry *e) {
  nl_party p;
  if (nl_party_load(ctx->ws, e, ctx->today, &p) < 0) return NULL;
  char title[160];
  size_t len = 0;
  count(title, sizeof title, &len, p.tasks.n, "open task", "open tasks");
  if (p.n_overdue > 0) count(title, sizeof title, &len, p.n_overdue, "overdue", "overdue");
  if (p.n_proposed > 0) count(title, sizeof title, &len, p.n_proposed, "proposed", "proposed");
  count(title, sizeof title, &len, p.n_meetings, "meeting", "meetings");
  nl_party_free(&p);
  char *name = nl_nav_nfc(e->name, strlen(e->name));
  json_t *cmd = json_pack("{s:s, s:s, s:[{s:[s?]}]}", "title", title, "command", NL_CMD_SHOW_TASKS,
                          "arguments", e->kind == NL_KIND_PERSON ? "owner" : "account", name);
  free(name);
  return cmd;
}

int nl_feature_code_lens_resolve(const nl_ctx *ctx, const json_t *params, json_t **result,
                                 char *err, size_t err_size) {
  if (!json_is_object(params) || !json_is_object(json_object_get(params, "range"))) {
    snprintf(err, err_size, "params must be a CodeLens with a range");
    return NL_RPC_INVALID_PARAMS;
  }
  json_t *lens = json_deep_copy(params);
  if (lens == NULL) return NL_RPC_INTERNAL_ERROR;
  *result = lens;
  if (json_object_get(lens, "command") != NULL) return 0; /* resolved already */
  const json_t *data = json_object_get(params, "data");
  const char *kind = json_string_value(json_object_get(data, "kind"));
  const char *uri = json_string_value(json_object_get(data, "uri"));
  if (kind == NULL || uri == NULL || strcmp(kind, LENS_PARTY) != 0) {
    json_decref(lens);
    *result = NULL;
    snprintf(err, err_size, "params.data is not a notes-lsp code lens");
    return NL_RPC_INVALID_PARAMS;
  }
  const nl_entry *e = nl_ws_by_uri(ctx->ws, uri);
  json_t *cmd = nl_party_is(e) ? party_command(ctx, e)
                               : json_pack("{s:s, s:s}", "title", "no longer a person or account",
                                           "command", "");
  if (cmd != NULL) json_object_set_new(lens, "command", cmd);
  return 0;
}
