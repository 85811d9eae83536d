/* references.c: textDocument/references, the index's backlinks made visible.
 *
 * What the cursor is on picks the target note, as for definition: a link (and, when the link
 * names one, its heading or block), an @mention, a frontmatter `account:` or `participants:`
 * value, an `account/<slug>` tag. Anywhere else the target is the note itself, narrowed to a
 * heading when the cursor is on a heading line (not the level-1 title heading). Any other tag lists every use of that tag.
 * The answer: every link to the target anywhere in the vault and, for a person, every
 * @mention of them; with includeDeclaration the target note (or heading) comes first. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lsp/features/features.h"
#include "lsp/features/locate.h"
#include "lsp/features/nav_util.h"
#include "protocol/lsp_types.h"

typedef struct {
  const nl_ctx *ctx;
  nl_buf out;     /* the answer's JSON text: '[' and the locations so far */
  size_t n_out;   /* locations in out */
  const nl_entry *target;
  const char *heading; /* only links to this heading of target count (NULL: any) */
  const char *block;   /* likewise a block id */
} query;

/* Whether link fragment `want` names the same heading as `have` (text or slug, any case). */
static int same_fragment(const nl_note *target, const char *want, const char *have) {
  if (have == NULL) return 0;
  if (strcasecmp(want, have) == 0) return 1;
  const nl_heading *a = nl_nav_find_heading(target, want), *b = nl_nav_find_heading(target, have);
  return a != NULL && a == b;
}

/* The buffer to append one more location to, after a ',' when it is not the first. */
static nl_buf *next(query *q) {
  nl_buf_add(&q->out, q->n_out++ > 0 ? "," : "[", 1);
  return &q->out;
}

static void add_links(query *q) {
  nl_ref *refs;
  ptrdiff_t n = nl_ws_backlinks(q->ctx->ws, q->target, &refs);
  for (ptrdiff_t i = 0; i < n; i++) {
    const nl_entry *from = nl_ws_get(q->ctx->ws, refs[i].from);
    const nl_link *l = &from->note->links[refs[i].link];
    const char *heading = nl_link_heading(l), *block = nl_link_block(l);
    if (q->heading != NULL && !same_fragment(q->target->note, q->heading, heading)) continue;
    if (q->block != NULL && (block == NULL || strcmp(q->block, block) != 0)) continue;
    nl_ctx_location_text(q->ctx, next(q), from, nl_link_range(l));
  }
  if (n > 0) free(refs);
}

static void add_mentions(query *q) {
  nl_ref *refs;
  ptrdiff_t n = nl_ws_mentions_of(q->ctx->ws, q->target, &refs);
  for (ptrdiff_t i = 0; i < n; i++) {
    const nl_entry *from = nl_ws_get(q->ctx->ws, refs[i].from);
    const nl_mention *m = &from->note->mentions[refs[i].link];
    size_t len = 0;
    nl_ws_mention_resolved(q->ctx->ws, from, refs[i].link, &len);
    nl_ctx_span_location_text(q->ctx, next(q), from, m->at, 1, m->tail, len); /* '@' name */
  }
  if (n > 0) free(refs);
}

/* Every use of tag `name` in the vault of note `self` (case-insensitive, as Obsidian compares
 * tags): its own workspace folder. */
static void add_tag_uses(query *q, const nl_entry *self, const char *name) {
  const nl_workspace *ws = q->ctx->ws;
  for (uint32_t id = 0; id < nl_ws_id_limit(ws); id++) {
    const nl_entry *e = nl_ws_get(ws, id);
    if (e == NULL || e->root != self->root) continue;
    for (size_t i = 0; i < e->note->n_tags; i++)
      if (strcasecmp(e->note->tags[i].name, name) == 0)
        nl_ctx_location_text(q->ctx, next(q), e, nl_note_tag_range(e->note, i));
  }
}

static void add_declaration(query *q) {
  nl_brange r = {{0, 0}, {0, 0}};
  const nl_heading *h = q->heading ? nl_nav_find_heading(q->target->note, q->heading) : NULL;
  const nl_block_id *b = q->block ? nl_nav_find_block(q->target->note, q->block) : NULL;
  if (h != NULL) r = nl_heading_range(h);
  if (b != NULL) r = b->range;
  nl_ctx_location_text(q->ctx, next(q), q->target, r);
}

/* The heading whose line holds pos, or NULL. A level-1 heading is the note's title: on it,
 * the note itself is meant, not links to a "#Title" fragment. */
static const nl_heading *heading_at(const nl_note *note, nl_bpos pos) {
  for (size_t i = 0; i < note->n_headings; i++) {
    const nl_heading *h = &note->headings[i];
    if (h->line <= pos.line && pos.line <= h->end_line)
      return h->level > 1 ? h : NULL;
  }
  return NULL;
}

/* The answer: the locations' JSON text, handed to the server as it is (NL_CTX_RAW_RESULT). */
static int finish(query *q, json_t **result) {
  nl_buf_adds(&q->out, q->n_out > 0 ? "]" : "[]");
  return nl_ctx_raw_result(&q->out, result);
}

int nl_feature_references(const nl_ctx *ctx, const json_t *params, json_t **result, char *err,
                          size_t err_size) {
  const char *uri = NULL;
  uint32_t line = 0, character = 0;
  int rc = nl_nav_text_position(params, &uri, &line, &character, err, err_size);
  if (rc != 0) return rc;
  const json_t *context = json_object_get(params, "context");
  int declaration = json_is_true(json_object_get(context, "includeDeclaration"));
  nl_doc *doc = nl_docs_get(ctx->docs, uri);
  nl_entry *self = nl_ws_by_uri(ctx->ws, uri);
  /* The index holds the open text already (the server flushes edits before requests). */
  if (doc == NULL || self == NULL) {
    *result = json_array();
    return 0;
  }
  const nl_note *note = self->note;
  nl_bpos pos = nl_ctx_bpos(ctx, doc, line, character);
  nl_loc loc;
  nl_locate(ctx->ws, self, note, pos, &loc);
  query q = {ctx, NL_BUF_INIT, 0, NULL, NULL, NULL};
  switch (loc.kind) {
  case NL_LOC_LINK: {
    const nl_link *l = &note->links[loc.index];
    q.target = *l->target == '\0' ? self
                                  : nl_ws_resolve(ctx->ws, self,
                                                  l->target, strlen(l->target), NULL);
    q.heading = nl_link_heading(l);
    q.block = nl_link_block(l);
    break;
  }
  case NL_LOC_MENTION:
    q.target = loc.person;
    break;
  case NL_LOC_ACCOUNT:
    q.target = nl_ws_resolve_kind(ctx->ws, self, NL_KIND_ACCOUNT, note->account->text,
                                  strlen(note->account->text));
    break;
  case NL_LOC_PARTICIPANT: {
    const char *v = note->participants[loc.index].text;
    q.target = nl_ws_resolve_kind(ctx->ws, self, NL_KIND_PERSON, v, strlen(v));
    break;
  }
  case NL_LOC_TAG: {
    const char *tag = note->tags[loc.index].name;
    q.target = nl_ws_resolve_account_tag(ctx->ws, self, tag, strlen(tag));
    if (q.target == NULL) {
      add_tag_uses(&q, self, tag);
      return finish(&q, result);
    }
    break;
  }
  case NL_LOC_TYPE:
  case NL_LOC_NONE: {
    q.target = self;
    const nl_heading *h = heading_at(note, pos);
    if (h != NULL) q.heading = h->text;
    break;
  }
  }
  if (q.target != NULL) {
    if (declaration) add_declaration(&q);
    add_links(&q);
    if (q.target->kind == NL_KIND_PERSON && q.heading == NULL && q.block == NULL) add_mentions(&q);
  }
  return finish(&q, result);
}
