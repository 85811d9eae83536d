#include "lsp/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct nl_arena_block {
  nl_arena_block *next;
  size_t cap;
  size_t len;
  max_align_t data[]; /* aligned storage */
};

#define ARENA_BLOCK 8192

void nl_arena_init(nl_arena *a) {
  a->head = NULL;
  a->used = 0;
}

void nl_arena_free(nl_arena *a) {
  nl_arena_block *b = a->head;
  while (b != NULL) {
    nl_arena_block *next = b->next;
    free(b);
    b = next;
  }
  a->head = NULL;
  a->used = 0;
}

void *nl_arena_alloc(nl_arena *a, size_t size) {
  const size_t align = sizeof(max_align_t);
  /* Rounding up or adding the block header must not wrap a huge request into a small one. */
  if (size > SIZE_MAX - align - sizeof(nl_arena_block)) return NULL;
  size = (size + align - 1) & ~(align - 1);
  if (size == 0) size = align;
  nl_arena_block *b = a->head;
  if (b == NULL || b->cap - b->len < size) {
    /* Big requests get a block of their own so small ones keep filling the current block. */
    size_t cap = size > ARENA_BLOCK / 2 ? size : ARENA_BLOCK;
    nl_arena_block *nb = malloc(sizeof(*nb) + cap);
    if (nb == NULL) return NULL;
    nb->cap = cap;
    nb->len = 0;
    if (b != NULL && size > ARENA_BLOCK / 2) {
      nb->next = b->next; /* keep the partly filled block at the head */
      b->next = nb;
    } else {
      nb->next = b;
      a->head = nb;
    }
    b = nb;
  }
  void *p = (char *)b->data + b->len;
  b->len += size;
  a->used += size;
  return p;
}

char *nl_arena_strndup(nl_arena *a, const char *s, size_t len) {
  if (len == SIZE_MAX) return NULL;
  char *p = nl_arena_alloc(a, len + 1);
  if (p == NULL) return NULL;
  memcpy(p, s, len);
  p[len] = '\0';
  return p;
}
