#include "lsp/index/watch.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "lsp/base/log.h"

typedef struct watched {
  uv_fs_event_t handle;
  struct nl_watch *owner;
  struct watched *next;
  char *dir;
} watched;

struct nl_watch {
  uv_loop_t *loop;
  nl_workspace *ws;
  watched *dirs;
  size_t count;
  int stopping;
};

static void add_tree(nl_watch *w, const char *dir, int reload_files, int depth);

static void closed(uv_handle_t *h) {
  watched *d = h->data;
  free(d->dir);
  free(d);
}

static int skipped(nl_watch *w, const char *path) {
  const nl_config *cfg = nl_ws_config(w->ws);
  for (size_t i = 0; i < nl_ws_n_roots(w->ws); i++) {
    const char *root = nl_ws_root(w->ws, i);
    size_t n = strlen(root);
    if (strncmp(path, root, n) == 0 && path[n] == '/')
      return nl_config_ignored(nl_config_at(cfg, root), path + n + 1);
  }
  return 0;
}

static int is_watched(nl_watch *w, const char *dir) {
  for (watched *d = w->dirs; d != NULL; d = d->next)
    if (strcmp(d->dir, dir) == 0) return 1;
  return 0;
}

static void on_event(uv_fs_event_t *h, const char *filename, int events, int status) {
  watched *d = h->data;
  nl_watch *w = d->owner;
  if (status < 0 || filename == NULL || w->stopping) return;
  if (filename[0] == '.') return; /* hidden files and folders are never indexed */
  char path[4096];
  if ((size_t)snprintf(path, sizeof(path), "%s/%s", d->dir, filename) >= sizeof(path)) return;
  struct stat st;
  /* lstat: a symlinked folder is not followed (as in add_tree), so a link loop made while
   * the server runs adds no watch and no second copy of the vault; note files are re-read
   * through nl_ws_reload, which resolves links and refuses what leads out of the root. */
  if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
    /* A folder created or moved in: watch it and index what it holds. */
    if (strcmp(filename, "node_modules") != 0 && !skipped(w, path) && !is_watched(w, path))
      add_tree(w, path, 1, 0);
    return;
  }
  size_t n = strlen(filename);
  if (n > 3 && strcasecmp(filename + n - 3, ".md") == 0) nl_ws_reload(w->ws, path);
  else if (nl_ws_by_path(w->ws, path) != NULL) nl_ws_remove(w->ws, path);
  else if (stat(path, &st) == 0) nl_ws_attachment_add(w->ws, path);
  else nl_ws_attachment_remove(w->ws, path);
}

static void watch_dir(nl_watch *w, const char *dir) {
  watched *d = calloc(1, sizeof(*d));
  if (d == NULL || (d->dir = strdup(dir)) == NULL) {
    free(d);
    return;
  }
  d->owner = w;
  d->handle.data = d;
  uv_fs_event_init(w->loop, &d->handle);
  int rc = uv_fs_event_start(&d->handle, on_event, dir, 0);
  if (rc != 0) {
    nl_log(NL_LOG_WARN, "cannot watch folder (%s): %s", uv_strerror(rc), dir);
    uv_close((uv_handle_t *)&d->handle, closed);
    return;
  }
  d->next = w->dirs;
  w->dirs = d;
  w->count++;
}

static void add_tree(nl_watch *w, const char *dir, int reload_files, int depth) {
  if (depth > 64) return;
  watch_dir(w, dir);
  DIR *dp = opendir(dir);
  if (dp == NULL) return;
  struct dirent *de;
  char path[4096];
  while ((de = readdir(dp)) != NULL) {
    if (de->d_name[0] == '.') continue;
    if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= sizeof(path)) continue;
    /* Symlinked folders are not watched: the scan does not follow them out of the root. */
    if (de->d_type == DT_DIR) {
      if (strcmp(de->d_name, "node_modules") != 0 && !skipped(w, path) && !is_watched(w, path))
        add_tree(w, path, reload_files, depth + 1);
    } else if (reload_files && de->d_type == DT_REG) {
      size_t n = strlen(de->d_name);
      if (n > 3 && strcasecmp(de->d_name + n - 3, ".md") == 0) nl_ws_reload(w->ws, path);
    }
  }
  closedir(dp);
}

nl_watch *nl_watch_start(uv_loop_t *loop, nl_workspace *ws) {
  nl_watch *w = calloc(1, sizeof(*w));
  if (w == NULL) return NULL;
  w->loop = loop;
  w->ws = ws;
  for (size_t i = 0; i < nl_ws_n_roots(ws); i++) add_tree(w, nl_ws_root(ws, i), 0, 0);
  nl_log(NL_LOG_DEBUG, "watching %zu folders", w->count);
  return w;
}

size_t nl_watch_count(const nl_watch *w) { return w->count; }

void nl_watch_stop(nl_watch *w) {
  if (w == NULL) return;
  w->stopping = 1;
  for (watched *d = w->dirs; d != NULL;) {
    watched *next = d->next;
    uv_close((uv_handle_t *)&d->handle, closed);
    d = next;
  }
  free(w);
}
