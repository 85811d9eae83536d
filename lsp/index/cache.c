/* cache.c: the index cache file (cache.h).
 *
 * Layout, all integers little-endian as the machine writes them (a cache never leaves it):
 *   header (64 bytes): magic "NLSPIDX1", u64 build (the identity of the program and of the
 *     note layout), u64 table offset, u64 table bytes, u64 table hash, u64 records,
 *     i64 since_ns (when the scan began), u64 hash of the root path
 *   records: each one note as it lies in memory: the nl_note struct, then its arena's one
 *     block, written where the writer reserved room for it
 *   table: u32 root length, the root; then per record: u64 offset, u64 block bytes, u64 the
 *     block's address when written, u64 hash of struct and block, the stamp (u64 size,
 *     i64 mtime_ns, u64 inode, u64 device), u32 path length, the vault-relative path
 * A stored note is re-based by nl_note_each_pointer: every pointer it holds pointed into its
 * block when written (the writer checks), so each moves by the block's new address. The block
 * is either read on its own into a new arena, or, after nl_cache_read_records, re-based where
 * it lies in the one allocation that holds every record's block (a slab), which the index
 * keeps: a few hundred preadv calls for the whole cache instead of a read, an allocation and
 * a heap that grows a page at a time per note. */
#define _GNU_SOURCE /* copy_file_range */
#include "lsp/index/cache.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>
#include <uv.h>

#include "lsp/base/error.h"
#include "lsp/base/log.h"

#define MAGIC "NLSPIDX1"
#define HEADER_BYTES 64
#define RECORD_FIXED 68 /* a table row without its path */
/* A file modified this close to the scan's start may change again with the same mtime. */
#define RACY_NS 2000000000LL
#define RUN_RECORDS 512 /* records per preadv when reading them all (IOV_MAX is 1024) */

/* ---- small helpers ----------------------------------------------------------------------- */

/* A 64-bit hash, eight bytes at a time (not cryptographic: it finds truncation and damage). */
static uint64_t hash_more(uint64_t h, const void *data, size_t len) {
  const unsigned char *p = data;
  while (len >= 8) {
    uint64_t w;
    memcpy(&w, p, 8);
    h = (h ^ w) * 0x100000001B3ULL;
    h ^= h >> 29;
    p += 8;
    len -= 8;
  }
  while (len > 0) {
    h = (h ^ *p++) * 0x100000001B3ULL;
    len--;
  }
  return h ^ (h >> 32);
}

static uint64_t hash_of(const void *data, size_t len) {
  return hash_more(0xCBF29CE484222325ULL, data, len);
}

void nl_cache_stamp_of(const struct stat *st, nl_cache_stamp *out) {
  out->size = (uint64_t)st->st_size;
  out->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
  out->ino = (uint64_t)st->st_ino;
  out->dev = (uint64_t)st->st_dev;
}

char *nl_cache_dir(void) {
  const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
  char buf[PATH_MAX];
  int n;
  if (xdg != NULL && xdg[0] == '/') n = snprintf(buf, sizeof(buf), "%s/notes-lsp", xdg);
  else if (home != NULL && home[0] == '/') n = snprintf(buf, sizeof(buf), "%s/.cache/notes-lsp", home);
  else return NULL;
  return n > 0 && (size_t)n < sizeof(buf) ? strdup(buf) : NULL;
}

/* The build's identity: what the note layout is and which program parsed the notes (its
 * executable's size and mtime, so a rebuilt parser never reads an older parser's notes). */
static uint64_t build_id(void) {
  static const size_t layout[] = {
      sizeof(nl_note),      sizeof(nl_frontmatter), sizeof(nl_fm_entry), sizeof(nl_fm_scalar),
      sizeof(nl_heading),   sizeof(nl_block_id),    sizeof(nl_link),     sizeof(nl_tag),
      sizeof(nl_mention),   sizeof(nl_task),        sizeof(nl_task_date), sizeof(nl_task_more),
      sizeof(void *)};
  uint64_t h = hash_of(layout, sizeof(layout));
  h = hash_more(h, NOTES_LSP_VERSION, strlen(NOTES_LSP_VERSION));
  char exe[PATH_MAX];
  size_t n = sizeof(exe);
  struct stat st;
  if (uv_exepath(exe, &n) == 0 && stat(exe, &st) == 0) {
    nl_cache_stamp s;
    nl_cache_stamp_of(&st, &s);
    h = hash_more(h, &s, sizeof(s));
  }
  return h;
}

/* dir/<hash of root>.idx, or -1 when it does not fit. */
static int cache_path(char *buf, size_t size, const char *dir, const char *root) {
  int n = snprintf(buf, size, "%s/%016llx.idx", dir,
                   (unsigned long long)hash_of(root, strlen(root)));
  return n > 0 && (size_t)n < size ? 0 : -1;
}


/* Writes (or reads, `reading`) the n buffers of iov at off, all of them; 0 or -1. */
static int io_all(int fd, struct iovec *iov, int n, uint64_t off, int reading) {
  while (n > 0) {
    ssize_t w = reading ? preadv(fd, iov, n, (off_t)off) : pwritev(fd, iov, n, (off_t)off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    off += (uint64_t)w;
    while (n > 0 && (size_t)w >= iov->iov_len) {
      w -= (ssize_t)iov->iov_len;
      iov++;
      n--;
    }
    if (n > 0) {
      iov->iov_base = (char *)iov->iov_base + w;
      iov->iov_len -= (size_t)w;
    }
  }
  return 0;
}

static int write_all(int fd, struct iovec *iov, int n, uint64_t off) { return io_all(fd, iov, n, off, 0); }
static int read_all(int fd, void *buf, size_t len, uint64_t off) {
  struct iovec v = {buf, len};
  return io_all(fd, &v, 1, off, 1);
}

static uint64_t get64(const unsigned char *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}
static uint32_t get32(const unsigned char *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}
static unsigned char *put64(unsigned char *p, uint64_t v) { return memcpy(p, &v, 8), p + 8; }
static unsigned char *put32(unsigned char *p, uint32_t v) { return memcpy(p, &v, 4), p + 4; }

/* ---- reading ----------------------------------------------------------------------------- */

typedef struct {
  const unsigned char *row; /* into the table */
  const char *rel;
  uint32_t rel_len;
  nl_note *pre; /* read by nl_cache_read_records and not yet loaded (owned), or NULL */
  char *block;  /* then its block, in the slab */
} slot;

struct nl_cache_slab {
  char *base; /* every record's block, one after the other */
  size_t len;
};

struct nl_cache_reader {
  int fd;
  int64_t since_ns;
  uint64_t n; /* records */
  nl_cache_slab *slab;  /* the records read at once, or NULL */
  int slab_taken;       /* nl_cache_take_slab: the caller frees the slab */
  unsigned char *table;
  slot *slots; /* open addressing by path hash; row NULL when empty */
  size_t mask;
  atomic_size_t hits;
};

static slot *find_slot(slot *slots, size_t mask, const char *rel, size_t len) {
  for (size_t i = hash_of(rel, len) & mask;; i = (i + 1) & mask)
    if (slots[i].row == NULL || (slots[i].rel_len == len && memcmp(slots[i].rel, rel, len) == 0))
      return &slots[i];
}

static nl_cache_reader *reject(nl_cache_reader *r, const char *path, const char *why) {
  nl_log(NL_LOG_INFO, "ignored index cache (%s), rebuilding it: %s", why, path);
  nl_cache_reader_free(r);
  return NULL;
}

/* Reads and checks the table; builds the lookup. */
static nl_cache_reader *load_table(nl_cache_reader *r, const char *path, const char *root) {
  unsigned char h[HEADER_BYTES];
  struct stat st;
  if (fstat(r->fd, &st) != 0 || read_all(r->fd, h, sizeof(h), 0) != 0)
    return reject(r, path, "truncated header");
  if (memcmp(h, MAGIC, 8) != 0) return reject(r, path, "not a notes-lsp index cache");
  if (get64(h + 8) != build_id()) return reject(r, path, "written by another build");
  uint64_t off = get64(h + 16), len = get64(h + 24), hash = get64(h + 32), n = get64(h + 40);
  r->since_ns = (int64_t)get64(h + 48);
  r->n = n;
  if (get64(h + 56) != hash_of(root, strlen(root))) return reject(r, path, "another folder");
  if (off > (uint64_t)st.st_size || len > (uint64_t)st.st_size - off || len < 4 ||
      n > len / RECORD_FIXED)
    return reject(r, path, "truncated");
  r->table = malloc(len);
  if (r->table == NULL || read_all(r->fd, r->table, len, off) != 0 || hash_of(r->table, len) != hash)
    return reject(r, path, "corrupt table");
  size_t root_len = get32(r->table);
  if (root_len != strlen(root) || root_len > len - 4 || memcmp(r->table + 4, root, root_len) != 0)
    return reject(r, path, "another folder");
  size_t cap = 16;
  while (cap < n * 2) cap *= 2;
  r->slots = calloc(cap, sizeof(slot));
  if (r->slots == NULL) return reject(r, path, "out of memory");
  r->mask = cap - 1;
  const unsigned char *p = r->table + 4 + root_len, *end = r->table + len;
  for (uint64_t i = 0; i < n; i++) {
    if ((size_t)(end - p) < RECORD_FIXED) return reject(r, path, "corrupt table");
    uint32_t rel_len = get32(p + RECORD_FIXED - 4);
    if ((size_t)(end - p) - RECORD_FIXED < rel_len) return reject(r, path, "corrupt table");
    uint64_t at = get64(p), bytes = get64(p + 8);
    if (at < HEADER_BYTES || at > off || bytes > off - at || off - at - bytes < sizeof(nl_note))
      return reject(r, path, "corrupt table");
    const char *rel = (const char *)p + RECORD_FIXED;
    slot *s = find_slot(r->slots, r->mask, rel, rel_len);
    s->row = p;
    s->rel = rel;
    s->rel_len = rel_len;
    p += RECORD_FIXED + rel_len;
  }
  return r;
}

int nl_cache_exists(const char *dir, const char *root) {
  char path[PATH_MAX];
  return dir != NULL && cache_path(path, sizeof(path), dir, root) == 0 && access(path, F_OK) == 0;
}

nl_cache_reader *nl_cache_open(const char *dir, const char *root) {
  char path[PATH_MAX];
  if (dir == NULL || cache_path(path, sizeof(path), dir, root) != 0) return NULL;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NULL;
  nl_cache_reader *r = calloc(1, sizeof(*r));
  if (r == NULL) {
    close(fd);
    return NULL;
  }
  r->fd = fd;
  return load_table(r, path, root);
}

typedef struct {
  const char *old_base;
  size_t len;
  char *new_base;
  int bad;
} rebase;

static void *rebase_ptr(void *ud, const void *p) {
  rebase *rb = ud;
  const char *c = p;
  if (c == NULL) return NULL;
  if (c < rb->old_base || c > rb->old_base + rb->len) {
    rb->bad = 1;
    return NULL;
  }
  return rb->new_base + (c - rb->old_base);
}

/* A block's room in the slab: its bytes, up to the alignment an arena block has. */
static size_t slab_room(uint64_t bytes) {
  return ((size_t)bytes + _Alignof(max_align_t) - 1) & ~(_Alignof(max_align_t) - 1);
}

static int by_slot_offset(const void *a, const void *b) {
  uint64_t x = get64((*(slot *const *)a)->row), y = get64((*(slot *const *)b)->row);
  return x < y ? -1 : x > y;
}

/* Reads the records of run[0 .. n), one after the other in the file, with one preadv. */
static int read_run(int fd, slot **run, size_t n, struct iovec *iov) {
  for (size_t i = 0; i < n; i++) {
    iov[2 * i] = (struct iovec){run[i]->pre, sizeof(nl_note)};
    iov[2 * i + 1] = (struct iovec){run[i]->block, get64(run[i]->row + 8)};
  }
  return io_all(fd, iov, (int)(2 * n), get64(run[0]->row), 1);
}

static void drop_pre(nl_cache_reader *r) {
  for (size_t i = 0; i <= r->mask; i++) {
    free(r->slots[i].pre);
    r->slots[i].pre = NULL;
  }
}

int nl_cache_read_records(nl_cache_reader *r) {
  if (r == NULL || r->slab != NULL) return NL_EINVAL;
  size_t n = 0, bytes = 0;
  slot **order = malloc((r->mask + 1) * sizeof(*order));
  nl_cache_slab *s = calloc(1, sizeof(*s));
  struct iovec *iov = malloc(2 * RUN_RECORDS * sizeof(*iov));
  int rc = order != NULL && s != NULL && iov != NULL ? 0 : NL_ENOMEM;
  for (size_t i = 0; i <= r->mask && rc == 0; i++)
    if (r->slots[i].row != NULL) {
      order[n++] = &r->slots[i];
      bytes += slab_room(get64(r->slots[i].row + 8));
    }
  if (rc == 0) qsort(order, n, sizeof(*order), by_slot_offset);
  if (rc == 0 && (s->base = malloc(bytes + 1)) == NULL) rc = NL_ENOMEM;
  for (size_t i = 0, at = 0; i < n && rc == 0; i++) {
    order[i]->block = s->base + at;
    at += slab_room(get64(order[i]->row + 8));
    if ((order[i]->pre = malloc(sizeof(nl_note))) == NULL) rc = NL_ENOMEM;
  }
  /* Runs of records that follow one another in the file (all of them, unless two rows share
   * a path), RUN_RECORDS at a time. */
  for (size_t i = 0; i < n && rc == 0;) {
    size_t j = i + 1;
    uint64_t end = get64(order[i]->row) + sizeof(nl_note) + get64(order[i]->row + 8);
    for (; j < n && j - i < RUN_RECORDS && get64(order[j]->row) == end; j++)
      end += sizeof(nl_note) + get64(order[j]->row + 8);
    if (read_run(r->fd, order + i, j - i, iov) != 0) rc = NL_EIO;
    i = j;
  }
  free(order);
  free(iov);
  if (rc != 0) {
    nl_log(NL_LOG_INFO, "cannot read the index cache's notes at once, reading them one by one");
    drop_pre(r);
    nl_cache_slab_free(s);
    return rc;
  }
  s->len = bytes;
  r->slab = s;
  return 0;
}

nl_cache_slab *nl_cache_take_slab(nl_cache_reader *r) {
  if (r == NULL || r->slab == NULL || r->slab_taken) return NULL;
  r->slab_taken = 1;
  return r->slab;
}

typedef struct {
  const char *base;
  size_t len;
  int inside;
} in_range;

static void *note_in_range(void *ud, const void *p) {
  in_range *in = ud;
  const char *c = p;
  if (c != NULL && c >= in->base && c <= in->base + in->len) in->inside = 1;
  return (void *)c;
}

int nl_cache_slab_holds(const nl_cache_slab *s, nl_note *note) {
  in_range in = {s->base, s->len, 0};
  if (note != NULL && note->arena.head == NULL) nl_note_each_pointer(note, note_in_range, &in);
  return in.inside;
}

void nl_cache_slab_free(nl_cache_slab *s) {
  if (s == NULL) return;
  free(s->base);
  free(s);
}

/* The note nl_cache_read_records read for slot s (taken from it), its block re-based where
 * it lies in the slab. NULL when the record is damaged. */
static nl_note *load_in_slab(slot *s, const char *rel, uint64_t base, uint64_t hash,
                             uint64_t bytes) {
  nl_note *note = s->pre;
  s->pre = NULL;
  if (hash_more(hash_of(note, sizeof(*note)), s->block, bytes) != hash) {
    nl_log(NL_LOG_INFO, "ignored a damaged index cache record: %s", rel);
    free(note);
    return NULL;
  }
  nl_arena_init(&note->arena); /* the block is the slab's: nothing of it is freed */
  note->arena.used = bytes;
  rebase rb = {(const char *)(uintptr_t)base, bytes, s->block, 0};
  nl_note_each_pointer(note, rebase_ptr, &rb);
  if (rb.bad) {
    free(note);
    return NULL;
  }
  return note;
}

nl_note *nl_cache_load(nl_cache_reader *r, const char *rel, const nl_cache_stamp *st) {
  if (r == NULL) return NULL;
  slot *s = find_slot(r->slots, r->mask, rel, strlen(rel));
  if (s->row == NULL) return NULL;
  const unsigned char *row = s->row;
  nl_cache_stamp want = {get64(row + 32), (int64_t)get64(row + 40), get64(row + 48),
                         get64(row + 56)};
  if (memcmp(&want, st, sizeof(want)) != 0 || st->mtime_ns >= r->since_ns - RACY_NS) return NULL;
  uint64_t at = get64(row), bytes = get64(row + 8), base = get64(row + 16), hash = get64(row + 24);
  if (s->pre != NULL) { /* else read on its own: a second load of the record */
    nl_note *note = load_in_slab(s, rel, base, hash, bytes);
    if (note != NULL) atomic_fetch_add(&r->hits, 1);
    return note;
  }
  nl_note *note = malloc(sizeof(*note));
  if (note == NULL) return NULL;
  nl_arena arena;
  void *block = nl_arena_init_block(&arena, bytes);
  struct iovec iov[2] = {{note, sizeof(*note)}, {block, bytes}};
  ssize_t want_bytes = (ssize_t)(sizeof(*note) + bytes);
  if (block == NULL || preadv(r->fd, iov, 2, (off_t)at) != want_bytes ||
      hash_more(hash_of(note, sizeof(*note)), block, bytes) != hash) {
    if (block != NULL) nl_log(NL_LOG_INFO, "ignored a damaged index cache record: %s", rel);
    nl_arena_free(&arena);
    free(note);
    return NULL;
  }
  note->arena = arena;
  rebase rb = {(const char *)(uintptr_t)base, bytes, block, 0};
  nl_note_each_pointer(note, rebase_ptr, &rb);
  if (rb.bad) { /* the writer checks every pointer: only a damaged file gets here */
    nl_note_free(note);
    return NULL;
  }
  atomic_fetch_add(&r->hits, 1);
  return note;
}

size_t nl_cache_hits(const nl_cache_reader *r) { return r != NULL ? atomic_load(&r->hits) : 0; }

void nl_cache_reader_free(nl_cache_reader *r) {
  if (r == NULL) return;
  if (r->fd >= 0) close(r->fd);
  if (r->slots != NULL) drop_pre(r);
  if (!r->slab_taken) nl_cache_slab_free(r->slab);
  free(r->table);
  free(r->slots);
  free(r);
}

/* ---- writing ----------------------------------------------------------------------------- */

struct nl_cache_writer {
  int fd;
  char *path;     /* the cache */
  char *tmp;      /* the file being written */
  char *root;
  int64_t since_ns;
  uv_mutex_t lock; /* guards the fields below */
  uint64_t end;    /* next free offset */
  unsigned char *table;
  size_t table_len, table_cap;
  uint64_t n;
  int failed;
  nl_cache_reader *from; /* the old cache whose records `kept` lists */
  const unsigned char **kept;
  size_t n_kept, cap_kept;
};

nl_cache_writer *nl_cache_writer_new(const char *dir, const char *root, int64_t since_ns) {
  char path[PATH_MAX], tmp[PATH_MAX];
  if (dir == NULL || cache_path(path, sizeof(path), dir, root) != 0 ||
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
  w->end = HEADER_BYTES;
  if (w->path == NULL || w->tmp == NULL || w->root == NULL) {
    nl_cache_abort(w);
    return NULL;
  }
  return w;
}

typedef struct {
  const char *base;
  size_t len;
  int bad;
} check;

static void *check_ptr(void *ud, const void *p) {
  check *c = ud;
  const char *s = p;
  if (s != NULL && (s < c->base || s > c->base + c->len)) c->bad = 1;
  return (void *)s;
}

/* Appends a table row for a record of `bytes` at `at`; under the lock. */
static int add_row(nl_cache_writer *w, uint64_t at, uint64_t bytes, uint64_t base,
                   uint64_t hash, const nl_cache_stamp *st, const char *rel, size_t rel_len) {
  size_t row_len = RECORD_FIXED + rel_len;
  if (rel_len > UINT32_MAX) return NL_EINVAL;
  if (w->table_len + row_len > w->table_cap) {
    size_t cap = w->table_cap ? w->table_cap * 2 : 65536;
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

int nl_cache_add(nl_cache_writer *w, const char *rel, const nl_cache_stamp *st,
                 nl_note *note) {
  size_t bytes;
  const void *block = nl_arena_single(&note->arena, &bytes);
  if (block == NULL) return NL_EINVAL;
  check c = {block, bytes, 0};
  nl_note_each_pointer(note, check_ptr, &c);
  if (c.bad) return NL_EINVAL;
  uint64_t hash = hash_more(hash_of(note, sizeof(*note)), block, bytes);
  uv_mutex_lock(&w->lock);
  uint64_t at = w->end;
  int rc = w->failed ? NL_EIO
                     : add_row(w, at, bytes, (uint64_t)(uintptr_t)block, hash, st, rel, strlen(rel));
  if (rc == 0) w->end += sizeof(*note) + bytes;
  uv_mutex_unlock(&w->lock);
  if (rc != 0) return rc;
  /* The room is reserved: the bytes go in without the lock, in parallel with other notes. */
  struct iovec iov[2] = {{note, sizeof(*note)}, {(void *)block, bytes}};
  if (write_all(w->fd, iov, 2, at) != 0) {
    uv_mutex_lock(&w->lock);
    w->failed = 1;
    uv_mutex_unlock(&w->lock);
    return NL_EIO;
  }
  return 0;
}

int nl_cache_keep(nl_cache_writer *w, nl_cache_reader *r, const char *rel) {
  slot *s = find_slot(r->slots, r->mask, rel, strlen(rel));
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

/* Copies bytes [from, from + len) of the old cache to `to` in the new one. */
static int copy_range(int in, int out, uint64_t from, uint64_t to, uint64_t len) {
  loff_t a = (loff_t)from, b = (loff_t)to;
  while (len > 0) {
    ssize_t n = copy_file_range(in, &a, out, &b, len, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    len -= (uint64_t)n;
  }
  if (len == 0) return 0;
  /* Not supported between these files, or cut short: copy through a buffer. */
  char buf[65536];
  while (len > 0) {
    size_t n = len < sizeof(buf) ? (size_t)len : sizeof(buf);
    struct iovec iov = {buf, n};
    if (read_all(in, buf, n, (uint64_t)a) != 0 || write_all(out, &iov, 1, (uint64_t)b) != 0)
      return -1;
    a += (loff_t)n;
    b += (loff_t)n;
    len -= n;
  }
  return 0;
}

/* Carries the kept records of the old cache over, in runs that were contiguous there. */
static int copy_kept(nl_cache_writer *w) {
  qsort(w->kept, w->n_kept, sizeof(*w->kept), by_offset);
  for (size_t i = 0; i < w->n_kept;) {
    uint64_t start = get64(w->kept[i]), end = start, at = w->end;
    size_t j = i;
    for (; j < w->n_kept && get64(w->kept[j]) == end; j++) {
      const unsigned char *row = w->kept[j];
      uint64_t bytes = get64(row + 8);
      nl_cache_stamp st = {get64(row + 32), (int64_t)get64(row + 40), get64(row + 48),
                           get64(row + 56)};
      if (add_row(w, at + (end - start), bytes, get64(row + 16), get64(row + 24), &st,
                  (const char *)row + RECORD_FIXED, get32(row + RECORD_FIXED - 4)) != 0)
        return -1;
      end += sizeof(nl_note) + bytes;
    }
    if (copy_range(w->from->fd, w->fd, start, at, end - start) != 0) return -1;
    w->end += end - start;
    i = j;
  }
  return 0;
}

int nl_cache_commit(nl_cache_writer *w) {
  if (w->n == 0 && w->from != NULL && w->n_kept == w->from->n && !w->failed) {
    nl_log(NL_LOG_INFO, "index cache unchanged: %s", w->path);
    nl_cache_abort(w);
    return 0;
  }
  if (!w->failed && w->n_kept > 0 && copy_kept(w) != 0) w->failed = 1;
  size_t root_len = strlen(w->root);
  uint64_t table_len = 4 + root_len + w->table_len;
  unsigned char *table = malloc(table_len);
  int rc = table == NULL || w->failed ? -1 : 0;
  if (rc == 0) {
    put32(table, (uint32_t)root_len);
    memcpy(table + 4, w->root, root_len);
    if (w->table_len > 0) memcpy(table + 4 + root_len, w->table, w->table_len);
    unsigned char h[HEADER_BYTES], *p = h;
    memcpy(p, MAGIC, 8);
    p = put64(p + 8, build_id());
    p = put64(p, w->end);
    p = put64(p, table_len);
    p = put64(p, hash_of(table, table_len));
    p = put64(p, w->n);
    p = put64(p, (uint64_t)w->since_ns);
    put64(p, hash_of(w->root, root_len));
    /* No fsync: after a crash the hashes reject whatever half-written file is left. */
    struct iovec t = {table, table_len}, hv = {h, sizeof(h)};
    if (write_all(w->fd, &t, 1, w->end) != 0 || write_all(w->fd, &hv, 1, 0) != 0 ||
        rename(w->tmp, w->path) != 0)
      rc = -1;
  }
  if (rc != 0) nl_log(NL_LOG_WARN, "cannot write the index cache (%s): %s", strerror(errno), w->path);
  else nl_log(NL_LOG_INFO, "index cache written: %llu notes, %s", (unsigned long long)w->n, w->path);
  free(table);
  if (rc == 0) {
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
