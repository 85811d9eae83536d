/* diagnose_incr.c: what re-diagnosing after an edit may skip. Another note's diagnostics read
 * an edited note only through its face (what links, mentions and frontmatter names resolve to,
 * and the headings and block ids their fragments name), so while the face stays the same, as
 * it does for nearly every keystroke, only the edited note itself needs diagnosing again. */
#include "lsp/index/diagnose.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Appends s and its NUL to out at *at (out NULL: only counts). */
static void put(char *out, size_t *at, const char *s) {
  size_t n = strlen(s != NULL ? s : "") + 1;
  if (out != NULL) memcpy(out + *at, s != NULL ? s : "", n);
  *at += n;
}

/* The note's part of a face: its title, aliases, headings and block ids, item i < n_items. */
static size_t n_items(const nl_note *n) {
  return n != NULL ? 1 + (size_t)n->n_aliases + n->n_headings + n->n_blocks : 0;
}

static const char *item(const nl_note *n, size_t i) {
  if (i == 0) return n->title != NULL ? n->title->text : NULL;
  if (--i < n->n_aliases) return n->aliases[i].text;
  if ((i -= n->n_aliases) < n->n_headings) return n->headings[i].text;
  return n->blocks[i - n->n_headings].id;
}

/* The face of e into out (NULL: only its length); returns its length. Each list is preceded by
 * its count, so moving a name from one list to the next changes the face. */
static size_t face_write(const nl_entry *e, char *out) {
  const nl_note *n = e->note;
  size_t at = 0;
  char counts[96];
  snprintf(counts, sizeof counts, "%d %u %u %u", (int)e->kind, n ? n->n_aliases : 0u,
           n ? n->n_headings : 0u, n ? n->n_blocks : 0u);
  put(out, &at, counts);
  put(out, &at, e->rel);
  put(out, &at, e->name);
  for (size_t i = 0; i < n_items(n); i++) put(out, &at, item(n, i));
  return at;
}

int nl_diag_same_face(const nl_note *a, const nl_note *b) {
  if (a == NULL || b == NULL) return a == b;
  if (a->n_aliases != b->n_aliases || a->n_headings != b->n_headings || a->n_blocks != b->n_blocks)
    return 0;
  for (size_t i = 0; i < n_items(a); i++) {
    const char *x = item(a, i), *y = item(b, i);
    if (strcmp(x != NULL ? x : "", y != NULL ? y : "") != 0) return 0;
  }
  return 1;
}

char *nl_diag_face(const nl_entry *e, size_t *len) {
  *len = 0;
  if (e == NULL) return NULL;
  size_t n = face_write(e, NULL);
  char *out = malloc(n);
  if (out == NULL) return NULL;
  *len = face_write(e, out);
  return out;
}

/* ---- one line edited --------------------------------------------------------------------- */

/* Where range r lies against line: 0 off it, 1 on it alone, -1 across it (more lines). */
static int on_line(nl_brange r, uint32_t line) {
  if (r.end.line < line || r.start.line > line) return 0;
  return r.start.line == line && r.end.line == line ? 1 : -1;
}

static int same_range(nl_brange a, nl_brange b) {
  return a.start.line == b.start.line && a.start.col == b.start.col && a.end.line == b.end.line &&
         a.end.col == b.end.col;
}

static int same_link(const nl_link *a, const nl_link *b) {
  return same_range(nl_link_range(a), nl_link_range(b)) && a->line == b->line &&
         a->kind == b->kind && a->spread == b->spread &&
         a->is_block == b->is_block && a->target_cols.a == b->target_cols.a &&
         a->target_cols.b == b->target_cols.b && strcmp(a->target, b->target) == 0 &&
         (a->more == NULL) == (b->more == NULL) &&
         (a->more == NULL ||
          (strcmp(a->more->fragment ? a->more->fragment : "", b->more->fragment ? b->more->fragment : "") == 0 &&
           strcmp(a->more->alias ? a->more->alias : "", b->more->alias ? b->more->alias : "") == 0));
}

static int same_task(const nl_task *a, const nl_task *b) {
  /* The status is the symbol's (under the default statuses): the symbol says it. */
  if (a->line != b->line || a->proposed != b->proposed ||
      a->status_col != b->status_col || a->line_end != b->line_end ||
      a->n_dates != b->n_dates || strcmp(a->symbol, b->symbol) != 0)
    return 0;
  for (uint8_t i = 0; i < a->n_dates; i++) {
    const nl_task_date *x = &a->dates[i], *y = &b->dates[i];
    if (x->present != y->present || x->valid != y->valid || x->field != y->field ||
        x->days != y->days || x->range.a != y->range.a || x->range.b != y->range.b)
      return 0;
  }
  return 1;
}

/* Moves i to the next item of arr[0, n) not on `line` alone (or n); returns 0 from the
 * function when that item lies across the line. */
#define NEXT_OFF(arr, n, i, range_of)                                                        \
  do {                                                                                       \
    while ((i) < (n) && on_line(range_of(&(arr)[i]), line) == 1) (i)++;                     \
    if ((i) < (n) && on_line(range_of(&(arr)[i]), line) < 0) return 0;                       \
  } while (0)

static nl_brange link_range(const nl_link *l) { return nl_link_range(l); }
static nl_brange mention_range(const nl_mention *m) { return (nl_brange){m->at, m->at}; }
static nl_brange task_range(const nl_task *t) { return nl_task_range(t, (nl_col_span){0, 0}); }

/* List arr of a and of b, the items on `line` alone left out, holds the same items (`same`
 * compares a->arr[i] with b->arr[j]); none lies across the line. */
#define SAME_OFF(arr, n, range_of, same)                                                     \
  do {                                                                                       \
    size_t i = 0, j = 0;                                                                     \
    for (;;) {                                                                               \
      NEXT_OFF(a->arr, a->n, i, range_of);                                                   \
      NEXT_OFF(b->arr, b->n, j, range_of);                                                   \
      if (i == a->n || j == b->n) break;                                                     \
      if (!(same)) return 0;                                                                 \
      i++, j++;                                                                              \
    }                                                                                        \
    if (i != a->n || j != b->n) return 0;                                                    \
  } while (0)

int nl_diag_same_but_line(const nl_note *a, const nl_note *b, uint32_t line) {
  if (a == NULL || b == NULL || a->n_lines != b->n_lines || a->fm.present != b->fm.present)
    return 0;
  if (a->fm.present && (a->fm.last_line != b->fm.last_line || line <= a->fm.last_line)) return 0;
  SAME_OFF(links, n_links, link_range, same_link(&a->links[i], &b->links[j]));
  SAME_OFF(mentions, n_mentions, mention_range,
           same_range(mention_range(&a->mentions[i]), mention_range(&b->mentions[j])) &&
               strcmp(a->mentions[i].tail, b->mentions[j].tail) == 0);
  SAME_OFF(tasks, n_tasks, task_range, same_task(&a->tasks[i], &b->tasks[j]));
  /* A code block across the line is the same block when its range is: the mojibake check
   * reads only whether a word lies in code. */
  size_t i = 0, j = 0;
  for (;;) {
    while (i < a->n_code && on_line(a->code[i], line) == 1) i++;
    while (j < b->n_code && on_line(b->code[j], line) == 1) j++;
    if (i == a->n_code || j == b->n_code) break;
    if (!same_range(a->code[i], b->code[j])) return 0;
    i++, j++;
  }
  return i == a->n_code && j == b->n_code;
}
