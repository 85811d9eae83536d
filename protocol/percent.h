/* percent.h: percent-encoding (RFC 3986 %XX), the one codec for file URIs and markdown link
 * destinations. No I/O. */
#ifndef NL_PERCENT_H
#define NL_PERCENT_H

#include <stddef.h>

/* The value of hex digit c (either case: 0-15), or -1: the one hex helper. */
int nl_hex_value(int c);

/* Decodes s[0 .. len) into buf (cap bytes, NUL-terminated): each %XX with two hex digits
 * becomes its byte, anything else (a lone '%' too) is kept. Returns the decoded length, or
 * -1 when it does not fit. */
ptrdiff_t nl_percent_decode(const char *s, size_t len, char *buf, size_t cap);

/* Encodes s[0 .. len) as %XX (upper-case hex) for every byte `keep` says no to, into out (cap
 * bytes, NUL-terminated when cap > 0), stopping before the first character that does not fit.
 * Returns the length written. The core of nl_percent_encode. */
size_t nl_percent_encode_to(const char *s, size_t len, int (*keep)(unsigned char c), char *out,
                            size_t cap);

/* Encodes s[0 .. len) as %XX (upper-case hex) for every byte `keep` says no to. Returns a new
 * NUL-terminated string (free()), NULL when out of memory. */
char *nl_percent_encode(const char *s, size_t len, int (*keep)(unsigned char c));

#endif
