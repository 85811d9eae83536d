/* completion_names.c: the best names for a typed pattern, the pass behind [[ and @ completion
 * (completion_impl.h). It runs over the index's packed name table (file names and aliases),
 * first from the dense mask and kind arrays alone, then reading only the rows and names that
 * may match, with prefetches; a byte pre-filter rejects most names before the fuzzy scorer
 * runs, a bound from the row alone skips names that could not enter a full list, and a
 * bounded heap keeps the best MAX_ITEMS. Nothing is allocated per name. With a memo
 * (nl_ctx.memo), the rows a pattern may match are kept, copied with their names, so that
 * the next keystroke's pass (a pattern that extends it) reads only those, in order, and the
 * rows the table added since: the same items in the same order as a full pass. */
#include <stdlib.h>
#include <string.h>

#include "lsp/base/fuzzy.h"
#include "lsp/features/completion_impl.h"
#include "lsp/features/memo.h"

/* Ranks a match: the fuzzy tier (exact, prefix, word pieces, scattered) first, then people
 * and accounts, then the quality of a non-prefix match, then recency. */
uint64_t nl_completion_match_rank(int score, int party, uint64_t seq) {
  uint64_t tier = (uint64_t)(score >> 24) & 0x7;
  uint64_t quality = tier >= NL_NAV_TIER_PREFIX ? 0 : ((uint64_t)score & 0xFFFFFF);
  const uint64_t seq_max = (1ull << 35) - 1;
  return tier << 60 | (uint64_t)(party != 0) << 59 | quality << 35 | (seq < seq_max ? seq : seq_max);
}

/* Offers a candidate name whose prefix tier (nl_nav_prefix_tier) is known to top. Exact and
 * prefix matches are ranked from that; the fuzzy scorer runs only for a candidate that could
 * still enter the list, so once the list holds MAX_ITEMS prefix matches the rest of the vault
 * costs a byte compare per name. */
static void offer_tiered(nl_nav_topk *top, const nl_nav_pattern *pat, int tier, const char *cand,
                         size_t clen, int party, uint64_t seq, uint32_t id, uint32_t sub,
                         const void *ptr) {
  int score;
  if (tier >= NL_NAV_TIER_PREFIX) {
    score = tier << 24;
  } else {
    if (tier == 0 && top->n == top->cap && (top->items[0].rank >> 60) >= NL_NAV_TIER_PREFIX) {
      top->seen++; /* cannot enter; it may have matched, so the list counts as cut */
      return;
    }
    score = nl_nav_score(pat, cand, clen);
    if (score < 0) return;
  }
  nl_nav_hit hit = {nl_completion_match_rank(score, party, seq), id, sub, ptr, score};
  nl_nav_topk_offer(top, &hit);
}

void nl_completion_offer_match(nl_nav_topk *top, const nl_nav_pattern *pat, const char *cand,
                        size_t clen, int party,
                        uint64_t seq, uint32_t id, uint32_t sub, const void *ptr) {
  offer_tiered(top, pat, nl_nav_prefix_tier(pat, cand), cand, clen, party, seq, id, sub, ptr);
}

static unsigned char fold_byte(unsigned char b) { return b >= 'A' && b <= 'Z' ? b + 32 : b; }

/* nl_nav_prefix_tier of a row's name, from the row's first byte when that settles it (an ASCII
 * name starting with another character than the pattern is neither exact nor a prefix), so
 * that most rows of a pass do not read their name. */
static int row_prefix_tier(const nl_nav_pattern *pat, const nl_ws_name *row, const char *pool) {
  unsigned char want = (unsigned char)pat->lower[0], got = fold_byte((unsigned char)row->first);
  if (pat->ascii && pat->len > 0 && row->ascii && got != want && want != ' ' && want != '\t' &&
      got != ' ' && got != '\t')
    return 0;
  return nl_nav_prefix_tier(pat, pool + row->off);
}

/* Whether row, known to be neither the pattern nor to start with it (so tier 2 at best, or 1
 * when it cannot match at word starts: !anchored), could not rank above the worst hit of a
 * full list, judged from the row alone (its word initials, length and recency) without
 * reading its name: its best score is bounded by how many of the pattern's characters can
 * start one of its words. Only for alphanumeric patterns (n_pieces set). */
static int below_worst(const nl_nav_topk *top, const nl_nav_pattern *pat, const nl_ws_name *row,
                       int anchored, int party) {
  if (top->n < top->cap || pat->n_pieces == 0 || pat->n_pieces != pat->len) return 0;
  size_t words = 0;
  for (size_t i = 1; i < pat->n_pieces; i++) words += (pat->one[i] & ~row->initials) == 0;
  size_t clen_min = row->ascii ? row->len : 1;
  int bound = nl_fuzzy_score_bound(anchored ? NL_NAV_TIER_WORDS : 1, pat->len, words, clen_min);
  return nl_completion_match_rank(bound, party, row->seq) < top->items[0].rank;
}

/* below_worst for a row whose name was not read: only when its first byte says it cannot
 * start with the pattern. */
static int cannot_enter(const nl_nav_topk *top, const nl_nav_pattern *pat, const nl_ws_name *row,
                        int anchored, int party) {
  if ((unsigned char)row->first >= 0x80 || ((row->first | 0x20) == (pat->lower[0] | 0x20)))
    return 0; /* it may start with the pattern */
  return below_worst(top, pat, row, anchored, party);
}

/* How many candidates ahead a pass asks for the row and the name it will read: the rows that
 * pass the dense arrays are scattered over megabytes, and waiting for each in turn was most
 * of a request's time at 100,000 notes. */
#define AHEAD 8

/* Offers one row that may match (its mask passed); first: whether it may match at word starts
 * (or, with nothing typed, is a person or account). */
static void offer_row(nl_nav_topk *top, const nl_nav_pattern *pat, const char *pool,
                      const nl_ws_name *row, int party, int first, int letter) {
  if (pat->len == 0) {
    /* Nothing typed: every name is a prefix match, ranked by kind and recency only. */
    nl_nav_hit hit = {nl_completion_match_rank(NL_NAV_TIER_PREFIX << 24, party, row->seq),
                      row->id, row->sub, NULL, NL_NAV_TIER_PREFIX << 24};
    nl_nav_topk_offer(top, &hit);
    return;
  }
  if (letter && row->ascii && row->len > 1 && (row->first | 0x20) != letter) {
    /* One typed letter that is not the name's first: its score follows from the row (the mask
     * says the letter is there; for one letter the initials say exactly whether it starts a
     * word), so the name itself is not read. */
    int score = nl_fuzzy_score_letter(first, row->len);
    nl_nav_hit hit = {nl_completion_match_rank(score, party, row->seq), row->id, row->sub, NULL,
                      score};
    nl_nav_topk_offer(top, &hit);
    return;
  }
  if (cannot_enter(top, pat, row, first, party)) {
    top->seen++; /* it may match, so the list counts as cut */
    return;
  }
  if (!first && pat->n_pieces == pat->len && row->ascii && row->len <= 128) {
    /* Letters and digits that cannot match at word starts here: only a scattered match is
     * left, scored without the tests for the tiers above it. */
    int score = nl_fuzzy_score_scattered(pat->lower, pat->len, pool + row->off, row->len);
    if (score < 0) return;
    nl_nav_hit hit = {nl_completion_match_rank(score, party, row->seq), row->id, row->sub, NULL,
                      score};
    nl_nav_topk_offer(top, &hit);
    return;
  }
  int tier = row_prefix_tier(pat, row, pool);
  if (tier == 0 && below_worst(top, pat, row, first, party)) {
    top->seen++; /* it may match, so the list counts as cut */
    return;
  }
  offer_tiered(top, pat, tier, pool + row->off, row->len, party, row->seq, row->id, row->sub,
               NULL);
}

static int is_party_kind(uint8_t kind) {
  return kind == NL_KIND_PERSON || kind == NL_KIND_ACCOUNT;
}

/* Appends to cand the rows [from, to) that may match (of `kind`, or all when -1; with
 * party >= 0 only the people and accounts, or only the rest), newest first, judged from the
 * dense arrays alone: rows are appended as notes change, so recency falls along the way and,
 * once the list is full, most offers lose to its worst hit at once. Returns the count. */
static size_t collect_rows(uint32_t *cand, const nl_nav_pattern *pat, const uint64_t *masks,
                           const uint8_t *kinds, size_t from, size_t to, int kind, int party) {
  size_t n_cand = 0;
  for (size_t i = to; i-- > from;) {
    if (!nl_nav_may_match(pat, masks[i]) || kinds[i] == NL_WS_DEAD) continue;
    if (kind >= 0 && kinds[i] != kind) continue;
    if (party >= 0 && is_party_kind(kinds[i]) != party) continue;
    cand[n_cand++] = (uint32_t)i;
  }
  return n_cand;
}

/* Offers the rows cand[0, n_cand) of `rows` (names in `pool`: the index's table or the memo's
 * copies) of workspace folder `root` (any when -1) in order; rows that can only match
 * scattered (first 0) are kept at the front of cand instead when `defer` is set. Returns how
 * many were kept. */
static size_t offer_rows(nl_nav_topk *top, const nl_nav_pattern *pat, const nl_ws_name *rows,
                         const char *pool, uint32_t *cand, size_t n_cand, int kind, int defer,
                         int64_t root) {
  /* A single typed letter or digit, in lower case; 0 otherwise. */
  int letter = pat->n_pieces == 1 ? (unsigned char)pat->text[0] | 0x20 : 0;
  size_t kept = 0;
  for (size_t k = 0; k < n_cand; k++) {
    if (k + AHEAD < n_cand) __builtin_prefetch(&rows[cand[k + AHEAD]]);
    if (k + AHEAD / 2 < n_cand) __builtin_prefetch(pool + rows[cand[k + AHEAD / 2]].off);
    const nl_ws_name *row = &rows[cand[k]];
    if (root >= 0 && row->root != root) continue; /* another folder is another vault */
    int party = kind >= 0 || is_party_kind(row->kind);
    int first = pat->len == 0 || nl_nav_may_anchor(pat, row->initials, row->bigrams, row->trigrams);
    if (defer && !first) {
      cand[kept++] = cand[k];
      continue;
    }
    offer_row(top, pat, pool, row, party, first, letter);
  }
  return kept;
}

/* Where a pass finds its rows: the index's name table, and (with a memo) the memo's copies. */
typedef struct {
  const nl_ws_name *rows;
  const char *pool;
  uint32_t *cand; /* new */
  size_t n_cand, deferred;
} row_set;

/* Offers the rows of each set, newest first: first the names that can rank high, then the
 * rest only when the first pass left room in the list. With letters typed, the first pass
 * takes names that may match at word starts (the rest can only match scattered); with
 * nothing typed, where every name matches alike, people and accounts (the rest rank below
 * them): `by_party`, the rest then collected again from the index (set 0). In a large vault
 * that skips thousands of fuzzy scores, or a hundred thousand offers to the list. */
static void offer_sets(nl_nav_topk *top, const nl_nav_pattern *pat, const nl_workspace *ws,
                       row_set *sets, size_t n_sets, int kind, int by_party, int64_t root) {
  size_t deferred = 0;
  for (size_t i = 0; i < n_sets; i++) {
    row_set *s = &sets[i];
    s->deferred = offer_rows(top, pat, s->rows, s->pool, s->cand, s->n_cand, kind, !by_party, root);
    deferred += s->deferred;
  }
  if (by_party) {
    size_t n;
    const uint64_t *masks;
    const char *pool;
    nl_ws_names(ws, &n, &pool, &masks);
    deferred = sets[0].deferred =
        collect_rows(sets[0].cand, pat, masks, nl_ws_name_kinds(ws), 0, n, kind, 0);
  }
  const uint64_t min = top->n == top->cap ? top->items[0].rank : 0;
  if (deferred > 0 && top->n == top->cap &&
      (by_party ? (min >> 59) & 1 : (min >> 60) >= NL_NAV_TIER_WORDS)) {
    top->seen += deferred; /* they may match, so the list counts as cut */
    return;
  }
  for (size_t i = 0; i < n_sets; i++)
    offer_rows(top, pat, sets[i].rows, sets[i].pool, sets[i].cand, sets[i].deferred, kind, 0,
               root);
}

/* The memo's rows cand[0, n_cand) of the table (newest first, as collected) that the
 * pattern may match by their names: copied into the memo, so the next keystroke's pass reads
 * them from there. Out of memory: nothing is kept. */
static void keep_rows(nl_memo_rows *m, const nl_nav_pattern *pat, const nl_workspace *ws,
                      const uint32_t *cand, size_t n_cand, int kind) {
  size_t n;
  const char *pool;
  const nl_ws_name *rows = nl_ws_names(ws, &n, &pool, NULL);
  if (nl_memo_rows_start(m, ws, pat->text, pat->len, kind, n, 1) != 0) return;
  for (size_t k = n_cand; k-- > 0;) {
    if (k >= AHEAD) __builtin_prefetch(&rows[cand[k - AHEAD]]);
    if (k >= AHEAD / 2) __builtin_prefetch(pool + rows[cand[k - AHEAD / 2]].off);
    const nl_ws_name *row = &rows[cand[k]];
    if (nl_nav_may_score(pat, pool + row->off, row->len) &&
        nl_memo_rows_add(m, cand[k], row, pool + row->off) != 0)
      return;
  }
}

/* After a pass over the memo: keeps of its rows, and of the table's rows it had not seen
 * (fresh[0, n_fresh), newest first), those the longer pattern may still match. */
static void narrow_rows(nl_memo_rows *m, const nl_nav_pattern *pat, const nl_workspace *ws,
                        const uint32_t *fresh, size_t n_fresh, int kind) {
  size_t n;
  const char *pool;
  const nl_ws_name *rows = nl_ws_names(ws, &n, &pool, NULL);
  const uint8_t *kinds = nl_ws_name_kinds(ws);
  size_t j = 0;
  for (size_t k = 0; k < m->n; k++) {
    const nl_ws_name *row = &m->rows[k];
    if (kinds[m->idx[k]] == NL_WS_DEAD || !nl_nav_may_match(pat, row->mask) ||
        !nl_nav_may_score(pat, m->names + row->off, row->len))
      continue;
    m->rows[j] = *row;
    m->idx[j++] = m->idx[k];
  }
  m->n = j;
  if (nl_memo_rows_start(m, ws, pat->text, pat->len, kind, n, 0) != 0) return;
  for (size_t k = n_fresh; k-- > 0;) {
    const nl_ws_name *row = &rows[fresh[k]];
    if (nl_nav_may_score(pat, pool + row->off, row->len) &&
        nl_memo_rows_add(m, fresh[k], row, pool + row->off) != 0)
      return;
  }
}

/* A memo keeps the rows of patterns with at most this many candidates (about 120 bytes each). */
#define MEMO_MAX_ROWS 32768

/* Offers every file name and alias of the index's name table (of `kind`, or all when -1) in
 * workspace folder `root` (any when -1): the packed table, so the pass touches no entry; hits
 * get their entry afterwards. With a memo (m) whose rows serve this pattern (it extends the
 * last one), only those rows and the table's rows added since are looked at: a longer pattern
 * matches no name its prefix does not. */
static void offer_names(nl_nav_topk *top, const nl_nav_pattern *pat, const nl_workspace *ws,
                        int kind, int64_t root, nl_memo_rows *m) {
  size_t n;
  const char *pool;
  const uint64_t *masks;
  const nl_ws_name *rows = nl_ws_names(ws, &n, &pool, &masks);
  const uint8_t *kinds = nl_ws_name_kinds(ws);
  int by_party = pat->len == 0 && kind < 0;
  if (pat->len == 0) m = NULL; /* every name matches: nothing to narrow */
  int kept = m != NULL && nl_memo_rows_usable(m, ws, pat->text, pat->len, kind);
  size_t from = kept ? m->n_table : 0;
  row_set sets[2] = {{rows, pool, malloc((n - from) * sizeof(uint32_t) + 1), 0, 0},
                     {kept ? m->rows : NULL, kept ? m->names : NULL,
                      kept ? malloc(m->n * sizeof(uint32_t) + 1) : NULL, 0, 0}};
  if (sets[0].cand == NULL || (kept && sets[1].cand == NULL)) goto done; /* out of memory */
  sets[0].n_cand = collect_rows(sets[0].cand, pat, masks, kinds, from, n, kind,
                                by_party ? 1 : -1);
  if (kept) {
    for (size_t k = m->n; k-- > 0;) /* newest first; rows that died since are gone */
      if (nl_nav_may_match(pat, m->rows[k].mask) && kinds[m->idx[k]] != NL_WS_DEAD)
        sets[1].cand[sets[1].n_cand++] = (uint32_t)k;
  } else if (m != NULL) {
    if (sets[0].n_cand <= MEMO_MAX_ROWS) keep_rows(m, pat, ws, sets[0].cand, sets[0].n_cand, kind);
    else nl_memo_rows_forget(m);
  }
  /* offer_sets reuses cand: the rows the table added since the memo, for narrow_rows. */
  uint32_t *fresh = NULL;
  if (kept && sets[0].n_cand > 0 && (fresh = malloc(sets[0].n_cand * sizeof *fresh)) != NULL)
    memcpy(fresh, sets[0].cand, sets[0].n_cand * sizeof *fresh);
  size_t n_fresh = fresh != NULL ? sets[0].n_cand : 0;
  if (kept && sets[0].n_cand > 0 && fresh == NULL) nl_memo_rows_forget(m);
  offer_sets(top, pat, ws, sets, kept ? 2 : 1, kind, by_party, root);
  if (kept && m->ws != NULL) narrow_rows(m, pat, ws, fresh, n_fresh, kind);
  free(fresh);
done:
  free(sets[0].cand);
  free(sets[1].cand);
  for (size_t i = 0; i < top->n; i++) top->items[i].ptr = nl_ws_get(ws, top->items[i].id);
}

/* The best MAX_ITEMS names (of `kind`, or all when -1) for what was typed, best first, into
 * top (over buf); notes whether the list was cut. */
void nl_completion_best_names(nl_completion_req *r, const char *typed, size_t typed_len, int kind, nl_nav_topk *top,
                       nl_nav_hit *buf) {
  nl_nav_pattern pat;
  nl_nav_pattern_init(&pat, typed, typed_len);
  nl_nav_topk_init(top, buf, MAX_ITEMS);
  /* Names of the note's own folder only: each workspace folder is its own vault. */
  const nl_workspace *ws = r->ctx->ws;
  int64_t root = nl_ws_n_roots(ws) > 1 && r->self != NULL ? (int64_t)r->self->root : -1;
  offer_names(top, &pat, ws, kind, root, r->ctx->memo != NULL ? &r->ctx->memo->names : NULL);
  nl_nav_topk_sort(top);
  r->incomplete = top->seen > top->n;
}
