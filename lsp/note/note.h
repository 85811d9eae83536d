/* note.h: the parse of one markdown note. A parse does no I/O and reads no global state, so
 * notes are parsed in parallel on libuv's thread pool and merged into the index on the loop
 * thread. Every string of a note lives in the note's arena and is freed with the note. */
#ifndef NL_NOTE_H
#define NL_NOTE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lsp/base/arena.h"
#include "lsp/base/vec.h"
#include "protocol/position.h"

/* A position inside the note's text: 0-based line, byte column inside that line. The text is
 * the note as the editor sees it: a leading UTF-8 BOM is not part of line 0, and "\r\n", "\r"
 * and "\n" all end a line (the terminator is never part of a column). */
typedef struct {
  uint32_t line;
  uint32_t col;
} nl_bpos;

typedef struct {
  nl_bpos start;
  nl_bpos end; /* exclusive */
} nl_brange;

/* Byte columns [a, b) on a line the record keeps once: every range of a task lies on its line
 * (nl_task_range), a link's target and fragment on one line (nl_link_target_range), so each
 * such range costs 8 bytes, not 16. */
typedef struct {
  uint32_t a;
  uint32_t b;
} nl_col_span;

/* ---- frontmatter ------------------------------------------------------------------------- */

typedef struct {
  const char *text; /* the scalar's value, NUL-terminated (borrowed from the arena) */
  nl_brange range;  /* of the value as written, without quotes where the value is quoted */
} nl_fm_scalar;

/* 24 bytes: where the key lies is not kept (no feature asked; a note holds about six keys). */
typedef struct {
  const char *key;        /* borrowed from the arena */
  nl_fm_scalar *items;    /* a scalar value is one item; `key:` with no value has none */
  uint32_t n_items;
  uint8_t is_list;        /* the value is a sequence (items are its scalar members) */
  uint8_t is_mapping;     /* the value is a mapping; items is empty */
} nl_fm_entry;

typedef struct {
  nl_fm_entry *entries;   /* top-level keys in order */
  const char *error_message; /* libyaml's problem text, e.g. "did not find expected ..." */
  nl_bpos error_pos;      /* position of the error in the note */
  uint32_t first_line;    /* line of the opening `---` (always 0) */
  uint32_t last_line;     /* line of the closing `---` or `...` */
  uint32_t n_entries;
  uint8_t present;        /* the note starts with a `---` line that is later closed */
  uint8_t is_mapping;     /* the YAML document is a mapping (else entries is empty) */
  uint8_t has_error;      /* YAML syntax error: the entries before it are kept */
} nl_frontmatter;

/* ---- body elements ----------------------------------------------------------------------- */

/* 24 bytes: the range is its lines and the end column (it starts at column 0); read it with
 * nl_heading_range. */
typedef struct {
  const char *text;       /* the heading's text, inline markup kept as written, trimmed; its
                             anchor is computed when asked (nl_note_slug) */
  uint32_t line;          /* the heading's line (the text's first line for a setext heading) */
  uint32_t end_line;      /* its last line: line, or a setext heading's underline */
  uint32_t end_col;       /* the end of end_line */
  uint8_t level;          /* 1..6 */
} nl_heading;

/* The whole heading: from column 0 of its line to the end of its last line. */
static inline nl_brange nl_heading_range(const nl_heading *h) {
  nl_brange r = {{h->line, 0}, {h->end_line, h->end_col}};
  return r;
}

typedef struct {
  const char *id;         /* without the '^' */
  nl_brange range;        /* of "^id" */
} nl_block_id;

typedef enum {
  NL_LINK_WIKI,           /* [[target#heading|alias]] */
  NL_LINK_EMBED,          /* ![[target]] */
  NL_LINK_MARKDOWN        /* [text](path.md#heading), URL-decoded; local targets only: a note
                             (with or without .md), "#heading" of this note (target ""), or an
                             attachment ("img/x.png"); an image "![alt](img/x.png)" is
                             one too (an embed, as Obsidian reads it), its range from the '!' */
} nl_link_kind;

/* What few links have (about one in six in a generated vault): a fragment or an alias. */
typedef struct {
  const char *fragment;   /* the text after '#' (after "#^" for a block), or NULL: read it with
                             nl_link_heading and nl_link_block */
  const char *alias;      /* text after '|' (or the markdown link text), or NULL */
  nl_col_span fragment_cols; /* the heading/block text after '#' ('^' included) */
} nl_link_more;

/* The record of a link that does not lie on its target's line (a markdown link whose text
 * or title spreads over lines): what nl_link_more holds, and the whole link's range. */
typedef struct {
  nl_link_more more;
  nl_brange range;
} nl_link_spread;

/* A vault holds about seven links a note, so a link keeps its target, and the whole link when
 * it lies on the same line, as columns on that one line (a wikilink is one line; a markdown
 * destination holds no line end), read with nl_link_range, nl_link_target_range and
 * nl_link_fragment_range, and its fragment and alias apart (nl_link_more, read with
 * nl_link_heading, nl_link_block and nl_link_alias): 40 bytes. */
typedef struct {
  const char *target;     /* note part as written (decoded for markdown links): "Ana Ruiz",
                             "Meetings/x", "x.md", "../People/Ana Ruiz.md"; "" for [[#heading]] */
  const nl_link_more *more; /* NULL when the link has neither a fragment nor an alias; the
                               first field of an nl_link_spread when spread is set */
  uint32_t line;          /* the line of target_cols, of the fragment and (unless spread) of
                             the whole link */
  nl_col_span target_cols;    /* the target text inside the brackets (the href for markdown) */
  nl_col_span cols;       /* the whole link on `line`, brackets (and '!') included, unless
                             spread: read it with nl_link_range */
  uint8_t kind;           /* nl_link_kind */
  uint8_t is_block;       /* the fragment is a block id ("#^id") */
  uint8_t spread;         /* the link starts or ends on another line: its range is in its
                             nl_link_spread */
} nl_link;

/* The whole link, brackets (and '!') included. */
static inline nl_brange nl_link_range(const nl_link *l) {
  if (l->spread) return ((const nl_link_spread *)(const void *)l->more)->range;
  nl_brange r = {{l->line, l->cols.a}, {l->line, l->cols.b}};
  return r;
}

/* The heading after '#' and the block id after "#^" (without '^'): at most one is not NULL;
 * borrowed from the note. */
static inline const char *nl_link_heading(const nl_link *l) {
  return l->more == NULL || l->is_block ? NULL : l->more->fragment;
}
static inline const char *nl_link_block(const nl_link *l) {
  return l->more != NULL && l->is_block ? l->more->fragment : NULL;
}
/* The text after '|' (the markdown link's text), or NULL; borrowed from the note. */
static inline const char *nl_link_alias(const nl_link *l) {
  return l->more != NULL ? l->more->alias : NULL;
}

static inline nl_brange nl_link_target_range(const nl_link *l) {
  nl_brange r = {{l->line, l->target_cols.a}, {l->line, l->target_cols.b}};
  return r;
}

/* The heading/block text after '#' ('^' included), or empty at the target's end. */
static inline nl_brange nl_link_fragment_range(const nl_link *l) {
  nl_col_span c = l->more != NULL && l->more->fragment != NULL
                      ? l->more->fragment_cols
                      : (nl_col_span){l->target_cols.b, l->target_cols.b};
  nl_brange r = {{l->line, c.a}, {l->line, c.b}};
  return r;
}

/* 16 bytes: whether a tag is the frontmatter's is where it lies (nl_note.n_fm_tags), and its
 * range follows from where it starts (read it with nl_note_tag_range). A tag in the body is
 * "#name" at (line, col). A frontmatter tag's line is the index of its value among the `tags:`
 * (or `tag:`) entry's items, and col where in the value it starts when the value is written as
 * is in the source, else NL_TAG_WHOLE_VALUE (its range is the value's). */
typedef struct {
  const char *name;       /* without '#': "account/contoso" */
  uint32_t line;
  uint32_t col;
} nl_tag;
#define NL_TAG_WHOLE_VALUE UINT32_MAX

/* An @mention. Which person it names is resolved by the index, which knows the people: the
 * longest known name or alias that `tail` starts with at a word boundary, else its first word
 * (nl_mention_word_len). 16 bytes: the first word is read from the tail when asked, and the
 * task a mention belongs to is the one on its line (nl_task_owners). */
typedef struct {
  const char *tail;       /* text after '@' up to the end of the clause: stops at end of line,
                             another '@', " #", "[[", a task field emoji, or one of ",;()[]" */
  nl_bpos at;             /* position of the '@' */
} nl_mention;

/* The length of the mention's first word, tail[0 .. n) (letters, digits, '-', '_', '.', '\'',
 * a word read through mojibake as its repair reads; no '.', '\'' or '-' at its end). */
size_t nl_mention_word_len(const nl_mention *m);

/* ---- tasks ------------------------------------------------------------------------------- */

/* A task is read as Obsidian Tasks reads a line in its emoji format (lsp/task.c has the rules):
 * the fields are taken from the END of the line backwards, so a date emoji in the middle of the
 * description is description text. Everything here comes from the line alone; what depends on
 * the configuration (custom statuses, whether `[?]` is proposed) is asked of lsp/task.h:
 * nl_task_status_of() and nl_task_is_proposed(). Field names are stable: the task query and
 * every feature read them. */

/* Obsidian Tasks' status types. */
typedef enum {
  NL_TASK_OPEN,           /* TODO: ' ' and every symbol no status maps otherwise */
  NL_TASK_DONE,           /* 'x' 'X' */
  NL_TASK_CANCELLED,      /* '-' */
  NL_TASK_IN_PROGRESS,    /* '/' */
  NL_TASK_NON_TASK,       /* only from a configured status (`tasks.statuses`) */
  NL_TASK_STATUS__COUNT
} nl_task_status;

typedef enum {
  NL_DATE_DUE,            /* 📅 📆 🗓 */
  NL_DATE_SCHEDULED,      /* ⏳ ⌛ */
  NL_DATE_START,          /* 🛫 */
  NL_DATE_CREATED,        /* ➕ */
  NL_DATE_DONE,           /* ✅ */
  NL_DATE_CANCELLED,      /* ❌ */
  NL_DATE__COUNT
} nl_date_field;

/* A date field: its emoji (with any U+FE0F), spaces, then exactly \d{4}-\d{2}-\d{2}. A value of
 * another shape ("tomorrow", "<% tp.date.now() %>", "{{date}}") makes no field at all: the
 * emoji and the value stay description text, as in Tasks. A task keeps only the dates it has
 * (nl_task_date_of). 12 bytes: the flags and the day share 32 bits (a four-digit year's day
 * is within +-2^22 of 1970). */
typedef struct {
  unsigned present : 1;
  unsigned valid : 1;     /* the value is a real calendar date ("2025-11-31" is not) */
  unsigned mojibake : 1;  /* the emoji was read through mojibake ("üìÖ" for 📅) */
  unsigned field : 3;     /* nl_date_field */
  signed days : 26;       /* days since 1970-01-01 when valid, else 0 */
  nl_col_span range;      /* emoji through the end of the value; the value is its last 10
                             bytes (nl_task_date_value) */
} nl_task_date;

typedef enum {
  NL_PRIORITY_NONE,
  NL_PRIORITY_LOWEST,     /* ⏬ */
  NL_PRIORITY_LOW,        /* 🔽 */
  NL_PRIORITY_MEDIUM,     /* 🔼 */
  NL_PRIORITY_HIGH,       /* ⏫ */
  NL_PRIORITY_HIGHEST     /* 🔺 */
} nl_priority;

/* 🏁 keep / delete: what completing the task does with the completed line. */
typedef enum {
  NL_ON_COMPLETION_NONE,  /* no 🏁, or a value Tasks ignores */
  NL_ON_COMPLETION_KEEP,
  NL_ON_COMPLETION_DELETE
} nl_on_completion;

/* How the line itself says the task is proposed (bits of nl_task.proposed). A `[?]` task is
 * proposed only when the configuration says so: ask nl_task_is_proposed(). */
enum {
  NL_PROPOSED_WIDE = 1,   /* the status is written "[ ?]" */
  NL_PROPOSED_TAG = 2,    /* the line has a #proposed tag */
  NL_PROPOSED_QUESTION = 4 /* the status is "[?]" */
};

#define NL_NONE UINT32_MAX

/* The fields a task seldom has, kept apart so that the others do not pay for them. */
typedef struct {
  const char *recurrence; /* the rule after 🔁, trimmed ("every week when done"), or NULL */
  const char *id;         /* after 🆔 ([A-Za-z0-9_-]+), or NULL */
  const char **depends_on; /* after ⛔: the ids of the comma-separated list, spaces removed */
  const char *block_id;   /* a trailing " ^id" (without '^'), kept out of the description; the
                             note's blocks index it too; NULL when absent */
  uint32_t n_depends_on;
} nl_task_more;

/* Tasks are the bulk of a vault's index (a 100,000-note vault holds about 465,000), so the
 * small fields are bytes, ranges are columns on the task's line (nl_task_range), only the
 * dates present are kept, the fields few tasks have are apart (nl_task_more), the marker's
 * and the text's columns follow from where the marker starts and the line ends
 * (nl_task_status_cols, nl_task_text_cols), its owners and tags are the note's on its line
 * (nl_task_owners, nl_task_tags): 48 bytes a task, not 104. Where each other field
 * lies on the line (nl_task_layout) is not kept: a feature that rewrites the line has its
 * text and reads it again (nl_task_layout_of). */
typedef struct {
  uint32_t line;
  uint8_t status;         /* nl_task_status under the default statuses (no configuration) */
  uint8_t priority;       /* nl_priority */
  uint8_t proposed;       /* NL_PROPOSED_* bits */
  uint8_t on_completion;  /* nl_on_completion */
  uint8_t mojibake;       /* some field emoji were read through mojibake */
  uint8_t n_dates;        /* dates[0 .. n_dates), in the order of nl_date_field */
  char symbol[5];         /* the status symbol, one UTF-8 character, NUL-terminated ("?" in
                             "[ ?]") */
  uint32_t status_col;    /* the marker's '[' (nl_task_status_cols) */
  uint32_t line_end;      /* the end of the line (nl_task_text_cols) */
  const char *description; /* as Tasks has it: the text before the trailing fields, trimmed,
                              then the tags that were among the fields */
  const nl_task_date *dates; /* the dates present (read them with nl_task_date_of) */
  const nl_task_more *more; /* the fields few tasks have, NULL when it has none (read them
                               with nl_task_recurrence, nl_task_id, nl_task_block_id and
                               nl_task_depends_on) */
} nl_task;

/* A task's seldom fields (nl_task_more), borrowed from the note; NULL or 0 when absent. */
static inline const char *nl_task_recurrence(const nl_task *t) {
  return t->more != NULL ? t->more->recurrence : NULL;
}
static inline const char *nl_task_id(const nl_task *t) {
  return t->more != NULL ? t->more->id : NULL;
}
static inline const char *nl_task_block_id(const nl_task *t) {
  return t->more != NULL ? t->more->block_id : NULL;
}
static inline uint32_t nl_task_n_depends_on(const nl_task *t) {
  return t->more != NULL ? t->more->n_depends_on : 0;
}
/* The i-th id the task depends on, i < nl_task_n_depends_on(t). */
static inline const char *nl_task_depends_on(const nl_task *t, uint32_t i) {
  return t->more->depends_on[i];
}

/* The range of span s on t's line. */
static inline nl_brange nl_task_range(const nl_task *t, nl_col_span s) {
  nl_brange r = {{t->line, s.a}, {t->line, s.b}};
  return r;
}

/* The marker, brackets inclusive: "[ ?]" or "[?]". */
static inline nl_col_span nl_task_status_cols(const nl_task *t) {
  uint32_t b = t->status_col + 2 + (uint32_t)strlen(t->symbol) +
               ((t->proposed & NL_PROPOSED_WIDE) != 0);
  nl_col_span s = {t->status_col, b};
  return s;
}

/* The text: from after "] " (the space or tab after the marker) to the end of the line. */
static inline nl_col_span nl_task_text_cols(const nl_task *t) {
  uint32_t after = nl_task_status_cols(t).b;
  nl_col_span s = {after < t->line_end ? after + 1 : t->line_end, t->line_end};
  return s;
}

/* The task's date `field`: borrowed from the task, or a date whose present is 0 (static). */
const nl_task_date *nl_task_date_of(const nl_task *t, nl_date_field field);

/* The range of a date's value (the 10 bytes YYYY-MM-DD) on t's line. */
static inline nl_brange nl_task_date_value(const nl_task *t, const nl_task_date *d) {
  nl_brange r = {{t->line, d->range.b - 10}, {t->line, d->range.b}};
  return r;
}

/* ---- the note ---------------------------------------------------------------------------- */

/* A kept position's column in the client's units (columns.h): the byte column minus d16 in
 * UTF-16, minus d32 in UTF-32. 6 bytes (a note holds about 18): positions past line or byte
 * column 65,535 or with more than 255 bytes of difference are not kept (they convert from
 * the text). */
typedef struct {
  uint16_t line;
  uint16_t col;
  uint8_t d16;
  uint8_t d32;
} nl_note_col;

/* Every parsed note of the vault stays in memory, so counts are 32-bit and grouped after
 * the pointers they count (no padding between them). */
typedef struct nl_note {
  nl_arena arena;         /* owns every string and array below; the note's path is its
                             index entry's (a parse does not depend on it) */

  nl_frontmatter fm;
  /* Frontmatter fields that matter, taken from fm (NULL / empty when absent): */
  const nl_fm_scalar *type;
  const nl_fm_scalar *title;
  const nl_fm_scalar *account;
  const nl_fm_scalar *date;
  const nl_fm_scalar *aliases;      /* string or list: n_aliases */
  const nl_fm_scalar *participants; /* n_participants */

  nl_heading *headings;   /* n_headings */
  nl_block_id *blocks;    /* n_blocks */
  nl_link *links;         /* n_links */
  nl_tag *tags;           /* n_tags: frontmatter `tags:` first (the first n_fm_tags), then
                             inline */
  nl_mention *mentions;   /* n_mentions */
  nl_task *tasks;         /* n_tasks */
  nl_brange *code;        /* n_code: code blocks (whole lines) and code spans, in document
                             order: text that is not prose */
  /* Client columns without the text (columns.h): bit i of wide is set when line i holds a
   * non-ASCII byte (NULL: none does); cols are sorted by (line, col). */
  const uint8_t *wide;
  nl_note_col *cols;      /* n_cols */

  uint32_t n_lines;
  uint32_t n_aliases, n_participants;
  uint32_t n_headings, n_blocks, n_links, n_tags, n_mentions, n_tasks, n_code, n_cols;
  uint32_t n_fm_tags;     /* tags[0 .. n_fm_tags) are the frontmatter's */
  uint8_t has_bom;
  uint8_t crlf;           /* the first line ending is "\r\n" */
  uint8_t borrowed;       /* the struct and its parse lie in memory the note does not own (a
                             mapped index cache, lsp/index/cache.h): nl_note_free frees
                             nothing; 0 for every parse */
} nl_note;

/* Parses `text` (len bytes, need not be NUL-terminated, may hold invalid UTF-8) as a note: the
 * parse does not depend on the note's path, which the index keeps (nl_entry). Returns a new note (free with nl_note_free), NULL only when out of
 * memory. Nothing inside code spans, fenced or indented code, HTML or math counts as a link,
 * tag, mention or task. */
nl_note *nl_note_parse(const char *text, size_t len);
/* ---- after an edit ---------------------------------------------------------------------- */

/* One leaf block of the body as the markdown parser gave it (paragraph, heading, code block):
 * what the parse reads of its node, in the parser's units (1-based lines of the body). */
typedef struct {
  int32_t start_line, end_line, start_col;
  uint8_t type;           /* NL_NOTE_BLOCK_* */
  uint8_t level;          /* a heading's 1..6 */
  uint8_t first_in_item;  /* a paragraph that is the first block of a list item */
} nl_note_block;
enum { NL_NOTE_BLOCK_PARAGRAPH = 1, NL_NOTE_BLOCK_HEADING, NL_NOTE_BLOCK_CODE };

/* The leaf blocks of a parse in document order, kept by an open document so that the next
 * parse, when its edit cannot change them, walks them instead of parsing the markdown again
 * (blocks.c says when). Zero-initialise; free with nl_note_blocks_free. */
typedef struct {
  nl_vec list;            /* of nl_note_block, in document order */
  uint32_t body_line;     /* the note line of the parser's line 1 */
  uint8_t valid;          /* items are those of the last parse given these blocks */
  uint32_t reused;        /* parses that walked these blocks instead of parsing (for tests) */
} nl_note_blocks;

/* Frees the records and empties b; accepts NULL. */
void nl_note_blocks_free(nl_note_blocks *b);

/* What an edit left of the text an earlier parse (`prev` below) read: its first `head` bytes
 * and its last `tail` bytes are those of the new text too (SIZE_MAX each: nothing changed). */
typedef struct {
  size_t head, tail;
  nl_note_blocks *blocks; /* may be NULL; in: prev's leaf blocks (when valid), out: the new
                             parse's (borrowed) */
  const nl_lines *lines;  /* may be NULL: the new text's line table (borrowed), which tells
                           * nl_ws_update_ex the edit's line; without it none is kept */
  /* Out, set by nl_ws_update_ex: the edit lies inside line `line` (UINT32_MAX: the text is
   * the same) and the new parse gives every other line the diagnostics prev gave it
   * (nl_diag_same_but_line). */
  uint8_t same_but_line;
  uint32_t line;
} nl_note_edit;

/* The same after an edit: `prev` (borrowed, may be NULL) is a parse of the text `edit`
 * describes the change from. What lies wholly before the edit (the frontmatter) is taken from
 * prev, and the body's block structure from edit->blocks when the edit cannot change it,
 * instead of being parsed again. The note is the one nl_note_parse gives. edit may be NULL
 * (a whole parse; with edit->blocks, the blocks are still recorded). */
nl_note *nl_note_parse_ex(const char *text, size_t len, const nl_note *prev,
                          const nl_note_edit *edit);

/* Moves everything the note holds into one block of exactly the bytes used, its records first
 * and then its strings, each distinct text once (two fields with equal text may then share
 * one string: a note's strings are never written after the parse), so a parsed note costs
 * what it stores; pointers into the note change. Returns 0, or -1 when out of memory
 * (the note is unchanged). The index compacts every note it keeps. */
int nl_note_compact(nl_note *note);
/* The same; the old blocks go to `spare` for reuse (nl_arena_recycle) instead of being freed
 * when spare is not NULL. */
int nl_note_compact_ex(nl_note *note, nl_arena *spare);

/* Calls fn on every pointer the note holds that is not NULL (strings, arrays, the frontmatter
 * shortcuts) and stores what fn returns in its place: how compaction moves a note, and how the
 * index cache re-bases a stored note. An array's elements are visited through the pointer fn
 * returned for the array, so fn must return readable memory for arrays. */
typedef void *(*nl_note_pointer_fn)(void *ud, const void *p);
void nl_note_each_pointer(nl_note *note, nl_note_pointer_fn fn, void *ud);
/* The same, reading only: calls fn with where each pointer that is not NULL lies (`slot`, in
 * the struct or in one of its arrays) and what it holds; nothing is written, so it may run
 * while other threads read the note. How the index cache writes a copy of a note whose
 * pointers lead to where the copy will be mapped. */
typedef void (*nl_note_field_fn)(void *ud, const void *slot, const void *p);
void nl_note_each_field(const nl_note *note, nl_note_field_fn fn, void *ud);

/* Frees the note and its arena; accepts NULL, and frees nothing of a borrowed note. */
void nl_note_free(nl_note *note);

/* Whether line[0 .. len) is a frontmatter fence: `fence` ("---" or "...") and nothing after it
 * but blanks. The one test, for the parse and for completion on live text. */
int nl_note_is_fence(const char *line, size_t len, const char *fence);

/* The GitHub-style anchor of heading text (lowercased, spaces to '-', punctuation dropped):
 * nl_note_slug_into writes it into out, room for n + 1 bytes, and returns its length (never
 * more than n); nl_note_slug returns it new (free()), NULL when out of memory. */
size_t nl_note_slug_into(const char *text, size_t n, char *out);
char *nl_note_slug(const char *text);

/* The range of tag i of the note (i < n_tags): of "#name" in the body; of the tag in the
 * frontmatter value where the value is written as is, else of the value. */
nl_brange nl_note_tag_range(const nl_note *note, size_t i);

/* The task's owners, the mentions on its line: note->mentions[*first .. *first + n), where n
 * is what it returns (t is one of note's tasks; mentions lie in the order of the text). */
uint32_t nl_task_owners(const nl_note *note, const nl_task *t, uint32_t *first);
/* The tags on the task's line: note->tags[*first .. *first + n), n returned. */
uint32_t nl_task_tags(const nl_note *note, const nl_task *t, uint32_t *first);

/* Finds the frontmatter entry with `key` (ASCII case-insensitive); borrowed, or NULL. */
const nl_fm_entry *nl_note_fm_get(const nl_note *note, const char *key);

/* Days since 1970-01-01 of a YYYY-MM-DD date of `len` bytes; -1 (and no days) when it is not a
 * real calendar date in exactly that form. */
int nl_date_parse(const char *s, size_t len, int32_t *days);
/* Days in `month` (1-12) of `year` in the proleptic Gregorian calendar; 0 for another month.
 * The one calendar rule: nl_date_parse and every date check use it. */
int nl_date_days_in_month(int32_t year, int month);

/* The year, month (1-12) and day (1-31) of `days`. */
void nl_date_civil(int32_t days, int32_t *year, int32_t *month, int32_t *day);
/* Writes YYYY-MM-DD for `days` into buf (at least 11 bytes). */
void nl_date_format(int32_t days, char *buf);

#endif
