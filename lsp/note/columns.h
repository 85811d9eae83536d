/* columns.h: a note's positions in the client's units, kept with the parse so that features
 * give positions of a closed note from the index alone, never by reading its file again.
 *
 * What is kept (in the note's arena): one bit per line saying whether the line holds a
 * non-ASCII byte (on other lines a byte column is the column in every encoding), and, for the
 * positions the features hand out on such lines (headings, block ids, links, tags, the '@' of
 * mentions and the end of task lines), the column's difference to the UTF-16 and UTF-32
 * column: 6 bytes each (nl_note_col), on the first 65,536 lines. Any other position on a
 * non-ASCII line is "unknown" and the caller reads the text. */
#ifndef NL_COLUMNS_H
#define NL_COLUMNS_H

#include <stddef.h>
#include <stdint.h>

#include "lsp/note/note.h"
#include "protocol/position.h"

/* Fills note->wide and note->cols from the line table of the text the note was parsed from
 * (BOM excluded). Returns 0, or NL_ENOMEM (the note then has no columns, which only makes
 * conversions read the text). */
int nl_columns_build(nl_note *note, const nl_lines *lines);

/* The column of position p in units of enc: 0 and *units set, or -1 when the parse does not
 * know it (a position on a non-ASCII line that is none of those kept). */
int nl_columns_units(const nl_note *note, nl_encoding enc, nl_bpos p, uint32_t *units);

#endif
