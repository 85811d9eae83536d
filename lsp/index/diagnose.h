/* diagnose.h: the diagnostics engine. Computes the problems of one indexed note from its parse
 * (e->note), the index (for links, people and accounts) and its text (for mojibake), with no
 * JSON and no I/O, so the server, the code actions and `notes-lsp check` share one answer.
 * Every range is a byte range of the note (nl_brange); callers convert to their positions. */
#ifndef NL_DIAGNOSE_H
#define NL_DIAGNOSE_H

#include <stddef.h>
#include <stdint.h>

#include "lsp/note/note.h"
#include "lsp/index/workspace.h"

/* Severities use the LSP numbers, so they go to the wire unchanged. */
enum {
  NL_SEV_ERROR = 1,
  NL_SEV_WARNING = 2,
  NL_SEV_INFORMATION = 3,
  NL_SEV_HINT = 4
};

/* The stable diagnostic codes (the `code` field; also printed by `notes-lsp check`):
 *   proposed-task     information  a proposed task (`[ ?]`, #proposed, or `[?]` when
 *                                  `tasks.questionIsProposed`), from its status to the line's end
 *   overdue-task      warning      a task still to do (todo, in progress or proposed, custom
 *                                  statuses counted by type) whose valid due date is before
 *                                  today; the due field (emoji and date)
 *   invalid-date      error        a task date field (YYYY-MM-DD shaped, as Tasks reads it) or
 *                                  a non-empty frontmatter `date:` that is not a real date
 *                                  (`date:` may carry a time after 'T'/' ')
 * Notes in template folders (config.h `templates`) get no task, mention or link diagnostics.
 *   unknown-person    warning      an @mention that names no person and no owner name, or a
 *                                  `participants:` entry with no person note ("[[Name]]" works)
 *   unknown-account   warning      a frontmatter `account:` with no account note
 *   broken-link       warning      a wikilink, embed or markdown link to no note and no file;
 *                                  a dotted name is a note when one has that name
 *                                  ([[2021.07.17]]), a file when one has it; a missing
 *                                  png/pdf/canvas/... is "no file", any other missing name "no
 *                                  note" (a markdown link with another extension is not judged)
 *   missing-heading   warning      `#heading` (text or slug, ignoring case and punctuation) or
 *                                  `#^block` not in the target; the fragment
 *   alias-link        hint         a wikilink or embed that names its note only by a title or
 *                                  alias, which Obsidian does not follow ([[Leah]] for "Leah
 *                                  Ferguson.md" with alias Leah): it navigates, with a fix
 *   ambiguous-link    warning      a target several notes match; the message names them all
 *                                  and the one used (Obsidian's order: the linking note's
 *                                  folder first, then the shortest path)
 *   frontmatter-error error        the YAML syntax error, from its position to the line's end
 *   mojibake          warning      a word holding UTF-8 decoded as Windows-1252 or Mac Roman
 *
 * The name of an unresolved mention (its range and the "create note" name): the first one to
 * three words after '@' when each starts with a capital or a non-ASCII letter and holds only
 * letters, marks and - ' . ’ (punctuation after a word ends the name: "@Priya Natarajan:"),
 * so "@Jonas Beckerman 📅" flags "@Jonas Beckerman"; otherwise the parser's first word
 * ("@nobody"). A mention inside a mojibake word is left to the mojibake diagnostic, whose
 * repair may well make it resolve. */
#define NL_DIAG_PROPOSED_TASK "proposed-task"
#define NL_DIAG_OVERDUE_TASK "overdue-task"
#define NL_DIAG_INVALID_DATE "invalid-date"
#define NL_DIAG_UNKNOWN_PERSON "unknown-person"
#define NL_DIAG_UNKNOWN_ACCOUNT "unknown-account"
#define NL_DIAG_BROKEN_LINK "broken-link"
#define NL_DIAG_MISSING_HEADING "missing-heading"
#define NL_DIAG_AMBIGUOUS_LINK "ambiguous-link"
#define NL_DIAG_ALIAS_LINK "alias-link"
#define NL_DIAG_FRONTMATTER_ERROR "frontmatter-error"
#define NL_DIAG_MOJIBAKE "mojibake"

/* Each code above with its severity and a one-line description, in the order listed there
 * (for `notes-lsp check --format sarif` and the man page). */
typedef struct {
  const char *code;        /* NL_DIAG_* (static) */
  int severity;            /* NL_SEV_* */
  const char *description; /* static */
} nl_diag_rule;

/* The table (static) and its length in *n. */
const nl_diag_rule *nl_diag_rules(size_t *n);

/* Where a diagnostic points elsewhere: an ambiguous link's candidates. */
typedef struct {
  uint32_t entry;    /* entry id of the related note */
  nl_brange range;   /* in that note (the start of the note for a candidate) */
  char *message;     /* new, freed with the list: "candidate: Projects/Apollo.md" */
} nl_diag_related;

typedef struct {
  nl_brange range;
  int severity;      /* NL_SEV_* */
  const char *code;  /* one of NL_DIAG_* (static) */
  char *message;     /* new, freed with the list */
  nl_diag_related *related; /* new array, freed with the list; NULL when n_related is 0 */
  size_t n_related;
  /* mojibake: the repaired text of range (new, freed with the list; NULL otherwise). */
  char *repaired;
  size_t repaired_len;
  /* broken-link, unknown-person, unknown-account: the name a "create note" action would give
   * the missing note (new, freed with the list; NULL otherwise) and its kind. For a link it
   * is the target as written, which may hold a folder ("People/Ana"). */
  char *missing_name;
  nl_kind missing_kind;
  /* alias-link: the link rewritten to name its note by file, the alias kept as display text
   * ("[[Leah Ferguson|Leah]]"), to replace range (new, freed with the list; NULL otherwise). */
  char *relinked;
} nl_diag;

typedef struct {
  nl_diag *items;    /* sorted by range start, then severity, then code */
  size_t n;
  size_t cap;
} nl_diag_list;

/* Initialises an empty list. */
void nl_diag_list_init(nl_diag_list *list);
/* Frees every diagnostic and the array, leaving an empty list; accepts NULL. */
void nl_diag_list_free(nl_diag_list *list);

/* Computes the diagnostics of entry `e` (borrowed, indexed in `ws`) into `out` (appended, then
 * the whole list is sorted). `text` (len bytes, may be NULL) is the note's current text as the
 * note model sees it, the BOM left out (nl_text_body), used for mojibake and the text of bad
 * dates.
 * `today` is days since 1970-01-01. Returns 0, or -1 when out of memory (out then holds what
 * was computed so far). */
int nl_diagnose(const nl_workspace *ws, const nl_entry *e, const char *text, size_t len,
                int32_t today, nl_diag_list *out);

/* The same for a parse of e's text other than the index's (`note`, borrowed; `text` is what
 * it parsed): an edit for a closed note is computed on the bytes just read. */
int nl_diagnose_note(const nl_workspace *ws, const nl_entry *e, const nl_note *note,
                     const char *text, size_t len, int32_t today, nl_diag_list *out);

/* The bytes of m->tail that an @mention naming no person is taken to mean (the name rules
 * above): "Jonas Beckerman" of "@Jonas Beckerman 📅 ...", "nobody" of "@nobody". */
size_t nl_diag_mention_name_len(const nl_mention *m);

/* The name a frontmatter value (`account:`, a `participants:` entry) gives: the value without
 * surrounding spaces, or the target of a link written as the value ("[[Ana Ruiz]]",
 * "[[People/Ana Ruiz|Ana]]"), as s[*start, *start + *len). */
void nl_diag_fm_name(const char *s, size_t *start, size_t *len);

/* ---- after an edit (diagnose_incr.c) ---------------------------------------------------- */

/* Everything of entry e that another note's diagnostics read (its kind, path, name, title,
 * aliases, headings and block ids), as *len bytes: new (free()), NULL when out of memory or e is
 * NULL. An edit that leaves it the same leaves every other note's diagnostics the same. */
char *nl_diag_face(const nl_entry *e, size_t *len);
/* Whether an entry's face is the same with parse a as with parse b (both borrowed), its kind
 * and path aside: without writing either. */
int nl_diag_same_face(const nl_note *a, const nl_note *b);

/* Whether parses a and b (borrowed) of a note whose text differs only inside line `line` give
 * the diagnostics of every other line the same: the same line count and frontmatter (which
 * ends above the line), and the same links, mentions, tasks and code ranges off the line,
 * none of them across it. Then, with the index and the note's face as they were, its
 * diagnostics are the earlier ones off the line and nl_diagnose_line's on it. */
int nl_diag_same_but_line(const nl_note *a, const nl_note *b, uint32_t line);

/* The diagnostics of entry e (as nl_diagnose) that its items on line `line` alone give (its
 * tasks, mentions and links there, and mojibake words there): into out, sorted. 0; 1 when an
 * item lies across the line (out is then not those); -1 when out of memory. */
int nl_diagnose_line(const nl_workspace *ws, const nl_entry *e, const char *text, size_t len,
                     int32_t today, uint32_t line, nl_diag_list *out);

/* The name of a severity: "error", "warning", "information", "hint" (static). */
const char *nl_diag_severity_name(int severity);

#endif
