/* dependents.c: the notes whose diagnostics may change because another note's face changed
 * (its names, aliases, headings, block ids, kind, or whether it exists) or an attachment came
 * or went. They are collected as the index changes, from the reference maps (backlinks.c):
 * the notes filed under each old and new name and alias (links), under its first word
 * (mentions), under it in frontmatter names and account tags; plus the changed note itself.
 * A few map lookups per change, so a server can re-diagnose just these notes of a vault of
 * 100,000 rather than all of them: it pushes theirs again (diagnostics.scope: vault,
 * lsp/server/vault_push.c), and a pull diagnoses them again because each forgets its pulled
 * diagnostics' memo here, while the wide generation every memo depends on stays put. */
#include "lsp/index/workspace_impl.h"

#include <stdlib.h>
#include <string.h>

static void add_id(nl_workspace *ws, uint32_t id) {
  nl_ws_deps *d = &ws->deps;
  if (id < ws->n_ids && ws->entries[id] != NULL) ws->entries[id]->diag_state = 0;
  if (id / 8 >= d->seen_len) {
    size_t len = (ws->n_ids + 7) / 8 + 64;
    if (id / 8 >= len) len = id / 8 + 64;
    uint8_t *seen = realloc(d->seen, len);
    if (seen == NULL) return;
    memset(seen + d->seen_len, 0, len - d->seen_len);
    d->seen = seen;
    d->seen_len = len;
  }
  if ((d->seen[id / 8] >> (id % 8)) & 1) return;
  uint32_t *slot = nl_vec_push(&d->ids, sizeof(*slot));
  if (slot == NULL) return;
  *slot = id;
  d->seen[id / 8] |= (uint8_t)(1u << (id % 8));
}

static void add_filed(nl_workspace *ws, const nl_strmap *m, const char *s, size_t len,
                      void (*make)(nl_wsi_key *, const char *, size_t)) {
  if (len == 0) return;
  nl_wsi_key key;
  make(&key, s, len);
  uint32_t n;
  const uint32_t *ids = nl_strmap_get(m, key.s, key.len, &n);
  for (uint32_t i = 0; i < n; i++) add_id(ws, ids[i]);
  nl_wsi_key_done(&key);
}

static int tracking(const nl_workspace *ws) {
  return ws->deps.on && ws->ready && ws->vscan == NULL;
}

/* The notes that may name `name`: by link, mention (its first word), frontmatter, tag. */
static void add_named(nl_workspace *ws, const char *name) {
  size_t len = strlen(name), word = 0;
  while (word < len && name[word] != ' ') word++;
  add_filed(ws, &ws->rm.refs, name, len, nl_wsi_key_make);
  add_filed(ws, &ws->rm.said, name, word, nl_wsi_key_make);
  add_filed(ws, &ws->rm.fm_refs, name, len, nl_wsi_key_make);
  add_filed(ws, &ws->rm.acct_tags, name, len, nl_wsi_slug_make);
}

void nl_wsi_face_touched(nl_workspace *ws, const nl_entry *e, const nl_note *note) {
  if (!tracking(ws)) return;
  nl_wsi_refs_complete(ws); /* the maps whole */
  add_id(ws, e->id);
  add_named(ws, e->name);
  if (note == NULL) return;
  if (note->title != NULL) add_named(ws, note->title->text);
  for (size_t i = 0; i < note->n_aliases; i++) add_named(ws, note->aliases[i].text);
}

static void add_linking(void *ud, uint32_t id) { add_id(ud, id); }

void nl_wsi_file_touched(nl_workspace *ws, int root, const char *name) {
  if (!tracking(ws)) return;
  nl_ws_linking_named(ws, root, name, strlen(name), 0, add_linking, ws);
}

void nl_wsi_gen_step(nl_workspace *ws, int marked) {
  ws->gen++;
  if (marked && tracking(ws))
    ws->seq++;
  else
    ws->gen_wide++;
}

void nl_ws_track_dependents(nl_workspace *ws, int on) {
  if (on != ws->deps.on) ws->gen_wide++; /* what was not collected is not known */
  ws->deps.on = on;
}

uint32_t *nl_ws_take_dependents(nl_workspace *ws, size_t *n) {
  nl_ws_deps *d = &ws->deps;
  uint32_t *ids = d->ids.items;
  *n = d->ids.n;
  for (size_t i = 0; i < *n; i++) d->seen[ids[i] / 8] = 0; /* every bit set is one of these */
  d->ids = (nl_vec){0};
  if (*n == 0) {
    free(ids);
    return NULL;
  }
  return ids;
}

void nl_wsi_deps_free(nl_ws_deps *d) {
  nl_vec_free(&d->ids);
  free(d->seen);
}
