/* completion_link.c: completion of [[wikilinks]] (notes by link text and aliases, headings
 * after '#', block ids after '#^') and of markdown link destinations (notes as percent-encoded
 * paths). The path of a note is written in the vault's newLinkFormat (link_writer.h); after
 * "](" a markdown destination. After "[[" the link is written in the vault's kind: a wikilink,
 * or with useMarkdownLinks (as Obsidian's suggester does) a whole markdown link replacing the
 * typed "[[..." (and a "]]" right after the cursor): "[Ana Ruiz](Ana%20Ruiz.md)",
 * "[Ana Ruiz > Contact](Ana%20Ruiz.md#Contact)", "[Ana Ruiz > ^id](Ana%20Ruiz.md#^id)". */
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

/* A "[[" completion in a markdown-links vault: the whole link is replaced, from its "[[" (its
 * "![[" for an embed) through the cursor, and when the link is already closed on this line
 * through its "]]": what it holds after the cursor (the rest of the target, a "#fragment" after
 * the target being completed, a "|display text") is replaced too, its fragment and display
 * text kept in the markdown link ("[[Que|shown]]" becomes "[shown](Quentin.md)"). open: the
 * offset after "[[". The client filters on the replaced text, so the filter is that prefix
 * before the words the user matches. */
typedef struct {
  int on;          /* the vault writes markdown links */
  int embed;       /* "![[" */
  size_t start, end;
  char prefix[4];  /* "[[" or "![[" */
  char *frag;      /* the link's "#fragment" after the cursor, without '#' (new; NULL: none) */
  char *shown;     /* the link's display text after '|' (new; NULL: none) */
} md_swap;

static md_swap md_swap_at(const nl_completion_req *r, size_t open) {
  md_swap m = {0};
  m.on = nl_nav_doc_config(r->ctx->ws, r->self, r->uri)->use_markdown_links;
  m.embed = open >= 3 && r->text[open - 3] == '!';
  m.start = open - 2 - (size_t)m.embed;
  m.end = r->cur;
  strcpy(m.prefix, m.embed ? "![[" : "[[");
  size_t close = r->cur;
  while (close < r->len && !nl_completion_starts_with(r->text, r->len, close, "]]") &&
         !nl_completion_starts_with(r->text, r->len, close, "[["))
    close++;
  if (!m.on || !nl_completion_starts_with(r->text, r->len, close, "]]")) return m;
  m.end = close + 2;
  const char *rest = r->text + r->cur, *bar = memchr(rest, '|', close - r->cur);
  size_t target_end = bar ? (size_t)(bar - rest) : close - r->cur;
  const char *hash = memchr(rest, '#', target_end);
  if (hash != NULL) m.frag = strndup(hash + 1, target_end - (size_t)(hash + 1 - rest));
  if (bar != NULL && bar + 1 < r->text + close) m.shown = strndup(bar + 1, (size_t)(r->text + close - bar - 1));
  return m;
}

static void md_swap_done(md_swap *m) {
  free(m->frag);
  free(m->shown);
}

/* Adds the item of markdown link `link` (owned: freed here), filtered on the prefix, the
 * typed[0, typed_len) kept before the words ("Note#" of "[[Note#Hea"), and words. */
static void md_add(nl_completion_req *r, const md_swap *m, const char *label, int kind, const char *detail,
                   const char *typed, size_t typed_len, const char *words, char *link) {
  size_t n = strlen(m->prefix) + typed_len + strlen(words) + 1;
  char *filter = malloc(n);
  if (filter != NULL) snprintf(filter, n, "%s%.*s%s", m->prefix, (int)typed_len, typed, words);
  if (link != NULL && filter != NULL) nl_completion_add_item(r, label, kind, detail, filter, m->start, m->end, link);
  free(filter);
  free(link);
}

static void note_items(nl_completion_req *r, size_t open, const char *typed, size_t typed_len) {
  size_t start = open;
  md_swap m = md_swap_at(r, open);
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
    if (nl_config_excluded(nl_config_at(nl_ws_config(ws), e->abs), e->rel)) continue;
    nl_link_index ix = {ws, r->self, e};
    nl_link_dest d = nl_link_dest_index(&ix, self_rel);
    d.markdown = 0; /* the user typed "[[" */
    char *link = nl_link_path(&d);
    char *detail = nl_nav_detail(e);
    char *name = nl_nav_nfc(e->name, strlen(e->name));
    int sub = top.items[i].sub;
    const char *alias = sub ? e->note->aliases[sub - 1].text : NULL;
    char *about = sub && name ? nl_completion_concat3("alias of ", name, " \xC2\xB7 ") : NULL;
    char *full = sub ? (about && detail ? nl_completion_concat3(about, detail, "") : NULL) : detail;
    if (link != NULL && full != NULL && name != NULL) {
      if (m.on) { /* the whole link, as the vault writes it; an alias is its display text */
        d.markdown = 1;
        md_add(r, &m, sub ? alias : link, nl_completion_item_kind(e), full, "", 0, sub ? alias : name,
               nl_link_write(&d, m.frag, m.shown ? m.shown : alias, m.embed));
      } else {
        char *head = sub ? nl_completion_concat3(link, suffix ? "" : "|", suffix ? "" : alias) : NULL;
        char *text = nl_completion_concat3(sub ? (head ? head : "") : link, close, "");
        if (text && (!sub || head))
          nl_completion_add_item(r, sub ? alias : link, nl_completion_item_kind(e), full, sub ? alias : name, start,
                                 end, text);
        free(head);
        free(text);
      }
    }
    free(about);
    if (sub) free(full);
    free(link);
    free(detail);
    free(name);
  }
  md_swap_done(&m);
}

/* The note a link's target names, for its headings and blocks: the note itself for an empty
 * target (a parse of the live text, *owned set so the caller frees it), else the index's. */
static const nl_note *target_note(const nl_completion_req *r, const char *target, size_t len, nl_note **owned,
                                  const nl_entry **entry) {
  *owned = NULL;
  *entry = r->self;
  if (len == 0) {
    *owned = nl_note_parse(r->doc->text, r->doc->len);
    return *owned;
  }
  nl_entry *e = nl_ws_resolve(r->ctx->ws, r->self, target, len, NULL);
  if (e == NULL) return NULL;
  *entry = e;
  if (e == r->self) {
    *owned = nl_note_parse(r->doc->text, r->doc->len);
    return *owned;
  }
  return e->note;
}

/* Headings (blocks = 0) or block ids (blocks = 1) of the note before '#', in document order
 * within a match tier. */
static void fragment_items(nl_completion_req *r, size_t open, size_t start, const char *target,
                           size_t target_len, int blocks) {
  nl_note *owned = NULL;
  const nl_entry *entry = NULL;
  const nl_note *note = target_note(r, target, target_len, &owned, &entry);
  if (note == NULL) return;
  /* In a markdown-links vault: a link to the note shown "Note > Heading" or "Note > ^id", as
   * Obsidian shows such a link; for "[[#" a link within the note, "[Heading](#Heading)", as
   * Obsidian's suggester writes it (link_writer.h). A display text the link has already is
   * kept. */
  md_swap m = md_swap_at(r, open);
  const char *self_rel = nl_nav_doc_rel(r->self, r->uri);
  nl_link_index ix = {r->ctx->ws, r->self, entry};
  nl_link_dest d = {0};
  if (target_len > 0) {
    d = nl_link_dest_index(&ix, self_rel);
  } else {
    d.from_rel = self_rel; /* to_rel NULL: the linking note itself */
  }
  d.markdown = 1;
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
    char detail[16] = "block";
    if (!blocks) snprintf(detail, sizeof detail, "H%d", note->headings[top.items[i].sub].level);
    if (m.on) {
      char *frag = nl_completion_concat3(blocks ? "^" : "", text, "");
      if (frag) md_add(r, &m, text, ITEM_REFERENCE, detail, r->text + open, start - open, text,
                       nl_link_write(&d, frag, m.shown, m.embed));
      free(frag);
      continue;
    }
    char *with_close = nl_completion_concat3(text, closed ? "" : "]]", "");
    if (with_close) nl_completion_add_item(r, text, ITEM_REFERENCE, detail, text, start, end, with_close);
    free(with_close);
  }
  md_swap_done(&m);
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
    fragment_items(r, (size_t)open, frag + 1, typed, target_len, 1);
  else
    fragment_items(r, (size_t)open, frag, typed, target_len, 0);
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
  int64_t root = nl_ws_n_roots(ws) > 1 && r->self != NULL ? (int64_t)r->self->root : -1;
  for (uint32_t id = 0; id < limit; id++) {
    if (!nl_nav_may_match(&pat, masks[id])) continue;
    const nl_entry *e = nl_ws_get(ws, id);
    if (e == NULL || (root >= 0 && e->root != root)) continue;
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
