/* arena.h: a bump allocator; everything allocated from an arena is freed at once with it. */
#ifndef NL_ARENA_H
#define NL_ARENA_H

#include <stddef.h>

typedef struct nl_arena_block nl_arena_block;

typedef struct {
  nl_arena_block *head;
  size_t used; /* bytes handed out, for statistics */
} nl_arena;

void nl_arena_init(nl_arena *a);
/* Frees every block; the arena may be reused after nl_arena_init. */
void nl_arena_free(nl_arena *a);
/* Returns `size` bytes aligned for any type, valid until nl_arena_free; NULL when out of memory. */
void *nl_arena_alloc(nl_arena *a, size_t size);
/* Copies len bytes and a NUL into the arena; NULL when out of memory. */
char *nl_arena_strndup(nl_arena *a, const char *s, size_t len);

#endif
