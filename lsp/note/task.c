/* task.c: one Obsidian Tasks line. The rules are Tasks' own (DefaultTaskSerializer and
 * TaskRegularExpressions): every field is a pattern anchored at the end of what is left of the
 * line, tried in a fixed order, round after round, until a round removes nothing. So a field
 * counts only in the trailing run of fields and tags, and of two copies of a field the one
 * further left wins. Emoji are compared byte for byte, with an optional U+FE0F after each. */
#include "lsp/note/task.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lsp/note/mojibake.h"
#include "lsp/base/unicode.h"

/* ---- the emoji table --------------------------------------------------------------------- */

static const nl_task_emoji_def emoji_table[] = {
    {"\xF0\x9F\x93\x85", NL_FIELD_DATE, NL_DATE_DUE, 1, "due date"},             /* 📅 */
    {"\xF0\x9F\x93\x86", NL_FIELD_DATE, NL_DATE_DUE, 0, "due date"},             /* 📆 */
    {"\xF0\x9F\x97\x93", NL_FIELD_DATE, NL_DATE_DUE, 0, "due date"},             /* 🗓 */
    {"\xE2\x8F\xB3", NL_FIELD_DATE, NL_DATE_SCHEDULED, 1, "scheduled date"},     /* ⏳ */
    {"\xE2\x8C\x9B", NL_FIELD_DATE, NL_DATE_SCHEDULED, 0, "scheduled date"},     /* ⌛ */
    {"\xF0\x9F\x9B\xAB", NL_FIELD_DATE, NL_DATE_START, 1, "start date"},         /* 🛫 */
    {"\xE2\x9E\x95", NL_FIELD_DATE, NL_DATE_CREATED, 1, "created date"},         /* ➕ */
    {"\xE2\x9C\x85", NL_FIELD_DATE, NL_DATE_DONE, 1, "done date"},               /* ✅ */
    {"\xE2\x9D\x8C", NL_FIELD_DATE, NL_DATE_CANCELLED, 1, "cancelled date"},     /* ❌ */
    {"\xF0\x9F\x94\xBA", NL_FIELD_PRIORITY, NL_PRIORITY_HIGHEST, 1, "highest priority"}, /* 🔺 */
    {"\xE2\x8F\xAB", NL_FIELD_PRIORITY, NL_PRIORITY_HIGH, 1, "high priority"},   /* ⏫ */
    {"\xF0\x9F\x94\xBC", NL_FIELD_PRIORITY, NL_PRIORITY_MEDIUM, 1, "medium priority"}, /* 🔼 */
    {"\xF0\x9F\x94\xBD", NL_FIELD_PRIORITY, NL_PRIORITY_LOW, 1, "low priority"}, /* 🔽 */
    {"\xE2\x8F\xAC", NL_FIELD_PRIORITY, NL_PRIORITY_LOWEST, 1, "lowest priority"}, /* ⏬ */
    {"\xF0\x9F\x94\x81", NL_FIELD_RECURRENCE, 0, 1, "recurrence"},               /* 🔁 */
    {"\xF0\x9F\x8F\x81", NL_FIELD_ON_COMPLETION, 0, 1, "on completion"},         /* 🏁 */
    {"\xF0\x9F\x86\x94", NL_FIELD_ID, 0, 1, "id"},                               /* 🆔 */
    {"\xE2\x9B\x94", NL_FIELD_DEPENDS, 0, 1, "depends on"},                      /* ⛔ */
};
#define N_EMOJI (sizeof(emoji_table) / sizeof(emoji_table[0]))

#define VS16 "\xEF\xB8\x8F" /* U+FE0F, the emoji presentation selector */

const nl_task_emoji_def *nl_task_emoji_table(size_t *n) {
  if (n != NULL) *n = N_EMOJI;
  return emoji_table;
}

/* Every field emoji is 3 bytes from 0xE2 or 4 from 0xF0. */
static size_t emoji_len(const nl_task_emoji_def *e) {
  return (unsigned char)e->emoji[0] == 0xF0 ? 4 : 3;
}

/* Whether s starts with the emoji's len bytes; inline, as the readers ask it of every table
 * entry at every lead byte (memcmp's call costs more than three or four bytes' compare). */
static int same_emoji(const char *s, const char *emoji, size_t len) {
  return s[0] == emoji[0] && s[1] == emoji[1] && s[2] == emoji[2] && (len == 3 || s[3] == emoji[3]);
}

size_t nl_task_emoji(const char *s, size_t n, nl_task_field_kind *kind, int *which) {
  /* Every field emoji starts with 0xF0 or 0xE2; most bytes leave at once. */
  if (n < 3 || ((unsigned char)s[0] != 0xF0 && (unsigned char)s[0] != 0xE2)) return 0;
  for (size_t i = 0; i < N_EMOJI; i++) {
    const nl_task_emoji_def *e = &emoji_table[i];
    size_t len = emoji_len(e);
    if (n < len || !same_emoji(s, e->emoji, len)) continue;
    if (n - len >= 3 && memcmp(s + len, VS16, 3) == 0) len += 3;
    if (kind != NULL) *kind = e->kind;
    if (which != NULL) *which = e->which;
    return len;
  }
  return 0;
}

size_t nl_task_emoji_before(const char *s, size_t start, size_t end, nl_task_field_kind *kind,
                            int *which) {
  size_t q = end;
  if (q >= start + 3 && memcmp(s + q - 3, VS16, 3) == 0) q -= 3;
  /* Most ends are not an emoji's: leave unless a lead byte is where one would start. */
  int lead3 = q >= start + 3 && (unsigned char)s[q - 3] == 0xE2;
  int lead4 = q >= start + 4 && (unsigned char)s[q - 4] == 0xF0;
  if (!lead3 && !lead4) return SIZE_MAX;
  for (size_t i = 0; i < N_EMOJI; i++) {
    const nl_task_emoji_def *e = &emoji_table[i];
    size_t len = emoji_len(e);
    if (!(len == 3 ? lead3 : lead4) || !same_emoji(s + q - len, e->emoji, len)) continue;
    if (kind != NULL) *kind = e->kind;
    if (which != NULL) *which = e->which;
    return q - len;
  }
  return SIZE_MAX;
}

static const char *canonical(nl_task_field_kind kind, int which) {
  for (size_t i = 0; i < N_EMOJI; i++)
    if (emoji_table[i].kind == kind && emoji_table[i].which == which && emoji_table[i].canonical)
      return emoji_table[i].emoji;
  return "";
}

const char *nl_task_date_emoji(nl_date_field f) { return canonical(NL_FIELD_DATE, (int)f); }
const char *nl_task_priority_emoji(nl_priority p) { return canonical(NL_FIELD_PRIORITY, (int)p); }

/* ---- statuses ---------------------------------------------------------------------------- */

static const char *const type_names[NL_TASK_STATUS__COUNT] = {"todo", "done", "cancelled",
                                                              "in_progress", "non_task"};

const char *nl_task_status_type_name(nl_task_status type) {
  return type < NL_TASK_STATUS__COUNT ? type_names[type] : "todo";
}

int nl_task_status_parse(const char *name) {
  for (int i = 0; name != NULL && i < NL_TASK_STATUS__COUNT; i++)
    if (strcmp(name, type_names[i]) == 0) return i;
  return -1;
}

void nl_task_settings_clear(nl_task_settings *s) {
  if (s == NULL) return;
  for (size_t i = 0; i < s->n_statuses; i++) free(s->statuses[i].name);
  free(s->statuses);
  memset(s, 0, sizeof(*s));
}

int nl_task_settings_copy(nl_task_settings *dst, const nl_task_settings *src) {
  memset(dst, 0, sizeof(*dst));
  dst->question_is_proposed = src->question_is_proposed;
  if (src->n_statuses == 0) return 0;
  dst->statuses = calloc(src->n_statuses, sizeof(*dst->statuses));
  if (dst->statuses == NULL) return -1;
  for (size_t i = 0; i < src->n_statuses; i++) {
    dst->statuses[i] = src->statuses[i];
    dst->statuses[i].name = strdup(src->statuses[i].name ? src->statuses[i].name : "");
    dst->n_statuses = i + 1;
    if (dst->statuses[i].name == NULL) {
      nl_task_settings_clear(dst);
      return -1;
    }
  }
  return 0;
}

nl_task_status nl_task_symbol_type(const nl_task_settings *s, const char *symbol,
                                   const char **name) {
  static const struct {
    char symbol;
    nl_task_status type;
    const char *name;
  } defaults[] = {{' ', NL_TASK_OPEN, "Todo"},
                  {'x', NL_TASK_DONE, "Done"},
                  {'X', NL_TASK_DONE, "Done"},
                  {'/', NL_TASK_IN_PROGRESS, "In Progress"},
                  {'-', NL_TASK_CANCELLED, "Cancelled"}};
  const char *unused;
  if (name == NULL) name = &unused;
  for (size_t i = 0; s != NULL && i < s->n_statuses; i++)
    if (strcmp(s->statuses[i].symbol, symbol) == 0) {
      *name = s->statuses[i].name;
      return (nl_task_status)s->statuses[i].type;
    }
  for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
    if (symbol[0] == defaults[i].symbol && symbol[1] == '\0') {
      *name = defaults[i].name;
      return defaults[i].type;
    }
  /* Tasks reads a symbol it does not know as a TODO named "Unknown". */
  *name = "Unknown";
  return NL_TASK_OPEN;
}

const char *nl_task_done_symbol(const nl_task_settings *s) {
  if (nl_task_symbol_type(s, "x", NULL) == NL_TASK_DONE) return "x";
  for (size_t i = 0; s != NULL && i < s->n_statuses; i++)
    if (s->statuses[i].type == NL_TASK_DONE) return s->statuses[i].symbol;
  return "x";
}

/* The symbol after `symbol` when toggled: the configured `next`, else Tasks' defaults. */
static const char *next_symbol(const nl_task_settings *s, const char *symbol) {
  for (size_t i = 0; s != NULL && i < s->n_statuses; i++)
    if (strcmp(s->statuses[i].symbol, symbol) == 0 && s->statuses[i].next[0] != '\0')
      return s->statuses[i].next;
  if (strcmp(symbol, " ") == 0 || strcmp(symbol, "/") == 0) return "x";
  return " "; /* x, X, - and unknown symbols go back to todo */
}

const char *nl_task_recurrence_symbol(const nl_task_settings *s, const char *done) {
  static const nl_task_status wanted[2] = {NL_TASK_OPEN, NL_TASK_IN_PROGRESS};
  size_t limit = (s != NULL ? s->n_statuses : 0) + 5; /* a cycle ends the search */
  for (int w = 0; w < 2; w++) {
    const char *sym = next_symbol(s, done);
    for (size_t k = 0; k < limit; k++) {
      if (nl_task_symbol_type(s, sym, NULL) == wanted[w]) return sym;
      sym = next_symbol(s, sym);
    }
  }
  return " ";
}

nl_task_status nl_task_status_of(const nl_task *t, const nl_task_settings *s) {
  if (s == NULL || s->n_statuses == 0) return (nl_task_status)t->status;
  return nl_task_symbol_type(s, t->symbol, NULL);
}

int nl_task_is_proposed(const nl_task *t, const nl_task_settings *s) {
  return nl_task_proposed_bits(t->proposed, s);
}

int nl_task_proposed_bits(unsigned proposed, const nl_task_settings *s) {
  if (proposed & (NL_PROPOSED_WIDE | NL_PROPOSED_TAG)) return 1;
  return (proposed & NL_PROPOSED_QUESTION) && s != NULL && s->question_is_proposed;
}

int nl_task_is_open(const nl_task *t, const nl_task_settings *s) {
  nl_task_status st = nl_task_status_of(t, s);
  return st == NL_TASK_OPEN || st == NL_TASK_IN_PROGRESS;
}

/* ---- the status marker ------------------------------------------------------------------- */

static nl_col_span span(size_t a, size_t b) {
  nl_col_span r = {(uint32_t)a, (uint32_t)b};
  return r;
}

const nl_task_date *nl_task_date_of(const nl_task *t, nl_date_field field) {
  static const nl_task_date absent;
  for (uint8_t i = 0; t != NULL && i < t->n_dates; i++)
    if (t->dates[i].field == (uint8_t)field) return &t->dates[i];
  return &absent;
}

int nl_task_marker(nl_task *t, const char *line, size_t len, size_t col, uint32_t line_no) {
  if (col >= len || line[col] != '[') return -1;
  size_t close, sym = col + 1, sym_len;
  int wide = 0;
  /* "[ ?]" is how some vaults write a proposed task; it is the only two-character status. */
  if (len - col >= 4 && memcmp(line + col, "[ ?]", 4) == 0) {
    wide = 1;
    sym = col + 2;
    sym_len = 1;
    close = col + 3;
  } else {
    if (sym >= len) return -1;
    uint32_t cp = nl_unicode_decode(line + sym, len - sym, &sym_len);
    if (cp < 0x20 || cp == 0x7F || (cp == 0xFFFD && sym_len == 1) || sym_len > 4) return -1;
    close = sym + sym_len;
    if (close >= len || line[close] != ']') return -1;
  }
  size_t after = close + 1;
  if (after < len && line[after] != ' ' && line[after] != '\t') return -1;
  t->line = line_no;
  memcpy(t->symbol, line + sym, sym_len);
  t->symbol[sym_len] = '\0';
  t->status = (uint8_t)nl_task_symbol_type(NULL, t->symbol, NULL);
  t->proposed = wide ? NL_PROPOSED_WIDE : strcmp(t->symbol, "?") == 0 ? NL_PROPOSED_QUESTION : 0;
  t->status_col = (uint32_t)col;
  t->line_end = (uint32_t)len;
  return 0;
}

/* ---- reading the fields from the end ----------------------------------------------------- */

#define MAX_ROUNDS 21 /* Tasks' failsafe: `maxRuns = 20` with `runs <= maxRuns` */
#define MAX_TAGS MAX_ROUNDS

typedef struct {
  nl_task *t;
  const char *s;          /* the line */
  size_t b, e;            /* what is left of the body: [b, e) */
  nl_task_date dates[NL_DATE__COUNT]; /* by field, until the present ones are kept */
  nl_mojibake_span *moji; /* mojibake runs that are exactly one field emoji */
  size_t n_moji;
  size_t tags[MAX_TAGS][2]; /* the tags taken from the end, right to left */
  size_t n_tags;
  nl_task_layout lay;     /* where the fields were found */
  nl_task_more more;      /* the seldom fields found, kept in the arena if any */
  unsigned has;           /* field_bit of every field emoji the body holds (mojibake too) */
} reader;

/* A bit per date field, then one per other kind of field emoji: a step whose emoji the body
 * does not hold anywhere cannot match, so it is not tried (the body only shrinks). */
static unsigned field_bit(nl_task_field_kind kind, int which) {
  return kind == NL_FIELD_DATE ? 1u << which : 1u << (NL_DATE__COUNT + kind);
}

/* JavaScript's \s and String.trim(): Unicode White_Space without U+0085, plus U+FEFF. */
static int js_space(uint32_t cp) {
  return cp != 0x85 && (nl_unicode_is_space(cp) || cp == 0xFEFF);
}

/* The code point that ends at `end` (after b) and where it starts. */
static uint32_t cp_before(const char *s, size_t b, size_t end, size_t *start) {
  size_t k = end - 1;
  if ((unsigned char)s[k] < 0x80) {
    *start = k;
    return (unsigned char)s[k];
  }
  while (k > b && end - k < 4 && ((unsigned char)s[k] & 0xC0) == 0x80) k--;
  size_t adv;
  uint32_t cp = nl_unicode_decode(s + k, end - k, &adv);
  if (k + adv != end) { /* not one well-formed character: the last byte alone */
    k = end - 1;
    cp = 0xFFFD;
  }
  *start = k;
  return cp;
}

static size_t trim_end(const char *s, size_t b, size_t e) {
  while (e > b) {
    size_t k;
    if (!js_space(cp_before(s, b, e, &k))) break;
    e = k;
  }
  return e;
}

static size_t trim_start(const char *s, size_t b, size_t e) {
  while (b < e) {
    size_t adv;
    if (!js_space(nl_unicode_decode(s + b, e - b, &adv))) break;
    b += adv;
  }
  return b;
}

/* A field emoji of `kind` (and `which`, unless -1) that ends at p, U+FE0F included; its start,
 * or SIZE_MAX. Sets *which and *moji. */
static size_t emoji_before(const reader *r, size_t p, nl_task_field_kind kind, int *which,
                           int *moji) {
  for (size_t i = 0; i < r->n_moji; i++) {
    const nl_mojibake_span *m = &r->moji[i];
    nl_task_field_kind k = NL_FIELD_NONE;
    int w = 0;
    if (m->end != p || m->start < r->b) continue;
    if (nl_task_emoji(m->repaired, m->repaired_len, &k, &w) == m->repaired_len && k == kind) {
      *which = w;
      *moji = 1;
      return m->start;
    }
  }
  nl_task_field_kind k = NL_FIELD_NONE;
  size_t a = nl_task_emoji_before(r->s, r->b, p, &k, which);
  *moji = 0;
  return a != SIZE_MAX && k == kind ? a : SIZE_MAX;
}

static size_t back_over(const char *s, size_t b, size_t e, int (*ok)(char)) {
  while (e > b && ok(s[e - 1])) e--;
  return e;
}

static int is_sp(char c) { return c == ' '; }
static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_id(char c) { return is_letter(c) || is_digit(c) || c == '-' || c == '_'; }
static int is_ids(char c) { return is_id(c) || c == ',' || c == ' '; }
static int is_rule(char c) { return is_letter(c) || is_digit(c) || c == ',' || c == ' ' || c == '!'; }

/* Each step matches its pattern at r->e; on a match it records the field, sets *from to where
 * the match starts and returns 1. */

static int step_priority(reader *r, size_t *from) {
  int which, moji;
  if (!(r->has & field_bit(NL_FIELD_PRIORITY, 0))) return 0;
  size_t a = emoji_before(r, r->e, NL_FIELD_PRIORITY, &which, &moji);
  if (a == SIZE_MAX) return 0;
  r->t->priority = (uint8_t)which;
  r->lay.priority = span(a, r->e);
  r->t->mojibake |= (uint8_t)moji;
  *from = a;
  return 1;
}

static int step_date(reader *r, nl_date_field f, size_t *from) {
  const char *s = r->s;
  size_t v = r->e - 10;
  if (!(r->has & field_bit(NL_FIELD_DATE, (int)f)) || r->e < r->b + 10 || s[v + 4] != '-' ||
      s[v + 7] != '-')
    return 0;
  for (size_t i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !is_digit(s[v + i])) return 0;
  int which, moji;
  size_t a = emoji_before(r, back_over(s, r->b, v, is_sp), NL_FIELD_DATE, &which, &moji);
  if (a == SIZE_MAX || which != (int)f) return 0;
  nl_task_date *d = &r->dates[f];
  int32_t days = 0;
  d->present = 1;
  d->valid = nl_date_parse(s + v, 10, &days) == 0; /* a four-digit year: days fits */
  d->days = d->valid ? days : 0;
  d->mojibake = (unsigned)moji;
  d->field = (unsigned)f;
  d->range = span(a, r->e);
  r->t->mojibake |= (uint8_t)moji;
  *from = a;
  return 1;
}

/* A field whose value is a run of `ok` bytes at the end: the emoji, spaces, the value. */
static size_t valued(reader *r, nl_task_field_kind kind, int (*ok)(char), size_t *v) {
  if (!(r->has & field_bit(kind, 0))) return SIZE_MAX;
  *v = back_over(r->s, r->b, r->e, ok);
  if (*v == r->e) return SIZE_MAX;
  int which, moji;
  size_t a = emoji_before(r, back_over(r->s, r->b, *v, is_sp), kind, &which, &moji);
  if (a != SIZE_MAX) r->t->mojibake |= (uint8_t)moji;
  return a;
}

static const char *dup_trim(nl_arena *arena, const char *s, size_t a, size_t b) {
  while (a < b && s[a] == ' ') a++;
  while (b > a && s[b - 1] == ' ') b--;
  return nl_arena_strndup(arena, s + a, b - a);
}

static int step_recurrence(reader *r, nl_arena *arena, size_t *from, int *oom) {
  size_t v, a = valued(r, NL_FIELD_RECURRENCE, is_rule, &v);
  if (a == SIZE_MAX) return 0;
  r->more.recurrence = dup_trim(arena, r->s, v, r->e);
  if (r->more.recurrence == NULL) *oom = 1;
  r->lay.recurrence = span(a, r->e);
  *from = a;
  return 1;
}

static int step_on_completion(reader *r, size_t *from) {
  size_t v, a = valued(r, NL_FIELD_ON_COMPLETION, is_letter, &v);
  if (a == SIZE_MAX) return 0;
  size_t n = r->e - v;
  const char *s = r->s + v;
  if (n == 4 && strncasecmp(s, "keep", 4) == 0) r->t->on_completion = NL_ON_COMPLETION_KEEP;
  else if (n == 6 && strncasecmp(s, "delete", 6) == 0) r->t->on_completion = NL_ON_COMPLETION_DELETE;
  else r->t->on_completion = NL_ON_COMPLETION_NONE;
  r->lay.on_completion = span(a, r->e);
  *from = a;
  return 1;
}

static int step_id(reader *r, nl_arena *arena, size_t *from, int *oom) {
  size_t v, a = valued(r, NL_FIELD_ID, is_id, &v);
  if (a == SIZE_MAX) return 0;
  r->more.id = nl_arena_strndup(arena, r->s + v, r->e - v);
  if (r->more.id == NULL) *oom = 1;
  r->lay.id = span(a, r->e);
  *from = a;
  return 1;
}

/* `⛔ *(id( *, *id *)*)$`: the list must be ids separated by single commas. */
static int step_depends(reader *r, nl_arena *arena, size_t *from, int *oom) {
  const char *s = r->s;
  if (!(r->has & field_bit(NL_FIELD_DEPENDS, 0))) return 0;
  size_t v = back_over(s, r->b, r->e, is_ids), n = 0;
  if (v == r->e) return 0;
  size_t i = v;
  for (;;) { /* validate and count */
    while (i < r->e && s[i] == ' ') i++;
    size_t k = i;
    while (i < r->e && is_id(s[i])) i++;
    if (i == k) return 0;
    n++;
    while (i < r->e && s[i] == ' ') i++;
    if (i == r->e) break;
    if (s[i++] != ',') return 0;
  }
  int which, moji;
  size_t a = emoji_before(r, v, NL_FIELD_DEPENDS, &which, &moji);
  if (a == SIZE_MAX) return 0;
  const char **ids = nl_arena_alloc_of(arena, n * sizeof(*ids), sizeof(*ids));
  if (ids == NULL) {
    *oom = 1;
    return 0;
  }
  size_t m = 0;
  for (i = v; i < r->e && m < n;) {
    while (i < r->e && !is_id(s[i])) i++;
    size_t k = i;
    while (i < r->e && is_id(s[i])) i++;
    if ((ids[m] = nl_arena_strndup(arena, s + k, i - k)) == NULL) *oom = 1;
    m++;
  }
  r->more.depends_on = ids;
  r->more.n_depends_on = (uint32_t)n;
  r->lay.depends = span(a, r->e);
  r->t->mojibake |= (uint8_t)moji;
  *from = a;
  return 1;
}

/* The ASCII bytes a tag cannot hold (NUL too, as strchr finds it). */
static const unsigned char tag_stop[128] = {
    [0] = 1,   [' '] = 1, ['!'] = 1, ['@'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['^'] = 1,
    ['&'] = 1, ['*'] = 1, ['('] = 1, [')'] = 1, [','] = 1, ['.'] = 1, ['?'] = 1, ['"'] = 1,
    [':'] = 1, ['{'] = 1, ['}'] = 1, ['|'] = 1, ['<'] = 1, ['>'] = 1};

/* `(^|\s)#[^ !@#$%^&*(),.?":{}|<>]+$`: a tag at the end, kept for the description. */
static int step_tag(reader *r, size_t *from) {
  size_t e = r->e, k = e;
  while (k > r->b) {
    unsigned char c = (unsigned char)r->s[k - 1];
    if (c < 0x80) { /* cp_before's answer for an ASCII byte */
      if (tag_stop[c]) break;
      k--;
      continue;
    }
    size_t start;
    cp_before(r->s, r->b, k, &start);
    k = start;
  }
  if (k == e || k == r->b || r->s[k - 1] != '#') return 0;
  size_t h = k - 1, before = h;
  if (h > r->b && !js_space(cp_before(r->s, r->b, h, &before))) return 0;
  if (r->n_tags < MAX_TAGS) {
    r->tags[r->n_tags][0] = h;
    r->tags[r->n_tags][1] = e;
    r->n_tags++;
  }
  *from = before;
  return 1;
}

/* One round: each pattern once, in Tasks' order. */
static int round_once(reader *r, nl_arena *arena, int *oom) {
  int matched = 0;
  for (int step = 0; step < 12; step++) {
    size_t from = 0;
    int hit;
    switch (step) {
      case 0: hit = step_priority(r, &from); break;
      case 1: hit = step_date(r, NL_DATE_DONE, &from); break;
      case 2: hit = step_date(r, NL_DATE_CANCELLED, &from); break;
      case 3: hit = step_date(r, NL_DATE_DUE, &from); break;
      case 4: hit = step_date(r, NL_DATE_SCHEDULED, &from); break;
      case 5: hit = step_date(r, NL_DATE_START, &from); break;
      case 6: hit = step_date(r, NL_DATE_CREATED, &from); break;
      case 7: hit = step_recurrence(r, arena, &from, oom); break;
      case 8: hit = step_on_completion(r, &from); break;
      case 9: hit = step_tag(r, &from); break;
      case 10: hit = step_id(r, arena, &from, oom); break;
      default: hit = step_depends(r, arena, &from, oom); break;
    }
    if (!hit) continue;
    r->e = trim_end(r->s, r->b, from);
    matched = 1;
  }
  return matched;
}

/* Whether the body may hold a field emoji as mojibake: a Windows-1252 "ð"/"â" lead, a Mac
 * Roman "‚" or Apple-logo lead, or Mac Roman "ü" for an emoji whose lead was lost. */
static int may_hold_mojibake(const char *s, size_t a, size_t b) {
  for (size_t i = a; i + 1 < b; i++) {
    i += nl_utf8_ascii_run(s + i, b - i); /* most bytes */
    if (i + 1 >= b) break;
    unsigned char c = (unsigned char)s[i], d;
    if (c != 0xC3 && c != 0xE2 && c != 0xEF) continue;
    d = (unsigned char)s[i + 1];
    if (c == 0xC3 && (d == 0xB0 || d == 0xA2 || d == 0xBC)) return 1;
    if (i + 2 < b && ((c == 0xE2 && d == 0x80 && (unsigned char)s[i + 2] == 0x9A) ||
                      (c == 0xEF && d == 0xA3 && (unsigned char)s[i + 2] == 0xBF)))
      return 1;
  }
  return 0;
}

/* Sets r->has from the field emoji in the body and in its mojibake runs. */
static void find_emoji(reader *r) {
  for (size_t i = r->b; i < r->e; i++) {
    i += nl_utf8_ascii_run(r->s + i, r->e - i);
    if (i >= r->e) break;
    unsigned char c = (unsigned char)r->s[i];
    nl_task_field_kind k;
    int w;
    if ((c == 0xE2 || c == 0xF0) && nl_task_emoji(r->s + i, r->e - i, &k, &w) > 0)
      r->has |= field_bit(k, k == NL_FIELD_DATE ? w : 0);
  }
  for (size_t i = 0; i < r->n_moji; i++) {
    nl_task_field_kind k;
    int w;
    if (nl_task_emoji(r->moji[i].repaired, r->moji[i].repaired_len, &k, &w) > 0)
      r->has |= field_bit(k, k == NL_FIELD_DATE ? w : 0);
  }
}

/* Keeps the mojibake runs of the body that repair to exactly one field emoji. */
static int find_mojibake(reader *r) {
  if (!may_hold_mojibake(r->s, r->b, r->e)) return 0;
  nl_mojibake_span *sp;
  ptrdiff_t n = nl_mojibake_find(r->s + r->b, r->e - r->b, &sp);
  if (n < 0) return -1;
  size_t kept = 0;
  for (ptrdiff_t i = 0; i < n; i++) {
    if (nl_task_emoji(sp[i].repaired, sp[i].repaired_len, NULL, NULL) != sp[i].repaired_len) {
      free(sp[i].repaired);
      continue;
    }
    sp[kept] = sp[i];
    sp[kept].start += r->b;
    sp[kept].end += r->b;
    kept++;
  }
  if (kept == 0) {
    free(sp);
    sp = NULL;
  }
  r->moji = sp;
  r->n_moji = kept;
  return 0;
}

/* Tasks' blockLinkRegex, / \^[a-zA-Z0-9-]+$/: a block id after a space ends the body. */
static void block_link(reader *r, nl_arena *arena, int *oom) {
  size_t k = r->e;
  while (k > r->b && (is_letter(r->s[k - 1]) || is_digit(r->s[k - 1]) || r->s[k - 1] == '-')) k--;
  if (k == r->e || k < r->b + 2 || r->s[k - 1] != '^' || r->s[k - 2] != ' ') return;
  r->more.block_id = nl_arena_strndup(arena, r->s + k, r->e - k);
  if (r->more.block_id == NULL) *oom = 1;
  r->lay.block = span(k - 1, r->e);
  r->e = trim_end(r->s, r->b, k - 2);
}

static int description(reader *r, nl_arena *arena) {
  size_t n = r->e - r->b;
  for (size_t i = 0; i < r->n_tags; i++) n += 1 + r->tags[i][1] - r->tags[i][0];
  char *out = nl_arena_alloc_of(arena, n + 1, 1);
  if (out == NULL) return -1;
  size_t o = r->e - r->b;
  memcpy(out, r->s + r->b, o);
  /* Tags were taken right to left; Tasks puts them back left to right after one space. */
  for (size_t i = r->n_tags; i-- > 0;) {
    if (o > 0) out[o++] = ' ';
    memcpy(out + o, r->s + r->tags[i][0], r->tags[i][1] - r->tags[i][0]);
    o += r->tags[i][1] - r->tags[i][0];
  }
  out[o] = '\0';
  r->t->description = out;
  return 0;
}

/* Copies the dates found (in field order) and the seldom fields, if any, into the arena. */
static int keep(reader *r, nl_arena *arena) {
  uint8_t n = 0;
  for (int f = 0; f < NL_DATE__COUNT; f++) n += r->dates[f].present;
  nl_task_date *dates = n > 0 ? nl_arena_alloc_of(arena, n * sizeof(*dates), sizeof(*dates)) : NULL;
  r->t->dates = dates;
  r->t->n_dates = dates != NULL ? n : 0;
  for (int f = 0, k = 0; dates != NULL && f < NL_DATE__COUNT; f++)
    if (r->dates[f].present) dates[k++] = r->dates[f];
  const nl_task_more *m = &r->more;
  int any = m->recurrence != NULL || m->id != NULL || m->n_depends_on > 0 || m->block_id != NULL;
  nl_task_more *more = any ? nl_arena_alloc_of(arena, sizeof(*more), sizeof(*more)) : NULL;
  if (more != NULL) *more = *m;
  r->t->more = more;
  return (n > 0 && dates == NULL) || (any && more == NULL) ? -1 : 0;
}

int nl_task_fields(nl_task *t, nl_arena *arena, const char *line, size_t len,
                   nl_task_layout *layout) {
  reader r;
  memset(&r, 0, sizeof(r));
  r.t = t;
  r.s = line;
  r.b = nl_task_text_cols(t).a < len ? nl_task_text_cols(t).a : len;
  r.e = trim_end(line, r.b, len);
  r.b = trim_start(line, r.b, r.e);
  int oom = 0;
  block_link(&r, arena, &oom);
  size_t fields_end = r.e;
  if (find_mojibake(&r) < 0) oom = 1;
  find_emoji(&r);
  for (int round = 0; round < MAX_ROUNDS; round++)
    if (!round_once(&r, arena, &oom)) break;
  nl_mojibake_spans_free(r.moji, r.n_moji);
  r.lay.description = span(r.b, r.e);
  /* the fields start after the spaces that end the description */
  size_t fs = r.e;
  while (fs < fields_end && (line[fs] == ' ' || line[fs] == '\t')) fs++;
  r.lay.fields = span(fs < fields_end ? fs : r.e, fs < fields_end ? fields_end : r.e);
  if (layout != NULL) *layout = r.lay;
  if (description(&r, arena) < 0 || keep(&r, arena) < 0) oom = 1;
  return oom ? -1 : 0;
}

int nl_task_layout_of(const nl_task *t, const char *line, size_t len, nl_task_layout *layout) {
  nl_task copy = *t;
  nl_arena scratch;
  nl_arena_init(&scratch);
  int rc = nl_task_fields(&copy, &scratch, line, len, layout);
  nl_arena_free(&scratch);
  if (rc != 0) memset(layout, 0, sizeof(*layout));
  return rc;
}
