/* recurrence.c: Tasks' next occurrence, computed on days since 1970-01-01. Tasks hands the
 * rule to rrule; the cases here are the rules its documentation shows, with rrule's results
 * and Tasks' own correction for months and years that lack the day. */
#include "lsp/note/recurrence.h"

#include "lsp/note/task.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { UNIT_DAY, UNIT_WEEK, UNIT_MONTH, UNIT_YEAR };

typedef struct {
  int unit;
  int interval;
  uint8_t weekdays;      /* bit 0 Monday .. bit 6 Sunday; 0: the reference date's */
  int monthday;          /* "on the 15th": 15; "on the last": -1; 0: the reference date's */
  int nth;               /* "on the 2nd Tuesday": 2 (-1 for "last"), weekday in nth_day */
  int nth_day;
  uint16_t months;       /* "every January and June": bits 0..11 */
  uint32_t monthdays;    /* with months: "on the 1st and 24th" (bit d), bit 0 for "last" */
  int when_done;
} rule;

/* ---- calendar ---------------------------------------------------------------------------- */

static void ymd(int32_t days, int *y, int *m, int *d) {
  char buf[11];
  nl_date_format(days, buf);
  *y = atoi(buf);
  *m = atoi(buf + 5);
  *d = atoi(buf + 8);
}

static int month_days(int y, int m) { return nl_date_days_in_month(y, m); }

static int32_t days_of(int y, int m, int d) {
  char buf[16];
  int32_t days = 0;
  if (y < 0 || y > 9999) return 0;
  buf[0] = (char)('0' + y / 1000);
  buf[1] = (char)('0' + y / 100 % 10);
  buf[2] = (char)('0' + y / 10 % 10);
  buf[3] = (char)('0' + y % 10);
  buf[4] = '-';
  buf[5] = (char)('0' + m / 10);
  buf[6] = (char)('0' + m % 10);
  buf[7] = '-';
  buf[8] = (char)('0' + d / 10);
  buf[9] = (char)('0' + d % 10);
  nl_date_parse(buf, 10, &days);
  return days;
}

/* Monday 0 .. Sunday 6; 1970-01-01 was a Thursday. */
static int weekday(int32_t days) { return (int)(((days % 7) + 7 + 3) % 7); }

/* ---- reading the rule -------------------------------------------------------------------- */

static const char *const month_names[12] = {"january", "february", "march", "april", "may",
                                            "june", "july", "august", "september", "october",
                                            "november", "december"};

static int month_of(const char *w) {
  for (int i = 0; i < 12; i++)
    if (strcmp(w, month_names[i]) == 0) return i;
  return -1;
}

static const char *const weekday_names[7] = {"monday", "tuesday", "wednesday", "thursday",
                                             "friday", "saturday", "sunday"};

static int weekday_of(const char *w) {
  for (int i = 0; i < 7; i++)
    if (strcmp(w, weekday_names[i]) == 0) return i;
  return -1;
}

/* Splits the lower-cased rule into words; commas are words of their own. */
static int words_of(const char *text, char *buf, size_t cap, char **words, int max) {
  size_t n = 0;
  int k = 0;
  for (const char *p = text; *p != '\0';) {
    if (*p == ' ') {
      p++;
      continue;
    }
    if (k == max || n + 2 >= cap) return -1;
    words[k++] = buf + n;
    if (*p == ',') {
      buf[n++] = *p++;
    } else {
      while (*p != '\0' && *p != ' ' && *p != ',' && n + 1 < cap)
        buf[n++] = (char)tolower((unsigned char)*p++);
    }
    buf[n++] = '\0';
  }
  return k;
}

static int unit_of(const char *w, int plural) {
  static const char *const units[4] = {"day", "week", "month", "year"};
  for (int u = 0; u < 4; u++) {
    size_t n = strlen(units[u]);
    if (strncmp(w, units[u], n) == 0 && (w[n] == '\0' || (plural && w[n] == 's' && !w[n + 1])))
      return u;
  }
  return -1;
}

/* "1st" "2nd" "3rd" "15th" "last" -> 1 2 3 15 -1; 0 when it is none. */
static int ordinal(const char *w) {
  if (strcmp(w, "last") == 0) return -1;
  char *end;
  long v = strtol(w, &end, 10);
  if (end == w || v < 1 || v > 31) return 0;
  if (strcmp(end, "st") && strcmp(end, "nd") && strcmp(end, "rd") && strcmp(end, "th")) return 0;
  return (int)v;
}

/* A list of weekdays from words[i]: "monday , friday and sunday". */
static int weekday_list(char **w, int n, int i, uint8_t *set) {
  for (;;) {
    int d = i < n ? weekday_of(w[i]) : -1;
    if (d < 0) return -1;
    *set |= (uint8_t)(1u << d);
    i++;
    if (i == n) return i;
    if (strcmp(w[i], ",") != 0 && strcmp(w[i], "and") != 0) return i;
    i++;
    if (i < n && strcmp(w[i], "and") == 0) i++; /* ", and" */
  }
}

static int parse_rule(const char *text, rule *r) {
  char buf[256], *w[32];
  int n = words_of(text, buf, sizeof(buf), w, 32), i = 0;
  memset(r, 0, sizeof(*r));
  r->interval = 1;
  if (n < 2 || strcmp(w[0], "every") != 0) return -1;
  if (n >= 2 && strcmp(w[n - 2], "when") == 0 && strcmp(w[n - 1], "done") == 0) {
    r->when_done = 1;
    n -= 2;
  }
  i = 1;
  if (i < n && isdigit((unsigned char)w[i][0])) {
    char *end;
    long v = strtol(w[i], &end, 10);
    if (*end != '\0' || v < 1 || v > 1000) return -1;
    r->interval = (int)v;
    i++;
  }
  if (i >= n) return -1;
  if (strcmp(w[i], "weekday") == 0 && r->interval == 1) {
    r->unit = UNIT_WEEK;
    r->weekdays = 0x1F;
    return i + 1 == n ? 0 : -1;
  }
  if (weekday_of(w[i]) >= 0 && r->interval == 1) {
    r->unit = UNIT_WEEK;
    return weekday_list(w, n, i, &r->weekdays) == n ? 0 : -1;
  }
  if (month_of(w[i]) >= 0 && r->interval == 1) { /* every January and June on the 1st and 15th */
    r->unit = UNIT_YEAR;
    for (;;) {
      int m = i < n ? month_of(w[i]) : -1;
      if (m < 0) return -1;
      r->months |= (uint16_t)(1u << m);
      i++;
      if (i < n && (strcmp(w[i], ",") == 0 || strcmp(w[i], "and") == 0)) {
        i++;
        continue;
      }
      break;
    }
    if (i == n) return 0;
    if (i + 2 > n || strcmp(w[i], "on") != 0 || strcmp(w[i + 1], "the") != 0) return -1;
    for (i += 2;;) {
      int d = i < n ? ordinal(w[i]) : 0;
      if (d == 0) return -1;
      r->monthdays |= d < 0 ? 1u : 1u << d;
      i++;
      if (i == n) return 0;
      if (strcmp(w[i], ",") != 0 && strcmp(w[i], "and") != 0) return -1;
      i++;
    }
  }
  r->unit = unit_of(w[i], 1);
  if (r->unit < 0) return -1;
  i++;
  if (i == n) return 0;
  if (strcmp(w[i], "on") != 0 || i + 1 >= n) return -1;
  i++;
  if (r->unit == UNIT_WEEK) return weekday_list(w, n, i, &r->weekdays) == n ? 0 : -1;
  if (r->unit == UNIT_MONTH && strcmp(w[i], "the") == 0 && i + 2 == n) {
    r->monthday = ordinal(w[i + 1]);
    return r->monthday != 0 ? 0 : -1;
  }
  if (r->unit == UNIT_MONTH && strcmp(w[i], "the") == 0 && i + 3 == n) { /* the 2nd Tuesday */
    int k = ordinal(w[i + 1]), d = weekday_of(w[i + 2]);
    if (k == 0 || k > 5 || d < 0) return -1;
    r->nth = k;
    r->nth_day = d;
    return 0;
  }
  return -1;
}

/* ---- the next date ----------------------------------------------------------------------- */

static int32_t next_weekly(const rule *r, int32_t base) {
  uint8_t set = r->weekdays ? r->weekdays : (uint8_t)(1u << weekday(base));
  int32_t week0 = base - weekday(base); /* the Monday of the start's week (rrule's wkst) */
  for (int32_t d = base + 1; d <= base + 7 * r->interval + 7; d++) {
    int32_t week = (d - weekday(d) - week0) / 7;
    if (week % r->interval == 0 && (set & (1u << weekday(d)))) return d;
  }
  return base + 7 * r->interval;
}

/* The k-th (or with k -1 the last) weekday wd of a month; 0 when the month has no k-th. */
static int32_t nth_weekday(int y, int m, int k, int wd) {
  int md = month_days(y, m);
  if (k > 0) {
    int32_t first = days_of(y, m, 1);
    int off = (wd - weekday(first) + 7) % 7 + 7 * (k - 1);
    return off < md ? first + off : 0;
  }
  int32_t last = days_of(y, m, md);
  return last - (weekday(last) - wd + 7) % 7;
}

static int32_t next_monthly(const rule *r, int32_t base) {
  int y, m, d;
  ymd(base, &y, &m, &d);
  if (r->nth != 0) {
    for (int k = 0; k < 12 * 40; k += r->interval) {
      int mm = m - 1 + k, ny = y + mm / 12, nm = mm % 12 + 1;
      int32_t cand = nth_weekday(ny, nm, r->nth, r->nth_day);
      if (cand > base) return cand;
    }
    return base;
  }
  if (r->monthday == 0) { /* Tasks: a month without the day ends on its last day */
    int mm = m - 1 + r->interval;
    int ny = y + mm / 12, nm = mm % 12 + 1;
    int nd = d <= month_days(ny, nm) ? d : month_days(ny, nm);
    return days_of(ny, nm, nd);
  }
  /* rrule: the first month, stepping by the interval from the start's, that has the day */
  for (int k = 0; k < 12 * 40; k += r->interval) {
    int mm = m - 1 + k, ny = y + mm / 12, nm = mm % 12 + 1;
    int md = month_days(ny, nm);
    int nd = r->monthday < 0 ? md : r->monthday;
    if (nd > md) continue;
    int32_t cand = days_of(ny, nm, nd);
    if (cand > base) return cand;
  }
  return base;
}

static int32_t next_yearly(const rule *r, int32_t base) {
  int y, m, d;
  ymd(base, &y, &m, &d);
  if (r->months != 0) { /* rrule: the first listed month and day after the base */
    for (int yy = y; yy < y + 40; yy++)
      for (int mm = 1; mm <= 12; mm++) {
        if (!(r->months & (1u << (mm - 1)))) continue;
        int md = month_days(yy, mm);
        for (int dd = 1; dd <= md; dd++) {
          int want = r->monthdays == 0 ? dd == d : ((r->monthdays >> dd) & 1) ||
                                                        ((r->monthdays & 1) && dd == md);
          if (!want) continue;
          int32_t cand = days_of(yy, mm, dd);
          if (cand > base) return cand;
        }
      }
    return base;
  }
  int ny = y + r->interval;
  return days_of(ny, m, d <= month_days(ny, m) ? d : month_days(ny, m));
}

void nl_occurrence_of(const nl_task *t, nl_occurrence *o) {
  static const nl_date_field f[3] = {NL_DATE_START, NL_DATE_SCHEDULED, NL_DATE_DUE};
  for (int i = 0; i < 3; i++) {
    const nl_task_date *d = nl_task_date_of(t, f[i]);
    o->has[i] = d->present && d->valid;
    o->days[i] = o->has[i] ? d->days : 0;
  }
}

int nl_recurrence_next(const char *text, const nl_occurrence *cur, int32_t today,
                       nl_occurrence *next) {
  rule r;
  if (text == NULL || parse_rule(text, &r) != 0) return -1;
  int ref = cur->has[2] ? 2 : cur->has[1] ? 1 : cur->has[0] ? 0 : -1;
  int32_t base = ref >= 0 && !r.when_done ? cur->days[ref] : today, n;
  switch (r.unit) {
    case UNIT_DAY: n = base + r.interval; break;
    case UNIT_WEEK: n = next_weekly(&r, base); break;
    case UNIT_MONTH: n = next_monthly(&r, base); break;
    default: n = next_yearly(&r, base); break;
  }
  memset(next, 0, sizeof(*next));
  if (ref < 0) return 0; /* a task with no dates recurs with no dates */
  for (int i = 0; i < 3; i++) {
    next->has[i] = cur->has[i];
    next->days[i] = cur->has[i] ? n + (cur->days[i] - cur->days[ref]) : 0;
  }
  return 0;
}

/* ---- the new line ------------------------------------------------------------------------ */

typedef struct {
  size_t a, b;            /* bytes of the line to replace */
  char with[16];
} splice;

static int splice_cmp(const void *x, const void *y) {
  const splice *p = x, *q = y;
  return p->a < q->a ? -1 : p->a > q->a;
}

/* Drops a field and the blanks before it. */
static void drop(splice *s, size_t *n, const char *line, nl_col_span r) {
  if (r.b <= r.a) return;
  size_t a = r.a;
  while (a > 0 && (line[a - 1] == ' ' || line[a - 1] == '\t')) a--;
  s[*n].a = a;
  s[*n].b = r.b;
  s[*n].with[0] = '\0';
  (*n)++;
}

char *nl_recurrence_line(const nl_task *t, const char *line, size_t len,
                         const nl_occurrence *next, const char *symbol) {
  static const nl_date_field f[3] = {NL_DATE_START, NL_DATE_SCHEDULED, NL_DATE_DUE};
  splice s[12];
  size_t n = 0;
  s[n].a = nl_task_status_cols(t).a;
  s[n].b = nl_task_status_cols(t).b;
  snprintf(s[n].with, sizeof(s[n].with), "[%s]", symbol);
  n++;
  for (int i = 0; i < 3; i++) {
    const nl_task_date *d = nl_task_date_of(t, f[i]);
    if (!d->present || !d->valid || !next->has[i]) continue;
    s[n].a = d->range.b - 10;
    s[n].b = d->range.b;
    nl_date_format(next->days[i], s[n].with);
    n++;
  }
  /* As Tasks: the new occurrence has no done or cancelled date, no id, no dependencies and no
   * block id (they belong to the completed one). */
  const nl_task_date *done = nl_task_date_of(t, NL_DATE_DONE);
  const nl_task_date *cancelled = nl_task_date_of(t, NL_DATE_CANCELLED);
  if (done->present) drop(s, &n, line, done->range);
  if (cancelled->present) drop(s, &n, line, cancelled->range);
  nl_task_layout lay;
  if (nl_task_layout_of(t, line, len, &lay) != 0) return NULL;
  if (nl_task_id(t) != NULL) drop(s, &n, line, lay.id);
  if (nl_task_n_depends_on(t) > 0) drop(s, &n, line, lay.depends);
  if (nl_task_block_id(t) != NULL) drop(s, &n, line, lay.block);
  qsort(s, n, sizeof(*s), splice_cmp);
  char *out = malloc(len + n * 16 + 1);
  if (out == NULL) return NULL;
  size_t o = 0, at = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i].a < at || s[i].b > len) continue; /* overlapping: keep the first */
    memcpy(out + o, line + at, s[i].a - at);
    o += s[i].a - at;
    size_t w = strlen(s[i].with);
    memcpy(out + o, s[i].with, w);
    o += w;
    at = s[i].b;
  }
  memcpy(out + o, line + at, len - at);
  o += len - at;
  out[o] = '\0';
  return out;
}
