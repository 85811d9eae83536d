/* columns.c: see columns.h. Built once per parse in one pass over the non-ASCII lines that hold
 * kept positions, so a line with many links costs in proportion to the line, not to links x
 * line. */
#include "lsp/note/columns.h"

#include <stdlib.h>
#include <string.h>

#include "lsp/base/error.h"
#include "lsp/base/unicode.h"
#include "lsp/base/vec.h"

static int bit(const uint8_t *wide, uint32_t line) {
  return wide != NULL && (wide[line >> 3] >> (line & 7)) & 1;
}

typedef struct {
  nl_vec list; /* of nl_bpos */
  const uint8_t *wide;
  uint32_t n_lines;
  int oom;
} gather;

static void add(gather *g, nl_bpos p) {
  if (p.line >= g->n_lines || !bit(g->wide, p.line)) return;
  nl_bpos *slot = nl_vec_push(&g->list, sizeof *slot);
  if (slot == NULL)
    g->oom = 1;
  else
    *slot = p;
}

static void add_range(gather *g, nl_brange r) {
  add(g, r.start);
  add(g, r.end);
}

static int by_position(const void *pa, const void *pb) {
  const nl_bpos *a = pa, *b = pb;
  if (a->line != b->line) return a->line < b->line ? -1 : 1;
  return a->col < b->col ? -1 : a->col > b->col;
}

/* Sorts by position: insertion for the few a note usually has on its wide lines (they come
 * nearly in order), qsort beyond. */
static void sort_positions(nl_bpos *ps, size_t n) {
  if (n > 64) {
    qsort(ps, n, sizeof *ps, by_position);
    return;
  }
  for (size_t i = 1; i < n; i++) {
    nl_bpos p = ps[i];
    size_t j = i;
    for (; j > 0 && by_position(&ps[j - 1], &p) > 0; j--) ps[j] = ps[j - 1];
    ps[j] = p;
  }
}

/* The positions features hand out for a note they do not have open. */
static void gather_kept(gather *g, const nl_note *n) {
  for (size_t i = 0; i < n->n_headings; i++) add_range(g, nl_heading_range(&n->headings[i]));
  for (size_t i = 0; i < n->n_blocks; i++) add_range(g, n->blocks[i].range);
  for (size_t i = 0; i < n->n_links; i++) add_range(g, nl_link_range(&n->links[i]));
  for (size_t i = 0; i < n->n_tags; i++) add_range(g, nl_note_tag_range(n, i));
  for (size_t i = 0; i < n->n_mentions; i++) add(g, n->mentions[i].at);
  /* A task's line end: the range the task lists (notes-lsp tasks, notes-lsp.tasks) give. */
  for (size_t i = 0; i < n->n_tasks; i++) add(g, nl_task_range(&n->tasks[i], nl_task_text_cols(&n->tasks[i])).end);
}

/* Walks each line once, forward, through its sorted positions. */
static size_t measure(nl_note_col *out, const nl_bpos *ps, size_t n, const nl_lines *l) {
  size_t kept = 0;
  uint32_t line = UINT32_MAX;
  size_t at = 0;           /* a character boundary of the line already measured */
  uint64_t u16 = 0, u32 = 0; /* units before `at` */
  for (size_t i = 0; i < n; i++) {
    if (i > 0 && ps[i].line == ps[i - 1].line && ps[i].col == ps[i - 1].col) continue;
    if (ps[i].line != line) {
      line = ps[i].line;
      at = 0;
      u16 = u32 = 0;
    }
    const char *s = l->text + nl_lines_line_start(l, line);
    size_t len = nl_lines_line_end(l, line) - nl_lines_line_start(l, line);
    size_t col = ps[i].col < len ? ps[i].col : len;
    uint32_t units[3];
    nl_col_to_units_all(s + at, len - at, col - at, units);
    uint64_t c16 = u16 + units[NL_ENC_UTF16], c32 = u32 + units[NL_ENC_UTF32];
    if (col == len || ((unsigned char)s[col] & 0xC0) != 0x80) { /* a boundary: go on from it */
      at = col;
      u16 = c16;
      u32 = c32;
    }
    uint64_t d16 = ps[i].col - c16, d32 = ps[i].col - c32;
    if (ps[i].line > UINT16_MAX || ps[i].col > UINT16_MAX || d16 > UINT8_MAX || d32 > UINT8_MAX)
      continue; /* unknown: the text is read */
    out[kept].line = (uint16_t)ps[i].line;
    out[kept].col = (uint16_t)ps[i].col;
    out[kept].d16 = (uint8_t)d16;
    out[kept].d32 = (uint8_t)d32;
    kept++;
  }
  return kept;
}

int nl_columns_build(nl_note *note, const nl_lines *l) {
  uint32_t n_lines = (uint32_t)l->n_lines;
  note->wide = NULL;
  note->cols = NULL;
  note->n_cols = 0;
  /* From one non-ASCII byte to the next, over runs of ASCII; a line that holds one is wide,
   * and the search goes on from the next line's start. Many notes have none at all. */
  size_t off = nl_utf8_ascii_run(l->text, l->len);
  if (off == l->len) return 0;
  uint8_t *wide = nl_arena_alloc_of(&note->arena, (n_lines + 7) / 8, 1);
  if (wide == NULL) return NL_ENOMEM;
  memset(wide, 0, (n_lines + 7) / 8);
  for (uint32_t i = 0; off < l->len;) {
    while (i + 1 < n_lines && nl_lines_line_start(l, i + 1) <= off) i++;
    wide[i >> 3] |= (uint8_t)(1u << (i & 7));
    if (i + 1 >= n_lines) break;
    off = nl_lines_line_start(l, i + 1);
    off += nl_utf8_ascii_run(l->text + off, l->len - off);
  }
  note->wide = wide;
  gather g = {{0}, wide, n_lines, 0};
  gather_kept(&g, note);
  nl_bpos *found = g.list.items;
  int rc = g.oom ? NL_ENOMEM : 0;
  if (rc == 0 && g.list.n > 0) {
    sort_positions(found, g.list.n);
    nl_note_col *cols = nl_arena_alloc_of(&note->arena, g.list.n * sizeof *cols, sizeof *cols);
    if (cols == NULL) {
      rc = NL_ENOMEM;
    } else {
      note->cols = cols;
      note->n_cols = measure(cols, found, g.list.n, l);
    }
  }
  nl_vec_free(&g.list);
  return rc;
}

int nl_columns_units(const nl_note *note, nl_encoding enc, nl_bpos p, uint32_t *units) {
  if (enc == NL_ENC_UTF8 || p.line >= note->n_lines || !bit(note->wide, p.line)) {
    *units = p.col;
    return 0;
  }
  size_t lo = 0, hi = note->n_cols;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const nl_note_col *c = &note->cols[mid];
    if (c->line < p.line || (c->line == p.line && c->col < p.col)) lo = mid + 1;
    else hi = mid;
  }
  if (lo == note->n_cols || note->cols[lo].line != p.line || note->cols[lo].col != p.col)
    return -1;
  *units = p.col - (enc == NL_ENC_UTF16 ? note->cols[lo].d16 : note->cols[lo].d32);
  return 0;
}
