#include "lsp/base/strmap.h"

#include "lsp/base/error.h"
#include "lsp/base/hash.h"

#include <stdlib.h>
#include <string.h>

#define TOMB ((char *)&tomb_marker)
static const char tomb_marker = 0;

static uint32_t hash_bytes(const char *s, size_t len) {
  return (uint32_t)nl_hash_bytes(NL_HASH_INIT, s, len);
}

void nl_strmap_init(nl_strmap *m) { memset(m, 0, sizeof(*m)); }

static const uint32_t *slot_ids(const nl_strmap_slot *s) {
  return s->cap == 0 ? &s->ids.one : s->ids.many;
}

void nl_strmap_free(nl_strmap *m) {
  for (size_t i = 0; i < m->cap; i++) {
    nl_strmap_slot *s = &m->slots[i];
    if (s->key == NULL || s->key == TOMB) continue;
    free(s->key);
    if (s->cap != 0) free(s->ids.many);
  }
  free(m->slots);
  nl_strmap_init(m);
}

/* The slot holding key, or NULL. */
static nl_strmap_slot *find(const nl_strmap *m, const char *key, size_t len, uint32_t h) {
  if (m->cap == 0) return NULL;
  size_t mask = m->cap - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    nl_strmap_slot *s = &m->slots[i];
    if (s->key == NULL) return NULL;
    if (s->key != TOMB && s->hash == h && s->key_len == len && memcmp(s->key, key, len) == 0)
      return s;
  }
}

static int grow(nl_strmap *m) {
  size_t cap = m->cap == 0 ? 64 : m->cap * 2;
  /* Rehash in place of growing when tombstones, not keys, fill the table. */
  if (m->cap != 0 && m->len * 2 < m->cap) cap = m->cap;
  nl_strmap_slot *slots = calloc(cap, sizeof(*slots));
  if (slots == NULL) return NL_ENOMEM;
  for (size_t i = 0; i < m->cap; i++) {
    nl_strmap_slot *s = &m->slots[i];
    if (s->key == NULL || s->key == TOMB) continue;
    size_t j = s->hash & (cap - 1);
    while (slots[j].key != NULL) j = (j + 1) & (cap - 1);
    slots[j] = *s;
  }
  free(m->slots);
  m->slots = slots;
  m->cap = cap;
  m->tombs = 0;
  return 0;
}

const uint32_t *nl_strmap_get(const nl_strmap *m, const char *key, size_t len, uint32_t *n) {
  nl_strmap_slot *s = find(m, key, len, hash_bytes(key, len));
  *n = s != NULL ? s->n : 0;
  return s != NULL ? slot_ids(s) : NULL;
}

int nl_strmap_add(nl_strmap *m, const char *key, size_t len, uint32_t id) {
  uint32_t h = hash_bytes(key, len);
  nl_strmap_slot *s = find(m, key, len, h);
  if (s == NULL) {
    if ((m->len + m->tombs + 1) * 4 > m->cap * 3 && grow(m) != 0) return NL_ENOMEM;
    char *k = malloc(len + 1);
    if (k == NULL) return NL_ENOMEM;
    memcpy(k, key, len);
    k[len] = '\0';
    size_t mask = m->cap - 1, i = h & mask;
    while (m->slots[i].key != NULL && m->slots[i].key != TOMB) i = (i + 1) & mask;
    s = &m->slots[i];
    if (s->key == TOMB) m->tombs--;
    memset(s, 0, sizeof(*s));
    s->key = k;
    s->key_len = len;
    s->hash = h;
    s->n = 1;
    s->ids.one = id;
    m->len++;
    return 0;
  }
  if (s->cap == 0 && s->n == 1) {
    uint32_t *many = malloc(4 * sizeof(*many));
    if (many == NULL) return NL_ENOMEM;
    many[0] = s->ids.one;
    s->ids.many = many;
    s->cap = 4;
  } else if (s->n == s->cap) {
    uint32_t *many = realloc(s->ids.many, 2 * s->cap * sizeof(*many));
    if (many == NULL) return NL_ENOMEM;
    s->ids.many = many;
    s->cap *= 2;
  }
  s->ids.many[s->n++] = id;
  return 0;
}

int nl_strmap_remove(nl_strmap *m, const char *key, size_t len, uint32_t id) {
  nl_strmap_slot *s = find(m, key, len, hash_bytes(key, len));
  if (s == NULL) return 1;
  uint32_t *ids = s->cap == 0 ? &s->ids.one : s->ids.many;
  /* From the end: a note re-indexed while it is edited added its ids last, so under a name
   * used by 100,000 notes its own are found at once, not after a scan of the others. */
  uint32_t i = s->n;
  while (i > 0 && ids[i - 1] != id) i--;
  if (i == 0) return 1;
  ids[i - 1] = ids[--s->n];
  if (s->n > 0) return 0;
  free(s->key);
  if (s->cap != 0) free(s->ids.many);
  memset(s, 0, sizeof(*s));
  s->key = TOMB;
  m->len--;
  m->tombs++;
  return 0;
}

int nl_strmap_count(nl_strmap *m, const char *key, size_t len, int32_t delta) {
  nl_strmap_slot *s = find(m, key, len, hash_bytes(key, len));
  if (s == NULL) {
    if (delta <= 0) return 0;
    if (nl_strmap_add(m, key, len, (uint32_t)delta) != 0) return NL_ENOMEM;
    return 0;
  }
  int64_t n = (int64_t)s->ids.one + delta;
  if (n > 0) {
    s->ids.one = (uint32_t)n;
    return 0;
  }
  return nl_strmap_remove(m, key, len, s->ids.one) < 0 ? -1 : 0;
}

uint32_t nl_strmap_count_get(const nl_strmap *m, const char *key, size_t len) {
  uint32_t n;
  const uint32_t *ids = nl_strmap_get(m, key, len, &n);
  return n > 0 ? ids[0] : 0;
}

void nl_strmap_foreach(const nl_strmap *m,
                       void (*cb)(void *ud, const char *key, size_t len, const uint32_t *ids,
                                  uint32_t n),
                       void *ud) {
  for (size_t i = 0; i < m->cap; i++) {
    const nl_strmap_slot *s = &m->slots[i];
    if (s->key == NULL || s->key == TOMB) continue;
    cb(ud, s->key, s->key_len, slot_ids(s), s->n);
  }
}
