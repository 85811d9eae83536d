/* diagnose_impl.h: what the files of one diagnostics run share: the run's state and the
 * helpers that append to its list. diagnose.c holds the entry point and the checks of tasks,
 * people, frontmatter and links; diagnose_mojibake.c the check of mis-decoded text. Private to
 * them. */
#ifndef NL_DIAGNOSE_IMPL_H
#define NL_DIAGNOSE_IMPL_H

#include "lsp/index/config.h"
#include "lsp/index/diagnose.h"
#include "protocol/position.h"

/* The state of one run over one note. */
typedef struct {
  const nl_workspace *ws;
  const nl_config *cfg;
  const nl_entry *e;
  const nl_note *note;
  nl_lines ls;            /* the note's text; ls.text NULL when there is none */
  int32_t today;
  nl_diag_list *out;
  int64_t only_line;      /* nl_diagnose_line's line; -1: every line */
  /* mojibake runs as byte ranges of the note, to keep their mentions from being reported twice */
  nl_brange *moji;
  size_t n_moji;
  int oom;
} nl_diag_run;

/* Whether run r reports the problems of `range`: it has only_line, it lies on that line. */
static inline int nl_diag_in_run(const nl_diag_run *r, nl_brange range) {
  return r->only_line < 0 || (range.start.line == r->only_line && range.end.line == r->only_line);
}

static inline int nl_diag_is_space(char c) { return c == ' ' || c == '\t'; }

/* A printf into a new string; NULL when out of memory. */
char *nl_diag_fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
/* Appends a diagnostic that takes `message` (steals; NULL means out of memory); the new
 * diagnostic (borrowed, valid until the next push), or NULL when out of memory. */
nl_diag *nl_diag_push(nl_diag_list *l, int severity, const char *code, nl_brange range,
                      char *message);
/* The parser's position of byte offset off of ls's text, clamped to its line. */
nl_bpos nl_diag_bpos(const nl_lines *ls, size_t off);
/* Whether two ranges share a byte. */
int nl_diag_ranges_overlap(nl_brange a, nl_brange b);

/* Reports text that looks like UTF-8 decoded as Windows-1252 or Mac Roman, outside code;
 * fills r->moji. Runs first, so later checks can leave mentions inside its runs alone. */
void nl_diag_check_mojibake(nl_diag_run *r);

#endif
