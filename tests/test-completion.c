/* textDocument/completion's behaviour beyond one answer: bad params, closed documents and
 * clamped positions, and the cut at 200 items in a generated vault. What it answers at a
 * cursor is data: tests/cases/completion (run by tests/test-cases.c). */
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
#include "lsp/base/fuzzy.h"
#include "protocol/rpc.h"
#include "test.h"

#include "fixture.h"


static json_t *complete_at(fixture *f, const char *uri, uint32_t line, uint32_t character) {
  json_t *params = json_pack("{s:{s:s},s:{s:i,s:i},s:{s:i}}", "textDocument", "uri", uri,
                             "position", "line", line, "character", character, "context",
                             "triggerKind", 1);
  json_t *result = NULL;
  char err[256] = "";
  int rc = nl_ctx_result_tree(nl_feature_completion(&f->ctx, params, &result, err, sizeof err), &result);
  json_decref(params);
  if (rc != 0) {
    fprintf(stderr, "completion failed: %s\n", err);
    return NULL;
  }
  return result;
}


static const json_t *item_by_label(const json_t *list, const char *label) {
  const json_t *items = json_object_get(list, "items");
  size_t i;
  const json_t *it;
  json_array_foreach(items, i, it) {
    if (strcmp(json_string_value(json_object_get(it, "label")), label) == 0) return it;
  }
  return NULL;
}

static size_t n_items(const json_t *list) {
  return json_array_size(json_object_get(list, "items"));
}

static const char *str_at(const json_t *obj, const char *path) {
  char buf[256];
  snprintf(buf, sizeof buf, "%s", path);
  const json_t *cur = obj;
  for (char *tok = strtok(buf, "."); tok && cur; tok = strtok(NULL, "."))
    cur = json_object_get(cur, tok);
  return json_string_value(cur);
}

/* ---- bad input ------------------------------------------------------------------------ */

static void test_bad_params_and_closed_documents(void) {
  fixture f;
  ASSERT_EQ(fixture_init(&f, NL_TEST_VAULT, NL_ENC_UTF16), 0);
  json_t *result = NULL;
  char err[256] = "";
  json_t *bad = json_pack("{s:{s:s}}", "textDocument", "uri", "file:///x.md");
  ASSERT_EQ(nl_feature_completion(&f.ctx, bad, &result, err, sizeof err), NL_RPC_INVALID_PARAMS);
  ASSERT(strstr(err, "position") != NULL);
  json_decref(bad);
  bad = json_pack("[]");
  ASSERT_EQ(nl_feature_completion(&f.ctx, bad, &result, err, sizeof err), NL_RPC_INVALID_PARAMS);
  json_decref(bad);

  /* Not open: an empty list, not an error. */
  json_t *r = complete_at(&f, "file:///nowhere/x.md", 0, 0);
  ASSERT(r != NULL);
  ASSERT_EQ(n_items(r), 0);
  json_decref(r);
  /* Positions past the text are clamped. */
  const char *uri = open_note(&f, "Inbox.md", "[[Ana", NULL);
  r = complete_at(&f, uri, 0, 999);
  ASSERT(item_by_label(r, "Ana Ruiz") != NULL);
  json_decref(r);
  r = complete_at(&f, uri, 99, 0);
  ASSERT(r != NULL);
  json_decref(r);
  fixture_done(&f);
}

/* ---- large vaults ------------------------------------------------------------------------- */

static void remove_tree(const char *dir) {
  char cmd[4200];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
}

static void test_cut_at_50(void) {
  char dir[] = "/tmp/nl-completion-XXXXXX";
  ASSERT_EQ(fixture_vault_dir(dir), 0);
  for (int i = 0; i < 300; i++) {
    char rel[64];
    snprintf(rel, sizeof rel, "Note %03d.md", i);
    write_file(dir, rel, "# note\n");
  }
  write_file(dir, "People/Nora Quist.md", "---\ntype: person\n---\n");
  write_file(dir, "Here.md", "[[Note\n");
  fixture f;
  ASSERT_EQ(fixture_init(&f, dir, NL_ENC_UTF16), 0);
  const char *uri = open_note(&f, "Here.md", NULL, NULL);
  json_t *r = complete_at(&f, uri, 0, 6);
  ASSERT(json_is_true(json_object_get(r, "isIncomplete")));
  ASSERT_EQ(n_items(r), 50);
  /* The prefix matches fill the list; the scattered "Nora Quist" (N-o-t-e? no 't') is out. */
  ASSERT(item_by_label(r, "Nora Quist") == NULL);
  json_decref(r);

  r = complete_at(&f, uri, 0, 3); /* "[[N": the person ranks first among the prefix matches */
  ASSERT_STR_EQ(str_at(json_array_get(json_object_get(r, "items"), 0), "label"), "Nora Quist");
  ASSERT(json_is_true(json_object_get(r, "isIncomplete")));
  json_decref(r);
  fixture_done(&f);
  remove_tree(dir);
}

/* Names that score alike rank by recency, and the first scan's recency is path order (the
 * first path first), not the order in which the thread pool happened to finish the notes:
 * the same list on every run. The notes are written last path first, so neither the walk's
 * order nor the merge's gives this one by chance. */
static void test_ties_in_path_order(void) {
  char dir[] = "/tmp/nl-completion-XXXXXX";
  ASSERT(mkdtemp(dir) != NULL);
  for (int i = 299; i >= 0; i--) {
    char rel[64];
    snprintf(rel, sizeof rel, "Tie %03d.md", i);
    write_file(dir, rel, "# note\n");
  }
  write_file(dir, "Here.md", "[[Tie\n");
  for (int run = 0; run < 2; run++) {
    fixture f;
    ASSERT_EQ(fixture_init(&f, dir, NL_ENC_UTF16), 0);
    const char *uri = open_note(&f, "Here.md", NULL, NULL);
    json_t *r = complete_at(&f, uri, 0, 5);
    ASSERT_EQ(n_items(r), 50);
    for (size_t i = 0; i < n_items(r); i++) {
      char want[32];
      snprintf(want, sizeof want, "Tie %03zu", i);
      ASSERT_STR_EQ(str_at(json_array_get(json_object_get(r, "items"), i), "label"), want);
    }
    json_decref(r);
    fixture_done(&f);
  }
  remove_tree(dir);
}

/* ---- the pass over the names against a brute force --------------------------------------- */

typedef struct {
  uint64_t rank;
  uint32_t id, sub;
  const char *name;
} ref_hit;

static int ref_better_first(const void *pa, const void *pb) {
  const ref_hit *a = pa, *b = pb;
  if (a->rank != b->rank) return a->rank > b->rank ? -1 : 1;
  if (a->id != b->id) return a->id < b->id ? -1 : 1;
  return a->sub < b->sub ? -1 : a->sub > b->sub;
}

/* The names "[[" + typed must list, best first, into out[0, 50): every live name of the index
 * scored by the reference scorer (nl_fuzzy_score_reference) and ranked as the header of
 * completion_names.c says (tier, then people and accounts, then quality below the prefix
 * tiers, then recency; ties by entry and alias), independent of the pass, its order, its
 * bounds and its memo. Returns how many names match. */
static size_t brute_force_names(const nl_workspace *ws, const char *typed, const char **out) {
  size_t n;
  const char *pool;
  const nl_ws_name *rows = nl_ws_names(ws, &n, &pool, NULL);
  ref_hit *hits = malloc((n + 1) * sizeof *hits);
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    if (rows[i].dead) continue;
    int score = nl_fuzzy_score_reference(typed, strlen(typed), pool + rows[i].off, rows[i].len);
    if (score < 0) continue;
    uint64_t tier = (uint64_t)(score >> 24), party = rows[i].kind == NL_KIND_PERSON ||
                                                     rows[i].kind == NL_KIND_ACCOUNT;
    uint64_t quality = tier >= 3 ? 0 : (uint64_t)score & 0xFFFFFF;
    hits[m++] = (ref_hit){tier << 60 | party << 59 | quality << 35 | rows[i].seq, rows[i].id,
                          rows[i].sub, pool + rows[i].off};
  }
  qsort(hits, m, sizeof *hits, ref_better_first);
  for (size_t i = 0; i < m && i < 50; i++) out[i] = hits[i].name;
  free(hits);
  return m;
}

/* With a memo (nl_memo: the next keystroke's pass looks only at the names the last pattern
 * may match, and at names added since), completion answers the items a full pass answers,
 * in the same order, as a name is typed, shrinks, changes case and the index changes between
 * keystrokes (the note typed in is indexed again each time, as the server flushes it). */
static void test_memo_answers_as_a_full_pass(void) {
  char dir[] = "/tmp/nl-completion-XXXXXX";
  ASSERT_EQ(fixture_vault_dir(dir), 0);
  unsigned seed = 11;
  for (int i = 0; i < 700; i++) {
    char name[128], rel[160];
    fixture_name(&seed, name, sizeof name);
    snprintf(rel, sizeof rel, "%s%s %d.md", i % 7 == 0 ? "People/" : "", name, i);
    char text[300], alias[128];
    fixture_name(&seed, alias, sizeof alias); /* every fifth note has an alias */
    snprintf(text, sizeof text, "---\n%s%s%s%s---\n# note\n", i % 7 == 0 ? "type: person\n" : "",
             i % 5 == 0 ? "aliases: [\"" : "", i % 5 == 0 ? alias : "", i % 5 == 0 ? "\"]\n" : "");
    ASSERT_EQ(write_file(dir, rel, text), 0);
  }
  ASSERT_EQ(write_file(dir, "Quentin Here.md", "\n"), 0);
  fixture f;
  ASSERT_EQ(fixture_init(&f, dir, NL_ENC_UTF16), 0);
  nl_ctx with = f.ctx;
  with.memo = nl_memo_new();
  ASSERT(with.memo != NULL);
  const char *typed[] = {"[[Q", "[[Q", "[[Qu", "[[Que", "[[Quen", "[[Quent", "[[Quent", "[[Quen",
                         "[[Quenta", "[[Qé", "[[Qén", "[[q", "[[qu", "[[quil", "[[", "[[Ré",
                         "[[Rént", "@Q", "@Qu", "@Quen", "[[Quen", "@Quent", "[[ö", "[[ök"};
  size_t full_lists = 0, brute_checked = 0;
  for (size_t i = 0; i < sizeof typed / sizeof *typed; i++) {
    /* Typing: the note changes, and is indexed again, between two requests. */
    const char *uri = open_note(&f, "Quentin Here.md", typed[i], NULL);
    ASSERT(uri != NULL);
    json_t *params = json_pack("{s:{s:s},s:{s:i,s:i}}", "textDocument", "uri", uri, "position",
                               "line", 0, "character", (int)strlen(typed[i]));
    json_t *a = NULL, *b = NULL;
    char err[256];
    ASSERT_EQ(nl_ctx_result_tree(nl_feature_completion(&with, params, &a, err, sizeof err), &a), 0);
    ASSERT_EQ(nl_ctx_result_tree(nl_feature_completion(&f.ctx, params, &b, err, sizeof err), &b), 0);
    json_decref(params);
    if (!json_equal(a, b)) {
      char *sa = json_dumps(a, JSON_COMPACT), *sb = json_dumps(b, JSON_COMPACT);
      fprintf(stderr, "\"%s\":\n  with the memo: %.800s\n  full pass:     %.800s\n", typed[i],
              sa ? sa : "?", sb ? sb : "?");
      free(sa);
      free(sb);
    }
    ASSERT(json_equal(a, b));
    if (strncmp(typed[i], "[[", 2) == 0) { /* both, item for item, as a brute force lists */
      const char *want[50];
      size_t matched = brute_force_names(f.ws, typed[i] + 2, want);
      ASSERT_EQ(n_items(b), matched < 50 ? matched : 50);
      for (size_t k = 0; k < n_items(b); k++)
        ASSERT_STR_EQ(str_at(json_array_get(json_object_get(b, "items"), k), "label"), want[k]);
      if (matched > 50) ASSERT(json_is_true(json_object_get(b, "isIncomplete")));
      if (matched < 50) ASSERT(!json_is_true(json_object_get(b, "isIncomplete")));
      brute_checked++;
    }
    full_lists += n_items(a) == 50;
    json_decref(a);
    json_decref(b);
  }
  ASSERT(full_lists >= 8); /* not vacuous: most patterns fill a list that is then cut */
  ASSERT(brute_checked >= 15);
  /* The same request again with nothing changed between (the memo's last answer), then after
   * another note that the pattern matches exactly is added, then after it is removed: each
   * time a full pass's answer, not the one kept. */
  const char *uri = open_note(&f, "Quentin Here.md", "[[Que", NULL);
  ASSERT(uri != NULL);
  char que[4200];
  snprintf(que, sizeof que, "%s/Que.md", nl_ws_root(f.ws, 0));
  for (int step = 0; step < 4; step++) {
    if (step == 2) ASSERT(nl_ws_update(f.ws, que, "# que\n", 6, 0) != NULL);
    if (step == 3) ASSERT_EQ(nl_ws_remove(f.ws, que), 0);
    json_t *params = json_pack("{s:{s:s},s:{s:i,s:i}}", "textDocument", "uri", uri, "position",
                               "line", 0, "character", 5);
    json_t *a = NULL, *b = NULL;
    char err[256];
    ASSERT_EQ(nl_ctx_result_tree(nl_feature_completion(&with, params, &a, err, sizeof err), &a), 0);
    ASSERT_EQ(nl_ctx_result_tree(nl_feature_completion(&f.ctx, params, &b, err, sizeof err), &b), 0);
    json_decref(params);
    ASSERT(json_equal(a, b));
    ASSERT_EQ(n_items(a), 50);
    const char *top = str_at(json_array_get(json_object_get(a, "items"), 0), "label");
    if (step == 2) ASSERT_STR_EQ(top, "Que");
    else ASSERT(strcmp(top, "Que") != 0);
    json_decref(a);
    json_decref(b);
  }
  nl_memo_free(with.memo);
  fixture_done(&f);
  remove_tree(dir);
}

int main(void) {
  uv_loop_init(&loop);
  cfg = nl_config_new();
  RUN(test_bad_params_and_closed_documents);
  RUN(test_cut_at_50);
  RUN(test_ties_in_path_order);
  RUN(test_memo_answers_as_a_full_pass);
  nl_config_free(cfg);
  uv_loop_close(&loop);
  return NL_TEST_DONE();
}
