/* test-frontmatter.c: the YAML frontmatter of a note, with byte positions of keys and values. */
#include <stdint.h>

#include "lsp/note/note.h"
#include "tests/test.h"

static nl_note *parse(const char *s) { return nl_note_parse(s, strlen(s)); }

static nl_note *parse_file(const char *rel) {
  char path[1024];
  snprintf(path, sizeof(path), "%s/%s", NL_TEST_VAULT, rel);
  FILE *f = fopen(path, "rb");
  if (f == NULL) return NULL;
  static char buf[1 << 16];
  size_t n = fread(buf, 1, sizeof(buf), f);
  fclose(f);
  return nl_note_parse(buf, n);
}

static void test_vault_kickoff(void) {
  nl_note *n = parse_file("Meetings/2025-11-06 - Storage pilot kickoff with Contoso.md");
  ASSERT(n != NULL);
  ASSERT(n->fm.present);
  ASSERT(n->fm.is_mapping);
  ASSERT(!n->fm.has_error);
  ASSERT_EQ(n->fm.first_line, 0);
  ASSERT_EQ(n->fm.last_line, 13);
  ASSERT_EQ(n->fm.n_entries, 7);
  ASSERT_STR_EQ(n->type->text, "customer");
  ASSERT_STR_EQ(n->title->text, "Storage pilot kickoff with Contoso");
  ASSERT_STR_EQ(n->account->text, "Contoso");
  ASSERT_BRANGE(n->account->range, 4, 9, 4, 16);
  /* date: '2025-11-06' -- the range leaves the quotes out */
  ASSERT_STR_EQ(n->date->text, "2025-11-06");
  ASSERT_BRANGE(n->date->range, 3, 7, 3, 17);
  ASSERT_EQ(n->n_participants, 3);
  ASSERT_STR_EQ(n->participants[2].text, "Jonas Becker");
  ASSERT_BRANGE(n->participants[2].range, 8, 2, 8, 14);
  const nl_fm_entry *src = nl_note_fm_get(n, "SOURCE"); /* unknown keys are kept */
  ASSERT(src != NULL);
  ASSERT_STR_EQ(src->key, "source");
  ASSERT_EQ(src->n_items, 1);
  ASSERT_STR_EQ(src->items[0].text, "transcript");
  /* frontmatter tags come first among the note's tags */
  ASSERT(n->n_tags >= 2);
  ASSERT_STR_EQ(n->tags[0].name, "type/customer");
  ASSERT(n->n_fm_tags >= 1);
  ASSERT_BRANGE(nl_note_tag_range(n, 1), 12, 2, 12, 17);
  nl_note_free(n);
}

static void test_vault_broken(void) {
  nl_note *n = parse_file("Meetings/2025-11-20 - Broken frontmatter.md");
  ASSERT(n != NULL);
  ASSERT(n->fm.present);
  ASSERT(n->fm.has_error);
  /* "title: [unclosed" on line 2; libyaml finds the problem at the ':' of "account: Contoso". */
  ASSERT_EQ(n->fm.error_pos.line, 3);
  ASSERT_EQ(n->fm.error_pos.col, 7);
  ASSERT_STR_EQ(n->fm.error_message, "did not find expected ',' or ']'");
  ASSERT_EQ(n->fm.n_entries, 1); /* type, before the error */
  ASSERT_STR_EQ(n->type->text, "customer");
  ASSERT(n->title == NULL);
  /* the body is still a note */
  ASSERT_EQ(n->n_links, 1);
  ASSERT_STR_EQ(n->links[0].target, "Ana Ruiz");
  nl_note_free(n);
}

static void test_vault_bom_crlf(void) {
  nl_note *n = parse_file("Meetings/2025-10-02 - Export from the old CRM.md");
  ASSERT(n != NULL);
  ASSERT(n->has_bom);
  ASSERT(n->crlf);
  ASSERT(n->fm.present);
  ASSERT_EQ(n->fm.last_line, 4);
  ASSERT_STR_EQ(n->account->text, "Fabrikam");
  ASSERT_BRANGE(n->account->range, 3, 9, 3, 17);
  ASSERT_STR_EQ(n->fm.entries[0].key, "type");
  nl_note_free(n);
}

static void test_no_frontmatter(void) {
  nl_note *n = parse("# Title\n---\na: b\n---\n");
  ASSERT(n != NULL);
  ASSERT(!n->fm.present);
  ASSERT_EQ(n->fm.n_entries, 0);
  nl_note_free(n);
  n = parse("");
  ASSERT(n != NULL);
  ASSERT(!n->fm.present);
  ASSERT_EQ(n->n_lines, 1);
  nl_note_free(n);
}

static void test_empty_and_only_frontmatter(void) {
  nl_note *n = parse("---\n---");
  ASSERT(n != NULL);
  ASSERT(n->fm.present);
  ASSERT(!n->fm.is_mapping);
  ASSERT(!n->fm.has_error);
  ASSERT_EQ(n->fm.last_line, 1);
  nl_note_free(n);
  n = parse("---\ntitle: Only\n...");
  ASSERT(n != NULL);
  ASSERT(n->fm.present);
  ASSERT_EQ(n->fm.last_line, 2);
  ASSERT_STR_EQ(n->title->text, "Only");
  ASSERT_EQ(n->n_headings + n->n_links + n->n_tags, 0);
  nl_note_free(n);
}

static void test_unterminated(void) {
  nl_note *n = parse("---\ntitle: x\n[[Body Link]] #tag\n");
  ASSERT(n != NULL);
  ASSERT(!n->fm.present);
  ASSERT(n->title == NULL);
  ASSERT_EQ(n->n_links, 1); /* all of it is body */
  ASSERT_EQ(nl_link_range(&n->links[0]).start.line, 2);
  nl_note_free(n);
}

static void test_not_a_mapping(void) {
  nl_note *n = parse("---\n- a\n- b\n---\nbody");
  ASSERT(n != NULL);
  ASSERT(n->fm.present);
  ASSERT(!n->fm.is_mapping);
  ASSERT(!n->fm.has_error);
  ASSERT_EQ(n->fm.n_entries, 0);
  nl_note_free(n);
  n = parse("---\njust text\n---\n");
  ASSERT(n != NULL);
  ASSERT(!n->fm.is_mapping);
  nl_note_free(n);
}

static void test_value_shapes(void) {
  nl_note *n = parse("---\nempty:\nnull: ~\nnested:\n  a: 1\nlist: [a, b]\naliases: One\n"
                     "block: |\n  text\n---\n");
  ASSERT(n != NULL);
  const nl_fm_entry *e = nl_note_fm_get(n, "empty");
  ASSERT(e != NULL);
  ASSERT_EQ(e->n_items, 0);
  ASSERT(!e->is_list);
  e = nl_note_fm_get(n, "null");
  ASSERT(e != NULL);
  ASSERT_EQ(e->n_items, 0);
  e = nl_note_fm_get(n, "nested");
  ASSERT(e != NULL);
  ASSERT(e->is_mapping);
  ASSERT_EQ(e->n_items, 0);
  e = nl_note_fm_get(n, "list");
  ASSERT(e != NULL);
  ASSERT(e->is_list);
  ASSERT_EQ(e->n_items, 2);
  ASSERT_BRANGE(e->items[1].range, 5, 10, 5, 11);
  ASSERT_EQ(n->n_aliases, 1); /* a string alias */
  ASSERT_STR_EQ(n->aliases[0].text, "One");
  e = nl_note_fm_get(n, "block");
  ASSERT(e != NULL);
  ASSERT_STR_EQ(e->items[0].text, "text\n");
  ASSERT(nl_note_fm_get(n, "absent") == NULL);
  nl_note_free(n);
}

static void test_links_in_values(void) {
  nl_note *n = parse("---\naccount: [[Contoso]]\nparticipants:\n  - [[Ana Ruiz]]\n"
                     "  - \"[[Jonas Becker|Jonas]]\"\n  - Plain\nproject: '[[Atlas]]'\n"
                     "owner: [[Zoe|Z]]\n---\n");
  ASSERT(n != NULL);
  ASSERT(!n->fm.has_error);
  ASSERT(n->account != NULL);
  ASSERT_STR_EQ(n->account->text, "Contoso");
  ASSERT_BRANGE(n->account->range, 1, 11, 1, 18);
  ASSERT(!nl_note_fm_get(n, "account")->is_list);
  ASSERT_EQ(n->n_participants, 3);
  ASSERT_STR_EQ(n->participants[0].text, "Ana Ruiz");
  ASSERT_BRANGE(n->participants[0].range, 3, 6, 3, 14);
  ASSERT_STR_EQ(n->participants[1].text, "Jonas Becker");
  ASSERT_BRANGE(n->participants[1].range, 4, 7, 4, 19);
  ASSERT_STR_EQ(n->participants[2].text, "Plain");
  const nl_fm_entry *e = nl_note_fm_get(n, "project");
  ASSERT_STR_EQ(e->items[0].text, "Atlas");
  ASSERT_BRANGE(e->items[0].range, 6, 12, 6, 17);
  e = nl_note_fm_get(n, "owner");
  ASSERT_STR_EQ(e->items[0].text, "Zoe");
  ASSERT_BRANGE(e->items[0].range, 7, 9, 7, 12);
  nl_note_free(n);
}

/* Tag i of n is `want` over (l0, c0)-(l1, c1). */
#define ASSERT_TAG(n, i, want, l0, c0, l1, c1)          \
  do {                                                  \
    ASSERT_STR_EQ((n)->tags[i].name, want);             \
    ASSERT_BRANGE(nl_note_tag_range(n, i), l0, c0, l1, c1); \
  } while (0)

static void test_tags_string_and_list(void) {
  nl_note *n = parse("---\ntags: \"a, b #c\"\n---\n#inline");
  ASSERT(n != NULL);
  ASSERT_EQ(n->n_tags, 4);
  ASSERT_TAG(n, 0, "a", 1, 7, 1, 8);
  ASSERT_TAG(n, 2, "c", 1, 12, 1, 14);
  ASSERT_EQ(n->n_fm_tags, 3); /* a, b and c; not #inline */
  ASSERT_STR_EQ(n->tags[3].name, "inline");
  ASSERT_EQ(sizeof(nl_tag), 16);
  nl_note_free(n);
  n = parse("---\ntag: [x/y, 'z']\n---\n"); /* the singular spelling too */
  ASSERT(n != NULL);
  ASSERT_EQ(n->n_tags, 2);
  ASSERT_STR_EQ(n->tags[0].name, "x/y");
  ASSERT_BRANGE(nl_note_tag_range(n, 1), 1, 12, 1, 13);
  nl_note_free(n);
  /* A value not written as is (an escaped quote, a folded line) gives its tags its range; a
   * '#' before a tag is in its range. */
  n = parse("---\ntags: ['it''s #a', '#b', \"c\n  d\"]\n---\n#e");
  ASSERT(n != NULL);
  ASSERT_EQ(n->n_fm_tags, 5);
  ASSERT_TAG(n, 0, "it's", 1, 8, 1, 16);
  ASSERT_TAG(n, 1, "a", 1, 8, 1, 16);
  ASSERT_TAG(n, 2, "b", 1, 20, 1, 22);
  ASSERT_TAG(n, 4, "d", 1, 26, 2, 3);
  ASSERT_TAG(n, 5, "e", 4, 0, 4, 2);
  nl_note_free(n);
}

static void test_byte_columns_not_characters(void) {
  /* libyaml counts characters; ranges are bytes. é is 2 bytes, 王 3, 📅 4. */
  nl_note *n = parse("---\ntitle: \"\xC3\xA9t\xC3\xA9\"\ntags: [\xE7\x8E\x8B, \xF0\x9F\x93\x85x, z]\n"
                     "\xC3\xA9k\xC3\xA9: v\n---\n");
  ASSERT(n != NULL);
  ASSERT(!n->fm.has_error);
  ASSERT_BRANGE(n->title->range, 1, 8, 1, 13);
  const nl_fm_entry *tags = nl_note_fm_get(n, "tags");
  ASSERT(tags != NULL);
  ASSERT_EQ(tags->n_items, 3);
  ASSERT_BRANGE(tags->items[0].range, 2, 7, 2, 10);
  ASSERT_BRANGE(tags->items[1].range, 2, 12, 2, 17);
  ASSERT_BRANGE(tags->items[2].range, 2, 19, 2, 20);
  ASSERT_BRANGE(n->fm.entries[2].items[0].range, 3, 7, 3, 8);
  nl_note_free(n);
}

static void test_error_after_multibyte(void) {
  /* The error's column is in bytes too: "é: [" then a bad line. */
  nl_note *n = parse("---\n\xC3\xA9\xC3\xA9: ok\nk: [a\nz: b\n---\n");
  ASSERT(n != NULL);
  ASSERT(n->fm.has_error);
  ASSERT_EQ(n->fm.n_entries, 1);
  ASSERT_EQ(n->fm.error_pos.line, 3);
  ASSERT_EQ(n->fm.error_pos.col, 1);
  nl_note_free(n);
  n = parse("---\na: 1\nb: \"\xC3\xA9\xC3\xA9\" x\n---\n");
  ASSERT(n != NULL);
  ASSERT(n->fm.has_error);
  ASSERT_EQ(n->fm.error_pos.line, 2);
  ASSERT_EQ(n->fm.error_pos.col, 10); /* the 'x', 8 characters in */
  nl_note_free(n);
}

static void test_invalid_utf8_keeps_entries_above(void) {
  nl_note *n = parse("---\ntitle: ok\nbad: \xFF\xFE\nafter: x\n---\n# Body\n");
  ASSERT(n != NULL);
  ASSERT(n->fm.present);
  ASSERT(n->fm.has_error);
  ASSERT_EQ(n->fm.error_pos.line, 2);
  ASSERT_EQ(n->fm.error_pos.col, 5);
  ASSERT(n->title != NULL);
  ASSERT_STR_EQ(n->title->text, "ok");
  ASSERT_EQ(n->n_headings, 1);
  nl_note_free(n);
}

static void test_cr_only_and_bom(void) {
  nl_note *n = parse("\xEF\xBB\xBF---\rtitle: T\raccount: A\r---\rbody [[L]]");
  ASSERT(n != NULL);
  ASSERT(n->has_bom);
  ASSERT(!n->crlf);
  ASSERT(n->fm.present);
  ASSERT_EQ(n->fm.last_line, 3);
  ASSERT_BRANGE(n->account->range, 2, 9, 2, 10);
  ASSERT_EQ(n->n_links, 1);
  ASSERT_BRANGE(nl_link_range(&n->links[0]), 4, 5, 4, 10);
  nl_note_free(n);
}

static void test_fence_with_trailing_spaces_and_yaml_doc_marker(void) {
  nl_note *n = parse("---  \ntitle: x\n---\t\n");
  ASSERT(n != NULL);
  ASSERT(n->fm.present);
  ASSERT_STR_EQ(n->title->text, "x");
  nl_note_free(n);
  n = parse("----\ntitle: x\n---\n"); /* four dashes: a thematic break */
  ASSERT(n != NULL);
  ASSERT(!n->fm.present);
  nl_note_free(n);
}

static void test_deep_nesting_is_refused(void) {
  /* libyaml is quadratic in flow nesting; the parser refuses absurd depth instead of hanging,
   * and keeps the entries above it. */
  size_t depth = 100000;
  char *s = malloc(depth * 2 + 64);
  ASSERT(s != NULL);
  size_t k = (size_t)sprintf(s, "---\nfirst: ok\na: ");
  for (size_t i = 0; i < depth; i++) s[k++] = '[';
  s[k++] = 'x';
  for (size_t i = 0; i < depth; i++) s[k++] = ']';
  k += (size_t)sprintf(s + k, "\nb: 1\n---\n# Body\n");
  nl_note *n = nl_note_parse(s, k);
  free(s);
  ASSERT(n != NULL);
  ASSERT(n->fm.present);
  ASSERT(n->fm.has_error);
  ASSERT_STR_EQ(n->fm.error_message, "frontmatter nests too deeply");
  ASSERT_EQ(n->fm.error_pos.line, 2);
  ASSERT_EQ(n->fm.error_pos.col, 3 + 256);
  ASSERT_EQ(n->fm.n_entries, 1);
  ASSERT_STR_EQ(n->fm.entries[0].key, "first");
  ASSERT_EQ(n->n_headings, 1);
  nl_note_free(n);
  /* A few levels are fine. */
  n = parse("---\na: [[[[x]]]]\n---\n");
  ASSERT(n != NULL);
  ASSERT(!n->fm.has_error);
  nl_note_free(n);
}

int main(void) {
  RUN(test_vault_kickoff);
  RUN(test_vault_broken);
  RUN(test_vault_bom_crlf);
  RUN(test_no_frontmatter);
  RUN(test_empty_and_only_frontmatter);
  RUN(test_unterminated);
  RUN(test_not_a_mapping);
  RUN(test_value_shapes);
  RUN(test_links_in_values);
  RUN(test_tags_string_and_list);
  RUN(test_byte_columns_not_characters);
  RUN(test_error_after_multibyte);
  RUN(test_invalid_utf8_keeps_entries_above);
  RUN(test_cr_only_and_bom);
  RUN(test_fence_with_trailing_spaces_and_yaml_doc_marker);
  RUN(test_deep_nesting_is_refused);
  return NL_TEST_DONE();
}
