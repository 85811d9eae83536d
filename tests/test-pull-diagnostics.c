/* Pulled diagnostics (textDocument/diagnostic, workspace/diagnostic): a note's resultId holds
 * while nothing its diagnostics depend on changed, and then the engine does not run at all
 * (nl_feature_diagnose_runs counts its runs); a change elsewhere in the vault that can change
 * them (a heading another note links to, a note or an attachment added or removed) makes the
 * linking note's diagnostics come back. A workspace pull reports only what changed for the
 * client; with a partialResultToken the reports stream in batches and a pull with nothing new
 * answers NL_FEATURE_NOTHING_NEW (the server holds it; tests/e2e/workspace-pull.test.mjs). */
#include "test.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#include "lsp/features/features.h"
#include "lsp/client/context.h"
#include "lsp/index/workspace.h"

static uv_loop_t loop;
static nl_config *cfg;
static nl_client_caps caps;
static char dir[] = "/tmp/nl-pull-diagnostics-XXXXXX";
static nl_workspace *ws;
static nl_docs *docs;
static nl_ctx ctx;

static void write_note(const char *rel, const char *text) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, rel);
  FILE *f = fopen(path, "wb");
  if (f == NULL) return;
  fputs(text, f);
  fclose(f);
}

/* The note as if saved from an editor: written and re-read by the index. */
static void save_note(const char *rel, const char *text) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, rel);
  write_note(rel, text);
  nl_ws_reload(ws, path);
}

/* Removes notes folder/<fmt % i> for i below n from the index and the disk, then the folder. */
static void remove_notes(const char *folder, const char *fmt, int n) {
  char path[512], name[64];
  for (int i = 0; i < n; i++) {
    snprintf(name, sizeof name, fmt, i);
    snprintf(path, sizeof path, "%s/%s/%s", dir, folder, name);
    nl_ws_remove(ws, path);
    unlink(path);
  }
  snprintf(path, sizeof path, "%s/%s", dir, folder);
  rmdir(path);
}

static const char *uri_of(const char *rel) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, rel);
  nl_entry *e = nl_ws_by_path(ws, path);
  return e != NULL ? e->uri : NULL;
}

static void on_progress(nl_workspace *w, void *ud, size_t done, size_t total, int finished) {
  (void)w, (void)done, (void)total;
  if (finished) *(int *)ud = 1;
}

static int setup(void) {
  if (mkdtemp(dir) == NULL) return -1;
  write_note("A.md", "# A\n\nSee [[B#Intro]], [[C]] and ![[pic.png]].\n");
  write_note("B.md", "# B\n\n## Intro\n\nbody\n");
  write_note("C.md", "# C\n");
  write_note("D.md", "# D\n\nSee [[Nowhere]].\n");
  write_note("E.md", "# E\n\nNothing wrong here.\n");
  uv_loop_init(&loop);
  cfg = nl_config_new();
  ws = nl_ws_new(&loop, cfg);
  docs = nl_docs_new();
  int finished = 0;
  if (ws == NULL || docs == NULL || nl_ws_add_root(ws, dir) != 0 ||
      nl_ws_scan(ws, on_progress, &finished) != 0)
    return -1;
  while (!finished && uv_run(&loop, UV_RUN_ONCE) != 0) {
  }
  caps.related_info = 1;
  ctx.ws = ws;
  ctx.docs = docs;
  ctx.enc = NL_ENC_UTF16;
  ctx.today = 20407; /* 2025-11-15 */
  ctx.caps = &caps;
  return finished ? 0 : -1;
}

/* What the partial results sent: every $/progress value's items, in order, and how many. */
static json_t *streamed;
static size_t n_batches, biggest_batch;

/* The JSON value of text[0, n) (new), checked to be what jansson writes of that value: the
 * answer written as text is byte for byte the one a tree of its values gave. */
static json_t *tree_of_text(const char *text, size_t n) {
  json_t *v = json_loadb(text, n, JSON_DECODE_ANY, NULL);
  char *again = v != NULL ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
  if (again == NULL || strlen(again) != n || memcmp(again, text, n) != 0) {
    fprintf(stderr, "%s:%d: written %.*s\n  jansson %s\n", __FILE__, __LINE__, (int)n, text,
            again != NULL ? again : "(not JSON)");
    nl_test_failures++;
  }
  free(again);
  return v;
}

/* A handler's answer written as text (NL_CTX_RAW_RESULT, *result a JSON string) as a tree,
 * checked by tree_of_text; 0 then, else rc as it was. */
static int as_tree(int rc, json_t **result) {
  if (rc != NL_CTX_RAW_RESULT) return rc;
  json_t *v = tree_of_text(json_string_value(*result), json_string_length(*result));
  json_decref(*result);
  *result = v;
  return 0;
}

static void on_partial(const nl_ctx *c, const json_t *token, const char *text, size_t n) {
  (void)c;
  json_t *value = tree_of_text(text, n);
  if (strcmp(json_string_value(token), "tok") == 0) {
    json_t *items = json_object_get(value, "items");
    n_batches++;
    if (json_array_size(items) > biggest_batch) biggest_batch = json_array_size(items);
    json_array_extend(streamed, items);
  }
  json_decref(value);
}

/* workspace/diagnostic with `previous` ({uri: resultId}, borrowed) and partialResultToken
 * `token` (NULL: none); the return code, the result (new) in *result. */
static json_t *params_of(const json_t *previous, const char *token) {
  json_t *ids = json_array();
  const char *uri;
  json_t *v;
  if (previous != NULL)
    json_object_foreach((json_t *)previous, uri, v)
    json_array_append_new(ids, json_pack("{s:s, s:O}", "uri", uri, "value", v));
  json_t *params = json_pack("{s:o}", "previousResultIds", ids);
  if (token != NULL) json_object_set_new(params, "partialResultToken", json_string(token));
  return params;
}

static int pull(const json_t *previous, const char *token, json_t **result) {
  json_t *params = params_of(previous, token);
  *result = NULL;
  char err[256] = "";
  int rc = as_tree(nl_feature_workspace_diagnostic(&ctx, params, result, err, sizeof err), result);
  json_decref(params);
  return rc;
}

static json_t *pull_all(const json_t *previous) {
  json_t *result;
  return pull(previous, NULL, &result) == 0 ? result : NULL;
}

/* nl_feature_workspace_diagnostic_news for a held pull's params, with its answer as a tree
 * (new) in *answer, NULL unless it returns 1. */
static int news(const json_t *params, uint64_t seq, json_t **answer) {
  int rc = nl_feature_workspace_diagnostic_news(&ctx, params, seq, answer);
  if (rc == 1) as_tree(NL_CTX_RAW_RESULT, answer);
  if (rc != 1 && *answer != NULL) {
    fprintf(stderr, "%s:%d: an answer without news\n", __FILE__, __LINE__);
    nl_test_failures++;
  }
  return rc;
}

/* The report of `rel` in a workspace/diagnostic result (borrowed), or NULL. */
static const json_t *report_of(const json_t *result, const char *rel) {
  size_t i;
  const json_t *r;
  json_array_foreach(json_object_get(result, "items"), i, r)
    if (strcmp(json_string_value(json_object_get(r, "uri")), uri_of(rel)) == 0) return r;
  return NULL;
}

/* Records every report's resultId in ids. */
static void remember(json_t *ids, const json_t *result) {
  size_t i;
  const json_t *r;
  json_array_foreach(json_object_get(result, "items"), i, r)
    json_object_set(ids, json_string_value(json_object_get(r, "uri")), json_object_get(r, "resultId"));
}

static int has_code(const json_t *report, const char *code) {
  size_t i;
  const json_t *d;
  json_array_foreach(json_object_get(report, "items"), i, d)
    if (strcmp(json_string_value(json_object_get(d, "code")), code) == 0) return 1;
  return 0;
}

static const char *kind_of(const json_t *report) {
  return report != NULL ? json_string_value(json_object_get(report, "kind")) : "(none)";
}

static void test_unchanged_pull_runs_nothing(void) {
  json_t *ids = json_object();
  size_t before = nl_feature_diagnose_runs();
  json_t *first = pull_all(ids);
  ASSERT(first != NULL);
  ASSERT_EQ(nl_feature_diagnose_runs() - before, 5); /* every note once */
  /* A's links are all fine but the picture: only A and D have problems. */
  ASSERT_EQ(json_array_size(json_object_get(first, "items")), 2);
  ASSERT(has_code(report_of(first, "A.md"), "broken-link"));
  ASSERT(has_code(report_of(first, "D.md"), "broken-link"));
  remember(ids, first);
  json_decref(first);

  /* Nothing changed: not one note diagnosed again, and not one report (the client keeps what
   * it has of a note a report leaves out). */
  before = nl_feature_diagnose_runs();
  json_t *second = pull_all(ids);
  ASSERT(second != NULL);
  ASSERT_EQ(nl_feature_diagnose_runs() - before, 0);
  ASSERT_EQ(json_array_size(json_object_get(second, "items")), 0);
  json_decref(second);

  /* textDocument/diagnostic shares the ids: D unchanged, and E (no problems) answers an empty
   * report from what the index remembers, still without running the engine. */
  json_t *params = json_pack("{s:{s:s}, s:O}", "textDocument", "uri", uri_of("D.md"),
                             "previousResultId", json_object_get(ids, uri_of("D.md")));
  json_t *result = NULL;
  char err[256] = "";
  before = nl_feature_diagnose_runs();
  ASSERT_EQ(as_tree(nl_feature_diagnostic(&ctx, params, &result, err, sizeof err), &result), 0);
  json_decref(params);
  ASSERT_STR_EQ(kind_of(result), "unchanged");
  json_decref(result);
  params = json_pack("{s:{s:s}}", "textDocument", "uri", uri_of("E.md"));
  ASSERT_EQ(as_tree(nl_feature_diagnostic(&ctx, params, &result, err, sizeof err), &result), 0);
  json_decref(params);
  ASSERT_STR_EQ(kind_of(result), "full");
  ASSERT_EQ(json_array_size(json_object_get(result, "items")), 0);
  json_decref(result);
  ASSERT_EQ(nl_feature_diagnose_runs() - before, 0);
  json_decref(ids);
}

static void test_changes_elsewhere(void) {
  json_t *ids = json_object();
  json_t *r = pull_all(ids);
  ASSERT(r != NULL);
  remember(ids, r);
  json_decref(r);
  const char *a = uri_of("A.md");
  json_t *a_id = json_incref(json_object_get(ids, a));

  /* B's body changes, none of its names or headings: only B is diagnosed again. */
  uint64_t gen = nl_ws_generation(ws);
  save_note("B.md", "# B\n\n## Intro\n\nanother body\n");
  ASSERT_EQ(nl_ws_generation(ws), gen);
  size_t before = nl_feature_diagnose_runs();
  r = pull_all(ids);
  ASSERT_EQ(nl_feature_diagnose_runs() - before, 1);
  ASSERT_EQ(json_array_size(json_object_get(r, "items")), 0); /* B has no problems still */
  json_decref(r);

  /* The heading A links to is renamed: A's id changes and says so. */
  save_note("B.md", "# B\n\n## Introduction\n\nanother body\n");
  ASSERT_NE(nl_ws_generation(ws), gen);
  r = pull_all(ids);
  ASSERT_EQ(json_array_size(json_object_get(r, "items")), 1); /* A alone */
  const json_t *ra = report_of(r, "A.md");
  ASSERT_STR_EQ(kind_of(ra), "full");
  ASSERT(has_code(ra, "missing-heading"));
  ASSERT(strcmp(json_string_value(json_object_get(ra, "resultId")), json_string_value(a_id)) != 0);
  remember(ids, r);
  json_decref(r);

  /* The picture arrives: A's broken embed goes. */
  write_note("pic.png", "not really a picture");
  char path[512];
  snprintf(path, sizeof path, "%s/pic.png", dir);
  ASSERT_EQ(nl_ws_attachment_add(ws, path), 0);
  r = pull_all(ids);
  ra = report_of(r, "A.md");
  ASSERT_STR_EQ(kind_of(ra), "full");
  ASSERT(!has_code(ra, "broken-link"));
  ASSERT(has_code(ra, "missing-heading"));
  remember(ids, r);
  json_decref(r);

  /* C is deleted: A's link to it is broken now. */
  snprintf(path, sizeof path, "%s/C.md", dir);
  unlink(path);
  ASSERT_EQ(nl_ws_remove(ws, path), 0);
  r = pull_all(ids);
  ra = report_of(r, "A.md");
  ASSERT_STR_EQ(kind_of(ra), "full");
  ASSERT(has_code(ra, "broken-link"));
  remember(ids, r);
  json_decref(r);

  /* Tomorrow every note is looked at again (overdue tasks), and none has news. */
  ctx.today++;
  before = nl_feature_diagnose_runs();
  r = pull_all(ids);
  ASSERT_EQ(nl_feature_diagnose_runs() - before, nl_ws_count(ws));
  ASSERT_EQ(json_array_size(json_object_get(r, "items")), 0);
  json_decref(r);
  ctx.today--;

  /* D leaves the vault: the client is told once that its problems are gone, with the
   * no-problems resultId, which it sends back and which needs no report again. */
  const char *d = uri_of("D.md");
  ASSERT(json_object_get(ids, d) != NULL);
  char *d_uri = strdup(d);
  snprintf(path, sizeof path, "%s/D.md", dir);
  unlink(path);
  ASSERT_EQ(nl_ws_remove(ws, path), 0);
  r = pull_all(ids);
  ASSERT_EQ(json_array_size(json_object_get(r, "items")), 1);
  const json_t *rd = json_array_get(json_object_get(r, "items"), 0);
  ASSERT_STR_EQ(json_string_value(json_object_get(rd, "uri")), d_uri);
  ASSERT_STR_EQ(kind_of(rd), "full");
  ASSERT_EQ(json_array_size(json_object_get(rd, "items")), 0);
  char none[17];
  nl_feature_no_problems_id(none);
  ASSERT_STR_EQ(json_string_value(json_object_get(rd, "resultId")), none);
  remember(ids, r);
  json_decref(r);
  r = pull_all(ids);
  ASSERT_EQ(json_array_size(json_object_get(r, "items")), 0);
  json_decref(r);
  free(d_uri);
  json_decref(a_id);
  json_decref(ids);
}

#define MANY 1200 /* notes with a problem each: more than two batches of partial results */

/* A partialResultToken: the reports stream as $/progress in batches and the answer itself is
 * then empty; a pull with nothing new says so (the server holds it) and sends nothing; after
 * one note changes, that note alone is reported. */
static void test_partial_results(void) {
  char path[512];
  snprintf(path, sizeof path, "%s/many", dir);
  ASSERT_EQ(mkdir(path, 0700), 0);
  for (int i = 0; i < MANY; i++) {
    char rel[64], text[64];
    snprintf(rel, sizeof rel, "many/n%04d.md", i);
    snprintf(text, sizeof text, "# n%04d\n\nSee [[gone %d]].\n", i, i);
    save_note(rel, text);
  }
  json_t *ids = json_object();
  json_t *plain = pull_all(ids); /* without a token, for comparison */
  ASSERT(plain != NULL);
  size_t total = json_array_size(json_object_get(plain, "items"));
  ASSERT(total >= MANY);

  ctx.progress = on_partial;
  streamed = json_array();
  json_t *r = NULL;
  ASSERT_EQ(pull(ids, "tok", &r), 0);
  ASSERT_EQ(json_array_size(json_object_get(r, "items")), 0); /* all went as partial results */
  ASSERT_EQ(json_array_size(streamed), total);
  ASSERT(n_batches >= 3);
  ASSERT_EQ(biggest_batch, 500);
  ASSERT(json_equal(streamed, json_object_get(plain, "items")));
  json_decref(r);
  r = json_pack("{s:O}", "items", streamed);
  remember(ids, r);
  json_decref(r);

  /* The same pull in slices of 1 and of 100 diagnoses (a note's items are diagnosed again,
   * only its id is remembered): the same reports, in the same order, each once. */
  for (size_t slice = 1; slice <= 100; slice += 99) {
    json_decref(streamed);
    streamed = json_array();
    json_t *params = params_of(NULL, "tok");
    char err[128] = "";
    nl_ws_pull *job = nl_feature_ws_pull_new(params, err, sizeof err);
    ASSERT(job != NULL && nl_feature_ws_pull_streams(job));
    int rc, steps = 0;
    json_t *last = NULL;
    while ((rc = nl_feature_ws_pull_step(job, &ctx, slice, &last, err, sizeof err)) ==
           NL_FEATURE_MORE)
      steps++;
    rc = as_tree(rc, &last);
    ASSERT_EQ(rc, 0);
    ASSERT(steps >= (int)(total / slice) - 1); /* each report is one diagnosis */
    ASSERT_EQ(json_array_size(json_object_get(last, "items")), 0);
    ASSERT(json_equal(streamed, json_object_get(plain, "items")));
    json_decref(last);
    nl_feature_ws_pull_free(job);
    json_decref(params);
  }
  json_decref(plain);

  /* Nothing new: NL_FEATURE_NOTHING_NEW, no result, not one partial result, nothing diagnosed;
   * the stamp the server waits on stays until a note changes. */
  size_t batches = n_batches, before = nl_feature_diagnose_runs();
  nl_pull_stamp stamp = nl_feature_pull_stamp(&ctx);
  ASSERT_EQ(pull(ids, "tok", &r), NL_FEATURE_NOTHING_NEW);
  ASSERT(r == NULL);
  ASSERT_EQ(n_batches, batches);
  ASSERT_EQ(nl_feature_diagnose_runs() - before, 0);
  ASSERT_EQ(nl_feature_pull_stamp(&ctx).seq, stamp.seq);
  ASSERT_EQ(nl_feature_pull_stamp(&ctx).rest, stamp.rest);

  /* A body edit that keeps the note's problems: the seq moves, the rest not, and looking at the
   * notes changed since (that one) finds nothing new, diagnosing it alone. */
  json_t *held = params_of(ids, "tok");
  save_note("many/n0042.md", "# n0042\n\nSee [[gone 42]].\n\nMore words.\n");
  nl_pull_stamp now = nl_feature_pull_stamp(&ctx);
  ASSERT(now.seq > stamp.seq);
  ASSERT_EQ(now.rest, stamp.rest);
  before = nl_feature_diagnose_runs();
  json_t *answer = NULL;
  ASSERT_EQ(news(held, stamp.seq, &answer), 0);
  ASSERT_EQ(nl_feature_diagnose_runs() - before, 1);
  ASSERT_EQ(news(held, now.seq, &answer), 0); /* none since */
  stamp = now;

  /* One note fixed: news, and the answer is that note alone, in the answer itself; the note
   * is diagnosed once for both. The news's own answer is the whole pull's. */
  save_note("many/n0042.md", "# n0042\n\nSee [[A]].\n");
  before = nl_feature_diagnose_runs();
  ASSERT_EQ(news(held, stamp.seq, &answer), 1);
  ASSERT_EQ(pull(ids, "tok", &r), 0);
  ASSERT(json_equal(answer, r));
  json_decref(answer);
  ASSERT_EQ(n_batches, batches);
  ASSERT_EQ(nl_feature_diagnose_runs() - before, 1);
  ASSERT_EQ(json_array_size(json_object_get(r, "items")), 1);
  const json_t *fixed = report_of(r, "many/n0042.md");
  ASSERT_STR_EQ(kind_of(fixed), "full");
  ASSERT_EQ(json_array_size(json_object_get(fixed, "items")), 0);
  json_decref(r);
  /* Many notes changed at once: too many to look at one by one, the request is asked again. */
  stamp = nl_feature_pull_stamp(&ctx);
  for (int i = 100; i < 200; i++) {
    char rel[64], text[64];
    snprintf(rel, sizeof rel, "many/n%04d.md", i);
    snprintf(text, sizeof text, "# n%04d\n\nSee [[gone %d]].\n\nMore.\n", i, i);
    save_note(rel, text);
  }
  ASSERT_EQ(news(held, stamp.seq, &answer), -1);
  json_decref(held);
  ctx.progress = NULL;
  json_decref(streamed);
  json_decref(ids);

  remove_notes("many", "n%04d.md", MANY);
}

/* The items of the report of `rel` in result, as a fresh diagnosis without the memo writes
 * them (new). */
static json_t *fresh_items(const char *rel) {
  nl_memo *memo = ctx.memo;
  ctx.memo = NULL;
  json_t *v = nl_feature_diagnostics_json(&ctx, nl_ws_by_uri(ws, uri_of(rel)));
  ctx.memo = memo;
  return v;
}

/* A closed note changed on disk with a pull held: the look at what changed diagnoses it, and
 * the pull that answers then writes what that diagnosis kept (the memo's closed note) rather
 * than run the engine again; a change after the look is diagnosed afresh. */
static void test_news_diagnosed_once(void) {
  char path[512];
  snprintf(path, sizeof path, "%s/news", dir);
  ASSERT_EQ(mkdir(path, 0700), 0);
  save_note("news/n0000.md", "# n0000\n\nSee [[gone 1]].\n");
  ctx.memo = nl_memo_new();
  ASSERT(ctx.memo != NULL);
  json_t *ids = json_object();
  json_t *r = pull_all(ids);
  remember(ids, r);
  json_decref(r);

  json_t *held = params_of(ids, "tok");
  nl_pull_stamp stamp = nl_feature_pull_stamp(&ctx);
  save_note("news/n0000.md", "# n0000\n\nSee [[gone 1]] and [[gone 2]].\n");
  size_t before = nl_feature_diagnose_runs();
  json_t *answer = NULL;
  ASSERT_EQ(news(held, stamp.seq, &answer), 1);
  r = pull_all(ids);
  ASSERT_EQ(nl_feature_diagnose_runs() - before, 1);
  ASSERT(json_equal(answer, r));
  json_decref(answer);
  const json_t *rn = report_of(r, "news/n0000.md");
  ASSERT_EQ(json_array_size(json_object_get(rn, "items")), 2);
  json_t *fresh = fresh_items("news/n0000.md");
  ASSERT(json_equal(fresh, json_object_get(rn, "items")));
  json_decref(fresh);
  remember(ids, r);
  json_decref(r);

  /* Changed again after the look: what the memo kept is not the note's any more. */
  stamp = nl_feature_pull_stamp(&ctx);
  save_note("news/n0000.md", "# n0000\n\nSee [[gone 1]], [[gone 2]], [[gone 3]].\n");
  ASSERT_EQ(news(held, stamp.seq, &answer), 1);
  json_decref(answer);
  save_note("news/n0000.md", "# n0000\n\nSee [[A]].\n\n[[gone 4]]\n");
  before = nl_feature_diagnose_runs();
  r = pull_all(ids);
  ASSERT_EQ(nl_feature_diagnose_runs() - before, 1);
  rn = report_of(r, "news/n0000.md");
  fresh = fresh_items("news/n0000.md");
  ASSERT_EQ(json_array_size(fresh), 1);
  ASSERT(json_equal(fresh, json_object_get(rn, "items")));
  json_decref(fresh);
  json_decref(r);
  json_decref(held);
  json_decref(ids);
  nl_memo_free(ctx.memo);
  ctx.memo = NULL;
  remove_notes("news", "n%04d.md", 1);
}

#define FILLERS 300 /* notes that read E's face, none of B's or C's */

/* With dependents tracked (as the server does for a client that pulls), a changed face makes
 * a pull diagnose the notes that may read it, not every note, with the same reports; and a
 * held pull's look at what changed finds a report that changed only because of another
 * note's face. */
static void test_dependents_only(void) {
  char path[512];
  snprintf(path, sizeof path, "%s/fill", dir);
  ASSERT_EQ(mkdir(path, 0700), 0);
  for (int i = 0; i < FILLERS; i++) {
    char rel[64], text[64];
    snprintf(rel, sizeof rel, "fill/f%03d.md", i);
    snprintf(text, sizeof text, "# f%03d\n\nSee [[E#Plan]].\n", i);
    save_note(rel, text);
  }
  nl_ws_track_dependents(ws, 1);
  json_t *ids = json_object();
  json_t *r = pull_all(ids);
  remember(ids, r);
  json_decref(r);
  size_t count = nl_ws_count(ws);
  ASSERT(count > FILLERS);

  /* B's heading goes back to the one A links to: B and A are diagnosed, A alone reported. */
  size_t before = nl_feature_diagnose_runs();
  save_note("B.md", "# B\n\n## Intro\n\nanother body\n");
  r = pull_all(ids);
  ASSERT_EQ(nl_feature_diagnose_runs() - before, 2);
  ASSERT_EQ(json_array_size(json_object_get(r, "items")), 1);
  const json_t *ra = report_of(r, "A.md");
  ASSERT_STR_EQ(kind_of(ra), "full");
  ASSERT(!has_code(ra, "missing-heading"));
  ASSERT(has_code(ra, "broken-link")); /* C is still gone */
  remember(ids, r);
  json_decref(r);

  /* Held at this stamp, a face change elsewhere is news for A though A's seq did not move. */
  json_t *held = params_of(ids, "tok");
  nl_pull_stamp stamp = nl_feature_pull_stamp(&ctx);
  save_note("B.md", "# B\n\n## Intro, renamed\n\nanother body\n");
  ASSERT(nl_feature_pull_stamp(&ctx).seq > stamp.seq);
  ASSERT_EQ(nl_feature_pull_stamp(&ctx).rest, stamp.rest);
  json_t *answer = NULL;
  ASSERT_EQ(news(held, stamp.seq, &answer), 1);
  r = pull_all(ids);
  ASSERT(json_equal(answer, r));
  json_decref(answer);
  ra = report_of(r, "A.md");
  ASSERT(ra != NULL && has_code(ra, "missing-heading"));
  remember(ids, r);
  json_decref(r);

  /* C comes back: A's broken link goes; the fillers are not looked at. */
  before = nl_feature_diagnose_runs();
  save_note("C.md", "# C\n");
  r = pull_all(ids);
  ASSERT(nl_feature_diagnose_runs() - before <= 3); /* C, A, and nothing of the fillers */
  ra = report_of(r, "A.md");
  ASSERT(ra != NULL && !has_code(ra, "broken-link"));
  remember(ids, r);
  json_decref(r);

  /* E gets the heading the fillers link to: every filler, and only they and E, again. */
  before = nl_feature_diagnose_runs();
  save_note("E.md", "# E\n\n## Plan\n\nNothing wrong here.\n");
  r = pull_all(ids);
  ASSERT_EQ(nl_feature_diagnose_runs() - before, FILLERS + 1);
  ASSERT_EQ(json_array_size(json_object_get(r, "items")), FILLERS);
  remember(ids, r);
  json_decref(r);
  before = nl_feature_diagnose_runs();
  r = pull_all(ids);
  ASSERT_EQ(nl_feature_diagnose_runs() - before, 0);
  ASSERT_EQ(json_array_size(json_object_get(r, "items")), 0);
  json_decref(r);

  /* Not tracked any more: what changes next is not collected, so every note is stale. */
  nl_ws_track_dependents(ws, 0);
  ASSERT(nl_feature_pull_stamp(&ctx).rest != stamp.rest);
  before = nl_feature_diagnose_runs();
  r = pull_all(ids);
  ASSERT_EQ(nl_feature_diagnose_runs() - before, nl_ws_count(ws));
  json_decref(r);
  json_decref(held);
  json_decref(ids);
  remove_notes("fill", "f%03d.md", FILLERS);
}

static void teardown(void) {
  nl_ws_free(ws);
  nl_docs_free(docs);
  nl_config_free(cfg);
  uv_loop_close(&loop);
  const char *names[] = {"A.md", "B.md", "C.md", "D.md", "E.md", "pic.png"};
  char path[512];
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    unlink(path);
  }
  rmdir(dir);
}

int main(void) {
  if (setup() != 0) {
    fprintf(stderr, "cannot index %s\n", dir);
    return 1;
  }
  RUN(test_unchanged_pull_runs_nothing);
  RUN(test_changes_elsewhere);
  RUN(test_partial_results);
  RUN(test_news_diagnosed_once);
  RUN(test_dependents_only);
  teardown();
  return NL_TEST_DONE();
}
