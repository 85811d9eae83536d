#include "lsp/base/idmap.h"

#include "lsp/base/error.h"

#include <stdlib.h>
#include <string.h>

#define EMPTY NL_IDMAP_NONE
#define TOMB (NL_IDMAP_NONE - 1)

void nl_idmap_init(nl_idmap *m) { memset(m, 0, sizeof(*m)); }

void nl_idmap_free(nl_idmap *m) {
  free(m->slots);
  nl_idmap_init(m);
}

static int grow(nl_idmap *m) {
  size_t cap = m->cap == 0 ? 64 : m->cap * 2;
  /* Rehash in place of growing when tombstones, not ids, fill the table. */
  if (m->cap != 0 && m->len * 2 < m->cap) cap = m->cap;
  nl_idmap_slot *slots = malloc(cap * sizeof(*slots));
  if (slots == NULL) return NL_ENOMEM;
  for (size_t i = 0; i < cap; i++) slots[i].id = EMPTY;
  for (size_t i = 0; i < m->cap; i++) {
    nl_idmap_slot *s = &m->slots[i];
    if (s->id == EMPTY || s->id == TOMB) continue;
    size_t j = s->hash & (cap - 1);
    while (slots[j].id != EMPTY) j = (j + 1) & (cap - 1);
    slots[j] = *s;
  }
  free(m->slots);
  m->slots = slots;
  m->cap = cap;
  m->tombs = 0;
  return 0;
}

int nl_idmap_add(nl_idmap *m, uint32_t hash, uint32_t id) {
  if (id == EMPTY || id == TOMB) return NL_EINVAL;
  if ((m->len + m->tombs + 1) * 4 > m->cap * 3 && grow(m) != 0) return NL_ENOMEM;
  /* After every slot already probed for this hash, so find keeps the order of adding. */
  size_t mask = m->cap - 1, i = hash & mask;
  while (m->slots[i].id != EMPTY) i = (i + 1) & mask;
  m->slots[i] = (nl_idmap_slot){hash, id};
  m->len++;
  return 0;
}

int nl_idmap_remove(nl_idmap *m, uint32_t hash, uint32_t id) {
  if (m->cap == 0) return 1;
  size_t mask = m->cap - 1;
  for (size_t i = hash & mask; m->slots[i].id != EMPTY; i = (i + 1) & mask) {
    if (m->slots[i].id != id || m->slots[i].hash != hash) continue;
    m->slots[i].id = TOMB;
    m->len--;
    m->tombs++;
    return 0;
  }
  return 1;
}

uint32_t nl_idmap_find(const nl_idmap *m, uint32_t hash, nl_idmap_match_fn match, void *ud) {
  if (m->cap == 0) return NL_IDMAP_NONE;
  size_t mask = m->cap - 1;
  for (size_t i = hash & mask; m->slots[i].id != EMPTY; i = (i + 1) & mask) {
    const nl_idmap_slot *s = &m->slots[i];
    if (s->id != TOMB && s->hash == hash && match(ud, s->id)) return s->id;
  }
  return NL_IDMAP_NONE;
}
