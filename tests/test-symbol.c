/* workspace/symbol with a memo (nl_memo: a query typed on from the last one looks only at the
 * notes that matched it) answers exactly what a full pass answers: the same symbols in the same
 * order, as queries grow, shrink, change case, cross a non-ASCII character and the index
 * changes between them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <uv.h>

#include "lsp/index/config.h"
#include "lsp/client/context.h"
#include "lsp/client/document.h"
#include "lsp/features/features.h"
#include "lsp/index/workspace.h"
#include "test.h"

#include "fixture.h"

static json_t *symbols(const nl_ctx *ctx, const char *query) {
  json_t *params = json_pack("{s:s}", "query", query), *result = NULL;
  char err[256] = "";
  int rc = nl_feature_workspace_symbol(ctx, params, &result, err, sizeof err);
  json_decref(params);
  if (rc != 0) fprintf(stderr, "workspace/symbol failed: %s\n", err);
  return result;
}

/* Asks `query` with the memo and without: the number of symbols when the answers are equal,
 * (size_t)-1 (printing both) when they differ. */
static size_t same_answer(const nl_ctx *with, const nl_ctx *without, const char *query) {
  json_t *a = symbols(with, query), *b = symbols(without, query);
  size_t n = json_array_size(a);
  if (!json_equal(a, b)) {
    char *sa = json_dumps(a, JSON_COMPACT), *sb = json_dumps(b, JSON_COMPACT);
    fprintf(stderr, "query \"%s\":\n  with the memo: %.600s\n  full pass:     %.600s\n", query,
            sa ? sa : "?", sb ? sb : "?");
    free(sa);
    free(sb);
    n = (size_t)-1;
  }
  json_decref(a);
  json_decref(b);
  return n;
}

static void test_memo_answers_as_a_full_pass(void) {
  char dir[] = "/tmp/nl-symbol-XXXXXX";
  ASSERT(mkdtemp(dir) != NULL);
  unsigned seed = 7;
  for (int i = 0; i < 600; i++) {
    char name[128], heading[128], rel[160], text[512];
    fixture_name(&seed, name, sizeof name);
    fixture_name(&seed, heading, sizeof heading);
    snprintf(rel, sizeof rel, "%s %d.md", name, i);
    snprintf(text, sizeof text, "# %s\n\n## %s\n\n## Notes %d\n", name, heading, i);
    ASSERT_EQ(write_file(dir, rel, text), 0);
  }
  ASSERT_EQ(write_file(dir, "Here.md", "# Here\n"), 0);
  fixture f;
  ASSERT_EQ(fixture_init(&f, dir, NL_ENC_UTF16), 0);
  nl_ctx with = f.ctx, without = f.ctx;
  with.memo = nl_memo_new();
  without.memo = NULL;
  ASSERT(with.memo != NULL);
  const char *typed[] = {"", "q", "qu", "que", "quen", "quent", "quent", "quen", "Qu", "Quen",
                         "Quent", "Quentin", "Quentin ", "Quentin O", "Quentin Ok", "Q", "Qé",
                         "Qén", "R", "Ré", "Rént", "ö", "ök", "öka", "zzzz", "zzzz"};
  for (size_t i = 0; i < sizeof typed / sizeof *typed; i++)
    ASSERT(same_answer(&with, &without, typed[i]) != (size_t)-1);
  /* Not vacuous: short queries fill the list (cut at 200), long ones narrow it. */
  ASSERT_EQ(same_answer(&with, &without, "q"), 200);
  ASSERT_EQ(same_answer(&with, &without, "que"), 200);
  size_t n = same_answer(&with, &without, "Quentin");
  ASSERT(n > 0 && n < 200);
  ASSERT_EQ(same_answer(&with, &without, "zzzz"), 0);
  ASSERT(same_answer(&with, &without, "Qén") > 0);
  /* The index changes between two keystrokes: a note now has a heading that matches. */
  ASSERT(same_answer(&with, &without, "Quen") != (size_t)-1);
  ASSERT(open_note(&f, "Here.md", "# Here\n\n## Quentessential\n", NULL) != NULL);
  ASSERT(same_answer(&with, &without, "Quent") != (size_t)-1);
  ASSERT_EQ(same_answer(&with, &without, "Quentess"), 1);
  nl_memo_free(with.memo);
  nl_memo_free(NULL);
  fixture_done(&f);
  char cmd[4200];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  ASSERT_EQ(system(cmd), 0);
}

int main(void) {
  uv_loop_init(&loop);
  cfg = nl_config_new();
  RUN(test_memo_answers_as_a_full_pass);
  nl_config_free(cfg);
  uv_loop_close(&loop);
  return NL_TEST_DONE();
}
