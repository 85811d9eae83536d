/* strmap.h: a hash map from byte-string keys to small multisets of uint32 ids (the index's
 * name, tag and link maps). Keys are copied into the map's own key pool (no allocation per
 * key); a key whose set becomes empty is deleted. The table is an nl_idmap (8 bytes a slot)
 * over dense 24-byte records, one per key: at 100,000 notes the index's maps hold about a
 * million keys. */
#ifndef NL_STRMAP_H
#define NL_STRMAP_H

#include <stddef.h>
#include <stdint.h>

#include "lsp/base/idmap.h"

typedef struct {
  uint32_t key;    /* where the key is in the pool (strmap.c); 0: a free record */
  uint32_t key_len; /* bit 31: the ids are in `many` */
  uint32_t n;      /* ids in the set (a free record: the next free one) */
  union {
    uint32_t one;  /* while no array was needed */
    uint32_t *many; /* many[0] is the capacity, the ids follow */
  } ids;
} nl_strmap_rec;

typedef struct {
  nl_idmap table;  /* key hash -> record */
  nl_strmap_rec *recs;
  uint32_t n_recs, cap_recs;
  uint32_t free_rec; /* first free record + 1, or 0 */
  size_t len;      /* keys present */
  char **chunks;   /* the key pool: keys, NUL-terminated, never across two chunks */
  uint32_t n_chunks;
  uint32_t fill;   /* bytes used in the last chunk */
  uint32_t last_size; /* size of the last chunk */
  size_t pool_bytes, dead_bytes; /* key bytes stored, and of them deleted keys' */
} nl_strmap;

void nl_strmap_init(nl_strmap *m);
void nl_strmap_free(nl_strmap *m);

/* The ids stored under key (borrowed until the map changes) and their count; NULL, 0 when
 * the key is absent. */
const uint32_t *nl_strmap_get(const nl_strmap *m, const char *key, size_t len, uint32_t *n);
/* Adds id to key's set (duplicates are kept: the set counts uses). 0 or NL_ENOMEM. */
int nl_strmap_add(nl_strmap *m, const char *key, size_t len, uint32_t id);
/* nl_strmap_add with the key's hash h from nl_strmap_hash. */
int nl_strmap_add_hashed(nl_strmap *m, const char *key, size_t len, uint32_t h, uint32_t id);
uint32_t nl_strmap_hash(const char *key, size_t len);
/* A hint, no change to the map: asks the CPU to fetch what an add or get of key (hash h) will
 * read, one step of the chain per call, step 0 first and each once the last had time to
 * arrive: 0 the table slot, 1 the record it names, 2 the key's bytes and ids. So that many
 * adds' cache misses overlap instead of stalling one after another. */
void nl_strmap_prefetch(const nl_strmap *m, uint32_t h, int step);
/* Removes one occurrence of id from key's set; 0, or 1 when it was not there. */
int nl_strmap_remove(nl_strmap *m, const char *key, size_t len, uint32_t id);
/* Counter mode, for a map used only through these two: adds delta to key's count (kept in
 * the single id slot) and deletes the key when the count reaches 0. O(1) however large the
 * count. 0, or NL_ENOMEM. */
int nl_strmap_count(nl_strmap *m, const char *key, size_t len, int32_t delta);
/* The count of key (0 when absent). */
uint32_t nl_strmap_count_get(const nl_strmap *m, const char *key, size_t len);

/* Calls cb for every key (NUL-terminated, borrowed for the call) with its ids. The map must
 * not change during the walk. */
void nl_strmap_foreach(const nl_strmap *m,
                       void (*cb)(void *ud, const char *key, size_t len, const uint32_t *ids,
                                  uint32_t n),
                       void *ud);

#endif
