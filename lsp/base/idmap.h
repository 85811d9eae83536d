/* idmap.h: an open-addressing hash map from keys the caller keeps to uint32 ids: a slot is the
 * key's 32-bit hash and the id (8 bytes), and a lookup asks the caller whether an id's key is
 * the one sought. For maps whose key is already stored with what the id names (the index's
 * entries by absolute path, by device and inode), so the key is not stored twice. */
#ifndef NL_IDMAP_H
#define NL_IDMAP_H

#include <stddef.h>
#include <stdint.h>

#define NL_IDMAP_NONE UINT32_MAX /* no id; not a storable id (nor is UINT32_MAX - 1) */

typedef struct {
  uint32_t hash;
  uint32_t id;     /* NL_IDMAP_NONE: empty; NL_IDMAP_NONE - 1: deleted */
} nl_idmap_slot;

typedef struct {
  nl_idmap_slot *slots;
  size_t cap;      /* power of two, or 0 */
  size_t len;      /* ids present */
  size_t tombs;    /* deleted slots */
} nl_idmap;

/* Whether id's key is the one sought (ud: the caller's, usually an nl_idmap_query). */
typedef int (*nl_idmap_match_fn)(void *ud, uint32_t id);

/* A byte-string key sought among the keys `owner` keeps. */
typedef struct {
  const void *owner;
  const char *key;
  size_t len;
} nl_idmap_query;

void nl_idmap_init(nl_idmap *m);
void nl_idmap_free(nl_idmap *m);

/* Adds id under `hash` (the same id or hash may be added more than once). 0 or NL_ENOMEM. */
int nl_idmap_add(nl_idmap *m, uint32_t hash, uint32_t id);
/* Removes one slot holding id under hash; 0, or 1 when there is none. */
int nl_idmap_remove(nl_idmap *m, uint32_t hash, uint32_t id);
/* An id under hash for which match returns nonzero (the first found), or NL_IDMAP_NONE. */
uint32_t nl_idmap_find(const nl_idmap *m, uint32_t hash, nl_idmap_match_fn match, void *ud);

#endif
