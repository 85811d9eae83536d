/* cache_write.c: writing the index cache (cache.h; the layout is in cache.c). Notes are
 * appended, each into room reserved under the lock (safe from any thread; the scan writes them
 * from the loop thread once ready, cache_later.c); the commit carries unchanged records over
 * from the old file, writes the table and the index tables and renames the file into place;
 * or, when most records are unchanged, appends the new ones with the table and the index
 * tables to the old file and writes its header last. */
#include "lsp/index/cache_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#include "lsp/base/error.h"
#include "lsp/base/log.h"

struct nl_cache_writer {
  int fd;
  char *path;     /* the cache */
  char *tmp;      /* the file being written */
  char *root;
  int64_t since_ns;
  uint64_t map_at; /* where a reader maps the cache: the records' pointers lead there */
  uv_mutex_t lock; /* guards the fields below */
  uint64_t end;    /* next free offset */
  unsigned char *table; /* the table as it is written: the root, then a row per record */
  size_t table_len, table_cap;
  uint64_t n;
  int failed;
  nl_cache_reader *from; /* the old cache whose records `kept` lists */
  const unsigned char **kept;
  size_t n_kept, cap_kept;
};

nl_cache_writer *nl_cache_writer_new(const char *dir, const char *root, int64_t since_ns) {
  char path[PATH_MAX], tmp[PATH_MAX];
  if (dir == NULL || nl_cachei_path(path, sizeof(path), dir, root) != 0 ||
      snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp))
    return NULL;
  /* mkdir -p of the cache folder: its parents (~/.cache) may not exist yet. */
  char d[PATH_MAX];
  snprintf(d, sizeof(d), "%s", dir);
  for (char *s = d + 1;; s++) {
    if (*s == '/' || *s == '\0') {
      char c = *s;
      *s = '\0';
      if (mkdir(d, 0700) != 0 && errno != EEXIST) {
        nl_log(NL_LOG_WARN, "cannot create the index cache folder (%s): %s", strerror(errno), d);
        return NULL;
      }
      *s = c;
      if (c == '\0') break;
    }
  }
  int fd = mkstemp(tmp);
  if (fd < 0) {
    nl_log(NL_LOG_WARN, "cannot write the index cache (%s): %s", strerror(errno), tmp);
    return NULL;
  }
  nl_cache_writer *w = calloc(1, sizeof(*w));
  if (w == NULL || uv_mutex_init(&w->lock) != 0) {
    free(w);
    close(fd);
    unlink(tmp);
    return NULL;
  }
  w->fd = fd;
  w->path = strdup(path);
  w->tmp = strdup(tmp);
  w->root = strdup(root);
  w->since_ns = since_ns;
  w->map_at = nl_cache_map_at(root);
  w->end = HEADER_BYTES;
  size_t root_len = w->root != NULL ? strlen(w->root) : 0;
  w->table_cap = root_len + 4 > 65536 ? root_len + 4 : 65536;
  w->table = malloc(w->table_cap);
  if (w->path == NULL || w->tmp == NULL || w->root == NULL || w->table == NULL ||
      root_len > UINT32_MAX) {
    nl_cache_abort(w);
    return NULL;
  }
  put32(w->table, (uint32_t)root_len);
  memcpy(w->table + 4, w->root, root_len);
  w->table_len = 4 + root_len;
  return w;
}

/* Appends a table row for a record of `bytes` at `at`; under the lock. */
static int add_row(nl_cache_writer *w, uint64_t at, uint64_t bytes, uint64_t base,
                   uint64_t hash, const nl_cache_stamp *st, const char *rel, size_t rel_len) {
  size_t row_len = RECORD_FIXED + rel_len;
  if (rel_len > UINT32_MAX) return NL_EINVAL;
  if (w->table_len + row_len > w->table_cap) {
    size_t cap = w->table_cap * 2;
    while (cap < w->table_len + row_len) cap *= 2;
    unsigned char *t = realloc(w->table, cap);
    if (t == NULL) return NL_ENOMEM;
    w->table = t;
    w->table_cap = cap;
  }
  unsigned char *p = w->table + w->table_len;
  p = put64(p, at);
  p = put64(p, bytes);
  p = put64(p, base);
  p = put64(p, hash);
  p = put64(p, st->size);
  p = put64(p, (uint64_t)st->mtime_ns);
  p = put64(p, st->ino);
  p = put64(p, st->dev);
  p = put32(p, (uint32_t)rel_len);
  memcpy(p, rel, rel_len);
  w->table_len += row_len;
  w->n++;
  return 0;
}

void nl_cache_reserve(nl_cache_writer *w, size_t n, size_t rel_bytes) {
  if (w == NULL || n > (SIZE_MAX - rel_bytes) / RECORD_FIXED) return;
  uv_mutex_lock(&w->lock);
  size_t want = n * RECORD_FIXED + rel_bytes;
  if (w->table_len + want > w->table_cap && want <= SIZE_MAX - w->table_len) {
    unsigned char *t = realloc(w->table, w->table_len + want);
    if (t != NULL) {
      w->table = t;
      w->table_cap = w->table_len + want;
    }
  }
  uv_mutex_unlock(&w->lock);
}

int nl_cache_add(nl_cache_writer *w, const char *rel, const nl_cache_stamp *st,
                 nl_note *note) {
  return nl_cache_add_many(w, 1, &rel, st, &note);
}

int nl_cache_add_many(nl_cache_writer *w, size_t n, const char *const *rels,
                      const nl_cache_stamp *st, nl_note *const *notes) {
  struct iovec iov;
  if (n > NL_CACHE_ADD_MAX) return NL_EINVAL;
  /* Each note goes out as a copy whose pointers lead where a reader maps it (cache.c). */
  const void *blocks[NL_CACHE_ADD_MAX];
  size_t bytes[NL_CACHE_ADD_MAX], total = 0;
  for (size_t i = 0; i < n; i++) {
    blocks[i] = nl_arena_single(&notes[i]->arena, &bytes[i]);
    if (blocks[i] != NULL) total += _Alignof(max_align_t) + sizeof(nl_note) + bytes[i];
  }
  unsigned char *out = malloc(total > 0 ? total : 1);
  if (out == NULL) return NL_ENOMEM;
  uv_mutex_lock(&w->lock);
  uint64_t at = w->end;
  size_t fill = 0;
  int rc = w->failed ? NL_EIO : 0;
  for (size_t i = 0; i < n && rc == 0; i++) {
    uint64_t rec = nl_cachei_record_at(w->end), to = nl_cachei_block_at(w->map_at, rec);
    unsigned char *o = out + fill + (rec - w->end);
    if (blocks[i] == NULL || nl_cachei_relocate(notes[i], blocks[i], bytes[i], o, to) != 0)
      continue; /* left out */
    uint64_t hash = nl_cachei_hash_more(nl_cachei_hash_of(o, sizeof(nl_note)),
                                        o + sizeof(nl_note), bytes[i]);
    rc = add_row(w, rec, bytes[i], to, hash, &st[i], rels[i], strlen(rels[i]));
    if (rc != 0) break;
    memset(out + fill, 0, rec - w->end); /* the padding */
    fill += rec - w->end + sizeof(nl_note) + bytes[i];
    w->end = rec + sizeof(nl_note) + bytes[i];
  }
  uv_mutex_unlock(&w->lock);
  /* The room is reserved: the bytes go in without the lock, in one write for the run (a
   * record per write left ext4 zeroing the rest of each block it began). */
  iov = (struct iovec){out, fill};
  if (rc == 0 && fill > 0 && nl_cachei_write(w->fd, &iov, 1, at) != 0) rc = NL_EIO;
  free(out);
  if (rc != 0) {
    uv_mutex_lock(&w->lock);
    w->failed = 1;
    uv_mutex_unlock(&w->lock);
  }
  return rc;
}

int nl_cache_keep(nl_cache_writer *w, nl_cache_reader *r, const char *rel) {
  nl_cachei_slot *s = nl_cachei_find_slot(r->slots, r->mask, rel, strlen(rel));
  if (s->row == NULL) return NL_ENOENT;
  uv_mutex_lock(&w->lock);
  int rc = 0;
  if (w->from != NULL && w->from != r) {
    rc = NL_EINVAL;
  } else if (w->n_kept == w->cap_kept) {
    size_t cap = w->cap_kept ? w->cap_kept * 2 : 1024;
    const unsigned char **k = realloc(w->kept, cap * sizeof(*k));
    if (k == NULL) rc = NL_ENOMEM;
    else w->kept = k, w->cap_kept = cap;
  }
  if (rc == 0) {
    w->from = r;
    w->kept[w->n_kept++] = s->row;
  }
  uv_mutex_unlock(&w->lock);
  return rc;
}

static int by_offset(const void *a, const void *b) {
  uint64_t x = get64(*(const unsigned char *const *)a), y = get64(*(const unsigned char *const *)b);
  return x < y ? -1 : x > y;
}

/* A buffer that grows, for moving records. */
typedef struct {
  unsigned char *p;
  size_t cap;
} scratch;

static unsigned char *scratch_at_least(scratch *b, size_t len) {
  if (len > b->cap) {
    unsigned char *p = realloc(b->p, len);
    if (p == NULL) return NULL;
    b->p = p;
    b->cap = len;
  }
  return b->p;
}

/* Moves the record of table row `row` from file `in` to the next free place of file `out`
 * (w->end, which grows), its pointers re-pointed to where it lies there once mapped, and
 * appends its row; a copy of the bytes would keep pointers that lead where the record was, and
 * a reader would re-base every such record. 0, or -1 (I/O, or a damaged record). */
static int move_record(nl_cache_writer *w, int in, const unsigned char *row, int out,
                       scratch *buf) {
  uint64_t bytes = get64(row + 8), len = sizeof(nl_note) + bytes;
  if (len > SIZE_MAX / 2 || scratch_at_least(buf, 2 * (size_t)len) == NULL) return -1;
  unsigned char *raw = buf->p, *moved = buf->p + len;
  nl_note *note = (nl_note *)(void *)raw;
  char *block = (char *)raw + sizeof(nl_note);
  uint64_t rec = nl_cachei_record_at(w->end), to = nl_cachei_block_at(w->map_at, rec);
  if (nl_cachei_read(in, raw, (size_t)len, get64(row)) != 0 ||
      nl_cachei_hash_more(nl_cachei_hash_of(raw, sizeof(nl_note)), block, bytes) != get64(row + 24) ||
      nl_cachei_rebase(note, get64(row + 16), bytes, block) != 0 ||
      nl_cachei_relocate(note, block, (size_t)bytes, moved, to) != 0)
    return -1;
  struct iovec v = {moved, (size_t)len};
  nl_cache_stamp st = {get64(row + 32), (int64_t)get64(row + 40), get64(row + 48),
                       get64(row + 56)};
  uint64_t hash = nl_cachei_hash_more(nl_cachei_hash_of(moved, sizeof(nl_note)),
                                      moved + sizeof(nl_note), bytes);
  if (nl_cachei_write(out, &v, 1, rec) != 0 ||
      add_row(w, rec, bytes, to, hash, &st, (const char *)row + RECORD_FIXED,
              get32(row + RECORD_FIXED - 4)) != 0)
    return -1;
  w->end = rec + len;
  return 0;
}

static size_t row_bytes(const unsigned char *row) { return RECORD_FIXED + get32(row + RECORD_FIXED - 4); }

/* Appends a copy of table row `row` for its record at `at`; under the lock or alone. */
static int add_row_as(nl_cache_writer *w, const unsigned char *row, uint64_t at) {
  nl_cache_stamp st = {get64(row + 32), (int64_t)get64(row + 40), get64(row + 48),
                       get64(row + 56)};
  return add_row(w, at, get64(row + 8), get64(row + 16), get64(row + 24), &st,
                 (const char *)row + RECORD_FIXED, get32(row + RECORD_FIXED - 4));
}

/* Carries the kept records of the old cache over, in the old file's order. */
static int copy_kept(nl_cache_writer *w) {
  qsort(w->kept, w->n_kept, sizeof(*w->kept), by_offset);
  scratch buf = {NULL, 0};
  int rc = 0;
  for (size_t i = 0; i < w->n_kept && rc == 0; i++)
    rc = move_record(w, w->from->fd, w->kept[i], w->fd, &buf);
  free(buf.p);
  return rc;
}

/* Rebuilds the table of w for records appended to the old file `fd` from its end `at`: the
 * kept rows first, where they are, then the new ones moved there from the temporary file.
 * 0, or -1. */
static int table_in_place(nl_cache_writer *w, int fd, uint64_t at) {
  unsigned char *fresh = w->table;
  size_t fresh_len = w->table_len, prefix = 4 + strlen(w->root);
  if ((w->table = malloc(w->table_cap)) == NULL) {
    w->table = fresh;
    return -1;
  }
  memcpy(w->table, fresh, prefix);
  w->table_len = prefix;
  w->n = 0;
  int rc = 0;
  qsort(w->kept, w->n_kept, sizeof(*w->kept), by_offset);
  for (size_t i = 0; i < w->n_kept && rc == 0; i++) rc = add_row_as(w, w->kept[i], get64(w->kept[i]));
  w->end = at;
  scratch buf = {NULL, 0};
  for (size_t off = prefix; off < fresh_len && rc == 0; off += row_bytes(fresh + off))
    rc = move_record(w, w->fd, fresh + off, fd, &buf);
  free(buf.p);
  free(fresh);
  return rc != 0 ? -1 : 0;
}

/* When most records are kept, they stay where they are: the new records, the table and the
 * index tables are appended to the old file and its header is written last, so that a reader
 * finds the old cache or the new one whole (the file only grows before that, and no byte a
 * reader's mapping of it holds changes but the header's; a crash leaves the old one). Once the
 * dead bytes (records replaced, old tables) would pass half the live ones, the cache is
 * written anew. The old file's descriptor with w's table and end set for it, or -1 (then write
 * a new file). */
static int append_in_place(nl_cache_writer *w) {
  if (w->failed || w->from == NULL || w->n_kept == 0) return -1;
  uint64_t kept = 0, added = w->end - HEADER_BYTES;
  for (size_t i = 0; i < w->n_kept; i++) kept += sizeof(nl_note) + get64(w->kept[i] + 8);
  int fd = open(w->path, O_RDWR | O_CLOEXEC);
  if (fd < 0) return -1;
  struct stat a, b;
  /* The file the old cache was read from, not one renamed over it since, and one writer. */
  if (fstat(fd, &a) != 0 || fstat(w->from->fd, &b) != 0 || a.st_ino != b.st_ino ||
      a.st_dev != b.st_dev || (uint64_t)a.st_size < HEADER_BYTES + kept ||
      (uint64_t)a.st_size - HEADER_BYTES - kept > (kept + added) / 2 ||
      flock(fd, LOCK_EX | LOCK_NB) != 0) {
    close(fd);
    return -1;
  }
  if (table_in_place(w, fd, (uint64_t)a.st_size) != 0) {
    w->failed = 1; /* the table is half rebuilt: write nothing, the old cache stays */
    close(fd);
    return -1;
  }
  return fd;
}

/* Where the index tables go: written a piece at a time as they are dumped, so they never sit
 * whole in memory beside the index. */
struct nl_cache_sink {
  int fd;
  uint64_t off, len; /* where they start, bytes written */
  uint64_t hash;     /* nl_cachei_hash_pieces of what is written */
  unsigned char *buf; /* TABLES_PIECE bytes */
  size_t fill;
  int failed;
};

static void sink_flush(nl_cache_sink *s) {
  if (s->fill == 0 || s->failed) return;
  s->hash = nl_cachei_hash_more(s->hash, s->buf, s->fill);
  struct iovec v = {s->buf, s->fill};
  if (nl_cachei_write(s->fd, &v, 1, s->off + s->len) != 0) s->failed = 1;
  s->len += s->fill;
  s->fill = 0;
}

void nl_cache_sink_put(nl_cache_sink *s, const void *p, size_t len) {
  const unsigned char *c = p;
  while (len > 0 && !s->failed) {
    size_t n = TABLES_PIECE - s->fill < len ? TABLES_PIECE - s->fill : len;
    memcpy(s->buf + s->fill, c, n);
    s->fill += n;
    c += n;
    len -= n;
    if (s->fill == TABLES_PIECE) sink_flush(s);
  }
}

int nl_cache_commit(nl_cache_writer *w, nl_cache_tables_fn tables, void *ud) {
  if (w->n == 0 && w->from != NULL && w->n_kept == w->from->n && !w->failed &&
      (tables == NULL || w->from->tables_len > 0)) {
    nl_log(NL_LOG_INFO, "index cache unchanged: %s", w->path);
    nl_cache_abort(w);
    return 0;
  }
  int fd = append_in_place(w), in_place = fd >= 0;
  if (!in_place) fd = w->fd;
  if (!in_place && !w->failed && w->n_kept > 0 && copy_kept(w) != 0) w->failed = 1;
  /* The table goes to the file and is freed before the index tables are dumped after it: at
   * 100,000 notes it is 10 MiB that would otherwise sit beside the dump's buffers. */
  uint64_t table_len = w->table_len, table_hash = nl_cachei_hash_of(w->table, table_len);
  struct iovec t = {w->table, table_len};
  int rc = w->failed || nl_cachei_write(fd, &t, 1, w->end) != 0 ? -1 : 0;
  free(w->table);
  w->table = NULL;
  nl_cache_sink sink = {fd, w->end + table_len, 0, HASH_SEED, NULL, 0, 0};
  if (rc == 0 && tables != NULL && (sink.buf = malloc(TABLES_PIECE)) != NULL) {
    int dumped = tables(ud, &sink) == 0;
    sink_flush(&sink);
    if (!dumped || sink.failed) sink.len = 0; /* stored without them */
  }
  free(sink.buf);
  if (rc == 0) {
    unsigned char h[HEADER_BYTES] = {0}, *p = h;
    memcpy(p, MAGIC, 8);
    p = put64(p + 8, nl_cachei_build_id());
    p = put64(p, w->end);
    p = put64(p, table_len);
    p = put64(p, table_hash);
    p = put64(p, w->n);
    p = put64(p, (uint64_t)w->since_ns);
    p = put64(p, nl_cachei_hash_of(w->root, strlen(w->root)));
    p = put64(p, sink.len > 0 ? sink.off : 0);
    p = put64(p, sink.len);
    put64(p, sink.len > 0 ? sink.hash : 0);
    /* No fsync: after a crash the hashes reject whatever half-written file is left. */
    struct iovec hv = {h, sizeof(h)};
    if (nl_cachei_write(fd, &hv, 1, 0) != 0 || (!in_place && rename(w->tmp, w->path) != 0))
      rc = -1;
  }
  if (rc != 0) nl_log(NL_LOG_WARN, "cannot write the index cache (%s): %s", strerror(errno), w->path);
  else nl_log(NL_LOG_INFO, "index cache written: %llu notes%s, %s", (unsigned long long)w->n,
              in_place ? " (appended)" : "", w->path);
  if (in_place) close(fd); /* the temporary file goes in nl_cache_abort */
  if (rc == 0 && !in_place) {
    free(w->tmp);
    w->tmp = NULL; /* renamed: nothing to unlink */
  }
  nl_cache_abort(w);
  return rc;
}

void nl_cache_abort(nl_cache_writer *w) {
  if (w == NULL) return;
  if (w->fd >= 0) close(w->fd);
  if (w->tmp != NULL) unlink(w->tmp);
  uv_mutex_destroy(&w->lock);
  free(w->path);
  free(w->tmp);
  free(w->root);
  free(w->table);
  free(w->kept);
  free(w);
}
