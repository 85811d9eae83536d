/* note_dump.h: a parsed note as text, every field, for tests that compare two notes that
 * must be equal (a compacted one with a fresh one, a cached one with a fresh parse); and as
 * JSON (note_json, task_json) for the "parse" and "task" cases of tests/cases. */
#ifndef NL_TEST_NOTE_DUMP_H
#define NL_TEST_NOTE_DUMP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lsp/note/note.h"
#include "lsp/note/task.h"
#include "protocol/position.h"

typedef struct {
  char *buf;
  size_t len, cap;
} dump;

static inline void put(dump *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline void put(dump *d, const char *fmt, ...) {
  char tmp[4096];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n >= sizeof(tmp)) n = sizeof(tmp) - 1;
  if (d->len + (size_t)n + 1 > d->cap) {
    d->cap = (d->len + (size_t)n + 1) * 2;
    d->buf = realloc(d->buf, d->cap);
  }
  memcpy(d->buf + d->len, tmp, (size_t)n + 1);
  d->len += (size_t)n;
}

#define S(x) ((x) != NULL ? (x) : "(null)")

/* The index of the task on the mention's line (whose owner it is), or UINT32_MAX. */
static inline uint32_t mention_task(const nl_note *n, const nl_mention *m) {
  for (uint32_t k = 0; k < n->n_tasks; k++)
    if (n->tasks[k].line == m->at.line) return k;
  return UINT32_MAX;
}
#define R(r) (r).start.line, (r).start.col, (r).end.line, (r).end.col

static inline void dump_note(dump *d, const nl_note *n) {
  put(d, "lines=%u bom=%d crlf=%d\n", n->n_lines, n->has_bom, n->crlf);
  const nl_frontmatter *fm = &n->fm;
  put(d, "fm %d %d %u %u err=%d %u:%u %s\n", fm->present, fm->is_mapping, fm->first_line,
      fm->last_line, fm->has_error, fm->error_pos.line, fm->error_pos.col, S(fm->error_message));
  for (size_t i = 0; i < fm->n_entries; i++) {
    const nl_fm_entry *e = &fm->entries[i];
    put(d, " key %s list=%d map=%d\n", S(e->key), e->is_list, e->is_mapping);
    for (size_t j = 0; j < e->n_items; j++)
      put(d, "  item %s %u:%u-%u:%u\n", S(e->items[j].text), R(e->items[j].range));
  }
  const nl_fm_scalar *one[] = {n->type, n->title, n->account, n->date};
  for (size_t i = 0; i < 4; i++) put(d, "field %s\n", one[i] != NULL ? S(one[i]->text) : "-");
  for (size_t i = 0; i < n->n_aliases; i++) put(d, "alias %s\n", S(n->aliases[i].text));
  for (size_t i = 0; i < n->n_participants; i++)
    put(d, "participant %s\n", S(n->participants[i].text));
  for (size_t i = 0; i < n->n_headings; i++) {
    char *slug = nl_note_slug(n->headings[i].text);
    put(d, "heading %d %s %s %u:%u-%u:%u\n", n->headings[i].level, S(n->headings[i].text),
        S(slug), R(nl_heading_range(&n->headings[i])));
    free(slug);
  }
  for (size_t i = 0; i < n->n_blocks; i++)
    put(d, "block %s %u:%u-%u:%u\n", S(n->blocks[i].id), R(n->blocks[i].range));
  for (size_t i = 0; i < n->n_links; i++) {
    const nl_link *l = &n->links[i];
    put(d, "link %d %s %s %s %s %u:%u-%u:%u %u:%u-%u:%u %u:%u-%u:%u\n", l->kind, S(l->target),
        S(nl_link_heading(l)), S(nl_link_block(l)), S(nl_link_alias(l)), R(nl_link_range(l)),
        R(nl_link_target_range(l)), R(nl_link_fragment_range(l)));
  }
  for (size_t i = 0; i < n->n_tags; i++)
    put(d, "tag %s %d %u:%u-%u:%u\n", S(n->tags[i].name), i < n->n_fm_tags,
        R(nl_note_tag_range(n, i)));
  for (size_t i = 0; i < n->n_mentions; i++)
    put(d, "mention %s|%.*s %u:%u %u\n", S(n->mentions[i].tail),
        (int)nl_mention_word_len(&n->mentions[i]), S(n->mentions[i].tail),
        n->mentions[i].at.line, n->mentions[i].at.col, mention_task(n, &n->mentions[i]));
  for (size_t i = 0; i < n->n_tasks; i++) {
    const nl_task *t = &n->tasks[i];
    put(d, "task %u %d %s %d %s %s %s %s %d %d %d\n", t->line, t->status, t->symbol, t->proposed,
        S(t->description), S(nl_task_recurrence(t)), S(nl_task_id(t)), S(nl_task_block_id(t)),
        t->priority, t->on_completion, t->mojibake);
    put(d, " marker %u-%u text %u-%u\n", nl_task_status_cols(t).a, nl_task_status_cols(t).b,
        nl_task_text_cols(t).a, nl_task_text_cols(t).b);
    uint32_t m0, n_owners = nl_task_owners(n, t, &m0), t0, n_tags = nl_task_tags(n, t, &t0);
    put(d, " owners %u+%u tags %u+%u\n", n_owners ? m0 : 0, n_owners, n_tags ? t0 : 0, n_tags);
    for (uint32_t k = 0; k < nl_task_n_depends_on(t); k++)
      put(d, " depends %s\n", S(nl_task_depends_on(t, k)));
    for (uint8_t k = 0; k < t->n_dates; k++) {
      const nl_task_date *td = &t->dates[k];
      put(d, " date %d %d %d %d %u-%u\n", td->field, td->present, td->valid, td->days,
          td->range.a, td->range.b);
    }
  }
}

/* The note's dump: a new string (free()). */
static inline char *note_dump(const nl_note *n) {
  dump d = {0};
  dump_note(&d, n);
  return d.buf;
}

/* ---- as JSON ------------------------------------------------------------------------------ */

static inline json_t *jstr(const char *s);
/* The first n bytes of s as jstr writes them. */
static inline json_t *jstrn(const char *s, size_t n) {
  char *c = s != NULL ? malloc(n + 1) : NULL;
  if (c == NULL) return json_null();
  memcpy(c, s, n);
  c[n] = '\0';
  json_t *v = jstr(c);
  free(c);
  return v;
}

/* A string of the note as JSON: invalid UTF-8 bytes (which JSON cannot hold) are written
 * "\\xNN", so a case shows them; NULL gives null. New reference. */
static inline json_t *jstr(const char *s) {
  if (s == NULL) return json_null();
  json_t *v = json_string(s);
  if (v != NULL) return v;
  size_t n = strlen(s);
  char *buf = malloc(n * 4 + 1), *o = buf;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    size_t k = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    json_t *t = k > 1 && i + k <= n ? json_stringn(s + i, k) : NULL;
    if (k == 1 || t != NULL) {
      memcpy(o, s + i, k);
      o += k;
      i += k - 1;
    } else {
      o += sprintf(o, "\\x%02X", c);
    }
    json_decref(t);
  }
  *o = '\0';
  v = json_string(buf);
  free(buf);
  return v;
}

/* Byte positions as "line:col" and ranges as "line:col-line:col" (0-based, byte columns). */
static inline json_t *json_bpos(nl_bpos p) {
  char b[32];
  snprintf(b, sizeof b, "%u:%u", p.line, p.col);
  return json_string(b);
}

static inline json_t *json_brange(nl_brange r) {
  char b[64];
  snprintf(b, sizeof b, "%u:%u-%u:%u", r.start.line, r.start.col, r.end.line, r.end.col);
  return json_string(b);
}

static inline int brange_empty(nl_brange r) {
  return r.start.line == r.end.line && r.start.col == r.end.col;
}

static inline void set_str(json_t *o, const char *k, const char *v) {
  if (v != NULL) json_object_set_new(o, k, jstr(v));
}

static inline void set_range(json_t *o, const char *k, nl_brange r) {
  if (!brange_empty(r)) json_object_set_new(o, k, json_brange(r));
}

/* The bytes of range r (one line) of the text whose line table is `lines` (new string). */
static inline json_t *range_text(const nl_lines *lines, nl_brange r) {
  size_t a = nl_lines_line_start(lines, r.start.line) + r.start.col;
  size_t b = nl_lines_line_start(lines, r.end.line) + r.end.col;
  if (a > lines->len || b > lines->len || b < a) return json_null();
  return json_stringn(lines->text + a, b - a);
}

static const char *const task_date_keys[NL_DATE__COUNT] = {"due", "scheduled", "start",
                                                           "created", "done", "cancelled"};

/* A task as Tasks reads it: status (type under ts, may be NULL), statusName, symbol and
 * description always; each date ("YYYY-MM-DD", or {"invalid": the value as written}), priority,
 * recurrence, id, dependsOn, blockId, onCompletion, proposed and mojibake only when set.
 * `lines` is the note's line table (for the text of invalid dates). New object. */
static inline json_t *task_json(const nl_task *t, const nl_lines *lines, const nl_task_settings *ts) {
  static const char *const priorities[] = {"none", "lowest", "low", "medium", "high", "highest"};
  static const char *const completions[] = {NULL, "keep", "delete"};
  json_t *o = json_object();
  const char *name = NULL;
  nl_task_symbol_type(ts, t->symbol, &name);
  set_str(o, "status", nl_task_status_type_name(nl_task_status_of(t, ts)));
  set_str(o, "statusName", name);
  set_str(o, "symbol", t->symbol);
  set_str(o, "description", t->description);
  for (int f = 0; f < NL_DATE__COUNT; f++) {
    const nl_task_date *d = nl_task_date_of(t, (nl_date_field)f);
    if (!d->present) continue;
    char day[16];
    if (d->valid) nl_date_format(d->days, day);
    json_object_set_new(o, task_date_keys[f],
                        d->valid ? json_string(day)
                                 : json_pack("{s:o}", "invalid", range_text(lines, nl_task_date_value(t, d))));
  }
  if (t->priority != NL_PRIORITY_NONE && t->priority < 6)
    set_str(o, "priority", priorities[t->priority]);
  set_str(o, "recurrence", nl_task_recurrence(t));
  set_str(o, "id", nl_task_id(t));
  if (nl_task_n_depends_on(t) > 0) {
    json_t *deps = json_array();
    for (uint32_t k = 0; k < nl_task_n_depends_on(t); k++)
      json_array_append_new(deps, json_string(nl_task_depends_on(t, k)));
    json_object_set_new(o, "dependsOn", deps);
  }
  set_str(o, "blockId", nl_task_block_id(t));
  if (t->on_completion < 3) set_str(o, "onCompletion", completions[t->on_completion]);
  if (nl_task_is_proposed(t, ts)) json_object_set_new(o, "proposed", json_true());
  if (t->mojibake) json_object_set_new(o, "mojibake", json_true());
  return o;
}

/* The ranges of a task's parts that are there (new object); the layout is read again from the
 * task's line in `lines`, the text n was parsed from. */
static inline json_t *task_ranges_json(const nl_note *n, const nl_task *t, const nl_lines *lines) {
  json_t *o = json_object();
  nl_task_layout lay;
  const char *line = lines->text + lines->starts[t->line];
  if (nl_task_layout_of(t, line, nl_lines_line_end(lines, t->line) - lines->starts[t->line],
                        &lay) != 0)
    return o;
  set_range(o, "status", nl_task_range(t, nl_task_status_cols(t)));
  set_range(o, "text", nl_task_range(t, nl_task_text_cols(t)));
  set_range(o, "description", nl_task_range(t, lay.description));
  set_range(o, "fields", nl_task_range(t, lay.fields));
  json_t *moji = json_array();
  for (int f = 0; f < NL_DATE__COUNT; f++) {
    const nl_task_date *d = nl_task_date_of(t, (nl_date_field)f);
    if (!d->present) continue;
    char k[32];
    set_range(o, task_date_keys[f], nl_task_range(t, d->range));
    snprintf(k, sizeof k, "%sValue", task_date_keys[f]);
    set_range(o, k, nl_task_date_value(t, d));
    if (d->mojibake) json_array_append_new(moji, json_string(task_date_keys[f]));
  }
  if (json_array_size(moji) > 0) json_object_set(o, "mojibakeDates", moji);
  json_decref(moji);
  set_range(o, "priority", nl_task_range(t, lay.priority));
  set_range(o, "recurrence", nl_task_range(t, lay.recurrence));
  set_range(o, "id", nl_task_range(t, lay.id));
  set_range(o, "dependsOn", nl_task_range(t, lay.depends));
  set_range(o, "onCompletion", nl_task_range(t, lay.on_completion));
  set_range(o, "blockId", nl_task_range(t, lay.block));
  uint32_t t0, n_tags = nl_task_tags(n, t, &t0);
  for (uint32_t k = 0; k < n_tags; k++)
    if (strcmp(n->tags[t0 + k].name, "proposed") == 0) {
      set_range(o, "proposedTag", nl_note_tag_range(n, t0 + k));
      break;
    }
  return o;
}

static inline json_t *fm_scalar_json(const nl_fm_scalar *s) {
  return json_pack("{s:o,s:o}", "text", jstr(s->text), "range", json_brange(s->range));
}

static inline json_t *frontmatter_json(const nl_frontmatter *fm) {
  if (!fm->present) return json_null();
  json_t *o = json_pack("{s:[i,i],s:b}", "lines", fm->first_line, fm->last_line, "mapping",
                        fm->is_mapping);
  json_t *entries = json_array();
  for (size_t i = 0; i < fm->n_entries; i++) {
    const nl_fm_entry *e = &fm->entries[i];
    json_t *j = json_pack("{s:o}", "key", jstr(e->key));
    if (e->is_list) json_object_set_new(j, "list", json_true());
    if (e->is_mapping) json_object_set_new(j, "mapping", json_true());
    json_t *items = json_array();
    for (size_t k = 0; k < e->n_items; k++)
      json_array_append_new(items, fm_scalar_json(&e->items[k]));
    json_object_set_new(j, "items", items);
    json_array_append_new(entries, j);
  }
  json_object_set_new(o, "entries", entries);
  if (fm->has_error)
    json_object_set_new(o, "error", json_pack("{s:o,s:o}", "at", json_bpos(fm->error_pos),
                                              "message", jstr(fm->error_message)));
  return o;
}

static inline json_t *scalars_json(const nl_fm_scalar *s, size_t n) {
  json_t *a = json_array();
  for (size_t i = 0; i < n; i++) json_array_append_new(a, jstr(s[i].text));
  return a;
}

static inline json_t *links_json(const nl_note *n) {
  static const char *const kinds[] = {"wiki", "embed", "markdown"};
  json_t *a = json_array();
  for (size_t i = 0; i < n->n_links; i++) {
    const nl_link *l = &n->links[i];
    json_t *o = json_pack("{s:s,s:o,s:o,s:o}", "kind", l->kind < 3 ? kinds[l->kind] : "?",
                          "target", jstr(l->target), "range", json_brange(nl_link_range(l)), "targetRange",
                          json_brange(nl_link_target_range(l)));
    set_str(o, "heading", nl_link_heading(l));
    set_str(o, "block", nl_link_block(l));
    set_str(o, "alias", nl_link_alias(l));
    set_range(o, "fragmentRange", nl_link_fragment_range(l));
    json_array_append_new(a, o);
  }
  return a;
}

static inline json_t *body_json(const nl_note *n, json_t *o) {
  json_t *h = json_array(), *b = json_array(), *t = json_array(), *m = json_array();
  for (size_t i = 0; i < n->n_headings; i++) {
    char *slug = nl_note_slug(n->headings[i].text);
    json_array_append_new(h, json_pack("{s:i,s:o,s:o,s:o}", "level", n->headings[i].level,
                                       "text", jstr(n->headings[i].text), "slug", jstr(slug),
                                       "range", json_brange(nl_heading_range(&n->headings[i]))));
    free(slug);
  }
  for (size_t i = 0; i < n->n_blocks; i++)
    json_array_append_new(b, json_pack("{s:o,s:o}", "id", jstr(n->blocks[i].id), "range",
                                       json_brange(n->blocks[i].range)));
  for (size_t i = 0; i < n->n_tags; i++) {
    json_t *j = json_pack("{s:o,s:o}", "name", jstr(n->tags[i].name), "range",
                          json_brange(nl_note_tag_range(n, i)));
    if (i < n->n_fm_tags) json_object_set_new(j, "frontmatter", json_true());
    json_array_append_new(t, j);
  }
  for (size_t i = 0; i < n->n_mentions; i++) {
    const nl_mention *x = &n->mentions[i];
    json_t *j = json_pack("{s:o,s:o,s:o}", "tail", jstr(x->tail), "word",
                          jstrn(x->tail, nl_mention_word_len(x)), "at", json_bpos(x->at));
    if (mention_task(n, x) != UINT32_MAX)
      json_object_set_new(j, "task", json_integer(mention_task(n, x)));
    json_array_append_new(m, j);
  }
  json_object_set_new(o, "headings", h);
  json_object_set_new(o, "blocks", b);
  json_object_set_new(o, "links", links_json(n));
  json_object_set_new(o, "tags", t);
  json_object_set_new(o, "mentions", m);
  return o;
}

/* The whole parse of note n as JSON (new object): lines, bom, crlf, frontmatter (null
 * when absent), properties (type, title, account, date when set), aliases, participants,
 * headings, blocks, links, tags, mentions, tasks (task_json plus line and ranges) and code.
 * `text` (len bytes, BOM included as given to the parser) is what n was parsed from. */
static inline json_t *note_json(const nl_note *n, const char *text, size_t len,
                         const nl_task_settings *ts) {
  size_t bom = n->has_bom ? 3 : 0;
  nl_lines lines;
  if (len < bom || nl_lines_init(&lines, text + bom, len - bom) != 0) return NULL;
  json_t *o = json_pack("{s:i,s:b,s:b}", "lines", n->n_lines, "bom",
                        n->has_bom, "crlf", n->crlf);
  json_object_set_new(o, "frontmatter", frontmatter_json(&n->fm));
  json_t *props = json_object();
  const char *names[] = {"type", "title", "account", "date"};
  const nl_fm_scalar *one[] = {n->type, n->title, n->account, n->date};
  for (size_t i = 0; i < 4; i++)
    if (one[i] != NULL) json_object_set_new(props, names[i], jstr(one[i]->text));
  json_object_set_new(o, "properties", props);
  json_object_set_new(o, "aliases", scalars_json(n->aliases, n->n_aliases));
  json_object_set_new(o, "participants", scalars_json(n->participants, n->n_participants));
  body_json(n, o);
  json_t *tasks = json_array();
  for (size_t i = 0; i < n->n_tasks; i++) {
    json_t *j = task_json(&n->tasks[i], &lines, ts);
    json_object_set_new(j, "line", json_integer(n->tasks[i].line));
    json_object_set_new(j, "ranges", task_ranges_json(n, &n->tasks[i], &lines));
    json_array_append_new(tasks, j);
  }
  json_object_set_new(o, "tasks", tasks);
  json_t *code = json_array();
  for (size_t i = 0; i < n->n_code; i++) json_array_append_new(code, json_brange(n->code[i]));
  json_object_set_new(o, "code", code);
  nl_lines_free(&lines);
  return o;
}

#endif
