/* note.c: the parse of one note. One pass builds the line table, libyaml reads the frontmatter,
 * one cmark parse of the body gives the block structure (what is code, HTML, a heading, a
 * paragraph, a list item), and the inline scanner reads the raw lines of each paragraph and
 * heading for exact byte ranges. Scratch arrays are the thread's, reused from note to note, and
 * copied into the arena once.
 *
 * Memory, per thread and reused from note to note: cmark allocates its nodes and buffers from
 * a bump arena emptied after each parse (no malloc or free per node, no tree walk to free),
 * and the note is parsed into a scratch arena whose blocks go back to the thread once the
 * parse is copied into one exact-size block. */
#include "lsp/note/note.h"

#include <cmark.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsp/base/unicode.h"
#include "lsp/note/columns.h"
#include "lsp/note/frontmatter.h"
#include "lsp/note/scan.h"
#include "lsp/note/task.h"

typedef struct {
  nl_note *note;
  nl_lines lines;
  nl_scan sc;
  nl_vec headings; /* nl_heading */
  nl_vec tasks;    /* nl_task */
  uint32_t body_line; /* the note line of cmark's line 1 */
  const nl_note *prev; /* an earlier parse whose text had the same first same_lines lines */
  uint32_t same_lines;
  int oom;
} parse_ctx;

static int is_blank(char c) { return c == ' ' || c == '\t'; }

static int ascii_casecmp(const char *a, const char *b) {
  for (;; a++, b++) {
    unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
    if (x >= 'A' && x <= 'Z') x += 32;
    if (y >= 'A' && y <= 'Z') y += 32;
    if (x != y) return x - y;
    if (x == 0) return 0;
  }
}

const nl_fm_entry *nl_note_fm_get(const nl_note *note, const char *key) {
  if (note == NULL || key == NULL) return NULL;
  for (size_t i = 0; i < note->fm.n_entries; i++)
    if (ascii_casecmp(note->fm.entries[i].key, key) == 0) return &note->fm.entries[i];
  return NULL;
}

/* ---- frontmatter ------------------------------------------------------------------------- */

int nl_note_is_fence(const char *line, size_t len, const char *fence) {
  if (len < 3 || memcmp(line, fence, 3) != 0) return 0;
  for (size_t a = 3; a < len; a++)
    if (!is_blank(line[a])) return 0;
  return 1;
}

static int is_fence(const nl_lines *l, uint32_t line, const char *fence) {
  size_t a = l->starts[line];
  return nl_note_is_fence(l->text + a, nl_lines_line_end(l, line) - a, fence);
}

/* The entry's items, or the first of two spellings ("aliases", "alias"). */
static const nl_fm_scalar *items_of(const nl_note *note, const char *key, const char *alt,
                                    uint32_t *n) {
  const nl_fm_entry *e = nl_note_fm_get(note, key);
  if (e == NULL && alt != NULL) e = nl_note_fm_get(note, alt);
  *n = e != NULL ? e->n_items : 0;
  return *n > 0 ? e->items : NULL;
}

nl_brange nl_note_tag_range(const nl_note *note, size_t i) {
  const nl_tag *tg = &note->tags[i];
  uint32_t len = (uint32_t)strlen(tg->name);
  if (i >= note->n_fm_tags) {
    nl_brange r = {{tg->line, tg->col}, {tg->line, tg->col + 1 + len}};
    return r;
  }
  uint32_t n;
  const nl_fm_scalar *sc = &items_of(note, "tags", "tag", &n)[tg->line];
  if (tg->col == NL_TAG_WHOLE_VALUE) return sc->range;
  nl_brange r = sc->range;
  r.start.col += tg->col;
  r.end.col = r.start.col + (sc->text[tg->col] == '#') + len;
  return r;
}

/* The run of n records of `size` bytes from base whose uint32 at offset `off` (the line) is
 * `line`, records sorted by it: returns its length, *first where it starts (at the end of the
 * lines before it when empty). */
static uint32_t run_on_line(const void *base, uint32_t lo, uint32_t n, size_t size, size_t off,
                            uint32_t line, uint32_t *first) {
  const unsigned char *b = base;
  uint32_t hi = n, l;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    memcpy(&l, b + mid * size + off, 4);
    if (l < line) lo = mid + 1;
    else hi = mid;
  }
  *first = lo;
  for (hi = lo; hi < n && (memcpy(&l, b + hi * size + off, 4), l == line); hi++) {}
  return hi - lo;
}

uint32_t nl_task_owners(const nl_note *note, const nl_task *t, uint32_t *first) {
  return run_on_line(note->mentions, 0, note->n_mentions, sizeof(nl_mention),
                     offsetof(nl_mention, at.line), t->line, first);
}

uint32_t nl_task_tags(const nl_note *note, const nl_task *t, uint32_t *first) {
  /* The frontmatter's tags come first, and their `line` is a value's index: the body's only. */
  return run_on_line(note->tags, note->n_fm_tags, note->n_tags, sizeof(nl_tag),
                     offsetof(nl_tag, line), t->line, first);
}

static const nl_fm_scalar *first_of(const nl_note *note, const char *key) {
  uint32_t n;
  return items_of(note, key, NULL, &n);
}

/* `tags:` values become tags; a string may hold several, split at commas and spaces. Where the
 * value is written as is in the source, each tag gets its own range, else the value's. */
static void frontmatter_tags(parse_ctx *p) {
  uint32_t n;
  const nl_fm_scalar *items = items_of(p->note, "tags", "tag", &n);
  for (size_t i = 0; i < n && !p->oom; i++) {
    const nl_fm_scalar *sc = &items[i];
    const char *t = sc->text;
    size_t len = strlen(t);
    const nl_lines *l = &p->lines;
    int exact = sc->range.start.line == sc->range.end.line && sc->range.start.line < l->n_lines &&
                sc->range.end.col - sc->range.start.col == len &&
                memcmp(l->text + l->starts[sc->range.start.line] + sc->range.start.col, t, len) == 0;
    size_t a = 0;
    while (a < len) {
      while (a < len && (t[a] == ',' || is_blank(t[a]))) a++;
      size_t b = a;
      while (b < len && t[b] != ',' && !is_blank(t[b])) b++;
      size_t na = a < b && t[a] == '#' ? a + 1 : a;
      if (na < b) {
        nl_tag *tag = nl_vec_push(&p->sc.tags, sizeof(nl_tag));
        /* A value that is one tag without '#' is its name: no copy. */
        const char *name = tag == NULL                ? NULL
                           : na == 0 && b == len ? t
                                                 : nl_arena_strndup(&p->note->arena, t + na, b - na);
        if (name == NULL) {
          p->oom = 1;
          return;
        }
        tag->name = name;
        tag->line = (uint32_t)i; /* nl_note_tag_range finds the value again */
        tag->col = exact ? (uint32_t)a : NL_TAG_WHOLE_VALUE;
      }
      a = b;
    }
  }
}

/* Links in property values (`related: "[[Note]]"`, lists of them, as Obsidian's Properties
 * write them) are links like any other. Only a value written as is on one line (quoted or
 * not) is scanned, so every range is exact; the scanner's tags, mentions and block ids of the
 * value are dropped again: in YAML they are not markdown. */
static void frontmatter_links(parse_ctx *p) {
  const nl_frontmatter *fm = &p->note->fm;
  const nl_lines *l = &p->lines;
  for (size_t i = 0; i < fm->n_entries && !p->oom; i++) {
    const nl_fm_entry *en = &fm->entries[i];
    for (size_t j = 0; j < en->n_items && !p->oom; j++) {
      const nl_fm_scalar *sc = &en->items[j];
      uint32_t line = sc->range.start.line;
      if (line != sc->range.end.line || line >= l->n_lines) continue;
      size_t ls = l->starts[line], le = nl_lines_line_end(l, line);
      size_t at = ls + sc->range.start.col, len = strlen(sc->text);
      if (at >= 2 && at - 2 >= ls && memcmp(l->text + at - 2, "[[", 2) == 0) {
        /* A value that is one link: the frontmatter parser keeps only its target. */
        const char *close = NULL;
        for (size_t k = at; k + 1 < le && close == NULL; k++)
          if (l->text[k] == ']' && l->text[k + 1] == ']') close = l->text + k;
        if (close == NULL) continue;
        at -= 2;
        len = (size_t)(close + 2 - (l->text + at));
      } else if (strstr(sc->text, "[[") == NULL || at + len > le ||
                 memcmp(l->text + at, sc->text, len) != 0) {
        continue;
      }
      size_t tags = p->sc.tags.n, mentions = p->sc.mentions.n, blocks = p->sc.blocks.n;
      if (nl_scan_unit(&p->sc, at, at + len) < 0) p->oom = 1;
      p->sc.tags.n = tags;
      p->sc.mentions.n = mentions;
      p->sc.blocks.n = blocks;
    }
  }
}

/* Finds the frontmatter fences, parses between them and returns the first body line. */
static uint32_t frontmatter(parse_ctx *p) {
  nl_note *note = p->note;
  const nl_lines *l = &p->lines;
  if (!is_fence(l, 0, "---")) return 0;
  uint32_t close = 0;
  for (uint32_t i = 1; i < l->n_lines && close == 0; i++)
    if (is_fence(l, i, "---") || is_fence(l, i, "...")) close = i;
  if (close == 0) return 0; /* never closed: a thematic break, not frontmatter */
  note->fm.present = 1;
  note->fm.first_line = 0;
  note->fm.last_line = close;
  size_t base = l->starts[1], end = l->starts[close];
  /* Lines up to the closing fence as they were: the earlier parse's YAML is this one's. */
  const nl_note *prev = p->prev;
  if (prev != NULL && close < p->same_lines && prev->fm.present && prev->fm.last_line == close) {
    if (nl_frontmatter_copy(&note->fm, &note->arena, &prev->fm) < 0) p->oom = 1;
  } else if (nl_frontmatter_parse(&note->fm, &note->arena, l, base, end - base) < 0) {
    p->oom = 1;
  }
  note->type = first_of(note, "type");
  note->title = first_of(note, "title");
  note->account = first_of(note, "account");
  note->date = first_of(note, "date");
  note->aliases = items_of(note, "aliases", "alias", &note->n_aliases);
  note->participants = items_of(note, "participants", NULL, &note->n_participants);
  frontmatter_tags(p);
  note->n_fm_tags = (uint32_t)p->sc.tags.n; /* the body's come after them */
  frontmatter_links(p);
  return close + 1;
}

/* ---- body blocks ------------------------------------------------------------------------- */

static uint32_t note_line(const parse_ctx *p, int cmark_line) {
  uint64_t line = (uint64_t)p->body_line + (uint64_t)(cmark_line > 0 ? cmark_line - 1 : 0);
  return line < p->lines.n_lines ? (uint32_t)line : (uint32_t)(p->lines.n_lines - 1);
}

static size_t start_col(const parse_ctx *p, const nl_note_block *b, uint32_t line) {
  int c = b->start_col;
  size_t col = c > 0 ? (size_t)c - 1 : 0, len = nl_lines_line_end(&p->lines, line) - p->lines.starts[line];
  return col < len ? col : len;
}

static void scan(parse_ctx *p, uint32_t l0, uint32_t l1) {
  if (nl_scan_unit(&p->sc, p->lines.starts[l0], nl_lines_line_end(&p->lines, l1)) < 0) p->oom = 1;
}

/* GitHub's anchor: ASCII lowercased, spaces to '-', punctuation and symbols dropped. */
size_t nl_note_slug_into(const char *text, size_t n, char *out) {
  size_t o = 0;
  for (size_t i = 0; i < n;) {
    unsigned char c = (unsigned char)text[i];
    if (c < 0x80) {
      if (c >= 'A' && c <= 'Z') out[o++] = (char)(c + 32);
      else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') out[o++] = (char)c;
      else if (c == ' ') out[o++] = '-';
      i++;
      continue;
    }
    uint32_t cp;
    size_t k = nl_utf8_next(text + i, n - i, &cp);
    if (nl_unicode_is_word_cp(cp)) memcpy(out + o, text + i, k), o += k;
    i += k;
  }
  out[o] = '\0';
  return o;
}

char *nl_note_slug(const char *text) {
  size_t n = strlen(text);
  char *out = malloc(n + 1);
  if (out != NULL) nl_note_slug_into(text, n, out);
  return out;
}

/* The text of an ATX heading line: after the opening #s, before an optional closing run. */
static void atx_text(const char *line, size_t len, size_t col, size_t *a, size_t *b) {
  size_t i = col;
  while (i < len && is_blank(line[i])) i++;
  while (i < len && line[i] == '#') i++;
  while (i < len && is_blank(line[i])) i++;
  size_t e = len;
  while (e > i && is_blank(line[e - 1])) e--;
  size_t k = e;
  while (k > i && line[k - 1] == '#') k--;
  if (k < e && (k == i || is_blank(line[k - 1]))) e = k;
  while (e > i && is_blank(line[e - 1])) e--;
  *a = i;
  *b = e;
}

/* A setext underline: after blanks and blockquote markers, a run of '=' or '-', then blanks. */
static int is_underline(const nl_lines *l, uint32_t line) {
  const char *s = l->text + l->starts[line];
  size_t len = nl_lines_line_end(l, line) - l->starts[line], i = 0;
  while (i < len && (is_blank(s[i]) || s[i] == '>')) i++;
  if (i == len || (s[i] != '=' && s[i] != '-')) return 0;
  char c = s[i];
  while (i < len && s[i] == c) i++;
  while (i < len && is_blank(s[i])) i++;
  return i == len;
}

static void on_heading(parse_ctx *p, const nl_note_block *node) {
  const nl_lines *l = &p->lines;
  uint32_t l0 = note_line(p, node->start_line);
  uint32_t l1 = note_line(p, node->end_line);
  if (l1 < l0) l1 = l0;
  /* An ATX heading is one line. cmark 0.30 ends a setext heading on the line after its
   * underline, so the underline is found here: the first underline-like line after the text. */
  if (l1 > l0) {
    uint32_t u = l0 + 1;
    while (u < l1 && !is_underline(l, u)) u++;
    l1 = u;
  }
  uint32_t last = l1 > l0 ? l1 - 1 : l0;
  size_t cap = nl_lines_line_end(l, last) - l->starts[l0] + 1;
  char *text = nl_arena_alloc_of(&p->note->arena, cap, 1);
  if (text == NULL) {
    p->oom = 1;
    return;
  }
  size_t n = 0;
  for (uint32_t i = l0; i <= last; i++) {
    const char *line = l->text + l->starts[i];
    size_t len = nl_lines_line_end(l, i) - l->starts[i], a = i == l0 ? start_col(p, node, i) : 0, b = len;
    if (l1 == l0) {
      atx_text(line, len, a, &a, &b);
    } else {
      while (a < b && is_blank(line[a])) a++;
      while (b > a && is_blank(line[b - 1])) b--;
    }
    if (n > 0 && b > a) text[n++] = ' ';
    memcpy(text + n, line + a, b - a);
    n += b - a;
  }
  text[n] = '\0';
  nl_arena_shrink(&p->note->arena, text, cap, n + 1);
  nl_heading *h = nl_vec_push(&p->headings, sizeof(nl_heading));
  if (h == NULL) {
    p->oom = 1;
    return;
  }
  h->level = node->level;
  h->text = text;
  h->line = l0;
  h->end_line = l1;
  h->end_col = (uint32_t)(nl_lines_line_end(l, l1) - l->starts[l1]);
  scan(p, l0, last);
}

/* A list item's first paragraph that opens with "[c] " is a task; returns its index or -1. */
static long try_task(parse_ctx *p, const nl_note_block *para, uint32_t line) {
  const char *s = p->lines.text + p->lines.starts[line];
  size_t len = nl_lines_line_end(&p->lines, line) - p->lines.starts[line], col = start_col(p, para, line);
  while (col < len && is_blank(s[col])) col++;
  nl_task t;
  memset(&t, 0, sizeof(t));
  if (nl_task_marker(&t, s, len, col, line) < 0) return -1;
  nl_task *slot = nl_vec_push(&p->tasks, sizeof(nl_task));
  if (slot == NULL) {
    p->oom = 1;
    return -1;
  }
  *slot = t;
  return (long)(p->tasks.n - 1);
}

/* After the task's paragraph was scanned: its owners and tags are those on its first line. */
static void finish_task(parse_ctx *p, size_t idx, size_t t0) {
  nl_task *t = &((nl_task *)p->tasks.items)[idx];
  nl_tag *tags = p->sc.tags.items;
  size_t t1 = t0;
  while (t1 < p->sc.tags.n && tags[t1].line == t->line) t1++; /* the body's: "#name" at line */
  for (size_t j = t0; j < t1; j++)
    if (strcmp(tags[j].name, "proposed") == 0) {
      t->proposed |= NL_PROPOSED_TAG;
      break;
    }
  const char *line = p->lines.text + p->lines.starts[t->line];
  size_t len = nl_lines_line_end(&p->lines, t->line) - p->lines.starts[t->line];
  if (nl_task_fields(t, &p->note->arena, line, len, NULL) < 0) p->oom = 1;
}

static void on_paragraph(parse_ctx *p, const nl_note_block *node) {
  uint32_t l0 = note_line(p, node->start_line);
  uint32_t l1 = note_line(p, node->end_line);
  if (l1 < l0) l1 = l0;
  long task = node->first_in_item ? try_task(p, node, l0) : -1;
  size_t t0 = p->sc.tags.n;
  scan(p, l0, l1);
  if (task >= 0 && !p->oom) finish_task(p, (size_t)task, t0);
}

/* A fenced or indented code block: its lines are code, for whoever must not touch code. */
static void on_code_block(parse_ctx *p, const nl_note_block *node) {
  uint32_t l0 = note_line(p, node->start_line);
  uint32_t l1 = note_line(p, node->end_line);
  if (l1 < l0) l1 = l0;
  if (l1 >= p->lines.n_lines) return;
  nl_brange *c = nl_vec_push(&p->sc.code, sizeof(nl_brange));
  if (c == NULL) {
    p->oom = 1;
    return;
  }
  c->start.line = l0;
  c->start.col = 0;
  c->end.line = l1;
  c->end.col = (uint32_t)(nl_lines_line_end(&p->lines, l1) - p->lines.starts[l1]);
}

static void on_block(parse_ctx *p, const nl_note_block *b) {
  switch (b->type) {
    case NL_NOTE_BLOCK_PARAGRAPH: on_paragraph(p, b); break;
    case NL_NOTE_BLOCK_HEADING: on_heading(p, b); break;
    default: on_code_block(p, b); break;
  }
}

/* ---- per-thread memory ------------------------------------------------------------------- */

/* cmark's allocator has no context argument, hence thread-local arenas. Both are emptied, not
 * freed, between notes; their blocks live as long as the thread. cmark asks for a few hundred
 * small pieces per note, so they are cut from a chunk of cm_arena by a bump pointer
 * (cm_next .. cm_end), and a buffer cmark grows at the top of the chunk grows in place. */
static _Thread_local nl_arena cm_arena;
static _Thread_local nl_arena note_scratch;
static _Thread_local char *cm_next, *cm_end, *cm_last; /* cm_last: the latest piece's head */
static _Thread_local nl_note_blocks blocks; /* a parse's leaf blocks, when no caller keeps them */

#define CM_CHUNK 16384

/* Each allocation is preceded by its size, for realloc. */
typedef union {
  size_t size;
  max_align_t align;
} cm_head;

static _Noreturn void cm_oom(void) {
  /* As cmark's own allocator does: cmark has no way to report a failed allocation. */
  fprintf(stderr, "notes-lsp: out of memory in the markdown parser, aborting\n");
  abort();
}

/* The bytes a piece of `size` takes in a chunk, head included, keeping the alignment. */
static size_t cm_span(size_t size) {
  if (size > SIZE_MAX / 2) cm_oom();
  return (sizeof(cm_head) + size + sizeof(cm_head) - 1) & ~(sizeof(cm_head) - 1);
}

static void *cm_take(size_t size) {
  size_t need = cm_span(size);
  cm_head *h;
  if ((size_t)(cm_end - cm_next) >= need) {
    h = (cm_head *)cm_next;
    cm_next += need;
  } else if (need > CM_CHUNK / 4) { /* a large piece gets its own block */
    h = nl_arena_alloc(&cm_arena, need);
    if (h == NULL) cm_oom();
    h->size = size;
    cm_last = NULL; /* not in the chunk: grows by copying */
    return h + 1;
  } else {
    cm_next = nl_arena_alloc(&cm_arena, CM_CHUNK);
    if (cm_next == NULL) cm_oom();
    cm_end = cm_next + CM_CHUNK;
    h = (cm_head *)cm_next;
    cm_next += need;
  }
  cm_last = (char *)h;
  h->size = size;
  return h + 1;
}

static void *cm_calloc(size_t n, size_t size) {
  size_t total = n * size;
  if (size != 0 && total / size != n) cm_oom();
  void *p = cm_take(total);
  memset(p, 0, total);
  return p;
}

/* cmark only grows buffers: the latest piece grows in place when its chunk has room, else the
 * old copy stays in the arena until the parse ends. */
static void *cm_realloc(void *p, size_t size) {
  if (p == NULL) return cm_take(size);
  cm_head *h = (cm_head *)p - 1;
  size_t old = h->size;
  if (size <= old) return p;
  if ((char *)h == cm_last && cm_next == cm_last + cm_span(old) &&
      (size_t)(cm_end - cm_last) >= cm_span(size)) {
    cm_next = cm_last + cm_span(size);
    h->size = size;
    return p;
  }
  void *np = cm_take(size);
  memcpy(np, p, old);
  return np;
}

static void cm_free(void *p) { (void)p; }

/* Empties the thread's cmark arena. */
static void cm_reset(void) {
  nl_arena_reset(&cm_arena);
  cm_next = cm_end = cm_last = NULL;
}

static cmark_mem cm_mem = {cm_calloc, cm_realloc, cm_free};

/* The block structure of text[0 .. len) in the thread's cmark arena; valid until cm_reset. */
static cmark_node *parse_blocks(const char *text, size_t len) {
  cmark_parser *parser = cmark_parser_new_with_mem(CMARK_OPT_SOURCEPOS, &cm_mem);
  cmark_parser_feed(parser, text, len);
  return cmark_parser_finish(parser); /* the parser is freed with the arena */
}

/* The parse's scratch arrays (line table, the scanner's vectors, headings, tasks), kept by the
 * thread from note to note and emptied, not freed: no malloc, realloc and free of each per
 * note. An array a large note grew past KEEP_MAX bytes is given back. */
static _Thread_local parse_ctx kept;

#define KEEP_MAX (256u << 10)

static void take_scratch(parse_ctx *p) {
  p->lines = kept.lines;
  p->sc = kept.sc;
  p->headings = kept.headings;
  p->tasks = kept.tasks;
  memset(&kept, 0, sizeof(kept));
  p->headings.n = p->tasks.n = 0;
}

static void keep_vec(nl_vec *v, size_t size) {
  if (v->cap * size > KEEP_MAX) nl_vec_free(v);
}

static void keep_scratch(parse_ctx *p) {
  if (p->lines.cap * sizeof(size_t) > KEEP_MAX) nl_lines_free(&p->lines);
  keep_vec(&p->sc.links, sizeof(nl_link));
  keep_vec(&p->sc.tags, sizeof(nl_tag));
  keep_vec(&p->sc.mentions, sizeof(nl_mention));
  keep_vec(&p->sc.blocks, sizeof(nl_block_id));
  keep_vec(&p->sc.code, sizeof(nl_brange));
  keep_vec(&p->sc.excluded, 2 * sizeof(size_t));
  keep_vec(&p->sc.brackets, sizeof(size_t));
  keep_vec(&p->headings, sizeof(nl_heading));
  keep_vec(&p->tasks, sizeof(nl_task));
  kept.lines = p->lines;
  kept.sc = p->sc;
  kept.headings = p->headings;
  kept.tasks = p->tasks;
}

/* ---- the note ---------------------------------------------------------------------------- */

#define TAKE(field, count, vec, type)                                        \
  do {                                                                       \
    note->field = nl_vec_to_arena(&(vec), sizeof(type), &note->arena, &ok); \
    note->count = (uint32_t)(vec).n;                                         \
  } while (0)

/* cmark 0.30 can end a code block that a closing container cuts short ("- ~~~" then "~~~") on
 * the line after its last: such a block ends before the next code range's line instead, so
 * the ranges stay in document order without overlap. */
static void untangle_code(parse_ctx *p) {
  nl_brange *c = p->sc.code.items;
  for (size_t i = 1; i < p->sc.code.n; i++) {
    nl_brange *prev = &c[i - 1];
    if (prev->end.line < c[i].start.line ||
        (prev->end.line == c[i].start.line && prev->end.col <= c[i].start.col))
      continue;
    if (c[i].start.line > prev->start.line) {
      uint32_t l = c[i].start.line - 1;
      prev->end.line = l;
      prev->end.col = (uint32_t)(nl_lines_line_end(&p->lines, l) - p->lines.starts[l]);
    } else {
      prev->end = c[i].start.col > prev->start.col ? c[i].start : prev->start;
    }
  }
}

static int finish(parse_ctx *p) {
  nl_note *note = p->note;
  int ok = !p->oom;
  untangle_code(p);
  TAKE(headings, n_headings, p->headings, nl_heading);
  TAKE(blocks, n_blocks, p->sc.blocks, nl_block_id);
  TAKE(links, n_links, p->sc.links, nl_link);
  TAKE(tags, n_tags, p->sc.tags, nl_tag);
  TAKE(mentions, n_mentions, p->sc.mentions, nl_mention);
  TAKE(tasks, n_tasks, p->tasks, nl_task);
  TAKE(code, n_code, p->sc.code, nl_brange);
  return ok;
}

nl_note *nl_note_parse(const char *text, size_t len) {
  return nl_note_parse_ex(text, len, NULL, NULL);
}

/* The body's leaf blocks, parsed by cmark unless the caller kept the last parse's and the
 * edit cannot change them, then visited in document order. */
static void body(parse_ctx *p, const nl_note_edit *edit, const char *text, size_t len) {
  nl_note_blocks *bl = edit != NULL && edit->blocks != NULL ? edit->blocks : &blocks;
  if (bl != &blocks && p->prev != NULL &&
      nl_note_blocks_hold(bl, &p->lines, p->body_line, edit, p->prev->n_lines)) {
    bl->reused++;
  } else {
    size_t start = p->body_line < p->lines.n_lines ? p->lines.starts[p->body_line] : len;
    cmark_node *doc = parse_blocks(text + start, len - start);
    if (doc == NULL || nl_note_blocks_read(bl, doc, p->body_line) < 0) p->oom = 1;
    cm_reset();
  }
  const nl_note_block *leaves = bl->list.items;
  for (size_t i = 0; i < bl->list.n && !p->oom; i++) on_block(p, &leaves[i]);
  if (bl == &blocks && blocks.list.cap * sizeof(nl_note_block) > KEEP_MAX) nl_note_blocks_free(&blocks);
}

nl_note *nl_note_parse_ex(const char *text, size_t len, const nl_note *prev,
                          const nl_note_edit *edit) {
  nl_note *note = calloc(1, sizeof(*note));
  if (note == NULL) return NULL;
  note->arena = note_scratch; /* lent: its blocks come back after compaction below */
  nl_arena_init(&note_scratch);
  if (text == NULL) text = "", len = 0;
  if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
    note->has_bom = 1;
    text += 3;
    len -= 3;
  }
  parse_ctx p;
  memset(&p, 0, sizeof(p));
  take_scratch(&p);
  p.note = note;
  p.prev = edit != NULL ? prev : NULL;
  int ok = nl_lines_reset(&p.lines, text, len) == 0;
  if (ok) {
    nl_lines *l = &p.lines;
    note->n_lines = (uint32_t)l->n_lines;
    note->crlf = l->n_lines > 1 && text[nl_lines_line_end(l, 0)] == '\r' && nl_lines_line_end(l, 0) + 1 < len &&
                 text[nl_lines_line_end(l, 0) + 1] == '\n';
    nl_scan_init(&p.sc, l, &note->arena);
    /* The edit in the body's bytes (the BOM left out); the lines wholly before its first
     * changed byte are the earlier text's. */
    nl_note_edit be;
    if (edit != NULL) {
      be = *edit;
      if (be.head != SIZE_MAX && note->has_bom) be.head = be.head >= 3 ? be.head - 3 : 0;
      if (be.head == SIZE_MAX) p.same_lines = UINT32_MAX;
      else if (be.head > 0) p.same_lines = (uint32_t)nl_lines_line_of(l, be.head);
    }
    p.body_line = frontmatter(&p);
    body(&p, edit != NULL ? &be : NULL, text, len);
    ok = finish(&p);
    if (ok && nl_columns_build(note, l) < 0) ok = 0;
  }
  keep_scratch(&p);
  note_scratch.spare = note->arena.spare;
  note->arena.spare = NULL;
  if (!ok) {
    nl_note_free(note);
    return NULL;
  }
  /* On failure the note keeps the lent blocks, which is only less compact. */
  nl_note_compact_ex(note, &note_scratch);
  /* A note that stores nothing (an empty file) still gets its one block, of 0 bytes: the
   * index cache stores a note as that block. */
  if (note->arena.head == NULL) nl_arena_init_block(&note->arena, 0);
  return note;
}

void nl_note_free(nl_note *note) {
  if (note == NULL || note->borrowed) return;
  nl_arena_free(&note->arena);
  free(note);
}
