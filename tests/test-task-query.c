/* The vault task query's pages: with a limit (and an offset), nl_tq_run keeps only the first
 * hits as it goes (a bounded heap over the index's task table) and must answer exactly the
 * slice of the fully sorted answer, for every order, with ties on due date and priority
 * broken by path and line; the task table follows edits and removals. The JSON streamed for
 * the command line is the tree's text, byte for byte. */
#include "test.h"

#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#include "lsp/base/buf.h"
#include "lsp/base/unicode.h"
#include "lsp/features/task_query.h"
#include "lsp/index/config.h"
#include "lsp/index/workspace.h"

static uv_loop_t loop;
static nl_config *cfg;
static nl_workspace *ws;
static char dir[] = "/tmp/nl-task-query-XXXXXX";

#define NOTES 40
#define TASKS 15

static const char *note_rel(int i, char *buf, size_t size) {
  /* Names that sort differently from their creation order, some in a folder. */
  snprintf(buf, size, "%s%02d.md", i % 3 == 0 ? "Deep/n" : "n", (i * 17) % NOTES);
  return buf;
}

static void write_note(int i, int variant) {
  char rel[64], path[512];
  note_rel(i, rel, sizeof rel);
  snprintf(path, sizeof path, "%s/%s", dir, rel);
  FILE *f = fopen(path, "wb");
  if (f == NULL) return;
  static const char *const status[] = {" ", " ", "/", "x", " ?", "-", " "};
  static const char *const due[] = {"", " \xF0\x9F\x93\x85 2025-11-10", " \xF0\x9F\x93\x85 2025-11-12",
                                    " \xF0\x9F\x93\x85 2025-11-15", " \xF0\x9F\x93\x85 2025-11-10"};
  static const char *const prio[] = {"", " \xE2\x8F\xAB", " \xF0\x9F\x94\xBC", "", " \xF0\x9F\x94\xBD"};
  if (i % 4 == 1) fputs("---\naccount: Acme\n---\n", f);
  if (i % 4 == 2) fputs("---\naccount: \"[[acme]]\"\n---\n", f);
  fprintf(f, "# Note %d\n\n", i);
  for (int k = 0; k < TASKS; k++) {
    int v = i * 7 + k * 3 + variant;
    /* Some tasks name their owner twice (once in lower case), some two owners. */
    char more[32] = "";
    if (k % 5 == 0) snprintf(more, sizeof more, " @person%d", v % 4);
    if (k % 5 == 1) snprintf(more, sizeof more, " @Person%d", (v + 1) % 4);
    fprintf(f, "- [%s] Task %d of %d @Person%d%s%s%s\n", status[v % 7], k, i, v % 4, more,
            due[(v / 7) % 5], prio[(v / 3) % 5]);
  }
  fclose(f);
}

static void on_progress(nl_workspace *w, void *ud, size_t done, size_t total, int finished) {
  (void)w, (void)done, (void)total;
  if (finished) *(int *)ud = 1;
}

static int setup(void) {
  if (mkdtemp(dir) == NULL) return -1;
  char deep[512];
  snprintf(deep, sizeof deep, "%s/Deep", dir);
  if (mkdir(deep, 0700) != 0) return -1;
  for (int i = 0; i < NOTES; i++) write_note(i, 0);
  uv_loop_init(&loop);
  cfg = nl_config_new();
  ws = nl_ws_new(&loop, cfg);
  int finished = 0;
  if (ws == NULL || nl_ws_add_root(ws, dir) != 0 || nl_ws_scan(ws, on_progress, &finished) != 0)
    return -1;
  while (!finished && uv_run(&loop, UV_RUN_ONCE) != 0) {
  }
  return finished ? 0 : -1;
}

/* Runs q with limit and offset against the same q without them: the page must be the slice. */
static int same_page(nl_tq_query *q, size_t offset, size_t limit) {
  nl_tq_result all, page;
  q->limit = 0;
  q->offset = 0;
  if (nl_tq_run(ws, q, 20407, &all) != 0) return 0;
  q->limit = limit;
  q->offset = offset;
  if (nl_tq_run(ws, q, 20407, &page) != 0) return 0;
  size_t from = offset < all.n ? offset : all.n;
  size_t want = all.n - from < limit || limit == 0 ? all.n - from : limit;
  int ok = page.n == want && page.total == all.total;
  for (size_t i = 0; ok && i < page.n; i++)
    ok = page.items[i].entry == all.items[from + i].entry &&
         page.items[i].task == all.items[from + i].task &&
         page.items[i].account == all.items[from + i].account;
  if (!ok)
    fprintf(stderr, "sort %d offset %zu limit %zu: page of %zu (total %zu), want %zu of %zu\n",
            (int)q->sort, offset, limit, page.n, page.total, want, all.total);
  nl_tq_result_free(&all);
  nl_tq_result_free(&page);
  return ok;
}

static void test_pages_are_slices(void) {
  static const size_t pages[][2] = {{0, 1}, {0, 7}, {3, 10}, {50, 25}, {0, 599}, {590, 20},
                                    {700, 5}, {0, 100000}};
  for (int sort = NL_TQ_SORT_DUE; sort <= NL_TQ_SORT_OWNER; sort++)
    for (int every = 0; every < 2; every++)
      for (size_t p = 0; p < sizeof pages / sizeof *pages; p++) {
        nl_tq_query q;
        nl_tq_query_init(&q);
        q.sort = (nl_tq_sort)sort;
        if (every) q.statuses = (1u << NL_TQ__STATUS_COUNT) - 1;
        ASSERT(same_page(&q, pages[p][0], pages[p][1]));
        nl_tq_query_free(&q);
      }
}

static void test_filters_with_pages(void) {
  nl_tq_query q;
  nl_tq_query_init(&q);
  q.overdue = 1;
  ASSERT(same_page(&q, 2, 9));
  nl_tq_query_free(&q);
  nl_tq_query_init(&q);
  q.path = strdup("Deep");
  ASSERT(same_page(&q, 0, 13));
  nl_tq_query_free(&q);
  nl_tq_query_init(&q);
  q.text = strdup("of 3");
  ASSERT(same_page(&q, 1, 4));
  nl_tq_query_free(&q);
  nl_tq_query_init(&q);
  ASSERT_EQ(nl_tq_query_add_owner(&q, "Person2"), 0);
  ASSERT(same_page(&q, 5, 5));
  nl_tq_query_free(&q);
}

static size_t count_all(void) {
  nl_tq_query q;
  nl_tq_query_init(&q);
  q.statuses = (1u << NL_TQ__STATUS_COUNT) - 1;
  nl_tq_result r;
  if (nl_tq_run(ws, &q, 20407, &r) != 0) return 0;
  size_t n = r.total;
  nl_tq_result_free(&r);
  return n;
}

static void test_table_follows_edits(void) {
  ASSERT_EQ(count_all(), NOTES * TASKS);
  /* Every note rewritten many times over: the table drops the dead rows and keeps the rest. */
  char rel[64], path[512];
  for (int round = 1; round <= 12; round++)
    for (int i = 0; i < NOTES; i++) {
      write_note(i, round);
      snprintf(path, sizeof path, "%s/%s", dir, note_rel(i, rel, sizeof rel));
      ASSERT_EQ(nl_ws_reload(ws, path), 0);
    }
  char err[256] = "";
  ASSERT_EQ(nl_ws_check(ws, err, sizeof err), 0);
  ASSERT_EQ(count_all(), NOTES * TASKS);
  nl_tq_query q;
  nl_tq_query_init(&q);
  ASSERT(same_page(&q, 7, 30));
  nl_tq_query_free(&q);
  /* A note with fewer tasks, and one gone. */
  snprintf(path, sizeof path, "%s/%s", dir, note_rel(1, rel, sizeof rel));
  ASSERT(nl_ws_update(ws, path, "- [ ] only one\n", 15, 1) != NULL);
  snprintf(path, sizeof path, "%s/%s", dir, note_rel(2, rel, sizeof rel));
  unlink(path);
  ASSERT_EQ(nl_ws_remove(ws, path), 0);
  ASSERT_EQ(nl_ws_check(ws, err, sizeof err), 0);
  ASSERT_EQ(count_all(), (NOTES - 2) * TASKS + 1);
}

/* ---- the JSON, as a tree and as streamed text ------------------------------------------- */

static int add_to_buf(const char *s, size_t len, void *data) {
  nl_buf_add(data, s, len);
  return 0;
}

static int refuse(const char *s, size_t len, void *data) {
  (void)s, (void)len, (void)data;
  return -1;
}

/* The streamed text must be the tree's json_dumps, byte for byte, and valid JSON. */
static int dump_is_tree(const nl_tq_query *q) {
  nl_tq_result r;
  if (nl_tq_run(ws, q, 20407, &r) != 0) return 0;
  json_t *tree = nl_tq_result_json(ws, NULL, NL_ENC_UTF16, q, &r);
  char *want = tree != NULL ? json_dumps(tree, JSON_INDENT(2)) : NULL;
  nl_buf got = NL_BUF_INIT;
  int rc = nl_tq_result_dump(ws, NULL, NL_ENC_UTF16, q, &r, add_to_buf, &got);
  char *text = nl_buf_take(&got);
  json_error_t jerr;
  json_t *back = text != NULL ? json_loads(text, 0, &jerr) : NULL;
  int ok = rc == 0 && want != NULL && text != NULL && strcmp(want, text) == 0 && back != NULL &&
           json_equal(back, tree);
  if (!ok)
    fprintf(stderr, "group %d, %zu tasks: dump rc %d, %s\n--- tree\n%s\n--- dump\n%s\n",
            (int)q->group, r.n, rc, back ? "parses" : jerr.text, want ? want : "(null)",
            text ? text : "(null)");
  json_decref(back);
  free(text);
  free(want);
  json_decref(tree);
  nl_tq_result_free(&r);
  return ok;
}

static void test_dump_is_the_tree(void) {
  /* Descriptions and owners jansson must escape: quotes, a backslash, control characters, a
   * bytes that are not UTF-8 (written as U+FFFD), a newline-free line of every kind. */
  char path[512];
  snprintf(path, sizeof path, "%s/Odd.md", dir);
  static const char odd[] = "- [ ] say \"hi\" to C:\\temp\tnow @Bob\"Q #task\n"
                            "- [ ] bell \x01\x1f and \x7f @\xff\xfeName \xF0\x9F\x93\x85 2025-11-10\n"
                            "- [ ?] half \xE2\x82 seq </script> \xE2\x80\xA8 @Person1 #tag/\xc3\n";
  FILE *f = fopen(path, "wb");
  ASSERT(f != NULL);
  fwrite(odd, 1, sizeof odd - 1, f);
  fclose(f);
  ASSERT_EQ(nl_ws_reload(ws, path), 0);
  for (int group = NL_TQ_GROUP_NONE; group <= NL_TQ_GROUP_ACCOUNT; group++) {
    nl_tq_query q;
    nl_tq_query_init(&q);
    q.group = (nl_tq_group)group;
    ASSERT(dump_is_tree(&q));
    q.path = strdup("Odd.md");
    ASSERT(dump_is_tree(&q));
    q.limit = 1;
    q.offset = 1;
    ASSERT(dump_is_tree(&q));
    ASSERT_EQ(nl_tq_query_add_owner(&q, "nobody at all"), 0); /* no task: [] */
    ASSERT(dump_is_tree(&q));
    nl_tq_query_free(&q);
  }
  /* A callback that fails stops the dump. */
  nl_tq_query q;
  nl_tq_query_init(&q);
  nl_tq_result r;
  ASSERT_EQ(nl_tq_run(ws, &q, 20407, &r), 0);
  ASSERT_EQ(nl_tq_result_dump(ws, NULL, NL_ENC_UTF16, &q, &r, refuse, NULL), -1);
  nl_tq_result_free(&r);
  nl_tq_query_free(&q);
  unlink(path);
  ASSERT_EQ(nl_ws_remove(ws, path), 0);
}

/* Each group against the pairs found one by one: group g holds hit i exactly when one of i's
 * owners (or its account) folds to g's key, each hit once and in order, groups in key order
 * (no owner last), named as the first pair of their key is. */
static void check_groups(nl_tq_group g) {
  nl_tq_query q;
  nl_tq_query_init(&q);
  q.group = g;
  nl_tq_result r;
  ASSERT_EQ(nl_tq_run(ws, &q, 20407, &r), 0);
  nl_tq_bucket *bs = NULL;
  size_t nb = 0;
  ASSERT_EQ(nl_tq_group_hits(ws, &r, g, &bs, &nb), 0);
  ASSERT(nb > 1); /* the vault's tasks have owners and accounts, and some have neither */
  size_t pairs = 0, in_groups = 0;
  for (size_t b = 0; b < nb; b++) {
    in_groups += bs[b].n;
    char *key = bs[b].name ? nl_unicode_key(bs[b].name, strlen(bs[b].name), NULL) : NULL;
    if (b + 1 < nb && bs[b + 1].name != NULL) {
      char *next = nl_unicode_key(bs[b + 1].name, strlen(bs[b + 1].name), NULL);
      ASSERT(key != NULL && strcmp(key, next) < 0);
      free(next);
    }
    for (size_t k = 1; k < bs[b].n; k++) ASSERT(bs[b].idx[k - 1] < bs[b].idx[k]);
    int named = 0; /* the first pair of this key, in hit and owner order, gives the name */
    for (size_t i = 0; i < r.n; i++) {
      const nl_tq_hit *h = &r.items[i];
      const nl_note *note = h->entry->note;
      uint32_t m0, n_owners = nl_task_owners(note, h->task, &m0);
      int has = 0;
      for (uint32_t k = 0; k < (g == NL_TQ_GROUP_OWNER && n_owners ? n_owners : 1); k++) {
        char *name = g == NL_TQ_GROUP_ACCOUNT ? nl_tq_account_name(h)
                     : n_owners ? nl_tq_owner_name(ws, h->entry, &note->mentions[m0 + k])
                                : NULL;
        char *nk = name ? nl_unicode_key(name, strlen(name), NULL) : NULL;
        if ((nk == NULL && key == NULL) || (nk && key && strcmp(nk, key) == 0)) {
          if (!named) ASSERT((name == NULL) == (bs[b].name == NULL) &&
                             (name == NULL || strcmp(name, bs[b].name) == 0));
          named = 1;
          has = 1;
        }
        free(nk);
        free(name);
      }
      int listed = 0;
      for (size_t k = 0; k < bs[b].n; k++) listed |= bs[b].idx[k] == i;
      ASSERT_EQ(listed, has);
      pairs += has;
    }
    free(key);
  }
  ASSERT_EQ(in_groups, pairs);
  nl_tq_buckets_free(bs, nb);
  nl_tq_result_free(&r);
  nl_tq_query_free(&q);
}

static void test_groups(void) {
  check_groups(NL_TQ_GROUP_OWNER);
  check_groups(NL_TQ_GROUP_ACCOUNT);
}

static void teardown(void) {
  nl_ws_free(ws);
  nl_config_free(cfg);
  uv_loop_close(&loop);
  char rel[64], path[512];
  for (int i = 0; i < NOTES; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, note_rel(i, rel, sizeof rel));
    unlink(path);
  }
  snprintf(path, sizeof path, "%s/Deep", dir);
  rmdir(path);
  rmdir(dir);
}

int main(void) {
  if (setup() != 0) {
    fprintf(stderr, "cannot index %s\n", dir);
    return 1;
  }
  RUN(test_pages_are_slices);
  RUN(test_filters_with_pages);
  RUN(test_dump_is_the_tree);
  RUN(test_groups);
  RUN(test_table_follows_edits);
  teardown();
  return NL_TEST_DONE();
}
