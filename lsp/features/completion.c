/* completion.c: textDocument/completion on the live text of the open document.
 *
 * The context comes from the cursor's line (and, for frontmatter and code fences, the lines
 * above it), never from the index's parse, which may lag behind typing:
 *   [[ / ![[      notes by link text, aliases as their own items; [[Note#  its headings;
 *                 [[Note#^  its block ids
 *   [x](          notes as relative, percent-encoded paths
 *   @             people by name and alias
 *   #             tags of the vault
 *   frontmatter   account: accounts; participants: people; tags: tags; type: configured types;
 *                 [[ in any value: notes, as in the body
 *   - [ ] text    task fields by name, dates and recurrence rules after their emoji
 *                 (completion_task.c)
 *
 * Choices:
 * - CompletionItemKind: File (17) for notes, Reference (18) for people, Class (7) for
 *   accounts, Reference (18) for headings and block ids, Keyword (14) for tags,
 *   EnumMember (20) for types, Folder (19) never (folders are not offered).
 * - An alias item of a wikilink inserts "Name|Alias" (the note's name with the alias as its
 *   display text, as Obsidian does); in an @mention it inserts the alias itself, which the
 *   index resolves like the name; in frontmatter it inserts the canonical name.
 * - A note's link text is its file name (NFC), or its vault-relative path without ".md" when
 *   the name alone is ambiguous.
 * - Ranking (sortText is the zero-padded rank): an exact match, then a prefix match, then
 *   other fuzzy matches by quality; within those, people and accounts first, then the most
 *   recently changed (entry->seq). At most 50 items (MAX_ITEMS), isIncomplete when cut: the
 *   client asks again as the user types, and a short list keeps each answer small.
 * - The textEdit replaces the typed prefix and, when the text after the cursor continues the
 *   same target, that too; "]]" is appended only when the link is not closed yet.
 * The pass over the vault's names is completion_names.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lsp/features/completion_impl.h"
#include "lsp/note/task.h"
#include "protocol/lsp_types.h"
#include "protocol/utf8.h"

/* ---- items ------------------------------------------------------------------------------- */

int nl_completion_item_kind(const nl_entry *e) {
  if (e->kind == NL_KIND_PERSON) return ITEM_REFERENCE;
  if (e->kind == NL_KIND_ACCOUNT) return ITEM_CLASS;
  return ITEM_FILE;
}

/* Copies s, NUL included, into r->strs: its offset there. */
static uint32_t keep_str(nl_completion_req *r, const char *s, size_t len) {
  uint32_t at = (uint32_t)r->strs.len;
  nl_buf_add(&r->strs, s, len + 1);
  return at;
}

void nl_completion_add_item(nl_completion_req *r, const char *label, int kind, const char *detail,
                            const char *filter, size_t a, size_t b, const char *new_text) {
  size_t label_len = strlen(label), text_len = strlen(new_text);
  /* Only UTF-8 can be a JSON string: jansson's tree dropped the item, or a field, for it. */
  if (!nl_utf8_valid(label, label_len) || !nl_utf8_valid(new_text, text_len)) return;
  nl_completion_item *it = nl_vec_push(&r->items, sizeof *it);
  if (it == NULL) return;
  /* Items mostly replace the same range: a run of them shares it. */
  if (r->range_gen == 0 || r->range_a != a || r->range_b != b) {
    r->range_gen++;
    r->range_a = a;
    r->range_b = b;
  }
  it->kind = kind;
  it->a = (uint32_t)a;
  it->b = (uint32_t)b;
  it->range_gen = r->range_gen;
  it->label = keep_str(r, label, label_len);
  it->text = keep_str(r, new_text, text_len);
  size_t n = detail != NULL ? strlen(detail) : 0;
  it->detail = detail != NULL && nl_utf8_valid(detail, n) ? keep_str(r, detail, n) : NL_COMPLETION_NONE;
  /* filterText defaults to the label: sent only when it differs (fewer bytes per item). */
  n = filter != NULL ? strlen(filter) : 0;
  it->filter = filter != NULL && strcmp(filter, label) != 0 && nl_utf8_valid(filter, n)
                   ? keep_str(r, filter, n)
                   : NL_COMPLETION_NONE;
}

/* Appends the Range of bytes [a, b) of the cursor's line. */
static void range_text(const nl_completion_req *r, nl_buf *b, size_t a, size_t bb) {
  uint32_t u[4];
  nl_nav_doc_range_units(r->ctx, r->doc, r->line, a, bb, u);
  nl_ctx_range_text(b, u[0], u[1], u[2], u[3]);
}

static void field_text(nl_buf *b, const char *key, const nl_completion_req *r, uint32_t at) {
  nl_buf_adds(b, key);
  nl_ctx_string_text(b, r->strs.s + at);
}

/* The CompletionList as JSON text (NL_CTX_RAW_RESULT), the key order jansson's tree had. For
 * clients that take itemDefaults.editRange (LSP 3.17; VS Code does) the last run's range is
 * sent once and its items keep only their text (textEditText); the others keep a textEdit.
 * About 40% fewer bytes on the wire for a full list. */
static int answer(const nl_completion_req *r, json_t **result) {
  nl_buf b = NL_BUF_INIT;
  int share = r->ctx->caps->completion_edit_range && r->items.n > 0;
  nl_buf_adds(&b, r->incomplete ? "{\"isIncomplete\":true" : "{\"isIncomplete\":false");
  if (share) {
    nl_buf_adds(&b, ",\"itemDefaults\":{\"editRange\":");
    range_text(r, &b, r->range_a, r->range_b);
    nl_buf_adds(&b, "}");
  }
  nl_buf_adds(&b, ",\"items\":[");
  const nl_completion_item *items = r->items.items;
  for (size_t i = 0; i < r->items.n; i++) {
    const nl_completion_item *it = &items[i];
    field_text(&b, i ? ",{\"label\":" : "{\"label\":", r, it->label);
    nl_buf_adds(&b, ",\"kind\":");
    nl_ctx_u32_text(&b, (uint32_t)it->kind);
    if (it->detail != NL_COMPLETION_NONE) field_text(&b, ",\"detail\":", r, it->detail);
    char sort[40];
    snprintf(sort, sizeof sort, ",\"sortText\":\"%05zu\"", i);
    nl_buf_adds(&b, sort);
    if (it->filter != NL_COMPLETION_NONE) field_text(&b, ",\"filterText\":", r, it->filter);
    if (share && it->range_gen == r->range_gen) {
      field_text(&b, ",\"textEditText\":", r, it->text);
    } else {
      nl_buf_adds(&b, ",\"textEdit\":{\"range\":");
      range_text(r, &b, it->a, it->b);
      field_text(&b, ",\"newText\":", r, it->text);
      nl_buf_adds(&b, "}");
    }
    nl_buf_adds(&b, "}");
  }
  nl_buf_adds(&b, "]}");
  return nl_ctx_raw_result(&b, result);
}

char *nl_completion_concat3(const char *a, const char *b, const char *c) {
  size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
  char *out = malloc(la + lb + lc + 1);
  if (out == NULL) return NULL;
  memcpy(out, a, la);
  memcpy(out + la, b, lb);
  memcpy(out + la + lb, c, lc + 1);
  return out;
}

/* ---- the line ---------------------------------------------------------------------------- */

/* Whether the cursor is inside a `code span` of its line: an odd number of backticks before. */
static int in_code_span(const nl_completion_req *r) {
  size_t ticks = 0;
  for (size_t i = 0; i < r->cur; i++) ticks += r->text[i] == '`';
  return ticks % 2 == 1;
}
/* ---- the lines above: frontmatter and fences --------------------------------------------- */

typedef enum { ZONE_BODY, ZONE_FRONTMATTER, ZONE_FENCE } zone;

/* Length of a fence opener/closer (``` or ~~~, up to three spaces of indent), 0 if none. */
static size_t fence_len(const char *s, size_t len, char *ch) {
  size_t i = 0;
  while (i < len && i < 3 && s[i] == ' ') i++;
  if (i >= len || (s[i] != '`' && s[i] != '~')) return 0;
  char c = s[i];
  size_t n = 0;
  while (i + n < len && s[i + n] == c) n++;
  if (n < 3) return 0;
  *ch = c;
  return n;
}

/* Frontmatter is open when line 0 is "---" and no closing "---"/"..." came before the
 * cursor's line (an unclosed one counts: the user is typing it). */
static zone zone_of(const nl_completion_req *r) {
  size_t len = 0;
  const char *s = nl_nav_doc_line(r->doc, 0, &len);
  uint32_t i = 0;
  if (s != NULL && nl_note_is_fence(s, len, "---")) {
    for (i = 1; i < r->line; i++) {
      s = nl_nav_doc_line(r->doc, i, &len);
      if (nl_note_is_fence(s, len, "---") || nl_note_is_fence(s, len, "...")) break;
    }
    if (i >= r->line && r->line > 0) return ZONE_FRONTMATTER;
    i++;
  }
  char open_ch = 0;
  size_t open_n = 0;
  for (; i < r->line; i++) {
    s = nl_nav_doc_line(r->doc, i, &len);
    char ch = 0;
    size_t n = fence_len(s, len, &ch);
    if (n == 0) continue;
    if (open_n == 0) {
      open_n = n;
      open_ch = ch;
    } else if (ch == open_ch && n >= open_n) {
      open_n = 0;
    }
  }
  return open_n ? ZONE_FENCE : ZONE_BODY;
}
/* ---- people: @ ------------------------------------------------------------------------------ */

/* The '@' whose mention the cursor is typing: offset after it, or -1. */
static ptrdiff_t open_mention(const nl_completion_req *r) {
  ptrdiff_t at = -1;
  for (size_t i = r->cur; i > 0; i--)
    if (r->text[i - 1] == '@') {
      at = (ptrdiff_t)i;
      break;
    }
  if (at < 0 || r->cur - (size_t)at > MAX_MENTION) return -1;
  /* "ana@example.com" is no mention: '@' starts a word. */
  if (at >= 2) {
    char before = r->text[at - 2];
    if (!nl_completion_is_space(before) && before != '(' && before != '[' && before != '"') return -1;
  }
  for (size_t i = (size_t)at; i < r->cur; i++) {
    if (strchr(",;()[]", r->text[i]) != NULL) return -1;
    if (r->text[i] == '#' && i > (size_t)at && nl_completion_is_space(r->text[i - 1])) return -1;
    if (nl_task_emoji(r->text + i, r->cur - i, NULL, NULL) > 0) return -1;
  }
  return at;
}

static int word_byte(unsigned char c) {
  return c >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ||
         c == '-' || c == '_' || c == '.' || c == '\'';
}

/* The end of an item's edit: through the inserted text itself when the line already holds
 * it after `start` ("@Jo|nas Becker" choosing "Jonas Becker"), else `end`. */
static size_t edit_end(const nl_completion_req *r, size_t start, size_t end, const char *insert) {
  size_t n = strlen(insert);
  if (start + n > end && start + n <= r->len && strncasecmp(r->text + start, insert, n) == 0)
    return start + n;
  return end;
}

/* People (kind person) and their aliases, or accounts, as items replacing [start, end). */
static void party_items(nl_completion_req *r, nl_kind kind, const char *typed, size_t typed_len, size_t start,
                        size_t end, int alias_inserts_alias) {
  nl_nav_hit buf[MAX_ITEMS];
  nl_nav_topk top;
  nl_completion_best_names(r, typed, typed_len, (int)kind, &top, buf);
  for (size_t i = 0; i < top.n; i++) {
    const nl_entry *e = top.items[i].ptr;
    char *name = nl_nav_nfc(e->name, strlen(e->name));
    char *detail = nl_nav_detail(e);
    if (name != NULL && detail != NULL) {
      if (top.items[i].sub == 0) {
        nl_completion_add_item(r, name, nl_completion_item_kind(e), detail, name, start, edit_end(r, start, end, name),
                 name);
      } else {
        const char *alias = e->note->aliases[top.items[i].sub - 1].text;
        char *about = nl_completion_concat3("alias of ", name, " \xC2\xB7 ");
        char *full = about ? nl_completion_concat3(about, detail, "") : NULL;
        const char *insert = alias_inserts_alias ? alias : name;
        if (full)
          nl_completion_add_item(r, alias, nl_completion_item_kind(e), full, alias, start, edit_end(r, start, end, insert),
                   insert);
        free(about);
        free(full);
      }
    }
    free(name);
    free(detail);
  }
}

static int complete_mention(nl_completion_req *r) {
  ptrdiff_t at = open_mention(r);
  if (at < 0) return 0;
  size_t end = r->cur;
  while (end < r->len && word_byte((unsigned char)r->text[end])) end++;
  party_items(r, NL_KIND_PERSON, r->text + at, r->cur - (size_t)at, (size_t)at, end, 1);
  return 1;
}
/* ---- tags: # -------------------------------------------------------------------------------- */

typedef struct {
  char *tag;
  size_t count;
  int score;
} tag_hit;

typedef struct {
  nl_nav_pattern pat;
  tag_hit *hits;
  size_t n, cap;
  const char *word; /* the tag under the cursor, and how often this note writes it */
  size_t word_len, own;
} tag_collect;

static void collect_tag(void *ud, const char *tag, size_t count) {
  tag_collect *c = ud;
  size_t len = strlen(tag);
  /* The word being typed is in the index once the open text is flushed: a tag this note alone
   * uses, spelled as under the cursor, is that word, not a tag to offer. */
  if (len == c->word_len && memcmp(tag, c->word, len) == 0 && count <= c->own) return;
  int s = nl_nav_score(&c->pat, tag, len);
  if (s < 0) return;
  if (c->n == c->cap) {
    size_t cap = c->cap ? c->cap * 2 : 32;
    tag_hit *grown = realloc(c->hits, cap * sizeof *grown);
    if (grown == NULL) return;
    c->hits = grown;
    c->cap = cap;
  }
  char *copy = strdup(tag);
  if (copy == NULL) return;
  c->hits[c->n++] = (tag_hit){copy, count, s};
}

/* Prefix matches first, then the most used, then the better fuzzy match, then by name. */
static int cmp_tag(const void *a, const void *b) {
  const tag_hit *x = a, *y = b;
  int tx = x->score >> 24, ty = y->score >> 24;
  if (tx != ty) return ty - tx;
  if (x->count != y->count) return x->count < y->count ? 1 : -1;
  if (x->score != y->score) return y->score - x->score;
  return strcmp(x->tag, y->tag);
}

static void tag_items(nl_completion_req *r, const char *typed, size_t typed_len, size_t start, size_t end) {
  tag_collect c;
  memset(&c, 0, sizeof c);
  nl_nav_pattern_init(&c.pat, typed, typed_len);
  c.word = r->text + start;
  c.word_len = end - start;
  const nl_note *self = r->self != NULL ? r->self->note : NULL;
  for (size_t i = 0; self != NULL && i < self->n_tags; i++)
    c.own += strlen(self->tags[i].name) == c.word_len &&
             memcmp(self->tags[i].name, c.word, c.word_len) == 0;
  nl_ws_foreach_tag(r->ctx->ws, r->self != NULL ? (int)r->self->root : -1, collect_tag, &c);
  if (c.n > 0) qsort(c.hits, c.n, sizeof *c.hits, cmp_tag); /* qsort(NULL, 0) is undefined */
  r->incomplete = c.n > MAX_ITEMS;
  for (size_t i = 0; i < c.n; i++) {
    if (i < MAX_ITEMS) {
      char detail[48];
      snprintf(detail, sizeof detail, "tag, used %zu time%s", c.hits[i].count,
               c.hits[i].count == 1 ? "" : "s");
      nl_completion_add_item(r, c.hits[i].tag, ITEM_KEYWORD, detail, c.hits[i].tag, start, end, c.hits[i].tag);
    }
    free(c.hits[i].tag);
  }
  free(c.hits);
}

static int tag_byte(unsigned char c) {
  return c >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ||
         c == '-' || c == '_' || c == '/';
}

static int complete_tag(nl_completion_req *r) {
  size_t i = r->cur;
  while (i > 0 && tag_byte((unsigned char)r->text[i - 1])) i--;
  if (i == 0 || r->text[i - 1] != '#') return 0;
  size_t hash = i - 1;
  if (hash > 0 && !nl_completion_is_space(r->text[hash - 1])) return 0; /* "a#b", "##": no tag */
  /* "#" alone at the start of a line is a heading being typed, not a tag. */
  if (r->cur == i) {
    size_t k = 0;
    while (k < hash && nl_completion_is_space(r->text[k])) k++;
    if (k == hash) return 1;
  }
  size_t end = r->cur;
  while (end < r->len && tag_byte((unsigned char)r->text[end])) end++;
  tag_items(r, r->text + i, r->cur - i, i, end);
  return 1;
}
/* ---- frontmatter ---------------------------------------------------------------------------- */

static int key_byte(char c) {
  return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

/* Length of "key:" at the start of s (no indent), 0 when the line is not a top-level key. */
static size_t key_at(const char *s, size_t len, size_t *key_len) {
  size_t i = 0;
  while (i < len && key_byte(s[i])) i++;
  if (i == 0 || i >= len || s[i] != ':') return 0;
  *key_len = i;
  return i + 1;
}

static void type_items(nl_completion_req *r, const char *typed, size_t typed_len, size_t start, size_t end) {
  const nl_config *cfg = nl_ws_config(r->ctx->ws);
  nl_nav_pattern pat;
  nl_nav_pattern_init(&pat, typed, typed_len);
  for (int k = 0; cfg != NULL && k < NL_KIND__COUNT; k++) {
    for (size_t i = 0; i < cfg->types[k].n; i++) {
      const char *t = cfg->types[k].items[i];
      if (nl_nav_score(&pat, t, strlen(t)) < 0) continue;
      nl_completion_add_item(r, t, ITEM_ENUM_MEMBER, nl_kind_name((nl_kind)k), t, start, end, t);
    }
  }
}

/* Completes the value of `key` typed in [start, cursor) and ending at `end`. */
static void fm_value(nl_completion_req *r, const char *key, size_t key_len, size_t start, size_t end) {
  const char *typed = r->text + start;
  size_t typed_len = r->cur - start;
  if (key_len == 7 && strncasecmp(key, "account", 7) == 0)
    party_items(r, NL_KIND_ACCOUNT, typed, typed_len, start, end, 0);
  else if (key_len == 12 && strncasecmp(key, "participants", 12) == 0)
    party_items(r, NL_KIND_PERSON, typed, typed_len, start, end, 0);
  else if (key_len == 4 && strncasecmp(key, "tags", 4) == 0)
    tag_items(r, typed, typed_len, start, end);
  else if (key_len == 4 && strncasecmp(key, "type", 4) == 0)
    type_items(r, typed, typed_len, start, end);
}

/* The end of the value the cursor is in: the line's end (trailing blanks and a closing quote
 * left alone), or the next ',' / ']' of an inline list. */
static size_t value_end(const nl_completion_req *r, int in_list) {
  size_t end = r->cur;
  while (end < r->len && !(in_list && (r->text[end] == ',' || r->text[end] == ']'))) end++;
  while (end > r->cur && (nl_completion_is_space(r->text[end - 1]) || r->text[end - 1] == '"' ||
                          r->text[end - 1] == '\''))
    end--;
  return end;
}

static size_t skip_blank_quote(const nl_completion_req *r, size_t i) {
  while (i < r->cur && nl_completion_is_space(r->text[i])) i++;
  if (i < r->cur && (r->text[i] == '"' || r->text[i] == '\'')) i++;
  return i;
}

static void complete_frontmatter(nl_completion_req *r) {
  size_t key_len = 0, after = key_at(r->text, r->cur, &key_len);
  if (after > 0) { /* key: value, or key: [a, b, c */
    size_t v = after;
    while (v < r->cur && nl_completion_is_space(r->text[v])) v++;
    int in_list = v < r->cur && r->text[v] == '[';
    if (in_list) {
      for (size_t i = v; i < r->cur; i++)
        if (r->text[i] == '[' || r->text[i] == ',') v = i + 1;
    }
    v = skip_blank_quote(r, v);
    fm_value(r, r->text, key_len, v, value_end(r, in_list));
    return;
  }
  size_t i = 0;
  while (i < r->cur && nl_completion_is_space(r->text[i])) i++;
  if (i >= r->cur || r->text[i] != '-' || (i + 1 < r->cur && !nl_completion_is_space(r->text[i + 1]))) return;
  /* A "- item": the list belongs to the nearest key above that has no inline value. */
  for (uint32_t l = r->line; l-- > 1;) {
    size_t len = 0;
    const char *s = nl_nav_doc_line(r->doc, l, &len);
    size_t klen = 0, k = s ? key_at(s, len, &klen) : 0;
    if (k == 0) continue;
    while (k < len && nl_completion_is_space(s[k])) k++;
    if (k < len) return; /* the key above has a scalar value: not our list */
    fm_value(r, s, klen, skip_blank_quote(r, i + 1), value_end(r, 0));
    return;
  }
}
/* ---- the handler ---------------------------------------------------------------------------- */

static void complete(nl_completion_req *r) {
  switch (zone_of(r)) {
  case ZONE_FRONTMATTER:
    /* A property value may be a link ("related: \"[[Note]]\""), as Obsidian writes them. */
    if (!nl_completion_wikilink(r)) complete_frontmatter(r);
    return;
  case ZONE_FENCE:
    return;
  case ZONE_BODY:
    break;
  }
  if (in_code_span(r)) return;
  if (nl_completion_wikilink(r)) return;
  if (nl_completion_mdlink(r)) return;
  if (complete_mention(r)) return;
  if (nl_completion_task_field(r)) return;
  complete_tag(r);
}

int nl_feature_completion(const nl_ctx *ctx, const json_t *params, json_t **result, char *err,
                          size_t err_size) {
  const char *uri = NULL;
  uint32_t line = 0, character = 0;
  int rc = nl_nav_text_position(params, &uri, &line, &character, err, err_size);
  if (rc != 0) return rc;

  nl_completion_req r;
  memset(&r, 0, sizeof r);
  r.ctx = ctx;
  r.uri = uri;
  r.doc = nl_docs_get(ctx->docs, uri);
  if (r.doc != NULL) {
    r.self = nl_ws_by_uri(ctx->ws, uri);
    nl_bpos pos = nl_ctx_bpos(ctx, r.doc, line, character);
    r.line = pos.line;
    r.text = nl_nav_doc_line(r.doc, pos.line, &r.len);
    r.cur = pos.col < r.len ? pos.col : r.len;
    if (r.text != NULL) complete(&r);
  }
  if (r.strs.oom) r.items.n = 0; /* an item's string was lost: answer none, not a wrong one */
  rc = answer(&r, result);
  nl_vec_free(&r.items);
  nl_buf_free(&r.strs);
  return rc;
}
