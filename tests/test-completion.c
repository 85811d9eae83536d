/* textDocument/completion against a real index of tests/vault-example (and generated vaults):
 * real JSON params in, exact items, text edits and ranges out, in all three encodings. */
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

/* The number of lines of vault note `rel` on disk (text appended to it starts there). */
static uint32_t disk_lines(const char *rel) {
  char path[4096];
  size_t len = 0;
  snprintf(path, sizeof path, "%s/%s", NL_TEST_VAULT, rel);
  char *text = read_file(path, &len);
  uint32_t n = 0;
  for (size_t i = 0; text && i < len; i++) n += text[i] == '\n';
  free(text);
  return n;
}


static json_t *complete_at(fixture *f, const char *uri, uint32_t line, uint32_t character) {
  json_t *params = json_pack("{s:{s:s},s:{s:i,s:i},s:{s:i}}", "textDocument", "uri", uri,
                             "position", "line", line, "character", character, "context",
                             "triggerKind", 1);
  json_t *result = NULL;
  char err[256] = "";
  int rc = nl_feature_completion(&f->ctx, params, &result, err, sizeof err);
  json_decref(params);
  if (rc != 0) {
    fprintf(stderr, "completion failed: %s\n", err);
    return NULL;
  }
  return result;
}


static const json_t *item_by_label(const json_t *list, const char *label) {
  const json_t *items = json_object_get(list, "items");
  size_t i;
  const json_t *it;
  json_array_foreach(items, i, it) {
    if (strcmp(json_string_value(json_object_get(it, "label")), label) == 0) return it;
  }
  return NULL;
}

static size_t n_items(const json_t *list) {
  return json_array_size(json_object_get(list, "items"));
}

static const char *str_at(const json_t *obj, const char *path) {
  char buf[256];
  snprintf(buf, sizeof buf, "%s", path);
  const json_t *cur = obj;
  for (char *tok = strtok(buf, "."); tok && cur; tok = strtok(NULL, "."))
    cur = json_object_get(cur, tok);
  return json_string_value(cur);
}

static int64_t int_at(const json_t *obj, const char *path) {
  char buf[256];
  snprintf(buf, sizeof buf, "%s", path);
  const json_t *cur = obj;
  for (char *tok = strtok(buf, "."); tok && cur; tok = strtok(NULL, "."))
    cur = json_object_get(cur, tok);
  return json_is_integer(cur) ? json_integer_value(cur) : -1;
}

/* Asserts an item's edit: one-line range [a, b) on `line` and its new text. */
#define ASSERT_EDIT(item, line, a, b, text)                                          \
  do {                                                                               \
    ASSERT((item) != NULL);                                                          \
    ASSERT_EQ(int_at((item), "textEdit.range.start.line"), (line));                 \
    ASSERT_EQ(int_at((item), "textEdit.range.start.character"), (a));                \
    ASSERT_EQ(int_at((item), "textEdit.range.end.line"), (line));                    \
    ASSERT_EQ(int_at((item), "textEdit.range.end.character"), (b));                  \
    ASSERT_STR_EQ(str_at((item), "textEdit.newText"), (text));                       \
  } while (0)

#define KICKOFF "Meetings/2025-11-06 - Storage pilot kickoff with Contoso.md"

/* ---- [[ ---------------------------------------------------------------------------------- */

static void test_wikilink_lists_notes_and_aliases(void) {
  fixture f;
  ASSERT_EQ(fixture_init(&f, NL_TEST_VAULT, NL_ENC_UTF16), 0);
  const char *uri = open_note(&f, "Inbox.md", NULL, "See [[");
  json_t *r = complete_at(&f, uri, 4, 6);
  ASSERT(r != NULL);
  ASSERT(json_is_false(json_object_get(r, "isIncomplete")));
  /* 17 notes, and the aliases Ana, Lea Dubois, me, Wang Fang, Contoso Ltd. */
  ASSERT_EQ(n_items(r), 22);

  const json_t *ana = item_by_label(r, "Ana Ruiz");
  ASSERT_EDIT(ana, 4, 6, 6, "Ana Ruiz]]");
  ASSERT_EQ(int_at(ana, "kind"), 18);
  ASSERT_STR_EQ(str_at(ana, "detail"), "person \xC2\xB7 Contoso");
  ASSERT(str_at(ana, "filterText") == NULL); /* the label filters: no copy sent */

  const json_t *alias = item_by_label(r, "Ana");
  ASSERT_EDIT(alias, 4, 6, 6, "Ana Ruiz|Ana]]");
  ASSERT_STR_EQ(str_at(alias, "detail"), "alias of Ana Ruiz \xC2\xB7 person \xC2\xB7 Contoso");

  const json_t *ltd = item_by_label(r, "Contoso Ltd");
  ASSERT_EDIT(ltd, 4, 6, 6, "Contoso|Contoso Ltd]]");
  ASSERT_EQ(int_at(ltd, "kind"), 7);
  ASSERT_EQ(int_at(item_by_label(r, "Contoso"), "kind"), 7);

  /* Two notes called Apollo: each by its path; the bare name would be ambiguous. */
  ASSERT(item_by_label(r, "Apollo") == NULL);
  ASSERT_EDIT(item_by_label(r, "Projects/Apollo"), 4, 6, 6, "Projects/Apollo]]");
  ASSERT_EDIT(item_by_label(r, "Archive/Apollo"), 4, 6, 6, "Archive/Apollo]]");
  ASSERT_EQ(int_at(item_by_label(r, "Projects/Apollo"), "kind"), 17);
  ASSERT_STR_EQ(str_at(item_by_label(r, "Projects/Apollo"), "detail"),
                "project \xC2\xB7 Fabrikam");
  /* The NFD file name is offered in NFC. */
  ASSERT(item_by_label(r, "Zo\xC3\xAB Lindahl") != NULL);

  /* With nothing typed, people and accounts come first (sortText is the rank). */
  const json_t *items = json_object_get(r, "items");
  for (size_t i = 0; i < json_array_size(items); i++) {
    char want[24];
    snprintf(want, sizeof want, "%05zu", i);
    ASSERT_STR_EQ(str_at(json_array_get(items, i), "sortText"), want);
  }
  int seen_plain = 0;
  for (size_t i = 0; i < json_array_size(items); i++) {
    int64_t kind = int_at(json_array_get(items, i), "kind");
    if (kind == 17) seen_plain = 1;
    else ASSERT(!seen_plain); /* no person or account after a plain note */
  }
  json_decref(r);
  fixture_done(&f);
}

static void test_wikilink_closed_replaces_target(void) {
  fixture f;
  ASSERT_EQ(fixture_init(&f, NL_TEST_VAULT, NL_ENC_UTF16), 0);
  /* "- [[Ana Ruiz]]" under Related: the cursor after "[[An", the link already closed. */
  const char *uri = open_note(&f, KICKOFF, NULL, NULL);
  uint32_t l = disk_line_of(KICKOFF, "\n- [[Ana Ruiz]]", NULL) + 1;
  json_t *r = complete_at(&f, uri, l, 6);
  ASSERT(r != NULL);
  const json_t *items = json_object_get(r, "items");
  ASSERT(json_array_size(items) >= 2);
  /* The two prefix matches rank first: the name, then its alias. */
  ASSERT_STR_EQ(str_at(json_array_get(items, 0), "label"), "Ana Ruiz");
  ASSERT_STR_EQ(str_at(json_array_get(items, 1), "label"), "Ana");
  ASSERT_EDIT(json_array_get(items, 0), l, 4, 12, "Ana Ruiz");
  ASSERT_EDIT(json_array_get(items, 1), l, 4, 12, "Ana Ruiz|Ana");
  /* A scattered match is offered too, below them. */
  ASSERT(item_by_label(r, "2025-11-06 - Storage pilot kickoff with Contoso") != NULL);
  json_decref(r);
  fixture_done(&f);
}

static void test_wikilink_headings_and_blocks(void) {
  fixture f;
  ASSERT_EQ(fixture_init(&f, NL_TEST_VAULT, NL_ENC_UTF16), 0);
  const char *uri = open_note(&f, "Inbox.md", NULL, "x [[Project Atlas#Mi\ny ![[Project Atlas#\n"
                                                   "z [[2025-11-06#^\nw [[#In");
  json_t *r = complete_at(&f, uri, 4, 20);
  ASSERT_EQ(n_items(r), 1);
  const json_t *m = item_by_label(r, "Milestones");
  ASSERT_EDIT(m, 4, 18, 20, "Milestones]]");
  ASSERT_STR_EQ(str_at(m, "detail"), "H2");
  json_decref(r);

  r = complete_at(&f, uri, 5, 19); /* an embed, nothing typed after '#': every heading */
  ASSERT_EQ(n_items(r), 2);
  ASSERT_STR_EQ(str_at(json_array_get(json_object_get(r, "items"), 0), "label"), "Project Atlas");
  ASSERT_EDIT(item_by_label(r, "Milestones"), 5, 19, 19, "Milestones]]");
  json_decref(r);

  r = complete_at(&f, uri, 6, 16);
  ASSERT_EQ(n_items(r), 1);
  ASSERT_EDIT(item_by_label(r, "apollo-question"), 6, 16, 16, "apollo-question]]");
  json_decref(r);

  /* [[# : the headings of the open note itself, from its live text. */
  r = complete_at(&f, uri, 7, 7);
  ASSERT_EQ(n_items(r), 1);
  ASSERT_EDIT(item_by_label(r, "Inbox"), 7, 5, 7, "Inbox]]");
  json_decref(r);
  fixture_done(&f);
}

static void test_wikilink_emoji_in_every_encoding(void) {
  const char *line = "\xF0\x9F\x9A\x80 [[Ana R";
  nl_encoding encs[] = {NL_ENC_UTF8, NL_ENC_UTF16, NL_ENC_UTF32};
  uint32_t start[] = {7, 5, 4}, cursor[] = {12, 10, 9};
  for (int i = 0; i < 3; i++) {
    fixture f;
    ASSERT_EQ(fixture_init(&f, NL_TEST_VAULT, encs[i]), 0);
    const char *uri = open_note(&f, "Inbox.md", NULL, line);
    /* The expected columns, cross-checked by an independent count. */
    ASSERT_EQ(col_after(line, 0, "Ana R", encs[i]), cursor[i]);
    ASSERT_EQ(col_after(line, 0, "[[", encs[i]), start[i]);
    json_t *r = complete_at(&f, uri, 4, cursor[i]);
    ASSERT(r != NULL);
    ASSERT_EDIT(item_by_label(r, "Ana Ruiz"), 4, start[i], cursor[i], "Ana Ruiz]]");
    json_decref(r);
    fixture_done(&f);
  }
}

static void test_wikilink_fence_and_code_span(void) {
  fixture f;
  ASSERT_EQ(fixture_init(&f, NL_TEST_VAULT, NL_ENC_UTF16), 0);
  const char *uri = open_note(&f, "Inbox.md", NULL, "```\n[[An\n```\n`[[An` [[An");
  json_t *r = complete_at(&f, uri, 5, 4);
  ASSERT_EQ(n_items(r), 0); /* inside a fenced block */
  json_decref(r);
  r = complete_at(&f, uri, 7, 5);
  ASSERT_EQ(n_items(r), 0); /* inside a code span */
  json_decref(r);
  r = complete_at(&f, uri, 7, 11);
  ASSERT(item_by_label(r, "Ana Ruiz") != NULL); /* after the span: a link again */
  json_decref(r);
  fixture_done(&f);
}

/* ---- @ ------------------------------------------------------------------------------------ */

static void test_mentions(void) {
  fixture f;
  ASSERT_EQ(fixture_init(&f, NL_TEST_VAULT, NL_ENC_UTF16), 0);
  const char *uri = open_note(&f, "Inbox.md", NULL, "Ping @Jo\nand @Zo\nask @Wa\nmail a@Jo");
  json_t *r = complete_at(&f, uri, 4, 8);
  ASSERT_EQ(n_items(r), 1);
  const json_t *jonas = item_by_label(r, "Jonas Becker");
  ASSERT_EDIT(jonas, 4, 6, 8, "Jonas Becker");
  ASSERT_EQ(int_at(jonas, "kind"), 18);
  ASSERT_STR_EQ(str_at(jonas, "detail"), "person \xC2\xB7 Contoso");
  json_decref(r);

  r = complete_at(&f, uri, 5, 7); /* the file name is NFD; the item is NFC */
  ASSERT_EQ(n_items(r), 1);
  ASSERT_EDIT(item_by_label(r, "Zo\xC3\xAB Lindahl"), 5, 5, 7, "Zo\xC3\xAB Lindahl");
  json_decref(r);

  r = complete_at(&f, uri, 6, 7); /* 王芳 by the alias Wang Fang */
  ASSERT_EQ(n_items(r), 1);
  const json_t *wang = item_by_label(r, "Wang Fang");
  ASSERT_EDIT(wang, 6, 5, 7, "Wang Fang");
  ASSERT_STR_EQ(str_at(wang, "detail"),
                "alias of \xE7\x8E\x8B\xE8\x8A\xB3 \xC2\xB7 person \xC2\xB7 Fabrikam");
  json_decref(r);

  r = complete_at(&f, uri, 7, 10); /* an e-mail address is no mention */
  ASSERT_EQ(n_items(r), 0);
  json_decref(r);
  fixture_done(&f);
}

static void test_mention_inside_existing_name(void) {
  fixture f;
  ASSERT_EQ(fixture_init(&f, NL_TEST_VAULT, NL_ENC_UTF16), 0);
  /* "- [ ?] Confirm pilot rack delivery date ... @Jonas Becker 📅 2025-11-10 ⏫ ..." */
  const char *uri = open_note(&f, KICKOFF, NULL, NULL);
  char *text = NULL;
  uint32_t l = disk_line_of(KICKOFF, "- [ ?] Confirm pilot rack", &text);
  uint32_t at = col_after(text, l, "@Jo", NL_ENC_UTF16);
  uint32_t name_end = col_after(text, l, "@Jonas Becker", NL_ENC_UTF16);
  json_t *r = complete_at(&f, uri, l, at);
  /* Choosing the name replaces the whole name already there, not just "Jo". */
  ASSERT_EDIT(item_by_label(r, "Jonas Becker"), l, at - 2, name_end, "Jonas Becker");
  json_decref(r);
  /* Spaces belong to the typed name: "@Jonas B" still lists Jonas Becker. */
  r = complete_at(&f, uri, l, at + 5);
  ASSERT_EDIT(item_by_label(r, "Jonas Becker"), l, at - 2, name_end, "Jonas Becker");
  json_decref(r);
  free(text);
  fixture_done(&f);
}

/* ---- # and frontmatter -------------------------------------------------------------------- */

static void test_tags(void) {
  fixture f;
  ASSERT_EQ(fixture_init(&f, NL_TEST_VAULT, NL_ENC_UTF16), 0);
  /* Flushed into the index as the server does: the partial "#acc" written twice in this note
   * only is what is being typed, not a tag to offer. */
  const char *uri = open_note(&f, "Inbox.md", NULL, "More #acc\n#\n#acc");
  json_t *r = complete_at(&f, uri, 4, 9);
  ASSERT_EQ(n_items(r), 3);
  /* Two prefix matches, the more used first, then the scattered match type/account. */
  const json_t *items = json_object_get(r, "items");
  ASSERT_STR_EQ(str_at(json_array_get(items, 0), "label"), "account/contoso");
  ASSERT_STR_EQ(str_at(json_array_get(items, 1), "label"), "account/fabrikam");
  ASSERT_STR_EQ(str_at(json_array_get(items, 2), "label"), "type/account");
  ASSERT_STR_EQ(str_at(json_array_get(items, 0), "detail"), "tag, used 4 times");
  ASSERT_EDIT(item_by_label(r, "account/contoso"), 4, 6, 9, "account/contoso");
  ASSERT_EDIT(item_by_label(r, "account/fabrikam"), 4, 6, 9, "account/fabrikam");
  ASSERT_EQ(int_at(item_by_label(r, "account/contoso"), "kind"), 14);
  json_decref(r);
  r = complete_at(&f, uri, 5, 1); /* a lone '#' at the start of a line starts a heading */
  ASSERT_EQ(n_items(r), 0);
  json_decref(r);
  r = complete_at(&f, uri, 6, 4); /* but "#acc" there is a tag */
  ASSERT_EDIT(item_by_label(r, "account/contoso"), 6, 1, 4, "account/contoso");
  ASSERT(item_by_label(r, "acc") == NULL);
  json_decref(r);
  fixture_done(&f);
}

/* A tag that other notes use too is offered even when this note writes it under the cursor;
 * a tag this note alone uses elsewhere is offered while another word is typed. */
static void test_tags_own_note(void) {
  fixture f;
  ASSERT_EQ(fixture_init(&f, NL_TEST_VAULT, NL_ENC_UTF16), 0);
  const char *uri = open_note(&f, "Inbox.md", NULL, "More #account/contoso\n#zqxlone and #zq");
  json_t *r = complete_at(&f, uri, 4, 21);
  ASSERT(item_by_label(r, "account/contoso") != NULL);
  json_decref(r);
  r = complete_at(&f, uri, 5, 16); /* "#zq": the note's own #zqxlone is a real tag */
  ASSERT_EDIT(item_by_label(r, "zqxlone"), 5, 14, 16, "zqxlone");
  ASSERT(item_by_label(r, "zq") == NULL);
  json_decref(r);
  r = complete_at(&f, uri, 5, 8); /* "#zqxlone" under the cursor, used nowhere else */
  ASSERT(item_by_label(r, "zqxlone") == NULL);
  json_decref(r);
  fixture_done(&f);
}

/* Task fields from the one emoji table: a word names a field, a date emoji wants a date, 🔁 a
 * rule; nothing of this outside a task. */
static void test_task_fields(void) {
  fixture f;
  ASSERT_EQ(fixture_init(&f, NL_TEST_VAULT, NL_ENC_UTF16), 0); /* today: 2025-11-15 */
  uint32_t base = disk_lines("Inbox.md");
  const char *uri = open_note(&f, "Inbox.md", NULL,
                              "- [ ] Call the bank du\n"
                              "- [ ] Call the bank \xF0\x9F\x93\x85 \n"
                              "- [ ] Water \xF0\x9F\x94\x81\n"
                              "Plain du\n");
  json_t *r = complete_at(&f, uri, base, 22);
  ASSERT_EDIT(item_by_label(r, "\xF0\x9F\x93\x85 due date"), base, 20, 22, "\xF0\x9F\x93\x85 ");
  ASSERT(item_by_label(r, "\xE2\x9C\x85 done date") == NULL); /* "du" is no prefix of done */
  json_decref(r);
  r = complete_at(&f, uri, base + 1, 23); /* after "📅 " (📅 is 2 UTF-16 units) */
  ASSERT_EDIT(item_by_label(r, "2025-11-16"), base + 1, 23, 23, "2025-11-16");
  ASSERT_STR_EQ(str_at(item_by_label(r, "2025-11-16"), "detail"), "tomorrow");
  ASSERT_STR_EQ(str_at(item_by_label(r, "2025-11-17"), "detail"), "Monday");
  json_decref(r);
  r = complete_at(&f, uri, base + 2, 14); /* right after 🔁: a space comes first */
  ASSERT_EDIT(item_by_label(r, "every week"), base + 2, 14, 14, " every week");
  json_decref(r);
  r = complete_at(&f, uri, base + 3, 8);
  ASSERT_EQ(n_items(r), 0);
  json_decref(r);
  fixture_done(&f);
}

static void test_frontmatter_values(void) {
  fixture f;
  ASSERT_EQ(fixture_init(&f, NL_TEST_VAULT, NL_ENC_UTF16), 0);
  const char *text = "---\n"
                     "type: pers\n"
                     "account: Co\n"
                     "participants:\n"
                     "- Myself\n"
                     "- Jo\n"
                     "tags: [type/customer, acc]\n"
                     "---\n"
                     "body\n";
  const char *uri = open_note(&f, KICKOFF, text, NULL);
  json_t *r = complete_at(&f, uri, 1, 10);
  ASSERT_EQ(n_items(r), 1);
  ASSERT_EDIT(item_by_label(r, "person"), 1, 6, 10, "person");
  ASSERT_EQ(int_at(item_by_label(r, "person"), "kind"), 20);
  json_decref(r);

  r = complete_at(&f, uri, 2, 11);
  ASSERT_EQ(n_items(r), 2);
  ASSERT_EDIT(item_by_label(r, "Contoso"), 2, 9, 11, "Contoso");
  ASSERT_EDIT(item_by_label(r, "Contoso Ltd"), 2, 9, 11, "Contoso"); /* alias: canonical name */
  json_decref(r);

  r = complete_at(&f, uri, 5, 4);
  ASSERT_EQ(n_items(r), 1);
  ASSERT_EDIT(item_by_label(r, "Jonas Becker"), 5, 2, 4, "Jonas Becker");
  json_decref(r);

  r = complete_at(&f, uri, 6, 25);
  ASSERT_EDIT(item_by_label(r, "account/contoso"), 6, 22, 25, "account/contoso");
  json_decref(r);

  r = complete_at(&f, uri, 8, 4); /* the body: nothing */
  ASSERT_EQ(n_items(r), 0);
  json_decref(r);
  fixture_done(&f);
}

/* ---- [x]( --------------------------------------------------------------------------------- */

static void test_markdown_paths(void) {
  fixture f;
  ASSERT_EQ(fixture_init(&f, NL_TEST_VAULT, NL_ENC_UTF16), 0);
  const char *uri = open_note(&f, KICKOFF, NULL, "[x](../People/An\n[y](../People/Ana%20R)\n");
  uint32_t l = disk_lines(KICKOFF);
  json_t *r = complete_at(&f, uri, l, 16);
  ASSERT_EQ(n_items(r), 1);
  ASSERT_EDIT(item_by_label(r, "Ana Ruiz.md"), l, 14, 16, "Ana%20Ruiz.md");
  ASSERT_STR_EQ(str_at(item_by_label(r, "Ana Ruiz.md"), "filterText"), "Ana%20Ruiz.md");
  json_decref(r);
  r = complete_at(&f, uri, l + 1, 16); /* in "Ana|%20R": the edit runs to ')' */
  ASSERT_EDIT(item_by_label(r, "Ana Ruiz.md"), l + 1, 14, 21, "Ana%20Ruiz.md");
  json_decref(r);

  const char *inbox = open_note(&f, "Inbox.md", NULL, "[x](Jon");
  /* No folder typed: the vault's newLinkFormat, here Obsidian's default "shortest" (the other
   * formats: tests/cases/completion). */
  r = complete_at(&f, inbox, disk_lines("Inbox.md"), 7);
  ASSERT_EDIT(item_by_label(r, "Jonas Becker.md"), disk_lines("Inbox.md"), 4, 7,
              "Jonas%20Becker.md");
  json_decref(r);
  fixture_done(&f);
}

/* ---- the live text ------------------------------------------------------------------------ */

static void test_uses_open_text(void) {
  fixture f;
  ASSERT_EQ(fixture_init(&f, NL_TEST_VAULT, NL_ENC_UTF16), 0);
  /* On disk line 2 is "- [ ] Read the pilot notes ..."; in the editor it is "- @An". */
  const char *uri = open_note(&f, "Inbox.md", "# Inbox\n\n- @An\n", NULL);
  json_t *r = complete_at(&f, uri, 2, 5);
  ASSERT_EDIT(item_by_label(r, "Ana Ruiz"), 2, 3, 5, "Ana Ruiz");
  ASSERT_EDIT(item_by_label(r, "Ana"), 2, 3, 5, "Ana");
  json_decref(r);
  fixture_done(&f);
}

static void test_item_defaults_edit_range(void) {
  fixture f;
  ASSERT_EQ(fixture_init(&f, NL_TEST_VAULT, NL_ENC_UTF16), 0);
  caps.completion_edit_range = 1;
  const char *uri = open_note(&f, "Inbox.md", "# Inbox\n\n- @An\n", NULL);
  json_t *r = complete_at(&f, uri, 2, 5);
  /* The shared range once, in itemDefaults; each item only its text. */
  const json_t *range = json_object_get(json_object_get(r, "itemDefaults"), "editRange");
  ASSERT(range != NULL);
  ASSERT_EQ(json_integer_value(json_object_get(json_object_get(range, "start"), "character")), 3);
  ASSERT_EQ(json_integer_value(json_object_get(json_object_get(range, "end"), "character")), 5);
  const json_t *ana = item_by_label(r, "Ana Ruiz");
  ASSERT(ana != NULL);
  ASSERT(json_object_get(ana, "textEdit") == NULL);
  ASSERT_STR_EQ(str_at(ana, "textEditText"), "Ana Ruiz");
  json_decref(r);
  caps.completion_edit_range = 0;
  fixture_done(&f);
}

static void test_bad_params_and_closed_documents(void) {
  fixture f;
  ASSERT_EQ(fixture_init(&f, NL_TEST_VAULT, NL_ENC_UTF16), 0);
  json_t *result = NULL;
  char err[256] = "";
  json_t *bad = json_pack("{s:{s:s}}", "textDocument", "uri", "file:///x.md");
  ASSERT_EQ(nl_feature_completion(&f.ctx, bad, &result, err, sizeof err), NL_RPC_INVALID_PARAMS);
  ASSERT(strstr(err, "position") != NULL);
  json_decref(bad);
  bad = json_pack("[]");
  ASSERT_EQ(nl_feature_completion(&f.ctx, bad, &result, err, sizeof err), NL_RPC_INVALID_PARAMS);
  json_decref(bad);

  /* Not open: an empty list, not an error. */
  json_t *r = complete_at(&f, "file:///nowhere/x.md", 0, 0);
  ASSERT(r != NULL);
  ASSERT_EQ(n_items(r), 0);
  json_decref(r);
  /* Positions past the text are clamped. */
  const char *uri = open_note(&f, "Inbox.md", "[[Ana", NULL);
  r = complete_at(&f, uri, 0, 999);
  ASSERT(item_by_label(r, "Ana Ruiz") != NULL);
  json_decref(r);
  r = complete_at(&f, uri, 99, 0);
  ASSERT(r != NULL);
  json_decref(r);
  fixture_done(&f);
}

/* ---- large vaults ------------------------------------------------------------------------- */

static int write_file(const char *dir, const char *rel, const char *text) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, rel);
  FILE *fp = fopen(path, "wb");
  if (fp == NULL) return -1;
  fputs(text, fp);
  return fclose(fp);
}

static void remove_tree(const char *dir) {
  char cmd[4200];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
}

static void test_cut_at_50(void) {
  char dir[] = "/tmp/nl-completion-XXXXXX";
  ASSERT(mkdtemp(dir) != NULL);
  char sub[4200];
  snprintf(sub, sizeof sub, "%s/People", dir);
  mkdir(sub, 0755);
  for (int i = 0; i < 300; i++) {
    char rel[64];
    snprintf(rel, sizeof rel, "Note %03d.md", i);
    write_file(dir, rel, "# note\n");
  }
  write_file(dir, "People/Nora Quist.md", "---\ntype: person\n---\n");
  write_file(dir, "Here.md", "[[Note\n");
  fixture f;
  ASSERT_EQ(fixture_init(&f, dir, NL_ENC_UTF16), 0);
  const char *uri = open_note(&f, "Here.md", NULL, NULL);
  json_t *r = complete_at(&f, uri, 0, 6);
  ASSERT(json_is_true(json_object_get(r, "isIncomplete")));
  ASSERT_EQ(n_items(r), 50);
  /* The prefix matches fill the list; the scattered "Nora Quist" (N-o-t-e? no 't') is out. */
  ASSERT(item_by_label(r, "Nora Quist") == NULL);
  json_decref(r);

  r = complete_at(&f, uri, 0, 3); /* "[[N": the person ranks first among the prefix matches */
  ASSERT_STR_EQ(str_at(json_array_get(json_object_get(r, "items"), 0), "label"), "Nora Quist");
  ASSERT(json_is_true(json_object_get(r, "isIncomplete")));
  json_decref(r);
  fixture_done(&f);
  remove_tree(dir);
}

int main(void) {
  uv_loop_init(&loop);
  cfg = nl_config_new();
  RUN(test_wikilink_lists_notes_and_aliases);
  RUN(test_wikilink_closed_replaces_target);
  RUN(test_wikilink_headings_and_blocks);
  RUN(test_wikilink_emoji_in_every_encoding);
  RUN(test_wikilink_fence_and_code_span);
  RUN(test_mentions);
  RUN(test_mention_inside_existing_name);
  RUN(test_tags);
  RUN(test_tags_own_note);
  RUN(test_task_fields);
  RUN(test_frontmatter_values);
  RUN(test_markdown_paths);
  RUN(test_uses_open_text);
  RUN(test_item_defaults_edit_range);
  RUN(test_bad_params_and_closed_documents);
  RUN(test_cut_at_50);
  nl_config_free(cfg);
  uv_loop_close(&loop);
  return NL_TEST_DONE();
}
