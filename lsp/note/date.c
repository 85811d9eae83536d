/* date.c: YYYY-MM-DD <-> days since 1970-01-01 in the proleptic Gregorian calendar. */
#include "lsp/note/note.h"


/* Howard Hinnant's days_from_civil: exact for every year, negative days before 1970. */
static int32_t days_from_civil(int32_t y, int32_t m, int32_t d) {
  y -= m <= 2;
  const int32_t era = (y >= 0 ? y : y - 399) / 400;
  const int32_t yoe = y - era * 400;
  const int32_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static void civil_from_days(int32_t z, int32_t *y, int32_t *m, int32_t *d) {
  z += 719468;
  const int32_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int32_t doe = z - era * 146097;
  const int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int32_t mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yoe + era * 400 + (*m <= 2);
}

static int digits(const char *s, size_t n, int32_t *out) {
  int32_t v = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return 0;
}

static int is_leap(int32_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int nl_date_days_in_month(int32_t year, int month) {
  static const int8_t month_days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  return month_days[month - 1] + (month == 2 && is_leap(year));
}

int nl_date_parse(const char *s, size_t len, int32_t *days) {
  int32_t y, m, d;
  if (s == NULL || len != 10 || s[4] != '-' || s[7] != '-') return -1;
  if (digits(s, 4, &y) < 0 || digits(s + 5, 2, &m) < 0 || digits(s + 8, 2, &d) < 0) return -1;
  if (m < 1 || m > 12 || d < 1) return -1;
  if (d > nl_date_days_in_month(y, (int)m)) return -1;
  if (days != NULL) *days = days_from_civil(y, m, d);
  return 0;
}

void nl_date_civil(int32_t days, int32_t *year, int32_t *month, int32_t *day) {
  civil_from_days(days, year, month, day);
}

void nl_date_format(int32_t days, char *buf) {
  /* Clamp to the years YYYY can spell so the output is always exactly 10 characters. */
  const int32_t min = days_from_civil(0, 1, 1), max = days_from_civil(9999, 12, 31);
  if (days < min) days = min;
  if (days > max) days = max;
  int32_t y, m, d;
  civil_from_days(days, &y, &m, &d);
  const int32_t parts[3] = {y, m, d}, widths[3] = {4, 2, 2};
  char *o = buf;
  for (int i = 0; i < 3; i++) {
    if (i > 0) *o++ = '-';
    for (int32_t k = widths[i] - 1, v = parts[i]; k >= 0; k--, v /= 10) o[k] = (char)('0' + v % 10);
    o += widths[i];
  }
  *o = '\0';
}
