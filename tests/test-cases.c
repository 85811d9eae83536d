/* The data-driven cases (jansson's test/suites in spirit): every folder under
 * tests/cases/<feature>/<case>/ holds
 *   request.json   the request (keys below), or {"requests": [...]} for several requests on
 *                  one fixture, each inheriting the case's other keys; then expected.json is
 *                  the array of their results
 *   input.md       optional: the note under test, put into the index as the open document
 *                  "file" (default "input.md"); for "parse", the bytes parsed
 *   vault/         the case's own vault (its .obsidian settings apply), or none to use
 *                  tests/vault-example
 *   expected.json  the result, with every URI of the vault written "vault:<relative path>";
 *                  compared exactly (json_equal)
 * Request keys:
 *   method     an LSP method a feature answers (through the server's dispatch table), or a
 *              pseudo-request of the engine below the protocol:
 *                parse     the parse of "file" (or input.md) as JSON (tests/note_dump.h:
 *                          byte columns, ranges "line:col-line:col"); "fields" picks keys
 *                task      the first task of "text" as Tasks reads it (null: no task); with
 *                          "complete": true also "next", the line completing it writes
 *                diagnose  the diagnostics engine on "file": byte ranges, every field
 *                resolve   what each link of "file" resolves to: a note's path, "file:<path>"
 *                          for an attachment, null for nothing
 *   params     the LSP params as sent; strings "vault:<rel>" become that note's URI
 *   at         the cursor {"file", "line": number or a needle of the line, "after": the text
 *              just before the cursor, "back": units to step back}, merged into params
 *   open       notes opened as documents: "rel", or {"file", "text"} / {"file", "append"}
 *   file       the note of a pseudo-request, and where input.md goes
 *   encoding   utf-8, utf-16 (default), utf-32;  today  YYYY-MM-DD (default 2025-11-15)
 *   settings   settings JSON as in .notes-lsp.yaml;  caps  client capabilities by field name
 *              of nl_client_caps ("completion_edit_range", "snippet", ...)
 *   about      what the case shows (not read)
 * The runner answers the request and compares the result with expected.json; adding a case
 * needs no C. With NL_CASES_WRITE=1 a missing expected.json is written from the result, to be
 * read and checked before commit. An argument runs only the cases whose path contains it. */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lsp/base/file.h"
#include "lsp/base/log.h"
#include "lsp/features/features.h"
#include "lsp/index/config.h"
#include "lsp/index/diagnose.h"
#include "lsp/note/note.h"
#include "lsp/note/recurrence.h"
#include "lsp/server/dispatch.h"
#include "lsp/client/text.h"
#include "protocol/lsp_types.h"
#include "test.h"

#include "fixture.h"
#include "note_dump.h"

#define CASES_DIR NL_TEST_DATA "/../cases"

/* One case being run. */
typedef struct {
  const char *dir;
  fixture f;
  int indexed;
  nl_config *cfg;            /* the case's settings (new) */
  char vault[4096];          /* the vault's real path */
  char *input;               /* input.md (new), NULL when the case has none */
  size_t input_len;
  char *err;
  size_t err_size;
} kase;

/* ---- the request ------------------------------------------------------------------------ */

static const char *const known_keys[] = {"method", "params",   "at",    "open", "file",
                                         "encoding", "today",  "settings", "caps", "about",
                                         "requests", "fields", "text",  "complete"};

static int check_keys(kase *c, const json_t *req) {
  const char *k;
  const json_t *v;
  json_object_foreach((json_t *)req, k, v) {
    size_t i = 0, n = sizeof known_keys / sizeof known_keys[0];
    while (i < n && strcmp(known_keys[i], k) != 0) i++;
    if (i == n) {
      snprintf(c->err, c->err_size, "request.json: unknown key \"%s\"", k);
      return -1;
    }
  }
  return 0;
}

static int parse_encoding(const char *s, nl_encoding *enc) {
  if (s == NULL || strcmp(s, "utf-16") == 0) *enc = NL_ENC_UTF16;
  else if (strcmp(s, "utf-8") == 0) *enc = NL_ENC_UTF8;
  else if (strcmp(s, "utf-32") == 0) *enc = NL_ENC_UTF32;
  else return -1;
  return 0;
}

static const struct {
  const char *name;
  size_t off;
} cap_fields[] = {
#define CAP(x) {#x, offsetof(nl_client_caps, x)}
    CAP(snippet), CAP(document_changes), CAP(create_files), CAP(rename_files),
    CAP(prepare_rename), CAP(will_rename_files), CAP(related_info), CAP(pull_diagnostics),
    CAP(apply_edit), CAP(code_action_literals), CAP(code_action_resolve),
    CAP(hierarchical_symbols), CAP(hover_markdown), CAP(completion_edit_range),
#undef CAP
};

static int set_caps(kase *c, const json_t *names) {
  memset(&caps, 0, sizeof caps);
  size_t i;
  const json_t *v;
  json_array_foreach(names, i, v) {
    const char *s = json_string_value(v);
    size_t k = 0, n = sizeof cap_fields / sizeof cap_fields[0];
    while (k < n && (s == NULL || strcmp(cap_fields[k].name, s) != 0)) k++;
    if (k == n) {
      snprintf(c->err, c->err_size, "unknown capability %s", s ? s : "(not a string)");
      return -1;
    }
    *(int *)((char *)&caps + cap_fields[k].off) = 1;
  }
  return 0;
}

static const char *uri_in(fixture *f, const char *rel) {
  char abs[4096];
  snprintf(abs, sizeof abs, "%s/%s", nl_ws_root(f->ws, 0), rel);
  nl_entry *e = nl_ws_by_path(f->ws, abs);
  return e != NULL ? e->uri : NULL;
}

static nl_entry *entry_in(kase *c, const char *rel) {
  char abs[8200];
  snprintf(abs, sizeof abs, "%s/%s", c->vault, rel);
  return nl_ws_by_path(c->f.ws, abs);
}

/* "at": {"file", "line": number or a needle of the line, "after": text just before the
 * cursor, "back": units to step back from there}. Returns new params or NULL with err. */
static json_t *params_at(fixture *f, const json_t *at, char *err, size_t err_size) {
  const char *rel = json_string_value(json_object_get(at, "file"));
  const char *uri = rel != NULL ? uri_in(f, rel) : NULL;
  if (uri == NULL) {
    snprintf(err, err_size, "\"at\" names no indexed file: %s", rel ? rel : "(none)");
    return NULL;
  }
  nl_doc *doc = nl_docs_get(f->docs, uri);
  char *text = NULL;
  const char *src;
  if (doc != NULL) {
    src = doc->text;
  } else {
    char abs[4096];
    size_t len;
    snprintf(abs, sizeof abs, "%s/%s", nl_ws_root(f->ws, 0), rel);
    src = nl_file_read(abs, NL_FILE_NO_LIMIT, &text, &len) == 0 ? text : NULL;
  }
  if (src == NULL) {
    snprintf(err, err_size, "cannot read %s", rel);
    return NULL;
  }
  const json_t *line = json_object_get(at, "line");
  uint32_t l = 0;
  if (json_is_integer(line)) {
    l = (uint32_t)json_integer_value(line);
  } else {
    const char *hit = json_is_string(line) ? strstr(src, json_string_value(line)) : NULL;
    if (hit == NULL) {
      snprintf(err, err_size, "line needle not found in %s", rel);
      free(text);
      return NULL;
    }
    for (const char *p = src; p < hit; p++) l += *p == '\n';
  }
  const char *after = json_string_value(json_object_get(at, "after"));
  uint32_t col = after != NULL ? col_after(src, l, after, f->ctx.enc) : 0;
  free(text);
  if (col == UINT32_MAX) {
    snprintf(err, err_size, "\"after\" not found on line %u of %s", l, rel);
    return NULL;
  }
  col -= (uint32_t)json_integer_value(json_object_get(at, "back"));
  return json_pack("{s:{s:s},s:{s:i,s:i}}", "textDocument", "uri", uri, "position", "line", l,
                   "character", col);
}

/* Strings "vault:<rel>" in the request become the note's URI. */
static void uris_in(fixture *f, json_t *v) {
  size_t i;
  const char *k;
  json_t *x;
  if (json_is_object(v)) {
    json_object_foreach(v, k, x) {
      const char *s = json_string_value(x);
      const char *uri = s != NULL && strncmp(s, "vault:", 6) == 0 ? uri_in(f, s + 6) : NULL;
      if (uri != NULL) json_object_set_new(v, k, json_string(uri));
      else uris_in(f, x);
    }
  } else if (json_is_array(v)) {
    json_array_foreach(v, i, x) {
      const char *s = json_string_value(x);
      const char *uri = s != NULL && strncmp(s, "vault:", 6) == 0 ? uri_in(f, s + 6) : NULL;
      if (uri != NULL) json_array_set_new(v, i, json_string(uri));
      else uris_in(f, x);
    }
  }
}

/* ---- the result ------------------------------------------------------------------------- */

/* A file URI under the root becomes "vault:<rel>"; NULL for any other string. */
static json_t *vault_ref(const char *root, const char *s) {
  if (strncmp(s, "file://", 7) != 0) return NULL;
  char *path = nl_uri_to_path(s);
  size_t n = strlen(root);
  json_t *out = NULL;
  if (path != NULL && strncmp(path, root, n) == 0 && path[n] == '/') {
    char buf[4200];
    snprintf(buf, sizeof buf, "vault:%s", path + n + 1);
    out = json_string(buf);
  }
  free(path);
  return out;
}

static void vault_uris(const char *root, json_t *v) {
  size_t i;
  const char *k;
  json_t *x, *r;
  void *tmp;
  if (json_is_object(v)) {
    /* WorkspaceEdit.changes is keyed by URI. */
    json_object_foreach_safe(v, tmp, k, x) {
      if ((r = vault_ref(root, k)) != NULL) {
        json_object_set(v, json_string_value(r), x);
        json_object_del(v, k);
        json_decref(r);
      }
    }
    json_object_foreach(v, k, x) {
      if (json_is_string(x) && (r = vault_ref(root, json_string_value(x))) != NULL)
        json_object_set_new(v, k, r);
      else
        vault_uris(root, x);
    }
  } else if (json_is_array(v)) {
    json_array_foreach(v, i, x) {
      if (json_is_string(x) && (r = vault_ref(root, json_string_value(x))) != NULL)
        json_array_set_new(v, i, r);
      else
        vault_uris(root, x);
    }
  }
}

/* ---- pseudo-requests: the engine below the protocol ------------------------------------- */

static const char *file_of(const json_t *req) {
  const char *file = json_string_value(json_object_get(req, "file"));
  return file != NULL ? file : "input.md";
}

/* The parse of input.md (when "file" is absent or names it) or of "file" in the vault. */
static int req_parse(kase *c, const json_t *req, json_t **result) {
  const char *rel = file_of(req);
  char *owned = NULL;
  const char *text = c->input;
  size_t len = c->input_len;
  if (text == NULL || json_object_get(req, "file") != NULL) {
    char abs[4200];
    snprintf(abs, sizeof abs, "%s/%s", c->vault, rel);
    if (text == NULL && nl_file_read(abs, NL_FILE_NO_LIMIT, &owned, &len) != 0) {
      snprintf(c->err, c->err_size, "parse: cannot read %s", abs);
      return -1;
    }
    if (owned != NULL) text = owned;
  }
  nl_note *n = nl_note_parse(text, len);
  json_t *all = n != NULL ? note_json(n, text, len, &c->cfg->tasks) : NULL;
  nl_note_free(n);
  free(owned);
  if (all == NULL) {
    snprintf(c->err, c->err_size, "parse: out of memory");
    return -1;
  }
  const json_t *fields = json_object_get(req, "fields");
  if (fields == NULL) {
    *result = all;
    return 0;
  }
  *result = json_object();
  size_t i;
  const json_t *k;
  json_array_foreach(fields, i, k) {
    const json_t *v = json_object_get(all, json_string_value(k));
    if (v == NULL) {
      snprintf(c->err, c->err_size, "parse: no field %s", json_string_value(k));
      json_decref(all);
      return -1;
    }
    json_object_set(*result, json_string_value(k), (json_t *)v);
  }
  json_decref(all);
  return 0;
}

/* The first task of "text", and with "complete" the line completing it writes. */
static int req_task(kase *c, const json_t *req, json_t **result) {
  const char *text = json_string_value(json_object_get(req, "text"));
  if (text == NULL) {
    snprintf(c->err, c->err_size, "task: no \"text\"");
    return -1;
  }
  size_t len = strlen(text);
  nl_note *n = nl_note_parse(text, len);
  nl_lines lines;
  if (n == NULL || nl_lines_init(&lines, text, len) != 0) {
    nl_note_free(n);
    snprintf(c->err, c->err_size, "task: out of memory");
    return -1;
  }
  if (n->n_tasks == 0) {
    *result = json_null();
  } else {
    const nl_task *t = &n->tasks[0];
    *result = task_json(t, &lines, &c->cfg->tasks);
    if (json_is_true(json_object_get(req, "complete"))) {
      nl_occurrence cur, next;
      nl_occurrence_of(t, &cur);
      char *line = NULL;
      if (nl_task_recurrence(t) != NULL &&
          nl_recurrence_next(nl_task_recurrence(t), &cur, c->f.ctx.today, &next) == 0) {
        size_t a = nl_lines_line_start(&lines, t->line), b = nl_lines_line_end(&lines, t->line);
        line = nl_recurrence_line(t, text + a, b - a, &next, " ");
      }
      json_object_set_new(*result, "next", line != NULL ? json_string(line) : json_null());
      free(line);
    }
  }
  nl_lines_free(&lines);
  nl_note_free(n);
  return 0;
}

static json_t *diag_json(kase *c, const nl_diag *d) {
  json_t *o = json_pack("{s:o,s:s,s:s,s:o}", "range", json_brange(d->range), "severity",
                        nl_diag_severity_name(d->severity), "code", d->code, "message",
                        jstr(d->message));
  if (d->n_related > 0) {
    json_t *rel = json_array();
    for (size_t i = 0; i < d->n_related; i++) {
      const nl_entry *e = nl_ws_get(c->f.ws, d->related[i].entry);
      json_array_append_new(rel, json_pack("{s:s,s:o,s:s}", "note", e ? e->rel : "?", "range",
                                           json_brange(d->related[i].range), "message",
                                           d->related[i].message));
    }
    json_object_set_new(o, "related", rel);
  }
  if (d->repaired != NULL)
    json_object_set_new(o, "repaired", jstr(d->repaired));
  if (d->missing_name != NULL) {
    json_object_set_new(o, "missingName", jstr(d->missing_name));
    json_object_set_new(o, "missingKind", json_string(nl_kind_name(d->missing_kind)));
  }
  if (d->relinked != NULL) json_object_set_new(o, "relinked", jstr(d->relinked));
  return o;
}

/* Every diagnostic of "file", on its text as the client sees it. */
static int req_diagnose(kase *c, const json_t *req, json_t **result) {
  nl_entry *e = entry_in(c, file_of(req));
  nl_text t;
  if (e == NULL || nl_text_load(&t, c->f.docs, e) < 0) {
    snprintf(c->err, c->err_size, "diagnose: no note %s", file_of(req));
    return -1;
  }
  size_t len = 0;
  const char *body = nl_text_body(&t, &len);
  nl_diag_list l;
  nl_diag_list_init(&l);
  int rc = nl_diagnose(c->f.ws, e, body, len, c->f.ctx.today, &l);
  nl_text_free(&t);
  *result = json_array();
  for (size_t i = 0; i < l.n; i++) json_array_append_new(*result, diag_json(c, &l.items[i]));
  nl_diag_list_free(&l);
  if (rc != 0) snprintf(c->err, c->err_size, "diagnose: out of memory");
  return rc;
}

/* What each link of "file" resolves to, in order. */
static int req_resolve(kase *c, const json_t *req, json_t **result) {
  const nl_entry *from = entry_in(c, file_of(req));
  if (from == NULL || from->note == NULL) {
    snprintf(c->err, c->err_size, "resolve: no note %s", file_of(req));
    return -1;
  }
  const nl_note *n = from->note;
  size_t root = strlen(c->vault) + 1;
  *result = json_array();
  for (size_t i = 0; i < n->n_links; i++) {
    const nl_link *l = &n->links[i];
    size_t len = strlen(l->target);
    const nl_entry *to = len == 0 ? from
                                  : nl_ws_resolve(c->f.ws, from,
                                                  l->target, len, NULL);
    const char *file = to == NULL ? nl_ws_resolve_attachment(c->f.ws, from, l->target, len) : NULL;
    char buf[4200];
    if (file != NULL) snprintf(buf, sizeof buf, "file:%s", strlen(file) > root ? file + root : file);
    json_array_append_new(*result, to != NULL     ? json_string(to->rel)
                                   : file != NULL ? json_string(buf)
                                                  : json_null());
  }
  return 0;
}

typedef int (*pseudo_fn)(kase *c, const json_t *req, json_t **result);

static const struct {
  const char *method;
  pseudo_fn fn;
  int needs_index;
} pseudo[] = {
    {"parse", req_parse, 0},
    {"task", req_task, 0},
    {"diagnose", req_diagnose, 1},
    {"resolve", req_resolve, 1},
};

static int pseudo_of(const char *method) {
  for (size_t i = 0; method != NULL && i < sizeof pseudo / sizeof pseudo[0]; i++)
    if (strcmp(pseudo[i].method, method) == 0) return (int)i;
  return -1;
}

/* ---- one request ------------------------------------------------------------------------ */

static int lsp_request(kase *c, const nl_dispatch_entry *d, const json_t *req, json_t **result) {
  json_t *params;
  const json_t *at = json_object_get(req, "at");
  if (at != NULL) {
    if ((params = params_at(&c->f, at, c->err, c->err_size)) == NULL) return -1;
    const char *k;
    json_t *x;
    json_object_foreach(json_object_get(req, "params"), k, x) json_object_set(params, k, x);
  } else {
    params = json_deep_copy(json_object_get(req, "params"));
  }
  uris_in(&c->f, params);
  char herr[512] = "";
  int hrc = nl_ctx_result_tree(d->feature(&c->f.ctx, params, result, herr, sizeof herr), result);
  json_decref(params);
  if (hrc != 0) {
    json_decref(*result);
    *result = json_pack("{s:i,s:s}", "error", hrc, "message", herr);
  }
  return 0;
}

static int run_request(kase *c, const json_t *req, json_t **result) {
  const char *method = json_string_value(json_object_get(req, "method"));
  const char *today = json_string_value(json_object_get(req, "today"));
  c->f.ctx.today = 20407; /* 2025-11-15 */
  if (today != NULL && nl_date_parse(today, strlen(today), &c->f.ctx.today) != 0) {
    snprintf(c->err, c->err_size, "bad today %s", today);
    return -1;
  }
  *result = NULL;
  int p = pseudo_of(method);
  int rc;
  if (p >= 0) {
    rc = pseudo[p].fn(c, req, result);
  } else {
    const nl_dispatch_entry *d = method != NULL ? nl_dispatch_find(method) : NULL;
    if (d == NULL || d->feature == NULL) {
      snprintf(c->err, c->err_size, "no feature handles method %s", method ? method : "(none)");
      return -1;
    }
    rc = lsp_request(c, d, req, result);
  }
  if (rc == 0 && *result == NULL) *result = json_null();
  if (rc == 0) vault_uris(c->vault, *result);
  return rc;
}

/* ---- the fixture ------------------------------------------------------------------------ */

/* Opens input.md as the document "file" (indexed as the server flushes an open document). */
static int open_input(kase *c, const char *rel) {
  char abs[4200];
  snprintf(abs, sizeof abs, "%s/%s", c->vault, rel);
  nl_entry *e = nl_ws_update(c->f.ws, abs, c->input, c->input_len, 1);
  if (e == NULL || nl_docs_open(c->f.docs, e->uri, 1, c->input, c->input_len) == NULL) {
    snprintf(c->err, c->err_size, "cannot open input.md as %s", rel);
    return -1;
  }
  return 0;
}

static int open_notes(kase *c, const json_t *open) {
  size_t i;
  const json_t *o;
  json_array_foreach(open, i, o) {
    const char *rel = json_is_string(o) ? json_string_value(o)
                                        : json_string_value(json_object_get(o, "file"));
    const char *text = json_string_value(json_object_get(o, "text"));
    const char *append = json_string_value(json_object_get(o, "append"));
    if (rel == NULL || open_note(&c->f, rel, text, append) == NULL) {
      snprintf(c->err, c->err_size, "cannot open %s", rel ? rel : "(no file)");
      return -1;
    }
  }
  return 0;
}

static int index_vault(kase *c, const json_t *req) {
  nl_encoding enc;
  if (parse_encoding(json_string_value(json_object_get(req, "encoding")), &enc) != 0) {
    snprintf(c->err, c->err_size, "bad encoding");
    return -1;
  }
  cfg = c->cfg; /* fixture.h indexes with the global configuration */
  if (fixture_init(&c->f, c->vault, enc) != 0) {
    snprintf(c->err, c->err_size, "cannot index %s", c->vault);
    return -1;
  }
  c->indexed = 1;
  if (c->input != NULL && open_input(c, file_of(req)) != 0) return -1;
  return open_notes(c, json_object_get(req, "open"));
}

/* The case's vault and settings. */
static int configure(kase *c, const json_t *req) {
  char path[4200];
  struct stat st;
  snprintf(path, sizeof path, "%s/vault", c->dir);
  if (stat(path, &st) != 0) snprintf(path, sizeof path, "%s", NL_TEST_VAULT);
  if (realpath(path, c->vault) == NULL) {
    snprintf(c->err, c->err_size, "no vault %s", path);
    return -1;
  }
  char err[1024];
  c->cfg = nl_config_new();
  if (c->cfg == NULL || nl_config_apply_vault(c->cfg, c->vault) < 0) {
    snprintf(c->err, c->err_size, "cannot read the settings of %s", c->vault);
    return -1;
  }
  const json_t *settings = json_object_get(req, "settings");
  if (settings != NULL && nl_config_apply_json(c->cfg, settings, err, sizeof err) != 0) {
    snprintf(c->err, c->err_size, "settings: %s", err);
    return -1;
  }
  snprintf(path, sizeof path, "%s/input.md", c->dir);
  if (stat(path, &st) == 0 && nl_file_read(path, NL_FILE_NO_LIMIT, &c->input, &c->input_len) != 0) {
    snprintf(c->err, c->err_size, "cannot read %s", path);
    return -1;
  }
  return set_caps(c, json_object_get(req, "caps"));
}

/* ---- one case --------------------------------------------------------------------------- */

/* The requests of the case: new array of new objects (a sub-request inherits the case's keys). */
static json_t *requests_of(const json_t *req) {
  const json_t *subs = json_object_get(req, "requests");
  json_t *out = json_array();
  if (subs == NULL) {
    json_array_append(out, (json_t *)req);
    return out;
  }
  size_t i;
  const json_t *s;
  json_array_foreach(subs, i, s) {
    json_t *r = json_deep_copy(s);
    json_object_update_missing(r, (json_t *)req);
    json_object_del(r, "requests");
    json_array_append_new(out, r);
  }
  return out;
}

static int compare(kase *c, json_t *result) {
  char path[4200];
  json_error_t jerr;
  snprintf(path, sizeof path, "%s/expected.json", c->dir);
  json_t *want = json_load_file(path, JSON_DECODE_ANY, &jerr);
  if (want == NULL && getenv("NL_CASES_WRITE") != NULL) {
    json_dump_file(result, path, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    fprintf(stderr, "wrote %s\n", path);
    want = json_incref(result);
  }
  int rc = -1;
  if (want == NULL) {
    snprintf(c->err, c->err_size, "%s:%d: %s", path, jerr.line, jerr.text);
  } else if (!json_equal(want, result)) {
    char *a = json_dumps(result, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    char *b = json_dumps(want, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    snprintf(c->err, c->err_size, "result differs\n--- got\n%s\n--- expected (%s)\n%s",
             a ? a : "?", path, b ? b : "?");
    free(a);
    free(b);
  } else {
    rc = 0;
  }
  json_decref(want);
  return rc;
}

static int run_case(const char *dir, char *err, size_t err_size) {
  kase c;
  memset(&c, 0, sizeof c);
  c.dir = dir;
  c.err = err;
  c.err_size = err_size;
  c.f.ctx.today = 20407;
  char path[4200];
  json_error_t jerr;
  snprintf(path, sizeof path, "%s/request.json", dir);
  json_t *req = json_load_file(path, 0, &jerr);
  json_t *reqs = NULL, *results = json_array();
  int rc = -1;
  if (!json_is_object(req)) {
    snprintf(err, err_size, "%s:%d: %s", path, jerr.line, jerr.text);
    goto done;
  }
  reqs = requests_of(req);
  size_t i;
  const json_t *r;
  int needs_index = 0;
  json_array_foreach(reqs, i, r) {
    if (check_keys(&c, r) != 0) goto done;
    int p = pseudo_of(json_string_value(json_object_get(r, "method")));
    needs_index |= p < 0 || pseudo[p].needs_index;
  }
  if (configure(&c, req) != 0 || (needs_index && index_vault(&c, req) != 0)) goto done;
  json_array_foreach(reqs, i, r) {
    json_t *one;
    if (run_request(&c, r, &one) != 0) goto done;
    json_array_append_new(results, one);
  }
  json_t *result = json_object_get(req, "requests") ? results : json_array_get(results, 0);
  rc = compare(&c, result);
done:
  if (c.indexed) fixture_done(&c.f);
  cfg = NULL;
  nl_config_free(c.cfg);
  free(c.input);
  json_decref(results);
  json_decref(reqs);
  json_decref(req);
  return rc;
}

/* ---- the walk --------------------------------------------------------------------------- */

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The subfolders of dir, sorted (new array of new strings). */
static size_t subdirs(const char *dir, char ***out) {
  *out = NULL;
  DIR *d = opendir(dir);
  if (d == NULL) return 0;
  size_t n = 0, cap = 0;
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (de->d_name[0] == '.') continue;
    char p[4096];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
    if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode)) continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 16;
      *out = realloc(*out, cap * sizeof(char *));
    }
    (*out)[n++] = strdup(p);
  }
  closedir(d);
  if (n > 0) qsort(*out, n, sizeof(char *), by_name);
  return n;
}

int main(int argc, char **argv) {
  uv_loop_init(&loop);
  nl_log_set_level(NL_LOG_WARN);
  char **features;
  size_t n_features = subdirs(CASES_DIR, &features);
  int total = 0, failed = 0;
  static char err[1 << 16];
  for (size_t i = 0; i < n_features; i++) {
    char **cases;
    size_t n = subdirs(features[i], &cases);
    for (size_t j = 0; j < n; j++) {
      if (argc > 1 && strstr(cases[j], argv[1]) == NULL) {
        free(cases[j]);
        continue;
      }
      total++;
      err[0] = '\0';
      int rc = run_case(cases[j], err, sizeof err);
      const char *name = cases[j] + strlen(CASES_DIR) + 1;
      fprintf(stderr, "%s %s\n", rc == 0 ? "ok  " : "FAIL", name);
      if (rc != 0) {
        fprintf(stderr, "%s: %s\n", name, err);
        failed++;
      }
      free(cases[j]);
    }
    free(cases);
    free(features[i]);
  }
  free(features);
  uv_loop_close(&loop);
  nl_test_count = total;
  nl_test_failures = failed;
  fprintf(stderr, "%d of %d cases passed\n", total - failed, total);
  if (total == 0) {
    fprintf(stderr, "no cases found under %s\n", CASES_DIR);
    return 1;
  }
  return failed ? 1 : 0;
}
