/* refs_maps.c: the reference maps (refs, path_refs, said, fm_refs, acct_tags: which notes may
 * name a note; tags: how often each tag is used), which only reference searches and the
 * dependents of a change read (backlinks.c, dependents.c).
 *
 * A scan leaves its notes out of them (nl_wsi_defer_refs): name completion, definition and
 * symbols do not wait for them. Once the scan is over and its index cache written, a thread of
 * their own builds the deferred entries' maps from their notes (nl_wsi_refs_step starts it),
 * so that the loop thread, which answers requests, only installs them; a few
 * entries are done on the loop thread in slices instead. The thread reads only the notes it
 * was given, which stay while their entries keep them: before an entry among them changes or
 * goes (nl_wsi_refs_touch), the thread is stopped and what it built is installed, the rest then
 * goes in on the loop thread; a search first waits for the thread (nl_wsi_refs_complete). */
#include "lsp/index/workspace_impl.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "lsp/base/unicode.h"
#include "lsp/note/mojibake.h"

/* Fewer deferred entries than this are put in on the loop thread (a thread costs ~0.1 ms). */
#define BUILD_MIN 256

void nl_wsi_refmaps_init(nl_ws_refmaps *m) {
  nl_strmap_init(&m->tags);
  nl_strmap_init(&m->refs);
  nl_strmap_init(&m->path_refs);
  nl_strmap_init(&m->said);
  nl_strmap_init(&m->fm_refs);
  nl_strmap_init(&m->acct_tags);
}

void nl_wsi_refmaps_free(nl_ws_refmaps *m) {
  nl_strmap_free(&m->tags);
  nl_strmap_free(&m->refs);
  nl_strmap_free(&m->path_refs);
  nl_strmap_free(&m->said);
  nl_strmap_free(&m->fm_refs);
  nl_strmap_free(&m->acct_tags);
}

/* ---- one note's keys ----------------------------------------------------------------------- */

/* The tags map counts a tag per workspace folder: its key is the folder's index in decimal,
 * a '/', then the tag as written (each folder is its own vault). prefix is "<root>/". */
static void count_tag(nl_ws_refmaps *m, const char *prefix, size_t pl, const char *t,
                      int32_t delta) {
  char small[256];
  size_t tl = strlen(t), kl = pl + tl;
  char *key = kl <= sizeof small ? small : malloc(kl);
  if (key == NULL) return;
  memcpy(key, prefix, pl);
  memcpy(key + pl, t, tl);
  nl_strmap_count(&m->tags, key, kl, delta);
  if (key != small) free(key);
}

/* Counts (add) or uncounts n's tags: a name once with the number of its uses, first uses first
 * (as one count per use would create the keys). A note repeats its tags (`#task` on every task
 * line) and a repeated name is the same string (emit_tag in scan.c), so names are told apart by
 * their address; the same text at two addresses is simply counted twice. */
static void count_tags(nl_ws_refmaps *m, uint32_t root, const nl_note *n, int add) {
  enum { DISTINCT = 32 };
  const char *names[DISTINCT];
  int32_t uses[DISTINCT];
  size_t n_names = 0;
  char prefix[16];
  int pl = snprintf(prefix, sizeof prefix, "%u/", (unsigned)root);
  if (pl <= 0 || (size_t)pl >= sizeof prefix) return;
  for (size_t i = 0; i <= n->n_tags; i++) {
    const char *t = i < n->n_tags ? n->tags[i].name : NULL;
    size_t k = 0;
    while (t != NULL && k < n_names && names[k] != t) k++;
    if (t != NULL && k < n_names) {
      uses[k]++;
      continue;
    }
    if (t == NULL || n_names == DISTINCT) { /* the end, or the list is full: count it out */
      for (k = 0; k < n_names; k++) count_tag(m, prefix, (size_t)pl, names[k], add ? uses[k] : -uses[k]);
      n_names = 0;
    }
    if (t == NULL) break;
    names[n_names] = t;
    uses[n_names++] = 1;
  }
}

/* ---- adds through a queue ------------------------------------------------------------------ */

/* On the build's thread adds wait in a short queue, and while one is made the table memory the
 * later ones will read is fetched (nl_strmap_prefetch), so that in maps of 100,000s of keys
 * their cache misses overlap instead of stalling one after another. Each map's adds keep their
 * order, so the maps come out as without the queue. */
#define QUEUE 16

typedef struct {
  nl_strmap *map;
  nl_wsi_key k;
  uint32_t h, id;
} queued_add;

typedef struct {
  queued_add items[QUEUE];
  unsigned head, n;
} add_queue;

static queued_add *queued(add_queue *q, unsigned i) { return &q->items[(q->head + i) % QUEUE]; }

static void queue_pop(add_queue *q) {
  queued_add *a = queued(q, 0);
  nl_strmap_add_hashed(a->map, a->k.s, a->k.len, a->h, a->id);
  nl_wsi_key_done(&a->k);
  q->head = (q->head + 1) % QUEUE;
  q->n--;
}

static void queue_flush(add_queue *q) {
  while (q->n > 0) queue_pop(q);
}

static void queue_add(add_queue *q, nl_strmap *map, const char *s, size_t len, uint32_t id,
                      void (*make)(nl_wsi_key *, const char *, size_t)) {
  if (q->n == QUEUE) queue_pop(q);
  queued_add *a = queued(q, q->n);
  make(&a->k, s, len);
  if (a->k.len == 0) {
    nl_wsi_key_done(&a->k);
    return;
  }
  a->map = map;
  a->id = id;
  a->h = nl_strmap_hash(a->k.s, a->k.len);
  q->n++;
  nl_strmap_prefetch(map, a->h, 0);
  if (q->n > QUEUE / 2) {
    const queued_add *b = queued(q, q->n - 1 - QUEUE / 2);
    nl_strmap_prefetch(b->map, b->h, 1);
  }
  if (q->n > 3 * QUEUE / 4) {
    const queued_add *c = queued(q, q->n - 1 - 3 * QUEUE / 4);
    nl_strmap_prefetch(c->map, c->h, 2);
  }
}

/* Adds or removes id under s's key in map: through q when there is one (adds only). */
static void map_key(add_queue *q, nl_strmap *map, const char *s, size_t len, uint32_t id,
                    int add, void (*make)(nl_wsi_key *, const char *, size_t)) {
  if (q != NULL) queue_add(q, map, s, len, id, make);
  else nl_wsi_map_key(map, s, len, id, add, make);
}

/* Adds (add = 1) or removes note n of entry `id` in workspace folder `root` in the maps, the
 * adds through q when it is not NULL (flushed by the caller). Safe on any thread for maps no
 * other thread touches (it reads only n). */
static void index_refs(nl_ws_refmaps *m, uint32_t root, uint32_t id, const nl_note *n, int add,
                       add_queue *q) {
  count_tags(m, root, n, add);
  for (size_t i = 0; i < n->n_tags; i++) {
    const char *t = n->tags[i].name;
    if (strncmp(t, "account/", 8) == 0 && t[8] != '\0')
      map_key(q, &m->acct_tags, t + 8, strlen(t + 8), id, add, nl_wsi_slug_make);
  }
  for (size_t i = 0; i < n->n_links; i++) {
    const char *b;
    size_t len;
    nl_wsi_link_base(n->links[i].target, &b, &len);
    if (len == 0) continue;
    map_key(q, &m->refs, b, len, id, add, nl_wsi_key_make);
    if (b != n->links[i].target) map_key(q, &m->path_refs, b, len, id, add, nl_wsi_key_make);
  }
  for (size_t i = 0; i < n->n_mentions; i++) {
    const char *w = n->mentions[i].tail;
    size_t wl = nl_mention_word_len(&n->mentions[i]), fl = wl;
    if (w == NULL || wl == 0) continue;
    map_key(q, &m->said, w, wl, id, add, nl_wsi_key_make);
    /* "@LÃ©a" may name Léa (nl_ws_resolve_mention): filed under the repaired word too */
    char *fixed = nl_unicode_is_ascii(w, wl) ? NULL : nl_mojibake_repair(w, wl, &fl);
    if (fixed != NULL && (fl != wl || memcmp(fixed, w, wl) != 0))
      map_key(q, &m->said, fixed, fl, id, add, nl_wsi_key_make);
    free(fixed);
  }
  if (n->account != NULL && n->account->text[0] != '\0')
    map_key(q, &m->fm_refs, n->account->text, strlen(n->account->text), id, add,
            nl_wsi_key_make);
  for (size_t i = 0; i < n->n_participants; i++) {
    const char *v = n->participants[i].text;
    if (*v != '\0') map_key(q, &m->fm_refs, v, strlen(v), id, add, nl_wsi_key_make);
  }
}

/* ---- the build on a thread ------------------------------------------------------------------ */

struct nl_refs_build {
  uv_thread_t thread;
  nl_ws_refmaps maps;    /* the thread's until it is joined */
  uint32_t from, n;      /* entries [from, from + n) */
  const nl_note **notes; /* owned array, by id - from, of the entries' notes (borrowed; NULL:
                            none); each stays its entry's until nl_wsi_refs_touch */
  uint32_t *roots;       /* owned, by id - from */
  atomic_int stop;
  uint32_t done;         /* entries [from, from + done) are in maps: read after the join */
};

/* Notes lie wherever their parse was allocated, so each one's first reads miss the cache: two
 * notes ahead its struct is fetched, one ahead the starts of the arrays index_refs reads. */
static void prefetch_ahead(const nl_refs_build *b, uint32_t i) {
  if (i + 2 < b->n && b->notes[i + 2] != NULL) __builtin_prefetch(b->notes[i + 2]);
  const nl_note *n = i + 1 < b->n ? b->notes[i + 1] : NULL;
  if (n == NULL) return;
  if (n->n_tags > 0) __builtin_prefetch(n->tags);
  if (n->n_links > 0) __builtin_prefetch(n->links);
  if (n->n_mentions > 0) __builtin_prefetch(n->mentions);
}

static void build_run(void *arg) {
  nl_refs_build *b = arg;
  add_queue *q = calloc(1, sizeof(*q)); /* NULL: adds one at a time */
  uint32_t i = 0;
  for (; i < b->n && !atomic_load_explicit(&b->stop, memory_order_relaxed); i++) {
    prefetch_ahead(b, i);
    if (b->notes[i] != NULL) index_refs(&b->maps, b->roots[i], b->from + i, b->notes[i], 1, q);
  }
  if (q != NULL) queue_flush(q);
  free(q);
  b->done = i;
}

static void build_free(nl_refs_build *b) {
  nl_wsi_refmaps_free(&b->maps);
  free(b->notes);
  free(b->roots);
  free(b);
}

/* A thread for the entries from refs_upto on: 0, or -1 (out of memory, no thread). */
static int build_start(nl_workspace *ws) {
  nl_refs_build *b = calloc(1, sizeof(*b));
  if (b == NULL) return -1;
  b->from = ws->refs_upto;
  b->n = ws->n_ids - ws->refs_upto;
  b->notes = malloc(b->n * sizeof(*b->notes));
  b->roots = malloc(b->n * sizeof(*b->roots));
  nl_wsi_refmaps_init(&b->maps);
  atomic_init(&b->stop, 0);
  if (b->notes == NULL || b->roots == NULL) {
    build_free(b);
    return -1;
  }
  for (uint32_t i = 0; i < b->n; i++) {
    const nl_entry *e = ws->entries[b->from + i];
    b->notes[i] = e != NULL ? e->note : NULL;
    b->roots[i] = e != NULL ? e->root : 0;
  }
  if (uv_thread_create(&b->thread, build_run, b) != 0) {
    build_free(b);
    return -1;
  }
  ws->refs_build = b;
  return 0;
}

static int maps_empty(const nl_ws_refmaps *m) {
  return m->tags.len == 0 && m->refs.len == 0 && m->path_refs.len == 0 && m->said.len == 0 &&
         m->fm_refs.len == 0 && m->acct_tags.len == 0;
}

static void add_ids(void *ud, const char *key, size_t len, const uint32_t *ids, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) nl_strmap_add(ud, key, len, ids[i]);
}

static void add_count(void *ud, const char *key, size_t len, const uint32_t *ids, uint32_t n) {
  nl_strmap_count(ud, key, len, (int32_t)ids[0]);
}

/* What a joined build made goes into the index's maps: moved whole when those are empty (a
 * first scan), else added after what they hold, as the loop thread would have added it. */
static void build_take(nl_workspace *ws, nl_refs_build *b) {
  nl_ws_refmaps *m = &ws->rm;
  if (maps_empty(m)) {
    nl_wsi_refmaps_free(m);
    *m = b->maps;
    nl_wsi_refmaps_init(&b->maps);
  } else {
    nl_strmap_foreach(&b->maps.tags, add_count, &m->tags);
    nl_strmap_foreach(&b->maps.refs, add_ids, &m->refs);
    nl_strmap_foreach(&b->maps.path_refs, add_ids, &m->path_refs);
    nl_strmap_foreach(&b->maps.said, add_ids, &m->said);
    nl_strmap_foreach(&b->maps.fm_refs, add_ids, &m->fm_refs);
    nl_strmap_foreach(&b->maps.acct_tags, add_ids, &m->acct_tags);
  }
  ws->refs_upto = b->from + b->done;
  if (ws->refs_upto >= ws->n_ids) ws->refs_upto = UINT32_MAX;
}

/* Waits for the build's thread, stopped first when `stop` (else it finishes its entries), and
 * installs what it built when `take`. */
static void build_join(nl_workspace *ws, int stop, int take) {
  nl_refs_build *b = ws->refs_build;
  if (b == NULL) return;
  ws->refs_build = NULL;
  if (stop) atomic_store(&b->stop, 1);
  uv_thread_join(&b->thread);
  if (take) build_take(ws, b);
  build_free(b);
}

void nl_wsi_refs_drop(nl_workspace *ws) { build_join(ws, 1, 0); }

void nl_wsi_refs_touch(nl_workspace *ws, const nl_entry *e) {
  const nl_refs_build *b = ws->refs_build;
  if (b == NULL || e->id < b->from || e->id - b->from >= b->n) return;
  build_join(ws, 1, 1);
  /* the rest in slices (nl_ws_merge), or by the first search */
  if (ws->refs_upto != UINT32_MAX && ws->wake != NULL) ws->wake(ws->wake_ud);
}

/* ---- deferring, and putting in on the loop thread ------------------------------------------ */

void nl_wsi_index_refs(nl_workspace *ws, const nl_entry *e, int add) {
  nl_wsi_refs_touch(ws, e);
  if (e->id < ws->refs_upto) index_refs(&ws->rm, e->root, e->id, e->note, add, NULL);
}

void nl_wsi_defer_refs(nl_workspace *ws) {
  if (ws->refs_upto == UINT32_MAX) ws->refs_upto = ws->n_ids;
}

int nl_wsi_refs_step(nl_workspace *ws, uint64_t budget_ns) {
  if (ws->refs_build != NULL) return 0; /* a thread builds them; a search joins it */
  if (ws->refs_upto != UINT32_MAX && budget_ns != UINT64_MAX &&
      ws->n_ids - ws->refs_upto >= BUILD_MIN && build_start(ws) == 0)
    return 0;
  uint64_t start = uv_hrtime();
  unsigned n = 0;
  while (ws->refs_upto < ws->n_ids && budget_ns > 0) {
    const nl_entry *e = ws->entries[ws->refs_upto++]; /* first: index_refs checks the id */
    if (e != NULL) nl_wsi_index_refs(ws, e, 1);
    if (++n % 16 == 0 && uv_hrtime() - start >= budget_ns) break;
  }
  if (ws->refs_upto < ws->n_ids) return 1;
  ws->refs_upto = UINT32_MAX;
  return 0;
}

void nl_wsi_refs_complete(nl_workspace *ws) {
  build_join(ws, 0, 1); /* as fast as doing its share here, and the loop thread may sleep */
  while (ws->refs_upto != UINT32_MAX && nl_wsi_refs_step(ws, UINT64_MAX)) {
  }
}
