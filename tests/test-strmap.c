/* The string-keyed id multiset map (lsp/base/strmap.c): sets, counters, deletion, reused
 * records and the key pool's chunks and compaction. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsp/base/strmap.h"
#include "test.h"

static uint32_t count_of(const nl_strmap *m, const char *key) {
  uint32_t n;
  nl_strmap_get(m, key, strlen(key), &n);
  return n;
}

static void test_sets(void) {
  nl_strmap m;
  nl_strmap_init(&m);
  ASSERT_EQ(count_of(&m, "a"), 0);
  ASSERT_EQ(nl_strmap_add(&m, "ana", 3, 7), 0);
  ASSERT_EQ(nl_strmap_add(&m, "ana", 3, 9), 0);
  ASSERT_EQ(nl_strmap_add(&m, "ana", 3, 7), 0); /* duplicates count uses */
  ASSERT_EQ(nl_strmap_add(&m, "an", 2, 1), 0);
  uint32_t n;
  const uint32_t *ids = nl_strmap_get(&m, "ana", 3, &n);
  ASSERT_EQ(n, 3);
  ASSERT_EQ(ids[0], 7);
  ASSERT_EQ(ids[1], 9);
  ASSERT_EQ(count_of(&m, "an"), 1);
  ASSERT_EQ(nl_strmap_remove(&m, "ana", 3, 8), 1);
  ASSERT_EQ(nl_strmap_remove(&m, "ana", 3, 7), 0);
  ASSERT_EQ(nl_strmap_remove(&m, "ana", 3, 7), 0);
  ASSERT_EQ(count_of(&m, "ana"), 1);
  ASSERT_EQ(nl_strmap_remove(&m, "ana", 3, 9), 0);
  ASSERT_EQ(count_of(&m, "ana"), 0);
  ASSERT_EQ(m.len, 1);
  /* Keys are bytes, not C strings. */
  ASSERT_EQ(nl_strmap_add(&m, "x\0y", 3, 5), 0);
  ASSERT_EQ(count_of(&m, "x"), 0);
  ids = nl_strmap_get(&m, "x\0y", 3, &n);
  ASSERT(n == 1 && ids[0] == 5);
  nl_strmap_free(&m);
  ASSERT(m.recs == NULL && m.chunks == NULL && m.table.slots == NULL);
  nl_strmap_free(&m); /* again: nothing left to free */
}

static void test_counter(void) {
  nl_strmap m;
  nl_strmap_init(&m);
  ASSERT_EQ(nl_strmap_count(&m, "task", 4, 1), 0);
  ASSERT_EQ(nl_strmap_count(&m, "task", 4, 2), 0);
  ASSERT_EQ(nl_strmap_count(&m, "gone", 4, -1), 0); /* nothing to take from */
  ASSERT_EQ(nl_strmap_count_get(&m, "task", 4), 3);
  ASSERT_EQ(nl_strmap_count_get(&m, "gone", 4), 0);
  ASSERT_EQ(nl_strmap_count(&m, "task", 4, -3), 0);
  ASSERT_EQ(nl_strmap_count_get(&m, "task", 4), 0);
  ASSERT_EQ(m.len, 0);
  nl_strmap_free(&m);
}

typedef struct {
  size_t keys, ids;
  int bad;
} walk;

static void on_key(void *ud, const char *key, size_t len, const uint32_t *ids, uint32_t n) {
  walk *w = ud;
  unsigned k = 0;
  if (key[len] != '\0') w->bad = 1;
  if (len < 1000 && (sscanf(key, "key-%u", &k) != 1 || n % (1 + k % 3) != 0)) w->bad = 1;
  for (uint32_t i = 0; i < n && len < 1000; i++)
    if (ids[i] != k) w->bad = 1;
  w->keys++;
  w->ids += n;
}

/* Many keys, long ones among them, added and removed in waves: every key keeps its bytes and
 * ids through table growth, tombstones, new chunks and the pool's compaction. */
static void test_many_keys(void) {
  nl_strmap m;
  nl_strmap_init(&m);
  static char big[300000];
  memset(big, 'b', sizeof(big));
  char key[64];
  for (unsigned round = 0; round < 3; round++) {
    for (unsigned k = 0; k < 20000; k++) {
      int len = snprintf(key, sizeof key, "key-%u%s", k, k % 97 == 0 ? "-with-a-longer-tail" : "");
      for (unsigned j = 0; j < 1 + k % 3; j++) ASSERT_EQ(nl_strmap_add(&m, key, (size_t)len, k), 0);
    }
    ASSERT_EQ(nl_strmap_add(&m, big, sizeof(big), 1), 0); /* a chunk of its own */
    walk w = {0};
    nl_strmap_foreach(&m, on_key, &w);
    ASSERT_EQ(w.keys, 20001);
    ASSERT(!w.bad);
    ASSERT_EQ(count_of(&m, "key-19999"), 1 + 19999 % 3);
    ASSERT_EQ(count_of(&m, "key-0-with-a-longer-tail"), round + 1);
    uint32_t n;
    ASSERT(nl_strmap_get(&m, big, sizeof(big), &n) != NULL && n == 1);
    ASSERT_EQ(nl_strmap_remove(&m, big, sizeof(big), 1), 0);
    for (unsigned k = 0; k < 20000; k++) {
      if (round < 2 && k % 5 == 0) continue; /* some stay over the waves, their sets growing */
      int len = snprintf(key, sizeof key, "key-%u%s", k, k % 97 == 0 ? "-with-a-longer-tail" : "");
      for (unsigned j = 0; j < (1 + k % 3) * (k % 5 == 0 ? round + 1 : 1); j++)
        ASSERT_EQ(nl_strmap_remove(&m, key, (size_t)len, k), 0);
    }
    ASSERT(m.dead_bytes * 2 < m.pool_bytes || m.dead_bytes < 65536); /* compacted */
  }
  ASSERT_EQ(m.len, 0);
  walk w = {0};
  nl_strmap_foreach(&m, on_key, &w);
  ASSERT_EQ(w.keys, 0);
  nl_strmap_free(&m);
}

/* Every key and its ids, in the order nl_strmap_foreach gives them, as one string. */
typedef struct {
  char *s;
  size_t len;
} listing;

static void listed(void *ud, const char *key, size_t len, const uint32_t *ids, uint32_t n) {
  listing *l = ud;
  size_t room = l->len + len + 16 * ((size_t)n + 2);
  char *s = realloc(l->s, room);
  if (s == NULL) return;
  size_t k = l->len + (size_t)snprintf(s + l->len, room - l->len, "%.*s:", (int)len, key);
  for (uint32_t i = 0; i < n; i++) k += (size_t)snprintf(s + k, room - k, "%u,", ids[i]);
  k += (size_t)snprintf(s + k, room - k, "\n");
  l->s = s;
  l->len = k;
}

/* Adds with the hash given and prefetch hints between them (as the reference maps' thread
 * does, lsp/index/refs_maps.c) leave the map as plain adds do, record order included. */
static void test_hashed_adds_and_prefetch(void) {
  nl_strmap a, b;
  nl_strmap_init(&a);
  nl_strmap_init(&b);
  char key[400];
  uint64_t x = 42;
  for (uint32_t i = 0; i < 60000; i++) {
    x = x * 6364136223846793005u + 1442695040888963407u;
    unsigned pick = (unsigned)(x >> 40) % 5000;
    size_t len = (size_t)snprintf(key, sizeof key, "key %u", pick);
    if (pick % 97 == 0) { /* some long keys */
      memset(key + len, 'x', 300);
      len += 300;
    }
    ASSERT_EQ(nl_strmap_add(&a, key, len, i / 3), 0);
    uint32_t h = nl_strmap_hash(key, len);
    for (int step = 0; step < 3; step++) nl_strmap_prefetch(&b, h ^ (uint32_t)step, step);
    for (int step = 0; step < 3; step++) nl_strmap_prefetch(&b, h, step);
    ASSERT_EQ(nl_strmap_add_hashed(&b, key, len, h, i / 3), 0);
  }
  listing la = {0}, lb = {0};
  nl_strmap_foreach(&a, listed, &la);
  nl_strmap_foreach(&b, listed, &lb);
  ASSERT(la.s != NULL && lb.s != NULL);
  ASSERT(la.len == lb.len && strcmp(la.s, lb.s) == 0);
  free(la.s);
  free(lb.s);
  nl_strmap_free(&a);
  nl_strmap_free(&b);
}

int main(void) {
  RUN(test_sets);
  RUN(test_counter);
  RUN(test_many_keys);
  RUN(test_hashed_adds_and_prefetch);
  return NL_TEST_DONE();
}
