#include "protocol/percent.h"

#include <stdint.h>
#include <stdlib.h>

int nl_hex_value(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

ptrdiff_t nl_percent_decode(const char *s, size_t len, char *buf, size_t cap) {
  size_t o = 0;
  for (size_t i = 0; i < len; i++) {
    char c = s[i];
    int hi, lo;
    if (c == '%' && i + 2 < len && (hi = nl_hex_value((unsigned char)s[i + 1])) >= 0 &&
        (lo = nl_hex_value((unsigned char)s[i + 2])) >= 0) {
      c = (char)(hi * 16 + lo);
      i += 2;
    }
    if (o + 1 >= cap) return -1;
    buf[o++] = c;
  }
  if (cap == 0) return -1;
  buf[o] = '\0';
  return (ptrdiff_t)o;
}

size_t nl_percent_encode_to(const char *s, size_t len, int (*keep)(unsigned char c), char *out,
                            size_t cap) {
  static const char hex[] = "0123456789ABCDEF";
  if (cap == 0) return 0;
  size_t o = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    int k = keep(c);
    if (o + (k ? 1 : 3) >= cap) break; /* only whole characters, and room for the NUL */
    if (k) {
      out[o++] = (char)c;
    } else {
      out[o++] = '%';
      out[o++] = hex[c >> 4];
      out[o++] = hex[c & 15];
    }
  }
  out[o] = '\0';
  return o;
}

char *nl_percent_encode(const char *s, size_t len, int (*keep)(unsigned char c)) {
  if (len > (SIZE_MAX - 1) / 3) return NULL;
  size_t cap = len * 3 + 1;
  char *out = malloc(cap);
  if (out != NULL) nl_percent_encode_to(s, len, keep, out, cap);
  return out;
}
