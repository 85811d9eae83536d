/* inlay_hint.c: textDocument/inlayHint, the distance of a task's due, scheduled and start
 * dates from today after each date: "in 3 days", "tomorrow", "today", "2 days overdue". Done
 * and cancelled tasks get none (their dates are history). The server asks the client to
 * refresh them at midnight. */
#include <stdio.h>

#include "lsp/features/features.h"
#include "lsp/features/task_query.h"
#include "lsp/client/text.h"
#include "protocol/lsp_types.h"
#include "protocol/rpc.h"

static const struct {
  int field;
  const char *name;
} hinted[] = {{NL_DATE_DUE, "due"}, {NL_DATE_SCHEDULED, "scheduled"}, {NL_DATE_START, "starts"}};

static json_t *hint(const nl_ctx *ctx, const nl_task_settings *ts, const nl_text *t,
                    const nl_task *task, int field, const char *name) {
  const nl_task_date *d = nl_task_date_of(task, field);
  if (!d->present || !d->valid) return NULL;
  int overdue = field == NL_DATE_DUE && nl_tq_task_overdue(task, ts, ctx->today);
  char label[48], day[16], tip[96];
  nl_tq_relative(d->days, ctx->today, overdue, label, sizeof label);
  nl_date_format(d->days, day);
  snprintf(tip, sizeof tip, "%s %s", name, day);
  uint32_t line, character;
  nl_text_units(t, ctx->enc, nl_task_date_value(task, d).end, &line, &character);
  return json_pack("{s:o, s:s, s:s, s:b}", "position", nl_lsp_position_json(line, character),
                   "label", label, "tooltip", tip, "paddingLeft", 1);
}

int nl_feature_inlay_hint(const nl_ctx *ctx, const json_t *params, json_t **result, char *err,
                          size_t err_size) {
  const char *uri;
  uint32_t l1, c1, l2, c2;
  int rc = nl_lsp_get_uri_range(params, &uri, &l1, &c1, &l2, &c2, err, err_size);
  if (rc != 0) return rc;
  *result = json_array();
  const nl_entry *e = nl_ws_by_uri(ctx->ws, uri);
  if (e == NULL || e->note == NULL || *result == NULL) return 0;
  const nl_note *n = e->note;
  const nl_task_settings *ts = &nl_ws_config(ctx->ws)->tasks;
  nl_text t;
  int loaded = 0;
  for (size_t i = 0; i < n->n_tasks; i++) {
    const nl_task *task = &n->tasks[i];
    if (task->line < l1 || task->line > l2) continue;
    nl_tq_status s = nl_tq_task_status(task, ts);
    if (s != NL_TQ_PROPOSED && s != NL_TQ_TODO && s != NL_TQ_IN_PROGRESS) continue;
    for (size_t k = 0; k < sizeof hinted / sizeof hinted[0]; k++) {
      const nl_task_date *d = nl_task_date_of(task, hinted[k].field);
      if (!d->present || !d->valid) continue;
      if (!loaded) {
        nl_text_load(&t, ctx->docs, e); /* unreadable: byte columns */
        loaded = 1;
      }
      json_t *h = hint(ctx, ts, &t, task, hinted[k].field, hinted[k].name);
      if (h != NULL) json_array_append_new(*result, h);
    }
  }
  if (loaded) nl_text_free(&t);
  return 0;
}
