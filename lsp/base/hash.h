/* hash.h: the one 64-bit FNV-1a hash, for identities that only need to differ when their
 * input does (resultIds, the index's generation) and for the hash tables of the vault's own
 * names and open documents (strmap.c, document.c): never for security. */
#ifndef NL_HASH_H
#define NL_HASH_H

#include <stddef.h>
#include <stdint.h>

#define NL_HASH_INIT 14695981039346656037ull /* FNV-1a's offset basis */

/* Continues hash h over p[0, n) and returns it: start with NL_HASH_INIT. */
uint64_t nl_hash_bytes(uint64_t h, const void *p, size_t n);
/* The same over a NUL-terminated string and its terminator (so "ab","c" and "a","bc"
 * differ); NULL hashes as one byte 0xFF. */
uint64_t nl_hash_str(uint64_t h, const char *s);
/* The same over the 8 bytes of v, lowest first. */
uint64_t nl_hash_u64(uint64_t h, uint64_t v);

#endif
