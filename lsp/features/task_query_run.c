/* task_query_run.c: nl_tq_run. One pass over the index's tasks with the cheap filters (status,
 * dates, priority) first, so that a whole-vault query touches names only for the tasks still in
 * the running; an owner or account filter naming notes narrows the pass to the notes the index
 * says reference them. A task's account (its links and tags resolved) is worked out only when
 * the account filter needs it or for the hits returned. */
#include "lsp/features/task_query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lsp/index/diagnose.h"
#include "lsp/base/unicode.h"
#include "lsp/base/vec.h"
#include "protocol/lsp_types.h"

static void free_list(char **items, size_t n) {
  for (size_t i = 0; i < n; i++) free(items[i]);
  free(items);
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

/* A name names a note in each workspace folder that has one (each folder is its own vault,
 * and a task's names resolve in its own); where a folder has none, the name as written is what
 * its tasks must say, so the name also counts as unresolved. */
static void add_name(name_filter *f, const nl_workspace *ws, nl_kind kind, const char *name) {
  add_key(f, &f->keys, &f->n_keys, name, strlen(name));
  add_head(f, name);
  size_t missing = 0;
  for (size_t r = 0; r < nl_ws_n_roots(ws) || r == 0; r++) {
    nl_entry in_root; /* nl_ws_resolve_kind reads only the root of its note */
    memset(&in_root, 0, sizeof in_root);
    in_root.root = (uint32_t)r;
    const nl_entry *e = nl_ws_resolve_kind(ws, nl_ws_n_roots(ws) > 1 ? &in_root : NULL, kind, name, strlen(name));
    if (e == NULL) missing++;
    else add_note(f, e);
  }
  if (missing > 0) f->unresolved++;
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

/* Whether mention m of note e names an owner the filter wants. */
static int mention_matches(const nl_workspace *ws, const name_filter *f, const nl_entry *e,
                           const nl_mention *m) {
  char buf[256], *owned;
  const char *wk = key_of(m->tail, nl_mention_word_len(m), buf, sizeof buf, &owned);
  int head = in_keys(f->heads, f->n_heads, wk);
  free(owned);
  const unsigned char *s = (const unsigned char *)m->tail;
  while (!head && *s != '\0' && *s < 0x80) s++;
  if (!head && *s == '\0') return 0; /* an ASCII word that starts no name: no mojibake either */
  char *name = NULL;
  const nl_entry *p = nl_tq_owner(ws, e, m, &name);
  int hit = p != NULL && has_note(f, p);
  if (p == NULL && name != NULL) {
    const char *nk = key_of(name, strlen(name), buf, sizeof buf, &owned);
    hit = in_keys(f->keys, f->n_keys, nk);
    free(owned);
  }
  free(name);
  return hit;
}

static int owners_match(const nl_workspace *ws, const name_filter *f, const nl_entry *e,
                        const nl_task *t) {
  uint32_t m0, n = nl_task_owners(e->note, t, &m0);
  for (uint32_t i = 0; i < n; i++)
    if (mention_matches(ws, f, e, &e->note->mentions[m0 + i])) return 1;
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
    a.entry = nl_ws_resolve_kind(ws, e, NL_KIND_ACCOUNT, v, strlen(v));
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
    if (nl_link_range(l).start.line != t->line || *l->target == '\0') continue;
    nl_entry *to = nl_ws_resolve(ws, e, l->target,
                                 strlen(l->target), NULL);
    if (to != NULL && to->kind == NL_KIND_ACCOUNT) return (account_ref){to, NULL};
  }
  uint32_t t0, n_tags = nl_task_tags(n, t, &t0);
  for (uint32_t i = 0; i < n_tags; i++) {
    const char *tag = n->tags[t0 + i].name;
    nl_entry *to = nl_ws_resolve_account_tag(ws, e, tag, strlen(tag));
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

/* The hits kept: all of them, or with `keep` only the first `keep` in `cmp`'s order, as a
 * max-heap whose root is the last of those kept. */
typedef struct {
  nl_tq_hit *items;
  size_t n, cap;
  size_t keep;      /* 0: every hit */
  nl_tq_cmp_fn cmp; /* set with keep */
  size_t matched;   /* every hit seen, kept or not */
  size_t overdue;   /* the overdue ones among them */
} hits;

static void swap_hits(nl_tq_hit *a, nl_tq_hit *b) {
  nl_tq_hit t = *a;
  *a = *b;
  *b = t;
}

static void sift_up(const hits *h, size_t i) {
  while (i > 0 && h->cmp(&h->items[(i - 1) / 2], &h->items[i]) < 0) {
    swap_hits(&h->items[(i - 1) / 2], &h->items[i]);
    i = (i - 1) / 2;
  }
}

static void sift_down(const hits *h, size_t i) {
  for (;;) {
    size_t l = 2 * i + 1, r = l + 1, m = i;
    if (l < h->n && h->cmp(&h->items[l], &h->items[m]) > 0) m = l;
    if (r < h->n && h->cmp(&h->items[r], &h->items[m]) > 0) m = r;
    if (m == i) return;
    swap_hits(&h->items[i], &h->items[m]);
    i = m;
  }
}

static int add_hit(hits *h, const nl_tq_hit *hit) {
  h->matched++;
  h->overdue += hit->overdue;
  if (h->keep > 0 && h->n == h->keep) { /* full: it replaces the last kept, if before it */
    if (h->cmp(hit, &h->items[0]) >= 0) return 0;
    h->items[0] = *hit;
    sift_down(h, 0);
    return 0;
  }
  if (h->n == h->cap) {
    size_t cap = h->cap ? h->cap * 2 : 64;
    if (h->keep > 0 && cap > h->keep) cap = h->keep;
    nl_tq_hit *grown = realloc(h->items, cap * sizeof *grown);
    if (grown == NULL) return -1;
    h->items = grown;
    h->cap = cap;
  }
  h->items[h->n++] = *hit;
  if (h->keep > 0) sift_up(h, h->n - 1);
  return 0;
}

typedef struct {
  const nl_workspace *ws;
  const nl_tq_query *q;
  const nl_task_settings *ts;
  int32_t today;
  unsigned statuses;
  name_filter owners, accounts;
  long root; /* the query's workspace folder (nl_entry.root); -1: every folder, -2: none */
  int by_owner, by_account; /* the filters are on */
  words text;
  char *path;
  const nl_entry *acct_of;  /* the note whose account is acct (task_account's fallback) */
  account_ref acct;
} run_state;

/* Whether note e is in the query's folder and path. */
static int in_scope(const run_state *st, const nl_entry *e) {
  if (st->root != -1 && (long)e->root != st->root) return 0;
  return st->path == NULL || nl_config_glob_match(st->path, e->rel);
}

/* Obsidian Tasks orders priorities highest, high, medium, none ("normal"), low, lowest. */
static uint8_t priority_rank(uint8_t p) { return p == NL_PRIORITY_NONE ? 5 : (uint8_t)(p * 2); }

/* Whether a hit with these keys cannot be kept: the kept hits are as many as asked and the
 * last of them comes before it on the keys alone. Reads no note. */
static int beyond_kept(const run_state *st, const hits *h, const nl_tq_hit *hit) {
  return h->keep > 0 && h->n == h->keep &&
         nl_tq_hit_keys_cmp(st->q->sort, hit, &h->items[0]) > 0;
}

/* One task, from its keys: status, valid due date (INT32_MAX: none) and priority. Its note
 * (entry `id`, e when at hand) is read, and task `idx` of it (t, unless at hand), only when a
 * filter needs their text or the hit is kept. Returns 0, or -1 when out of memory. */
static int consider(run_state *st, uint32_t id, const nl_entry *e, uint32_t idx,
                    const nl_task *t, nl_tq_status s, int32_t due, uint8_t priority, hits *out) {
  const nl_tq_query *q = st->q;
  if (s >= NL_TQ__STATUS_COUNT || !(st->statuses & (1u << s))) return 0;
  int dated = due != INT32_MAX;
  int overdue = dated && due < st->today && s != NL_TQ_DONE && s != NL_TQ_CANCELLED;
  if (q->overdue && !overdue) return 0;
  if (q->has_due_before && !(dated && due < q->due_before)) return 0;
  if (q->has_due_after && !(dated && due > q->due_after)) return 0;
  if (q->priorities != 0 && !(q->priorities & (1u << priority))) return 0;
  nl_tq_hit hit = {e, t, due, (uint8_t)s, (uint8_t)overdue, priority_rank(priority), NULL, NULL};
  int deep = st->by_owner || st->by_account || q->text != NULL;
  if (!deep && beyond_kept(st, out, &hit)) {
    out->matched++;
    out->overdue += hit.overdue;
    return 0;
  }
  if (e == NULL) e = hit.entry = nl_ws_get(st->ws, id);
  const nl_note *n = e->note;
  if (t == NULL) t = hit.task = &n->tasks[idx];
  if (st->by_owner && !owners_match(st->ws, &st->owners, e, t)) return 0;
  if (q->text != NULL && !text_matches(&st->text, t->description)) return 0;
  if (st->by_account) {
    if (st->acct_of != e) {
      st->acct = note_account(st->ws, e);
      st->acct_of = e;
    }
    account_ref a = task_account(st->ws, e, t, st->acct);
    if (!account_matches(&st->accounts, a)) return 0;
    hit.account = a.entry;
    hit.account_name = a.name;
  }
  return add_hit(out, &hit);
}

static int scan_note(run_state *st, const nl_entry *e, hits *out) {
  const nl_note *n = e->note;
  for (size_t i = 0; i < n->n_tasks; i++) {
    const nl_task *t = &n->tasks[i];
    const nl_task_date *due = nl_task_date_of(t, NL_DATE_DUE);
    if (consider(st, e->id, e, (uint32_t)i, t, nl_tq_task_status(t, st->ts),
                 due->present && due->valid ? due->days : INT32_MAX, t->priority, out) < 0)
      return -1;
  }
  return 0;
}

/* The whole vault through the index's task table: a note is read only for the tasks whose
 * keys pass (and for the path filter, once per note). */
static int scan_rows(run_state *st, const nl_ws_task *rows, size_t n, hits *out) {
  int custom = st->ts != NULL && st->ts->n_statuses > 0; /* the status needs the symbol */
  /* Without custom statuses a task's status is a function of its row's status and proposed
   * bits: worked out once here, not per task. */
  uint8_t status[NL_TASK_NON_TASK + 1][8];
  for (unsigned type = 0; type <= NL_TASK_NON_TASK; type++)
    for (unsigned bits = 0; bits < 8; bits++)
      status[type][bits] = (uint8_t)nl_tq_status_of((nl_task_status)type, bits, st->ts);
  uint32_t last = UINT32_MAX;
  int last_in = 0;
  for (size_t i = 0; i < n; i++) {
    const nl_ws_task *r = &rows[i];
    if (r->dead) continue;
    const nl_entry *e = NULL;
    if (st->path != NULL || st->root != -1) {
      e = nl_ws_get(st->ws, r->id);
      if (r->id != last) {
        last = r->id;
        last_in = in_scope(st, e);
      }
      if (!last_in) continue;
    }
    const nl_task *t = NULL;
    nl_tq_status s;
    if (custom) {
      if (e == NULL) e = nl_ws_get(st->ws, r->id);
      t = &e->note->tasks[r->task];
      s = nl_tq_task_status(t, st->ts);
    } else {
      s = r->status <= NL_TASK_NON_TASK ? status[r->status][r->proposed & 7] : NL_TQ__STATUS_COUNT;
    }
    if (s >= NL_TQ__STATUS_COUNT || !(st->statuses & (1u << s))) continue;
    if (consider(st, r->id, e, r->task, t, s, r->due, r->priority, out) < 0) return -1;
  }
  return 0;
}

void nl_tq_hit_account(const nl_workspace *ws, nl_tq_hit *h) {
  account_ref a = task_account(ws, h->entry, h->task, note_account(ws, h->entry));
  h->account = a.entry;
  h->account_name = a.name;
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

typedef struct {
  nl_vec ids; /* of uint32_t */
  int oom;
} id_set;

static void ids_add(id_set *set, uint32_t id) {
  uint32_t *slot = nl_vec_push(&set->ids, sizeof *slot);
  if (slot == NULL)
    set->oom = 1;
  else
    *slot = id;
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
  uint32_t *ids = set.ids.items;
  if (set.oom) {
    nl_vec_free(&set.ids);
    return -1;
  }
  if (ids != NULL) qsort(ids, set.ids.n, sizeof *ids, cmp_u32);
  size_t u = 0;
  for (size_t i = 0; i < set.ids.n; i++)
    if (u == 0 || ids[u - 1] != ids[i]) ids[u++] = ids[i];
  *out = ids; /* the vector's array, now the caller's */
  return (ptrdiff_t)u;
}

/* The glob as a user types it: "./Meetings/" means "Meetings". */
static char *clean_glob(const char *g) {
  while (g[0] == '.' && g[1] == '/') g += 2;
  size_t n = strlen(g);
  while (n > 1 && g[n - 1] == '/') n--;
  return strndup(g, n);
}

/* The index of the workspace folder q->folder names (a path or a file URI): -1 when there is
 * no folder filter, -2 when the index has no such folder (no task is in it). */
static long folder_root(const nl_workspace *ws, const char *folder) {
  if (folder == NULL) return -1;
  char *path = strncmp(folder, "file:", 5) == 0 ? nl_uri_to_path(folder) : strdup(folder);
  long root = -2;
  size_t len = path != NULL ? strlen(path) : 0;
  while (len > 1 && path[len - 1] == '/') path[--len] = '\0';
  for (size_t i = 0; path != NULL && i < nl_ws_n_roots(ws) && root == -2; i++)
    if (strcmp(nl_ws_root(ws, i), path) == 0) root = (long)i;
  free(path);
  return root;
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
  st.root = folder_root(ws, q->folder);
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
  if (q->limit > 0 && (h.cmp = nl_tq_hit_cmp(q->sort)) != NULL)
    h.keep = q->offset + q->limit < q->offset ? SIZE_MAX : q->offset + q->limit;
  uint32_t *ids = NULL;
  ptrdiff_t n_ids = -1;
  if (rc == 0) n_ids = candidate_notes(&st, &ids);
  size_t n_rows = 0;
  const nl_ws_task *rows = n_ids < 0 ? nl_ws_tasks(ws, &n_rows) : NULL;
  if (rc == 0 && rows != NULL) rc = scan_rows(&st, rows, n_rows, &h);
  uint32_t limit = rows != NULL ? 0 : n_ids >= 0 ? (uint32_t)n_ids : nl_ws_id_limit(ws);
  for (uint32_t i = 0; rc == 0 && i < limit; i++) {
    const nl_entry *e = nl_ws_get(ws, n_ids >= 0 ? ids[i] : i);
    if (e == NULL || e->note == NULL || e->note->n_tasks == 0) continue;
    if (!in_scope(&st, e)) continue;
    rc = scan_note(&st, e, &h);
  }
  free(ids);
  if (rc == 0) rc = nl_tq_sort_hits(ws, h.items, h.n, q->sort);
  filter_free(&st.owners);
  filter_free(&st.accounts);
  free_list(st.text.words, st.text.n);
  free(st.path);
  if (rc != 0) {
    free(h.items);
    return -1;
  }
  /* The page: offset hits dropped from the front. */
  size_t skip = q->offset < h.n ? q->offset : h.n;
  if (skip > 0) memmove(h.items, h.items + skip, (h.n - skip) * sizeof *h.items);
  h.n -= skip;
  r->items = h.items;
  r->total = h.matched;
  r->total_overdue = h.overdue;
  r->n = q->limit > 0 && q->limit < h.n ? q->limit : h.n;
  if (!st.by_account)
    for (size_t i = 0; i < r->n; i++) nl_tq_hit_account(ws, &r->items[i]);
  return 0;
}

void nl_tq_result_free(nl_tq_result *r) {
  if (r == NULL) return;
  free(r->items);
  memset(r, 0, sizeof *r);
}

