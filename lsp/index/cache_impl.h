/* cache_impl.h: the index cache's private parts (cache.h), shared by cache.c (the file's
 * format and reading it) and cache_write.c (writing it). Nothing else includes it. */
#ifndef NL_CACHE_IMPL_H
#define NL_CACHE_IMPL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/uio.h>

#include "lsp/index/cache.h"

#define MAGIC "NLSPIDX5"
#define HEADER_BYTES 96
#define RECORD_FIXED 68 /* a table row without its path */
/* A file modified this close to the scan's start may change again with the same mtime. */
#define RACY_NS 2000000000LL
#define HASH_SEED 0xCBF29CE484222325ULL
/* The index tables are written and hashed in pieces of this size (a chained hash). */
#define TABLES_PIECE (64u << 10)

static inline uint64_t get64(const unsigned char *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}
static inline uint32_t get32(const unsigned char *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}
static inline unsigned char *put64(unsigned char *p, uint64_t v) { return memcpy(p, &v, 8), p + 8; }
static inline unsigned char *put32(unsigned char *p, uint32_t v) { return memcpy(p, &v, 4), p + 4; }

/* Where a note's pointers lead relative to the bytes [base, base + len] (the end included: an
 * empty string may sit there): nl_cachei_span_ptr, an nl_note_each_pointer callback, counts
 * them into `inside` and `outside`. */
typedef struct {
  const char *base;
  size_t len;
  size_t inside, outside;
} nl_cachei_span;
void *nl_cachei_span_ptr(void *ud, const void *p);

/* A 64-bit hash, eight bytes at a time, with CRC-32C where the CPU has it (not cryptographic:
 * it finds truncation and damage); hash_more goes on from h. */
uint64_t nl_cachei_hash_more(uint64_t h, const void *data, size_t len);
uint64_t nl_cachei_hash_of(const void *data, size_t len);
/* The hash of the index tables: hash_more chained over TABLES_PIECE pieces from HASH_SEED. */
uint64_t nl_cachei_hash_pieces(const void *data, size_t len);
/* The build's identity: the note layout and the program that parsed the notes. */
uint64_t nl_cachei_build_id(void);
/* dir/<hash of root>.idx into buf, or -1 when it does not fit. */
int nl_cachei_path(char *buf, size_t size, const char *dir, const char *root);
/* Where a second start maps the cache of `root` (nl_cache_map_at): a 16 GiB slot of the
 * address range [32 TiB, 64 TiB), clear of the program, its heap, the shared libraries and
 * ASan's shadow. Every record's pointers are written to lead where its block lies once the
 * file is mapped there (its row's base is nl_cachei_block_at), so a mapped record serves as it
 * lies: nothing copied, re-based or zeroed. */
#define MAP_REGION 0x200000000000ULL
#define MAP_SLOT_SHIFT 34
#define MAP_SLOTS 2048u
static inline uint64_t nl_cachei_block_at(uint64_t map_at, uint64_t at) {
  return map_at + at + sizeof(nl_note);
}
/* Copies `note` (its struct and its one block [block, block + bytes)) into out (room for
 * sizeof(nl_note) + bytes) with every pointer leading where out's block will lie at address
 * `to`; the arena's fields are copied as they are (a reader resets them). 0, or -1 when a
 * pointer leads outside the block (the note cannot be stored). */
int nl_cachei_relocate(const nl_note *note, const void *block, size_t bytes,
                       unsigned char *out, uint64_t to);

/* Where a record starts when the previous one ends at `end`: its block aligned as an arena
 * block is, so that a mapped record's arrays are read where they lie. */
static inline uint64_t nl_cachei_record_at(uint64_t end) {
  const uint64_t align = _Alignof(max_align_t);
  return ((end + sizeof(nl_note) + align - 1) & ~(align - 1)) - sizeof(nl_note);
}
/* Moves every pointer of `note`, which led into [base, base + bytes] when written, into
 * `block` (its bytes): 0, or -1 when one leads elsewhere (a damaged record). */
int nl_cachei_rebase(nl_note *note, uint64_t base, uint64_t bytes, char *block);

/* Writes (or reads, `reading`) all n buffers of iov at off; 0 or -1. */
int nl_cachei_io(int fd, struct iovec *iov, int n, uint64_t off, int reading);
int nl_cachei_write(int fd, struct iovec *iov, int n, uint64_t off);
int nl_cachei_read(int fd, void *buf, size_t len, uint64_t off);

typedef struct {
  const unsigned char *row; /* into the table */
  const char *rel;
  uint32_t rel_len;
  nl_note *pre; /* read, checked and re-based by nl_cache_read_records and not yet loaded
                   (owned), or NULL */
  char *block;  /* then its block, in the slab */
} nl_cachei_slot;

struct nl_cache_slab {
  char *base;     /* every record's block: the cache file mapped at its address, or an
                     anonymous block they were read into one after the other */
  size_t len;     /* the notes' pointers lead into [base, base + len] */
  size_t map_len; /* what to unmap */
};

struct nl_cache_reader {
  int fd;
  int64_t since_ns;
  uint64_t n; /* records */
  uint64_t tables_off, tables_len, tables_hash; /* the index tables, or 0 */
  nl_cache_slab *slab;  /* the records read at once, or NULL */
  uint64_t map_at;      /* where the records' pointers lead once the file is mapped */
  int mapped;           /* the slab is the file mapped there */
  int records_read;     /* nl_cache_read_records ran */
  const char *tables;   /* nl_cache_tables gave them: in the mapping, or tables_buf */
  char *tables_buf;     /* owned */
  uint64_t file_len;    /* when opened */
  int slab_taken;       /* nl_cache_take_slab: the caller frees the slab */
  unsigned char *table;
  nl_cachei_slot *slots; /* open addressing by path hash; row NULL when empty */
  nl_cachei_slot **order; /* the slots in the table's order, n of them */
  size_t mask;
  atomic_size_t hits;
};

/* The slot of path rel (len bytes), or the empty one where it would go. */
nl_cachei_slot *nl_cachei_find_slot(nl_cachei_slot *slots, size_t mask, const char *rel, size_t len);

#endif
