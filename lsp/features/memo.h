/* memo.h: what features keep between requests (nl_memo, declared in features.h): the notes a
 * workspace/symbol query matched, so that the next query, typed on from it, looks only at
 * those. Private to lsp/features. */
#ifndef NL_MEMO_H
#define NL_MEMO_H

#include <stddef.h>
#include <stdint.h>

#include "lsp/base/vec.h"
#include "lsp/index/workspace.h"

/* The ids a query matched in one state of the index. */
typedef struct {
  const nl_workspace *ws; /* borrowed: the index they were taken from (NULL: none kept) */
  uint64_t seq;           /* its nl_ws_seq then */
  char *query;            /* new */
  size_t len;
  nl_vec ids;             /* uint32_t, ascending */
} nl_memo_matches;

struct nl_memo {
  nl_memo_matches symbol; /* workspace/symbol: notes with a name, title, alias or heading that
                           * matched */
};

/* The ids kept when query[0, len) extends the query they were kept for (or is it), cut at a
 * character boundary, in the same index unchanged: a matcher whose matches of a longer
 * pattern always match its prefixes (nl_nav_score) need look at no other. Borrowed until the
 * next nl_memo_matches_keep; NULL when nothing usable is kept. */
const uint32_t *nl_memo_matches_get(const nl_memo_matches *m, const nl_workspace *ws,
                                    const char *query, size_t len, size_t *n);
/* Keeps ids (steals: emptied) as the matches of query[0, len) in ws as it is now. Nothing is
 * kept when `complete` is 0 (ids misses some: out of memory) or on out of memory. */
void nl_memo_matches_keep(nl_memo_matches *m, const nl_workspace *ws, const char *query,
                          size_t len, nl_vec *ids, int complete);

#endif
