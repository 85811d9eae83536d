/* completion_impl.h: what the files of textDocument/completion share: the request and the
 * items. completion.c has the handler, the items, people, tags and frontmatter;
 * completion_names.c the pass over the vault's names; completion_link.c has [[wikilinks]] and
 * markdown link paths; completion_task.c has task fields. Private to them. */
#ifndef NL_COMPLETION_IMPL_H
#define NL_COMPLETION_IMPL_H

#include <stdint.h>
#include <string.h>

#include "lsp/base/vec.h"
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

#define NL_COMPLETION_NONE UINT32_MAX /* an item's optional string that is absent */

/* One item; its strings are NUL-terminated at offsets into the request's `strs`. */
typedef struct {
  uint32_t label, detail, filter, text; /* detail, filter: NL_COMPLETION_NONE when absent */
  uint32_t a, b;      /* the byte columns of the cursor's line the edit replaces */
  uint32_t range_gen; /* the run of items with the same range this one belongs to */
  int kind;
} nl_completion_item;

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
  int incomplete;
  /* The items, written as JSON text once all are in (owned). An item's range is the last
   * item's when their run (range_gen) is the last: those share itemDefaults.editRange. */
  nl_vec items; /* of nl_completion_item */
  nl_buf strs;
  uint32_t range_gen;
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
/* Appends one item replacing bytes [a, b) of the cursor's line with new_text. The strings
 * are borrowed and copied; an item whose label or text is not valid UTF-8 is dropped, and so
 * is a detail or filter that is not. */
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
