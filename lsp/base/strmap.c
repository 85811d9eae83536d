/* strmap.c: the string-keyed id multiset map (strmap.h).
 *
 * Keys live in a pool of chunks (up to 1 MiB each, the first ones small for small maps); a
 * slot names its key by chunk and offset in 32 bits, so a slot is 24 bytes and a key costs its
 * bytes and a NUL, with no allocation of its own. A key longer than a quarter chunk gets a
 * chunk of its own. Deleted keys leave their bytes behind until they are half the pool, when
 * the live keys are copied into new chunks (amortised O(1) per key). */
#include "lsp/base/strmap.h"

#include "lsp/base/error.h"
#include "lsp/base/hash.h"

#include <stdlib.h>
#include <string.h>

#define EMPTY 0u
#define TOMB UINT32_MAX
#define OFF_BITS 20
#define CHUNK_MAX (1u << OFF_BITS)
#define CHUNKS_MAX 4095u /* so that no reference is TOMB */
#define FIRST_CHUNK 1024u
#define COMPACT_MIN 65536u

static uint32_t hash_bytes(const char *s, size_t len) {
  return (uint32_t)nl_hash_bytes(NL_HASH_INIT, s, len);
}

void nl_strmap_init(nl_strmap *m) { memset(m, 0, sizeof(*m)); }

static int live(const nl_strmap_slot *s) { return s->key != EMPTY && s->key != TOMB; }

/* A slot's ids live in its array once one was needed (many[0] is its capacity). */
static int has_array(const nl_strmap_slot *s) { return s->key_len >> 31; }
static uint32_t key_len(const nl_strmap_slot *s) { return s->key_len & 0x7FFFFFFFu; }

static const uint32_t *slot_ids(const nl_strmap_slot *s) {
  return has_array(s) ? s->ids.many + 1 : &s->ids.one;
}

static const char *key_of(const nl_strmap *m, uint32_t ref) {
  ref--;
  return m->chunks[ref >> OFF_BITS] + (ref & (CHUNK_MAX - 1));
}

static void free_chunks(char **chunks, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) free(chunks[i]);
  free(chunks);
}

void nl_strmap_free(nl_strmap *m) {
  for (size_t i = 0; i < m->cap; i++)
    if (live(&m->slots[i]) && has_array(&m->slots[i])) free(m->slots[i].ids.many);
  free(m->slots);
  free_chunks(m->chunks, m->n_chunks);
  nl_strmap_init(m);
}

/* The pool part of a map, for building a new pool beside the old one. */
typedef struct {
  char **chunks;
  uint32_t n_chunks, fill, last_size;
} pool;

/* Copies key into p; its reference (never EMPTY or TOMB), or EMPTY when out of memory. */
static uint32_t pool_put(pool *p, const char *key, size_t len) {
  if (len + 1 > (size_t)UINT32_MAX / 2) return EMPTY;
  uint32_t need = (uint32_t)len + 1;
  if (p->n_chunks == 0 || p->last_size - p->fill < need) {
    if (p->n_chunks == CHUNKS_MAX) return EMPTY;
    uint32_t size = need > CHUNK_MAX / 4 ? need
                    : p->n_chunks == 0    ? FIRST_CHUNK
                    : p->last_size >= CHUNK_MAX / 2 ? CHUNK_MAX
                                                    : p->last_size * 2;
    while (size < need) size *= 2;
    char **chunks = realloc(p->chunks, (p->n_chunks + 1) * sizeof(*chunks));
    if (chunks == NULL) return EMPTY;
    p->chunks = chunks;
    if ((chunks[p->n_chunks] = malloc(size)) == NULL) return EMPTY;
    p->n_chunks++;
    p->fill = 0;
    p->last_size = size;
  }
  char *at = p->chunks[p->n_chunks - 1] + p->fill;
  memcpy(at, key, len);
  at[len] = '\0';
  uint32_t ref = ((p->n_chunks - 1) << OFF_BITS | p->fill) + 1;
  p->fill += need;
  /* A chunk of its own is full: the next key opens another. */
  if (need > CHUNK_MAX / 4) p->fill = p->last_size;
  return ref;
}

/* Copies the live keys into a new pool once deleted ones are half of it. */
static void maybe_compact(nl_strmap *m) {
  if (m->dead_bytes < COMPACT_MIN || m->dead_bytes * 2 < m->pool_bytes) return;
  pool p = {0};
  uint32_t *refs = malloc(m->cap * sizeof(*refs));
  if (refs == NULL) return;
  for (size_t i = 0; i < m->cap; i++) {
    const nl_strmap_slot *s = &m->slots[i];
    if (!live(s)) continue;
    if ((refs[i] = pool_put(&p, key_of(m, s->key), key_len(s))) == EMPTY) {
      free_chunks(p.chunks, p.n_chunks);
      free(refs);
      return;
    }
  }
  for (size_t i = 0; i < m->cap; i++)
    if (live(&m->slots[i])) m->slots[i].key = refs[i];
  free(refs);
  free_chunks(m->chunks, m->n_chunks);
  m->chunks = p.chunks;
  m->n_chunks = p.n_chunks;
  m->fill = p.fill;
  m->last_size = p.last_size;
  m->pool_bytes -= m->dead_bytes;
  m->dead_bytes = 0;
}

/* The slot holding key, or NULL. */
static nl_strmap_slot *find(const nl_strmap *m, const char *key, size_t len, uint32_t h) {
  if (m->cap == 0) return NULL;
  size_t mask = m->cap - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    nl_strmap_slot *s = &m->slots[i];
    if (s->key == EMPTY) return NULL;
    if (s->key != TOMB && s->hash == h && key_len(s) == len &&
        memcmp(key_of(m, s->key), key, len) == 0)
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
    if (!live(s)) continue;
    size_t j = s->hash & (cap - 1);
    while (slots[j].key != EMPTY) j = (j + 1) & (cap - 1);
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

static int add_new(nl_strmap *m, const char *key, size_t len, uint32_t h, uint32_t id) {
  if ((m->len + m->tombs + 1) * 4 > m->cap * 3 && grow(m) != 0) return NL_ENOMEM;
  pool p = {m->chunks, m->n_chunks, m->fill, m->last_size};
  uint32_t ref = pool_put(&p, key, len);
  m->chunks = p.chunks; /* a failed put may still have grown the chunk table */
  m->n_chunks = p.n_chunks;
  m->fill = p.fill;
  m->last_size = p.last_size;
  if (ref == EMPTY) return NL_ENOMEM;
  m->pool_bytes += len + 1;
  size_t mask = m->cap - 1, i = h & mask;
  while (live(&m->slots[i])) i = (i + 1) & mask;
  nl_strmap_slot *s = &m->slots[i];
  if (s->key == TOMB) m->tombs--;
  *s = (nl_strmap_slot){.hash = h, .key = ref, .key_len = (uint32_t)len, .n = 1};
  s->ids.one = id;
  m->len++;
  return 0;
}

int nl_strmap_add(nl_strmap *m, const char *key, size_t len, uint32_t id) {
  uint32_t h = hash_bytes(key, len);
  nl_strmap_slot *s = find(m, key, len, h);
  if (s == NULL) return add_new(m, key, len, h, id);
  if (!has_array(s)) { /* n is 1: an empty set is deleted */
    uint32_t *many = malloc(5 * sizeof(*many));
    if (many == NULL) return NL_ENOMEM;
    many[0] = 4;
    many[1] = s->ids.one;
    s->ids.many = many;
    s->key_len |= 1u << 31;
  } else if (s->n == s->ids.many[0]) {
    uint32_t cap = 2 * s->ids.many[0];
    uint32_t *many = realloc(s->ids.many, (1 + (size_t)cap) * sizeof(*many));
    if (many == NULL) return NL_ENOMEM;
    many[0] = cap;
    s->ids.many = many;
  }
  s->ids.many[1 + s->n++] = id;
  return 0;
}

static void delete_slot(nl_strmap *m, nl_strmap_slot *s) {
  if (has_array(s)) free(s->ids.many);
  m->dead_bytes += key_len(s) + 1;
  memset(s, 0, sizeof(*s));
  s->key = TOMB;
  m->len--;
  m->tombs++;
  maybe_compact(m);
}

int nl_strmap_remove(nl_strmap *m, const char *key, size_t len, uint32_t id) {
  nl_strmap_slot *s = find(m, key, len, hash_bytes(key, len));
  if (s == NULL) return 1;
  uint32_t *ids = has_array(s) ? s->ids.many + 1 : &s->ids.one;
  /* From the end: a note re-indexed while it is edited added its ids last, so under a name
   * used by 100,000 notes its own are found at once, not after a scan of the others. */
  uint32_t i = s->n;
  while (i > 0 && ids[i - 1] != id) i--;
  if (i == 0) return 1;
  ids[i - 1] = ids[--s->n];
  if (s->n == 0) delete_slot(m, s);
  return 0;
}

int nl_strmap_count(nl_strmap *m, const char *key, size_t len, int32_t delta) {
  uint32_t h = hash_bytes(key, len);
  nl_strmap_slot *s = find(m, key, len, h);
  if (s == NULL) return delta <= 0 ? 0 : add_new(m, key, len, h, (uint32_t)delta);
  int64_t n = (int64_t)s->ids.one + delta;
  if (n > 0) s->ids.one = (uint32_t)n;
  else delete_slot(m, s);
  return 0;
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
    if (live(s)) cb(ud, key_of(m, s->key), key_len(s), slot_ids(s), s->n);
  }
}
