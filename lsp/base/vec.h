/* vec.h: a growable array of fixed-size elements (malloc'd, grown by doubling), copied into an
 * arena when done: the parser's scratch lists. */
#ifndef NL_VEC_H
#define NL_VEC_H

#include <stddef.h>

#include "lsp/base/arena.h"

/* A malloc'd array grown by doubling; zero-initialise it ({0}); free with nl_vec_free. */
typedef struct {
  void *items;
  size_t n;
  size_t cap;
} nl_vec;

/* Appends one zeroed element of `size` bytes (> 0); returns it (borrowed until the next push),
 * or NULL when out of memory (v is then unchanged). */
void *nl_vec_push(nl_vec *v, size_t size);
/* Copies the elements into the arena (NULL when there are none); sets *ok to 0 when out of
 * memory. */
void *nl_vec_to_arena(const nl_vec *v, size_t size, nl_arena *a, int *ok);
/* Frees the elements and empties v (it may be pushed to again); accepts NULL. */
void nl_vec_free(nl_vec *v);

#endif
