/* The data-driven feature cases (jansson's test/suites in spirit): every folder under
 * tests/cases/<feature>/<case>/ holds
 *   request.json   the request: "method", and either "params" as sent or "at" (a cursor
 *                  written as a file, a line and the text just before the cursor), plus the
 *                  fixture's "encoding" (utf-8, utf-16, utf-32; default utf-16), "today"
 *                  (YYYY-MM-DD, default 2025-11-15) and "open" (notes opened as documents)
 *   vault/         the case's own vault, or none to use tests/vault-example
 *   expected.json  the result, with every URI of the vault written "vault:<relative path>"
 * The runner indexes the vault, sends the request through the server's dispatch table and
 * compares the result with expected.json; adding a case needs no C. With NL_CASES_WRITE=1 a
 * missing expected.json is written from the result, to be read and checked before commit. */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lsp/base/log.h"
#include "lsp/features/features.h"
#include "lsp/index/config.h"
#include "lsp/note/note.h"
#include "lsp/server/dispatch.h"
#include "protocol/lsp_types.h"
#include "test.h"

#include "fixture.h"

#define CASES_DIR NL_TEST_DATA "/../cases"

/* ---- the request ------------------------------------------------------------------------ */

static int parse_encoding(const char *s, nl_encoding *enc) {
  if (s == NULL || strcmp(s, "utf-16") == 0) *enc = NL_ENC_UTF16;
  else if (strcmp(s, "utf-8") == 0) *enc = NL_ENC_UTF8;
  else if (strcmp(s, "utf-32") == 0) *enc = NL_ENC_UTF32;
  else return -1;
  return 0;
}

static const char *uri_in(fixture *f, const char *rel) {
  char abs[4096];
  snprintf(abs, sizeof abs, "%s/%s", nl_ws_root(f->ws, 0), rel);
  nl_entry *e = nl_ws_by_path(f->ws, abs);
  return e != NULL ? e->uri : NULL;
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
    src = text = read_file(abs, &len);
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
  uint32_t c = after != NULL ? col_after(src, l, after, f->ctx.enc) : 0;
  free(text);
  if (c == UINT32_MAX) {
    snprintf(err, err_size, "\"after\" not found on line %u of %s", l, rel);
    return NULL;
  }
  c -= (uint32_t)json_integer_value(json_object_get(at, "back"));
  return json_pack("{s:{s:s},s:{s:i,s:i}}", "textDocument", "uri", uri, "position", "line", l,
                   "character", c);
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
static json_t *vault_ref(fixture *f, const char *s) {
  if (strncmp(s, "file://", 7) != 0) return NULL;
  char *path = nl_uri_to_path(s);
  const char *root = nl_ws_root(f->ws, 0);
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

static void vault_uris(fixture *f, json_t *v) {
  size_t i;
  const char *k;
  json_t *x, *r;
  void *tmp;
  if (json_is_object(v)) {
    /* WorkspaceEdit.changes is keyed by URI. */
    json_object_foreach_safe(v, tmp, k, x) {
      if ((r = vault_ref(f, k)) != NULL) {
        json_object_set(v, json_string_value(r), x);
        json_object_del(v, k);
        json_decref(r);
      }
    }
    json_object_foreach(v, k, x) {
      if (json_is_string(x) && (r = vault_ref(f, json_string_value(x))) != NULL)
        json_object_set_new(v, k, r);
      else
        vault_uris(f, x);
    }
  } else if (json_is_array(v)) {
    json_array_foreach(v, i, x) {
      if (json_is_string(x) && (r = vault_ref(f, json_string_value(x))) != NULL)
        json_array_set_new(v, i, r);
      else
        vault_uris(f, x);
    }
  }
}

/* ---- one case --------------------------------------------------------------------------- */

static int run_case(const char *dir, char *err, size_t err_size) {
  char path[4096];
  json_error_t jerr;
  snprintf(path, sizeof path, "%s/request.json", dir);
  json_t *req = json_load_file(path, 0, &jerr);
  if (!json_is_object(req)) {
    snprintf(err, err_size, "%s:%d: %s", path, jerr.line, jerr.text);
    json_decref(req);
    return -1;
  }
  int rc = -1;
  fixture f;
  memset(&f, 0, sizeof f);
  nl_encoding enc;
  const char *method = json_string_value(json_object_get(req, "method"));
  const nl_dispatch_entry *d = method != NULL ? nl_dispatch_find(method) : NULL;
  const char *today = json_string_value(json_object_get(req, "today"));
  int32_t days = 20407; /* 2025-11-15 */
  if (d == NULL || d->feature == NULL) {
    snprintf(err, err_size, "%s: no feature handles method %s", path, method ? method : "(none)");
    goto done;
  }
  if (parse_encoding(json_string_value(json_object_get(req, "encoding")), &enc) != 0 ||
      (today != NULL && nl_date_parse(today, strlen(today), &days) != 0)) {
    snprintf(err, err_size, "%s: bad encoding or today", path);
    goto done;
  }
  char vault[4096];
  struct stat st;
  snprintf(vault, sizeof vault, "%s/vault", dir);
  if (stat(vault, &st) != 0) snprintf(vault, sizeof vault, "%s", NL_TEST_VAULT);
  char *real = realpath(vault, NULL);
  if (real == NULL || fixture_init(&f, real, enc) != 0) {
    snprintf(err, err_size, "%s: cannot index %s", path, vault);
    free(real);
    goto done;
  }
  free(real);
  f.ctx.today = days;
  size_t i;
  const json_t *o;
  json_array_foreach(json_object_get(req, "open"), i, o) {
    if (json_is_string(o)) open_note(&f, json_string_value(o), NULL, NULL);
  }
  json_t *params;
  const json_t *at = json_object_get(req, "at");
  if (at != NULL) {
    if ((params = params_at(&f, at, err, err_size)) == NULL) goto done;
    const char *k;
    json_t *x;
    json_object_foreach(json_object_get(req, "params"), k, x) json_object_set(params, k, x);
  } else {
    params = json_deep_copy(json_object_get(req, "params"));
  }
  uris_in(&f, params);
  json_t *result = NULL;
  char herr[512] = "";
  int hrc = d->feature(&f.ctx, params, &result, herr, sizeof herr);
  json_decref(params);
  if (hrc != 0) result = json_pack("{s:i,s:s}", "error", hrc, "message", herr);
  if (result == NULL) result = json_null();
  vault_uris(&f, result);
  snprintf(path, sizeof path, "%s/expected.json", dir);
  json_t *want = json_load_file(path, JSON_DECODE_ANY, &jerr);
  if (want == NULL && getenv("NL_CASES_WRITE") != NULL) {
    json_dump_file(result, path, JSON_INDENT(2) | JSON_SORT_KEYS);
    fprintf(stderr, "wrote %s\n", path);
    want = json_incref(result);
  }
  if (want == NULL) {
    snprintf(err, err_size, "%s:%d: %s", path, jerr.line, jerr.text);
  } else if (!json_equal(want, result)) {
    char *a = json_dumps(result, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    char *b = json_dumps(want, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    snprintf(err, err_size, "%s: result differs\n--- got\n%s\n--- expected (%s)\n%s", dir,
             a ? a : "?", path, b ? b : "?");
    free(a);
    free(b);
  } else {
    rc = 0;
  }
  json_decref(want);
  json_decref(result);
done:
  if (f.ws != NULL) fixture_done(&f);
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
  cfg = nl_config_new();
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
        fprintf(stderr, "%s\n", err);
        failed++;
      }
      free(cases[j]);
    }
    free(cases);
    free(features[i]);
  }
  free(features);
  nl_config_free(cfg);
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
