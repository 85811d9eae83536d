/* rename.c: textDocument/prepareRename and textDocument/rename.
 *
 * What is renamed is what the cursor is on: a note (a link to it, an @mention of a person, a
 * frontmatter `account:` or `participants:` value, its level-1 title heading or its `title:`),
 * a heading (the heading itself or a `#Heading` link fragment), a block id (`^id` or a `#^id`
 * fragment) or a tag (`#tag` or a frontmatter `tags:` item).
 *
 * Every edit is computed from a fresh parse of the exact bytes it applies to: the open
 * document's text, else the file as it is on disk now (the index may lag behind the disk), and
 * converted to the client's positions with that same text. A rename that cannot be done cleanly
 * (a name that collides, an invalid file name, a client that cannot rename files) is refused
 * with a RequestFailed error that says why, and no edit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "lsp/base/path.h"
#include "lsp/features/features.h"
#include "lsp/features/locate.h"
#include "lsp/features/nav_match.h"
#include "lsp/features/nav_util.h"
#include "lsp/features/edits.h"
#include "lsp/features/new_note.h"
#include "lsp/features/rename_target.h"
#include "lsp/index/link_writer.h"
#include "protocol/lsp_types.h"
#include "protocol/rpc.h"

/* ---- names ------------------------------------------------------------------------------- */

/* Why `name` cannot be a note's file name (static), or NULL: Obsidian refuses the characters
 * a link could not name and the ones file systems reject. */
static const char *bad_note_name(const char *name, size_t len) {
  if (len == 0) return "the name is empty";
  if (len > 240) return "the name is longer than 240 bytes";
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)name[i];
    if (c < 0x20 || c == 0x7F) return "it contains a control character";
    if (strchr("/\\:*?\"<>|#^[]", c) != NULL)
      return "it contains one of / \\ : * ? \" < > | # ^ [ ]";
  }
  if (name[0] == '.') return "it starts with '.'";
  if (name[len - 1] == ' ' || name[len - 1] == '.') return "it ends with a space or '.'";
  return NULL;
}

/* Trims blanks around s in place; returns its new length. */
static size_t trim(const char **s) {
  size_t len = strlen(*s);
  while (len > 0 && (**s == ' ' || **s == '\t')) (*s)++, len--;
  while (len > 0 && ((*s)[len - 1] == ' ' || (*s)[len - 1] == '\t')) len--;
  return len;
}

static int ends_md(const char *s, size_t len) { return len >= 3 && strncasecmp(s + len - 3, ".md", 3) == 0; }

/* A frontmatter value rewritten to `text`: inside its quotes when quoted (escaped for them),
 * plain when YAML reads the plain form back unchanged, else double-quoted. */
static void fm_value_edit(nl_edits *s, nl_edits_file *f, const nl_fm_scalar *v, const char *text) {
  size_t ll;
  const char *line = nl_edits_line(f, v->range.start.line, &ll);
  if (v->range.start.line != v->range.end.line || v->range.end.col > ll) return;
  char q = v->range.start.col > 0 ? line[v->range.start.col - 1] : 0;
  if (q != '"' && q != '\'') q = 0;
  size_t tl = strlen(text);
  char *out = malloc(2 * tl + 3);
  if (out == NULL) {
    s->oom = 1;
    return;
  }
  if (q == 0) {
    nl_new_note_yaml_scalar(text, out, 2 * tl + 3);
  } else {
    size_t n = 0;
    for (size_t i = 0; i < tl; i++) {
      if (q == '\'' && text[i] == '\'') out[n++] = '\'';
      if (q == '"' && (text[i] == '"' || text[i] == '\\')) out[n++] = '\\';
      out[n++] = text[i];
    }
    out[n] = '\0';
  }
  nl_edits_add(s, f, v->range, out, strlen(out));
  free(out);
}

/* The slug form of a name for `account/<slug>` tags: blanks to '-', only tag characters, and
 * lowercase when the slug it replaces was. */
static size_t tag_slug(const char *name, int lower, char *out, size_t cap) {
  size_t n = 0;
  for (size_t i = 0; name[i] != '\0' && n + 1 < cap; i++) {
    unsigned char c = (unsigned char)name[i];
    if (c == ' ' || c == '\t') {
      if (n > 0 && out[n - 1] != '-') out[n++] = '-';
    } else if (c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-' ||
               c == '_') {
      out[n++] = (char)c;
    } else if (c >= 'A' && c <= 'Z') {
      out[n++] = lower ? (char)(c + 32) : (char)c;
    }
  }
  out[n] = '\0';
  return n;
}

/* Whether two names are the same slug: equal ignoring case, blanks, '-' and '_'. */
static int same_slug(const char *a, size_t alen, const char *b, size_t blen) {
  char x[512], y[512];
  size_t n = 0, m = 0;
  for (size_t i = 0; i < alen && n + 1 < sizeof x; i++)
    if (strchr(" \t-_", a[i]) == NULL) x[n++] = a[i];
  for (size_t i = 0; i < blen && m + 1 < sizeof y; i++)
    if (strchr(" \t-_", b[i]) == NULL) y[m++] = b[i];
  return nl_nav_same_name(x, n, y, m);
}

/* ---- renaming a note --------------------------------------------------------------------- */

typedef struct {
  nl_edits *s;
  const nl_entry *e;    /* the note renamed */
  const char *old_name; /* its file name */
  const char *new_name; /* NUL-terminated, trimmed, no ".md" */
  const char *new_rel;  /* its vault path after the rename */
} note_rename;

/* A link to the note written with its file name gets the note's new path, written in the
 * vault's newLinkFormat (link_writer.h) in the link's own kind (a wikilink stays one, a
 * markdown link too, with or without its ".md"); the fragment and the display text stay. A
 * link by title or alias still resolves and stays as it is. */
static void link_edit(const note_rename *nr, nl_edits_file *f, const nl_link *l) {
  size_t len;
  const char *raw = nl_edits_slice(f, nl_link_target_range(l), &len);
  if (raw == NULL) return;
  const char *t = l->target, *base = strrchr(t, '/');
  base = base ? base + 1 : t;
  size_t blen = strlen(base);
  if (ends_md(base, blen)) blen -= 3;
  if (!nl_nav_same_name(base, blen, nr->old_name, strlen(nr->old_name))) return;
  nl_link_dest d = {0};
  d.from_rel = f->e->rel;
  d.to_rel = nr->new_rel;
  d.format = nl_config_at(nl_ws_config(nr->s->ctx->ws), f->e->abs)->link_format;
  d.markdown = l->kind == NL_LINK_MARKDOWN;
  d.angle = d.markdown && l->target_cols.a > 0 && raw[-1] == '<';
  d.md_ext = ends_md(t, strlen(t)) ? 1 : -1;
  /* d.reaches stays NULL: no other note has the new name (rename_note refuses that), so the
   * name alone, and every path, reaches the note. */
  char *path = nl_link_path(&d);
  if (path == NULL) {
    nr->s->oom = 1;
    return;
  }
  nl_edits_replace(nr->s, f, nl_link_target_range(l), path, strlen(path));
  free(path);
}

/* Tag `which` of f's note. */
static void tag_edit(const note_rename *nr, nl_edits_file *f, size_t which) {
  static const char prefix[] = "account/";
  const size_t pl = sizeof prefix - 1;
  const char *name = f->note->tags[which].name;
  if (strncasecmp(name, prefix, pl) != 0) return;
  if (nl_ws_resolve_account_tag(nr->s->ctx->ws, f->e, name, strlen(name)) != nr->e) return;
  const char *slug = name + pl;
  size_t sl = strlen(slug);
  if (!same_slug(slug, sl, nr->old_name, strlen(nr->old_name))) return;
  size_t ll;
  nl_brange r = nl_note_tag_range(f->note, which);
  const char *line = nl_edits_line(f, r.start.line, &ll);
  if (r.start.col < ll && line[r.start.col] == '#') r.start.col++;
  r.start.col += (uint32_t)pl;
  r.end.col = r.start.col + (uint32_t)sl;
  size_t len;
  const char *raw = nl_edits_slice(f, r, &len);
  if (raw == NULL || memcmp(raw, slug, sl) != 0) return;
  int lower = 1;
  for (size_t i = 0; i < sl; i++) lower &= !(slug[i] >= 'A' && slug[i] <= 'Z');
  char out[512];
  size_t n = tag_slug(nr->new_name, lower, out, sizeof out);
  if (n > 0) nl_edits_add(nr->s, f, r, out, n);
}

/* Every reference to the renamed note in note f. */
static void note_edits(const note_rename *nr, nl_edits_file *f) {
  const nl_workspace *ws = nr->s->ctx->ws;
  const nl_note *n = f->note;
  const nl_entry *e = nr->e;
  size_t on = strlen(nr->old_name);
  for (size_t i = 0; i < n->n_links; i++) {
    const nl_link *l = &n->links[i];
    if (*l->target == '\0') continue;
    if (nl_ws_resolve(ws, f->e, l->target, strlen(l->target),
                      NULL) == e)
      link_edit(nr, f, l);
  }
  for (size_t i = 0; e->kind == NL_KIND_PERSON && i < n->n_mentions; i++) {
    const nl_mention *m = &n->mentions[i];
    size_t ml = 0;
    if (nl_ws_resolve_mention(ws, f->e, m, &ml) != e || !nl_nav_same_name(m->tail, ml, nr->old_name, on))
      continue;
    nl_brange r = {{m->at.line, m->at.col + 1}, {m->at.line, m->at.col + 1 + (uint32_t)ml}};
    nl_edits_add(nr->s, f, r, nr->new_name, strlen(nr->new_name));
  }
  const nl_fm_scalar *values = NULL;
  size_t n_values = 0;
  if (e->kind == NL_KIND_ACCOUNT && n->account != NULL) values = n->account, n_values = 1;
  if (e->kind == NL_KIND_PERSON) values = n->participants, n_values = n->n_participants;
  for (size_t i = 0; i < n_values; i++) {
    const char *v = values[i].text;
    if (nl_nav_same_name(v, strlen(v), nr->old_name, on) &&
        nl_ws_resolve_kind(ws, f->e, e->kind, v, strlen(v)) == e)
      fm_value_edit(nr->s, f, &values[i], nr->new_name);
  }
  for (size_t i = 0; e->kind == NL_KIND_ACCOUNT && i < n->n_tags; i++) tag_edit(nr, f, i);
  if (f->e != e) return;
  /* The note's own title and title heading follow the name when they were the name. */
  if (n->title != NULL && nl_nav_same_name(n->title->text, strlen(n->title->text), nr->old_name, on))
    fm_value_edit(nr->s, f, n->title, nr->new_name);
  const nl_heading *h = nl_edits_title_heading(n);
  nl_brange r;
  if (h != NULL && nl_nav_same_name(h->text, strlen(h->text), nr->old_name, on) &&
      nl_edits_heading_text(f, h, &r) == 0)
    nl_edits_add(nr->s, f, r, nr->new_name, strlen(nr->new_name));
}

static void mark(uint8_t *seen, uint32_t id) { seen[id / 8] |= (uint8_t)(1u << (id % 8)); }

/* The notes that may refer to e, from the index: backlinks, mentions, frontmatter values and
 * account tags. Each is then read afresh and checked element by element. */
static uint8_t *candidates(const nl_workspace *ws, const nl_entry *e) {
  uint8_t *seen = calloc(nl_ws_id_limit(ws) / 8 + 1, 1);
  if (seen == NULL) return NULL;
  mark(seen, e->id);
  nl_ref *refs;
  ptrdiff_t n = nl_ws_backlinks(ws, e, &refs);
  for (ptrdiff_t i = 0; i < n; i++) mark(seen, refs[i].from);
  if (n > 0) free(refs);
  if (e->kind == NL_KIND_PERSON) {
    n = nl_ws_mentions_of(ws, e, &refs);
    for (ptrdiff_t i = 0; i < n; i++) mark(seen, refs[i].from);
    if (n > 0) free(refs);
  }
  if (e->kind != NL_KIND_PERSON && e->kind != NL_KIND_ACCOUNT) return seen;
  for (uint32_t id = 0; id < nl_ws_id_limit(ws); id++) {
    const nl_entry *o = nl_ws_get(ws, id);
    if (o == NULL) continue;
    const nl_note *on = o->note;
    int hit = 0;
    if (e->kind == NL_KIND_ACCOUNT && on->account != NULL)
      hit = nl_ws_resolve_kind(ws, o, NL_KIND_ACCOUNT, on->account->text,
                               strlen(on->account->text)) == e;
    for (size_t i = 0; !hit && e->kind == NL_KIND_PERSON && i < on->n_participants; i++)
      hit = nl_ws_resolve_kind(ws, o, NL_KIND_PERSON, on->participants[i].text,
                               strlen(on->participants[i].text)) == e;
    for (size_t i = 0; !hit && e->kind == NL_KIND_ACCOUNT && i < on->n_tags; i++)
      hit = nl_ws_resolve_account_tag(ws, o, on->tags[i].name, strlen(on->tags[i].name)) == e;
    if (hit) mark(seen, id);
  }
  return seen;
}

static int heading_links(nl_edits *s, const nl_entry *t, const nl_note *target,
                         const nl_heading *h, const char *text);

/* The note's new path beside the old one; new (free()), NULL when out of memory. */
static char *sibling_path(const char *abs, const char *name) {
  const char *slash = strrchr(abs, '/');
  size_t dir = slash != NULL ? (size_t)(slash - abs) : 0;
  size_t cap = dir + strlen(name) + 5;
  char *out = malloc(cap);
  if (out != NULL) snprintf(out, cap, "%.*s/%s.md", (int)dir, abs, name);
  return out;
}

static int refuse(char *err, size_t err_size, const char *fmt, const char *a, const char *b) {
  snprintf(err, err_size, fmt, a, b);
  return NL_RPC_REQUEST_FAILED;
}

/* Another note of e's vault (its workspace folder) already named `name`, or NULL. */
static const nl_entry *name_taken(const nl_workspace *ws, const nl_entry *e, const char *name) {
  nl_entry *found[16];
  size_t n = nl_ws_resolve_all(ws, e, name, strlen(name), found, 16);
  for (size_t i = 0; i < n && i < 16; i++)
    if (found[i] != e && nl_nav_same_name(found[i]->name, strlen(found[i]->name), name,
                                          strlen(name)))
      return found[i];
  return NULL;
}

static int rename_note(nl_edits *s, const nl_entry *e, const char *new_name, char *err,
                       size_t err_size) {
  const nl_ctx *ctx = s->ctx;
  size_t len = trim(&new_name);
  if (ends_md(new_name, len)) len -= 3;
  char name[512];
  if (len >= sizeof name) return refuse(err, err_size, "invalid note name: %s%s", "it is too long", "");
  memcpy(name, new_name, len);
  name[len] = '\0';
  const char *why = bad_note_name(name, len);
  if (why != NULL) return refuse(err, err_size, "invalid note name \"%s\": %s", name, why);
  if (strcmp(name, e->name) == 0) return 0; /* nothing changes */
  const nl_entry *other = name_taken(ctx->ws, e, name);
  if (other != NULL)
    return refuse(err, err_size, "a note named \"%s\" already exists: %s", name, other->rel);
  if (ctx->caps == NULL || !ctx->caps->document_changes || !ctx->caps->rename_files)
    return refuse(err, err_size, "cannot rename %s: %s", e->rel,
                  "the client does not support renaming files "
                  "(workspace.workspaceEdit.resourceOperations \"rename\")");
  char *abs = sibling_path(e->abs, name);
  char *uri = abs != NULL ? nl_path_to_uri(abs) : NULL;
  struct stat st;
  if (abs != NULL && strcasecmp(abs, e->abs) != 0 && stat(abs, &st) == 0) {
    int rc = refuse(err, err_size, "a file already exists at %s%s", abs, "");
    free(abs);
    free(uri);
    return rc;
  }
  uint8_t *seen = uri != NULL ? candidates(ctx->ws, e) : NULL;
  if (seen == NULL) {
    free(abs);
    free(uri);
    snprintf(err, err_size, "out of memory");
    return NL_RPC_INTERNAL_ERROR;
  }
  size_t dir = nl_path_dir_len(e->rel);
  char *new_rel = malloc(dir + len + 5);
  if (new_rel == NULL) {
    free(seen);
    free(abs);
    free(uri);
    snprintf(err, err_size, "out of memory");
    return NL_RPC_INTERNAL_ERROR;
  }
  snprintf(new_rel, dir + len + 5, "%.*s%s%s.md", (int)dir, e->rel, dir ? "/" : "", name);
  note_rename nr = {s, e, e->name, name, new_rel};
  for (uint32_t id = 0; id < nl_ws_id_limit(ctx->ws); id++) {
    if (!((seen[id / 8] >> (id % 8)) & 1)) continue;
    nl_edits_file *f = nl_edits_file_of(s, nl_ws_get(ctx->ws, id));
    if (f != NULL) note_edits(&nr, f);
  }
  /* A title heading that was the name follows it (note_edits), and so do the links to it. */
  nl_edits_file *self = nl_edits_file_of(s, e);
  const nl_heading *title = self != NULL ? nl_edits_title_heading(self->note) : NULL;
  if (title != NULL && nl_nav_same_name(title->text, strlen(title->text), e->name, strlen(e->name)) &&
      heading_links(s, e, self->note, title, name) != 0)
    s->oom = 1;
  /* The text edits of the note itself name its old URI: the rename comes after them. */
  nl_edits_rename_file(s, e->uri, uri);
  free(new_rel);
  free(seen);
  free(abs);
  free(uri);
  return 0;
}

/* ---- renaming a heading or a block id ---------------------------------------------------- */

/* The note a link in f points to (f's own note for "[[#...]]"), or NULL. */
static const nl_entry *link_note(const nl_workspace *ws, const nl_edits_file *f, const nl_link *l) {
  if (*l->target == '\0') return f->e;
  return nl_ws_resolve(ws, f->e, l->target, strlen(l->target), NULL);
}

/* Calls fn for every link in the vault to note t (t's own same-note links included), each in a
 * fresh parse of its note. */
static int each_link_to(nl_edits *s, const nl_entry *t,
                        void (*fn)(nl_edits *s, nl_edits_file *f, const nl_link *l, void *ud),
                        void *ud) {
  const nl_workspace *ws = s->ctx->ws;
  uint8_t *seen = calloc(nl_ws_id_limit(ws) / 8 + 1, 1);
  if (seen == NULL) return -1;
  mark(seen, t->id);
  nl_ref *refs;
  ptrdiff_t n = nl_ws_backlinks(ws, t, &refs);
  for (ptrdiff_t i = 0; i < n; i++) mark(seen, refs[i].from);
  if (n > 0) free(refs);
  for (uint32_t id = 0; id < nl_ws_id_limit(ws); id++) {
    if (!((seen[id / 8] >> (id % 8)) & 1)) continue;
    nl_edits_file *f = nl_edits_file_of(s, nl_ws_get(ws, id));
    for (size_t i = 0; f != NULL && i < f->note->n_links; i++)
      if (link_note(ws, f, &f->note->links[i]) == t) fn(s, f, &f->note->links[i], ud);
  }
  free(seen);
  return 0;
}

typedef struct {
  const nl_note *target;  /* the fresh parse of the note holding the heading */
  const nl_heading *h;    /* the heading renamed, in target */
  const char *new_text;
  const char *old_slug;   /* h's anchor (nl_note_slug) */
  const char *new_slug;
} heading_rename;

static void heading_link_edit(nl_edits *s, nl_edits_file *f, const nl_link *l, void *ud) {
  const heading_rename *hr = ud;
  const char *heading = nl_link_heading(l);
  if (heading == NULL || nl_nav_find_heading(hr->target, heading) != hr->h) return;
  nl_brange r = nl_rename_last_fragment(f, nl_link_fragment_range(l));
  size_t len;
  const char *raw = nl_edits_slice(f, r, &len);
  if (raw == NULL) return;
  const char *text = hr->new_text;
  char *enc = NULL;
  if (l->kind == NL_LINK_MARKDOWN) {
    /* A markdown fragment names the heading by its slug ("#open-questions") or encoded text. */
    int slug = len == strlen(hr->old_slug) && strncasecmp(raw, hr->old_slug, len) == 0;
    if (slug) text = hr->new_slug;
    else text = enc = nl_link_encode(text, strlen(text));
  }
  if (text == NULL) {
    s->oom = 1;
    return;
  }
  nl_edits_add(s, f, r, text, strlen(text));
  free(enc);
}

/* Rewrites every link in the vault to heading h of note t (`target`, a fresh parse of t) to
 * name it `text`. 0, or -1 when out of memory. */
static int heading_links(nl_edits *s, const nl_entry *t, const nl_note *target,
                         const nl_heading *h, const char *text) {
  /* The new slug as the parser makes it: one way to make a slug. */
  char src[520];
  snprintf(src, sizeof src, "# %s\n", text);
  nl_note *probe = nl_note_parse(src, strlen(src));
  char *old_slug = nl_note_slug(h->text);
  char *new_slug = probe != NULL && probe->n_headings > 0 ? nl_note_slug(probe->headings[0].text)
                                                          : NULL;
  nl_note_free(probe);
  if (old_slug == NULL || new_slug == NULL) {
    free(old_slug);
    free(new_slug);
    return -1;
  }
  heading_rename hr = {target, h, text, old_slug, new_slug};
  int rc = each_link_to(s, t, heading_link_edit, &hr);
  free(old_slug);
  free(new_slug);
  return rc;
}

static int bad_fragment_text(const char *s, size_t len) {
  if (len == 0) return 1;
  for (size_t i = 0; i < len; i++)
    if ((unsigned char)s[i] < 0x20 || strchr("#|^[]", s[i]) != NULL) return 1;
  return 0;
}

static int rename_heading(nl_edits *s, const nl_entry *t, const char *old, const char *new_text,
                          char *err, size_t err_size) {
  size_t len = trim(&new_text);
  char text[512];
  if (len >= sizeof text || bad_fragment_text(new_text, len))
    return refuse(err, err_size, "invalid heading \"%.200s\": %s", new_text,
                  "it must be one line without # | ^ [ ]");
  memcpy(text, new_text, len);
  text[len] = '\0';
  nl_edits_file *tf = nl_edits_file_of(s, t);
  if (tf == NULL) return NL_RPC_INTERNAL_ERROR;
  const nl_heading *h = NULL;
  for (size_t i = 0; i < tf->note->n_headings && h == NULL; i++)
    if (strcmp(tf->note->headings[i].text, old) == 0) h = &tf->note->headings[i];
  nl_brange r;
  if (h == NULL || nl_edits_heading_text(tf, h, &r) != 0)
    return refuse(err, err_size, "cannot rename the heading \"%s\" of %s: it is not on one line",
                  old, t->rel);
  for (size_t i = 0; i < tf->note->n_headings; i++) {
    const nl_heading *o = &tf->note->headings[i];
    if (o != h && nl_nav_same_name(o->text, strlen(o->text), text, len))
      return refuse(err, err_size, "a heading \"%s\" already exists in %s", text, t->rel);
  }
  if (strcmp(text, old) == 0) return 0;
  nl_edits_add(s, tf, r, text, len);
  return heading_links(s, t, tf->note, h, text) == 0 ? 0 : NL_RPC_INTERNAL_ERROR;
}

static void block_link_edit(nl_edits *s, nl_edits_file *f, const nl_link *l, void *ud) {
  const char *const *ids = ud; /* old, new */
  if (nl_link_block(l) == NULL || strcmp(nl_link_block(l), ids[0]) != 0) return;
  nl_brange r = nl_link_fragment_range(l);
  size_t len;
  const char *raw = nl_edits_slice(f, r, &len);
  if (raw == NULL || len == 0 || raw[0] != '^') return;
  r.start.col++;
  nl_edits_add(s, f, r, ids[1], strlen(ids[1]));
}

static int rename_block(nl_edits *s, const nl_entry *t, const char *old, const char *new_id,
                        char *err, size_t err_size) {
  size_t len = trim(&new_id);
  if (len > 0 && new_id[0] == '^') new_id++, len--;
  char id[256];
  int ok = len > 0 && len < sizeof id;
  for (size_t i = 0; ok && i < len; i++) {
    char c = new_id[i];
    ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  }
  if (!ok)
    return refuse(err, err_size, "invalid block id \"%.200s\": %s", new_id,
                  "use only letters, digits and '-'");
  memcpy(id, new_id, len);
  id[len] = '\0';
  nl_edits_file *tf = nl_edits_file_of(s, t);
  if (tf == NULL) return NL_RPC_INTERNAL_ERROR;
  const nl_block_id *b = nl_nav_find_block(tf->note, old);
  if (b == NULL) return refuse(err, err_size, "the block id ^%s is no longer in %s", old, t->rel);
  if (strcmp(id, old) == 0) return 0;
  if (nl_nav_find_block(tf->note, id) != NULL)
    return refuse(err, err_size, "a block id ^%s already exists in %s", id, t->rel);
  nl_brange r = b->range;
  r.start.col++;
  nl_edits_add(s, tf, r, id, len);
  const char *ids[2] = {old, id};
  return each_link_to(s, t, block_link_edit, ids) == 0 ? 0 : NL_RPC_INTERNAL_ERROR;
}

/* ---- renaming a tag ---------------------------------------------------------------------- */

/* Whether tag `name` is `old` or nested under it ("old/child"), ignoring case. */
static int tag_matches(const char *name, const char *old, size_t ol) {
  return strncasecmp(name, old, ol) == 0 && (name[ol] == '\0' || name[ol] == '/');
}

/* Renames tag `old` in the vault of note `self` (its workspace folder; every folder's when
 * NULL). */
static int rename_tag(nl_edits *s, const nl_entry *self, const char *old, const char *new_tag,
                      char *err, size_t err_size) {
  size_t len = trim(&new_tag);
  if (len > 0 && new_tag[0] == '#') new_tag++, len--;
  char tag[256];
  int ok = len > 0 && len < sizeof tag, named = 0;
  for (size_t i = 0; ok && i < len; i++) {
    unsigned char c = (unsigned char)new_tag[i];
    ok = c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '/';
    named |= !(c >= '0' && c <= '9') && c != '/' && c != '-';
  }
  if (!ok || !named || new_tag[0] == '/' || new_tag[len - 1] == '/')
    return refuse(err, err_size, "invalid tag \"%.200s\": %s", new_tag,
                  "use letters, digits, '-', '_' and '/', not only digits");
  memcpy(tag, new_tag, len);
  tag[len] = '\0';
  const nl_workspace *ws = s->ctx->ws;
  size_t ol = strlen(old);
  for (uint32_t id = 0; id < nl_ws_id_limit(ws); id++) {
    const nl_entry *e = nl_ws_get(ws, id);
    int hit = 0;
    if (e != NULL && self != NULL && e->root != self->root) continue;
    for (size_t i = 0; e != NULL && i < e->note->n_tags && !hit; i++)
      hit = tag_matches(e->note->tags[i].name, old, ol);
    if (!hit) continue;
    nl_edits_file *f = nl_edits_file_of(s, e);
    for (size_t i = 0; f != NULL && i < f->note->n_tags; i++) {
      const nl_tag *t = &f->note->tags[i];
      if (!tag_matches(t->name, old, ol)) continue;
      nl_brange r = nl_note_tag_range(f->note, i);
      size_t ll;
      const char *line = nl_edits_line(f, r.start.line, &ll);
      if (r.start.line != r.end.line || r.start.col >= ll) continue;
      if (line[r.start.col] == '#') r.start.col++;
      r.end.col = r.start.col + (uint32_t)ol;
      size_t sl;
      const char *raw = nl_edits_slice(f, r, &sl);
      if (raw == NULL || strncasecmp(raw, old, ol) != 0) continue; /* not written as parsed */
      nl_edits_add(s, f, r, tag, len);
    }
  }
  return 0;
}

/* ---- the requests ------------------------------------------------------------------------ */

/* Reads the request's note and what is under its cursor. Returns 0 with a target; else s is
 * freed and err says why: 1 when the cursor is on nothing renamable (prepareRename answers
 * null), NL_RPC_REQUEST_FAILED when what is there cannot be renamed, NL_RPC_INVALID_PARAMS. */
static int request_target(const nl_ctx *ctx, const json_t *params, nl_edits *s,
                          nl_edits_file **self, nl_rename_target *t, char *err, size_t err_size) {
  const char *uri = NULL;
  uint32_t line = 0, character = 0;
  int rc = nl_nav_text_position(params, &uri, &line, &character, err, err_size);
  if (rc != 0) return rc;
  memset(t, 0, sizeof *t);
  nl_edits_init(s, ctx);
  nl_entry *e = nl_ws_by_uri(ctx->ws, uri);
  *self = e != NULL ? nl_edits_file_of(s, e) : NULL;
  if (*self == NULL)
    t->why = "the document is not a note of the workspace";
  else
    nl_rename_target_find(s, *self, nl_edits_bpos(*self, ctx->enc, line, character), t);
  if (t->kind != NL_RENAME_NONE) return 0;
  nl_edits_free(s);
  snprintf(err, err_size, "cannot rename: %s",
           t->why ? t->why : "the cursor is not on a note, link, mention, heading, block id or tag");
  return t->why ? NL_RPC_REQUEST_FAILED : 1;
}

static char *placeholder(const nl_edits *s, const nl_rename_target *t) {
  switch (t->kind) {
  case NL_RENAME_NOTE:
    return nl_nav_nfc(t->note->name, strlen(t->note->name));
  case NL_RENAME_HEADING:
  case NL_RENAME_BLOCK:
  case NL_RENAME_TAG:
    return strdup(t->name);
  case NL_RENAME_NONE:
    break;
  }
  (void)s;
  return NULL;
}

int nl_feature_prepare_rename(const nl_ctx *ctx, const json_t *params, json_t **result,
                              char *err, size_t err_size) {
  nl_edits s;
  nl_edits_file *self;
  nl_rename_target t;
  int rc = request_target(ctx, params, &s, &self, &t, err, err_size);
  if (rc == 1) {
    *result = json_null(); /* nothing here: the client says so itself */
    return 0;
  }
  if (rc != 0) return rc;
  char *ph = placeholder(&s, &t);
  *result = json_pack("{s:o,s:s?}", "range", nl_edits_range_json(self, ctx->enc, t.range),
                      "placeholder", ph);
  free(ph);
  nl_edits_free(&s);
  return 0;
}

int nl_feature_rename(const nl_ctx *ctx, const json_t *params, json_t **result, char *err,
                      size_t err_size) {
  const char *new_name = NULL;
  if (json_is_object(params) &&
      nl_lsp_get_string(params, "newName", &new_name, err, err_size) != 0)
    return NL_RPC_INVALID_PARAMS;
  nl_edits s;
  nl_edits_file *self;
  nl_rename_target t;
  int rc = request_target(ctx, params, &s, &self, &t, err, err_size);
  if (rc != 0) return rc > 0 ? NL_RPC_REQUEST_FAILED : rc;
  switch (t.kind) {
  case NL_RENAME_NOTE:
    rc = rename_note(&s, t.note, new_name, err, err_size);
    break;
  case NL_RENAME_HEADING:
    rc = rename_heading(&s, t.note, t.name, new_name, err, err_size);
    break;
  case NL_RENAME_BLOCK:
    rc = rename_block(&s, t.note, t.name, new_name, err, err_size);
    break;
  case NL_RENAME_TAG:
    rc = rename_tag(&s, self != NULL ? self->e : NULL, t.name, new_name, err, err_size);
    break;
  case NL_RENAME_NONE:
    break;
  }
  if (rc == 0) {
    *result = nl_edits_json(&s);
    if (*result == NULL) {
      snprintf(err, err_size, "out of memory");
      rc = NL_RPC_INTERNAL_ERROR;
    }
  }
  nl_edits_free(&s);
  return rc;
}
