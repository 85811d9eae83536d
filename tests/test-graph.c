/* test-graph: `notes-lsp graph` through nl_graph_run. Golden cases on the example vault, one
 * folder per case in tests/data/graph:
 *   args      the arguments after "graph", one a line (the vault folder is appended)
 *   expected  the exact standard output
 * NL_UPDATE_GOLDEN=1 rewrites every `expected` from the current output: review the diff before
 * committing. Then usage errors, and a vault whose names need escaping. (tests/cli/graph-render
 * feeds the same outputs to Mermaid's parser and to Graphviz.) */
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lsp/cli/graph.h"
#include "test.h"
#include "cli_run.h"

#define CASES NL_TEST_DATA "/graph"

/* Runs `graph` with a NULL-terminated argument list (argv[0] "graph" is added). */
#define run_graph(...) nl_cli_run_args(nl_graph_run, "graph", __VA_ARGS__)

/* ---- golden cases ------------------------------------------------------------------------ */

static void run_case(const char *name) {
  char dir[PATH_MAX];
  snprintf(dir, sizeof dir, "%s/%s", CASES, name);
  char *args = nl_cli_case_file(dir, "args");
  ASSERT(args != NULL);
  char *argv[64];
  int argc = nl_cli_case_argv(args, "graph", argv);
  nl_cli_result r = nl_cli_run(nl_graph_run, argc, argv);
  const char *update = getenv("NL_UPDATE_GOLDEN");
  if (update != NULL && strcmp(update, "1") == 0) nl_cli_case_write(dir, "expected", r.out);
  char *want = nl_cli_case_file(dir, "expected");
  if (want == NULL || strcmp(r.out, want) != 0) fprintf(stderr, "case %s:\n%s", name, r.out);
  ASSERT(want != NULL);
  ASSERT_STR_EQ(r.out, want);
  ASSERT_STR_EQ(r.err, "");
  ASSERT_EQ(r.status, 0);
  free(want);
  free(args);
  nl_cli_result_free(&r);
}

static void test_golden_cases(void) {
  char *names[128];
  size_t n = nl_cli_case_names(CASES, names, 128);
  ASSERT(n >= 6);
  for (size_t i = 0; i < n; i++) {
    int before = nl_test_failures;
    run_case(names[i]);
    if (nl_test_failures != before) fprintf(stderr, "  in case %s\n", names[i]);
    free(names[i]);
  }
}

/* ---- what the golden files say, checked on the JSON ---------------------------------------- */

static const json_t *node_named(const json_t *doc, const char *name) {
  size_t i;
  json_t *nd;
  json_array_foreach(json_object_get(doc, "nodes"), i, nd) {
    if (strcmp(json_string_value(json_object_get(nd, "name")), name) == 0) return nd;
  }
  return NULL;
}

/* The weight of the edge of `kind` between two names (either way); 0 when there is none. */
static json_int_t edge_weight(const json_t *doc, const char *kind, const char *a, const char *b) {
  const json_t *na = node_named(doc, a), *nb = node_named(doc, b);
  if (na == NULL || nb == NULL) return 0;
  const char *ia = json_string_value(json_object_get(na, "id"));
  const char *ib = json_string_value(json_object_get(nb, "id"));
  size_t i;
  json_t *e;
  json_array_foreach(json_object_get(doc, "edges"), i, e) {
    const char *f = json_string_value(json_object_get(e, "from"));
    const char *t = json_string_value(json_object_get(e, "to"));
    if (strcmp(json_string_value(json_object_get(e, "kind")), kind) != 0) continue;
    if ((strcmp(f, ia) == 0 && strcmp(t, ib) == 0) || (strcmp(f, ib) == 0 && strcmp(t, ia) == 0))
      return json_integer_value(json_object_get(e, "weight"));
  }
  return 0;
}

static void test_example_relations(void) {
  nl_cli_result r = run_graph("--format", "json", NL_TEST_VAULT, NULL);
  ASSERT_EQ(r.status, 0);
  json_t *doc = json_loads(r.out, 0, NULL);
  ASSERT(doc != NULL);
  /* frontmatter account:, an alias in participants (王芳 as Wang Fang), an NFD file name */
  ASSERT_EQ(edge_weight(doc, "member", "Ana Ruiz", "Contoso"), 1);
  ASSERT_EQ(edge_weight(doc, "member", "王芳", "Fabrikam"), 1);
  ASSERT_EQ(edge_weight(doc, "attends", "王芳", "2025-11-14 - Fabrikam procurement sync"), 1);
  ASSERT_EQ(edge_weight(doc, "attends", "Zoë Lindahl",
                        "2025-11-06 - Storage pilot kickoff with Contoso"), 1);
  /* Léa and the owner share two meetings; Ana and 王芳 none */
  ASSERT_EQ(edge_weight(doc, "meets", "Léa Dubois", "Myself"), 2);
  ASSERT_EQ(edge_weight(doc, "meets", "Ana Ruiz", "王芳"), 0);
  /* a meeting links a project; a person note links it too */
  ASSERT_EQ(edge_weight(doc, "about", "2025-11-06 - Storage pilot kickoff with Contoso",
                        "Project Atlas"), 1);
  ASSERT_EQ(edge_weight(doc, "works-on", "Ana Ruiz", "Project Atlas"), 1);
  /* two projects named Apollo are told apart by path; daily notes and the inbox are no nodes */
  ASSERT(node_named(doc, "Projects/Apollo") != NULL);
  ASSERT(node_named(doc, "Archive/Apollo") != NULL);
  ASSERT(node_named(doc, "Apollo") == NULL);
  ASSERT(node_named(doc, "Inbox") == NULL);
  ASSERT(node_named(doc, "2025-11-06") == NULL);
  /* the link inside the fenced code block of the kickoff meeting does not count */
  json_decref(doc);
  nl_cli_result_free(&r);
}

/* ---- usage ------------------------------------------------------------------------------- */

static void test_usage_errors(void) {
  static const char *const bad[][4] = {
      {"--bogus", NULL},
      {"--format", "svg", NULL},
      {"--format", NULL},
      {"--depth", "2", NULL}, /* without --around */
      {"--around", "Ana Ruiz", "--depth", "-1"},
      {"--around", "Ana Ruiz", "--depth", "two"},
      {"--around", NULL},
      {"--around=", NULL},
      {NL_TEST_VAULT, NL_TEST_VAULT, NULL},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    nl_cli_result r = run_graph(bad[i][0], bad[i][1], bad[i][2], bad[i][3], NULL);
    if (r.status != 2) fprintf(stderr, "case %zu: %s\n", i, bad[i][0]);
    ASSERT_EQ(r.status, 2);
    ASSERT(strstr(r.err, "notes-lsp graph: ") == r.err);
    ASSERT(strstr(r.err, "usage: notes-lsp graph") != NULL);
    ASSERT_STR_EQ(r.out, "");
    nl_cli_result_free(&r);
  }
  nl_cli_result r = run_graph("--around", "Northwind Traders", NL_TEST_VAULT, NULL);
  ASSERT_EQ(r.status, 2);
  ASSERT_STR_EQ(r.out, "");
  ASSERT(strstr(r.err, "notes-lsp graph: --around: no person, account, project or meeting "
                       "named 'Northwind Traders'\n") == r.err);
  nl_cli_result_free(&r);
  r = run_graph("--around", "Inbox", NL_TEST_VAULT, NULL); /* a note, but no node */
  ASSERT_EQ(r.status, 2);
  nl_cli_result_free(&r);
  r = run_graph("/nonexistent/vault", NULL);
  ASSERT_EQ(r.status, 2);
  ASSERT(strstr(r.err, "cannot open '/nonexistent/vault'") != NULL);
  nl_cli_result_free(&r);
  r = run_graph("--help", NULL);
  ASSERT_EQ(r.status, 0);
  ASSERT(strstr(r.out, "usage: notes-lsp graph") == r.out);
  nl_cli_result_free(&r);
}

/* ---- names that need escaping ------------------------------------------------------------ */

static char tmp_root[256];

static void write_file(const char *rel, const char *content) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%.700s", tmp_root, rel);
  for (char *p = path + strlen(tmp_root) + 1; *p; p++) {
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

static void test_escaping(void) {
  snprintf(tmp_root, sizeof tmp_root, "/tmp/nl-test-graph-XXXXXX");
  ASSERT(mkdtemp(tmp_root) != NULL);
  write_file("People/Dr \"Bob\" <CEO> & #1.md", "---\naccount: \"[[A&B \\\\ Co]]\"\n---\n");
  write_file("People/end.md", "# end\n");
  write_file("Accounts/A&B \\ Co.md", "# A&B\n");
  write_file("Meetings/Sync `x`.md",
             "---\nparticipants: [\"[[Dr \\\"Bob\\\" <CEO> & #1]]\", end]\n---\n");
  write_file("Accounts/A b.md", "");
  write_file("Accounts/A b 2.md", "");
  write_file("Accounts/A-b.md", "");
  write_file("Accounts/A_b.md", "");
  nl_cli_result r = run_graph(tmp_root, NULL);
  ASSERT_EQ(r.status, 0);
  /* one slug for four names: suffixes in name order, and a suffix never repeats a name's id */
  ASSERT(strstr(r.out, "  account_a_b[[\"A b\"]]\n  account_a_b_2[[\"A b 2\"]]\n"
                       "  account_a_b_co[[\"A#amp;B \\ Co\"]]\n"
                       "  account_a_b_2_2[[\"A-b\"]]\n  account_a_b_3[[\"A_b\"]]\n") != NULL);
  ASSERT(strstr(r.out, "  person_dr_bob_ceo_1([\"Dr #quot;Bob#quot; #lt;CEO#gt; #amp; #35;1\"])\n") !=
         NULL);
  ASSERT(strstr(r.out, "  person_end([\"end\"])\n") != NULL);
  ASSERT(strstr(r.out, "  meeting_sync_x{{\"Sync #96;x#96;\"}}\n") != NULL);
  ASSERT(strstr(r.out, "  person_dr_bob_ceo_1 -->|member of| account_a_b_co\n") != NULL);
  ASSERT(strstr(r.out, "  person_dr_bob_ceo_1 ===|met 1 time| person_end\n") != NULL);
  nl_cli_result_free(&r);
  r = run_graph("--format", "dot", tmp_root, NULL);
  ASSERT(strstr(r.out, "  account_a_b_co [label=\"A&B \\\\ Co\", ") != NULL);
  ASSERT(strstr(r.out, "[label=\"Dr \\\"Bob\\\" <CEO> & #1\", ") != NULL);
  nl_cli_result_free(&r);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_root);
  ASSERT_EQ(system(cmd), 0);
}

int main(void) {
  RUN(test_golden_cases);
  RUN(test_example_relations);
  RUN(test_usage_errors);
  RUN(test_escaping);
  return NL_TEST_DONE();
}
