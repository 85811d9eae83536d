/* utf8.h: the one UTF-8 decoder and encoder (cmark's utf8proc_iterate is the model). The
 * position converter, the note parser, the Unicode tables and the diagnostics all decode
 * through nl_utf8_decode; the other entry points are thin wrappers around it. */
#ifndef NL_UTF8_H
#define NL_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Length in bytes of the UTF-8 sequence at s[0, len) if it is a valid, shortest-form scalar
 * value, with the code point in *cp; 0 when s starts with an invalid, overlong, surrogate or
 * truncated sequence (or len is 0), *cp then untouched. */
size_t nl_utf8_decode(const char *s, size_t len, uint32_t *cp);
/* The same for scanning that must always advance: an invalid byte is one byte of U+FFFD.
 * Returns 0 (with U+FFFD) only when len is 0. */
size_t nl_utf8_next(const char *s, size_t len, uint32_t *cp);
/* The length of the run of ASCII bytes (below 0x80) that s[0, len) starts with: len when it is
 * all ASCII. Eight bytes at a time: the parse asks it of every line and task of a note. */
size_t nl_utf8_ascii_run(const char *s, size_t len);
/* 1 when s[0, len) is all valid UTF-8 (what a JSON string may hold), else 0. */
int nl_utf8_valid(const char *s, size_t len);
/* Writes cp as 1-4 bytes into out (room for 4) and returns the count; a surrogate or a value
 * above U+10FFFF is written as U+FFFD. */
size_t nl_utf8_encode(uint32_t cp, char *out);

#endif
