/* The link writer (lsp/index/link_writer.c): the markdown destinations and display texts it
 * writes, each read back by cmark (is it a link, and to that destination?) and by the note
 * parser (does it name the file it was written for?). Which relative form reaches which note
 * is the index's to judge: tests/cases/links/relative-folders. */
#include <cmark.h>
#include <stdlib.h>
#include <string.h>

#include "lsp/index/config.h"
#include "lsp/index/link_writer.h"
#include "lsp/note/note.h"
#include "test.h"

static char *write_md(const char *from, const char *to, const char *fragment, const char *shown) {
  nl_link_dest d = {0};
  d.from_rel = from;
  d.to_rel = to;
  d.format = NL_LINK_FORMAT_ABSOLUTE;
  d.markdown = 1;
  return nl_link_write(&d, fragment, shown, 0);
}

/* The destination cmark reads in `link` (a paragraph holding one link), or NULL (new). */
static char *cmark_url(const char *link) {
  cmark_node *doc = cmark_parse_document(link, strlen(link), CMARK_OPT_DEFAULT);
  cmark_node *para = cmark_node_first_child(doc);
  cmark_node *node = para ? cmark_node_first_child(para) : NULL;
  char *url = NULL;
  if (node != NULL && cmark_node_get_type(node) == CMARK_NODE_LINK && cmark_node_next(node) == NULL)
    url = strdup(cmark_node_get_url(node));
  cmark_node_free(doc);
  return url;
}

/* Whether the note parser reads `link` as one markdown link whose decoded target is `to` and
 * whose heading is `heading` (NULL: none). */
static int parsed_as(const char *link, const char *to, const char *heading) {
  nl_note *n = nl_note_parse(link, strlen(link));
  int ok = n != NULL && n->n_links == 1 && n->links[0].kind == NL_LINK_MARKDOWN &&
           strcmp(n->links[0].target, to) == 0 &&
           (heading == NULL ? nl_link_heading(&n->links[0]) == NULL
                            : nl_link_heading(&n->links[0]) != NULL &&
                                  strcmp(nl_link_heading(&n->links[0]), heading) == 0);
  if (!ok && n != NULL && n->n_links > 0)
    fprintf(stderr, "  parsed %s: target \"%s\" heading \"%s\"\n", link, n->links[0].target,
            nl_link_heading(&n->links[0]) ? nl_link_heading(&n->links[0]) : "(none)");
  nl_note_free(n);
  return ok;
}

/* A markdown link written for vault path `to`, read back: CommonMark sees one link to exactly
 * `dest`, and the note parser one link whose decoded target is `to`. */
#define ASSERT_READ_BACK(to, heading, link, dest)                                   \
  do {                                                                              \
    char *url_ = cmark_url(link);                                                   \
    int same_ = url_ != NULL && strcmp(url_, dest) == 0;                            \
    if (!same_) fprintf(stderr, "  cmark read %s\n", url_ ? url_ : "no link");      \
    free(url_);                                                                     \
    ASSERT(same_);                                                                  \
    ASSERT(parsed_as(link, to, heading));                                           \
  } while (0)

/* Obsidian's generateMarkdownLink encodes blanks only (and '\', controls): non-ASCII, '(' ')',
 * '[' ']', '!', '^', '&' stay as they are. Where its link would not reach the note we encode:
 * '#' (Obsidian's own reader cuts "Sub/We!rd%20(name)%20[x]%20#1.md" at the '#'), '%',
 * unbalanced parentheses, and '`' (a code span would take the link apart). */
static void test_encoding(void) {
  static const struct {
    const char *to, *link, *dest;
  } cases[] = {
      {"Sub/We!rd (name) [x] #1.md", "[We!rd (name) \\[x\\] #1](Sub/We!rd%20(name)%20[x]%20%231.md)",
       "Sub/We!rd%20(name)%20[x]%20%231.md"},
      {"Caf\xC3\xA9 No\xC3\xABl.md", "[Caf\xC3\xA9 No\xC3\xABl](Caf\xC3\xA9%20No\xC3\xABl.md)",
       "Caf\xC3\xA9%20No\xC3\xABl.md"},
      {"Notes/100% done.md", "[100% done](Notes/100%25%20done.md)", "Notes/100%25%20done.md"},
      {"Half (open.md", "[Half (open](Half%20%28open.md)", "Half%20%28open.md"},
      {"a)b(c.md", "[a)b(c](a%29b%28c.md)", "a%29b%28c.md"},
      {"C^2 & more.md", "[C^2 & more](C^2%20&%20more.md)", "C^2%20&%20more.md"},
      {"back`tick.md", "[back`tick](back%60tick.md)", "back%60tick.md"},
      {"Why? <b>.md", "[Why? <b>](Why%3F%20%3Cb%3E.md)", "Why%3F%20%3Cb%3E.md"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *link = write_md("x.md", cases[i].to, NULL, NULL);
    ASSERT_STR_EQ(link, cases[i].link);
    ASSERT_READ_BACK(cases[i].to, NULL, link, cases[i].dest);
    free(link);
  }
}

/* A heading or block of another note shows what Obsidian shows for [[Note#Heading]]:
 * "Note > Heading", "Note > A > B", "Note > ^id"; within the note the heading alone, as
 * Obsidian's suggester writes "[Heading](#Heading)". A given display text is kept. */
static void test_shown(void) {
  char *link = write_md("x.md", "People/Leah (PM).md", "Plan (v2)", NULL);
  ASSERT_STR_EQ(link, "[Leah (PM) > Plan (v2)](People/Leah%20(PM).md#Plan%20(v2))");
  ASSERT_READ_BACK("People/Leah (PM).md", "Plan (v2)", link, "People/Leah%20(PM).md#Plan%20(v2)");
  free(link);
  link = write_md("x.md", "Note.md", "Goals#Step 1", NULL);
  ASSERT_STR_EQ(link, "[Note > Goals > Step 1](Note.md#Goals#Step%201)");
  free(link);
  link = write_md("x.md", "Note.md", "^lead", NULL);
  ASSERT_STR_EQ(link, "[Note > ^lead](Note.md#^lead)");
  free(link);
  link = write_md("x.md", NULL, "Open questions", NULL);
  ASSERT_STR_EQ(link, "[Open questions](#Open%20questions)");
  free(link);
  link = write_md("x.md", "Note.md", "Goals", "the goals");
  ASSERT_STR_EQ(link, "[the goals](Note.md#Goals)");
  free(link);
  link = write_md("x.md", "Dir/Note.md", NULL, NULL);
  ASSERT_STR_EQ(link, "[Note](Dir/Note.md)");
  free(link);
  /* A wikilink shows its target by itself: no display text is added. */
  nl_link_dest d = {.from_rel = "x.md", .to_rel = "Note.md", .format = NL_LINK_FORMAT_SHORTEST};
  link = nl_link_write(&d, "Goals", NULL, 0);
  ASSERT_STR_EQ(link, "[[Note#Goals]]");
  free(link);
}

/* Relative paths as Obsidian writes them when nothing else has the name: the plain path from
 * the linking note's folder, never "./". */
static void test_relative_plain(void) {
  static const struct {
    const char *from, *to, *wiki, *md;
  } cases[] = {
      {"a/x.md", "a/Note.md", "[[Note]]", "[Note](Note.md)"},
      {"a/x.md", "a/sub/Deep Note.md", "[[sub/Deep Note]]", "[Deep Note](sub/Deep%20Note.md)"},
      {"a/x.md", "b/Other.md", "[[../b/Other]]", "[Other](../b/Other.md)"},
      {"x.md", "Top.md", "[[Top]]", "[Top](Top.md)"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    nl_link_dest d = {.from_rel = cases[i].from, .to_rel = cases[i].to, .format = NL_LINK_FORMAT_RELATIVE};
    char *link = nl_link_write(&d, NULL, NULL, 0);
    ASSERT_STR_EQ(link, cases[i].wiki);
    free(link);
    d.markdown = 1;
    link = nl_link_write(&d, NULL, NULL, 0);
    ASSERT_STR_EQ(link, cases[i].md);
    free(link);
  }
}

int main(void) {
  RUN(test_encoding);
  RUN(test_shown);
  RUN(test_relative_plain);
  return NL_TEST_DONE();
}
