/* The index. Maps, all keyed by nl_unicode_key (NFC, case-folded) unless said otherwise:
 *   paths   absolute path (bytes)                -> entry id
 *   files   file name without .md                -> entry ids
 *   names   frontmatter title and aliases        -> entry ids (when not equal to the file name)
 *   slugs   account names without ' ', '-', '_'  -> account entry ids
 *   tags    tag as written                       -> how many times it is used (counter mode)
 *   refs    link target's last path segment      -> id of the linking note, once per link
 *   said    a mention's first word               -> id of the mentioning note, once each
 * Every map entry of a note is added by index_note(+1) and removed by index_note(-1) with the
 * same parse, so an update is proportional to the note. */
#include "lsp/index/workspace.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lsp/base/log.h"
#include "lsp/base/strmap.h"
#include "lsp/base/unicode.h"
#include "protocol/lsp_types.h"

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
  char *pool;
  size_t pool_len, pool_cap;
  uint32_t n_ids;
  uint32_t cap_ids;
  size_t live;
  uint64_t seq;

  nl_strmap paths, files, names, slugs, tags, refs, said;

  nl_ws_change_cb change_cb;
  void *change_ud;
  void (*wake)(void *ud); /* set: parsed notes wait for nl_ws_merge */
  void *wake_ud;

  struct scan *scan; /* running scan or NULL */
  int ready;
};

/* ---- keys -------------------------------------------------------------------------------- */

typedef struct {
  char buf[256];
  char *heap;
  const char *s;
  size_t len;
} key_t_;

static void key_make(key_t_ *k, const char *s, size_t len) {
  k->heap = NULL;
  size_t n = nl_unicode_key_into(s, len, k->buf, sizeof(k->buf));
  if (n < sizeof(k->buf)) {
    k->s = k->buf;
    k->len = n;
    return;
  }
  k->heap = nl_unicode_key(s, len, &k->len);
  k->s = k->heap != NULL ? k->heap : "";
  if (k->heap == NULL) k->len = 0;
}

/* The slug key of an account name: its key without spaces, '-' and '_'. */
static void slug_make(key_t_ *k, const char *s, size_t len) {
  key_make(k, s, len);
  char *w = k->heap != NULL ? k->heap : k->buf;
  if (k->s != w) return; /* "" on OOM */
  size_t j = 0;
  for (size_t i = 0; i < k->len; i++)
    if (w[i] != ' ' && w[i] != '-' && w[i] != '_') w[j++] = w[i];
  w[j] = '\0';
  k->len = j;
}

static void key_done(key_t_ *k) { free(k->heap); }

static void map_key(nl_strmap *m, const char *s, size_t len, uint32_t id, int add,
                    void (*make)(key_t_ *, const char *, size_t)) {
  key_t_ k;
  make(&k, s, len);
  if (k.len > 0) {
    if (add)
      nl_strmap_add(m, k.s, k.len, id);
    else
      nl_strmap_remove(m, k.s, k.len, id);
  }
  key_done(&k);
}

static int same_key(const char *a, const char *b) {
  key_t_ ka, kb;
  key_make(&ka, a, strlen(a));
  key_make(&kb, b, strlen(b));
  int same = ka.len == kb.len && memcmp(ka.s, kb.s, ka.len) == 0;
  key_done(&ka);
  key_done(&kb);
  return same;
}

/* The last path segment of a link target without a ".md" suffix: what refs is keyed by. */
static void link_base(const char *t, const char **s, size_t *len) {
  const char *slash = strrchr(t, '/');
  const char *b = slash != NULL ? slash + 1 : t;
  size_t n = strlen(b);
  if (n >= 3 && strcasecmp(b + n - 3, ".md") == 0) n -= 3;
  *s = b;
  *len = n;
}

/* ---- entries ----------------------------------------------------------------------------- */

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

/* Appends one row; 0 or -1 when out of memory (the name is then not offered). */
static int add_row(nl_workspace *ws, const nl_entry *e, uint32_t sub, const char *name) {
  size_t len = strlen(name);
  if (ws->n_rows == ws->cap_rows) {
    size_t cap = ws->cap_rows ? ws->cap_rows * 2 : 1024;
    nl_ws_name *rows = realloc(ws->rows, cap * sizeof(*rows));
    if (rows == NULL) return -1;
    ws->rows = rows;
    uint64_t *masks = realloc(ws->row_masks, cap * sizeof(*masks));
    if (masks == NULL) return -1;
    ws->row_masks = masks;
    uint8_t *kinds = realloc(ws->row_kinds, cap);
    if (kinds == NULL) return -1;
    ws->row_kinds = kinds;
    ws->cap_rows = cap;
  }
  if (ws->pool_len + len + 1 > ws->pool_cap) {
    size_t cap = ws->pool_cap ? ws->pool_cap * 2 : 16384;
    while (cap < ws->pool_len + len + 1) cap *= 2;
    char *pool = realloc(ws->pool, cap);
    if (pool == NULL) return -1;
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

static void index_note(nl_workspace *ws, nl_entry *e, int add) {
  const nl_note *n = e->note;
  uint32_t id = e->id;
  if (add) set_masks(ws, e);
  name_rows(ws, e, add);
  const char *title = n->title != NULL ? n->title->text : NULL;
  if (title != NULL && *title != '\0' && !same_key(title, e->name))
    map_key(&ws->names, title, strlen(title), id, add, key_make);
  for (size_t i = 0; i < n->n_aliases; i++) {
    const char *a = n->aliases[i].text;
    if (*a != '\0' && !same_key(a, e->name)) map_key(&ws->names, a, strlen(a), id, add, key_make);
  }
  if (e->kind == NL_KIND_ACCOUNT) {
    map_key(&ws->slugs, e->name, strlen(e->name), id, add, slug_make);
    if (title != NULL && *title != '\0') map_key(&ws->slugs, title, strlen(title), id, add, slug_make);
    for (size_t i = 0; i < n->n_aliases; i++)
      map_key(&ws->slugs, n->aliases[i].text, strlen(n->aliases[i].text), id, add, slug_make);
  }
  for (size_t i = 0; i < n->n_tags; i++) {
    const char *t = n->tags[i].name;
    nl_strmap_count(&ws->tags, t, strlen(t), add ? 1 : -1);
  }
  for (size_t i = 0; i < n->n_links; i++) {
    const char *b;
    size_t len;
    link_base(n->links[i].target, &b, &len);
    if (len > 0) map_key(&ws->refs, b, len, id, add, key_make);
  }
  for (size_t i = 0; i < n->n_mentions; i++) {
    const char *w = n->mentions[i].word;
    if (w != NULL && *w != '\0') map_key(&ws->said, w, strlen(w), id, add, key_make);
  }
}

static nl_kind entry_kind(const nl_workspace *ws, const nl_entry *e) {
  return nl_config_kind(ws->cfg, e->rel, e->note->type != NULL ? e->note->type->text : NULL);
}

static void entry_free(nl_entry *e) {
  if (e == NULL) return;
  free(e->abs);
  free(e->rel);
  free(e->uri);
  free(e->name);
  nl_note_free(e->note);
  free(e);
}

/* The root that contains abs (the longest), or -1. */
static int root_of(const nl_workspace *ws, const char *abs) {
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

static void changed(nl_workspace *ws) {
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
static nl_entry *put_note(nl_workspace *ws, const char *abs, nl_note *note, int open) {
  uint32_t n;
  const uint32_t *ids = nl_strmap_get(&ws->paths, abs, strlen(abs), &n);
  nl_entry *e = n > 0 ? ws->entries[ids[0]] : NULL;
  if (e != NULL) {
    index_note(ws, e, 0);
    nl_note_free(e->note);
    e->note = note;
    e->open = open;
    e->kind = entry_kind(ws, e);
    e->seq = ++ws->seq;
    index_note(ws, e, 1);
    return e;
  }
  int r = root_of(ws, abs);
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
  e = calloc(1, sizeof(*e));
  if (e == NULL) goto oom;
  e->id = ws->n_ids;
  e->abs = strdup(abs);
  e->rel = strdup(abs + strlen(ws->roots[r]) + 1);
  e->uri = nl_path_to_uri(abs);
  const char *slash = strrchr(abs, '/');
  const char *base = slash != NULL ? slash + 1 : abs;
  size_t blen = strlen(base);
  if (blen >= 3 && strcasecmp(base + blen - 3, ".md") == 0) blen -= 3;
  e->name = strndup(base, blen);
  e->note = note;
  if (e->abs == NULL || e->rel == NULL || e->uri == NULL || e->name == NULL) {
    entry_free(e);
    return NULL;
  }
  e->open = open;
  e->kind = entry_kind(ws, e);
  e->seq = ++ws->seq;
  ws->n_rows_of[ws->n_ids] = 0;
  ws->entries[ws->n_ids++] = e;
  ws->live++;
  nl_strmap_add(&ws->paths, e->abs, strlen(e->abs), e->id);
  map_key(&ws->files, e->name, strlen(e->name), e->id, 1, key_make);
  index_note(ws, e, 1);
  return e;
oom:
  nl_note_free(note);
  return NULL;
}

static void drop_entry(nl_workspace *ws, nl_entry *e) {
  index_note(ws, e, 0);
  map_key(&ws->files, e->name, strlen(e->name), e->id, 0, key_make);
  nl_strmap_remove(&ws->paths, e->abs, strlen(e->abs), e->id);
  ws->entries[e->id] = NULL;
  ws->name_mask[e->id] = ws->all_mask[e->id] = 0;
  ws->live--;
  ws->seq++;
  entry_free(e);
}

void nl_ws_size_thread_pool(void) {
  char n[16];
  unsigned cores = uv_available_parallelism();
  snprintf(n, sizeof(n), "%u", cores < 2 ? 2 : cores > 16 ? 16 : cores);
  setenv("UV_THREADPOOL_SIZE", n, 0);
}

/* ---- lifetime ---------------------------------------------------------------------------- */

nl_workspace *nl_ws_new(uv_loop_t *loop, const nl_config *cfg) {
  nl_workspace *ws = calloc(1, sizeof(*ws));
  if (ws == NULL) return NULL;
  ws->loop = loop;
  ws->cfg = cfg;
  nl_strmap_init(&ws->paths);
  nl_strmap_init(&ws->files);
  nl_strmap_init(&ws->names);
  nl_strmap_init(&ws->slugs);
  nl_strmap_init(&ws->tags);
  nl_strmap_init(&ws->refs);
  nl_strmap_init(&ws->said);
  return ws;
}

static void scan_free(struct scan *sc);

void nl_ws_free(nl_workspace *ws) {
  if (ws == NULL) return;
  /* A scan cut short (the server exits while indexing): its parsed notes were never merged. */
  if (ws->scan != NULL) scan_free(ws->scan);
  for (uint32_t i = 0; i < ws->n_ids; i++) entry_free(ws->entries[i]);
  free(ws->entries);
  free(ws->name_mask);
  free(ws->all_mask);
  free(ws->first_row);
  free(ws->n_rows_of);
  free(ws->rows);
  free(ws->row_masks);
  free(ws->row_kinds);
  free(ws->pool);
  for (size_t i = 0; i < ws->n_roots; i++) free(ws->roots[i]);
  free(ws->roots);
  nl_strmap_free(&ws->paths);
  nl_strmap_free(&ws->files);
  nl_strmap_free(&ws->names);
  nl_strmap_free(&ws->slugs);
  nl_strmap_free(&ws->tags);
  nl_strmap_free(&ws->refs);
  nl_strmap_free(&ws->said);
  free(ws);
}

void nl_ws_set_config(nl_workspace *ws, const nl_config *cfg) {
  /* Kinds and account slugs depend on the configuration: re-index every note. */
  for (uint32_t i = 0; i < ws->n_ids; i++) {
    nl_entry *e = ws->entries[i];
    if (e == NULL) continue;
    index_note(ws, e, 0);
  }
  ws->cfg = cfg;
  for (uint32_t i = 0; i < ws->n_ids; i++) {
    nl_entry *e = ws->entries[i];
    if (e == NULL) continue;
    e->kind = entry_kind(ws, e);
    index_note(ws, e, 1);
    /* Newly ignored notes leave the index (an open one stays: the editor shows it). */
    if (!e->open && nl_config_ignored(cfg, e->rel)) drop_entry(ws, e);
  }
  ws->seq++;
  changed(ws);
}

const nl_config *nl_ws_config(const nl_workspace *ws) { return ws->cfg; }

int nl_ws_add_root(nl_workspace *ws, const char *abs_dir) {
  size_t n = strlen(abs_dir);
  while (n > 1 && abs_dir[n - 1] == '/') n--;
  for (size_t i = 0; i < ws->n_roots; i++)
    if (strlen(ws->roots[i]) == n && strncmp(ws->roots[i], abs_dir, n) == 0) return 0;
  char **roots = realloc(ws->roots, (ws->n_roots + 1) * sizeof(*roots));
  if (roots == NULL) return -ENOMEM;
  ws->roots = roots;
  if ((roots[ws->n_roots] = strndup(abs_dir, n)) == NULL) return -ENOMEM;
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

/* ---- reading files ----------------------------------------------------------------------- */

static int has_md_suffix(const char *name) {
  size_t n = strlen(name);
  return n > 3 && strcasecmp(name + n - 3, ".md") == 0;
}

/* Reads a note file into a new buffer. Returns 0; 1 when it is skipped (too large, binary),
 * with the reason logged; a negative errno when it cannot be read. */
static int read_note(const char *abs, size_t max_size, char **text, size_t *len) {
  *text = NULL;
  *len = 0;
  int fd = open(abs, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -errno;
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return -EINVAL;
  }
  if ((size_t)st.st_size > max_size) {
    close(fd);
    nl_log(NL_LOG_WARN, "skipped file over the size limit (%lld > %zu bytes): %s",
           (long long)st.st_size, max_size, abs);
    return 1;
  }
  size_t cap = (size_t)st.st_size, n = 0;
  char *buf = malloc(cap + 1);
  if (buf == NULL) {
    close(fd);
    return -ENOMEM;
  }
  for (;;) {
    if (n == cap) {
      /* The file grew since fstat: keep reading up to the limit. */
      if (cap >= max_size) break;
      char *nb = realloc(buf, cap * 2 + 4097);
      if (nb == NULL) break;
      buf = nb;
      cap = cap * 2 + 4096;
    }
    ssize_t r = read(fd, buf + n, cap - n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    n += (size_t)r;
  }
  close(fd);
  if (memchr(buf, '\0', n) != NULL) {
    free(buf);
    nl_log(NL_LOG_WARN, "skipped binary file (contains NUL bytes): %s", abs);
    return 1;
  }
  buf[n] = '\0';
  *text = buf;
  *len = n;
  return 0;
}

/* ---- scanning ---------------------------------------------------------------------------- */

typedef struct {
  char *abs;
  nl_note *note; /* set by the chunk's work */
} scan_file;

typedef struct {
  dev_t dev;
  ino_t ino;
} dir_id;

typedef struct scan {
  nl_workspace *ws;
  uv_work_t walk_req;
  nl_ws_progress_cb cb;
  void *ud;
  /* Copies taken on the loop thread so the walk and the parses read nothing the loop may
   * change (the configuration can be replaced while they run). */
  nl_config *cfg;
  char **roots;
  size_t n_roots;
  scan_file *files;
  size_t n_files, cap_files;
  dir_id *dirs;
  size_t n_dirs, cap_dirs;
  size_t chunks_left;
  size_t done;
  struct scan_chunk *parsed, *parsed_tail; /* parsed chunks waiting to be merged, in order */
} scan;

typedef struct scan_chunk {
  uv_work_t req;
  scan *sc;
  size_t first, count;
  size_t merged;                  /* files of this chunk merged so far */
  struct scan_chunk *next;
} scan_chunk;

#define CHUNK_FILES 32

static int skip_dir_name(const char *name) {
  /* Hidden folders cover .git, .obsidian and .trash. */
  return name[0] == '.' || strcmp(name, "node_modules") == 0;
}

static int visited(scan *sc, dev_t dev, ino_t ino) {
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

static void add_file(scan *sc, const char *abs) {
  if (sc->n_files == sc->cap_files) {
    size_t cap = sc->cap_files ? sc->cap_files * 2 : 1024;
    scan_file *f = realloc(sc->files, cap * sizeof(*f));
    if (f == NULL) return;
    sc->files = f;
    sc->cap_files = cap;
  }
  char *copy = strdup(abs);
  if (copy == NULL) return;
  sc->files[sc->n_files++] = (scan_file){copy, NULL};
}

/* A symlink is followed only when its target stays inside the root. */
static int link_inside(const char *path, const char *root_real) {
  char *real = realpath(path, NULL);
  if (real == NULL) return 0;
  size_t n = strlen(root_real);
  int inside = strncmp(real, root_real, n) == 0 && (real[n] == '/' || real[n] == '\0');
  free(real);
  return inside;
}

static void walk_dir(scan *sc, const nl_config *cfg, const char *root, const char *root_real,
                     char *path, size_t len, int depth) {
  if (depth > 64) return;
  DIR *d = opendir(path);
  if (d == NULL) {
    nl_log(NL_LOG_WARN, "cannot read folder (%s): %s", strerror(errno), path);
    return;
  }
  struct stat st;
  if (fstat(dirfd(d), &st) == 0 && visited(sc, st.st_dev, st.st_ino)) {
    closedir(d);
    return;
  }
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    const char *name = de->d_name;
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
    } else if (type == DT_UNKNOWN) {
      if (lstat(path, &st) != 0) continue;
      type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
    }
    if (nl_config_ignored(cfg, rel)) continue;
    if (type == DT_DIR) {
      if (!skip_dir_name(name)) walk_dir(sc, cfg, root, root_real, path, plen, depth + 1);
    } else if (type == DT_REG && has_md_suffix(name)) {
      add_file(sc, path);
    }
  }
  path[len] = '\0';
  closedir(d);
}

static void walk_work(uv_work_t *req) {
  scan *sc = req->data;
  char *path = malloc(4097);
  if (path == NULL) return;
  for (size_t i = 0; i < sc->n_roots; i++) {
    const char *root = sc->roots[i];
    char *root_real = realpath(root, NULL);
    if (root_real == NULL) {
      nl_log(NL_LOG_WARN, "cannot open workspace folder (%s): %s", strerror(errno), root);
      continue;
    }
    size_t len = strlen(root);
    if (len < 4096) {
      memcpy(path, root, len + 1);
      walk_dir(sc, sc->cfg, root, root_real, path, len, 0);
    }
    free(root_real);
  }
  free(path);
}

static void chunk_work(uv_work_t *req) {
  scan_chunk *c = req->data;
  scan *sc = c->sc;
  size_t root_len = 0;
  for (size_t i = c->first; i < c->first + c->count; i++) {
    scan_file *f = &sc->files[i];
    char *text;
    size_t len;
    int rc = read_note(f->abs, sc->cfg->max_file_size, &text, &len);
    if (rc < 0) nl_log(NL_LOG_WARN, "cannot read note (%s): %s", strerror(-rc), f->abs);
    if (rc != 0) continue;
    /* The parse wants the vault-relative path; find the root the walk found it under. */
    for (size_t r = 0; r < sc->n_roots; r++) {
      size_t n = strlen(sc->roots[r]);
      if (strncmp(f->abs, sc->roots[r], n) == 0 && f->abs[n] == '/') root_len = n;
    }
    f->note = nl_note_parse(f->abs + root_len + 1, text, len);
    free(text);
    if (f->note != NULL) nl_note_compact(f->note);
  }
}

static void scan_free(scan *sc) {
  for (size_t i = 0; i < sc->n_files; i++) {
    free(sc->files[i].abs);
    nl_note_free(sc->files[i].note);
  }
  for (scan_chunk *c = sc->parsed; c != NULL;) {
    scan_chunk *next = c->next;
    free(c);
    c = next;
  }
  for (size_t i = 0; i < sc->n_roots; i++) free(sc->roots[i]);
  free(sc->roots);
  free(sc->files);
  free(sc->dirs);
  nl_config_free(sc->cfg);
  sc->ws->scan = NULL;
  free(sc);
}

static void scan_finish(scan *sc) {
  nl_workspace *ws = sc->ws;
  ws->ready = 1;
  nl_ws_progress_cb cb = sc->cb;
  void *ud = sc->ud;
  size_t total = sc->n_files;
  scan_free(sc);
  if (cb != NULL) cb(ws, ud, total, total, 1);
  changed(ws);
}

/* Merges one parsed file of chunk c into the index; returns 1 when the chunk is done. */
static int merge_one(scan_chunk *c) {
  scan *sc = c->sc;
  scan_file *f = &sc->files[c->first + c->merged++];
  if (f->note != NULL) {
    nl_entry *e = nl_ws_by_path(sc->ws, f->abs);
    if (e == NULL || !e->open) { /* the open document wins over disk */
      put_note(sc->ws, f->abs, f->note, 0);
      f->note = NULL;
    }
  }
  /* The entry has its own copy: the scan's goes now, not at the end (peak memory). */
  nl_note_free(f->note);
  f->note = NULL;
  free(f->abs);
  f->abs = NULL;
  return c->merged == c->count;
}

/* A chunk is merged: count it, report progress, finish the scan after the last one. */
static void chunk_merged(scan_chunk *c) {
  scan *sc = c->sc;
  nl_workspace *ws = sc->ws;
  sc->done += c->count;
  free(c);
  if (--sc->chunks_left == 0) {
    scan_finish(sc);
    return;
  }
  if (sc->cb != NULL) sc->cb(ws, sc->ud, sc->done, sc->n_files, 0);
}

static void chunk_after(uv_work_t *req, int status) {
  scan_chunk *c = req->data;
  scan *sc = c->sc;
  nl_workspace *ws = sc->ws;
  if (ws->wake == NULL) {
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
  ws->wake(ws->wake_ud);
}

int nl_ws_merge(nl_workspace *ws, uint64_t budget_ns) {
  uint64_t start = uv_hrtime();
  unsigned n = 0;
  while (ws->scan != NULL && ws->scan->parsed != NULL) {
    scan *sc = ws->scan;
    scan_chunk *c = sc->parsed;
    if (merge_one(c)) {
      sc->parsed = c->next;
      if (sc->parsed == NULL) sc->parsed_tail = NULL;
      chunk_merged(c); /* may finish and free the scan */
    }
    if (++n % 8 == 0 && uv_hrtime() - start >= budget_ns) break;
  }
  return ws->scan != NULL && ws->scan->parsed != NULL;
}

void nl_ws_set_waker(nl_workspace *ws, void (*wake)(void *ud), void *ud) {
  ws->wake = wake;
  ws->wake_ud = ud;
}

static void walk_after(uv_work_t *req, int status) {
  scan *sc = req->data;
  nl_log(NL_LOG_INFO, "indexing %zu notes", sc->n_files);
  if (sc->cb != NULL) sc->cb(sc->ws, sc->ud, 0, sc->n_files, 0);
  size_t n_chunks = (sc->n_files + CHUNK_FILES - 1) / CHUNK_FILES;
  if (n_chunks == 0) {
    scan_finish(sc);
    return;
  }
  sc->chunks_left = n_chunks;
  for (size_t i = 0; i < n_chunks; i++) {
    scan_chunk *c = calloc(1, sizeof(*c));
    size_t first = i * CHUNK_FILES;
    size_t count = sc->n_files - first < CHUNK_FILES ? sc->n_files - first : CHUNK_FILES;
    if (c == NULL) {
      /* Out of memory: count the chunk as done so the scan still finishes. */
      sc->done += count;
      if (--sc->chunks_left == 0) scan_finish(sc);
      continue;
    }
    c->sc = sc;
    c->first = first;
    c->count = count;
    c->req.data = c;
    uv_queue_work(sc->ws->loop, &c->req, chunk_work, chunk_after);
  }
}

int nl_ws_scan(nl_workspace *ws, nl_ws_progress_cb cb, void *ud) {
  if (ws->scan != NULL) return -EBUSY;
  scan *sc = calloc(1, sizeof(*sc));
  if (sc == NULL) return -ENOMEM;
  sc->ws = ws;
  sc->cb = cb;
  sc->ud = ud;
  sc->roots = calloc(ws->n_roots + 1, sizeof(char *));
  sc->cfg = nl_config_copy(ws->cfg);
  if (sc->roots == NULL || sc->cfg == NULL) {
    free(sc->roots);
    nl_config_free(sc->cfg);
    free(sc);
    return -ENOMEM;
  }
  for (size_t i = 0; i < ws->n_roots; i++) sc->roots[sc->n_roots++] = strdup(ws->roots[i]);
  sc->walk_req.data = sc;
  ws->scan = sc;
  int rc = uv_queue_work(ws->loop, &sc->walk_req, walk_work, walk_after);
  if (rc != 0) {
    ws->scan = NULL;
    for (size_t i = 0; i < sc->n_roots; i++) free(sc->roots[i]);
    free(sc->roots);
    nl_config_free(sc->cfg);
    free(sc);
  }
  return rc;
}

int nl_ws_scanning(const nl_workspace *ws) { return ws->scan != NULL; }
int nl_ws_ready(const nl_workspace *ws) { return ws->ready; }

/* ---- live updates ------------------------------------------------------------------------ */

nl_entry *nl_ws_update(nl_workspace *ws, const char *abs, const char *text, size_t len,
                       int open) {
  int r = root_of(ws, abs);
  if (r < 0) return NULL;
  nl_note *note = nl_note_parse(abs + strlen(ws->roots[r]) + 1, text, len);
  if (note == NULL) return NULL;
  nl_note_compact(note);
  nl_entry *e = put_note(ws, abs, note, open);
  changed(ws);
  return e;
}

int nl_ws_reload(nl_workspace *ws, const char *abs) {
  nl_entry *e = nl_ws_by_path(ws, abs);
  if (e != NULL && e->open) return 0;
  int r = root_of(ws, abs);
  if (r < 0 || !has_md_suffix(abs)) return 0;
  const char *rel = abs + strlen(ws->roots[r]) + 1;
  /* Same rules as the scan: hidden folders, node_modules and ignore globs stay out. */
  for (const char *seg = rel; seg != NULL; seg = strchr(seg, '/')) {
    if (*seg == '/') seg++;
    if (*seg == '.' || strncmp(seg, "node_modules/", 13) == 0) return 0;
  }
  if (nl_config_ignored(ws->cfg, rel)) return 0;
  char *text;
  size_t len;
  int rc = read_note(abs, ws->cfg->max_file_size, &text, &len);
  if (rc != 0) {
    if (e != NULL) nl_ws_remove(ws, abs);
    return rc < 0 ? rc : 0;
  }
  nl_entry *ne = nl_ws_update(ws, abs, text, len, 0);
  free(text);
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
  drop_entry(ws, e);
  changed(ws);
  return 0;
}

/* ---- lookups ----------------------------------------------------------------------------- */

nl_entry *nl_ws_by_path(const nl_workspace *ws, const char *abs) {
  uint32_t n;
  const uint32_t *ids = nl_strmap_get(&ws->paths, abs, strlen(abs), &n);
  return n > 0 ? ws->entries[ids[0]] : NULL;
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

/* ---- resolution -------------------------------------------------------------------------- */

static int better(const nl_entry *a, const nl_entry *b) {
  size_t la = strlen(a->rel), lb = strlen(b->rel);
  if (la != lb) return la < lb;
  return strcmp(a->rel, b->rel) < 0;
}

/* Collects the distinct live entries among ids that pass `keep` into out, best first. */
typedef int (*keep_fn)(const nl_entry *e, const void *arg);

static size_t collect(const nl_workspace *ws, const uint32_t *ids, uint32_t n, keep_fn keep,
                      const void *arg, nl_entry **out, size_t cap) {
  size_t total = 0;
  for (uint32_t i = 0; i < n; i++) {
    nl_entry *e = nl_ws_get(ws, ids[i]);
    if (e == NULL || (keep != NULL && !keep(e, arg))) continue;
    int dup = 0;
    for (uint32_t j = 0; j < i && !dup; j++) dup = ids[j] == ids[i];
    if (dup) continue;
    /* Insertion into the sorted prefix that fits in out. */
    size_t pos = total < cap ? total : cap;
    while (pos > 0 && better(e, out[pos - 1])) {
      if (pos < cap) out[pos] = out[pos - 1];
      pos--;
    }
    if (pos < cap) out[pos] = e;
    total++;
  }
  return total;
}

/* Keeps entries whose vault-relative path without .md ends with the target path. */
static int path_suffix(const nl_entry *e, const void *arg) {
  const key_t_ *want = arg;
  size_t rl = strlen(e->rel);
  if (rl >= 3 && strcasecmp(e->rel + rl - 3, ".md") == 0) rl -= 3;
  key_t_ k;
  key_make(&k, e->rel, rl);
  int ok = k.len >= want->len && memcmp(k.s + k.len - want->len, want->s, want->len) == 0 &&
           (k.len == want->len || k.s[k.len - want->len - 1] == '/');
  key_done(&k);
  return ok;
}

/* Joins from's folder and a relative markdown path, resolving "." and "..", into buf. */
static int join_relative(const nl_entry *from, const char *target, size_t len, char *buf,
                         size_t cap) {
  size_t n = 0;
  if (len > 0 && target[0] == '/') {
    target++;
    len--;
  } else if (from != NULL) {
    const char *slash = strrchr(from->rel, '/');
    n = slash != NULL ? (size_t)(slash - from->rel) : 0;
    if (n >= cap) return -1;
    memcpy(buf, from->rel, n);
  }
  size_t i = 0;
  while (i < len) {
    size_t j = i;
    while (j < len && target[j] != '/') j++;
    size_t seg = j - i;
    if (seg == 0 || (seg == 1 && target[i] == '.')) {
      /* skip */
    } else if (seg == 2 && target[i] == '.' && target[i + 1] == '.') {
      if (n == 0) return -1; /* above the root */
      while (n > 0 && buf[n - 1] != '/') n--;
      if (n > 0) n--;
    } else {
      if (n + seg + 2 >= cap) return -1;
      if (n > 0) buf[n++] = '/';
      memcpy(buf + n, target + i, seg);
      n += seg;
    }
    i = j + 1;
  }
  buf[n] = '\0';
  return (int)n;
}

static nl_entry *by_rel(const nl_workspace *ws, const nl_entry *from, const char *rel) {
  char abs[4096];
  for (size_t r = 0; r < ws->n_roots; r++) {
    if (from != NULL && root_of(ws, from->abs) != (int)r) continue;
    if ((size_t)snprintf(abs, sizeof(abs), "%s/%s", ws->roots[r], rel) >= sizeof(abs)) continue;
    nl_entry *e = nl_ws_by_path(ws, abs);
    if (e != NULL) return e;
  }
  return NULL;
}

size_t nl_ws_resolve_all(const nl_workspace *ws, const nl_entry *from, int markdown,
                         const char *target, size_t len, nl_entry **out, size_t cap) {
  while (len > 0 && (target[0] == ' ' || target[0] == '\t')) target++, len--;
  while (len > 0 && (target[len - 1] == ' ' || target[len - 1] == '\t')) len--;
  if (len == 0) return 0;
  if (markdown) {
    char rel[4096];
    if (join_relative(from, target, len, rel, sizeof(rel) - 4) > 0) {
      nl_entry *e = by_rel(ws, from, rel);
      if (e == NULL && !has_md_suffix(rel)) {
        strcat(rel, ".md");
        e = by_rel(ws, from, rel);
      }
      if (e != NULL) {
        if (cap > 0) out[0] = e;
        return 1;
      }
    }
  }
  if (len > 3 && strncasecmp(target + len - 3, ".md", 3) == 0) len -= 3;
  const char *slash = NULL;
  for (size_t i = len; i > 0 && slash == NULL; i--)
    if (target[i - 1] == '/') slash = target + i - 1;
  uint32_t n;
  const uint32_t *ids;
  if (slash != NULL) {
    key_t_ base, want;
    key_make(&base, slash + 1, len - (size_t)(slash + 1 - target));
    key_make(&want, target[0] == '/' ? target + 1 : target, target[0] == '/' ? len - 1 : len);
    ids = nl_strmap_get(&ws->files, base.s, base.len, &n);
    size_t total = collect(ws, ids, n, path_suffix, &want, out, cap);
    key_done(&base);
    key_done(&want);
    return total;
  }
  key_t_ k;
  key_make(&k, target, len);
  ids = nl_strmap_get(&ws->files, k.s, k.len, &n);
  size_t total = collect(ws, ids, n, NULL, NULL, out, cap);
  if (total == 0) {
    ids = nl_strmap_get(&ws->names, k.s, k.len, &n);
    total = collect(ws, ids, n, NULL, NULL, out, cap);
  }
  key_done(&k);
  return total;
}

nl_entry *nl_ws_resolve(const nl_workspace *ws, const nl_entry *from, int markdown,
                        const char *target, size_t len, size_t *n_matches) {
  nl_entry *best = NULL;
  size_t n = nl_ws_resolve_all(ws, from, markdown, target, len, &best, 1);
  if (n_matches != NULL) *n_matches = n;
  return n > 0 ? best : NULL;
}

static int of_kind(const nl_entry *e, const void *arg) { return e->kind == *(const nl_kind *)arg; }

nl_entry *nl_ws_resolve_kind(const nl_workspace *ws, nl_kind kind, const char *name,
                             size_t len) {
  while (len > 0 && name[0] == ' ') name++, len--;
  while (len > 0 && name[len - 1] == ' ') len--;
  if (len == 0) return NULL;
  key_t_ k;
  key_make(&k, name, len);
  nl_entry *best = NULL;
  uint32_t n;
  const uint32_t *ids = nl_strmap_get(&ws->files, k.s, k.len, &n);
  if (collect(ws, ids, n, of_kind, &kind, &best, 1) == 0) {
    ids = nl_strmap_get(&ws->names, k.s, k.len, &n);
    collect(ws, ids, n, of_kind, &kind, &best, 1);
  }
  key_done(&k);
  return best;
}

nl_entry *nl_ws_resolve_mention(const nl_workspace *ws, const nl_mention *m,
                                size_t *matched_len) {
  const char *tail = m->tail != NULL ? m->tail : "";
  size_t len = strlen(tail);
  /* Longest first: the whole tail, then each prefix that ends before a space. */
  for (size_t end = len; end > 0; end--) {
    if (end != len && tail[end] != ' ') continue;
    if (tail[end - 1] == ' ') continue;
    nl_entry *e = nl_ws_resolve_kind(ws, NL_KIND_PERSON, tail, end);
    if (e != NULL) {
      if (matched_len != NULL) *matched_len = end;
      return e;
    }
  }
  const char *word = m->word != NULL ? m->word : "";
  if (matched_len != NULL) *matched_len = strlen(word);
  return nl_ws_resolve_kind(ws, NL_KIND_PERSON, word, strlen(word));
}

nl_entry *nl_ws_resolve_account_tag(const nl_workspace *ws, const char *tag, size_t len) {
  static const char prefix[] = "account/";
  if (len > 0 && tag[0] == '#') tag++, len--;
  if (len <= sizeof(prefix) - 1 || strncasecmp(tag, prefix, sizeof(prefix) - 1) != 0) return NULL;
  key_t_ k;
  slug_make(&k, tag + sizeof(prefix) - 1, len - (sizeof(prefix) - 1));
  nl_entry *best = NULL;
  uint32_t n;
  const uint32_t *ids = nl_strmap_get(&ws->slugs, k.s, k.len, &n);
  nl_kind kind = NL_KIND_ACCOUNT;
  collect(ws, ids, n, of_kind, &kind, &best, 1);
  key_done(&k);
  return best;
}

const uint64_t *nl_ws_name_masks(const nl_workspace *ws) { return ws->name_mask; }

const nl_ws_name *nl_ws_names(const nl_workspace *ws, size_t *n, const char **pool,
                              const uint64_t **masks) {
  *n = ws->n_rows;
  *pool = ws->pool;
  if (masks != NULL) *masks = ws->row_masks;
  return ws->rows;
}

const uint8_t *nl_ws_name_kinds(const nl_workspace *ws) { return ws->row_kinds; }
const uint64_t *nl_ws_all_masks(const nl_workspace *ws) { return ws->all_mask; }

/* ---- backlinks and tags ------------------------------------------------------------------ */

/* What a reference search looks at in each candidate note: its links or its mentions. */
typedef struct {
  const nl_strmap *map;   /* name key -> ids of notes that may refer to it */
  int first_word;         /* key by the name's first word (mentions) rather than all of it */
  size_t (*count)(const nl_note *n);
  int (*hits)(const nl_workspace *ws, const nl_entry *from, size_t i, const nl_entry *target);
} ref_search;

static size_t count_links(const nl_note *n) { return n->n_links; }
static size_t count_mentions(const nl_note *n) { return n->n_mentions; }

static int link_hits(const nl_workspace *ws, const nl_entry *from, size_t i,
                     const nl_entry *target) {
  const nl_link *l = &from->note->links[i];
  return nl_ws_resolve(ws, from, l->kind == NL_LINK_MARKDOWN, l->target, strlen(l->target),
                       NULL) == target;
}

static int mention_hits(const nl_workspace *ws, const nl_entry *from, size_t i,
                        const nl_entry *target) {
  return nl_ws_resolve_mention(ws, &from->note->mentions[i], NULL) == target;
}

/* The first word of a name, as a mention's `word` holds it. */
static size_t first_word(const char *name) {
  size_t n = 0;
  while (name[n] != '\0' && name[n] != ' ') n++;
  return n;
}

/* References to e from the notes filed under e's file name, title and aliases in the search's
 * map, each note looked at once (a bitmap over ids: a popular name may have 100,000 notes). */
static ptrdiff_t find_refs(const nl_workspace *ws, const nl_entry *e, const ref_search *rs,
                           nl_ref **out) {
  *out = NULL;
  size_t n_out = 0, cap = 0;
  const char *names[66];
  size_t n_names = 0;
  names[n_names++] = e->name;
  if (e->note->title != NULL) names[n_names++] = e->note->title->text;
  for (size_t i = 0; i < e->note->n_aliases && n_names < 66; i++)
    names[n_names++] = e->note->aliases[i].text;
  uint8_t *seen = calloc((ws->n_ids + 7) / 8 + 1, 1);
  if (seen == NULL) return -ENOMEM;
  for (size_t k = 0; k < n_names; k++) {
    key_t_ key;
    key_make(&key, names[k], rs->first_word ? first_word(names[k]) : strlen(names[k]));
    uint32_t n;
    const uint32_t *ids = nl_strmap_get(rs->map, key.s, key.len, &n);
    for (uint32_t i = 0; i < n; i++) {
      uint32_t id = ids[i];
      const nl_entry *from = nl_ws_get(ws, id);
      if (from == NULL || (seen[id / 8] >> (id % 8)) & 1) continue;
      seen[id / 8] |= (uint8_t)(1u << (id % 8));
      for (size_t el = 0; el < rs->count(from->note); el++) {
        if (!rs->hits(ws, from, el, e)) continue;
        if (n_out == cap) {
          size_t nc = cap ? cap * 2 : 16;
          nl_ref *r = realloc(*out, nc * sizeof(*r));
          if (r == NULL) {
            key_done(&key);
            free(seen);
            free(*out);
            *out = NULL;
            return -ENOMEM;
          }
          *out = r;
          cap = nc;
        }
        (*out)[n_out++] = (nl_ref){from->id, (uint32_t)el};
      }
    }
    key_done(&key);
  }
  free(seen);
  return (ptrdiff_t)n_out;
}

ptrdiff_t nl_ws_backlinks(const nl_workspace *ws, const nl_entry *e, nl_ref **out) {
  /* Links name a note by file name, title or alias; refs are keyed by the name written. */
  const ref_search rs = {&ws->refs, 0, count_links, link_hits};
  return find_refs(ws, e, &rs, out);
}

ptrdiff_t nl_ws_mentions_of(const nl_workspace *ws, const nl_entry *person, nl_ref **out) {
  const ref_search rs = {&ws->said, 1, count_mentions, mention_hits};
  return find_refs(ws, person, &rs, out);
}

typedef struct {
  void (*cb)(void *ud, const char *tag, size_t count);
  void *ud;
} tag_walk;

static void tag_each(void *ud, const char *key, size_t len, const uint32_t *ids, uint32_t n) {
  tag_walk *w = ud;
  w->cb(w->ud, key, ids[0]);
}

void nl_ws_foreach_tag(const nl_workspace *ws,
                       void (*cb)(void *ud, const char *tag, size_t count), void *ud) {
  tag_walk w = {cb, ud};
  nl_strmap_foreach(&ws->tags, tag_each, &w);
}

/* ---- invariants -------------------------------------------------------------------------- */

int nl_ws_check(const nl_workspace *ws, char *err, size_t err_size) {
  size_t live = 0;
  for (uint32_t i = 0; i < ws->n_ids; i++) {
    const nl_entry *e = ws->entries[i];
    if (e == NULL) continue;
    live++;
    if (e->id != i) {
      snprintf(err, err_size, "entry %u has id %u", i, e->id);
      return -1;
    }
    if (nl_ws_by_path(ws, e->abs) != e) {
      snprintf(err, err_size, "path map does not lead to %s", e->abs);
      return -1;
    }
    if (e->note == NULL) {
      snprintf(err, err_size, "entry without a parse: %s", e->abs);
      return -1;
    }
    key_t_ k;
    key_make(&k, e->name, strlen(e->name));
    uint32_t n;
    const uint32_t *ids = nl_strmap_get(&ws->files, k.s, k.len, &n);
    key_done(&k);
    int found = 0;
    for (uint32_t j = 0; j < n; j++) found |= ids[j] == e->id;
    if (!found) {
      snprintf(err, err_size, "file name map misses %s", e->rel);
      return -1;
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
      return -1;
    }
  }
  size_t want_rows = 0;
  for (uint32_t i = 0; i < ws->n_ids; i++)
    if (ws->entries[i] != NULL) want_rows += 1 + ws->entries[i]->note->n_aliases;
  if (live_rows != want_rows) {
    snprintf(err, err_size, "%zu live name rows, want %zu", live_rows, want_rows);
    return -1;
  }
  if (live != ws->live || ws->paths.len != live) {
    snprintf(err, err_size, "%zu live entries, count says %zu, path map has %zu", live,
             ws->live, ws->paths.len);
    return -1;
  }
  return 0;
}
