/* locate.h: what is under the cursor in a parsed note: a link, a mention, a tag or a
 * frontmatter value that names a note. Definition uses it to pick the target; diagnostics and
 * code actions can use it to find the element a position falls on. */
#ifndef NL_LOCATE_H
#define NL_LOCATE_H

#include <stddef.h>

#include "lsp/note/note.h"
#include "lsp/index/workspace.h"

typedef enum {
  NL_LOC_NONE,
  NL_LOC_LINK,        /* note->links[index]: wikilink, embed or markdown link */
  NL_LOC_MENTION,     /* note->mentions[index]: @Person, task owners included */
  NL_LOC_TAG,         /* note->tags[index]: inline #tag or frontmatter `tags:` item */
  NL_LOC_ACCOUNT,     /* the frontmatter `account:` value (note->account) */
  NL_LOC_PARTICIPANT, /* note->participants[index] */
  NL_LOC_TYPE         /* the frontmatter `type:` value (note->type) */
} nl_loc_kind;

typedef struct {
  nl_loc_kind kind;
  size_t index;       /* into the note's array named by kind; 0 for single values */
  nl_brange range;    /* the element's range in the note */
  nl_entry *person;   /* NL_LOC_MENTION with a workspace: the person it names, or NULL */
} nl_loc;

/* Finds the element of `note` at `pos` and fills *out (kind NL_LOC_NONE when there is none);
 * returns out->kind. A position at an element's end counts (the cursor just after "]]") unless
 * another element starts there. With `ws` (may be NULL) a mention covers only the person's
 * name the index matches ("@Jonas Becker" in "@Jonas Becker 📅 ..."), else its first word: a
 * person of the workspace folder of `from`, the note's entry (every folder's when NULL). */
nl_loc_kind nl_locate(const nl_workspace *ws, const nl_entry *from, const nl_note *note,
                      nl_bpos pos, nl_loc *out);

/* Whether pos lies in r, end included when `inclusive`. */
int nl_brange_contains(nl_brange r, nl_bpos pos, int inclusive);

#endif
