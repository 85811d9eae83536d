/* symbol_table.c: the index's symbol table (workspace.h, nl_ws_symbols). One row per string
 * workspace/symbol matches (every note's file name, title, aliases and headings but an H1
 * that copies the name or title), an entry's rows contiguous, with the string's character
 * mask in a dense array of its own: a query's pass tests 8 bytes a string in order and reads
 * a row (its word starts, length, first byte) and the string only for the strings that may
 * match, instead of walking every candidate note's parse. The strings are not copied: a row
 * points into its entry's name or parse and is marked dead before either changes or goes.
 * The table is built on its first use (an index that answers no workspace/symbol never holds
 * it) and kept in step with every update after, as the task table is; it drops its dead rows
 * once they are half of it. A table built before the index cache's tables are written goes
 * into them (cache_tables.c), and a start that installs those tables has it back without a
 * string read: each row's string is found again from its entry and sub. */
#include "lsp/index/workspace_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsp/base/error.h"
#include "lsp/base/unicode.h"
#include "lsp/index/cache.h"

_Static_assert(sizeof(nl_ws_symbol) == 32, "a symbol row is half a cache line");

struct nl_symbol_rows {
  nl_ws_symbol *rows;
  uint64_t *masks; /* rows[i]'s character mask, densely; 0 when dead */
  size_t n, cap, dead;
  nl_wsi_spans at; /* each entry's rows */
  uint64_t epoch;  /* nl_ws_symbol_table.epoch */
};

/* A new epoch, unique in the process: a table freed and another allocated at its address
 * never share one. The index lives on the loop thread. */
static uint64_t next_epoch(void) {
  static uint64_t epochs;
  return ++epochs;
}

void nl_wsi_symbol_rows_free(struct nl_symbol_rows *t) {
  if (t == NULL) return;
  free(t->rows);
  free(t->masks);
  nl_wsi_spans_free(&t->at);
  free(t);
}

static void compact(struct nl_symbol_rows *t) {
  if (t->dead < 4096 || t->dead * 2 < t->n) return;
  size_t j = 0;
  for (size_t i = 0; i < t->n; i++) {
    nl_ws_symbol r = t->rows[i];
    if (r.dead) continue;
    /* An entry's rows are contiguous, so its first row moves to the first copy. */
    if (j == 0 || t->rows[j - 1].id != r.id) t->at.first[r.id] = (uint32_t)j;
    t->masks[j] = t->masks[i];
    t->rows[j++] = r;
  }
  t->n = j;
  t->dead = 0;
  t->epoch = next_epoch(); /* the rows moved */
}

/* Room for `more` rows; `exact` allocates no more than that (the table built whole knows
 * its size: 741,165 rows at 100,000 notes, which doubling left in a 1,048,576-row array and
 * copies of the smaller ones freed on the heap, 45 MiB of peak RSS instead of 34). */
static int grow_rows(struct nl_symbol_rows *t, size_t more, int exact) {
  if (t->n + more <= t->cap) return 0;
  size_t cap = exact ? t->n + more : t->cap ? t->cap : 16384;
  while (cap < t->n + more) cap *= 2;
  /* Rows start at a multiple of their 32 bytes, so that none straddles two cache lines. */
  nl_ws_symbol *rows = aligned_alloc(sizeof *rows, cap * sizeof *rows);
  if (rows == NULL) return NL_ENOMEM;
  if (t->n > 0) memcpy(rows, t->rows, t->n * sizeof *rows);
  free(t->rows);
  t->rows = rows;
  uint64_t *masks = realloc(t->masks, cap * sizeof *masks);
  if (masks == NULL) return NL_ENOMEM;
  t->masks = masks;
  t->cap = cap;
  return 0;
}

static void put_row(struct nl_symbol_rows *t, uint32_t id, uint32_t sub, const char *text) {
  size_t len = strlen(text);
  nl_ws_symbol *r = &t->rows[t->n];
  uint64_t bigrams, trigrams;
  nl_unicode_word_heads(text, len, &bigrams, &trigrams);
  unsigned char first = (unsigned char)text[0];
  *r = (nl_ws_symbol){.initials = nl_unicode_initials_mask(text, len) & NL_WS_SYMBOL_ALNUM,
                      .heads = bigrams | trigrams,
                      .text = text,
                      .id = id,
                      .sub = sub,
                      .len = len < 0xFFFF ? len : 0xFFFF,
                      .first = first >= 'A' && first <= 'Z' ? (uint8_t)(first + 32) : first,
                      .ascii = (uint8_t)nl_unicode_is_ascii(text, len)};
  t->masks[t->n++] = nl_unicode_char_mask(text, len);
}

/* Whether an H1 is the note's file name or title byte for byte: workspace/symbol lists the
 * note once, under its name, so such a heading has no row. */
static int copies_note(const nl_entry *e, const nl_heading *h) {
  if (h->level != 1) return 0;
  const nl_fm_scalar *t = e->note->title;
  return strcmp(h->text, e->name) == 0 || (t != NULL && strcmp(h->text, t->text) == 0);
}

static void add_rows(struct nl_symbol_rows *t, const nl_entry *e) {
  const nl_note *n = e->note;
  size_t most = 2 + (n != NULL ? n->n_aliases + n->n_headings : 0);
  /* Out of memory: no row, which the caller tells (every entry has its name's). */
  if (nl_wsi_spans_grow(&t->at, e->id) != 0 || grow_rows(t, most, 0) != 0) return;
  t->at.first[e->id] = (uint32_t)t->n;
  size_t before = t->n;
  put_row(t, e->id, 0, e->name);
  if (n != NULL) {
    /* A title that is the file name byte for byte (most meetings') scores the same. */
    if (n->title != NULL && strcmp(n->title->text, e->name) != 0)
      put_row(t, e->id, 1, n->title->text);
    for (size_t i = 0; i < n->n_aliases; i++)
      put_row(t, e->id, 2 + (uint32_t)i, n->aliases[i].text);
    for (size_t i = 0; i < n->n_headings; i++)
      if (!copies_note(e, &n->headings[i]))
        put_row(t, e->id, NL_WS_SYMBOL_HEADING + (uint32_t)i, n->headings[i].text);
  }
  t->at.count[e->id] = (uint32_t)(t->n - before);
}

void nl_wsi_symbol_rows(nl_workspace *ws, const nl_entry *e, int add) {
  struct nl_symbol_rows *t = ws->symbols;
  if (t == NULL) return; /* not built yet: nl_ws_symbols builds it from the notes */
  if (!add) {
    if (e->id >= t->at.ids) return;
    for (uint32_t i = 0; i < t->at.count[e->id]; i++) {
      t->rows[t->at.first[e->id] + i].dead = 1;
      t->masks[t->at.first[e->id] + i] = 0;
    }
    t->dead += t->at.count[e->id];
    t->at.count[e->id] = 0;
    return;
  }
  compact(t);
  size_t n = t->n;
  add_rows(t, e);
  if (t->n == n) {
    /* Out of memory: a table short of a note's rows would answer wrongly. It goes, and the
     * next query builds it again. */
    nl_wsi_symbol_rows_free(t);
    ws->symbols = NULL;
  }
}

int nl_ws_symbols(nl_workspace *ws, nl_ws_symbol_table *out) {
  memset(out, 0, sizeof *out);
  if (ws->symbols == NULL) {
    struct nl_symbol_rows *t = calloc(1, sizeof *t);
    if (t == NULL) return NL_ENOMEM;
    t->epoch = next_epoch();
    ws->symbols = t;
    size_t most = 0;
    for (uint32_t id = 0; id < ws->n_ids; id++) {
      const nl_entry *e = ws->entries[id];
      if (e != NULL) most += 2 + (e->note != NULL ? e->note->n_aliases + e->note->n_headings : 0);
    }
    if (ws->n_ids > 0 && (nl_wsi_spans_grow(&t->at, ws->n_ids - 1) != 0 || grow_rows(t, most, 1) != 0)) {
      nl_wsi_symbol_rows_free(t);
      ws->symbols = NULL;
      return NL_ENOMEM;
    }
    for (uint32_t id = 0; id < ws->n_ids && ws->symbols != NULL; id++)
      if (ws->entries[id] != NULL) nl_wsi_symbol_rows(ws, ws->entries[id], 1);
    if (ws->symbols == NULL) return NL_ENOMEM;
  }
  const struct nl_symbol_rows *t = ws->symbols;
  out->rows = t->rows;
  out->masks = t->masks;
  out->n = t->n;
  out->first = t->at.first;
  out->count = t->at.count;
  out->n_ids = t->at.ids < ws->n_ids ? t->at.ids : ws->n_ids;
  out->epoch = t->epoch;
  return 0;
}

/* ---- in the index cache's tables ---------------------------------------------------------- */

void nl_wsi_symbol_rows_dump(const nl_workspace *ws, nl_cache_sink *s) {
  const struct nl_symbol_rows *t = ws->symbols;
  uint8_t present = t != NULL;
  /* An open document's rows are its buffer's; the tables hold its file's parse (swapped in by
   * the caller), whose rows are written again here. */
  struct nl_symbol_rows files = {0};
  uint32_t *count = present ? calloc((size_t)ws->n_ids + 1, sizeof(*count)) : NULL;
  uint64_t n = 0;
  for (uint32_t id = 0; id < ws->n_ids && count != NULL; id++) {
    const nl_entry *e = ws->entries[id];
    if (e == NULL) continue;
    size_t before = files.n;
    if (e->open) add_rows(&files, e);
    count[id] = e->open ? (uint32_t)(files.n - before) : id < t->at.ids ? t->at.count[id] : 0;
    if (count[id] == 0) present = 0; /* out of memory: every entry has its name's row */
    n += count[id];
  }
  present &= count != NULL;
  nl_cache_sink_put(s, &present, 1);
  if (present) {
    nl_cache_sink_put(s, &n, 8);
    nl_cache_sink_put(s, count, (size_t)ws->n_ids * 4);
    for (int masks = 0; masks < 2; masks++)
      for (uint32_t id = 0; id < ws->n_ids; id++) {
        const nl_entry *e = ws->entries[id];
        const struct nl_symbol_rows *from = e != NULL && e->open ? &files : t;
        for (uint32_t i = 0; i < count[id]; i++) {
          size_t at = from->at.first[id] + i;
          nl_ws_symbol row = from->rows[at];
          row.text = NULL; /* found again from the entry and sub */
          if (masks) nl_cache_sink_put(s, &from->masks[at], 8);
          else nl_cache_sink_put(s, &row, sizeof(row));
        }
      }
  }
  free(count);
  free(files.rows);
  free(files.masks);
  nl_wsi_spans_free(&files.at);
}

struct nl_symbol_rows *nl_wsi_symbol_rows_load(uint32_t ids, const uint32_t *count,
                                               const void *rows, const void *masks, size_t n,
                                               size_t room) {
  struct nl_symbol_rows *t = calloc(1, sizeof(*t));
  if (t == NULL || (ids > 0 && nl_wsi_spans_grow(&t->at, ids - 1) != 0) ||
      grow_rows(t, room > n ? room : n, 1) != 0)
    goto bad;
  memcpy(t->rows, rows, n * sizeof(*t->rows));
  memcpy(t->masks, masks, n * sizeof(*t->masks));
  size_t at = 0;
  for (uint32_t id = 0; id < ids; id++) {
    if (count[id] > n - at) goto bad;
    t->at.first[id] = (uint32_t)at;
    t->at.count[id] = count[id];
    for (size_t end = at + count[id]; at < end; at++)
      if (t->rows[at].id != id || t->rows[at].dead) goto bad;
  }
  t->n = at;
  if (at != n) goto bad;
  return t;
bad:
  nl_wsi_symbol_rows_free(t);
  return NULL;
}

/* Row r's string in entry e's name or parse, or NULL when e has no such string. */
static const char *string_of(const nl_entry *e, uint32_t sub) {
  const nl_note *n = e->note;
  if (sub == 0) return e->name;
  if (n == NULL) return NULL;
  if (sub == 1) return n->title != NULL ? n->title->text : NULL;
  if (sub < NL_WS_SYMBOL_HEADING) return sub - 2 < n->n_aliases ? n->aliases[sub - 2].text : NULL;
  return sub - NL_WS_SYMBOL_HEADING < n->n_headings ? n->headings[sub - NL_WS_SYMBOL_HEADING].text
                                                     : NULL;
}

int nl_wsi_symbol_rows_attach(nl_workspace *ws, struct nl_symbol_rows *t) {
  int ok = t->at.ids >= ws->n_ids || ws->n_ids == 0;
  for (uint32_t id = 0; id < ws->n_ids && ok; id++) {
    const nl_entry *e = ws->entries[id];
    ok = e != NULL ? t->at.count[id] > 0 : t->at.count[id] == 0;
    for (uint32_t i = 0; i < t->at.count[id] && ok; i++) {
      nl_ws_symbol *r = &t->rows[t->at.first[id] + i];
      ok = (r->text = string_of(e, r->sub)) != NULL;
    }
  }
  if (!ok) {
    nl_wsi_symbol_rows_free(t);
    return NL_ECORRUPT;
  }
  nl_wsi_symbol_rows_free(ws->symbols);
  t->epoch = next_epoch();
  ws->symbols = t;
  return 0;
}

/* The rows e should have, written again into `want` (scratch, emptied first), compared with
 * its live rows. */
static int entry_ok(const struct nl_symbol_rows *t, struct nl_symbol_rows *want,
                    const nl_entry *e, char *err, size_t err_size) {
  want->n = 0;
  add_rows(want, e);
  int ok = want->n > 0 && e->id < t->at.ids && want->n == t->at.count[e->id];
  for (size_t i = 0; ok && i < want->n; i++) {
    const nl_ws_symbol *a = &want->rows[i], *b = &t->rows[t->at.first[e->id] + i];
    ok = a->text == b->text && a->sub == b->sub && a->id == b->id && a->len == b->len &&
         a->initials == b->initials && a->heads == b->heads && a->first == b->first &&
         a->ascii == b->ascii && !b->dead && want->masks[i] == t->masks[t->at.first[e->id] + i];
  }
  if (!ok) snprintf(err, err_size, "symbol rows of %s do not match its parse", e->rel);
  return ok ? 0 : NL_ECORRUPT;
}

int nl_wsi_symbol_rows_check(const nl_workspace *ws, char *err, size_t err_size) {
  const struct nl_symbol_rows *t = ws->symbols;
  if (t == NULL) return 0;
  size_t live = 0, dead = 0;
  for (size_t i = 0; i < t->n; i++) {
    if (t->rows[i].dead) {
      dead++;
      if (t->masks[i] != 0) {
        snprintf(err, err_size, "dead symbol row %zu keeps a mask", i);
        return NL_ECORRUPT;
      }
    } else {
      live++;
    }
  }
  size_t want = 0;
  struct nl_symbol_rows scratch = {0};
  int rc = 0;
  for (uint32_t id = 0; id < ws->n_ids && rc == 0; id++) {
    const nl_entry *e = ws->entries[id];
    if (e != NULL) {
      rc = entry_ok(t, &scratch, e, err, err_size);
      want += rc == 0 ? t->at.count[id] : 0;
    } else if (id < t->at.ids && t->at.count[id] != 0) {
      snprintf(err, err_size, "removed entry %u keeps symbol rows", id);
      rc = NL_ECORRUPT;
    }
  }
  free(scratch.rows);
  free(scratch.masks);
  nl_wsi_spans_free(&scratch.at);
  if (rc != 0) return rc;
  if (live != want || dead != t->dead) {
    snprintf(err, err_size, "%zu live and %zu dead symbol rows, want %zu and %zu", live, dead,
             want, t->dead);
    return NL_ECORRUPT;
  }
  return 0;
}
