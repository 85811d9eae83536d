/* test-tasks-cli: `notes-lsp tasks` through nl_tasks_run on the example vault, one golden case
 * per folder of tests/data/tasks-cli:
 *   args      the arguments after "tasks", one a line (the vault folder is appended)
 *   expected  the exact standard output
 *   status    the exit status when it is not 0
 *   error     the first line of standard error, when one is expected
 * In the output the vault's file URI reads file:///VAULT, its path in errors VAULT. NL_UPDATE_GOLDEN=1 rewrites every
 * `expected` (and `error`) from the current output: review the diff before committing. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lsp/cli/tasks.h"
#include "protocol/lsp_types.h"
#include "test.h"
#include "cli_run.h"

#define CASES NL_TEST_DATA "/tasks-cli"

static char vault_uri[PATH_MAX + 16];

static void run_case(const char *name) {
  char dir[PATH_MAX];
  snprintf(dir, sizeof dir, "%s/%s", CASES, name);
  char *args = nl_cli_case_file(dir, "args");
  ASSERT(args != NULL);
  char *argv[64];
  int argc = nl_cli_case_argv(args, "tasks", argv);
  nl_cli_result r = nl_cli_run(nl_tasks_run, argc, argv);
  int status = r.status;
  char *got = nl_cli_replace_all(r.out, vault_uri, "file:///VAULT");
  char *got_err = nl_cli_replace_all(r.err, NL_TEST_VAULT, "VAULT");
  nl_cli_result_free(&r);
  char *nl = strchr(got_err, '\n');
  if (nl != NULL) nl[1] = '\0';
  char *want_status = nl_cli_case_file(dir, "status");
  int want = want_status != NULL ? atoi(want_status) : 0;
  if (getenv("NL_UPDATE_GOLDEN") != NULL) {
    nl_cli_case_write(dir, "expected", got);
    if (*got_err != '\0') nl_cli_case_write(dir, "error", got_err);
  }
  char *expected = nl_cli_case_file(dir, "expected");
  char *want_err = nl_cli_case_file(dir, "error");
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

static void test_golden_cases(void) {
  char *names[256];
  size_t n = nl_cli_case_names(CASES, names, 256);
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
