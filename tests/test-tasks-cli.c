/* test-tasks-cli: `notes-lsp tasks` through nl_tasks_run on the example vault, one golden case
 * per folder of tests/data/tasks-cli:
 *   args      the arguments after "tasks", one a line (the vault folder is appended)
 *   expected  the exact standard output
 *   status    the exit status when it is not 0
 *   error     the first line of standard error, when one is expected
 * In the output the vault's file URI reads file:///VAULT, its path in errors VAULT. NL_UPDATE_GOLDEN=1 rewrites every
 * `expected` (and `error`) from the current output: review the diff before committing. */
#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lsp/cli/tasks.h"
#include "protocol/lsp_types.h"
#include "test.h"

#define CASES NL_TEST_DATA "/tasks-cli"

static char *slurp(FILE *f) {
  fflush(f);
  long n = ftell(f);
  rewind(f);
  char *s = calloc((size_t)(n > 0 ? n : 0) + 1, 1);
  if (s != NULL && n > 0 && fread(s, 1, (size_t)n, f) != (size_t)n) s[0] = '\0';
  fclose(f);
  return s;
}

static char *read_text(const char *dir, const char *name) {
  char path[PATH_MAX + 16];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "rb");
  if (f == NULL) return NULL;
  fseek(f, 0, SEEK_END);
  return slurp(f);
}

static void write_text(const char *dir, const char *name, const char *text) {
  char path[PATH_MAX + 16];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  if (f == NULL) return;
  fputs(text, f);
  fclose(f);
}

/* Replaces every `from` in s (new) by `to`; frees s. */
static char *replace_all(char *s, const char *from, const char *to) {
  size_t fl = strlen(from), tl = strlen(to), n = 0;
  for (const char *p = s; (p = strstr(p, from)) != NULL; p += fl) n++;
  char *out = malloc(strlen(s) + n * tl + 1), *o = out;
  const char *p = s, *q;
  while ((q = strstr(p, from)) != NULL) {
    memcpy(o, p, (size_t)(q - p));
    o += q - p;
    memcpy(o, to, tl);
    o += tl;
    p = q + fl;
  }
  strcpy(o, p);
  free(s);
  return out;
}

static char vault_uri[PATH_MAX + 16];

static void run_case(const char *name) {
  char dir[PATH_MAX];
  snprintf(dir, sizeof dir, "%s/%s", CASES, name);
  char *args = read_text(dir, "args");
  ASSERT(args != NULL);
  char *argv[64];
  int argc = 0;
  argv[argc++] = "tasks";
  for (char *save = NULL, *line = strtok_r(args, "\n", &save); line != NULL && argc < 62;
       line = strtok_r(NULL, "\n", &save))
    argv[argc++] = line;
  argv[argc++] = NL_TEST_VAULT;
  argv[argc] = NULL;
  FILE *out = tmpfile(), *err = tmpfile();
  int status = nl_tasks_run(argc, argv, out, err);
  char *got = replace_all(slurp(out), vault_uri, "file:///VAULT");
  char *got_err = replace_all(slurp(err), NL_TEST_VAULT, "VAULT");
  char *nl = strchr(got_err, '\n');
  if (nl != NULL) nl[1] = '\0';
  char *want_status = read_text(dir, "status");
  int want = want_status != NULL ? atoi(want_status) : 0;
  if (getenv("NL_UPDATE_GOLDEN") != NULL) {
    write_text(dir, "expected", got);
    if (*got_err != '\0') write_text(dir, "error", got_err);
  }
  char *expected = read_text(dir, "expected");
  char *want_err = read_text(dir, "error");
  int ok = expected != NULL && strcmp(got, expected) == 0 && status == want &&
           (want_err == NULL || strcmp(got_err, want_err) == 0);
  if (!ok) {
    fprintf(stderr, "case %s: status %d (want %d)\n--- got stdout\n%s--- want\n%s--- got stderr\n%s",
            name, status, want, got, expected ? expected : "(no expected file)\n", got_err);
    nl_test_failures++;
  }
  free(args);
  free(got);
  free(got_err);
  free(want_status);
  free(expected);
  free(want_err);
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_golden_cases(void) {
  DIR *d = opendir(CASES);
  ASSERT(d != NULL);
  char *names[256];
  size_t n = 0;
  struct dirent *de;
  while ((de = readdir(d)) != NULL && n < 256)
    if (de->d_name[0] != '.') names[n++] = strdup(de->d_name);
  closedir(d);
  qsort(names, n, sizeof *names, by_name);
  int before = nl_test_failures;
  for (size_t i = 0; i < n; i++) {
    run_case(names[i]);
    free(names[i]);
  }
  fprintf(stderr, "%zu golden cases, %d failed\n", n, nl_test_failures - before);
  ASSERT(n >= 30);
}

int main(void) {
  char root[PATH_MAX];
  if (realpath(NL_TEST_VAULT, root) == NULL) return 1;
  char *uri = nl_path_to_uri(root);
  snprintf(vault_uri, sizeof vault_uri, "%s", uri ? uri : "");
  free(uri);
  RUN(test_golden_cases);
  return NL_TEST_DONE();
}
