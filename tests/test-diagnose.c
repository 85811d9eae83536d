/* test-diagnose: what the diagnostics engine does over time and through its API: a person
 * created later, a note without its text, empty input. What it says about a
 * note is data: tests/cases/diagnose (the `diagnose` pseudo-request of tests/test-cases.c). */
#include <stdlib.h>
#include <uv.h>

#include "lsp/index/config.h"
#include "lsp/index/diagnose.h"
#include "lsp/client/text.h"
#include "lsp/index/workspace.h"
#include "test.h"

#define TODAY_STR "2025-11-15"
#define CRM "Meetings/2025-10-02 - Export from the old CRM.md"

static uv_loop_t loop;
static nl_config *cfg;
static nl_workspace *ws;
static int32_t today;

static void on_progress(nl_workspace *w, void *ud, size_t done, size_t total, int finished) {
  (void)w, (void)done, (void)total;
  if (finished) *(int *)ud = 1;
}

static int setup(void) {
  uv_loop_init(&loop);
  cfg = nl_config_new();
  ws = nl_ws_new(&loop, cfg);
  int finished = 0;
  if (ws == NULL || nl_ws_add_root(ws, NL_TEST_VAULT) != 0 ||
      nl_ws_scan(ws, on_progress, &finished) != 0)
    return -1;
  while (!finished && uv_run(&loop, UV_RUN_ONCE) != 0) {
  }
  nl_date_parse(TODAY_STR, 10, &today);
  return finished ? 0 : -1;
}

static void teardown(void) {
  nl_ws_free(ws);
  uv_run(&loop, UV_RUN_NOWAIT);
  uv_loop_close(&loop);
  nl_config_free(cfg);
}

static nl_entry *entry(const char *rel) {
  char abs[4096];
  snprintf(abs, sizeof abs, "%s/%s", NL_TEST_VAULT, rel);
  return nl_ws_by_path(ws, abs);
}

/* Puts `text` into the index as the note at vault-relative `rel` (as an open document would)
 * and diagnoses it. */
static nl_entry *diagnose_text(const char *rel, const char *text, nl_diag_list *out) {
  char abs[4096];
  snprintf(abs, sizeof abs, "%s/%s", NL_TEST_VAULT, rel);
  nl_diag_list_init(out);
  nl_entry *e = nl_ws_update(ws, abs, text, strlen(text), 1);
  if (e != NULL) nl_diagnose(ws, e, text, strlen(text), today, out);
  return e;
}

static void forget(const char *rel) {
  char abs[4096];
  snprintf(abs, sizeof abs, "%s/%s", NL_TEST_VAULT, rel);
  nl_ws_remove(ws, abs);
}

static size_t count_code(const nl_diag_list *l, const char *code) {
  size_t n = 0;
  for (size_t i = 0; i < l->n; i++) n += strcmp(l->items[i].code, code) == 0;
  return n;
}

/* The diagnostic with `code` starting on 0-based `line`, or NULL. */
/* ---- the example vault ------------------------------------------------------------------- */

/* Without the text there is no mojibake check (diagnose/example-crm-mojibake has it with the
 * text), and nothing crashes. */
static void test_crm_without_text(void) {
  nl_diag_list l;
  nl_diag_list_init(&l);
  ASSERT_EQ(nl_diagnose(ws, entry(CRM), NULL, 0, today, &l), 0);
  ASSERT_EQ(count_code(&l, NL_DIAG_MOJIBAKE), 0);
  nl_diag_list_free(&l);
}

/* ---- tricky notes ------------------------------------------------------------------------ */

static void test_person_created_later(void) {
  nl_diag_list l;
  const char *text = "Met @Priya Natarajan today.\n";
  diagnose_text("Scratch/later.md", text, &l);
  ASSERT_EQ(count_code(&l, NL_DIAG_UNKNOWN_PERSON), 1);
  ASSERT_STR_EQ(l.items[0].missing_name, "Priya Natarajan");
  nl_diag_list_free(&l);

  nl_diag_list p;
  diagnose_text("People/Priya Natarajan.md", "---\ntype: person\n---\n# Priya Natarajan\n", &p);
  ASSERT_EQ(p.n, 0);
  nl_diag_list_free(&p);
  diagnose_text("Scratch/later.md", text, &l);
  ASSERT_EQ(count_code(&l, NL_DIAG_UNKNOWN_PERSON), 0);
  nl_diag_list_free(&l);
  forget("People/Priya Natarajan.md");
  diagnose_text("Scratch/later.md", text, &l);
  ASSERT_EQ(count_code(&l, NL_DIAG_UNKNOWN_PERSON), 1);
  nl_diag_list_free(&l);
  forget("Scratch/later.md");
}

/* The API on nothing (invalid notes themselves: diagnose/bad-input). */
static void test_bad_input(void) {
  nl_diag_list l;
  nl_diag_list_free(NULL);
  nl_diag_list_init(&l);
  ASSERT_EQ(nl_diagnose(ws, NULL, "", 0, today, &l), 0);
  ASSERT_EQ(l.n, 0);
  ASSERT_STR_EQ(nl_diag_severity_name(NL_SEV_INFORMATION), "information");
}

int main(void) {
  if (setup() != 0) {
    fprintf(stderr, "cannot index %s\n", NL_TEST_VAULT);
    return 1;
  }
  RUN(test_crm_without_text);
  RUN(test_person_created_later);
  RUN(test_bad_input);
  char err[256];
  if (nl_ws_check(ws, err, sizeof err) != 0) {
    fprintf(stderr, "index check failed: %s\n", err);
    return 1;
  }
  teardown();
  return NL_TEST_DONE();
}
