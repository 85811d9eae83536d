/* cache_tables.c: the index's tables in the index cache (cache.h), so that a second start
 * whose notes all come unchanged from the cache does not rebuild them note by note: the
 * entries (paths, URIs, kinds, seqs, files), the character masks, the name table and its pool,
 * the path, inode, file-name, name and slug maps, and the symbol table when it was built
 * (symbol_table.c). The task rows are rebuilt from the notes (no keys to compute); the
 * reference maps are built after the scan as always (backlinks.c). A note open in the editor
 * is stored as its file gives it (the scan keeps the file's parse while the document is open:
 * nl_wsi_keep_disk), and a second start installs the tables with documents already open, then
 * puts them back over their notes (an editor opens one right after `initialized`). Notes
 * changed or removed while the server was down take their stored parse (the one the tables
 * were built from) into the tables, and the scan then replaces or drops them as it merges what
 * it read anew.
 *
 * Layout (native integers; the section is hashed as a whole by cache.c):
 *   u32 ids, u32 live, u64 seq, u64 gen, u64 gen_wide
 *   per id: u8 present; then u8 kind, u64 seq, u64 dev, u64 ino, u32 + the absolute path,
 *     u32 + the URI
 *   u64 name_mask[ids], u64 all_mask[ids], u32 first_row[ids], u32 n_rows_of[ids]
 *   u64 rows, u64 dead rows, the rows, their masks and kinds, u64 pool bytes, the pool
 *   the maps paths and inodes: u64 slots, then (u32 hash, u32 id) each
 *   the maps files, names and slugs: u64 keys, then per key u32 + the key, u32 n, n ids
 *   the symbol table: u8 present, then u64 rows, u32 rows per id, the rows, their masks
 * A load checks every id and offset against the sizes it read; a dump that does not read back
 * whole is no dump (NULL). */
#define _GNU_SOURCE /* memrchr */
#include "lsp/index/workspace_impl.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lsp/base/error.h"
#include "lsp/base/log.h"
#include "lsp/index/cache.h"

/* ---- the files' parses of open documents ------------------------------------------------- */

struct nl_wsi_disk {
  uint32_t id;
  nl_note *note; /* owned */
  uint64_t seq;  /* the note's: the entry's when the file's parse was its note */
};

static struct nl_wsi_disk *disk_of(const nl_workspace *ws, uint32_t id) {
  for (size_t i = 0; i < ws->n_disk; i++)
    if (ws->disk[i].id == id) return &ws->disk[i];
  return NULL;
}

void nl_wsi_keep_disk(nl_workspace *ws, const nl_entry *e, nl_note *note, uint64_t seq) {
  struct nl_wsi_disk *d = disk_of(ws, e->id);
  if (d == NULL) {
    d = realloc(ws->disk, (ws->n_disk + 1) * sizeof(*d));
    if (d == NULL) { /* the tables will not be stored */
      nl_note_free(note);
      return;
    }
    ws->disk = d;
    d = &ws->disk[ws->n_disk++];
    *d = (struct nl_wsi_disk){e->id, NULL, 0};
  }
  nl_note_free(d->note);
  d->note = note;
  d->seq = seq;
}

nl_note *nl_wsi_disk_note(const nl_workspace *ws, uint32_t id, uint64_t *seq) {
  struct nl_wsi_disk *d = disk_of(ws, id);
  if (d == NULL) return NULL;
  *seq = d->seq;
  return d->note;
}

void nl_wsi_disk_free(nl_workspace *ws) {
  for (size_t i = 0; i < ws->n_disk; i++) nl_note_free(ws->disk[i].note);
  free(ws->disk);
  ws->disk = NULL;
  ws->n_disk = 0;
}

/* Exchanges each open document's parse with its file's kept one: between two calls the
 * tables hold the files' parses. */
static void swap_disk(nl_workspace *ws) {
  for (size_t i = 0; i < ws->n_disk; i++) {
    nl_entry *e = ws->disk[i].id < ws->n_ids ? ws->entries[ws->disk[i].id] : NULL;
    if (e != NULL && e->open) ws->disk[i].note = nl_wsi_swap_note(ws, e, ws->disk[i].note);
  }
}

/* ---- writing ----------------------------------------------------------------------------- */

static void put(nl_cache_sink *b, const void *p, size_t len) { nl_cache_sink_put(b, p, len); }
static void put32(nl_cache_sink *b, uint32_t v) { put(b, &v, 4); }
static void put64(nl_cache_sink *b, uint64_t v) { put(b, &v, 8); }

static void put_idmap(nl_cache_sink *b, const nl_idmap *m) {
  put64(b, m->len);
  for (size_t i = 0; i < m->cap; i++)
    if (m->slots[i].id < NL_IDMAP_NONE - 1) put(b, &m->slots[i], sizeof(m->slots[i]));
}

static void put_key(void *ud, const char *key, size_t len, const uint32_t *ids, uint32_t n) {
  nl_cache_sink *b = ud;
  put32(b, (uint32_t)len);
  put(b, key, len);
  put32(b, n);
  put(b, ids, (size_t)n * 4);
}

static void put_strmap(nl_cache_sink *b, const nl_strmap *m) {
  put64(b, m->len);
  nl_strmap_foreach(m, put_key, b);
}

int nl_wsi_tables_storable(const nl_workspace *ws) {
  if (ws->n_roots != 1 || ws->tasks_lost || ws->scan_stale) return 0;
  for (uint32_t id = 0; id < ws->n_ids; id++)
    if (ws->entries[id] != NULL && ws->entries[id]->open && disk_of(ws, id) == NULL) return 0;
  return 1;
}

int nl_wsi_tables_may_serve(const nl_workspace *ws) {
  for (uint32_t id = 0; id < ws->n_ids; id++)
    if (ws->entries[id] != NULL && !ws->entries[id]->open) return 0;
  return 1;
}

static void dump(const nl_workspace *ws, nl_cache_sink *b);

int nl_wsi_tables_dump(void *ud, nl_cache_sink *b) {
  nl_workspace *ws = ud;
  if (!nl_wsi_tables_storable(ws)) return NL_EINVAL;
  swap_disk(ws); /* the files' parses in */
  dump(ws, b);
  swap_disk(ws); /* the open documents' back */
  return 0;
}

static void dump(const nl_workspace *ws, nl_cache_sink *b) {
  put32(b, ws->n_ids);
  put32(b, (uint32_t)ws->live);
  put64(b, ws->seq);
  put64(b, ws->gen);
  put64(b, ws->gen_wide);
  for (uint32_t id = 0; id < ws->n_ids; id++) {
    const nl_entry *e = ws->entries[id];
    uint8_t present = e != NULL, kind = e != NULL ? (uint8_t)e->kind : 0;
    put(b, &present, 1);
    if (e == NULL) continue;
    put(b, &kind, 1);
    put64(b, e->seq);
    put64(b, e->dev);
    put64(b, e->ino);
    put32(b, (uint32_t)strlen(e->abs));
    put(b, e->abs, strlen(e->abs));
    put32(b, (uint32_t)strlen(e->uri));
    put(b, e->uri, strlen(e->uri));
  }
  put(b, ws->name_mask, (size_t)ws->n_ids * 8);
  put(b, ws->all_mask, (size_t)ws->n_ids * 8);
  put(b, ws->first_row, (size_t)ws->n_ids * 4);
  put(b, ws->n_rows_of, (size_t)ws->n_ids * 4);
  put64(b, ws->n_rows);
  put64(b, ws->dead_rows);
  put(b, ws->rows, ws->n_rows * sizeof(*ws->rows));
  put(b, ws->row_masks, ws->n_rows * 8);
  put(b, ws->row_kinds, ws->n_rows);
  put64(b, ws->pool_len);
  put(b, ws->pool, ws->pool_len);
  put_idmap(b, &ws->paths);
  put_idmap(b, &ws->inodes);
  put_strmap(b, &ws->files);
  put_strmap(b, &ws->names);
  put_strmap(b, &ws->slugs);
  nl_wsi_symbol_rows_dump(ws, b);
}

/* ---- reading ----------------------------------------------------------------------------- */

typedef struct {
  const unsigned char *p, *end;
  int bad;
} rd;

/* The next len bytes (borrowed), or NULL (and bad) when fewer are left. */
static const void *take(rd *r, size_t len) {
  if (r->bad || (size_t)(r->end - r->p) < len) {
    r->bad = 1;
    return NULL;
  }
  const void *at = r->p;
  r->p += len;
  return at;
}

static uint64_t get(rd *r, size_t bytes) {
  uint64_t v = 0;
  const void *at = take(r, bytes);
  if (at != NULL) memcpy(&v, at, bytes);
  return v;
}

/* A new copy of the next n items of `size` bytes (at least one byte allocated), or NULL. */
/* n items of `size` bytes copied into a new array with room for cap of them (cap >= n). */
static void *take_room(rd *r, size_t n, size_t size, size_t cap) {
  if (size != 0 && n > (size_t)(r->end - r->p) / size) {
    r->bad = 1;
    return NULL;
  }
  const void *at = take(r, n * size);
  void *copy = at != NULL ? malloc(cap * size + 1) : NULL;
  if (copy != NULL) memcpy(copy, at, n * size);
  else r->bad = 1;
  return copy;
}

static void *take_copy(rd *r, size_t n, size_t size) { return take_room(r, n, size, n); }

/* Room for the arrays by id, the rows and the name pool to grow into after an install, as a
 * scan's doubling leaves: otherwise the first keystroke that adds a name copies the whole
 * table (73 bytes a row with its mask and kind; 4-26 ms on the loop thread at 100,000 notes),
 * the first new note every array by id. Pages not written are not resident: the room costs address space, not memory. */
static size_t room_for(size_t n) { return n + n / 4 + 1024; }

static int get_idmap(rd *r, nl_idmap *m, uint32_t ids) {
  uint64_t n = get(r, 8);
  for (uint64_t i = 0; i < n && !r->bad; i++) {
    nl_idmap_slot s;
    const void *at = take(r, sizeof(s));
    if (at == NULL) break;
    memcpy(&s, at, sizeof(s));
    if (s.id >= ids || nl_idmap_add(m, s.hash, s.id) != 0) r->bad = 1;
  }
  return r->bad ? -1 : 0;
}

static int get_strmap(rd *r, nl_strmap *m, uint32_t ids) {
  uint64_t n = get(r, 8);
  for (uint64_t i = 0; i < n && !r->bad; i++) {
    uint32_t len = (uint32_t)get(r, 4);
    const char *key = take(r, len);
    uint32_t k = (uint32_t)get(r, 4);
    if (k == 0) r->bad = 1;
    for (uint32_t j = 0; j < k && !r->bad; j++) {
      uint32_t id = (uint32_t)get(r, 4);
      if (id >= ids || nl_strmap_add(m, key, len, id) != 0) r->bad = 1;
    }
  }
  return r->bad ? -1 : 0;
}

/* The symbol table, when the tables hold one, into t->symbols (its strings set at install). */
static int get_symbols(rd *r, nl_workspace *t) {
  if (get(r, 1) == 0) return r->bad ? -1 : 0;
  uint64_t n = get(r, 8);
  const uint32_t *count = take(r, (size_t)t->n_ids * 4);
  if (r->bad || n > (size_t)(r->end - r->p) / (sizeof(nl_ws_symbol) + 8)) return -1;
  const void *rows = take(r, n * sizeof(nl_ws_symbol)), *masks = take(r, n * 8);
  uint32_t *counts = malloc((size_t)t->n_ids * 4 + 1); /* the bytes may be unaligned */
  if (counts != NULL) memcpy(counts, count, (size_t)t->n_ids * 4);
  if (counts != NULL && !r->bad)
    t->symbols = nl_wsi_symbol_rows_load(t->n_ids, counts, rows, masks, n, room_for(n));
  free(counts);
  return t->symbols != NULL ? 0 : -1;
}

static nl_entry *get_entry(rd *r, uint32_t id, const char *root) {
  uint8_t kind = (uint8_t)get(r, 1);
  uint64_t seq = get(r, 8), dev = get(r, 8), ino = get(r, 8);
  uint32_t alen = (uint32_t)get(r, 4);
  const char *abs = take(r, alen);
  uint32_t ulen = (uint32_t)get(r, 4);
  const char *uri = take(r, ulen);
  size_t root_len = strlen(root);
  if (r->bad || alen <= root_len + 1 || memcmp(abs, root, root_len) != 0 || abs[root_len] != '/' ||
      memchr(abs, '\0', alen) != NULL || memchr(uri, '\0', ulen) != NULL) {
    r->bad = 1;
    return NULL;
  }
  nl_entry *e = calloc(1, sizeof(*e));
  /* abs, then the file name without ".md", in one block, as nl_wsi_put_note makes it. */
  const char *slash = memrchr(abs, '/', alen), *base = slash + 1;
  size_t blen = alen - (size_t)(base - abs);
  if (blen >= 3 && strncasecmp(base + blen - 3, ".md", 3) == 0) blen -= 3;
  if (e != NULL) e->abs = malloc(alen + 1 + blen + 1);
  if (e != NULL) e->uri = malloc(ulen + 1);
  if (e == NULL || e->abs == NULL || e->uri == NULL) {
    if (e != NULL) free(e->abs), free(e->uri);
    free(e);
    r->bad = 1;
    return NULL;
  }
  memcpy(e->abs, abs, alen);
  e->abs[alen] = '\0';
  e->rel = e->abs + root_len + 1;
  e->name = e->abs + alen + 1;
  memcpy(e->name, base, blen);
  e->name[blen] = '\0';
  memcpy(e->uri, uri, ulen);
  e->uri[ulen] = '\0';
  e->id = id;
  e->kind = (nl_kind)kind;
  e->seq = seq;
  e->dev = dev;
  e->ino = ino;
  return e;
}

/* Every row names an entry (a live row a live one: an entry dropped leaves dead rows) and a
 * name in the pool; every entry's rows are in the table. */
static int rows_fit(const nl_workspace *t) {
  for (size_t i = 0; i < t->n_rows; i++) {
    const nl_ws_name *row = &t->rows[i];
    if (row->id >= t->n_ids || (!row->dead && t->entries[row->id] == NULL) || row->off > t->pool_len ||
        row->len >= t->pool_len - row->off || t->pool[row->off + row->len] != '\0')
      return 0;
  }
  for (uint32_t id = 0; id < t->n_ids; id++)
    if (t->first_row[id] > t->n_rows || t->n_rows_of[id] > t->n_rows - t->first_row[id])
      return 0;
  return 1;
}

nl_workspace *nl_wsi_tables_load(const void *data, size_t len, const char *root) {
  rd r = {data, (const unsigned char *)data + len, 0};
  nl_workspace *t = nl_ws_new(NULL, NULL);
  if (t == NULL) return NULL;
  t->roots = malloc(sizeof(*t->roots));
  if (t->roots == NULL || (t->roots[0] = strdup(root)) == NULL) goto bad;
  t->n_roots = 1;
  uint32_t ids = (uint32_t)get(&r, 4);
  t->live = (uint32_t)get(&r, 4);
  t->seq = get(&r, 8);
  t->gen = get(&r, 8);
  t->gen_wide = get(&r, 8);
  if (r.bad || ids > len) goto bad;
  t->cap_ids = room_for(ids);
  t->entries = calloc(t->cap_ids, sizeof(*t->entries));
  if (t->entries == NULL) goto bad;
  size_t live = 0;
  for (uint32_t id = 0; id < ids && !r.bad; id++) {
    t->n_ids = id + 1;
    if (get(&r, 1) != 0) live += (t->entries[id] = get_entry(&r, id, root)) != NULL;
  }
  if (r.bad || live != t->live) goto bad;
  t->name_mask = take_copy(&r, ids, 8);
  t->all_mask = take_copy(&r, ids, 8);
  t->first_row = take_copy(&r, ids, 4);
  t->n_rows_of = take_copy(&r, ids, 4);
  if (r.bad) goto bad;
  /* The arrays by id take cap_ids entries, as nl_wsi_put_note grows them. */
  uint64_t *nm = realloc(t->name_mask, t->cap_ids * 8), *am = realloc(t->all_mask, t->cap_ids * 8);
  if (nm != NULL) t->name_mask = nm;
  if (am != NULL) t->all_mask = am;
  uint32_t *fr = realloc(t->first_row, t->cap_ids * 4), *nr = realloc(t->n_rows_of, t->cap_ids * 4);
  if (fr != NULL) t->first_row = fr;
  if (nr != NULL) t->n_rows_of = nr;
  if (nm == NULL || am == NULL || fr == NULL || nr == NULL) goto bad;
  t->n_rows = get(&r, 8);
  t->dead_rows = get(&r, 8);
  if (r.bad || t->n_rows > len / sizeof(nl_ws_name) || t->dead_rows > t->n_rows) goto bad;
  t->cap_rows = room_for(t->n_rows);
  const void *rows = take(&r, t->n_rows * sizeof(nl_ws_name));
  t->rows = rows != NULL ? aligned_alloc(64, t->cap_rows * sizeof(nl_ws_name)) : NULL;
  if (t->rows == NULL) goto bad;
  memcpy(t->rows, rows, t->n_rows * sizeof(nl_ws_name));
  t->row_masks = take_room(&r, t->n_rows, 8, t->cap_rows);
  t->row_kinds = take_room(&r, t->n_rows, 1, t->cap_rows);
  t->pool_len = get(&r, 8);
  t->pool_cap = room_for(t->pool_len);
  t->pool = take_room(&r, t->pool_len, 1, t->pool_cap);
  if (r.bad || !rows_fit(t) || get_idmap(&r, &t->paths, ids) != 0 ||
      get_idmap(&r, &t->inodes, ids) != 0 || get_strmap(&r, &t->files, ids) != 0 ||
      get_strmap(&r, &t->names, ids) != 0 || get_strmap(&r, &t->slugs, ids) != 0 ||
      get_symbols(&r, t) != 0 || r.p != r.end)
    goto bad;
  return t;
bad:
  nl_ws_free(t);
  return NULL;
}

/* ---- installing -------------------------------------------------------------------------- */

/* Whether every entry of t has a note and the kind the configuration gives it. */
static int notes_fit(const nl_workspace *t, const nl_config *cfg) {
  for (uint32_t id = 0; id < t->n_ids; id++) {
    const nl_entry *e = t->entries[id];
    if (e == NULL) continue;
    if (e->note == NULL) return 0;
    const char *type = e->note->type != NULL ? e->note->type->text : NULL;
    if (nl_config_kind(cfg, e->rel, type) != e->kind) return 0;
  }
  return 1;
}

typedef struct {
  char *abs;     /* owned */
  nl_note *note; /* owned */
} open_doc;

/* Takes the open documents (every entry ws has: nl_wsi_tables_may_serve) out of ws, their
 * parses kept: a new array of *n, or NULL on out of memory (then ws is as it was). */
static open_doc *take_open(nl_workspace *ws, size_t *n) {
  open_doc *docs = calloc(ws->live + 1, sizeof(*docs));
  size_t k = 0;
  for (uint32_t id = 0; id < ws->n_ids && docs != NULL; id++) {
    if (ws->entries[id] == NULL) continue;
    if ((docs[k++].abs = strdup(ws->entries[id]->abs)) != NULL) continue;
    while (k > 0) free(docs[--k].abs);
    free(docs);
    return NULL;
  }
  for (size_t i = 0; i < k; i++)
    docs[i].note = nl_wsi_take_entry(ws, nl_wsi_by_path(ws, docs[i].abs, strlen(docs[i].abs)));
  *n = k;
  return docs;
}

/* Puts the open documents back over the installed tables: each keeps the seq the tables give
 * its file's entry (a fresh scan deals seqs in path order, open documents included). 1 when
 * one is no file of the tables (its seq the newest), else 0. */
static int put_open(nl_workspace *ws, open_doc *docs, size_t n) {
  int news = 0;
  for (size_t i = 0; i < n; i++) {
    nl_entry *at = nl_wsi_by_path(ws, docs[i].abs, strlen(docs[i].abs));
    uint64_t seq = at != NULL ? at->seq : 0;
    nl_entry *e = nl_wsi_put_note(ws, docs[i].abs, docs[i].note, 1);
    if (e != NULL && at != NULL) nl_wsi_set_seq(ws, e, seq);
    news |= at == NULL;
    free(docs[i].abs);
  }
  free(docs);
  return news;
}

#define MOVE(f) ws->f = t->f, t->f = 0
int nl_wsi_tables_install(nl_workspace *ws, nl_workspace *t, const uint32_t *gone,
                          size_t n_gone) {
  if (!nl_wsi_tables_may_serve(ws) || ws->n_roots != 1 ||
      strcmp(ws->roots[0], t->roots[0]) != 0 || !notes_fit(t, ws->cfg))
    return NL_EINVAL;
  size_t n_open = 0;
  open_doc *docs = take_open(ws, &n_open);
  if (docs == NULL) return NL_ENOMEM;
  nl_wsi_disk_free(ws); /* by id, and the ids change */
  /* Rebuilt from the notes below (the symbol table on its next use). */
  nl_wsi_task_rows_free(ws->tasks);
  ws->tasks = NULL;
  nl_wsi_symbol_rows_free(ws->symbols);
  ws->symbols = NULL;
  nl_wsi_tables_free(ws);
  MOVE(entries);
  MOVE(name_mask);
  MOVE(all_mask);
  MOVE(first_row);
  MOVE(n_rows_of);
  MOVE(rows);
  MOVE(row_masks);
  MOVE(row_kinds);
  MOVE(n_rows);
  MOVE(cap_rows);
  MOVE(dead_rows);
  MOVE(pool);
  MOVE(pool_len);
  MOVE(pool_cap);
  MOVE(n_ids);
  MOVE(cap_ids);
  MOVE(live);
  ws->seq = t->seq > ws->seq ? t->seq : ws->seq;
  ws->gen = (t->gen > ws->gen ? t->gen : ws->gen) + 1;
  ws->gen_wide = (t->gen_wide > ws->gen_wide ? t->gen_wide : ws->gen_wide) + 1;
  ws->paths = t->paths;
  ws->inodes = t->inodes;
  ws->files = t->files;
  ws->names = t->names;
  ws->slugs = t->slugs;
  nl_idmap_init(&t->paths);
  nl_idmap_init(&t->inodes);
  nl_strmap_init(&t->files);
  nl_strmap_init(&t->names);
  nl_strmap_init(&t->slugs);
  /* Built from the notes: the task rows, and the reference maps unless deferred. */
  for (uint32_t id = 0; id < ws->n_ids; id++) {
    const nl_entry *e = ws->entries[id];
    if (e == NULL) continue;
    nl_wsi_task_rows(ws, e, 1);
    nl_wsi_symbol_rows(ws, e, 1); /* nothing while the table is not built */
    nl_wsi_index_refs(ws, e, 1);
  }
  nl_wsi_rows_moved(ws);
  /* The stored symbol table, over the notes it was written from (the changed ones' stored
   * parses included), before the gone entries drop their rows and the open documents put
   * theirs back. */
  if (t->symbols != NULL && nl_wsi_symbol_rows_attach(ws, t->symbols) != 0)
    nl_log(NL_LOG_INFO, "ignored the index cache's symbol table: it does not fit the notes, "
                        "built again when asked");
  t->symbols = NULL;
  for (size_t i = 0; i < n_gone; i++) nl_note_free(nl_wsi_take_entry(ws, ws->entries[gone[i]]));
  return put_open(ws, docs, n_open);
}
#undef MOVE

/* ---- the slabs of cached notes ----------------------------------------------------------- */

/* Frees the slabs of notes read from a cache (nl_cache_read_records) that no entry's note
 * lives in any more. */
void nl_wsi_free_unused_slabs(nl_workspace *ws) {
  size_t kept = 0;
  for (size_t s = 0; s < ws->n_slabs; s++) {
    int used = 0;
    for (uint32_t id = 0; id < ws->n_ids && !used; id++)
      used = ws->entries[id] != NULL && nl_cache_slab_holds(ws->slabs[s], ws->entries[id]->note);
    for (size_t i = 0; i < ws->n_disk && !used; i++)
      used = nl_cache_slab_holds(ws->slabs[s], ws->disk[i].note);
    if (used) ws->slabs[kept++] = ws->slabs[s];
    else nl_cache_slab_free(ws->slabs[s]);
  }
  ws->n_slabs = kept;
}

void nl_wsi_slabs_free(nl_workspace *ws) {
  for (size_t s = 0; s < ws->n_slabs; s++) nl_cache_slab_free(ws->slabs[s]);
  free(ws->slabs);
  ws->slabs = NULL;
  ws->n_slabs = 0;
}
