/* definition.c: textDocument/definition and textDocument/declaration. The element under the
 * cursor is found in the index's parse of the open document (the server flushes edits into the
 * index before a request), then resolved through the index; only a document outside every
 * root, which the index does not hold, is parsed here. An unresolvable target is null, never
 * an error. One target is a Location; an ambiguous link gives every candidate, best first; a
 * link to an attachment (an image, a PDF, any file that is not a note) gives the file's top. */
#include <stdlib.h>
#include <string.h>

#include "lsp/features/features.h"
#include "lsp/features/locate.h"
#include "lsp/features/nav_match.h"
#include "lsp/features/nav_util.h"
#include "protocol/lsp_types.h"

#define MAX_TARGETS 32

/* A range in e, or the top of e: column 0 is 0 in every encoding, so no text is read. */
static json_t *note_location(const nl_ctx *ctx, const nl_entry *e, const nl_brange *r) {
  if (r != NULL) return nl_ctx_location_json(ctx, e, *r);
  return nl_lsp_location_json(e->uri, 0, 0, 0, 0);
}

/* The request's note: its index entry (NULL outside every root) and its parse, which is what
 * headings of the note itself are looked up in. */
typedef struct {
  const nl_ctx *ctx;
  const char *uri;
  const nl_doc *doc;
  nl_entry *self;
  const nl_note *note;
} request;

/* Where a link lands in its target: the named heading or block, else the top of the note. */
static json_t *link_location(const request *q, const nl_entry *target, const nl_link *link) {
  const nl_note *note = target == q->self ? q->note : target->note;
  const nl_brange *r = NULL;
  nl_brange heading;
  if (nl_link_block(link) != NULL) {
    const nl_block_id *b = nl_nav_find_block(note, nl_link_block(link));
    if (b != NULL) r = &b->range;
  } else if (nl_link_heading(link) != NULL) {
    const nl_heading *h = nl_nav_find_heading(note, nl_link_heading(link));
    if (h != NULL) heading = nl_heading_range(h), r = &heading;
  }
  return note_location(q->ctx, target, r);
}

/* [[#heading]] in a document outside every root: no entry, so the range is made here. */
static json_t *self_location(const request *q, const nl_link *link) {
  if (q->self != NULL) return link_location(q, q->self, link);
  const char *heading = nl_link_heading(link), *block = nl_link_block(link);
  const nl_heading *h = heading ? nl_nav_find_heading(q->note, heading) : NULL;
  const nl_block_id *b = block ? nl_nav_find_block(q->note, block) : NULL;
  nl_brange r = b ? b->range : h ? nl_heading_range(h) : (nl_brange){{0, 0}, {0, 0}};
  json_t *loc = json_object();
  json_object_set_new(loc, "uri", json_string(q->uri));
  json_object_set_new(loc, "range", nl_nav_doc_range_json(q->ctx, q->doc, r.start.line,
                                                          r.start.col, r.end.col));
  return loc;
}

/* Among notes sharing a name, the one whose frontmatter title is the link text too is the
 * better guess ([[Apollo]]: Projects/Apollo titled "Apollo" before Archive/Apollo titled
 * "Apollo (2023)"); otherwise the index's order (shortest path first) stands. */
static int title_matches(const nl_entry *e, const char *target, size_t len) {
  const nl_fm_scalar *t = e->note ? e->note->title : NULL;
  return t != NULL && nl_nav_same_name(t->text, strlen(t->text), target, len);
}

static void rank_candidates(nl_entry **c, size_t n, const char *target, size_t len) {
  size_t front = 0;
  for (size_t i = 0; i < n; i++) {
    if (!title_matches(c[i], target, len)) continue;
    nl_entry *hit = c[i];
    memmove(&c[front + 1], &c[front], (i - front) * sizeof *c); /* stable */
    c[front++] = hit;
  }
}

/* An image, a PDF or any other file of the vault: the top of the file, as Marksman answers;
 * the client opens it however it opens such files. */
static json_t *attachment_location(const request *q, const char *target, size_t len) {
  const char *abs = nl_ws_resolve_attachment(q->ctx->ws, q->self, target, len);
  char *uri = abs != NULL ? nl_path_to_uri(abs) : NULL;
  if (uri == NULL) return json_null();
  json_t *loc = nl_lsp_location_json(uri, 0, 0, 0, 0);
  free(uri);
  return loc;
}

static json_t *link_targets(const request *q, const nl_link *link) {
  const nl_ctx *ctx = q->ctx;
  size_t len = strlen(link->target);
  if (len == 0) /* [[#heading]] and [[#^block]] point into the note itself */
    return self_location(q, link);

  nl_entry *found[MAX_TARGETS];
  size_t total = nl_ws_resolve_all(ctx->ws, q->self, link->target, len, found, MAX_TARGETS);
  size_t n = total < MAX_TARGETS ? total : MAX_TARGETS;
  if (n == 0) {
    /* A plain [[Name]] may still name a person or an account by a name only they know. */
    nl_entry *party = nl_ws_resolve_kind(ctx->ws, q->self, NL_KIND_PERSON, link->target, len);
    if (party == NULL) party = nl_ws_resolve_kind(ctx->ws, q->self, NL_KIND_ACCOUNT, link->target, len);
    if (party != NULL) return link_location(q, party, link);
    return attachment_location(q, link->target, len);
  }
  if (n == 1) return link_location(q, found[0], link);
  rank_candidates(found, n, link->target, len);
  json_t *all = json_array();
  for (size_t i = 0; i < n; i++) json_array_append_new(all, link_location(q, found[i], link));
  return all;
}

static json_t *entry_or_null(const nl_ctx *ctx, const nl_entry *e) {
  return e ? note_location(ctx, e, NULL) : json_null();
}

static json_t *resolve_loc(const request *q, const nl_loc *loc) {
  const nl_ctx *ctx = q->ctx;
  const nl_note *note = q->note;
  switch (loc->kind) {
  case NL_LOC_LINK:
    return link_targets(q, &note->links[loc->index]);
  case NL_LOC_MENTION:
    return entry_or_null(ctx, loc->person);
  case NL_LOC_TAG: {
    const char *tag = note->tags[loc->index].name;
    return entry_or_null(ctx, nl_ws_resolve_account_tag(ctx->ws, q->self, tag, strlen(tag)));
  }
  case NL_LOC_ACCOUNT: {
    const char *v = note->account->text;
    return entry_or_null(ctx, nl_ws_resolve_kind(ctx->ws, q->self, NL_KIND_ACCOUNT, v, strlen(v)));
  }
  case NL_LOC_PARTICIPANT: {
    const char *v = note->participants[loc->index].text;
    return entry_or_null(ctx, nl_ws_resolve_kind(ctx->ws, q->self, NL_KIND_PERSON, v, strlen(v)));
  }
  case NL_LOC_TYPE:
  case NL_LOC_NONE:
    break;
  }
  return json_null();
}

int nl_feature_definition(const nl_ctx *ctx, const json_t *params, json_t **result, char *err,
                          size_t err_size) {
  const char *uri = NULL;
  uint32_t line = 0, character = 0;
  int rc = nl_nav_text_position(params, &uri, &line, &character, err, err_size);
  if (rc != 0) return rc;
  *result = NULL;

  nl_doc *doc = nl_docs_get(ctx->docs, uri);
  nl_entry *self = nl_ws_by_uri(ctx->ws, uri);
  if (doc == NULL) {
    /* Clients open a document before asking; without its text there is no position. */
    *result = json_null();
    return 0;
  }
  /* Outside every root the index holds no parse: make one of the document's text. */
  nl_note *owned = self == NULL ? nl_note_parse(doc->text, doc->len) : NULL;
  const nl_note *note = self != NULL ? self->note : owned;
  if (note == NULL) {
    *result = json_null();
    return 0;
  }
  nl_bpos pos = nl_ctx_bpos(ctx, doc, line, character);
  nl_loc loc;
  nl_locate(ctx->ws, self, note, pos, &loc);
  request q = {ctx, uri, doc, self, note};
  *result = resolve_loc(&q, &loc);
  nl_note_free(owned);
  if (*result == NULL) *result = json_null();
  return 0;
}
