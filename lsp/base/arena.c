#include "lsp/base/arena.h"

#include "lsp/base/error.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Room that nl_arena_init_block cuts blocks from, a thread's at a time. The blocks a parse
 * keeps (a note's one block, made last) would otherwise come from the same heap as the parse's
 * transient buffers (the file, libyaml's buffers and strings) and settle in the holes those
 * leave: a scan's worker heaps then fragment further with every note, and glibc's malloc, which
 * libyaml calls for every token, gets slower as the vault grows (tests/bench/README.md, "scan
 * (2026-12-03, 18:40 UTC)"). Cut from slabs, kept blocks lie together, apart from the heap.
 * A slab stays while any block cut from it does: a note that outlives the others of its slab
 * (a worker's stretch of a scan, or the loop thread's parses) keeps the 256 KiB. */
typedef struct nl_arena_slab {
  atomic_size_t refs; /* blocks cut from it and not freed, + 1 while its thread cuts from it */
  max_align_t data[];
} nl_arena_slab;

struct nl_arena_block {
  nl_arena_block *next;
  size_t cap;
  size_t len;
  nl_arena_slab *slab; /* the slab the block was cut from, or NULL: malloc'd */
  max_align_t data[];  /* aligned storage */
};

#define SLAB_BYTES (256u << 10)
#define SLAB_BLOCK_MAX (SLAB_BYTES / 16) /* a larger block is malloc'd on its own */

static _Thread_local nl_arena_slab *slab;   /* the thread's, which it cuts from */
static _Thread_local size_t slab_used;      /* bytes of slab->data cut */

static void slab_release(nl_arena_slab *s) {
  if (atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) == 1) free(s);
}

/* A block of `bytes` (header included) cut from the thread's slab, a new one when it is full;
 * NULL when out of memory. */
static nl_arena_block *slab_cut(size_t bytes) {
  bytes = (bytes + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
  if (slab == NULL || SLAB_BYTES - slab_used < bytes) {
    nl_arena_slab *s = malloc(sizeof(*s) + SLAB_BYTES);
    if (s == NULL) return NULL;
    atomic_init(&s->refs, 1);
    if (slab != NULL) slab_release(slab);
    slab = s;
    slab_used = 0;
  }
  nl_arena_block *b = (nl_arena_block *)((char *)slab->data + slab_used);
  slab_used += bytes;
  atomic_fetch_add_explicit(&slab->refs, 1, memory_order_relaxed);
  b->slab = slab;
  return b;
}

static void block_free(nl_arena_block *b) {
  if (b->slab != NULL) slab_release(b->slab);
  else free(b);
}

/* Blocks start small and double: a typical note needs a few KiB, and a 100,000-note index
 * must not pay a large first block per note. */
#define ARENA_FIRST 1024
#define ARENA_MAX 65536

void nl_arena_init(nl_arena *a) {
  a->head = NULL;
  a->spare = NULL;
  a->used = 0;
}

static void free_chain(nl_arena_block *b) {
  while (b != NULL) {
    nl_arena_block *next = b->next;
    block_free(b);
    b = next;
  }
}

void nl_arena_free(nl_arena *a) {
  free_chain(a->head);
  free_chain(a->spare);
  a->head = NULL;
  a->spare = NULL;
  a->used = 0;
}

/* Moves the blocks of chain b to a's spare list, emptied; an oversized block (one large
 * request's) is freed rather than kept for ever. */
static void keep_spare(nl_arena *a, nl_arena_block *b) {
  while (b != NULL) {
    nl_arena_block *next = b->next;
    if (b->cap > ARENA_MAX) {
      block_free(b);
    } else {
      b->len = 0;
      b->next = a->spare;
      a->spare = b;
    }
    b = next;
  }
}

void nl_arena_reset(nl_arena *a) {
  keep_spare(a, a->head);
  a->head = NULL;
  a->used = 0;
}

/* A new block of at least `cap` bytes: a spare one when one is large enough. */
static nl_arena_block *new_block(nl_arena *a, size_t cap, size_t size) {
  for (nl_arena_block **at = &a->spare; *at != NULL; at = &(*at)->next) {
    if ((*at)->cap >= size && (*at)->cap >= cap / 2) {
      nl_arena_block *b = *at;
      *at = b->next;
      return b;
    }
  }
  nl_arena_block *b = malloc(sizeof(*b) + cap);
  if (b != NULL) {
    b->cap = cap;
    b->slab = NULL;
  }
  return b;
}

/* Returns `size` bytes at `align` from the head block, adding a block when it is full. */
static void *take(nl_arena *a, size_t size, size_t align) {
  /* A request this large is a caller's bug; refusing it keeps the sums below from wrapping. */
  if (size > SIZE_MAX / 4) return NULL;
  nl_arena_block *b = a->head;
  size_t at = b != NULL ? (b->len + align - 1) & ~(align - 1) : 0;
  if (b == NULL || at > b->cap || b->cap - at < size) {
    size_t cap = b != NULL ? b->cap * 2 : ARENA_FIRST;
    if (cap > ARENA_MAX) cap = ARENA_MAX;
    if (cap < size) cap = size;
    nl_arena_block *nb = new_block(a, cap, size);
    if (nb == NULL) return NULL;
    nb->len = 0;
    if (b != NULL && size > ARENA_MAX / 2) {
      nb->next = b->next; /* a big request gets its own block behind the partly filled head */
      b->next = nb;
    } else {
      nb->next = b;
      a->head = nb;
    }
    b = nb;
    at = 0;
  }
  void *p = (char *)b->data + at;
  b->len = at + size;
  a->used += size;
  return p;
}

void *nl_arena_alloc(nl_arena *a, size_t size) {
  return take(a, size == 0 ? 1 : size, sizeof(max_align_t));
}

void *nl_arena_alloc_of(nl_arena *a, size_t size, size_t elem) {
  size_t align = elem & (~elem + 1); /* the lowest set bit */
  if (align == 0 || align > sizeof(max_align_t)) align = sizeof(max_align_t);
  return take(a, size == 0 ? 1 : size, align);
}

void nl_arena_shrink(nl_arena *a, void *p, size_t size, size_t keep) {
  nl_arena_block *b = a->head;
  if (b == NULL || keep > size || (char *)p + size != (char *)b->data + b->len) return;
  b->len -= size - keep;
  a->used -= size - keep;
}

char *nl_arena_strndup(nl_arena *a, const char *s, size_t len) {
  /* Strings need no alignment: packing them saves about 8 bytes each. */
  if (len > SIZE_MAX / 4) return NULL;
  char *p = take(a, len + 1, 1);
  if (p == NULL) return NULL;
  memcpy(p, s, len);
  p[len] = '\0';
  return p;
}

const void *nl_arena_single(const nl_arena *a, size_t *len) {
  if (a->head == NULL || a->head->next != NULL) return NULL;
  *len = a->head->len;
  return a->head->data;
}

void *nl_arena_init_block(nl_arena *a, size_t len) {
  nl_arena_init(a);
  if (len > SIZE_MAX / 4) return NULL;
  size_t bytes = sizeof(nl_arena_block) + (len ? len : 1);
  nl_arena_block *b = bytes <= SLAB_BLOCK_MAX ? slab_cut(bytes) : NULL;
  if (b == NULL) {
    b = malloc(bytes);
    if (b == NULL) return NULL;
    b->slab = NULL;
  }
  b->next = NULL;
  b->cap = b->len = len;
  a->head = b;
  a->used = len;
  return b->data;
}

void nl_arena_recycle(nl_arena *a, nl_arena *spare) {
  keep_spare(spare, a->head);
  keep_spare(spare, a->spare);
  nl_arena_init(a);
}
