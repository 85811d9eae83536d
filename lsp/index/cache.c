/* cache.c: the index cache file (cache.h).
 *
 * Layout, all integers little-endian as the machine writes them (a cache never leaves it):
 *   header (96 bytes): magic "NLSPIDX5", u64 build (the identity of the program and of the
 *     note layout), u64 table offset, u64 table bytes, u64 table hash, u64 records,
 *     i64 since_ns (when the scan began), u64 hash of the root path, then the index tables'
 *     u64 offset, u64 bytes and u64 hash (0, 0, 0: none)
 *   records: each one note: the nl_note struct, then its arena's one block, written where the
 *     writer reserved room for it, every pointer leading where the block lies when the file is
 *     mapped at nl_cache_map_at(root) (cache_impl.h)
 *   table: u32 root length, the root; then per record: u64 offset, u64 block bytes, u64 the
 *     address the block's pointers lead to (its base), u64 hash of struct and block, the stamp
 *     (u64 size, i64 mtime_ns, u64 inode, u64 device), u32 path length, the vault-relative path
 *   the index tables, right after the table (cache_tables.c), when the writer gave them
 * A second start maps the file read-only at that address (nl_cache_read_records): a record
 * whose base is where its block now lies and whose hash holds serves where it lies; only its
 * struct is copied (the note is freed with free()). Any other record (moved by a commit that
 * could not re-point it, or the mapping not possible) is re-based by nl_note_each_pointer
 * into memory of its own: every pointer it holds led into its block when written (the writer
 * checks), so each moves by the block's new address; read on its own into a new arena, or,
 * when the file cannot be mapped, into one allocation that holds every record's block (a
 * slab), a preadv per RUN_RECORDS records, each checked and re-based as it arrives. Whichever
 * holds the notes, the index keeps it until no note lives in it (nl_cache_take_slab). Writers
 * never change a byte of a record in a file a reader may have mapped: a new cache is a new
 * file renamed over the old one, and an append in place only grows the file and rewrites its
 * header (cache_write.c). */
#include "lsp/index/cache_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>
#include <uv.h>

#include "lsp/base/error.h"
#include "lsp/base/log.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <nmmintrin.h>
#define HAVE_CRC32C 1
#endif

/* Records per preadv when reading them all (IOV_MAX is 1024): about 180 KB at 100,000 notes,
 * so that they are still in the CPU's caches when checked and re-based right after. */
#define RUN_RECORDS 64

/* ---- small helpers ----------------------------------------------------------------------- */

#define HASH_MUL 0x100000001B3ULL

#ifdef HAVE_CRC32C
/* CRC-32C in four lanes over 32-byte blocks (the instruction's latency is three cycles, its
 * throughput one), folded into 64 bits: a change within one lane always changes the result.
 * About twice as fast as the multiplying hash below over runs of records as a second start
 * reads them (180 KB). */
__attribute__((target("sse4.2"))) static uint64_t hash_crc(uint64_t h, const unsigned char *p,
                                                           size_t len) {
  uint64_t c[4] = {(uint32_t)h, h >> 32, (uint32_t)h ^ 0x9E3779B9u, (h >> 32) ^ 0x7F4A7C15u};
  for (; len >= 32; p += 32, len -= 32)
    for (int k = 0; k < 4; k++) {
      uint64_t w;
      memcpy(&w, p + 8 * k, 8);
      c[k] = _mm_crc32_u64(c[k], w);
    }
  for (; len >= 8; p += 8, len -= 8) {
    uint64_t w;
    memcpy(&w, p, 8);
    c[0] = _mm_crc32_u64(c[0], w);
  }
  for (; len > 0; len--) c[1] = _mm_crc32_u8((uint32_t)c[1], *p++);
  uint64_t x = (c[0] | c[1] << 32) ^ ((c[2] | c[3] << 32) * 0x9E3779B97F4A7C15ULL);
  x ^= x >> 29;
  x *= HASH_MUL;
  return x ^ (x >> 32);
}
#endif

uint64_t nl_cachei_hash_more(uint64_t h, const void *data, size_t len) {
  const unsigned char *p = data;
#ifdef HAVE_CRC32C
  /* The same machine writes and reads a cache, so it always takes the same branch. */
  if (__builtin_cpu_supports("sse4.2")) return hash_crc(h, p, len);
#endif
  /* Four independent lanes over 32-byte blocks, so the multiplies overlap: the records of a
   * 100,000-note cache are a third of a gigabyte. */
  if (len >= 32) {
    uint64_t lane[4] = {h, h ^ 0x9E3779B97F4A7C15ULL, h ^ 0xC2B2AE3D27D4EB4FULL, ~h};
    for (; len >= 32; p += 32, len -= 32)
      for (int k = 0; k < 4; k++) {
        uint64_t w;
        memcpy(&w, p + 8 * k, 8);
        lane[k] = (lane[k] ^ w) * HASH_MUL;
        lane[k] ^= lane[k] >> 29;
      }
    h = (((lane[0] * HASH_MUL) ^ lane[1]) * HASH_MUL ^ lane[2]) * HASH_MUL ^ lane[3];
  }
  while (len >= 8) {
    uint64_t w;
    memcpy(&w, p, 8);
    h = (h ^ w) * HASH_MUL;
    h ^= h >> 29;
    p += 8;
    len -= 8;
  }
  while (len > 0) {
    h = (h ^ *p++) * HASH_MUL;
    len--;
  }
  return h ^ (h >> 32);
}

uint64_t nl_cachei_hash_of(const void *data, size_t len) {
  return nl_cachei_hash_more(HASH_SEED, data, len);
}

uint64_t nl_cachei_hash_pieces(const void *data, size_t len) {
  uint64_t h = HASH_SEED;
  for (size_t at = 0; at < len; at += TABLES_PIECE)
    h = nl_cachei_hash_more(h, (const char *)data + at, len - at < TABLES_PIECE ? len - at : TABLES_PIECE);
  return h;
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
uint64_t nl_cachei_build_id(void) {
  static const size_t layout[] = {
      sizeof(nl_note),      sizeof(nl_frontmatter), sizeof(nl_fm_entry), sizeof(nl_fm_scalar),
      sizeof(nl_heading),   sizeof(nl_block_id),    sizeof(nl_link),     sizeof(nl_tag),
      sizeof(nl_mention),   sizeof(nl_task),        sizeof(nl_task_date), sizeof(nl_task_more),
      sizeof(nl_link_more), sizeof(nl_link_spread), sizeof(nl_note_col),
      sizeof(void *)};
  uint64_t h = nl_cachei_hash_of(layout, sizeof(layout));
  h = nl_cachei_hash_more(h, NOTES_LSP_VERSION, strlen(NOTES_LSP_VERSION));
  char exe[PATH_MAX];
  size_t n = sizeof(exe);
  struct stat st;
  if (uv_exepath(exe, &n) == 0 && stat(exe, &st) == 0) {
    nl_cache_stamp s;
    nl_cache_stamp_of(&st, &s);
    h = nl_cachei_hash_more(h, &s, sizeof(s));
  }
  return h;
}

uint64_t nl_cache_map_at(const char *root) {
  if (UINTPTR_MAX <= 0xFFFFFFFFu) return 0; /* no room: every record is re-based */
  return MAP_REGION + ((nl_cachei_hash_of(root, strlen(root)) & (MAP_SLOTS - 1)) << MAP_SLOT_SHIFT);
}

typedef struct {
  uintptr_t note, block;
  size_t bytes;
  unsigned char *out;
  uintptr_t to;
  int bad;
} relocation;

static void relocate_field(void *ud, const void *slot, const void *p) {
  relocation *r = ud;
  uintptr_t s = (uintptr_t)slot, q = (uintptr_t)p;
  unsigned char *dst = NULL;
  if (q < r->block || q > r->block + r->bytes) r->bad = 1; /* the end: an empty array */
  else if (s >= r->note && s + sizeof(void *) <= r->note + sizeof(nl_note))
    dst = r->out + (s - r->note);
  else if (s >= r->block && s + sizeof(void *) <= r->block + r->bytes)
    dst = r->out + sizeof(nl_note) + (s - r->block);
  else r->bad = 1;
  if (r->bad) return;
  uintptr_t v = r->to + (q - r->block);
  memcpy(dst, &v, sizeof(v));
}

int nl_cachei_relocate(const nl_note *note, const void *block, size_t bytes,
                       unsigned char *out, uint64_t to) {
  nl_note head = *note; /* as a reader uses it where it lies: owning nothing */
  nl_arena_init(&head.arena);
  head.arena.used = bytes;
  head.borrowed = 1;
  memcpy(out, &head, sizeof(head));
  if (bytes > 0) memcpy(out + sizeof(*note), block, bytes);
  relocation r = {(uintptr_t)note, (uintptr_t)block, bytes, out, (uintptr_t)to, 0};
  nl_note_each_field(note, relocate_field, &r);
  return r.bad ? -1 : 0;
}

/* dir/<hash of root>.idx, or -1 when it does not fit. */
int nl_cachei_path(char *buf, size_t size, const char *dir, const char *root) {
  int n = snprintf(buf, size, "%s/%016llx.idx", dir,
                   (unsigned long long)nl_cachei_hash_of(root, strlen(root)));
  return n > 0 && (size_t)n < size ? 0 : -1;
}


/* Writes (or reads, `reading`) the n buffers of iov at off, all of them; 0 or -1. */
int nl_cachei_io(int fd, struct iovec *iov, int n, uint64_t off, int reading) {
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

int nl_cachei_write(int fd, struct iovec *iov, int n, uint64_t off) {
  return nl_cachei_io(fd, iov, n, off, 0);
}

int nl_cachei_read(int fd, void *buf, size_t len, uint64_t off) {
  struct iovec v = {buf, len};
  return nl_cachei_io(fd, &v, 1, off, 1);
}

/* ---- reading ----------------------------------------------------------------------------- */

nl_cachei_slot *nl_cachei_find_slot(nl_cachei_slot *slots, size_t mask, const char *rel, size_t len) {
  for (size_t i = nl_cachei_hash_of(rel, len) & mask;; i = (i + 1) & mask)
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
  if (fstat(r->fd, &st) != 0 || nl_cachei_read(r->fd, h, sizeof(h), 0) != 0)
    return reject(r, path, "truncated header");
  if (memcmp(h, MAGIC, 8) != 0) return reject(r, path, "not a notes-lsp index cache");
  if (get64(h + 8) != nl_cachei_build_id()) return reject(r, path, "written by another build");
  uint64_t off = get64(h + 16), len = get64(h + 24), hash = get64(h + 32), n = get64(h + 40);
  r->since_ns = (int64_t)get64(h + 48);
  r->n = n;
  if (get64(h + 56) != nl_cachei_hash_of(root, strlen(root))) return reject(r, path, "another folder");
  r->map_at = nl_cache_map_at(root);
  r->file_len = (uint64_t)st.st_size;
  r->tables_off = get64(h + 64);
  r->tables_len = get64(h + 72);
  r->tables_hash = get64(h + 80);
  if (off > (uint64_t)st.st_size || len > (uint64_t)st.st_size - off || len < 4 ||
      n > len / RECORD_FIXED || r->tables_off > (uint64_t)st.st_size ||
      r->tables_len > (uint64_t)st.st_size - r->tables_off)
    return reject(r, path, "truncated");
  r->table = malloc(len);
  if (r->table == NULL || nl_cachei_read(r->fd, r->table, len, off) != 0 || nl_cachei_hash_of(r->table, len) != hash)
    return reject(r, path, "corrupt table");
  size_t root_len = get32(r->table);
  if (root_len != strlen(root) || root_len > len - 4 || memcmp(r->table + 4, root, root_len) != 0)
    return reject(r, path, "another folder");
  size_t cap = 16;
  while (cap < n * 2) cap *= 2;
  r->slots = calloc(cap, sizeof(nl_cachei_slot));
  r->order = malloc((n + 1) * sizeof(*r->order));
  if (r->slots == NULL || r->order == NULL) return reject(r, path, "out of memory");
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
    nl_cachei_slot *s = nl_cachei_find_slot(r->slots, r->mask, rel, rel_len);
    s->row = p;
    s->rel = rel;
    s->rel_len = rel_len;
    r->order[i] = s;
    p += RECORD_FIXED + rel_len;
  }
  return r;
}

int nl_cache_exists(const char *dir, const char *root) {
  char path[PATH_MAX];
  return dir != NULL && nl_cachei_path(path, sizeof(path), dir, root) == 0 && access(path, F_OK) == 0;
}

nl_cache_reader *nl_cache_open(const char *dir, const char *root) {
  char path[PATH_MAX];
  if (dir == NULL || nl_cachei_path(path, sizeof(path), dir, root) != 0) return NULL;
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

int nl_cachei_rebase(nl_note *note, uint64_t base, uint64_t bytes, char *block) {
  rebase rb = {(const char *)(uintptr_t)base, (size_t)bytes, block, 0};
  nl_note_each_pointer(note, rebase_ptr, &rb);
  return rb.bad ? -1 : 0;
}

/* A block's room in the slab: its bytes, up to the alignment an arena block has. */
static size_t slab_room(uint64_t bytes) {
  const size_t align = _Alignof(max_align_t);
  return ((size_t)bytes + align - 1) & ~(align - 1);
}

static int by_slot_offset(const void *a, const void *b) {
  uint64_t x = get64((*(nl_cachei_slot *const *)a)->row), y = get64((*(nl_cachei_slot *const *)b)->row);
  return x < y ? -1 : x > y;
}

/* Reads the records of run[0 .. n), one after the other in the file, with one preadv. */
static int read_run(int fd, nl_cachei_slot **run, size_t n, struct iovec *iov) {
  char pad[_Alignof(max_align_t)]; /* the bytes that align the next record's block */
  int k = 0;
  for (size_t i = 0; i < n; i++) {
    if (i > 0) {
      uint64_t end = get64(run[i - 1]->row) + sizeof(nl_note) + get64(run[i - 1]->row + 8);
      if (get64(run[i]->row) > end) iov[k++] = (struct iovec){pad, get64(run[i]->row) - end};
    }
    iov[k++] = (struct iovec){run[i]->pre, sizeof(nl_note)};
    iov[k++] = (struct iovec){run[i]->block, get64(run[i]->row + 8)};
  }
  return nl_cachei_io(fd, iov, k, get64(run[0]->row), 1);
}

/* Checks and re-bases a record just read into the slab, while its bytes are still in the
 * CPU's caches (later, from the pool, they came from memory again: the hash was twice as
 * dear). A damaged one is dropped: nl_cache_load reads it on its own and rejects it, logged. */
static void settle_in_slab(nl_cachei_slot *s) {
  uint64_t bytes = get64(s->row + 8), base = get64(s->row + 16), hash = get64(s->row + 24);
  nl_note *note = s->pre;
  int ok = nl_cachei_hash_more(nl_cachei_hash_of(note, sizeof(*note)), s->block, bytes) == hash;
  if (ok) {
    nl_arena_init(&note->arena); /* the block is the slab's: nothing of it is freed */
    note->arena.used = bytes;
    note->borrowed = 0; /* the struct is this copy */
    ok = nl_cachei_rebase(note, base, bytes, s->block) == 0;
  }
  if (!ok) {
    free(note);
    s->pre = NULL;
  }
}

static void drop_pre(nl_cache_reader *r) {
  for (size_t i = 0; i <= r->mask; i++) {
    if (!r->mapped) free(r->slots[i].pre); /* else it lies in the mapping */
    r->slots[i].pre = NULL;
  }
}

/* Maps r's file read-only at its address, once: r->slab. Not populated: a read fault maps 16
 * pages of the page cache at once, and pages never read (the table's, read on its own) do not
 * count in the process's memory. 0, or -1 when the address is taken (another root's cache, a
 * sanitizer's memory) or the file does not fit its slot. */
static int map_file(nl_cache_reader *r) {
  if (r->mapped) return 0;
  if (r->slab != NULL || r->map_at == 0 || r->file_len == 0 ||
      r->file_len >= (1ULL << MAP_SLOT_SHIFT))
    return -1;
  void *want = (void *)(uintptr_t)r->map_at;
  int flags = MAP_PRIVATE;
#ifdef MAP_FIXED_NOREPLACE
  flags |= MAP_FIXED_NOREPLACE; /* never over a mapping already there */
#endif
  char *m = mmap(want, (size_t)r->file_len, PROT_READ, flags, r->fd, 0);
  if (m == MAP_FAILED) return -1;
  if (m != want) { /* an older kernel took the address as a hint only */
    munmap(m, (size_t)r->file_len);
    return -1;
  }
  nl_cache_slab *s = calloc(1, sizeof(*s));
  if (s == NULL) {
    munmap(m, (size_t)r->file_len);
    return -1;
  }
  *s = (nl_cache_slab){m, (size_t)r->file_len, (size_t)r->file_len};
  r->slab = s;
  r->mapped = 1;
  return 0;
}

/* Takes each record of the mapped file whose pointers lead where it lies and whose hash holds:
 * it serves there as it is, struct and all (a borrowed note). */
static void check_mapped(nl_cache_reader *r) {
  const char *m = r->slab->base;
  for (uint64_t i = 0; i < r->n; i++) {
    nl_cachei_slot *slot = r->order[i];
    uint64_t at = get64(slot->row), bytes = get64(slot->row + 8), base = get64(slot->row + 16),
             hash = get64(slot->row + 24);
    /* load_table checked that the record lies before the table, inside the file. */
    if (base != nl_cachei_block_at(r->map_at, at) || at != nl_cachei_record_at(at))
      continue; /* re-based when loaded */
    const char *rec = m + at;
    if (nl_cachei_hash_more(nl_cachei_hash_of(rec, sizeof(nl_note)), rec + sizeof(nl_note),
                            bytes) != hash)
      continue; /* damaged: nl_cache_load reads it on its own and rejects it, logged */
    nl_note *note = (nl_note *)(void *)rec;
    if (!note->borrowed || note->arena.head != NULL) continue; /* not as a writer writes it */
    slot->pre = note;
    slot->block = (char *)rec + sizeof(nl_note);
  }
}

int nl_cache_read_records(nl_cache_reader *r) {
  if (r == NULL || r->records_read) return NL_EINVAL;
  r->records_read = 1;
  if (map_file(r) == 0) {
    check_mapped(r);
    return 0;
  }
  nl_log(NL_LOG_INFO, "index cache not mapped at its address, reading its notes into memory");
  size_t n = 0, bytes = 0;
  nl_cachei_slot **order = malloc((r->mask + 1) * sizeof(*order));
  nl_cache_slab *s = calloc(1, sizeof(*s));
  struct iovec *iov = malloc(3 * RUN_RECORDS * sizeof(*iov));
  int rc = order != NULL && s != NULL && iov != NULL ? 0 : NL_ENOMEM;
  /* The table lists the records in file order (the writer appends both in step); when it does
   * not (two rows of one path), the slots are sorted by offset. */
  int sorted = 1;
  for (size_t i = 0; i < r->n && rc == 0; i++) {
    order[n++] = r->order[i];
    bytes += slab_room(get64(r->order[i]->row + 8));
    sorted &= i == 0 || get64(r->order[i]->row) > get64(r->order[i - 1]->row);
  }
  if (rc == 0 && !sorted) {
    n = bytes = 0;
    for (size_t i = 0; i <= r->mask; i++)
      if (r->slots[i].row != NULL) {
        order[n++] = &r->slots[i];
        bytes += slab_room(get64(r->slots[i].row + 8));
      }
    qsort(order, n, sizeof(*order), by_slot_offset);
  }
  /* Populated up front: the kernel fills the pages in one pass, not a fault per page. */
  if (rc == 0) {
    s->base = mmap(NULL, bytes + 1, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (s->base == MAP_FAILED) s->base = NULL, rc = NL_ENOMEM;
    else s->len = bytes, s->map_len = bytes + 1;
  }
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
    for (; j < n && j - i < RUN_RECORDS && get64(order[j]->row) == nl_cachei_record_at(end); j++)
      end = get64(order[j]->row) + sizeof(nl_note) + get64(order[j]->row + 8);
    if (read_run(r->fd, order + i, j - i, iov) != 0) rc = NL_EIO;
    for (; i < j && rc == 0; i++) settle_in_slab(order[i]);
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
  r->slab = s;
  return 0;
}

const void *nl_cache_tables(nl_cache_reader *r, size_t *len) {
  if (r == NULL || r->tables_len == 0 || r->tables != NULL) return NULL;
  /* From the mapping when there is one: no copy into fresh pages the kernel must zero. */
  if (map_file(r) == 0) {
    r->tables = r->slab->base + r->tables_off;
  } else if ((r->tables_buf = malloc(r->tables_len)) != NULL &&
             nl_cachei_read(r->fd, r->tables_buf, r->tables_len, r->tables_off) == 0) {
    r->tables = r->tables_buf;
  }
  if (r->tables == NULL || nl_cachei_hash_pieces(r->tables, r->tables_len) != r->tables_hash) {
    if (r->tables != NULL) nl_log(NL_LOG_INFO, "ignored the index cache's damaged tables");
    nl_cache_tables_done(r);
    nl_cache_drop_tables(r);
    return NULL;
  }
  *len = r->tables_len;
  return r->tables;
}

void nl_cache_tables_done(nl_cache_reader *r) {
  if (r == NULL || r->tables == NULL) return;
  if (r->tables == r->tables_buf) {
    free(r->tables_buf);
  } else { /* their pages leave the process's memory (the page cache keeps them) */
    const uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t a = ((uintptr_t)r->tables + page - 1) & ~(page - 1),
              b = ((uintptr_t)r->tables + r->tables_len) & ~(page - 1);
    if (b > a) madvise((void *)a, b - a, MADV_DONTNEED);
  }
  r->tables = NULL;
  r->tables_buf = NULL;
}

void nl_cache_drop_tables(nl_cache_reader *r) {
  if (r != NULL) r->tables_len = 0;
}

nl_cache_slab *nl_cache_take_slab(nl_cache_reader *r) {
  if (r == NULL || r->slab == NULL || r->slab_taken) return NULL;
  r->slab_taken = 1;
  return r->slab;
}

void *nl_cachei_span_ptr(void *ud, const void *p) {
  nl_cachei_span *sp = ud;
  const char *c = p;
  if (c != NULL) {
    if (c >= sp->base && c <= sp->base + sp->len)
      sp->inside++;
    else
      sp->outside++;
  }
  return (void *)c;
}

int nl_cache_slab_holds(const nl_cache_slab *s, nl_note *note) {
  nl_cachei_span sp = {s->base, s->len, 0, 0};
  if (note != NULL && note->borrowed) return 1; /* the struct itself lies in a mapping */
  if (note != NULL && note->arena.head == NULL)
    nl_note_each_pointer(note, nl_cachei_span_ptr, &sp);
  return sp.inside > 0;
}

void nl_cache_slab_free(nl_cache_slab *s) {
  if (s == NULL) return;
  if (s->base != NULL) munmap(s->base, s->map_len);
  free(s);
}

/* The note of slot s (a record, of path rel), checked and re-based; new, or NULL. */
static nl_note *load_slot(nl_cache_reader *r, nl_cachei_slot *s, const char *rel) {
  const unsigned char *row = s->row;
  uint64_t at = get64(row), bytes = get64(row + 8), base = get64(row + 16), hash = get64(row + 24);
  if (s->pre != NULL) { /* checked and re-based in the slab; else read on its own: a second
                          load of the record, or a damaged one */
    nl_note *note = s->pre;
    s->pre = NULL;
    return note;
  }
  nl_note *note = malloc(sizeof(*note));
  if (note == NULL) return NULL;
  nl_arena arena;
  void *block = nl_arena_init_block(&arena, bytes);
  struct iovec iov[2] = {{note, sizeof(*note)}, {block, bytes}};
  ssize_t want_bytes = (ssize_t)(sizeof(*note) + bytes);
  if (block == NULL || preadv(r->fd, iov, 2, (off_t)at) != want_bytes ||
      nl_cachei_hash_more(nl_cachei_hash_of(note, sizeof(*note)), block, bytes) != hash) {
    if (block != NULL) nl_log(NL_LOG_INFO, "ignored a damaged index cache record: %s", rel);
    nl_arena_free(&arena);
    free(note);
    return NULL;
  }
  note->arena = arena;
  note->borrowed = 0;
  if (nl_cachei_rebase(note, base, bytes, block) != 0) { /* the writer checks every pointer: only a damaged file gets here */
    nl_note_free(note);
    return NULL;
  }
  return note;
}

nl_note *nl_cache_load(nl_cache_reader *r, const char *rel, const nl_cache_stamp *st) {
  if (r == NULL) return NULL;
  nl_cachei_slot *s = nl_cachei_find_slot(r->slots, r->mask, rel, strlen(rel));
  if (s->row == NULL) return NULL;
  const unsigned char *row = s->row;
  nl_cache_stamp want = {get64(row + 32), (int64_t)get64(row + 40), get64(row + 48),
                         get64(row + 56)};
  if (memcmp(&want, st, sizeof(want)) != 0 || st->mtime_ns >= r->since_ns - RACY_NS) return NULL;
  nl_note *note = load_slot(r, s, rel);
  if (note != NULL) atomic_fetch_add(&r->hits, 1);
  return note;
}

nl_note *nl_cache_load_stored(nl_cache_reader *r, const char *rel) {
  if (r == NULL) return NULL;
  nl_cachei_slot *s = nl_cachei_find_slot(r->slots, r->mask, rel, strlen(rel));
  return s->row != NULL ? load_slot(r, s, rel) : NULL;
}

size_t nl_cache_hits(const nl_cache_reader *r) { return r != NULL ? atomic_load(&r->hits) : 0; }

void nl_cache_reader_free(nl_cache_reader *r) {
  if (r == NULL) return;
  if (r->fd >= 0) close(r->fd);
  nl_cache_tables_done(r);
  if (r->slots != NULL) drop_pre(r);
  if (!r->slab_taken) nl_cache_slab_free(r->slab);
  free(r->table);
  free(r->slots);
  free(r->order);
  free(r);
}

