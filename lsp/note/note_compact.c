/* nl_note_compact: re-homes a parsed note in one exact-size block. Every pointer field of
 * nl_note (note.h) is visited by nl_note_each_pointer; a field added to note.h must be added
 * there too (the test in tests/test-note-compact.c compares a compacted note with a fresh
 * parse). */
#include "lsp/note/note.h"

#define MOVE(field) ((field) = fn(ud, (field)))

void nl_note_each_pointer(nl_note *n, nl_note_pointer_fn fn, void *ud) {
  MOVE(n->fm.entries);
  MOVE(n->fm.error_message);
  for (size_t i = 0; i < n->fm.n_entries; i++) {
    nl_fm_entry *e = &n->fm.entries[i];
    MOVE(e->key);
    MOVE(e->items);
    for (size_t j = 0; j < e->n_items; j++) MOVE(e->items[j].text);
  }
  MOVE(n->type);
  MOVE(n->title);
  MOVE(n->account);
  MOVE(n->date);
  MOVE(n->aliases);
  MOVE(n->participants);
  MOVE(n->headings);
  for (size_t i = 0; i < n->n_headings; i++) MOVE(n->headings[i].text);
  MOVE(n->blocks);
  for (size_t i = 0; i < n->n_blocks; i++) MOVE(n->blocks[i].id);
  MOVE(n->links);
  for (size_t i = 0; i < n->n_links; i++) {
    nl_link *l = &n->links[i];
    MOVE(l->target);
    MOVE(l->heading);
    MOVE(l->block);
    MOVE(l->alias);
  }
  MOVE(n->tags);
  for (size_t i = 0; i < n->n_tags; i++) MOVE(n->tags[i].name);
  MOVE(n->mentions);
  for (size_t i = 0; i < n->n_mentions; i++) MOVE(n->mentions[i].tail);
  MOVE(n->tasks);
  for (size_t i = 0; i < n->n_tasks; i++) {
    nl_task *t = &n->tasks[i];
    MOVE(t->description);
    MOVE(t->dates);
    MOVE(t->recurrence);
    MOVE(t->id);
    MOVE(t->block_id);
    MOVE(t->depends_on);
    for (uint32_t j = 0; j < t->n_depends_on; j++) MOVE(t->depends_on[j]);
  }
  MOVE(n->code);
  MOVE(n->wide);
  MOVE(n->cols);
}

static void *moved(void *ud, const void *p) { return nl_arena_moved(ud, p); }

int nl_note_compact_ex(nl_note *n, nl_arena *spare) {
  nl_arena_moves mv;
  if (nl_arena_compact(&n->arena, &mv) != 0) return -1;
  if (mv.moves == NULL) return 0;
  nl_note_each_pointer(n, moved, &mv);
  if (spare != NULL) nl_arena_moves_recycle(&mv, spare);
  else nl_arena_moves_free(&mv);
  return 0;
}

int nl_note_compact(nl_note *n) { return nl_note_compact_ex(n, NULL); }
