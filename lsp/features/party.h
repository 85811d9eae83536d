/* party.h: what the vault holds for a person or an account note: their open tasks (a person
 * owns them; an account's are the tasks whose account it is, task_query.h) and their meetings,
 * for code lenses and hover cards. */
#ifndef NL_PARTY_H
#define NL_PARTY_H

#include "lsp/features/task_query.h"

typedef struct {
  nl_tq_result tasks;         /* proposed, todo and in progress; overdue first, then by due */
  size_t n_overdue;
  size_t n_proposed;
  const nl_entry **meetings;  /* new array of borrowed entries, newest first */
  size_t n_meetings;
  size_t n_links;             /* links to the note (nl_ws_backlinks), for a card's count */
} nl_party;

/* Whether e is a person or an account note. */
int nl_party_is(const nl_entry *e);

/* Fills p for person or account `e` with `today`. Returns 0, or -1 when out of memory (p is
 * then empty). Free with nl_party_free. */
int nl_party_load(const nl_workspace *ws, const nl_entry *e, int32_t today, nl_party *p);
void nl_party_free(nl_party *p);

/* The lines a hover card adds for person or account `e`, loaded into p by nl_party_load
 * (markdown that reads as plain text, lines joined by "  \n"): a person's role, then the open
 * tasks (overdue first, with due dates, at most five, a person's or the account's owner named),
 * then the latest three meetings. New (free()), NULL when out of memory. */
char *nl_party_card(const nl_workspace *ws, const nl_entry *e, const nl_party *p);

/* A meeting's date: frontmatter `date:` (its first 10 characters) when it is a date, else a
 * YYYY-MM-DD at the start of the file name; INT32_MIN when neither. */
int32_t nl_party_meeting_day(const nl_entry *meeting);

#endif
