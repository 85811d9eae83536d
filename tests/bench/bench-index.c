/* bench-index: indexes a vault the way the server does (thread-pool scan, merge on the loop)
 * and reports, as one JSON line: time to a complete index, peak RSS, and the time to re-index
 * one edited note. A benchmark, not a test: ctest does not run it.
 *
 *   bench-index VAULT [EDITS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <uv.h>

#include "lsp/config.h"
#include "lsp/workspace.h"

static int ready;

static void on_progress(nl_workspace *ws, void *ud, size_t done, size_t total, int finished) {
  if (finished) ready = 1;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 64);
  if (buf != NULL) *len = fread(buf, 1, (size_t)n, f);
  fclose(f);
  return buf;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: bench-index VAULT [EDITS]\n");
    return 2;
  }
  int edits = argc > 2 ? atoi(argv[2]) : 200;
  char *root = realpath(argv[1], NULL);
  if (root == NULL) {
    fprintf(stderr, "bench-index: no such folder: %s\n", argv[1]);
    return 2;
  }
  uv_loop_t *loop = uv_default_loop();
  nl_config *cfg = nl_config_new();
  nl_workspace *ws = nl_ws_new(loop, cfg);
  nl_ws_add_root(ws, root);
  uint64_t t0 = uv_hrtime();
  nl_ws_scan(ws, on_progress, NULL);
  uv_run(loop, UV_RUN_DEFAULT);
  uint64_t t1 = uv_hrtime();
  if (!ready) return 1;

  /* Re-index one note: the largest meeting note, edited by appending a line each time. */
  nl_entry *victim = NULL;
  for (uint32_t i = 0; i < nl_ws_id_limit(ws) && victim == NULL; i++) {
    nl_entry *e = nl_ws_get(ws, i);
    if (e != NULL && e->kind == NL_KIND_MEETING) victim = e;
  }
  if (victim == NULL) victim = nl_ws_get(ws, 0);
  size_t len = 0;
  char *text = victim != NULL ? slurp(victim->abs, &len) : NULL;
  uint64_t *times = calloc((size_t)edits, sizeof(*times));
  char *abs = victim != NULL ? strdup(victim->abs) : NULL;
  for (int i = 0; text != NULL && i < edits; i++) {
    size_t n = len + (size_t)snprintf(text + len, 64, "- [ ] edit %d @Myself\n", i);
    uint64_t s = uv_hrtime();
    nl_ws_update(ws, abs, text, n, 1);
    times[i] = uv_hrtime() - s;
  }
  qsort(times, (size_t)edits, sizeof(*times), cmp_u64);
  size_t parsed = 0;
  for (uint32_t i = 0; i < nl_ws_id_limit(ws); i++) {
    nl_entry *e = nl_ws_get(ws, i);
    if (e != NULL) parsed += e->note->arena.used;
  }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("{\"vault\":\"%s\",\"notes\":%zu,\"ready_s\":%.3f,\"rss_peak_mb\":%.1f,"
         "\"reindex_ms_p50\":%.3f,\"reindex_ms_p95\":%.3f,\"note_bytes\":%zu,"
         "\"parsed_mb\":%.1f}\n",
         root, nl_ws_count(ws), (double)(t1 - t0) / 1e9, (double)ru.ru_maxrss / 1024.0,
         edits > 0 ? (double)times[edits / 2] / 1e6 : 0.0,
         edits > 0 ? (double)times[edits * 95 / 100] / 1e6 : 0.0, len, (double)parsed / 1048576.0);
  free(times);
  free(text);
  free(abs);
  nl_ws_free(ws);
  nl_config_free(cfg);
  free(root);
  uv_loop_close(loop);
  return 0;
}
