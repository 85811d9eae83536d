/* symbol.c: workspace/symbol. One pass over the index's symbol table (nl_ws_symbols: a row
 * per file name, title, alias and heading) scores the query against every note's file name,
 * title and aliases (one symbol per note, its best score) and every heading (one symbol
 * each); a bounded top-K keeps the best 200 without sorting the vault. The masks pick the
 * rows that may match; strings that may rank in a word-start tier or above are offered first,
 * the rest (scattered matches at best) only while the list is not full of those, and a row
 * whose best possible rank cannot enter a full list is not read. With a memo (nl_ctx.memo),
 * a query that extends the last one (the user typed on) passes over only the rows the last
 * one may match: a longer pattern matches nothing its prefix does not; the same query asked
 * again of an index that did not change takes the last pass's symbols (nl_memo_answer).
 *
 * SymbolKind: File (1) for notes, Class (5) for people and accounts, String (15) for
 * headings. A note's H1 that repeats its name or title is not listed twice. Ties rank people
 * and accounts first, then notes before headings, then the most recently changed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsp/base/fuzzy.h"
#include "lsp/features/features.h"
#include "lsp/features/memo.h"
#include "lsp/features/nav_match.h"
#include "lsp/features/nav_util.h"
#include "lsp/base/buf.h"
#include "protocol/rpc.h"
#include "protocol/utf8.h"

#define MAX_SYMBOLS 200
#define HEADING_SUB NL_WS_SYMBOL_HEADING /* sub values from here on are headings */
#define GONE UINT32_MAX                  /* a candidate found not to match */

enum { SYMBOL_FILE = 1, SYMBOL_CLASS = 5, SYMBOL_STRING = 15 };

static uint64_t symbol_rank(int score, int party, int is_note, uint64_t seq) {
  const uint64_t seq_max = (1ull << 30) - 1;
  return (uint64_t)score << 32 | (uint64_t)party << 31 | (uint64_t)is_note << 30 |
         (seq < seq_max ? seq : seq_max);
}

/* Whether an H1 names the note again (the same name as its file name or title once
 * case-folded and normalized): the note is listed, not the heading. */
static int repeats_note(const nl_entry *e, const nl_heading *h) {
  if (h->level != 1) return 0;
  size_t len = strlen(h->text);
  if (nl_nav_same_name(h->text, len, e->name, strlen(e->name))) return 1;
  const nl_fm_scalar *t = e->note->title;
  return t != NULL && nl_nav_same_name(h->text, len, t->text, strlen(t->text));
}

/* One pass of a query over the table's rows. */
typedef struct {
  nl_nav_topk *top;
  const nl_nav_pattern *pat;
  const nl_workspace *ws;
  const nl_ws_symbol *rows;
  int fast;   /* the pattern is ASCII letters and digits: rows tell its tiers and bounds */
  int letter; /* a single typed letter or digit, lower case; 0 otherwise */
  int scattered; /* the strings are the notes' (not the memo's copies, in order) */
  const uint8_t *tiers; /* fast patterns: row_tier of each candidate, by its position */
} pass;

/* The best tier a row can reach, from the row alone (fast patterns only): 4 or 3 when the
 * string may be the pattern or start with it, 2 when the pattern may split into pieces at its
 * word starts, else 1 (nl_fuzzy_score's tiers). */
static int row_tier(const pass *p, const nl_ws_symbol *r) {
  if (r->first == (unsigned char)p->pat->lower[0])
    return !r->ascii || nl_ws_symbol_len(r) == p->pat->len ? 4 : 3;
  /* A string with other characters that starts with an ASCII byte: that byte is its first
   * folded code point, so it cannot start with the pattern (its word starts are not told
   * from the row). */
  if (!r->ascii) return r->first < 0x80 ? 2 : 4;
  return nl_nav_may_anchor(p->pat, r->initials, r->heads, r->heads) ? 2 : 1;
}

/* The highest rank a row's string can give (fast patterns only): nl_fuzzy_score_bound's
 * quality holds for any alignment, so for tiers 3 and 4 too, and the rank's tier is its top
 * bits. */
static uint64_t row_bound(const pass *p, const nl_ws_symbol *r, int tier) {
  const nl_nav_pattern *pat = p->pat;
  size_t words = 0;
  for (size_t i = 1; i < pat->n_pieces; i++) words += (pat->one[i] & ~r->initials) == 0;
  int bound = nl_fuzzy_score_bound(tier < 2 ? tier : 2, pat->len, words,
                                   r->ascii ? nl_ws_symbol_len(r) : 1);
  if (tier > 2) bound += (tier - 2) << 24;
  return symbol_rank(bound, 1, 1, UINT64_MAX);
}

/* Whether the row's string (of tier `tier`, row_tier) may enter the list (always, but for
 * fast patterns). */
static int may_enter(const pass *p, const nl_ws_symbol *r, int tier) {
  const nl_nav_topk *top = p->top;
  return !p->fast || top->n < top->cap || row_bound(p, r, tier) >= top->items[0].rank;
}

/* The row's score, -1 when it does not match, -2 when it cannot enter the full list (it may
 * match: the memo keeps it, unread). */
static int row_score(const pass *p, const nl_ws_symbol *r, int tier) {
  const nl_nav_pattern *pat = p->pat;
  size_t len = nl_ws_symbol_len(r);
  if (!p->fast) return nl_nav_score(pat, r->text, len);
  if (!may_enter(p, r, tier)) return -2;
  /* One letter or digit: its score follows from the row (the mask says it is there; the
   * first byte and the initials say where), so the string is not read. */
  if (p->letter && r->ascii)
    return nl_fuzzy_score_letter(r->first == p->letter ? NL_FUZZY_LETTER_FIRST
                                 : tier == 2           ? NL_FUZZY_LETTER_WORD
                                                       : NL_FUZZY_LETTER_INSIDE,
                                 len);
  /* Letters and digits that cannot match at a word start: the leftmost greedy alignment. */
  if (tier == 1 && len <= 128) return nl_fuzzy_score_scattered(pat->lower, pat->len, r->text, len);
  return nl_nav_score(pat, r->text, len);
}

static void offer(const pass *p, uint32_t id, uint32_t sub, int score) {
  /* The best rank the entry could give it first: most offers of a full list lose without
   * reading the entry (its kind and recency). */
  const nl_nav_topk *top = p->top;
  if (top->n == top->cap &&
      symbol_rank(score, 1, sub < HEADING_SUB, UINT64_MAX) < top->items[0].rank)
    return;
  const nl_entry *e = nl_ws_get(p->ws, id);
  nl_nav_hit hit = {symbol_rank(score, nl_nav_is_party(e), sub < HEADING_SUB, e->seq), e->id,
                    sub, e, score};
  if (!nl_nav_topk_would_take(p->top, &hit)) return;
  /* The list would take it: only now ask whether an H1 repeats the note's name. */
  if (sub >= HEADING_SUB && repeats_note(e, &e->note->headings[sub - HEADING_SUB])) return;
  nl_nav_topk_offer(p->top, &hit);
}

/* How many candidates ahead a pass asks for the row, then its string: rows that pass the
 * masks are scattered over the table, strings over every note's parse. */
#define AHEAD 8
#define ROWS_AHEAD 32
#define MASKS_AHEAD 16

/* Offers the unit cand[k, end) (a note's name rows, or one heading row); candidates found
 * not to match become GONE. */
static void offer_unit(const pass *p, uint32_t *cand, size_t n, size_t k, size_t end) {
  const nl_ws_symbol *rows = p->rows;
  uint32_t id = rows[cand[k]].id, sub = rows[cand[k]].sub >= HEADING_SUB ? rows[cand[k]].sub : 0;
  int best = -1;
  for (; k < end; k++) {
    /* A single letter's pass reads rows only, far ahead; a longer query's reads each row's
     * string too, which can only be asked for once the row is in. */
    if (p->letter) {
      if (k + ROWS_AHEAD < n && cand[k + ROWS_AHEAD] != GONE)
        __builtin_prefetch(&rows[cand[k + ROWS_AHEAD]]);
    } else {
      if (k + AHEAD < n && cand[k + AHEAD] != GONE) __builtin_prefetch(&rows[cand[k + AHEAD]]);
      /* Strings scattered over the notes: only those that will be read (asking for every
       * candidate's filled the memory queue with strings a full list then turned away from
       * their rows). */
      if (k + AHEAD / 2 < n && cand[k + AHEAD / 2] != GONE &&
          (!p->scattered || !p->fast ||
           may_enter(p, &rows[cand[k + AHEAD / 2]], p->tiers[k + AHEAD / 2])))
        __builtin_prefetch(rows[cand[k + AHEAD / 2]].text);
    }
    int s = row_score(p, &rows[cand[k]], p->fast ? p->tiers[k] : 4);
    if (s == -1) cand[k] = GONE;
    if (s > best) best = s;
  }
  if (best >= 0) offer(p, id, sub, best);
}

/* Where the unit that starts at cand[k] ends: after a heading row, or after the note's name
 * rows (a candidate found not to match belongs to a unit offered before). */
static size_t unit_end(const pass *p, const uint32_t *cand, size_t n, size_t k) {
  const nl_ws_symbol *rows = p->rows, *r = &rows[cand[k]];
  size_t end = k + 1;
  if (r->sub < HEADING_SUB)
    while (end < n && cand[end] != GONE && rows[cand[end]].id == r->id &&
           rows[cand[end]].sub < HEADING_SUB)
      end++;
  return end;
}

/* Whether any row of the unit cand[k, end) may rank in tier 2 or above. */
static int unit_high(const pass *p, size_t k, size_t end) {
  int high = !p->fast;
  for (; k < end && !high; k++) high = p->tiers[k] >= 2;
  return high;
}

/* Offers the candidate rows cand[0, n) (ascending): first the units that may rank in tier 2
 * or above, then, only while the list is not full of those, the rest (scattered matches at
 * best). In a large vault a short query matches thousands of strings, most only scattered.
 * Each row's tier is found once, first (the row is read again when offered, from the cache).
 * 0, or -1 when out of memory. */
static int offer_all(pass *p, uint32_t *cand, size_t n) {
  uint8_t *tiers = p->fast ? malloc(n ? n : 1) : NULL;
  if (p->fast && tiers == NULL) return -1;
  for (size_t k = 0; k < n && p->fast; k++) {
    if (k + ROWS_AHEAD < n) __builtin_prefetch(&p->rows[cand[k + ROWS_AHEAD]]);
    tiers[k] = (uint8_t)row_tier(p, &p->rows[cand[k]]);
  }
  p->tiers = tiers;
  nl_vec low = {0};
  for (size_t k = 0; k < n;) {
    size_t end = unit_end(p, cand, n, k);
    uint32_t *slot = unit_high(p, k, end) ? NULL : nl_vec_push(&low, sizeof *slot);
    if (slot != NULL) *slot = (uint32_t)k;
    else offer_unit(p, cand, n, k, end); /* or no room to defer it: the same answer now */
    k = end;
  }
  const nl_nav_topk *top = p->top;
  int full_high = top->n == top->cap && (top->items[0].rank >> 32 >> 24) >= NL_NAV_TIER_WORDS;
  const uint32_t *ks = low.items;
  /* Else none of the rest can enter: the memo keeps them unread. */
  for (size_t i = 0; i < low.n && !full_high; i++)
    offer_unit(p, cand, n, ks[i], unit_end(p, cand, n, ks[i]));
  nl_vec_free(&low);
  free(tiers);
  p->tiers = NULL;
  return 0;
}

/* Appends to cand the rows the pattern may match by their masks: of the memo's rows
 * [0, n_memo) when masks is set (the memo's), else of every entry of the table whose mask may
 * match. 0, or -1 when out of memory. */
static int collect(nl_vec *cand, const nl_nav_pattern *pat, const nl_workspace *ws,
                   const nl_ws_symbol_table *t, const uint64_t *masks, size_t n_memo) {
  if (masks != NULL) {
    for (size_t i = 0; i < n_memo; i++) {
      if (!nl_nav_may_match(pat, masks[i])) continue;
      uint32_t *slot = nl_vec_push(cand, sizeof *slot);
      if (slot == NULL) return -1;
      *slot = (uint32_t)i;
    }
    return 0;
  }
  /* The entries that may match first (dense arrays, in order), then their rows' masks, asked
   * for a few entries ahead: an entry's masks are a cache line or two somewhere in the table,
   * and a short query's entries are thousands. */
  const uint64_t *all = nl_ws_all_masks(ws);
  nl_vec ids = {0};
  for (uint32_t id = 0; id < t->n_ids; id++) {
    if (t->count[id] == 0 || !nl_nav_may_match(pat, all[id])) continue;
    uint32_t *slot = nl_vec_push(&ids, sizeof *slot);
    if (slot == NULL) {
      nl_vec_free(&ids);
      return -1;
    }
    *slot = id;
  }
  const uint32_t *id = ids.items;
  for (size_t k = 0; k < ids.n; k++) {
    if (k + MASKS_AHEAD < ids.n) __builtin_prefetch(&t->masks[t->first[id[k + MASKS_AHEAD]]]);
    for (uint32_t r = t->first[id[k]], end = r + t->count[id[k]]; r < end; r++) {
      if (!nl_nav_may_match(pat, t->masks[r])) continue;
      uint32_t *slot = nl_vec_push(cand, sizeof *slot);
      if (slot == NULL) {
        nl_vec_free(&ids);
        return -1;
      }
      *slot = r;
    }
  }
  nl_vec_free(&ids);
  return 0;
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

/* Appends `,"key":` and s as a JSON string, when s is valid UTF-8 (else nothing: the key is
 * left out, as json_object_set_new leaves out a NULL value). */
static void add_key(nl_buf *b, const char *key, const char *s) {
  if (s == NULL || !nl_utf8_valid(s, strlen(s))) return;
  nl_buf_adds(b, key);
  nl_ctx_string_text(b, s);
}

/* Appends one SymbolInformation's JSON text (a comma first unless it is the first): name, kind,
 * location, containerName. A symbol whose name is not valid UTF-8 is dropped (a JSON string of
 * it cannot be made); 1 when one was written. */
static int symbol_text(const nl_ctx *ctx, nl_buf *b, const nl_nav_hit *hit, int first) {
  const nl_entry *e = hit->ptr;
  const nl_heading *h = hit->sub >= HEADING_SUB ? &e->note->headings[hit->sub - HEADING_SUB] : NULL;
  char *nfc = nl_nav_nfc(e->name, strlen(e->name));
  const char *name = h != NULL ? h->text : nfc != NULL ? nfc : e->name;
  if (!nl_utf8_valid(name, strlen(name))) {
    free(nfc);
    return 0;
  }
  nl_buf_adds(b, first ? "{\"name\":" : ",{\"name\":");
  nl_ctx_string_text(b, name);
  if (h != NULL) {
    nl_buf_addf(b, ",\"kind\":%d,\"location\":", SYMBOL_STRING);
    nl_ctx_location_text(ctx, b, e, nl_heading_range(h));
    add_key(b, ",\"containerName\":", nfc);
  } else {
    nl_buf_addf(b, ",\"kind\":%d,\"location\":", nl_nav_is_party(e) ? SYMBOL_CLASS : SYMBOL_FILE);
    /* The top of the note: column 0 in every encoding, so no text needs reading. */
    nl_ctx_top_location_text(b, e->uri);
    char *dir = dirname_of(e->rel);
    if (dir != NULL && dir[0] != '\0') add_key(b, ",\"containerName\":", dir);
    free(dir);
  }
  nl_buf_adds(b, "}");
  free(nfc);
  return 1;
}

/* The best symbols for query[0, len) (pattern pat) into top, sorted; with a memo, only the
 * rows the last query may match when this one extends it, and the rows this one may match
 * kept for the next. 0, or -1 when out of memory. */
static int best_symbols(const nl_ctx *ctx, const nl_nav_pattern *pat, const nl_ws_symbol_table *table,
                        const char *query, size_t len, nl_nav_topk *top) {
  /* A query typed on from the last one can only match what that one may match: with a memo,
   * only those rows are looked at, from the memo's copies, and the rows this query may match
   * are copied for the next. */
  nl_memo_symbols *memo = ctx->memo != NULL ? &ctx->memo->symbol : NULL;
  int from_memo = memo != NULL && nl_memo_symbols_usable(memo, ctx->ws, table->epoch, query, len);
  const nl_ws_symbol *rows = from_memo ? memo->rows : table->rows;
  const uint64_t *masks = from_memo ? memo->masks : table->masks;
  nl_vec cand = {0};
  if (collect(&cand, pat, ctx->ws, table, from_memo ? masks : NULL, from_memo ? memo->n : 0)) {
    nl_vec_free(&cand);
    return -1;
  }
  pass p = {top, pat, ctx->ws, rows, pat->len > 0 && pat->n_pieces == pat->len,
            pat->n_pieces == 1 && len == 1 ? (unsigned char)pat->lower[0] : 0,
            !from_memo || memo->texts == NULL, NULL};
  if (offer_all(&p, cand.items, cand.n) != 0) {
    nl_vec_free(&cand);
    return -1;
  }
  if (memo != NULL) {
    /* What may still match: every candidate not scored as a miss (one that could not enter
     * stays unread: testing its bytes in order dropped a few percent and cost a read of
     * each). A single letter's pass reads no string, so its strings are not copied (that
     * would read them all); the next keystroke's pass copies them. */
    uint32_t *c = cand.items;
    size_t kept = 0;
    for (size_t i = 0; i < cand.n; i++)
      if (c[i] != GONE) c[kept++] = c[i];
    nl_memo_symbols_keep(memo, ctx->ws, table->epoch, query, len, rows, masks, c, kept, !p.letter);
  }
  nl_vec_free(&cand);
  nl_nav_topk_sort(top);
  return 0;
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

  nl_ws_symbol_table table;
  if (nl_ws_symbols(ctx->ws, &table) != 0) {
    snprintf(err, err_size, "out of memory");
    return NL_RPC_INTERNAL_ERROR;
  }
  nl_nav_hit buf[MAX_SYMBOLS];
  nl_nav_topk top;
  nl_nav_topk_init(&top, buf, MAX_SYMBOLS);
  nl_memo *memo_all = ctx->memo;
  if (memo_all != NULL && nl_memo_answer_get(&memo_all->symbol_answer, ctx->ws, table.epoch,
                                             query, len, 0, 0, &top)) {
    /* Asked again, the index unchanged: the last pass's symbols. */
    for (size_t i = 0; i < top.n; i++) top.items[i].ptr = nl_ws_get(ctx->ws, top.items[i].id);
  } else if (best_symbols(ctx, &pat, &table, query, len, &top) != 0) {
    snprintf(err, err_size, "out of memory");
    return NL_RPC_INTERNAL_ERROR;
  } else if (memo_all != NULL) {
    nl_memo_answer_keep(&memo_all->symbol_answer, ctx->ws, table.epoch, query, len, 0, 0, &top);
  }

  /* The answer as JSON text (NL_CTX_RAW_RESULT): a tree of ~15 JSON values per symbol,
   * built, encoded and freed again, was as long as a short query's pass. */
  nl_buf b = {0};
  nl_buf_adds(&b, "[");
  for (size_t i = 0, n_out = 0; i < top.n; i++) n_out += symbol_text(ctx, &b, &top.items[i], n_out == 0);
  nl_buf_adds(&b, "]");
  return nl_ctx_raw_result(&b, result);
}
