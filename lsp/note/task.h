/* task.h: one Obsidian Tasks line: the status marker, the emoji fields (dates, priority,
 * recurrence, id, depends-on) and the bare description. Internal to the note parser, which
 * finds the list items and the tags and mentions on the line. */
#ifndef NL_TASK_H
#define NL_TASK_H

#include <stddef.h>

#include "lsp/note/note.h"

typedef enum {
  NL_FIELD_NONE,
  NL_FIELD_DATE,       /* which: nl_date_field */
  NL_FIELD_PRIORITY,   /* which: nl_priority */
  NL_FIELD_RECURRENCE, /* 🔁 */
  NL_FIELD_ID,         /* 🆔 */
  NL_FIELD_DEPENDS     /* ⛔ */
} nl_task_field_kind;

/* When a task field emoji starts at s[0 .. n) (byte-exact), returns its length in bytes with
 * a following U+FE0F included and sets *kind and *which; else returns 0. */
size_t nl_task_emoji(const char *s, size_t n, nl_task_field_kind *kind, int *which);

/* Recognizes a task's status marker at line[col ..]: "[c]" with one byte c, or "[ ?]", then a
 * space, a tab or the end of the line. On success fills t's line, status, status_char,
 * status_range and text_range and returns 0; returns -1 when there is no marker. */
int nl_task_marker(nl_task *t, const char *line, size_t len, size_t col, uint32_t line_no);

/* A span of the line, in byte columns, to leave out of the description. */
typedef struct {
  size_t start;
  size_t end;
} nl_task_cut;

/* Reads the fields of the task line after t->text_range.start.col and builds t->text, the
 * description without the fields and without `cuts` (the tags and owner mentions, sorted).
 * Strings go to the arena. 0, or -1 when out of memory. */
int nl_task_fields(nl_task *t, nl_arena *arena, const char *line, size_t len,
                   const nl_task_cut *cuts, size_t n_cuts);

#endif
