/* test-resolve.c: link resolution cases as data. Each folder of tests/data/resolve is a small
 * vault with a case.json:
 *
 *   {"about": "...",
 *    "checks": [{"from": "Notes/A.md",
 *                "targets": ["Notes/B.md", null, "file:img/x.png"], the note (or with
 *                                                           "file:" the attachment) each link of
 *                                                           `from` resolves to, in order
 *                "diagnostics": [{"line": 2, "code": "ambiguous-link",
 *                                 "message": "...", "relinked": "..."}]}]}  every diagnostic
 *                                                           of `from`, in order; message and
 *                                                           relinked are compared when given
 *
 * so a new case needs no C. Lines are 0-based. */
#include "test.h"

#include <dirent.h>
#include <jansson.h>
#include <sys/stat.h>
#include <uv.h>

#include "lsp/base/file.h"
#include "lsp/index/diagnose.h"
#include "lsp/index/workspace.h"

static uv_loop_t loop;
static nl_config *cfg;

typedef struct {
  nl_workspace *ws;
  int32_t today;
} fixture;

static void scan_done(nl_workspace *ws, void *ud, size_t done, size_t total, int finished) {
  if (finished) *(int *)ud = 1;
}

static int fixture_init(fixture *f, const char *dir) {
  int finished = 0;
  f->today = 20407; /* 2025-11-15 */
  nl_config_free(cfg);
  cfg = nl_config_new(); /* each case's own vault settings (.obsidian/app.json) */
  if (cfg == NULL || nl_config_apply_vault(cfg, dir) < 0) return -1;
  f->ws = nl_ws_new(&loop, cfg);
  if (f->ws == NULL || nl_ws_add_root(f->ws, dir) != 0 || nl_ws_scan(f->ws, scan_done, &finished) != 0)
    return -1;
  uv_run(&loop, UV_RUN_DEFAULT);
  return finished ? 0 : -1;
}

#define CASES NL_TEST_DATA "/resolve"

static const char *case_name;

static nl_entry *entry_of(fixture *f, const char *rel) {
  char abs[4096];
  snprintf(abs, sizeof abs, "%s/%s", nl_ws_root(f->ws, 0), rel);
  return nl_ws_by_path(f->ws, abs);
}

static void check_targets(fixture *f, const nl_entry *from, const json_t *targets) {
  const nl_note *n = from->note;
  ASSERT_EQ(n->n_links, json_array_size(targets));
  for (size_t i = 0; i < n->n_links; i++) {
    const nl_link *l = &n->links[i];
    const nl_entry *to = *l->target == '\0'
                             ? from
                             : nl_ws_resolve(f->ws, from, l->kind == NL_LINK_MARKDOWN, l->target,
                                             strlen(l->target), NULL);
    const char *want = json_string_value(json_array_get(targets, i));
    if (want != NULL && strncmp(want, "file:", 5) == 0) { /* an attachment */
      const char *abs = nl_ws_resolve_attachment(f->ws, from, l->target, strlen(l->target));
      size_t al = abs ? strlen(abs) : 0, wl = strlen(want + 5);
      if (to != NULL || abs == NULL || al <= wl || strcmp(abs + al - wl, want + 5) != 0 ||
          abs[al - wl - 1] != '/')
        NL_FAIL_("%s: link %zu '%s' resolves to %s, expected the file %s", case_name, i,
                 l->target, to ? to->rel : abs ? abs : "nothing", want + 5);
      continue;
    }
    if (want == NULL && to != NULL)
      NL_FAIL_("%s: link %zu '%s' resolves to %s, expected nothing", case_name, i, l->target,
               to->rel);
    if (want != NULL && (to == NULL || strcmp(to->rel, want) != 0))
      NL_FAIL_("%s: link %zu '%s' resolves to %s, expected %s", case_name, i, l->target,
               to ? to->rel : "nothing", want);
  }
}

static void check_diagnostics(fixture *f, const nl_entry *from, const json_t *want) {
  nl_diag_list l;
  nl_diag_list_init(&l);
  size_t len = 0;
  char *text = NULL;
  nl_file_read(from->abs, NL_FILE_NO_LIMIT, &text, &len);
  ASSERT_EQ(nl_diagnose(f->ws, from, text, len, f->today, &l), 0);
  free(text);
  for (size_t i = 0; i < l.n; i++)
    fprintf(stderr, "  %s %s %u: %s [%s]\n", case_name, from->rel, l.items[i].range.start.line,
            l.items[i].message, l.items[i].code);
  size_t n = l.n;
  int ok = n == json_array_size(want);
  for (size_t i = 0; ok && i < n; i++) {
    const nl_diag *d = &l.items[i];
    const json_t *w = json_array_get(want, i);
    const char *msg = json_string_value(json_object_get(w, "message"));
    const char *rel = json_string_value(json_object_get(w, "relinked"));
    ok = strcmp(d->code, json_string_value(json_object_get(w, "code"))) == 0 &&
         d->range.start.line == json_integer_value(json_object_get(w, "line")) &&
         (msg == NULL || strcmp(msg, d->message) == 0) &&
         (rel == NULL || (d->relinked != NULL && strcmp(rel, d->relinked) == 0));
  }
  nl_diag_list_free(&l);
  if (!ok) NL_FAIL_("%s: the diagnostics of %s differ from case.json (listed above)", case_name,
                    from->rel);
}

static void run_case(const char *dir) {
  char path[4200];
  snprintf(path, sizeof path, "%s/case.json", dir);
  json_error_t jerr;
  json_t *c = json_load_file(path, 0, &jerr);
  if (c == NULL) NL_FAIL_("%s:%d: %s", path, jerr.line, jerr.text);
  fixture f;
  if (fixture_init(&f, dir) != 0) {
    json_decref(c);
    NL_FAIL_("%s: the vault could not be indexed", case_name);
  }
  size_t i;
  const json_t *chk;
  json_array_foreach(json_object_get(c, "checks"), i, chk) {
    const char *from_rel = json_string_value(json_object_get(chk, "from"));
    const nl_entry *from = from_rel ? entry_of(&f, from_rel) : NULL;
    if (from == NULL) {
      fprintf(stderr, "%s: no note %s\n", case_name, from_rel ? from_rel : "(from missing)");
      nl_test_failures++;
      break;
    }
    int before = nl_test_failures;
    check_targets(&f, from, json_object_get(chk, "targets"));
    check_diagnostics(&f, from, json_object_get(chk, "diagnostics"));
    if (nl_test_failures != before) break;
  }
  nl_ws_free(f.ws);
  json_decref(c);
}

static int by_name(const struct dirent **a, const struct dirent **b) {
  return strcmp((*a)->d_name, (*b)->d_name);
}

int main(void) {
  uv_loop_init(&loop);
  cfg = nl_config_new();
  struct dirent **names;
  int n = scandir(CASES, &names, NULL, by_name);
  if (n < 0) {
    fprintf(stderr, "cannot read %s\n", CASES);
    return 1;
  }
  for (int i = 0; i < n; i++) {
    char dir[4096];
    struct stat st;
    snprintf(dir, sizeof dir, "%s/%s", CASES, names[i]->d_name);
    if (names[i]->d_name[0] != '.' && stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) {
      case_name = names[i]->d_name;
      int before = nl_test_failures;
      nl_test_count++;
      run_case(dir);
      fprintf(stderr, "%s %s\n", nl_test_failures == before ? "ok  " : "FAIL", case_name);
    }
    free(names[i]);
  }
  free(names);
  nl_config_free(cfg);
  uv_loop_close(&loop);
  return NL_TEST_DONE();
}
