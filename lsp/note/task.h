/* task.h: one Obsidian Tasks line, read as Tasks reads its emoji format, and what depends on
 * the configuration: status types (`tasks.statuses`) and proposed tasks. The task struct
 * itself (nl_task) is in note.h with the rest of a note's parse.
 *
 * The program's one table of task field emoji is here: the parser, the mention scanner,
 * completion, hover and the code actions all read it. */
#ifndef NL_TASK_H
#define NL_TASK_H

#include <stddef.h>
#include <stdint.h>

#include "lsp/note/note.h"

/* ---- the field emoji --------------------------------------------------------------------- */

typedef enum {
  NL_FIELD_NONE,
  NL_FIELD_DATE,          /* which: nl_date_field */
  NL_FIELD_PRIORITY,      /* which: nl_priority */
  NL_FIELD_RECURRENCE,    /* 🔁 */
  NL_FIELD_ON_COMPLETION, /* 🏁 */
  NL_FIELD_ID,            /* 🆔 */
  NL_FIELD_DEPENDS        /* ⛔ */
} nl_task_field_kind;

typedef struct {
  const char *emoji;      /* UTF-8, without U+FE0F (static) */
  nl_task_field_kind kind;
  int which;
  int canonical;          /* the spelling Tasks itself writes (📅, not 📆 or 🗓) */
  const char *name;       /* "due date", "high priority", "recurrence", ... (static) */
} nl_task_emoji_def;

/* The table, in Tasks' order; *n gets its length. Borrowed, static. */
const nl_task_emoji_def *nl_task_emoji_table(size_t *n);

/* When a field emoji starts at s[0 .. n) (byte-exact), returns its length in bytes with a
 * following U+FE0F included and sets *kind and *which (either may be NULL); else 0. */
size_t nl_task_emoji(const char *s, size_t n, nl_task_field_kind *kind, int *which);

/* When a field emoji (and any U+FE0F after it) ends exactly at s[end], not before s[start]:
 * returns where it starts and sets *kind and *which (either may be NULL); else SIZE_MAX. */
size_t nl_task_emoji_before(const char *s, size_t start, size_t end, nl_task_field_kind *kind,
                            int *which);

/* The canonical emoji of a date field or a priority (static UTF-8); "" for NL_PRIORITY_NONE. */
const char *nl_task_date_emoji(nl_date_field f);
const char *nl_task_priority_emoji(nl_priority p);

/* ---- configuration ----------------------------------------------------------------------- */

/* One status, as Tasks' custom statuses have it. */
typedef struct {
  char symbol[5];         /* one UTF-8 character */
  char next[5];           /* the symbol that follows it when toggled ("" = Tasks' default) */
  char *name;             /* new, owned by the settings */
  uint8_t type;           /* nl_task_status */
} nl_task_status_def;

/* What the `tasks:` setting configures (see config.h). A zeroed struct is the default. */
typedef struct {
  nl_task_status_def *statuses; /* new array owned by the settings; consulted before the
                                   defaults (' ' todo, x/X done, / in progress, - cancelled) */
  size_t n_statuses;
  int question_is_proposed;     /* `tasks.questionIsProposed`: "[?]" is a proposed task */
} nl_task_settings;

/* Frees what s owns and zeroes it; accepts NULL. */
void nl_task_settings_clear(nl_task_settings *s);
/* Deep copy into dst (zeroed first); 0, or -1 when out of memory (dst then empty). */
int nl_task_settings_copy(nl_task_settings *dst, const nl_task_settings *src);
/* The status type of `symbol` (one UTF-8 character) under s (may be NULL), and its name
 * ("Todo", "Done", "In Progress", "Cancelled", a configured name, or "Unknown"), static or
 * borrowed from s. */
nl_task_status nl_task_symbol_type(const nl_task_settings *s, const char *symbol,
                                   const char **name);

/* The symbol completing a task writes: "x" unless the settings give "x" another type, then the
 * first configured status of type done. Static or borrowed from s. */
const char *nl_task_done_symbol(const nl_task_settings *s);
/* The status of a recurring task's next occurrence once `done` was written, as Tasks picks it:
 * along the `next` symbols from `done`, the first todo, else the first in progress, else " ".
 * Static or borrowed from s. */
const char *nl_task_recurrence_symbol(const nl_task_settings *s, const char *done);

/* The task's status type under the settings (NULL: the defaults). */
nl_task_status nl_task_status_of(const nl_task *t, const nl_task_settings *s);
/* Whether the task is proposed: "[ ?]", a #proposed tag, or "[?]" when
 * s->question_is_proposed. s may be NULL. */
int nl_task_is_proposed(const nl_task *t, const nl_task_settings *s);
/* The same from a task's `proposed` bits alone (the index's task table keeps them). */
int nl_task_proposed_bits(unsigned proposed, const nl_task_settings *s);
/* Whether the task is still to do (TODO or IN_PROGRESS, as Tasks' "not done"). */
int nl_task_is_open(const nl_task *t, const nl_task_settings *s);

/* The name of a status type: "todo", "done", "cancelled", "in_progress", "non_task" (static);
 * nl_task_status_parse is its inverse, -1 for an unknown name. */
const char *nl_task_status_type_name(nl_task_status type);
int nl_task_status_parse(const char *name);

/* ---- the parse (used by the note parser) ------------------------------------------------- */

/* Recognizes a task's status marker at line[col ..]: "[c]" with one character c, or "[ ?]",
 * then a space, a tab or the end of the line. On success fills t's line, status, symbol,
 * proposed (the marker's bits), status_col and line_end and returns 0; -1 when there is
 * no marker. */
int nl_task_marker(nl_task *t, const char *line, size_t len, size_t col, uint32_t line_no);

/* Where the fields of a task lie on its line, as columns [a, b) (empty, a == b, when the task
 * has no such field). Not kept with the task: nl_task_layout_of reads it from the line. */
typedef struct {
  nl_col_span description; /* the description before the trailing fields, trimmed */
  nl_col_span fields;      /* from the first trailing field (or tag among them) to the end of
                               the last, block id excluded; empty at description.b when none */
  nl_col_span priority;
  nl_col_span recurrence;  /* 🔁 through the end of the rule */
  nl_col_span on_completion; /* 🏁 through its value; empty when on_completion is NONE */
  nl_col_span id;          /* 🆔 through the end of the id */
  nl_col_span depends;     /* ⛔ through the end of the list */
  nl_col_span block;       /* of "^id" */
} nl_task_layout;

/* Reads the fields of the task line after nl_task_text_cols(t).a from the end backwards, as
 * Obsidian Tasks' DefaultTaskSerializer does (a trailing block id first, then up to 21 rounds
 * of priority, done, cancelled, due, scheduled, start, created, recurrence, on-completion,
 * tags, id, depends-on, each anchored at the end), including emoji that arrived as mojibake
 * (lsp/mojibake.h). Fills the fields and the description; strings go to the arena; where the
 * fields lie goes to *layout when it is not NULL. 0, or -1 when out of memory. */
int nl_task_fields(nl_task *t, nl_arena *arena, const char *line, size_t len,
                   nl_task_layout *layout);

/* Where the fields of task t (parsed from line[0 .. len), the whole line) lie on it, read
 * again from the line. 0, or -1 when out of memory (*layout is then all empty). */
int nl_task_layout_of(const nl_task *t, const char *line, size_t len, nl_task_layout *layout);

#endif
