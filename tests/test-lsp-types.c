/* test-lsp-types.c: LSP structures to JSON, param readers and their messages, file URIs. */
#include "protocol/lsp_types.h"
#include "protocol/rpc.h"

#include "test.h"

static void expect_json(json_t *v, const char *want, int *ok) {
  char *s = v ? json_dumps(v, JSON_COMPACT) : NULL;
  *ok = s != NULL && strcmp(s, want) == 0;
  if (!*ok) fprintf(stderr, "got  %s\nwant %s\n", s ? s : "(null)", want);
  free(s);
  json_decref(v);
}

static void test_builders(void) {
  int ok;
  expect_json(nl_lsp_position_json(3, 7), "{\"line\":3,\"character\":7}", &ok);
  ASSERT(ok);
  expect_json(nl_lsp_position_json(UINT32_MAX, 0), "{\"line\":4294967295,\"character\":0}", &ok);
  ASSERT(ok);
  expect_json(nl_lsp_range_json(1, 2, 3, 4),
              "{\"start\":{\"line\":1,\"character\":2},\"end\":{\"line\":3,\"character\":4}}",
              &ok);
  ASSERT(ok);
  expect_json(nl_lsp_location_json("file:///v/a.md", 0, 0, 0, 5),
              "{\"uri\":\"file:///v/a.md\",\"range\":{\"start\":{\"line\":0,\"character\":0},"
              "\"end\":{\"line\":0,\"character\":5}}}",
              &ok);
  ASSERT(ok);
  expect_json(nl_lsp_text_edit_json(2, 0, 2, 3, "[[B]]"),
              "{\"range\":{\"start\":{\"line\":2,\"character\":0},\"end\":{\"line\":2,"
              "\"character\":3}},\"newText\":\"[[B]]\"}",
              &ok);
  ASSERT(ok);
  ASSERT(nl_lsp_location_json("bad \xff", 0, 0, 0, 0) == NULL);
  ASSERT(nl_lsp_location_json(NULL, 0, 0, 0, 0) == NULL);
}

static json_t *params(const char *text) {
  json_error_t e;
  return json_loads(text, 0, &e);
}

static void test_get_position(void) {
  json_t *p = params("{\"textDocument\":{\"uri\":\"file:///a.md\"},"
                     "\"position\":{\"line\":4,\"character\":9}}");
  char err[128];
  uint32_t line = 0, ch = 0;
  ASSERT_EQ(nl_lsp_get_position(p, "position", &line, &ch, err, sizeof(err)), 0);
  ASSERT_EQ(line, 4);
  ASSERT_EQ(ch, 9);
  ASSERT_STR_EQ(nl_lsp_get_uri(p, err, sizeof(err)), "file:///a.md");
  json_decref(p);

  static const struct {
    const char *json;
    const char *msg;
  } bad[] = {
      {"{}", "params.position is missing"},
      {"{\"position\":3}", "params.position must be an object"},
      {"{\"position\":{\"character\":1}}", "params.position.line is missing"},
      {"{\"position\":{\"line\":-1,\"character\":1}}",
       "params.position.line must be a non-negative integer"},
      {"{\"position\":{\"line\":1.5,\"character\":1}}",
       "params.position.line must be a non-negative integer"},
      {"{\"position\":{\"line\":1,\"character\":\"2\"}}",
       "params.position.character must be a non-negative integer"},
      {"{\"position\":{\"line\":1,\"character\":4294967296}}",
       "params.position.character must be a non-negative integer"},
      {"[]", "params must be an object"},
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    p = params(bad[i].json);
    line = ch = 77;
    ASSERT_EQ(nl_lsp_get_position(p, "position", &line, &ch, err, sizeof(err)),
              NL_RPC_INVALID_PARAMS);
    ASSERT_STR_EQ(err, bad[i].msg);
    ASSERT_EQ(line, 77); /* outputs untouched on failure */
    json_decref(p);
  }
  ASSERT_EQ(nl_lsp_get_position(NULL, "position", &line, &ch, err, sizeof(err)),
            NL_RPC_INVALID_PARAMS);
}

static void test_get_range(void) {
  json_t *p = params("{\"edit\":{\"range\":{\"start\":{\"line\":1,\"character\":2},"
                     "\"end\":{\"line\":3,\"character\":4}}}}");
  char err[128];
  uint32_t a, b, c, d;
  ASSERT_EQ(nl_lsp_get_range(p, "edit.range", &a, &b, &c, &d, err, sizeof(err)), 0);
  ASSERT_EQ(a, 1);
  ASSERT_EQ(b, 2);
  ASSERT_EQ(c, 3);
  ASSERT_EQ(d, 4);
  json_decref(p);

  p = params("{\"range\":{\"start\":{\"line\":1,\"character\":2},\"end\":{\"line\":3}}}");
  ASSERT_EQ(nl_lsp_get_range(p, "range", &a, &b, &c, &d, err, sizeof(err)),
            NL_RPC_INVALID_PARAMS);
  ASSERT_STR_EQ(err, "params.range.end.character is missing");
  ASSERT_EQ(nl_lsp_get_range_ex(p, "contentChanges[2]", "range", &a, &b, &c, &d, err,
                                sizeof(err)),
            NL_RPC_INVALID_PARAMS);
  ASSERT_STR_EQ(err, "contentChanges[2].range.end.character is missing");
  json_decref(p);

  p = params("{\"range\":{\"start\":null}}");
  ASSERT_EQ(nl_lsp_get_range(p, "range", &a, &b, &c, &d, err, sizeof(err)),
            NL_RPC_INVALID_PARAMS);
  ASSERT_STR_EQ(err, "params.range.start must be an object");
  json_decref(p);
  p = params("{\"range\":[]}");
  ASSERT_EQ(nl_lsp_get_range(p, "range", &a, &b, &c, &d, err, sizeof(err)),
            NL_RPC_INVALID_PARAMS);
  ASSERT_STR_EQ(err, "params.range must be an object");
  json_decref(p);
}

static void test_get_string_and_int(void) {
  json_t *p = params("{\"textDocument\":{\"uri\":5,\"version\":12},\"context\":{\"only\":\"x\"},"
                     "\"n\":\"7\"}");
  char err[128];
  const char *s = NULL;
  int64_t v = 0;
  ASSERT_EQ(nl_lsp_get_int(p, "textDocument.version", &v, err, sizeof(err)), 0);
  ASSERT_EQ(v, 12);
  ASSERT_EQ(nl_lsp_get_string(p, "context.only", &s, err, sizeof(err)), 0);
  ASSERT_STR_EQ(s, "x");
  ASSERT(nl_lsp_get_uri(p, err, sizeof(err)) == NULL);
  ASSERT_STR_EQ(err, "params.textDocument.uri must be a string");
  ASSERT_EQ(nl_lsp_get_string(p, "context.missing.deeper", &s, err, sizeof(err)),
            NL_RPC_INVALID_PARAMS);
  ASSERT_STR_EQ(err, "params.context.missing is missing");
  ASSERT_EQ(nl_lsp_get_string(p, "n.deeper", &s, err, sizeof(err)), NL_RPC_INVALID_PARAMS);
  ASSERT_STR_EQ(err, "params.n must be an object");
  ASSERT_EQ(nl_lsp_get_int(p, "n", &v, err, sizeof(err)), NL_RPC_INVALID_PARAMS);
  ASSERT_STR_EQ(err, "params.n must be an integer");
  ASSERT_EQ(nl_lsp_get_int_ex(p, "", "n", &v, err, sizeof(err)), NL_RPC_INVALID_PARAMS);
  ASSERT_STR_EQ(err, "n must be an integer");
  json_decref(p);
  p = params("{}");
  ASSERT(nl_lsp_get_uri(p, err, sizeof(err)) == NULL);
  ASSERT_STR_EQ(err, "params.textDocument is missing");
  json_decref(p);
}

static void test_path_to_uri(void) {
  static const struct {
    const char *path, *uri;
  } cases[] = {
      {"/home/u/vault/Inbox.md", "file:///home/u/vault/Inbox.md"},
      {"/v/Meetings/2025-11-06 - Kickoff.md", "file:///v/Meetings/2025-11-06%20-%20Kickoff.md"},
      {"/v/People/L\xC3\xA9" "a Dubois.md", "file:///v/People/L%C3%A9a%20Dubois.md"},
      {"/v/People/\xE7\x8E\x8B\xE8\x8A\xB3.md", "file:///v/People/%E7%8E%8B%E8%8A%B3.md"},
      {"/v/a#b%c?d.md", "file:///v/a%23b%25c%3Fd.md"},
      {"/v/c:/x+y=z&(1)[2]~_.md", "file:///v/c%3A/x%2By%3Dz%26%281%29%5B2%5D~_.md"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char *uri = nl_path_to_uri(cases[i].path);
    ASSERT_STR_EQ(uri, cases[i].uri);
    char *back = nl_uri_to_path(uri);
    ASSERT_STR_EQ(back, cases[i].path);
    free(uri);
    free(back);
  }
  ASSERT(nl_path_to_uri("relative/x.md") == NULL);
  ASSERT(nl_path_to_uri("") == NULL);
  ASSERT(nl_path_to_uri(NULL) == NULL);
}

static void test_uri_to_path(void) {
  static const struct {
    const char *uri, *path; /* path NULL: rejected */
  } cases[] = {
      {"file:///v/a%20b.md", "/v/a b.md"},
      {"file:///v/a%c3%a9.md", "/v/a\xC3\xA9.md"},          /* lowercase hex */
      {"file:///v/a b.md", "/v/a b.md"},                    /* clients that do not encode */
      {"FILE:///v/x.md", "/v/x.md"},
      {"file://localhost/v/x.md", "/v/x.md"},
      {"file:/v/x.md", "/v/x.md"},
      {"file:///v/x.md#L3", "/v/x.md"},
      {"file:///v/x.md?q=1", "/v/x.md"},
      {"file://server/share/x.md", NULL},
      {"untitled:Untitled-1", NULL},
      {"https://example.com/x.md", NULL},
      {"file:///v/bad%2", NULL},
      {"file:///v/bad%zz.md", NULL},
      {"file:///v/nul%00.md", NULL},
      {"file:relative.md", NULL},
      {"file://", NULL},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char *path = nl_uri_to_path(cases[i].uri);
    if (cases[i].path == NULL) {
      if (path != NULL) fprintf(stderr, "%s -> %s\n", cases[i].uri, path);
      ASSERT(path == NULL);
    } else {
      ASSERT_STR_EQ(path, cases[i].path);
    }
    free(path);
  }
  ASSERT(nl_uri_to_path(NULL) == NULL);
}

int main(void) {
  RUN(test_builders);
  RUN(test_get_position);
  RUN(test_get_range);
  RUN(test_get_string_and_int);
  RUN(test_path_to_uri);
  RUN(test_uri_to_path);
  return NL_TEST_DONE();
}
