/* tasks.c: `notes-lsp tasks`. Flags become one nl_tq_query; the engine runs it over the index
 * the vault's scan builds; this file only prints. */
#include "lsp/cli/tasks.h"

#include <stdlib.h>
#include <string.h>

#include "lsp/cli/vault.h"
#include "lsp/features/task_query.h"
#include "lsp/note/task.h"

static const char usage[] =
    "usage: notes-lsp tasks [--owner NAME]... [--account NAME]... [--status STATUS]...\n"
    "                       [--overdue] [--due-before DATE] [--due-after DATE]\n"
    "                       [--priority PRIORITY]... [--path GLOB] [--folder DIR]\n"
    "                       [--text WORDS]\n"
    "                       [--sort due|priority|path|owner] [--group-by owner|account]\n"
    "                       [--limit N] [--offset N] [--today YYYY-MM-DD]\n"
    "                       [--format text|json|markdown] [DIR]\n"
    "  STATUS: proposed, todo, in_progress, done, cancelled (default: the first three)\n"
    "  PRIORITY: highest, high, medium, normal, low, lowest\n"
    "  --owner me means the configured owner names\n";

enum { FORMAT_TEXT, FORMAT_JSON, FORMAT_MARKDOWN };

typedef struct {
  nl_tq_query q;
  const char *dir;
  int format;
} options;

/* ---- arguments --------------------------------------------------------------------------- */

static int usage_error(FILE *err, const char *fmt_, const char *arg) {
  return nl_cli_usage_error(err, "tasks", usage, fmt_, arg);
}

/* One option at argv[*i]; returns -1 to go on, else an exit status. Filter values are read by
 * the query's own parser (nl_tq_query_set), as the notes-lsp.tasks arguments are. */
static int parse_option(int argc, char **argv, int *i, options *o, FILE *err) {
  const char *a = argv[*i], *v = NULL;
  if (strcmp(a, "--overdue") == 0) {
    o->q.overdue = 1;
    return -1;
  }
  if (nl_cli_option(argc, argv, i, "--format", &v)) {
    if (v != NULL && strcmp(v, "text") == 0) o->format = FORMAT_TEXT;
    else if (v != NULL && strcmp(v, "json") == 0) o->format = FORMAT_JSON;
    else if (v != NULL && strcmp(v, "markdown") == 0) o->format = FORMAT_MARKDOWN;
    else return usage_error(err, "--format: expected text, json or markdown, got '%s'", v ? v : "");
    return -1;
  }
  size_t n;
  const nl_tq_filter_name *names = nl_tq_filter_names(&n);
  for (size_t k = 0; k < n; k++) {
    if (!nl_cli_option(argc, argv, i, names[k].flag, &v)) continue;
    if (v == NULL) return usage_error(err, "%s needs a value", names[k].flag);
    char why[256];
    if (nl_tq_query_set(&o->q, names[k].key, v, names[k].flag, why, sizeof why) < 0)
      return usage_error(err, "%s", why);
    return -1;
  }
  return usage_error(err, "unknown option '%s'", a);
}

/* Returns -1 to go on, else the exit status (0 for --help). */
static int parse_args(int argc, char **argv, options *o, FILE *out, FILE *err) {
  int positional_only = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!positional_only && (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)) {
      fputs(usage, out);
      return 0;
    }
    if (!positional_only && strcmp(a, "--") == 0) {
      positional_only = 1;
    } else if (!positional_only && a[0] == '-' && a[1] != '\0') {
      int rc = parse_option(argc, argv, &i, o, err);
      if (rc >= 0) return rc;
    } else if (nl_cli_folder(&o->dir, a) != 0) {
      return usage_error(err, "more than one folder given ('%s')", a);
    }
  }
  if (o->dir == NULL) o->dir = ".";
  return -1;
}

/* ---- text -------------------------------------------------------------------------------- */

static void print_owners(FILE *out, const nl_workspace *ws, const nl_tq_hit *h, const char *sep,
                         const char *prefix) {
  const nl_note *note = h->entry->note;
  uint32_t m0, n = nl_task_owners(note, h->task, &m0);
  for (uint32_t i = 0; i < n; i++) {
    char *name = nl_tq_owner_name(ws, h->entry, &note->mentions[m0 + i]);
    fprintf(out, "%s%s%s", i ? sep : "", prefix, name ? name : "");
    free(name);
  }
}

static void print_text_line(FILE *out, const nl_workspace *ws, const nl_tq_hit *h,
                            int32_t today) {
  const nl_task *t = h->task;
  char *plain = nl_tq_plain_description(ws, h->entry, t);
  fprintf(out, "%s:%u: [%s] %s", h->entry->rel, t->line + 1,
          nl_tq_status_name((nl_tq_status)h->status), plain ? plain : t->description);
  free(plain);
  const nl_task_date *due = nl_task_date_of(t, NL_DATE_DUE);
  int dated = due->present && due->valid;
  const char *prio = nl_tq_priority_name(t->priority);
  uint32_t m0;
  int any = nl_task_owners(h->entry->note, t, &m0) > 0;
  if (!any && !dated && prio == NULL) {
    fputc('\n', out);
    return;
  }
  fputs(" \xE2\x80\x94 ", out); /* em dash */
  print_owners(out, ws, h, " & ", "");
  if (dated) {
    char day[16], rel[48];
    nl_date_format(due->days, day);
    nl_tq_relative(due->days, today, h->overdue, rel, sizeof rel);
    fprintf(out, "%sdue %s (%s)", any ? ", " : "", day, rel);
    any = 1;
  }
  if (prio != NULL) fprintf(out, "%s%s", any ? ", " : "", prio);
  fputc('\n', out);
}

/* ---- markdown ---------------------------------------------------------------------------- */

/* The emoji Tasks itself writes for a field. */
static const char *emoji_of(nl_task_field_kind kind) {
  size_t n;
  const nl_task_emoji_def *defs = nl_task_emoji_table(&n);
  for (size_t i = 0; i < n; i++)
    if (defs[i].kind == kind && defs[i].canonical) return defs[i].emoji;
  return "";
}

/* One checklist item: the task as Obsidian Tasks writes it (description, then the fields in its
 * order), with a link to its note before the fields, since Tasks reads fields from the end. */
static void print_markdown_line(FILE *out, const nl_workspace *ws, const nl_tq_hit *h) {
  const nl_task *t = h->task;
  fprintf(out, "- [%s] %s", t->proposed & NL_PROPOSED_WIDE ? " ?" : t->symbol, t->description);
  const char *rel = h->entry->rel;
  size_t len = strlen(rel);
  if (len > 3 && strcmp(rel + len - 3, ".md") == 0) len -= 3;
  fprintf(out, " ([[%.*s|%s]])", (int)len, rel, h->entry->name);
  if (nl_task_id(t) != NULL) fprintf(out, " %s %s", emoji_of(NL_FIELD_ID), nl_task_id(t));
  if (nl_task_n_depends_on(t) > 0) {
    fprintf(out, " %s ", emoji_of(NL_FIELD_DEPENDS));
    for (uint32_t i = 0; i < nl_task_n_depends_on(t); i++)
      fprintf(out, "%s%s", i ? "," : "", nl_task_depends_on(t, i));
  }
  if (t->priority != NL_PRIORITY_NONE)
    fprintf(out, " %s", nl_task_priority_emoji((nl_priority)t->priority));
  const char *rule = nl_task_recurrence(t);
  if (rule != NULL) fprintf(out, " %s %s", emoji_of(NL_FIELD_RECURRENCE), rule);
  if (t->on_completion != NL_ON_COMPLETION_NONE)
    fprintf(out, " %s %s", emoji_of(NL_FIELD_ON_COMPLETION),
            t->on_completion == NL_ON_COMPLETION_KEEP ? "keep" : "delete");
  static const nl_date_field order[] = {NL_DATE_CREATED,   NL_DATE_START, NL_DATE_SCHEDULED,
                                        NL_DATE_DUE,       NL_DATE_CANCELLED, NL_DATE_DONE};
  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
    const nl_task_date *d = nl_task_date_of(t, order[i]);
    if (!d->present || !d->valid) continue;
    char day[16];
    nl_date_format(d->days, day);
    fprintf(out, " %s %s", nl_task_date_emoji(order[i]), day);
  }
  fputc('\n', out);
  (void)ws;
}

/* ---- the job ----------------------------------------------------------------------------- */

typedef void (*line_fn)(FILE *out, const nl_workspace *ws, const nl_tq_hit *h, int32_t today);

static void text_line(FILE *out, const nl_workspace *ws, const nl_tq_hit *h, int32_t today) {
  print_text_line(out, ws, h, today);
}

static void markdown_line(FILE *out, const nl_workspace *ws, const nl_tq_hit *h, int32_t today) {
  print_markdown_line(out, ws, h);
}

static const char *none_group(nl_tq_group g) {
  return g == NL_TQ_GROUP_OWNER ? "(no owner)" : "(no account)";
}

/* The whole match's groups, for the counts of a page's headers: the query again without the
 * limit and the offset. 0, or -1 when out of memory. */
static int whole_groups(const nl_workspace *ws, const nl_tq_query *q, int32_t today,
                        nl_tq_bucket **out, size_t *n) {
  nl_tq_query all = *q; /* borrows q's strings: never freed */
  all.limit = 0;
  all.offset = 0;
  nl_tq_result r;
  if (nl_tq_run(ws, &all, today, &r) < 0) return -1;
  int rc = nl_tq_group_hits(ws, &r, q->group, out, n);
  nl_tq_result_free(&r);
  return rc;
}

/* The tasks of the group named `name` (NULL: no owner or account) in the whole match. */
static size_t group_total(const nl_tq_bucket *bs, size_t n, const char *name) {
  for (size_t g = 0; g < n; g++)
    if (name == NULL ? bs[g].name == NULL : bs[g].name != NULL && strcmp(bs[g].name, name) == 0)
      return bs[g].n;
  return 0;
}

/* Groups with a header each: "Ana Ruiz (3)", or on a page that shows some of a group's tasks
 * "Ana Ruiz (1 of 3)", counting the whole match as the summary does. */
static int print_groups(FILE *out, const nl_workspace *ws, const nl_tq_query *q,
                        const nl_tq_result *r, int markdown) {
  line_fn line = markdown ? markdown_line : text_line;
  nl_tq_bucket *bs, *all = NULL;
  size_t nb, n_all = 0;
  if (nl_tq_group_hits(ws, r, q->group, &bs, &nb) < 0) return -1;
  if (!markdown && r->n < r->total && whole_groups(ws, q, r->today, &all, &n_all) < 0) {
    nl_tq_buckets_free(bs, nb);
    return -1;
  }
  for (size_t g = 0; g < nb; g++) {
    const char *name = bs[g].name ? bs[g].name : none_group(q->group);
    size_t total = all != NULL ? group_total(all, n_all, bs[g].name) : bs[g].n;
    if (markdown)
      fprintf(out, "%s## %s\n\n", g ? "\n" : "", name);
    else if (total > bs[g].n)
      fprintf(out, "%s%s (%zu of %zu)\n", g ? "\n" : "", name, bs[g].n, total);
    else
      fprintf(out, "%s%s (%zu)\n", g ? "\n" : "", name, bs[g].n);
    for (size_t k = 0; k < bs[g].n; k++) line(out, ws, &r->items[bs[g].idx[k]], r->today);
  }
  nl_tq_buckets_free(bs, nb);
  nl_tq_buckets_free(all, n_all);
  return 0;
}

static int print_lines(FILE *out, const nl_workspace *ws, const nl_tq_query *q,
                       const nl_tq_result *r, int markdown) {
  line_fn line = markdown ? markdown_line : text_line;
  if (q->group == NL_TQ_GROUP_NONE) {
    for (size_t i = 0; i < r->n; i++) line(out, ws, &r->items[i], r->today);
  } else if (print_groups(out, ws, q, r, markdown) < 0) {
    return -1;
  }
  if (markdown) return 0;
  if (q->group != NL_TQ_GROUP_NONE && r->n > 0) fputc('\n', out);
  if (r->n < r->total) fprintf(out, "%zu of ", r->n);
  fprintf(out, "%zu task%s, %zu overdue\n", r->total, r->total == 1 ? "" : "s",
          r->total_overdue);
  return 0;
}

/* Writes a piece of the JSON answer to the FILE in data (jansson's dump callback). */
static int write_out(const char *s, size_t len, void *data) {
  return fwrite(s, 1, len, data) == len ? 0 : -1;
}

static int run_query(const options *o, nl_cli_vault *v, FILE *out, FILE *err) {
  nl_tq_result r;
  if (nl_tq_run(v->ws, &o->q, nl_config_today(v->cfg), &r) < 0) {
    fprintf(err, "notes-lsp tasks: out of memory\n");
    return 2;
  }
  int rc = 0;
  if (o->format == FORMAT_JSON) {
    rc = nl_tq_result_dump(v->ws, NULL, NL_ENC_UTF16, &o->q, &r, write_out, out);
    if (rc == 0) fputc('\n', out);
  } else {
    rc = print_lines(out, v->ws, &o->q, &r, o->format == FORMAT_MARKDOWN);
  }
  nl_tq_result_free(&r);
  if (fflush(out) != 0 || ferror(out)) {
    fprintf(err, "notes-lsp tasks: cannot write the answer\n");
    return 2;
  }
  if (rc < 0) {
    fprintf(err, "notes-lsp tasks: out of memory\n");
    return 2;
  }
  return 0;
}

int nl_tasks_run(int argc, char **argv, FILE *out, FILE *err) {
  options o;
  memset(&o, 0, sizeof o);
  nl_tq_query_init(&o.q);
  int rc = parse_args(argc, argv, &o, out, err);
  if (rc < 0) {
    nl_cli_vault v;
    rc = nl_cli_vault_open(&v, "tasks", o.dir, err);
    if (rc == 0) rc = run_query(&o, &v, out, err);
    nl_cli_vault_close(&v);
  }
  nl_tq_query_free(&o.q);
  return rc;
}

int nl_tasks_main(int argc, char **argv) { return nl_tasks_run(argc, argv, stdout, stderr); }
