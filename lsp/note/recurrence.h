/* recurrence.h: the next occurrence of a recurring task (🔁), as Obsidian Tasks computes it.
 *
 * Rules read (case-insensitive, as Tasks' rrule text parser reads them):
 *   every [N] day(s) | week(s) | month(s) | year(s)
 *   every [N] week(s) on <weekday>[, <weekday>...]      (also "and" between weekdays)
 *   every <weekday>[, <weekday>...]                     every weekday (Monday to Friday)
 *   every [N] month(s) on the <Nth> | on the last | on the <Nth> <weekday> | on the last <weekday>
 *   every <Month>[ and <Month>...] [on the <Nth>[ and <Nth>...]]
 *   ... when done                                       from the completion date, not the dates
 * The next reference date follows the task's reference date (due, else scheduled, else
 * start; today when there is none or the rule ends in "when done"); the other dates keep their
 * distance to it. A month or year that lacks the day ("every month" from Jan 31) ends on its
 * last day, as Tasks does; "on the 31st" skips months without one, as rrule does. */
#ifndef NL_RECURRENCE_H
#define NL_RECURRENCE_H

#include <stdint.h>

#include "lsp/note/note.h"

/* The dates that move: start, scheduled, due (Tasks' Occurrence). */
typedef struct {
  uint8_t has[3];         /* [0] start, [1] scheduled, [2] due */
  int32_t days[3];        /* days since 1970-01-01 */
} nl_occurrence;

/* Reads the task's valid start, scheduled and due dates into *o. */
void nl_occurrence_of(const nl_task *t, nl_occurrence *o);

/* Computes the next occurrence of `rule` (NUL-terminated) after `cur` for a task completed on
 * `today` into *next. Returns 0, or -1 when the rule is not one Tasks reads (then no next
 * occurrence is created, as in Tasks). */
int nl_recurrence_next(const char *rule, const nl_occurrence *cur, int32_t today,
                       nl_occurrence *next);

/* The line of the next occurrence (new, NUL-terminated; NULL when out of memory), built from
 * the task's `line` (len bytes, the whole line): status [symbol], the start, scheduled and due
 * values moved to `next`, and no done or cancelled date, id, depends-on or block id, as Tasks
 * writes it. Everything else stays as written. */
char *nl_recurrence_line(const nl_task *t, const char *line, size_t len,
                         const nl_occurrence *next, const char *symbol);

#endif
