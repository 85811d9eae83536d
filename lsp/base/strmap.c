/* strmap.c: the string-keyed id multiset map (strmap.h).
 *
 * Keys live in a pool of chunks (up to 1 MiB each, the first ones small for small maps); a
 * record names its key by chunk and offset in 32 bits, so a key costs its bytes and a NUL,
 * with no allocation of its own. A key longer than a quarter chunk gets a chunk of its own.
 * Deleted keys leave their bytes behind until they are half the pool, when the live keys are
 * copied into new chunks (amortised O(1) per key). Records of deleted keys are reused. */
#include "lsp/base/strmap.h"

#include "lsp/base/error.h"
#include "lsp/base/hash.h"

#include <stdlib.h>
#include <string.h>

#define OFF_BITS 20
#define CHUNK_MAX (1u << OFF_BITS)
#define CHUNKS_MAX 4095u /* references stay below UINT32_MAX */
#define FIRST_CHUNK 1024u
#define COMPACT_MIN 65536u

static uint32_t hash_bytes(const char *s, size_t len) {
  return (uint32_t)nl_hash_bytes(NL_HASH_INIT, s, len);
}

void nl_strmap_init(nl_strmap *m) {
  memset(m, 0, sizeof(*m));
  nl_idmap_init(&m->table);
}

/* A record's ids live in its array once one was needed (many[0] is its capacity). */
static int has_array(const nl_strmap_rec *r) { return r->key_len >> 31; }
static uint32_t key_len(const nl_strmap_rec *r) { return r->key_len & 0x7FFFFFFFu; }

static const uint32_t *rec_ids(const nl_strmap_rec *r) {
  return has_array(r) ? r->ids.many + 1 : &r->ids.one;
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
  for (uint32_t i = 0; i < m->n_recs; i++)
    if (m->recs[i].key != 0 && has_array(&m->recs[i])) free(m->recs[i].ids.many);
  free(m->recs);
  nl_idmap_free(&m->table);
  free_chunks(m->chunks, m->n_chunks);
  nl_strmap_init(m);
}

/* The pool part of a map, for building a new pool beside the old one. */
typedef struct {
  char **chunks;
  uint32_t n_chunks, fill, last_size;
} pool;

/* Copies key into p; its reference (never 0), or 0 when out of memory. */
static uint32_t pool_put(pool *p, const char *key, size_t len) {
  if (len + 1 > (size_t)UINT32_MAX / 2) return 0;
  uint32_t need = (uint32_t)len + 1;
  if (p->n_chunks == 0 || p->last_size - p->fill < need) {
    if (p->n_chunks == CHUNKS_MAX) return 0;
    uint32_t size = need > CHUNK_MAX / 4 ? need
                    : p->n_chunks == 0    ? FIRST_CHUNK
                    : p->last_size >= CHUNK_MAX / 2 ? CHUNK_MAX
                                                    : p->last_size * 2;
    while (size < need) size *= 2;
    char **chunks = realloc(p->chunks, (p->n_chunks + 1) * sizeof(*chunks));
    if (chunks == NULL) return 0;
    p->chunks = chunks;
    if ((chunks[p->n_chunks] = malloc(size)) == NULL) return 0;
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
  uint32_t *refs = malloc(m->n_recs * sizeof(*refs));
  if (refs == NULL) return;
  for (uint32_t i = 0; i < m->n_recs; i++) {
    const nl_strmap_rec *r = &m->recs[i];
    if (r->key == 0) continue;
    if ((refs[i] = pool_put(&p, key_of(m, r->key), key_len(r))) == 0) {
      free_chunks(p.chunks, p.n_chunks);
      free(refs);
      return;
    }
  }
  for (uint32_t i = 0; i < m->n_recs; i++)
    if (m->recs[i].key != 0) m->recs[i].key = refs[i];
  free(refs);
  free_chunks(m->chunks, m->n_chunks);
  m->chunks = p.chunks;
  m->n_chunks = p.n_chunks;
  m->fill = p.fill;
  m->last_size = p.last_size;
  m->pool_bytes -= m->dead_bytes;
  m->dead_bytes = 0;
}

static int key_is(void *ud, uint32_t rec) {
  const nl_idmap_query *q = ud;
  const nl_strmap *m = q->owner;
  const nl_strmap_rec *r = &m->recs[rec];
  return key_len(r) == q->len && memcmp(key_of(m, r->key), q->key, q->len) == 0;
}

/* The record holding key, or NULL. */
static nl_strmap_rec *find(const nl_strmap *m, const char *key, size_t len, uint32_t h) {
  nl_idmap_query q = {m, key, len};
  uint32_t rec = nl_idmap_find(&m->table, h, key_is, &q);
  return rec != NL_IDMAP_NONE ? &m->recs[rec] : NULL;
}

const uint32_t *nl_strmap_get(const nl_strmap *m, const char *key, size_t len, uint32_t *n) {
  nl_strmap_rec *r = find(m, key, len, hash_bytes(key, len));
  *n = r != NULL ? r->n : 0;
  return r != NULL ? rec_ids(r) : NULL;
}

/* A free record's index: a deleted key's, or a new one at the end. */
static int new_rec(nl_strmap *m, uint32_t *rec) {
  if (m->free_rec != 0) {
    *rec = m->free_rec - 1;
    m->free_rec = m->recs[*rec].n;
    return 0;
  }
  if (m->n_recs == m->cap_recs) {
    if (m->cap_recs >= NL_IDMAP_NONE / 2) return NL_ENOMEM;
    /* 1.5 times: records are the bulk of a large map, and slack in them is kept for good. */
    uint32_t cap = m->cap_recs < 16 ? 16 : m->cap_recs + m->cap_recs / 2;
    nl_strmap_rec *recs = realloc(m->recs, cap * sizeof(*recs));
    if (recs == NULL) return NL_ENOMEM;
    m->recs = recs;
    m->cap_recs = cap;
  }
  *rec = m->n_recs++;
  return 0;
}

static void free_rec(nl_strmap *m, uint32_t rec) {
  m->recs[rec] = (nl_strmap_rec){.key = 0, .n = m->free_rec};
  m->free_rec = rec + 1;
}

static int add_new(nl_strmap *m, const char *key, size_t len, uint32_t h, uint32_t id) {
  uint32_t rec;
  if (new_rec(m, &rec) != 0) return NL_ENOMEM;
  pool p = {m->chunks, m->n_chunks, m->fill, m->last_size};
  uint32_t ref = pool_put(&p, key, len);
  m->chunks = p.chunks; /* a failed put may still have grown the chunk table */
  m->n_chunks = p.n_chunks;
  m->fill = p.fill;
  m->last_size = p.last_size;
  if (ref == 0 || nl_idmap_add(&m->table, h, rec) != 0) {
    if (ref != 0) m->dead_bytes += len + 1, m->pool_bytes += len + 1;
    free_rec(m, rec);
    return NL_ENOMEM;
  }
  m->pool_bytes += len + 1;
  m->recs[rec] = (nl_strmap_rec){.key = ref, .key_len = (uint32_t)len, .n = 1};
  m->recs[rec].ids.one = id;
  m->len++;
  return 0;
}

uint32_t nl_strmap_hash(const char *key, size_t len) { return hash_bytes(key, len); }

/* The record the first slot under h names (its key may differ), or NL_IDMAP_NONE. Reads only
 * the table. */
static uint32_t first_rec(const nl_strmap *m, uint32_t h) {
  const nl_idmap *t = &m->table;
  if (t->cap == 0) return NL_IDMAP_NONE;
  size_t mask = t->cap - 1;
  for (size_t i = h & mask; t->slots[i].id != NL_IDMAP_NONE; i = (i + 1) & mask)
    if (t->slots[i].hash == h && t->slots[i].id != NL_IDMAP_NONE - 1) return t->slots[i].id;
  return NL_IDMAP_NONE;
}

void nl_strmap_prefetch(const nl_strmap *m, uint32_t h, int step) {
  if (m->table.cap == 0) return;
  if (step == 0) {
    __builtin_prefetch(&m->table.slots[h & (m->table.cap - 1)]);
    return;
  }
  uint32_t rec = first_rec(m, h);
  if (rec == NL_IDMAP_NONE || rec >= m->n_recs) return;
  const nl_strmap_rec *r = &m->recs[rec];
  if (step == 1) {
    __builtin_prefetch(r);
    return;
  }
  if (r->key == 0) return;
  __builtin_prefetch(key_of(m, r->key));
  if (has_array(r)) __builtin_prefetch(r->ids.many + 1 + r->n, 1);
}

int nl_strmap_add(nl_strmap *m, const char *key, size_t len, uint32_t id) {
  return nl_strmap_add_hashed(m, key, len, hash_bytes(key, len), id);
}

int nl_strmap_add_hashed(nl_strmap *m, const char *key, size_t len, uint32_t h, uint32_t id) {
  nl_strmap_rec *r = find(m, key, len, h);
  if (r == NULL) return add_new(m, key, len, h, id);
  if (!has_array(r)) { /* n is 1: an empty set is deleted */
    uint32_t *many = malloc(5 * sizeof(*many));
    if (many == NULL) return NL_ENOMEM;
    many[0] = 4;
    many[1] = r->ids.one;
    r->ids.many = many;
    r->key_len |= 1u << 31;
  } else if (r->n == r->ids.many[0]) {
    uint32_t cap = 2 * r->ids.many[0];
    uint32_t *many = realloc(r->ids.many, (1 + (size_t)cap) * sizeof(*many));
    if (many == NULL) return NL_ENOMEM;
    many[0] = cap;
    r->ids.many = many;
  }
  r->ids.many[1 + r->n++] = id;
  return 0;
}

static void delete_rec(nl_strmap *m, nl_strmap_rec *r, uint32_t h) {
  uint32_t rec = (uint32_t)(r - m->recs);
  nl_idmap_remove(&m->table, h, rec);
  if (has_array(r)) free(r->ids.many);
  m->dead_bytes += key_len(r) + 1;
  free_rec(m, rec);
  m->len--;
  maybe_compact(m);
}

int nl_strmap_remove(nl_strmap *m, const char *key, size_t len, uint32_t id) {
  uint32_t h = hash_bytes(key, len);
  nl_strmap_rec *r = find(m, key, len, h);
  if (r == NULL) return 1;
  uint32_t *ids = has_array(r) ? r->ids.many + 1 : &r->ids.one;
  /* From the end: a note re-indexed while it is edited added its ids last, so under a name
   * used by 100,000 notes its own are found at once, not after a scan of the others. */
  uint32_t i = r->n;
  while (i > 0 && ids[i - 1] != id) i--;
  if (i == 0) return 1;
  ids[i - 1] = ids[--r->n];
  if (r->n == 0) delete_rec(m, r, h);
  return 0;
}

int nl_strmap_count(nl_strmap *m, const char *key, size_t len, int32_t delta) {
  uint32_t h = hash_bytes(key, len);
  nl_strmap_rec *r = find(m, key, len, h);
  if (r == NULL) return delta <= 0 ? 0 : add_new(m, key, len, h, (uint32_t)delta);
  int64_t n = (int64_t)r->ids.one + delta;
  if (n > 0) r->ids.one = (uint32_t)n;
  else delete_rec(m, r, h);
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
  for (uint32_t i = 0; i < m->n_recs; i++) {
    const nl_strmap_rec *r = &m->recs[i];
    if (r->key != 0) cb(ud, key_of(m, r->key), key_len(r), rec_ids(r), r->n);
  }
}
