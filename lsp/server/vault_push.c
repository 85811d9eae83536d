/* vault_push.c: `diagnostics.scope: vault` for clients that do not pull diagnostics (Neovim
 * 0.7, Helix, eglot): the problems of closed notes, pushed. After a scan or a change of the
 * settings every closed note is diagnosed (up to diagnostics.maxNotes notes with problems,
 * in slices); after a later change only the
 * notes already shown (another note's change may have fixed them) and the notes that read
 * the face of a note that changed, came or went (collected by the index, dependents.c), so a
 * deleted note's broken links show in the closed notes that link to it without a pass over
 * the vault; those readers go in slices between requests, as a pull does (pull.c). */
#include "lsp/server/server_impl.h"

#include <stdlib.h>
#include <string.h>

#include "lsp/features/features.h"

/* Pushes the problems of closed note `e` when they changed; returns 1 when it has some. */
static int publish_closed(nl_server *srv, const nl_entry *e) {
  nl_buf items = NL_BUF_INIT;
  nl_feature_diagnostics_text(nl_srv_ctx_now(srv), e, &items);
  return nl_srv_publish_items(srv, e->uri, -1, &items, 0, 0);
}

static int closed_note(nl_server *srv, const nl_entry *e) {
  return e != NULL && e->note != NULL && e->uri != NULL && nl_docs_get(srv->docs, e->uri) == NULL;
}

/* The closed notes shown, again. */
static void republish(nl_server *srv) {
  const char *uri;
  json_t *v, *tmp;
  json_object_foreach_safe(srv->published, tmp, uri, v) {
    const nl_entry *e = nl_ws_by_uri(srv->ws, uri);
    if (nl_docs_get(srv->docs, uri) != NULL) continue;
    if (e == NULL || e->note == NULL) { /* gone from the vault */
      nl_srv_notify(srv, "textDocument/publishDiagnostics",
                    json_pack("{s:s,s:[]}", "uri", uri, "diagnostics"));
      json_object_del(srv->published, uri);
      continue;
    }
    publish_closed(srv, e);
  }
}

/* Notes of the pending list, a slice of time, while the cap allows new ones. The pass over every note
 * stops once it showed maxNotes closed notes with problems; for readers of changed faces the
 * notes shown are counted as the published ones (open documents' among them). */
static void push_slice(nl_server *srv) {
  size_t max = srv->cfg->diagnostics_max_notes;
  /* A slice is a time (NL_SRV_SLICE_NS), not a count: a note costs 0.01-1 ms to diagnose. */
  uint64_t start = uv_hrtime();
  while (srv->push_pos < srv->n_push && uv_hrtime() - start < NL_SRV_SLICE_NS) {
    int full = srv->push_pos < srv->push_full_end;
    if (full && srv->push_shown >= max) { /* the pass is done: the readers next */
      srv->push_pos = srv->push_full_end;
      continue;
    }
    const nl_entry *e = nl_ws_get(srv->ws, srv->push_ids[srv->push_pos++]);
    if (!closed_note(srv, e)) continue;
    if (full)
      srv->push_shown += (size_t)publish_closed(srv, e);
    else if (json_object_get(srv->published, e->uri) != NULL ||
             json_object_size(srv->published) < max)
      publish_closed(srv, e);
  }
  if (srv->push_pos < srv->n_push)
    uv_idle_start(&srv->idle, nl_srv_idle_cb); /* the next slice at the next loop turn */
  else
    nl_srv_vault_push_free(srv);
}

void nl_srv_vault_push_continue(nl_server *srv) {
  if (srv->push_pos < srv->n_push && !srv->exiting && !nl_ws_scanning(srv->ws)) push_slice(srv);
}

void nl_srv_vault_push_free(nl_server *srv) {
  free(srv->push_ids);
  srv->push_ids = NULL;
  srv->n_push = srv->push_pos = srv->push_full_end = srv->push_shown = 0;
}

/* Adds ids (steals) to the notes still to push. */
static void push_add(nl_server *srv, uint32_t *ids, size_t n) {
  if (srv->push_pos >= srv->n_push) { /* nothing left of the last list */
    nl_srv_vault_push_free(srv);
    srv->push_ids = ids;
    srv->n_push = n;
    return;
  }
  size_t left = srv->n_push - srv->push_pos;
  uint32_t *all = malloc((left + n) * sizeof(*all));
  if (all != NULL) {
    memcpy(all, srv->push_ids + srv->push_pos, left * sizeof(*all));
    memcpy(all + left, ids, n * sizeof(*all));
    free(srv->push_ids);
    srv->push_ids = all;
    srv->n_push = left + n;
    srv->push_full_end -= srv->push_full_end > srv->push_pos ? srv->push_pos : srv->push_full_end;
    srv->push_pos = 0;
  }
  free(ids);
}

void nl_srv_publish_vault(nl_server *srv) {
  size_t n_deps = 0;
  uint32_t *deps = nl_ws_take_dependents(srv->ws, &n_deps);
  if (!srv->cfg->diagnostics_vault) {
    free(deps);
    nl_srv_vault_push_free(srv);
    return;
  }
  if (srv->vault_push) { /* every note is looked at again, in slices */
    srv->vault_push = 0;
    free(deps);
    nl_srv_vault_push_free(srv);
    republish(srv); /* the notes shown, whether or not the pass reaches them */
    size_t n = nl_ws_id_limit(srv->ws);
    uint32_t *all = malloc((n + 1) * sizeof(*all));
    if (all == NULL) return;
    for (uint32_t id = 0; id < n; id++) all[id] = id;
    srv->push_ids = all;
    srv->n_push = srv->push_full_end = n;
    push_slice(srv);
    return;
  }
  republish(srv);
  /* A popular note's readers may be thousands: they go in slices between requests. */
  if (deps != NULL) push_add(srv, deps, n_deps);
  if (srv->push_pos < srv->n_push) push_slice(srv);
}
