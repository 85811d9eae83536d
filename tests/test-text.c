/* test-text.c: a note's text as the client sees it (lsp/text.c): the BOM in one place, closed
 * notes read from disk, conversions in every encoding, long lines, and the file reader. */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lsp/base/error.h"
#include "lsp/base/file.h"
#include "lsp/note/columns.h"
#include "lsp/client/text.h"
#include "test.h"

#define BOM "\xEF\xBB\xBF"
#define BANG "\xEF\xBC\x81"   /* U+FF01 FULLWIDTH EXCLAMATION MARK: starts like a BOM */
#define PAREN "\xEF\xBC\x88"  /* U+FF08 FULLWIDTH LEFT PARENTHESIS */
#define EMOJI "\xF0\x9F\x93\x85" /* U+1F4C5, 2 UTF-16 units */

static char tmp_dir[] = "/tmp/nl-test-text-XXXXXX";

static const char *write_tmp(const char *name, const char *text, size_t len) {
  static char path[512];
  snprintf(path, sizeof path, "%s/%s", tmp_dir, name);
  FILE *f = fopen(path, "wb");
  if (f == NULL) return NULL;
  fwrite(text, 1, len, f);
  fclose(f);
  return path;
}

static nl_entry entry_at(const char *abs) {
  nl_entry e;
  memset(&e, 0, sizeof e);
  e.abs = (char *)abs;
  e.rel = (char *)strrchr(abs, '/') + 1; /* notes at the root of the temp folder */
  e.uri = "file:///nowhere/x.md";
  return e;
}

/* Issue 14, item 7: a closed note whose first character is full width (U+FF01 starts with the
 * BOM's first byte) loses no byte, in any encoding. */
static void test_full_width_first_line_from_disk(void) {
  const char *text = BANG "[[Ana Ruiz]] " PAREN "x" "\n" BANG "\n";
  const char *path = write_tmp("wide.md", text, strlen(text));
  ASSERT(path != NULL);
  nl_entry e = entry_at(path);
  nl_text t;
  ASSERT_EQ(nl_text_load(&t, NULL, &e), 0);
  ASSERT_EQ(t.bom, 0);
  ASSERT_EQ(t.len, strlen(text));
  size_t len;
  const char *line = nl_text_line(&t, 0, &len);
  ASSERT_EQ(len, 3 + 12 + 1 + 3 + 1);
  ASSERT(memcmp(line, BANG "[[", 5) == 0);
  uint32_t l, c;
  nl_bpos start = {0, 3}, end = {0, 15}, x = {0, 19};
  nl_text_units(&t, NL_ENC_UTF16, start, &l, &c);
  ASSERT_EQ(l, 0);
  ASSERT_EQ(c, 1);
  nl_text_units(&t, NL_ENC_UTF16, end, &l, &c);
  ASSERT_EQ(c, 13);
  nl_text_units(&t, NL_ENC_UTF8, end, &l, &c);
  ASSERT_EQ(c, 15);
  nl_text_units(&t, NL_ENC_UTF32, x, &l, &c);
  ASSERT_EQ(c, 15);
  nl_text_free(&t);
}

/* A closed note's BOM is not shown; an open document's is one character of line 0. */
static void test_bom_closed_and_open(void) {
  const char *text = BOM "ab [[X]]\nc";
  nl_text t;
  ASSERT_EQ(nl_text_of_bytes(&t, text, strlen(text)), 0);
  ASSERT_EQ(t.bom, 3);
  size_t len, blen;
  ASSERT_STR_EQ(nl_text_body(&t, &blen), "ab [[X]]\nc");
  ASSERT_EQ(blen, strlen(text) - 3);
  const char *line = nl_text_line(&t, 0, &len);
  ASSERT_EQ(len, 8);
  ASSERT(memcmp(line, "ab [[X]]", 8) == 0);
  uint32_t l, c;
  nl_bpos p = {0, 3};
  nl_text_units(&t, NL_ENC_UTF16, p, &l, &c);
  ASSERT_EQ(c, 3);
  nl_bpos back = nl_text_bpos(&t, NL_ENC_UTF16, 0, 3);
  ASSERT_EQ(back.col, 3);
  nl_text_free(&t);

  nl_doc doc;
  memset(&doc, 0, sizeof doc);
  doc.text = (char *)text;
  doc.len = strlen(text);
  doc.version = 4;
  ASSERT_EQ(nl_lines_init(&doc.lines, doc.text, doc.len), 0);
  nl_text_of_doc(&t, &doc);
  ASSERT(t.open);
  ASSERT_EQ(t.version, 4);
  line = nl_text_line(&t, 0, &len);
  ASSERT_EQ(len, 8);
  nl_text_units(&t, NL_ENC_UTF16, p, &l, &c);
  ASSERT_EQ(c, 4); /* U+FEFF counts */
  nl_text_units(&t, NL_ENC_UTF8, p, &l, &c);
  ASSERT_EQ(c, 6);
  back = nl_text_bpos(&t, NL_ENC_UTF16, 0, 4);
  ASSERT_EQ(back.col, 3);
  back = nl_text_bpos(&t, NL_ENC_UTF16, 0, 0); /* on the BOM itself */
  ASSERT_EQ(back.col, 0);
  nl_text_free(&t);
  nl_lines_free(&doc.lines);
}

/* Every column of a long line with emoji converts as a walk from the line's start does, in
 * any order (checkpoints are an optimisation, never a different answer). */
static void test_long_line_checkpoints(void) {
  size_t n = 0, cap = 64 * 1024;
  char *s = malloc(cap + 1);
  ASSERT(s != NULL);
  for (int i = 0; n + 16 < cap; i++) {
    const char *piece = i % 7 == 0 ? EMOJI : i % 5 == 0 ? "\xC3\xA9" : i % 11 == 0 ? "\xE7\x8E\x8B" : "ab";
    size_t pl = strlen(piece);
    memcpy(s + n, piece, pl);
    n += pl;
  }
  s[n] = '\0';
  nl_encoding encs[] = {NL_ENC_UTF8, NL_ENC_UTF16, NL_ENC_UTF32};
  for (int k = 0; k < 3; k++) {
    nl_text t;
    ASSERT_EQ(nl_text_of_bytes(&t, s, n), 0);
    for (size_t col = n; col-- > 0;) { /* backwards: the worst order for a cursor */
      if (col % 37 != 0 && col + 4 < n) continue;
      uint32_t l, c;
      nl_bpos p = {0, (uint32_t)col};
      nl_text_units(&t, encs[k], p, &l, &c);
      ASSERT_EQ(c, nl_col_to_units(s, n, col, encs[k]));
    }
    nl_text_free(&t);
  }
  free(s);
}

static void test_file_reader(void) {
  char *buf = NULL;
  size_t len = 99;
  const char *path = write_tmp("small.md", "hello", 5);
  ASSERT_EQ(nl_file_read(path, NL_FILE_NO_LIMIT, &buf, &len), 0);
  ASSERT_EQ(len, 5);
  ASSERT_STR_EQ(buf, "hello");
  free(buf);
  ASSERT_EQ(nl_file_read(path, 4, &buf, &len), NL_ETOOBIG);
  ASSERT(buf == NULL);
  ASSERT_EQ(len, 0);
  path = write_tmp("empty.md", "", 0);
  ASSERT_EQ(nl_file_read(path, NL_FILE_NO_LIMIT, &buf, &len), 0);
  ASSERT_EQ(len, 0);
  ASSERT_STR_EQ(buf, "");
  free(buf);
  ASSERT_EQ(nl_file_read(tmp_dir, NL_FILE_NO_LIMIT, &buf, &len), NL_ENOTREG); /* a folder */
  char fifo[512];
  snprintf(fifo, sizeof fifo, "%s/pipe.md", tmp_dir);
  ASSERT_EQ(mkfifo(fifo, 0600), 0);
  ASSERT_EQ(nl_file_read(fifo, NL_FILE_NO_LIMIT, &buf, &len), NL_ENOTREG); /* never blocks */
  unlink(fifo);
  snprintf(fifo, sizeof fifo, "%s/missing.md", tmp_dir);
  ASSERT_EQ(nl_file_read(fifo, NL_FILE_NO_LIMIT, &buf, &len), NL_ENOENT);
  /* an unreadable note gives an empty text and the error */
  nl_entry e = entry_at(fifo);
  nl_text t;
  ASSERT_EQ(nl_text_load(&t, NULL, &e), NL_ENOENT);
  ASSERT_EQ(nl_text_n_lines(&t), 1);
  ASSERT_EQ(t.len, 0);
  nl_text_free(&t);
}

/* Every position a parse keeps converts from the parse alone exactly as from the text, in
 * every encoding; ASCII lines need nothing kept. Notes built from pieces by a fixed LCG. */
static void check_columns(const char *text) {
  nl_note *n = nl_note_parse(text, strlen(text));
  ASSERT(n != NULL);
  nl_text t;
  ASSERT_EQ(nl_text_of_bytes(&t, text, strlen(text)), 0);
  nl_encoding encs[] = {NL_ENC_UTF8, NL_ENC_UTF16, NL_ENC_UTF32};
  nl_bpos ps[4096];
  size_t np = 0;
  for (size_t i = 0; i < n->n_links && np + 2 < 4096; i++) {
    ps[np++] = nl_link_range(&n->links[i]).start;
    ps[np++] = nl_link_range(&n->links[i]).end;
  }
  for (size_t i = 0; i < n->n_tags && np + 2 < 4096; i++) {
    ps[np++] = nl_note_tag_range(n, i).start;
    ps[np++] = nl_note_tag_range(n, i).end;
  }
  for (size_t i = 0; i < n->n_headings && np + 2 < 4096; i++) {
    ps[np++] = nl_heading_range(&n->headings[i]).start;
    ps[np++] = nl_heading_range(&n->headings[i]).end;
  }
  for (size_t i = 0; i < n->n_mentions && np + 1 < 4096; i++) ps[np++] = n->mentions[i].at;
  for (size_t i = 0; i < n->n_blocks && np + 1 < 4096; i++) ps[np++] = n->blocks[i].range.start;
  for (int k = 0; k < 3; k++) {
    for (size_t i = 0; i < np; i++) {
      uint32_t from_parse = UINT32_MAX, l, from_text;
      ASSERT_EQ(nl_columns_units(n, encs[k], ps[i], &from_parse), 0);
      nl_text_units(&t, encs[k], ps[i], &l, &from_text);
      ASSERT_EQ(from_parse, from_text);
    }
  }
  nl_text_free(&t);
  nl_note_free(n);
}

static void test_columns_from_the_parse(void) {
  check_columns("# Caf\xC3\xA9 " EMOJI " plan\n"
                "- [ ] Call " EMOJI " @Ana Ruiz and [[L\xC3\xA9" "a]] #t\xC3\xA2" "che ^blk\n"
                BANG "[[Ana Ruiz]] " PAREN "[[X|y]]" "\xEF\xBC\x89 #tag\n"
                "plain ascii [[Line]] #only @Bob\n");
  static const char *const pieces[] = {"[[Ana]]", " ", "@L\xC3\xA9" "a", EMOJI, "\xE7\x8E\x8B",
                                       "#t\xC3\xA2" "g", "x", "\n", "[md](Ana.md)", "## H\xC3\xA9\n",
                                       "\xC3\xA9", " ^id\n", "- [ ] ", "[[#H\xC3\xA9]]"};
  uint32_t seed = 7;
  char buf[2048];
  for (int round = 0; round < 300; round++) {
    size_t len = 0;
    int count = 5 + round % 40;
    for (int i = 0; i < count; i++) {
      seed = seed * 1103515245u + 12345u;
      const char *p = pieces[(seed >> 16) % (sizeof pieces / sizeof *pieces)];
      size_t pl = strlen(p);
      if (len + pl + 1 >= sizeof buf) break;
      memcpy(buf + len, p, pl);
      len += pl;
    }
    buf[len] = '\0';
    check_columns(buf);
  }
  /* past what an entry holds (more than 255 bytes of difference): unknown, not wrong */
  char wide[1024] = "";
  for (int i = 0; i < 300; i++) strcat(wide, "\xC3\xA9");
  strcat(wide, " [[X]]\n");
  nl_note *w = nl_note_parse(wide, strlen(wide));
  ASSERT(w != NULL && w->n_links == 1);
  uint32_t u = 0;
  ASSERT_EQ(nl_columns_units(w, NL_ENC_UTF16, nl_link_range(&w->links[0]).start, &u), -1);
  ASSERT_EQ(nl_columns_units(w, NL_ENC_UTF8, nl_link_range(&w->links[0]).start, &u), 0);
  ASSERT_EQ(u, 601);
  nl_note_free(w);
  /* past line 65,535 (an entry keeps its line in 16 bits): unknown too, and the text gives
   * the column; the last line an entry holds is still kept */
  const char *tail = "\xC3\xA9 [[Y]]\n\xC3\xA9 [[Z]]\nx [[W]] \xC3\xA9\n";
  size_t big_len = 65535 * 2 + strlen(tail);
  char *big = malloc(big_len + 1);
  ASSERT(big != NULL);
  for (size_t i = 0; i < 65535; i++) memcpy(big + 2 * i, "x\n", 2);
  memcpy(big + 65535 * 2, tail, strlen(tail) + 1);
  nl_note *b = nl_note_parse(big, big_len);
  ASSERT(b != NULL && b->n_links == 3);
  ASSERT_EQ(nl_link_range(&b->links[0]).start.line, 65535);
  ASSERT_EQ(nl_columns_units(b, NL_ENC_UTF16, nl_link_range(&b->links[0]).start, &u), 0);
  ASSERT_EQ(u, 2);
  ASSERT_EQ(nl_columns_units(b, NL_ENC_UTF16, nl_link_range(&b->links[1]).start, &u), -1);
  ASSERT_EQ(nl_columns_units(b, NL_ENC_UTF16, nl_link_range(&b->links[2]).end, &u), -1);
  nl_text bt;
  uint32_t bl;
  ASSERT_EQ(nl_text_of_bytes(&bt, big, big_len), 0);
  nl_text_units(&bt, NL_ENC_UTF16, nl_link_range(&b->links[1]).start, &bl, &u);
  ASSERT_EQ(u, 2);
  nl_text_free(&bt);
  nl_note_free(b);
  free(big);
  /* an all-ASCII note keeps nothing */
  nl_note *n = nl_note_parse("[[A]] @b #c\n", 12);
  ASSERT(n != NULL);
  ASSERT(n->wide == NULL);
  ASSERT_EQ(n->n_cols, 0);
  nl_note_free(n);
}

int main(void) {
  if (mkdtemp(tmp_dir) == NULL) return 1;
  RUN(test_full_width_first_line_from_disk);
  RUN(test_bom_closed_and_open);
  RUN(test_long_line_checkpoints);
  RUN(test_file_reader);
  RUN(test_columns_from_the_parse);
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_dir);
  if (system(cmd) != 0) return 1;
  return NL_TEST_DONE();
}
