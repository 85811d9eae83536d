/* cache_impl.h: the index cache's private parts (cache.h), shared by cache.c (the file's
 * format and reading it) and cache_write.c (writing it). Nothing else includes it. */
#ifndef NL_CACHE_IMPL_H
#define NL_CACHE_IMPL_H

#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/uio.h>

#include "lsp/index/cache.h"

#define MAGIC "NLSPIDX4"
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
  char *base; /* every record's block, one after the other (mapped, len + 1 bytes) */
  size_t len;
};

struct nl_cache_reader {
  int fd;
  int64_t since_ns;
  uint64_t n; /* records */
  uint64_t tables_off, tables_len, tables_hash; /* the index tables, or 0 */
  nl_cache_slab *slab;  /* the records read at once, or NULL */
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
