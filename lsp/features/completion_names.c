/* completion_names.c: the best names for a typed pattern, the pass behind [[ and @ completion
 * (completion_impl.h). It runs over the index's packed name table (file names and aliases),
 * first from the dense mask and kind arrays alone, then reading only the rows and names that
 * may match, with prefetches; a byte pre-filter rejects most names before the fuzzy scorer
 * runs, a bound from the row alone skips names that could not enter a full list, and a
 * bounded heap keeps the best MAX_ITEMS. Rows that may lead (start with the pattern) are
 * offered first, then those that may match at word starts, then the scattered rest. Nothing is
 * allocated per name. With a memo (nl_ctx.memo), the rows a pattern may match (all those the
 * pass did not score as not matching) are kept, copied, so that the next keystroke's pass (a
 * pattern that extends it) reads only those, in order, and the rows the table added since: the
 * same items in the same order as a full pass; the same pattern asked again of an index that
 * did not change takes the last pass's names (nl_memo_answer). */
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
 * costs a byte compare per name. -1 when it does not match, 0 when it was not scored (it
 * could not enter), 1 when it was offered. */
static int offer_tiered(nl_nav_topk *top, const nl_nav_pattern *pat, int tier, const char *cand,
                        size_t clen, int party, uint64_t seq, uint32_t id, uint32_t sub,
                        const void *ptr) {
  int score;
  if (tier >= NL_NAV_TIER_PREFIX) {
    score = tier << 24;
  } else {
    if (tier == 0 && top->n == top->cap && (top->items[0].rank >> 60) >= NL_NAV_TIER_PREFIX) {
      top->seen++; /* cannot enter; it may have matched, so the list counts as cut */
      return 0;
    }
    score = nl_nav_score(pat, cand, clen);
    if (score < 0) return -1;
  }
  nl_nav_hit hit = {nl_completion_match_rank(score, party, seq), id, sub, ptr, score};
  nl_nav_topk_offer(top, &hit);
  return 1;
}

void nl_completion_offer_match(nl_nav_topk *top, const nl_nav_pattern *pat, const char *cand,
                        size_t clen, int party,
                        uint64_t seq, uint32_t id, uint32_t sub, const void *ptr) {
  (void)offer_tiered(top, pat, nl_nav_prefix_tier(pat, cand), cand, clen, party, seq, id, sub,
                     ptr);
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

/* Offers one row that may match (its mask passed); first: whether it may match at word starts
 * (or, with nothing typed, is a person or account). -1 when its name was scored and does not
 * match (a longer pattern cannot match it either), 1 when it was and matches, 0 when it was
 * not scored. */
static int offer_row(nl_nav_topk *top, const nl_nav_pattern *pat, const char *pool,
                     const nl_ws_name *row, int party, int first, int letter) {
  if (pat->len == 0) {
    /* Nothing typed: every name is a prefix match, ranked by kind and recency only. */
    nl_nav_hit hit = {nl_completion_match_rank(NL_NAV_TIER_PREFIX << 24, party, row->seq),
                      row->id, row->sub, NULL, NL_NAV_TIER_PREFIX << 24};
    nl_nav_topk_offer(top, &hit);
    return 0;
  }
  if (letter && row->ascii) {
    /* One typed letter: its score follows from the row (the mask says the letter is there;
     * its first byte says whether it starts the name, and for one letter the initials say
     * exactly whether it starts a word), so the name itself is not read. */
    unsigned char b = (unsigned char)row->first;
    int starts = (b >= 'A' && b <= 'Z' ? b + 32 : b) == letter;
    int score = nl_fuzzy_score_letter(starts                       ? NL_FUZZY_LETTER_FIRST
                                      : first                      ? NL_FUZZY_LETTER_WORD
                                                                   : NL_FUZZY_LETTER_INSIDE,
                                      row->len);
    nl_nav_hit hit = {nl_completion_match_rank(score, party, row->seq), row->id, row->sub, NULL,
                      score};
    nl_nav_topk_offer(top, &hit);
    return 0;
  }
  if (cannot_enter(top, pat, row, first, party)) {
    top->seen++; /* it may match, so the list counts as cut */
    return 0;
  }
  if (!first && pat->n_pieces == pat->len && row->ascii && row->len <= 128) {
    /* Letters and digits that cannot match at word starts here: only a scattered match is
     * left, scored without the tests for the tiers above it. */
    int score = nl_fuzzy_score_scattered(pat->lower, pat->len, pool + row->off, row->len);
    if (score < 0) return -1;
    nl_nav_hit hit = {nl_completion_match_rank(score, party, row->seq), row->id, row->sub, NULL,
                      score};
    nl_nav_topk_offer(top, &hit);
    return 1;
  }
  int tier = row_prefix_tier(pat, row, pool);
  if (tier == 0 && below_worst(top, pat, row, first, party)) {
    top->seen++; /* it may match, so the list counts as cut */
    return 0;
  }
  return offer_tiered(top, pat, tier, pool + row->off, row->len, party, row->seq, row->id,
                      row->sub, NULL);
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
  /* Without branches: most rows fail, in no order a predictor could learn. With nothing to
   * match (an empty pattern), the kinds alone decide: a tenth of the bytes. */
  if (pat->mask == 0) {
    for (size_t i = to; i-- > from;) {
      cand[n_cand] = (uint32_t)i;
      n_cand += (size_t)((kinds[i] != NL_WS_DEAD) & (kind < 0 || kinds[i] == kind) &
                         (party < 0 || is_party_kind(kinds[i]) == party));
    }
    return n_cand;
  }
  for (size_t i = to; i-- > from;) {
    int take = nl_nav_may_match(pat, masks[i]) & (kinds[i] != NL_WS_DEAD) &
               (kind < 0 || kinds[i] == kind) & (party < 0 || is_party_kind(kinds[i]) == party);
    cand[n_cand] = (uint32_t)i;
    n_cand += (size_t)take;
  }
  return n_cand;
}

/* Whether row may be the pattern or start with it: the only rows that can rank in the top
 * tiers, so a pass offers them first and the rest mostly lose to a full list from the row
 * alone (row_prefix_tier's test from the first byte). */
static int may_lead(const nl_nav_pattern *pat, const nl_ws_name *row) {
  unsigned char want = (unsigned char)pat->lower[0], got = fold_byte((unsigned char)row->first);
  /* A name whose first byte is ASCII starts with that character whatever follows. */
  return !pat->ascii || pat->len == 0 || got >= 0x80 || got == want || want == ' ' ||
         want == '\t' || got == ' ' || got == '\t';
}

/* A candidate row whose name was scored and did not match: marked in its cand entry. */
#define NO_MATCH 0x80000000u
#define ROW_OF(c) ((c) & 0x7FFFFFFFu)

/* Where a pass finds its rows: the index's name table, or the memo's copies (with their
 * names). cand: indices into rows, newest first; a pass marks those it scored. */
typedef struct {
  const nl_ws_name *rows;
  const char *pool;
  uint32_t *cand; /* new */
  size_t n_cand;
} row_set;

/* A candidate of a pass: its set and its position in the set's cand. */
typedef struct {
  uint32_t set : 1, first : 1, k : 30;
} cand_ref;

/* Whether row may match at word starts (with nothing typed: every row). */
static unsigned first_of(const nl_nav_pattern *pat, const nl_ws_name *row) {
  return pat->len == 0 || nl_nav_may_anchor(pat, row->initials, row->bigrams, row->trigrams);
}

static void offer_ref(nl_nav_topk *top, const nl_nav_pattern *pat, row_set *sets,
                      cand_ref ref, int kind, int letter) {
  row_set *s = &sets[ref.set];
  const nl_ws_name *row = &s->rows[s->cand[ref.k]];
  int party = kind >= 0 || is_party_kind(row->kind);
  int scored = offer_row(top, pat, s->pool, row, party, ref.first, letter);
  if (scored < 0) s->cand[ref.k] |= NO_MATCH;
}

/* How many candidates ahead a pass asks for the row (and half as many for the name) it will
 * read: the rows that pass the dense arrays are scattered over megabytes, and waiting for
 * each in turn was most of a request's time at 100,000 notes (8 ahead was measured slower). */
#define AHEAD 24

static void prefetch_ref(const row_set *sets, const cand_ref *refs, size_t n, size_t k) {
  if (k + AHEAD < n) {
    const row_set *s = &sets[refs[k + AHEAD].set];
    __builtin_prefetch(&s->rows[ROW_OF(s->cand[refs[k + AHEAD].k])]);
  }
  if (k + AHEAD / 2 < n) {
    const row_set *s = &sets[refs[k + AHEAD / 2].set];
    __builtin_prefetch(s->pool + s->rows[ROW_OF(s->cand[refs[k + AHEAD / 2].k])].off);
  }
}

/* Offers the rows of each set, newest first within each step: first the rows that may lead
 * (be the pattern or start with it: all of them with nothing typed), then those that may
 * match at word starts, then, only while the list has room for them, those that can only
 * match scattered. Once the list holds enough prefix matches, or word-start ones, most of
 * the rest lose to its worst from their row alone: in a large vault that skips thousands of
 * fuzzy scores. later: room for twice as many refs as the sets hold candidates (NULL: all in
 * one step). */
static void offer_sets(nl_nav_topk *top, const nl_nav_pattern *pat, row_set *sets,
                       size_t n_sets, int kind, int64_t root, cand_ref *later) {
  size_t total = 0;
  for (size_t i = 0; i < n_sets; i++) total += sets[i].n_cand;
  if (pat->len == 0) later = NULL; /* with nothing typed every row leads */
  if (later == NULL) { /* in one step, in the sets' order */
    for (size_t i = 0; i < n_sets; i++)
      for (size_t k = 0; k < sets[i].n_cand; k++) {
        if (k + AHEAD < sets[i].n_cand) __builtin_prefetch(&sets[i].rows[sets[i].cand[k + AHEAD]]);
        const nl_ws_name *row = &sets[i].rows[sets[i].cand[k]];
        cand_ref ref = {(uint32_t)i, first_of(pat, row), (uint32_t)k};
        if (root < 0 || row->root == root) offer_ref(top, pat, sets, ref, kind, 0);
      }
    return;
  }
  cand_ref *scattered = later + total;
  /* A single typed letter or digit, in lower case; 0 otherwise. */
  int letter = pat->n_pieces == 1 ? (unsigned char)pat->text[0] | 0x20 : 0;
  size_t n_later = 0, n_scattered = 0;
  for (size_t i = 0; i < n_sets; i++) {
    row_set *s = &sets[i];
    for (size_t k = 0; k < s->n_cand; k++) {
      if (k + AHEAD < s->n_cand) __builtin_prefetch(&s->rows[s->cand[k + AHEAD]]);
      const nl_ws_name *row = &s->rows[s->cand[k]];
      if (root >= 0 && row->root != root) continue; /* another folder is another vault */
      cand_ref ref = {(uint32_t)i, first_of(pat, row), (uint32_t)k};
      if (!may_lead(pat, row)) {
        if (ref.first)
          later[n_later++] = ref;
        else
          scattered[n_scattered++] = ref;
        continue;
      }
      if (k + AHEAD / 2 < s->n_cand)
        __builtin_prefetch(s->pool + s->rows[s->cand[k + AHEAD / 2]].off);
      offer_ref(top, pat, sets, ref, kind, letter);
    }
  }
  for (size_t k = 0; k < n_later; k++) {
    prefetch_ref(sets, later, n_later, k);
    offer_ref(top, pat, sets, later[k], kind, letter);
  }
  const uint64_t min = top->n == top->cap ? top->items[0].rank : 0;
  if (n_scattered > 0 && top->n == top->cap && (min >> 60) >= NL_NAV_TIER_WORDS) {
    top->seen += n_scattered; /* they may match, so the list counts as cut */
    n_scattered = 0;
  }
  for (size_t k = 0; k < n_scattered; k++) {
    prefetch_ref(sets, scattered, n_scattered, k);
    offer_ref(top, pat, sets, scattered[k], kind, letter);
  }
}

/* A memo keeps the rows of patterns with at most this many candidates (about 120 bytes each). */
#define MEMO_MAX_ROWS 32768

/* Whether the memo keeps a row (cand entry c): unless the pass scored it and it did not
 * match. A row the pass turned away unread stays unread: testing its name's bytes in order
 * dropped a tenth of them, and cost more than the next passes saved (the masks drop most
 * that fail; the pass that must score them drops the rest). */
static int worth_keeping(uint32_t c) { return (c & NO_MATCH) == 0; }

/* After a pass: the memo keeps, of the rows it looked at (sets[0]: the table's rows it had
 * not seen, or all of them; sets[1]: the memo's own, when it served the pass), those the
 * pattern may match, in table order, copied with their names: a longer pattern matches no
 * name this one does not. */
static void keep_rows(nl_memo_rows *m, const nl_nav_pattern *pat, const nl_workspace *ws,
                      const row_set *sets, int kept, int kind) {
  size_t n;
  const char *pool;
  nl_ws_names(ws, &n, &pool, NULL);
  if (!kept && sets[0].n_cand > MEMO_MAX_ROWS) {
    nl_memo_rows_forget(m);
    return;
  }
  /* A single letter's pass reads almost no name (offer_row scores such rows from the row):
   * its rows are kept with their names left in the table's pool, which the next pass copies,
   * so that the first keystroke does not read thousands of names scattered over the pool. */
  int copy = pat->n_pieces != 1;
  if (kept) { /* the memo's rows, narrowed in place: cand is newest first, so read backwards */
    size_t j = 0;
    for (size_t k = sets[1].n_cand; k-- > 0;) {
      if (!worth_keeping(sets[1].cand[k])) continue;
      uint32_t at = ROW_OF(sets[1].cand[k]);
      m->rows[j] = m->rows[at];
      m->idx[j++] = m->idx[at];
    }
    m->n = j;
    if (copy && nl_memo_rows_own_names(m, pool) != 0) return;
  }
  if (nl_memo_rows_start(m, ws, pat->text, pat->len, kind, n, !kept) != 0) return;
  if (!kept) m->pooled = !copy;
  const row_set *s = &sets[0];
  for (size_t k = s->n_cand; k-- > 0;) {
    if (k >= AHEAD) __builtin_prefetch(&s->rows[ROW_OF(s->cand[k - AHEAD])]);
    if (k >= AHEAD / 2 && !m->pooled)
      __builtin_prefetch(pool + s->rows[ROW_OF(s->cand[k - AHEAD / 2])].off);
    const nl_ws_name *row = &s->rows[ROW_OF(s->cand[k])];
    if (worth_keeping(s->cand[k]) &&
        nl_memo_rows_add(m, ROW_OF(s->cand[k]), row, pool + row->off) != 0)
      return;
  }
}

/* Offers every file name and alias of the index's name table (of `kind`, or all when -1) in
 * workspace folder `root` (any when -1): the packed table, so the pass touches no entry; hits
 * get their entry afterwards. With a memo (memo) whose rows serve this pattern (it extends
 * the last one), only those rows and the table's rows added since are looked at; its scratch
 * buffer holds the pass's arrays. */
static void offer_names(nl_nav_topk *top, const nl_nav_pattern *pat, const nl_workspace *ws,
                        int kind, int64_t root, nl_memo_rows *memo) {
  size_t n;
  const char *pool;
  const uint64_t *masks;
  const nl_ws_name *rows = nl_ws_names(ws, &n, &pool, &masks);
  const uint8_t *kinds = nl_ws_name_kinds(ws);
  int by_party = pat->len == 0 && kind < 0;
  nl_memo_rows *m = pat->len == 0 ? NULL : memo; /* every name matches: nothing to narrow */
  int kept = m != NULL && nl_memo_rows_usable(m, ws, pat->text, pat->len, kind);
  size_t from = kept ? m->n_table : 0, n0 = n - from + 1, n1 = kept ? m->n + 1 : 1;
  /* Both sets' candidates, then room for twice as many refs (offer_sets). */
  size_t bytes = (n0 + n1) * (sizeof(uint32_t) + 2 * sizeof(cand_ref));
  void *work = memo != NULL ? nl_memo_rows_scratch(memo, bytes) : malloc(bytes);
  if (work == NULL) goto done; /* out of memory */
  cand_ref *later = work;
  row_set sets[2] = {{rows, pool, (uint32_t *)(later + 2 * (n0 + n1)), 0},
                     {kept ? m->rows : NULL, !kept ? NULL : m->pooled ? pool : m->names, NULL, 0}};
  sets[1].cand = sets[0].cand + n0;
  if (by_party) {
    /* Nothing typed: every name matches alike, and people and accounts rank above the rest:
     * those first; the rest only when they leave the list room, else just counted. */
    sets[0].n_cand = collect_rows(sets[0].cand, pat, masks, kinds, 0, n, kind, 1);
    offer_sets(top, pat, sets, 1, kind, root, NULL);
    if (top->seen > top->n) goto done; /* the list is full of them, and was cut */
    sets[0].n_cand = collect_rows(sets[0].cand, pat, masks, kinds, 0, n, kind, 0);
    if (top->n == top->cap) top->seen += sets[0].n_cand; /* the list's worst is a party */
    else offer_sets(top, pat, sets, 1, kind, root, NULL);
    goto done;
  }
  sets[0].n_cand = collect_rows(sets[0].cand, pat, masks, kinds, from, n, kind, -1);
  if (kept) {
    for (size_t k = m->n; k-- > 0;) { /* newest first; rows that died since are gone */
      int take = nl_nav_may_match(pat, m->rows[k].mask) & (kinds[m->idx[k]] != NL_WS_DEAD);
      sets[1].cand[sets[1].n_cand] = (uint32_t)k;
      sets[1].n_cand += (size_t)take;
    }
  }
  offer_sets(top, pat, sets, kept ? 2 : 1, kind, root, later);
  if (m != NULL) keep_rows(m, pat, ws, sets, kept, kind);
done:
  if (memo == NULL) free(work);
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
  nl_memo *memo = r->ctx->memo;
  uint64_t epoch = nl_ws_names_epoch(ws);
  /* Asked again, nothing typed or changed between: the last pass's hits. */
  if (memo != NULL &&
      nl_memo_answer_get(&memo->names_answer, ws, epoch, typed, typed_len, kind, root, top)) {
    for (size_t i = 0; i < top->n; i++) top->items[i].ptr = nl_ws_get(ws, top->items[i].id);
  } else {
    offer_names(top, &pat, ws, kind, root, memo != NULL ? &memo->names : NULL);
    nl_nav_topk_sort(top);
    if (memo != NULL)
      nl_memo_answer_keep(&memo->names_answer, ws, epoch, typed, typed_len, kind, root, top);
  }
  r->incomplete = top->seen > top->n;
}
