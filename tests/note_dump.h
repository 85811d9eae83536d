/* note_dump.h: a parsed note as text, every field, for tests that compare two notes that
 * must be equal (a compacted one with a fresh one, a cached one with a fresh parse). */
#ifndef NL_TEST_NOTE_DUMP_H
#define NL_TEST_NOTE_DUMP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsp/note/note.h"

typedef struct {
  char *buf;
  size_t len, cap;
} dump;

static void put(dump *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(dump *d, const char *fmt, ...) {
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
#define R(r) (r).start.line, (r).start.col, (r).end.line, (r).end.col

static void dump_note(dump *d, const nl_note *n) {
  put(d, "path=%s lines=%u bom=%d crlf=%d\n", S(n->path), n->n_lines, n->has_bom, n->crlf);
  const nl_frontmatter *fm = &n->fm;
  put(d, "fm %d %d %u %u err=%d %u:%u %s\n", fm->present, fm->is_mapping, fm->first_line,
      fm->last_line, fm->has_error, fm->error_pos.line, fm->error_pos.col, S(fm->error_message));
  for (size_t i = 0; i < fm->n_entries; i++) {
    const nl_fm_entry *e = &fm->entries[i];
    put(d, " key %s %u:%u-%u:%u list=%d map=%d\n", S(e->key), R(e->key_range), e->is_list,
        e->is_mapping);
    for (size_t j = 0; j < e->n_items; j++)
      put(d, "  item %s %u:%u-%u:%u\n", S(e->items[j].text), R(e->items[j].range));
  }
  const nl_fm_scalar *one[] = {n->type, n->title, n->account, n->date};
  for (size_t i = 0; i < 4; i++) put(d, "field %s\n", one[i] != NULL ? S(one[i]->text) : "-");
  for (size_t i = 0; i < n->n_aliases; i++) put(d, "alias %s\n", S(n->aliases[i].text));
  for (size_t i = 0; i < n->n_participants; i++)
    put(d, "participant %s\n", S(n->participants[i].text));
  for (size_t i = 0; i < n->n_headings; i++)
    put(d, "heading %d %s %s %u:%u-%u:%u\n", n->headings[i].level, S(n->headings[i].text),
        S(n->headings[i].slug), R(n->headings[i].range));
  for (size_t i = 0; i < n->n_blocks; i++)
    put(d, "block %s %u:%u-%u:%u\n", S(n->blocks[i].id), R(n->blocks[i].range));
  for (size_t i = 0; i < n->n_links; i++) {
    const nl_link *l = &n->links[i];
    put(d, "link %d %s %s %s %s %u:%u-%u:%u %u:%u-%u:%u\n", l->kind, S(l->target), S(l->heading),
        S(l->block), S(l->alias), R(l->range), R(l->target_range));
  }
  for (size_t i = 0; i < n->n_tags; i++)
    put(d, "tag %s %d %u:%u-%u:%u\n", S(n->tags[i].name), n->tags[i].in_frontmatter,
        R(n->tags[i].range));
  for (size_t i = 0; i < n->n_mentions; i++)
    put(d, "mention %s|%s %u:%u %u\n", S(n->mentions[i].tail), S(n->mentions[i].word),
        n->mentions[i].at.line, n->mentions[i].at.col, n->mentions[i].task);
  for (size_t i = 0; i < n->n_tasks; i++) {
    const nl_task *t = &n->tasks[i];
    put(d, "task %u %d %s %d %s %s %s %s %d %d %d\n", t->line, t->status, t->symbol, t->proposed,
        S(t->description), S(t->recurrence), S(t->id), S(t->block_id), t->priority,
        t->on_completion, t->mojibake);
    for (uint32_t k = 0; k < t->n_depends_on; k++) put(d, " depends %s\n", S(t->depends_on[k]));
    for (int k = 0; k < NL_DATE__COUNT; k++)
      put(d, " date %d %d %d %d\n", k, t->dates[k].present, t->dates[k].valid, t->dates[k].days);
  }
}

/* The note's dump: a new string (free()). */
static char *note_dump(const nl_note *n) {
  dump d = {0};
  dump_note(&d, n);
  return d.buf;
}

#endif
