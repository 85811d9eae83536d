/* vec.c: see vec.h. */
#include "lsp/base/vec.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void *nl_vec_push(nl_vec *v, size_t size) {
  if (v->n == v->cap) {
    size_t ncap = v->cap ? v->cap * 2 : 16;
    if (size == 0 || ncap > SIZE_MAX / size) return NULL;
    void *items = realloc(v->items, ncap * size);
    if (items == NULL) return NULL;
    v->items = items;
    v->cap = ncap;
  }
  void *p = (char *)v->items + v->n * size;
  memset(p, 0, size);
  v->n++;
  return p;
}

void *nl_vec_to_arena(const nl_vec *v, size_t size, nl_arena *a, int *ok) {
  if (v->n == 0) return NULL;
  void *p = nl_arena_alloc_of(a, v->n * size, size);
  if (p == NULL) {
    *ok = 0;
    return NULL;
  }
  memcpy(p, v->items, v->n * size);
  return p;
}

void nl_vec_free(nl_vec *v) {
  if (v == NULL) return;
  free(v->items);
  v->items = NULL;
  v->n = v->cap = 0;
}
