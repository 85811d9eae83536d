/* nl_note_compact: re-homes a parsed note in one exact-size block, its arrays first (each
 * aligned as its records need), then its strings, each distinct text once: a note names the
 * same person, account and tags in its frontmatter, links, mentions and tasks. Every pointer
 * field of nl_note (note.h) is visited by each_object; a field added to note.h must be added
 * there too (tests/test-note-compact.c compares a compacted note with a fresh parse). */
#include <stdlib.h>
#include <string.h>

#include "lsp/base/hash.h"
#include "lsp/note/note.h"

typedef enum { OBJ_STR, OBJ_ARRAY, OBJ_INSIDE } obj_kind;

/* Visits one pointer of the note, which lies at `slot` (in the struct or in one of its
 * arrays): a NUL-terminated string, an array of `bytes` bytes whose records need `align`, or
 * a pointer inside an array visited before; returns what goes in its place. NULL pointers are
 * not visited. */
typedef void *(*visit_fn)(void *ud, const void *slot, const void *p, obj_kind kind,
                          size_t bytes, size_t align);

/* The alignment a record of `elem` bytes needs: as nl_arena_alloc_of gives it. */
static size_t align_of(size_t elem) {
  size_t a = elem & (~elem + 1);
  return a == 0 || a > sizeof(max_align_t) ? sizeof(max_align_t) : a;
}

/* A field is written only when fn moves it: a walk that only looks (the index cache's checks
 * of where a note lives) writes nothing, so it may run while another thread reads the note
 * (the reference maps' build, lsp/index/refs_maps.c). */
#define VISIT(field, kind, bytes, align)                          \
  do {                                                             \
    void *to_ = (field) != NULL ? fn(ud, &(field), (field), (kind), (bytes), (align)) : NULL; \
    if (to_ != (const void *)(field)) (field) = to_;               \
  } while (0)
#define STR(field) VISIT(field, OBJ_STR, 0, 1)
#define ARR(field, count) \
  VISIT(field, OBJ_ARRAY, (size_t)(count) * sizeof(*(field)), align_of(sizeof(*(field))))
#define INSIDE(field) VISIT(field, OBJ_INSIDE, 0, 1)

static void each_object(nl_note *n, visit_fn fn, void *ud) {
  ARR(n->fm.entries, n->fm.n_entries);
  STR(n->fm.error_message);
  for (size_t i = 0; i < n->fm.n_entries; i++) {
    nl_fm_entry *e = &n->fm.entries[i];
    STR(e->key);
    ARR(e->items, e->n_items);
    for (size_t j = 0; j < e->n_items; j++) STR(e->items[j].text);
  }
  INSIDE(n->type);
  INSIDE(n->title);
  INSIDE(n->account);
  INSIDE(n->date);
  INSIDE(n->aliases);
  INSIDE(n->participants);
  ARR(n->headings, n->n_headings);
  for (size_t i = 0; i < n->n_headings; i++) STR(n->headings[i].text);
  ARR(n->blocks, n->n_blocks);
  for (size_t i = 0; i < n->n_blocks; i++) STR(n->blocks[i].id);
  ARR(n->links, n->n_links);
  for (size_t i = 0; i < n->n_links; i++) {
    nl_link *l = &n->links[i];
    STR(l->target);
    /* A spread link's more is the head of an nl_link_spread, which moves whole. */
    VISIT(l->more, OBJ_ARRAY, l->spread ? sizeof(nl_link_spread) : sizeof(nl_link_more),
          align_of(l->spread ? sizeof(nl_link_spread) : sizeof(nl_link_more)));
    if (l->more == NULL) continue;
    nl_link_more *m = (nl_link_more *)l->more; /* the copy fn returned */
    STR(m->fragment);
    STR(m->alias);
  }
  ARR(n->tags, n->n_tags);
  for (size_t i = 0; i < n->n_tags; i++) STR(n->tags[i].name);
  ARR(n->mentions, n->n_mentions);
  for (size_t i = 0; i < n->n_mentions; i++) STR(n->mentions[i].tail);
  ARR(n->tasks, n->n_tasks);
  for (size_t i = 0; i < n->n_tasks; i++) {
    nl_task *t = &n->tasks[i];
    STR(t->description);
    ARR(t->dates, t->n_dates);
    ARR(t->more, 1);
    if (t->more == NULL) continue;
    nl_task_more *m = (nl_task_more *)t->more; /* the copy fn returned */
    STR(m->recurrence);
    STR(m->id);
    STR(m->block_id);
    ARR(m->depends_on, m->n_depends_on);
    for (uint32_t j = 0; j < m->n_depends_on; j++) STR(m->depends_on[j]);
  }
  ARR(n->code, n->n_code);
  ARR(n->wide, n->wide != NULL ? (n->n_lines + 7) / 8 : 0);
  ARR(n->cols, n->n_cols);
}

typedef struct {
  nl_note_pointer_fn fn;
  void *ud;
} adapter;

static void *adapt(void *ud, const void *slot, const void *p, obj_kind kind, size_t bytes,
                   size_t align) {
  adapter *a = ud;
  return a->fn(a->ud, p);
}

void nl_note_each_pointer(nl_note *n, nl_note_pointer_fn fn, void *ud) {
  adapter a = {fn, ud};
  each_object(n, adapt, &a);
}

typedef struct {
  nl_note_field_fn fn;
  void *ud;
} field_adapter;

static void *adapt_field(void *ud, const void *slot, const void *p, obj_kind kind,
                         size_t bytes, size_t align) {
  field_adapter *a = ud;
  a->fn(a->ud, slot, p);
  return (void *)p; /* unmoved: nothing is written */
}

void nl_note_each_field(const nl_note *n, nl_note_field_fn fn, void *ud) {
  field_adapter a = {fn, ud};
  each_object((nl_note *)n, adapt_field, &a); /* writes nothing: every visit returns p */
}

/* ---- the plan: where each object goes ------------------------------------------------------ */

/* A visit's place: its offset in the arrays' part, or with STR_BIT in the strings' part, and
 * FIRST_BIT on a text's first visit (the one that copies it). */
#define STR_BIT ((size_t)1 << (sizeof(size_t) * 8 - 1))
#define FIRST_BIT ((size_t)1 << (sizeof(size_t) * 8 - 2))

typedef struct {
  const char *text;
  uint32_t len; /* with the NUL */
  uint32_t off; /* in the strings' part */
} str_slot;

typedef struct {
  const char *old;
  size_t bytes;
  size_t off;
} array_at;

#define STACK_OFFS 512
#define STACK_ARRAYS 64
#define STACK_SLOTS 256

typedef struct {
  size_t *offs; /* each visit's place, in visiting order */
  size_t n_offs, cap_offs;
  array_at *arrays; /* the arrays placed, for pointers inside them */
  size_t n_arrays, cap_arrays;
  str_slot *slots; /* open addressing, mask + 1 slots */
  size_t mask, n_strs;
  size_t arrays_len, strs_len;
  int failed;
  char *base;   /* copying: the new block */
  size_t next;  /* the next visit's place */
  size_t zeroed; /* the arrays' part is zeroed or copied up to here */
  size_t stack_offs[STACK_OFFS];
  array_at stack_arrays[STACK_ARRAYS];
  str_slot stack_slots[STACK_SLOTS];
} plan;

/* Doubles *v (n records of `elem` bytes, *cap of room), which starts in the plan's own
 * buffer `stack`, so most notes plan without a malloc. */
static int grow(void **v, size_t *cap, size_t elem, void *stack) {
  void *nv = *v == stack ? malloc(*cap * 2 * elem) : realloc(*v, *cap * 2 * elem);
  if (nv == NULL) return -1;
  if (*v == stack) memcpy(nv, stack, *cap * elem);
  *v = nv;
  *cap *= 2;
  return 0;
}

static void plan_init(plan *p) {
  p->offs = p->stack_offs;
  p->n_offs = 0;
  p->cap_offs = STACK_OFFS;
  p->arrays = p->stack_arrays;
  p->n_arrays = 0;
  p->cap_arrays = STACK_ARRAYS;
  p->slots = p->stack_slots;
  p->mask = STACK_SLOTS - 1;
  memset(p->stack_slots, 0, sizeof(p->stack_slots));
  p->n_strs = p->arrays_len = p->strs_len = p->next = p->zeroed = 0;
  p->failed = 0;
  p->base = NULL;
}

static void plan_done(plan *p) {
  if (p->offs != p->stack_offs) free(p->offs);
  if (p->arrays != p->stack_arrays) free(p->arrays);
  if (p->slots != p->stack_slots) free(p->slots);
}

/* A text's slot from its length and first and last eight bytes, which tell a note's strings
 * apart well enough (equal ones are compared whole), without hashing every byte. */
static size_t hash_of(const char *s, size_t len) {
  uint64_t a = 0, b = 0;
  memcpy(&a, s, len < 8 ? len : 8);
  if (len > 8) memcpy(&b, s + len - 8, 8);
  return (size_t)nl_hash_u64(NL_HASH_INIT, a ^ (b << 29 | b >> 35) ^ len * 0x9E3779B97F4A7C15ull);
}

static int grow_slots(plan *p) {
  size_t cap = (p->mask + 1) * 2;
  str_slot *s = calloc(cap, sizeof(*s));
  if (s == NULL) return -1;
  for (size_t i = 0; i <= p->mask; i++) {
    if (p->slots[i].text == NULL) continue;
    size_t h = hash_of(p->slots[i].text, p->slots[i].len) & (cap - 1);
    while (s[h].text != NULL) h = (h + 1) & (cap - 1);
    s[h] = p->slots[i];
  }
  if (p->slots != p->stack_slots) free(p->slots);
  p->slots = s;
  p->mask = cap - 1;
  return 0;
}

/* The place of string s in the strings' part: its text's first copy. */
static size_t place_str(plan *p, const char *s) {
  size_t len = strlen(s) + 1;
  if (len > UINT32_MAX || p->strs_len > UINT32_MAX - len ||
      (p->n_strs * 2 >= p->mask && grow_slots(p) != 0)) {
    p->failed = 1; /* 4 GiB of text: left as it is */
    return 0;
  }
  size_t h = hash_of(s, len) & p->mask;
  for (; p->slots[h].text != NULL; h = (h + 1) & p->mask)
    if (p->slots[h].len == len && memcmp(p->slots[h].text, s, len) == 0)
      return p->slots[h].off | STR_BIT;
  p->slots[h] = (str_slot){s, (uint32_t)len, (uint32_t)p->strs_len};
  p->n_strs++;
  p->strs_len += len;
  return p->slots[h].off | STR_BIT | FIRST_BIT;
}

static size_t place_inside(plan *p, const char *q) {
  for (size_t i = 0; i < p->n_arrays; i++) {
    const array_at *a = &p->arrays[i];
    if (q >= a->old && q <= a->old + a->bytes) return a->off + (size_t)(q - a->old);
  }
  p->failed = 1; /* a pointer into no array: the note is left as it is */
  return 0;
}

static size_t place_array(plan *p, const void *q, size_t bytes, size_t align) {
  size_t off = (p->arrays_len + align - 1) & ~(align - 1);
  p->arrays_len = off + bytes;
  if (p->n_arrays == p->cap_arrays &&
      grow((void **)&p->arrays, &p->cap_arrays, sizeof(array_at), p->stack_arrays) != 0)
    p->failed = 1;
  else
    p->arrays[p->n_arrays++] = (array_at){q, bytes, off};
  return off;
}

static void *plan_visit(void *ud, const void *slot, const void *q, obj_kind kind, size_t bytes,
                        size_t align) {
  plan *p = ud;
  size_t off = kind == OBJ_STR      ? place_str(p, q)
               : kind == OBJ_INSIDE ? place_inside(p, q)
                                    : place_array(p, q, bytes, align);
  if (p->n_offs == p->cap_offs &&
      grow((void **)&p->offs, &p->cap_offs, sizeof(size_t), p->stack_offs) != 0)
    p->failed = 1;
  else
    p->offs[p->n_offs++] = off;
  return (void *)q; /* the plan reads the old arrays */
}

static size_t strs_start(const plan *p) {
  const size_t align = sizeof(max_align_t);
  return (p->arrays_len + align - 1) & ~(align - 1);
}

static void *copy_visit(void *ud, const void *slot, const void *q, obj_kind kind, size_t bytes,
                        size_t align) {
  plan *p = ud;
  size_t off = p->offs[p->next++];
  if (off & STR_BIT) {
    char *to = p->base + strs_start(p) + (off & ~(STR_BIT | FIRST_BIT));
    if (off & FIRST_BIT) memcpy(to, q, strlen(q) + 1);
    return to;
  }
  if (kind == OBJ_ARRAY) {
    /* The padding before it goes to the index cache as zeros. */
    if (off > p->zeroed) memset(p->base + p->zeroed, 0, off - p->zeroed);
    memcpy(p->base + off, q, bytes);
    if (off + bytes > p->zeroed) p->zeroed = off + bytes;
  }
  return p->base + off;
}

int nl_note_compact_ex(nl_note *n, nl_arena *spare) {
  plan p;
  plan_init(&p);
  each_object(n, plan_visit, &p);
  size_t total = strs_start(&p) + p.strs_len;
  int rc = p.failed ? -1 : 0;
  if (rc == 0) {
    nl_arena fresh;
    p.base = nl_arena_init_block(&fresh, total);
    if (p.base == NULL) {
      rc = -1;
    } else {
      each_object(n, copy_visit, &p);
      memset(p.base + p.zeroed, 0, strs_start(&p) - p.zeroed);
      if (spare != NULL) nl_arena_recycle(&n->arena, spare);
      else nl_arena_free(&n->arena);
      n->arena = fresh;
    }
  }
  plan_done(&p);
  return rc;
}

int nl_note_compact(nl_note *n) { return nl_note_compact_ex(n, NULL); }
