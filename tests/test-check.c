/* test-check: `notes-lsp check` through nl_check_run: the golden report of the example vault,
 * exit statuses, usage errors, the JSON shape and .notes-lsp.yaml. */
#include <jansson.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lsp/cli/check.h"
#include "lsp/index/diagnose.h"
#include "lsp/base/file.h"
#include "protocol/lsp_types.h"
#include "test.h"
#include "cli_run.h"

/* Runs `check` with a NULL-terminated argument list (argv[0] "check" is added). */
#define run_check(...) nl_cli_run_args(nl_check_run, "check", __VA_ARGS__)

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
  nl_cli_result r = run_check("--today", "2025-11-15", NL_TEST_VAULT, NULL);
  size_t len = 0;
  char *want = NULL;
  nl_file_read(NL_TEST_DATA "/check-example.txt", NL_FILE_NO_LIMIT, &want, &len);
  ASSERT(want != NULL);
  ASSERT_STR_EQ(r.out, want);
  ASSERT_STR_EQ(r.err, "");
  ASSERT_EQ(r.status, 1); /* warnings, and warning is the default --fail-on */
  free(want);
  nl_cli_result_free(&r);
}

static void test_fail_on_levels(void) {
  /* the example vault has errors: every level fails */
  static const char *const levels[] = {"error", "warning", "information", "hint"};
  for (size_t i = 0; i < 4; i++) {
    nl_cli_result r = run_check("--today", "2025-11-15", "--fail-on", levels[i], NL_TEST_VAULT, NULL);
    ASSERT_EQ(r.status, 1);
    nl_cli_result_free(&r);
  }
  /* a vault with one proposed task (information) and nothing else */
  make_vault();
  write_file("People/Ana.md", "---\ntype: person\n---\n# Ana\n");
  write_file("Tasks.md", "# Tasks\n\n- [?] Call @Ana #proposed\n");
  nl_cli_result r = run_check("--today", "2025-11-15", tmp_root, NULL);
  ASSERT_EQ(r.status, 0);
  ASSERT(strstr(r.out, "Tasks.md:3:3: information: proposed task: owner Ana, no due date") ==
         r.out);
  ASSERT(strstr(r.out, "\n0 errors, 0 warnings, 1 information in 2 notes\n") != NULL);
  nl_cli_result_free(&r);
  r = run_check("--fail-on=information", "--today=2025-11-15", tmp_root, NULL);
  ASSERT_EQ(r.status, 1);
  nl_cli_result_free(&r);
  r = run_check("--fail-on", "error", tmp_root, NULL);
  ASSERT_EQ(r.status, 0);
  nl_cli_result_free(&r);
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
  nl_cli_result r = run_check("--fail-on", "hint", NULL); /* the current directory */
  int ok = chdir(cwd);
  ASSERT_EQ(ok, 0);
  ASSERT_EQ(r.status, 0);
  ASSERT_STR_EQ(r.out, "0 errors, 0 warnings, 0 information in 1 note\n");
  nl_cli_result_free(&r);
  remove_vault();
}

static void test_config_file(void) {
  make_vault();
  write_file("Plan.md", "- [ ] Ship it 📅 2025-11-10\n");
  write_file("Drafts/Scratch.md", "[[Nowhere]]\n");
  write_file(".notes-lsp.yaml", "today: 2025-11-01\nignore: [Drafts]\n");
  nl_cli_result r = run_check(tmp_root, NULL); /* today from the file: not overdue; Drafts ignored */
  ASSERT_STR_EQ(r.out, "0 errors, 0 warnings, 0 information in 1 note\n");
  ASSERT_EQ(r.status, 0);
  nl_cli_result_free(&r);
  r = run_check("--today", "2025-11-15", tmp_root, NULL); /* the flag wins */
  ASSERT_STR_EQ(r.out, "Plan.md:1:15: warning: overdue since 2025-11-10 (5 days) [overdue-task]\n"
                       "0 errors, 1 warning, 0 information in 1 note\n");
  ASSERT_EQ(r.status, 1);
  nl_cli_result_free(&r);
  write_file(".notes-lsp.yaml", "todya: 2025-11-01\n"); /* typos matter */
  r = run_check(tmp_root, NULL);
  ASSERT_EQ(r.status, 2);
  ASSERT(strstr(r.err, "notes-lsp check: ") == r.err);
  ASSERT_STR_EQ(r.out, "");
  nl_cli_result_free(&r);
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
      {"--format", "sarif2", NULL},
      {"--color", NULL},
      {NL_TEST_VAULT, NL_TEST_VAULT, NULL},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    nl_cli_result r = run_check(bad[i][0], bad[i][1], bad[i][2], NULL);
    if (r.status != 2) fprintf(stderr, "case %zu: %s\n", i, bad[i][0]);
    ASSERT_EQ(r.status, 2);
    ASSERT(strstr(r.err, "usage: notes-lsp check") != NULL);
    ASSERT_STR_EQ(r.out, "");
    nl_cli_result_free(&r);
  }
  nl_cli_result r = run_check("/nonexistent/vault", NULL);
  ASSERT_EQ(r.status, 2);
  ASSERT(strstr(r.err, "cannot open '/nonexistent/vault'") != NULL);
  nl_cli_result_free(&r);
  r = run_check(NL_TEST_DATA "/check-example.txt", NULL);
  ASSERT_EQ(r.status, 2);
  ASSERT(strstr(r.err, "is not a folder") != NULL);
  nl_cli_result_free(&r);
  r = run_check("--help", NULL);
  ASSERT_EQ(r.status, 0);
  ASSERT(strstr(r.out, "usage: notes-lsp check") == r.out);
  nl_cli_result_free(&r);
}

static void test_json_format(void) {
  nl_cli_result t = run_check("--today", "2025-11-15", NL_TEST_VAULT, NULL);
  nl_cli_result r = run_check("--today", "2025-11-15", "--format", "json", NL_TEST_VAULT, NULL);
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
  nl_cli_result_free(&r);
  nl_cli_result_free(&t);
}

static void test_bad_bytes_in_json(void) {
  make_vault();
  write_file("Bad.md", "See [[\xff\xfe broken]] and @Nob\xc3 ody\n");
  nl_cli_result r = run_check("--format", "json", tmp_root, NULL);
  json_t *doc = json_loads(r.out, 0, NULL);
  ASSERT(doc != NULL); /* invalid UTF-8 is replaced, the document stays valid */
  ASSERT(json_array_size(json_object_get(doc, "diagnostics")) >= 1);
  json_decref(doc);
  ASSERT_EQ(r.status, 1);
  nl_cli_result_free(&r);
  remove_vault();
}

/* ---- SARIF ------------------------------------------------------------------------------- */

/* s with every `from` replaced by `to` (new). */
/* The SARIF log of the example vault, with the vault's absolute URI and the version made
 * stable, is tests/data/check-example.sarif. */
static void test_sarif_golden(void) {
  nl_cli_result r = run_check("--today", "2025-11-15", "--format", "sarif", NL_TEST_VAULT, NULL);
  ASSERT_EQ(r.status, 1);
  ASSERT_STR_EQ(r.err, "");
  char root[PATH_MAX + 2];
  ASSERT(realpath(NL_TEST_VAULT, root) != NULL);
  strcat(root, "/");
  char *uri = nl_path_to_uri(root);
  char *a = nl_cli_replace_all(r.out, uri, "file:///VAULT/");
  char *b = nl_cli_replace_all(a, "\"version\": \"" NOTES_LSP_VERSION "\"", "\"version\": \"VERSION\"");
  size_t len = 0;
  char *want = NULL;
  nl_file_read(NL_TEST_DATA "/check-example.sarif", NL_FILE_NO_LIMIT, &want, &len);
  ASSERT(want != NULL);
  ASSERT_STR_EQ(b, want);
  free(want);
  free(a);
  free(b);
  free(uri);
  nl_cli_result_free(&r);
}

static const char *str_at(const json_t *j, const char *path) {
  /* a dotted path of object keys */
  char key[64];
  while (j != NULL && *path) {
    size_t n = strcspn(path, ".");
    snprintf(key, sizeof key, "%.*s", (int)n, path);
    j = json_object_get(j, key);
    path += n + (path[n] == '.');
  }
  return json_string_value(j);
}

static json_int_t int_at(const json_t *j, const char *key) {
  return json_integer_value(json_object_get(j, key));
}

/* What the SARIF 2.1.0 schema requires, and what code-review tools read, is there in every
 * result; the results say what the text report says. */
static void test_sarif_shape(void) {
  nl_cli_result t = run_check("--today", "2025-11-15", "--format", "json", NL_TEST_VAULT, NULL);
  nl_cli_result r = run_check("--today", "2025-11-15", "--format=sarif", NL_TEST_VAULT, NULL);
  json_t *doc = json_loads(r.out, 0, NULL), *plain = json_loads(t.out, 0, NULL);
  ASSERT(doc != NULL && plain != NULL);
  ASSERT_STR_EQ(str_at(doc, "version"), "2.1.0");
  json_t *run = json_array_get(json_object_get(doc, "runs"), 0);
  ASSERT_EQ(json_array_size(json_object_get(doc, "runs")), 1);
  ASSERT_STR_EQ(str_at(run, "tool.driver.name"), "notes-lsp");
  ASSERT_STR_EQ(str_at(run, "columnKind"), "utf16CodeUnits");
  json_t *rules = json_object_get(json_object_get(json_object_get(run, "tool"), "driver"),
                                  "rules");
  ASSERT(json_array_size(rules) >= 10);
  json_t *results = json_object_get(run, "results");
  json_t *items = json_object_get(plain, "diagnostics");
  ASSERT_EQ(json_array_size(results), json_array_size(items));
  size_t i;
  json_t *res;
  json_array_foreach(results, i, res) {
    json_t *item = json_array_get(items, i);
    const char *rule = str_at(res, "ruleId");
    ASSERT(rule != NULL);
    ASSERT_STR_EQ(rule, str_at(item, "code"));
    json_t *def = json_array_get(rules, (size_t)int_at(res, "ruleIndex"));
    ASSERT_STR_EQ(str_at(def, "id"), rule);
    /* the rule comes from the engine's table (nl_diag_rules), not the fallback */
    ASSERT(strcmp(str_at(def, "shortDescription.text"), rule) != 0);
    const char *level = str_at(res, "level"), *sev = str_at(item, "severity");
    ASSERT_STR_EQ(level, strcmp(sev, "error") == 0     ? "error"
                         : strcmp(sev, "warning") == 0 ? "warning"
                                                       : "note");
    ASSERT_STR_EQ(str_at(res, "message.text"), str_at(item, "message"));
    json_t *loc = json_object_get(json_array_get(json_object_get(res, "locations"), 0),
                                  "physicalLocation");
    const char *uri = str_at(loc, "artifactLocation.uri");
    ASSERT(uri != NULL && uri[0] != '\0' && strchr(uri, ' ') == NULL);
    json_t *region = json_object_get(loc, "region");
    ASSERT_EQ(int_at(region, "startLine"), int_at(item, "line"));
    ASSERT(int_at(region, "startColumn") >= 1);
    ASSERT(int_at(region, "startColumn") <= int_at(item, "column"));
  }
  json_decref(doc);
  json_decref(plain);
  nl_cli_result_free(&r);
  nl_cli_result_free(&t);
}

/* Columns count UTF-16 code units: an emoji before the due date counts 2, not 4 bytes. */
static void test_sarif_columns(void) {
  make_vault();
  write_file("Plan.md", "- [ ] Ship \xF0\x9F\x9A\x80 it \xF0\x9F\x93\x85 2025-11-10\n");
  nl_cli_result t = run_check("--today", "2025-11-15", tmp_root, NULL);
  ASSERT(strstr(t.out, "Plan.md:1:20: warning: overdue since") == t.out);
  nl_cli_result r = run_check("--today", "2025-11-15", "--format", "sarif", tmp_root, NULL);
  json_t *doc = json_loads(r.out, 0, NULL);
  json_t *run = json_array_get(json_object_get(doc, "runs"), 0);
  json_t *res = json_array_get(json_object_get(run, "results"), 0);
  json_t *loc = json_object_get(json_array_get(json_object_get(res, "locations"), 0),
                                "physicalLocation");
  json_t *region = json_object_get(loc, "region");
  ASSERT_EQ(int_at(region, "startColumn"), 18);
  ASSERT_EQ(int_at(region, "endColumn"), 18 + 2 + 11); /* 📅 is 2 units, " 2025-11-10" 11 */
  ASSERT_STR_EQ(str_at(loc, "artifactLocation.uri"), "Plan.md");
  json_decref(doc);
  nl_cli_result_free(&r);
  nl_cli_result_free(&t);
  remove_vault();
}

/* ---- --changed --------------------------------------------------------------------------- */

static void test_changed(void) {
  make_vault();
  write_file("People/Ana.md", "---\ntype: person\n---\n# Ana\n");
  write_file("Good.md", "Met [[Ana]] and @Ana.\n");
  write_file("Bad one.md", "See [[Nowhere]].\n");
  write_file("Templates/T.md", "[[Nowhere]]\n");
  write_file(".notes-lsp.yaml", "ignore: [Templates/**]\n");
  write_file("notes.txt", "not a note\n");
  char good[600], bad[600], tpl[600], txt[600];
  snprintf(good, sizeof good, "%s/Good.md", tmp_root);
  snprintf(bad, sizeof bad, "%s/Bad one.md", tmp_root);
  snprintf(tpl, sizeof tpl, "%s/Templates/T.md", tmp_root);
  snprintf(txt, sizeof txt, "%s/notes.txt", tmp_root);
  /* a changed note is checked against the whole index: [[Ana]] resolves */
  nl_cli_result r = run_check(tmp_root, "--changed", good, NULL);
  ASSERT_STR_EQ(r.out, "0 errors, 0 warnings, 0 information in 1 note\n");
  ASSERT_STR_EQ(r.err, "");
  ASSERT_EQ(r.status, 0);
  nl_cli_result_free(&r);
  r = run_check(tmp_root, "--changed", good, bad, good, NULL); /* each note once */
  ASSERT_STR_EQ(r.out, "Bad one.md:1:5: warning: broken link: no note named 'Nowhere' "
                       "[broken-link]\n0 errors, 1 warning, 0 information in 2 notes\n");
  ASSERT_EQ(r.status, 1);
  nl_cli_result_free(&r);
  /* paths relative to the current directory, as pre-commit passes them */
  char cwd[PATH_MAX];
  ASSERT(getcwd(cwd, sizeof cwd) != NULL);
  ASSERT_EQ(chdir(tmp_root), 0);
  r = run_check("--changed", "Good.md", "./Bad one.md", "--format", "json", NULL);
  int ok = chdir(cwd);
  ASSERT_EQ(ok, 0);
  json_t *doc = json_loads(r.out, 0, NULL);
  ASSERT_EQ(json_integer_value(json_object_get(json_object_get(doc, "summary"), "notes")), 2);
  ASSERT_EQ(json_array_size(json_object_get(doc, "diagnostics")), 1);
  json_decref(doc);
  nl_cli_result_free(&r);
  /* what is not a note of the vault is skipped, saying why */
  r = run_check(tmp_root, "--changed", tpl, txt, NL_TEST_DATA "/check-example.txt", NULL);
  ASSERT_EQ(r.status, 0);
  ASSERT_STR_EQ(r.out, "0 errors, 0 warnings, 0 information in 0 notes\n");
  ASSERT(strstr(r.err, "T.md': not a note of the vault") != NULL);
  ASSERT(strstr(r.err, "notes.txt': not a note of the vault") != NULL);
  ASSERT(strstr(r.err, "check-example.txt': outside the vault") != NULL);
  nl_cli_result_free(&r);
  /* a file that does not exist is an error, before any report */
  r = run_check(tmp_root, "--changed", good, "/nonexistent/Note.md", NULL);
  ASSERT_EQ(r.status, 2);
  ASSERT_STR_EQ(r.out, "");
  ASSERT(strstr(r.err, "cannot open '/nonexistent/Note.md'") != NULL);
  nl_cli_result_free(&r);
  r = run_check(tmp_root, "--changed", NULL); /* nothing changed: nothing to say */
  ASSERT_EQ(r.status, 0);
  ASSERT_STR_EQ(r.out, "0 errors, 0 warnings, 0 information in 0 notes\n");
  nl_cli_result_free(&r);
  remove_vault();
}

/* ---- one read per note ------------------------------------------------------------------ */

/* check reads each note once: the scan's read, whose bytes the diagnostics and SARIF's columns
 * reuse. nl_file_reads counts every open of the one reader; a bare vault (no .obsidian, no
 * .gitignore) has no other file it reads. */
static size_t reads_of(nl_cli_result *r, const char *format, const char *changed) {
  size_t before = nl_file_reads();
  if (changed != NULL)
    *r = run_check("--today", "2025-11-15", "--format", format, tmp_root, "--changed", changed,
                   NULL);
  else
    *r = run_check("--today", "2025-11-15", "--format", format, tmp_root, NULL);
  return nl_file_reads() - before;
}

static void test_reads_each_note_once(void) {
  make_vault();
  write_file("A/Same.md", "# Same\n");
  write_file("B/Same.md", "# Same\n");
  write_file("Links.md", "See [[Same]] at the caf\xc3\x83\xc2\xa9.\n");
  write_file("Plan.md", "- [ ] Ship it \xF0\x9F\x93\x85 2025-13-40\n");
  static const char *const formats[] = {"text", "json", "sarif"};
  for (size_t i = 0; i < 3; i++) {
    nl_cli_result r;
    ASSERT_EQ(reads_of(&r, formats[i], NULL), 4);
    ASSERT_EQ(r.status, 1);
    /* the kept bytes are the ones diagnosed: mojibake and the bad date's text need them */
    ASSERT(strstr(r.out, "mojibake") != NULL);
    ASSERT(strstr(r.out, "2025-13-40") != NULL);
    ASSERT(strstr(r.out, "ambiguous") != NULL);
    nl_cli_result_free(&r);
  }
  char links[600];
  snprintf(links, sizeof links, "%s/Links.md", tmp_root);
  nl_cli_result r;
  ASSERT_EQ(reads_of(&r, "sarif", links), 4); /* the whole vault indexed, Links.md reported */
  ASSERT(strstr(r.out, "mojibake") != NULL);
  ASSERT(strstr(r.out, "Plan.md") == NULL);
  nl_cli_result_free(&r);
  /* twice the notes, twice the reads: no read per diagnostic or per related note */
  write_file("C/Same.md", "# Same\n");
  write_file("More.md", "[[Same]] and [[Nowhere]]\n");
  write_file("Other.md", "[[Same]]\n");
  write_file("Last.md", "caf\xc3\x83\xc2\xa9\n");
  ASSERT_EQ(reads_of(&r, "sarif", NULL), 8);
  ASSERT_EQ(r.status, 1);
  nl_cli_result_free(&r);
  remove_vault();
}

/* ---- colour ------------------------------------------------------------------------------ */

static void test_color(void) {
  /* the report goes to a file here, as into a pipe: no escape sequences, no progress line */
  nl_cli_result r = run_check("--today", "2025-11-15", NL_TEST_VAULT, NULL);
  ASSERT(strchr(r.out, '\033') == NULL);
  ASSERT_STR_EQ(r.err, "");
  nl_cli_result_free(&r);
  r = run_check("--color", "never", "--today", "2025-11-15", NL_TEST_VAULT, NULL);
  ASSERT(strchr(r.out, '\033') == NULL);
  nl_cli_result_free(&r);
  setenv("NO_COLOR", "1", 1); /* an explicit --color always still wins */
  r = run_check("--color=always", "--today", "2025-11-15", NL_TEST_VAULT, NULL);
  unsetenv("NO_COLOR");
  ASSERT(strstr(r.out, "\033[1mDaily/2025-11-06.md:4:9:\033[0m \033[1;35mwarning:\033[0m "
                       "ambiguous link") != NULL);
  ASSERT(strncmp(r.out, "\033[1m", 4) == 0); /* every line starts with the bold location */
  ASSERT(strstr(r.out, "\033[1;31merror:\033[0m invalid date") != NULL);
  ASSERT(strstr(r.out, "\033[1;36minformation:\033[0m proposed task") != NULL);
  ASSERT(strstr(r.out, "\033[2m[frontmatter-error]\033[0m\n") != NULL);
  ASSERT_STR_EQ(r.err, "");
  nl_cli_result_free(&r);
  r = run_check("--color", "sometimes", NL_TEST_VAULT, NULL);
  ASSERT_EQ(r.status, 2);
  ASSERT(strstr(r.err, "--color: expected auto, always or never, got 'sometimes'") != NULL);
  nl_cli_result_free(&r);
}

int main(void) {
  RUN(test_golden_example);
  RUN(test_fail_on_levels);
  RUN(test_clean_vault_and_cwd);
  RUN(test_config_file);
  RUN(test_usage_errors);
  RUN(test_json_format);
  RUN(test_bad_bytes_in_json);
  RUN(test_sarif_golden);
  RUN(test_sarif_shape);
  RUN(test_sarif_columns);
  RUN(test_changed);
  RUN(test_color);
  RUN(test_reads_each_note_once);
  return NL_TEST_DONE();
}
