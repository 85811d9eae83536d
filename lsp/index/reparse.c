/* reparse.c: a note parsed again from new text (an edit, a file changed on disk) goes into the
 * index. Most edits (typing inside a task, a paragraph) change nothing the index's maps are
 * keyed by nor the note's face (what other notes' diagnostics read of it): the new parse then
 * takes the old one's place with only its task and symbol rows renewed (they hold the parse's
 * tasks and strings), and no key is computed, removed or added again. */
#include "lsp/index/workspace_impl.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lsp/index/diagnose.h"

static int same_str(const char *a, const char *b) {
  return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static int same_scalar(const nl_fm_scalar *a, const nl_fm_scalar *b) {
  return (a == NULL) == (b == NULL) && (a == NULL || strcmp(a->text, b->text) == 0);
}

/* Whether notes a and b give the reference maps (backlinks.c: index_refs) the same keys, in
 * the same order: tags, link targets, the first word of each mention, the frontmatter's
 * account and participants; and the same type (so the same kind). */
static int same_ref_keys(const nl_note *a, const nl_note *b) {
  if (a->n_tags != b->n_tags || a->n_links != b->n_links || a->n_mentions != b->n_mentions ||
      a->n_participants != b->n_participants || !same_scalar(a->account, b->account) ||
      !same_scalar(a->type, b->type))
    return 0;
  for (uint32_t i = 0; i < a->n_tags; i++)
    if (strcmp(a->tags[i].name, b->tags[i].name) != 0) return 0;
  for (uint32_t i = 0; i < a->n_links; i++)
    if (!same_str(a->links[i].target, b->links[i].target)) return 0;
  for (uint32_t i = 0; i < a->n_mentions; i++) {
    const nl_mention *x = &a->mentions[i], *y = &b->mentions[i];
    size_t wl = nl_mention_word_len(x);
    if (wl != nl_mention_word_len(y) || (x->tail == NULL) != (y->tail == NULL) ||
        (x->tail != NULL && memcmp(x->tail, y->tail, wl) != 0))
      return 0;
  }
  for (uint32_t i = 0; i < a->n_participants; i++)
    if (strcmp(a->participants[i].text, b->participants[i].text) != 0) return 0;
  return 1;
}

int nl_wsi_put_same_keys(nl_workspace *ws, nl_entry *e, nl_note *note, int open) {
  /* The same type (same_ref_keys) is the same kind: then the same face is the same names,
   * headings and block ids (nl_diag_same_face). */
  if (e->note == NULL || !same_ref_keys(e->note, note) || !nl_diag_same_face(e->note, note))
    return 0;
  nl_wsi_task_rows(ws, e, 0);
  nl_wsi_symbol_rows(ws, e, 0);
  nl_note *old = e->note;
  e->note = note;
  e->open = open;
  nl_wsi_set_seq(ws, e, ++ws->seq); /* the name rows stay, with the recency they rank by */
  nl_wsi_task_rows(ws, e, 1);
  nl_wsi_symbol_rows(ws, e, 1);
  if (!open) nl_wsi_face_touched(ws, e, NULL); /* its own problems may have changed on disk */
  nl_note_free(old);
  return 1;
}

/* The line of the new text (line table l) that holds the edit's bytes, or -1 when they reach
 * over a line end (or follow a CR, which the edit may join to a LF) or l is NULL; INT64_MAX
 * for the same text. */
static int64_t edited_line(const nl_lines *l, const nl_note_edit *edit) {
  if (edit->head == SIZE_MAX) return INT64_MAX;
  if (l == NULL || edit->head > l->len) return -1;
  size_t tail = edit->tail < l->len - edit->head ? edit->tail : l->len - edit->head;
  if (edit->head > 0 && l->text[edit->head - 1] == '\r') return -1;
  size_t line = nl_lines_line_of(l, edit->head);
  return l->len - tail > nl_lines_line_end(l, line) ? -1 : (int64_t)line;
}

nl_entry *nl_ws_update_ex(nl_workspace *ws, const char *abs, const char *text, size_t len,
                          int open, const nl_entry *was, nl_note_edit *edit) {
  if (nl_ws_root_of(ws, abs) < 0) return NULL;
  /* compacted by the parse */
  nl_note *note = nl_note_parse_ex(text, len, was != NULL ? was->note : NULL, edit);
  if (note == NULL) return NULL;
  if (edit != NULL) {
    const nl_lines *table = edit->lines;
    if (table != NULL && (table->text != text || table->len != len)) table = NULL; /* not this text's */
    int64_t line = was != NULL && was->note != NULL ? edited_line(table, edit) : -1;
    uint32_t l = line == INT64_MAX ? UINT32_MAX : (uint32_t)line;
    edit->same_but_line = line >= 0 && nl_diag_same_but_line(was->note, note, l);
    edit->line = l;
  }
  ws->scan_stale |= !open && ws->vscan != NULL;
  nl_entry *e = nl_wsi_put_note(ws, abs, note, open);
  nl_wsi_changed(ws);
  return e;
}

nl_entry *nl_ws_update(nl_workspace *ws, const char *abs, const char *text, size_t len,
                       int open) {
  return nl_ws_update_ex(ws, abs, text, len, open, NULL, NULL);
}
