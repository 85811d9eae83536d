/* task_query_json.c: a result as the JSON of `notes-lsp tasks --format json` and of the
 * notes-lsp.tasks command. A task's range comes from the parse's columns (lsp/note/columns.h);
 * only a position the parse did not keep reads the note's text, once per note. */
#include "lsp/features/task_query.h"

#include <stdlib.h>
#include <string.h>

#include "lsp/base/buf.h"
#include "lsp/features/nav_match.h"
#include "lsp/note/columns.h"
#include "lsp/client/text.h"
#include "protocol/lsp_types.h"

/* ---- JSON -------------------------------------------------------------------------------- */

static json_t *str_or_null(const char *s) {
  return s != NULL ? nl_lsp_string_lossy(s, strlen(s)) : json_null();
}

static json_t *date_json(const nl_task_date *d) {
  if (!d->present || !d->valid) return json_null();
  char buf[16];
  nl_date_format(d->days, buf);
  return json_string(buf);
}

/* Takes a name (new) into a JSON string, freeing it. */
static json_t *take_string(char *s) {
  json_t *j = s != NULL ? nl_lsp_string_lossy(s, strlen(s)) : json_null();
  free(s);
  return j;
}

static json_t *depends_json(const nl_task *t) {
  json_t *arr = json_array();
  for (uint32_t i = 0; arr != NULL && i < nl_task_n_depends_on(t); i++)
    json_array_append_new(arr, str_or_null(nl_task_depends_on(t, i)));
  return arr;
}

static json_t *on_completion_json(const nl_task *t) {
  switch (t->on_completion) {
  case NL_ON_COMPLETION_KEEP: return json_string("keep");
  case NL_ON_COMPLETION_DELETE: return json_string("delete");
  default: return json_null();
  }
}

/* Sets key (static) to v (steals); a NULL v (out of memory) leaves the key out, which the
 * caller notices by the count. */
static void put(json_t *o, const char *key, json_t *v) {
  if (v != NULL) json_object_set_new_nocheck(o, key, v);
}

/* One task's object; `stop` is the end of its line in the client's units. */
static json_t *hit_json(const nl_workspace *ws, const nl_tq_hit *h, int32_t today,
                        uint32_t stop) {
  const nl_entry *e = h->entry;
  const nl_note *n = e->note;
  const nl_task *t = h->task;
  json_t *owners = json_array(), *tags = json_array();
  uint32_t m0, n_owners = nl_task_owners(n, t, &m0), t0, n_tags = nl_task_tags(n, t, &t0);
  for (uint32_t i = 0; owners != NULL && i < n_owners; i++)
    json_array_append_new(owners, take_string(nl_tq_owner_name(ws, e, &n->mentions[m0 + i])));
  for (uint32_t i = 0; tags != NULL && i < n_tags; i++) {
    const char *tag = n->tags[t0 + i].name;
    char *with_hash = nl_tq_marked('#', tag, strlen(tag));
    if (with_hash == NULL) continue;
    json_array_append_new(tags, take_string(with_hash));
  }
  /* "[ ?]" is the two-character proposed marker; everything else holds one character. */
  const char *symbol = t->proposed & NL_PROPOSED_WIDE ? " ?" : t->symbol;
  const nl_task_date *due = nl_task_date_of(t, NL_DATE_DUE);
  json_t *due_in = due->present && due->valid ? json_integer(due->days - today) : json_null();
  const char *prio = nl_tq_priority_name(t->priority);
  json_t *note = json_object();
  if (note != NULL) {
    put(note, "title", n->title != NULL ? str_or_null(n->title->text)
                                        : take_string(nl_nav_nfc(e->name, strlen(e->name))));
    put(note, "kind", json_string(nl_kind_name(e->kind)));
  }
  /* Key by key rather than json_pack: a page of a thousand tasks is 25,000 keys, and reading
   * a format for each was a third of the time. The order is the documented one. */
  json_t *j = json_object();
  if (j == NULL) {
    json_decref(owners);
    json_decref(tags);
    json_decref(note);
    json_decref(due_in);
    return NULL;
  }
  put(j, "uri", json_string(e->uri));
  put(j, "path", str_or_null(e->rel));
  put(j, "range", nl_lsp_range_json(t->line, 0, t->line, stop));
  put(j, "line", json_integer((json_int_t)t->line));
  put(j, "status", json_string(nl_tq_status_name((nl_tq_status)h->status)));
  put(j, "statusSymbol", nl_lsp_string_lossy(symbol, strlen(symbol)));
  put(j, "description", str_or_null(t->description));
  put(j, "owners", owners);
  put(j, "account", take_string(nl_tq_account_name(h)));
  put(j, "due", date_json(due));
  put(j, "scheduled", date_json(nl_task_date_of(t, NL_DATE_SCHEDULED)));
  put(j, "start", date_json(nl_task_date_of(t, NL_DATE_START)));
  put(j, "created", date_json(nl_task_date_of(t, NL_DATE_CREATED)));
  put(j, "done", date_json(nl_task_date_of(t, NL_DATE_DONE)));
  put(j, "cancelled", date_json(nl_task_date_of(t, NL_DATE_CANCELLED)));
  put(j, "priority", prio ? json_string(prio) : json_null());
  put(j, "onCompletion", on_completion_json(t));
  put(j, "overdue", json_boolean(h->overdue));
  put(j, "dueInDays", due_in);
  put(j, "recurrence", str_or_null(nl_task_recurrence(t)));
  put(j, "id", str_or_null(nl_task_id(t)));
  put(j, "dependsOn", depends_json(t));
  put(j, "blockId", str_or_null(nl_task_block_id(t)));
  put(j, "tags", tags);
  put(j, "note", note);
  if (json_object_size(j) != 25) { /* a value ran out of memory */
    json_decref(j);
    return NULL;
  }
  return j;
}

/* ---- each hit's line end ----------------------------------------------------------------- */

typedef struct {
  const nl_tq_hit *hit;
  size_t at;
} by_entry;

static int cmp_by_entry(const void *pa, const void *pb) {
  const by_entry *a = pa, *b = pb;
  if (a->hit->entry->id != b->hit->entry->id) return a->hit->entry->id < b->hit->entry->id ? -1 : 1;
  return a->at < b->at ? -1 : a->at > b->at;
}

/* The end of every hit's line in `enc` units (new array, r->n long): from the parse's columns,
 * else (a position it did not keep) from the note's text, each note read at most once. */
static uint32_t *line_stops(nl_docs *docs, nl_encoding enc, const nl_tq_result *r) {
  uint32_t *stops = malloc((r->n ? r->n : 1) * sizeof *stops);
  by_entry *order = malloc((r->n ? r->n : 1) * sizeof *order);
  if (stops == NULL || order == NULL) {
    free(stops);
    free(order);
    return NULL;
  }
  size_t unknown = 0;
  for (size_t i = 0; i < r->n; i++) {
    const nl_task *t = r->items[i].task;
    nl_bpos end = {t->line, t->line_end};
    if (nl_columns_units(r->items[i].entry->note, enc, end, &stops[i]) != 0)
      order[unknown++] = (by_entry){&r->items[i], i};
  }
  if (unknown > 1) qsort(order, unknown, sizeof *order, cmp_by_entry);
  nl_text text;
  const nl_entry *loaded = NULL;
  for (size_t i = 0; i < unknown; i++) {
    const nl_entry *e = order[i].hit->entry;
    const nl_task *t = order[i].hit->task;
    uint32_t line = t->line, stop = t->line_end;
    if (loaded != e) {
      if (loaded != NULL) nl_text_free(&text);
      nl_text_load(&text, docs, e); /* unreadable: columns stay bytes */
      loaded = e;
    }
    nl_text_units(&text, enc, (nl_bpos){t->line, t->line_end}, &line, &stop);
    stops[order[i].at] = stop;
  }
  if (loaded != NULL) nl_text_free(&text);
  free(order);
  return stops;
}

/* ---- one walk, two sinks ----------------------------------------------------------------- */

/* Where the walk over a result sends its parts, in order: begin; then each task, or for a
 * grouped query each group (name NULL for no owner or account) with its tasks; then end. A
 * callback returns 0, or -1 to stop the walk. */
typedef struct {
  int (*begin)(void *sink);
  int (*group)(void *sink, const char *name);
  int (*task)(void *sink, json_t *task); /* steals task */
  int (*group_end)(void *sink);
  int (*end)(void *sink);
} sink_ops;

static int walk_hits(const nl_workspace *ws, const nl_tq_result *r, const uint32_t *stops,
                     const size_t *idx, size_t n, const sink_ops *ops, void *sink) {
  for (size_t k = 0; k < n; k++) {
    size_t i = idx != NULL ? idx[k] : k;
    json_t *j = hit_json(ws, &r->items[i], r->today, stops[i]);
    if (j == NULL || ops->task(sink, j) < 0) return -1;
  }
  return 0;
}

static int walk(const nl_workspace *ws, nl_docs *docs, nl_encoding enc, const nl_tq_query *q,
                const nl_tq_result *r, const sink_ops *ops, void *sink) {
  uint32_t *stops = line_stops(docs, enc, r);
  if (stops == NULL) return -1;
  int rc = ops->begin(sink);
  if (rc == 0 && q->group == NL_TQ_GROUP_NONE) {
    rc = walk_hits(ws, r, stops, NULL, r->n, ops, sink);
  } else if (rc == 0) {
    nl_tq_bucket *bs = NULL;
    size_t nb = 0;
    rc = nl_tq_group_hits(ws, r, q->group, &bs, &nb);
    for (size_t g = 0; rc == 0 && g < nb; g++) {
      rc = ops->group(sink, bs[g].name);
      if (rc == 0) rc = walk_hits(ws, r, stops, bs[g].idx, bs[g].n, ops, sink);
      if (rc == 0) rc = ops->group_end(sink);
    }
    nl_tq_buckets_free(bs, nb);
  }
  if (rc == 0) rc = ops->end(sink);
  free(stops);
  return rc;
}

/* ---- the tree ---------------------------------------------------------------------------- */

typedef struct {
  json_t *root;  /* the answer (new) */
  json_t *tasks; /* the array tasks go to: root, or the open group's (borrowed) */
} tree_sink;

static int tree_begin(void *sink) {
  tree_sink *t = sink;
  t->root = t->tasks = json_array();
  return t->root != NULL ? 0 : -1;
}

static int tree_group(void *sink, const char *name) {
  tree_sink *t = sink;
  json_t *tasks = json_array();
  json_t *g = tasks != NULL ? json_pack("{s:o, s:O}", "group", str_or_null(name), "tasks", tasks)
                            : NULL;
  json_decref(tasks);
  if (g == NULL || json_array_append_new(t->root, g) < 0) return -1;
  t->tasks = tasks; /* g holds it */
  return 0;
}

static int tree_task(void *sink, json_t *task) {
  return json_array_append_new(((tree_sink *)sink)->tasks, task);
}

static int tree_group_end(void *sink) {
  tree_sink *t = sink;
  t->tasks = t->root;
  return 0;
}

static int tree_end(void *sink) {
  (void)sink;
  return 0;
}

static const sink_ops tree_ops = {tree_begin, tree_group, tree_task, tree_group_end, tree_end};

json_t *nl_tq_result_json(const nl_workspace *ws, nl_docs *docs, nl_encoding enc,
                          const nl_tq_query *q, const nl_tq_result *r) {
  tree_sink t = {NULL, NULL};
  if (walk(ws, docs, enc, q, r, &tree_ops, &t) < 0) {
    json_decref(t.root);
    return NULL;
  }
  return t.root;
}

/* ---- the text ---------------------------------------------------------------------------- */

/* The text json_dumpf(tree, JSON_INDENT(2)) writes, a task at a time: jansson dumps each task
 * object (and a group's name), so strings are escaped by jansson alone, and this writes what
 * lies between them, the arrays' brackets and commas and the group objects, as jansson lays
 * them out: an element on its own line, indented two spaces a level; an empty array "[]". */
#define DUMP_FLUSH 65536 /* bytes gathered before they go to the callback */

typedef struct {
  nl_buf buf;
  char *scratch;     /* one value's dump (owned) */
  size_t scratch_size;
  size_t n_top;      /* elements written in the answer's array */
  size_t n_tasks;    /* elements written in the open group's tasks */
  int grouped;
  json_dump_callback_t cb;
  void *data;
} dump_sink;

static const char spaces[] = "        "; /* the deepest line starts 8 spaces in */

/* Dumps v (borrowed) as the element or value at `indent`: into the scratch buffer with
 * json_dumpb (a callback a token was most of the time), then copied adding `indent` spaces
 * after each newline, which is jansson's own line break since it escapes one in a string. */
static int dump_value(dump_sink *d, const json_t *v, size_t indent) {
  size_t flags = JSON_INDENT(2) | JSON_ENCODE_ANY;
  size_t len = json_dumpb(v, d->scratch, d->scratch_size, flags);
  if (len > d->scratch_size) {
    char *more = realloc(d->scratch, len * 2);
    if (more == NULL) return -1;
    d->scratch = more;
    d->scratch_size = len * 2;
    len = json_dumpb(v, d->scratch, d->scratch_size, flags);
  }
  if (len == 0) return -1;
  const char *s = d->scratch;
  for (const char *nl; (nl = memchr(s, '\n', len)) != NULL;) {
    nl_buf_add(&d->buf, s, (size_t)(nl - s) + 1);
    nl_buf_add(&d->buf, spaces, indent);
    len -= (size_t)(nl - s) + 1;
    s = nl + 1;
  }
  nl_buf_add(&d->buf, s, len);
  return d->buf.oom ? -1 : 0;
}

/* Opens the next element of an array whose elements start `indent` spaces in. */
static void dump_element(dump_sink *d, size_t *count, size_t indent) {
  nl_buf_adds(&d->buf, *count > 0 ? ",\n" : "[\n");
  nl_buf_add(&d->buf, spaces, indent);
  (*count)++;
}

static void dump_close(dump_sink *d, size_t count, size_t indent) {
  if (count == 0) {
    nl_buf_adds(&d->buf, "[]");
    return;
  }
  nl_buf_adds(&d->buf, "\n");
  nl_buf_add(&d->buf, spaces, indent);
  nl_buf_adds(&d->buf, "]");
}

static int dump_flush(dump_sink *d, size_t at_least) {
  if (d->buf.oom) return -1;
  if (d->buf.len < at_least || d->buf.len == 0) return 0;
  int rc = d->cb(d->buf.s, d->buf.len, d->data);
  nl_buf_clear(&d->buf);
  return rc < 0 ? -1 : 0;
}

static int dump_begin(void *sink) {
  (void)sink;
  return 0;
}

static int dump_group(void *sink, const char *name) {
  dump_sink *d = sink;
  dump_element(d, &d->n_top, 2);
  nl_buf_adds(&d->buf, "{\n    \"group\": ");
  json_t *j = str_or_null(name);
  int rc = j != NULL ? dump_value(d, j, 4) : -1;
  json_decref(j);
  nl_buf_adds(&d->buf, ",\n    \"tasks\": ");
  d->grouped = 1;
  d->n_tasks = 0;
  return rc;
}

static int dump_task(void *sink, json_t *task) {
  dump_sink *d = sink;
  size_t indent = d->grouped ? 6 : 2;
  dump_element(d, d->grouped ? &d->n_tasks : &d->n_top, indent);
  int rc = dump_value(d, task, indent);
  json_decref(task);
  return rc < 0 ? -1 : dump_flush(d, DUMP_FLUSH);
}

static int dump_group_end(void *sink) {
  dump_sink *d = sink;
  dump_close(d, d->n_tasks, 4);
  nl_buf_adds(&d->buf, "\n  }");
  d->grouped = 0;
  return dump_flush(d, DUMP_FLUSH);
}

static int dump_end(void *sink) {
  dump_sink *d = sink;
  dump_close(d, d->n_top, 0);
  return dump_flush(d, 1);
}

static const sink_ops dump_ops = {dump_begin, dump_group, dump_task, dump_group_end, dump_end};

int nl_tq_result_dump(const nl_workspace *ws, nl_docs *docs, nl_encoding enc,
                      const nl_tq_query *q, const nl_tq_result *r, json_dump_callback_t cb,
                      void *data) {
  dump_sink d = {NL_BUF_INIT, NULL, 0, 0, 0, 0, cb, data};
  int rc = walk(ws, docs, enc, q, r, &dump_ops, &d);
  nl_buf_free(&d.buf);
  free(d.scratch);
  return rc;
}
