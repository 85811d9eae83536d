/* bytes.h: searching bytes for a set of them (a memchr for several bytes at once). Inline: the
 * inline scanner calls it between every two bytes it stops at, with constant sets. */
#ifndef NL_BYTES_H
#define NL_BYTES_H

#include <stddef.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* The offset of the first byte of s[i, end) that table marks (table[c] != 0), or end; set
 * holds the same n bytes, for comparing sixteen bytes at a time where SSE2 is there. */
static inline size_t nl_bytes_skip_to(const char *s, size_t i, size_t end,
                                      const unsigned char table[256], const char *set, size_t n) {
#ifdef __SSE2__
  while (i < end && end - i >= 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
    __m128i hit = _mm_setzero_si128();
    for (size_t k = 0; k < n; k++) hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8(set[k])));
    unsigned bits = (unsigned)_mm_movemask_epi8(hit);
    if (bits != 0) return i + (size_t)__builtin_ctz(bits);
    i += 16;
  }
#else
  (void)set;
  (void)n;
#endif
  while (i < end && !table[(unsigned char)s[i]]) i++;
  return i;
}

#endif
