/* path.c: see path.h. realpath(3) does the link following; only the prefix test is ours. */
#include "lsp/base/path.h"

#include "lsp/base/error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

size_t nl_path_dir_len(const char *rel) {
  const char *slash = strrchr(rel, '/');
  return slash ? (size_t)(slash - rel) : 0;
}

/* Appends segment seg[0, len) to out (length *o): "" and "." add nothing, ".." drops the last
 * segment. -1 above the root or when it does not fit. */
static int push_segment(char *out, size_t *o, size_t cap, const char *seg, size_t len) {
  if (len == 0 || (len == 1 && seg[0] == '.')) return 0;
  if (len == 2 && seg[0] == '.' && seg[1] == '.') {
    if (*o == 0) return -1;
    char *slash = strrchr(out, '/');
    *o = slash ? (size_t)(slash - out) : 0;
    out[*o] = '\0';
    return 0;
  }
  if (*o + len + 2 > cap) return -1;
  if (*o > 0) out[(*o)++] = '/';
  memcpy(out + *o, seg, len);
  *o += len;
  out[*o] = '\0';
  return 0;
}

static int push_path(char *out, size_t *o, size_t cap, const char *path, size_t len) {
  for (size_t i = 0;;) {
    const char *slash = memchr(path + i, '/', len - i);
    size_t seg = slash ? (size_t)(slash - path) - i : len - i;
    if (push_segment(out, o, cap, path + i, seg) < 0) return -1;
    if (slash == NULL) return 0;
    i += seg + 1;
  }
}

/* base[0, base_len) then rel[0, rel_len), or rel alone from the root when it starts with '/'. */
static int join_len(const char *base, size_t base_len, const char *rel, size_t rel_len,
                    char *out, size_t cap) {
  if (cap == 0) return -1;
  size_t o = 0;
  out[0] = '\0';
  if (rel_len > 0 && rel[0] == '/') return push_path(out, &o, cap, rel + 1, rel_len - 1);
  if (push_path(out, &o, cap, base, base_len) < 0) return -1;
  return push_path(out, &o, cap, rel, rel_len);
}

int nl_path_join(const char *base, const char *rel, char *out, size_t cap) {
  return join_len(base, strlen(base), rel, strlen(rel), out, cap);
}

int nl_path_join_beside(const char *file, const char *rel, size_t rel_len, char *out,
                        size_t cap) {
  return join_len(file, nl_path_dir_len(file), rel, rel_len, out, cap);
}

char *nl_path_relative(const char *from, const char *to) {
  size_t fo = 0, tp = 0;
  while (from[fo] != '\0') { /* drop the folders both share */
    size_t fl = strcspn(from + fo, "/"), tl = strcspn(to + tp, "/");
    if (to[tp + tl] != '/' || fl != tl || memcmp(from + fo, to + tp, fl) != 0) break;
    fo += fl + (from[fo + fl] == '/');
    tp += tl + 1;
  }
  size_t ups = 0;
  if (from[fo] != '\0') {
    ups = 1;
    for (size_t k = fo; from[k]; k++) ups += from[k] == '/';
  }
  size_t tail = strlen(to + tp);
  char *out = malloc(ups * 3 + tail + 1);
  if (out == NULL) return NULL;
  char *o = out;
  for (size_t k = 0; k < ups; k++, o += 3) memcpy(o, "../", 3);
  memcpy(o, to + tp, tail + 1);
  return out;
}

int nl_path_within(const char *root_real, const char *real) {
  size_t n = strlen(root_real);
  while (n > 1 && root_real[n - 1] == '/') n--;
  if (strncmp(real, root_real, n) != 0) return 0;
  /* "/" contains everything; otherwise the next byte must end the root's last segment. */
  return n == 1 || real[n] == '/' || real[n] == '\0';
}

char *nl_path_real_within(const char *root_real, const char *path, int *err) {
  int dummy;
  if (err == NULL) err = &dummy;
  *err = 0;
  if (root_real == NULL || path == NULL) {
    *err = -EINVAL;
    return NULL;
  }
  char *real = realpath(path, NULL);
  if (real == NULL) {
    *err = -errno;
    return NULL;
  }
  if (!nl_path_within(root_real, real)) {
    free(real);
    *err = NL_EOUTSIDE;
    return NULL;
  }
  return real;
}

int nl_path_creatable_within(const char *root_real, const char *path) {
  if (root_real == NULL || path == NULL || path[0] != '/') return -EINVAL;
  for (const char *s = path; *s != '\0'; s++) {
    if (s[0] != '/') continue;
    const char *seg = s + 1;
    size_t len = strcspn(seg, "/");
    if ((len == 1 && seg[0] == '.') || (len == 2 && seg[0] == '.' && seg[1] == '.'))
      return -EINVAL;
  }
  struct stat st;
  if (lstat(path, &st) == 0) return -EEXIST;
  if (errno != ENOENT) return -errno;
  /* The nearest folder that exists decides where the new file (and the folders the client
   * creates for it) would really land. */
  size_t n = strlen(path);
  char *dir = malloc(n + 1);
  if (dir == NULL) return -ENOMEM;
  memcpy(dir, path, n + 1);
  int rc = -ENOENT;
  for (;;) {
    char *slash = strrchr(dir, '/');
    if (slash == NULL) break;
    if (slash == dir) slash[1] = '\0'; else *slash = '\0';
    char *real = realpath(dir, NULL);
    if (real != NULL) {
      rc = nl_path_within(root_real, real) ? 0 : NL_EOUTSIDE;
      free(real);
      break;
    }
    if (errno != ENOENT && errno != ENOTDIR) {
      rc = -errno;
      break;
    }
    /* A dangling link on the way would let the client create its target anywhere. */
    if (lstat(dir, &st) == 0) {
      rc = NL_EOUTSIDE;
      break;
    }
    if (slash == dir) break;
  }
  free(dir);
  return rc;
}
