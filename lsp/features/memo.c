/* memo.c: see memo.h. */
#include "lsp/features/memo.h"

#include <stdlib.h>
#include <string.h>

#include "lsp/features/features.h"

nl_memo *nl_memo_new(void) { return calloc(1, sizeof(nl_memo)); }

static void forget(nl_memo_symbols *m) {
  free(m->query);
  free(m->rows);
  free(m->masks);
  free(m->texts);
  memset(m, 0, sizeof *m);
}

void nl_memo_rows_forget(nl_memo_rows *m) {
  free(m->pattern);
  free(m->rows);
  free(m->idx);
  free(m->names);
  void *scratch = m->scratch;
  size_t scratch_len = m->scratch_len;
  memset(m, 0, sizeof *m);
  m->scratch = scratch;
  m->scratch_len = scratch_len;
}

void *nl_memo_rows_scratch(nl_memo_rows *m, size_t bytes) {
  if (bytes <= m->scratch_len) return m->scratch;
  size_t len = bytes + bytes / 4; /* a table that grows a little needs no new buffer */
  free(m->scratch);
  m->scratch = malloc(len);
  m->scratch_len = m->scratch != NULL ? len : 0;
  return m->scratch;
}

static void answer_forget(nl_memo_answer *m) {
  free(m->text);
  free(m->hits);
  memset(m, 0, sizeof *m);
}

void nl_memo_free(nl_memo *m) {
  if (m == NULL) return;
  forget(&m->symbol);
  answer_forget(&m->symbol_answer);
  nl_memo_rows_forget(&m->names);
  free(m->names.scratch);
  answer_forget(&m->names_answer);
  nl_memo_diags_forget(&m->diags);
  nl_memo_diags_forget(&m->closed);
  free(m);
}

void nl_memo_diags_forget(nl_memo_diags *m) {
  nl_buf_free(&m->text);
  nl_vec_free(&m->items);
  memset(m, 0, sizeof(*m));
}

/* Whether query[0, len) extends kept[0, kept_len) (or is it) at a character boundary. */
static int extends(const char *kept, size_t kept_len, const char *query, size_t len) {
  if (kept == NULL || len < kept_len || memcmp(query, kept, kept_len) != 0) return 0;
  /* A longer query must continue at a character boundary, not inside a UTF-8 sequence. */
  return len == kept_len || ((unsigned char)query[kept_len] & 0xC0) != 0x80;
}

int nl_memo_rows_usable(const nl_memo_rows *m, const nl_workspace *ws, const char *pattern,
                        size_t len, int kind) {
  return m->ws != NULL && m->ws == ws && m->epoch == nl_ws_names_epoch(ws) && m->kind == kind &&
         extends(m->pattern, m->len, pattern, len);
}

int nl_memo_rows_start(nl_memo_rows *m, const nl_workspace *ws, const char *pattern, size_t len,
                       int kind, size_t n_table, int fresh) {
  if (fresh) { /* the arrays are kept for the new rows: no large free and malloc per pass */
    m->n = 0;
    m->names_len = 0;
    m->pooled = 0;
  }
  free(m->pattern);
  m->pattern = malloc(len + 1);
  if (m->pattern == NULL) {
    nl_memo_rows_forget(m);
    return -1;
  }
  memcpy(m->pattern, pattern, len);
  m->pattern[len] = '\0';
  m->len = len;
  m->ws = ws;
  m->epoch = nl_ws_names_epoch(ws);
  m->kind = kind;
  m->n_table = n_table;
  return 0;
}

/* Makes room for `need` bytes of names: 0, or -1 (everything kept dropped). */
static int names_room(nl_memo_rows *m, size_t need) {
  if (need <= m->names_cap) return 0;
  size_t cap = m->names_cap ? m->names_cap * 2 : 65536;
  while (cap < need) cap *= 2;
  char *names = realloc(m->names, cap);
  if (names == NULL) {
    nl_memo_rows_forget(m);
    return -1;
  }
  m->names = names;
  m->names_cap = cap;
  return 0;
}

int nl_memo_rows_add(nl_memo_rows *m, uint32_t idx, const nl_ws_name *row, const char *name) {
  if (m->n == m->cap) {
    size_t cap = m->cap ? m->cap * 2 : 1024;
    nl_ws_name *rows = realloc(m->rows, cap * sizeof *rows);
    if (rows != NULL) m->rows = rows;
    uint32_t *ids = rows != NULL ? realloc(m->idx, cap * sizeof *ids) : NULL;
    if (ids == NULL) {
      nl_memo_rows_forget(m);
      return -1;
    }
    m->idx = ids;
    m->cap = cap;
  }
  m->rows[m->n] = *row;
  m->idx[m->n++] = idx;
  if (m->pooled) return 0;
  size_t need = m->names_len + row->len + 1;
  if (names_room(m, need) != 0) return -1;
  memcpy(m->names + m->names_len, name, row->len + 1);
  m->rows[m->n - 1].off = (uint32_t)m->names_len;
  m->names_len = need;
  return 0;
}

int nl_memo_rows_own_names(nl_memo_rows *m, const char *pool) {
  if (!m->pooled) return 0;
  size_t need = 0;
  for (size_t i = 0; i < m->n; i++) need += m->rows[i].len + 1;
  m->names_len = 0;
  if (names_room(m, need) != 0) return -1;
  for (size_t i = 0; i < m->n; i++) {
    /* The names are scattered over the pool: ask for them ahead. */
    if (i + 16 < m->n) __builtin_prefetch(pool + m->rows[i + 16].off);
    nl_ws_name *row = &m->rows[i];
    memcpy(m->names + m->names_len, pool + row->off, row->len + 1);
    row->off = (uint32_t)m->names_len;
    m->names_len += row->len + 1;
  }
  m->pooled = 0;
  return 0;
}

int nl_memo_symbols_usable(const nl_memo_symbols *m, const nl_workspace *ws, uint64_t epoch,
                           const char *query, size_t len) {
  return m->ws != NULL && m->ws == ws && m->seq == nl_ws_seq(ws) && m->epoch == epoch &&
         extends(m->query, m->len, query, len);
}

int nl_memo_symbols_keep(nl_memo_symbols *m, const nl_workspace *ws, uint64_t epoch,
                         const char *query, size_t len, const nl_ws_symbol *rows,
                         const uint64_t *masks, const uint32_t *idx, size_t n, int copy_texts) {
  if (rows == m->rows && (m->texts != NULL || !copy_texts)) {
    /* The memo's own rows, narrowed in place (idx ascends, so no row is written before it is
     * read); their strings stay where they are. Copying them again, rows and strings, was
     * most of what a keystroke moved. */
    char *q = malloc(len + 1);
    if (q == NULL) {
      forget(m);
      return -1;
    }
    memcpy(q, query, len);
    q[len] = '\0';
    free(m->query);
    m->query = q;
    m->len = len;
    for (size_t i = 0; i < n; i++) {
      m->rows[i] = m->rows[idx[i]];
      m->masks[i] = m->masks[idx[i]];
    }
    m->n = n;
    m->ws = ws;
    m->seq = nl_ws_seq(ws);
    m->epoch = epoch;
    return 0;
  }
  /* New copies, taken before the old ones go: the rows may be the memo's own (their strings
   * copied now for the first time). */
  size_t bytes = 0;
  for (size_t i = 0; i < n && copy_texts; i++) bytes += nl_ws_symbol_len(&rows[idx[i]]) + 1;
  nl_memo_symbols next = {ws, nl_ws_seq(ws), epoch, malloc(len + 1), len,
                          malloc((n ? n : 1) * sizeof *next.rows),
                          malloc((n ? n : 1) * sizeof *next.masks), n,
                          copy_texts ? malloc(bytes ? bytes : 1) : NULL};
  if (next.query == NULL || next.rows == NULL || next.masks == NULL ||
      (copy_texts && next.texts == NULL)) {
    forget(&next);
    forget(m);
    return -1;
  }
  memcpy(next.query, query, len);
  next.query[len] = '\0';
  size_t at = 0;
  for (size_t i = 0; i < n; i++) {
    next.rows[i] = rows[idx[i]];
    next.masks[i] = masks[idx[i]];
    if (!copy_texts) continue;
    size_t text_len = nl_ws_symbol_len(&rows[idx[i]]);
    memcpy(next.texts + at, rows[idx[i]].text, text_len + 1);
    next.rows[i].text = next.texts + at;
    at += text_len + 1;
  }
  forget(m);
  *m = next;
  return 0;
}

int nl_memo_answer_get(const nl_memo_answer *m, const nl_workspace *ws, uint64_t epoch,
                       const char *text, size_t len, int64_t kind, int64_t root,
                       nl_nav_topk *top) {
  if (m->ws == NULL || m->ws != ws || m->seq != nl_ws_seq(ws) || m->epoch != epoch ||
      m->kind != kind || m->root != root || m->cap != top->cap || m->len != len ||
      memcmp(m->text, text, len) != 0)
    return 0;
  for (size_t i = 0; i < m->n; i++) {
    top->items[i] = m->hits[i];
    top->items[i].ptr = NULL;
  }
  top->n = m->n;
  top->seen = m->seen;
  return 1;
}

void nl_memo_answer_keep(nl_memo_answer *m, const nl_workspace *ws, uint64_t epoch,
                         const char *text, size_t len, int64_t kind, int64_t root,
                         const nl_nav_topk *top) {
  nl_nav_hit *hits = m->hits; /* reused while the lists are no longer */
  if (hits == NULL || m->cap < top->cap) {
    free(hits);
    hits = malloc((top->cap ? top->cap : 1) * sizeof *hits);
  }
  m->hits = NULL;
  answer_forget(m);
  char *copy = malloc(len + 1);
  if (hits == NULL || copy == NULL) {
    free(hits);
    free(copy);
    return;
  }
  memcpy(copy, text, len);
  copy[len] = '\0';
  memcpy(hits, top->items, top->n * sizeof *hits);
  *m = (nl_memo_answer){ws, nl_ws_seq(ws), epoch, kind, root, copy, len, hits, top->n,
                        top->cap, top->seen};
}
