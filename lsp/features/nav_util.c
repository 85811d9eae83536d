/* nav_util.c: see nav_util.h. */
#include "lsp/features/nav_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lsp/features/nav_match.h"
#include "lsp/client/text.h"
#include "protocol/lsp_types.h"
#include "protocol/rpc.h"

int nl_nav_text_position(const json_t *params, const char **uri, uint32_t *line,
                         uint32_t *character, char *err, size_t err_size) {
  if (!json_is_object(params)) {
    snprintf(err, err_size, "params must be an object");
    return NL_RPC_INVALID_PARAMS;
  }
  *uri = nl_lsp_get_uri(params, err, err_size);
  if (*uri == NULL) return NL_RPC_INVALID_PARAMS;
  return nl_lsp_get_position(params, "position", line, character, err, err_size);
}

const char *nl_nav_doc_line(const nl_doc *doc, uint32_t line, size_t *len) {
  nl_text t;
  nl_text_of_doc(&t, doc);
  if (line >= nl_text_n_lines(&t)) {
    *len = 0;
    return NULL;
  }
  return nl_text_line(&t, line, len); /* borrowed from doc->text */
}

void nl_nav_doc_range_units(const nl_ctx *ctx, const nl_doc *doc, uint32_t line, size_t a,
                            size_t b, uint32_t out[4]) {
  nl_text t;
  nl_text_of_doc(&t, doc);
  nl_bpos pa = {line, (uint32_t)a}, pb = {line, (uint32_t)b};
  nl_text_units(&t, ctx->enc, pa, &out[0], &out[1]);
  nl_text_units(&t, ctx->enc, pb, &out[2], &out[3]);
  nl_text_free(&t);
}

json_t *nl_nav_doc_range_json(const nl_ctx *ctx, const nl_doc *doc, uint32_t line, size_t a,
                              size_t b) {
  uint32_t u[4];
  nl_nav_doc_range_units(ctx, doc, line, a, b, u);
  return nl_lsp_range_json(u[0], u[1], u[2], u[3]);
}

const char *nl_nav_doc_rel(const nl_entry *e, const char *uri) {
  if (e != NULL) return e->rel;
  const char *slash = strrchr(uri, '/');
  return slash ? slash + 1 : uri;
}

const nl_config *nl_nav_doc_config(const nl_workspace *ws, const nl_entry *e, const char *uri) {
  if (e != NULL) return nl_config_at(nl_ws_config(ws), e->abs);
  char *path = uri != NULL ? nl_uri_to_path(uri) : NULL;
  const nl_config *cfg = nl_config_at(nl_ws_config(ws), path);
  free(path);
  return cfg;
}

/* ---- top-K ------------------------------------------------------------------------------- */

static int better(const nl_nav_hit *a, const nl_nav_hit *b) {
  if (a->rank != b->rank) return a->rank > b->rank;
  if (a->id != b->id) return a->id < b->id;
  return a->sub < b->sub;
}

void nl_nav_topk_init(nl_nav_topk *t, nl_nav_hit *buf, size_t cap) {
  t->items = buf;
  t->n = 0;
  t->cap = cap;
  t->seen = 0;
}

/* A min-heap on `better`: the root is the worst kept hit, the one a better hit replaces. */
static void sift_down(nl_nav_hit *h, size_t n, size_t i) {
  for (;;) {
    size_t l = 2 * i + 1, r = l + 1, worst = i;
    if (l < n && better(&h[worst], &h[l])) worst = l;
    if (r < n && better(&h[worst], &h[r])) worst = r;
    if (worst == i) return;
    nl_nav_hit tmp = h[i];
    h[i] = h[worst];
    h[worst] = tmp;
    i = worst;
  }
}

int nl_nav_topk_would_take(const nl_nav_topk *t, const nl_nav_hit *hit) {
  return t->cap > 0 && (t->n < t->cap || better(hit, &t->items[0]));
}

void nl_nav_topk_offer(nl_nav_topk *t, const nl_nav_hit *hit) {
  t->seen++;
  if (t->cap == 0) return;
  if (t->n < t->cap) {
    size_t i = t->n++;
    t->items[i] = *hit;
    while (i > 0) {
      size_t parent = (i - 1) / 2;
      if (!better(&t->items[parent], &t->items[i])) break;
      nl_nav_hit tmp = t->items[i];
      t->items[i] = t->items[parent];
      t->items[parent] = tmp;
      i = parent;
    }
    return;
  }
  if (!better(hit, &t->items[0])) return;
  t->items[0] = *hit;
  sift_down(t->items, t->n, 0);
}

static int cmp_best_first(const void *a, const void *b) {
  const nl_nav_hit *x = a, *y = b;
  if (better(x, y)) return -1;
  if (better(y, x)) return 1;
  return 0;
}

void nl_nav_topk_sort(nl_nav_topk *t) {
  qsort(t->items, t->n, sizeof *t->items, cmp_best_first);
}

/* ---- notes as shown ---------------------------------------------------------------------- */

int nl_nav_is_party(const nl_entry *e) {
  return e->kind == NL_KIND_PERSON || e->kind == NL_KIND_ACCOUNT;
}

static char *dup_len(const char *s, size_t len) {
  char *out = malloc(len + 1);
  if (out == NULL) return NULL;
  memcpy(out, s, len);
  out[len] = '\0';
  return out;
}

char *nl_nav_detail(const nl_entry *e) {
  const char *kind = nl_kind_name(e->kind);
  const char *account = (e->note && e->note->account) ? e->note->account->text : NULL;
  if (account == NULL || account[0] == '\0') return dup_len(kind, strlen(kind));
  size_t n = strlen(kind) + strlen(account) + 8;
  char *out = malloc(n);
  if (out == NULL) return NULL;
  snprintf(out, n, "%s \xC2\xB7 %s", kind, account);
  return out;
}

const nl_heading *nl_nav_find_heading(const nl_note *note, const char *fragment) {
  if (note == NULL || fragment == NULL) return NULL;
  const char *last = strrchr(fragment, '#');
  if (last != NULL) fragment = last + 1;
  size_t flen = strlen(fragment);
  if (flen == 0) return NULL;
  for (size_t i = 0; i < note->n_headings; i++) {
    const nl_heading *h = &note->headings[i];
    if (nl_nav_same_name(h->text, strlen(h->text), fragment, flen)) return h;
  }
  for (size_t i = 0; i < note->n_headings; i++) {
    const nl_heading *h = &note->headings[i];
    /* A slug is never longer than its text: most fit the stack. */
    char buf[256];
    size_t tl = strlen(h->text);
    if (tl < flen) continue;
    char *slug = tl < sizeof(buf) ? buf : malloc(tl + 1);
    int same = slug != NULL && nl_note_slug_into(h->text, tl, slug) == flen &&
               strcasecmp(slug, fragment) == 0;
    if (slug != buf) free(slug);
    if (same) return h;
  }
  return NULL;
}

const nl_block_id *nl_nav_find_block(const nl_note *note, const char *id) {
  if (note == NULL || id == NULL) return NULL;
  if (id[0] == '^') id++;
  for (size_t i = 0; i < note->n_blocks; i++)
    if (strcmp(note->blocks[i].id, id) == 0) return &note->blocks[i];
  return NULL;
}
