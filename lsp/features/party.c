/* party.c: see party.h. Everything comes through the index's reference maps (mentions,
 * backlinks, frontmatter names, account tags), so a card costs what the person or account is
 * referenced by, not what the vault holds. */
#include "lsp/features/party.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsp/base/buf.h"
#include "lsp/base/vec.h"
#include "lsp/features/nav_match.h"

int nl_party_is(const nl_entry *e) {
  return e != NULL && e->note != NULL &&
         (e->kind == NL_KIND_PERSON || e->kind == NL_KIND_ACCOUNT);
}

int32_t nl_party_meeting_day(const nl_entry *m) {
  int32_t days;
  const nl_fm_scalar *d = m->note != NULL ? m->note->date : NULL;
  if (d != NULL && strlen(d->text) >= 10 && nl_date_parse(d->text, 10, &days) == 0) return days;
  if (strlen(m->name) >= 10 && nl_date_parse(m->name, 10, &days) == 0) return days;
  return INT32_MIN;
}

typedef struct {
  nl_vec list; /* of const nl_entry * */
  int oom;
} meeting_set;

static void add_meeting(meeting_set *s, const nl_entry *m) {
  if (m == NULL || m->kind != NL_KIND_MEETING) return;
  const nl_entry **slot = nl_vec_push(&s->list, sizeof *slot);
  if (slot == NULL)
    s->oom = 1;
  else
    *slot = m;
}

/* Adds the meetings among the notes `find` gives; returns how many references it gave. */
static size_t add_refs(meeting_set *s, const nl_workspace *ws, const nl_entry *e,
                       ptrdiff_t (*find)(const nl_workspace *, const nl_entry *, nl_ref **)) {
  nl_ref *refs;
  ptrdiff_t k = find(ws, e, &refs);
  if (k < 0) {
    s->oom = 1;
    return 0;
  }
  for (ptrdiff_t i = 0; i < k; i++)
    if (i == 0 || refs[i].from != refs[i - 1].from) add_meeting(s, nl_ws_get(ws, refs[i].from));
  free(refs);
  return (size_t)k;
}

static int by_id(const void *pa, const void *pb) {
  const nl_entry *a = *(const nl_entry *const *)pa, *b = *(const nl_entry *const *)pb;
  return a->id < b->id ? -1 : a->id > b->id;
}

/* A meeting with its day, read once before sorting rather than twice per comparison. */
typedef struct {
  int32_t day;
  const nl_entry *e;
} dated_meeting;

static int newest_first(const void *pa, const void *pb) {
  const dated_meeting *a = pa, *b = pb;
  if (a->day != b->day) return a->day > b->day ? -1 : 1;
  return strcmp(a->e->rel, b->e->rel);
}

/* Sorts meetings newest first: 0, or -1 when out of memory. */
static int sort_newest_first(const nl_entry **items, size_t n) {
  if (n < 2) return 0;
  dated_meeting *d = malloc(n * sizeof *d);
  if (d == NULL) return -1;
  for (size_t i = 0; i < n; i++) d[i] = (dated_meeting){nl_party_meeting_day(items[i]), items[i]};
  qsort(d, n, sizeof *d, newest_first);
  for (size_t i = 0; i < n; i++) items[i] = d[i].e;
  free(d);
  return 0;
}

int nl_party_load(const nl_workspace *ws, const nl_entry *e, int32_t today, nl_party *p) {
  memset(p, 0, sizeof *p);
  nl_tq_query q;
  nl_tq_query_init(&q);
  q.party = e;
  if (nl_tq_run(ws, &q, today, &p->tasks) < 0) return -1;
  p->n_overdue = p->tasks.total_overdue;
  for (size_t i = 0; i < p->tasks.n; i++)
    p->n_proposed += p->tasks.items[i].status == NL_TQ_PROPOSED;
  /* Meetings that name them: a link, a mention (people), `participants:` or `account:`. */
  meeting_set s = {0};
  p->n_links = add_refs(&s, ws, e, nl_ws_backlinks);
  add_refs(&s, ws, e, nl_ws_fm_refs_of);
  if (e->kind == NL_KIND_PERSON) add_refs(&s, ws, e, nl_ws_mentions_of);
  const nl_entry **found = s.list.items;
  if (s.oom) {
    nl_vec_free(&s.list);
    nl_party_free(p);
    return -1;
  }
  if (s.list.n > 1) qsort(found, s.list.n, sizeof *found, by_id);
  size_t u = 0; /* a meeting that links and mentions them counts once */
  for (size_t i = 0; i < s.list.n; i++)
    if (u == 0 || found[u - 1] != found[i]) found[u++] = found[i];
  if (sort_newest_first(found, u) < 0) {
    nl_vec_free(&s.list);
    nl_party_free(p);
    return -1;
  }
  p->meetings = found; /* the vector's array, now p's */
  p->n_meetings = u;
  return 0;
}

void nl_party_free(nl_party *p) {
  if (p == NULL) return;
  nl_tq_result_free(&p->tasks);
  free(p->meetings);
  memset(p, 0, sizeof *p);
}

/* ---- the hover card ---------------------------------------------------------------------- */

#define CARD_TASKS 5
#define CARD_MEETINGS 3

static const char *note_title(const nl_entry *e) {
  return e->note->title != NULL && e->note->title->text[0] != '\0' ? e->note->title->text
                                                                   : e->name;
}

static void task_line(nl_buf *b, const nl_workspace *ws, const nl_entry *party,
                      const nl_tq_hit *h, int32_t today) {
  const nl_task *t = h->task;
  char *plain = nl_tq_plain_description(ws, h->entry, t);
  nl_buf_addf(b, "  \n\xE2\x80\xA2 %s%s", h->status == NL_TQ_PROPOSED ? "(proposed) " : "",
      plain ? plain : t->description);
  free(plain);
  uint32_t m0;
  if (party->kind == NL_KIND_ACCOUNT && nl_task_owners(h->entry->note, t, &m0) > 0) {
    char *owner = nl_tq_owner_name(ws, h->entry, &h->entry->note->mentions[m0]);
    if (owner != NULL) nl_buf_addf(b, " \xE2\x80\x94 %s", owner);
    free(owner);
  }
  const nl_task_date *due = nl_task_date_of(t, NL_DATE_DUE);
  if (due->present && due->valid) {
    char day[16], rel[48];
    nl_date_format(due->days, day);
    nl_tq_relative(due->days, today, h->overdue, rel, sizeof rel);
    nl_buf_addf(b, ", due %s (%s)", day, rel);
  }
  nl_buf_addf(b, " \xC2\xB7 %s", note_title(h->entry));
}

char *nl_party_card(const nl_workspace *ws, const nl_entry *e, const nl_party *p) {
  nl_buf b = NL_BUF_INIT;
  const nl_fm_entry *role = nl_note_fm_get(e->note, "role");
  if (e->kind == NL_KIND_PERSON && role != NULL && role->n_items == 1)
    nl_buf_addf(&b, "role: %s  \n", role->items[0].text);
  nl_buf_addf(&b, "**%zu open task%s**", p->tasks.n, p->tasks.n == 1 ? "" : "s");
  if (p->n_overdue > 0) nl_buf_addf(&b, ", %zu overdue", p->n_overdue);
  if (p->n_proposed > 0) nl_buf_addf(&b, ", %zu proposed", p->n_proposed);
  for (size_t i = 0; i < p->tasks.n && i < CARD_TASKS; i++)
    task_line(&b, ws, e, &p->tasks.items[i], p->tasks.today);
  if (p->tasks.n > CARD_TASKS) nl_buf_addf(&b, "  \n\xE2\x80\xA6 and %zu more", p->tasks.n - CARD_TASKS);
  if (p->n_meetings > 0) nl_buf_addf(&b, "  \n**latest meeting%s**", p->n_meetings == 1 ? "" : "s");
  for (size_t i = 0; i < p->n_meetings && i < CARD_MEETINGS; i++) {
    const nl_entry *m = p->meetings[i];
    int32_t day = nl_party_meeting_day(m);
    char date[16] = "";
    if (day != INT32_MIN) nl_date_format(day, date);
    const char *title = note_title(m);
    /* A meeting's title often repeats its date. */
    int dated = date[0] != '\0' && strncmp(title, date, 10) != 0;
    nl_buf_addf(&b, "  \n\xE2\x80\xA2 %s%s%s", dated ? date : "", dated ? " " : "", title);
  }
  return nl_buf_take(&b);
}
