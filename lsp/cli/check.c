/* check.c: `notes-lsp check`. The same index and the same diagnostics as the server, run once
 * over a vault on a private loop, printed in compiler style or as JSON. */
#include "lsp/cli/check.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "lsp/cli/vault.h"
#include "lsp/index/config.h"
#include "lsp/index/diagnose.h"
#include "lsp/index/workspace.h"
#include "lsp/server/text.h"
#include "protocol/lsp_types.h"

static const char usage[] =
    "usage: notes-lsp check [--today YYYY-MM-DD] [--format text|json]\n"
    "                       [--fail-on error|warning|information|hint] [DIR]\n";

typedef struct {
  const char *dir;
  int has_today;
  int32_t today;
  int json;
  int fail_on; /* NL_SEV_*: fail when a diagnostic is this severe or more */
} options;

/* ---- arguments --------------------------------------------------------------------------- */

static int usage_error(FILE *err, const char *fmt_, const char *arg) {
  fprintf(err, "notes-lsp check: ");
  fprintf(err, fmt_, arg);
  fprintf(err, "\n%s", usage);
  return 2;
}

static int parse_severity(const char *s) {
  static const char *const names[] = {"error", "warning", "information", "hint"};
  for (int i = 0; i < 4; i++)
    if (strcmp(s, names[i]) == 0) return i + 1;
  if (strcmp(s, "info") == 0) return NL_SEV_INFORMATION;
  return 0;
}

/* Returns -1 to go on, else the exit status (0 for --help). */
static int parse_args(int argc, char **argv, options *o, FILE *out, FILE *err) {
  memset(o, 0, sizeof *o);
  o->fail_on = NL_SEV_WARNING;
  int positional_only = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = NULL;
    if (!positional_only && (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)) {
      fputs(usage, out);
      return 0;
    } else if (!positional_only && strcmp(a, "--") == 0) {
      positional_only = 1;
    } else if (!positional_only && nl_cli_option(argc, argv, &i, "--today", &v)) {
      if (v == NULL)
        return usage_error(err, "%s needs a value", "--today");
      if (nl_date_parse(v, strlen(v), &o->today) < 0)
        return usage_error(err, "--today: expected a date YYYY-MM-DD, got '%s'", v);
      o->has_today = 1;
    } else if (!positional_only && nl_cli_option(argc, argv, &i, "--format", &v)) {
      if (v == NULL)
        return usage_error(err, "%s needs a value", "--format");
      if (strcmp(v, "json") != 0 && strcmp(v, "text") != 0)
        return usage_error(err, "--format: expected text or json, got '%s'", v);
      o->json = strcmp(v, "json") == 0;
    } else if (!positional_only && nl_cli_option(argc, argv, &i, "--fail-on", &v)) {
      if (v == NULL)
        return usage_error(err, "%s needs a value", "--fail-on");
      if ((o->fail_on = parse_severity(v)) == 0)
        return usage_error(err, "--fail-on: expected error, warning, information or hint, got '%s'",
                           v);
    } else if (!positional_only && a[0] == '-' && a[1] != '\0') {
      return usage_error(err, "unknown option '%s'", a);
    } else if (o->dir != NULL) {
      return usage_error(err, "more than one folder given ('%s')", a);
    } else {
      o->dir = a;
    }
  }
  if (o->dir == NULL) o->dir = ".";
  return -1;
}

/* ---- the index --------------------------------------------------------------------------- */

static int by_rel(const void *a, const void *b) {
  const nl_entry *x = *(nl_entry *const *)a, *y = *(nl_entry *const *)b;
  return strcmp(x->rel, y->rel);
}

/* ---- output ------------------------------------------------------------------------------ */

typedef struct {
  size_t count[5]; /* by severity */
  int failed;
  json_t *items;   /* --format json */
} report;

/* Invalid bytes become U+FFFD, so a note with broken bytes still gives a valid document. */
static json_t *json_str(const char *s) { return nl_lsp_string_lossy(s, strlen(s)); }

static void emit_text(FILE *out, const nl_workspace *ws, const nl_entry *e, const nl_diag *d) {
  fprintf(out, "%s:%u:%u: %s: %s [%s]\n", e->rel, d->range.start.line + 1,
          d->range.start.col + 1, nl_diag_severity_name(d->severity), d->message, d->code);
  (void)ws;
}

static json_t *emit_json(const nl_workspace *ws, const nl_entry *e, const nl_diag *d) {
  json_t *j = json_pack("{s:o, s:i, s:i, s:i, s:i, s:s, s:s, s:o}", "path", json_str(e->rel),
                        "line", (json_int_t)d->range.start.line + 1, "column",
                        (json_int_t)d->range.start.col + 1, "endLine",
                        (json_int_t)d->range.end.line + 1, "endColumn",
                        (json_int_t)d->range.end.col + 1, "severity",
                        nl_diag_severity_name(d->severity), "code", d->code, "message",
                        json_str(d->message));
  if (j == NULL || d->n_related == 0) return j;
  json_t *rel = json_array();
  for (size_t i = 0; rel != NULL && i < d->n_related; i++) {
    const nl_entry *o = nl_ws_get(ws, d->related[i].entry);
    if (o == NULL) continue;
    json_array_append_new(rel, json_pack("{s:o, s:o}", "path", json_str(o->rel), "message",
                                         json_str(d->related[i].message)));
  }
  if (rel != NULL) json_object_set_new(j, "related", rel);
  return j;
}

static void print_summary(FILE *out, const report *r, size_t notes) {
  size_t e = r->count[NL_SEV_ERROR], w = r->count[NL_SEV_WARNING];
  fprintf(out, "%zu error%s, %zu warning%s, %zu information", e, e == 1 ? "" : "s", w,
          w == 1 ? "" : "s", r->count[NL_SEV_INFORMATION]);
  if (r->count[NL_SEV_HINT] > 0)
    fprintf(out, ", %zu hint%s", r->count[NL_SEV_HINT], r->count[NL_SEV_HINT] == 1 ? "" : "s");
  fprintf(out, " in %zu note%s\n", notes, notes == 1 ? "" : "s");
}

static void print_json(FILE *out, report *r, size_t notes) {
  json_t *doc = json_pack("{s:o, s:{s:i, s:i, s:i, s:i, s:i}}", "diagnostics", r->items,
                          "summary", "errors", (json_int_t)r->count[NL_SEV_ERROR], "warnings",
                          (json_int_t)r->count[NL_SEV_WARNING], "information",
                          (json_int_t)r->count[NL_SEV_INFORMATION], "hints",
                          (json_int_t)r->count[NL_SEV_HINT], "notes", (json_int_t)notes);
  r->items = NULL;
  if (doc == NULL) return;
  json_dumpf(doc, out, JSON_INDENT(2));
  fputc('\n', out);
  json_decref(doc);
}

/* Diagnoses every note of the scanned index in path order. Returns 0, or -1 when out of
 * memory. */
static int check_notes(const nl_workspace *ws, const options *o, int32_t today, FILE *out,
                       report *r, size_t *n_notes) {
  uint32_t limit = nl_ws_id_limit(ws);
  nl_entry **es = malloc((limit ? limit : 1) * sizeof *es);
  if (es == NULL) return -1;
  size_t n = 0;
  for (uint32_t id = 0; id < limit; id++) {
    nl_entry *e = nl_ws_get(ws, id);
    if (e != NULL && e->note != NULL && e->rel != NULL) es[n++] = e;
  }
  qsort(es, n, sizeof *es, by_rel);
  *n_notes = n;
  int rc = 0;
  for (size_t i = 0; i < n; i++) {
    nl_text t;
    nl_text_load(&t, NULL, es[i]); /* gone since the scan: no mojibake check */
    size_t len = 0;
    const char *body = nl_text_body(&t, &len);
    nl_diag_list list;
    nl_diag_list_init(&list);
    if (nl_diagnose(ws, es[i], body, len, today, &list) < 0) rc = -1;
    for (size_t k = 0; k < list.n; k++) {
      const nl_diag *d = &list.items[k];
      if (d->severity >= 1 && d->severity <= 4) r->count[d->severity]++;
      if (d->severity <= o->fail_on) r->failed = 1;
      if (o->json) {
        json_t *j = emit_json(ws, es[i], d);
        if (j != NULL) json_array_append_new(r->items, j);
      } else {
        emit_text(out, ws, es[i], d);
      }
    }
    nl_diag_list_free(&list);
    nl_text_free(&t);
  }
  free(es);
  return rc;
}

/* ---- the job ----------------------------------------------------------------------------- */

static int run_job(const options *o, nl_cli_vault *v, FILE *out, FILE *err) {
  int32_t today = o->has_today ? o->today : nl_config_today(v->cfg);
  report r = {{0}, 0, NULL};
  if (o->json && (r.items = json_array()) == NULL) return 2;
  size_t notes = 0;
  if (check_notes(v->ws, o, today, out, &r, &notes) < 0) {
    fprintf(err, "notes-lsp check: out of memory\n");
    json_decref(r.items);
    return 2;
  }
  if (o->json)
    print_json(out, &r, notes);
  else
    print_summary(out, &r, notes);
  fflush(out);
  int status = r.failed ? 1 : 0;
  /* A report that silently skipped part of the vault would read as clean. */
  size_t unreadable = nl_ws_unreadable(v->ws);
  if (unreadable > 0) {
    fprintf(err, "notes-lsp check: %zu folder%s or note%s of '%s' could not be read (reasons above)\n",
            unreadable, unreadable == 1 ? "" : "s", unreadable == 1 ? "" : "s", v->root);
    status = 2;
  }
  return status;
}

int nl_check_run(int argc, char **argv, FILE *out, FILE *err) {
  options o;
  int rc = parse_args(argc, argv, &o, out, err);
  if (rc >= 0) return rc;
  nl_cli_vault v;
  rc = nl_cli_vault_open(&v, "check", o.dir, err);
  if (rc == 0) rc = run_job(&o, &v, out, err);
  nl_cli_vault_close(&v);
  return rc;
}

int nl_check_main(int argc, char **argv) { return nl_check_run(argc, argv, stdout, stderr); }
