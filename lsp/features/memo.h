/* memo.h: what features keep between requests (nl_memo, declared in features.h): the symbol
 * rows a workspace/symbol query may match and the name rows a completion pattern may match,
 * so that the next query or pattern, typed on from it, looks only at those; and the last
 * answer of each pass, for the same request asked again of an unchanged index. Private to
 * lsp/features. */
#ifndef NL_MEMO_H
#define NL_MEMO_H

#include <stddef.h>
#include <stdint.h>

#include "lsp/base/buf.h"
#include "lsp/base/vec.h"
#include "lsp/features/nav_util.h"
#include "lsp/index/workspace.h"

/* The symbol-table rows (nl_ws_symbols) a query may match, in one state of the index, copied
 * in table order with their masks (and their strings, when `texts`): the next keystroke's
 * pass reads them in order from here instead of rows and strings scattered over the table
 * and the notes. */
typedef struct {
  const nl_workspace *ws; /* borrowed: the index they were taken from (NULL: none kept) */
  uint64_t seq;           /* its nl_ws_seq then */
  uint64_t epoch;         /* the table's epoch then */
  char *query;            /* new */
  size_t len;
  nl_ws_symbol *rows;     /* new; text points into `texts` or, when not copied, the notes */
  uint64_t *masks;        /* new: the rows' masks */
  size_t n;
  char *texts;            /* new (NULL: the strings were not copied) */
} nl_memo_symbols;

/* The name-table rows (nl_ws_names) a completion pattern may match, copied with their names:
 * the next keystroke's pass reads them in order from here, a few hundred kilobytes, instead
 * of rows and names scattered over the whole table. After a single letter, whose pass reads
 * almost no name, the names are not copied (`pooled`): the next pass copies them. */
typedef struct {
  const nl_workspace *ws; /* borrowed (NULL: none kept) */
  uint64_t epoch;         /* nl_ws_names_epoch then */
  size_t n_table;         /* the table's rows [0, n_table) were looked at; later ones were not */
  int kind;               /* the kind they were taken for, -1: any */
  char *pattern;          /* new */
  size_t len;
  nl_ws_name *rows;       /* copies, in table order, `off` into names (new) */
  uint32_t *idx;          /* their indices in the table (new) */
  size_t n, cap;
  char *names;            /* new */
  size_t names_len, names_cap;
  int pooled;             /* the rows' `off` are into the table's pool, not into names */
  void *scratch;          /* nl_memo_rows_scratch's buffer (new; kept when the rows are dropped) */
  size_t scratch_len;
} nl_memo_rows;

/* The last answer of a pass (its best hits, ranked, and how many were offered), for the
 * same request asked again of an index that did not change since: an editor asks again
 * without a keystroke between (a picker reopened, a trigger typed twice), and a pass over
 * thousands of rows would give the same hits. */
typedef struct {
  const nl_workspace *ws; /* borrowed (NULL: none kept) */
  uint64_t seq;           /* nl_ws_seq then: any change to the index moves it */
  uint64_t epoch;         /* the table's epoch then */
  int64_t kind, root;     /* the pass's options then */
  char *text;             /* the pattern or query (new) */
  size_t len;
  nl_nav_hit *hits;       /* new; ptr is not kept (the caller sets it again) */
  size_t n, cap, seen;
} nl_memo_answer;

/* One diagnostic's JSON text in nl_memo_diags.text, and its range's first and last line. */
typedef struct {
  size_t off, len;
  uint32_t first, last;
} nl_memo_diag;

/* The diagnostics last written of a note (lsp/features/diagnostics.c), one JSON text each,
 * with what they were written in: unchanged, they serve again (a pull after a publish or
 * after its look at what changed); after an edit inside one line of an open note
 * (nl_doc.follows), those of its other lines are kept. */
typedef struct {
  uint64_t seq;           /* the entry's seq then; 0: nothing kept */
  uint32_t id;            /* the entry's id */
  uint64_t gen, gen_wide; /* nl_ws_generation and nl_ws_wide_generation then */
  int32_t today;
  int enc, related;       /* the position encoding; whether related locations were written */
  nl_buf text;            /* the texts, one after the other */
  nl_vec items;           /* of nl_memo_diag, in the order written */
} nl_memo_diags;

/* Frees what m keeps and leaves it empty. */
void nl_memo_diags_forget(nl_memo_diags *m);

struct nl_memo {
  nl_memo_symbols symbol; /* workspace/symbol: the names, titles, aliases and headings that
                           * may match */
  nl_memo_answer symbol_answer; /* workspace/symbol's last answer */
  nl_memo_rows names;     /* completion: names a [[ or @ pattern may match */
  nl_memo_answer names_answer;  /* the last best names of completion's pass */
  nl_memo_diags diags;    /* diagnostics: the last open note's written */
  nl_memo_diags closed;   /* the last note's that no document holds open */
};

/* Whether the rows kept can serve query[0, len): it extends the query they were kept for (or
 * is it) at a character boundary, in the same index unchanged and the same table epoch; a
 * matcher whose matches of a longer pattern always match its prefixes (nl_nav_score) need
 * look at no other row. */
int nl_memo_symbols_usable(const nl_memo_symbols *m, const nl_workspace *ws, uint64_t epoch,
                           const char *query, size_t len);
/* Keeps, as what query[0, len) may match in ws as it is now (table epoch `epoch`), copies of
 * rows[idx[i]] with masks[idx[i]] for i < n (idx ascending), and of their strings when
 * copy_texts is set. Rows and masks may be the memo's own: they are then narrowed in place and
 * their strings stay, unless copy_texts asks for strings the memo does not hold yet. 0, or -1
 * when out of memory (nothing is kept). */
int nl_memo_symbols_keep(nl_memo_symbols *m, const nl_workspace *ws, uint64_t epoch,
                         const char *query, size_t len, const nl_ws_symbol *rows,
                         const uint64_t *masks, const uint32_t *idx, size_t n, int copy_texts);

/* Whether the rows kept can serve pattern[0, len) for `kind`: it extends the pattern they
 * were kept for at a character boundary, and no row moved since. Rows of the table from
 * m->n_table on came later and were not looked at; rows kept may have died since. */
int nl_memo_rows_usable(const nl_memo_rows *m, const nl_workspace *ws, const char *pattern,
                        size_t len, int kind);
/* Keeps, from now on, the rows of pattern[0, len) for `kind` in ws, having looked at the
 * table's rows [0, n_table): the rows kept so far are dropped when fresh is set (a new pass),
 * else left for the caller to narrow in place (rows and idx, n). 0, or -1 when out of memory
 * (nothing is kept then). */
int nl_memo_rows_start(nl_memo_rows *m, const nl_workspace *ws, const char *pattern, size_t len,
                       int kind, size_t n_table, int fresh);
/* Appends a copy of row `row` (table index idx, its name at name) to what is kept, the name
 * copied unless m->pooled (then name is not read); on out of memory everything kept is
 * dropped and -1 returned. */
int nl_memo_rows_add(nl_memo_rows *m, uint32_t idx, const nl_ws_name *row, const char *name);
/* Copies the names of the rows kept from pool (the table's, where their `off` point while
 * m->pooled) and clears m->pooled. 0, or -1 when out of memory (everything kept is dropped). */
int nl_memo_rows_own_names(nl_memo_rows *m, const char *pool);
/* Drops what is kept (not the scratch buffer). */
void nl_memo_rows_forget(nl_memo_rows *m);
/* A buffer of at least `bytes` for a pass's arrays, reused from request to request: a pass
 * over the name table needs a few hundred kilobytes, and allocating and freeing them each
 * time fragmented the heap (malloc was a fifth of a request's time). Borrowed until the next
 * call or nl_memo_free; NULL when out of memory. */
void *nl_memo_rows_scratch(nl_memo_rows *m, size_t bytes);

/* Whether m holds the answer to text[0, len) with options kind and root in ws as it is now
 * (table epoch `epoch`) for a list of top->cap: then top (initialized, empty) gets its hits,
 * each ptr NULL, and `seen`, and 1 is returned; else 0 and top is left alone. */
int nl_memo_answer_get(const nl_memo_answer *m, const nl_workspace *ws, uint64_t epoch,
                       const char *text, size_t len, int64_t kind, int64_t root,
                       nl_nav_topk *top);
/* Keeps top's hits and seen as the answer to text[0, len) with options kind and root in ws as
 * it is now (table epoch `epoch`). On out of memory nothing is kept. */
void nl_memo_answer_keep(nl_memo_answer *m, const nl_workspace *ws, uint64_t epoch,
                         const char *text, size_t len, int64_t kind, int64_t root,
                         const nl_nav_topk *top);

#endif
