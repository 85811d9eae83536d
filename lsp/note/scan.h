/* scan.h: the note parser's internals shared by note.c, frontmatter.c and task.c: positions in
 * the line table of a note, and the inline scanner that finds links, tags, mentions and block
 * ids in the raw source of one paragraph or heading (what a word is: nl_unicode_is_word_cp).
 * Not for use outside the parser. */
#ifndef NL_SCAN_H
#define NL_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "lsp/base/vec.h"
#include "lsp/note/note.h"
#include "protocol/position.h"
#include "protocol/utf8.h" /* nl_utf8_next, for the parser */

/* ---- positions -------------------------------------------------------------------------- */

/* The parser's line table is protocol/position.h's nl_lines, of the text after any BOM. */
/* The position of byte offset off (an offset inside a terminator is the end of its line). */
nl_bpos nl_scan_pos(const nl_lines *l, size_t off);
/* The same, starting from line *hint and leaving the answer's line there: cheap for offsets
 * that come in order, as a parse hands them out. */
nl_bpos nl_scan_pos_near(const nl_lines *l, size_t off, size_t *hint);

/* ---- inline scanner ---------------------------------------------------------------------- */

/* Collects the inline elements of a note, unit by unit, in document order. */
typedef struct {
  const nl_lines *lines;
  nl_arena *arena;
  nl_vec links;     /* nl_link */
  nl_vec tags;      /* nl_tag */
  nl_vec mentions;  /* nl_mention */
  nl_vec blocks;    /* nl_block_id */
  nl_vec code;      /* nl_brange: code spans (the note parser adds code blocks) */
  /* scratch reused across units */
  nl_vec excluded;  /* size_t pairs: code spans, math, raw HTML, autolinks */
  nl_vec brackets;  /* size_t: open '[' offsets (bit 0 of the stored value: an image) */
  uint32_t *fail;   /* per backtick run length: the unit generation in which no closer is left */
  size_t fail_cap;
  uint32_t generation;
  int oom;
} nl_scan;

/* Starts scanning a note: s is zeroed, or a scan already used, whose vectors are emptied and
 * their memory kept (a thread reuses one from note to note). */
void nl_scan_init(nl_scan *s, const nl_lines *lines, nl_arena *arena);
/* Frees the scratch arrays and the collected vectors (after the caller copied them). */
void nl_scan_free(nl_scan *s);
/* Scans text[start .. end), the raw source lines of one paragraph or heading (terminators
 * inside are line breaks), appending links, tags, mentions and block ids. 0, or -1 when out of
 * memory. */
int nl_scan_unit(nl_scan *s, size_t start, size_t end);

/* ---- block structure after an edit (blocks.c) ------------------------------------------ */

struct cmark_node;

/* Reads the leaf blocks of cmark's tree of the body (which starts at note line body_line)
 * into b, in document order: paragraphs, headings and code blocks; HTML blocks and thematic
 * breaks hold nothing that counts. 0, or -1 when out of memory (b then not valid). */
int nl_note_blocks_read(nl_note_blocks *b, struct cmark_node *doc, uint32_t body_line);

/* Whether `blocks` (valid, of an earlier text) are the leaf blocks of the new text l too, when
 * the two differ only as edit says (blocks.c): only inside one line of a paragraph or heading,
 * past what decides that line's block (containers, list and task markers, its first
 * character), and with the same number of lines and the same body start. */
int nl_note_blocks_hold(const nl_note_blocks *blocks, const nl_lines *l, uint32_t body_line,
                        const nl_note_edit *edit, uint32_t prev_lines);

#endif
