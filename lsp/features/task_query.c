/* task_query.c: see task_query.h. One pass over the index's tasks with the cheap filters
 * (status, dates, priority) first, so that a whole-vault query touches names only for the
 * tasks that are still in the running. */
#include "lsp/features/task_query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lsp/index/diagnose.h"
#include "lsp/server/text.h"
#include "lsp/features/nav_match.h"
#include "lsp/base/unicode.h"
#include "protocol/lsp_types.h"

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

/* ---- arguments of notes-lsp.tasks -------------------------------------------------------- */

typedef int (*add_fn)(nl_tq_query *q, const char *key, const char *value, char *err,
                      size_t err_size);

/* A string or an array of strings, each given to add. */
static int each_string(nl_tq_query *q, const char *key, const json_t *v, add_fn add, char *err,
                       size_t err_size) {
  if (json_is_string(v)) return add(q, key, json_string_value(v), err, err_size);
  if (!json_is_array(v)) {
    snprintf(err, err_size, "%s must be a string or an array of strings", key);
    return -1;
  }
  size_t i;
  const json_t *item;
  json_array_foreach(v, i, item) {
    if (!json_is_string(item)) {
      snprintf(err, err_size, "%s[%zu] must be a string", key, i);
      return -1;
    }
    if (add(q, key, json_string_value(item), err, err_size) < 0) return -1;
  }
  return 0;
}

static int oom(char *err, size_t err_size) {
  snprintf(err, err_size, "out of memory");
  return -1;
}

static int add_owner(nl_tq_query *q, const char *key, const char *v, char *err, size_t n) {
  if (*v == '\0') return snprintf(err, n, "%s: empty name", key), -1;
  return nl_tq_query_add_owner(q, v) < 0 ? oom(err, n) : 0;
}

static int add_account(nl_tq_query *q, const char *key, const char *v, char *err, size_t n) {
  if (*v == '\0') return snprintf(err, n, "%s: empty name", key), -1;
  return nl_tq_query_add_account(q, v) < 0 ? oom(err, n) : 0;
}

static int add_status(nl_tq_query *q, const char *key, const char *v, char *err, size_t n) {
  int s = nl_tq_parse_status(v);
  if (s < 0)
    return snprintf(err, n,
                    "%s: unknown status '%s' (expected proposed, todo, in_progress, done or "
                    "cancelled)",
                    key, v),
           -1;
  q->statuses |= 1u << s;
  return 0;
}

static int add_priority(nl_tq_query *q, const char *key, const char *v, char *err, size_t n) {
  int p = nl_tq_parse_priority(v);
  if (p < 0)
    return snprintf(err, n,
                    "%s: unknown priority '%s' (expected highest, high, medium, normal, low or "
                    "lowest)",
                    key, v),
           -1;
  q->priorities |= 1u << p;
  return 0;
}

static int get_date(const char *key, const json_t *v, int32_t *days, char *err, size_t n) {
  const char *s = json_string_value(v);
  if (s == NULL || nl_date_parse(s, strlen(s), days) < 0) {
    snprintf(err, n, "%s must be a date YYYY-MM-DD", key);
    return -1;
  }
  return 0;
}

static int get_choice(const char *key, const json_t *v, int (*parse)(const char *),
                      const char *expected, int *out, char *err, size_t n) {
  const char *s = json_string_value(v);
  if (s == NULL || (*out = parse(s)) < 0) {
    snprintf(err, n, "%s must be one of %s", key, expected);
    return -1;
  }
  return 0;
}

static int set_string(char **dst, const char *key, const json_t *v, char *err, size_t n) {
  if (!json_is_string(v)) return snprintf(err, n, "%s must be a string", key), -1;
  free(*dst);
  *dst = strdup(json_string_value(v));
  return *dst == NULL ? oom(err, n) : 0;
}

static int read_arg(nl_tq_query *q, const char *key, const json_t *v, char *err, size_t n) {
  int choice;
  if (strcmp(key, "owner") == 0) return each_string(q, key, v, add_owner, err, n);
  if (strcmp(key, "account") == 0) return each_string(q, key, v, add_account, err, n);
  if (strcmp(key, "status") == 0) return each_string(q, key, v, add_status, err, n);
  if (strcmp(key, "priority") == 0) return each_string(q, key, v, add_priority, err, n);
  if (strcmp(key, "overdue") == 0) {
    if (!json_is_boolean(v)) return snprintf(err, n, "overdue must be true or false"), -1;
    q->overdue = json_is_true(v);
    return 0;
  }
  if (strcmp(key, "dueBefore") == 0) {
    q->has_due_before = 1;
    return get_date(key, v, &q->due_before, err, n);
  }
  if (strcmp(key, "dueAfter") == 0) {
    q->has_due_after = 1;
    return get_date(key, v, &q->due_after, err, n);
  }
  if (strcmp(key, "today") == 0) {
    q->has_today = 1;
    return get_date(key, v, &q->today, err, n);
  }
  if (strcmp(key, "path") == 0) return set_string(&q->path, key, v, err, n);
  if (strcmp(key, "text") == 0) return set_string(&q->text, key, v, err, n);
  if (strcmp(key, "sort") == 0) {
    if (get_choice(key, v, nl_tq_parse_sort, "due, priority, path or owner", &choice, err, n) < 0)
      return -1;
    q->sort = (nl_tq_sort)choice;
    return 0;
  }
  if (strcmp(key, "groupBy") == 0) {
    if (get_choice(key, v, nl_tq_parse_group, "none, owner or account", &choice, err, n) < 0)
      return -1;
    q->group = (nl_tq_group)choice;
    return 0;
  }
  if (strcmp(key, "limit") == 0) {
    if (!json_is_integer(v) || json_integer_value(v) < 0)
      return snprintf(err, n, "limit must be a non-negative integer"), -1;
    q->limit = (size_t)json_integer_value(v);
    return 0;
  }
  snprintf(err, n,
           "unknown argument '%s' (expected owner, account, status, overdue, dueBefore, "
           "dueAfter, priority, path, text, sort, groupBy, limit or today)",
           key);
  return -1;
}

int nl_tq_query_from_json(nl_tq_query *q, const json_t *args, char *err, size_t err_size) {
  if (args == NULL || json_is_null(args)) return 0;
  if (!json_is_object(args)) {
    snprintf(err, err_size, "the argument must be an object of filters");
    return -1;
  }
  const char *key;
  const json_t *v;
  json_object_foreach((json_t *)args, key, v) {
    if (read_arg(q, key, v, err, err_size) < 0) return -1;
  }
  return 0;
}

/* ---- one task ---------------------------------------------------------------------------- */

nl_tq_status nl_tq_task_status(const nl_task *t, const nl_task_settings *ts) {
  switch (nl_task_status_of(t, ts)) {
  case NL_TASK_DONE: return NL_TQ_DONE;
  case NL_TASK_CANCELLED: return NL_TQ_CANCELLED;
  case NL_TASK_NON_TASK: return NL_TQ__STATUS_COUNT;
  case NL_TASK_IN_PROGRESS: return nl_task_is_proposed(t, ts) ? NL_TQ_PROPOSED : NL_TQ_IN_PROGRESS;
  default: return nl_task_is_proposed(t, ts) ? NL_TQ_PROPOSED : NL_TQ_TODO;
  }
}

int nl_tq_task_overdue(const nl_task *t, const nl_task_settings *ts, int32_t today) {
  const nl_task_date *due = &t->dates[NL_DATE_DUE];
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

/* A folded key of s[0, len), into buf when it fits, else new in *owned. NULL when out of
 * memory. */
static const char *key_of(const char *s, size_t len, char *buf, size_t cap, char **owned) {
  *owned = NULL;
  size_t n = nl_unicode_key_into(s, len, buf, cap);
  if (n < cap) return buf;
  return *owned = nl_unicode_key(s, len, NULL);
}

static int in_keys(char *const *keys, size_t n, const char *k) {
  for (size_t i = 0; k != NULL && i < n; i++)
    if (strcmp(keys[i], k) == 0) return 1;
  return 0;
}

static size_t first_word_len(const char *s) {
  size_t n = 0;
  while (s[n] != '\0' && s[n] != ' ' && s[n] != '\t') n++;
  return n;
}

/* ---- owners and accounts ----------------------------------------------------------------- */

/* What an owner or account filter matches: notes, and folded names for what names no note. */
typedef struct {
  const nl_entry **notes;
  size_t n_notes;
  char **keys;
  size_t n_keys;
  char **heads; /* folded first words of every name: a mention whose word is none of them
                   names none of the people, so most mentions are rejected without a lookup */
  size_t n_heads;
  size_t unresolved; /* names that name no note */
  int oom;
} name_filter;

static void add_key(name_filter *f, char ***keys, size_t *n, const char *s, size_t len) {
  char *k = nl_unicode_key(s, len, NULL);
  if (k == NULL) {
    f->oom = 1;
    return;
  }
  if (in_keys(*keys, *n, k)) {
    free(k);
    return;
  }
  char **grown = realloc(*keys, (*n + 1) * sizeof **keys);
  if (grown == NULL) {
    free(k);
    f->oom = 1;
    return;
  }
  *keys = grown;
  grown[(*n)++] = k;
}

static void add_head(name_filter *f, const char *name) {
  add_key(f, &f->heads, &f->n_heads, name, first_word_len(name));
}

static void add_note(name_filter *f, const nl_entry *e);

static void add_name(name_filter *f, const nl_workspace *ws, nl_kind kind, const char *name) {
  add_key(f, &f->keys, &f->n_keys, name, strlen(name));
  add_head(f, name);
  const nl_entry *e = nl_ws_resolve_kind(ws, kind, name, strlen(name));
  if (e == NULL) {
    f->unresolved++;
    return;
  }
  add_note(f, e);
}

static void add_note(name_filter *f, const nl_entry *e) {
  const nl_entry **grown = realloc(f->notes, (f->n_notes + 1) * sizeof *grown);
  if (grown == NULL) {
    f->oom = 1;
    return;
  }
  f->notes = grown;
  grown[f->n_notes++] = e;
  add_key(f, &f->keys, &f->n_keys, e->name, strlen(e->name));
  add_head(f, e->name);
  const nl_note *n = e->note;
  if (n == NULL) return;
  if (n->title != NULL) add_head(f, n->title->text);
  for (size_t i = 0; i < n->n_aliases; i++) add_head(f, n->aliases[i].text);
}

static void filter_free(name_filter *f) {
  free(f->notes);
  free_list(f->keys, f->n_keys);
  free_list(f->heads, f->n_heads);
}

static int has_note(const name_filter *f, const nl_entry *e) {
  for (size_t i = 0; i < f->n_notes; i++)
    if (f->notes[i] == e) return 1;
  return 0;
}

static void owner_filter(name_filter *f, const nl_workspace *ws, const nl_tq_query *q) {
  const nl_config *cfg = nl_ws_config(ws);
  if (q->party != NULL && q->party->kind == NL_KIND_PERSON) add_note(f, q->party);
  for (size_t i = 0; i < q->n_owners; i++) {
    if (strcasecmp(q->owners[i], "me") == 0 && cfg != NULL && cfg->owner.n > 0) {
      for (size_t k = 0; k < cfg->owner.n; k++) add_name(f, ws, NL_KIND_PERSON, cfg->owner.items[k]);
      continue;
    }
    add_name(f, ws, NL_KIND_PERSON, q->owners[i]);
  }
}

static int mention_matches(const nl_workspace *ws, const name_filter *f, const nl_mention *m) {
  char buf[256], *owned;
  const char *wk = key_of(m->word, strlen(m->word), buf, sizeof buf, &owned);
  int head = in_keys(f->heads, f->n_heads, wk);
  free(owned);
  if (!head) return 0;
  size_t matched = 0;
  const nl_entry *p = nl_ws_resolve_mention(ws, m, &matched);
  if (p != NULL) return has_note(f, p);
  const char *nk = key_of(m->tail, nl_diag_mention_name_len(m), buf, sizeof buf, &owned);
  int hit = in_keys(f->keys, f->n_keys, nk);
  free(owned);
  return hit;
}

static int owners_match(const nl_workspace *ws, const name_filter *f, const nl_note *n,
                        const nl_task *t) {
  for (uint32_t i = 0; i < t->n_mentions; i++)
    if (mention_matches(ws, f, &n->mentions[t->first_mention + i])) return 1;
  return 0;
}

/* The account of a note, for its tasks that name none on their own line. */
typedef struct {
  const nl_entry *entry;
  const char *name;
} account_ref;

static account_ref note_account(const nl_workspace *ws, const nl_entry *e) {
  account_ref a = {NULL, NULL};
  const nl_note *n = e->note;
  if (n->account != NULL && n->account->text[0] != '\0') {
    const char *v = n->account->text;
    a.entry = nl_ws_resolve_kind(ws, NL_KIND_ACCOUNT, v, strlen(v));
    if (a.entry == NULL) a.name = v;
  } else if (e->kind == NL_KIND_ACCOUNT) {
    a.entry = e;
  }
  return a;
}

static account_ref task_account(const nl_workspace *ws, const nl_entry *e, const nl_task *t,
                                account_ref fallback) {
  const nl_note *n = e->note;
  for (size_t i = 0; i < n->n_links; i++) {
    const nl_link *l = &n->links[i];
    if (l->range.start.line != t->line || *l->target == '\0') continue;
    nl_entry *to = nl_ws_resolve(ws, e, l->kind == NL_LINK_MARKDOWN, l->target,
                                 strlen(l->target), NULL);
    if (to != NULL && to->kind == NL_KIND_ACCOUNT) return (account_ref){to, NULL};
  }
  for (uint32_t i = 0; i < t->n_tags; i++) {
    const char *tag = n->tags[t->first_tag + i].name;
    nl_entry *to = nl_ws_resolve_account_tag(ws, tag, strlen(tag));
    if (to != NULL) return (account_ref){to, NULL};
  }
  return fallback;
}

static int account_matches(const name_filter *f, account_ref a) {
  if (a.entry != NULL) return has_note(f, a.entry);
  if (a.name == NULL) return 0;
  char buf[256], *owned;
  const char *k = key_of(a.name, strlen(a.name), buf, sizeof buf, &owned);
  int hit = in_keys(f->keys, f->n_keys, k);
  free(owned);
  return hit;
}

char *nl_tq_owner_name(const nl_workspace *ws, const nl_mention *m) {
  size_t matched = 0;
  const nl_entry *p = nl_ws_resolve_mention(ws, m, &matched);
  if (p != NULL) return nl_nav_nfc(p->name, strlen(p->name));
  return nl_nav_nfc(m->tail, nl_diag_mention_name_len(m));
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

char *nl_tq_plain_description(const nl_workspace *ws, const nl_note *n, const nl_task *t) {
  char *s = strdup(t->description);
  if (s == NULL) return NULL;
  for (uint32_t i = 0; i < t->n_mentions; i++) {
    const nl_mention *m = &n->mentions[t->first_mention + i];
    size_t len = 0;
    if (nl_ws_resolve_mention(ws, m, &len) == NULL) len = nl_diag_mention_name_len(m);
    char *at = malloc(len + 2);
    if (at == NULL) break;
    at[0] = '@';
    memcpy(at + 1, m->tail, len);
    at[len + 1] = '\0';
    cut_word(s, at, len + 1);
    free(at);
  }
  for (uint32_t i = 0; i < t->n_tags; i++) {
    const char *tag = n->tags[t->first_tag + i].name;
    size_t len = strlen(tag);
    char *hash = malloc(len + 2);
    if (hash == NULL) break;
    hash[0] = '#';
    memcpy(hash + 1, tag, len + 1);
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

/* ---- text -------------------------------------------------------------------------------- */

typedef struct {
  char **words; /* folded */
  size_t n;
} words;

static int words_init(words *w, const char *text) {
  memset(w, 0, sizeof *w);
  char *key = nl_unicode_key(text, strlen(text), NULL); /* spaces collapsed to one */
  if (key == NULL) return -1;
  for (char *s = key; *s != '\0';) {
    size_t n = first_word_len(s);
    char *word = strndup(s, n);
    char **grown = word != NULL ? realloc(w->words, (w->n + 1) * sizeof *grown) : NULL;
    if (grown == NULL) {
      free(word);
      free(key);
      return -1;
    }
    w->words = grown;
    grown[w->n++] = word;
    s += n;
    if (*s == ' ') s++;
  }
  free(key);
  return 0;
}

static int text_matches(const words *w, const char *description) {
  char buf[1024], *owned;
  const char *k = key_of(description, strlen(description), buf, sizeof buf, &owned);
  int ok = k != NULL;
  for (size_t i = 0; ok && i < w->n; i++) ok = strstr(k, w->words[i]) != NULL;
  free(owned);
  return ok;
}

/* ---- running ----------------------------------------------------------------------------- */

typedef struct {
  nl_tq_hit *items;
  size_t n, cap;
} hits;

static int add_hit(hits *h, const nl_tq_hit *hit) {
  if (h->n == h->cap) {
    size_t cap = h->cap ? h->cap * 2 : 64;
    nl_tq_hit *grown = realloc(h->items, cap * sizeof *grown);
    if (grown == NULL) return -1;
    h->items = grown;
    h->cap = cap;
  }
  h->items[h->n++] = *hit;
  return 0;
}

/* Obsidian Tasks orders priorities highest, high, medium, none ("normal"), low, lowest. */
static int priority_rank(uint8_t p) { return p == NL_PRIORITY_NONE ? 5 : p * 2; }

static int cmp_path(const nl_tq_hit *a, const nl_tq_hit *b) {
  int c = strcmp(a->entry->rel, b->entry->rel);
  if (c != 0) return c;
  return a->task->line < b->task->line ? -1 : a->task->line > b->task->line;
}

static int cmp_due_only(const nl_tq_hit *a, const nl_tq_hit *b) {
  const nl_task_date *x = &a->task->dates[NL_DATE_DUE], *y = &b->task->dates[NL_DATE_DUE];
  int hx = x->present && x->valid, hy = y->present && y->valid;
  if (hx != hy) return hy - hx; /* dated first */
  if (hx && x->days != y->days) return x->days < y->days ? -1 : 1;
  return 0;
}

static int cmp_priority_only(const nl_tq_hit *a, const nl_tq_hit *b) {
  return priority_rank(b->task->priority) - priority_rank(a->task->priority);
}

static int cmp_due(const void *pa, const void *pb) {
  const nl_tq_hit *a = pa, *b = pb;
  int c = cmp_due_only(a, b);
  if (c == 0) c = cmp_priority_only(a, b);
  return c != 0 ? c : cmp_path(a, b);
}

static int cmp_priority(const void *pa, const void *pb) {
  const nl_tq_hit *a = pa, *b = pb;
  int c = cmp_priority_only(a, b);
  if (c == 0) c = cmp_due_only(a, b);
  return c != 0 ? c : cmp_path(a, b);
}

static int cmp_path_q(const void *pa, const void *pb) { return cmp_path(pa, pb); }

typedef struct {
  nl_tq_hit hit;
  char *key; /* folded first owner, NULL for none */
} keyed;

static int cmp_owner(const void *pa, const void *pb) {
  const keyed *a = pa, *b = pb;
  if ((a->key == NULL) != (b->key == NULL)) return a->key == NULL ? 1 : -1;
  int c = a->key != NULL ? strcmp(a->key, b->key) : 0;
  return c != 0 ? c : cmp_due(&a->hit, &b->hit);
}

static int sort_by_owner(const nl_workspace *ws, nl_tq_hit *items, size_t n) {
  keyed *k = calloc(n ? n : 1, sizeof *k);
  if (k == NULL) return -1;
  int rc = 0;
  for (size_t i = 0; i < n; i++) {
    k[i].hit = items[i];
    const nl_task *t = items[i].task;
    if (t->n_mentions == 0) continue;
    char *name = nl_tq_owner_name(ws, &items[i].entry->note->mentions[t->first_mention]);
    if (name == NULL || (k[i].key = nl_unicode_key(name, strlen(name), NULL)) == NULL) rc = -1;
    free(name);
  }
  qsort(k, n, sizeof *k, cmp_owner);
  for (size_t i = 0; i < n; i++) {
    items[i] = k[i].hit;
    free(k[i].key);
  }
  free(k);
  return rc;
}

typedef struct {
  const nl_workspace *ws;
  const nl_tq_query *q;
  const nl_task_settings *ts;
  int32_t today;
  unsigned statuses;
  name_filter owners, accounts;
  int by_owner, by_account; /* the filters are on */
  words text;
  char *path;
} run_state;

static int scan_note(run_state *st, const nl_entry *e, hits *out) {
  const nl_tq_query *q = st->q;
  const nl_note *n = e->note;
  account_ref note_acct = {NULL, NULL};
  int note_acct_done = 0;
  for (size_t i = 0; i < n->n_tasks; i++) {
    const nl_task *t = &n->tasks[i];
    nl_tq_status s = nl_tq_task_status(t, st->ts);
    if (s >= NL_TQ__STATUS_COUNT || !(st->statuses & (1u << s))) continue;
    const nl_task_date *due = &t->dates[NL_DATE_DUE];
    int dated = due->present && due->valid;
    int overdue = nl_tq_task_overdue(t, st->ts, st->today);
    if (q->overdue && !overdue) continue;
    if (q->has_due_before && !(dated && due->days < q->due_before)) continue;
    if (q->has_due_after && !(dated && due->days > q->due_after)) continue;
    if (q->priorities != 0 && !(q->priorities & (1u << t->priority))) continue;
    if (st->by_owner && !owners_match(st->ws, &st->owners, n, t)) continue;
    if (q->text != NULL && !text_matches(&st->text, t->description)) continue;
    if (!note_acct_done) {
      note_acct = note_account(st->ws, e);
      note_acct_done = 1;
    }
    account_ref a = task_account(st->ws, e, t, note_acct);
    if (st->by_account && !account_matches(&st->accounts, a)) continue;
    nl_tq_hit hit = {e, t, (uint8_t)s, (uint8_t)overdue, a.entry, a.name};
    if (add_hit(out, &hit) < 0) return -1;
  }
  return 0;
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

typedef struct {
  uint32_t *ids;
  size_t n, cap;
  int oom;
} id_set;

static void ids_add(id_set *set, uint32_t id) {
  if (set->n == set->cap) {
    size_t cap = set->cap ? set->cap * 2 : 64;
    uint32_t *grown = realloc(set->ids, cap * sizeof *grown);
    if (grown == NULL) {
      set->oom = 1;
      return;
    }
    set->ids = grown;
    set->cap = cap;
  }
  set->ids[set->n++] = id;
}

static void ids_add_refs(id_set *set, ptrdiff_t (*find)(const nl_workspace *, const nl_entry *,
                                                         nl_ref **),
                         const nl_workspace *ws, const nl_entry *e) {
  nl_ref *refs;
  ptrdiff_t k = find(ws, e, &refs);
  if (k < 0) {
    set->oom = 1;
    return;
  }
  for (ptrdiff_t r = 0; r < k; r++) ids_add(set, refs[r].from);
  free(refs);
}

/* The only notes that can hold the tasks the owner or account filter asks for, when each of
 * its names is a note, found through the index without a pass over the vault: notes that
 * mention a person; notes that link an account, tag it or name it in `account:`, and the
 * account itself. Sorted, each once, in *out (new). Returns the count, or -1 when the filter
 * cannot narrow the search (or out of memory): the caller then looks at every note. */
static ptrdiff_t candidate_notes(const run_state *st, uint32_t **out) {
  id_set set = {0};
  const nl_workspace *ws = st->ws;
  if (st->by_owner && st->owners.unresolved == 0) {
    for (size_t i = 0; i < st->owners.n_notes; i++)
      ids_add_refs(&set, nl_ws_mentions_of, ws, st->owners.notes[i]);
  } else if (st->by_account && st->accounts.unresolved == 0) {
    for (size_t i = 0; i < st->accounts.n_notes; i++) {
      const nl_entry *a = st->accounts.notes[i];
      ids_add_refs(&set, nl_ws_fm_refs_of, ws, a);
      ids_add_refs(&set, nl_ws_backlinks, ws, a);
      ids_add_refs(&set, nl_ws_account_tags_of, ws, a);
      ids_add(&set, a->id);
    }
  } else {
    return -1;
  }
  if (set.oom) {
    free(set.ids);
    return -1;
  }
  if (set.ids != NULL) qsort(set.ids, set.n, sizeof *set.ids, cmp_u32);
  size_t u = 0;
  for (size_t i = 0; i < set.n; i++)
    if (u == 0 || set.ids[u - 1] != set.ids[i]) set.ids[u++] = set.ids[i];
  *out = set.ids;
  return (ptrdiff_t)u;
}

/* The glob as a user types it: "./Meetings/" means "Meetings". */
static char *clean_glob(const char *g) {
  while (g[0] == '.' && g[1] == '/') g += 2;
  size_t n = strlen(g);
  while (n > 1 && g[n - 1] == '/') n--;
  return strndup(g, n);
}

int nl_tq_run(const nl_workspace *ws, const nl_tq_query *q, int32_t today, nl_tq_result *r) {
  memset(r, 0, sizeof *r);
  run_state st;
  memset(&st, 0, sizeof st);
  st.ws = ws;
  st.q = q;
  st.ts = nl_ws_config(ws) != NULL ? &nl_ws_config(ws)->tasks : NULL;
  st.today = r->today = q->has_today ? q->today : today;
  st.statuses = q->statuses ? q->statuses : NL_TQ_OPEN_STATUSES;
  owner_filter(&st.owners, ws, q);
  for (size_t i = 0; i < q->n_accounts; i++)
    add_name(&st.accounts, ws, NL_KIND_ACCOUNT, q->accounts[i]);
  if (q->party != NULL && q->party->kind != NL_KIND_PERSON) add_note(&st.accounts, q->party);
  st.by_owner = st.owners.n_notes + st.owners.unresolved > 0;
  st.by_account = st.accounts.n_notes + st.accounts.unresolved > 0;
  int rc = st.owners.oom || st.accounts.oom ? -1 : 0;
  if (rc == 0 && q->text != NULL && words_init(&st.text, q->text) < 0) rc = -1;
  if (rc == 0 && q->path != NULL && (st.path = clean_glob(q->path)) == NULL) rc = -1;

  hits h = {0};
  uint32_t *ids = NULL;
  ptrdiff_t n_ids = -1;
  if (rc == 0) n_ids = candidate_notes(&st, &ids);
  uint32_t limit = n_ids >= 0 ? (uint32_t)n_ids : nl_ws_id_limit(ws);
  for (uint32_t i = 0; rc == 0 && i < limit; i++) {
    const nl_entry *e = nl_ws_get(ws, n_ids >= 0 ? ids[i] : i);
    if (e == NULL || e->note == NULL || e->note->n_tasks == 0) continue;
    if (st.path != NULL && !nl_config_glob_match(st.path, e->rel)) continue;
    rc = scan_note(&st, e, &h);
  }
  free(ids);
  if (rc == 0 && h.n > 1) {
    switch (q->sort) {
    case NL_TQ_SORT_PRIORITY: qsort(h.items, h.n, sizeof *h.items, cmp_priority); break;
    case NL_TQ_SORT_PATH: qsort(h.items, h.n, sizeof *h.items, cmp_path_q); break;
    case NL_TQ_SORT_OWNER: rc = sort_by_owner(ws, h.items, h.n); break;
    default: qsort(h.items, h.n, sizeof *h.items, cmp_due); break;
    }
  }
  filter_free(&st.owners);
  filter_free(&st.accounts);
  free_list(st.text.words, st.text.n);
  free(st.path);
  if (rc != 0) {
    free(h.items);
    return -1;
  }
  r->items = h.items;
  r->total = h.n;
  r->n = q->limit > 0 && q->limit < h.n ? q->limit : h.n;
  return 0;
}

void nl_tq_result_free(nl_tq_result *r) {
  if (r == NULL) return;
  free(r->items);
  memset(r, 0, sizeof *r);
}

/* ---- groups ------------------------------------------------------------------------------ */

typedef struct {
  char *key; /* folded; NULL for the group of none */
  nl_tq_bucket b;
} keyed_bucket;

static int bucket_add(keyed_bucket **bs, size_t *n, char *name, size_t hit) {
  char *key = NULL;
  if (name != NULL && (key = nl_unicode_key(name, strlen(name), NULL)) == NULL) {
    free(name);
    return -1;
  }
  size_t i = 0;
  while (i < *n && !((*bs)[i].key == NULL ? key == NULL : key != NULL && strcmp((*bs)[i].key, key) == 0))
    i++;
  if (i == *n) {
    keyed_bucket *grown = realloc(*bs, (*n + 1) * sizeof *grown);
    if (grown == NULL) {
      free(name);
      free(key);
      return -1;
    }
    *bs = grown;
    memset(&grown[i], 0, sizeof grown[i]);
    grown[i].key = key;
    grown[i].b.name = name;
    (*n)++;
  } else {
    free(key);
    free(name);
  }
  nl_tq_bucket *b = &(*bs)[i].b;
  if (b->n > 0 && b->idx[b->n - 1] == hit) return 0; /* the same owner named twice */
  size_t *grown = realloc(b->idx, (b->n + 1) * sizeof *grown);
  if (grown == NULL) return -1;
  b->idx = grown;
  b->idx[b->n++] = hit;
  return 0;
}

static int cmp_bucket(const void *pa, const void *pb) {
  const keyed_bucket *a = pa, *b = pb;
  if ((a->key == NULL) != (b->key == NULL)) return a->key == NULL ? 1 : -1;
  return a->key != NULL ? strcmp(a->key, b->key) : 0;
}

int nl_tq_group_hits(const nl_workspace *ws, const nl_tq_result *r, nl_tq_group g,
                     nl_tq_bucket **out, size_t *n) {
  keyed_bucket *bs = NULL;
  size_t nb = 0;
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < r->n; i++) {
    const nl_tq_hit *h = &r->items[i];
    const nl_task *t = h->task;
    if (g == NL_TQ_GROUP_ACCOUNT || t->n_mentions == 0) {
      char *name = g == NL_TQ_GROUP_ACCOUNT ? nl_tq_account_name(h) : NULL;
      rc = bucket_add(&bs, &nb, name, i);
      continue;
    }
    for (uint32_t k = 0; rc == 0 && k < t->n_mentions; k++) {
      char *name = nl_tq_owner_name(ws, &h->entry->note->mentions[t->first_mention + k]);
      rc = name != NULL ? bucket_add(&bs, &nb, name, i) : -1;
    }
  }
  if (nb > 1) qsort(bs, nb, sizeof *bs, cmp_bucket);
  nl_tq_bucket *res = malloc((nb ? nb : 1) * sizeof *res);
  if (res == NULL) rc = -1;
  for (size_t i = 0; i < nb; i++) {
    free(bs[i].key);
    if (res != NULL) res[i] = bs[i].b;
  }
  free(bs);
  if (rc != 0) {
    if (res != NULL) nl_tq_buckets_free(res, nb);
    return -1;
  }
  *out = res;
  *n = nb;
  return 0;
}

void nl_tq_buckets_free(nl_tq_bucket *b, size_t n) {
  for (size_t i = 0; b != NULL && i < n; i++) {
    free(b[i].name);
    free(b[i].idx);
  }
  free(b);
}

/* ---- JSON -------------------------------------------------------------------------------- */

static json_t *str_or_null(const char *s) {
  return s != NULL ? nl_lsp_string_lossy(s, strlen(s)) : json_null();
}

static json_t *date_json(const nl_task_date *d) {
  if (!d->present || !d->valid) return json_null();
  char buf[16];
  nl_date_format(d->days, buf);
  return json_string(buf);
}

/* Takes a name (new) into a JSON string, freeing it. */
static json_t *take_string(char *s) {
  json_t *j = s != NULL ? nl_lsp_string_lossy(s, strlen(s)) : json_null();
  free(s);
  return j;
}

static json_t *depends_json(const nl_task *t) {
  json_t *arr = json_array();
  for (uint32_t i = 0; arr != NULL && i < t->n_depends_on; i++)
    json_array_append_new(arr, str_or_null(t->depends_on[i]));
  return arr;
}

static json_t *on_completion_json(const nl_task *t) {
  switch (t->on_completion) {
  case NL_ON_COMPLETION_KEEP: return json_string("keep");
  case NL_ON_COMPLETION_DELETE: return json_string("delete");
  default: return json_null();
  }
}

static json_t *hit_json(const nl_workspace *ws, const nl_tq_hit *h, int32_t today,
                        json_t *range) {
  const nl_entry *e = h->entry;
  const nl_note *n = e->note;
  const nl_task *t = h->task;
  json_t *owners = json_array(), *tags = json_array();
  for (uint32_t i = 0; owners != NULL && i < t->n_mentions; i++)
    json_array_append_new(owners, take_string(nl_tq_owner_name(ws, &n->mentions[t->first_mention + i])));
  for (uint32_t i = 0; tags != NULL && i < t->n_tags; i++) {
    const char *tag = n->tags[t->first_tag + i].name;
    size_t len = strlen(tag);
    char *with_hash = malloc(len + 2);
    if (with_hash == NULL) continue;
    with_hash[0] = '#';
    memcpy(with_hash + 1, tag, len + 1);
    json_array_append_new(tags, take_string(with_hash));
  }
  /* "[ ?]" is the two-character proposed marker; everything else holds one character. */
  const char *symbol = t->proposed & NL_PROPOSED_WIDE ? " ?" : t->symbol;
  const nl_task_date *due = &t->dates[NL_DATE_DUE];
  json_t *due_in = due->present && due->valid ? json_integer(due->days - today) : json_null();
  const char *prio = nl_tq_priority_name(t->priority);
  json_t *note = json_pack("{s:o, s:s}", "title", n->title != NULL ? str_or_null(n->title->text)
                                                                  : take_string(nl_nav_nfc(e->name, strlen(e->name))),
                           "kind", nl_kind_name(e->kind));
  return json_pack(
      "{s:s, s:o, s:o, s:i, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, "
      "s:b, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
      "uri", e->uri, "path", str_or_null(e->rel), "range", range, "line", (json_int_t)t->line,
      "status", nl_tq_status_name((nl_tq_status)h->status), "statusSymbol",
      nl_lsp_string_lossy(symbol, strlen(symbol)), "description", str_or_null(t->description),
      "owners", owners, "account", take_string(nl_tq_account_name(h)), "due", date_json(due),
      "scheduled", date_json(&t->dates[NL_DATE_SCHEDULED]), "start",
      date_json(&t->dates[NL_DATE_START]), "created", date_json(&t->dates[NL_DATE_CREATED]),
      "done", date_json(&t->dates[NL_DATE_DONE]), "cancelled",
      date_json(&t->dates[NL_DATE_CANCELLED]), "priority", prio ? json_string(prio) : json_null(), "onCompletion",
      on_completion_json(t),
      "overdue", (int)h->overdue, "dueInDays", due_in, "recurrence", str_or_null(t->recurrence),
      "id", str_or_null(t->id), "dependsOn", depends_json(t), "blockId",
      str_or_null(t->block_id), "tags", tags, "note", note);
}

typedef struct {
  const nl_tq_hit *hit;
  size_t at;
} by_entry;

static int cmp_by_entry(const void *pa, const void *pb) {
  const by_entry *a = pa, *b = pb;
  if (a->hit->entry->id != b->hit->entry->id) return a->hit->entry->id < b->hit->entry->id ? -1 : 1;
  return a->at < b->at ? -1 : a->at > b->at;
}

/* The range of every hit's line, reading each note's text at most once. */
static json_t **line_ranges(nl_docs *docs, nl_encoding enc, const nl_tq_result *r) {
  json_t **ranges = calloc(r->n ? r->n : 1, sizeof *ranges);
  by_entry *order = malloc((r->n ? r->n : 1) * sizeof *order);
  if (ranges == NULL || order == NULL) {
    free(ranges);
    free(order);
    return NULL;
  }
  for (size_t i = 0; i < r->n; i++) order[i] = (by_entry){&r->items[i], i};
  qsort(order, r->n, sizeof *order, cmp_by_entry);
  nl_text text;
  const nl_entry *loaded = NULL;
  for (size_t i = 0; i < r->n; i++) {
    const nl_entry *e = order[i].hit->entry;
    const nl_task *t = order[i].hit->task;
    int open = docs != NULL && nl_docs_get(docs, e->uri) != NULL;
    nl_bpos end = {t->line, t->text_range.end.col};
    uint32_t line = t->line, start = 0, stop = end.col;
    if (enc != NL_ENC_UTF8 || open) {
      if (loaded != e) {
        if (loaded != NULL) nl_text_free(&text);
        nl_text_load(&text, docs, e); /* unreadable: columns stay bytes */
        loaded = e;
      }
      nl_text_units(&text, enc, (nl_bpos){t->line, 0}, &line, &start);
      nl_text_units(&text, enc, end, &line, &stop);
    }
    ranges[order[i].at] = nl_lsp_range_json(line, start, line, stop);
  }
  if (loaded != NULL) nl_text_free(&text);
  free(order);
  return ranges;
}

static json_t *hits_json(const nl_workspace *ws, const nl_tq_result *r, json_t **ranges,
                         const size_t *idx, size_t n) {
  json_t *arr = json_array();
  for (size_t k = 0; arr != NULL && k < n; k++) {
    size_t i = idx != NULL ? idx[k] : k;
    json_t *j = hit_json(ws, &r->items[i], r->today, json_incref(ranges[i]));
    if (j == NULL) {
      json_decref(arr);
      return NULL;
    }
    json_array_append_new(arr, j);
  }
  return arr;
}

json_t *nl_tq_result_json(const nl_workspace *ws, nl_docs *docs, nl_encoding enc,
                          const nl_tq_query *q, const nl_tq_result *r) {
  json_t **ranges = line_ranges(docs, enc, r);
  if (ranges == NULL) return NULL;
  json_t *out = NULL;
  if (q->group == NL_TQ_GROUP_NONE) {
    out = hits_json(ws, r, ranges, NULL, r->n);
  } else {
    nl_tq_bucket *bs = NULL;
    size_t nb = 0;
    if (nl_tq_group_hits(ws, r, q->group, &bs, &nb) == 0 && (out = json_array()) != NULL) {
      for (size_t i = 0; i < nb; i++) {
        json_t *tasks = hits_json(ws, r, ranges, bs[i].idx, bs[i].n);
        json_t *g = tasks != NULL ? json_pack("{s:o, s:o}", "group", str_or_null(bs[i].name),
                                              "tasks", tasks)
                                  : NULL;
        if (g == NULL) {
          json_decref(out);
          out = NULL;
          break;
        }
        json_array_append_new(out, g);
      }
    }
    nl_tq_buckets_free(bs, nb);
  }
  for (size_t i = 0; i < r->n; i++) json_decref(ranges[i]);
  free(ranges);
  return out;
}
