/* fuzz-note.c: libFuzzer entry for nl_note_parse, built and run by ctest when clang has
 * libFuzzer (tests/fuzz.cmake). By hand:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I. tests/fuzz/fuzz-note.c lsp/note/note.c \
 *     lsp/note/scan.c lsp/note/frontmatter.c lsp/note/task.c lsp/note/date.c lsp/base/arena.c lsp/note/note_compact.c \
 *     lsp/note/mojibake.c lsp/base/unicode.c lsp/base/unicode_data.c -lcmark -lyaml -o fuzz-note
 *   ./fuzz-note -max_total_time=60 tests/vault-example
 * Besides crashes it checks what every consumer relies on: each range lies inside the note's
 * lines and starts before it ends, and the cross indexes (owners, task tags) are in bounds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lsp/note/note.h"
#include "lsp/note/task.h"

static const nl_note *note;
static uint32_t *line_len;
static const char *text;
static size_t *line_start;

static void check_pos(nl_bpos p) {
  if (p.line >= note->n_lines || p.col > line_len[p.line]) abort();
}

static void check_range(nl_brange r) {
  check_pos(r.start);
  check_pos(r.end);
  if (r.start.line > r.end.line || (r.start.line == r.end.line && r.start.col > r.end.col))
    abort();
}

static void check_note(void) {
  for (size_t i = 0; i < note->fm.n_entries; i++) {
    const nl_fm_entry *e = &note->fm.entries[i];
    if (e->key == NULL) abort();
    for (size_t j = 0; j < e->n_items; j++) {
      if (e->items[j].text == NULL) abort();
      check_range(e->items[j].range);
    }
  }
  if (note->fm.has_error) check_pos(note->fm.error_pos);
  for (size_t i = 0; i < note->n_headings; i++) {
    if (note->headings[i].text == NULL) abort();
    check_range(nl_heading_range(&note->headings[i]));
  }
  for (size_t i = 0; i < note->n_blocks; i++) check_range(note->blocks[i].range);
  for (size_t i = 0; i < note->n_links; i++) {
    const nl_link *l = &note->links[i];
    if (l->target == NULL) abort();
    check_range(nl_link_range(l));
    check_range(nl_link_target_range(l));
    check_range(nl_link_fragment_range(l));
  }
  for (size_t i = 0; i < note->n_tags; i++) {
    check_range(nl_note_tag_range(note, i));
    if (i > note->n_fm_tags && note->tags[i].line < note->tags[i - 1].line) abort(); /* nl_task_tags */
  }
  for (size_t i = 0; i < note->n_mentions; i++) {
    const nl_mention *m = &note->mentions[i];
    check_pos(m->at);
    if (i > 0 && m->at.line < note->mentions[i - 1].at.line) abort(); /* nl_task_owners */
    if (m->tail == NULL || nl_mention_word_len(m) > strlen(m->tail)) abort();
  }
  for (size_t i = 0; i < note->n_tasks; i++) {
    const nl_task *t = &note->tasks[i];
    check_range(nl_task_range(t, nl_task_status_cols(t)));
    check_range(nl_task_range(t, nl_task_text_cols(t)));
    if (t->description == NULL) abort();
    nl_task_layout lay;
    if (nl_task_layout_of(t, text + line_start[t->line], line_len[t->line], &lay) == 0) {
      const nl_col_span spans[] = {lay.description, lay.fields, lay.priority, lay.recurrence,
                                    lay.on_completion, lay.id, lay.depends, lay.block};
      for (size_t k = 0; k < sizeof(spans) / sizeof(spans[0]); k++)
        check_range(nl_task_range(t, spans[k]));
    }
    for (uint32_t k = 0; k < nl_task_n_depends_on(t); k++)
      if (nl_task_depends_on(t, k) == NULL || nl_task_depends_on(t, k)[0] == '\0') abort();
    if (t->symbol[0] == '\0') abort();
    /* Its owners are the mentions on its line, its tags the body's on its line. */
    uint32_t m0, n_owners = nl_task_owners(note, t, &m0), t0, n_tags = nl_task_tags(note, t, &t0);
    for (size_t k = 0; k < note->n_mentions; k++)
      if ((note->mentions[k].at.line == t->line) != (k >= m0 && k < (size_t)m0 + n_owners)) abort();
    for (size_t k = note->n_fm_tags; k < note->n_tags; k++)
      if ((note->tags[k].line == t->line) != (k >= t0 && k < (size_t)t0 + n_tags)) abort();
    for (uint8_t d = 0; d < t->n_dates; d++) {
      if (!t->dates[d].present || (d > 0 && t->dates[d].field <= t->dates[d - 1].field)) abort();
      check_range(nl_task_range(t, t->dates[d].range));
      check_range(nl_task_date_value(t, &t->dates[d]));
    }
  }
  for (size_t i = 0; i < note->n_code; i++) {
    check_range(note->code[i]);
    if (i > 0 && (note->code[i].start.line < note->code[i - 1].end.line ||
                  (note->code[i].start.line == note->code[i - 1].end.line &&
                   note->code[i].start.col < note->code[i - 1].end.col)))
      abort(); /* in document order, without overlap */
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  nl_note *n = nl_note_parse((const char *)data, size);
  if (n == NULL) return 0;
  /* Line lengths as the parser defines them, computed independently. */
  const char *t = (const char *)data;
  size_t len = size;
  if (len >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0) t += 3, len -= 3;
  line_len = calloc(len + 1, sizeof(*line_len));
  line_start = calloc(len + 1, sizeof(*line_start));
  text = t;
  uint32_t line = 0, col = 0;
  for (size_t i = 0; i < len; i++) {
    if (t[i] == '\r' || t[i] == '\n') {
      line_start[line + 1] = i + 1 + (t[i] == '\r' && i + 1 < len && t[i + 1] == '\n');
      line_len[line++] = col;
      col = 0;
      if (t[i] == '\r' && i + 1 < len && t[i + 1] == '\n') i++;
    } else {
      col++;
    }
  }
  line_len[line++] = col;
  if (line != n->n_lines) abort();
  note = n;
  check_note();
  /* The index keeps every note compacted: the moved note must hold up the same way. */
  if (nl_note_compact(n) != 0) abort();
  check_note();
  free(line_len);
  free(line_start);
  nl_note_free(n);
  return 0;
}
