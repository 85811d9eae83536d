/* blocks.c: when an edit cannot change a note's block structure, so that the parse after it
 * walks the leaf blocks of the last parse instead of parsing the markdown again (note.c).
 *
 * CommonMark decides a line's block from its containers (blanks, '>', list markers) and the
 * first character after them: '#' '`' '~' '<' '=' '-' '*' '_' '+' and digits may start a
 * heading, fence, HTML block, underline, thematic break or list item; a paragraph whose first
 * line starts with '[' may be link reference definitions, which reach into its later lines;
 * anything else makes the line a paragraph's. So an edit inside one line of a paragraph or
 * heading, after bytes that already settle that no such start is possible, with the line
 * count and the frontmatter unchanged, leaves every block where it was: later lines see the
 * same open blocks, and an HTML block or code block cannot hold a paragraph's line. */
#include "lsp/note/scan.h"

#include <cmark.h>
#include <stdlib.h>
#include <string.h>

void nl_note_blocks_free(nl_note_blocks *b) {
  if (b == NULL) return;
  nl_vec_free(&b->list);
  memset(b, 0, sizeof(*b));
}

static int push(nl_note_blocks *b, cmark_node *node, uint8_t type) {
  nl_note_block *x = nl_vec_push(&b->list, sizeof *x);
  if (x == NULL) return -1;
  cmark_node *parent = cmark_node_parent(node);
  x->start_line = cmark_node_get_start_line(node);
  x->end_line = cmark_node_get_end_line(node);
  x->start_col = cmark_node_get_start_column(node);
  x->type = type;
  x->level = type == NL_NOTE_BLOCK_HEADING ? (uint8_t)cmark_node_get_heading_level(node) : 0;
  x->first_in_item = type == NL_NOTE_BLOCK_PARAGRAPH && parent != NULL &&
                     cmark_node_get_type(parent) == CMARK_NODE_ITEM &&
                     cmark_node_first_child(parent) == node;
  return 0;
}

/* Visits the tree's leaf blocks in document order without recursion. */
int nl_note_blocks_read(nl_note_blocks *b, cmark_node *doc, uint32_t body_line) {
  b->list.n = 0;
  b->valid = 0;
  b->reused = 0;
  b->body_line = body_line;
  cmark_node *node = cmark_node_first_child(doc);
  while (node != NULL) {
    int rc = 0;
    switch (cmark_node_get_type(node)) {
      case CMARK_NODE_PARAGRAPH: rc = push(b, node, NL_NOTE_BLOCK_PARAGRAPH); break;
      case CMARK_NODE_HEADING: rc = push(b, node, NL_NOTE_BLOCK_HEADING); break;
      case CMARK_NODE_CODE_BLOCK: rc = push(b, node, NL_NOTE_BLOCK_CODE); break;
      case CMARK_NODE_BLOCK_QUOTE:
      case CMARK_NODE_LIST:
      case CMARK_NODE_ITEM:
        if (cmark_node_first_child(node) != NULL) {
          node = cmark_node_first_child(node);
          continue;
        }
        break;
      default:
        break;
    }
    if (rc < 0) return -1;
    while (node != NULL && cmark_node_next(node) == NULL) {
      node = cmark_node_parent(node);
      if (node == doc) node = NULL;
    }
    if (node != NULL) node = cmark_node_next(node);
  }
  b->valid = 1;
  return 0;
}

/* ---- whether an edit keeps them ---------------------------------------------------------- */

static int is_blank(char c) { return c == ' ' || c == '\t'; }
static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/* Where a line's content starts after its containers: blanks, '>' and list markers. */
static size_t content_start(const char *s, size_t n) {
  size_t i = 0;
  for (;;) {
    while (i < n && is_blank(s[i])) i++;
    if (i < n && s[i] == '>') {
      i++;
      continue;
    }
    if (i + 1 < n && (s[i] == '-' || s[i] == '+' || s[i] == '*') && is_blank(s[i + 1])) {
      i += 2;
      continue;
    }
    size_t d = i;
    while (d < n && d - i < 9 && is_digit(s[d])) d++;
    if (d > i && d + 1 < n && (s[d] == '.' || s[d] == ')') && is_blank(s[d + 1])) {
      i = d + 2;
      continue;
    }
    return i;
  }
}

/* A task marker at c, "[x] " or "[ ?] ", every byte of it before h: not a link reference
 * definition (no ':' after the ']'), and still a marker after the edit. */
static int task_form(const char *s, size_t c, size_t h) {
  size_t close = c + 2;
  if (close + 1 < h && s[c + 1] == ' ' && s[c + 2] == '?') close = c + 3;
  if (close + 1 >= h || s[close] != ']' || !is_blank(s[close + 1])) return 0;
  for (size_t i = c + 1; i < close; i++)
    if (s[i] == '[' || s[i] == ']' || s[i] == '\\' || (unsigned char)s[i] < 0x20) return 0;
  return 1; /* "[x]", or "[ ?]" (close is c + 3 only after a blank at c + 1) */
}

/* Whether the first content character at c, with the bytes before h unchanged, keeps the line
 * a paragraph's whatever follows h. `first`: the line is its paragraph's first. */
static int first_char_holds(const char *s, size_t c, size_t h, int first) {
  if (c >= h) return 0;
  char ch = s[c];
  if ((unsigned char)ch >= 0x80 || is_alpha(ch)) return 1;
  if (ch != '\0' && strchr("!\"$%&'(),./:;?@\\^{|}", ch) != NULL) return 1;
  if (ch == '[') return !first || task_form(s, c, h);
  size_t i = c;
  if (ch == '#') { /* "#tag", not "# heading" */
    while (i < h && s[i] == '#') i++;
    return i < h && !is_blank(s[i]);
  }
  if (is_digit(ch)) { /* "2024-05-01", not "1. item" */
    while (i < h && is_digit(s[i])) i++;
    if (i >= h) return 0;
    return (s[i] != '.' && s[i] != ')') || (i + 1 < h && !is_blank(s[i + 1]));
  }
  if (ch == '\0' || strchr("*-_+=", ch) == NULL) return 0;
  /* "**bold**", "-x": no list marker, and another character, so no break or underline (what
   * lies at or after h is not read: c + 1 < h is the bound of that read, not a rule) */
  if (c + 1 >= h || is_blank(s[c + 1])) return 0;
  for (i = c + 1; i < h; i++)
    if (s[i] != ch && !is_blank(s[i])) return 1;
  return 0;
}

/* An ATX heading line whose "#"s and the blank after them lie before h (c, where
 * content_start stopped, is never a blank: no "#"s, no blank after them). */
static int atx_holds(const char *s, size_t c, size_t h) {
  size_t i = c;
  while (i < h && s[i] == '#') i++;
  return i - c <= 6 && i < h && is_blank(s[i]);
}

static uint32_t note_line(const nl_lines *l, uint32_t body_line, int32_t line) {
  uint64_t n = (uint64_t)body_line + (uint64_t)(line > 0 ? line - 1 : 0);
  return n < l->n_lines ? (uint32_t)n : (uint32_t)(l->n_lines - 1);
}

static const char *line_text(const nl_lines *l, size_t line, size_t *n) {
  *n = nl_lines_line_end(l, line) - l->starts[line];
  return l->text + l->starts[line];
}

int nl_note_blocks_hold(const nl_note_blocks *blocks, const nl_lines *l, uint32_t body_line,
                        const nl_note_edit *edit, uint32_t prev_lines) {
  if (!blocks->valid || blocks->body_line != body_line || l->n_lines != prev_lines) return 0;
  if (edit->head == SIZE_MAX) return 1; /* the same text */
  if (edit->head > l->len) return 0;
  size_t tail = edit->tail < l->len - edit->head ? edit->tail : l->len - edit->head;
  size_t head = edit->head, end = l->len - tail;
  size_t line = nl_lines_line_of(l, head);
  if (end > nl_lines_line_end(l, line)) return 0;
  /* No block claims a line above the body: an edit in the frontmatter finds none below. */
  const nl_note_block *u = NULL;
  const nl_note_block *all = blocks->list.items;
  for (size_t i = 0; i < blocks->list.n; i++) {
    const nl_note_block *b = &all[i];
    if (note_line(l, body_line, b->start_line) > line || note_line(l, body_line, b->end_line) < line)
      continue;
    if (u != NULL) return 0; /* two blocks claim the line */
    u = b;
  }
  if (u == NULL || u->type == NL_NOTE_BLOCK_CODE) return 0;
  size_t n, h = head - l->starts[line];
  const char *s = line_text(l, line, &n);
  size_t c = content_start(s, n);
  uint32_t l0 = note_line(l, body_line, u->start_line);
  uint32_t l1 = note_line(l, body_line, u->end_line);
  if (u->type == NL_NOTE_BLOCK_HEADING && l0 == l1) return atx_holds(s, c, h);
  if (!first_char_holds(s, c, h, line == l0)) return 0;
  if (line == l0) return 1;
  /* A later line: the first may not open link reference definitions. */
  const char *f = line_text(l, l0, &n);
  c = content_start(f, n);
  return c < n && (f[c] != '[' || task_form(f, c, n));
}
