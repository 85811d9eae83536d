/* task_query_sort.c: the orders of a result and its groups. Comparisons read the keys the run
 * copied into each hit (due date, priority rank), so sorting a whole vault's tasks touches a
 * task only for the path tie-break. */
#include "lsp/features/task_query.h"

#include <stdlib.h>
#include <string.h>

#include "lsp/base/unicode.h"
#include "lsp/base/vec.h"

/* ---- sorting ----------------------------------------------------------------------------- */

static int cmp_path(const nl_tq_hit *a, const nl_tq_hit *b) {
  if (a->entry != b->entry) {
    int c = strcmp(a->entry->rel, b->entry->rel);
    if (c != 0) return c;
  }
  return a->task->line < b->task->line ? -1 : a->task->line > b->task->line;
}

/* Dated first, earliest first (INT32_MAX, no date, sorts last). */
static int cmp_due_only(const nl_tq_hit *a, const nl_tq_hit *b) {
  return a->due < b->due ? -1 : a->due > b->due;
}

static int cmp_priority_only(const nl_tq_hit *a, const nl_tq_hit *b) {
  return (int)b->rank - (int)a->rank;
}

int nl_tq_hit_keys_cmp(nl_tq_sort sort, const nl_tq_hit *a, const nl_tq_hit *b) {
  int c;
  switch (sort) {
  case NL_TQ_SORT_PRIORITY:
    c = cmp_priority_only(a, b);
    return c != 0 ? c : cmp_due_only(a, b);
  case NL_TQ_SORT_PATH:
  case NL_TQ_SORT_OWNER: return 0;
  default:
    c = cmp_due_only(a, b);
    return c != 0 ? c : cmp_priority_only(a, b);
  }
}

static int cmp_due(const void *pa, const void *pb) {
  int c = nl_tq_hit_keys_cmp(NL_TQ_SORT_DUE, pa, pb);
  return c != 0 ? c : cmp_path(pa, pb);
}

static int cmp_priority(const void *pa, const void *pb) {
  int c = nl_tq_hit_keys_cmp(NL_TQ_SORT_PRIORITY, pa, pb);
  return c != 0 ? c : cmp_path(pa, pb);
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
    const nl_note *note = items[i].entry->note;
    uint32_t m0;
    if (nl_task_owners(note, items[i].task, &m0) == 0) continue;
    char *name = nl_tq_owner_name(ws, items[i].entry, &note->mentions[m0]);
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

nl_tq_cmp_fn nl_tq_hit_cmp(nl_tq_sort sort) {
  switch (sort) {
  case NL_TQ_SORT_PRIORITY: return cmp_priority;
  case NL_TQ_SORT_PATH: return cmp_path_q;
  case NL_TQ_SORT_OWNER: return NULL;
  default: return cmp_due;
  }
}

int nl_tq_sort_hits(const nl_workspace *ws, nl_tq_hit *items, size_t n, nl_tq_sort sort) {
  if (n < 2) return 0;
  nl_tq_cmp_fn cmp = nl_tq_hit_cmp(sort);
  if (cmp == NULL) return sort_by_owner(ws, items, n);
  qsort(items, n, sizeof *items, cmp);
  return 0;
}

/* ---- groups ------------------------------------------------------------------------------ */

/* One (group, hit) pair: the grouping collects them, sorts them by key and then by the order
 * they were found in (hits in order, a task's owners in order), and cuts the runs of one key
 * into groups: O(n log n) where a search of the groups for each hit was O(hits x groups). */
typedef struct {
  char *key;  /* folded; NULL for the group of none */
  char *name; /* as the group shows it: the first found of its key */
  size_t hit;
  size_t seq;
} group_pair;

static int add_pair(nl_vec *pairs, char *name, size_t hit) {
  char *key = NULL;
  if (name != NULL && (key = nl_unicode_key(name, strlen(name), NULL)) == NULL) {
    free(name);
    return -1;
  }
  group_pair *p = nl_vec_push(pairs, sizeof *p);
  if (p == NULL) {
    free(name);
    free(key);
    return -1;
  }
  *p = (group_pair){key, name, hit, pairs->n - 1};
  return 0;
}

static int key_cmp(const char *a, const char *b) {
  if ((a == NULL) != (b == NULL)) return a == NULL ? 1 : -1;
  return a != NULL ? strcmp(a, b) : 0;
}

static int cmp_pair(const void *pa, const void *pb) {
  const group_pair *a = pa, *b = pb;
  int c = key_cmp(a->key, b->key);
  return c != 0 ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

/* Cuts the sorted pairs into groups in res (room for one per key); takes each group's name
 * from its first pair. Returns the number of groups, or -1 when out of memory. */
static ptrdiff_t cut_groups(group_pair *ps, size_t n, nl_tq_bucket *res) {
  size_t nb = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i + 1;
    while (j < n && key_cmp(ps[i].key, ps[j].key) == 0) j++;
    nl_tq_bucket *b = &res[nb++];
    b->name = ps[i].name;
    ps[i].name = NULL;
    b->n = 0;
    if ((b->idx = malloc((j - i) * sizeof *b->idx)) == NULL) return -1;
    for (size_t k = i; k < j; k++) /* the same owner named twice on a task counts once */
      if (b->n == 0 || b->idx[b->n - 1] != ps[k].hit) b->idx[b->n++] = ps[k].hit;
    i = j;
  }
  return (ptrdiff_t)nb;
}

int nl_tq_group_hits(const nl_workspace *ws, const nl_tq_result *r, nl_tq_group g,
                     nl_tq_bucket **out, size_t *n) {
  nl_vec pairs = {0}; /* of group_pair */
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < r->n; i++) {
    const nl_tq_hit *h = &r->items[i];
    const nl_note *note = h->entry->note;
    uint32_t m0, n_owners = nl_task_owners(note, h->task, &m0);
    if (g == NL_TQ_GROUP_ACCOUNT || n_owners == 0) {
      char *name = g == NL_TQ_GROUP_ACCOUNT ? nl_tq_account_name(h) : NULL;
      rc = add_pair(&pairs, name, i);
      continue;
    }
    for (uint32_t k = 0; rc == 0 && k < n_owners; k++) {
      char *name = nl_tq_owner_name(ws, h->entry, &note->mentions[m0 + k]);
      rc = name != NULL ? add_pair(&pairs, name, i) : -1;
    }
  }
  group_pair *ps = pairs.items;
  if (pairs.n > 1) qsort(ps, pairs.n, sizeof *ps, cmp_pair);
  size_t groups = 0;
  for (size_t i = 0; i < pairs.n; i++) groups += i == 0 || key_cmp(ps[i - 1].key, ps[i].key) != 0;
  nl_tq_bucket *res = rc == 0 ? calloc(groups ? groups : 1, sizeof *res) : NULL;
  ptrdiff_t nb = res != NULL ? cut_groups(ps, pairs.n, res) : -1;
  for (size_t i = 0; i < pairs.n; i++) {
    free(ps[i].key);
    free(ps[i].name);
  }
  nl_vec_free(&pairs);
  if (nb < 0) {
    nl_tq_buckets_free(res, groups);
    return -1;
  }
  *out = res;
  *n = (size_t)nb;
  return 0;
}

void nl_tq_buckets_free(nl_tq_bucket *b, size_t n) {
  for (size_t i = 0; b != NULL && i < n; i++) {
    free(b[i].name);
    free(b[i].idx);
  }
  free(b);
}

