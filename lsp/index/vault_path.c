/* vault_path.c: where the index's files really are. A path is inside a root only once every
 * link is followed (lsp/base/path.c), and a note is one file whatever path reaches it: entries
 * remember the device and inode they were read from, so a symlink, a hard link or a loop made
 * while the server runs never indexes a note twice. Also the one reader of note files. */
#include "lsp/index/workspace_impl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "lsp/base/error.h"
#include "lsp/base/file.h"
#include "lsp/base/hash.h"
#include "lsp/base/log.h"
#include "lsp/base/path.h"

char *nl_ws_real_inside(const nl_workspace *ws, const char *abs) {
  int r = nl_ws_root_of(ws, abs);
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
  int r = nl_ws_root_of(ws, abs);
  if (r < 0) return NL_EOUTSIDE;
  char *root_real = realpath(ws->roots[r], NULL);
  if (root_real == NULL) return -errno;
  int rc = nl_path_creatable_within(root_real, abs);
  free(root_real);
  return rc;
}

static uint32_t file_hash(uint64_t dev, uint64_t ino) {
  uint64_t key[2] = {dev, ino};
  return (uint32_t)nl_hash_bytes(NL_HASH_INIT, key, sizeof(key));
}

typedef struct {
  nl_workspace *ws;
  const char *abs;
  uint64_t dev, ino;
} file_query;

/* Whether entry id was read from the file sought, at another path, and still is that file. */
static int other_way_in(void *ud, uint32_t id) {
  const file_query *q = ud;
  const nl_entry *o = nl_ws_get(q->ws, id);
  if (o == NULL || o->dev != q->dev || o->ino != q->ino || strcmp(o->abs, q->abs) == 0) return 0;
  /* A file renamed keeps its inode: the old path no longer leading to it means a move, not a
   * second way in. */
  struct stat st;
  return o->open || (stat(o->abs, &st) == 0 && (uint64_t)st.st_dev == q->dev &&
                     (uint64_t)st.st_ino == q->ino);
}

nl_entry *nl_wsi_same_file(nl_workspace *ws, const char *abs, uint64_t dev, uint64_t ino) {
  if (dev == 0 && ino == 0) return NULL;
  file_query q = {ws, abs, dev, ino};
  uint32_t id = nl_idmap_find(&ws->inodes, file_hash(dev, ino), other_way_in, &q);
  return id != NL_IDMAP_NONE ? nl_ws_get(ws, id) : NULL;
}

void nl_wsi_clear_file(nl_workspace *ws, nl_entry *e) {
  if (e->dev == 0 && e->ino == 0) return;
  nl_idmap_remove(&ws->inodes, file_hash(e->dev, e->ino), e->id);
  e->dev = e->ino = 0;
}

void nl_wsi_set_file(nl_workspace *ws, nl_entry *e, uint64_t dev, uint64_t ino) {
  if (e->dev == dev && e->ino == ino) return;
  nl_wsi_clear_file(ws, e);
  if (dev == 0 && ino == 0) return;
  if (nl_idmap_add(&ws->inodes, file_hash(dev, ino), e->id) == 0) {
    e->dev = dev;
    e->ino = ino;
  }
}

/* ---- reading files ----------------------------------------------------------------------- */

int nl_wsi_has_md_suffix(const char *name) {
  size_t n = strlen(name);
  return n > 3 && strcasecmp(name + n - 3, ".md") == 0;
}

/* Reads a note file (through the one reader) into a new buffer. Returns 0; 1 when it is
 * skipped (too large, binary, not a regular file), with the reason logged; a negative nl_errno
 * when it cannot be read. */
int nl_wsi_read_note(const char *abs, size_t max_size, char **text, size_t *len) {
  return nl_wsi_read_note_st(abs, max_size, text, len, NULL);
}

int nl_wsi_read_note_st(const char *abs, size_t max_size, char **text, size_t *len,
                        struct stat *st) {
  int rc = nl_file_read_ex(abs, max_size, text, len, st);
  if (rc == NL_ETOOBIG) {
    nl_log(NL_LOG_WARN, "skipped file over the size limit (%zu bytes): %s", max_size, abs);
    return 1;
  }
  if (rc == NL_ENOTREG) {
    nl_log(NL_LOG_WARN, "skipped a file that is not a regular file: %s", abs);
    return 1;
  }
  if (rc < 0) return rc;
  if (memchr(*text, '\0', *len) != NULL) {
    free(*text);
    *text = NULL;
    *len = 0;
    nl_log(NL_LOG_WARN, "skipped binary file (contains NUL bytes): %s", abs);
    return 1;
  }
  return 0;
}
