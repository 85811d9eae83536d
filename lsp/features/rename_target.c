/* rename_target.c: what the cursor is on for textDocument/prepareRename and rename: a link's
 * note, heading or block, a mention, a frontmatter person or account, a tag, or the note's own
 * title, heading or block id. */
#include <string.h>

#include "lsp/features/locate.h"
#include "lsp/features/nav_match.h"
#include "lsp/features/nav_util.h"
#include "lsp/features/rename_target.h"

static int in_range(nl_brange r, nl_bpos p) { return nl_brange_contains(r, p, 1); }

/* The part of a fragment range after its last '#' (nested headings "A#B" rename B). */
nl_brange nl_rename_last_fragment(const nl_edits_file *f, nl_brange r) {
  size_t len;
  const char *line = nl_edits_line(f, r.start.line, &len);
  for (uint32_t c = r.end.col; c > r.start.col; c--)
    if (c - 1 < len && line[c - 1] == '#') {
      r.start.col = c;
      break;
    }
  return r;
}

/* A link's `#heading` or `#^block` fragment: the heading or block id in the linked note. */
static void fragment_target(nl_edits *s, const nl_edits_file *self, const nl_link *l,
                            nl_entry *to, nl_rename_target *t) {
  int block = nl_link_block(l) != NULL;
  nl_edits_file *tf = nl_edits_file_of(s, to);
  const nl_block_id *b = block && tf != NULL ? nl_nav_find_block(tf->note, nl_link_block(l)) : NULL;
  const nl_heading *h =
      !block && tf != NULL ? nl_nav_find_heading(tf->note, nl_link_heading(l)) : NULL;
  if (b == NULL && h == NULL) {
    t->why = block ? "the block id is not in the linked note" : "the heading is not in the linked note";
    return;
  }
  t->kind = block ? NL_RENAME_BLOCK : NL_RENAME_HEADING;
  t->note = to;
  t->name = block ? b->id : h->text;
  t->range = block ? nl_link_fragment_range(l) : nl_rename_last_fragment(self, nl_link_fragment_range(l));
  if (block) t->range.start.col++; /* after '^' */
}

static void link_target(nl_edits *s, nl_edits_file *self, const nl_link *l, nl_bpos pos,
                        nl_rename_target *t) {
  const nl_workspace *ws = s->ctx->ws;
  nl_entry *to = *l->target == '\0' ? (nl_entry *)self->e
                                     : nl_ws_resolve(ws, self->e,
                                                     l->target, strlen(l->target), NULL);
  if (to == NULL) to = nl_ws_resolve_kind(ws, self->e, NL_KIND_PERSON, l->target, strlen(l->target));
  if (to == NULL) to = nl_ws_resolve_kind(ws, self->e, NL_KIND_ACCOUNT, l->target, strlen(l->target));
  if (to == NULL) {
    t->why = "the link does not name a note in the vault";
    return;
  }
  int on_fragment = in_range(nl_link_fragment_range(l), pos) || *l->target == '\0';
  if (on_fragment && (nl_link_block(l) != NULL || nl_link_heading(l) != NULL)) {
    fragment_target(s, self, l, to, t);
    return;
  }
  if (*l->target == '\0') return;
  t->kind = NL_RENAME_NOTE;
  t->note = to;
  t->range = nl_link_target_range(l);
}

/* A heading or block id of the note itself under the cursor, or its title. */
static void own_target(nl_edits_file *self, nl_bpos pos, nl_rename_target *t) {
  const nl_note *n = self->note;
  for (size_t i = 0; i < n->n_blocks; i++)
    if (in_range(n->blocks[i].range, pos)) {
      t->kind = NL_RENAME_BLOCK;
      t->note = (nl_entry *)self->e;
      t->name = n->blocks[i].id;
      t->range = n->blocks[i].range;
      t->range.start.col++;
      return;
    }
  if (n->title != NULL && in_range(n->title->range, pos)) {
    t->kind = NL_RENAME_NOTE;
    t->note = (nl_entry *)self->e;
    t->range = n->title->range;
    return;
  }
  for (size_t i = 0; i < n->n_headings; i++) {
    const nl_heading *h = &n->headings[i];
    if (pos.line < h->line || pos.line > h->end_line) continue;
    nl_brange r;
    if (nl_edits_heading_text(self, h, &r) != 0) {
      t->why = "a heading over several lines cannot be renamed";
      return;
    }
    /* The first level-1 heading is the note's title: renaming it renames the note. */
    int title = h->level == 1 && nl_edits_title_heading(n) == h;
    t->kind = title ? NL_RENAME_NOTE : NL_RENAME_HEADING;
    t->note = (nl_entry *)self->e;
    t->name = h->text;
    t->range = r;
    return;
  }
}

void nl_rename_target_find(nl_edits *s, nl_edits_file *self, nl_bpos pos, nl_rename_target *t) {
  memset(t, 0, sizeof *t);
  const nl_workspace *ws = s->ctx->ws;
  const nl_note *n = self->note;
  nl_loc loc;
  nl_locate(ws, self->e, n, pos, &loc);
  switch (loc.kind) {
  case NL_LOC_LINK:
    link_target(s, self, &n->links[loc.index], pos, t);
    return;
  case NL_LOC_MENTION:
    if (loc.person == NULL) {
      t->why = "the mention does not name a person in the vault";
      return;
    }
    t->kind = NL_RENAME_NOTE;
    t->note = loc.person;
    t->range = loc.range;
    t->range.start.col++; /* after '@' */
    return;
  case NL_LOC_ACCOUNT:
  case NL_LOC_PARTICIPANT: {
    const nl_fm_scalar *v = loc.kind == NL_LOC_ACCOUNT ? n->account : &n->participants[loc.index];
    nl_kind kind = loc.kind == NL_LOC_ACCOUNT ? NL_KIND_ACCOUNT : NL_KIND_PERSON;
    t->note = nl_ws_resolve_kind(ws, self->e, kind, v->text, strlen(v->text));
    if (t->note == NULL) {
      t->why = loc.kind == NL_LOC_ACCOUNT ? "the account is not a note in the vault"
                                          : "the participant is not a note in the vault";
      return;
    }
    t->kind = NL_RENAME_NOTE;
    t->range = v->range;
    return;
  }
  case NL_LOC_TAG: {
    const nl_tag *tag = &n->tags[loc.index];
    nl_brange r = nl_note_tag_range(n, loc.index);
    size_t len;
    const char *line = nl_edits_line(self, r.start.line, &len);
    t->kind = NL_RENAME_TAG;
    t->name = tag->name;
    t->range = r;
    if (r.start.col < len && line[r.start.col] == '#') t->range.start.col++;
    t->range.end.col = t->range.start.col + (uint32_t)strlen(tag->name);
    return;
  }
  case NL_LOC_TYPE:
  case NL_LOC_NONE:
    own_target(self, pos, t);
    return;
  }
}

