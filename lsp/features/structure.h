/* structure.h: a note's blocks as line spans, for folding and selection ranges: the
 * frontmatter, heading sections (a heading to the line before the next heading of its level or
 * above, trailing blank lines left out), fenced and indented code blocks, list items and block
 * quotes. The note's parse keeps no list or code structure (the index would pay for it in every
 * note), so the body of the one note asked about is parsed again with cmark here. */
#ifndef NL_STRUCTURE_H
#define NL_STRUCTURE_H

#include <stddef.h>
#include <stdint.h>

#include "lsp/base/vec.h"
#include "lsp/note/note.h"
#include "lsp/client/text.h"

typedef enum {
  NL_SPAN_FRONTMATTER,
  NL_SPAN_SECTION,
  NL_SPAN_CODE,
  NL_SPAN_LIST_ITEM,
  NL_SPAN_QUOTE
} nl_span_kind;

typedef struct {
  nl_span_kind kind;
  uint32_t first, last; /* lines, inclusive; last >= first */
} nl_span;

typedef struct {
  nl_vec list;          /* of nl_span, sorted by first line, then outermost first */
} nl_spans;

/* The spans of `note` (the parse of `t`'s text) into out (initialised here). Returns 0, or
 * NL_ENOMEM with what was found so far. Free with nl_spans_free. */
int nl_structure_spans(const nl_note *note, const nl_text *t, nl_spans *out);
void nl_spans_free(nl_spans *s);

/* An open document's structure, as folding and selection ranges want it. */
typedef struct {
  nl_text text;   /* the document's text (borrowed from it) */
  nl_note *note;  /* new: a fresh parse of the text */
  nl_spans spans;
} nl_structure;
/* Parses open document `doc` (whose note `uri` names) and finds its spans. Returns 0, or
 * NL_ENOMEM; free s with nl_structure_free in both cases. */
int nl_structure_of_doc(nl_structure *s, const nl_doc *doc, const char *uri);
void nl_structure_free(nl_structure *s);

#endif
