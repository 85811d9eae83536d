/* rename_target.h: what a rename at the cursor renames (a note, a heading, a block id or a
 * tag) and the text the client selects for it; shared by rename.c's two requests. Private to
 * rename. */
#ifndef NL_RENAME_TARGET_H
#define NL_RENAME_TARGET_H

#include "lsp/features/edits.h"

typedef enum {
  NL_RENAME_NONE,
  NL_RENAME_NOTE,
  NL_RENAME_HEADING,
  NL_RENAME_BLOCK,
  NL_RENAME_TAG
} nl_rename_kind;

typedef struct {
  nl_rename_kind kind;
  nl_entry *note;     /* NOTE: the note renamed; HEADING, BLOCK: the note holding it */
  const char *name;   /* HEADING: its text; BLOCK: the id; TAG: the tag (borrowed from s) */
  nl_brange range;    /* in the request's note: the text the client selects */
  const char *why;    /* NONE: why nothing can be renamed here (static), or NULL */
} nl_rename_target;

/* What is under pos in `self` (a file of s): t->kind NL_RENAME_NONE, with t->why when the
 * reason is worth saying, when nothing can be renamed there. */
void nl_rename_target_find(nl_edits *s, nl_edits_file *self, nl_bpos pos, nl_rename_target *t);

/* The part of a fragment range after its last '#' (nested headings "A#B" rename B). */
nl_brange nl_rename_last_fragment(const nl_edits_file *f, nl_brange r);

#endif
