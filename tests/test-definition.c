/* textDocument/definition and workspace/symbol on bad params, closed documents and positions
 * past the text. Their answers at a cursor, on open text and in every position encoding, are
 * data: tests/cases/definition (run by tests/test-cases.c). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#include "lsp/index/config.h"
#include "lsp/client/context.h"
#include "lsp/client/document.h"
#include "lsp/features/features.h"
#include "lsp/index/workspace.h"
#include "protocol/rpc.h"
#include "test.h"

#include "fixture.h"



static json_t *define_at(fixture *f, const char *uri, uint32_t line, uint32_t character) {
  json_t *params = json_pack("{s:{s:s},s:{s:i,s:i}}", "textDocument", "uri", uri, "position",
                             "line", line, "character", character);
  json_t *result = NULL;
  char err[256] = "";
  int rc = nl_feature_definition(&f->ctx, params, &result, err, sizeof err);
  json_decref(params);
  if (rc != 0) {
    fprintf(stderr, "definition failed: %s\n", err);
    return NULL;
  }
  return result;
}

static const char *uri_of(fixture *f, const char *rel) {
  char abs[4096];
  snprintf(abs, sizeof abs, "%s/%s", nl_ws_root(f->ws, 0), rel);
  nl_entry *e = nl_ws_by_path(f->ws, abs);
  return e ? e->uri : "(not indexed)";
}

static int64_t num(const json_t *loc, const char *end, const char *field) {
  return json_integer_value(json_object_get(
      json_object_get(json_object_get(loc, "range"), end), field));
}

/* Asserts a Location: the note at `rel` and the range l1:c1-l2:c2. */
#define ASSERT_LOC(f, loc, rel, l1, c1, l2, c2)                                      \
  do {                                                                               \
    const json_t *loc_ = (loc);                                                      \
    ASSERT(json_is_object(loc_));                                                    \
    ASSERT_STR_EQ(json_string_value(json_object_get(loc_, "uri")), uri_of((f), (rel))); \
    ASSERT_EQ(num(loc_, "start", "line"), (l1));                                     \
    ASSERT_EQ(num(loc_, "start", "character"), (c1));                                \
    ASSERT_EQ(num(loc_, "end", "line"), (l2));                                       \
    ASSERT_EQ(num(loc_, "end", "character"), (c2));                                  \
  } while (0)

static void test_bad_params(void) {
  fixture f;
  ASSERT_EQ(fixture_init(&f, NL_TEST_VAULT, NL_ENC_UTF16), 0);
  json_t *result = NULL;
  char err[256] = "";
  json_t *bad = json_pack("{s:{s:s},s:{s:i}}", "textDocument", "uri", "file:///x.md", "position",
                          "line", 1);
  ASSERT_EQ(nl_feature_definition(&f.ctx, bad, &result, err, sizeof err), NL_RPC_INVALID_PARAMS);
  ASSERT(strstr(err, "character") != NULL);
  json_decref(bad);
  json_t *r = define_at(&f, "file:///not/open.md", 0, 0); /* not open: null */
  ASSERT(json_is_null(r));
  json_decref(r);
  /* Positions past the end are clamped (here to just after "]]"), never an error. */
  r = define_at(&f, open_note(&f, "Inbox.md", "[[Contoso]]", NULL), 7, 99);
  ASSERT_LOC(&f, r, "Accounts/Contoso.md", 0, 0, 0, 0);
  json_decref(r);
  bad = json_pack("{}");
  ASSERT_EQ(nl_feature_workspace_symbol(&f.ctx, bad, &result, err, sizeof err),
            NL_RPC_INVALID_PARAMS);
  json_decref(bad);
  fixture_done(&f);
}

int main(void) {
  uv_loop_init(&loop);
  cfg = nl_config_new();
  RUN(test_bad_params);
  nl_config_free(cfg);
  uv_loop_close(&loop);
  return NL_TEST_DONE();
}
