/* task.c: one Obsidian Tasks line. The emoji are compared byte for byte: a field is only a
 * field when it is written exactly as the Tasks plugin writes it. */
#include "lsp/note/task.h"

#include <string.h>

typedef struct {
  const char *bytes;
  unsigned char len;
  nl_task_field_kind kind;
  int which;
} emoji_def;

static const emoji_def emoji_table[] = {
    {"\xF0\x9F\x93\x85", 4, NL_FIELD_DATE, NL_DATE_DUE},          /* 📅 */
    {"\xF0\x9F\x93\x86", 4, NL_FIELD_DATE, NL_DATE_DUE},          /* 📆 */
    {"\xF0\x9F\x97\x93", 4, NL_FIELD_DATE, NL_DATE_DUE},          /* 🗓 */
    {"\xE2\x8F\xB3", 3, NL_FIELD_DATE, NL_DATE_SCHEDULED},        /* ⏳ */
    {"\xE2\x8C\x9B", 3, NL_FIELD_DATE, NL_DATE_SCHEDULED},        /* ⌛ */
    {"\xF0\x9F\x9B\xAB", 4, NL_FIELD_DATE, NL_DATE_START},        /* 🛫 */
    {"\xE2\x9E\x95", 3, NL_FIELD_DATE, NL_DATE_CREATED},          /* ➕ */
    {"\xE2\x9C\x85", 3, NL_FIELD_DATE, NL_DATE_DONE},             /* ✅ */
    {"\xE2\x9D\x8C", 3, NL_FIELD_DATE, NL_DATE_CANCELLED},        /* ❌ */
    {"\xF0\x9F\x94\xBA", 4, NL_FIELD_PRIORITY, NL_PRIORITY_HIGHEST}, /* 🔺 */
    {"\xE2\x8F\xAB", 3, NL_FIELD_PRIORITY, NL_PRIORITY_HIGH},     /* ⏫ */
    {"\xF0\x9F\x94\xBC", 4, NL_FIELD_PRIORITY, NL_PRIORITY_MEDIUM}, /* 🔼 */
    {"\xF0\x9F\x94\xBD", 4, NL_FIELD_PRIORITY, NL_PRIORITY_LOW},  /* 🔽 */
    {"\xE2\x8F\xAC", 3, NL_FIELD_PRIORITY, NL_PRIORITY_LOWEST},   /* ⏬ */
    {"\xF0\x9F\x94\x81", 4, NL_FIELD_RECURRENCE, 0},              /* 🔁 */
    {"\xF0\x9F\x86\x94", 4, NL_FIELD_ID, 0},                      /* 🆔 */
    {"\xE2\x9B\x94", 3, NL_FIELD_DEPENDS, 0},                     /* ⛔ */
};

#define VS16 "\xEF\xB8\x8F" /* U+FE0F, the emoji presentation selector */

size_t nl_task_emoji(const char *s, size_t n, nl_task_field_kind *kind, int *which) {
  /* Every field emoji starts with 0xF0 or 0xE2; most bytes leave at once. */
  if (n < 3 || ((unsigned char)s[0] != 0xF0 && (unsigned char)s[0] != 0xE2)) return 0;
  for (size_t i = 0; i < sizeof(emoji_table) / sizeof(emoji_table[0]); i++) {
    const emoji_def *e = &emoji_table[i];
    if (n < e->len || memcmp(s, e->bytes, e->len) != 0) continue;
    size_t len = e->len;
    if (n - len >= 3 && memcmp(s + len, VS16, 3) == 0) len += 3;
    if (kind != NULL) *kind = e->kind;
    if (which != NULL) *which = e->which;
    return len;
  }
  return 0;
}

static nl_task_status status_of(char c) {
  switch (c) {
    case ' ': return NL_TASK_OPEN;
    case 'x':
    case 'X': return NL_TASK_DONE;
    case '-': return NL_TASK_CANCELLED;
    case '/': return NL_TASK_IN_PROGRESS;
    case '?': return NL_TASK_PROPOSED;
    default: return NL_TASK_OTHER;
  }
}

static nl_brange span(uint32_t line, size_t a, size_t b) {
  nl_brange r = {{line, (uint32_t)a}, {line, (uint32_t)b}};
  return r;
}

int nl_task_marker(nl_task *t, const char *line, size_t len, size_t col, uint32_t line_no) {
  if (col >= len || line[col] != '[') return -1;
  size_t close;
  char c;
  /* "[ ?]" is how some vaults write a proposed task; it is the only two-character status. */
  if (len - col >= 4 && line[col + 1] == ' ' && line[col + 2] == '?' && line[col + 3] == ']') {
    c = '?';
    close = col + 3;
  } else if (len - col >= 3 && line[col + 2] == ']') {
    c = line[col + 1];
    close = col + 2;
  } else {
    return -1;
  }
  if (c < 0x20 || c > 0x7E || c == '[' || c == ']') return -1;
  size_t after = close + 1;
  if (after < len && line[after] != ' ' && line[after] != '\t') return -1;
  size_t text = after < len ? after + 1 : len;
  t->line = line_no;
  t->status = status_of(c);
  t->status_char = c;
  t->status_range = span(line_no, col, after);
  t->text_range = span(line_no, text, len);
  return 0;
}

static int is_space(char c) { return c == ' ' || c == '\t'; }

static size_t skip_spaces(const char *line, size_t len, size_t i) {
  while (i < len && is_space(line[i])) i++;
  return i;
}

/* The end of a value that runs until the next field emoji, the next cut, or a stop byte. */
static size_t value_end(const char *line, size_t len, size_t i, size_t limit, int (*ok)(char)) {
  while (i < len && i < limit && ok(line[i]) && nl_task_emoji(line + i, len - i, NULL, NULL) == 0)
    i++;
  return i;
}

static int not_space(char c) { return !is_space(c); }
static int any_byte(char c) { (void)c; return 1; }
static int id_byte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}
static int ids_byte(char c) { return id_byte(c) || c == ',' || c == ' '; }

static size_t trim_back(const char *line, size_t a, size_t b, const char *drop) {
  while (b > a && strchr(drop, line[b - 1]) != NULL) b--;
  return b;
}

typedef struct {
  nl_task *t;
  nl_arena *arena;
  const char *line;
  size_t len;
  uint32_t line_no;
} field_ctx;

/* Reads the field whose emoji spans [at, at + elen); returns the end of the field. */
static size_t read_field(field_ctx *f, size_t at, size_t elen, nl_task_field_kind kind, int which,
                         size_t limit, int *oom) {
  nl_task *t = f->t;
  const char *line = f->line;
  size_t vs = skip_spaces(line, f->len, at + elen), ve;
  const char **dest = NULL;
  switch (kind) {
    case NL_FIELD_PRIORITY:
      if (t->priority == NL_PRIORITY_NONE) {
        t->priority = (nl_priority)which;
        t->priority_range = span(f->line_no, at, at + elen);
      }
      return at + elen;
    case NL_FIELD_DATE: {
      ve = value_end(line, f->len, vs, limit, not_space);
      nl_task_date *d = &t->dates[which];
      if (!d->present) {
        int32_t days = 0;
        d->present = 1;
        /* Without a value the range is the emoji alone and the value is empty after it. */
        d->range = span(f->line_no, at, ve > vs ? ve : at + elen);
        d->value_range = ve > vs ? span(f->line_no, vs, ve) : span(f->line_no, at + elen, at + elen);
        d->valid = ve > vs && nl_date_parse(line + vs, ve - vs, &days) == 0;
        d->days = d->valid ? days : 0;
      }
      return ve > vs ? ve : at + elen;
    }
    case NL_FIELD_RECURRENCE:
      ve = trim_back(line, vs, value_end(line, f->len, vs, limit, any_byte), " \t");
      dest = &t->recurrence;
      break;
    case NL_FIELD_ID:
      ve = value_end(line, f->len, vs, limit, id_byte);
      dest = &t->id;
      break;
    case NL_FIELD_DEPENDS:
      ve = trim_back(line, vs, value_end(line, f->len, vs, limit, ids_byte), " ,");
      dest = &t->depends_on;
      break;
    default:
      return at + elen;
  }
  if (*dest == NULL) {
    *dest = nl_arena_strndup(f->arena, line + vs, ve - vs);
    if (*dest == NULL) *oom = 1;
  }
  return ve > at + elen ? ve : at + elen;
}

int nl_task_fields(nl_task *t, nl_arena *arena, const char *line, size_t len,
                   const nl_task_cut *cuts, size_t n_cuts) {
  size_t pos = t->text_range.start.col;
  if (pos > len) pos = len;
  char *out = nl_arena_alloc(arena, len - pos + 1);
  if (out == NULL) return -1;
  field_ctx f = {t, arena, line, len, t->line};
  size_t n = 0, ci = 0;
  int oom = 0, joined = 0;
  while (pos < len) {
    while (ci < n_cuts && cuts[ci].end <= pos) ci++;
    size_t limit = ci < n_cuts ? cuts[ci].start : len;
    if (ci < n_cuts && cuts[ci].start <= pos) {
      pos = cuts[ci].end;
      joined = 1;
      continue;
    }
    nl_task_field_kind kind;
    int which;
    size_t elen = nl_task_emoji(line + pos, len - pos, &kind, &which);
    if (elen > 0) {
      pos = read_field(&f, pos, elen, kind, which, limit, &oom);
      joined = 1;
      continue;
    }
    char c = line[pos++];
    /* Where a field or a cut was left out, its surrounding spaces collapse into one. */
    if (is_space(c) && (n == 0 || (joined && out[n - 1] == ' '))) continue;
    if (!is_space(c)) joined = 0;
    out[n++] = is_space(c) && joined ? ' ' : c;
  }
  while (n > 0 && is_space(out[n - 1])) n--;
  out[n] = '\0';
  t->text = out;
  return oom ? -1 : 0;
}
