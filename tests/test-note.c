/* test-note.c: what a case cannot express about the note parser: its API contract (NULL input,
 * text that is not NUL-terminated), linear time on pathological megabyte lines, and the arena's
 * refusal of absurd sizes. What the parser finds in a note (headings, block ids, links, tags,
 * mentions, tasks, and what must not count) is data: tests/cases/parse/<case>/, an input.md or a
 * note of the example vault and the expected parse as JSON, run by test-cases.c. */
#include <stdint.h>
#include <string.h>
#include <uv.h>

#include "lsp/note/note.h"
#include "tests/test.h"

static void test_empty_and_null(void) {
  nl_note *n = nl_note_parse(NULL, 0);
  ASSERT(n != NULL);
  ASSERT_EQ(n->n_lines, 1);
  nl_note_free(n);
  nl_note_free(NULL);
  /* Not NUL-terminated: only len bytes are read. */
  n = nl_note_parse("[[a]] [[b]]", 5);
  ASSERT(n != NULL);
  ASSERT_EQ(n->n_links, 1);
  nl_note_free(n);
}

static void test_megabyte_line(void) {
  size_t len = 1 << 20;
  char *s = malloc(len + 64);
  ASSERT(s != NULL);
  /* Pathological openers with no closers must stay linear. The "x " keeps the line a
   * paragraph (a line opening with "<!--" or "```" is an HTML block or a fence). */
  static const char *const pats[] = {"[[", "`", "$", "<a ", "[", "](", "@", "#", "``` ", "<!--"};
  for (size_t p = 0; p < sizeof(pats) / sizeof(pats[0]); p++) {
    size_t k = (size_t)sprintf(s, "x "), pl = strlen(pats[p]);
    while (k + pl < len) memcpy(s + k, pats[p], pl), k += pl;
    k += (size_t)sprintf(s + k, " [[end]]");
    nl_note *n = nl_note_parse(s, k);
    ASSERT(n != NULL);
    ASSERT_EQ(n->n_lines, 1);
    /* Pairs of "$$" and of "```" are math and code spans: whether [[end]] is inside depends
     * on the count; every other pattern leaves it a link. */
    if (p != 2 && p != 8) {
      if (n->n_links != 1) fprintf(stderr, "  pattern \"%s\"\n", pats[p]);
      ASSERT_EQ(n->n_links, 1);
      ASSERT_STR_EQ(n->links[0].target, "end");
    }
    nl_note_free(n);
  }
  free(s);
}

/* Records are aligned as their size needs, text not at all; the latest allocation can give
 * back its unused end. */
static void test_arena_packing(void) {
  nl_arena a;
  nl_arena_init(&a);
  char *s = nl_arena_alloc_of(&a, 3, 1);
  char *t = nl_arena_alloc_of(&a, 5, 1);
  ASSERT(s != NULL && t == s + 3);
  void *r = nl_arena_alloc_of(&a, 24, 24); /* at the next multiple of 8, not of 16 */
  ASSERT_EQ((uintptr_t)r % 8, 0);
  ASSERT((char *)r - t < 16);
  ASSERT(nl_arena_alloc_of(&a, 0, 0) != NULL);
  char *u = nl_arena_alloc_of(&a, 100, 1);
  nl_arena_shrink(&a, u, 100, 10);
  char *v = nl_arena_alloc_of(&a, 1, 1);
  ASSERT(v == u + 10);
  nl_arena_shrink(&a, u, 10, 1); /* u is no longer the latest: nothing changes */
  ASSERT(nl_arena_alloc_of(&a, 1, 1) == v + 1);
  ASSERT(nl_arena_alloc_of(&a, SIZE_MAX, 1) == NULL);
  nl_arena_free(&a);
}

static void test_arena_huge_request(void) {
  /* A request near SIZE_MAX must fail, not wrap around into a tiny block. */
  nl_arena a;
  nl_arena_init(&a);
  ASSERT(nl_arena_alloc(&a, SIZE_MAX) == NULL);
  ASSERT(nl_arena_alloc(&a, SIZE_MAX - 8) == NULL);
  ASSERT(nl_arena_strndup(&a, "x", SIZE_MAX) == NULL);
  ASSERT(nl_arena_alloc(&a, 10) != NULL);
  nl_arena_free(&a);
}

/* Blocks made by nl_arena_init_block (a note's one block) are cut from the thread's slab,
 * next to each other whatever the thread mallocs and frees in between, and freed in any order and on any thread: each keeps its bytes while
 * the others come and go (ASan sees a slab freed twice or never). */
#define KEPT 2000

static nl_arena kept_blocks[KEPT];

static void free_odd_blocks(void *arg) {
  (void)arg;
  for (size_t i = 1; i < KEPT; i += 2) nl_arena_free(&kept_blocks[i]);
}

static size_t kept_size(size_t i) { return i % 97 == 0 ? 20000 + i : 1 + (i * 131) % 3000; }

static void test_arena_kept_blocks(void) {
  int adjacent = 0;
  char *prev_end = NULL;
  for (size_t i = 0; i < KEPT; i++) {
    size_t len = kept_size(i);
    char *text = malloc(8192 + (i % 7) * 512); /* as a parse's file, freed after its block */
    ASSERT(text != NULL);
    text[0] = 0;
    unsigned char *p = nl_arena_init_block(&kept_blocks[i], len);
    free(text);
    ASSERT(p != NULL);
    memset(p, (int)(i & 0xFF), len);
    /* the next small block's header starts at most 47 bytes after this one's data */
    if (prev_end != NULL && (char *)p > prev_end && (char *)p - prev_end <= 48) adjacent++;
    prev_end = (char *)p + len;
  }
  ASSERT(adjacent > KEPT / 2);
  uv_thread_t t;
  ASSERT_EQ(uv_thread_create(&t, free_odd_blocks, NULL), 0);
  for (size_t i = 0; i < KEPT; i += 4) nl_arena_free(&kept_blocks[i]);
  uv_thread_join(&t);
  nl_arena spare;
  nl_arena_init(&spare);
  for (size_t i = 2; i < KEPT; i += 4) {
    size_t len;
    const unsigned char *p = nl_arena_single(&kept_blocks[i], &len);
    ASSERT(p != NULL && len == kept_size(i));
    for (size_t k = 0; k < len; k++) ASSERT_EQ(p[k], i & 0xFF);
    if (i % 8 == 2) nl_arena_recycle(&kept_blocks[i], &spare); /* a spare block, freed with spare */
    else nl_arena_free(&kept_blocks[i]);
  }
  ASSERT(nl_arena_alloc(&spare, 100) != NULL);
  nl_arena_free(&spare);
}

/* A link keeps one fragment: a heading or a block id, never both; it and the alias lie
 * apart (nl_link_more), so a plain link is 40 bytes and has none, and its fragment range is
 * empty at its target's end. */
static void test_link_fragment(void) {
  ASSERT_EQ(sizeof(nl_link), 40);
  const char *text = "[[A#Head]] [[B#^blk]] [[C]] [d](D.md#^b2) [[E|e]] [[ F # G | g ]]\n";
  nl_note *n = nl_note_parse(text, strlen(text));
  ASSERT(n != NULL);
  ASSERT_EQ(n->n_links, 6);
  ASSERT_STR_EQ(nl_link_heading(&n->links[0]), "Head");
  ASSERT(nl_link_block(&n->links[0]) == NULL);
  ASSERT(nl_link_alias(&n->links[0]) == NULL);
  ASSERT_STR_EQ(nl_link_block(&n->links[1]), "blk");
  ASSERT(nl_link_heading(&n->links[1]) == NULL);
  nl_brange f = nl_link_fragment_range(&n->links[1]);
  ASSERT_MEM_EQ(text + f.start.col, f.end.col - f.start.col, "^blk", 4);
  ASSERT(n->links[2].more == NULL);
  ASSERT(nl_link_heading(&n->links[2]) == NULL && nl_link_block(&n->links[2]) == NULL);
  f = nl_link_fragment_range(&n->links[2]);
  ASSERT_EQ(f.start.col, nl_link_target_range(&n->links[2]).end.col);
  ASSERT_EQ(f.end.col, f.start.col);
  ASSERT_STR_EQ(nl_link_block(&n->links[3]), "b2");
  ASSERT_STR_EQ(nl_link_alias(&n->links[3]), "d");
  ASSERT_STR_EQ(nl_link_alias(&n->links[4]), "e");
  ASSERT(nl_link_heading(&n->links[4]) == NULL);
  f = nl_link_fragment_range(&n->links[4]);
  ASSERT_EQ(f.start.col, nl_link_target_range(&n->links[4]).end.col);
  ASSERT_STR_EQ(n->links[5].target, "F");
  ASSERT_STR_EQ(nl_link_heading(&n->links[5]), "G");
  ASSERT_STR_EQ(nl_link_alias(&n->links[5]), "g");
  f = nl_link_fragment_range(&n->links[5]);
  ASSERT_MEM_EQ(text + f.start.col, f.end.col - f.start.col, "G", 1);
  nl_note_free(n);
}

/* A markdown link whose text or title spreads over lines keeps its whole range apart
 * (nl_link_spread), with its alias and fragment, through compaction; a link on its target's
 * line keeps columns there. */
static void test_link_spread(void) {
  const char *text = "x [one\ntwo](A.md#H) [[B]]\n![i\nj](c.png \"t\nu\") [k](D.md\n\"title\")\n";
  nl_note *n = nl_note_parse(text, strlen(text));
  ASSERT(n != NULL);
  ASSERT_EQ(n->n_links, 4);
  nl_brange r = nl_link_range(&n->links[0]);
  ASSERT(n->links[0].spread);
  ASSERT_BRANGE(r, 0, 2, 1, 12);
  ASSERT_STR_EQ(nl_link_alias(&n->links[0]), "one\ntwo");
  ASSERT_STR_EQ(nl_link_heading(&n->links[0]), "H");
  ASSERT_EQ(n->links[0].line, 1);
  ASSERT(!n->links[1].spread && n->links[1].more == NULL);
  ASSERT_BRANGE(nl_link_range(&n->links[1]), 1, 13, 1, 18);
  ASSERT(n->links[2].spread);
  ASSERT_BRANGE(nl_link_range(&n->links[2]), 2, 0, 4, 3);
  ASSERT_STR_EQ(n->links[2].target, "c.png");
  ASSERT(n->links[3].spread);
  ASSERT_BRANGE(nl_link_range(&n->links[3]), 4, 4, 5, 8);
  ASSERT_STR_EQ(nl_link_alias(&n->links[3]), "k");
  nl_note_free(n);
}

int main(void) {
  RUN(test_empty_and_null);
  RUN(test_link_fragment);
  RUN(test_link_spread);
  RUN(test_arena_packing);
  RUN(test_megabyte_line);
  RUN(test_arena_huge_request);
  RUN(test_arena_kept_blocks);
  return NL_TEST_DONE();
}
