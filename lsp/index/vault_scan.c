/* vault_scan.c: the first scan of every root. The walk and the parses run on libuv's thread
 * pool; parsed notes are merged into the index on the loop thread, in slices between requests
 * when the server sets a waker. A second start whose notes all come from the index cache takes
 * the index tables from it too (cache_tables.c). */
#include "lsp/index/workspace_impl.h"

#include "lsp/base/error.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lsp/base/file.h"
#include "lsp/base/log.h"
#include "lsp/base/path.h"
#include "lsp/index/cache.h"

/* ---- scanning ---------------------------------------------------------------------------- */

typedef struct {
  char *abs;
  nl_note *note; /* set by the chunk's work */
  /* The file's stamp: with an index cache to consult, taken by the walk relative to its folder
   * (a stat by the whole path walks every component again), else its identity (dev, ino) from
   * the walk and size UINT64_MAX; once the file is read, the read's. */
  nl_cache_stamp stamp;
  unsigned char cached; /* the note came from the index cache */
  unsigned char write;  /* the note goes to the new cache once the scan is ready */
} vs_file;

typedef struct {
  dev_t dev;
  ino_t ino;
} dir_id;

typedef struct nl_vault_scan {
  nl_workspace *ws;
  uv_work_t walk_req;
  uv_work_t cache_req; /* opens the index caches and reads their notes while the walk runs */
  size_t prep_left;    /* of the walk and cache_req, those whose after-callback has not run */
  nl_ws_progress_cb cb;
  void *ud;
  /* Copies taken on the loop thread so the walk and the parses read nothing the loop may
   * change (the configuration can be replaced while they run). */
  nl_config *cfg;
  char **roots;
  size_t n_roots;
  vs_file *files;
  size_t n_files, cap_files;
  char **attachments;             /* other files found by the walk (abs, new) */
  size_t n_attachments, cap_attachments;
  dir_id *dirs;
  size_t n_dirs, cap_dirs;
  size_t chunks_left;
  size_t done;
  _Atomic int stop;   /* cancelled: the walk and the chunks on the thread pool stop early */
  size_t running;     /* work requests whose after-callback has not run */
  struct vs_chunk **chunks; /* by index, until their after-callback ran (for uv_cancel) */
  size_t n_chunks;
  int capped;         /* the walk stopped at maxNotes */
  _Atomic size_t unreadable; /* folders and notes that could not be read (logged) */
  /* The index cache, one reader and one writer per root (NULL entries: none). */
  char *cache_dir;
  int64_t since_ns;
  nl_ws_text_cb text_cb; /* the workspace's, when the scan started */
  void *text_ud;
  nl_cache_reader **readers;
  nl_cache_writer **writers;
  nl_cache_later *later; /* the notes parsed, for the writers (cache_later.c) */
  int any_reader; /* some root has a cache: the walk takes each note's stamp */
  struct vs_chunk *parsed, *parsed_tail; /* parsed chunks waiting to be merged, in order */
  /* The index tables from the cache (cache_tables.c) while they may serve: parsed chunks
   * then wait, unmerged, until all are parsed (n_waiting of chunks_left). */
  nl_workspace *tables;
  size_t n_waiting;
  int want_tables; /* the index was empty when the scan began: the tables may serve */
  uint64_t seq_start; /* the index's seq when the scan started */
} vault_scan;

typedef struct vs_chunk {
  uv_work_t req;
  vault_scan *sc;
  size_t index;
  size_t first, count;
  size_t merged;                  /* files of this chunk merged so far */
  struct vs_chunk *next;
} vs_chunk;

#define CHUNK_FILES 32

static int skip_dir_name(const char *name) {
  /* Hidden folders cover .git, .obsidian and .trash. */
  return name[0] == '.' || strcmp(name, "node_modules") == 0;
}

static int visited(vault_scan *sc, dev_t dev, ino_t ino) {
  for (size_t i = 0; i < sc->n_dirs; i++)
    if (sc->dirs[i].dev == dev && sc->dirs[i].ino == ino) return 1;
  if (sc->n_dirs == sc->cap_dirs) {
    size_t cap = sc->cap_dirs ? sc->cap_dirs * 2 : 64;
    dir_id *d = realloc(sc->dirs, cap * sizeof(*d));
    if (d == NULL) return 1;
    sc->dirs = d;
    sc->cap_dirs = cap;
  }
  sc->dirs[sc->n_dirs++] = (dir_id){dev, ino};
  return 0;
}

static void add_file(vault_scan *sc, const char *abs, const nl_cache_stamp *stamp) {
  if (sc->n_files >= sc->cfg->max_notes) {
    sc->capped = 1;
    return;
  }
  if (sc->n_files == sc->cap_files) {
    size_t cap = sc->cap_files ? sc->cap_files * 2 : 1024;
    vs_file *f = realloc(sc->files, cap * sizeof(*f));
    if (f == NULL) return;
    sc->files = f;
    sc->cap_files = cap;
  }
  char *copy = strdup(abs);
  if (copy == NULL) return;
  sc->files[sc->n_files++] = (vs_file){copy, NULL, *stamp, 0, 0};
}

/* Any other file: only its name is kept (lsp/index/attachments.c), added on the loop thread. */
static void add_attachment(vault_scan *sc, const char *abs) {
  if (sc->n_attachments == sc->cap_attachments) {
    size_t cap = sc->cap_attachments ? sc->cap_attachments * 2 : 256;
    char **a = realloc(sc->attachments, cap * sizeof(*a));
    if (a == NULL) return;
    sc->attachments = a;
    sc->cap_attachments = cap;
  }
  char *copy = strdup(abs);
  if (copy != NULL) sc->attachments[sc->n_attachments++] = copy;
}

/* A symlink is followed only when its target stays inside the root. */
static int link_inside(const char *path, const char *root_real) {
  char *real = nl_path_real_within(root_real, path, NULL);
  free(real);
  return real != NULL;
}

static void walk_dir(vault_scan *sc, const nl_config *cfg, const char *root, const char *root_real,
                     char *path, size_t len, int depth) {
  if (depth > 64) return;
  DIR *d = opendir(path);
  if (d == NULL) {
    nl_log(NL_LOG_WARN, "cannot read folder (%s): %s", strerror(errno), path);
    sc->unreadable++;
    return;
  }
  struct stat st = {0};
  if (fstat(dirfd(d), &st) == 0 && visited(sc, st.st_dev, st.st_ino)) {
    closedir(d);
    return;
  }
  const uint64_t dir_dev = (uint64_t)st.st_dev; /* a folder's entries share its device */
  struct dirent *de;
  while ((de = readdir(d)) != NULL && !sc->stop && !sc->capped) {
    const char *name = de->d_name;
    uint64_t dev = dir_dev, ino = (uint64_t)de->d_ino;
    if (name[0] == '.') continue; /* hidden files and folders, "." and ".." */
    size_t nlen = strlen(name);
    if (len + 1 + nlen + 1 > 4096) continue;
    path[len] = '/';
    memcpy(path + len + 1, name, nlen + 1);
    size_t plen = len + 1 + nlen;
    const char *rel = path + strlen(root) + 1;
    unsigned char type = de->d_type;
    if (type == DT_LNK) {
      if (!link_inside(path, root_real) || stat(path, &st) != 0) continue;
      type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
      dev = (uint64_t)st.st_dev, ino = (uint64_t)st.st_ino;
    } else if (type == DT_UNKNOWN) {
      if (lstat(path, &st) != 0) continue;
      type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
      dev = (uint64_t)st.st_dev, ino = (uint64_t)st.st_ino;
    }
    if (nl_config_ignored(cfg, rel)) continue;
    if (type == DT_DIR) {
      if (!skip_dir_name(name)) walk_dir(sc, cfg, root, root_real, path, plen, depth + 1);
    } else if (type == DT_REG && nl_wsi_has_md_suffix(name)) {
      nl_cache_stamp stamp = {.size = UINT64_MAX, .ino = ino, .dev = dev};
      /* A link or an entry of unknown type was stat'ed above. */
      if (sc->any_reader && (de->d_type != DT_REG || fstatat(dirfd(d), name, &st, 0) == 0))
        nl_cache_stamp_of(&st, &stamp);
      add_file(sc, path, &stamp);
    } else if (type == DT_REG && name[0] != '.') {
      add_attachment(sc, path);
    }
  }
  path[len] = '\0';
  closedir(d);
}

/* On a thread of its own, beside the walk: every root's cache, its notes read at once. */
static void cache_work(uv_work_t *req) {
  vault_scan *sc = req->data;
  for (size_t i = 0; i < sc->n_roots && !sc->stop; i++) {
    sc->readers[i] = nl_cache_open(sc->cache_dir, sc->roots[i]);
    sc->writers[i] = nl_cache_writer_new(sc->cache_dir, sc->roots[i], sc->since_ns);
  }
  /* The tables first: their bytes leave memory before the notes are read. */
  size_t len;
  const void *t = sc->n_roots == 1 && sc->want_tables && !sc->stop ? nl_cache_tables(sc->readers[0], &len)
                                                              : NULL;
  if (t != NULL && (sc->tables = nl_wsi_tables_load(t, len, sc->roots[0])) == NULL) {
    nl_log(NL_LOG_INFO, "ignored the index cache's tables: they do not read back");
    nl_cache_drop_tables(sc->readers[0]);
  }
  nl_cache_tables_done(sc->readers[0]);
  for (size_t i = 0; i < sc->n_roots && !sc->stop; i++)
    if (sc->readers[i] != NULL) nl_cache_read_records(sc->readers[i]);
}

static void walk_work(uv_work_t *req) {
  vault_scan *sc = req->data;
  for (size_t i = 0; i < sc->n_roots && sc->cache_dir != NULL; i++)
    sc->any_reader |= nl_cache_exists(sc->cache_dir, sc->roots[i]);
  char *path = malloc(4097);
  if (path == NULL) return;
  for (size_t i = 0; i < sc->n_roots; i++) {
    const char *root = sc->roots[i];
    char *root_real = realpath(root, NULL);
    if (root_real == NULL) {
      nl_log(NL_LOG_WARN, "cannot open workspace folder (%s): %s", strerror(errno), root);
      sc->unreadable++;
      continue;
    }
    size_t len = strlen(root);
    if (len < 4096) {
      memcpy(path, root, len + 1);
      walk_dir(sc, nl_config_at(sc->cfg, root), root, root_real, path, len, 0);
    }
    free(root_real);
  }
  free(path);
}

/* The note at f->abs (inside root r) from the cache when its file is unchanged since the walk
 * took its stamp, else read and parsed; either way handed to the new cache. */
static nl_note *load_note(vault_scan *sc, size_t r, vs_file *f) {
  const char *abs = f->abs, *rel = abs + strlen(sc->roots[r]) + 1;
  nl_cache_stamp stamp = f->stamp;
  struct stat st;
  nl_note *note = NULL;
  if (sc->readers[r] != NULL && stamp.size <= sc->cfg->max_file_size) {
    note = nl_cache_load(sc->readers[r], rel, &stamp);
    f->cached = note != NULL;
    if (note != NULL && sc->writers[r] != NULL &&
        nl_cache_keep(sc->writers[r], sc->readers[r], rel) == 0)
      return note;
  }
  if (note == NULL) {
    char *text;
    size_t len;
    int rc = nl_wsi_read_note_st(abs, sc->cfg->max_file_size, &text, &len, &st);
    if (rc < 0) {
      nl_log(NL_LOG_WARN, "cannot read note (%s): %s", nl_strerror(rc), abs);
      sc->unreadable++;
    }
    if (rc != 0) return NULL;
    note = nl_note_parse(text, len); /* compacted by the parse */
    if (sc->text_cb == NULL || !sc->text_cb(sc->text_ud, abs, text, len)) free(text);
    nl_cache_stamp_of(&st, &stamp);
  }
  f->stamp = stamp;
  f->write = note != NULL && sc->writers[r] != NULL; /* once the scan is ready: cache_later.c */
  return note;
}

static void chunk_work(uv_work_t *req) {
  vs_chunk *c = req->data;
  vault_scan *sc = c->sc;
  for (size_t i = c->first; i < c->first + c->count && !sc->stop; i++) {
    vs_file *f = &sc->files[i];
    /* The parse wants the vault-relative path; find the root the walk found it under. */
    size_t root = 0, root_len = 0;
    for (size_t r = 0; r < sc->n_roots; r++) {
      size_t n = strlen(sc->roots[r]);
      if (strncmp(f->abs, sc->roots[r], n) == 0 && f->abs[n] == '/' && n >= root_len)
        root = r, root_len = n;
    }
    f->note = load_note(sc, root, f);
  }
}

void nl_wsi_scan_free(vault_scan *sc) {
  for (size_t i = 0; i < sc->n_files; i++) {
    free(sc->files[i].abs);
    nl_note_free(sc->files[i].note);
  }
  if (sc->ws->later == NULL) nl_wsi_disk_free(sc->ws); /* else kept for its cache's tables */
  nl_wsi_free_unused_slabs(sc->ws);
  nl_wsi_later_free(sc->later);
  for (vs_chunk *c = sc->parsed; c != NULL;) {
    vs_chunk *next = c->next;
    free(c);
    c = next;
  }
  for (size_t i = 0; i < sc->n_roots; i++) {
    free(sc->roots[i]);
    nl_cache_reader_free(sc->readers[i]);
    nl_cache_abort(sc->writers[i]); /* a scan cut short leaves the old cache */
  }
  free(sc->readers);
  free(sc->writers);
  nl_ws_free(sc->tables);
  free(sc->cache_dir);
  free(sc->roots);
  free(sc->files);
  for (size_t i = 0; i < sc->n_attachments; i++) free(sc->attachments[i]);
  free(sc->attachments);
  free(sc->dirs);
  free(sc->chunks);
  nl_config_free(sc->cfg);
  sc->ws->vscan = NULL;
  free(sc);
}

static void scan_finish(vault_scan *sc, int in_order) {
  nl_workspace *ws = sc->ws;
  nl_wsi_later_settle(ws, sc->later);
  if (!in_order) nl_wsi_order_by_path(ws, sc->seq_start); /* the tables' seqs are in path order */
  for (size_t i = 0; i < sc->n_attachments; i++) nl_ws_attachment_add(ws, sc->attachments[i]);
  nl_wsi_later_start(ws, sc->later, sc->roots, sc->readers, sc->writers, sc->n_roots, sc->n_files);
  sc->later = NULL;
  ws->ready = 1;
  ws->unreadable = sc->unreadable;
  ws->capped = sc->capped;
  nl_ws_progress_cb cb = sc->cb;
  void *ud = sc->ud;
  size_t total = sc->n_files;
  nl_wsi_scan_free(sc);
  if (cb != NULL) cb(ws, ud, total, total, 1);
  nl_wsi_changed(ws);
  if (ws->later != NULL && ws->wake != NULL) ws->wake(ws->wake_ud); /* then nl_ws_merge writes */
  else nl_wsi_later_finish(ws);
}

/* Merges one parsed file of chunk c into the index; returns 1 when the chunk is done. */
static int merge_one(vs_chunk *c) {
  vault_scan *sc = c->sc;
  vs_file *f = &sc->files[c->first + c->merged++];
  if (f->note != NULL) {
    nl_entry *e = nl_ws_by_path(sc->ws, f->abs);
    nl_entry *same = e == NULL ? nl_wsi_same_file(sc->ws, f->abs, f->stamp.dev, f->stamp.ino) : NULL;
    if (same != NULL) {
      nl_log(NL_LOG_DEBUG, "skipped %s: the same file as %s", f->abs, same->abs);
    } else if (e == NULL || !e->open) { /* the open document wins over disk */
      e = nl_wsi_put_note(sc->ws, f->abs, f->note, 0);
      f->note = NULL;
      if (e != NULL) nl_wsi_set_file(sc->ws, e, f->stamp.dev, f->stamp.ino);
      if (e != NULL && f->write) nl_wsi_later_note(sc->later, e, e->note, e->seq, &f->stamp);
    } else { /* kept for the cache's tables, which describe the files */
      if (f->write) nl_wsi_later_note(sc->later, e, f->note, e->seq, &f->stamp);
      nl_wsi_keep_disk(sc->ws, e, f->note, e->seq);
      f->note = NULL;
    }
    int r = f->note != NULL && f->write ? nl_ws_root_of(sc->ws, f->abs) : -1;
    if (r >= 0 && sc->writers[r] != NULL) /* not the index's, but the file's parse */
      nl_cache_add(sc->writers[r], f->abs + strlen(sc->roots[r]) + 1, &f->stamp, f->note);
  }
  /* The entry has its own copy: the scan's goes now, not at the end (peak memory). */
  nl_note_free(f->note);
  f->note = NULL;
  free(f->abs);
  f->abs = NULL;
  return c->merged == c->count;
}

/* A chunk is merged: count it, report progress, finish the scan after the last one. */
static void chunk_merged(vs_chunk *c) {
  vault_scan *sc = c->sc;
  nl_workspace *ws = sc->ws;
  sc->done += c->count;
  free(c);
  if (--sc->chunks_left == 0) {
    scan_finish(sc, 0);
    return;
  }
  if (sc->cb != NULL) sc->cb(ws, sc->ud, sc->done, sc->n_files, 0);
}

/* After nl_ws_cancel_scan: every work request reports back, then the scan goes. */
static void stopped_one(vault_scan *sc) {
  if (--sc->running == 0) nl_wsi_scan_free(sc);
}

/* The stored parse of every note of the tables that no file gave unchanged (changed or removed
 * while the server was down), so that it can be replaced or dropped; the ids without a file
 * in gone[*n_gone]. 0, or -1 when a record does not read back. */
static int stored_notes(vault_scan *sc, const uint8_t *seen, uint32_t *gone, size_t *n_gone) {
  nl_workspace *t = sc->tables;
  for (uint32_t id = 0; id < t->n_ids; id++) {
    nl_entry *e = t->entries[id];
    if (e == NULL || e->note != NULL) continue;
    if ((e->note = nl_cache_load_stored(sc->readers[0], e->rel)) == NULL) return -1;
    if (!seen[id]) gone[(*n_gone)++] = id;
  }
  return 0;
}

/* Installs the cache's tables: each entry takes its note when the walk found its file
 * unchanged, else its stored parse (nl_cache_load_stored), which the merge of the notes read
 * anew then replaces; an entry whose file is gone is dropped. Returns 0 when not installed; 1
 * when every note came unchanged and the seqs are in path order; 2 when an open document is
 * no file of the tables (the seqs need dealing); 3 when notes read anew wait to be merged. */
static int install_tables(vault_scan *sc) {
  nl_workspace *t = sc->tables;
  size_t n = 0, n_gone = 0, anew = 0;
  int rc = -1;
  uint8_t *seen = calloc(t->n_ids + 1, 1);
  uint32_t *gone = malloc((t->n_ids + 1) * sizeof(*gone));
  int ok = seen != NULL && gone != NULL;
  for (size_t i = 0; i < sc->n_files && ok; i++) {
    vs_file *f = &sc->files[i];
    nl_entry *e = f->note != NULL ? nl_wsi_by_path(t, f->abs, strlen(f->abs)) : NULL;
    anew += f->note != NULL && (e == NULL || !f->cached);
    if (e == NULL) continue;
    seen[e->id] = 1;
    if (!f->cached) continue;
    e->note = f->note;
    f->cached = 2; /* its note is the entry's */
    n++;
  }
  ok = ok && stored_notes(sc, seen, gone, &n_gone) == 0 &&
       (rc = nl_wsi_tables_install(sc->ws, t, gone, n_gone)) >= 0;
  for (size_t i = 0; i < sc->n_files; i++) {
    vs_file *f = &sc->files[i];
    if (f->cached != 2) continue;
    f->cached = 1;
    if (ok) f->note = NULL;
    else nl_wsi_by_path(t, f->abs, strlen(f->abs))->note = NULL; /* still the file's */
  }
  free(seen);
  free(gone);
  nl_ws_free(t);
  sc->tables = NULL;
  if (ok)
    nl_log(NL_LOG_INFO, "index tables from the index cache: %zu notes, %zu read anew, %zu gone%s",
           n, anew, n_gone, sc->ws->symbols != NULL ? ", the symbol table with them" : "");
  else nl_cache_drop_tables(sc->readers[0]); /* other notes: anew */
  return !ok ? 0 : anew > 0 ? 3 : 1 + rc;
}

/* Every chunk is parsed while the cache's tables wait: installs them (the waiting chunks go
 * with the scan), or merges as usual; a waker then builds the reference maps or merges. */
static void all_parsed(vault_scan *sc) {
  nl_workspace *ws = sc->ws;
  int installed = install_tables(sc);
  if (installed == 1 || installed == 2) {
    sc->done = sc->n_files;
    scan_finish(sc, installed == 1);
  }
  if (ws->wake != NULL) ws->wake(ws->wake_ud);
  else nl_ws_merge(ws, UINT64_MAX);
}

static void chunk_after(uv_work_t *req, int status) {
  vs_chunk *c = req->data;
  vault_scan *sc = c->sc;
  nl_workspace *ws = sc->ws;
  sc->chunks[c->index] = NULL;
  if (sc->stop) {
    free(c);
    stopped_one(sc);
    return;
  }
  sc->running--;
  if (ws->wake == NULL && sc->tables == NULL) {
    while (!merge_one(c)) {
    }
    chunk_merged(c);
    return;
  }
  /* Merged later in slices by nl_ws_merge, so requests keep flowing while a large vault is
   * indexed: libuv runs every finished chunk's callback in one go. */
  if (sc->parsed_tail != NULL)
    sc->parsed_tail->next = c;
  else
    sc->parsed = c;
  sc->parsed_tail = c;
  if (sc->tables != NULL && nl_wsi_tables_may_serve(ws)) {
    if (++sc->n_waiting == sc->chunks_left) all_parsed(sc);
    return;
  }
  if (sc->tables != NULL) { /* a note changed meanwhile: the tables cannot serve, merge */
    nl_ws_free(sc->tables);
    sc->tables = NULL;
  }
  if (ws->wake != NULL) ws->wake(ws->wake_ud);
  else nl_ws_merge(ws, UINT64_MAX);
}

int nl_ws_merge(nl_workspace *ws, uint64_t budget_ns) {
  uint64_t start = uv_hrtime();
  unsigned n = 0;
  while (ws->vscan != NULL && ws->vscan->parsed != NULL && !ws->vscan->stop &&
         ws->vscan->tables == NULL) {
    vault_scan *sc = ws->vscan;
    vs_chunk *c = sc->parsed;
    if (merge_one(c)) {
      sc->parsed = c->next;
      if (sc->parsed == NULL) sc->parsed_tail = NULL;
      chunk_merged(c); /* may finish and free the vault_scan */
    }
    if (++n % 8 == 0 && uv_hrtime() - start >= budget_ns) break;
  }
  if (ws->vscan != NULL)
    return ws->vscan->parsed != NULL && !ws->vscan->stop && ws->vscan->tables == NULL;
  if (n > 0) return 1; /* the scan ended in this slice: ready goes out before what follows */
  /* Its cache, then the task table, then its maps on their thread (the cache's writer and the
   * maps at once: the peak 20 MiB higher; the task table before the writer is done: 10 MiB). */
  uint64_t spent = uv_hrtime() - start;
  if (nl_wsi_later_step(ws, spent < budget_ns ? budget_ns - spent : 0)) return 1;
  spent = uv_hrtime() - start;
  if (nl_wsi_tasks_step(ws, spent < budget_ns ? budget_ns - spent : 0)) return 1;
  spent = uv_hrtime() - start;
  return nl_wsi_refs_step(ws, spent < budget_ns ? budget_ns - spent : 0);
}

void nl_ws_set_waker(nl_workspace *ws, void (*wake)(void *ud), void *ud) {
  ws->wake = wake;
  ws->wake_ud = ud;
}

void nl_ws_set_text_hook(nl_workspace *ws, nl_ws_text_cb cb, void *ud) {
  ws->text_cb = cb;
  ws->text_ud = ud;
}

/* The walk and the caches are ready: the chunks start. */
static void start_chunks(vault_scan *sc) {
  if (sc->capped)
    for (size_t i = 0; i < sc->n_roots; i++)
      nl_log(NL_LOG_WARN, "indexing only %zu notes (the maxNotes setting) in %s: it holds more",
             sc->n_files, sc->roots[i]);
  nl_log(NL_LOG_INFO, "indexing %zu notes", sc->n_files);
  if (sc->cb != NULL) sc->cb(sc->ws, sc->ud, 0, sc->n_files, 0);
  size_t n_chunks = (sc->n_files + CHUNK_FILES - 1) / CHUNK_FILES;
  if (n_chunks == 0) {
    scan_finish(sc, 0);
    return;
  }
  sc->chunks_left = n_chunks;
  sc->chunks = calloc(n_chunks, sizeof(*sc->chunks));
  sc->n_chunks = sc->chunks != NULL ? n_chunks : 0;
  for (size_t i = 0; i < n_chunks; i++) {
    vs_chunk *c = sc->chunks != NULL ? calloc(1, sizeof(*c)) : NULL;
    size_t first = i * CHUNK_FILES;
    size_t count = sc->n_files - first < CHUNK_FILES ? sc->n_files - first : CHUNK_FILES;
    if (c == NULL) {
      /* Out of memory: count the chunk as done so the scan still finishes. */
      sc->done += count;
      if (--sc->chunks_left == 0) scan_finish(sc, 0);
      else if (sc->tables != NULL && sc->n_waiting == sc->chunks_left) all_parsed(sc);
      continue;
    }
    c->sc = sc;
    c->index = i;
    c->first = first;
    c->count = count;
    c->req.data = c;
    sc->chunks[i] = c;
    sc->running++;
    uv_queue_work(sc->ws->loop, &c->req, chunk_work, chunk_after);
  }
}

static void prep_done(vault_scan *sc) {
  if (--sc->prep_left == 0) start_chunks(sc);
}

static void walk_after(uv_work_t *req, int status) {
  vault_scan *sc = req->data;
  if (sc->stop) {
    stopped_one(sc);
    return;
  }
  sc->running--;
  prep_done(sc);
}

/* The slabs the caches read belong to the index from now on: its entries' notes live there. */
static void cache_after(uv_work_t *req, int status) {
  vault_scan *sc = req->data;
  nl_workspace *ws = sc->ws;
  for (size_t i = 0; i < sc->n_roots; i++) {
    nl_cache_slab *s = nl_cache_take_slab(sc->readers[i]);
    if (s == NULL) continue;
    nl_cache_slab **slabs = realloc(ws->slabs, (ws->n_slabs + 1) * sizeof(*slabs));
    if (slabs == NULL) { /* its notes are read one by one after all */
      nl_cache_reader_free(sc->readers[i]);
      sc->readers[i] = NULL;
      nl_cache_slab_free(s);
      continue;
    }
    ws->slabs = slabs;
    ws->slabs[ws->n_slabs++] = s;
  }
  if (sc->stop) {
    stopped_one(sc);
    return;
  }
  sc->running--;
  prep_done(sc);
}

int nl_ws_scan(nl_workspace *ws, nl_ws_progress_cb cb, void *ud) {
  if (ws->vscan != NULL) return NL_EBUSY;
  nl_wsi_later_finish(ws); /* the last scan's cache, before this one reads it */
  vault_scan *sc = calloc(1, sizeof(*sc));
  if (sc == NULL) return NL_ENOMEM;
  sc->ws = ws;
  sc->cb = cb;
  sc->ud = ud;
  sc->text_cb = ws->text_cb;
  sc->text_ud = ws->text_ud;
  sc->seq_start = ws->seq;
  sc->want_tables = ws->n_ids == 0;
  ws->scan_stale = 0;
  sc->roots = calloc(ws->n_roots + 1, sizeof(char *));
  sc->readers = calloc(ws->n_roots + 1, sizeof(nl_cache_reader *));
  sc->writers = calloc(ws->n_roots + 1, sizeof(nl_cache_writer *));
  sc->cfg = nl_config_copy(ws->cfg);
  int use_cache = ws->cache_dir != NULL && ws->cfg->cache;
  sc->cache_dir = use_cache ? strdup(ws->cache_dir) : NULL;
  sc->later = use_cache ? nl_wsi_later_new() : NULL;
  if (sc->roots == NULL || sc->readers == NULL || sc->writers == NULL || sc->cfg == NULL ||
      (use_cache && (sc->cache_dir == NULL || sc->later == NULL))) {
    nl_wsi_scan_free(sc); /* its parts; between scans ws holds no disk parse or unused slab */
    return NL_ENOMEM;
  }
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  sc->since_ns = (int64_t)now.tv_sec * 1000000000LL + now.tv_nsec;
  for (size_t i = 0; i < ws->n_roots; i++) sc->roots[sc->n_roots++] = strdup(ws->roots[i]);
  sc->walk_req.data = sc;
  sc->cache_req.data = sc;
  sc->running = 1;
  sc->prep_left = 1;
  ws->vscan = sc;
  /* Merged in slices: the reference maps wait until the scan is over (backlinks.c), the task
   * table until its index cache is written (task_rows.c). */
  if (ws->wake != NULL) nl_wsi_defer_refs(ws);
  if (ws->wake != NULL) nl_wsi_defer_tasks(ws);
  int rc = uv_queue_work(ws->loop, &sc->walk_req, walk_work, walk_after);
  if (rc != 0) {
    nl_wsi_scan_free(sc);
    return NL_ELOOP;
  }
  if (sc->cache_dir != NULL &&
      uv_queue_work(ws->loop, &sc->cache_req, cache_work, cache_after) == 0) {
    sc->running++;
    sc->prep_left++;
  }
  return 0;
}

void nl_ws_cancel_scan(nl_workspace *ws) {
  vault_scan *sc = ws->vscan;
  if (sc == NULL || sc->stop) return;
  sc->stop = 1;
  nl_log(NL_LOG_INFO, "indexing stopped after %zu of %zu notes", sc->done, sc->n_files);
  /* What has not started never will; what runs sees the flag between two files. */
  uv_cancel((uv_req_t *)&sc->walk_req);
  uv_cancel((uv_req_t *)&sc->cache_req);
  for (size_t i = 0; i < sc->n_chunks; i++)
    if (sc->chunks[i] != NULL) uv_cancel((uv_req_t *)&sc->chunks[i]->req);
  /* Parsed chunks waiting to be merged hold no work request. */
  if (sc->running == 0) nl_wsi_scan_free(sc);
}

int nl_ws_scanning(const nl_workspace *ws) { return ws->vscan != NULL && !ws->vscan->stop; }
size_t nl_ws_unreadable(const nl_workspace *ws) { return ws->unreadable; }
int nl_ws_capped(const nl_workspace *ws) { return ws->capped; }
int nl_ws_set_cache_dir(nl_workspace *ws, const char *dir) {
  char *copy = dir != NULL ? strdup(dir) : NULL;
  if (dir != NULL && copy == NULL) return NL_ENOMEM;
  free(ws->cache_dir);
  ws->cache_dir = copy;
  return 0;
}

int nl_ws_ready(const nl_workspace *ws) { return ws->ready; }
