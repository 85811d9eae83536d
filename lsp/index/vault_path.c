/* vault_path.c: where the index's files really are. A path is inside a root only once every
 * link is followed (lsp/base/path.c), and a note is one file whatever path reaches it: entries
 * remember the device and inode they were read from, so a symlink, a hard link or a loop made
 * while the server runs never indexes a note twice. */
#include "lsp/index/workspace_impl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lsp/base/error.h"
#include "lsp/base/path.h"

char *nl_ws_real_inside(const nl_workspace *ws, const char *abs) {
  int r = nl_wsi_root_of(ws, abs);
  if (r < 0) return NULL;
  /* Resolved on each call: a root may itself be a link, or appear after initialize. */
  char *root_real = realpath(ws->roots[r], NULL);
  if (root_real == NULL) return NULL;
  char *real = nl_path_real_within(root_real, abs, NULL);
  free(root_real);
  return real;
}

int nl_ws_entry_real(const nl_entry *e, char **real) {
  *real = NULL;
  if (e->abs == NULL || e->rel == NULL) return NL_EINVAL;
  size_t al = strlen(e->abs), rl = strlen(e->rel);
  if (al <= rl + 1 || strcmp(e->abs + al - rl, e->rel) != 0) return NL_EINVAL;
  char *root = strndup(e->abs, al - rl - 1);
  char *root_real = root != NULL ? realpath(root, NULL) : NULL;
  int rc = root == NULL ? NL_ENOMEM : root_real == NULL ? -errno : 0;
  free(root);
  if (rc == 0) *real = nl_path_real_within(root_real, e->abs, &rc);
  free(root_real);
  return rc;
}

int nl_ws_creatable(const nl_workspace *ws, const char *abs) {
  int r = nl_wsi_root_of(ws, abs);
  if (r < 0) return NL_EOUTSIDE;
  char *root_real = realpath(ws->roots[r], NULL);
  if (root_real == NULL) return -errno;
  int rc = nl_path_creatable_within(root_real, abs);
  free(root_real);
  return rc;
}

static void file_key(char key[16], uint64_t dev, uint64_t ino) {
  memcpy(key, &dev, 8);
  memcpy(key + 8, &ino, 8);
}

nl_entry *nl_wsi_same_file(nl_workspace *ws, const char *abs, uint64_t dev, uint64_t ino) {
  if (dev == 0 && ino == 0) return NULL;
  char key[16];
  file_key(key, dev, ino);
  uint32_t n;
  const uint32_t *ids = nl_strmap_get(&ws->inodes, key, sizeof(key), &n);
  for (uint32_t i = 0; i < n; i++) {
    nl_entry *o = nl_ws_get(ws, ids[i]);
    if (o == NULL || strcmp(o->abs, abs) == 0) continue;
    /* A file renamed keeps its inode: the old path no longer leading to it means a move,
     * not a second way in. */
    struct stat st;
    if (o->open || (stat(o->abs, &st) == 0 && (uint64_t)st.st_dev == dev &&
                    (uint64_t)st.st_ino == ino))
      return o;
  }
  return NULL;
}

void nl_wsi_clear_file(nl_workspace *ws, nl_entry *e) {
  if (e->dev == 0 && e->ino == 0) return;
  char key[16];
  file_key(key, e->dev, e->ino);
  nl_strmap_remove(&ws->inodes, key, sizeof(key), e->id);
  e->dev = e->ino = 0;
}

void nl_wsi_set_file(nl_workspace *ws, nl_entry *e, uint64_t dev, uint64_t ino) {
  if (e->dev == dev && e->ino == ino) return;
  nl_wsi_clear_file(ws, e);
  if (dev == 0 && ino == 0) return;
  char key[16];
  file_key(key, dev, ino);
  if (nl_strmap_add(&ws->inodes, key, sizeof(key), e->id) == 0) {
    e->dev = dev;
    e->ino = ino;
  }
}
