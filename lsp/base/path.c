/* path.c: see path.h. realpath(3) does the link following; only the prefix test is ours. */
#include "lsp/base/path.h"

#include "lsp/base/error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
