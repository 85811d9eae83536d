/* cache_later.c: the index cache written once the scan is ready, not while it parses. The scan
 * lists the notes it parsed (nl_wsi_later_note); when it is over, the list and its cache
 * writers pass to the index (nl_wsi_later_start), whose notes are written a slice at a time
 * between requests on the loop thread (nl_wsi_later_step, from nl_ws_merge), then the cache is
 * committed. The writes cost as much as before; they only no longer delay the first answers. */
#include "lsp/index/workspace_impl.h"

#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "lsp/base/log.h"
#include "lsp/index/cache.h"

typedef struct {
  uint32_t id, root;    /* the entry the note went to, and its root then */
  const nl_note *note;  /* the entry's note then (compared, never read unless still it) */
  uint64_t seq;         /* and that parse's seq: a pointer alone may be a new parse where a
                           freed one was */
  nl_cache_stamp stamp; /* its file's stamp when the scan read it */
} later_note;

struct nl_cache_later {
  size_t n_roots;
  char **roots;              /* copies of the scan's roots */
  nl_cache_reader **readers; /* the kept records are copied from these at the commit */
  nl_cache_writer **writers; /* NULL entries: that root has no cache */
  later_note *notes;
  size_t n, cap, next;       /* next: the first note not yet written */
  size_t n_files;            /* notes the scan indexed, for the log */
};

nl_cache_later *nl_wsi_later_new(void) { return calloc(1, sizeof(nl_cache_later)); }

void nl_wsi_later_free(nl_cache_later *l) {
  if (l == NULL) return;
  for (size_t i = 0; i < l->n_roots; i++) {
    free(l->roots[i]);
    nl_cache_reader_free(l->readers[i]);
    nl_cache_abort(l->writers[i]); /* not committed: the old cache stays */
  }
  free(l->roots);
  free(l->readers);
  free(l->writers);
  free(l->notes);
  free(l);
}

int nl_wsi_later_note(nl_cache_later *l, const nl_entry *e, const nl_note *note, uint64_t seq,
                      const nl_cache_stamp *st) {
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 1024;
    later_note *p = realloc(l->notes, cap * sizeof(*p));
    if (p == NULL) return -1; /* the note is parsed again on the next start */
    l->notes = p;
    l->cap = cap;
  }
  l->notes[l->n++] = (later_note){e->id, e->root, note, seq, *st};
  return 0;
}

/* The parse of its file entry `id` holds (its note, or the file's parse kept while a
 * document is open over it: nl_wsi_keep_disk) and that parse's seq in *seq; or NULL. */
static nl_note *held(nl_workspace *ws, uint32_t id, uint64_t *seq) {
  const nl_entry *e = id < ws->n_ids ? ws->entries[id] : NULL;
  if (e == NULL) return NULL;
  if (e->open) return nl_wsi_disk_note(ws, id, seq);
  *seq = e->seq;
  return e->note;
}

void nl_wsi_later_start(nl_workspace *ws, nl_cache_later *l, char **roots,
                        nl_cache_reader **readers, nl_cache_writer **writers, size_t n_roots,
                        size_t n_files) {
  if (l == NULL) return;
  nl_wsi_later_finish(ws); /* at most one: a scan starts only after the last one's finished */
  l->roots = calloc(n_roots + 1, sizeof(*l->roots));
  l->readers = calloc(n_roots + 1, sizeof(*l->readers));
  l->writers = calloc(n_roots + 1, sizeof(*l->writers));
  if (l->roots == NULL || l->readers == NULL || l->writers == NULL) {
    nl_wsi_later_free(l); /* the scan's own free aborts its writers */
    return;
  }
  l->n_roots = n_roots;
  l->n_files = n_files;
  for (size_t i = 0; i < n_roots; i++) {
    l->roots[i] = strdup(roots[i]);
    if (l->roots[i] == NULL) continue; /* that root's cache is aborted with the scan */
    l->readers[i] = readers[i];
    l->writers[i] = writers[i];
    readers[i] = NULL;
    writers[i] = NULL;
  }
  /* The seqs a scan merged out of order were dealt again in path order since
   * nl_wsi_later_settle, which dropped every listed note replaced until then. */
  for (size_t k = 0; k < l->n; k++) {
    uint64_t seq = 0;
    if (held(ws, l->notes[k].id, &seq) == l->notes[k].note) l->notes[k].seq = seq;
  }
  /* Each root's table is allocated once, from the paths of the notes it will list. */
  for (size_t i = 0; i < n_roots; i++) {
    size_t n = 0, bytes = 0;
    for (size_t k = 0; l->writers[i] != NULL && k < l->n; k++) {
      const nl_entry *e = l->notes[k].id < ws->n_ids ? ws->entries[l->notes[k].id] : NULL;
      if (l->notes[k].root != i || e == NULL) continue;
      n++;
      bytes += strlen(e->rel);
    }
    if (n > 0) nl_cache_reserve(l->writers[i], n, bytes);
  }
  ws->later = l;
}

/* The listed note when its entry still holds the scan's parse of the file (the same parse by
 * pointer and seq: not replaced since by an edit or a reload), under the same root; else NULL. */
static nl_note *still(nl_workspace *ws, nl_cache_later *l, const later_note *p) {
  uint64_t seq = 0;
  nl_note *note = held(ws, p->id, &seq);
  if (note == NULL || note != p->note || seq != p->seq) return NULL;
  const nl_entry *e = ws->entries[p->id];
  if (e->root != p->root || p->root >= l->n_roots || l->writers[p->root] == NULL ||
      e->root >= ws->n_roots || strcmp(ws->roots[e->root], l->roots[p->root]) != 0)
    return NULL;
  return note;
}

void nl_wsi_later_settle(nl_workspace *ws, nl_cache_later *l) {
  for (size_t k = 0; l != NULL && k < l->n; k++) {
    uint64_t seq = 0;
    nl_note *note = held(ws, l->notes[k].id, &seq);
    if (note == NULL || note != l->notes[k].note || seq != l->notes[k].seq)
      l->notes[k].id = UINT32_MAX;
  }
}

/* Writes the next run of listed notes of one root, up to NL_CACHE_ADD_MAX, in one go. */
static void write_run(nl_workspace *ws, nl_cache_later *l) {
  const char *rels[NL_CACHE_ADD_MAX];
  nl_cache_stamp st[NL_CACHE_ADD_MAX];
  nl_note *notes[NL_CACHE_ADD_MAX];
  size_t n = 0;
  uint32_t root = 0;
  while (l->next < l->n && n < NL_CACHE_ADD_MAX) {
    const later_note *p = &l->notes[l->next];
    nl_note *note = still(ws, l, p);
    if (note != NULL && n > 0 && p->root != root) break; /* the next run's */
    l->next++;
    if (note == NULL) continue;
    root = p->root;
    rels[n] = ws->entries[p->id]->rel;
    st[n] = p->stamp;
    notes[n++] = note;
  }
  if (n > 0) nl_cache_add_many(l->writers[root], n, rels, st, notes);
}

static void commit(nl_workspace *ws, nl_cache_later *l) {
  size_t hits = 0;
  for (size_t i = 0; i < l->n_roots; i++) {
    hits += nl_cache_hits(l->readers[i]);
    if (l->writers[i] != NULL)
      nl_cache_commit(l->writers[i], nl_wsi_tables_storable(ws) ? nl_wsi_tables_dump : NULL, ws);
    l->writers[i] = NULL;
  }
  nl_log(NL_LOG_INFO, "indexed %zu notes, %zu of them unchanged from the index cache",
         l->n_files, hits);
  nl_wsi_disk_free(ws); /* kept for the tables until now */
  nl_wsi_free_unused_slabs(ws);
}

int nl_wsi_later_step(nl_workspace *ws, uint64_t budget_ns) {
  nl_cache_later *l = ws->later;
  if (l == NULL) return 0;
  uint64_t start = uv_hrtime();
  while (l->next < l->n) { /* one run at least, so that a spent budget still moves on */
    write_run(ws, l);
    if (uv_hrtime() - start >= budget_ns) return 1;
  }
  commit(ws, l);
  ws->later = NULL;
  nl_wsi_later_free(l);
  return 0;
}

void nl_wsi_later_finish(nl_workspace *ws) { nl_wsi_later_step(ws, UINT64_MAX); }
