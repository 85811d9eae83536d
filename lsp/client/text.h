/* text.h: a note's text as the client sees it, and the one converter between the note's
 * positions (line, byte column; nl_bpos) and the client's (line, character in the negotiated
 * encoding).
 *
 * The text is the open document's when the note is open, else the file's, read once. The BOM
 * is handled here and nowhere else: the note's byte columns never count a leading UTF-8 BOM;
 * an open document that kept one shows it as a character of line 0 (U+FEFF), a closed note's
 * BOM is not shown (editors drop it when they open the file).
 *
 * Converting a column walks its line from the nearest checkpoint, never from far away: a line
 * longer than NL_TEXT_STRIDE bytes gets checkpoints every NL_TEXT_STRIDE bytes the first time
 * a column far into it is converted, so n conversions on one long line cost O(line + n *
 * NL_TEXT_STRIDE), not O(n * line). */
#ifndef NL_TEXT_H
#define NL_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "lsp/client/document.h"
#include "lsp/note/note.h"
#include "lsp/index/workspace.h"
#include "protocol/position.h"

#define NL_TEXT_STRIDE 256

/* Checkpoints of one long line: ck_units[k] units before byte ck_byte[k] of line `line`. */
typedef struct {
  uint32_t line;       /* UINT32_MAX: none */
  nl_encoding enc;
  size_t *ck_byte;
  uint32_t *ck_units;
  size_t n;
} nl_text_ck;

/* A text; not to be copied by value (ck points into it). */
typedef struct {
  const char *text;    /* the whole text, BOM included (borrowed, or owned below) */
  size_t len;
  size_t bom;          /* 3 when text starts with a UTF-8 BOM, else 0 */
  int open;            /* an open document's text: the client sees its BOM */
  int64_t version;     /* the open document's version (0 when not open) */
  char *owned;         /* the file's bytes when the text was read (new) */
  const nl_lines *lines; /* the lines the client sees: doc->lines, or &own_lines */
  nl_lines own_lines;
  nl_text_ck *ck;      /* &ck_store: a cache that converting a const text may fill */
  nl_text_ck ck_store;
} nl_text;

/* ---- loading ----------------------------------------------------------------------------- */

/* The text of open document `doc` (borrowed: valid until the document changes or closes; no
 * copy, its line table is reused). */
void nl_text_of_doc(nl_text *t, const nl_doc *doc);
/* A closed note's bytes s[0, len) (borrowed). 0, or NL_ENOMEM with an empty text. */
int nl_text_of_bytes(nl_text *t, const char *s, size_t len);
/* The text of note `e` as the client sees it: the open document in `docs` (may be NULL) for
 * e->uri, else the file at e->abs read once. 0; or an nl_errno (nl_file_read's) when the file
 * cannot be read, and t is then an empty text. Either way free with nl_text_free. */
int nl_text_load(nl_text *t, nl_docs *docs, const nl_entry *e);
/* Frees what the text owns and leaves an empty text; accepts NULL. */
void nl_text_free(nl_text *t);

/* ---- reading ----------------------------------------------------------------------------- */

/* The text the note model parses (the BOM left out) through *len; borrowed from t. */
const char *nl_text_body(const nl_text *t, size_t *len);
/* The bytes of line `line` as the note sees them (BOM excluded, terminator excluded) through
 * *len; borrowed from t; "" with *len 0 past the last line. */
const char *nl_text_line(const nl_text *t, uint32_t line, size_t *len);
/* Number of lines (>= 1). */
uint32_t nl_text_n_lines(const nl_text *t);

/* ---- converting -------------------------------------------------------------------------- */

/* A note position to the client's (line, character) in `enc`. A column past its line is
 * clamped to the line's end; a line past the last one keeps its number with character 0. */
void nl_text_units(const nl_text *t, nl_encoding enc, nl_bpos p, uint32_t *line,
                   uint32_t *character);
/* The inverse: a client position in `enc` to a note position, clamped to the text (inside a
 * character: that character's start; on a BOM the client sees: column 0). */
nl_bpos nl_text_bpos(const nl_text *t, nl_encoding enc, uint32_t line, uint32_t character);

#endif
