/* The index. Maps, all keyed by nl_unicode_key (NFC, case-folded) unless said otherwise:
 *   paths   absolute path (bytes, hashed; the entry holds it) -> entry id
 *   files   file name without .md                -> entry ids
 *   names   frontmatter title and aliases        -> entry ids (when not equal to the file name)
 *   slugs   account names without ' ', '-', '_'  -> account entry ids
 *   tags    "<root>/" and the tag as written     -> how many times it is used there (counter mode)
 *   refs    link target's last path segment      -> id of the linking note, once per link
 *   path_refs  the same, for the links written with a path (a '/' in the target) only
 *   said    a mention's first word               -> id of the mentioning note, once each
 *   fm_refs frontmatter `account:` and `participants:` values -> id of the note, once each
 *   acct_tags  slug of an `account/<slug>` tag (nl_wsi_slug_make) -> id of the note, once each
 * (tags, refs, path_refs, said, fm_refs and acct_tags, the reference maps, are kept by refs_maps.c,
 * which builds a scan's share of them after the scan, on a thread: nl_wsi_index_refs.)
 * Every map entry of a note is added by index_note(+1) and removed by index_note(-1) with the
 * same parse, so an update is proportional to the note. */
#include "lsp/index/workspace_impl.h"

#include "lsp/base/error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lsp/base/hash.h"
#include "lsp/index/diagnose.h"
#include "lsp/base/log.h"
#include "lsp/base/unicode.h"
#include "protocol/lsp_types.h"

/* ---- entries ----------------------------------------------------------------------------- */

static uint32_t path_hash(const char *abs, size_t len) {
  return (uint32_t)nl_hash_bytes(NL_HASH_INIT, abs, len);
}

static int path_is(void *ud, uint32_t id) {
  const nl_idmap_query *q = ud;
  const nl_entry *e = ((const nl_workspace *)q->owner)->entries[id];
  return e != NULL && strncmp(e->abs, q->key, q->len) == 0 && e->abs[q->len] == '\0';
}

nl_entry *nl_wsi_by_path(const nl_workspace *ws, const char *abs, size_t len) {
  nl_idmap_query q = {ws, abs, len};
  uint32_t id = nl_idmap_find(&ws->paths, path_hash(abs, len), path_is, &q);
  return id != NL_IDMAP_NONE ? ws->entries[id] : NULL;
}

static void set_masks(nl_workspace *ws, const nl_entry *e) {
  const nl_note *n = e->note;
  uint64_t m = nl_unicode_char_mask(e->name, strlen(e->name));
  if (n->title != NULL) m |= nl_unicode_char_mask(n->title->text, strlen(n->title->text));
  for (size_t i = 0; i < n->n_aliases; i++)
    m |= nl_unicode_char_mask(n->aliases[i].text, strlen(n->aliases[i].text));
  ws->name_mask[e->id] = m;
  for (size_t i = 0; i < n->n_headings; i++)
    m |= nl_unicode_char_mask(n->headings[i].text, strlen(n->headings[i].text));
  ws->all_mask[e->id] = m;
}

_Static_assert(sizeof(nl_ws_name) == 64, "a name row is one cache line");

/* Appends one row; 0 or NL_ENOMEM (the name is then not offered). */
static int add_row(nl_workspace *ws, const nl_entry *e, uint32_t sub, const char *name) {
  size_t len = strlen(name);
  if (ws->n_rows == ws->cap_rows) {
    size_t cap = ws->cap_rows ? ws->cap_rows * 2 : 1024;
    /* A row is one cache line (64 bytes) and starts one: a pass reads one line per row. */
    nl_ws_name *rows = aligned_alloc(64, cap * sizeof(*rows));
    if (rows == NULL) return NL_ENOMEM;
    if (ws->n_rows > 0) memcpy(rows, ws->rows, ws->n_rows * sizeof(*rows));
    free(ws->rows);
    ws->rows = rows;
    uint64_t *masks = realloc(ws->row_masks, cap * sizeof(*masks));
    if (masks == NULL) return NL_ENOMEM;
    ws->row_masks = masks;
    uint8_t *kinds = realloc(ws->row_kinds, cap);
    if (kinds == NULL) return NL_ENOMEM;
    ws->row_kinds = kinds;
    ws->cap_rows = cap;
  }
  if (ws->pool_len + len + 1 > ws->pool_cap) {
    size_t cap = ws->pool_cap ? ws->pool_cap * 2 : 16384;
    while (cap < ws->pool_len + len + 1) cap *= 2;
    char *pool = realloc(ws->pool, cap);
    if (pool == NULL) return NL_ENOMEM;
    ws->pool = pool;
    ws->pool_cap = cap;
  }
  memcpy(ws->pool + ws->pool_len, name, len + 1);
  nl_ws_name *row = &ws->rows[ws->n_rows++];
  *row = (nl_ws_name){.mask = nl_unicode_char_mask(name, len),
                      .initials = nl_unicode_initials_mask(name, len),
                      .seq = e->seq,
                      .id = e->id,
                      .sub = sub,
                      .off = (uint32_t)ws->pool_len,
                      .len = (uint32_t)len,
                      .root = e->root,
                      .kind = (uint8_t)e->kind,
                      .ascii = 1,
                      .first = name[0]};
  for (size_t i = 0; i < len && row->ascii; i++) row->ascii = (unsigned char)name[i] < 0x80;
  nl_unicode_word_heads(name, len, &row->bigrams, &row->trigrams);
  ws->row_masks[ws->n_rows - 1] = ws->rows[ws->n_rows - 1].mask;
  ws->row_kinds[ws->n_rows - 1] = (uint8_t)e->kind;
  ws->pool_len += len + 1;
  return 0;
}

/* A new value for nl_ws_names_epoch, unique in the process: a workspace freed and another
 * allocated at its address never share one. The index lives on the loop thread. */
static uint64_t next_rows_epoch(void) {
  static uint64_t epochs;
  return ++epochs;
}

/* Drops dead rows and their names once they are half the table: amortised O(1) per row. */
static void compact_rows(nl_workspace *ws) {
  if (ws->dead_rows < 4096 || ws->dead_rows * 2 < ws->n_rows) return;
  size_t live_bytes = 0;
  for (size_t i = 0; i < ws->n_rows; i++)
    if (!ws->rows[i].dead) live_bytes += ws->rows[i].len + 1;
  char *pool = malloc(live_bytes + 1);
  if (pool == NULL) return;
  size_t j = 0, at = 0;
  for (size_t i = 0; i < ws->n_rows; i++) {
    nl_ws_name r = ws->rows[i];
    if (r.dead) continue;
    memcpy(pool + at, ws->pool + r.off, r.len + 1);
    r.off = (uint32_t)at;
    at += r.len + 1;
    /* An entry's rows are contiguous, so its first row moves to the first copy. */
    if (j == 0 || ws->rows[j - 1].id != r.id) ws->first_row[r.id] = (uint32_t)j;
    ws->row_masks[j] = r.mask;
    ws->row_kinds[j] = r.kind;
    ws->rows[j++] = r;
  }
  free(ws->pool);
  ws->pool = pool;
  ws->pool_len = at;
  ws->pool_cap = live_bytes + 1;
  ws->n_rows = j;
  ws->dead_rows = 0;
  ws->rows_epoch = next_rows_epoch(); /* the rows moved */
}

static void name_rows(nl_workspace *ws, const nl_entry *e, int add) {
  if (!add) {
    for (uint32_t i = 0; i < ws->n_rows_of[e->id]; i++) {
      ws->rows[ws->first_row[e->id] + i].dead = 1;
      ws->row_masks[ws->first_row[e->id] + i] = 0;
      ws->row_kinds[ws->first_row[e->id] + i] = NL_WS_DEAD;
    }
    ws->dead_rows += ws->n_rows_of[e->id];
    ws->n_rows_of[e->id] = 0;
    return;
  }
  compact_rows(ws);
  ws->first_row[e->id] = (uint32_t)ws->n_rows;
  uint32_t count = add_row(ws, e, 0, e->name) == 0;
  for (size_t i = 0; i < e->note->n_aliases; i++)
    count += add_row(ws, e, 1 + (uint32_t)i, e->note->aliases[i].text) == 0;
  ws->n_rows_of[e->id] = count;
}

/* Everything of e but the reference maps: what the configuration may change (kinds, slugs). */
static void index_names(nl_workspace *ws, nl_entry *e, int add) {
  const nl_note *n = e->note;
  uint32_t id = e->id;
  if (add) set_masks(ws, e);
  name_rows(ws, e, add);
  nl_wsi_task_rows(ws, e, add);
  nl_wsi_symbol_rows(ws, e, add);
  const char *title = n->title != NULL ? n->title->text : NULL;
  if (title != NULL && *title != '\0' && !nl_wsi_same_key(title, e->name))
    nl_wsi_map_key(&ws->names, title, strlen(title), id, add, nl_wsi_key_make);
  for (size_t i = 0; i < n->n_aliases; i++) {
    const char *a = n->aliases[i].text;
    if (*a != '\0' && !nl_wsi_same_key(a, e->name)) nl_wsi_map_key(&ws->names, a, strlen(a), id, add, nl_wsi_key_make);
  }
  if (e->kind == NL_KIND_ACCOUNT) {
    nl_wsi_map_key(&ws->slugs, e->name, strlen(e->name), id, add, nl_wsi_slug_make);
    if (title != NULL && *title != '\0') nl_wsi_map_key(&ws->slugs, title, strlen(title), id, add, nl_wsi_slug_make);
    for (size_t i = 0; i < n->n_aliases; i++)
      nl_wsi_map_key(&ws->slugs, n->aliases[i].text, strlen(n->aliases[i].text), id, add, nl_wsi_slug_make);
  }
}

static void index_note(nl_workspace *ws, nl_entry *e, int add) {
  index_names(ws, e, add);
  nl_wsi_index_refs(ws, e, add);
}

/* What other notes' diagnostics read of e, its face (nl_diag_face), hashed: a change of it is
 * a change of nl_ws_generation. 0 when out of memory, which put_note takes for a change. */
static uint64_t face_hash(const nl_entry *e) {
  size_t len;
  char *face = nl_diag_face(e, &len);
  uint64_t h = face != NULL ? nl_hash_bytes(NL_HASH_INIT, face, len) | 1 : 0;
  free(face);
  return h;
}

static nl_kind entry_kind(const nl_workspace *ws, const nl_entry *e) {
  return nl_config_kind(ws->cfg, e->rel, e->note->type != NULL ? e->note->type->text : NULL);
}

static void entry_free(nl_entry *e) {
  if (e == NULL) return;
  if (!e->one_block) {
    free(e->abs); /* rel and name live in the same block */
    free(e->uri);
  }
  nl_note_free(e->note);
  free(e);
}

/* The root that contains abs (the longest), or -1. */
int nl_ws_root_of(const nl_workspace *ws, const char *abs) {
  int best = -1;
  size_t best_len = 0;
  for (size_t i = 0; i < ws->n_roots; i++) {
    size_t n = strlen(ws->roots[i]);
    if (strncmp(abs, ws->roots[i], n) == 0 && abs[n] == '/' && n >= best_len) {
      best = (int)i;
      best_len = n;
    }
  }
  return best;
}

void nl_wsi_changed(nl_workspace *ws) {
#ifndef NDEBUG
  /* Debug builds (the sanitizer build the tests also run) verify the index after every
   * change that reaches the server, as cmark_node_check does for its trees. */
  char err[256];
  if (nl_ws_check(ws, err, sizeof(err)) != 0) {
    nl_log(NL_LOG_ERROR, "index invariant broken: %s", err);
    abort();
  }
#endif
  if (ws->change_cb != NULL) ws->change_cb(ws, ws->change_ud);
}

/* Puts `note` (steals) in the index at `abs`: replaces the entry's parse or creates one. */
nl_entry *nl_wsi_put_note(nl_workspace *ws, const char *abs, nl_note *note, int open) {
  nl_entry *e = nl_wsi_by_path(ws, abs, strlen(abs));
  if (e != NULL) nl_wsi_refs_touch(ws, e); /* its parse goes, also when it keeps its keys */
  if (e != NULL && nl_wsi_put_same_keys(ws, e, note, open)) return e;
  if (e != NULL) {
    uint64_t before = face_hash(e);
    int was_open = e->open;
    uint64_t old_seq = e->seq;
    index_note(ws, e, 0);
    nl_note *old = e->note; /* its names say who read the old face */
    e->note = note;
    e->open = open;
    e->kind = entry_kind(ws, e);
    e->seq = ++ws->seq;
    index_note(ws, e, 1);
    if (before == 0 || face_hash(e) != before) {
      nl_wsi_gen_step(ws, 1);
      nl_wsi_face_touched(ws, e, old);
      nl_wsi_face_touched(ws, e, note);
    } else if (!open) {
      nl_wsi_face_touched(ws, e, NULL); /* its own problems may have changed on disk */
    }
    /* A document opened over the file's parse during a scan: the parse is kept for the
     * index cache's tables, which describe the files (cache_tables.c). */
    if (open && !was_open && (ws->vscan != NULL || ws->later != NULL))
      nl_wsi_keep_disk(ws, e, old, old_seq);
    else nl_note_free(old);
    return e;
  }
  int r = nl_ws_root_of(ws, abs);
  if (r < 0) {
    nl_note_free(note);
    return NULL;
  }
  if (ws->n_ids == ws->cap_ids) {
    uint32_t cap = ws->cap_ids ? ws->cap_ids * 2 : 1024;
    nl_entry **entries = realloc(ws->entries, cap * sizeof(*entries));
    if (entries == NULL) goto oom;
    ws->entries = entries;
    uint64_t *nm = realloc(ws->name_mask, cap * sizeof(*nm));
    if (nm == NULL) goto oom;
    ws->name_mask = nm;
    uint64_t *am = realloc(ws->all_mask, cap * sizeof(*am));
    if (am == NULL) goto oom;
    ws->all_mask = am;
    uint32_t *fr = realloc(ws->first_row, cap * sizeof(*fr));
    if (fr == NULL) goto oom;
    ws->first_row = fr;
    uint32_t *nr = realloc(ws->n_rows_of, cap * sizeof(*nr));
    if (nr == NULL) goto oom;
    ws->n_rows_of = nr;
    ws->cap_ids = cap;
  }
  /* The entry, then abs, the file name without ".md" and the URI, in one allocation (one a
   * note, not three); rel is abs's tail. */
  size_t alen = strlen(abs);
  const char *slash = strrchr(abs, '/');
  const char *base = slash != NULL ? slash + 1 : abs;
  size_t blen = strlen(base);
  if (blen >= 3 && strcasecmp(base + blen - 3, ".md") == 0) blen -= 3;
  char *uri = nl_path_to_uri(abs);
  size_t ulen = uri != NULL ? strlen(uri) : 0;
  e = uri != NULL ? calloc(1, sizeof(*e) + alen + 1 + blen + 1 + ulen + 1) : NULL;
  if (e == NULL) {
    free(uri);
    goto oom;
  }
  e->one_block = 1;
  e->abs = (char *)(e + 1);
  memcpy(e->abs, abs, alen + 1);
  e->rel = e->abs + strlen(ws->roots[r]) + 1;
  e->name = e->abs + alen + 1;
  memcpy(e->name, base, blen); /* NUL-terminated by calloc */
  e->uri = e->name + blen + 1;
  memcpy(e->uri, uri, ulen + 1);
  free(uri);
  e->id = ws->n_ids;
  e->root = (uint32_t)r;
  e->note = note;
  e->open = open;
  e->kind = entry_kind(ws, e);
  e->seq = ++ws->seq;
  nl_wsi_gen_step(ws, 1); /* marked below */
  ws->n_rows_of[ws->n_ids] = 0;
  ws->entries[ws->n_ids++] = e;
  ws->live++;
  if (nl_idmap_add(&ws->paths, path_hash(e->abs, alen), e->id) != 0) {
    ws->entries[--ws->n_ids] = NULL;
    ws->live--;
    e->note = NULL; /* freed below, as on every failure */
    entry_free(e);
    goto oom;
  }
  nl_wsi_map_key(&ws->files, e->name, strlen(e->name), e->id, 1, nl_wsi_key_make);
  index_note(ws, e, 1);
  nl_wsi_face_touched(ws, e, note);
  return e;
oom:
  nl_note_free(note);
  return NULL;
}

/* Replaces e's parse by `note` (steals) in every table, without the bookkeeping of an update
 * (seq, generations, dependents); returns the old parse (new). */
nl_note *nl_wsi_swap_note(nl_workspace *ws, nl_entry *e, nl_note *note) {
  index_note(ws, e, 0);
  nl_note *old = e->note;
  e->note = note;
  e->kind = entry_kind(ws, e);
  index_note(ws, e, 1);
  return old;
}

void nl_wsi_set_seq(nl_workspace *ws, nl_entry *e, uint64_t seq) {
  e->seq = seq;
  for (uint32_t k = 0; k < ws->n_rows_of[e->id]; k++) ws->rows[ws->first_row[e->id] + k].seq = seq;
}

static int cmp_entry_path(const void *a, const void *b) {
  return strcmp((*(nl_entry *const *)a)->abs, (*(nl_entry *const *)b)->abs);
}

/* A document opened during a scan is dealt a seq too: its seq among the merges' was a matter
 * of timing, and the tables in the index cache store the path order. */
void nl_wsi_order_by_path(nl_workspace *ws, uint64_t seq_start) {
  size_t n = 0;
  nl_entry **by_path = malloc(ws->n_ids * sizeof(*by_path) + 1);
  if (by_path == NULL) return; /* the ties keep the merge's order */
  for (uint32_t id = 0; id < ws->n_ids; id++) {
    nl_entry *e = ws->entries[id];
    if (e == NULL || e->seq <= seq_start) continue;
    by_path[n++] = e;
  }
  qsort(by_path, n, sizeof(*by_path), cmp_entry_path);
  /* seq_start + 1 upwards, as a fresh scan deals them, whatever was put and dropped since */
  for (size_t i = 0; i < n; i++) nl_wsi_set_seq(ws, by_path[i], seq_start + n - i);
  free(by_path);
  /* Recency changed: what a feature kept of the rows or their ranks is out of date. */
  ws->seq++;
  nl_wsi_rows_moved(ws);
}

void nl_wsi_rows_moved(nl_workspace *ws) { ws->rows_epoch = next_rows_epoch(); }

nl_note *nl_wsi_take_entry(nl_workspace *ws, nl_entry *e) {
  nl_wsi_face_touched(ws, e, e->note);
  index_note(ws, e, 0);
  nl_wsi_clear_file(ws, e);
  nl_wsi_map_key(&ws->files, e->name, strlen(e->name), e->id, 0, nl_wsi_key_make);
  nl_idmap_remove(&ws->paths, path_hash(e->abs, strlen(e->abs)), e->id);
  ws->entries[e->id] = NULL;
  ws->name_mask[e->id] = ws->all_mask[e->id] = 0;
  ws->live--;
  ws->seq++;
  nl_wsi_gen_step(ws, 1);
  nl_note *note = e->note;
  e->note = NULL;
  entry_free(e);
  return note;
}

static void drop_entry(nl_workspace *ws, nl_entry *e) { nl_note_free(nl_wsi_take_entry(ws, e)); }

void nl_ws_size_thread_pool(void) {
  char n[16];
  unsigned cores = uv_available_parallelism();
  snprintf(n, sizeof(n), "%u", cores < 2 ? 2 : cores > 16 ? 16 : cores);
  setenv("UV_THREADPOOL_SIZE", n, 0);
}

/* ---- lifetime ---------------------------------------------------------------------------- */

nl_workspace *nl_ws_new(uv_loop_t *loop, const nl_config *cfg) {
  nl_workspace *ws = calloc(1, sizeof(*ws));
  if (ws != NULL) ws->rows_epoch = next_rows_epoch();
  if (ws == NULL) return NULL;
  ws->loop = loop;
  ws->cfg = cfg;
  nl_idmap_init(&ws->paths);
  nl_strmap_init(&ws->files);
  nl_strmap_init(&ws->names);
  nl_strmap_init(&ws->slugs);
  nl_idmap_init(&ws->inodes);
  nl_wsi_refmaps_init(&ws->rm);
  ws->refs_upto = UINT32_MAX;
  ws->tasks_upto = UINT32_MAX;
  return ws;
}

void nl_wsi_tables_free(nl_workspace *ws) {
  nl_idmap_free(&ws->paths);
  nl_idmap_free(&ws->inodes);
  nl_strmap_free(&ws->files);
  nl_strmap_free(&ws->names);
  nl_strmap_free(&ws->slugs);
  free(ws->entries);
  free(ws->name_mask);
  free(ws->all_mask);
  free(ws->first_row);
  free(ws->n_rows_of);
  free(ws->rows);
  free(ws->row_masks);
  free(ws->row_kinds);
  free(ws->pool);
}

void nl_wsi_scan_free(struct nl_vault_scan *sc);

void nl_ws_free(nl_workspace *ws) {
  if (ws == NULL) return;
  nl_wsi_refs_drop(ws); /* before the notes it reads go */
  nl_wsi_later_finish(ws); /* the cache is written on exit too */
  /* A scan cut short (the server exits while indexing): its parsed notes were never merged. */
  if (ws->vscan != NULL) nl_wsi_scan_free(ws->vscan);
  for (uint32_t i = 0; i < ws->n_ids; i++) entry_free(ws->entries[i]);
  nl_wsi_slabs_free(ws); /* after the entries: their notes' parses live in the slabs */
  nl_wsi_tables_free(ws);
  nl_wsi_task_rows_free(ws->tasks);
  nl_wsi_symbol_rows_free(ws->symbols);
  for (size_t i = 0; i < ws->n_roots; i++) free(ws->roots[i]);
  free(ws->roots);
  nl_wsi_refmaps_free(&ws->rm);
  nl_wsi_attachments_free(ws->att);
  nl_wsi_deps_free(&ws->deps);
  nl_wsi_hits_free(&ws->hits);
  free(ws->cache_dir);
  free(ws);
}

void nl_ws_set_config(nl_workspace *ws, const nl_config *cfg) {
  /* Kinds and account slugs depend on the configuration: re-index every note, but for the
   * reference maps, which read nothing of it (a settings reply right after the scan would
   * otherwise take out and put back every link, mention and tag: 0.3 s at 100,000 notes). */
  for (uint32_t i = 0; i < ws->n_ids; i++) {
    nl_entry *e = ws->entries[i];
    if (e == NULL) continue;
    index_names(ws, e, 0);
  }
  ws->cfg = cfg;
  for (uint32_t i = 0; i < ws->n_ids; i++) {
    nl_entry *e = ws->entries[i];
    if (e == NULL) continue;
    e->kind = entry_kind(ws, e);
    index_names(ws, e, 1);
    /* Newly ignored notes leave the index (an open one stays: the editor shows it). */
    if (!e->open && nl_config_ignored(nl_config_at(cfg, e->abs), e->rel)) drop_entry(ws, e);
  }
  ws->seq++;
  nl_wsi_gen_step(ws, 0); /* every note's diagnostics read the configuration */
  nl_wsi_changed(ws);
}

const nl_config *nl_ws_config(const nl_workspace *ws) { return ws->cfg; }

int nl_ws_add_root(nl_workspace *ws, const char *abs_dir) {
  size_t n = strlen(abs_dir);
  while (n > 1 && abs_dir[n - 1] == '/') n--;
  for (size_t i = 0; i < ws->n_roots; i++)
    if (strlen(ws->roots[i]) == n && strncmp(ws->roots[i], abs_dir, n) == 0) return 0;
  char **roots = realloc(ws->roots, (ws->n_roots + 1) * sizeof(*roots));
  if (roots == NULL) return NL_ENOMEM;
  ws->roots = roots;
  if ((roots[ws->n_roots] = strndup(abs_dir, n)) == NULL) return NL_ENOMEM;
  ws->n_roots++;
  return 0;
}

size_t nl_ws_n_roots(const nl_workspace *ws) { return ws->n_roots; }
const char *nl_ws_root(const nl_workspace *ws, size_t i) {
  return i < ws->n_roots ? ws->roots[i] : NULL;
}

void nl_ws_on_change(nl_workspace *ws, nl_ws_change_cb cb, void *ud) {
  ws->change_cb = cb;
  ws->change_ud = ud;
}

/* ---- live updates ------------------------------------------------------------------------ */

int nl_ws_reload(nl_workspace *ws, const char *abs) {
  nl_entry *e = nl_ws_by_path(ws, abs);
  if (e != NULL && e->open) return 0;
  int r = nl_ws_root_of(ws, abs);
  if (r < 0 || !nl_wsi_has_md_suffix(abs)) return 0;
  const char *rel = abs + strlen(ws->roots[r]) + 1;
  /* Same rules as the scan: hidden folders, node_modules and ignore globs stay out. */
  for (const char *seg = rel; seg != NULL; seg = strchr(seg, '/')) {
    if (*seg == '/') seg++;
    if (*seg == '.' || strncmp(seg, "node_modules/", 13) == 0) return 0;
  }
  if (nl_config_ignored(nl_config_at(ws->cfg, abs), rel)) return 0;
  /* Only the first scan walks with the roots in mind: what a path leads to now is checked
   * again here, and the file read is the one it resolves to. */
  char *real = nl_ws_real_inside(ws, abs);
  struct stat st;
  if (real == NULL || stat(real, &st) != 0) {
    int gone = access(abs, F_OK) != 0 ? -errno : 0;
    if (real == NULL && gone == 0)
      nl_log(NL_LOG_WARN, "skipped note that leads outside the workspace folder: %s", abs);
    free(real);
    if (e != NULL) nl_ws_remove(ws, abs);
    return gone;
  }
  nl_entry *same = nl_wsi_same_file(ws, abs, (uint64_t)st.st_dev, (uint64_t)st.st_ino);
  if (same != NULL) {
    nl_log(NL_LOG_DEBUG, "skipped %s: the same file as %s", abs, same->abs);
    free(real);
    if (e != NULL) nl_ws_remove(ws, abs);
    return 0;
  }
  char *text;
  size_t len;
  int rc = nl_wsi_read_note(real, ws->cfg->max_file_size, &text, &len);
  free(real);
  if (rc != 0) {
    if (e != NULL) nl_ws_remove(ws, abs);
    return rc < 0 ? rc : 0;
  }
  nl_entry *ne = nl_ws_update(ws, abs, text, len, 0);
  free(text);
  if (ne != NULL) nl_wsi_set_file(ws, ne, (uint64_t)st.st_dev, (uint64_t)st.st_ino);
  return ne != NULL ? 0 : -ENOMEM;
}

int nl_ws_close(nl_workspace *ws, const char *abs) {
  nl_entry *e = nl_ws_by_path(ws, abs);
  if (e == NULL) return 1;
  e->open = 0;
  if (access(abs, F_OK) != 0) return nl_ws_remove(ws, abs);
  return nl_ws_reload(ws, abs);
}

int nl_ws_remove(nl_workspace *ws, const char *abs) {
  nl_entry *e = nl_ws_by_path(ws, abs);
  if (e == NULL) return 1;
  ws->scan_stale |= ws->vscan != NULL;
  drop_entry(ws, e);
  nl_wsi_changed(ws);
  return 0;
}

/* ---- lookups ----------------------------------------------------------------------------- */

nl_entry *nl_ws_by_path(const nl_workspace *ws, const char *abs) {
  return nl_wsi_by_path(ws, abs, strlen(abs));
}

nl_entry *nl_ws_by_uri(const nl_workspace *ws, const char *uri) {
  char *path = nl_uri_to_path(uri);
  if (path == NULL) return NULL;
  nl_entry *e = nl_ws_by_path(ws, path);
  free(path);
  return e;
}

uint32_t nl_ws_id_limit(const nl_workspace *ws) { return ws->n_ids; }
nl_entry *nl_ws_get(const nl_workspace *ws, uint32_t id) {
  return id < ws->n_ids ? ws->entries[id] : NULL;
}
size_t nl_ws_count(const nl_workspace *ws) { return ws->live; }
uint64_t nl_ws_seq(const nl_workspace *ws) { return ws->seq; }
uint64_t nl_ws_generation(const nl_workspace *ws) { return ws->gen; }
uint64_t nl_ws_wide_generation(const nl_workspace *ws) { return ws->gen_wide; }

const uint64_t *nl_ws_name_masks(const nl_workspace *ws) { return ws->name_mask; }

const nl_ws_name *nl_ws_names(const nl_workspace *ws, size_t *n, const char **pool,
                              const uint64_t **masks) {
  *n = ws->n_rows;
  *pool = ws->pool;
  if (masks != NULL) *masks = ws->row_masks;
  return ws->rows;
}

const uint8_t *nl_ws_name_kinds(const nl_workspace *ws) { return ws->row_kinds; }
uint64_t nl_ws_names_epoch(const nl_workspace *ws) { return ws->rows_epoch; }
const uint64_t *nl_ws_all_masks(const nl_workspace *ws) { return ws->all_mask; }

/* ---- invariants -------------------------------------------------------------------------- */

int nl_ws_check(const nl_workspace *ws, char *err, size_t err_size) {
  size_t live = 0;
  for (uint32_t i = 0; i < ws->n_ids; i++) {
    const nl_entry *e = ws->entries[i];
    if (e == NULL) continue;
    live++;
    if (e->id != i) {
      snprintf(err, err_size, "entry %u has id %u", i, e->id);
      return NL_ECORRUPT;
    }
    if (nl_ws_by_path(ws, e->abs) != e) {
      snprintf(err, err_size, "path map does not lead to %s", e->abs);
      return NL_ECORRUPT;
    }
    if (e->note == NULL) {
      snprintf(err, err_size, "entry without a parse: %s", e->abs);
      return NL_ECORRUPT;
    }
    char *uri = nl_path_to_uri(e->abs);
    int uri_ok = uri == NULL || strcmp(uri, e->uri) == 0;
    free(uri);
    if (!uri_ok || (e->one_block && (e->abs != (const char *)(e + 1) ||
                                     e->uri != e->name + strlen(e->name) + 1))) {
      snprintf(err, err_size, "the URI of %s is not its path's, or not in its block", e->abs);
      return NL_ECORRUPT;
    }
    nl_wsi_key k;
    nl_wsi_key_make(&k, e->name, strlen(e->name));
    uint32_t n;
    const uint32_t *ids = nl_strmap_get(&ws->files, k.s, k.len, &n);
    nl_wsi_key_done(&k);
    int found = 0;
    for (uint32_t j = 0; j < n; j++) found |= ids[j] == e->id;
    if (!found) {
      snprintf(err, err_size, "file name map misses %s", e->rel);
      return NL_ECORRUPT;
    }
  }
  size_t live_rows = 0;
  for (size_t i = 0; i < ws->n_rows; i++) {
    const nl_ws_name *r = &ws->rows[i];
    if (r->dead) continue;
    live_rows++;
    const nl_entry *e = nl_ws_get(ws, r->id);
    const char *want = e == NULL ? NULL : r->sub == 0 ? e->name
                       : r->sub <= e->note->n_aliases ? e->note->aliases[r->sub - 1].text : NULL;
    if (want == NULL || strcmp(want, ws->pool + r->off) != 0 || r->kind != e->kind) {
      snprintf(err, err_size, "name row %zu does not match its entry", i);
      return NL_ECORRUPT;
    }
  }
  size_t want_rows = 0;
  for (uint32_t i = 0; i < ws->n_ids; i++)
    if (ws->entries[i] != NULL) want_rows += 1 + ws->entries[i]->note->n_aliases;
  if (live_rows != want_rows) {
    snprintf(err, err_size, "%zu live name rows, want %zu", live_rows, want_rows);
    return NL_ECORRUPT;
  }
  if (live != ws->live || ws->paths.len != live) {
    snprintf(err, err_size, "%zu live entries, count says %zu, path map has %zu", live,
             ws->live, ws->paths.len);
    return NL_ECORRUPT;
  }
  int rc = nl_wsi_task_rows_check(ws, err, err_size);
  return rc != 0 ? rc : nl_wsi_symbol_rows_check(ws, err, err_size);
}
