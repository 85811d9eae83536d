/* frontmatter.h: the YAML frontmatter of a note, parsed with libyaml's event API so that every
 * key and scalar keeps its exact position in the note. Internal to the note parser. */
#ifndef NL_FRONTMATTER_H
#define NL_FRONTMATTER_H

#include <stddef.h>

#include "lsp/note/note.h"
#include "lsp/note/scan.h"

/* Parses the `len` bytes of YAML at byte offset `base` of lines->text (the lines between the
 * fences) into fm: is_mapping, entries, and has_error / error_pos / error_message on a syntax
 * error (the entries completed before it are kept). Strings and arrays go to the arena.
 * A link written as a value, "[[X]]" quoted or unquoted (an unquoted one is YAML for a list of
 * a list), is stored as the scalar X with its range. Leaves present / first_line / last_line to
 * the caller. 0, or -1 when out of memory. */
int nl_frontmatter_parse(nl_frontmatter *fm, nl_arena *arena, const nl_lines *lines, size_t base,
                         size_t len);

/* Copies src, a parse kept by an earlier note, into fm with its strings and arrays in the
 * arena: the frontmatter of an edited note whose lines up to the closing fence did not change
 * is not parsed again (nl_note_parse_ex). 0, or -1 when out of memory. */
int nl_frontmatter_copy(nl_frontmatter *fm, nl_arena *arena, const nl_frontmatter *src);

#endif
