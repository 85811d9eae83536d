/* move.c: workspace/willRenameFiles and workspace/didRenameFiles: notes, attachments (any
 * other file: images, PDFs, canvases) and whole folders moved or renamed in the editor keep
 * their links, as Obsidian's "Automatically update internal links" does (#10).
 *
 * Every link in the vault to a moved note, every link in a moved note, and every link that
 * names a moved note's new file name is checked against the layout after the move: a link that
 * would then miss its note (a renamed file, a path that no longer fits, a relative path from a
 * note that moved, a bare name that becomes ambiguous) gets the note's new path, written in the
 * vault's newLinkFormat (link_writer.h, judged by the layout after the move) in the link's own
 * kind: a wikilink stays a wikilink, a markdown link a markdown link. Display text and
 * fragments are kept, and an edit touches only the bytes of the path that change. A link by
 * title or alias does not depend on paths and stays.
 *
 * willRenameFiles answers before the files move (the edit names the old URIs); a client that
 * does not send it gets the same edit through workspace/applyEdit after didRenameFiles, addressed
 * to the files where they are now. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lsp/base/path.h"
#include "lsp/features/edits.h"
#include "lsp/features/features.h"
#include "lsp/features/move_plan.h"
#include "lsp/features/nav_match.h"
#include "lsp/index/link_writer.h"
#include "protocol/lsp_types.h"
#include "protocol/rpc.h"

static int ends_md(const char *s, size_t len) {
  return len >= 3 && strncasecmp(s + len - 3, ".md", 3) == 0;
}

/* Whether e's path after the move, without .md, ends with the path `want` at a '/'. */
static int path_fits(const nl_move_plan *p, const nl_entry *e, const char *want, size_t wl) {
  const char *rel = nl_move_rel_after(p, e);
  size_t rl = strlen(rel);
  if (ends_md(rel, rl)) rl -= 3;
  if (wl > rl) return 0;
  if (wl < rl && rel[rl - wl - 1] != '/') return 0;
  return nl_nav_same_name(rel + rl - wl, wl, want, wl);
}

/* The index's order (resolve.c), after the move: a note under the linking note's folder first,
 * then the shortest path, then byte order. */
static int better(const nl_move_plan *p, const char *from_rel, const nl_entry *a, const nl_entry *b) {
  const char *ra = nl_move_rel_after(p, a), *rb = nl_move_rel_after(p, b);
  int fa = nl_ws_under_folder_of(from_rel, ra), fb = nl_ws_under_folder_of(from_rel, rb);
  if (fa != fb) return fa;
  size_t la = strlen(ra), lb = strlen(rb);
  if (la != lb) return la < lb;
  return strcmp(ra, rb) < 0;
}

/* A target as both resolvers read it: a "./" or "../" path joined to from_rel's folder in
 * buf (4096 bytes), leading '/'s dropped (*rooted tells); NULL when the path does not fit. */
static const char *target_path(const char *from_rel, const char *t, size_t *tl, char *buf,
                               int *rooted) {
  size_t len = *tl;
  if ((len >= 2 && t[0] == '.' && t[1] == '/') ||
      (len >= 3 && t[0] == '.' && t[1] == '.' && t[2] == '/')) {
    if (nl_path_join_beside(from_rel, t, len, buf, 4096) != 0) return NULL;
    t = buf;
    len = strlen(buf);
  }
  *rooted = len > 0 && t[0] == '/';
  while (len > 0 && t[0] == '/') t++, len--;
  *tl = len;
  return t;
}

/* Whether e's path after the move, without .md, is path[0, len) exactly. */
static int path_is_exactly(const nl_move_plan *p, const nl_entry *e, const char *path, size_t len) {
  const char *rel = nl_move_rel_after(p, e);
  size_t rl = strlen(rel);
  if (ends_md(rel, rl)) rl -= 3;
  return rl == len && memcmp(rel, path, len) == 0;
}

/* The note a link target in note `from` (at from_rel after the move) resolves to after the
 * move, by the index's rules (resolve.c), among the notes of from's workspace folder: a "./"
 * or "../" path from the linking note's folder, then the path from the vault's root exactly
 * (a leading '/' stops there), then every note of that file name whose path ends with the
 * target, the best in the index's order; how many match goes to *n. */
static const nl_entry *resolve_after(const nl_move_plan *p, const nl_entry *from,
                                     const char *from_rel, const char *target, size_t *n) {
  const nl_workspace *ws = p->ctx->ws;
  size_t tl = strlen(target);
  char joined[4096];
  int rooted;
  *n = 0;
  if ((target = target_path(from_rel, target, &tl, joined, &rooted)) == NULL) return NULL;
  if (ends_md(target, tl)) tl -= 3;
  size_t b = tl;
  while (b > 0 && target[b - 1] != '/') b--;
  const char *base = target + b;
  size_t bl = tl - b;
  /* The notes named base after the move: those that keep their name, and moved ones. */
  enum { CAP = 64 };
  const nl_entry *cand[2 * CAP];
  size_t nc = 0;
  nl_entry *now[CAP];
  size_t k = nl_ws_files_named(ws, from, base, bl, now, CAP);
  for (size_t i = 0; i < k && i < CAP; i++)
    if (nl_move_of(p, now[i]) == NULL) cand[nc++] = now[i];
  size_t kl, first;
  char *key = nl_ws_name_key(base, bl, &kl);
  size_t count = key ? nl_move_named(p, key, &first) : 0;
  free(key);
  for (size_t i = 0; i < count && nc < 2 * CAP; i++) {
    const nl_entry *e = p->m[p->by_key[first + i]].e;
    if (e->root == from->root) cand[nc++] = e;
  }
  for (size_t i = 0; i < nc; i++) {
    if (path_is_exactly(p, cand[i], target, tl)) {
      *n = 1;
      return cand[i];
    }
  }
  if (rooted) return NULL;
  const nl_entry *best = NULL;
  for (size_t i = 0; i < nc; i++) {
    if (b > 0 && !path_fits(p, cand[i], target, tl)) continue;
    (*n)++;
    if (best == NULL || better(p, from_rel, cand[i], best)) best = cand[i];
  }
  return best;
}

/* ---- attachments after the move --------------------------------------------------------- */

/* The vault path (borrowed) of the attachment a target in note `from` (at from_rel after the
 * move) names after the move, by the rules of nl_ws_resolve_attachment, among the files of
 * from's workspace folder; how many match goes to *n. */
static const char *att_resolve_after(const nl_move_plan *p, const nl_entry *from,
                                     const char *from_rel, const char *target, size_t tl,
                                     size_t *n) {
  char joined[4096];
  int rooted;
  *n = 0;
  if ((target = target_path(from_rel, target, &tl, joined, &rooted)) == NULL || tl == 0)
    return NULL;
  size_t b = tl;
  while (b > 0 && target[b - 1] != '/') b--;
  /* The files of that name after the move: those that stay, and moved ones. */
  enum { CAP = 64 };
  const char *cand[2 * CAP], *abs[CAP], *rel[CAP];
  size_t nc = 0, kl;
  size_t k = nl_ws_attachments_named(p->ctx->ws, from, target + b, tl - b, abs, rel, CAP);
  for (size_t i = 0; i < k && i < CAP; i++)
    if (nl_move_att_of(p, abs[i]) == NULL) cand[nc++] = rel[i];
  char *key = nl_ws_name_key(target + b, tl - b, &kl);
  for (size_t i = 0; key != NULL && i < p->an && nc < 2 * CAP; i++)
    if (p->am[i].root == (int)from->root && strcmp(p->am[i].key, key) == 0) cand[nc++] = p->am[i].rel;
  free(key);
  for (size_t i = 0; i < nc; i++) {
    if (nl_nav_same_name(cand[i], strlen(cand[i]), target, tl)) {
      *n = 1;
      return cand[i];
    }
  }
  if (rooted) return NULL;
  const char *best = NULL;
  for (size_t i = 0; i < nc; i++) {
    size_t rl = strlen(cand[i]);
    if (tl > rl || (tl < rl && cand[i][rl - tl - 1] != '/') ||
        !nl_nav_same_name(cand[i] + rl - tl, tl, target, tl))
      continue;
    (*n)++;
    int ua = nl_ws_under_folder_of(from_rel, cand[i]);
    int ub = best ? nl_ws_under_folder_of(from_rel, best) : 0;
    if (best == NULL || ua > ub ||
        (ua == ub && (rl < strlen(best) || (rl == strlen(best) && strcmp(cand[i], best) < 0))))
      best = cand[i];
  }
  return best;
}

/* The layout after the move as the judge of a written link to an attachment. */
typedef struct {
  const nl_move_plan *p;
  const nl_entry *from;
  const char *from_rel, *to_rel; /* after the move */
} att_judge;

static int att_reaches_after(void *ud, const char *target, size_t len) {
  const att_judge *j = ud;
  size_t n;
  const char *hit = att_resolve_after(j->p, j->from, j->from_rel, target, len, &n);
  if (hit == NULL || strcmp(hit, j->to_rel) != 0) return NL_LINK_ELSEWHERE;
  return n == 1 ? NL_LINK_ONLY : NL_LINK_FIRST;
}

/* Whether a moved attachment takes the file name of link target t. */
static int att_name_moves(const nl_move_plan *p, const char *t) {
  const char *base = strrchr(t, '/');
  base = base ? base + 1 : t;
  size_t kl;
  char *key = nl_ws_name_key(base, strlen(base), &kl);
  int hit = 0;
  for (size_t i = 0; key != NULL && i < p->an && !hit; i++) hit = strcmp(p->am[i].key, key) == 0;
  free(key);
  return hit;
}

/* new_target for a link that names no note: when it names an attachment that moves (or the
 * linking note moves, or a moved file takes its name) and its path no longer reaches that
 * file after the move, the file's new path, its extension kept, in the vault's format. */
static int att_new_target(const nl_move_plan *p, const nl_entry *from, const nl_link *l, int angle,
                          char **text) {
  const nl_workspace *ws = p->ctx->ws;
  size_t tl = strlen(l->target);
  const char *abs = nl_ws_resolve_attachment(ws, from, l->target, tl);
  if (abs == NULL) return 0;
  const nl_move_att *a = nl_move_att_of(p, abs);
  if (a == NULL && nl_move_of(p, from) == NULL && !att_name_moves(p, l->target)) return 0;
  const char *to_rel = a ? a->rel : nl_ws_attachment_rel(ws, abs);
  const char *from_rel = nl_move_rel_after(p, from);
  size_t n;
  const char *hit = att_resolve_after(p, from, from_rel, l->target, tl, &n);
  if (to_rel == NULL || (hit != NULL && strcmp(hit, to_rel) == 0)) return 0;
  if (text == NULL) return 1;
  att_judge j = {p, from, from_rel, to_rel};
  nl_link_dest d = {.from_rel = from_rel, .to_rel = to_rel, .angle = angle, .ud = &j,
                    .format = nl_config_at(nl_ws_config(ws), from->abs)->link_format, .reaches = att_reaches_after,
                    .markdown = l->kind == NL_LINK_MARKDOWN};
  *text = nl_link_path(&d);
  return *text != NULL ? 1 : -1;
}

/* ---- writing links ----------------------------------------------------------------------- */

/* The layout after the move as the judge of a written link (link_writer.h). */
typedef struct {
  const nl_move_plan *p;
  const nl_entry *from;
  const char *from_rel; /* the linking note after the move */
  const nl_entry *to;
} after_judge;

static int reaches_after(void *ud, const char *target, size_t len) {
  const after_judge *j = ud;
  char *t = strndup(target, len);
  size_t n = 0;
  const nl_entry *hit = t != NULL ? resolve_after(j->p, j->from, j->from_rel, t, &n) : NULL;
  free(t);
  return hit != j->to ? NL_LINK_ELSEWHERE : n == 1 ? NL_LINK_ONLY : NL_LINK_FIRST;
}

/* Whether a markdown link's path from a note at from_rel names the note at rel. */
static int path_is(const char *from_rel, const char *target, const char *rel) {
  char path[4096];
  if (nl_path_join_beside(from_rel, target, strlen(target), path, sizeof path - 4) != 0) return 0;
  if (strcmp(path, rel) == 0) return 1;
  size_t pl = strlen(path);
  return strncmp(path, rel, pl) == 0 && strcmp(rel + pl, ".md") == 0;
}

/* Whether link l of note `from` must change after the move; with text (may be NULL) the new
 * target text (new) goes to *text. `angle`: a markdown destination written in <...>. Returns
 * 0 (unchanged), 1 (changed) or -1 (out of memory). */
static int new_target(const nl_move_plan *p, const nl_entry *from, const nl_link *l, int angle,
                      char **text) {
  const nl_workspace *ws = p->ctx->ws;
  int md = l->kind == NL_LINK_MARKDOWN;
  const nl_entry *to = nl_ws_resolve(ws, from, l->target, strlen(l->target), NULL);
  if (to == NULL) return att_new_target(p, from, l, angle, text);
  if (nl_move_of(p, to) == NULL && nl_move_of(p, from) == NULL) {
    /* Neither end moves: only a moved note taking the link's name can change its target. */
    const char *base = strrchr(l->target, '/');
    base = base ? base + 1 : l->target;
    size_t bl = strlen(base), kl, first;
    if (bl > 3 && strcasecmp(base + bl - 3, ".md") == 0) bl -= 3;
    char *key = nl_ws_name_key(base, bl, &kl);
    size_t count = key ? nl_move_named(p, key, &first) : 0;
    free(key);
    if (count == 0) return 0;
  }
  const char *from_rel = nl_move_rel_after(p, from);
  size_t n;
  if (md) {
    if (path_is(from_rel, l->target, nl_move_rel_after(p, to))) return 0;
    if (!path_is(from->rel, l->target, to->rel) && resolve_after(p, from, from_rel, l->target, &n) == to)
      return 0; /* a path the index resolved by name, and still does */
  } else {
    const nl_entry *after = resolve_after(p, from, from_rel, l->target, &n);
    if (after == to) return 0;
    /* A link by title or alias does not depend on paths: it changes only when a note takes
     * that name as its file name. */
    const char *base = strrchr(l->target, '/');
    base = base ? base + 1 : l->target;
    size_t bl = strlen(base);
    if (ends_md(base, bl)) bl -= 3;
    if (after == NULL && !nl_nav_same_name(base, bl, to->name, strlen(to->name))) return 0;
  }
  if (text == NULL) return 1;
  /* The new path in the vault's newLinkFormat, in the link's own kind and ".md" habit. */
  after_judge j = {p, from, from_rel, to};
  nl_link_dest d = {0};
  d.from_rel = from_rel;
  d.to_rel = nl_move_rel_after(p, to);
  d.format = nl_config_at(nl_ws_config(ws), from->abs)->link_format;
  d.markdown = md;
  d.angle = angle;
  d.md_ext = ends_md(l->target, strlen(l->target)) ? 1 : -1;
  d.reaches = reaches_after;
  d.ud = &j;
  *text = nl_link_path(&d);
  return *text != NULL ? 1 : -1;
}

/* Whether a link target is written with a path: only such a link to a note that keeps its
 * name, which no other note of its vault has, can change with a move (keeps_bare_name). */
static int has_path(const char *target) { return strchr(target, '/') != NULL; }

/* Whether bare name t (no path) in note `from` reaches the same note after the move without
 * being resolved: one note of from's vault has it as its file name, before and after the move
 * (a move changes only how notes of the same name rank). */
static int bare_name_stays(const nl_move_plan *p, const nl_entry *from, const char *t) {
  size_t tl = strlen(t), kl, first;
  if (ends_md(t, tl)) tl -= 3;
  nl_entry *one[2];
  if (nl_ws_files_named(p->ctx->ws, from, t, tl, one, 2) != 1) return 0;
  const nl_move_note *m = nl_move_of(p, one[0]);
  if (m != NULL && !nl_ws_same_name(m->name, m->name_len, t, tl)) return 0;
  char *key = nl_ws_name_key(t, tl, &kl);
  if (key == NULL) return 0;
  size_t count = nl_move_named(p, key, &first);
  free(key);
  for (size_t i = 0; i < count; i++) {
    const nl_entry *o = p->m[p->by_key[first + i]].e;
    if (o != one[0] && o->root == from->root) return 0;
  }
  return 1;
}

/* Whether link target t of note e is to be checked: with a path, or a bare name that may
 * reach another note after the move unless `paths_only`. */
static int to_check(const nl_move_plan *p, const nl_entry *e, const char *t, int paths_only) {
  if (*t == '\0') return 0;
  if (has_path(t)) return 1;
  return !paths_only && !bare_name_stays(p, e, t);
}

static void link_edit(const nl_move_plan *p, nl_edits *s, nl_edits_file *f, const nl_link *l) {
  size_t len;
  const char *raw = nl_edits_slice(f, nl_link_target_range(l), &len);
  if (raw == NULL) return;
  int angle = l->kind == NL_LINK_MARKDOWN && l->target_cols.a > 0 && raw[-1] == '<';
  char *text = NULL;
  int rc = new_target(p, f->e, l, angle, &text);
  if (rc < 0) s->oom = 1;
  if (rc <= 0) return;
  nl_edits_replace(s, f, nl_link_target_range(l), text, strlen(text));
  free(text);
}

/* Whether any link of e (its indexed parse) changes, of those with a path only when
 * `paths_only`: only such notes are read again. */
static int needs_edit(const nl_move_plan *p, const nl_entry *e, int paths_only) {
  for (size_t i = 0; i < e->note->n_links; i++) {
    if (to_check(p, e, e->note->links[i].target, paths_only) &&
        new_target(p, e, &e->note->links[i], 0, NULL) != 0)
      return 1;
  }
  return 0;
}

/* The notes whose links a move may change, a bit per entry id: in `all`, every link of the
 * note is checked; in `paths`, only those written with a path. */
typedef struct {
  const nl_workspace *ws;
  uint8_t *all, *paths;
} marks;

static void mark(uint8_t *bits, uint32_t id) { bits[id / 8] |= (uint8_t)(1u << (id % 8)); }
static int marked(const uint8_t *bits, uint32_t id) { return (bits[id / 8] >> (id % 8)) & 1; }
static void mark_all(void *ud, uint32_t id) { mark(((marks *)ud)->all, id); }
static void mark_paths(void *ud, uint32_t id) { mark(((marks *)ud)->paths, id); }

/* The notes of workspace folder `root` with a link that ends in the file name of vault path
 * rel, with a path only unless `all` (the index's reference maps: no link is resolved to find
 * them). */
static void mark_named(marks *mk, int root, const char *rel, int all) {
  const char *name = strrchr(rel, '/');
  name = name ? name + 1 : rel;
  nl_ws_linking_named(mk->ws, root, name, strlen(name), !all, all ? mark_all : mark_paths, mk);
}

/* Whether every link by bare name that reaches m's note reaches it after the move too: it
 * keeps its file name, and no other note of its vault has that name before or after. Then
 * only the links to it written with a path can change, and a folder of such notes moves
 * without a link by name being resolved. */
static int keeps_bare_name(const nl_move_plan *p, const nl_move_note *m) {
  const nl_entry *e = m->e;
  if (!nl_ws_same_name(m->name, m->name_len, e->name, strlen(e->name))) return 0;
  nl_entry *same[2];
  if (nl_ws_files_named(p->ctx->ws, e, e->name, strlen(e->name), same, 2) != 1) return 0;
  size_t first, count = nl_move_named(p, m->key, &first);
  for (size_t i = 0; i < count; i++) {
    const nl_entry *o = p->m[p->by_key[first + i]].e;
    if (o != e && o->root == e->root) return 0;
  }
  return 1;
}

/* The edit for the plan: the moved notes, and the notes that may link to a moved note or
 * file or to a note of a moved note's new name, found by name in the index's reference map
 * and read afresh only when a link of theirs changes. */
static int plan_edits(const nl_move_plan *p, nl_edits *s) {
  const nl_workspace *ws = p->ctx->ws;
  size_t bytes = nl_ws_id_limit(ws) / 8 + 1;
  marks mk = {ws, calloc(bytes, 1), calloc(bytes, 1)};
  if (mk.all == NULL || mk.paths == NULL) {
    free(mk.all);
    free(mk.paths);
    return -1;
  }
  /* A link to an attachment names its file: the notes that may link to one that moves, or
   * to another file its new name makes ambiguous. */
  for (size_t i = 0; i < p->an; i++) {
    mark_named(&mk, p->am[i].root, p->am[i].old_rel, 1);
    mark_named(&mk, p->am[i].root, p->am[i].rel, 1);
  }
  for (size_t i = 0; i < p->n; i++) {
    const nl_move_note *m = &p->m[i];
    int all = !keeps_bare_name(p, m);
    mark(mk.all, m->e->id);
    mark_named(&mk, (int)m->e->root, m->e->rel, all);
    /* Notes that share the moved note's new name: their links may become ambiguous. */
    if (all) mark_named(&mk, (int)m->e->root, m->rel, 1);
  }
  for (uint32_t id = 0; id < nl_ws_id_limit(ws); id++) {
    int paths_only = !marked(mk.all, id);
    if (paths_only && !marked(mk.paths, id)) continue;
    const nl_entry *e = nl_ws_get(ws, id);
    if (e == NULL || !needs_edit(p, e, paths_only)) continue;
    const nl_move_note *m = nl_move_of(p, e);
    nl_edits_file *f = p->after && m ? nl_edits_file_at(s, e, m->abs, m->uri)
                                     : nl_edits_file_of(s, e);
    for (size_t i = 0; f != NULL && i < f->note->n_links; i++) {
      if (to_check(p, e, f->note->links[i].target, paths_only)) link_edit(p, s, f, &f->note->links[i]);
    }
  }
  free(mk.all);
  free(mk.paths);
  return s->oom ? -1 : 0;
}

/* The WorkspaceEdit for params (new), or json null when no link changes; what moved into
 * what (what_size bytes; may be NULL). */
static int move_edit(const nl_ctx *ctx, const json_t *params, int after, json_t **result,
                     char *what, size_t what_size, char *err, size_t err_size) {
  if (!json_is_object(params)) {
    snprintf(err, err_size, "params must be an object");
    return NL_RPC_INVALID_PARAMS;
  }
  nl_move_plan p;
  if (nl_move_plan_init(&p, ctx, after) != 0) {
    snprintf(err, err_size, "out of memory");
    return NL_RPC_INTERNAL_ERROR;
  }
  int rc = nl_move_read(&p, params, err, err_size);
  if (rc == 0 && what != NULL) nl_move_describe(&p, what, what_size);
  nl_edits s;
  nl_edits_init(&s, ctx);
  if (rc == 0 && p.n + p.an > 0 && plan_edits(&p, &s) != 0) {
    snprintf(err, err_size, "out of memory");
    rc = NL_RPC_INTERNAL_ERROR;
  }
  if (rc == 0) *result = nl_edits_empty(&s) ? json_null() : nl_edits_json(&s);
  if (rc == 0 && *result == NULL) {
    snprintf(err, err_size, "out of memory");
    rc = NL_RPC_INTERNAL_ERROR;
  }
  nl_edits_free(&s);
  nl_move_plan_free(&p);
  return rc;
}

int nl_feature_will_rename_files(const nl_ctx *ctx, const json_t *params, json_t **result,
                                 char *err, size_t err_size) {
  return move_edit(ctx, params, 0, result, NULL, 0, err, err_size);
}

int nl_feature_did_rename_files(const nl_ctx *ctx, const json_t *params, json_t **result,
                                char *err, size_t err_size) {
  *result = NULL;
  /* A client that sent willRenameFiles has applied its answer already. */
  if (ctx->caps != NULL && ctx->caps->will_rename_files) return 0;
  json_t *edit = NULL;
  char what[600], label[640];
  int rc = move_edit(ctx, params, 1, &edit, what, sizeof what, err, err_size);
  if (rc == 0 && json_is_object(edit) && ctx->apply_edit != NULL) {
    snprintf(label, sizeof label, "Update links after moving %s", what); /* the editor's undo label */
    ctx->apply_edit(ctx, label, edit);
    edit = NULL;
  }
  json_decref(edit);
  return rc;
}
