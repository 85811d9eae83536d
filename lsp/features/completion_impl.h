/* completion_impl.h: what the files of textDocument/completion share: the request and the
 * items. completion.c has the handler, the items, people, tags and frontmatter;
 * completion_names.c the pass over the vault's names; completion_link.c has [[wikilinks]] and
 * markdown link paths; completion_task.c has task fields. Private to them. */
#ifndef NL_COMPLETION_IMPL_H
#define NL_COMPLETION_IMPL_H

#include <stdint.h>
#include <string.h>

#include "lsp/features/features.h"
#include "lsp/features/nav_match.h"
#include "lsp/features/nav_util.h"

#define MAX_ITEMS 50 /* a picker shows about ten; isIncomplete makes the next keystroke ask again */
#define MAX_MENTION 64 /* bytes after '@' still treated as a name being typed */

enum {
  ITEM_KEYWORD = 14,
  ITEM_FILE = 17,
  ITEM_REFERENCE = 18,
  ITEM_CLASS = 7,
  ITEM_ENUM_MEMBER = 20
};

/* The request: the document, the cursor's line and the items built so far. */
typedef struct {
  const nl_ctx *ctx;
  const char *uri;
  const nl_doc *doc;
  nl_entry *self;
  uint32_t line;
  const char *text; /* the cursor's line (borrowed from doc) */
  size_t len;
  size_t cur;       /* the cursor's byte column */
  json_t *items;
  int incomplete;
  json_t *range;          /* the last edit range built, shared by the items that use it */
  size_t range_a, range_b;
} nl_completion_req;

static inline int nl_completion_starts_with(const char *s, size_t len, size_t at, const char *lit) {
  size_t n = strlen(lit);
  return at + n <= len && memcmp(s + at, lit, n) == 0;
}

static inline int nl_completion_is_space(char c) { return c == ' ' || c == '\t'; }

/* ---- items (completion.c) ------------------------------------------------------------------ */

/* The CompletionItemKind of a note: Reference for people, Class for accounts, else File. */
int nl_completion_item_kind(const nl_entry *e);
/* Appends one item replacing bytes [a, b) of the cursor's line with new_text. Strings are
 * borrowed; an item whose text is not valid UTF-8 is dropped. */
void nl_completion_add_item(nl_completion_req *r, const char *label, int kind, const char *detail,
                            const char *filter, size_t a, size_t b, const char *new_text);
/* a, b and c joined: new (free()), NULL when out of memory. */
char *nl_completion_concat3(const char *a, const char *b, const char *c);
/* ---- names (completion_names.c) ----------------------------------------------------------- */

/* Ranks a match: the fuzzy tier first, then people and accounts, then quality, then recency. */
uint64_t nl_completion_match_rank(int score, int party, uint64_t seq);
/* Offers a candidate name to top (ptr is kept with the hit). */
void nl_completion_offer_match(nl_nav_topk *top, const nl_nav_pattern *pat, const char *cand,
                               size_t clen, int party, uint64_t seq, uint32_t id, uint32_t sub,
                               const void *ptr);
/* The best MAX_ITEMS names (of `kind`, or all when -1) for what was typed, best first, into
 * top (over buf); notes whether the list was cut. */
void nl_completion_best_names(nl_completion_req *r, const char *typed, size_t typed_len, int kind,
                              nl_nav_topk *top, nl_nav_hit *buf);

/* ---- links (completion_link.c) ------------------------------------------------------------- */

/* Completes inside [[ (notes, headings, block ids); 1 when the cursor is in a wikilink. */
int nl_completion_wikilink(nl_completion_req *r);
/* Completes a markdown link destination [x](path; 1 when the cursor is in one. */
int nl_completion_mdlink(nl_completion_req *r);

/* ---- task fields (completion_task.c) ------------------------------------------------------ */

/* Completes a field or a field's value in a task's text; 1 when it offered items. */
int nl_completion_task_field(nl_completion_req *r);

#endif
