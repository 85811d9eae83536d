/* locate.c: see locate.h. */
#include "lsp/features/locate.h"

#include <string.h>

static int bpos_cmp(nl_bpos a, nl_bpos b) {
  if (a.line != b.line) return a.line < b.line ? -1 : 1;
  if (a.col != b.col) return a.col < b.col ? -1 : 1;
  return 0;
}

int nl_brange_contains(nl_brange r, nl_bpos pos, int inclusive) {
  if (bpos_cmp(pos, r.start) < 0) return 0;
  int c = bpos_cmp(pos, r.end);
  return c < 0 || (inclusive && c == 0);
}

/* Keeps the first element that contains pos strictly; one that merely ends at pos is kept
 * only as a fallback, so that in "[[A]][[B]]" the position between them is B's. */
typedef struct {
  nl_bpos pos;
  nl_loc strict, touch;
} finder;

static void consider(finder *f, nl_loc_kind kind, size_t index, nl_brange r) {
  if (f->strict.kind != NL_LOC_NONE) return;
  nl_loc loc = {kind, index, r, NULL};
  if (nl_brange_contains(r, f->pos, 0))
    f->strict = loc;
  else if (f->touch.kind == NL_LOC_NONE && nl_brange_contains(r, f->pos, 1))
    f->touch = loc;
}

static nl_brange mention_range(const nl_workspace *ws, const nl_entry *from, const nl_mention *m,
                               nl_entry **person) {
  size_t len = nl_mention_word_len(m);
  *person = NULL;
  if (ws != NULL) {
    size_t matched = 0;
    *person = nl_ws_resolve_mention(ws, from, m, &matched);
    if (matched > 0) len = matched;
  }
  nl_brange r = {m->at, {m->at.line, m->at.col + 1 + (uint32_t)len}};
  return r;
}

nl_loc_kind nl_locate(const nl_workspace *ws, const nl_entry *from, const nl_note *note,
                      nl_bpos pos, nl_loc *out) {
  finder f;
  memset(&f, 0, sizeof f);
  f.pos = pos;
  memset(out, 0, sizeof *out);
  if (note == NULL) return NL_LOC_NONE;

  for (size_t i = 0; i < note->n_links; i++) consider(&f, NL_LOC_LINK, i, nl_link_range(&note->links[i]));
  nl_entry *people[2] = {NULL, NULL}; /* the person of the strict and of the touching mention */
  for (size_t i = 0; i < note->n_mentions; i++) {
    nl_entry *person = NULL;
    const nl_mention *m = &note->mentions[i];
    if (m->at.line != pos.line || m->at.col > pos.col) continue; /* cheap reject first */
    nl_brange r = mention_range(ws, from, m, &person);
    int had_strict = f.strict.kind != NL_LOC_NONE, had_touch = f.touch.kind != NL_LOC_NONE;
    consider(&f, NL_LOC_MENTION, i, r);
    if (!had_strict && f.strict.kind != NL_LOC_NONE) people[0] = person;
    if (!had_touch && f.touch.kind != NL_LOC_NONE) people[1] = person;
  }
  for (size_t i = 0; i < note->n_tags; i++) consider(&f, NL_LOC_TAG, i, nl_note_tag_range(note, i));
  if (note->account != NULL) consider(&f, NL_LOC_ACCOUNT, 0, note->account->range);
  for (size_t i = 0; i < note->n_participants; i++)
    consider(&f, NL_LOC_PARTICIPANT, i, note->participants[i].range);
  if (note->type != NULL) consider(&f, NL_LOC_TYPE, 0, note->type->range);

  if (f.strict.kind != NL_LOC_NONE) {
    *out = f.strict;
    if (out->kind == NL_LOC_MENTION) out->person = people[0];
  } else if (f.touch.kind != NL_LOC_NONE) {
    *out = f.touch;
    if (out->kind == NL_LOC_MENTION) out->person = people[1];
  }
  return out->kind;
}
