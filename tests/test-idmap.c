/* The id map whose keys the caller keeps (lsp/base/idmap.c). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsp/base/error.h"
#include "lsp/base/idmap.h"
#include "test.h"

/* The caller's keys: id -> key, and the hash every key gets (a poor one, so keys collide). */
static const char *keys[4096];

static uint32_t weak_hash(const char *k) { return (uint32_t)strlen(k); }

static int key_is(void *ud, uint32_t id) { return strcmp(keys[id], ud) == 0; }

static uint32_t find(const nl_idmap *m, const char *k) {
  return nl_idmap_find(m, weak_hash(k), key_is, (void *)k);
}

static void test_collisions_and_removal(void) {
  nl_idmap m;
  nl_idmap_init(&m);
  ASSERT_EQ(find(&m, "a"), NL_IDMAP_NONE);
  keys[0] = "ab";
  keys[1] = "cd"; /* same hash as "ab" */
  keys[2] = "xyz";
  for (uint32_t i = 0; i < 3; i++) ASSERT_EQ(nl_idmap_add(&m, weak_hash(keys[i]), i), 0);
  ASSERT_EQ(find(&m, "ab"), 0);
  ASSERT_EQ(find(&m, "cd"), 1);
  ASSERT_EQ(find(&m, "xyz"), 2);
  ASSERT_EQ(find(&m, "ef"), NL_IDMAP_NONE);
  ASSERT_EQ(nl_idmap_remove(&m, weak_hash("ab"), 0), 0);
  ASSERT_EQ(nl_idmap_remove(&m, weak_hash("ab"), 0), 1);
  ASSERT_EQ(find(&m, "ab"), NL_IDMAP_NONE);
  ASSERT_EQ(find(&m, "cd"), 1); /* found past the deleted slot */
  ASSERT_EQ(m.len, 2);
  ASSERT_EQ(nl_idmap_add(&m, 0, NL_IDMAP_NONE), NL_EINVAL);
  nl_idmap_free(&m);
  nl_idmap_free(&m);
}

/* Waves of adds and removes: growth and rehashing keep every id findable. */
static void test_waves(void) {
  nl_idmap m;
  nl_idmap_init(&m);
  static char names[4096][16];
  for (uint32_t i = 0; i < 4096; i++) {
    snprintf(names[i], sizeof names[i], "k%u", i * 7919u);
    keys[i] = names[i];
  }
  for (int round = 0; round < 4; round++) {
    for (uint32_t i = 0; i < 4096; i++)
      if (round == 0 || i % 3 != 0) ASSERT_EQ(nl_idmap_add(&m, weak_hash(keys[i]) * 2654435761u, i), 0);
    for (uint32_t i = 0; i < 4096; i++)
      ASSERT_EQ(nl_idmap_find(&m, weak_hash(keys[i]) * 2654435761u, key_is, (void *)keys[i]), i);
    for (uint32_t i = 0; i < 4096; i++)
      if (i % 3 != 0) ASSERT_EQ(nl_idmap_remove(&m, weak_hash(keys[i]) * 2654435761u, i), 0);
    ASSERT_EQ(m.len, (4096 + 2) / 3);
  }
  nl_idmap_free(&m);
}

int main(void) {
  RUN(test_collisions_and_removal);
  RUN(test_waves);
  return NL_TEST_DONE();
}
