/* position.c: line table and position encodings; see position.h. */
#include "protocol/position.h"

#include "protocol/utf8.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *nl_encoding_name(nl_encoding e) {
  switch (e) {
  case NL_ENC_UTF8:
    return "utf-8";
  case NL_ENC_UTF32:
    return "utf-32";
  case NL_ENC_UTF16:
    break;
  }
  return "utf-16";
}

int nl_encoding_parse(const char *name, nl_encoding *out) {
  static const struct {
    const char *name;
    nl_encoding enc;
  } table[] = {{"utf-8", NL_ENC_UTF8}, {"utf-16", NL_ENC_UTF16}, {"utf-32", NL_ENC_UTF32}};
  if (name == NULL) return -EINVAL;
  for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
    if (strcasecmp(name, table[i].name) == 0) {
      *out = table[i].enc;
      return 0;
    }
  }
  return -EINVAL;
}

/* Advances over one character at s[0, len): its byte length (1 for an invalid byte) and its
 * width in units of enc. */
static size_t step(const char *s, size_t len, nl_encoding enc, uint32_t *units) {
  if ((unsigned char)s[0] < 0x80) { /* the common case, without decoding */
    *units = 1;
    return 1;
  }
  uint32_t cp;
  size_t n = nl_utf8_decode(s, len, &cp);
  if (n == 0) {
    *units = 1;
    return 1;
  }
  switch (enc) {
  case NL_ENC_UTF8:
    *units = (uint32_t)n;
    break;
  case NL_ENC_UTF16:
    *units = cp >= 0x10000 ? 2 : 1;
    break;
  case NL_ENC_UTF32:
    *units = 1;
    break;
  }
  return n;
}

void nl_col_to_units_all(const char *line, size_t len, size_t byte_col, uint32_t units[3]) {
  if (byte_col > len) byte_col = len;
  uint64_t u8 = 0, u16 = 0, u32 = 0;
  size_t pos = 0;
  while (pos < byte_col) {
    size_t ascii = nl_utf8_ascii_run(line + pos, byte_col - pos); /* a unit each */
    pos += ascii;
    u8 += ascii;
    u16 += ascii;
    u32 += ascii;
    if (pos == byte_col) break;
    uint32_t w = 1;
    size_t n = step(line + pos, len - pos, NL_ENC_UTF16, &w);
    if (pos + n > byte_col) break; /* inside a character: count from its start */
    pos += n;
    u8 += n;
    u16 += w;
    u32++;
  }
  units[NL_ENC_UTF8] = u8 > UINT32_MAX ? UINT32_MAX : (uint32_t)u8;
  units[NL_ENC_UTF16] = u16 > UINT32_MAX ? UINT32_MAX : (uint32_t)u16;
  units[NL_ENC_UTF32] = u32 > UINT32_MAX ? UINT32_MAX : (uint32_t)u32;
}

uint32_t nl_col_to_units(const char *line, size_t len, size_t byte_col, nl_encoding enc) {
  uint32_t units[3];
  nl_col_to_units_all(line, len, byte_col, units);
  return units[enc];
}

size_t nl_col_from_units(const char *line, size_t len, uint32_t units, nl_encoding enc) {
  uint64_t acc = 0;
  size_t pos = 0;
  while (pos < len && acc < units) {
    uint32_t w = 1;
    size_t n = step(line + pos, len - pos, enc, &w);
    if (acc + w > units) break; /* inside a surrogate pair or a multibyte character */
    pos += n;
    acc += w;
  }
  return pos;
}

/* ---- Line table ---- */

/* Calls out for the start of every line after the first; returns how many there are. Counting
 * and filling share this so both passes agree on what a terminator is. */
static size_t scan(const char *t, size_t len, size_t *out) {
  size_t n = 0;
  if (len == 0) return 0;
  if (memchr(t, '\r', len) == NULL) { /* most texts: memchr finds the line ends quickly */
    for (const char *nl = t; (nl = memchr(nl, '\n', len - (size_t)(nl - t))) != NULL;) {
      nl++;
      if (out != NULL) out[n] = (size_t)(nl - t);
      n++;
    }
    return n;
  }
  for (size_t i = 0; i < len; i++) {
    if (t[i] == '\r') {
      if (i + 1 < len && t[i + 1] == '\n') i++; /* CRLF is one terminator */
    } else if (t[i] != '\n') {
      continue;
    }
    if (out != NULL) out[n] = i + 1;
    n++;
  }
  return n;
}

int nl_lines_reset(nl_lines *l, const char *text, size_t len) {
  /* Count first so that running out of memory leaves the old table intact. */
  size_t n = 1 + scan(text, len, NULL);
  if (n > l->cap) {
    size_t cap = l->cap ? l->cap : 16;
    while (cap < n) {
      if (cap > SIZE_MAX / 2 / sizeof(size_t)) return -ENOMEM;
      cap *= 2;
    }
    size_t *starts = realloc(l->starts, cap * sizeof(*starts));
    if (starts == NULL) return -ENOMEM;
    l->starts = starts;
    l->cap = cap;
  }
  l->text = text;
  l->len = len;
  l->starts[0] = 0;
  l->n_lines = 1 + scan(text, len, l->starts + 1);
  return 0;
}

int nl_lines_init(nl_lines *l, const char *text, size_t len) {
  memset(l, 0, sizeof(*l));
  return nl_lines_reset(l, text, len);
}

void nl_lines_free(nl_lines *l) {
  if (l == NULL) return;
  free(l->starts);
  memset(l, 0, sizeof(*l));
}

size_t nl_lines_line_start(const nl_lines *l, size_t line) {
  return line < l->n_lines ? l->starts[line] : l->len;
}

size_t nl_lines_line_end(const nl_lines *l, size_t line) {
  if (line + 1 >= l->n_lines) return l->len;
  size_t end = l->starts[line + 1];
  if (end > 0 && l->text[end - 1] == '\n') {
    end--;
    if (end > l->starts[line] && l->text[end - 1] == '\r') end--;
  } else if (end > 0 && l->text[end - 1] == '\r') {
    end--;
  }
  return end;
}

size_t nl_lines_line_of(const nl_lines *l, size_t offset) {
  size_t lo = 0, hi = l->n_lines; /* the last start <= offset is in [lo, hi) */
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (l->starts[mid] <= offset) lo = mid;
    else hi = mid;
  }
  return lo;
}

size_t nl_lines_offset(const nl_lines *l, nl_encoding enc, uint32_t line, uint32_t character) {
  if (line >= l->n_lines) return l->len;
  size_t start = l->starts[line];
  size_t end = nl_lines_line_end(l, line);
  return start + nl_col_from_units(l->text + start, end - start, character, enc);
}

void nl_lines_position(const nl_lines *l, nl_encoding enc, size_t offset, uint32_t *line,
                       uint32_t *character) {
  if (offset > l->len) offset = l->len;
  size_t ln = nl_lines_line_of(l, offset);
  size_t start = l->starts[ln];
  size_t end = nl_lines_line_end(l, ln);
  size_t col = offset < end ? offset - start : end - start;
  *line = ln > UINT32_MAX ? UINT32_MAX : (uint32_t)ln;
  *character = nl_col_to_units(l->text + start, end - start, col, enc);
}
