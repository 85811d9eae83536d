/* The index on the example vault and on a generated one: scanning, name resolution, kinds,
 * mentions, account tags, backlinks, and incremental edits, deletes and renames. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#include "lsp/index/config.h"
#include "lsp/index/workspace.h"
#include "lsp/index/workspace_impl.h" /* ws->tasks: whether the task table is built yet */
#include "protocol/lsp_types.h"
#include "test.h"

static uv_loop_t loop;
static nl_config *cfg;
static char vault[4096];

static void scan_done(nl_workspace *ws, void *ud, size_t done, size_t total, int finished) {
  if (finished) *(int *)ud = 1;
}

static nl_workspace *index_dir(const char *dir) {
  nl_workspace *ws = nl_ws_new(&loop, cfg);
  int finished = 0;
  nl_ws_add_root(ws, dir);
  if (nl_ws_scan(ws, scan_done, &finished) != 0) return ws;
  uv_run(&loop, UV_RUN_DEFAULT);
  return finished ? ws : ws;
}

static const char *rel_of(const nl_entry *e) { return e != NULL ? e->rel : "(none)"; }

static nl_entry *resolve(nl_workspace *ws, const char *target, size_t *n) {
  return nl_ws_resolve(ws, NULL, target, strlen(target), n);
}


#define ASSERT_INDEX_OK(ws)                                                        \
  do {                                                                             \
    char err_[256];                                                                \
    if (nl_ws_check((ws), err_, sizeof(err_)) != 0) NL_FAIL_("invariant: %s", err_); \
  } while (0)

static void test_scan_example(void) {
  nl_workspace *ws = index_dir(vault);
  ASSERT(nl_ws_ready(ws));
  /* 17 notes; .obsidian/ holds none that count. */
  ASSERT_EQ(nl_ws_count(ws), 17);
  ASSERT_INDEX_OK(ws);
  for (uint32_t i = 0; i < nl_ws_id_limit(ws); i++) {
    nl_entry *e = nl_ws_get(ws, i);
    ASSERT(e != NULL);
    ASSERT(strncmp(e->rel, ".obsidian", 9) != 0);
    ASSERT(strncmp(e->uri, "file:///", 8) == 0);
    /* Its path, name and URI in the entry's own allocation, the URI the path's. */
    ASSERT(e->one_block);
    ASSERT(e->abs == (char *)(e + 1) && e->uri == e->name + strlen(e->name) + 1);
    char *uri = nl_path_to_uri(e->abs);
    ASSERT_STR_EQ(e->uri, uri);
    free(uri);
  }
  nl_ws_free(ws);
}

static void test_resolve_names(void) {
  nl_workspace *ws = index_dir(vault);
  size_t n = 0;
  ASSERT_STR_EQ(rel_of(resolve(ws, "Ana Ruiz", &n)), "People/Ana Ruiz.md");
  ASSERT_EQ(n, 1);
  ASSERT_STR_EQ(rel_of(resolve(ws, "ana ruiz", NULL)), "People/Ana Ruiz.md");
  ASSERT_STR_EQ(rel_of(resolve(ws, "Ana", NULL)), "People/Ana Ruiz.md");           /* alias */
  ASSERT_STR_EQ(rel_of(resolve(ws, "Contoso Ltd", NULL)), "Accounts/Contoso.md");  /* alias */
  ASSERT_STR_EQ(rel_of(resolve(ws, "People/Ana Ruiz.md", NULL)), "People/Ana Ruiz.md");
  ASSERT_STR_EQ(rel_of(resolve(ws, "Ana Ruiz.md", NULL)), "People/Ana Ruiz.md");
  /* Typed in NFC, stored in NFD on disk. */
  ASSERT_STR_EQ(rel_of(resolve(ws, "Zo\xc3\xab Lindahl", NULL)), "People/Zoe\xcc\x88 Lindahl.md");
  ASSERT_STR_EQ(rel_of(resolve(ws, "L\xc3\xa9" "a Dubois", NULL)), "People/L\xc3\xa9" "a Dubois.md");
  ASSERT_STR_EQ(rel_of(resolve(ws, "Wang Fang", NULL)), "People/\xe7\x8e\x8b\xe8\x8a\xb3.md");
  /* By frontmatter title, not file name. */
  ASSERT_STR_EQ(rel_of(resolve(ws, "Storage pilot kickoff with Contoso", NULL)),
                "Meetings/2025-11-06 - Storage pilot kickoff with Contoso.md");
  ASSERT_STR_EQ(rel_of(resolve(ws, "Meetings/2025-11-06 - Storage pilot kickoff with Contoso", NULL)),
                "Meetings/2025-11-06 - Storage pilot kickoff with Contoso.md");
  ASSERT(resolve(ws, "Northwind Traders", &n) == NULL);
  ASSERT_EQ(n, 0);
  ASSERT(resolve(ws, "Not A Link", NULL) == NULL);
  /* Two notes called Apollo: ambiguous, the shortest path first. */
  ASSERT_STR_EQ(rel_of(resolve(ws, "Apollo", &n)), "Archive/Apollo.md");
  ASSERT_EQ(n, 2);
  nl_entry *both[4];
  ASSERT_EQ(nl_ws_resolve_all(ws, NULL, "apollo", 6, both, 4), 2);
  ASSERT_STR_EQ(both[1]->rel, "Projects/Apollo.md");
  ASSERT_STR_EQ(rel_of(resolve(ws, "Projects/Apollo", &n)), "Projects/Apollo.md");
  ASSERT_EQ(n, 1);
  nl_ws_free(ws);
}

static void test_markdown_paths(void) {
  nl_workspace *ws = index_dir(vault);
  nl_entry *from = resolve(ws, "Fabrikam procurement sync", NULL);
  ASSERT(from != NULL);
  const char *t = "../People/Ana Ruiz.md";
  ASSERT_STR_EQ(rel_of(nl_ws_resolve(ws, from, t, strlen(t), NULL)), "People/Ana Ruiz.md");
  t = "../People/Ana Ruiz";
  ASSERT_STR_EQ(rel_of(nl_ws_resolve(ws, from, t, strlen(t), NULL)), "People/Ana Ruiz.md");
  t = "../../outside.md";
  ASSERT(nl_ws_resolve(ws, from, t, strlen(t), NULL) == NULL);
  nl_ws_free(ws);
}

static void test_kinds(void) {
  nl_workspace *ws = index_dir(vault);
  ASSERT_EQ(resolve(ws, "Ana Ruiz", NULL)->kind, NL_KIND_PERSON);
  ASSERT_EQ(resolve(ws, "Contoso", NULL)->kind, NL_KIND_ACCOUNT);
  ASSERT_EQ(resolve(ws, "Project Atlas", NULL)->kind, NL_KIND_PROJECT);
  /* `type: customer` is no configured type: the Meetings folder decides. */
  ASSERT_EQ(resolve(ws, "Fabrikam procurement sync", NULL)->kind, NL_KIND_MEETING);
  ASSERT_EQ(resolve(ws, "Inbox", NULL)->kind, NL_KIND_NOTE);
  ASSERT_STR_EQ(rel_of(nl_ws_resolve_kind(ws, NULL, NL_KIND_ACCOUNT, "Contoso", 7)),
                "Accounts/Contoso.md");
  ASSERT(nl_ws_resolve_kind(ws, NULL, NL_KIND_PERSON, "Contoso", 7) == NULL);
  ASSERT(nl_ws_resolve_kind(ws, NULL, NL_KIND_ACCOUNT, "Northwind", 9) == NULL);
  nl_ws_free(ws);
}

static void test_mentions_and_tags(void) {
  nl_workspace *ws = index_dir(vault);
  size_t len = 0;
  nl_mention m = {.tail = "Jonas Becker"};
  ASSERT_STR_EQ(rel_of(nl_ws_resolve_mention(ws, NULL, &m, &len)), "People/Jonas Becker.md");
  ASSERT_EQ(len, 12);
  m = (nl_mention){.tail = "Wang Fang"};
  ASSERT_STR_EQ(rel_of(nl_ws_resolve_mention(ws, NULL, &m, &len)), "People/\xe7\x8e\x8b\xe8\x8a\xb3.md");
  m = (nl_mention){.tail = "Ana Ruiz will do it"};
  ASSERT_STR_EQ(rel_of(nl_ws_resolve_mention(ws, NULL, &m, &len)), "People/Ana Ruiz.md");
  ASSERT_EQ(len, 8);
  m = (nl_mention){.tail = "Ana said so"};
  ASSERT_STR_EQ(rel_of(nl_ws_resolve_mention(ws, NULL, &m, &len)), "People/Ana Ruiz.md");
  ASSERT_EQ(len, 3);
  m = (nl_mention){.tail = "Nobody Here"};
  ASSERT(nl_ws_resolve_mention(ws, NULL, &m, &len) == NULL);
  ASSERT_EQ(len, 6);
  ASSERT_STR_EQ(rel_of(nl_ws_resolve_account_tag(ws, NULL, "account/contoso", 15)),
                "Accounts/Contoso.md");
  ASSERT_STR_EQ(rel_of(nl_ws_resolve_account_tag(ws, NULL, "#account/Contoso-Ltd", 20)),
                "Accounts/Contoso.md");
  ASSERT(nl_ws_resolve_account_tag(ws, NULL, "project/contoso", 15) == NULL);
  ASSERT(nl_ws_resolve_account_tag(ws, NULL, "account/northwind", 17) == NULL);
  nl_ws_free(ws);
}

static int has_from(nl_workspace *ws, nl_ref *refs, ptrdiff_t n, const char *rel) {
  for (ptrdiff_t i = 0; i < n; i++)
    if (strcmp(nl_ws_get(ws, refs[i].from)->rel, rel) == 0) return 1;
  return 0;
}

static void test_backlinks(void) {
  nl_workspace *ws = index_dir(vault);
  nl_entry *contoso = resolve(ws, "Contoso", NULL);
  nl_ref *refs;
  ptrdiff_t n = nl_ws_backlinks(ws, contoso, &refs);
  ASSERT(n >= 5);
  ASSERT(has_from(ws, refs, n, "People/Ana Ruiz.md"));
  ASSERT(has_from(ws, refs, n, "Daily/2025-11-06.md"));
  ASSERT(has_from(ws, refs, n, "Meetings/2025-11-14 - Fabrikam procurement sync.md"));
  ASSERT(!has_from(ws, refs, n, "Accounts/Contoso.md"));
  free(refs);
  /* By title: the Inbox links the kickoff meeting by its frontmatter title. */
  nl_entry *kick = resolve(ws, "Storage pilot kickoff with Contoso", NULL);
  n = nl_ws_backlinks(ws, kick, &refs);
  ASSERT(has_from(ws, refs, n, "Inbox.md"));
  ASSERT(has_from(ws, refs, n, "Meetings/2025-11-14 - Fabrikam procurement sync.md"));
  free(refs);
  nl_ws_free(ws);
}

static void test_mentions_of(void) {
  nl_workspace *ws = index_dir(vault);
  nl_ref *refs;
  ptrdiff_t n = nl_ws_mentions_of(ws, resolve(ws, "Jonas Becker", NULL), &refs);
  ASSERT_EQ(n, 2);
  ASSERT(has_from(ws, refs, n, "Meetings/2025-11-06 - Storage pilot kickoff with Contoso.md"));
  ASSERT(has_from(ws, refs, n, "Projects/Project Atlas.md"));
  free(refs);
  /* @Myself twice in each meeting, once in the daily note and in Project Atlas. */
  n = nl_ws_mentions_of(ws, resolve(ws, "Myself", NULL), &refs);
  ASSERT_EQ(n, 6);
  ASSERT(has_from(ws, refs, n, "Daily/2025-11-06.md"));
  free(refs);
  /* By alias: @Wang Fang names 王芳. */
  n = nl_ws_mentions_of(ws, resolve(ws, "Wang Fang", NULL), &refs);
  ASSERT_EQ(n, 1);
  ASSERT(has_from(ws, refs, n, "Meetings/2025-11-14 - Fabrikam procurement sync.md"));
  free(refs);
  /* The NFD file name: @Zoë Lindahl typed in NFC. */
  n = nl_ws_mentions_of(ws, resolve(ws, "Zo\xc3\xab Lindahl", NULL), &refs);
  ASSERT_EQ(n, 1);
  free(refs);
  n = nl_ws_mentions_of(ws, resolve(ws, "Contoso", NULL), &refs);
  ASSERT_EQ(n, 0);
  free(refs);
  nl_ws_free(ws);
}

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  if (f == NULL) return;
  fputs(text, f);
  fclose(f);
}

static void test_live_updates(void) {
  char dir[] = "/tmp/nl-ws-XXXXXX";
  ASSERT(mkdtemp(dir) != NULL);
  char path[4096], p2[4096], p3[4096];
  snprintf(path, sizeof(path), "%s/People", dir);
  mkdir(path, 0755);
  snprintf(path, sizeof(path), "%s/a.md", dir);
  write_file(path, "# A\n\nSee [[Bob Stone]].\n");
  nl_workspace *ws = index_dir(dir);
  ASSERT_EQ(nl_ws_count(ws), 1);
  ASSERT(resolve(ws, "Bob Stone", NULL) == NULL);

  /* A person note is created on disk: the link resolves, a backlink appears. */
  snprintf(p2, sizeof(p2), "%s/People/Bob Stone.md", dir);
  write_file(p2, "---\naliases: [Bobby]\n---\n# Bob\n");
  ASSERT_EQ(nl_ws_reload(ws, p2), 0);
  ASSERT_INDEX_OK(ws);
  nl_entry *bob = resolve(ws, "Bobby", NULL);
  ASSERT(bob != NULL);
  ASSERT_EQ(bob->kind, NL_KIND_PERSON);
  nl_ref *refs;
  ASSERT_EQ(nl_ws_backlinks(ws, bob, &refs), 1);
  free(refs);

  /* An open document overrides disk, and re-parses only that note. */
  uint64_t seq = nl_ws_seq(ws);
  const char *text = "# A\n\nNo links now.\n";
  nl_entry *a = nl_ws_update(ws, path, text, strlen(text), 1);
  ASSERT(a != NULL && a->open);
  ASSERT(nl_ws_seq(ws) > seq);
  ASSERT_EQ(nl_ws_backlinks(ws, bob, &refs), 0);
  free(refs);
  /* A reload from disk leaves an open document alone; closing reverts to disk. */
  ASSERT_EQ(nl_ws_reload(ws, path), 0);
  ASSERT_EQ(a->note->n_links, 0);
  ASSERT_EQ(nl_ws_close(ws, path), 0);
  ASSERT_EQ(nl_ws_backlinks(ws, bob, &refs), 1);
  free(refs);
  ASSERT_INDEX_OK(ws);

  /* Rename on disk: the old path is removed, the new one added; the alias moves along. */
  snprintf(p3, sizeof(p3), "%s/People/Robert Stone.md", dir);
  ASSERT_EQ(rename(p2, p3), 0);
  ASSERT_EQ(nl_ws_remove(ws, p2), 0);
  ASSERT_EQ(nl_ws_reload(ws, p3), 0);
  ASSERT_INDEX_OK(ws);
  ASSERT(resolve(ws, "Bob Stone", NULL) == NULL);
  ASSERT_STR_EQ(rel_of(resolve(ws, "Bobby", NULL)), "People/Robert Stone.md");
  ASSERT_EQ(nl_ws_count(ws), 2);

  /* Deleted on disk: a reload notices. */
  unlink(p3);
  ASSERT(nl_ws_reload(ws, p3) < 0);
  ASSERT_EQ(nl_ws_count(ws), 1);
  ASSERT(resolve(ws, "Bobby", NULL) == NULL);
  ASSERT_INDEX_OK(ws);
  nl_ws_free(ws);
  unlink(path);
  snprintf(path, sizeof(path), "%s/People", dir);
  rmdir(path);
  rmdir(dir);
}

static void test_skips(void) {
  char dir[] = "/tmp/nl-ws-XXXXXX";
  ASSERT(mkdtemp(dir) != NULL);
  char p[4096];
  const char *subdirs[] = {".git", ".obsidian", ".trash", "node_modules", "Archive", "loop"};
  for (size_t i = 0; i < sizeof(subdirs) / sizeof(*subdirs); i++) {
    snprintf(p, sizeof(p), "%s/%s", dir, subdirs[i]);
    mkdir(p, 0755);
    snprintf(p, sizeof(p), "%s/%s/n.md", dir, subdirs[i]);
    write_file(p, "# n\n");
  }
  snprintf(p, sizeof(p), "%s/binary.md", dir);
  FILE *f = fopen(p, "wb");
  fwrite("a\0b", 1, 3, f);
  fclose(f);
  snprintf(p, sizeof(p), "%s/big.md", dir);
  f = fopen(p, "wb");
  for (int i = 0; i < 2000; i++) fputs("0123456789", f);
  fclose(f);
  /* A symlink loop and a link out of the root are not followed. */
  char target[4096];
  snprintf(p, sizeof(p), "%s/loop/again", dir);
  ASSERT_EQ(symlink(dir, p), 0);
  snprintf(p, sizeof(p), "%s/out", dir);
  ASSERT_EQ(symlink("/usr/share", p), 0);
  snprintf(target, sizeof(target), "%s/notes.txt", dir);
  write_file(target, "not markdown");

  nl_config_free(cfg);
  cfg = nl_config_new();
  char err[256];
  json_t *opts = json_pack("{s:[s],s:i}", "ignore", "Archive/**", "maxFileSize", 10000);
  ASSERT_EQ(nl_config_apply_json(cfg, opts, err, sizeof(err)), 0);
  json_decref(opts);
  nl_workspace *ws = index_dir(dir);
  /* Only loop/n.md: hidden, node_modules, ignored, binary and oversized files are skipped. */
  ASSERT_EQ(nl_ws_count(ws), 1);
  ASSERT_STR_EQ(nl_ws_get(ws, 0)->rel, "loop/n.md");
  nl_ws_free(ws);
  nl_config_free(cfg);
  cfg = nl_config_new();
  char cmd[4200];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
  ASSERT_EQ(system(cmd), 0);
}

static void test_name_table_compaction(void) {
  nl_workspace *ws = index_dir(vault);
  char path[4200], text[256];
  snprintf(path, sizeof(path), "%s/People/Ana Ruiz.md", vault);
  /* Every update leaves dead rows behind; enough of them force compactions. */
  for (int i = 0; i < 6000; i++) {
    int n = snprintf(text, sizeof(text), "---\naliases: [Ana, A%d, Anita]\n---\n# Ana\n", i);
    ASSERT(nl_ws_update(ws, path, text, (size_t)n, 1) != NULL);
  }
  ASSERT_INDEX_OK(ws);
  size_t n_rows, live = 0, hits = 0;
  const char *pool;
  const uint64_t *masks;
  const nl_ws_name *rows = nl_ws_names(ws, &n_rows, &pool, &masks);
  ASSERT(n_rows < 6000 * 4); /* compacted along the way */
  for (size_t i = 0; i < n_rows; i++) {
    ASSERT_EQ(masks[i], rows[i].dead ? 0 : rows[i].mask);
    ASSERT_EQ(nl_ws_name_kinds(ws)[i], rows[i].dead ? NL_WS_DEAD : rows[i].kind);
    if (rows[i].dead) continue;
    live++;
    hits += strcmp(pool + rows[i].off, "A5999") == 0;
    ASSERT(strcmp(pool + rows[i].off, "A5998") != 0);
  }
  ASSERT_EQ(hits, 1);
  /* 17 file names, the last aliases of Ana (3) and the other notes' aliases. */
  size_t aliases = 0;
  for (uint32_t id = 0; id < nl_ws_id_limit(ws); id++) aliases += nl_ws_get(ws, id)->note->n_aliases;
  ASSERT_EQ(live, 17 + aliases);
  ASSERT_STR_EQ(rel_of(resolve(ws, "A5999", NULL)), "People/Ana Ruiz.md");
  ASSERT(resolve(ws, "A5998", NULL) == NULL);
  nl_ws_free(ws);
}

static void test_generated_vault(void) {
  const char *gen = "/tmp/nl-ws-gen";
  char cmd[1024];
  snprintf(cmd, sizeof(cmd), "%s/bench/gen_vault.py", NL_SHARED_DIR);
  if (access(cmd, R_OK) != 0) {
    fprintf(stderr, "skipping: %s not found beside the project\n", cmd);
    return;
  }
  snprintf(cmd, sizeof(cmd), "python3 %s/bench/gen_vault.py --force --notes 300 %s >/dev/null",
           NL_SHARED_DIR, gen);
  if (system(cmd) != 0) {
    NL_FAIL_("%s failed", cmd);
  }
  nl_workspace *ws = index_dir(gen);
  ASSERT_EQ(nl_ws_count(ws), 300);
  ASSERT_INDEX_OK(ws);
  size_t people = 0, accounts = 0;
  for (uint32_t i = 0; i < nl_ws_id_limit(ws); i++) {
    nl_entry *e = nl_ws_get(ws, i);
    people += e->kind == NL_KIND_PERSON;
    accounts += e->kind == NL_KIND_ACCOUNT;
  }
  ASSERT(people > 0 && accounts > 0);
  nl_ws_free(ws);
}

static int woken;
static void on_wake(void *ud) {
  (void)ud;
  woken = 1;
}

/* Each live task row as "rel:task due status priority proposed", sorted, in one string. */
static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}
static char *task_rows_text(nl_workspace *ws) {
  size_t n = 0;
  const nl_ws_task *rows = nl_ws_tasks(ws, &n);
  char **lines = calloc(n + 1, sizeof(*lines));
  size_t k = 0, len = 1;
  for (size_t i = 0; rows != NULL && i < n; i++) {
    if (rows[i].dead) continue;
    char buf[4200];
    snprintf(buf, sizeof buf, "%s:%u %d %u %u %u\n", nl_ws_get(ws, rows[i].id)->rel, rows[i].task,
             rows[i].due, rows[i].status, rows[i].priority, rows[i].proposed);
    lines[k++] = strdup(buf);
    len += strlen(buf);
  }
  qsort(lines, k, sizeof(*lines), cmp_str);
  char *out = calloc(len, 1);
  for (size_t i = 0; i < k; i++) {
    strcat(out, lines[i]);
    free(lines[i]);
  }
  free(lines);
  return out;
}

/* Merged in slices (the server's way), the scan leaves the task table to be built after it
 * (its index cache first, when there is one); built then, or by nl_ws_tasks when asked
 * before, it holds the rows an index built note by note holds. */
static void test_tasks_deferred(void) {
  char dir[] = "/tmp/nl-ws-XXXXXX";
  ASSERT(mkdtemp(dir) != NULL);
  char path[4096];
  for (int i = 0; i < 40; i++) {
    snprintf(path, sizeof(path), "%s/n%02d.md", dir, i);
    char text[512];
    snprintf(text, sizeof text, "# N%d\n\n- [ ] a %d \xF0\x9F\x93\x85 2025-01-%02d\n- [x] b\n%s",
             i, i, 1 + i % 28, i % 3 == 0 ? "- [ ] c \xE2\x8F\xAB\n" : "");
    write_file(path, text);
  }
  nl_workspace *full = index_dir(dir);
  char *want = task_rows_text(full);
  ASSERT(strlen(want) > 0);
  for (int ask_early = 0; ask_early < 2; ask_early++) {
    nl_workspace *ws = nl_ws_new(&loop, cfg);
    int finished = 0;
    ASSERT(nl_ws_add_root(ws, dir) == 0);
    nl_ws_set_waker(ws, on_wake, NULL);
    ASSERT_EQ(nl_ws_scan(ws, scan_done, &finished), 0);
    while (!finished) {
      uv_run(&loop, UV_RUN_ONCE);
      while (woken && !finished) woken = nl_ws_merge(ws, 1000000);
    }
    ASSERT(ws->tasks == NULL); /* ready, the table not built yet */
    ASSERT_INDEX_OK(ws);
    if (!ask_early)
      while (nl_ws_merge(ws, 1000000)) {
      }
    char *got = task_rows_text(ws);
    ASSERT_STR_EQ(got, want);
    ASSERT_INDEX_OK(ws);
    /* Built: a changed note's rows follow at once. */
    snprintf(path, sizeof(path), "%s/n00.md", dir);
    ASSERT(nl_ws_update(ws, path, "- [ ] only\n", 11, 1) != NULL);
    size_t n = 0, live = 0;
    const nl_ws_task *rows = nl_ws_tasks(ws, &n);
    for (size_t i = 0; i < n; i++) live += !rows[i].dead;
    ASSERT_EQ(live, (size_t)(40 * 2 + 14 - 3 + 1));
    ASSERT_INDEX_OK(ws);
    free(got);
    nl_ws_free(ws);
  }
  free(want);
  nl_ws_free(full);
}

int main(void) {
  uv_loop_init(&loop);
  cfg = nl_config_new();
  snprintf(vault, sizeof(vault), "%s", NL_TEST_VAULT);
  RUN(test_scan_example);
  RUN(test_resolve_names);
  RUN(test_markdown_paths);
  RUN(test_kinds);
  RUN(test_mentions_and_tags);
  RUN(test_backlinks);
  RUN(test_mentions_of);
  RUN(test_live_updates);
  RUN(test_skips);
  RUN(test_name_table_compaction);
  RUN(test_generated_vault);
  RUN(test_tasks_deferred);
  nl_config_free(cfg);
  uv_loop_close(&loop);
  return NL_TEST_DONE();
}
