/* memo.h: what features keep between requests (nl_memo, declared in features.h): the notes a
 * workspace/symbol query matched and the name rows a completion pattern may match, so that
 * the next query or pattern, typed on from it, looks only at those. Private to lsp/features. */
#ifndef NL_MEMO_H
#define NL_MEMO_H

#include <stddef.h>
#include <stdint.h>

#include "lsp/base/vec.h"
#include "lsp/index/workspace.h"

/* The symbol-table rows (nl_ws_symbols) a query may match, in one state of the index. */
typedef struct {
  const nl_workspace *ws; /* borrowed: the index they were taken from (NULL: none kept) */
  uint64_t seq;           /* its nl_ws_seq then */
  uint64_t epoch;         /* the table's epoch then */
  char *query;            /* new */
  size_t len;
  nl_vec ids;             /* uint32_t row indices, ascending */
} nl_memo_matches;

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
} nl_memo_rows;

struct nl_memo {
  nl_memo_matches symbol; /* workspace/symbol: the names, titles, aliases and headings that
                           * may match */
  nl_memo_rows names;     /* completion: names a [[ or @ pattern may match */
};

/* The ids kept when query[0, len) extends the query they were kept for (or is it), cut at a
 * character boundary, in the same index unchanged and the same table epoch: a matcher whose
 * matches of a longer pattern always match its prefixes (nl_nav_score) need look at no
 * other. Borrowed until the next nl_memo_matches_keep; NULL when nothing usable is kept. */
const uint32_t *nl_memo_matches_get(const nl_memo_matches *m, const nl_workspace *ws,
                                    uint64_t epoch, const char *query, size_t len, size_t *n);
/* Keeps ids (steals: emptied) as the matches of query[0, len) in ws as it is now, in table
 * epoch `epoch`. Nothing is kept when `complete` is 0 (ids misses some: out of memory) or on
 * out of memory. */
void nl_memo_matches_keep(nl_memo_matches *m, const nl_workspace *ws, uint64_t epoch,
                          const char *query, size_t len, nl_vec *ids, int complete);

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
/* Drops what is kept. */
void nl_memo_rows_forget(nl_memo_rows *m);

#endif
