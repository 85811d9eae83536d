/* memo.h: what features keep between requests (nl_memo, declared in features.h): the symbol
 * rows a workspace/symbol query may match and the name rows a completion pattern may match,
 * so that the next query or pattern, typed on from it, looks only at those. Private to
 * lsp/features. */
#ifndef NL_MEMO_H
#define NL_MEMO_H

#include <stddef.h>
#include <stdint.h>

#include "lsp/base/vec.h"
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
 * of rows and names scattered over the whole table. */
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
  void *scratch;          /* nl_memo_rows_scratch's buffer (new; kept when the rows are dropped) */
  size_t scratch_len;
} nl_memo_rows;

struct nl_memo {
  nl_memo_symbols symbol; /* workspace/symbol: the names, titles, aliases and headings that
                           * may match */
  nl_memo_rows names;     /* completion: names a [[ or @ pattern may match */
};

/* Whether the rows kept can serve query[0, len): it extends the query they were kept for (or
 * is it) at a character boundary, in the same index unchanged and the same table epoch; a
 * matcher whose matches of a longer pattern always match its prefixes (nl_nav_score) need
 * look at no other row. */
int nl_memo_symbols_usable(const nl_memo_symbols *m, const nl_workspace *ws, uint64_t epoch,
                           const char *query, size_t len);
/* Keeps, as what query[0, len) may match in ws as it is now (table epoch `epoch`), copies of
 * rows[idx[i]] with masks[idx[i]] for i < n (rows and masks may be the memo's own, whose
 * strings then stay), and of their strings when copy_texts is set. 0, or -1 when out of
 * memory (nothing is kept). */
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
/* Appends a copy of row `row` (table index idx, its name at name) to what is kept; on out of
 * memory everything kept is dropped and -1 returned. */
int nl_memo_rows_add(nl_memo_rows *m, uint32_t idx, const nl_ws_name *row, const char *name);
/* Drops what is kept (not the scratch buffer). */
void nl_memo_rows_forget(nl_memo_rows *m);
/* A buffer of at least `bytes` for a pass's arrays, reused from request to request: a pass
 * over the name table needs a few hundred kilobytes, and allocating and freeing them each
 * time fragmented the heap (malloc was a fifth of a request's time). Borrowed until the next
 * call or nl_memo_free; NULL when out of memory. */
void *nl_memo_rows_scratch(nl_memo_rows *m, size_t bytes);

#endif
