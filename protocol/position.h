/* position.h: a document's line table and the mapping between byte offsets and LSP positions
 * (line, character) in the utf-8, utf-16 or utf-32 position encodings.
 *
 * Lines end at "\n", "\r\n" or "\r", as LSP says. Invalid UTF-8 is tolerated: each invalid byte
 * counts as one unit (as if it were U+FFFD of width 1) in utf-16 and utf-32, one byte in utf-8.
 * Nothing here allocates except the line table, and nothing fails on out-of-range input: positions
 * and offsets are clamped. */
#ifndef NL_POSITION_H
#define NL_POSITION_H

#include <stddef.h>
#include <stdint.h>

typedef enum { NL_ENC_UTF8, NL_ENC_UTF16, NL_ENC_UTF32 } nl_encoding;

/* "utf-8", "utf-16" or "utf-32" (LSP PositionEncodingKind); static. */
const char *nl_encoding_name(nl_encoding e);
/* Parses a PositionEncodingKind (case-insensitive); 0, or -EINVAL for an unknown name. */
int nl_encoding_parse(const char *name, nl_encoding *out);

/* ---- Line table ---- */

typedef struct {
  const char *text; /* borrowed */
  size_t len;
  size_t *starts;   /* new: byte offset where each line starts; starts[0] == 0 */
  size_t n_lines;   /* >= 1; a text ending in a terminator has a last, empty line */
  size_t cap;       /* allocated entries of starts */
} nl_lines;

/* Builds the table of text[0, len) (borrowed: must outlive the table). 0, or -ENOMEM with *l
 * zeroed. The struct need not be initialised beforehand; free with nl_lines_free. */
int nl_lines_init(nl_lines *l, const char *text, size_t len);
/* Rebuilds an initialised table for a new text, reusing its storage. 0, or -ENOMEM with the old
 * table left intact. */
int nl_lines_reset(nl_lines *l, const char *text, size_t len);
/* Frees the starts array and zeroes *l; accepts NULL. */
void nl_lines_free(nl_lines *l);

/* Byte offset of the line's end, terminator excluded; a line past the last one gives l->len. */
size_t nl_lines_line_end(const nl_lines *l, size_t line);
/* Byte offset of the line's start; a line past the last one gives l->len. */
size_t nl_lines_line_start(const nl_lines *l, size_t line);
/* The line containing a byte offset (offsets past the end give the last line; an offset inside a
 * "\r\n" terminator gives the line that the terminator ends). */
size_t nl_lines_line_of(const nl_lines *l, size_t offset);

/* LSP position -> byte offset. Clamps: a line past the end -> end of text; a character past the
 * line's end -> the line end (never into the terminator or the next line); a position inside a
 * UTF-16 surrogate pair or inside a multibyte character -> the start of that character. */
size_t nl_lines_offset(const nl_lines *l, nl_encoding enc, uint32_t line, uint32_t character);
/* Byte offset -> LSP position. An offset past the end is clamped to the end, one inside a line
 * terminator to that line's end, one inside a multibyte character to that character's start. */
void nl_lines_position(const nl_lines *l, nl_encoding enc, size_t offset, uint32_t *line,
                       uint32_t *character);

/* ---- One line ---- */

/* Column, in units of enc, of byte byte_col of line[0, len) (a byte_col inside a character counts
 * from that character's start; one past len is clamped). Saturates at UINT32_MAX. */
uint32_t nl_col_to_units(const char *line, size_t len, size_t byte_col, nl_encoding enc);
/* The same column in every encoding at once, units[enc] for each nl_encoding: one walk of the
 * line. */
void nl_col_to_units_all(const char *line, size_t len, size_t byte_col, uint32_t units[3]);
/* The inverse: byte column of a column in units of enc, clamped to len and snapped back to the
 * start of a character that the unit column falls inside. */
size_t nl_col_from_units(const char *line, size_t len, uint32_t units, nl_encoding enc);

#endif
