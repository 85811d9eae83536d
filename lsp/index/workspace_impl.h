/* workspace_impl.h: the index's private parts, shared by the files of lsp/index/ that build
 * it (workspace.c: tables and updates; vault_scan.c: reading the vault on the thread pool;
 * resolve.c: link resolution; backlinks.c: reference search). Nothing outside lsp/index/
 * includes it. */
#ifndef NL_WORKSPACE_IMPL_H
#define NL_WORKSPACE_IMPL_H

#include <sys/stat.h>

#include "lsp/base/idmap.h"
#include "lsp/base/strmap.h"
#include "lsp/base/vec.h"
#include "lsp/index/cache.h"
#include "lsp/index/workspace.h"

/* The notes collected since the server last took them (dependents.c): ids once each. */
typedef struct {
  int on;         /* nl_ws_track_dependents */
  nl_vec ids;     /* of uint32_t */
  uint8_t *seen;  /* owned: a bit per id, set for the ids in `ids` */
  size_t seen_len;
} nl_ws_deps;

/* What a link, mention, frontmatter name or account tag resolved to, kept for the searches
 * through the reference maps (backlinks.c): one open-addressing table, valid while
 * nl_ws_generation stays where it was (every change that can make a name resolve elsewhere
 * moves it), each slot for the parse of the linking note it was read from (its seq). */
typedef struct {
  uint64_t key;    /* 1 + (from id << 32 | what << 27 | index), what: backlinks.c's HIT_*;
                      0: an empty slot */
  uint64_t seq;    /* the linking note's seq then */
  uint32_t target; /* 1 + the id it resolved to; 0: nothing */
  uint32_t len;    /* a mention's matched bytes */
} nl_ws_hit;

/* The reference maps (refs_maps.c; keys as workspace.c's header says). */
typedef struct {
  nl_strmap tags, refs, path_refs, said, fm_refs, acct_tags;
} nl_ws_refmaps;

typedef struct nl_refs_build nl_refs_build;

typedef struct {
  nl_ws_hit *slots; /* owned; cap slots, a power of two */
  size_t cap, n;
  uint64_t gen;     /* the nl_ws_generation the slots hold for */
} nl_ws_hits;

struct nl_workspace {
  uv_loop_t *loop;
  const nl_config *cfg;
  char **roots;
  size_t n_roots;

  nl_entry **entries; /* by id; NULL once removed */
  uint64_t *name_mask; /* by id: nl_unicode_char_mask of file name, title, aliases */
  uint64_t *all_mask;  /* by id: the same and the headings */
  uint32_t *first_row; /* by id: the entry's rows in the name table */
  uint32_t *n_rows_of;

  nl_ws_name *rows;    /* the name table (workspace.h) */
  uint64_t *row_masks; /* rows[i].mask, densely; 0 when dead */
  uint8_t *row_kinds;  /* rows[i].kind, densely; NL_WS_DEAD when dead */
  size_t n_rows, cap_rows, dead_rows;
  uint64_t rows_epoch; /* nl_ws_names_epoch */
  char *pool;
  size_t pool_len, pool_cap;
  uint32_t n_ids;
  uint32_t cap_ids;
  size_t live;
  uint64_t seq;
  uint64_t gen;      /* nl_ws_generation */
  uint64_t gen_wide; /* nl_ws_wide_generation */

  nl_idmap paths;   /* hash of the absolute path -> entry (the key is the entry's abs) */
  nl_idmap inodes;  /* hash of device and inode -> the entries read from that file (the key
                       is the entry's dev and ino) */
  nl_strmap files, names, slugs;
  nl_ws_refmaps rm;
  /* Entries with an id below this have their tags, links, mentions and frontmatter names in
   * the reference maps; UINT32_MAX: every entry, now and when added (refs_maps.c). */
  uint32_t refs_upto;
  nl_refs_build *refs_build; /* the thread building the deferred entries' maps, or NULL */
  nl_ws_hits hits; /* what the searches through them resolved (backlinks.c) */

  nl_ws_change_cb change_cb;
  void *change_ud;
  void (*wake)(void *ud); /* set: parsed notes wait for nl_ws_merge */
  void *wake_ud;

  struct nl_vault_scan *vscan; /* running scan or NULL */
  struct nl_attachments *att;  /* the vault's other files (attachments.c), or NULL */
  struct nl_task_rows *tasks;  /* the task table (task_rows.c), NULL before the first task */
  int tasks_lost;              /* the task table ran out of memory: nl_ws_tasks is NULL */
  /* Entries with an id below this have their tasks in the task table; UINT32_MAX: every
   * entry, now and when added (task_rows.c, as refs_upto for the reference maps). */
  uint32_t tasks_upto;
  struct nl_symbol_rows *symbols; /* the symbol table (symbol_table.c), NULL until used */
  char *cache_dir;             /* the index cache's folder (owned), NULL: no cache */
  struct nl_cache_slab **slabs; /* notes read from the cache live in these (owned) */
  size_t n_slabs;
  /* During a scan, the files' parses of the notes open over them, for the tables stored in
   * the index cache (cache_tables.c); by entry id, the notes owned. */
  struct nl_wsi_disk *disk;
  size_t n_disk;
  struct nl_cache_later *later; /* the last scan's cache, still to write (cache_later.c) */
  /* A note was read again or removed during the scan, not by it: its entry may no longer be
   * the parse the scan stored in the cache, so the tables are not stored with it. */
  int scan_stale;
  nl_ws_text_cb text_cb;       /* each scan's read bytes, or NULL (nl_ws_set_text_hook) */
  void *text_ud;
  int ready;
  nl_ws_deps deps; /* dependents.c */
  size_t unreadable; /* folders and notes the last finished scan could not read */
  int capped;        /* the last finished scan stopped at maxNotes */
};

/* ---- keys (name_keys.c) -------------------------------------------------------------------- */

/* A name's key (nl_unicode_key: NFC, case-folded) in a stack buffer, or on the heap when
 * long; release with nl_wsi_key_done. */
typedef struct {
  char buf[256];
  char *heap;
  const char *s;
  size_t len;
} nl_wsi_key;

void nl_wsi_key_make(nl_wsi_key *k, const char *s, size_t len);
/* The slug key of an account name: its key without spaces, '-' and '_'. */
void nl_wsi_slug_make(nl_wsi_key *k, const char *s, size_t len);
void nl_wsi_key_done(nl_wsi_key *k);
/* Adds (add = 1) or removes id under the key `make` computes for s. */
void nl_wsi_map_key(nl_strmap *m, const char *s, size_t len, uint32_t id, int add,
                    void (*make)(nl_wsi_key *, const char *, size_t));
int nl_wsi_same_key(const char *a, const char *b);
/* The last path segment of a link target without ".md" (borrowed from t). */
void nl_wsi_link_base(const char *t, const char **s, size_t *len);

/* ---- entries (workspace.c) ---------------------------------------------------------------- */

/* The entry at absolute path abs, or NULL. */
nl_entry *nl_wsi_by_path(const nl_workspace *ws, const char *abs, size_t len);

/* Puts `note` (steals) in the index at `abs`: replaces the entry's parse or creates one.
 * Returns the entry (borrowed), NULL outside every root or on out of memory. */
nl_entry *nl_wsi_put_note(nl_workspace *ws, const char *abs, nl_note *note, int open);
/* Puts `note` (steals on success) in e's place when it gives the index's maps the same keys
 * and e the same face as e's parse: only e's task and symbol rows are renewed. 1 when it did,
 * 0 (nothing done, note not taken) otherwise. (reparse.c) */
int nl_wsi_put_same_keys(nl_workspace *ws, nl_entry *e, nl_note *note, int open);
/* After every change: checks invariants in debug builds and calls the change callback. */
void nl_wsi_changed(nl_workspace *ws);
/* Removes e from the index (as nl_ws_remove, without the change callback) and returns its
 * parse (new: nl_note_free). */
nl_note *nl_wsi_take_entry(nl_workspace *ws, nl_entry *e);
/* Replaces e's parse by `note` (steals) in every table, its kind recomputed, without the
 * bookkeeping of an update (seq, generations, dependents); returns the old parse (new). */
nl_note *nl_wsi_swap_note(nl_workspace *ws, nl_entry *e, nl_note *note);
/* Sets e's seq, and its rows' in the name table. */
void nl_wsi_set_seq(nl_workspace *ws, nl_entry *e, uint64_t seq);
/* Chunks of a scan merge in the order the thread pool finishes them, so the seqs the scan gave
 * its notes (recency, which ranks completion and workspace/symbol ties) would differ from run
 * to run: deals the same seqs out again in path order, the first path the newest, to the
 * entries put since the index's seq was seq_start. */
void nl_wsi_order_by_path(nl_workspace *ws, uint64_t seq_start);
/* The name table was replaced: memos of its rows no longer serve (nl_ws_names_epoch). */
void nl_wsi_rows_moved(nl_workspace *ws);

/* ---- the reference maps (refs_maps.c) and their searches (backlinks.c) ------------------- */

void nl_wsi_hits_free(nl_ws_hits *h);
void nl_wsi_refmaps_init(nl_ws_refmaps *m);
void nl_wsi_refmaps_free(nl_ws_refmaps *m);

/* Adds (add = 1) or removes e's tags, links, mentions, frontmatter names and account tags in
 * the reference maps; nothing while e is deferred (its id not below refs_upto). */
void nl_wsi_index_refs(nl_workspace *ws, const nl_entry *e, int add);
/* From now on, entries added are left out of the reference maps until nl_wsi_refs_step or
 * nl_wsi_refs_complete puts them in (a scan defers them: they are not needed to be ready). */
void nl_wsi_defer_refs(nl_workspace *ws);
/* Puts deferred entries in the reference maps for about budget_ns, or starts a thread that
 * builds them (0 while it runs: nothing for the loop thread); 1 while some are left. */
int nl_wsi_refs_step(nl_workspace *ws, uint64_t budget_ns);
/* Every deferred entry in the reference maps now (before they are read): the thread's share
 * waited for and installed, the rest put in here. */
void nl_wsi_refs_complete(nl_workspace *ws);
/* e's parse is about to change or go: a thread building the maps from it stops first, and
 * what it built is installed (the rest goes in later). Any entry. */
void nl_wsi_refs_touch(nl_workspace *ws, const nl_entry *e);
/* Stops a thread building the maps and drops what it built (the index is freed). */
void nl_wsi_refs_drop(nl_workspace *ws);

/* ---- the notes that read a changed face (dependents.c) ------------------------------------ */

/* Collects e's id and the notes that may name it by e's file name and by the title and
 * aliases of `note` (borrowed; e's parse before or after the change, NULL: the name alone).
 * Call with the old parse before a change and the new one after. Nothing before the first
 * scan ended, during a scan, or unless tracked. */
void nl_wsi_face_touched(nl_workspace *ws, const nl_entry *e, const nl_note *note);
/* Collects the notes of workspace folder `root` with a link whose last segment is the file
 * name of `name` (a path or a name, borrowed): an attachment came or went. */
void nl_wsi_file_touched(nl_workspace *ws, int root, const char *name);
/* The generation moves (nl_ws_generation); the wide one too (nl_ws_wide_generation) unless
 * `marked` says the change's dependents were collected (and it is tracked), which then moves
 * the seq instead, so that a pull stamp sees the change. */
void nl_wsi_gen_step(nl_workspace *ws, int marked);
void nl_wsi_deps_free(nl_ws_deps *d);

/* ---- attachments (attachments.c) ---------------------------------------------------------- */

void nl_wsi_attachments_free(struct nl_attachments *a);

/* ---- the task table (task_rows.c) --------------------------------------------------------- */

/* Where each entry's rows are in a table that keeps them contiguous (the task and symbol
 * tables): by entry id, its first row and its number of rows (0: none, or dead). */
typedef struct {
  uint32_t *first; /* owned */
  uint32_t *count; /* owned */
  uint32_t ids;    /* capacity of both */
} nl_wsi_spans;

/* Makes room for entry `id` (new ones count 0): 0 or NL_ENOMEM. */
int nl_wsi_spans_grow(nl_wsi_spans *s, uint32_t id);
void nl_wsi_spans_free(nl_wsi_spans *s);

/* Adds (add = 1) e's tasks to the table, or marks them dead, as index_note does its names;
 * nothing while e is deferred (its id not below tasks_upto). */
void nl_wsi_task_rows(nl_workspace *ws, const nl_entry *e, int add);
/* From now on, entries added are left out of the task table until nl_wsi_tasks_step or
 * nl_ws_tasks puts them in: a scan defers them until its index cache is written, so that the
 * table is not built while the scan's and the cache's transient memory is still held (on a
 * second start the cache's install would otherwise build it at the peak). */
void nl_wsi_defer_tasks(nl_workspace *ws);
/* Puts deferred entries' tasks in the table for about budget_ns; 1 while some are left. */
int nl_wsi_tasks_step(nl_workspace *ws, uint64_t budget_ns);
void nl_wsi_task_rows_free(struct nl_task_rows *t);
/* Every live row matches its task and every task has a row; 0 or NL_ECORRUPT with err. */
int nl_wsi_task_rows_check(const nl_workspace *ws, char *err, size_t err_size);

/* ---- the symbol table (symbol_table.c) ---------------------------------------------------- */

/* Adds (add = 1) e's rows to the table, or marks them dead, as index_note does its names;
 * nothing before the table is built. */
void nl_wsi_symbol_rows(nl_workspace *ws, const nl_entry *e, int add);
void nl_wsi_symbol_rows_free(struct nl_symbol_rows *t);
/* Writes the table (or that there is none) into the index cache's tables (cache_tables.c):
 * u8 present; then u64 rows, a u32 count of rows per entry id below ws->n_ids, the rows in id
 * order (their strings' pointers 0), then their masks. */
struct nl_cache_sink;
void nl_wsi_symbol_rows_dump(const nl_workspace *ws, struct nl_cache_sink *s);
/* A new table of the n rows and masks (unaligned bytes) so written, count[ids] rows by id,
 * with room for `room` rows; NULL when they do not fit together or on out of memory. Their
 * strings are not set: nl_wsi_symbol_rows_attach sets them. */
struct nl_symbol_rows *nl_wsi_symbol_rows_load(uint32_t ids, const uint32_t *count,
                                               const void *rows, const void *masks, size_t n,
                                               size_t room);
/* Makes t (steals) ws's symbol table, each row's string found from its entry (whose note must
 * be the parse the rows were written from) and sub: 0, or NL_ECORRUPT when a row names no
 * string or an entry has no rows (t freed, ws's table as it was). */
int nl_wsi_symbol_rows_attach(nl_workspace *ws, struct nl_symbol_rows *t);
/* Every live row matches its string and every entry has its rows; 0 or NL_ECORRUPT. */
int nl_wsi_symbol_rows_check(const nl_workspace *ws, char *err, size_t err_size);

/* ---- where files are (vault_path.c) -------------------------------------------------------- */

/* The live entry, at another path than abs, that was read from the file with this device
 * and inode and still is that file: abs is the same note reached another way (a symlink, a
 * hard link, a loop). NULL when there is none. */
nl_entry *nl_wsi_same_file(nl_workspace *ws, const char *abs, uint64_t dev, uint64_t ino);
/* Records that e was read from the file (dev, ino), replacing what it had. */
void nl_wsi_set_file(nl_workspace *ws, nl_entry *e, uint64_t dev, uint64_t ino);
/* Forgets e's file (before e goes). */
void nl_wsi_clear_file(nl_workspace *ws, nl_entry *e);

/* ---- the tables in the index cache (cache_tables.c) --------------------------------------- */

/* Keeps `note` (steals), the parse of e's file, with its seq (e's when it was e's parse),
 * while e is open during a scan (replacing what was kept for e): the tables stored in the
 * cache describe the files, not the open documents. */
void nl_wsi_keep_disk(nl_workspace *ws, const nl_entry *e, nl_note *note, uint64_t seq);
/* The file's parse kept for entry `id` (borrowed) and its seq in *seq, or NULL. */
nl_note *nl_wsi_disk_note(const nl_workspace *ws, uint32_t id, uint64_t *seq);
/* Frees what nl_wsi_keep_disk kept (the scan ends, or its cache is written: cache_later.c). */
void nl_wsi_disk_free(nl_workspace *ws);
/* Frees the index tables cache_tables.c stores and installs (the entries array, not the entries;
 * the name rows and masks, the pool; the path, inode, file-name, name and slug maps), leaving
 * their fields dangling: the caller frees ws or moves other tables in. */
void nl_wsi_tables_free(nl_workspace *ws);
/* Whether ws's tables can be stored: one folder, and the file's parse kept for every open
 * document. */
int nl_wsi_tables_storable(const nl_workspace *ws);
/* Whether the cache's tables may still be installed in ws: it holds open documents only. */
int nl_wsi_tables_may_serve(const nl_workspace *ws);
/* Writes the tables of ws (the nl_workspace ud: its entries without their notes, masks, name
 * table, path, inode, file-name, name and slug maps, symbol table when built, each open
 * document's as its file's parse gives them) to s, an nl_cache_tables_fn; 0, or NL_EINVAL
 * before writing anything when they cannot be stored. */
int nl_wsi_tables_dump(void *ud, struct nl_cache_sink *s);
/* A new index (nl_ws_free; no loop, no configuration) holding the tables dumped into
 * data[0, len) for workspace folder `root`, its entries without notes; NULL when data does not
 * read back whole. Safe on any thread. */
nl_workspace *nl_wsi_tables_load(const void *data, size_t len, const char *root);
/* Moves the tables of t (whose entries the caller gave their notes) into ws, which holds
 * open documents only (nl_wsi_tables_may_serve), then builds the task rows and (unless
 * deferred) the reference maps from the notes, drops the entries whose ids are gone[n_gone]
 * (their files are gone; t's ids), and puts each open document back over its
 * file's entry (keeping the file's parse, nl_wsi_keep_disk, and the entry's seq). 0; 1 when
 * an open document is no file of t (its seq is the newest: deal them in path order); or
 * NL_EINVAL when ws holds other notes or not t's folder alone, or an entry of t has no note
 * or another kind under ws's configuration, or NL_ENOMEM: then nothing moved. */
int nl_wsi_tables_install(nl_workspace *ws, nl_workspace *t, const uint32_t *gone,
                          size_t n_gone);

/* Frees the slabs of notes read from the index cache (lsp/index/cache.h) that no entry's
 * note lives in any more (a scan ends), or every slab, after every entry (nl_ws_free). */
void nl_wsi_free_unused_slabs(nl_workspace *ws);
void nl_wsi_slabs_free(nl_workspace *ws);

/* ---- reading (vault_path.c, vault_scan.c) -------------------------------------------------- */

int nl_wsi_has_md_suffix(const char *name);
/* Reads a note file into a new buffer (*text, NUL-terminated; free()). Returns 0; 1 when it
 * is skipped (too large, binary), with the reason logged; a negative errno when it cannot be
 * read. */
int nl_wsi_read_note(const char *abs, size_t max_size, char **text, size_t *len);
/* The same, and the file's status as read (st may be NULL). */
int nl_wsi_read_note_st(const char *abs, size_t max_size, char **text, size_t *len,
                        struct stat *st);
/* ---- the index cache written after a scan (cache_later.c) ---------------------------------- */

typedef struct nl_cache_later nl_cache_later;
/* A new, empty list of the notes a scan parsed, for its cache (free with nl_wsi_later_free,
 * which accepts NULL and aborts the writers it was given: the old cache stays). */
nl_cache_later *nl_wsi_later_new(void);
void nl_wsi_later_free(nl_cache_later *l);
/* Lists `note` (borrowed, never read unless still entry e's, or e's file's parse kept while
 * e is open: nl_wsi_keep_disk, by pointer and by `seq`, that parse's), parsed from a file of
 * stamp st (copied), to be written to the cache; on the loop thread, as the note goes in. 0,
 * or -1 out of memory (not cached). */
int nl_wsi_later_note(nl_cache_later *l, const nl_entry *e, const nl_note *note, uint64_t seq,
                      const nl_cache_stamp *st);
/* Drops the listed notes whose entry holds another parse now (l may be NULL); call before a
 * scan's seqs are dealt again in path order (nl_wsi_order_by_path), which nl_wsi_later_start
 * then takes over. */
void nl_wsi_later_settle(nl_workspace *ws, nl_cache_later *l);
/* The scan is ready: ws takes l (steals) and the scan's readers and writers (each moved out
 * of the arrays, which stay the caller's; `roots` is copied). Finishes an earlier one first;
 * nothing when l is NULL. */
void nl_wsi_later_start(nl_workspace *ws, nl_cache_later *l, char **roots,
                        nl_cache_reader **readers, nl_cache_writer **writers,
                        size_t n_roots, size_t n_files);
/* Writes listed notes whose entry still holds them for about budget_ns (a run of up to
 * NL_CACHE_ADD_MAX at least, in one write), then commits the cache; 1 while some work is
 * left, 0 when there is none (nl_ws_merge calls it). */
int nl_wsi_later_step(nl_workspace *ws, uint64_t budget_ns);
/* Writes and commits what is left now (a new scan, nl_ws_free); nothing when nothing is. */
void nl_wsi_later_finish(nl_workspace *ws);

/* Frees a scan, merged or not, and detaches it from its index; and the slabs of cached notes
 * no entry uses any more (nl_wsi_free_unused_slabs). */
void nl_wsi_scan_free(struct nl_vault_scan *sc);


#endif
