/* backlinks.c: the searches through the reference maps (refs_maps.c) for the notes that link
 * to, mention or name a note, and for the vault's tags. A search or a walk over the tags
 * completes the maps first (nl_wsi_refs_complete), so it never sees them partial. */
#include "lsp/index/workspace_impl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lsp/base/unicode.h"
#include "lsp/note/mojibake.h"

/* Before a search: the deferred entries go in now. The maps are derived from the entries, so
 * completing them changes no answer, which is why a const index may. */
static void refs_complete(const nl_workspace *ws) {
  if (ws->refs_upto != UINT32_MAX || ws->refs_build != NULL)
    nl_wsi_refs_complete((nl_workspace *)ws);
}

/* ---- what links, mentions and frontmatter names resolve to --------------------------------- */

/* A search looks at every link (mention...) of each note filed under a name, and resolving one
 * builds its path and looks it up, or tries each prefix of a mention as a person's name: most
 * of a search's time. What they resolved to is kept (nl_ws_hits) until a change can alter it:
 * a note came, went, or changed its names, kind or headings (nl_ws_generation), or the
 * linking note was parsed again (its seq). */
#define HITS_MIN 64
#define HITS_MAX ((size_t)1 << 18) /* 6 MiB; then the table starts again */

void nl_wsi_hits_free(nl_ws_hits *h) {
  free(h->slots);
  *h = (nl_ws_hits){0};
}

static size_t hit_home(uint64_t key, size_t cap) {
  return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 32) & (cap - 1);
}

/* The slot of key, or the empty one where it goes. */
static nl_ws_hit *hit_find(nl_ws_hit *slots, size_t cap, uint64_t key) {
  size_t i = hit_home(key, cap);
  while (slots[i].key != 0 && slots[i].key != key) i = (i + 1) & (cap - 1);
  return &slots[i];
}

/* Room for one more slot at a load of at most a half: 0, or -1 out of memory (the table is
 * then left as it was, and nothing is kept). */
static int hits_room(nl_ws_hits *h) {
  if (h->slots != NULL && (h->n + 1) * 2 <= h->cap) return 0;
  size_t cap = h->cap ? h->cap * 2 : HITS_MIN;
  if (cap > HITS_MAX) { /* full: start again rather than grow without bound */
    memset(h->slots, 0, h->cap * sizeof(*h->slots));
    h->n = 0;
    return 0;
  }
  nl_ws_hit *slots = calloc(cap, sizeof(*slots));
  if (slots == NULL) return -1;
  for (size_t i = 0; i < h->cap; i++)
    if (h->slots[i].key != 0) *hit_find(slots, cap, h->slots[i].key) = h->slots[i];
  free(h->slots);
  h->slots = slots;
  h->cap = cap;
  return 0;
}

/* What a search resolves in each candidate note, part of nl_ws_hit's key. */
enum { HIT_LINK, HIT_MENTION, HIT_ACCOUNT_TAG, HIT_FM /* + the kind asked for */ };
_Static_assert(HIT_FM + NL_KIND__COUNT <= 32, "a hit's kind of name fits in five bits");

/* Item i of from's links, mentions (*len: its matched bytes), tags or frontmatter names (0:
 * `account:`, i + 1: participants[i]), resolved as the index resolves it. */
static nl_entry *resolve_now(const nl_workspace *ws, const nl_entry *from, unsigned what,
                             size_t i, size_t *len) {
  const nl_note *n = from->note;
  const char *t;
  switch (what) {
  case HIT_LINK:
    t = n->links[i].target;
    return nl_ws_resolve(ws, from, t, strlen(t), NULL);
  case HIT_MENTION:
    return nl_ws_resolve_mention(ws, from, &n->mentions[i], len);
  case HIT_ACCOUNT_TAG:
    t = n->tags[i].name;
    return nl_ws_resolve_account_tag(ws, from, t, strlen(t));
  default:
    t = i == 0 ? (n->account != NULL ? n->account->text : "") : n->participants[i - 1].text;
    return *t != '\0' ? nl_ws_resolve_kind(ws, from, (nl_kind)(what - HIT_FM), t, strlen(t))
                       : NULL;
  }
}

/* resolve_now through the table. */
static nl_entry *resolved(const nl_workspace *cws, const nl_entry *from, unsigned what,
                          size_t i, size_t *len) {
  nl_workspace *ws = (nl_workspace *)cws; /* the table is derived, as refs_complete's maps */
  nl_ws_hits *h = &ws->hits;
  if (h->gen != ws->gen) {
    if (h->slots != NULL) memset(h->slots, 0, h->cap * sizeof(*h->slots));
    h->n = 0;
    h->gen = ws->gen;
  }
  uint64_t key = 1 + ((uint64_t)from->id << 32 | (uint64_t)what << 27 | (i & 0x7FFFFFF));
  nl_ws_hit *slot = h->slots != NULL ? hit_find(h->slots, h->cap, key) : NULL;
  if (slot != NULL && slot->key == key && slot->seq == from->seq) {
    *len = slot->len;
    return slot->target != 0 ? nl_ws_get(ws, slot->target - 1) : NULL;
  }
  *len = 0;
  nl_entry *to = resolve_now(ws, from, what, i, len);
  if (slot == NULL || slot->key != key) {
    if (hits_room(h) != 0) return to;
    slot = hit_find(h->slots, h->cap, key); /* the table may have grown or started again */
    h->n++;
  }
  *slot = (nl_ws_hit){key, from->seq, to != NULL ? to->id + 1 : 0, (uint32_t)*len};
  return to;
}

/* ---- backlinks and tags ------------------------------------------------------------------ */

/* What a reference search looks at in each candidate note: its links or its mentions. */
typedef struct {
  const nl_strmap *map;   /* name key -> ids of notes that may refer to it */
  int first_word;         /* key by the name's first word (mentions) rather than all of it */
  size_t (*count)(const nl_note *n);
  unsigned what;          /* HIT_*: what resolve_now resolves (HIT_FM: as the target's kind) */
  void (*make)(nl_wsi_key *k, const char *s, size_t len); /* the map's key; NULL: plain key */
} ref_search;

static size_t count_links(const nl_note *n) { return n->n_links; }
static size_t count_mentions(const nl_note *n) { return n->n_mentions; }

/* The first word of a name, as a mention's `word` holds it. */
static size_t first_word(const char *name) {
  size_t n = 0;
  while (name[n] != '\0' && name[n] != ' ') n++;
  return n;
}

/* References to e from the notes filed under e's file name, title and aliases in the search's
 * map, each note looked at once (a bitmap over ids: a popular name may have 100,000 notes). */
static ptrdiff_t find_refs(const nl_workspace *ws, const nl_entry *e, const ref_search *rs,
                           nl_ref **out) {
  *out = NULL;
  refs_complete(ws);
  size_t n_out = 0, cap = 0;
  const char *names[66];
  size_t n_names = 0;
  names[n_names++] = e->name;
  if (e->note->title != NULL) names[n_names++] = e->note->title->text;
  for (size_t i = 0; i < e->note->n_aliases && n_names < 66; i++)
    names[n_names++] = e->note->aliases[i].text;
  unsigned what = rs->what == HIT_FM ? HIT_FM + e->kind : rs->what;
  uint8_t *seen = calloc((ws->n_ids + 7) / 8 + 1, 1);
  if (seen == NULL) return -ENOMEM;
  for (size_t k = 0; k < n_names; k++) {
    nl_wsi_key key;
    (rs->make != NULL ? rs->make : nl_wsi_key_make)(
        &key, names[k], rs->first_word ? first_word(names[k]) : strlen(names[k]));
    uint32_t n;
    const uint32_t *ids = nl_strmap_get(rs->map, key.s, key.len, &n);
    for (uint32_t i = 0; i < n; i++) {
      uint32_t id = ids[i];
      const nl_entry *from = nl_ws_get(ws, id);
      if (from == NULL || (seen[id / 8] >> (id % 8)) & 1) continue;
      seen[id / 8] |= (uint8_t)(1u << (id % 8));
      for (size_t el = 0; el < rs->count(from->note); el++) {
        size_t len;
        if (resolved(ws, from, what, el, &len) != e) continue;
        if (n_out == cap) {
          size_t nc = cap ? cap * 2 : 16;
          nl_ref *r = realloc(*out, nc * sizeof(*r));
          if (r == NULL) {
            nl_wsi_key_done(&key);
            free(seen);
            free(*out);
            *out = NULL;
            return -ENOMEM;
          }
          *out = r;
          cap = nc;
        }
        (*out)[n_out++] = (nl_ref){from->id, (uint32_t)el};
      }
    }
    nl_wsi_key_done(&key);
  }
  free(seen);
  return (ptrdiff_t)n_out;
}

ptrdiff_t nl_ws_backlinks(const nl_workspace *ws, const nl_entry *e, nl_ref **out) {
  /* Links name a note by file name, title or alias; refs are keyed by the name written. */
  const ref_search rs = {&ws->rm.refs, 0, count_links, HIT_LINK, NULL};
  return find_refs(ws, e, &rs, out);
}

size_t nl_ws_linking_named(const nl_workspace *ws, int root, const char *name, size_t len,
                           int with_path, void (*cb)(void *ud, uint32_t id), void *ud) {
  const char *b;
  size_t bl, calls = 0;
  char *s = strndup(name, len);
  if (s == NULL) return 0;
  refs_complete(ws);
  nl_wsi_link_base(s, &b, &bl); /* the key refs are filed under */
  nl_wsi_key key;
  nl_wsi_key_make(&key, b, bl);
  uint32_t n;
  const uint32_t *ids = nl_strmap_get(with_path ? &ws->rm.path_refs : &ws->rm.refs, key.s, key.len, &n);
  for (uint32_t i = 0; i < n; i++) {
    const nl_entry *e = nl_ws_get(ws, ids[i]);
    if (e == NULL || (root >= 0 && e->root != (uint32_t)root)) continue;
    cb(ud, ids[i]);
    calls++;
  }
  nl_wsi_key_done(&key);
  free(s);
  return calls;
}

ptrdiff_t nl_ws_mentions_of(const nl_workspace *ws, const nl_entry *person, nl_ref **out) {
  const ref_search rs = {&ws->rm.said, 1, count_mentions, HIT_MENTION, NULL};
  return find_refs(ws, person, &rs, out);
}

nl_entry *nl_ws_mention_resolved(const nl_workspace *ws, const nl_entry *from, size_t i,
                                 size_t *matched_len) {
  size_t len;
  nl_entry *to = resolved(ws, from, HIT_MENTION, i, &len);
  if (matched_len != NULL) *matched_len = len;
  return to;
}

/* Frontmatter names: index 0 is `account:`, i + 1 is participants[i]. */
static size_t count_fm(const nl_note *n) { return 1 + n->n_participants; }

ptrdiff_t nl_ws_fm_refs_of(const nl_workspace *ws, const nl_entry *e, nl_ref **out) {
  const ref_search rs = {&ws->rm.fm_refs, 0, count_fm, HIT_FM, NULL};
  return find_refs(ws, e, &rs, out);
}

/* An `account/<slug>` tag: index i of the note's tags. */
static size_t count_tags(const nl_note *n) { return n->n_tags; }

ptrdiff_t nl_ws_account_tags_of(const nl_workspace *ws, const nl_entry *account, nl_ref **out) {
  const ref_search rs = {&ws->rm.acct_tags, 0, count_tags, HIT_ACCOUNT_TAG, nl_wsi_slug_make};
  return find_refs(ws, account, &rs, out);
}

typedef struct {
  long root; /* < 0: every folder */
  void (*cb)(void *ud, const char *tag, size_t count);
  void *ud;
} tag_walk;

static void tag_each(void *ud, const char *key, size_t len, const uint32_t *ids, uint32_t n) {
  tag_walk *w = ud;
  char *slash;
  long root = strtol(key, &slash, 10); /* count_tag's "<root>/" */
  if (*slash != '/' || (w->root >= 0 && root != w->root) || ids[0] == 0) return;
  w->cb(w->ud, slash + 1, ids[0]);
}

void nl_ws_foreach_tag(const nl_workspace *ws, int root,
                       void (*cb)(void *ud, const char *tag, size_t count), void *ud) {
  tag_walk w = {root, cb, ud};
  refs_complete(ws);
  nl_strmap_foreach(&ws->rm.tags, tag_each, &w);
}
