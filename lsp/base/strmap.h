/* strmap.h: an open-addressing hash map from byte-string keys to small multisets of uint32
 * ids (the index's name, path, tag and link maps). Keys are copied; a key whose set becomes
 * empty is deleted. */
#ifndef NL_STRMAP_H
#define NL_STRMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
  char *key;       /* owned, NUL-terminated; NULL for an empty slot */
  size_t key_len;
  uint32_t hash;
  uint32_t n;      /* ids in the set */
  uint32_t cap;    /* capacity of many; 0 while the single id lives in one */
  union {
    uint32_t one;
    uint32_t *many;
  } ids;
} nl_strmap_slot;

typedef struct {
  nl_strmap_slot *slots;
  size_t cap;      /* power of two, or 0 */
  size_t len;      /* keys present */
  size_t tombs;    /* deleted slots */
} nl_strmap;

void nl_strmap_init(nl_strmap *m);
void nl_strmap_free(nl_strmap *m);

/* The ids stored under key (borrowed until the map changes) and their count; NULL, 0 when
 * the key is absent. */
const uint32_t *nl_strmap_get(const nl_strmap *m, const char *key, size_t len, uint32_t *n);
/* Adds id to key's set (duplicates are kept: the set counts uses). 0 or NL_ENOMEM. */
int nl_strmap_add(nl_strmap *m, const char *key, size_t len, uint32_t id);
/* Removes one occurrence of id from key's set; 0, or 1 when it was not there. */
int nl_strmap_remove(nl_strmap *m, const char *key, size_t len, uint32_t id);
/* Counter mode, for a map used only through these two: adds delta to key's count (kept in
 * the single id slot) and deletes the key when the count reaches 0. O(1) however large the
 * count. 0, or NL_ENOMEM. */
int nl_strmap_count(nl_strmap *m, const char *key, size_t len, int32_t delta);
/* The count of key (0 when absent). */
uint32_t nl_strmap_count_get(const nl_strmap *m, const char *key, size_t len);

/* Calls cb for every key with its ids. The map must not change during the walk. */
void nl_strmap_foreach(const nl_strmap *m,
                       void (*cb)(void *ud, const char *key, size_t len, const uint32_t *ids,
                                  uint32_t n),
                       void *ud);

#endif
