/* diagnose.c: the problems of one note. One pass over the parse per kind of problem; the text
 * is read only through a line table built once, so a note's diagnostics cost in proportion to
 * the note. */
#include "lsp/index/diagnose.h"
#include "lsp/index/diagnose_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lsp/base/unicode.h"
#include "lsp/index/config.h"
#include "lsp/index/link_writer.h"
#include "lsp/note/task.h"
#include "protocol/position.h"
#include "protocol/utf8.h"

/* ---- the list ---------------------------------------------------------------------------- */

void nl_diag_list_init(nl_diag_list *list) {
  list->items = NULL;
  list->n = 0;
  list->cap = 0;
}

void nl_diag_list_free(nl_diag_list *list) {
  if (list == NULL) return;
  for (size_t i = 0; i < list->n; i++) {
    nl_diag *d = &list->items[i];
    free(d->message);
    for (size_t j = 0; j < d->n_related; j++) free(d->related[j].message);
    free(d->related);
    free(d->repaired);
    free(d->missing_name);
    free(d->relinked);
  }
  free(list->items);
  nl_diag_list_init(list);
}

const char *nl_diag_severity_name(int severity) {
  switch (severity) {
  case NL_SEV_ERROR: return "error";
  case NL_SEV_WARNING: return "warning";
  case NL_SEV_INFORMATION: return "information";
  default: return "hint";
  }
}

static const nl_diag_rule rules[] = {
    {NL_DIAG_PROPOSED_TASK, NL_SEV_INFORMATION,
     "a proposed task waits to be accepted or rejected"},
    {NL_DIAG_OVERDUE_TASK, NL_SEV_WARNING, "an open task's due date has passed"},
    {NL_DIAG_INVALID_DATE, NL_SEV_ERROR,
     "a task or frontmatter date is not a real YYYY-MM-DD date"},
    {NL_DIAG_UNKNOWN_PERSON, NL_SEV_WARNING, "a mention or participant names no person note"},
    {NL_DIAG_UNKNOWN_ACCOUNT, NL_SEV_WARNING, "the frontmatter account names no account note"},
    {NL_DIAG_BROKEN_LINK, NL_SEV_WARNING, "a link names no note"},
    {NL_DIAG_MISSING_HEADING, NL_SEV_WARNING, "a link's heading or block id is not in its note"},
    {NL_DIAG_AMBIGUOUS_LINK, NL_SEV_WARNING, "a link names several notes"},
    {NL_DIAG_ALIAS_LINK, NL_SEV_HINT,
     "a link names its note by a title or alias, which Obsidian does not resolve"},
    {NL_DIAG_FRONTMATTER_ERROR, NL_SEV_ERROR, "the frontmatter is not valid YAML"},
    {NL_DIAG_MOJIBAKE, NL_SEV_WARNING,
     "text looks like UTF-8 decoded as Windows-1252 or Mac Roman"},
};

const nl_diag_rule *nl_diag_rules(size_t *n) {
  *n = sizeof rules / sizeof rules[0];
  return rules;
}

/* A printf into a new string; NULL when out of memory. */
char *nl_diag_fmt(const char *f, ...) {
  va_list ap;
  va_start(ap, f);
  int n = vsnprintf(NULL, 0, f, ap);
  va_end(ap);
  if (n < 0) return NULL;
  char *s = malloc((size_t)n + 1);
  if (s == NULL) return NULL;
  va_start(ap, f);
  vsnprintf(s, (size_t)n + 1, f, ap);
  va_end(ap);
  return s;
}

/* Appends a diagnostic that takes `message` (steals; NULL means out of memory). */
nl_diag *nl_diag_push(nl_diag_list *l, int severity, const char *code, nl_brange range,
                     char *message) {
  if (message == NULL) return NULL;
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 8;
    nl_diag *items = realloc(l->items, cap * sizeof *items);
    if (items == NULL) {
      free(message);
      return NULL;
    }
    l->items = items;
    l->cap = cap;
  }
  nl_diag *d = &l->items[l->n++];
  memset(d, 0, sizeof *d);
  d->range = range;
  d->severity = severity;
  d->code = code;
  d->message = message;
  return d;
}

/* ---- the text ---------------------------------------------------------------------------- */

/* The note's text with the line table of protocol/position.c: offsets below are into ls.text,
 * positions are the parser's. */
static int lines_init(nl_lines *ls, const char *text, size_t len) {
  memset(ls, 0, sizeof *ls);
  if (text == NULL) return 0;
  return nl_lines_init(ls, text, len);
}

/* The byte offset of a position, clamped to its line; len when the line does not exist. */
static size_t lines_offset(const nl_lines *ls, nl_bpos p) {
  if (ls->text == NULL || p.line >= ls->n_lines) return ls->len;
  size_t off = nl_lines_line_start(ls, p.line) + p.col, end = nl_lines_line_end(ls, p.line);
  return off > end ? end : off;
}

nl_bpos nl_diag_bpos(const nl_lines *ls, size_t off) {
  nl_bpos p = {0, 0};
  if (ls->text == NULL) return p;
  size_t line = nl_lines_line_of(ls, off);
  size_t start = nl_lines_line_start(ls, line), end = nl_lines_line_end(ls, line);
  size_t o = off < start ? start : off > end ? end : off;
  p.line = (uint32_t)line;
  p.col = (uint32_t)(o - start);
  return p;
}

/* The text of a range on one line, through *len; "" when there is no text or no such line. */
static const char *lines_slice(const nl_lines *ls, nl_brange r, size_t *len) {
  *len = 0;
  if (ls->text == NULL || r.start.line >= ls->n_lines) return "";
  size_t a = lines_offset(ls, r.start);
  size_t b = lines_offset(ls, r.end);
  if (b < a) b = a;
  *len = b - a;
  return ls->text + a;
}

static void emit(nl_diag_run *r, int severity, const char *code, nl_brange range, char *message) {
  if (nl_diag_push(r->out, severity, code, range, message) == NULL) r->oom = 1;
}

/* ---- dates ------------------------------------------------------------------------------- */

static const char *const month_names[12] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

static int digits(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9') return 0;
  return 1;
}

/* Says why `s` is not a date: the part after "invalid date 'x': ". New string. */
static char *date_problem(const char *s, size_t n) {
  if (n == 0) return nl_diag_fmt("missing date: expected YYYY-MM-DD");
  int shaped = n == 10 && s[4] == '-' && s[7] == '-' && digits(s, 4) && digits(s + 5, 2) &&
               digits(s + 8, 2);
  if (!shaped) return nl_diag_fmt("invalid date '%.*s': expected YYYY-MM-DD", (int)n, s);
  int y = atoi(s), m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
  if (m < 1 || m > 12) return nl_diag_fmt("invalid date '%.*s': there is no month %d", (int)n, s, m);
  int max = nl_date_days_in_month(y, m);
  if (d < 1) return nl_diag_fmt("invalid date '%.*s': there is no day 0", (int)n, s);
  if (d > max && m == 2)
    return nl_diag_fmt("invalid date '%.*s': February %d has %d days", (int)n, s, y, max);
  if (d > max)
    return nl_diag_fmt("invalid date '%.*s': %s has %d days", (int)n, s, month_names[m - 1], max);
  return nl_diag_fmt("invalid date '%.*s': expected YYYY-MM-DD", (int)n, s);
}

/* A frontmatter date may carry a time ("2025-11-06T10:00", "2025-11-06 10:00"). */
static int fm_date_valid(const char *s, size_t n) {
  int32_t days;
  if (n > 10 && (s[10] == 'T' || s[10] == ' ')) n = 10;
  return nl_date_parse(s, n, &days) == 0;
}

/* ---- tasks ------------------------------------------------------------------------------- */


/* Whether a code point may be part of a person's name: letters, combining marks (NFD names)
 * and the punctuation names carry. Outside ASCII everything counts but the blocks of
 * punctuation, symbols and emoji, which is what tells "Léa" from a mangled "ðŸ“…". */
static int name_cp(uint32_t cp) {
  if (cp < 0x80)
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || cp == '-' || cp == '\'' ||
           cp == '.';
  if (cp < 0xC0) return cp == 0xAA || cp == 0xB5 || cp == 0xBA;
  if (cp == 0xD7 || cp == 0xF7) return 0;
  if (cp == 0x2019) return 1; /* O’Brien */
  static const uint32_t not_letters[][2] = {
      {0x2000, 0x2BFF}, {0x2E00, 0x2E7F}, {0x3000, 0x303F},   {0xE000, 0xF8FF},
      {0xFE00, 0xFE0F}, {0xFE30, 0xFE4F}, {0xFF00, 0xFF20},   {0xFFF0, 0xFFFF},
      {0x1F000, 0x1FAFF}, {0xE0000, 0xE007F}};
  for (size_t i = 0; i < sizeof not_letters / sizeof not_letters[0]; i++)
    if (cp >= not_letters[i][0] && cp <= not_letters[i][1]) return 0;
  return 1;
}

/* Whether s[0, n) looks like one word of a name: it starts with a capital or a non-ASCII
 * letter ("Jonas", "Léa", "王芳") and holds only name characters. */
static int name_word(const char *s, size_t n) {
  if (n == 0) return 0;
  unsigned char c0 = (unsigned char)s[0];
  if (c0 < 0x80 && !(c0 >= 'A' && c0 <= 'Z')) return 0;
  size_t i = 0;
  while (i < n) {
    uint32_t cp;
    size_t adv = nl_utf8_next(s + i, n - i, &cp);
    if (!name_cp(cp)) return 0;
    i += adv;
  }
  return 1;
}

/* The name an unresolved mention is taken to mean, as bytes of m->tail: the tail's first one
 * to three words when each looks like a name word ("@Jonas Becker ..." -> "Jonas Becker"),
 * else the parser's first word ("@nobody" -> "nobody"). */
static size_t mention_name_len(const nl_mention *m) {
  const char *t = m->tail;
  size_t tl = strlen(t), i = 0, best = 0;
  for (int words = 0; words < 3; words++) {
    size_t a = i;
    while (i < tl && !nl_diag_is_space(t[i])) i++;
    /* punctuation after a word ends the name: "@Priya Natarajan: hi", "@Ana Ruiz." */
    size_t e = i;
    while (e > a && strchr(":.!?\"'", t[e - 1]) != NULL) e--;
    if (!name_word(t + a, e - a)) break;
    best = e;
    if (e < i) break;
    while (i < tl && nl_diag_is_space(t[i])) i++;
  }
  return best ? best : nl_mention_word_len(m);
}

size_t nl_diag_mention_name_len(const nl_mention *m) { return mention_name_len(m); }

/* The display name of a mention (bytes of tail) and whether it names a known person or the
 * vault's owner. */
static int mention_known(const nl_diag_run *r, const nl_mention *m, size_t *name_len) {
  size_t matched = 0;
  nl_entry *p = nl_ws_resolve_mention(r->ws, r->e, m, &matched);
  if (p != NULL) {
    *name_len = matched;
    return 1;
  }
  *name_len = mention_name_len(m);
  return nl_config_is_owner(r->cfg, m->tail, *name_len) ||
         nl_config_is_owner(r->cfg, m->tail, nl_mention_word_len(m));
}

int nl_diag_ranges_overlap(nl_brange a, nl_brange b) {
  int a_before_b = a.end.line < b.start.line ||
                   (a.end.line == b.start.line && a.end.col <= b.start.col);
  int b_before_a = b.end.line < a.start.line ||
                   (b.end.line == a.start.line && b.end.col <= a.start.col);
  return !a_before_b && !b_before_a;
}

static char *owners_text(const nl_diag_run *r, const nl_task *t) {
  uint32_t m0, n_owners = nl_task_owners(r->note, t, &m0);
  if (n_owners == 0) return nl_diag_fmt("owner none");
  size_t cap = 16;
  for (uint32_t i = 0; i < n_owners; i++)
    cap += strlen(r->note->mentions[m0 + i].tail) + 2;
  char *s = malloc(cap);
  if (s == NULL) return NULL;
  size_t n = (size_t)snprintf(s, cap, "%s", n_owners == 1 ? "owner " : "owners ");
  for (uint32_t i = 0; i < n_owners; i++) {
    const nl_mention *m = &r->note->mentions[m0 + i];
    size_t len;
    mention_known(r, m, &len);
    n += (size_t)snprintf(s + n, cap - n, "%s%.*s", i ? ", " : "", (int)len, m->tail);
  }
  return s;
}

static void check_proposed(nl_diag_run *r, const nl_task *t) {
  char *owners = owners_text(r, t);
  if (owners == NULL) {
    r->oom = 1;
    return;
  }
  const nl_task_date *due = nl_task_date_of(t, NL_DATE_DUE);
  size_t dl = 0;
  const char *dv = due->present ? lines_slice(&r->ls, nl_task_date_value(t, due), &dl) : "";
  char *msg = dl ? nl_diag_fmt("proposed task: %s, due %.*s — accept or reject it", owners, (int)dl, dv)
                 : nl_diag_fmt("proposed task: %s, no due date — accept or reject it", owners);
  free(owners);
  nl_brange range = nl_task_range(t, (nl_col_span){t->status_col, t->line_end});
  emit(r, NL_SEV_INFORMATION, NL_DIAG_PROPOSED_TASK, range, msg);
}

static void check_task(nl_diag_run *r, const nl_task *t) {
  const nl_task_settings *ts = &r->cfg->tasks;
  int proposed = nl_task_is_proposed(t, ts);
  if (proposed) check_proposed(r, t);
  /* A date field is only what Tasks reads as one: exactly \d{4}-\d{2}-\d{2} after its emoji.
   * Anything else there (a Templater "<% tp.date.now() %>", "{{date}}") is description. */
  for (int f = 0; f < NL_DATE__COUNT; f++) {
    const nl_task_date *d = nl_task_date_of(t, f);
    if (!d->present || d->valid) continue;
    size_t n;
    nl_brange value = nl_task_date_value(t, d);
    const char *v = lines_slice(&r->ls, value, &n);
    emit(r, NL_SEV_ERROR, NL_DIAG_INVALID_DATE, value, date_problem(v, n));
  }
  const nl_task_date *due = nl_task_date_of(t, NL_DATE_DUE);
  /* A proposed task is still to do, whatever its symbol: past its due date it is overdue. */
  int open = nl_task_is_open(t, ts) || proposed;
  if (open && due->present && due->valid && due->days < r->today) {
    char date[16];
    nl_date_format(due->days, date);
    int32_t late = r->today - due->days;
    emit(r, NL_SEV_WARNING, NL_DIAG_OVERDUE_TASK, nl_task_range(t, due->range),
         nl_diag_fmt("overdue since %s (%ld day%s)", date, (long)late, late == 1 ? "" : "s"));
  }
}

/* ---- people and accounts ----------------------------------------------------------------- */

static void check_mention(nl_diag_run *r, const nl_mention *m) {
  if (m->tail == NULL || nl_mention_word_len(m) == 0) return;
  size_t len;
  if (mention_known(r, m, &len)) return;
  nl_brange range = {m->at, {m->at.line, m->at.col + 1 + (uint32_t)len}};
  /* A mangled name is the mojibake diagnostic's to report; its repair may well resolve it. */
  for (size_t i = 0; i < r->n_moji; i++)
    if (nl_diag_ranges_overlap(range, r->moji[i])) return;
  nl_diag *d = nl_diag_push(r->out, NL_SEV_WARNING, NL_DIAG_UNKNOWN_PERSON, range,
                    nl_diag_fmt("unknown person '%.*s': no person note has this name", (int)len, m->tail));
  if (d == NULL) {
    r->oom = 1;
    return;
  }
  d->missing_name = nl_diag_fmt("%.*s", (int)len, m->tail);
  d->missing_kind = NL_KIND_PERSON;
}

void nl_diag_fm_name(const char *s, size_t *start, size_t *len) {
  size_t n = strlen(s), a = 0;
  while (a < n && nl_diag_is_space(s[a])) a++;
  while (n > a && nl_diag_is_space(s[n - 1])) n--;
  if (n - a >= 4 && strncmp(s + a, "[[", 2) == 0 && strncmp(s + n - 2, "]]", 2) == 0) {
    a += 2;
    n -= 2;
    for (size_t i = a; i < n; i++)
      if (s[i] == '|' || s[i] == '#') {
        n = i;
        break;
      }
  }
  *start = a;
  *len = n - a;
}

static void check_fm_name(nl_diag_run *r, const nl_fm_scalar *v, nl_kind kind) {
  size_t a, n;
  nl_diag_fm_name(v->text, &a, &n);
  if (n == 0) return;
  if (kind == NL_KIND_PERSON && nl_config_is_owner(r->cfg, v->text + a, n)) return;
  if (nl_ws_resolve_kind(r->ws, r->e, kind, v->text + a, n) != NULL) return;
  int person = kind == NL_KIND_PERSON;
  nl_diag *d = nl_diag_push(r->out, NL_SEV_WARNING,
                    person ? NL_DIAG_UNKNOWN_PERSON : NL_DIAG_UNKNOWN_ACCOUNT, v->range,
                    nl_diag_fmt("unknown %s '%.*s': no %s note has this name", nl_kind_name(kind),
                        (int)n, v->text + a, nl_kind_name(kind)));
  if (d == NULL) {
    r->oom = 1;
    return;
  }
  d->missing_name = nl_diag_fmt("%.*s", (int)n, v->text + a);
  d->missing_kind = kind;
}

static void check_frontmatter(nl_diag_run *r) {
  const nl_note *note = r->note;
  if (note->fm.has_error) {
    nl_bpos p = note->fm.error_pos;
    nl_bpos end = p;
    if (r->ls.text != NULL && p.line < r->ls.n_lines)
      end.col = (uint32_t)(nl_lines_line_end(&r->ls, p.line) - nl_lines_line_start(&r->ls, p.line));
    if (end.col < p.col) end.col = p.col;
    const char *why = note->fm.error_message ? note->fm.error_message : "syntax error";
    emit(r, NL_SEV_ERROR, NL_DIAG_FRONTMATTER_ERROR, (nl_brange){p, end},
         nl_diag_fmt("frontmatter is not valid YAML: %s", why));
  }
  if (note->date != NULL) {
    const char *s = note->date->text;
    size_t n = strlen(s);
    if (n > 0 && !fm_date_valid(s, n)) /* an empty `date:` is a template's, not an error */
      emit(r, NL_SEV_ERROR, NL_DIAG_INVALID_DATE, note->date->range, date_problem(s, n));
  }
  if (note->account != NULL) check_fm_name(r, note->account, NL_KIND_ACCOUNT);
  for (size_t i = 0; i < note->n_participants; i++)
    check_fm_name(r, &note->participants[i], NL_KIND_PERSON);
}

/* ---- links ------------------------------------------------------------------------------- */

/* Attachments ([[diagram.png]], ![[scan.pdf]]) are not notes; the index cannot judge them. */
static int is_attachment(const char *target) {
  const char *slash = strrchr(target, '/');
  const char *base = slash ? slash + 1 : target;
  const char *dot = strrchr(base, '.');
  if (dot == NULL || dot[1] == '\0') return 0;
  size_t n = strlen(dot + 1);
  if (n > 5) return 0;
  for (const char *p = dot + 1; *p; p++) {
    char c = *p;
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
      return 0;
  }
  return !(n == 2 && (dot[1] == 'm' || dot[1] == 'M') && (dot[2] == 'd' || dot[2] == 'D'));
}

/* Headings match by text or by slug, ignoring case and punctuation: everything but ASCII
 * letters and digits and non-ASCII bytes is dropped, and ASCII is lowercased. */
static int loose_eq(const char *a, const char *b) {
  for (;;) {
    while (*a && (unsigned char)*a < 0x80 && !((*a >= 'a' && *a <= 'z') || (*a >= 'A' && *a <= 'Z') || (*a >= '0' && *a <= '9'))) a++;
    while (*b && (unsigned char)*b < 0x80 && !((*b >= 'a' && *b <= 'z') || (*b >= 'A' && *b <= 'Z') || (*b >= '0' && *b <= '9'))) b++;
    if (*a == '\0' || *b == '\0') return *a == *b;
    char ca = (*a >= 'A' && *a <= 'Z') ? (char)(*a + 32) : *a;
    char cb = (*b >= 'A' && *b <= 'Z') ? (char)(*b + 32) : *b;
    if (ca != cb) return 0;
    a++;
    b++;
  }
}

static int has_heading(const nl_note *n, const char *heading) {
  /* Obsidian nests headings as "Top#Sub"; the last one is the target. */
  const char *last = strrchr(heading, '#');
  if (last != NULL) heading = last + 1;
  if (*heading == '\0') return 1;
  for (size_t i = 0; i < n->n_headings; i++)
    if (loose_eq(n->headings[i].text, heading)) return 1;
  /* loose_eq ignores what a slug changes in ASCII text: only other text needs its slug. */
  for (size_t i = 0; i < n->n_headings; i++) {
    const char *t = n->headings[i].text;
    if (nl_unicode_is_ascii(t, strlen(t))) continue;
    char *slug = nl_note_slug(t);
    int same = slug != NULL && loose_eq(slug, heading);
    free(slug);
    if (same) return 1;
  }
  return 0;
}

static int has_block(const nl_note *n, const char *block) {
  for (size_t i = 0; i < n->n_blocks; i++)
    if (strcasecmp(n->blocks[i].id, block) == 0) return 1;
  return 0;
}

static void check_fragment(nl_diag_run *r, const nl_link *l, const nl_entry *target) {
  const nl_note *tn = target == r->e ? r->note : target->note;
  if (tn == NULL) return;
  if (nl_link_block(l) != NULL && nl_link_block(l)[0] != '\0' && !has_block(tn, nl_link_block(l)))
    emit(r, NL_SEV_WARNING, NL_DIAG_MISSING_HEADING, nl_link_fragment_range(l),
         nl_diag_fmt("no block '^%s' in '%s'", nl_link_block(l), target->rel));
  else if (nl_link_heading(l) != NULL && !has_heading(tn, nl_link_heading(l)))
    emit(r, NL_SEV_WARNING, NL_DIAG_MISSING_HEADING, nl_link_fragment_range(l),
         nl_diag_fmt("no heading '%s' in '%s'", nl_link_heading(l), target->rel));
}

#define MAX_CANDIDATES 16

static void report_ambiguous(nl_diag_run *r, const nl_link *l) {
  nl_entry *cands[MAX_CANDIDATES];
  size_t total = nl_ws_resolve_all(r->ws, r->e, l->target, strlen(l->target), cands,
                                   MAX_CANDIDATES);
  size_t shown = total < MAX_CANDIDATES ? total : MAX_CANDIDATES;
  size_t cap = 96 + strlen(l->target) + (total > 0 ? strlen(cands[0]->rel) : 0);
  for (size_t i = 0; i < shown; i++) cap += strlen(cands[i]->rel) + 2;
  char *msg = malloc(cap);
  if (msg == NULL) {
    r->oom = 1;
    return;
  }
  size_t n = (size_t)snprintf(msg, cap, "ambiguous link '%s' matches %zu notes: ", l->target,
                              total);
  for (size_t i = 0; i < shown; i++)
    n += (size_t)snprintf(msg + n, cap - n, "%s%s", i ? ", " : "", cands[i]->rel);
  snprintf(msg + n, cap - n, "%s; using %s", shown < total ? ", ..." : "", cands[0]->rel);
  nl_diag *d = nl_diag_push(r->out, NL_SEV_WARNING, NL_DIAG_AMBIGUOUS_LINK, nl_link_range(l), msg);
  if (d == NULL) {
    r->oom = 1;
    return;
  }
  d->related = calloc(shown ? shown : 1, sizeof *d->related);
  if (d->related == NULL) {
    r->oom = 1;
    return;
  }
  for (size_t i = 0; i < shown; i++) {
    nl_diag_related *rel = &d->related[i];
    rel->entry = cands[i]->id;
    rel->message = nl_diag_fmt("candidate: %s", cands[i]->rel);
    if (rel->message == NULL) r->oom = 1;
    d->n_related++;
  }
}

/* The last path segment of a link target without ".md". */
static void target_base(const char *t, const char **base, size_t *len) {
  const char *slash = strrchr(t, '/');
  *base = slash ? slash + 1 : t;
  *len = strlen(*base);
  if (*len > 3 && strcasecmp(*base + *len - 3, ".md") == 0) *len -= 3;
}

/* A link that reaches its note only through a title or an alias: Obsidian would not follow
 * it. The fix is a new link to the note's file in the vault's link format (link_writer.h)
 * that shows what was written: [[Leah]] -> [[Leah Ferguson|Leah]], or [Leah](Leah%20Ferguson.md)
 * in a vault of markdown links. */
static void check_alias(nl_diag_run *r, const nl_link *l, const nl_entry *t) {
  const char *base;
  size_t bl;
  target_base(l->target, &base, &bl);
  if (nl_ws_same_name(base, bl, t->name, strlen(t->name))) return;
  const char *shown = nl_link_alias(l) ? nl_link_alias(l) : l->target;
  nl_diag *d = nl_diag_push(r->out, NL_SEV_HINT, NL_DIAG_ALIAS_LINK, nl_link_range(l),
                    nl_diag_fmt("'%s' is a title or alias of '%s': Obsidian links by file name", l->target,
                        t->rel));
  if (d == NULL) {
    r->oom = 1;
    return;
  }
  char *block = nl_link_block(l) ? nl_diag_fmt("^%s", nl_link_block(l)) : NULL;
  nl_link_index ix = {r->ws, r->e, t};
  nl_link_dest dest = nl_link_dest_index(&ix, r->e->rel);
  if (nl_link_block(l) == NULL || block != NULL)
    d->relinked = nl_link_write(&dest, nl_link_heading(l) ? nl_link_heading(l) : block, shown,
                                l->kind == NL_LINK_EMBED);
  free(block);
  if (d->relinked == NULL) r->oom = 1;
}

static void check_link(nl_diag_run *r, const nl_link *l) {
  if (l->target[0] == '\0') { /* [[#heading]]: this note */
    check_fragment(r, l, r->e);
    return;
  }
  size_t n_matches = 0;
  nl_entry *t = nl_ws_resolve(r->ws, r->e, l->target,
                              strlen(l->target), &n_matches);
  /* A dotted name is a note when such a note exists ([[2021.07.17]]), an attachment when such
   * a file exists; a missing one is reported as a file when its extension is a type Obsidian
   * opens, else as a note (Obsidian would create "Missing.Note.md"). */
  if (t == NULL && nl_ws_resolve_attachment(r->ws, r->e, l->target, strlen(l->target)) != NULL)
    return;
  if (t == NULL && nl_ws_attachment_ext(l->target)) {
    emit(r, NL_SEV_WARNING, NL_DIAG_BROKEN_LINK, nl_link_range(l),
         nl_diag_fmt("broken link: no file '%s' in the vault", l->target));
    return;
  }
  if (t == NULL && l->kind == NL_LINK_MARKDOWN && is_attachment(l->target)) return;
  if (t == NULL) {
    nl_diag *d = nl_diag_push(r->out, NL_SEV_WARNING, NL_DIAG_BROKEN_LINK, nl_link_range(l),
                      nl_diag_fmt("broken link: no note named '%s'", l->target));
    if (d == NULL) {
      r->oom = 1;
      return;
    }
    d->missing_name = nl_diag_fmt("%s", l->target);
    d->missing_kind = NL_KIND_NOTE;
    return;
  }
  if (n_matches > 1) report_ambiguous(r, l);
  else if (l->kind != NL_LINK_MARKDOWN) check_alias(r, l, t);
  check_fragment(r, l, t);
}

/* ---- the entry point --------------------------------------------------------------------- */

static int pos_cmp(nl_bpos a, nl_bpos b) {
  if (a.line != b.line) return a.line < b.line ? -1 : 1;
  if (a.col != b.col) return a.col < b.col ? -1 : 1;
  return 0;
}

static int diag_cmp(const void *pa, const void *pb) {
  const nl_diag *a = pa, *b = pb;
  int c = pos_cmp(a->range.start, b->range.start);
  if (c != 0) return c;
  if (a->severity != b->severity) return a->severity < b->severity ? -1 : 1;
  c = strcmp(a->code, b->code);
  if (c != 0) return c;
  c = pos_cmp(a->range.end, b->range.end);
  if (c != 0) return c;
  return strcmp(a->message, b->message);
}

static int run(const nl_workspace *ws, const nl_entry *e, const nl_note *note, const char *text,
               size_t len, int32_t today, int64_t only_line, nl_diag_list *out) {
  if (ws == NULL || e == NULL || note == NULL || out == NULL) return 0;
  nl_diag_run r = {0};
  r.ws = ws;
  r.cfg = nl_ws_config(ws);
  r.e = e;
  r.note = note;
  r.today = today;
  r.out = out;
  r.only_line = only_line;
  if (lines_init(&r.ls, text, len) < 0) r.oom = 1;

  nl_diag_check_mojibake(&r); /* first: mentions inside its runs are left to it */
  if (only_line < 0) check_frontmatter(&r);
  /* A template's tasks and links are placeholders until the template is used. */
  int tmpl = e->rel != NULL && nl_config_is_template(nl_config_at(r.cfg, e->abs), e->rel);
  for (size_t i = 0; i < r.note->n_tasks && !tmpl; i++)
    if (nl_diag_in_run(&r, nl_task_range(&r.note->tasks[i], (nl_col_span){0, 0})))
      check_task(&r, &r.note->tasks[i]);
  for (size_t i = 0; i < r.note->n_mentions && !tmpl; i++)
    if (nl_diag_in_run(&r, (nl_brange){r.note->mentions[i].at, r.note->mentions[i].at}))
      check_mention(&r, &r.note->mentions[i]);
  int across = 0;
  for (size_t i = 0; i < r.note->n_links && !tmpl; i++) {
    nl_brange lr = nl_link_range(&r.note->links[i]);
    if (nl_diag_in_run(&r, lr)) check_link(&r, &r.note->links[i]);
    else across |= lr.start.line <= only_line && lr.end.line >= only_line;
  }
  for (size_t i = 0; i < out->n; i++) across |= !nl_diag_in_run(&r, out->items[i].range);

  if (out->n > 1) qsort(out->items, out->n, sizeof *out->items, diag_cmp);
  nl_lines_free(&r.ls);
  free(r.moji);
  return r.oom ? -1 : across ? 1 : 0;
}

int nl_diagnose(const nl_workspace *ws, const nl_entry *e, const char *text, size_t len,
                int32_t today, nl_diag_list *out) {
  return nl_diagnose_note(ws, e, e != NULL ? e->note : NULL, text, len, today, out);
}

int nl_diagnose_note(const nl_workspace *ws, const nl_entry *e, const nl_note *note,
                     const char *text, size_t len, int32_t today, nl_diag_list *out) {
  return run(ws, e, note, text, len, today, -1, out);
}

int nl_diagnose_line(const nl_workspace *ws, const nl_entry *e, const char *text, size_t len,
                     int32_t today, uint32_t line, nl_diag_list *out) {
  return run(ws, e, e != NULL ? e->note : NULL, text, len, today, line, out);
}
