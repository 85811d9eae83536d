/* clock.c: see clock.h. */
#include "lsp/base/clock.h"

#include <stdlib.h>
#include <string.h>
#include <uv.h>

static uv_once_t once = UV_ONCE_INIT;
static int64_t shift_ms; /* NOTES_LSP_CLOCK minus the real time at the first reading */

static int64_t real_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void read_hook(void) {
  const char *s = getenv("NOTES_LSP_CLOCK");
  if (s == NULL || *s == '\0') return;
  char *end;
  double secs = strtod(s, &end);
  if (*end != '\0' || secs < 0 || secs > 1e12) return; /* not a time: the real clock */
  shift_ms = (int64_t)(secs * 1000.0 + 0.5) - real_ms();
}

int64_t nl_clock_now_ms(void) {
  uv_once(&once, read_hook);
  return real_ms() + shift_ms;
}

int nl_clock_local_at(int64_t secs, struct tm *tm) {
  time_t t = (time_t)secs;
  if (localtime_r(&t, tm) != NULL) return 0;
  memset(tm, 0, sizeof *tm);
  return -1;
}

int nl_clock_local(struct tm *tm) {
  return nl_clock_local_at(nl_clock_now_ms() / 1000, tm);
}

uint64_t nl_clock_ms_to_midnight(unsigned after_ms) {
  int64_t now = nl_clock_now_ms();
  time_t secs = (time_t)(now / 1000);
  struct tm tm;
  if (localtime_r(&secs, &tm) == NULL) return 60000;
  tm.tm_hour = 24; /* mktime normalises to the next day's 00:00 */
  tm.tm_min = 0;
  tm.tm_sec = 0;
  tm.tm_isdst = -1;
  time_t midnight = mktime(&tm);
  if (midnight == (time_t)-1) return 60000;
  int64_t ms = (int64_t)midnight * 1000 + after_ms - now;
  return ms > 0 ? (uint64_t)ms : 60000;
}
