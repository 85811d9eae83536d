/* test-position.c: line tables and the utf-8 / utf-16 / utf-32 position encodings. */
#include "protocol/position.h"
#include "protocol/utf8.h"

#include "test.h"

#define EMOJI "\xF0\x9F\x98\x80" /* U+1F600, 4 bytes, 2 UTF-16 units */
#define WANG "\xE7\x8E\x8B"      /* U+738B, 3 bytes, 1 UTF-16 unit */
#define UMLAUT "\xCC\x88"        /* U+0308 combining diaeresis, 2 bytes */

static void test_encoding_names(void) {
  nl_encoding e;
  ASSERT_STR_EQ(nl_encoding_name(NL_ENC_UTF8), "utf-8");
  ASSERT_STR_EQ(nl_encoding_name(NL_ENC_UTF16), "utf-16");
  ASSERT_STR_EQ(nl_encoding_name(NL_ENC_UTF32), "utf-32");
  ASSERT_EQ(nl_encoding_parse("utf-8", &e), 0);
  ASSERT_EQ(e, NL_ENC_UTF8);
  ASSERT_EQ(nl_encoding_parse("utf-16", &e), 0);
  ASSERT_EQ(e, NL_ENC_UTF16);
  ASSERT_EQ(nl_encoding_parse("UTF-32", &e), 0);
  ASSERT_EQ(e, NL_ENC_UTF32);
  ASSERT(nl_encoding_parse("utf8", &e) < 0);
  ASSERT(nl_encoding_parse("latin-1", &e) < 0);
  ASSERT(nl_encoding_parse(NULL, &e) < 0);
}

static void test_line_table(void) {
  static const struct {
    const char *text;
    size_t n;
    size_t starts[6];
  } cases[] = {
      {"", 1, {0}},
      {"abc", 1, {0}},
      {"a\n", 2, {0, 2}},
      {"a\nb\r\nc\rd", 4, {0, 2, 5, 7}},
      {"\r\n", 2, {0, 2}},
      {"\r\r\n", 3, {0, 1, 3}},
      {"\n\r", 3, {0, 1, 2}},
      {"x\r", 2, {0, 2}},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    nl_lines l;
    ASSERT_EQ(nl_lines_init(&l, cases[i].text, strlen(cases[i].text)), 0);
    ASSERT_EQ(l.n_lines, cases[i].n);
    for (size_t k = 0; k < cases[i].n; k++) ASSERT_EQ(l.starts[k], cases[i].starts[k]);
    nl_lines_free(&l);
  }
  nl_lines_free(NULL);
}

static void test_line_end(void) {
  const char *t = "ab\r\ncd\ne\rf";
  nl_lines l;
  ASSERT_EQ(nl_lines_init(&l, t, strlen(t)), 0);
  ASSERT_EQ(l.n_lines, 4);
  ASSERT_EQ(nl_lines_line_end(&l, 0), 2);
  ASSERT_EQ(nl_lines_line_end(&l, 1), 6);
  ASSERT_EQ(nl_lines_line_end(&l, 2), 8);
  ASSERT_EQ(nl_lines_line_end(&l, 3), 10);
  ASSERT_EQ(nl_lines_line_end(&l, 4), 10);
  ASSERT_EQ(nl_lines_line_start(&l, 1), 4);
  ASSERT_EQ(nl_lines_line_start(&l, 9), 10);
  ASSERT_EQ(nl_lines_line_of(&l, 3), 0); /* inside "\r\n" */
  ASSERT_EQ(nl_lines_line_of(&l, 4), 1);
  ASSERT_EQ(nl_lines_line_of(&l, 99), 3);
  ASSERT_EQ(nl_lines_reset(&l, "one\ntwo", 7), 0);
  ASSERT_EQ(l.n_lines, 2);
  ASSERT_EQ(nl_lines_line_end(&l, 0), 3);
  nl_lines_free(&l);
}

/* The same line "a<emoji>b" measured in the three encodings. */
static void test_emoji(void) {
  const char *t = "a" EMOJI "b";
  nl_lines l;
  ASSERT_EQ(nl_lines_init(&l, t, strlen(t)), 0);
  /* utf-16: a=1, emoji=2, b=1 */
  ASSERT_EQ(nl_lines_offset(&l, NL_ENC_UTF16, 0, 1), 1);
  ASSERT_EQ(nl_lines_offset(&l, NL_ENC_UTF16, 0, 2), 1); /* inside the surrogate pair */
  ASSERT_EQ(nl_lines_offset(&l, NL_ENC_UTF16, 0, 3), 5);
  ASSERT_EQ(nl_lines_offset(&l, NL_ENC_UTF16, 0, 4), 6);
  ASSERT_EQ(nl_lines_offset(&l, NL_ENC_UTF16, 0, 5), 6);
  /* utf-8: positions are bytes; inside the emoji snaps back to its start */
  ASSERT_EQ(nl_lines_offset(&l, NL_ENC_UTF8, 0, 2), 1);
  ASSERT_EQ(nl_lines_offset(&l, NL_ENC_UTF8, 0, 4), 1);
  ASSERT_EQ(nl_lines_offset(&l, NL_ENC_UTF8, 0, 5), 5);
  /* utf-32: code points */
  ASSERT_EQ(nl_lines_offset(&l, NL_ENC_UTF32, 0, 2), 5);
  ASSERT_EQ(nl_lines_offset(&l, NL_ENC_UTF32, 0, 3), 6);

  uint32_t line, ch;
  nl_lines_position(&l, NL_ENC_UTF16, 5, &line, &ch);
  ASSERT_EQ(line, 0);
  ASSERT_EQ(ch, 3);
  nl_lines_position(&l, NL_ENC_UTF16, 3, &line, &ch); /* inside the emoji */
  ASSERT_EQ(ch, 1);
  nl_lines_position(&l, NL_ENC_UTF8, 5, &line, &ch);
  ASSERT_EQ(ch, 5);
  nl_lines_position(&l, NL_ENC_UTF32, 6, &line, &ch);
  ASSERT_EQ(ch, 3);
  nl_lines_free(&l);
}

static void test_cjk_and_combining(void) {
  const char *t = "- " WANG "\xE8\x8A\xB3 @Zoe" UMLAUT " x";
  nl_lines l;
  ASSERT_EQ(nl_lines_init(&l, t, strlen(t)), 0);
  /* "- " 2, two CJK chars of 3 bytes, " @Zoe" 5 bytes, the mark 2 bytes */
  ASSERT_EQ(nl_lines_offset(&l, NL_ENC_UTF16, 0, 3), 5);
  ASSERT_EQ(nl_lines_offset(&l, NL_ENC_UTF32, 0, 4), 8);
  ASSERT_EQ(nl_lines_offset(&l, NL_ENC_UTF8, 0, 4), 2); /* inside the first CJK char */
  ASSERT_EQ(nl_lines_offset(&l, NL_ENC_UTF8, 0, 5), 5);
  /* the combining mark is a code point of its own: "Zoe" then U+0308 */
  ASSERT_EQ(nl_lines_offset(&l, NL_ENC_UTF16, 0, 9), 13);
  ASSERT_EQ(nl_lines_offset(&l, NL_ENC_UTF16, 0, 10), 15);
  ASSERT_EQ(nl_lines_offset(&l, NL_ENC_UTF8, 0, 14), 13);
  uint32_t line, ch;
  nl_lines_position(&l, NL_ENC_UTF16, 15, &line, &ch);
  ASSERT_EQ(ch, 10);
  nl_lines_position(&l, NL_ENC_UTF16, 14, &line, &ch); /* inside the mark */
  ASSERT_EQ(ch, 9);
  nl_lines_position(&l, NL_ENC_UTF8, 14, &line, &ch);
  ASSERT_EQ(ch, 13);
  ASSERT_EQ(nl_col_to_units(t, strlen(t), strlen(t), NL_ENC_UTF16), 12);
  ASSERT_EQ(nl_col_to_units(t, strlen(t), strlen(t), NL_ENC_UTF8), strlen(t));
  nl_lines_free(&l);
}

static void test_crlf_and_lone_cr(void) {
  const char *t = "ab\r\ncd\ref\n";
  nl_lines l;
  ASSERT_EQ(nl_lines_init(&l, t, strlen(t)), 0);
  ASSERT_EQ(l.n_lines, 4);
  ASSERT_EQ(nl_lines_offset(&l, NL_ENC_UTF16, 0, 2), 2);
  ASSERT_EQ(nl_lines_offset(&l, NL_ENC_UTF16, 0, 3), 2);  /* never into "\r\n" */
  ASSERT_EQ(nl_lines_offset(&l, NL_ENC_UTF16, 0, 99), 2);
  ASSERT_EQ(nl_lines_offset(&l, NL_ENC_UTF16, 1, 0), 4);
  ASSERT_EQ(nl_lines_offset(&l, NL_ENC_UTF16, 1, 5), 6);  /* not past the lone "\r" */
  ASSERT_EQ(nl_lines_offset(&l, NL_ENC_UTF16, 2, 1), 8);
  ASSERT_EQ(nl_lines_offset(&l, NL_ENC_UTF16, 3, 0), 10); /* the empty last line */
  ASSERT_EQ(nl_lines_offset(&l, NL_ENC_UTF16, 3, 7), 10);
  ASSERT_EQ(nl_lines_offset(&l, NL_ENC_UTF16, 4, 0), 10); /* past the last line */
  ASSERT_EQ(nl_lines_offset(&l, NL_ENC_UTF16, UINT32_MAX, UINT32_MAX), 10);
  uint32_t line, ch;
  nl_lines_position(&l, NL_ENC_UTF16, 3, &line, &ch); /* between '\r' and '\n' */
  ASSERT_EQ(line, 0);
  ASSERT_EQ(ch, 2);
  nl_lines_position(&l, NL_ENC_UTF16, 6, &line, &ch); /* on the lone '\r' */
  ASSERT_EQ(line, 1);
  ASSERT_EQ(ch, 2);
  nl_lines_position(&l, NL_ENC_UTF16, 7, &line, &ch);
  ASSERT_EQ(line, 2);
  ASSERT_EQ(ch, 0);
  nl_lines_position(&l, NL_ENC_UTF16, 1000, &line, &ch);
  ASSERT_EQ(line, 3);
  ASSERT_EQ(ch, 0);
  nl_lines_free(&l);
}

/* Each invalid byte is one unit in every encoding: truncated, stray continuation, overlong,
 * an encoded surrogate, past U+10FFFF. */
/* nl_utf8_valid: what a JSON string may hold (completion drops an item that is not). */
static void test_utf8_valid(void) {
  ASSERT_EQ(nl_utf8_valid("", 0), 1);
  ASSERT_EQ(nl_utf8_valid("plain ascii, long enough for a word", 35), 1);
  ASSERT_EQ(nl_utf8_valid("L\xC3\xA9" "a \xF0\x9F\x98\x80 \xE7\x8E\x8B", 13), 1);
  ASSERT_EQ(nl_utf8_valid("abc\xC3", 4), 0); /* truncated */
  ASSERT_EQ(nl_utf8_valid("abcdefghij\xC0\xAF", 12), 0); /* overlong "/" */
  ASSERT_EQ(nl_utf8_valid("\xED\xA0\x80" " surrogate", 13), 0);
  ASSERT_EQ(nl_utf8_valid("\xFF", 1), 0);
  ASSERT_EQ(nl_utf8_valid("abc\x80", 4), 0); /* a lone continuation byte */
}

static void test_invalid_utf8(void) {
  static const struct {
    const char *s;
    size_t units;
  } cases[] = {
      {"\xff", 1},           {"a\xC3", 2},          {"\x80\x80", 2},
      {"\xC0\xAF", 2},       {"\xE0\x80\xAF", 3},   {"\xED\xA0\x80", 3},
      {"\xF4\x90\x80\x80", 4}, {"\xF0\x9F\x98", 3}, {"\xC3\xA9\xff" EMOJI, 2 + 2},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    size_t len = strlen(cases[i].s);
    ASSERT_EQ(nl_col_to_units(cases[i].s, len, len, NL_ENC_UTF16), cases[i].units);
    ASSERT_EQ(nl_col_from_units(cases[i].s, len, (uint32_t)cases[i].units, NL_ENC_UTF16), len);
  }
  const char *t = "a\xffz";
  ASSERT_EQ(nl_col_from_units(t, 3, 2, NL_ENC_UTF16), 2);
  ASSERT_EQ(nl_col_from_units(t, 3, 2, NL_ENC_UTF32), 2);
  ASSERT_EQ(nl_col_from_units(t, 3, 2, NL_ENC_UTF8), 2);
  ASSERT_EQ(nl_col_to_units(t, 3, 3, NL_ENC_UTF8), 3);
  uint32_t cp = 0;
  ASSERT_EQ(nl_utf8_decode(EMOJI, 4, &cp), 4);
  ASSERT_EQ(cp, 0x1F600);
  ASSERT_EQ(nl_utf8_decode(EMOJI, 3, &cp), 0); /* truncated by len */
  ASSERT_EQ(nl_utf8_decode("", 0, &cp), 0);
}

/* position(offset) then offset(position) gives back every character boundary, in every
 * encoding; an offset inside a character gives that character's start, one inside "\r\n" the
 * line's end. */
static void test_round_trip(void) {
  const char *t = "# T\xC3\xAAte " EMOJI "\r\n\r\n- [ ] " WANG " @Zoe" UMLAUT "\rlast \xff\x80" EMOJI;
  size_t len = strlen(t);
  char is_boundary[128] = {0};
  ASSERT(len < sizeof(is_boundary));
  for (size_t pos = 0; pos < len;) {
    uint32_t cp;
    size_t n = nl_utf8_decode(t + pos, len - pos, &cp);
    is_boundary[pos] = 1;
    pos += n ? n : 1;
  }
  is_boundary[len] = 1;
  nl_lines l;
  ASSERT_EQ(nl_lines_init(&l, t, len), 0);
  nl_encoding encs[] = {NL_ENC_UTF8, NL_ENC_UTF16, NL_ENC_UTF32};
  for (size_t e = 0; e < 3; e++) {
    size_t boundary = 0;
    for (size_t off = 0; off <= len; off++) {
      uint32_t line, ch;
      nl_lines_position(&l, encs[e], off, &line, &ch);
      size_t back = nl_lines_offset(&l, encs[e], line, ch);
      if (is_boundary[off]) boundary = off;
      size_t want = boundary;
      if (off > 0 && t[off - 1] == '\r' && t[off] == '\n') want = off - 1;
      if (back != want)
        fprintf(stderr, "enc %zu offset %zu -> %u:%u -> %zu\n", e, off, line, ch, back);
      ASSERT_EQ(back, want);
    }
  }
  nl_lines_free(&l);
}

int main(void) {
  RUN(test_encoding_names);
  RUN(test_line_table);
  RUN(test_line_end);
  RUN(test_emoji);
  RUN(test_cjk_and_combining);
  RUN(test_crlf_and_lone_cr);
  RUN(test_invalid_utf8);
  RUN(test_utf8_valid);
  RUN(test_round_trip);
  return NL_TEST_DONE();
}
