/* task_rows.c: the index's task table (workspace.h, nl_ws_tasks). One 16-byte row per task of
 * every note, an entry's rows contiguous, so that the vault task query filters 465,000 tasks
 * (a 100,000-note vault) by status, due date and priority reading 7 MB in order, instead of
 * a few hundred bytes of each task scattered over every note's arena. A note's rows are marked
 * dead when it changes or leaves and appended again from its new parse; the table drops its
 * dead rows once they are half of it, as the name table does. */
#include "lsp/index/workspace_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsp/base/error.h"

struct nl_task_rows {
  nl_ws_task *rows;
  size_t n, cap, dead;
  nl_wsi_spans at; /* each entry's rows */
};

void nl_wsi_task_rows_free(struct nl_task_rows *t) {
  if (t == NULL) return;
  free(t->rows);
  nl_wsi_spans_free(&t->at);
  free(t);
}

static void compact(struct nl_task_rows *t) {
  if (t->dead < 4096 || t->dead * 2 < t->n) return;
  size_t j = 0;
  for (size_t i = 0; i < t->n; i++) {
    nl_ws_task r = t->rows[i];
    if (r.dead) continue;
    /* An entry's rows are contiguous, so its first row moves to the first copy. */
    if (j == 0 || t->rows[j - 1].id != r.id) t->at.first[r.id] = (uint32_t)j;
    t->rows[j++] = r;
  }
  t->n = j;
  t->dead = 0;
}

int nl_wsi_spans_grow(nl_wsi_spans *s, uint32_t id) {
  if (id < s->ids) return 0;
  uint32_t cap = s->ids ? s->ids : 1024;
  while (cap <= id) cap *= 2;
  uint32_t *first = realloc(s->first, cap * sizeof *first);
  if (first == NULL) return NL_ENOMEM;
  s->first = first;
  uint32_t *count = realloc(s->count, cap * sizeof *count);
  if (count == NULL) return NL_ENOMEM;
  s->count = count;
  memset(count + s->ids, 0, (cap - s->ids) * sizeof *count);
  s->ids = cap;
  return 0;
}

void nl_wsi_spans_free(nl_wsi_spans *s) {
  free(s->first);
  free(s->count);
  memset(s, 0, sizeof *s);
}

static int grow_rows(struct nl_task_rows *t, size_t more) {
  if (t->n + more <= t->cap) return 0;
  size_t cap = t->cap ? t->cap : 4096;
  while (cap < t->n + more) cap *= 2;
  nl_ws_task *rows = realloc(t->rows, cap * sizeof *rows);
  if (rows == NULL) return NL_ENOMEM;
  t->rows = rows;
  t->cap = cap;
  return 0;
}

static nl_ws_task row_of(uint32_t id, uint32_t i, const nl_task *task) {
  const nl_task_date *due = nl_task_date_of(task, NL_DATE_DUE);
  return (nl_ws_task){.id = id,
                      .task = i,
                      .due = due->present && due->valid ? due->days : INT32_MAX,
                      .status = task->status,
                      .priority = task->priority,
                      .proposed = task->proposed,
                      .dead = 0};
}

void nl_wsi_task_rows(nl_workspace *ws, const nl_entry *e, int add) {
  struct nl_task_rows *t = ws->tasks;
  if (e->id >= ws->tasks_upto) return; /* deferred: put in by nl_wsi_tasks_step */
  if (!add) {
    if (t == NULL || e->id >= t->at.ids) return;
    for (uint32_t i = 0; i < t->at.count[e->id]; i++) t->rows[t->at.first[e->id] + i].dead = 1;
    t->dead += t->at.count[e->id];
    t->at.count[e->id] = 0;
    return;
  }
  size_t n = e->note->n_tasks;
  if (n == 0) return;
  if (t == NULL && (t = ws->tasks = calloc(1, sizeof *t)) == NULL) goto oom;
  compact(t);
  if (nl_wsi_spans_grow(&t->at, e->id) != 0 || grow_rows(t, n) != 0) goto oom;
  t->at.first[e->id] = (uint32_t)t->n;
  for (size_t i = 0; i < n; i++) t->rows[t->n++] = row_of(e->id, (uint32_t)i, &e->note->tasks[i]);
  t->at.count[e->id] = (uint32_t)n;
  return;
oom:
  /* The table would miss the note's tasks: from now on nl_ws_tasks says it has none to
   * offer, and the query walks the notes. */
  ws->tasks_lost = 1;
}

void nl_wsi_defer_tasks(nl_workspace *ws) {
  if (ws->tasks_upto == UINT32_MAX) ws->tasks_upto = ws->n_ids;
}

int nl_wsi_tasks_step(nl_workspace *ws, uint64_t budget_ns) {
  uint64_t start = uv_hrtime();
  unsigned n = 0;
  while (ws->tasks_upto < ws->n_ids && budget_ns > 0) {
    const nl_entry *e = ws->entries[ws->tasks_upto++]; /* first: task_rows checks the id */
    if (e != NULL) nl_wsi_task_rows(ws, e, 1);
    if (++n % 64 == 0 && uv_hrtime() - start >= budget_ns) break;
  }
  if (ws->tasks_upto < ws->n_ids) return 1;
  ws->tasks_upto = UINT32_MAX;
  return 0;
}

const nl_ws_task *nl_ws_tasks(const nl_workspace *cws, size_t *n) {
  nl_workspace *ws = (nl_workspace *)cws; /* the table is derived, as backlinks.c's maps */
  while (ws->tasks_upto != UINT32_MAX && nl_wsi_tasks_step(ws, UINT64_MAX)) {
  }
  *n = 0;
  if (ws->tasks_lost) return NULL;
  static const nl_ws_task none;
  if (ws->tasks == NULL) return &none; /* no task in the vault */
  *n = ws->tasks->n;
  return ws->tasks->rows;
}

int nl_wsi_task_rows_check(const nl_workspace *ws, char *err, size_t err_size) {
  const struct nl_task_rows *t = ws->tasks;
  size_t live = 0, want = 0;
  for (size_t i = 0; t != NULL && i < t->n; i++) {
    const nl_ws_task *r = &t->rows[i];
    if (r->dead) continue;
    live++;
    const nl_entry *e = nl_ws_get(ws, r->id);
    if (e == NULL || r->task >= e->note->n_tasks) {
      snprintf(err, err_size, "task row %zu names no task", i);
      return NL_ECORRUPT;
    }
    nl_ws_task w = row_of(r->id, r->task, &e->note->tasks[r->task]);
    if (w.due != r->due || w.status != r->status || w.priority != r->priority ||
        w.proposed != r->proposed) {
      snprintf(err, err_size, "task row %zu does not match %s:%u", i, e->rel,
               e->note->tasks[r->task].line + 1);
      return NL_ECORRUPT;
    }
  }
  for (uint32_t i = 0; i < nl_ws_id_limit(ws) && i < ws->tasks_upto; i++)
    if (nl_ws_get(ws, i) != NULL) want += nl_ws_get(ws, i)->note->n_tasks;
  if (!ws->tasks_lost && live != want) {
    snprintf(err, err_size, "%zu live task rows, want %zu", live, want);
    return NL_ECORRUPT;
  }
  return 0;
}
