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

/* Visits one pointer of the note: a NUL-terminated string, an array of `bytes` bytes whose
 * records need `align`, or a pointer inside an array visited before; returns what goes in
 * its place. NULL pointers are not visited. */
typedef void *(*visit_fn)(void *ud, const void *p, obj_kind kind, size_t bytes, size_t align);

/* The alignment a record of `elem` bytes needs: as nl_arena_alloc_of gives it. */
static size_t align_of(size_t elem) {
  size_t a = elem & (~elem + 1);
  return a == 0 || a > sizeof(max_align_t) ? sizeof(max_align_t) : a;
}

#define VISIT(field, kind, bytes, align) \
  ((field) = (field) != NULL ? fn(ud, (field), (kind), (bytes), (align)) : NULL)
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
    STR(l->heading);
    STR(l->block);
    STR(l->alias);
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
    STR(t->recurrence);
    STR(t->id);
    STR(t->block_id);
    ARR(t->depends_on, t->n_depends_on);
    for (uint32_t j = 0; j < t->n_depends_on; j++) STR(t->depends_on[j]);
  }
  ARR(n->code, n->n_code);
  ARR(n->wide, n->wide != NULL ? (n->n_lines + 7) / 8 : 0);
  ARR(n->cols, n->n_cols);
}

typedef struct {
  nl_note_pointer_fn fn;
  void *ud;
} adapter;

static void *adapt(void *ud, const void *p, obj_kind kind, size_t bytes, size_t align) {
  adapter *a = ud;
  return a->fn(a->ud, p);
}

void nl_note_each_pointer(nl_note *n, nl_note_pointer_fn fn, void *ud) {
  adapter a = {fn, ud};
  each_object(n, adapt, &a);
}

/* ---- the plan: where each object goes ------------------------------------------------------ */

#define STR_BIT ((size_t)1 << (sizeof(size_t) * 8 - 1))

typedef struct {
  const char *text;
  size_t len; /* with the NUL */
  size_t off; /* in the strings' part */
} str_slot;

typedef struct {
  const char *old;
  size_t bytes;
  size_t off;
} array_at;

/* A growable array that starts in a caller's buffer, so most notes plan without a malloc. */
typedef struct {
  void *v;
  size_t n, cap, elem;
  void *stack;
} grow_vec;

static int vec_push(grow_vec *g, const void *x) {
  if (g->n == g->cap) {
    size_t cap = g->cap * 2;
    void *v = g->v == g->stack ? malloc(cap * g->elem) : realloc(g->v, cap * g->elem);
    if (v == NULL) return -1;
    if (g->v == g->stack) memcpy(v, g->stack, g->n * g->elem);
    g->v = v;
    g->cap = cap;
  }
  memcpy((char *)g->v + g->n++ * g->elem, x, g->elem);
  return 0;
}

static void vec_done(grow_vec *g) {
  if (g->v != g->stack) free(g->v);
}

typedef struct {
  grow_vec offs;   /* of size_t: each visit's offset, STR_BIT set for a string */
  grow_vec arrays; /* of array_at: for pointers inside them */
  str_slot *slots; /* open addressing, mask + 1 slots */
  size_t mask, n_strs;
  str_slot stack_slots[256];
  size_t arrays_len, strs_len;
  int failed;
  /* copying */
  char *base;
  size_t next;
} plan;

/* A text's slot: its length and first and last bytes tell a note's strings apart well enough
 * (equal ones are compared whole), without hashing every byte of every description. */
static size_t hash_of(const char *s, size_t len) {
  uint64_t h = nl_hash_bytes(nl_hash_u64(NL_HASH_INIT, len), s, len < 16 ? len : 16);
  return (size_t)(len > 24 ? nl_hash_bytes(h, s + len - 8, 8) : h);
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

/* The offset of string s in the strings' part: its text's first copy. */
static size_t place_str(plan *p, const char *s) {
  size_t len = strlen(s) + 1;
  if (p->n_strs * 2 >= p->mask && grow_slots(p) != 0) {
    p->failed = 1;
    return 0;
  }
  size_t h = hash_of(s, len) & p->mask;
  for (; p->slots[h].text != NULL; h = (h + 1) & p->mask)
    if (p->slots[h].len == len && memcmp(p->slots[h].text, s, len) == 0) return p->slots[h].off;
  p->slots[h] = (str_slot){s, len, p->strs_len};
  p->n_strs++;
  p->strs_len += len;
  return p->slots[h].off;
}

static size_t place_inside(plan *p, const char *q) {
  const array_at *a = p->arrays.v;
  for (size_t i = 0; i < p->arrays.n; i++)
    if (q >= a[i].old && q <= a[i].old + a[i].bytes) return a[i].off + (size_t)(q - a[i].old);
  p->failed = 1; /* a pointer into no array: the note is left as it is */
  return 0;
}

static void *plan_visit(void *ud, const void *q, obj_kind kind, size_t bytes, size_t align) {
  plan *p = ud;
  size_t off = 0;
  if (kind == OBJ_STR) {
    off = place_str(p, q) | STR_BIT;
  } else if (kind == OBJ_INSIDE) {
    off = place_inside(p, q);
  } else {
    off = (p->arrays_len + align - 1) & ~(align - 1);
    p->arrays_len = off + bytes;
    array_at a = {q, bytes, off};
    if (vec_push(&p->arrays, &a) != 0) p->failed = 1;
  }
  if (vec_push(&p->offs, &off) != 0) p->failed = 1;
  return (void *)q; /* the plan reads the old arrays */
}

static size_t strs_start(const plan *p) {
  const size_t align = sizeof(max_align_t);
  return (p->arrays_len + align - 1) & ~(align - 1);
}

static void *copy_visit(void *ud, const void *q, obj_kind kind, size_t bytes, size_t align) {
  plan *p = ud;
  size_t off = ((const size_t *)p->offs.v)[p->next++];
  char *to = p->base + (off & STR_BIT ? strs_start(p) + (off & ~STR_BIT) : off);
  if (kind == OBJ_STR) memcpy(to, q, strlen(q) + 1); /* a repeated text is copied over itself */
  else if (kind == OBJ_ARRAY) memcpy(to, q, bytes);
  return to;
}

int nl_note_compact_ex(nl_note *n, nl_arena *spare) {
  size_t offs_stack[512];
  array_at arrays_stack[64];
  plan p;
  memset(&p, 0, sizeof(p));
  p.offs = (grow_vec){offs_stack, 0, 512, sizeof(size_t), offs_stack};
  p.arrays = (grow_vec){arrays_stack, 0, 64, sizeof(array_at), arrays_stack};
  p.slots = p.stack_slots;
  p.mask = sizeof(p.stack_slots) / sizeof(p.stack_slots[0]) - 1;
  each_object(n, plan_visit, &p);
  size_t total = strs_start(&p) + p.strs_len;
  int rc = p.failed ? -1 : 0;
  if (rc == 0) {
    nl_arena fresh;
    p.base = nl_arena_init_block(&fresh, total);
    if (p.base == NULL) {
      rc = -1;
    } else {
      memset(p.base, 0, total); /* the padding between arrays goes to the cache as zeros */
      each_object(n, copy_visit, &p);
      if (spare != NULL) nl_arena_recycle(&n->arena, spare);
      else nl_arena_free(&n->arena);
      n->arena = fresh;
    }
  }
  vec_done(&p.offs);
  vec_done(&p.arrays);
  if (p.slots != p.stack_slots) free(p.slots);
  return rc;
}

int nl_note_compact(nl_note *n) { return nl_note_compact_ex(n, NULL); }
