/* bench-floor: the one-core floor the index is measured against: read every .md file of a
 * vault (hidden folders skipped, as the scan does) and parse each once with libcmark
 * (cmark_parse_document, then cmark_node_free), on one thread. Prints one JSON line with the
 * CPU seconds of the process (user + system) and the wall time. A benchmark, not a test.
 *
 *   bench-floor VAULT
 *
 * Under `valgrind --tool=callgrind` its instruction count is the floor's, repeatable under
 * load; tests/bench/run.sh divides the scan's by it. */
#include <cmark.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static size_t n_files, n_bytes;

static void parse_file(const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  struct stat st;
  if (fstat(fd, &st) != 0) {
    close(fd);
    return;
  }
  size_t cap = (size_t)st.st_size, n = 0;
  char *buf = malloc(cap + 1);
  while (buf != NULL && n < cap) {
    ssize_t r = read(fd, buf + n, cap - n);
    if (r <= 0) break;
    n += (size_t)r;
  }
  close(fd);
  if (buf == NULL) return;
  cmark_node_free(cmark_parse_document(buf, n, 0));
  free(buf);
  n_files++;
  n_bytes += n;
}

static void walk(char *path, size_t len) {
  DIR *d = opendir(path);
  if (d == NULL) return;
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    const char *name = de->d_name;
    size_t nlen = strlen(name);
    if (name[0] == '.' || len + 1 + nlen + 1 > 4096) continue;
    path[len] = '/';
    memcpy(path + len + 1, name, nlen + 1);
    if (de->d_type == DT_DIR) walk(path, len + 1 + nlen);
    else if (nlen > 3 && strcmp(name + nlen - 3, ".md") == 0) parse_file(path);
  }
  path[len] = '\0';
  closedir(d);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: bench-floor VAULT\n");
    return 2;
  }
  static char path[4097];
  size_t len = strlen(argv[1]);
  if (len >= 4096) return 2;
  memcpy(path, argv[1], len + 1);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  walk(path, len);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
               (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
  printf("{\"floor_files\":%zu,\"floor_bytes\":%zu,\"floor_cpu_s\":%.3f,\"floor_wall_s\":%.3f}\n",
         n_files, n_bytes, cpu,
         (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
  return 0;
}
