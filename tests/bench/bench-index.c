/* bench-index: indexes a vault the way the server does (thread-pool scan, merge on the loop)
 * and reports, as one JSON line: time to a complete index, peak RSS, and the time to re-index
 * one edited note. A benchmark, not a test: ctest does not run it.
 *
 *   bench-index VAULT [EDITS]
 *
 * With VAULT/.bench.json (from gen_vault.py) it also times, in process, completion inside
 * "[[Que" (the first three letters of the probe person) and workspace/symbol for the probe
 * person: the handler's own time, without the client's; then, on a second line, the task views
 * (time_task_views). */
#define _GNU_SOURCE /* RUSAGE_THREAD */
#include <stdio.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <uv.h>

#include "lsp/index/config.h"
#include "lsp/client/context.h"
#include "lsp/features/features.h"
#include "lsp/index/workspace.h"
#include "protocol/lsp_types.h"
#include "protocol/rpc.h"
#include "../note_dump.h"

static int ready;

static int woken;
static void on_wake(void *ud) { woken = 1; }

static void on_progress(nl_workspace *ws, void *ud, size_t done, size_t total, int finished) {
  if (finished) ready = 1;
}

static void no_tag(void *ud, const char *tag, size_t count) {}

static double cpu_s(const struct rusage *ru) {
  return (double)ru->ru_utime.tv_sec + (double)ru->ru_utime.tv_usec / 1e6 +
         (double)ru->ru_stime.tv_sec + (double)ru->ru_stime.tv_usec / 1e6;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 64);
  if (buf != NULL) *len = fread(buf, 1, (size_t)n, f);
  fclose(f);
  return buf;
}

/* p50 and p95 in ms of `n` calls of a feature handler on params. */
static void time_handler(nl_handler_fn fn, const nl_ctx *ctx, json_t *params, int n, double *p50,
                         double *p95, size_t *items) {
  uint64_t *t = calloc((size_t)n, sizeof(*t));
  *items = 0;
  for (int i = 0; i < n && t != NULL; i++) {
    json_t *res = NULL;
    char err[256];
    uint64_t s = uv_hrtime();
    int rc = fn(ctx, params, &res, err, sizeof(err));
    t[i] = uv_hrtime() - s;
    nl_ctx_result_tree(rc, &res); /* an answer written as text, as values to count */
    json_t *list = json_is_array(res) ? res : json_object_get(res, "items");
    *items = json_array_size(list);
    if (getenv("BENCH_ENCODE") != NULL) {
      size_t len;
      uint64_t e0 = uv_hrtime();
      char *wire = nl_rpc_encode(res, &len);
      if (i == 0) fprintf(stderr, "encode %zu bytes in %.3f ms\n", len, (double)(uv_hrtime() - e0) / 1e6);
      free(wire);
    }
    json_decref(res);
  }
  if (t != NULL) qsort(t, (size_t)n, sizeof(*t), cmp_u64);
  *p50 = t != NULL ? (double)t[n / 2] / 1e6 : -1;
  *p95 = t != NULL ? (double)t[n * 95 / 100] / 1e6 : -1;
  free(t);
}

static void time_task_views(nl_workspace *ws, const char *root, const json_t *meta);

static size_t str_bytes(const char *s) { return s != NULL ? strlen(s) + 1 : 0; }

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The bytes of a note's strings counted once per distinct text (and once per address). */
static size_t unique_str_bytes(const nl_note *n) {
  size_t cap = 64, k = 0, sum = 0;
  const char **v = malloc(cap * sizeof(*v));
#define PUT(s) do { if ((s) != NULL) { if (k == cap) v = realloc(v, (cap *= 2) * sizeof(*v)); v[k++] = (s); } } while (0)
  for (size_t i = 0; i < n->fm.n_entries; i++) {
    PUT(n->fm.entries[i].key);
    for (size_t j = 0; j < n->fm.entries[i].n_items; j++) PUT(n->fm.entries[i].items[j].text);
  }
  PUT(n->fm.error_message);
  for (size_t i = 0; i < n->n_headings; i++) PUT(n->headings[i].text);
  for (size_t i = 0; i < n->n_blocks; i++) PUT(n->blocks[i].id);
  for (size_t i = 0; i < n->n_links; i++) {
    PUT(n->links[i].target); PUT(nl_link_heading(&n->links[i])); PUT(nl_link_block(&n->links[i]));
    PUT(nl_link_alias(&n->links[i]));
  }
  for (size_t i = 0; i < n->n_tags; i++) PUT(n->tags[i].name);
  for (size_t i = 0; i < n->n_mentions; i++) PUT(n->mentions[i].tail);
  for (size_t i = 0; i < n->n_tasks; i++) {
    const nl_task *t = &n->tasks[i];
    PUT(t->description); PUT(nl_task_recurrence(t)); PUT(nl_task_id(t)); PUT(nl_task_block_id(t));
    for (uint32_t j = 0; j < nl_task_n_depends_on(t); j++) PUT(nl_task_depends_on(t, j));
  }
#undef PUT
  qsort(v, k, sizeof(*v), cmp_str);
  for (size_t i = 0; i < k; i++)
    if (i == 0 || strcmp(v[i], v[i - 1]) != 0) sum += strlen(v[i]) + 1;
  free(v);
  return sum;
}

/* With BENCH_BREAKDOWN set: where the parsed notes' bytes go, as one JSON line (MiB of
 * fixed-size records by array; strings summed over the fields that point to them). */
static void breakdown(nl_workspace *ws) {
  enum { TASKS, LINKS, TAGS, MENTIONS, HEADINGS, BLOCKS, CODE, COLS, FM, STR_TASK, STR_LINK,
         STR_TAG, STR_MENTION, STR_HEADING, STR_FM, WIDE, NOTE, STR_UNIQUE, N_PARTS };
  static const char *names[N_PARTS] = {"tasks", "links", "tags", "mentions", "headings",
    "blocks", "code", "cols", "fm", "str_task", "str_link", "str_tag", "str_mention",
    "str_heading", "str_fm", "wide", "note_struct", "str_unique"};
  size_t b[N_PARTS] = {0}, n_tasks = 0, n_dates = 0, n_more = 0;
  size_t c[6] = {0}; /* fm entries, fm items, links, headings, tags, cols */
  for (uint32_t i = 0; i < nl_ws_id_limit(ws); i++) {
    nl_entry *e = nl_ws_get(ws, i);
    if (e == NULL) continue;
    const nl_note *n = e->note;
    b[NOTE] += sizeof(*n);
    b[STR_UNIQUE] += unique_str_bytes(n);
    b[WIDE] += n->wide != NULL ? (n->n_lines + 7) / 8 : 0;
    b[TASKS] += n->n_tasks * sizeof(nl_task);
    n_tasks += n->n_tasks;
    for (size_t k = 0; k < n->n_tasks; k++) {
      const nl_task *t = &n->tasks[k];
      if (t->more != NULL) b[TASKS] += sizeof(nl_task_more);
      n_dates += t->n_dates;
      n_more += t->more != NULL;
      b[STR_TASK] += str_bytes(t->description) + str_bytes(nl_task_recurrence(t)) +
                     str_bytes(nl_task_id(t)) +
                     str_bytes(nl_task_block_id(t)) + nl_task_n_depends_on(t) * sizeof(char *);
      for (uint32_t j = 0; j < nl_task_n_depends_on(t); j++)
        b[STR_TASK] += str_bytes(nl_task_depends_on(t, j));
    }
    b[LINKS] += n->n_links * sizeof(nl_link);
    for (size_t k = 0; k < n->n_links; k++) {
      b[LINKS] += n->links[k].spread ? sizeof(nl_link_spread)
               : n->links[k].more != NULL ? sizeof(nl_link_more) : 0;
      b[STR_LINK] += str_bytes(n->links[k].target) + str_bytes(nl_link_heading(&n->links[k])) +
                     str_bytes(nl_link_block(&n->links[k])) + str_bytes(nl_link_alias(&n->links[k]));
    }
    b[TAGS] += n->n_tags * sizeof(nl_tag);
    for (size_t k = 0; k < n->n_tags; k++) b[STR_TAG] += str_bytes(n->tags[k].name);
    b[MENTIONS] += n->n_mentions * sizeof(nl_mention);
    for (size_t k = 0; k < n->n_mentions; k++)
      b[STR_MENTION] += str_bytes(n->mentions[k].tail);
    b[HEADINGS] += n->n_headings * sizeof(nl_heading);
    for (size_t k = 0; k < n->n_headings; k++)
      b[STR_HEADING] += str_bytes(n->headings[k].text);
    b[BLOCKS] += n->n_blocks * sizeof(nl_block_id);
    b[CODE] += n->n_code * sizeof(nl_brange);
    b[COLS] += n->n_cols * sizeof(nl_note_col);
    b[FM] += n->fm.n_entries * sizeof(nl_fm_entry);
    c[0] += n->fm.n_entries;
    c[2] += n->n_links;
    c[3] += n->n_headings;
    c[4] += n->n_tags;
    c[5] += n->n_cols;
    for (size_t k = 0; k < n->fm.n_entries; k++) {
      b[FM] += n->fm.entries[k].n_items * sizeof(nl_fm_scalar);
      c[1] += n->fm.entries[k].n_items;
      b[STR_FM] += str_bytes(n->fm.entries[k].key);
      for (size_t j = 0; j < n->fm.entries[k].n_items; j++)
        b[STR_FM] += str_bytes(n->fm.entries[k].items[j].text);
    }
  }
  struct mallinfo2 mi = mallinfo2();
  size_t parsed = 0;
  for (uint32_t i = 0; i < nl_ws_id_limit(ws); i++)
    if (nl_ws_get(ws, i) != NULL) parsed += nl_ws_get(ws, i)->note->arena.used;
  printf("{\"heap_in_use_mib\":%.1f,\"heap_free_mib\":%.1f,\"mmap_mib\":%.1f,\"parsed_mib\":%.1f,"
         "\"sizeof_task\":%zu,\"tasks_n\":%zu",
         (double)mi.uordblks / 1048576.0, (double)mi.fordblks / 1048576.0,
         (double)mi.hblkhd / 1048576.0, (double)parsed / 1048576.0, sizeof(nl_task), n_tasks);
  for (int k = 0; k < N_PARTS; k++) printf(",\"%s_mib\":%.1f", names[k], (double)b[k] / 1048576.0);
  printf(",\"dates_n\":%zu,\"task_more_n\":%zu,\"fm_entries_n\":%zu,\"fm_items_n\":%zu,"
         "\"links_n\":%zu,\"headings_n\":%zu,\"tags_n\":%zu,\"cols_n\":%zu",
         n_dates, n_more, c[0], c[1], c[2], c[3], c[4], c[5]);
  printf("}\n");
}

static int cmp_entry_abs(const void *a, const void *b) {
  return strcmp((*(nl_entry *const *)a)->abs, (*(nl_entry *const *)b)->abs);
}

/* The index's entries in path order (new: free(); NULL when out of memory), *n of them. */
static nl_entry **by_path(nl_workspace *ws, size_t *n) {
  nl_entry **all = calloc(nl_ws_id_limit(ws) + 1, sizeof(*all));
  for (uint32_t i = 0; all != NULL && i < nl_ws_id_limit(ws); i++)
    if (nl_ws_get(ws, i) != NULL) all[(*n)++] = nl_ws_get(ws, i);
  if (all != NULL) qsort(all, *n, sizeof(*all), cmp_entry_abs);
  return all;
}

/* With BENCH_DUMP=FILE: every parsed note, every field and range (tests/note_dump.h), in path
 * order, so that two builds' parses of a vault can be compared with cmp. */
static int dump_all(nl_workspace *ws, const char *file) {
  FILE *f = fopen(file, "w");
  if (f == NULL) return -1;
  size_t n = 0;
  nl_entry **all = by_path(ws, &n);
  for (size_t i = 0; i < n; i++) {
    char *d = note_dump(all[i]->note);
    const nl_note *note = all[i]->note;
    fprintf(f, "== %s kind=%d\n%s", all[i]->rel, (int)all[i]->kind, d != NULL ? d : "");
    free(d);
    for (uint32_t k = 0; note->wide != NULL && k < note->n_lines; k++)
      if (note->wide[k >> 3] >> (k & 7) & 1) fprintf(f, "wide %u\n", k);
    for (uint32_t k = 0; k < note->n_cols; k++)
      fprintf(f, "col %u:%u %u %u\n", note->cols[k].line, note->cols[k].col, note->cols[k].d16, note->cols[k].d32);
  }
  free(all);
  return fclose(f);
}

static int cmp_ref_line(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct {
  char **lines;
  size_t n, cap;
} line_list;

static void list_tag(void *ud, const char *tag, size_t count) {
  line_list *l = ud;
  if (l->n == l->cap) {
    l->cap = l->cap ? l->cap * 2 : 64;
    l->lines = realloc(l->lines, l->cap * sizeof(*l->lines));
  }
  if (asprintf(&l->lines[l->n], "tag %s %zu", tag, count) >= 0) l->n++;
}

/* BENCH_REFS_DUMP: every note's references (links, mentions, frontmatter names, account tags:
 * "from-path item"), sorted, then the tags' counts, sorted, to compare how the maps were
 * built (whatever order the notes merged in). */
static int dump_refs(nl_workspace *ws, const char *file) {
  FILE *f = fopen(file, "w");
  if (f == NULL) return -1;
  size_t n = 0;
  nl_entry **all = by_path(ws, &n);
  ptrdiff_t (*const search[4])(const nl_workspace *, const nl_entry *, nl_ref **) = {
      nl_ws_backlinks, nl_ws_mentions_of, nl_ws_fm_refs_of, nl_ws_account_tags_of};
  for (size_t i = 0; i < n; i++) {
    for (int s = 0; s < 4; s++) {
      nl_ref *refs = NULL;
      ptrdiff_t k = search[s](ws, all[i], &refs);
      char **lines = k > 0 ? calloc((size_t)k, sizeof(*lines)) : NULL;
      for (ptrdiff_t j = 0; lines != NULL && j < k; j++)
        if (asprintf(&lines[j], "%s %u", nl_ws_get(ws, refs[j].from)->rel, refs[j].link) < 0)
          lines[j] = NULL;
      if (lines != NULL) qsort(lines, (size_t)k, sizeof(*lines), cmp_ref_line);
      fprintf(f, "== %s %d %td\n", all[i]->rel, s, k);
      for (ptrdiff_t j = 0; lines != NULL && j < k; j++) {
        fprintf(f, "%s\n", lines[j] != NULL ? lines[j] : "?");
        free(lines[j]);
      }
      free(lines);
      free(refs);
    }
  }
  line_list tags = {0};
  nl_ws_foreach_tag(ws, -1, list_tag, &tags);
  qsort(tags.lines, tags.n, sizeof(*tags.lines), cmp_ref_line);
  for (size_t i = 0; i < tags.n; i++) {
    fprintf(f, "%s\n", tags.lines[i]);
    free(tags.lines[i]);
  }
  free(tags.lines);
  free(all);
  return fclose(f);
}

static void time_features(nl_workspace *ws, const char *root) {
  char path[4096];
  snprintf(path, sizeof(path), "%s/.bench.json", root);
  json_t *meta = json_load_file(path, 0, NULL);
  const char *person = json_string_value(json_object_get(json_object_get(meta, "probe"), "person"));
  if (person == NULL || strlen(person) < 3) {
    json_decref(meta);
    return;
  }
  nl_docs *docs = nl_docs_new();
  snprintf(path, sizeof(path), "%s/bench-probe.md", root);
  char *uri = nl_path_to_uri(path);
  nl_client_caps caps = {0};
  nl_ctx ctx = {ws, docs, NL_ENC_UTF16, 0, &caps, NULL, NULL, NULL, NULL};
  /* "[[" alone, one letter and three letters of the probe person. */
  printf("{");
  for (int typed = 0; typed <= 3; typed += typed == 0 ? 1 : 2) {
    char text[64];
    snprintf(text, sizeof(text), "[[%.*s", typed, person);
    nl_docs_open(docs, uri, 1, text, strlen(text));
    json_t *cp = json_pack("{s:{s:s},s:{s:i,s:i}}", "textDocument", "uri", uri, "position",
                           "line", 0, "character", 2 + typed);
    double c50, c95;
    size_t citems;
    time_handler(nl_feature_completion, &ctx, cp, 100, &c50, &c95, &citems);
    printf("\"completion_%d_ms_p50\":%.3f,\"completion_%d_ms_p95\":%.3f,\"completion_%d_items\":%zu,",
           typed, c50, typed, c95, typed, citems);
    json_decref(cp);
  }
  json_t *sp = json_pack("{s:s}", "query", person);
  double s50, s95;
  size_t sitems;
  time_handler(nl_feature_workspace_symbol, &ctx, sp, 200, &s50, &s95, &sitems);
  printf("\"symbol_ms_p50\":%.3f,\"symbol_ms_p95\":%.3f,\"symbol_items\":%zu}\n", s50, s95,
         sitems);
  json_decref(sp);
  free(uri);
  nl_docs_free(docs);
  time_task_views(ws, root, meta);
  json_decref(meta);
}

/* One JSON line: the task views at this size (issue #9's targets): the task query through the
 * notes-lsp.tasks handler (engine and JSON) for the whole vault and for selective filters, the
 * code lenses of the probe person and account (with resolve), the inlay hints of the probe
 * meeting, and one workspace/diagnostic over the whole vault. */
static void time_one(const char *name, nl_handler_fn fn, const nl_ctx *ctx, json_t *params, int n,
                     int *first) {
  double p50, p95;
  size_t items;
  time_handler(fn, ctx, params, n, &p50, &p95, &items);
  printf("%s\"%s_ms_p50\":%.3f,\"%s_ms_p95\":%.3f,\"%s_items\":%zu", *first ? "" : ",", name,
         p50, name, p95, name, items);
  *first = 0;
  json_decref(params);
}

static json_t *tasks_params(json_t *filters) {
  return json_pack("{s:s, s:[o]}", "command", "notes-lsp.tasks", "arguments", filters);
}

/* codeLens/resolve of the first lens of a note (params are the lens). */
static json_t *first_lens(const nl_ctx *ctx, const char *uri) {
  json_t *res = NULL;
  char err[256];
  json_t *p = json_pack("{s:{s:s}}", "textDocument", "uri", uri);
  nl_feature_code_lens(ctx, p, &res, err, sizeof err);
  json_decref(p);
  json_t *lens = json_incref(json_array_get(res, 0));
  json_decref(res);
  return lens != NULL ? lens : json_object();
}

static void time_task_views(nl_workspace *ws, const char *root, const json_t *meta) {
  const json_t *probe = json_object_get(meta, "probe");
  const char *person = json_string_value(json_object_get(probe, "person"));
  const char *account = json_string_value(json_object_get(probe, "account"));
  char path[4096];
  nl_docs *docs = nl_docs_new();
  nl_client_caps caps = {0};
  nl_ctx ctx = {ws, docs, NL_ENC_UTF16, 20407 /* 2025-11-15 */, &caps, NULL, NULL, NULL, NULL};
  char *uri[3] = {NULL, NULL, NULL};
  const char *keys[3] = {"person_path", "account_path", "note"};
  for (int i = 0; i < 3; i++) {
    snprintf(path, sizeof path, "%s/%s", root, json_string_value(json_object_get(probe, keys[i])));
    uri[i] = nl_path_to_uri(path);
    size_t len = 0;
    char *text = slurp(path, &len);
    if (text != NULL) nl_docs_open(docs, uri[i], 1, text, len); /* the editor has them open */
    free(text);
  }
  int first = 1;
  printf("{\"task_views\":%zu,", nl_ws_count(ws));
  first = 1;
  time_one("tasks_all", nl_feature_tasks_command, &ctx, tasks_params(json_object()), 5, &first);
  time_one("tasks_all_limit100", nl_feature_tasks_command, &ctx,
           tasks_params(json_pack("{s:i}", "limit", 100)), 20, &first);
  time_one("tasks_me_overdue", nl_feature_tasks_command, &ctx,
           tasks_params(json_pack("{s:[s], s:b}", "owner", "me", "overdue", 1)), 20, &first);
  time_one("tasks_person", nl_feature_tasks_command, &ctx,
           tasks_params(json_pack("{s:[s]}", "owner", person)), 50, &first);
  time_one("tasks_account", nl_feature_tasks_command, &ctx,
           tasks_params(json_pack("{s:[s]}", "account", account)), 50, &first);
  time_one("tasks_overdue_high", nl_feature_tasks_command, &ctx,
           tasks_params(json_pack("{s:b, s:[s]}", "overdue", 1, "priority", "highest")), 20,
           &first);
  time_one("tasks_text", nl_feature_tasks_command, &ctx,
           tasks_params(json_pack("{s:s, s:i}", "text", "rollout plan", "limit", 200)), 10,
           &first);
  time_one("lens_person", nl_feature_code_lens, &ctx,
           json_pack("{s:{s:s}}", "textDocument", "uri", uri[0]), 200, &first);
  time_one("lens_resolve_person", nl_feature_code_lens_resolve, &ctx, first_lens(&ctx, uri[0]),
           200, &first);
  time_one("lens_resolve_account", nl_feature_code_lens_resolve, &ctx,
           first_lens(&ctx, uri[1]), 200, &first);
  time_one("lens_meeting", nl_feature_code_lens, &ctx,
           json_pack("{s:{s:s}}", "textDocument", "uri", uri[2]), 200, &first);
  time_one("inlay_meeting", nl_feature_inlay_hint, &ctx,
           json_pack("{s:{s:s}, s:{s:{s:i,s:i}, s:{s:i,s:i}}}", "textDocument", "uri", uri[2],
                     "range", "start", "line", 0, "character", 0, "end", "line", 200,
                     "character", 0),
           200, &first);
  time_one("workspace_diagnostic", nl_feature_workspace_diagnostic, &ctx,
           json_pack("{s:[]}", "previousResultIds"), 1, &first);
  printf("}\n");
  for (int i = 0; i < 3; i++) free(uri[i]);
  nl_docs_free(docs);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: bench-index VAULT [EDITS]\n");
    return 2;
  }
  int edits = argc > 2 ? atoi(argv[2]) : 200;
  char *root = realpath(argv[1], NULL);
  if (root == NULL) {
    fprintf(stderr, "bench-index: no such folder: %s\n", argv[1]);
    return 2;
  }
  nl_ws_size_thread_pool(); /* as the server does */
  uv_loop_t *loop = uv_default_loop();
  nl_config *cfg = nl_config_new();
  /* BENCH_MAX_NOTES lifts maxNotes, as run.sh does for the server, so 200,000 are indexed. */
  const char *max_notes = getenv("BENCH_MAX_NOTES");
  if (max_notes != NULL) cfg->max_notes = strtoul(max_notes, NULL, 10);
  nl_workspace *ws = nl_ws_new(loop, cfg);
  nl_ws_add_root(ws, root);
  /* With BENCH_CACHE_DIR the index cache is on: a second run measures a restart. */
  if (getenv("BENCH_CACHE_DIR") != NULL) nl_ws_set_cache_dir(ws, getenv("BENCH_CACHE_DIR"));
  uint64_t t0 = uv_hrtime();
  /* With BENCH_SLICES the notes are merged as the server merges them (a waker, 2 ms slices)
   * and what the scan defers is timed too: complete_s, complete_cpu_s. */
  int slices = getenv("BENCH_SLICES") != NULL;
  if (slices) nl_ws_set_waker(ws, on_wake, NULL);
  nl_ws_scan(ws, on_progress, NULL);
  while (slices && !ready) {
    uv_run(loop, UV_RUN_ONCE);
    while (woken && !ready) woken = nl_ws_merge(ws, 2000000);
  }
  uv_run(loop, UV_RUN_DEFAULT);
  uint64_t t1 = uv_hrtime();
  if (!ready) return 1;
  struct rusage ru0, ru_loop;
  getrusage(RUSAGE_SELF, &ru0);
  getrusage(RUSAGE_THREAD, &ru_loop); /* this thread runs the loop: the rest is the pool's */
  double ready_cpu = cpu_s(&ru0);
  while (slices && nl_ws_merge(ws, 2000000)) {
  }
  /* The reference maps may still be built on a thread of their own: a walk over the tags
   * joins it and installs them, as the first reference search does. */
  nl_ws_foreach_tag(ws, -1, no_tag, NULL);
  uint64_t t2 = uv_hrtime();
  struct rusage ru1, ru1_loop;
  getrusage(RUSAGE_SELF, &ru1);
  getrusage(RUSAGE_THREAD, &ru1_loop);
  if (getenv("BENCH_SCAN_ONLY") != NULL) {
    printf("{\"notes\":%zu,\"ready_s\":%.3f,\"ready_cpu_s\":%.3f,\"ready_loop_cpu_s\":%.3f,"
           "\"complete_s\":%.3f,\"complete_cpu_s\":%.3f,\"complete_loop_cpu_s\":%.3f,"
           "\"rss_peak_mib\":%.1f}\n",
           nl_ws_count(ws), (double)(t1 - t0) / 1e9, ready_cpu, cpu_s(&ru_loop),
           (double)(t2 - t0) / 1e9, cpu_s(&ru1), cpu_s(&ru1_loop), (double)ru0.ru_maxrss / 1024.0);
    if (getenv("BENCH_BREAKDOWN") != NULL) breakdown(ws);
    /* BENCH_SYMBOLS: the symbol table too, as the server builds it on its first
     * workspace/symbol (run.sh's first start asks one), and the peak RSS after it. */
    if (getenv("BENCH_SYMBOLS") != NULL) {
      nl_ws_symbol_table st;
      struct rusage r2;
      int rc = nl_ws_symbols(ws, &st);
      getrusage(RUSAGE_SELF, &r2);
      printf("{\"symbol_rows\":%zu,\"rss_peak_mib\":%.1f}\n", rc == 0 ? st.n : 0,
             (double)r2.ru_maxrss / 1024.0);
    }
    if (getenv("BENCH_DUMP") != NULL && dump_all(ws, getenv("BENCH_DUMP")) != 0) return 1;
    if (getenv("BENCH_REFS_DUMP") != NULL && dump_refs(ws, getenv("BENCH_REFS_DUMP")) != 0)
      return 1;
    return 0;
  }

  /* Re-index one note: the largest meeting note, edited by appending a line each time. */
  nl_entry *victim = NULL;
  for (uint32_t i = 0; i < nl_ws_id_limit(ws) && victim == NULL; i++) {
    nl_entry *e = nl_ws_get(ws, i);
    if (e != NULL && e->kind == NL_KIND_MEETING) victim = e;
  }
  if (victim == NULL) victim = nl_ws_get(ws, 0);
  size_t len = 0;
  char *text = victim != NULL ? slurp(victim->abs, &len) : NULL;
  uint64_t *times = calloc((size_t)edits, sizeof(*times));
  char *abs = victim != NULL ? strdup(victim->abs) : NULL;
  for (int i = 0; text != NULL && i < edits; i++) {
    size_t n = len + (size_t)snprintf(text + len, 64, "- [ ] edit %d @Myself\n", i);
    uint64_t s = uv_hrtime();
    nl_ws_update(ws, abs, text, n, 1);
    times[i] = uv_hrtime() - s;
  }
  qsort(times, (size_t)edits, sizeof(*times), cmp_u64);
  size_t parsed = 0;
  for (uint32_t i = 0; i < nl_ws_id_limit(ws); i++) {
    nl_entry *e = nl_ws_get(ws, i);
    if (e != NULL) parsed += e->note->arena.used;
  }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("{\"vault\":\"%s\",\"notes\":%zu,\"ready_s\":%.3f,\"rss_peak_mb\":%.1f,"
         "\"reindex_ms_p50\":%.3f,\"reindex_ms_p95\":%.3f,\"note_bytes\":%zu,"
         "\"parsed_mb\":%.1f}\n",
         root, nl_ws_count(ws), (double)(t1 - t0) / 1e9, (double)ru.ru_maxrss / 1024.0,
         edits > 0 ? (double)times[edits / 2] / 1e6 : 0.0,
         edits > 0 ? (double)times[edits * 95 / 100] / 1e6 : 0.0, len, (double)parsed / 1048576.0);
  if (getenv("BENCH_BREAKDOWN") != NULL) breakdown(ws);
  time_features(ws, root);
  free(times);
  free(text);
  free(abs);
  nl_ws_free(ws);
  nl_config_free(cfg);
  free(root);
  uv_loop_close(loop);
  return 0;
}
