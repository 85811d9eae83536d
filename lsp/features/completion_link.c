/* completion_link.c: completion of [[wikilinks]] (notes by link text and aliases, headings
 * after '#', block ids after '#^') and of markdown link destinations (notes as percent-encoded
 * paths). The path of a note is written in the vault's newLinkFormat (link_writer.h); after
 * "[[" the link stays a wikilink, after "](" a markdown destination. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsp/base/path.h"
#include "lsp/base/unicode.h"
#include "lsp/features/completion_impl.h"
#include "lsp/index/link_writer.h"
#include "protocol/percent.h"

/* ---- notes: [[ ------------------------------------------------------------------------------ */

/* Where the edit of a link target ends: through the rest of the target when the link is
 * closed on this line ("[[Que|ntin Okafor]]"), else at the cursor. *closed: the link already
 * has its "]]"; *suffix: a '|' or '#' part follows the target. */
static size_t target_end(const nl_completion_req *r, const char *stops, int *closed, int *suffix) {
  *closed = *suffix = 0;
  size_t i = r->cur;
  while (i < r->len && !nl_completion_starts_with(r->text, r->len, i, "]]") &&
         !nl_completion_starts_with(r->text, r->len, i, "[[") && strchr(stops, r->text[i]) == NULL)
    i++;
  if (nl_completion_starts_with(r->text, r->len, i, "]]")) {
    *closed = 1;
    return i;
  }
  if (i < r->len && r->text[i] != '[') {
    /* A '|' or '#': the link is closed when "]]" follows before another "[[". */
    for (size_t j = i; j < r->len && !nl_completion_starts_with(r->text, r->len, j, "[["); j++) {
      if (nl_completion_starts_with(r->text, r->len, j, "]]")) {
        *closed = *suffix = 1;
        return i;
      }
    }
  }
  return r->cur;
}

static void note_items(nl_completion_req *r, size_t start, const char *typed, size_t typed_len) {
  int closed = 0, suffix = 0;
  size_t end = target_end(r, "|#", &closed, &suffix);
  nl_nav_hit buf[MAX_ITEMS];
  nl_nav_topk top;
  nl_completion_best_names(r, typed, typed_len, -1, &top, buf);
  const nl_workspace *ws = r->ctx->ws;
  const char *self_rel = nl_nav_doc_rel(r->self, r->uri);

  const char *close = closed ? "" : "]]";
  for (size_t i = 0; i < top.n; i++) {
    const nl_entry *e = top.items[i].ptr;
    /* The vault's excluded files (userIgnoreFilters) are never offered as new links. */
    if (nl_config_excluded(nl_ws_config(ws), e->rel)) continue;
    nl_link_index ix = {ws, r->self, e};
    nl_link_dest d = nl_link_dest_index(&ix, self_rel);
    d.markdown = 0; /* the user typed "[[" */
    char *link = nl_link_path(&d);
    char *detail = nl_nav_detail(e);
    char *name = nl_nav_nfc(e->name, strlen(e->name));
    if (link != NULL && detail != NULL && name != NULL) {
      if (top.items[i].sub == 0) {
        char *text = nl_completion_concat3(link, close, "");
        if (text) nl_completion_add_item(r, link, nl_completion_item_kind(e), detail, name, start, end, text);
        free(text);
      } else {
        const char *alias = e->note->aliases[top.items[i].sub - 1].text;
        char *about = nl_completion_concat3("alias of ", name, " \xC2\xB7 ");
        char *full = about ? nl_completion_concat3(about, detail, "") : NULL;
        char *head = nl_completion_concat3(link, suffix ? "" : "|", suffix ? "" : alias);
        char *text = head ? nl_completion_concat3(head, close, "") : NULL;
        if (full && text) nl_completion_add_item(r, alias, nl_completion_item_kind(e), full, alias, start, end, text);
        free(about);
        free(full);
        free(head);
        free(text);
      }
    }
    free(link);
    free(detail);
    free(name);
  }
}

/* The note a link's target names, for its headings and blocks: the note itself for an empty
 * target (a parse of the live text, *owned set so the caller frees it), else the index's. */
static const nl_note *target_note(const nl_completion_req *r, const char *target, size_t len, nl_note **owned) {
  *owned = NULL;
  if (len == 0) {
    *owned = nl_note_parse(nl_nav_doc_rel(r->self, r->uri), r->doc->text, r->doc->len);
    return *owned;
  }
  nl_entry *e = nl_ws_resolve(r->ctx->ws, r->self, target, len, NULL);
  if (e == NULL) return NULL;
  if (e == r->self) {
    *owned = nl_note_parse(e->rel, r->doc->text, r->doc->len);
    return *owned;
  }
  return e->note;
}

/* Headings (blocks = 0) or block ids (blocks = 1) of the note before '#', in document order
 * within a match tier. */
static void fragment_items(nl_completion_req *r, size_t start, const char *target, size_t target_len,
                           int blocks) {
  nl_note *owned = NULL;
  const nl_note *note = target_note(r, target, target_len, &owned);
  if (note == NULL) return;
  int closed = 0, suffix = 0;
  size_t end = target_end(r, "|", &closed, &suffix);
  nl_nav_pattern pat;
  nl_nav_pattern_init(&pat, r->text + start, r->cur - start);

  nl_nav_hit buf[MAX_ITEMS];
  nl_nav_topk top;
  nl_nav_topk_init(&top, buf, MAX_ITEMS);
  size_t n = blocks ? note->n_blocks : note->n_headings;
  for (size_t i = 0; i < n; i++) {
    const char *text = blocks ? note->blocks[i].id : note->headings[i].text;
    int s = nl_nav_score(&pat, text, strlen(text));
    if (s < 0) continue;
    nl_nav_hit hit = {nl_completion_match_rank(s, 0, 0), 0, (uint32_t)i, text, s};
    nl_nav_topk_offer(&top, &hit);
  }
  nl_nav_topk_sort(&top);
  r->incomplete = top.seen > top.n;
  for (size_t i = 0; i < top.n; i++) {
    const char *text = top.items[i].ptr;
    char *with_close = nl_completion_concat3(text, closed ? "" : "]]", "");
    char detail[16] = "block";
    if (!blocks) snprintf(detail, sizeof detail, "H%d", note->headings[top.items[i].sub].level);
    if (with_close) nl_completion_add_item(r, text, ITEM_REFERENCE, detail, text, start, end, with_close);
    free(with_close);
  }
  nl_note_free(owned);
}

/* The innermost "[[" not closed before the cursor: offset after it, or -1. */
static ptrdiff_t open_wikilink(const nl_completion_req *r) {
  ptrdiff_t open = -1;
  for (size_t i = 0; i + 1 < r->cur; i++) {
    if (r->text[i] == '[' && r->text[i + 1] == '[') {
      open = (ptrdiff_t)(i + 2);
      i++;
    } else if (r->text[i] == ']' && r->text[i + 1] == ']') {
      open = -1;
      i++;
    }
  }
  return open;
}

int nl_completion_wikilink(nl_completion_req *r) {
  ptrdiff_t open = open_wikilink(r);
  if (open < 0) return 0;
  const char *typed = r->text + open;
  size_t typed_len = r->cur - (size_t)open;
  if (memchr(typed, '|', typed_len) != NULL) return 1; /* in the display text: nothing to offer */
  const char *hash = memchr(typed, '#', typed_len);
  if (hash == NULL) {
    note_items(r, (size_t)open, typed, typed_len);
    return 1;
  }
  size_t target_len = (size_t)(hash - typed);
  size_t frag = (size_t)open + target_len + 1;
  if (frag < r->cur && r->text[frag] == '^')
    fragment_items(r, frag + 1, typed, target_len, 1);
  else
    fragment_items(r, frag, typed, target_len, 0);
  return 1;
}
/* ---- markdown link paths: [x]( ------------------------------------------------------------- */

int nl_completion_mdlink(nl_completion_req *r) {
  /* The last "](" before the cursor whose destination is still open. */
  ptrdiff_t open = -1;
  for (size_t i = 0; i + 1 < r->cur; i++)
    if (r->text[i] == ']' && r->text[i + 1] == '(') open = (ptrdiff_t)(i + 2);
  if (open < 0) return 0;
  const char *href = r->text + open;
  size_t href_len = r->cur - (size_t)open;
  for (size_t i = 0; i < href_len; i++) {
    if (href[i] == ')' || nl_completion_is_space(href[i])) return 0; /* closed, or not a destination */
    if (href[i] == '#') return 1;                      /* a fragment: not a path */
  }
  for (size_t i = 0; i + 2 < href_len; i++)
    if (href[i] == ':' && href[i + 1] == '/' && href[i + 2] == '/') return 1; /* a URL */

  const char *slash = NULL;
  for (size_t i = 0; i < href_len; i++)
    if (href[i] == '/') slash = href + i;
  size_t dir_bytes = slash ? (size_t)(slash - href) + 1 : 0;
  char dir[1024], name[512], base[1024], folder[1024] = "";
  if (nl_percent_decode(href, dir_bytes, dir, sizeof dir) < 0) return 1;
  ptrdiff_t name_len = nl_percent_decode(href + dir_bytes, href_len - dir_bytes, name, sizeof name);
  if (name_len < 0) return 1;
  const char *self_rel = nl_nav_doc_rel(r->self, r->uri);
  snprintf(base, sizeof base, "%.*s", (int)nl_path_dir_len(self_rel), self_rel);
  if (dir_bytes > 0 && nl_path_join(base, dir, folder, sizeof folder) < 0) return 1;
  size_t folder_len = strlen(folder);

  size_t start = (size_t)open + dir_bytes, end = r->cur;
  while (end < r->len && r->text[end] != ')' && r->text[end] != '#' && !nl_completion_is_space(r->text[end]))
    end++;

  nl_nav_pattern pat;
  nl_nav_pattern_init(&pat, name, (size_t)name_len);
  nl_nav_hit buf[MAX_ITEMS];
  nl_nav_topk top;
  nl_nav_topk_init(&top, buf, MAX_ITEMS);
  const nl_workspace *ws = r->ctx->ws;
  uint32_t limit = nl_ws_id_limit(ws);
  const uint64_t *masks = nl_ws_name_masks(ws);
  for (uint32_t id = 0; id < limit; id++) {
    if (!nl_nav_may_match(&pat, masks[id])) continue;
    const nl_entry *e = nl_ws_get(ws, id);
    if (e == NULL) continue;
    if (dir_bytes > 0 && (nl_path_dir_len(e->rel) != folder_len || strncmp(e->rel, folder, folder_len)))
      continue;
    nl_completion_offer_match(&top, &pat, e->name, strlen(e->name), nl_nav_is_party(e), e->seq, id, 0, e);
  }
  nl_nav_topk_sort(&top);
  r->incomplete = top.seen > top.n;
  for (size_t i = 0; i < top.n; i++) {
    const nl_entry *e = top.items[i].ptr;
    const char *file = e->rel + (nl_path_dir_len(e->rel) ? nl_path_dir_len(e->rel) + 1 : 0);
    /* Below a folder the user typed, the file name; else the path the vault's format writes,
     * shown decoded and inserted encoded. */
    char *path = dir_bytes > 0 ? nl_nav_nfc(file, strlen(file)) : NULL;
    if (dir_bytes == 0) {
      nl_link_index ix = {ws, r->self, e};
      nl_link_dest d = nl_link_dest_index(&ix, self_rel);
      d.markdown = d.angle = 1;
      path = nl_link_path(&d);
    }
    char *encoded = path ? nl_link_encode(path, strlen(path)) : NULL;
    char *detail = nl_nav_detail(e);
    if (encoded != NULL) nl_completion_add_item(r, path, nl_completion_item_kind(e), detail, encoded, start, end, encoded);
    free(path);
    free(encoded);
    free(detail);
  }
  return 1;
}
