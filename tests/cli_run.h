/* cli_run.h: a command-line job (check, graph, tasks) run in process for the CLI tests: its
 * standard output and error captured, and its golden case folders (one folder per case, files
 * `args`, `expected`, ...) listed and read; paths in an output replaced by stable words. Include once, after test.h, in one test runner. */
#ifndef NL_TEST_CLI_RUN_H
#define NL_TEST_CLI_RUN_H

#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsp/base/file.h"

/* A job's entry point, as nl_check_run, nl_graph_run and nl_tasks_run are. */
typedef int (*nl_cli_fn)(int argc, char **argv, FILE *out, FILE *err);

/* What a run printed (out, err: owned, nl_cli_result_free) and returned. */
typedef struct {
  int status;
  char *out;
  char *err;
} nl_cli_result;

/* Everything written to the temporary file f so far (new string; "" when nothing or on a read
 * error). Closes f. */
static inline char *nl_cli_slurp(FILE *f) {
  fflush(f);
  long n = ftell(f);
  rewind(f);
  char *s = calloc((size_t)(n > 0 ? n : 0) + 1, 1);
  if (s != NULL && n > 0 && fread(s, 1, (size_t)n, f) != (size_t)n) s[0] = '\0';
  fclose(f);
  return s;
}

/* Runs fn on argv (argv[argc] NULL), capturing both streams. */
static inline nl_cli_result nl_cli_run(nl_cli_fn fn, int argc, char **argv) {
  FILE *out = tmpfile(), *err = tmpfile();
  nl_cli_result r;
  r.status = fn(argc, argv, out, err);
  r.out = nl_cli_slurp(out);
  r.err = nl_cli_slurp(err);
  return r;
}

/* Runs fn with argv[0] = cmd and the NULL-terminated arguments after it (at most 30). */
static inline nl_cli_result nl_cli_run_args(nl_cli_fn fn, const char *cmd, const char *first, ...) {
  char *argv[32];
  int argc = 0;
  argv[argc++] = (char *)cmd;
  va_list ap;
  va_start(ap, first);
  for (const char *a = first; a != NULL && argc < 31; a = va_arg(ap, const char *))
    argv[argc++] = (char *)a;
  va_end(ap);
  argv[argc] = NULL;
  return nl_cli_run(fn, argc, argv);
}

static inline void nl_cli_result_free(nl_cli_result *r) {
  free(r->out);
  free(r->err);
}

/* The file `name` of case folder dir through the one file reader (new string), or NULL when
 * it is absent. */
static inline char *nl_cli_case_file(const char *dir, const char *name) {
  char path[PATH_MAX + 16];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  char *text;
  size_t len;
  return nl_file_read(path, NL_FILE_NO_LIMIT, &text, &len) == 0 ? text : NULL;
}

/* Writes text as the file `name` of case folder dir (for NL_UPDATE_GOLDEN=1). */
static inline void nl_cli_case_write(const char *dir, const char *name, const char *text) {
  char path[PATH_MAX + 16];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  if (f == NULL) return;
  fputs(text, f);
  fclose(f);
}

/* Fills argv (room for 64) with cmd, one argument per line of args (cut in place: argv points
 * into it) and the example vault last; argv[argc] is NULL. Returns argc. */
static inline int nl_cli_case_argv(char *args, const char *cmd, char **argv) {
  int argc = 0;
  argv[argc++] = (char *)cmd;
  for (char *save = NULL, *line = strtok_r(args, "\n", &save); line != NULL && argc < 62;
       line = strtok_r(NULL, "\n", &save))
    argv[argc++] = line;
  argv[argc++] = NL_TEST_VAULT;
  argv[argc] = NULL;
  return argc;
}

/* s with every `from` replaced by `to` (new string; s is not freed). */
static inline char *nl_cli_replace_all(const char *s, const char *from, const char *to) {
  size_t nf = strlen(from), nt = strlen(to), n = 0;
  for (const char *p = s; (p = strstr(p, from)) != NULL; p += nf) n++;
  char *out = malloc(strlen(s) + n * nt + 1), *o = out;
  for (const char *p = s, *q; out != NULL; p = q + nf) {
    if ((q = strstr(p, from)) == NULL) {
      strcpy(o, p);
      break;
    }
    memcpy(o, p, (size_t)(q - p));
    o += q - p;
    memcpy(o, to, nt);
    o += nt;
  }
  return out;
}

static inline int nl_cli_by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of dir not starting with '.', sorted, as new strings in names (at most cap).
 * Returns how many; 0 when dir cannot be opened. */
static inline size_t nl_cli_case_names(const char *dir, char **names, size_t cap) {
  DIR *d = opendir(dir);
  if (d == NULL) return 0;
  size_t n = 0;
  struct dirent *de;
  while ((de = readdir(d)) != NULL && n < cap)
    if (de->d_name[0] != '.') names[n++] = strdup(de->d_name);
  closedir(d);
  qsort(names, n, sizeof *names, nl_cli_by_name);
  return n;
}

#endif
