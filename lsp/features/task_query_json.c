/* task_query_json.c: a result as the JSON of `notes-lsp tasks --format json` and of the
 * notes-lsp.tasks command. A task's range comes from the parse's columns (lsp/note/columns.h);
 * only a position the parse did not keep reads the note's text, once per note. */
#include "lsp/features/task_query.h"

#include <stdlib.h>
#include <string.h>

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
  for (uint32_t i = 0; arr != NULL && i < t->n_depends_on; i++)
    json_array_append_new(arr, str_or_null(t->depends_on[i]));
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

static json_t *hit_json(const nl_workspace *ws, const nl_tq_hit *h, int32_t today,
                        json_t *range) {
  const nl_entry *e = h->entry;
  const nl_note *n = e->note;
  const nl_task *t = h->task;
  json_t *owners = json_array(), *tags = json_array();
  for (uint32_t i = 0; owners != NULL && i < t->n_mentions; i++)
    json_array_append_new(owners, take_string(nl_tq_owner_name(ws, &n->mentions[t->first_mention + i])));
  for (uint32_t i = 0; tags != NULL && i < t->n_tags; i++) {
    const char *tag = n->tags[t->first_tag + i].name;
    size_t len = strlen(tag);
    char *with_hash = malloc(len + 2);
    if (with_hash == NULL) continue;
    with_hash[0] = '#';
    memcpy(with_hash + 1, tag, len + 1);
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
    json_decref(range);
    json_decref(owners);
    json_decref(tags);
    json_decref(note);
    json_decref(due_in);
    return NULL;
  }
  put(j, "uri", json_string(e->uri));
  put(j, "path", str_or_null(e->rel));
  put(j, "range", range);
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
  put(j, "recurrence", str_or_null(t->recurrence));
  put(j, "id", str_or_null(t->id));
  put(j, "dependsOn", depends_json(t));
  put(j, "blockId", str_or_null(t->block_id));
  put(j, "tags", tags);
  put(j, "note", note);
  if (json_object_size(j) != 25) { /* a value ran out of memory */
    json_decref(j);
    return NULL;
  }
  return j;
}

typedef struct {
  const nl_tq_hit *hit;
  size_t at;
} by_entry;

static int cmp_by_entry(const void *pa, const void *pb) {
  const by_entry *a = pa, *b = pb;
  if (a->hit->entry->id != b->hit->entry->id) return a->hit->entry->id < b->hit->entry->id ? -1 : 1;
  return a->at < b->at ? -1 : a->at > b->at;
}

/* The range of every hit's line: from the parse's columns, else (a position it did not keep)
 * from the note's text, each note read at most once. */
static json_t **line_ranges(nl_docs *docs, nl_encoding enc, const nl_tq_result *r) {
  json_t **ranges = calloc(r->n ? r->n : 1, sizeof *ranges);
  by_entry *order = malloc((r->n ? r->n : 1) * sizeof *order);
  if (ranges == NULL || order == NULL) {
    free(ranges);
    free(order);
    return NULL;
  }
  size_t unknown = 0;
  for (size_t i = 0; i < r->n; i++) {
    const nl_task *t = r->items[i].task;
    nl_bpos end = {t->line, t->text_range.b};
    uint32_t stop;
    if (nl_columns_units(r->items[i].entry->note, enc, end, &stop) == 0)
      ranges[i] = nl_lsp_range_json(t->line, 0, t->line, stop);
    else
      order[unknown++] = (by_entry){&r->items[i], i};
  }
  if (unknown > 1) qsort(order, unknown, sizeof *order, cmp_by_entry);
  nl_text text;
  const nl_entry *loaded = NULL;
  for (size_t i = 0; i < unknown; i++) {
    const nl_entry *e = order[i].hit->entry;
    const nl_task *t = order[i].hit->task;
    uint32_t line = t->line, stop = t->text_range.b;
    if (loaded != e) {
      if (loaded != NULL) nl_text_free(&text);
      nl_text_load(&text, docs, e); /* unreadable: columns stay bytes */
      loaded = e;
    }
    nl_text_units(&text, enc, (nl_bpos){t->line, t->text_range.b}, &line, &stop);
    ranges[order[i].at] = nl_lsp_range_json(t->line, 0, t->line, stop);
  }
  if (loaded != NULL) nl_text_free(&text);
  free(order);
  return ranges;
}

static json_t *hits_json(const nl_workspace *ws, const nl_tq_result *r, json_t **ranges,
                         const size_t *idx, size_t n) {
  json_t *arr = json_array();
  for (size_t k = 0; arr != NULL && k < n; k++) {
    size_t i = idx != NULL ? idx[k] : k;
    json_t *j = hit_json(ws, &r->items[i], r->today, json_incref(ranges[i]));
    if (j == NULL) {
      json_decref(arr);
      return NULL;
    }
    json_array_append_new(arr, j);
  }
  return arr;
}

json_t *nl_tq_result_json(const nl_workspace *ws, nl_docs *docs, nl_encoding enc,
                          const nl_tq_query *q, const nl_tq_result *r) {
  json_t **ranges = line_ranges(docs, enc, r);
  if (ranges == NULL) return NULL;
  json_t *out = NULL;
  if (q->group == NL_TQ_GROUP_NONE) {
    out = hits_json(ws, r, ranges, NULL, r->n);
  } else {
    nl_tq_bucket *bs = NULL;
    size_t nb = 0;
    if (nl_tq_group_hits(ws, r, q->group, &bs, &nb) == 0 && (out = json_array()) != NULL) {
      for (size_t i = 0; i < nb; i++) {
        json_t *tasks = hits_json(ws, r, ranges, bs[i].idx, bs[i].n);
        json_t *g = tasks != NULL ? json_pack("{s:o, s:o}", "group", str_or_null(bs[i].name),
                                              "tasks", tasks)
                                  : NULL;
        if (g == NULL) {
          json_decref(out);
          out = NULL;
          break;
        }
        json_array_append_new(out, g);
      }
    }
    nl_tq_buckets_free(bs, nb);
  }
  for (size_t i = 0; i < r->n; i++) json_decref(ranges[i]);
  free(ranges);
  return out;
}
