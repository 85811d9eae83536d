/* textDocument/hover on the kickoff meeting: cards for links, headings, broken links, mentions,
 * frontmatter values, tasks (with the due date against today) and tags; nothing on plain text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "lsp/index/config.h"
#include "lsp/features/features.h"
#include "protocol/rpc.h"
#include "test.h"

#include "fixture.h"

#define KICKOFF "Meetings/2025-11-06 - Storage pilot kickoff with Contoso.md"

/* The hover text at the first `needle` (plus `into` bytes) of the open note; new or NULL. */
static char *hover_at(fixture *f, const char *uri, const char *needle, size_t into) {
  nl_doc *doc = nl_docs_get(f->docs, uri);
  const char *hit = doc ? strstr(doc->text, needle) : NULL;
  if (hit == NULL) return NULL;
  uint32_t line, character;
  nl_lines_position(&doc->lines, NL_ENC_UTF16, (size_t)(hit - doc->text) + into, &line,
                    &character);
  json_t *params = json_pack("{s:{s:s},s:{s:i,s:i}}", "textDocument", "uri", uri, "position",
                             "line", line, "character", character);
  json_t *result = NULL;
  char err[256];
  int rc = nl_feature_hover(&f->ctx, params, &result, err, sizeof err);
  json_decref(params);
  const char *v = rc == 0 ? json_string_value(json_object_get(json_object_get(result, "contents"), "value"))
                          : NULL;
  char *out = v ? strdup(v) : NULL;
  json_decref(result);
  return out;
}

#define ASSERT_HAS(s, part)                                                  \
  do {                                                                       \
    const char *s_ = (s);                                                    \
    if (s_ == NULL || strstr(s_, (part)) == NULL)                            \
      NL_FAIL_("\"%s\" in \"%s\"", (part), s_ ? s_ : "(null)");              \
  } while (0)

static void test_cards(void) {
  fixture f;
  ASSERT_EQ(fixture_init(&f, NL_TEST_VAULT, NL_ENC_UTF16), 0);
  caps.hover_markdown = 1;
  const char *uri = open_note(&f, KICKOFF, NULL, NULL);
  char *h = hover_at(&f, uri, "[[Contoso]]", 3);
  ASSERT_HAS(h, "**Contoso**");
  ASSERT_HAS(h, "account");
  ASSERT_HAS(h, "`Accounts/Contoso.md`");
  ASSERT_HAS(h, "also: Contoso Ltd");
  ASSERT_HAS(h, "links to it");
  free(h);
  h = hover_at(&f, uri, "[[Project Atlas#Milestones]]", 3);
  ASSERT_HAS(h, "section: Milestones (line 10)");
  free(h);
  h = hover_at(&f, uri, "[[Northwind Traders]]", 3);
  ASSERT_HAS(h, "no note named \"Northwind Traders\"");
  free(h);
  h = hover_at(&f, uri, "@Jonas Becker", 3);
  ASSERT_HAS(h, "**Jonas Becker**");
  ASSERT_HAS(h, "person \xC2\xB7 Contoso");
  free(h);
  h = hover_at(&f, uri, "account: Contoso", 10);
  ASSERT_HAS(h, "**Contoso**");
  free(h);
  fixture_done(&f);
}

static void test_tasks_and_tags(void) {
  fixture f;
  ASSERT_EQ(fixture_init(&f, NL_TEST_VAULT, NL_ENC_UTF16), 0); /* today: 2025-11-15 */
  const char *uri = open_note(&f, KICKOFF, NULL, NULL);
  char *h = hover_at(&f, uri, "- [ ?] Confirm", 8);
  ASSERT_HAS(h, "**proposed task** \xE2\x80\x94 accept or reject it");
  ASSERT_HAS(h, "owner: Jonas Becker");
  ASSERT_HAS(h, "due: 2025-11-10 (5 days ago)");
  ASSERT_HAS(h, "priority: high");
  free(h);
  h = hover_at(&f, uri, "- [ ?] Ask", 8);
  ASSERT_HAS(h, "due: not a valid date");
  free(h);
  h = hover_at(&f, uri, "#proposed", 2);
  ASSERT_HAS(h, "**#proposed**");
  ASSERT_HAS(h, "used 4 times in the vault");
  free(h);
  ASSERT(hover_at(&f, uri, "Kickoff of", 2) == NULL); /* plain text: no card */
  fixture_done(&f);
}

/* The whole hover result at `needle` of the open note (new JSON or NULL). */
static json_t *hover_json(fixture *f, const char *uri, const char *needle) {
  nl_doc *doc = nl_docs_get(f->docs, uri);
  const char *hit = doc ? strstr(doc->text, needle) : NULL;
  if (hit == NULL) return NULL;
  uint32_t line, character;
  nl_lines_position(&doc->lines, NL_ENC_UTF16, (size_t)(hit - doc->text), &line, &character);
  json_t *params = json_pack("{s:{s:s},s:{s:i,s:i}}", "textDocument", "uri", uri, "position",
                             "line", line, "character", character);
  json_t *result = NULL;
  char err[256];
  nl_feature_hover(&f->ctx, params, &result, err, sizeof err);
  json_decref(params);
  return result;
}

static void test_task_card_details(void) {
  fixture f;
  ASSERT_EQ(fixture_init(&f, NL_TEST_VAULT, NL_ENC_UTF16), 0); /* today: 2025-11-15 */
  const char *text = "# Chores\n"
                     "- [ ] Water the plants \xF0\x9F\x94\x81 every week \xF0\x9F\x86\x94 w1 "
                     "\xE2\x9B\x94 w0 \xF0\x9F\x93\x85 2025-11-17\n"
                     "- [ ] Call the bank \xC3\xBC\xC3\xAC\xC3\x96 2025-11-10 "
                     "\xE2\x80\x9A\xC3\xA8\xC2\xB4\n"
                     "- [>] Sent on to Ana\n";
  char abs[4096];
  snprintf(abs, sizeof abs, "%s/Scratch/chores.md", nl_ws_root(f.ws, 0));
  nl_entry *e = nl_ws_update(f.ws, abs, text, strlen(text), 1);
  ASSERT(e != NULL);
  const char *uri = e->uri;
  nl_docs_open(f.docs, uri, 1, text, strlen(text));
  caps.hover_markdown = 1;
  char *h = hover_at(&f, uri, "Water", 0);
  ASSERT_HAS(h, "**Todo task** (todo)");
  ASSERT_HAS(h, "  \nrecurs: every week (next due 2025-11-24)");
  ASSERT_HAS(h, "id: w1");
  ASSERT_HAS(h, "depends on: w0");
  ASSERT_HAS(h, "due: 2025-11-17 (in 2 days)");
  free(h);
  /* The mangled 📅 and ⏫ are still read: due date and priority, and a word on the encoding. */
  h = hover_at(&f, uri, "Call the bank", 0);
  ASSERT_HAS(h, "due: 2025-11-10 (5 days ago)");
  ASSERT_HAS(h, "priority: high");
  ASSERT_HAS(h, "repair the encoding");
  free(h);
  h = hover_at(&f, uri, "Sent on", 0);
  ASSERT_HAS(h, "**Unknown task** (todo)");
  free(h);
  /* Plain text for a client without markdown; the range covers the task. */
  caps.hover_markdown = 0;
  json_t *r = hover_json(&f, uri, "Water");
  const json_t *c = json_object_get(r, "contents");
  ASSERT_STR_EQ(json_string_value(json_object_get(c, "kind")), "plaintext");
  const char *v = json_string_value(json_object_get(c, "value"));
  ASSERT(v != NULL && strstr(v, "**") == NULL && strstr(v, "\nrecurs: every week") != NULL);
  const json_t *range = json_object_get(r, "range");
  ASSERT_EQ(json_integer_value(json_object_get(json_object_get(range, "start"), "line")), 1);
  ASSERT_EQ(json_integer_value(json_object_get(json_object_get(range, "start"), "character")), 2);
  ASSERT_EQ(json_integer_value(json_object_get(json_object_get(range, "end"), "character")),
            units(text + 9, strchr(text + 9, '\n') - (text + 9), NL_ENC_UTF16));
  json_decref(r);
  caps.hover_markdown = 1;
  nl_docs_close(f.docs, uri);
  nl_ws_remove(f.ws, abs);
  fixture_done(&f);
}

int main(void) {
  uv_loop_init(&loop);
  cfg = nl_config_new();
  RUN(test_cards);
  RUN(test_tasks_and_tags);
  RUN(test_task_card_details);
  nl_config_free(cfg);
  uv_loop_close(&loop);
  return NL_TEST_DONE();
}
