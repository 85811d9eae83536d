/* structure.c: see structure.h. */
#include "lsp/features/structure.h"

#include <cmark.h>
#include <stdlib.h>
#include <string.h>

#include "lsp/base/error.h"

static int push(nl_spans *s, nl_span_kind kind, uint32_t first, uint32_t last) {
  if (last < first) return 0;
  nl_span *x = nl_vec_push(&s->list, sizeof *x);
  if (x == NULL) return NL_ENOMEM;
  *x = (nl_span){kind, first, last};
  return 0;
}

static int blank_line(const nl_text *t, uint32_t line) {
  size_t len;
  const char *s = nl_text_line(t, line, &len);
  for (size_t i = 0; i < len; i++)
    if (s[i] != ' ' && s[i] != '\t') return 0;
  return 1;
}

static int sections(const nl_note *note, const nl_text *t, uint32_t n_lines, nl_spans *out) {
  for (size_t i = 0; i < note->n_headings; i++) {
    const nl_heading *h = &note->headings[i];
    uint32_t last = n_lines - 1;
    for (size_t j = i + 1; j < note->n_headings; j++)
      if (note->headings[j].level <= h->level) {
        last = note->headings[j].line - 1;
        break;
      }
    while (last > h->end_line && blank_line(t, last)) last--;
    if (push(out, NL_SPAN_SECTION, h->line, last) != 0) return NL_ENOMEM;
  }
  return 0;
}

/* Code blocks, list items and block quotes of the body, by cmark's source positions. */
static int blocks(const nl_note *note, const nl_text *t, uint32_t n_lines, nl_spans *out) {
  uint32_t body = note->fm.present ? note->fm.last_line + 1 : 0;
  if (body >= n_lines) return 0;
  size_t len, all;
  const char *start = nl_text_line(t, body, &len);
  const char *text = nl_text_body(t, &all);
  size_t off = (size_t)(start - text);
  cmark_node *doc = cmark_parse_document(start, all - off, CMARK_OPT_DEFAULT);
  if (doc == NULL) return NL_ENOMEM;
  cmark_iter *it = cmark_iter_new(doc);
  int rc = it != NULL ? 0 : NL_ENOMEM;
  cmark_event_type ev;
  while (rc == 0 && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
    if (ev != CMARK_EVENT_ENTER) continue;
    cmark_node *node = cmark_iter_get_node(it);
    nl_span_kind kind;
    switch (cmark_node_get_type(node)) {
    case CMARK_NODE_CODE_BLOCK: kind = NL_SPAN_CODE; break;
    case CMARK_NODE_ITEM: kind = NL_SPAN_LIST_ITEM; break;
    case CMARK_NODE_BLOCK_QUOTE: kind = NL_SPAN_QUOTE; break;
    default: continue;
    }
    int a = cmark_node_get_start_line(node), b = cmark_node_get_end_line(node);
    if (a < 1 || b < a) continue;
    uint32_t first = body + (uint32_t)(a - 1), last = body + (uint32_t)(b - 1);
    if (last >= n_lines) last = n_lines - 1;
    while (last > first && blank_line(t, last)) last--;
    rc = push(out, kind, first, last);
  }
  cmark_iter_free(it);
  cmark_node_free(doc);
  return rc;
}

static int by_first(const void *a, const void *b) {
  const nl_span *x = a, *y = b;
  if (x->first != y->first) return x->first < y->first ? -1 : 1;
  if (x->last != y->last) return x->last > y->last ? -1 : 1;
  return (int)x->kind - (int)y->kind;
}

int nl_structure_spans(const nl_note *note, const nl_text *t, nl_spans *out) {
  memset(out, 0, sizeof *out);
  uint32_t n_lines = nl_text_n_lines(t);
  int rc = 0;
  if (note->fm.present) rc = push(out, NL_SPAN_FRONTMATTER, note->fm.first_line, note->fm.last_line);
  if (rc == 0) rc = sections(note, t, n_lines, out);
  if (rc == 0) rc = blocks(note, t, n_lines, out);
  if (out->list.n > 1) qsort(out->list.items, out->list.n, sizeof(nl_span), by_first);
  return rc;
}

void nl_spans_free(nl_spans *s) {
  if (s == NULL) return;
  nl_vec_free(&s->list);
}

int nl_structure_of_doc(nl_structure *s, const nl_doc *doc, const char *uri) {
  memset(s, 0, sizeof *s);
  nl_text_of_doc(&s->text, doc);
  size_t len;
  const char *body = nl_text_body(&s->text, &len);
  s->note = nl_note_parse(body, len);
  if (s->note == NULL) return NL_ENOMEM;
  return nl_structure_spans(s->note, &s->text, &s->spans);
}

void nl_structure_free(nl_structure *s) {
  nl_spans_free(&s->spans);
  nl_note_free(s->note);
  nl_text_free(&s->text);
}
