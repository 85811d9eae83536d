/* arena.h: a bump allocator; everything allocated from an arena is freed at once with it. */
#ifndef NL_ARENA_H
#define NL_ARENA_H

#include <stddef.h>

typedef struct nl_arena_block nl_arena_block;

typedef struct {
  nl_arena_block *head;
  nl_arena_block *spare; /* emptied blocks kept by nl_arena_reset for reuse */
  size_t used; /* bytes handed out, for statistics */
} nl_arena;

void nl_arena_init(nl_arena *a);
/* Frees every block; the arena may be reused after nl_arena_init. */
void nl_arena_free(nl_arena *a);
/* Empties the arena but keeps its blocks (up to the usual block size) for the next
 * allocations: a scratch arena reset between uses allocates nothing once warm. Everything
 * handed out before is invalid. */
void nl_arena_reset(nl_arena *a);
/* Returns `size` bytes aligned for any type, valid until nl_arena_free; NULL when out of memory. */
void *nl_arena_alloc(nl_arena *a, size_t size);
/* Returns `size` bytes for objects of `elem` bytes each, aligned as such an object needs (the
 * largest power of two dividing elem, at most that of max_align_t; 1 for text): a note's
 * arrays of 24-byte records pack without the padding nl_arena_alloc would add. NULL when out
 * of memory. */
void *nl_arena_alloc_of(nl_arena *a, size_t size, size_t elem);
/* Gives back the end of p, the arena's latest allocation, keeping its first `keep` bytes: for
 * text whose length is known only once written. Does nothing when p is not the latest. */
void nl_arena_shrink(nl_arena *a, void *p, size_t size, size_t keep);
/* Copies len bytes and a NUL into the arena; NULL when out of memory. */
char *nl_arena_strndup(nl_arena *a, const char *s, size_t len);

/* The data and length (*len) of the arena's one block, as after compaction; NULL when the
 * arena has no block or several. */
const void *nl_arena_single(const nl_arena *a, size_t *len);
/* Makes the empty arena `a` own one new block of exactly len bytes, all counted as used, and
 * returns its data for the caller to fill (aligned for any type); NULL when out of memory.
 * A block of up to 16 KiB is cut from a 256 KiB slab of the calling thread's, next to the
 * blocks made before it (a note's kept block: see arena.c); the slab is given back when every
 * block cut from it is freed, on whichever thread, and the thread has moved to another. */
void *nl_arena_init_block(nl_arena *a, size_t len);

/* Empties `a` into `spare`: a's blocks become spare's, emptied (as nl_arena_reset keeps them),
 * so a scratch arena lent to a parse gets its blocks back; a is left empty. */
void nl_arena_recycle(nl_arena *a, nl_arena *spare);

#endif
