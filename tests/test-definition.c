/* textDocument/definition (and declaration) and workspace/symbol against a real index of
 * tests/vault-example: every kind of position in the kickoff meeting and elsewhere, to the exact
 * target URI and range, on the live text of open documents, in every position encoding. */
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

static json_t *symbols(fixture *f, const char *query) {
  json_t *params = json_pack("{s:s}", "query", query);
  json_t *result = NULL;
  char err[256] = "";
  int rc = nl_feature_workspace_symbol(&f->ctx, params, &result, err, sizeof err);
  json_decref(params);
  return rc == 0 ? result : NULL;
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

#define KICKOFF "Meetings/2025-11-06 - Storage pilot kickoff with Contoso.md"
#define PROCUREMENT "Meetings/2025-11-14 - Fabrikam procurement sync.md"

/* ---- links -------------------------------------------------------------------------------- */

/* ---- mentions, tags and frontmatter ------------------------------------------------------- */

/* ---- the live text and encodings ---------------------------------------------------------- */

static void test_open_text(void) {
  fixture f;
  ASSERT_EQ(fixture_init(&f, NL_TEST_VAULT, NL_ENC_UTF16), 0);
  /* None of this is on disk: the editor's text is what counts. */
  const char *uri = open_note(&f, "Inbox.md",
                              "# Inbox\n"
                              "See @Ana today\n"
                              "[[2025-11-06#^apollo-question]]\n"
                              "[[#Inbox]]\n"
                              "[profile](People/Ana%20Ruiz.md#ana-ruiz)\n"
                              "![[Project Atlas#Milestones]]\n"
                              "[[Ana]]\n",
                              NULL);
  json_t *r = define_at(&f, uri, 1, 6);
  ASSERT_LOC(&f, r, "People/Ana Ruiz.md", 0, 0, 0, 0);
  json_decref(r);
  /* "- Which [[Apollo]] did Léa mean? ^apollo-question" is line 3 of the daily note. */
  const char *daily = "- Which [[Apollo]] did L\xC3\xA9" "a mean? ";
  uint32_t c = units(daily, strlen(daily), NL_ENC_UTF16);
  r = define_at(&f, uri, 2, 20);
  ASSERT_LOC(&f, r, "Daily/2025-11-06.md", 3, c, 3, c + 16);
  json_decref(r);
  r = define_at(&f, uri, 3, 4); /* the open note's own heading */
  ASSERT_LOC(&f, r, "Inbox.md", 0, 0, 0, 7);
  json_decref(r);
  r = define_at(&f, uri, 4, 15); /* a markdown link with a slug: "# Ana Ruiz" is line 11 */
  ASSERT_LOC(&f, r, "People/Ana Ruiz.md", 11, 0, 11, 10);
  json_decref(r);
  r = define_at(&f, uri, 5, 5); /* an embed */
  ASSERT_LOC(&f, r, "Projects/Project Atlas.md", 9, 0, 9, 13);
  json_decref(r);
  r = define_at(&f, uri, 6, 3); /* a link by alias */
  ASSERT_LOC(&f, r, "People/Ana Ruiz.md", 0, 0, 0, 0);
  json_decref(r);
  fixture_done(&f);
}

static void test_emoji_before_position(void) {
  const char *line = "\xF0\x9F\x9A\x80\xF0\x9F\x9A\x80\xF0\x9F\x9A\x80 x [[Contoso]]\n";
  nl_encoding encs[] = {NL_ENC_UTF8, NL_ENC_UTF16, NL_ENC_UTF32};
  uint32_t on_c[] = {17, 11, 8}; /* the 'C' of Contoso */
  for (int i = 0; i < 3; i++) {
    fixture f;
    ASSERT_EQ(fixture_init(&f, NL_TEST_VAULT, encs[i]), 0);
    const char *uri = open_note(&f, "Inbox.md", line, NULL);
    ASSERT_EQ(col_after(line, 0, "[[", encs[i]), on_c[i]);
    json_t *r = define_at(&f, uri, 0, on_c[i]);
    ASSERT_LOC(&f, r, "Accounts/Contoso.md", 0, 0, 0, 0);
    json_decref(r);
    fixture_done(&f);
  }
  /* The utf-16 column of 'C' read as utf-8 falls inside the third emoji: nothing there. */
  fixture f;
  ASSERT_EQ(fixture_init(&f, NL_TEST_VAULT, NL_ENC_UTF8), 0);
  json_t *r = define_at(&f, open_note(&f, "Inbox.md", line, NULL), 0, 11);
  ASSERT(json_is_null(r));
  json_decref(r);
  fixture_done(&f);
}

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

/* ---- workspace/symbol --------------------------------------------------------------------- */

static void test_workspace_symbols(void) {
  fixture f;
  ASSERT_EQ(fixture_init(&f, NL_TEST_VAULT, NL_ENC_UTF16), 0);
  json_t *r = symbols(&f, "Ana");
  ASSERT(json_array_size(r) >= 1);
  const json_t *first = json_array_get(r, 0); /* the alias "Ana" is an exact match */
  ASSERT_STR_EQ(json_string_value(json_object_get(first, "name")), "Ana Ruiz");
  ASSERT_EQ(json_integer_value(json_object_get(first, "kind")), 5);
  ASSERT_STR_EQ(json_string_value(json_object_get(first, "containerName")), "People");
  ASSERT_LOC(&f, json_object_get(first, "location"), "People/Ana Ruiz.md", 0, 0, 0, 0);
  json_decref(r);

  r = symbols(&f, "milestones");
  ASSERT_EQ(json_array_size(r), 1);
  first = json_array_get(r, 0);
  ASSERT_STR_EQ(json_string_value(json_object_get(first, "name")), "Milestones");
  ASSERT_EQ(json_integer_value(json_object_get(first, "kind")), 15);
  ASSERT_STR_EQ(json_string_value(json_object_get(first, "containerName")), "Project Atlas");
  ASSERT_LOC(&f, json_object_get(first, "location"), "Projects/Project Atlas.md", 9, 0, 9, 13);
  json_decref(r);

  /* Two notes called Apollo; their "# Apollo" headings repeat the names and are not listed. */
  r = symbols(&f, "Apollo");
  ASSERT_EQ(json_array_size(r), 2);
  ASSERT_EQ(json_integer_value(json_object_get(json_array_get(r, 0), "kind")), 1);
  ASSERT_EQ(json_integer_value(json_object_get(json_array_get(r, 1), "kind")), 1);
  json_decref(r);

  r = symbols(&f, "zoe"); /* NFD file name, found without the accent, shown in NFC */
  ASSERT(json_array_size(r) >= 1);
  ASSERT_STR_EQ(json_string_value(json_object_get(json_array_get(r, 0), "name")),
                "Zo\xC3\xAB Lindahl");
  json_decref(r);

  r = symbols(&f, "");
  ASSERT(json_array_size(r) > 17);
  json_decref(r);
  r = symbols(&f, "qqqqxz");
  ASSERT_EQ(json_array_size(r), 0);
  json_decref(r);
  fixture_done(&f);
}

int main(void) {
  uv_loop_init(&loop);
  cfg = nl_config_new();
  RUN(test_open_text);
  RUN(test_emoji_before_position);
  RUN(test_bad_params);
  RUN(test_workspace_symbols);
  nl_config_free(cfg);
  uv_loop_close(&loop);
  return NL_TEST_DONE();
}
