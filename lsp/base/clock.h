/* clock.h: the one reader of the wall clock behind dates: "today", the minute of the day and
 * the next local midnight. NOTES_LSP_CLOCK, seconds since the epoch (a fraction allowed), is a
 * test hook, not a setting: the clock then reads that time at its first reading and runs on
 * from there at the real rate, so a test can start at 23:59:59.5 and see midnight pass. */
#ifndef NL_CLOCK_H
#define NL_CLOCK_H

#include <stdint.h>
#include <time.h>

/* The time now, in milliseconds since the epoch. */
int64_t nl_clock_now_ms(void);
/* The local time now into *tm; 0, or -1 when it cannot be worked out (*tm is then zeroed). */
int nl_clock_local(struct tm *tm);
/* The local time (the TZ environment's zone, DST included) of `secs` since the epoch into
 * *tm; 0, or -1 when it cannot be worked out (*tm is then zeroed). */
int nl_clock_local_at(int64_t secs, struct tm *tm);
/* Milliseconds from now until `after_ms` past the next local midnight (DST included); 60000
 * when the local calendar cannot be worked out. */
uint64_t nl_clock_ms_to_midnight(unsigned after_ms);

#endif
