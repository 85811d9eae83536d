/* task_query_sort.c: the orders of a result and its groups. Comparisons read the keys the run
 * copied into each hit (due date, priority rank), so sorting a whole vault's tasks touches a
 * task only for the path tie-break. */
#include "lsp/features/task_query.h"

#include <stdlib.h>
#include <string.h>

#include "lsp/base/unicode.h"

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
    const nl_note *note = h->entry->note;
    uint32_t m0, n_owners = nl_task_owners(note, h->task, &m0);
    if (g == NL_TQ_GROUP_ACCOUNT || n_owners == 0) {
      char *name = g == NL_TQ_GROUP_ACCOUNT ? nl_tq_account_name(h) : NULL;
      rc = bucket_add(&bs, &nb, name, i);
      continue;
    }
    for (uint32_t k = 0; rc == 0 && k < n_owners; k++) {
      char *name = nl_tq_owner_name(ws, h->entry, &note->mentions[m0 + k]);
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

