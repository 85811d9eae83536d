/* hash.c: see hash.h. */
#include "lsp/base/hash.h"

#include <string.h>

uint64_t nl_hash_bytes(uint64_t h, const void *p, size_t n) {
  const unsigned char *s = p;
  for (size_t i = 0; i < n; i++) {
    h ^= s[i];
    h *= 1099511628211ull;
  }
  return h;
}

uint64_t nl_hash_str(uint64_t h, const char *s) {
  if (s == NULL) return nl_hash_bytes(h, "\xff", 1);
  return nl_hash_bytes(h, s, strlen(s) + 1);
}

uint64_t nl_hash_u64(uint64_t h, uint64_t v) {
  unsigned char b[8];
  for (int i = 0; i < 8; i++) b[i] = (unsigned char)(v >> (8 * i));
  return nl_hash_bytes(h, b, sizeof b);
}
