/* symbol.c: workspace/symbol. One pass over the index scores the query against every note's
 * file name, title and aliases (one symbol per note, its best score) and every heading (one
 * symbol each); a bounded top-K keeps the best 200 without sorting the vault. With a memo
 * (nl_ctx.memo), a query that extends the last one (the user typed on) passes over only the
 * notes that matched the last one: a longer pattern matches nothing its prefix does not.
 *
 * SymbolKind: File (1) for notes, Class (5) for people and accounts, String (15) for
 * headings. A note's H1 that repeats its name or title is not listed twice. Ties rank people
 * and accounts first, then notes before headings, then the most recently changed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsp/features/features.h"
#include "lsp/features/memo.h"
#include "lsp/features/nav_match.h"
#include "lsp/features/nav_util.h"
#include "protocol/lsp_types.h"
#include "protocol/rpc.h"

#define MAX_SYMBOLS 200
#define HEADING_SUB 0x100000u /* sub values from here on are headings */

enum { SYMBOL_FILE = 1, SYMBOL_CLASS = 5, SYMBOL_STRING = 15 };

static uint64_t symbol_rank(int score, int party, int is_note, uint64_t seq) {
  const uint64_t seq_max = (1ull << 30) - 1;
  return (uint64_t)score << 32 | (uint64_t)party << 31 | (uint64_t)is_note << 30 |
         (seq < seq_max ? seq : seq_max);
}

static int best_note_score(const nl_nav_pattern *pat, const nl_entry *e) {
  int best = nl_nav_score_str(pat, e->name);
  const nl_note *n = e->note;
  if (n == NULL) return best;
  /* A title that is the file name, byte for byte (most meetings'), scores the same. */
  if (n->title != NULL && strcmp(n->title->text, e->name) != 0) {
    int s = nl_nav_score_str(pat, n->title->text);
    if (s > best) best = s;
  }
  for (size_t i = 0; i < n->n_aliases; i++) {
    int s = nl_nav_score_str(pat, n->aliases[i].text);
    if (s > best) best = s;
  }
  return best;
}

/* Whether an H1 is the note's file name or title byte for byte: it is never listed, so it
 * need not be scored (repeats_note says the same, at more cost, of names that differ only in
 * case or normalization). */
static int copies_note(const nl_entry *e, const nl_heading *h) {
  if (h->level != 1) return 0;
  const nl_fm_scalar *t = e->note->title;
  return strcmp(h->text, e->name) == 0 || (t != NULL && strcmp(h->text, t->text) == 0);
}

static int repeats_note(const nl_entry *e, const nl_heading *h) {
  if (h->level != 1) return 0;
  size_t len = strlen(h->text);
  if (nl_nav_same_name(h->text, len, e->name, strlen(e->name))) return 1;
  const nl_fm_scalar *t = e->note->title;
  return t != NULL && nl_nav_same_name(h->text, len, t->text, strlen(t->text));
}

/* names: whether the pattern can match the note's name, title or aliases at all (the
 * index's name mask), so a note reached only through its headings reads no names. Returns
 * whether anything of the note matched. */
static int scan_entry(nl_nav_topk *top, const nl_nav_pattern *pat, const nl_entry *e,
                      int names) {
  int s = names ? best_note_score(pat, e) : -1, matched = s >= 0;
  if (s >= 0) {
    nl_nav_hit hit = {symbol_rank(s, nl_nav_is_party(e), 1, e->seq), e->id, 0, e, s};
    nl_nav_topk_offer(top, &hit);
  }
  const nl_note *n = e->note;
  if (n == NULL) return matched;
  for (size_t i = 0; i < n->n_headings; i++) {
    const nl_heading *h = &n->headings[i];
    if (copies_note(e, h)) continue;
    int hs = nl_nav_score_str(pat, h->text);
    matched |= hs >= 0;
    if (hs < 0) continue;
    nl_nav_hit hit = {symbol_rank(hs, nl_nav_is_party(e), 0, e->seq), e->id,
                      HEADING_SUB + (uint32_t)i, e, hs};
    /* The list is full and this would not enter: no need to ask whether it is listed. */
    if (!nl_nav_topk_would_take(top, &hit) || repeats_note(e, h)) continue;
    nl_nav_topk_offer(top, &hit);
  }
  return matched;
}

/* How far ahead a pass asks for what it will read: an entry, then its name and parse, then
 * the parse's title and headings. The notes a query may match are scattered over hundreds
 * of megabytes; waiting for each in turn was most of a short query's time. */
#define AHEAD 12

static void prefetch_note(const nl_workspace *ws, const uint32_t *cand, size_t n, size_t k) {
  if (k + AHEAD < n) __builtin_prefetch(nl_ws_get(ws, cand[k + AHEAD]));
  if (k + AHEAD / 2 < n) {
    const nl_entry *e = nl_ws_get(ws, cand[k + AHEAD / 2]);
    __builtin_prefetch(e->name);
    __builtin_prefetch(e->note);
  }
  if (k + AHEAD / 4 < n) {
    const nl_note *note = nl_ws_get(ws, cand[k + AHEAD / 4])->note;
    if (note != NULL) {
      if (note->title != NULL) __builtin_prefetch(note->title->text);
      if (note->n_headings > 0) __builtin_prefetch(note->headings[0].text);
    }
  }
}

/* Offers the notes of ids[0, n) (every id when ids is NULL: n is then the id limit) in that
 * order; with `matched` set, appends to it the ids of those that matched. 0, or -1 when out
 * of memory growing `matched` (the offers are all made). */
static int scan_ids(nl_nav_topk *top, const nl_nav_pattern *pat, const nl_workspace *ws,
                    const uint32_t *ids, size_t n, nl_vec *matched) {
  const uint64_t *masks = nl_ws_all_masks(ws), *name_masks = nl_ws_name_masks(ws);
  uint32_t cand[512];
  int rc = 0;
  for (size_t next = 0; next < n;) {
    /* A batch of the live notes the masks let through, from the dense arrays alone. */
    size_t n_cand = 0;
    for (; next < n && n_cand < sizeof cand / sizeof *cand; next++) {
      uint32_t id = ids != NULL ? ids[next] : (uint32_t)next;
      if (nl_nav_may_match(pat, masks[id]) && nl_ws_get(ws, id) != NULL) cand[n_cand++] = id;
    }
    for (size_t k = 0; k < n_cand; k++) {
      prefetch_note(ws, cand, n_cand, k);
      uint32_t id = cand[k];
      if (!scan_entry(top, pat, nl_ws_get(ws, id), nl_nav_may_match(pat, name_masks[id])) ||
          matched == NULL)
        continue;
      uint32_t *slot = nl_vec_push(matched, sizeof *slot);
      if (slot != NULL) *slot = id;
      else rc = -1;
    }
  }
  return rc;
}

static char *dirname_of(const char *rel) {
  const char *slash = strrchr(rel, '/');
  size_t len = slash ? (size_t)(slash - rel) : 0;
  char *out = malloc(len + 1);
  if (out == NULL) return NULL;
  memcpy(out, rel, len);
  out[len] = '\0';
  return out;
}

static json_t *symbol_json(const nl_ctx *ctx, const nl_nav_hit *hit) {
  const nl_entry *e = hit->ptr;
  json_t *sym = json_object();
  char *name = nl_nav_nfc(e->name, strlen(e->name));
  if (hit->sub >= HEADING_SUB) {
    const nl_heading *h = &e->note->headings[hit->sub - HEADING_SUB];
    json_object_set_new(sym, "name", json_string(h->text));
    json_object_set_new(sym, "kind", json_integer(SYMBOL_STRING));
    json_object_set_new(sym, "location", nl_ctx_location_json(ctx, e, nl_heading_range(h)));
    if (name) json_object_set_new(sym, "containerName", json_string(name));
  } else {
    json_object_set_new(sym, "name", json_string(name ? name : e->name));
    json_object_set_new(sym, "kind",
                        json_integer(nl_nav_is_party(e) ? SYMBOL_CLASS : SYMBOL_FILE));
    /* The top of the note: column 0 in every encoding, so no text needs reading. */
    json_object_set_new(sym, "location", nl_lsp_location_json(e->uri, 0, 0, 0, 0));
    char *dir = dirname_of(e->rel);
    if (dir != NULL && dir[0] != '\0') json_object_set_new(sym, "containerName", json_string(dir));
    free(dir);
  }
  free(name);
  /* A name that is not valid UTF-8 makes json_string fail: such a symbol is dropped. */
  if (json_object_get(sym, "name") == NULL) {
    json_decref(sym);
    return NULL;
  }
  return sym;
}

int nl_feature_workspace_symbol(const nl_ctx *ctx, const json_t *params, json_t **result,
                                char *err, size_t err_size) {
  const json_t *q = json_is_object(params) ? json_object_get(params, "query") : NULL;
  if (!json_is_string(q)) {
    snprintf(err, err_size, "params.query must be a string");
    return NL_RPC_INVALID_PARAMS;
  }
  const char *query = json_string_value(q);
  size_t len = json_string_length(q);
  nl_nav_pattern pat;
  nl_nav_pattern_init(&pat, query, len);

  nl_nav_hit buf[MAX_SYMBOLS];
  nl_nav_topk top;
  nl_nav_topk_init(&top, buf, MAX_SYMBOLS);
  /* A query typed on from the last one can only match notes that matched that one: with a
   * memo, only those are looked at (in the same order, so ties fall the same way), and the
   * notes this query matches are kept for the next. */
  nl_memo_matches *memo = ctx->memo != NULL ? &ctx->memo->symbol : NULL;
  size_t n = 0;
  const uint32_t *ids = memo != NULL ? nl_memo_matches_get(memo, ctx->ws, query, len, &n) : NULL;
  if (ids == NULL) n = nl_ws_id_limit(ctx->ws);
  nl_vec matched = {0};
  int rc = scan_ids(&top, &pat, ctx->ws, ids, n, memo != NULL ? &matched : NULL);
  if (memo != NULL) nl_memo_matches_keep(memo, ctx->ws, query, len, &matched, rc == 0);
  nl_nav_topk_sort(&top);

  json_t *out = json_array();
  for (size_t i = 0; i < top.n; i++) {
    json_t *sym = symbol_json(ctx, &top.items[i]);
    if (sym != NULL) json_array_append_new(out, sym);
  }
  *result = out;
  return 0;
}
