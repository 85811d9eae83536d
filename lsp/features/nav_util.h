/* nav_util.h: helpers shared by the navigation features (completion, definition,
 * workspace/symbol): request params, lines of an open document, ranges in the client's
 * position encoding, a bounded top-K of ranked hits and how a note is shown to the user. */
#ifndef NL_NAV_UTIL_H
#define NL_NAV_UTIL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "lsp/client/context.h"

/* ---- params ------------------------------------------------------------------------------ */

/* Reads params.textDocument.uri (borrowed from params) and params.position. Returns 0, or
 * NL_RPC_INVALID_PARAMS with a message naming the field in err. */
int nl_nav_text_position(const json_t *params, const char **uri, uint32_t *line,
                         uint32_t *character, char *err, size_t err_size);

/* ---- open documents ---------------------------------------------------------------------- */

/* The bytes of line `line` of doc without its terminator (borrowed from doc->text; a BOM is
 * not part of line 0); *len gets their count. NULL when the line does not exist. */
const char *nl_nav_doc_line(const nl_doc *doc, uint32_t line, size_t *len);

/* The LSP positions, in ctx->enc, of byte columns a and b of one line of doc: line and
 * character of a, then of b, in out[0..3]. */
void nl_nav_doc_range_units(const nl_ctx *ctx, const nl_doc *doc, uint32_t line, size_t a,
                            size_t b, uint32_t out[4]);
/* A new Range on one line of doc between byte columns a and b, in ctx->enc. */
json_t *nl_nav_doc_range_json(const nl_ctx *ctx, const nl_doc *doc, uint32_t line, size_t a,
                              size_t b);

/* The vault-relative path of the note open as doc: its index entry's, else the URI's file
 * name. Borrowed from the entry or the uri. */
const char *nl_nav_doc_rel(const nl_entry *e, const char *uri);
/* The settings of the vault holding the note open as doc (its entry e, else its uri): its
 * workspace folder's own (nl_config_at). Borrowed from the index's configuration. */
const nl_config *nl_nav_doc_config(const nl_workspace *ws, const nl_entry *e, const char *uri);

/* ---- ranked hits ------------------------------------------------------------------------- */

typedef struct {
  uint64_t rank;     /* higher is better */
  uint32_t id;       /* ties: lower id first */
  uint32_t sub;      /* ties: lower sub first (which candidate of the entry: name, alias i...) */
  const void *ptr;   /* what was hit (borrowed) */
  int score;         /* the fuzzy score, for the caller */
} nl_nav_hit;

/* The best `cap` hits of a stream, in caller storage: offering is O(log cap), nothing is
 * allocated. `seen` counts every hit offered, so seen > n means the list was cut. */
typedef struct {
  nl_nav_hit *items; /* borrowed buffer of cap hits */
  size_t n, cap;
  size_t seen;
} nl_nav_topk;

void nl_nav_topk_init(nl_nav_topk *t, nl_nav_hit *buf, size_t cap);
void nl_nav_topk_offer(nl_nav_topk *t, const nl_nav_hit *h);
/* Whether offering h now would keep it (the list has room, or h beats its worst). */
int nl_nav_topk_would_take(const nl_nav_topk *t, const nl_nav_hit *h);
/* Sorts the kept hits best first (the heap is gone afterwards). */
void nl_nav_topk_sort(nl_nav_topk *t);

/* ---- notes as shown to the user ---------------------------------------------------------- */

/* Whether a note is a person or an account (ranked first, shown as such). */
int nl_nav_is_party(const nl_entry *e);

/* "person · Contoso": the kind and, when set, the frontmatter account. New (free()). */
char *nl_nav_detail(const nl_entry *e);

/* The heading of `note` that a link fragment names: by text (case-insensitive, NFC), else by
 * slug (markdown links write "#ana-ruiz"); with nested "A#B" the last part counts. Borrowed
 * from the note, or NULL. */
const nl_heading *nl_nav_find_heading(const nl_note *note, const char *fragment);
/* The block id of `note` named `id` (without '^'); borrowed or NULL. */
const nl_block_id *nl_nav_find_block(const nl_note *note, const char *id);

#endif
