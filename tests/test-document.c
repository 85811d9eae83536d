/* test-document.c: the open-document store and didChange edits. */
#include "lsp/base/error.h"
#include "lsp/client/document.h"

#include <errno.h>

#include "protocol/rpc.h"
#include "test.h"

#define EMOJI "\xF0\x9F\x98\x80" /* 2 UTF-16 units, 4 bytes */
#define WANG "\xE7\x8E\x8B"      /* 1 UTF-16 unit, 3 bytes */

static json_t *js(const char *text) {
  json_error_t e;
  json_t *v = json_loads(text, JSON_DECODE_ANY, &e);
  if (v == NULL) {
    fprintf(stderr, "bad test json: %s: %s\n", e.text, text);
    abort();
  }
  return v;
}

/* Opens text, applies the changes (JSON) in enc, returns the rc; the doc is left in *out. */
static int edit(nl_docs *docs, const char *text, const char *changes, nl_encoding enc,
                nl_doc **out, char *err) {
  nl_doc *doc = nl_docs_open(docs, "file:///t.md", 1, text, strlen(text));
  json_t *c = js(changes);
  int rc = nl_doc_apply(doc, c, enc, 2, err, 128);
  json_decref(c);
  *out = doc;
  return rc;
}

static void test_store(void) {
  nl_docs *docs = nl_docs_new();
  ASSERT(docs != NULL);
  ASSERT(nl_docs_get(docs, "file:///a.md") == NULL);
  nl_doc *a = nl_docs_open(docs, "file:///a.md", 3, "hello\nworld", 11);
  ASSERT(a != NULL);
  ASSERT_STR_EQ(a->uri, "file:///a.md");
  ASSERT_STR_EQ(a->text, "hello\nworld");
  ASSERT_EQ(a->len, 11);
  ASSERT_EQ(a->version, 3);
  ASSERT_EQ(a->lines.n_lines, 2);
  ASSERT(nl_docs_get(docs, "file:///a.md") == a);
  /* Opening again replaces the contents in place. */
  nl_doc *again = nl_docs_open(docs, "file:///a.md", 9, "x", 1);
  ASSERT(again == a);
  ASSERT_STR_EQ(a->text, "x");
  ASSERT_EQ(a->version, 9);
  ASSERT_EQ(a->lines.n_lines, 1);
  ASSERT_EQ(nl_docs_count(docs), 1);
  ASSERT_EQ(nl_docs_close(docs, "file:///a.md"), 0);
  ASSERT_EQ(nl_docs_close(docs, "file:///a.md"), -ENOENT);
  ASSERT(nl_docs_get(docs, "file:///a.md") == NULL);
  ASSERT_EQ(nl_docs_count(docs), 0);
  nl_doc *empty = nl_docs_open(docs, "file:///e.md", 0, NULL, 0);
  ASSERT(empty != NULL);
  ASSERT_STR_EQ(empty->text, "");
  nl_docs_free(docs);
  nl_docs_free(NULL);
}

static int count_cb(nl_doc *doc, void *arg) {
  (void)doc;
  (*(int *)arg)++;
  return 0;
}

static int stop_cb(nl_doc *doc, void *arg) {
  (void)doc;
  (void)arg;
  return 42;
}

/* Enough documents to grow the table several times, then closing every third one exercises the
 * backward-shift deletion: everything left must still be found. */
static void test_many_documents(void) {
  nl_docs *docs = nl_docs_new();
  char uri[64], text[64];
  for (int i = 0; i < 3000; i++) {
    snprintf(uri, sizeof(uri), "file:///v/note-%d.md", i);
    snprintf(text, sizeof(text), "# %d\n", i);
    ASSERT(nl_docs_open(docs, uri, i, text, strlen(text)) != NULL);
  }
  ASSERT_EQ(nl_docs_count(docs), 3000);
  for (int i = 0; i < 3000; i += 3) {
    snprintf(uri, sizeof(uri), "file:///v/note-%d.md", i);
    ASSERT_EQ(nl_docs_close(docs, uri), 0);
  }
  ASSERT_EQ(nl_docs_count(docs), 2000);
  for (int i = 0; i < 3000; i++) {
    snprintf(uri, sizeof(uri), "file:///v/note-%d.md", i);
    nl_doc *d = nl_docs_get(docs, uri);
    if (i % 3 == 0) {
      ASSERT(d == NULL);
    } else {
      ASSERT(d != NULL);
      ASSERT_EQ(d->version, i);
      snprintf(text, sizeof(text), "# %d\n", i);
      ASSERT_STR_EQ(d->text, text);
    }
  }
  int n = 0;
  ASSERT_EQ(nl_docs_foreach(docs, count_cb, &n), 0);
  ASSERT_EQ(n, 2000);
  ASSERT_EQ(nl_docs_foreach(docs, stop_cb, NULL), 42);
  nl_docs_free(docs);
}

/* One edit case: start text, changes, encoding, expected text. */
typedef struct {
  const char *text;
  const char *changes;
  nl_encoding enc;
  const char *want;
} edit_case;

static void run_cases(const edit_case *cases, size_t n) {
  for (size_t i = 0; i < n; i++) {
    nl_docs *docs = nl_docs_new();
    nl_doc *doc;
    char err[128] = "";
    int rc = edit(docs, cases[i].text, cases[i].changes, cases[i].enc, &doc, err);
    if (rc != 0 || strcmp(doc->text, cases[i].want) != 0)
      fprintf(stderr, "case %zu: rc %d (%s) text \"%s\"\n", i, rc, err, doc->text);
    ASSERT_EQ(rc, 0);
    ASSERT_STR_EQ(doc->text, cases[i].want);
    ASSERT_EQ(doc->len, strlen(cases[i].want));
    ASSERT_EQ(doc->version, 2);
    ASSERT_EQ(nl_doc_check(doc), 0);
    nl_docs_free(docs);
  }
}

#define R(l1, c1, l2, c2)                                                                      \
  "{\"range\":{\"start\":{\"line\":" #l1 ",\"character\":" #c1 "},\"end\":{\"line\":" #l2 \
  ",\"character\":" #c2 "}},\"text\":"

static void test_basic_edits(void) {
  static const edit_case cases[] = {
      /* at a line end */
      {"abc\ndef", "[" R(0, 3, 0, 3) "\"X\"}]", NL_ENC_UTF16, "abcX\ndef"},
      /* across lines */
      {"abc\ndef\nghi", "[" R(0, 1, 2, 1) "\"\"}]", NL_ENC_UTF16, "ahi"},
      /* at the end of the file */
      {"abc\ndef", "[" R(1, 3, 1, 3) "\"\\nghi\"}]", NL_ENC_UTF16, "abc\ndef\nghi"},
      /* out of range: a line past the end appends, a character past the line end clamps */
      {"abc\ndef", "[" R(10, 0, 10, 0) "\"Z\"}]", NL_ENC_UTF16, "abc\ndefZ"},
      {"abc\ndef", "[" R(0, 99, 0, 99) "\"Z\"}]", NL_ENC_UTF16, "abcZ\ndef"},
      {"abc\ndef", "[" R(0, 2, 99, 99) "\"\"}]", NL_ENC_UTF16, "ab"},
      /* in order: each change sees the result of the one before */
      {"one\ntwo\n",
       "[" R(0, 0, 0, 3) "\"1\"}," R(1, 0, 1, 3) "\"2\"}," R(2, 0, 2, 0) "\"three\"}," R(
           0, 1, 0, 1) "\"!\"}]",
       NL_ENC_UTF16, "1!\n2\nthree"},
      /* the last change wins over a full replacement before it, and vice versa */
      {"old", "[{\"text\":\"new\\ntext\"}," R(1, 0, 1, 4) "\"TEXT\"}]", NL_ENC_UTF16, "new\nTEXT"},
      {"old", "[" R(0, 0, 0, 1) "\"x\"},{\"text\":\"whole\"}]", NL_ENC_UTF16, "whole"},
      {"old", "[{\"range\":null,\"text\":\"r\"}]", NL_ENC_UTF16, "r"},
      {"", "[" R(0, 0, 0, 0) "\"first\"}]", NL_ENC_UTF16, "first"},
      {"keep", "[]", NL_ENC_UTF16, "keep"},
      /* rangeLength is deprecated and ignored */
      {"abc", "[{\"range\":{\"start\":{\"line\":0,\"character\":1},\"end\":{\"line\":0,"
              "\"character\":2}},\"rangeLength\":99,\"text\":\"B\"}]",
       NL_ENC_UTF16, "aBc"},
  };
  run_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_encodings(void) {
  static const edit_case cases[] = {
      /* delete the emoji: 2 units in utf-16, 4 bytes in utf-8, 1 code point in utf-32 */
      {"a" EMOJI "b" WANG "c", "[" R(0, 1, 0, 3) "\"\"}]", NL_ENC_UTF16, "ab" WANG "c"},
      {"a" EMOJI "b" WANG "c", "[" R(0, 1, 0, 5) "\"\"}]", NL_ENC_UTF8, "ab" WANG "c"},
      {"a" EMOJI "b" WANG "c", "[" R(0, 1, 0, 2) "\"\"}]", NL_ENC_UTF32, "ab" WANG "c"},
      /* replace the CJK character */
      {"a" EMOJI "b" WANG "c", "[" R(0, 4, 0, 5) "\"x\"}]", NL_ENC_UTF16, "a" EMOJI "bxc"},
      {"a" EMOJI "b" WANG "c", "[" R(0, 6, 0, 9) "\"x\"}]", NL_ENC_UTF8, "a" EMOJI "bxc"},
      {"a" EMOJI "b" WANG "c", "[" R(0, 3, 0, 4) "\"x\"}]", NL_ENC_UTF32, "a" EMOJI "bxc"},
      /* a position inside the surrogate pair snaps back to the emoji's start */
      {"a" EMOJI "b", "[" R(0, 2, 0, 2) "\"|\"}]", NL_ENC_UTF16, "a|" EMOJI "b"},
      {"a" EMOJI "b", "[" R(0, 3, 0, 3) "\"|\"}]", NL_ENC_UTF8, "a|" EMOJI "b"},
      /* inserting an emoji then addressing after it in units */
      {"ab", "[" R(0, 1, 0, 1) "\"" EMOJI "\"}," R(0, 3, 0, 4) "\"B\"}]", NL_ENC_UTF16,
       "a" EMOJI "B"},
      {"ab", "[" R(0, 1, 0, 1) "\"\\ud83d\\ude00\"}," R(0, 2, 0, 3) "\"B\"}]", NL_ENC_UTF32,
       "a" EMOJI "B"},
  };
  run_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_crlf(void) {
  static const edit_case cases[] = {
      {"a\r\nb\r\n", "[" R(1, 0, 1, 0) "\"x\"}]", NL_ENC_UTF16, "a\r\nxb\r\n"},
      {"a\r\nb\r\n", "[" R(0, 1, 1, 0) "\"\"}]", NL_ENC_UTF16, "ab\r\n"},
      /* a character past the end of line 0 stops before "\r\n" */
      {"a\r\nb", "[" R(0, 5, 0, 5) "\"!\"}]", NL_ENC_UTF16, "a!\r\nb"},
      /* a "\n" inserted after a lone "\r" joins them into one terminator */
      {"a\rb", "[" R(1, 0, 1, 0) "\"\\n\"}]", NL_ENC_UTF16, "a\r\nb"},
      /* a "\r" inserted before "\n" does too */
      {"a\nb", "[" R(0, 1, 0, 1) "\"\\r\"}]", NL_ENC_UTF16, "a\r\nb"},
      /* text inserted between a lone "\r" and the next line splits nothing */
      {"a\r\nb\rc", "[" R(2, 0, 2, 0) "\"\\r\\n\"}]", NL_ENC_UTF16, "a\r\nb\r\r\nc"},
      {"x\r\n\r\ny", "[" R(1, 0, 2, 0) "\"\"}]", NL_ENC_UTF16, "x\r\ny"},
  };
  run_cases(cases, sizeof(cases) / sizeof(cases[0]));
  /* line numbers after a CRLF edit */
  nl_docs *docs = nl_docs_new();
  nl_doc *doc;
  char err[128];
  ASSERT_EQ(edit(docs, "a\rb", "[" R(1, 0, 1, 0) "\"\\n\"}]", NL_ENC_UTF16, &doc, err), 0);
  ASSERT_EQ(doc->lines.n_lines, 2);
  ASSERT_EQ(doc->lines.starts[1], 3);
  nl_docs_free(docs);
}

static void test_malformed_changes(void) {
  static const struct {
    const char *changes;
    const char *msg;
  } cases[] = {
      {"{}", "contentChanges must be an array"},
      {"[" R(0, 0, 0, 1) "\"ok\"},3]", "contentChanges[1] must be an object"},
      {"[" R(0, 0, 0, 1) "\"ok\"},{\"range\":null}]", "contentChanges[1].text is missing"},
      {"[{\"text\":5}]", "contentChanges[0].text must be a string"},
      {"[{\"text\":\"x\",\"range\":{\"start\":{\"line\":0,\"character\":0}}}]",
       "contentChanges[0].range.end is missing"},
      {"[" R(-1, 0, 0, 0) "\"x\"}]", "contentChanges[0].range.start.line must be a non-negative integer"},
      {"[" R(0, 0, 0, 1.5) "\"x\"}]",
       "contentChanges[0].range.end.character must be a non-negative integer"},
      {"[{\"text\":\"x\",\"range\":\"all\"}]", "contentChanges[0].range must be an object"},
      {"[" R(1, 0, 0, 3) "\"x\"}]", "contentChanges[0].range.end is before range.start"},
      {"[" R(0, 2, 0, 1) "\"x\"}]", "contentChanges[0].range.end is before range.start"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    nl_docs *docs = nl_docs_new();
    nl_doc *doc;
    char err[128] = "";
    int rc = edit(docs, "abc\r\ndef", cases[i].changes, NL_ENC_UTF16, &doc, err);
    ASSERT_EQ(rc, NL_EINVAL);
    ASSERT_STR_EQ(err, cases[i].msg);
    /* the whole batch is refused: the first, valid change is not applied either */
    ASSERT_STR_EQ(doc->text, "abc\r\ndef");
    ASSERT_EQ(doc->version, 1);
    ASSERT_EQ(nl_doc_check(doc), 0);
    nl_docs_free(docs);
  }
}

/* ---- Randomised edits against a naive model ---- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull; /* fixed seed: deterministic */
static uint32_t rnd(uint32_t n) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return (uint32_t)(rng_state % n);
}

static const char *const PIECES[] = {"a", "b", "\n", "\r", "\r\n", EMOJI, WANG, "\xff", " "};
#define N_PIECES (sizeof(PIECES) / sizeof(PIECES[0]))

static void random_text(char *buf, size_t cap) {
  size_t n = 0, k = rnd(6);
  buf[0] = '\0';
  for (size_t i = 0; i < k; i++) {
    const char *p = PIECES[rnd(N_PIECES)];
    if (n + strlen(p) + 1 > cap) break;
    memcpy(buf + n, p, strlen(p) + 1);
    n += strlen(p);
  }
}

/* The model: the same edit done the obvious way, with a fresh line table. */
static char *model_apply(const char *text, size_t len, nl_encoding enc, uint32_t l1, uint32_t c1,
                         uint32_t l2, uint32_t c2, const char *ins, size_t *out_len) {
  nl_lines l;
  nl_lines_init(&l, text, len);
  size_t a = nl_lines_offset(&l, enc, l1, c1), b = nl_lines_offset(&l, enc, l2, c2);
  nl_lines_free(&l);
  size_t n = strlen(ins);
  char *out = malloc(len - (b - a) + n + 1);
  memcpy(out, text, a);
  memcpy(out + a, ins, n);
  memcpy(out + a + n, text + b, len - b);
  *out_len = len - (b - a) + n;
  out[*out_len] = '\0';
  return out;
}

static void test_random_edits(void) {
  nl_encoding encs[] = {NL_ENC_UTF8, NL_ENC_UTF16, NL_ENC_UTF32};
  for (int round = 0; round < 300; round++) {
    nl_encoding enc = encs[round % 3];
    char start[64];
    random_text(start, sizeof(start));
    nl_docs *docs = nl_docs_new();
    nl_doc *doc = nl_docs_open(docs, "file:///r.md", 0, start, strlen(start));
    char *model = strdup(start);
    size_t model_len = strlen(start);
    json_t *changes = json_array();
    int n_changes = 1 + rnd(8);
    for (int i = 0; i < n_changes; i++) {
      /* positions a little past the text's extent to exercise clamping */
      uint32_t l1 = rnd(6), c1 = rnd(8), l2 = l1 + rnd(3), c2 = rnd(8);
      if (l2 == l1 && c2 < c1) c2 = c1;
      char ins[64];
      random_text(ins, sizeof(ins));
      json_t *text = json_stringn_nocheck(ins, strlen(ins));
      json_array_append_new(changes, json_pack("{s:{s:{s:i,s:i},s:{s:i,s:i}},s:o}", "range",
                                               "start", "line", l1, "character", c1, "end",
                                               "line", l2, "character", c2, "text", text));
      size_t nl;
      char *next = model_apply(model, model_len, enc, l1, c1, l2, c2, ins, &nl);
      free(model);
      model = next;
      model_len = nl;
    }
    char err[128];
    ASSERT_EQ(nl_doc_apply(doc, changes, enc, round, err, sizeof(err)), 0);
    ASSERT_MEM_EQ(doc->text, doc->len, model, model_len);
    ASSERT_EQ(nl_doc_check(doc), 0);
    json_decref(changes);
    free(model);
    nl_docs_free(docs);
  }
}

/* Many small edits to a large document in one notification: correct, and without rescanning
 * the whole text per change (not timed; the check is that it finishes and agrees). */
static void test_many_changes_large_document(void) {
  size_t lines = 20000;
  char *text = malloc(lines * 8 + 1);
  for (size_t i = 0; i < lines; i++) memcpy(text + i * 8, "line...\n", 8);
  text[lines * 8] = '\0';
  nl_docs *docs = nl_docs_new();
  nl_doc *doc = nl_docs_open(docs, "file:///big.md", 1, text, lines * 8);
  json_t *changes = json_array();
  for (int i = 0; i < 2000; i++) {
    uint32_t line = (uint32_t)(19990 - i * 9); /* bottom-up, as editors send multi-cursor edits */
    json_array_append_new(changes, json_pack("{s:{s:{s:i,s:i},s:{s:i,s:i}},s:s}", "range",
                                             "start", "line", line, "character", 4, "end",
                                             "line", line, "character", 7, "text", "\xC3\xA9\n"));
  }
  char err[128];
  ASSERT_EQ(nl_doc_apply(doc, changes, NL_ENC_UTF16, 2, err, sizeof(err)), 0);
  ASSERT_EQ(doc->len, lines * 8); /* each edit replaces 3 bytes with 3 bytes */
  ASSERT(memcmp(doc->text + 19990 * 8, "line\xC3\xA9\n\n", 8) == 0);
  ASSERT_EQ(doc->lines.n_lines, lines + 1 + 2000);
  ASSERT_EQ(nl_doc_check(doc), 0);
  json_decref(changes);
  nl_docs_free(docs);
  free(text);
}

int main(void) {
  RUN(test_store);
  RUN(test_many_documents);
  RUN(test_basic_edits);
  RUN(test_encodings);
  RUN(test_crlf);
  RUN(test_malformed_changes);
  RUN(test_random_edits);
  RUN(test_many_changes_large_document);
  return NL_TEST_DONE();
}
