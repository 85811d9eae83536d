/* task_query.c: see task_query.h. The query's lifecycle, the names of statuses, priorities,
 * sorts and groups, and what one task shows (status, overdue, owner and account names, the
 * plain description). Parsing filters is task_query_args.c, running task_query_run.c, sorting
 * and grouping task_query_sort.c, the JSON task_query_json.c. */
#include "lsp/features/task_query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lsp/index/diagnose.h"
#include "lsp/features/nav_match.h"

/* ---- the query --------------------------------------------------------------------------- */

void nl_tq_query_init(nl_tq_query *q) { memset(q, 0, sizeof *q); }

static void free_list(char **items, size_t n) {
  for (size_t i = 0; i < n; i++) free(items[i]);
  free(items);
}

void nl_tq_query_free(nl_tq_query *q) {
  if (q == NULL) return;
  free_list(q->owners, q->n_owners);
  free_list(q->accounts, q->n_accounts);
  free(q->path);
  free(q->folder);
  free(q->text);
  nl_tq_query_init(q);
}

static int push(char ***items, size_t *n, const char *s) {
  char **grown = realloc(*items, (*n + 1) * sizeof **items);
  if (grown == NULL) return -1;
  *items = grown;
  if ((grown[*n] = strdup(s)) == NULL) return -1;
  (*n)++;
  return 0;
}

int nl_tq_query_add_owner(nl_tq_query *q, const char *name) {
  return push(&q->owners, &q->n_owners, name);
}

int nl_tq_query_add_account(nl_tq_query *q, const char *name) {
  return push(&q->accounts, &q->n_accounts, name);
}

static const char *const status_names[NL_TQ__STATUS_COUNT] = {"proposed", "todo", "in_progress",
                                                             "done", "cancelled"};
/* Indexed by nl_priority. */
static const char *const priority_names[] = {"normal", "lowest", "low", "medium", "high",
                                             "highest"};

static int lookup(const char *s, const char *const *names, int n) {
  for (int i = 0; s != NULL && i < n; i++)
    if (strcmp(s, names[i]) == 0) return i;
  return -1;
}

int nl_tq_parse_status(const char *s) {
  if (s != NULL && strcmp(s, "in-progress") == 0) return NL_TQ_IN_PROGRESS;
  return lookup(s, status_names, NL_TQ__STATUS_COUNT);
}

int nl_tq_parse_priority(const char *s) {
  if (s != NULL && strcmp(s, "none") == 0) return NL_PRIORITY_NONE;
  return lookup(s, priority_names, 6);
}

int nl_tq_parse_sort(const char *s) {
  static const char *const names[] = {"due", "priority", "path", "owner"};
  return lookup(s, names, 4);
}

int nl_tq_parse_group(const char *s) {
  static const char *const names[] = {"none", "owner", "account"};
  return lookup(s, names, 3);
}

const char *nl_tq_status_name(nl_tq_status s) {
  return s < NL_TQ__STATUS_COUNT ? status_names[s] : "todo";
}

const char *nl_tq_priority_name(int priority) {
  return priority > NL_PRIORITY_NONE && priority <= NL_PRIORITY_HIGHEST ? priority_names[priority]
                                                                        : NULL;
}

/* ---- one task ---------------------------------------------------------------------------- */

nl_tq_status nl_tq_task_status(const nl_task *t, const nl_task_settings *ts) {
  return nl_tq_status_of(nl_task_status_of(t, ts), t->proposed, ts);
}

nl_tq_status nl_tq_status_of(nl_task_status type, unsigned proposed, const nl_task_settings *ts) {
  switch (type) {
  case NL_TASK_DONE: return NL_TQ_DONE;
  case NL_TASK_CANCELLED: return NL_TQ_CANCELLED;
  case NL_TASK_NON_TASK: return NL_TQ__STATUS_COUNT;
  case NL_TASK_IN_PROGRESS:
    return nl_task_proposed_bits(proposed, ts) ? NL_TQ_PROPOSED : NL_TQ_IN_PROGRESS;
  default: return nl_task_proposed_bits(proposed, ts) ? NL_TQ_PROPOSED : NL_TQ_TODO;
  }
}

int nl_tq_task_overdue(const nl_task *t, const nl_task_settings *ts, int32_t today) {
  const nl_task_date *due = nl_task_date_of(t, NL_DATE_DUE);
  if (!due->present || !due->valid || due->days >= today) return 0;
  nl_tq_status s = nl_tq_task_status(t, ts);
  return s == NL_TQ_PROPOSED || s == NL_TQ_TODO || s == NL_TQ_IN_PROGRESS;
}

void nl_tq_relative(int32_t days, int32_t today, int overdue, char *buf, size_t size) {
  int32_t d = days - today;
  if (d == 0)
    snprintf(buf, size, "today");
  else if (d > 0)
    snprintf(buf, size, d == 1 ? "tomorrow" : "in %ld days", (long)d);
  else if (overdue)
    snprintf(buf, size, "%ld day%s overdue", (long)-d, d == -1 ? "" : "s");
  else
    snprintf(buf, size, d == -1 ? "yesterday" : "%ld days ago", (long)-d);
}

/* ---- names ------------------------------------------------------------------------------- */

const nl_entry *nl_tq_owner(const nl_workspace *ws, const nl_entry *from, const nl_mention *m,
                            char **name) {
  /* The index reads a mention through mojibake ("@LÃ©a Dubois" names Léa Dubois). */
  const nl_entry *p = nl_ws_resolve_mention(ws, from, m, NULL);
  if (name != NULL)
    *name = p != NULL ? nl_nav_nfc(p->name, strlen(p->name))
                      : nl_nav_nfc(m->tail, nl_diag_mention_name_len(m));
  return p;
}

char *nl_tq_marked(char mark, const char *s, size_t n) {
  char *out = malloc(n + 2);
  if (out == NULL) return NULL;
  out[0] = mark;
  memcpy(out + 1, s, n);
  out[n + 1] = '\0';
  return out;
}

char *nl_tq_owner_name(const nl_workspace *ws, const nl_entry *from, const nl_mention *m) {
  char *name = NULL;
  nl_tq_owner(ws, from, m, &name);
  return name;
}

/* Cuts the first `what` (len bytes) in s that starts a word and ends one. */
static void cut_word(char *s, const char *what, size_t len) {
  for (char *p = s; len > 0 && (p = strstr(p, what)) != NULL; p++) {
    int starts = p == s || p[-1] == ' ';
    int ends = p[len] == '\0' || p[len] == ' ';
    if (!starts || !ends) continue;
    memmove(p, p + len, strlen(p + len) + 1);
    return;
  }
}

char *nl_tq_plain_description(const nl_workspace *ws, const nl_entry *e, const nl_task *t) {
  const nl_note *n = e->note;
  char *s = strdup(t->description);
  if (s == NULL) return NULL;
  uint32_t m0, n_owners = nl_task_owners(n, t, &m0), t0, n_tags = nl_task_tags(n, t, &t0);
  for (uint32_t i = 0; i < n_owners; i++) {
    const nl_mention *m = &n->mentions[m0 + i];
    size_t len = 0;
    if (nl_ws_resolve_mention(ws, e, m, &len) == NULL) len = nl_diag_mention_name_len(m);
    char *at = nl_tq_marked('@', m->tail, len);
    if (at == NULL) break;
    cut_word(s, at, len + 1);
    free(at);
  }
  for (uint32_t i = 0; i < n_tags; i++) {
    const char *tag = n->tags[t0 + i].name;
    size_t len = strlen(tag);
    char *hash = nl_tq_marked('#', tag, len);
    if (hash == NULL) break;
    cut_word(s, hash, len + 1);
    free(hash);
  }
  size_t o = 0; /* collapse the spaces the cuts left */
  for (size_t i = 0; s[i] != '\0'; i++)
    if (s[i] != ' ' || (o > 0 && s[o - 1] != ' ')) s[o++] = s[i];
  while (o > 0 && s[o - 1] == ' ') o--;
  s[o] = '\0';
  /* A description that was only owners and tags keeps them. */
  if (o == 0) {
    free(s);
    return strdup(t->description);
  }
  return s;
}

char *nl_tq_account_name(const nl_tq_hit *h) {
  if (h->account != NULL) return nl_nav_nfc(h->account->name, strlen(h->account->name));
  if (h->account_name != NULL) return nl_nav_nfc(h->account_name, strlen(h->account_name));
  return NULL;
}

