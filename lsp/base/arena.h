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
 * returns its data for the caller to fill (aligned for any type); NULL when out of memory. */
void *nl_arena_init_block(nl_arena *a, size_t len);

/* ---- compaction ------------------------------------------------------------------------- */

/* Where compaction moved the old blocks: pointers into them are translated with
 * nl_arena_moved. */
typedef struct {
  const char *old_start;
  size_t len;
  char *new_start;
} nl_arena_move;

typedef struct {
  nl_arena_move *moves; /* new; free with nl_arena_moves_free */
  size_t n;
} nl_arena_moves;

/* Copies every block of `a` into one block of exactly the bytes used and records the moves;
 * the old blocks stay valid until nl_arena_moves_free, so the caller can translate pointers.
 * Returns 0, or NL_ENOMEM (the arena is unchanged). */
int nl_arena_compact(nl_arena *a, nl_arena_moves *moves);
/* The new address of p if it pointed into a moved block, else p. */
void *nl_arena_moved(const nl_arena_moves *moves, const void *p);
/* Frees the old blocks and the table. */
void nl_arena_moves_free(nl_arena_moves *moves);
/* Frees the table and hands the old blocks to `spare` (emptied, as nl_arena_reset does), so a
 * scratch arena can lend its blocks to a parse and get them back after compaction. */
void nl_arena_moves_recycle(nl_arena_moves *moves, nl_arena *spare);

#endif
