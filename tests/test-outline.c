/* textDocument/documentSymbol: the kickoff meeting's headings as a tree with section ranges,
 * the flat form for clients without hierarchical support, and a setext heading. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "lsp/index/config.h"
#include "lsp/features/features.h"
#include "protocol/rpc.h"
#include "test.h"

#include "fixture.h"

#define KICKOFF "Meetings/2025-11-06 - Storage pilot kickoff with Contoso.md"

static json_t *outline(fixture *f, const char *uri) {
  json_t *params = json_pack("{s:{s:s}}", "textDocument", "uri", uri);
  json_t *result = NULL;
  char err[256];
  if (nl_feature_document_symbol(&f->ctx, params, &result, err, sizeof err) != 0)
    fprintf(stderr, "documentSymbol failed: %s\n", err);
  json_decref(params);
  return result;
}

static json_int_t at(const json_t *range, const char *end, const char *field) {
  return json_integer_value(json_object_get(json_object_get(range, end), field));
}

#define ASSERT_RANGE(r, l1, c1, l2, c2)                                                   \
  do {                                                                                   \
    ASSERT_EQ(at((r), "start", "line"), (l1));                                           \
    ASSERT_EQ(at((r), "start", "character"), (c1));                                      \
    ASSERT_EQ(at((r), "end", "line"), (l2));                                             \
    ASSERT_EQ(at((r), "end", "character"), (c2));                                        \
  } while (0)

static void test_tree(void) {
  fixture f;
  ASSERT_EQ(fixture_init(&f, NL_TEST_VAULT, NL_ENC_UTF16), 0);
  caps.hierarchical_symbols = 1;
  const char *uri = open_note(&f, KICKOFF, NULL, NULL);
  json_t *r = outline(&f, uri);
  ASSERT_EQ(json_array_size(r), 1);
  const json_t *top = json_array_get(r, 0);
  ASSERT_STR_EQ(json_string_value(json_object_get(top, "name")),
                "Storage pilot kickoff with Contoso");
  ASSERT_EQ(json_integer_value(json_object_get(top, "kind")), 15);
  /* The title's section runs to the end of the note (an empty last line after "```\n"). */
  ASSERT_RANGE(json_object_get(top, "range"), 15, 0, 47, 0);
  ASSERT_RANGE(json_object_get(top, "selectionRange"), 15, 0, 15, 36);
  const json_t *kids = json_object_get(top, "children");
  ASSERT_EQ(json_array_size(kids), 4);
  const json_t *summary = json_array_get(kids, 0);
  ASSERT_STR_EQ(json_string_value(json_object_get(summary, "name")), "Summary");
  /* To the line before "## Action Items" (an empty line). */
  ASSERT_RANGE(json_object_get(summary, "range"), 21, 0, 25, 0);
  ASSERT_STR_EQ(json_string_value(json_object_get(json_array_get(kids, 3), "name")), "Related");
  ASSERT(json_object_get(summary, "children") == NULL);
  json_decref(r);
  caps.hierarchical_symbols = 0;
  fixture_done(&f);
}

static void test_flat(void) {
  fixture f;
  ASSERT_EQ(fixture_init(&f, NL_TEST_VAULT, NL_ENC_UTF16), 0);
  const char *uri = open_note(&f, KICKOFF, NULL, NULL);
  json_t *r = outline(&f, uri);
  ASSERT_EQ(json_array_size(r), 5);
  const json_t *items = json_array_get(r, 2);
  ASSERT_STR_EQ(json_string_value(json_object_get(items, "name")), "Action Items");
  ASSERT_STR_EQ(json_string_value(json_object_get(items, "containerName")),
                "Storage pilot kickoff with Contoso");
  ASSERT_RANGE(json_object_get(json_object_get(items, "location"), "range"), 26, 0, 33, 0);
  ASSERT(json_object_get(json_array_get(r, 0), "containerName") == NULL);
  json_decref(r);
  fixture_done(&f);
}

static void test_setext_and_nothing(void) {
  char dir[] = "/tmp/nl-outline-XXXXXX";
  ASSERT(mkdtemp(dir) != NULL);
  char path[4200];
  snprintf(path, sizeof path, "%s/n.md", dir);
  FILE *fp = fopen(path, "wb");
  fputs("Title\n=====\n\ntext\n\n# \n\nSub\n---\nend", fp);
  fclose(fp);
  fixture f;
  ASSERT_EQ(fixture_init(&f, dir, NL_ENC_UTF16), 0);
  caps.hierarchical_symbols = 1;
  const char *uri = open_note(&f, "n.md", NULL, NULL);
  json_t *r = outline(&f, uri);
  ASSERT_EQ(json_array_size(r), 2);
  const json_t *title = json_array_get(r, 0);
  ASSERT_STR_EQ(json_string_value(json_object_get(title, "name")), "Title");
  ASSERT_RANGE(json_object_get(title, "range"), 0, 0, 4, 0); /* before the empty "# " */
  ASSERT_STR_EQ(json_string_value(json_object_get(json_array_get(r, 1), "name")),
                "(empty heading)");
  json_decref(r);
  /* A document the index does not know: no outline, no error. */
  json_t *params = json_pack("{s:{s:s}}", "textDocument", "uri", "file:///elsewhere/x.md");
  json_t *none = NULL;
  char err[256];
  ASSERT_EQ(nl_feature_document_symbol(&f.ctx, params, &none, err, sizeof err), 0);
  ASSERT_EQ(json_array_size(none), 0);
  json_decref(none);
  json_decref(params);
  caps.hierarchical_symbols = 0;
  fixture_done(&f);
  unlink(path);
  rmdir(dir);
}

int main(void) {
  uv_loop_init(&loop);
  cfg = nl_config_new();
  RUN(test_tree);
  RUN(test_flat);
  RUN(test_setext_and_nothing);
  nl_config_free(cfg);
  uv_loop_close(&loop);
  return NL_TEST_DONE();
}
