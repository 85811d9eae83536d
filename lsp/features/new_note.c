/* new_note.c: see new_note.h. */
#include "lsp/features/new_note.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsp/base/buf.h"
#include "lsp/base/clock.h"
#include "lsp/base/file.h"
#include "lsp/index/glob.h"
#include "lsp/note/note.h"

void nl_new_note_yaml_scalar(const char *s, char *out, size_t cap) {
  size_t len = strlen(s);
  int plain = len > 0 && strchr("-?:,[]{}#&*!|>'\"%@` ", s[0]) == NULL &&
              strstr(s, ": ") == NULL && strstr(s, " #") == NULL && s[len - 1] != ' ' &&
              s[len - 1] != ':';
  if (cap == 0) return;
  if (plain) {
    snprintf(out, cap, "%s", s);
    return;
  }
  size_t n = 0;
  if (cap < 3) {
    out[0] = '\0';
    return;
  }
  out[n++] = '"';
  for (; *s && n + 3 < cap; s++) {
    if (*s == '"' || *s == '\\') out[n++] = '\\';
    out[n++] = *s;
  }
  out[n++] = '"';
  out[n] = '\0';
}

/* The first folder in path order, among the folders of every note and their parents, that
 * glob `pat` matches; NULL when none does. */
static char *first_matching_folder(const nl_workspace *ws, const char *pat) {
  char *best = NULL;
  char dir[4096];
  for (uint32_t id = 0, lim = nl_ws_id_limit(ws); id < lim; id++) {
    const nl_entry *e = nl_ws_get(ws, id);
    if (e == NULL) continue;
    for (const char *slash = strchr(e->rel, '/'); slash != NULL; slash = strchr(slash + 1, '/')) {
      size_t n = (size_t)(slash - e->rel);
      if (n >= sizeof dir) break;
      memcpy(dir, e->rel, n);
      dir[n] = '\0';
      if ((best != NULL && strcmp(dir, best) >= 0) || !nl_glob_match(pat, dir)) continue;
      char *copy = strdup(dir);
      if (copy == NULL) continue;
      free(best);
      best = copy;
    }
  }
  return best;
}

char *nl_new_note_folder(const nl_workspace *ws, nl_kind kind) {
  const nl_config *cfg = nl_ws_config(ws);
  const char *plain = nl_config_new_note_folder(cfg, kind);
  if (kind <= NL_KIND_NOTE || kind >= NL_KIND__COUNT) return NULL;
  const nl_strlist *l = &cfg->folders[kind];
  for (size_t i = 0; i < l->n; i++)
    if (strpbrk(l->items[i], "*?") == NULL) return strdup(l->items[i]);
  for (size_t i = 0; i < l->n; i++) {
    char *found = first_matching_folder(ws, l->items[i]);
    if (found != NULL) return found;
  }
  return plain != NULL ? strdup(plain) : NULL;
}

static char *default_text(const nl_config *cfg, nl_kind kind, const char *title) {
  char yaml[1100];
  nl_new_note_yaml_scalar(title, yaml, sizeof yaml);
  size_t cap = 2 * strlen(title) + sizeof yaml + 64;
  char *out = malloc(cap);
  if (out == NULL) return NULL;
  if (kind == NL_KIND_NOTE) {
    snprintf(out, cap, "# %s\n", title);
  } else {
    const nl_strlist *types = &cfg->types[kind];
    const char *type = types->n > 0 ? types->items[0] : nl_kind_name(kind);
    snprintf(out, cap, "---\ntype: %s\ntitle: %s\n---\n# %s\n", type, yaml, title);
  }
  return out;
}

/* ---- filling a template ----------------------------------------------------------------- */

/* The moment when the note is made: the local day and second of the day, the moment itself
 * and the local zone's offset from UTC then, in seconds. */
typedef struct {
  int32_t days, second;
  int64_t epoch;
  int32_t offset;
} when;

static void put_num(nl_buf *b, long v, int width) {
  char t[24];
  snprintf(t, sizeof t, "%0*ld", width, v);
  nl_buf_add(b, t, strlen(t));
}

static void put_ordinal(nl_buf *b, int v) {
  put_num(b, v, 1);
  int t = v % 100, u = v % 10;
  nl_buf_adds(b, t >= 11 && t <= 13 ? "th" : u == 1 ? "st" : u == 2 ? "nd" : u == 3 ? "rd" : "th");
}

static const char *const month_names[] = {"January", "February", "March",     "April",
                                          "May",     "June",     "July",      "August",
                                          "September", "October", "November", "December"};
static const char *const day_names[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                        "Thursday", "Friday", "Saturday"};

static int32_t days_of(int32_t y, int32_t m, int32_t d) {
  char t[40]; /* room for any int, though only YYYY-MM-DD parses */
  int32_t days = 0;
  snprintf(t, sizeof t, "%04d-%02d-%02d", (int)y, (int)m, (int)d);
  nl_date_parse(t, 10, &days);
  return days;
}

static int weekday(int32_t days) { return (int)(((days % 7) + 11) % 7); } /* 1970-01-01: Thursday */

/* `at` in the local time zone, as Obsidian's Templates and Templater take it from moment()
 * (local time, not UTC); UTC when the zone cannot be worked out. */
static when when_at(int64_t at) {
  struct tm tm;
  when w = {0};
  w.epoch = at;
  if (nl_clock_local_at(at, &tm) != 0) {
    w.days = (int32_t)((at - (at % 86400 + 86400) % 86400) / 86400);
    w.second = (int32_t)((at % 86400 + 86400) % 86400);
    return w;
  }
  w.days = days_of(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  w.second = tm.tm_hour * 3600 + tm.tm_min * 60 + (tm.tm_sec < 60 ? tm.tm_sec : 59); /* no leap second */
  w.offset = (int32_t)((int64_t)w.days * 86400 + w.second - at);
  return w;
}

/* The offset from UTC as moment's Z ("+05:30") or ZZ ("+0530"). */
static void put_offset(nl_buf *b, int32_t offset, int colon) {
  int32_t a = offset < 0 ? -offset : offset;
  nl_buf_addf(b, colon ? "%c%02d:%02d" : "%c%02d%02d", offset < 0 ? '-' : '+', (int)(a / 3600),
              (int)(a / 60 % 60));
}

/* moment.js weekOfYear: weeks start on weekday `dow`, and the first week of a year holds its
 * January (7 + dow - doy): ISO weeks (dow 1, doy 4) and the English locale's (0, 6). The week
 * into *week and the year it belongs to into *wyear. */
static void week_of(int32_t days, int32_t y, int dow, int doy, int *week, int32_t *wyear) {
  int32_t first[3];
  for (int k = 0; k < 3; k++) { /* the first week's start, relative to January 1st */
    int32_t jan1 = days_of(y - 1 + k, 1, 1);
    int fwd = 7 + dow - doy;
    first[k] = jan1 + fwd - 1 - (7 + weekday(jan1 + fwd - 1) - dow) % 7;
  }
  int k = days < first[1] ? 0 : days >= first[2] ? 2 : 1;
  *week = (int)((days - first[k]) / 7) + 1;
  *wyear = y - 1 + k;
}

/* Writes `w` in a moment.js format (the formats Obsidian's Templates and Templater take), in
 * the English locale: YYYY YY Q MMMM MMM MM Mo M DDDD DDD Do DD D dddd ddd dd d WW W ww w
 * GGGG gggg HH H hh h kk k mm m ss s A a X x ZZ Z, [escaped text]; any other character stands
 * for itself. */
static void put_moment(nl_buf *b, const char *f, size_t len, when w) {
  int32_t y, m, d;
  nl_date_civil(w.days, &y, &m, &d);
  int wd = weekday(w.days), yday = (int)(w.days - days_of(y, 1, 1)) + 1;
  int hour = w.second / 3600, min = w.second / 60 % 60, sec = w.second % 60;
  int h12 = hour % 12 == 0 ? 12 : hour % 12, iso_week, en_week;
  int32_t iso_year, en_year;
  week_of(w.days, y, 1, 4, &iso_week, &iso_year);
  week_of(w.days, y, 0, 6, &en_week, &en_year);
  /* Longer tokens first: "MMMM" before "MM", "Do" before "D". */
  static const char *const tokens[] = {
      "YYYY", "YY", "Q",  "MMMM", "MMM", "MM", "Mo", "M",  "DDDD", "DDD", "Do", "DD", "D",
      "dddd", "ddd", "dd", "d",   "WW",  "W",  "ww", "w",  "GGGG", "gggg", "HH", "H",  "hh",
      "h",    "kk",  "k",  "mm",  "m",   "ss", "s",  "A",  "a",    "X",   "x",  "ZZ", "Z", NULL};
  for (size_t i = 0; i < len;) {
    if (f[i] == '[') {
      const char *end = memchr(f + i, ']', len - i);
      if (end != NULL) {
        nl_buf_add(b, f + i + 1, (size_t)(end - f) - i - 1);
        i = (size_t)(end - f) + 1;
        continue;
      }
    }
    int t = -1;
    for (int k = 0; tokens[k] != NULL && t < 0; k++)
      if (strlen(tokens[k]) <= len - i && memcmp(f + i, tokens[k], strlen(tokens[k])) == 0) t = k;
    if (t < 0) {
      nl_buf_add(b, f + i++, 1);
      continue;
    }
    const char *tok = tokens[t];
    i += strlen(tok);
    int width = (int)strlen(tok) == 2 ? 2 : 1;
    switch (tok[0]) {
    case 'Y': put_num(b, strlen(tok) == 4 ? y : y % 100, strlen(tok) == 4 ? 4 : 2); break;
    case 'Q': put_num(b, (m - 1) / 3 + 1, 1); break;
    case 'M':
      if (strlen(tok) >= 3) nl_buf_add(b, month_names[m - 1], strlen(tok) == 4 ? strlen(month_names[m - 1]) : 3);
      else if (tok[1] == 'o') put_ordinal(b, m);
      else put_num(b, m, width);
      break;
    case 'D':
      if (strlen(tok) >= 3) put_num(b, yday, strlen(tok) == 4 ? 3 : 1);
      else if (tok[1] == 'o') put_ordinal(b, d);
      else put_num(b, d, width);
      break;
    case 'd':
      if (strlen(tok) == 1) put_num(b, wd, 1);
      else nl_buf_add(b, day_names[wd], strlen(tok) == 4 ? strlen(day_names[wd]) : strlen(tok));
      break;
    case 'W': put_num(b, iso_week, width); break;
    case 'w': put_num(b, en_week, width); break;
    case 'G': put_num(b, iso_year, 4); break;
    case 'g': put_num(b, en_year, 4); break;
    case 'H': put_num(b, hour, width); break;
    case 'h': put_num(b, h12, width); break;
    case 'k': put_num(b, hour == 0 ? 24 : hour, width); break;
    case 'm': put_num(b, min, width); break;
    case 's': put_num(b, sec, width); break;
    case 'A': nl_buf_adds(b, hour < 12 ? "AM" : "PM"); break;
    case 'a': nl_buf_adds(b, hour < 12 ? "am" : "pm"); break;
    case 'X': put_num(b, (long)w.epoch, 1); break;
    case 'x': put_num(b, (long)w.epoch * 1000, 1); break;
    case 'Z': put_offset(b, w.offset, strlen(tok) == 1); break;
    }
  }
}

/* Trims blanks off [*a, *b) of t. */
static void trim(const char *t, size_t *a, size_t *b) {
  while (*a < *b && (t[*a] == ' ' || t[*a] == '\t')) (*a)++;
  while (*b > *a && (t[*b - 1] == ' ' || t[*b - 1] == '\t')) (*b)--;
}

static int is_word(const char *t, size_t a, size_t b, const char *w) {
  return b - a == strlen(w) && memcmp(t + a, w, b - a) == 0;
}

/* A core Templates variable between "{{" and "}}": title, date, time (in the formats of the
 * vault's templates.json, else YYYY-MM-DD and HH:mm), date:FORMAT, time:FORMAT. 1 when
 * written, 0 when it is not one (left as written). */
static int core_var(nl_buf *b, const char *t, size_t a, size_t e, const char *title, when w,
                    const nl_config *cfg) {
  trim(t, &a, &e);
  if (is_word(t, a, e, "title")) {
    nl_buf_add(b, title, strlen(title));
    return 1;
  }
  const char *dflt = NULL;
  size_t k = a;
  if (e - a >= 4 && memcmp(t + a, "date", 4) == 0) {
    dflt = cfg->template_date_format ? cfg->template_date_format : "YYYY-MM-DD";
    k = a + 4;
  } else if (e - a >= 4 && memcmp(t + a, "time", 4) == 0) {
    dflt = cfg->template_time_format ? cfg->template_time_format : "HH:mm";
    k = a + 4;
  }
  if (dflt == NULL) return 0;
  if (k == e) put_moment(b, dflt, strlen(dflt), w);
  else if (t[k] == ':') put_moment(b, t + k + 1, e - k - 1, w);
  else return 0;
  return 1;
}

/* The arguments of a Templater call "(...)" at t[a, e): the first string literal (the format)
 * into *fmt and *flen, an integer second argument (days to add) into *offset. -1 when they are not
 * of that simple shape. */
static int call_args(const char *t, size_t a, size_t e, const char **fmt, size_t *flen,
                     int *offset) {
  *fmt = NULL;
  *flen = 0;
  *offset = 0;
  trim(t, &a, &e);
  if (a == e) return 0;
  if (t[a] != '(' || t[e - 1] != ')') return -1;
  a++, e--;
  trim(t, &a, &e);
  if (a == e) return 0;
  char q = t[a];
  if (q != '"' && q != '\'') return -1;
  const char *end = memchr(t + a + 1, q, e - a - 1);
  if (end == NULL) return -1;
  *fmt = t + a + 1;
  *flen = (size_t)(end - t) - a - 1;
  a = (size_t)(end - t) + 1;
  trim(t, &a, &e);
  if (a == e) return 0;
  if (t[a] != ',') return -1;
  a++;
  trim(t, &a, &e);
  char num[16];
  if (e - a == 0 || e - a >= sizeof num) return -1;
  memcpy(num, t + a, e - a);
  num[e - a] = '\0';
  char *stop;
  long v = strtol(num, &stop, 10);
  if (*stop != '\0' || v < -100000 || v > 100000) return -1;
  *offset = (int)v;
  return 0;
}

/* A Templater command between "<%" and "%>" (whitespace-control marks '-' and '_' allowed):
 * tp.file.title, tp.date.now/today/tomorrow/yesterday(format[, days]),
 * tp.file.creation_date / last_modified_date(format). 1 when written, 0 when it is another
 * command (left verbatim: it needs Templater itself). */
static int templater_cmd(nl_buf *b, const char *t, size_t a, size_t e, const char *title, when w) {
  if (a < e && (t[a] == '-' || t[a] == '_')) a++;
  if (e > a && (t[e - 1] == '-' || t[e - 1] == '_')) e--;
  trim(t, &a, &e);
  if (is_word(t, a, e, "tp.file.title")) {
    nl_buf_add(b, title, strlen(title));
    return 1;
  }
  static const struct {
    const char *name;
    const char *dflt;
    int shift;
  } calls[] = {{"tp.date.now", "YYYY-MM-DD", 0},
               {"tp.date.today", "YYYY-MM-DD", 0},
               {"tp.date.tomorrow", "YYYY-MM-DD", 1},
               {"tp.date.yesterday", "YYYY-MM-DD", -1},
               {"tp.file.creation_date", "YYYY-MM-DD HH:mm", 0},
               {"tp.file.last_modified_date", "YYYY-MM-DD HH:mm", 0}};
  for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
    size_t n = strlen(calls[i].name);
    if (e - a < n || memcmp(t + a, calls[i].name, n) != 0) continue;
    if (a + n < e && t[a + n] != '(' && t[a + n] != ' ') continue;
    const char *fmt;
    size_t flen;
    int offset;
    if (call_args(t, a + n, e, &fmt, &flen, &offset) != 0) return 0;
    /* tomorrow and yesterday take no offset; now's second argument is one */
    if (calls[i].shift != 0 && offset != 0) return 0;
    /* moment().add(n, "days"): the same local time n days on */
    int32_t shift = calls[i].shift + offset;
    when at = {w.days + shift, w.second, w.epoch + (int64_t)shift * 86400, w.offset};
    if (fmt == NULL) fmt = calls[i].dflt, flen = strlen(fmt);
    put_moment(b, fmt, flen, at);
    return 1;
  }
  return 0;
}

/* Fills the variables of Obsidian's core Templates plugin ({{title}}, {{date}}, {{time}},
 * {{date:FORMAT}}) and the common Templater commands in t; anything else stays as written. */
static char *fill(const char *t, size_t len, const char *title, when w, const nl_config *cfg) {
  nl_buf b = NL_BUF_INIT;
  for (size_t i = 0; i < len;) {
    const char *open = NULL, *close = NULL;
    if (i + 1 < len && t[i] == '{' && t[i + 1] == '{') open = "{{", close = "}}";
    else if (i + 1 < len && t[i] == '<' && t[i + 1] == '%') open = "<%", close = "%>";
    if (open != NULL) {
      const char *end = NULL;
      /* a variable or a command is short: never a quadratic walk over a big template */
      for (size_t k = i + 2; k + 1 < len && k < i + 4096 && end == NULL; k++)
        if (t[k] == close[0] && t[k + 1] == close[1]) end = t + k;
      size_t a = i + 2, e = end != NULL ? (size_t)(end - t) : 0;
      int done = 0;
      if (end != NULL && open[0] == '{') done = core_var(&b, t, a, e, title, w, cfg);
      else if (end != NULL && t[a] != '*') done = templater_cmd(&b, t, a, e, title, w);
      if (done) {
        i = e + 2;
        continue;
      }
    }
    nl_buf_add(&b, t + i++, 1);
  }
  return nl_buf_take(&b);
}

char *nl_new_note_text(const nl_config *cfg, const char *root, nl_kind kind, const char *title,
                       int64_t at) {
  const char *tpl = kind >= 0 && kind < NL_KIND__COUNT ? cfg->kind_template[kind] : NULL;
  if (tpl == NULL || root == NULL) return default_text(cfg, kind, title);
  size_t cap = strlen(root) + strlen(tpl) + 2;
  char *path = malloc(cap);
  if (path == NULL) return NULL;
  snprintf(path, cap, "%s/%s", root, tpl);
  char *text = NULL;
  size_t len = 0;
  int rc = nl_file_read(path, 1u << 20, &text, &len);
  if (rc != 0 && (cap = strlen(path)) > 0 && (cap < 3 || strcmp(path + cap - 3, ".md") != 0)) {
    char *md = malloc(cap + 4); /* "Templates/Person" names Templates/Person.md */
    if (md != NULL) {
      snprintf(md, cap + 4, "%s.md", path);
      rc = nl_file_read(md, 1u << 20, &text, &len);
      free(md);
    }
  }
  free(path);
  if (rc != 0) return default_text(cfg, kind, title);
  when w = when_at(at);
  size_t skip = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
  char *out = fill(text + skip, len - skip, title, w, cfg);
  free(text);
  return out;
}
