/* attachments.c: the vault's other files (images, PDFs, canvases, any file that is not a
 * note), by name, so links and embeds to them resolve as Obsidian resolves them and a link to
 * a missing one is reported. Only names are kept: no file is read. */
#include "lsp/index/workspace_impl.h"

#include "lsp/base/error.h"
#include "lsp/base/path.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct nl_attachments {
  char **abs;        /* by id; NULL once removed */
  char **rel;        /* by id: vault-relative, '/' separated */
  uint32_t n, cap;
  nl_strmap names;   /* key of the file name (extension included) -> ids */
  nl_strmap paths;   /* absolute path -> id */
};

void nl_wsi_attachments_free(struct nl_attachments *a) {
  if (a == NULL) return;
  for (uint32_t i = 0; i < a->n; i++) {
    free(a->abs[i]);
    free(a->rel[i]);
  }
  free(a->abs);
  free(a->rel);
  nl_strmap_free(&a->names);
  nl_strmap_free(&a->paths);
  free(a);
}

static const char *base_of(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

/* Whether rel is a file the vault shows: no hidden segment, not ignored, not a note. */
static int indexable(const nl_workspace *ws, const char *abs, const char *rel) {
  if (nl_wsi_has_md_suffix(rel)) return 0;
  for (const char *s = rel; s != NULL; s = strchr(s, '/')) {
    if (*s == '/') s++;
    if (*s == '.' || strncmp(s, "node_modules/", 13) == 0) return 0;
  }
  return !nl_config_ignored(nl_config_at(ws->cfg, abs), rel);
}

int nl_ws_attachment_add(nl_workspace *ws, const char *abs) {
  int r = nl_ws_root_of(ws, abs);
  if (r < 0) return 1;
  const char *rel = abs + strlen(ws->roots[r]) + 1;
  if (!indexable(ws, abs, rel)) return 1;
  if (ws->att == NULL) {
    ws->att = calloc(1, sizeof *ws->att);
    if (ws->att == NULL) return NL_ENOMEM;
    nl_strmap_init(&ws->att->names);
    nl_strmap_init(&ws->att->paths);
  }
  struct nl_attachments *a = ws->att;
  uint32_t n;
  nl_strmap_get(&a->paths, abs, strlen(abs), &n);
  if (n > 0) return 0;
  if (a->n == a->cap) {
    uint32_t cap = a->cap ? a->cap * 2 : 256;
    char **x = realloc(a->abs, cap * sizeof *x);
    if (x == NULL) return NL_ENOMEM;
    a->abs = x;
    char **y = realloc(a->rel, cap * sizeof *y);
    if (y == NULL) return NL_ENOMEM;
    a->rel = y;
    a->cap = cap;
  }
  char *ca = strdup(abs), *cr = strdup(rel);
  if (ca == NULL || cr == NULL) {
    free(ca);
    free(cr);
    return NL_ENOMEM;
  }
  uint32_t id = a->n++;
  a->abs[id] = ca;
  a->rel[id] = cr;
  nl_strmap_add(&a->paths, ca, strlen(ca), id);
  const char *b = base_of(cr);
  nl_wsi_map_key(&a->names, b, strlen(b), id, 1, nl_wsi_key_make);
  nl_wsi_file_touched(ws, r, b);
  nl_wsi_gen_step(ws, 1);
  if (ws->ready) nl_wsi_changed(ws); /* links to it are no longer missing */
  return 0;
}

int nl_ws_attachment_remove(nl_workspace *ws, const char *abs) {
  struct nl_attachments *a = ws->att;
  uint32_t n;
  const uint32_t *ids = a ? nl_strmap_get(&a->paths, abs, strlen(abs), &n) : NULL;
  if (ids == NULL || n == 0) return 1;
  uint32_t id = ids[0];
  nl_strmap_remove(&a->paths, abs, strlen(abs), id);
  const char *b = base_of(a->rel[id]);
  nl_wsi_map_key(&a->names, b, strlen(b), id, 0, nl_wsi_key_make);
  nl_wsi_file_touched(ws, nl_ws_root_of(ws, abs), b);
  free(a->abs[id]);
  free(a->rel[id]);
  a->abs[id] = a->rel[id] = NULL;
  nl_wsi_gen_step(ws, 1);
  if (ws->ready) nl_wsi_changed(ws);
  return 0;
}

/* Obsidian resolves a file as it resolves a note (resolve.c, MetadataCache.getLinkpathDest):
 * "./" and "../" from the linking note's folder, then the path from the vault's root ("/"
 * leading or not, which stops there), then every file of that name whose path ends with the
 * target: those under the linking note's folder first, then the shortest path; only the files
 * of the linking note's own workspace folder, as for notes. The attachment
 * folder setting says where new files go, not which file a link means. */
const char *nl_ws_resolve_attachment(const nl_workspace *ws, const nl_entry *from,
                                     const char *target, size_t len) {
  const struct nl_attachments *a = ws->att;
  if (a == NULL || len == 0) return NULL;
  char joined[4096];
  int rooted = target[0] == '/', exact_only = rooted;
  if ((len >= 2 && target[0] == '.' && target[1] == '/') ||
      (len >= 3 && target[0] == '.' && target[1] == '.' && target[2] == '/')) {
    if (nl_path_join_beside(from != NULL ? from->rel : "", target, len, joined, sizeof joined) != 0)
      return NULL;
    target = joined;
    len = strlen(joined);
  } else if (rooted) {
    target++, len--;
  }
  if (len == 0) return NULL;
  size_t b = len;
  while (b > 0 && target[b - 1] != '/') b--;
  nl_wsi_key key, want;
  nl_wsi_key_make(&key, target + b, len - b);
  nl_wsi_key_make(&want, target, len);
  uint32_t n;
  const uint32_t *ids = nl_strmap_get(&a->names, key.s, key.len, &n);
  const char *best = NULL, *best_rel = NULL;
  int best_under = 0, best_exact = 0;
  size_t best_len = 0;
  for (uint32_t i = 0; i < n; i++) {
    const char *rel = a->rel[ids[i]];
    if (rel == NULL) continue;
    if (from != NULL && ws->n_roots > 1 && nl_ws_root_of(ws, a->abs[ids[i]]) != (int)from->root)
      continue; /* another folder is another vault */
    nl_wsi_key k;
    nl_wsi_key_make(&k, rel, strlen(rel));
    int is_exact = k.len == want.len && memcmp(k.s, want.s, want.len) == 0;
    int ok = k.len >= want.len && memcmp(k.s + k.len - want.len, want.s, want.len) == 0;
    nl_wsi_key_done(&k);
    if (!ok || (exact_only && !is_exact)) continue;
    int under = from == NULL || nl_ws_under_folder_of(from->rel, rel);
    size_t rl = strlen(rel);
    int wins = best == NULL || is_exact > best_exact ||
               (is_exact == best_exact && (under > best_under ||
                                           (under == best_under && (rl < best_len ||
                                            (rl == best_len && strcmp(rel, best_rel) < 0)))));
    if (wins) {
      best = a->abs[ids[i]];
      best_rel = rel;
      best_under = under;
      best_exact = is_exact;
      best_len = rl;
    }
  }
  nl_wsi_key_done(&key);
  nl_wsi_key_done(&want);
  return best;
}

int nl_ws_attachment_ext(const char *target) {
  /* The file types Obsidian opens itself; any other extension may be part of a note's name. */
  static const char *const exts[] = {"png", "jpg", "jpeg", "gif", "bmp", "svg", "webp", "avif",
                                     "heic", "tif", "tiff", "ico", "pdf", "mp3", "wav", "m4a",
                                     "ogg", "3gp", "flac", "webm", "mp4", "ogv", "mov", "mkv",
                                     "canvas", "base", "excalidraw", "txt", "csv", "json",
                                     "zip", "docx", "xlsx", "pptx", NULL};
  const char *dot = strrchr(base_of(target), '.');
  if (dot == NULL) return 0;
  for (const char *const *e = exts; *e != NULL; e++)
    if (strcasecmp(dot + 1, *e) == 0) return 1;
  return 0;
}

uint32_t nl_ws_attachment_limit(const nl_workspace *ws) { return ws->att ? ws->att->n : 0; }

const char *nl_ws_attachment_get(const nl_workspace *ws, uint32_t id, const char **rel) {
  if (ws->att == NULL || id >= ws->att->n) return NULL;
  *rel = ws->att->rel[id];
  return ws->att->abs[id];
}

const char *nl_ws_attachment_rel(const nl_workspace *ws, const char *abs) {
  uint32_t n;
  const uint32_t *ids = ws->att ? nl_strmap_get(&ws->att->paths, abs, strlen(abs), &n) : NULL;
  return ids != NULL && n > 0 ? ws->att->rel[ids[0]] : NULL;
}

size_t nl_ws_attachments_named(const nl_workspace *ws, const nl_entry *from, const char *name,
                               size_t len, const char **abs, const char **rel, size_t cap) {
  const struct nl_attachments *a = ws->att;
  if (a == NULL || len == 0) return 0;
  nl_wsi_key key;
  nl_wsi_key_make(&key, name, len);
  uint32_t n;
  const uint32_t *ids = nl_strmap_get(&a->names, key.s, key.len, &n);
  nl_wsi_key_done(&key);
  size_t k = 0;
  for (uint32_t i = 0; ids != NULL && i < n; i++) {
    if (a->rel[ids[i]] == NULL) continue;
    if (from != NULL && ws->n_roots > 1 && nl_ws_root_of(ws, a->abs[ids[i]]) != (int)from->root)
      continue;
    if (k < cap) {
      abs[k] = a->abs[ids[i]];
      rel[k] = a->rel[ids[i]];
    }
    k++;
  }
  return k;
}
