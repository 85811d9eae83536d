/* file.c: see file.h. */
#include "lsp/base/file.h"

#include "lsp/base/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static _Atomic size_t reads; /* the scan reads on several threads at once */

size_t nl_file_reads(void) { return reads; }

/* Reads fd to its end (or max bytes) into buf of cap bytes, growing it; 0 or a negative errno.
 * `size` is what fstat said: cap leaves a byte beyond it, so a read that stops short at `size`
 * is at the end (a regular file's read is short only there, or when a signal cut it after
 * some bytes, which the loop reads on from) and an unchanged file is read in one call. */
static int read_all(int fd, size_t size, size_t max, char **buf, size_t *cap, size_t *n) {
  for (;;) {
    if (*n == *cap) {
      if (*cap >= max) return 0; /* grew since fstat: cut at the limit */
      size_t grown = *cap * 2 + 4096;
      if (grown > max) grown = max;
      char *nb = realloc(*buf, grown + 1);
      if (nb == NULL) return NL_ENOMEM;
      *buf = nb;
      *cap = grown;
    }
    size_t want = *cap - *n;
    ssize_t r = read(fd, *buf + *n, want);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return errno == EAGAIN ? NL_ENOTREG : -errno;
    if (r == 0) return 0;
    *n += (size_t)r;
    if ((size_t)r < want && *n == size) return 0;
  }
}

int nl_file_read(const char *path, size_t max_size, char **text, size_t *len) {
  return nl_file_read_ex(path, max_size, text, len, NULL);
}

int nl_file_read_ex(const char *path, size_t max_size, char **text, size_t *len,
                    struct stat *st_out) {
  *text = NULL;
  *len = 0;
  if (path == NULL) return NL_EINVAL;
  /* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever. */
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return -errno;
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return NL_ENOTREG;
  }
  reads++;
  if (st.st_size < 0 || (unsigned long long)st.st_size > max_size) {
    close(fd);
    return NL_ETOOBIG;
  }
  size_t size = (size_t)st.st_size, n = 0;
  size_t cap = size < max_size ? size + 1 : size;
  char *buf = malloc(cap + 1);
  if (buf == NULL) {
    close(fd);
    return NL_ENOMEM;
  }
  int rc = read_all(fd, size, max_size, &buf, &cap, &n);
  close(fd);
  if (rc < 0) {
    free(buf);
    return rc;
  }
  buf[n] = '\0';
  *text = buf;
  *len = n;
  if (st_out != NULL) *st_out = st;
  return 0;
}
