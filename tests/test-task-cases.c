/* test-task-cases.c: the task lines of tests/tasks/cases/NAME.json, each read as Obsidian Tasks
 * reads it. A file holds {"cases": [...]}; a case is
 *   {"name", "line" (or "text", whose first task is checked), "options" (settings JSON, as in
 *    .notes-lsp.yaml), "expect": {fields} or null for "no task", "complete": {"today",
 *    "next": the next occurrence's line or null}}
 * Fields not named in "expect" must have their empty value (no date, priority "none", no
 * recurrence, id, dependencies, block id; not proposed, no mojibake), so a stray field fails;
 * "status", "statusName", "symbol" and "description" are checked when named. */
#include <dirent.h>
#include <jansson.h>
#include <stdint.h>

#include "lsp/index/config.h"
#include "lsp/note/note.h"
#include "lsp/note/recurrence.h"
#include "lsp/note/task.h"
#include "tests/test.h"

static const char *const date_keys[NL_DATE__COUNT] = {"due", "scheduled", "start",
                                                      "created", "done", "cancelled"};
static const char *const priority_names[] = {"none", "lowest", "low", "medium", "high",
                                             "highest"};
static const char *const completion_names[] = {NULL, "keep", "delete"};

static int n_cases;
static const char *case_name;

#define CASE_FAIL(...)                                                                 \
  do {                                                                                 \
    fprintf(stderr, "  case \"%s\": ", case_name);                                     \
    fprintf(stderr, __VA_ARGS__);                                                      \
    fputc('\n', stderr);                                                               \
    return 1;                                                                          \
  } while (0)

static int check_str(const char *key, const char *got, const json_t *want) {
  const char *w = json_string_value(want);
  if (w == NULL && got == NULL) return 0;
  if (w == NULL || got == NULL || strcmp(w, got) != 0)
    CASE_FAIL("%s: got \"%s\", want \"%s\"", key, got ? got : "(none)", w ? w : "(none)");
  return 0;
}

static int check_dates(const nl_task *t, const json_t *exp) {
  for (int f = 0; f < NL_DATE__COUNT; f++) {
    const nl_task_date *d = &t->dates[f];
    const json_t *w = json_object_get(exp, date_keys[f]);
    char got[32] = "";
    if (d->present && d->valid) nl_date_format(d->days, got);
    if (d->present && !d->valid) snprintf(got, sizeof got, "invalid");
    const char *want = json_is_object(w) ? "invalid" : json_string_value(w);
    if (want == NULL) want = "";
    if (strcmp(got, want) != 0) CASE_FAIL("%s date: got \"%s\", want \"%s\"", date_keys[f], got, want);
  }
  return 0;
}

static int check_fields(const nl_task *t, const nl_task_settings *ts, const json_t *exp) {
  const json_t *v;
  if ((v = json_object_get(exp, "status")) != NULL &&
      check_str("status", nl_task_status_type_name(nl_task_status_of(t, ts)), v))
    return 1;
  const char *name = NULL;
  nl_task_symbol_type(ts, t->symbol, &name);
  if ((v = json_object_get(exp, "statusName")) != NULL && check_str("statusName", name, v)) return 1;
  if ((v = json_object_get(exp, "symbol")) != NULL && check_str("symbol", t->symbol, v)) return 1;
  if ((v = json_object_get(exp, "description")) != NULL &&
      check_str("description", t->description, v))
    return 1;
  if (check_dates(t, exp)) return 1;
  const char *wp = json_string_value(json_object_get(exp, "priority"));
  if (strcmp(priority_names[t->priority], wp ? wp : "none") != 0)
    CASE_FAIL("priority: got %s, want %s", priority_names[t->priority], wp ? wp : "none");
  if (check_str("recurrence", t->recurrence, json_object_get(exp, "recurrence"))) return 1;
  if (check_str("id", t->id, json_object_get(exp, "id"))) return 1;
  if (check_str("blockId", t->block_id, json_object_get(exp, "blockId"))) return 1;
  if (check_str("onCompletion", completion_names[t->on_completion],
                json_object_get(exp, "onCompletion")))
    return 1;
  const json_t *deps = json_object_get(exp, "dependsOn");
  size_t nd = json_array_size(deps);
  if (nd != t->n_depends_on) CASE_FAIL("dependsOn: got %u ids, want %zu", t->n_depends_on, nd);
  for (size_t i = 0; i < nd; i++)
    if (check_str("dependsOn[]", t->depends_on[i], json_array_get(deps, i))) return 1;
  int proposed = json_is_true(json_object_get(exp, "proposed"));
  if (nl_task_is_proposed(t, ts) != proposed)
    CASE_FAIL("proposed: got %d, want %d", nl_task_is_proposed(t, ts), proposed);
  int moji = json_is_true(json_object_get(exp, "mojibake"));
  if ((t->mojibake != 0) != moji) CASE_FAIL("mojibake: got %d, want %d", t->mojibake, moji);
  return 0;
}

static int check_complete(const nl_task *t, const char *text, const json_t *c) {
  int32_t today = 0;
  const char *ts = json_string_value(json_object_get(c, "today"));
  if (ts == NULL || nl_date_parse(ts, strlen(ts), &today) != 0) CASE_FAIL("complete.today");
  const char *want = json_string_value(json_object_get(c, "next"));
  nl_occurrence cur, next;
  nl_occurrence_of(t, &cur);
  int rc = t->recurrence != NULL ? nl_recurrence_next(t->recurrence, &cur, today, &next) : -1;
  if (rc != 0) {
    if (want != NULL) CASE_FAIL("no next occurrence, want \"%s\"", want);
    return 0;
  }
  const char *eol = strchr(text, '\n');
  size_t len = eol != NULL ? (size_t)(eol - text) : strlen(text);
  char *got = nl_recurrence_line(t, text, len, &next, " ");
  int bad = got == NULL || want == NULL || strcmp(got, want) != 0;
  if (bad) {
    fprintf(stderr, "  case \"%s\": next: got \"%s\", want \"%s\"\n", case_name,
            got ? got : "(none)", want ? want : "(none)");
  }
  free(got);
  return bad;
}

static int run_case(const json_t *c) {
  case_name = json_string_value(json_object_get(c, "name"));
  if (case_name == NULL) case_name = "(unnamed)";
  const char *text = json_string_value(json_object_get(c, "line"));
  if (text == NULL) text = json_string_value(json_object_get(c, "text"));
  if (text == NULL) CASE_FAIL("no line");
  nl_config *cfg = nl_config_new();
  char err[512];
  const json_t *opts = json_object_get(c, "options");
  if (cfg == NULL || (opts != NULL && nl_config_apply_json(cfg, opts, err, sizeof err) != 0)) {
    nl_config_free(cfg);
    CASE_FAIL("options: %s", err);
  }
  n_cases++;
  nl_note *n = nl_note_parse("Tasks.md", text, strlen(text));
  const json_t *exp = json_object_get(c, "expect");
  int bad = 0;
  if (n == NULL) {
    bad = 1;
  } else if (json_is_null(exp)) {
    if (n->n_tasks != 0) {
      fprintf(stderr, "  case \"%s\": a task, want none\n", case_name);
      bad = 1;
    }
  } else if (n->n_tasks == 0) {
    fprintf(stderr, "  case \"%s\": no task\n", case_name);
    bad = 1;
  } else {
    const nl_task *t = &n->tasks[0];
    const char *line = text + 0;
    for (uint32_t l = 0; l < t->line; l++) line = strchr(line, '\n') + 1;
    bad = check_fields(t, &cfg->tasks, exp);
    const json_t *cmp = json_object_get(c, "complete");
    if (!bad && cmp != NULL) bad = check_complete(t, line, cmp);
  }
  nl_note_free(n);
  nl_config_free(cfg);
  return bad;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_cases(void) {
  const char *dir = NL_TEST_DATA "/../tasks/cases";
  DIR *d = opendir(dir);
  ASSERT(d != NULL);
  char *names[256];
  size_t nn = 0;
  struct dirent *de;
  while ((de = readdir(d)) != NULL && nn < 256) {
    size_t l = strlen(de->d_name);
    if (l > 5 && strcmp(de->d_name + l - 5, ".json") == 0) names[nn++] = strdup(de->d_name);
  }
  closedir(d);
  qsort(names, nn, sizeof(*names), by_name);
  int failed = 0;
  for (size_t i = 0; i < nn; i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    json_error_t je;
    json_t *doc = json_load_file(path, 0, &je);
    if (doc == NULL) {
      fprintf(stderr, "%s:%d: %s\n", path, je.line, je.text);
      failed++;
    }
    const json_t *cases = json_object_get(doc, "cases");
    size_t k;
    const json_t *c;
    int before = failed;
    json_array_foreach(cases, k, c) failed += run_case(c);
    fprintf(stderr, "%s %s (%zu cases)\n", failed == before ? "ok  " : "FAIL", names[i],
            json_array_size(cases));
    json_decref(doc);
    free(names[i]);
  }
  ASSERT_EQ(failed, 0);
  ASSERT(n_cases >= 60);
}

int main(void) {
  RUN(test_cases);
  fprintf(stderr, "%d task cases\n", n_cases);
  return NL_TEST_DONE();
}
