/* test-check: `notes-lsp check` through nl_check_run: the golden report of the example vault,
 * exit statuses, usage errors, the JSON shape and .notes-lsp.yaml. */
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lsp/cli/check.h"
#include "lsp/index/diagnose.h"
#include "lsp/base/file.h"
#include "test.h"

typedef struct {
  int status;
  char *out;
  char *err;
} result;

static char *slurp(FILE *f) {
  fflush(f);
  long n = ftell(f);
  rewind(f);
  char *s = calloc((size_t)(n > 0 ? n : 0) + 1, 1);
  if (s != NULL && n > 0 && fread(s, 1, (size_t)n, f) != (size_t)n) s[0] = '\0';
  fclose(f);
  return s;
}

/* Runs `check` with a NULL-terminated argument list (argv[0] "check" is added). */
static result run_check(const char *first, ...) {
  char *argv[32];
  int argc = 0;
  argv[argc++] = "check";
  va_list ap;
  va_start(ap, first);
  for (const char *a = first; a != NULL && argc < 31; a = va_arg(ap, const char *))
    argv[argc++] = (char *)a;
  va_end(ap);
  argv[argc] = NULL;
  FILE *out = tmpfile(), *err = tmpfile();
  result r;
  r.status = nl_check_run(argc, argv, out, err);
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

static void result_free(result *r) {
  free(r->out);
  free(r->err);
}

/* ---- temp vaults ------------------------------------------------------------------------- */

static char tmp_root[256];

static void write_file(const char *rel, const char *content) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%.700s", tmp_root, rel);
  for (char *p = path + strlen(tmp_root) + 1; *p; p++) { /* make the folders */
    if (*p != '/') continue;
    *p = '\0';
    mkdir(path, 0755);
    *p = '/';
  }
  FILE *f = fopen(path, "wb");
  if (f == NULL) return;
  fputs(content, f);
  fclose(f);
}

static void make_vault(void) {
  snprintf(tmp_root, sizeof tmp_root, "/tmp/nl-test-check-XXXXXX");
  if (mkdtemp(tmp_root) == NULL) tmp_root[0] = '\0';
}

static void remove_vault(void) {
  char cmd[300];
  if (strncmp(tmp_root, "/tmp/nl-test-check-", 19) != 0) return;
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_root);
  if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", tmp_root);
}

/* ---- cases ------------------------------------------------------------------------------- */

static void test_golden_example(void) {
  result r = run_check("--today", "2025-11-15", NL_TEST_VAULT, NULL);
  size_t len = 0;
  char *want = NULL;
  nl_file_read(NL_TEST_DATA "/check-example.txt", NL_FILE_NO_LIMIT, &want, &len);
  ASSERT(want != NULL);
  ASSERT_STR_EQ(r.out, want);
  ASSERT_STR_EQ(r.err, "");
  ASSERT_EQ(r.status, 1); /* warnings, and warning is the default --fail-on */
  free(want);
  result_free(&r);
}

static void test_fail_on_levels(void) {
  /* the example vault has errors: every level fails */
  static const char *const levels[] = {"error", "warning", "information", "hint"};
  for (size_t i = 0; i < 4; i++) {
    result r = run_check("--today", "2025-11-15", "--fail-on", levels[i], NL_TEST_VAULT, NULL);
    ASSERT_EQ(r.status, 1);
    result_free(&r);
  }
  /* a vault with one proposed task (information) and nothing else */
  make_vault();
  write_file("People/Ana.md", "---\ntype: person\n---\n# Ana\n");
  write_file("Tasks.md", "# Tasks\n\n- [?] Call @Ana #proposed\n");
  result r = run_check("--today", "2025-11-15", tmp_root, NULL);
  ASSERT_EQ(r.status, 0);
  ASSERT(strstr(r.out, "Tasks.md:3:3: information: proposed task: owner Ana, no due date") ==
         r.out);
  ASSERT(strstr(r.out, "\n0 errors, 0 warnings, 1 information in 2 notes\n") != NULL);
  result_free(&r);
  r = run_check("--fail-on=information", "--today=2025-11-15", tmp_root, NULL);
  ASSERT_EQ(r.status, 1);
  result_free(&r);
  r = run_check("--fail-on", "error", tmp_root, NULL);
  ASSERT_EQ(r.status, 0);
  result_free(&r);
  remove_vault();
}

static void test_clean_vault_and_cwd(void) {
  make_vault();
  write_file("Note.md", "# Note\n\nNothing to see.\n");
  write_file(".obsidian/workspace.md", "[[Nowhere]]\n");
  write_file(".hidden/x.md", "[[Nowhere]]\n");
  char cwd[PATH_MAX];
  ASSERT(getcwd(cwd, sizeof cwd) != NULL);
  ASSERT_EQ(chdir(tmp_root), 0);
  result r = run_check("--fail-on", "hint", NULL); /* the current directory */
  int ok = chdir(cwd);
  ASSERT_EQ(ok, 0);
  ASSERT_EQ(r.status, 0);
  ASSERT_STR_EQ(r.out, "0 errors, 0 warnings, 0 information in 1 note\n");
  result_free(&r);
  remove_vault();
}

static void test_config_file(void) {
  make_vault();
  write_file("Plan.md", "- [ ] Ship it 📅 2025-11-10\n");
  write_file("Drafts/Scratch.md", "[[Nowhere]]\n");
  write_file(".notes-lsp.yaml", "today: 2025-11-01\nignore: [Drafts]\n");
  result r = run_check(tmp_root, NULL); /* today from the file: not overdue; Drafts ignored */
  ASSERT_STR_EQ(r.out, "0 errors, 0 warnings, 0 information in 1 note\n");
  ASSERT_EQ(r.status, 0);
  result_free(&r);
  r = run_check("--today", "2025-11-15", tmp_root, NULL); /* the flag wins */
  ASSERT_STR_EQ(r.out, "Plan.md:1:15: warning: overdue since 2025-11-10 (5 days) [overdue-task]\n"
                       "0 errors, 1 warning, 0 information in 1 note\n");
  ASSERT_EQ(r.status, 1);
  result_free(&r);
  write_file(".notes-lsp.yaml", "todya: 2025-11-01\n"); /* typos matter */
  r = run_check(tmp_root, NULL);
  ASSERT_EQ(r.status, 2);
  ASSERT(strstr(r.err, "notes-lsp check: ") == r.err);
  ASSERT_STR_EQ(r.out, "");
  result_free(&r);
  remove_vault();
}

static void test_usage_errors(void) {
  static const char *const bad[][4] = {
      {"--bogus", NULL},
      {"-x", NULL},
      {"--today", "2025-02-30", NULL},
      {"--today", "tomorrow", NULL},
      {"--today", NULL},
      {"--format", "xml", NULL},
      {"--format", NULL},
      {"--fail-on", "fatal", NULL},
      {NL_TEST_VAULT, NL_TEST_VAULT, NULL},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    result r = run_check(bad[i][0], bad[i][1], bad[i][2], NULL);
    if (r.status != 2) fprintf(stderr, "case %zu: %s\n", i, bad[i][0]);
    ASSERT_EQ(r.status, 2);
    ASSERT(strstr(r.err, "usage: notes-lsp check") != NULL);
    ASSERT_STR_EQ(r.out, "");
    result_free(&r);
  }
  result r = run_check("/nonexistent/vault", NULL);
  ASSERT_EQ(r.status, 2);
  ASSERT(strstr(r.err, "cannot open '/nonexistent/vault'") != NULL);
  result_free(&r);
  r = run_check(NL_TEST_DATA "/check-example.txt", NULL);
  ASSERT_EQ(r.status, 2);
  ASSERT(strstr(r.err, "is not a folder") != NULL);
  result_free(&r);
  r = run_check("--help", NULL);
  ASSERT_EQ(r.status, 0);
  ASSERT(strstr(r.out, "usage: notes-lsp check") == r.out);
  result_free(&r);
}

static void test_json_format(void) {
  result t = run_check("--today", "2025-11-15", NL_TEST_VAULT, NULL);
  result r = run_check("--today", "2025-11-15", "--format", "json", NL_TEST_VAULT, NULL);
  ASSERT_EQ(r.status, 1);
  json_error_t jerr;
  json_t *doc = json_loads(r.out, 0, &jerr);
  ASSERT(doc != NULL);
  json_t *items = json_object_get(doc, "diagnostics");
  size_t text_lines = 0;
  for (const char *p = t.out; *p; p++) text_lines += *p == '\n';
  ASSERT_EQ(json_array_size(items), text_lines - 1);
  json_t *sum = json_object_get(doc, "summary");
  ASSERT_EQ(json_integer_value(json_object_get(sum, "errors")), 2);
  ASSERT_EQ(json_integer_value(json_object_get(sum, "warnings")), 11);
  ASSERT_EQ(json_integer_value(json_object_get(sum, "information")), 4);
  ASSERT_EQ(json_integer_value(json_object_get(sum, "notes")), 17);
  ASSERT_EQ(json_integer_value(json_object_get(sum, "hints")), 2);
  /* Sorted by path and position: the Daily note's alias-link hint (line 3), then this. */
  json_t *first = json_array_get(items, 1);
  ASSERT_STR_EQ(json_string_value(json_object_get(first, "path")), "Daily/2025-11-06.md");
  ASSERT_EQ(json_integer_value(json_object_get(first, "line")), 4);
  ASSERT_EQ(json_integer_value(json_object_get(first, "column")), 9);
  ASSERT_EQ(json_integer_value(json_object_get(first, "endLine")), 4);
  ASSERT_EQ(json_integer_value(json_object_get(first, "endColumn")), 19);
  ASSERT_STR_EQ(json_string_value(json_object_get(first, "severity")), "warning");
  ASSERT_STR_EQ(json_string_value(json_object_get(first, "code")), "ambiguous-link");
  json_t *rel = json_object_get(first, "related");
  ASSERT_EQ(json_array_size(rel), 2);
  ASSERT_STR_EQ(json_string_value(json_object_get(json_array_get(rel, 1), "path")),
                "Projects/Apollo.md");
  /* every item says the same as its text line */
  size_t i;
  json_t *it;
  const char *line = t.out;
  json_array_foreach(items, i, it) {
    char want[2048];
    snprintf(want, sizeof want, "%s:%lld:%lld: %s: %s [%s]\n",
             json_string_value(json_object_get(it, "path")),
             (long long)json_integer_value(json_object_get(it, "line")),
             (long long)json_integer_value(json_object_get(it, "column")),
             json_string_value(json_object_get(it, "severity")),
             json_string_value(json_object_get(it, "message")),
             json_string_value(json_object_get(it, "code")));
    ASSERT(strncmp(line, want, strlen(want)) == 0);
    line = strchr(line, '\n') + 1;
  }
  json_decref(doc);
  result_free(&r);
  result_free(&t);
}

static void test_bad_bytes_in_json(void) {
  make_vault();
  write_file("Bad.md", "See [[\xff\xfe broken]] and @Nob\xc3 ody\n");
  result r = run_check("--format", "json", tmp_root, NULL);
  json_t *doc = json_loads(r.out, 0, NULL);
  ASSERT(doc != NULL); /* invalid UTF-8 is replaced, the document stays valid */
  ASSERT(json_array_size(json_object_get(doc, "diagnostics")) >= 1);
  json_decref(doc);
  ASSERT_EQ(r.status, 1);
  result_free(&r);
  remove_vault();
}

int main(void) {
  RUN(test_golden_example);
  RUN(test_fail_on_levels);
  RUN(test_clean_vault_and_cwd);
  RUN(test_config_file);
  RUN(test_usage_errors);
  RUN(test_json_format);
  RUN(test_bad_bytes_in_json);
  return NL_TEST_DONE();
}
