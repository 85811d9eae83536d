/* check.c: `notes-lsp check`. The same index and the same diagnostics as the server, run once
 * over a vault on a private loop, printed in compiler style or as JSON. */
#include "lsp/cli/check.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "lsp/cli/vault.h"
#include "lsp/index/config.h"
#include "lsp/note/columns.h"
#include "lsp/index/diagnose.h"
#include "lsp/index/workspace.h"
#include "lsp/client/text.h"
#include "protocol/lsp_types.h"

static const char usage[] =
    "usage: notes-lsp check [--today YYYY-MM-DD] [--format text|json|sarif]\n"
    "                       [--fail-on error|warning|information|hint]\n"
    "                       [--color auto|always|never] [DIR] [--changed FILE...]\n";

enum { FORMAT_TEXT, FORMAT_JSON, FORMAT_SARIF };
enum { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

typedef struct {
  const char *dir;
  int has_today;
  int32_t today;
  int format;  /* FORMAT_* */
  int fail_on; /* NL_SEV_*: fail when a diagnostic is this severe or more */
  int color;   /* COLOR_* */
  int changed; /* --changed: check only `files` */
  char **files; /* new array of borrowed argv strings */
  char **abs;   /* new array of new strings: files[i] resolved, sorted copy in `sorted` */
  char **sorted; /* new array of the abs strings (borrowed), by strcmp */
  size_t n_files;
} options;

/* ---- arguments --------------------------------------------------------------------------- */

static int usage_error(FILE *err, const char *fmt_, const char *arg) {
  return nl_cli_usage_error(err, "check", usage, fmt_, arg);
}

static int parse_severity(const char *s) {
  static const char *const names[] = {"error", "warning", "information", "hint"};
  for (int i = 0; i < 4; i++)
    if (strcmp(s, names[i]) == 0) return i + 1;
  if (strcmp(s, "info") == 0) return NL_SEV_INFORMATION;
  return 0;
}

static int parse_color(const char *s) {
  static const char *const names[] = {"auto", "always", "never"};
  for (int i = 0; i < 3; i++)
    if (strcmp(s, names[i]) == 0) return i;
  return -1;
}

/* Returns -1 to go on, else the exit status (0 for --help). o->files is allocated either way
 * (free it). */
static int parse_args(int argc, char **argv, options *o, FILE *out, FILE *err) {
  memset(o, 0, sizeof *o);
  o->fail_on = NL_SEV_WARNING;
  if ((o->files = calloc((size_t)argc + 1, sizeof *o->files)) == NULL) {
    fprintf(err, "notes-lsp check: out of memory\n");
    return 2;
  }
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
      if (strcmp(v, "text") == 0)
        o->format = FORMAT_TEXT;
      else if (strcmp(v, "json") == 0)
        o->format = FORMAT_JSON;
      else if (strcmp(v, "sarif") == 0)
        o->format = FORMAT_SARIF;
      else
        return usage_error(err, "--format: expected text, json or sarif, got '%s'", v);
    } else if (!positional_only && nl_cli_option(argc, argv, &i, "--fail-on", &v)) {
      if (v == NULL)
        return usage_error(err, "%s needs a value", "--fail-on");
      if ((o->fail_on = parse_severity(v)) == 0)
        return usage_error(err, "--fail-on: expected error, warning, information or hint, got '%s'",
                           v);
    } else if (!positional_only && nl_cli_option(argc, argv, &i, "--color", &v)) {
      if (v == NULL)
        return usage_error(err, "%s needs a value", "--color");
      if ((o->color = parse_color(v)) < 0)
        return usage_error(err, "--color: expected auto, always or never, got '%s'", v);
    } else if (!positional_only && strcmp(a, "--changed") == 0) {
      o->changed = 1;
    } else if (!positional_only && a[0] == '-' && a[1] != '\0') {
      return usage_error(err, "unknown option '%s'", a);
    } else if (o->changed) {
      o->files[o->n_files++] = (char *)a;
    } else if (nl_cli_folder(&o->dir, a) != 0) {
      return usage_error(err, "more than one folder given ('%s')", a);
    }
  }
  if (o->dir == NULL) o->dir = ".";
  return -1;
}

static int by_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Resolves the --changed files before the vault is indexed, so the scan keeps only their
 * bytes. Returns 0, or 2 after a message on err (a missing file, out of memory). */
static int resolve_changed(options *o, FILE *err) {
  if (o->n_files == 0) return 0;
  o->abs = calloc(o->n_files, sizeof *o->abs);
  o->sorted = calloc(o->n_files, sizeof *o->sorted);
  if (o->abs == NULL || o->sorted == NULL) {
    fprintf(err, "notes-lsp check: out of memory\n");
    return 2;
  }
  for (size_t i = 0; i < o->n_files; i++) {
    if ((o->abs[i] = realpath(o->files[i], NULL)) == NULL) {
      fprintf(err, "notes-lsp check: cannot open '%s': %s\n", o->files[i], strerror(errno));
      return 2;
    }
    o->sorted[i] = o->abs[i];
  }
  qsort(o->sorted, o->n_files, sizeof *o->sorted, by_str);
  return 0;
}

static void options_free(options *o) {
  for (size_t i = 0; o->abs != NULL && i < o->n_files; i++) free(o->abs[i]);
  free(o->abs);
  free(o->sorted);
  free(o->files);
}

/* ---- the terminal ------------------------------------------------------------------------ */

/* Colour only on a terminal that can show it, unless forced; https://no-color.org says a
 * non-empty NO_COLOR turns it off. */
static int use_color(int mode, FILE *out) {
  if (mode != COLOR_AUTO) return mode == COLOR_ALWAYS;
  const char *no = getenv("NO_COLOR"), *term = getenv("TERM");
  if ((no != NULL && no[0] != '\0') || (term != NULL && strcmp(term, "dumb") == 0)) return 0;
  return isatty(fileno(out));
}

/* A progress line on stderr, rewritten in place; only when stderr is a terminal, so pipes and
 * logs never see it. It holds no escape sequences: spaces erase it. */
typedef struct {
  FILE *err;
  int on;
  int width;        /* of the line now shown; 0 when none is */
  uint64_t last_ns; /* when it was last drawn */
} progress;

static void progress_init(progress *p, FILE *err) {
  const char *term = getenv("TERM");
  p->err = err;
  p->on = isatty(fileno(err)) && !(term != NULL && strcmp(term, "dumb") == 0);
  p->width = 0;
  p->last_ns = 0;
}

static void progress_show(progress *p, const char *what, size_t done, size_t total) {
  if (!p->on) return;
  uint64_t now = uv_hrtime();
  if (p->last_ns != 0 && now - p->last_ns < 100000000 && done < total) return; /* 10 a second */
  p->last_ns = now;
  char line[128];
  int n = snprintf(line, sizeof line, "notes-lsp check: %s %zu/%zu notes", what, done, total);
  fprintf(p->err, "\r%s%*s", line, p->width > n ? p->width - n : 0, "");
  fflush(p->err);
  p->width = n;
}

static void progress_clear(progress *p) {
  if (p->width == 0) return;
  fprintf(p->err, "\r%*s\r", p->width, "");
  fflush(p->err);
  p->width = 0;
}

/* ---- the index --------------------------------------------------------------------------- */

static int by_rel(const void *a, const void *b) {
  const nl_entry *x = *(nl_entry *const *)a, *y = *(nl_entry *const *)b;
  return strcmp(x->rel, y->rel);
}

/* The notes to check, sorted by path, into a new array in *out: every note, or with --changed
 * the indexed notes among o->files. Returns the count, or -1 when out of memory. A changed
 * file that is not a note of the vault (outside DIR, ignored, hidden, not markdown) is skipped
 * with a line on err. */
static ptrdiff_t select_notes(const nl_workspace *ws, const options *o, const char *root,
                              nl_entry ***out, FILE *err) {
  uint32_t limit = nl_ws_id_limit(ws);
  nl_entry **es = malloc((limit ? limit : 1) * sizeof *es);
  unsigned char *picked = calloc(limit ? limit : 1, 1);
  if (es == NULL || picked == NULL) {
    fprintf(err, "notes-lsp check: out of memory\n");
    free(es);
    free(picked);
    return -1;
  }
  size_t n = 0, root_len = strlen(root);
  for (size_t i = 0; i < o->n_files; i++) {
    const char *abs = o->abs[i];
    nl_entry *e = nl_ws_by_path(ws, abs);
    if (e == NULL || e->note == NULL || e->rel == NULL) {
      int inside = strncmp(abs, root, root_len) == 0 && abs[root_len] == '/';
      fprintf(err, "notes-lsp check: skipping '%s': %s\n", o->files[i],
              inside ? "not a note of the vault (ignored, hidden or not markdown)"
                     : "outside the vault");
      continue;
    }
    if (!picked[e->id]) es[n++] = e;
    picked[e->id] = 1;
  }
  for (uint32_t id = 0; !o->changed && id < limit; id++) {
    nl_entry *e = nl_ws_get(ws, id);
    if (e != NULL && e->note != NULL && e->rel != NULL) es[n++] = e;
  }
  free(picked);
  qsort(es, n, sizeof *es, by_rel);
  *out = es;
  return (ptrdiff_t)n;
}

/* ---- the notes' bytes, read once ---------------------------------------------------------- */

/* The scan reads every note to parse it; its bytes are kept here instead of being freed, so the
 * diagnostics (mojibake, the text of bad dates) and SARIF's UTF-16 columns need no second read
 * of the file. With --changed only the changed notes' bytes are kept. */
typedef struct {
  char *abs;  /* new */
  char *text; /* new, NUL-terminated */
  size_t len;
} kept_text;

typedef struct {
  uv_mutex_t lock; /* the scan's threads add at once */
  kept_text *items; /* sorted by abs once the scan is done */
  size_t n, cap;
  const options *o;
  progress *pg;
} job_state;

/* nl_ws_text_cb: runs on the scan's threads. */
static int keep_text(void *ud, const char *abs, char *text, size_t len) {
  job_state *js = ud;
  const options *o = js->o;
  if (o->changed &&
      (o->n_files == 0 || bsearch(&abs, o->sorted, o->n_files, sizeof *o->sorted, by_str) == NULL))
    return 0;
  char *key = strdup(abs);
  if (key == NULL) return 0;
  int kept = 0;
  uv_mutex_lock(&js->lock);
  if (js->n == js->cap) {
    size_t cap = js->cap * 2 + 64;
    kept_text *items = realloc(js->items, cap * sizeof *items);
    if (items != NULL) js->items = items, js->cap = cap;
  }
  if (js->n < js->cap) {
    js->items[js->n++] = (kept_text){key, text, len};
    kept = 1;
  }
  uv_mutex_unlock(&js->lock);
  if (!kept) free(key); /* out of memory: the note is read again when it is checked */
  return kept;
}

static int by_abs(const void *a, const void *b) {
  return strcmp(((const kept_text *)a)->abs, ((const kept_text *)b)->abs);
}

/* The text of note e: the bytes the scan kept, else (a note from elsewhere than a read, or out
 * of memory) the file read now. Free t with nl_text_free either way. */
static void note_text(nl_text *t, const job_state *js, const nl_entry *e) {
  kept_text key = {(char *)e->abs, NULL, 0};
  const kept_text *k = js->n ? bsearch(&key, js->items, js->n, sizeof key, by_abs) : NULL;
  if (k == NULL || nl_text_of_bytes(t, k->text, k->len) < 0)
    nl_text_load(t, NULL, e); /* unreadable now: no mojibake check */
}

static void job_free(job_state *js) {
  for (size_t i = 0; i < js->n; i++) {
    free(js->items[i].abs);
    free(js->items[i].text);
  }
  free(js->items);
  uv_mutex_destroy(&js->lock);
}

/* Invalid bytes become U+FFFD, so a note with broken bytes still gives a valid document. */
static json_t *str_json(const char *s) { return nl_lsp_string_lossy(s, strlen(s)); }

/* ---- SARIF 2.1.0 ------------------------------------------------------------------------- */

static const char *sarif_level(int severity) {
  return severity == NL_SEV_ERROR ? "error" : severity == NL_SEV_WARNING ? "warning" : "note";
}

static json_t *sarif_rule(const char *code, int severity, const char *description) {
  return json_pack("{s:s, s:{s:s}, s:{s:s}}", "id", code, "shortDescription", "text",
                   description, "defaultConfiguration", "level", sarif_level(severity));
}

/* The run's rules: the engine's table; sarif_rule_index adds any code the table misses, so a
 * new diagnostic never yields a result without its rule. */
static json_t *sarif_rules_new(void) {
  size_t n;
  const nl_diag_rule *rules = nl_diag_rules(&n);
  json_t *arr = json_array();
  for (size_t i = 0; arr != NULL && i < n; i++)
    json_array_append_new(arr, sarif_rule(rules[i].code, rules[i].severity,
                                          rules[i].description));
  return arr;
}

/* The index of `code` in the run's rules, adding it when missing; -1 when out of memory. */
static json_int_t sarif_rule_index(json_t *rules, const nl_diag *d) {
  size_t i;
  json_t *r;
  json_array_foreach(rules, i, r) {
    if (strcmp(json_string_value(json_object_get(r, "id")), d->code) == 0) return (json_int_t)i;
  }
  if (json_array_append_new(rules, sarif_rule(d->code, d->severity, d->code)) < 0) return -1;
  return (json_int_t)json_array_size(rules) - 1;
}

/* A region of the note whose text is `t`: 1-based lines and columns in UTF-16 code units
 * (the run's columnKind), a BOM not counted. */
static json_t *sarif_region(const nl_text *t, nl_brange r) {
  uint32_t l1, c1, l2, c2;
  nl_text_units(t, NL_ENC_UTF16, r.start, &l1, &c1);
  nl_text_units(t, NL_ENC_UTF16, r.end, &l2, &c2);
  return json_pack("{s:I, s:I, s:I, s:I}", "startLine", (json_int_t)l1 + 1, "startColumn",
                   (json_int_t)c1 + 1, "endLine", (json_int_t)l2 + 1, "endColumn",
                   (json_int_t)c2 + 1);
}

/* A region of another note (an ambiguous link's candidate): from its parse's columns when they
 * know the range, so --changed reads no note it does not report; else from its text. */
static json_t *sarif_region_of(const job_state *js, const nl_entry *e, nl_brange r) {
  uint32_t c1, c2;
  if (e->note != NULL && nl_columns_units(e->note, NL_ENC_UTF16, r.start, &c1) == 0 &&
      nl_columns_units(e->note, NL_ENC_UTF16, r.end, &c2) == 0)
    return json_pack("{s:I, s:I, s:I, s:I}", "startLine", (json_int_t)r.start.line + 1,
                     "startColumn", (json_int_t)c1 + 1, "endLine", (json_int_t)r.end.line + 1,
                     "endColumn", (json_int_t)c2 + 1);
  nl_text t;
  note_text(&t, js, e);
  json_t *j = sarif_region(&t, r);
  nl_text_free(&t);
  return j;
}

/* A physicalLocation in `e`: its path relative to the vault root (%SRCROOT%) as a URI
 * reference, percent-encoded like the server's file URIs. */
static json_t *sarif_location(const nl_entry *e, json_t *region) {
  size_t n = strlen(e->rel) + 2;
  char *path = malloc(n);
  if (path == NULL) {
    json_decref(region);
    return NULL;
  }
  snprintf(path, n, "/%s", e->rel);
  char *uri = nl_path_to_uri(path); /* "file:///" + the encoded path */
  free(path);
  json_t *loc = NULL;
  if (uri != NULL)
    loc = json_pack("{s:{s:{s:s, s:s}, s:o}}", "physicalLocation", "artifactLocation", "uri",
                    uri + strlen("file:///"), "uriBaseId", "%SRCROOT%", "region", region);
  else
    json_decref(region);
  free(uri);
  return loc;
}

static json_t *sarif_result(const nl_workspace *ws, const job_state *js, json_t *rules,
                            const nl_entry *e, const nl_text *t, const nl_diag *d) {
  json_int_t rule = sarif_rule_index(rules, d);
  if (rule < 0) return NULL;
  json_t *res = json_pack("{s:s, s:I, s:s, s:{s:o}, s:[o]}", "ruleId", d->code, "ruleIndex",
                          rule, "level", sarif_level(d->severity), "message", "text",
                          str_json(d->message), "locations",
                          sarif_location(e, sarif_region(t, d->range)));
  if (res == NULL || d->n_related == 0) return res;
  json_t *related = json_array();
  for (size_t i = 0; related != NULL && i < d->n_related; i++) {
    const nl_entry *o = nl_ws_get(ws, d->related[i].entry);
    if (o == NULL) continue;
    json_t *loc = sarif_location(o, sarif_region_of(js, o, d->related[i].range));
    if (loc == NULL) continue;
    json_object_set_new(loc, "id", json_integer((json_int_t)i));
    json_object_set_new(loc, "message",
                        json_pack("{s:o}", "text", str_json(d->related[i].message)));
    json_array_append_new(related, loc);
  }
  if (related != NULL) json_object_set_new(res, "relatedLocations", related);
  return res;
}

/* The log: one run of the tool with its rules and results; the root's file URI is the
 * %SRCROOT% base so viewers can open the notes. Steals rules and results. */
static void sarif_print(FILE *out, const char *root, json_t *rules, json_t *results) {
  size_t n = strlen(root) + 2;
  char *dir = malloc(n);
  char *uri = NULL;
  if (dir != NULL) {
    snprintf(dir, n, "%s/", root);
    uri = nl_path_to_uri(dir);
  }
  json_t *doc = json_pack(
      "{s:s, s:s, s:[{s:{s:{s:s, s:s, s:o}}, s:{s:{s:s?}}, s:s, s:o}]}", "$schema",
      "https://json.schemastore.org/sarif-2.1.0.json", "version", "2.1.0", "runs", "tool",
      "driver", "name", "notes-lsp", "version", NOTES_LSP_VERSION, "rules", rules,
      "originalUriBaseIds", "%SRCROOT%", "uri", uri, "columnKind", "utf16CodeUnits",
      "results", results);
  free(dir);
  free(uri);
  if (doc == NULL) return;
  json_dumpf(doc, out, JSON_INDENT(2));
  fputc('\n', out);
  json_decref(doc);
}

/* ---- output ------------------------------------------------------------------------------ */

typedef struct {
  size_t count[5]; /* by severity */
  int failed;
  int color;       /* text: SGR colours */
  json_t *items;   /* --format json: the diagnostics; sarif: the results */
  json_t *rules;   /* --format sarif */
} report;

static const char *const sgr_severity[5] = {"", "\033[1;31m", "\033[1;35m", "\033[1;36m",
                                            "\033[1;32m"};

static void emit_text(FILE *out, const report *r, const nl_entry *e, const nl_diag *d) {
  int sev = d->severity >= 1 && d->severity <= 4 ? d->severity : NL_SEV_HINT;
  if (r->color)
    fprintf(out, "\033[1m%s:%u:%u:\033[0m %s%s:\033[0m %s \033[2m[%s]\033[0m\n", e->rel,
            d->range.start.line + 1, d->range.start.col + 1, sgr_severity[sev],
            nl_diag_severity_name(d->severity), d->message, d->code);
  else
    fprintf(out, "%s:%u:%u: %s: %s [%s]\n", e->rel, d->range.start.line + 1,
            d->range.start.col + 1, nl_diag_severity_name(d->severity), d->message, d->code);
}

static json_t *emit_json(const nl_workspace *ws, const nl_entry *e, const nl_diag *d) {
  json_t *j = json_pack("{s:o, s:i, s:i, s:i, s:i, s:s, s:s, s:o}", "path", str_json(e->rel),
                        "line", (json_int_t)d->range.start.line + 1, "column",
                        (json_int_t)d->range.start.col + 1, "endLine",
                        (json_int_t)d->range.end.line + 1, "endColumn",
                        (json_int_t)d->range.end.col + 1, "severity",
                        nl_diag_severity_name(d->severity), "code", d->code, "message",
                        str_json(d->message));
  if (j == NULL || d->n_related == 0) return j;
  json_t *rel = json_array();
  for (size_t i = 0; rel != NULL && i < d->n_related; i++) {
    const nl_entry *o = nl_ws_get(ws, d->related[i].entry);
    if (o == NULL) continue;
    json_array_append_new(rel, json_pack("{s:o, s:o}", "path", str_json(o->rel), "message",
                                         str_json(d->related[i].message)));
  }
  if (rel != NULL) json_object_set_new(j, "related", rel);
  return j;
}

static void print_summary(FILE *out, const report *r, size_t notes) {
  size_t e = r->count[NL_SEV_ERROR], w = r->count[NL_SEV_WARNING];
  if (r->color) fputs("\033[1m", out);
  fprintf(out, "%zu error%s, %zu warning%s, %zu information", e, e == 1 ? "" : "s", w,
          w == 1 ? "" : "s", r->count[NL_SEV_INFORMATION]);
  if (r->count[NL_SEV_HINT] > 0)
    fprintf(out, ", %zu hint%s", r->count[NL_SEV_HINT], r->count[NL_SEV_HINT] == 1 ? "" : "s");
  fprintf(out, " in %zu note%s%s\n", notes, notes == 1 ? "" : "s", r->color ? "\033[0m" : "");
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

/* Diagnoses the notes `es` in order. Returns 0, or -1 when out of memory. */
static int check_notes(const nl_workspace *ws, const job_state *js, int32_t today,
                       nl_entry **es, size_t n, FILE *out, report *r) {
  const options *o = js->o;
  int rc = 0;
  for (size_t i = 0; i < n; i++) {
    progress_show(js->pg, "checking", i, n);
    nl_text t;
    note_text(&t, js, es[i]);
    size_t len = 0;
    const char *body = nl_text_body(&t, &len);
    nl_diag_list list;
    nl_diag_list_init(&list);
    if (nl_diagnose(ws, es[i], body, len, today, &list) < 0) rc = -1;
    for (size_t k = 0; k < list.n; k++) {
      const nl_diag *d = &list.items[k];
      if (d->severity >= 1 && d->severity <= 4) r->count[d->severity]++;
      if (d->severity <= o->fail_on) r->failed = 1;
      json_t *j = NULL;
      switch (o->format) {
      case FORMAT_JSON: j = emit_json(ws, es[i], d); break;
      case FORMAT_SARIF: j = sarif_result(ws, js, r->rules, es[i], &t, d); break;
      default:
        progress_clear(js->pg); /* stdout and stderr may share the terminal */
        emit_text(out, r, es[i], d);
      }
      if (j != NULL) json_array_append_new(r->items, j);
    }
    nl_diag_list_free(&list);
    nl_text_free(&t);
  }
  progress_clear(js->pg);
  return rc;
}

/* ---- the job ----------------------------------------------------------------------------- */

static void on_scan_progress(void *ud, size_t done, size_t total) {
  progress_show(((job_state *)ud)->pg, "indexing", done, total);
}

static int run_job(const job_state *js, nl_cli_vault *v, FILE *out, FILE *err) {
  const options *o = js->o;
  int32_t today = o->has_today ? o->today : nl_config_today(v->cfg);
  nl_entry **es = NULL;
  ptrdiff_t n = select_notes(v->ws, o, v->root, &es, err);
  if (n < 0) return 2;
  report r = {{0}, 0, use_color(o->color, out), NULL, NULL};
  if (o->format != FORMAT_TEXT && (r.items = json_array()) == NULL) goto oom;
  if (o->format == FORMAT_SARIF && (r.rules = sarif_rules_new()) == NULL) goto oom;
  if (check_notes(v->ws, js, today, es, (size_t)n, out, &r) < 0) goto oom;
  free(es);
  if (o->format == FORMAT_JSON)
    print_json(out, &r, (size_t)n);
  else if (o->format == FORMAT_SARIF)
    sarif_print(out, v->root, r.rules, r.items);
  else
    print_summary(out, &r, (size_t)n);
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

oom:
  fprintf(err, "notes-lsp check: out of memory\n");
  json_decref(r.items);
  json_decref(r.rules);
  free(es);
  return 2;
}

/* Indexes the vault, keeping the notes' bytes, and checks it. */
static int run_checked(const options *o, FILE *err, FILE *out) {
  progress pg;
  progress_init(&pg, err);
  job_state js = {.o = o, .pg = &pg};
  if (uv_mutex_init(&js.lock) != 0) {
    fprintf(err, "notes-lsp check: out of memory\n");
    return 2;
  }
  nl_cli_hooks hooks = {on_scan_progress, keep_text, &js};
  nl_cli_vault v;
  int rc = nl_cli_vault_open_ex(&v, "check", o->dir, err, &hooks);
  progress_clear(&pg);
  if (rc == 0) {
    if (js.n > 0) qsort(js.items, js.n, sizeof *js.items, by_abs);
    rc = run_job(&js, &v, out, err);
  }
  nl_cli_vault_close(&v); /* no scan runs after this: the hook is done */
  job_free(&js);
  return rc;
}

int nl_check_run(int argc, char **argv, FILE *out, FILE *err) {
  options o;
  int rc = parse_args(argc, argv, &o, out, err);
  if (rc < 0 && (rc = resolve_changed(&o, err)) == 0) rc = run_checked(&o, err, out);
  options_free(&o);
  return rc;
}

int nl_check_main(int argc, char **argv) { return nl_check_run(argc, argv, stdout, stderr); }
