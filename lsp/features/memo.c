/* memo.c: see memo.h. */
#include "lsp/features/memo.h"

#include <stdlib.h>
#include <string.h>

#include "lsp/features/features.h"

nl_memo *nl_memo_new(void) { return calloc(1, sizeof(nl_memo)); }

static void forget(nl_memo_matches *m) {
  free(m->query);
  nl_vec_free(&m->ids);
  memset(m, 0, sizeof *m);
}

void nl_memo_free(nl_memo *m) {
  if (m == NULL) return;
  forget(&m->symbol);
  free(m);
}

const uint32_t *nl_memo_matches_get(const nl_memo_matches *m, const nl_workspace *ws,
                                    const char *query, size_t len, size_t *n) {
  *n = 0;
  if (m->ws == NULL || m->ws != ws || m->seq != nl_ws_seq(ws) || len < m->len ||
      memcmp(query, m->query, m->len) != 0)
    return NULL;
  /* A longer query must continue at a character boundary, not inside a UTF-8 sequence. */
  if (len > m->len && ((unsigned char)query[m->len] & 0xC0) == 0x80) return NULL;
  static const uint32_t none[1];
  *n = m->ids.n;
  return m->ids.n > 0 ? m->ids.items : none;
}

void nl_memo_matches_keep(nl_memo_matches *m, const nl_workspace *ws, const char *query,
                          size_t len, nl_vec *ids, int complete) {
  forget(m);
  m->query = complete ? malloc(len + 1) : NULL;
  if (m->query == NULL) {
    nl_vec_free(ids);
    return;
  }
  memcpy(m->query, query, len);
  m->query[len] = '\0';
  m->len = len;
  m->ids = *ids;
  memset(ids, 0, sizeof *ids);
  m->ws = ws;
  m->seq = nl_ws_seq(ws);
}
