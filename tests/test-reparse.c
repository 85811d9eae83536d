/* An open note re-parsed after edits (nl_doc_index): the lines the edits left alone are not
 * parsed again (the frontmatter is taken from the last parse; the block structure too, when the
 * edit cannot change it: every key typed at every column of a note of every block kind is
 * checked against a fresh parse), a parse that keeps the index's
 * keys and the note's face only swaps in (no name row written again), and diagnostics are
 * written as JSON text. Checked against a full recomputation over random sequences of edits:
 * after every pause the parse equals a fresh parse of the text, and the diagnostics of the
 * edited note and of every other note equal those of a fresh index holding the same text; the
 * diagnostics' text equals the tree the LSP builders make of the engine's list. The typed
 * note's diagnostics, kept between pauses but the edited line's (nl_diagnose_line), are
 * checked the same way, also after a person note came or went. */
#include "test.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "lsp/features/features.h"
#include "lsp/index/diagnose.h"
#include "lsp/note/scan.h"
#include "note_dump.h"
#include "protocol/lsp_types.h"

static char dir[] = "/tmp/nl-reparse-XXXXXX";

static const char *const meeting =
    "---\n"
    "type: customer\n"
    "title: Pilot review with Contoso\n"
    "date: '2025-11-02'\n"
    "account: Contoso\n"
    "participants:\n"
    "- Ana Ruiz\n"
    "- Nobody Known\n"
    "tags:\n"
    "- account/contoso\n"
    "---\n"
    "# Pilot review with Contoso\n"
    "**Account**: [[Contoso]] and [[Contoso#Contacts]], [[Contoso#Nowhere]]\n"
    "See [profile](../People/Ana%20Ruiz.md) and [[Missing note]] and [[Ana]].\n"
    "## Action items\n"
    "- [ ?] Confirm the pilot date with @Ana Ruiz 📅 2025-11-10 ⏫ #task #proposed\n"
    "- [ ] Send the deck to @Léa Dubois 📅 2025-13-40 #task\n"
    "- [x] Book the room @Zed Unknown ✅ 2025-11-01\n"
    "```\n"
    "- [ ] not a task @Ana Ruiz [[Missing in code]]\n"
    "```\n"
    "Text with mojibake: cafÃ© and a block ^blk1\n"
    "## Decisions\n"
    "- Use [[#Action items]] and [[#No such heading]]\n";

static const char *const snippets[] = {
    "a", "é", "😀", " ", "x y", "\n", "\r\n", "📅 2025-11-01", "[[Ana Ruiz]]", "[[Nobody]]",
    "[[Contoso#Contacts]]", "[[#Decisions]]", "@Ana Ruiz ", "@Zed ", "#tag ", "#proposed",
    "- [ ] task @Léa Dubois 📅 2024-01-01\n", "## New heading\n", "# ", "---\n", "```\n",
    "^blk2", "title: Renamed\n", "aliases: [Pilot]\n", "account: Fabrikam\n", "cafÃ©",
    "[x](../People/Ana%20Ruiz.md)", "- [ ?] ", "<!-- ", "-->", "> ", "    ", "===\n", "|",
    "@Z\xff\xfe ", "\xc3", /* not UTF-8: a message quoting it is left out */
};

static unsigned seed;

static unsigned rnd(unsigned n) {
  seed = seed * 1103515245u + 12345u;
  return n ? (seed >> 8) % n : 0;
}

static void write_vault(void) {
  ASSERT(fixture_vault_dir(dir) == 0);
  char sub[4200];
  snprintf(sub, sizeof sub, "%s/Accounts", dir);
  mkdir(sub, 0755);
  snprintf(sub, sizeof sub, "%s/Meetings", dir);
  mkdir(sub, 0755);
  write_file(dir, "People/Ana Ruiz.md", "---\ntype: person\naliases: [Ana]\n---\n# Ana Ruiz\n");
  write_file(dir, "People/Léa Dubois.md", "---\ntype: person\n---\n# Léa Dubois\n");
  write_file(dir, "Accounts/Contoso.md",
             "---\ntype: account\n---\n# Contoso\n## Contacts\n- [[Ana Ruiz]]\n"
             "- [[Pilot review with Contoso#Decisions]]\n"
             "- [[2025-11-02 Pilot#Action items]] [[2025-11-02 Pilot#^blk1]]\n");
  write_file(dir, "Meetings/2025-11-02 Pilot.md", meeting);
}

/* The diagnostics of e as the LSP builders make them of the engine's list, the way they
 * were written before the text writer (the reference for it). */
static json_t *reference_json(const nl_ctx *ctx, const nl_entry *e) {
  nl_text t;
  nl_text_load(&t, ctx->docs, e);
  size_t len;
  const char *body = nl_text_body(&t, &len);
  nl_diag_list list;
  nl_diag_list_init(&list);
  nl_diagnose(ctx->ws, e, body, len, ctx->today, &list);
  json_t *arr = json_array();
  for (size_t i = 0; i < list.n; i++) {
    const nl_diag *d = &list.items[i];
    json_t *r = nl_ctx_text_range_json(ctx, &t, d->range);
    json_t *j = json_pack("{s:o,s:i,s:s*,s:s,s:s}", "range", r, "severity", d->severity, "code",
                          d->code, "source", "notes-lsp", "message", d->message);
    if (j == NULL) continue;
    if (d->n_related > 0 && ctx->caps->related_info) {
      json_t *rel = json_array();
      for (size_t k = 0; k < d->n_related; k++) {
        const nl_entry *o = nl_ws_get(ctx->ws, d->related[k].entry);
        nl_bpos s = d->related[k].range.start, en = d->related[k].range.end;
        json_t *loc = s.line == 0 && s.col == 0 && en.line == 0 && en.col == 0
                          ? nl_lsp_location_json(o->uri, 0, 0, 0, 0)
                          : nl_ctx_location_json(ctx, o, d->related[k].range);
        json_array_append_new(rel, json_pack("{s:o,s:s}", "location", loc, "message",
                                             d->related[k].message));
      }
      json_object_set_new(j, "relatedInformation", rel);
    }
    if (d->repaired != NULL)
      json_object_set_new(j, "data", json_pack("{s:s%}", "repaired", d->repaired, d->repaired_len));
    json_array_append_new(arr, j);
  }
  nl_diag_list_free(&list);
  nl_text_free(&t);
  return arr;
}

static void add_tag(void *ud, const char *tag, size_t count) {
  char one[256];
  snprintf(one, sizeof one, "%s=%zu", tag, count);
  json_array_append_new(ud, json_string(one));
}

static int by_text(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Who links to, mentions, names in frontmatter or tags e, and the vault's tag counts: what the
 * reference maps answer, as text (ids are the same in two indexes of the same files). */
static char *references_text(const nl_workspace *ws, const nl_entry *e) {
  nl_buf b = NL_BUF_INIT;
  ptrdiff_t (*const search[])(const nl_workspace *, const nl_entry *, nl_ref **) = {
      nl_ws_backlinks, nl_ws_mentions_of, nl_ws_fm_refs_of, nl_ws_account_tags_of};
  for (size_t k = 0; k < sizeof search / sizeof *search; k++) {
    nl_ref *refs = NULL;
    ptrdiff_t n = search[k](ws, e, &refs);
    nl_buf_addf(&b, "[%td:", n);
    for (ptrdiff_t i = 0; i < n; i++)
      nl_buf_addf(&b, " %s#%u", nl_ws_get(ws, refs[i].from)->rel, refs[i].link);
    nl_buf_adds(&b, "]");
    free(refs);
  }
  json_t *tags = json_array(); /* in the order of the map's history: sorted */
  nl_ws_foreach_tag(ws, -1, add_tag, tags);
  size_t n = json_array_size(tags);
  const char **sorted = calloc(n + 1, sizeof *sorted);
  for (size_t i = 0; i < n; i++) sorted[i] = json_string_value(json_array_get(tags, i));
  qsort(sorted, n, sizeof *sorted, by_text);
  for (size_t i = 0; i < n; i++) nl_buf_addf(&b, " %s", sorted[i]);
  free(sorted);
  json_decref(tags);
  return nl_buf_take(&b);
}

static char *diagnostics_text(const nl_ctx *ctx, const nl_entry *e) {
  nl_buf b = NL_BUF_INIT;
  nl_feature_diagnostics_text(ctx, e, &b);
  return nl_buf_take(&b);
}

/* The edited note's parse and every note's diagnostics in f equal a fresh index's of the same
 * vault with the document's text, parsed whole. */
static void same_as_full(fixture *f, nl_doc *doc, const char *abs, const char *what) {
  const nl_entry *e = nl_ws_by_path(f->ws, abs);
  nl_note *fresh = nl_note_parse(doc->text, doc->len);
  char *a = note_dump(e->note), *b = note_dump(fresh);
  if (strcmp(a, b) != 0) fprintf(stderr, "%s: parse differs\n%s\n---\n%s\n", what, a, b);
  ASSERT_STR_EQ(a, b);
  free(a);
  free(b);
  nl_note_free(fresh);
  fixture g;
  ASSERT(fixture_init(&g, dir, f->ctx.enc) == 0);
  nl_doc *gd = nl_docs_open(g.docs, doc->uri, doc->version, doc->text, doc->len);
  ASSERT(gd != NULL && nl_ws_update(g.ws, abs, gd->text, gd->len, 1) != NULL);
  char err[256];
  ASSERT(nl_ws_check(f->ws, err, sizeof err) == 0);
  for (uint32_t id = 0; id < nl_ws_count(g.ws) + 8; id++) {
    const nl_entry *ge = nl_ws_get(g.ws, id);
    if (ge == NULL) continue;
    const nl_entry *fe = nl_ws_by_path(f->ws, ge->abs);
    ASSERT(fe != NULL);
    char *x = diagnostics_text(&f->ctx, fe), *y = diagnostics_text(&g.ctx, ge);
    if (strcmp(x, y) != 0) fprintf(stderr, "%s: %s\n%s\n---\n%s\n", what, ge->rel, x, y);
    ASSERT_STR_EQ(x, y);
    char *again = diagnostics_text(&f->ctx, fe); /* kept, when f has a memo */
    ASSERT_STR_EQ(again, y);
    free(again);
    char *rx = references_text(f->ws, fe), *ry = references_text(g.ws, ge);
    ASSERT_STR_EQ(rx, ry);
    free(rx);
    free(ry);
    json_t *tree = json_loads(x, 0, NULL), *ref = reference_json(&f->ctx, fe);
    ASSERT(tree != NULL && json_equal(tree, ref));
    json_decref(tree);
    json_decref(ref);
    free(x);
    free(y);
  }
  fixture_done(&g);
}

/* One random change of doc as a didChange would bring it: an insertion, a deletion (within a
 * line or across a few), or now and then the whole text replaced. */
static void random_change(nl_doc *doc, int crlf) {
  json_t *change;
  uint32_t lines = (uint32_t)doc->lines.n_lines;
  uint32_t l1 = rnd(lines + 1), c1 = rnd(12) == 0 ? 1000 : rnd(40), l2 = l1, c2 = c1;
  unsigned kind = rnd(20);
  if (kind == 0) {
    change = json_pack("{s:s}", "text", meeting);
  } else {
    const char *ins = "";
    if (kind < 12) {
      ins = snippets[rnd(sizeof snippets / sizeof *snippets)];
      if (crlf && strcmp(ins, "\n") == 0) ins = "\r\n";
    } else {
      l2 = l1 + (rnd(4) == 0 ? 1 + rnd(2) : 0);
      c2 = l2 == l1 ? c1 + 1 + rnd(6) : rnd(20);
    }
    change = json_pack("{s:{s:{s:i,s:i},s:{s:i,s:i}},s:o}", "range", "start", "line", l1,
                       "character", c1, "end", "line", l2, "character", c2, "text",
                       json_stringn_nocheck(ins, strlen(ins)));
  }
  json_t *changes = json_pack("[o]", change);
  char err[128];
  ASSERT(nl_doc_apply(doc, changes, NL_ENC_UTF16, doc->version + 1, err, sizeof err) == 0);
  json_decref(changes);
}

/* The pilot meeting of a fresh index over the vault, opened with `text` and indexed; its
 * path into abs (4200 bytes). NULL when that failed. */
static nl_doc *open_pilot(fixture *f, nl_encoding enc, const char *text, size_t len, char *abs) {
  if (fixture_init(f, dir, enc) != 0) return NULL;
  snprintf(abs, 4200, "%s/Meetings/2025-11-02 Pilot.md", nl_ws_root(f->ws, 0));
  const nl_entry *e = nl_ws_by_path(f->ws, abs);
  nl_doc *doc = e != NULL ? nl_docs_open(f->docs, e->uri, 1, text, len) : NULL;
  return doc != NULL && nl_doc_index(doc, f->ws, abs) != NULL ? doc : NULL;
}

static void random_edits(unsigned s, int crlf, int rounds) {
  fixture f;
  char abs[4200];
  /* CRLF: every line end of the text as opened is "\r\n". */
  nl_buf text = NL_BUF_INIT;
  for (const char *p = meeting; *p; p++) {
    int end = crlf && *p == '\n';
    nl_buf_add(&text, end ? "\r\n" : p, end ? 2 : 1);
  }
  nl_doc *doc = open_pilot(&f, NL_ENC_UTF16, text.s, text.len, abs);
  nl_buf_free(&text);
  ASSERT(doc != NULL);
  f.ctx.memo = nl_memo_new(); /* the edited note's diagnostics are kept between pauses */
  nl_ws_symbol_table symbols; /* built now, so that every update keeps it in step */
  ASSERT(nl_ws_symbols(f.ws, &symbols) == 0);
  seed = s;
  for (int i = 0; i < rounds; i++) {
    unsigned keys = 1 + rnd(3); /* a pause after a few keys */
    for (unsigned k = 0; k < keys; k++) random_change(doc, crlf);
    ASSERT(nl_doc_index(doc, f.ws, abs) != NULL);
    char what[64];
    snprintf(what, sizeof what, "seed %u round %d", s, i);
    int failures = nl_test_failures;
    same_as_full(&f, doc, abs, what);
    if (nl_test_failures != failures) break;
  }
  nl_memo_free(f.ctx.memo);
  fixture_done(&f);
}

static void test_random_edits_lf(void) {
  for (unsigned s = 1; s <= 4; s++) random_edits(s, 0, 60);
}

static void test_random_edits_crlf(void) {
  for (unsigned s = 11; s <= 13; s++) random_edits(s, 1, 60);
}

/* Blocks of every kind, for typing inside lines (nl_note_blocks_hold decides whether the last
 * parse's blocks hold). */
static const char *const blocky =
    "---\n"
    "title: Blocks\n"
    "---\n"
    "Setext title\n"
    "============\n"
    "A paragraph over\n"
    "two lines with [[Ana Ruiz]]\n"
    "cafÃ© and `code` by @Zed, [a\n"
    "b](Nowhere.md) after\n"
    "[foo]: /url\n"
    "[x] not a task [[Contoso]]\n"
    "\n"
    "[y] /url\n"
    "===\n"
    "\n"
    "[z]: /url\n"
    "\"t\" x\n"
    "> quoted @Ana Ruiz\n"
    "> lazy line\n"
    "1. first [[Missing note]]\n"
    "2. [ ] numbered task @Zed 📅 2025-11-31\n"
    "   continued #tag\n"
    "- [ ?] proposed @Léa Dubois\n"
    "\n"
    "  - [x] nested done ✅ 2025-11-01\n"
    "<!-- a comment\n"
    "still [[Missing in html]]\n"
    "-->\n"
    "    indented code [[Missing in code]]\n"
    "\n"
    "#tag line and **bold**\n"
    "**Bold**: text\n"
    "2024-05-01 dated\n"
    "## Heading two ##\n"
    "Under\n"
    "---\n"
    "~~~\n"
    "fenced [[Nowhere]]\n"
    "~~~\n"
    "last line ^blk9";

static const char *const keys_in_line[] = {
    "a", "é", " ", "#", "# ", "-", "- ", "*", "**", "_", "=", "===", "`", "```", "~~~", "<",
    "<div>", ">", "> ", "[", "]", "]:", "[ ] ", "[ ?] ", ":", "1", "1. ", ".", ")", "+", "+ ",
    "    ", "\t", "|", "\\", "[[Ana Ruiz]]", "@Ana Ruiz", "@Zed ", "#task", "📅 2025-11-01",
    "^blk2", "-->", "...", "---", "`code`", "[[#Heading two]]",
};

/* Adds People/Zed.md to the vault and to f's index, or takes it away again: a note that
 * changes what the typed note's mentions of @Zed on other lines resolve to. */
static void toggle_zed(fixture *f, int *on) {
  char abs[4200];
  snprintf(abs, sizeof abs, "%s/People/Zed.md", nl_ws_root(f->ws, 0));
  const char *text = "---\ntype: person\n---\n# Zed\n";
  *on = !*on;
  if (*on) {
    write_file(dir, "People/Zed.md", text);
    ASSERT(nl_ws_update(f->ws, abs, text, strlen(text), 0) != NULL);
  } else {
    ASSERT(unlink(abs) == 0);
    nl_ws_remove(f->ws, abs);
  }
}

/* Keys typed inside one line between pauses: insertions of keys_in_line and deletions, never
 * of a line end; now and then the whole text again, and now and then a person added to the
 * vault or taken away. After each pause the parse (which walks the last parse's blocks when
 * they hold) equals a fresh one, and so do the diagnostics (kept but the edited line's when
 * they can be). */
static void random_typing(unsigned s, int rounds) {
  fixture f;
  char abs[4200];
  nl_doc *doc = open_pilot(&f, NL_ENC_UTF8, blocky, strlen(blocky), abs);
  ASSERT(doc != NULL);
  f.ctx.memo = nl_memo_new(); /* the edited note's diagnostics are kept between pauses */
  seed = s;
  unsigned reused = 0;
  size_t line_runs = nl_feature_diagnose_line_runs();
  int zed = 0;
  for (int i = 0; i < rounds; i++) {
    if (rnd(10) == 0) { /* no edit: what was kept of the typed note must not serve */
      toggle_zed(&f, &zed);
      same_as_full(&f, doc, abs, "after a person came or went");
    }
    uint32_t line = rnd((uint32_t)doc->lines.n_lines);
    unsigned keys = 1 + rnd(4);
    for (unsigned k = 0; k < keys; k++) {
      size_t len = nl_lines_line_end(&doc->lines, line) - nl_lines_line_start(&doc->lines, line);
      uint32_t c1 = rnd((uint32_t)len + 1), c2 = c1;
      const char *ins = "";
      if (rnd(3) == 0) c2 = c1 + rnd(4) > len ? (uint32_t)len : c1 + rnd(4);
      else ins = keys_in_line[rnd(sizeof keys_in_line / sizeof *keys_in_line)];
      json_t *changes = rnd(40) == 0
          ? json_pack("[{s:s}]", "text", blocky)
          : json_pack("[{s:{s:{s:i,s:i},s:{s:i,s:i}},s:s}]", "range", "start", "line", line,
                      "character", c1, "end", "line", line, "character", c2, "text", ins);
      char err[128];
      ASSERT(nl_doc_apply(doc, changes, NL_ENC_UTF8, doc->version + 1, err, sizeof err) == 0);
      json_decref(changes);
    }
    unsigned before = doc->blocks.reused;
    ASSERT(nl_doc_index(doc, f.ws, abs) != NULL);
    reused += doc->blocks.reused > before;
    char what[64];
    snprintf(what, sizeof what, "typing seed %u round %d", s, i);
    int failures = nl_test_failures;
    same_as_full(&f, doc, abs, what);
    if (nl_test_failures != failures) break;
  }
  /* The paths under test are taken often: blocks kept, and diagnostics kept but one line's. */
  ASSERT((int)reused * 8 > rounds);
  ASSERT((int)(nl_feature_diagnose_line_runs() - line_runs) * 4 > rounds);
  if (zed) toggle_zed(&f, &zed);
  nl_memo_free(f.ctx.memo);
  fixture_done(&f);
}

/* The parse of text after one edit of base (the edit replaced base[a, b)): given base's
 * parse and blocks, equal to a fresh parse; *held counts the edits for which they held. */
static void edited_as_fresh(const char *base, const nl_note *prev, const nl_note_blocks *bl,
                            size_t a, size_t b, const char *ins, size_t *held) {
  size_t n = strlen(base), k = strlen(ins);
  char *t = malloc(n - (b - a) + k + 1);
  memcpy(t, base, a);
  memcpy(t + a, ins, k);
  memcpy(t + a + k, base + b, n - b + 1);
  nl_note_blocks copy = *bl;
  copy.list.items = malloc((bl->list.cap + 1) * sizeof(nl_note_block));
  if (bl->list.n > 0) memcpy(copy.list.items, bl->list.items, bl->list.n * sizeof(nl_note_block));
  nl_note_edit edit = {a, n - b, &copy, NULL, 0, 0};
  nl_note *inc = nl_note_parse_ex(t, strlen(t), prev, &edit), *fresh = nl_note_parse(t, strlen(t));
  char *x = note_dump(inc), *y = note_dump(fresh);
  if (strcmp(x, y) != 0) fprintf(stderr, "after \"%s\" at %zu..%zu:\n%s\n", ins, a, b, t);
  ASSERT_STR_EQ(x, y);
  *held += copy.reused > 0;
  /* Comparing faces without writing them gives what comparing the written faces gives. */
  nl_entry ea = {0}, eb = {0};
  ea.rel = eb.rel = "Meetings/x.md";
  ea.name = eb.name = "x";
  ea.note = (nl_note *)prev;
  eb.note = fresh;
  size_t la, lb;
  char *fa = nl_diag_face(&ea, &la), *fb = nl_diag_face(&eb, &lb);
  ASSERT_EQ(nl_diag_same_face(prev, fresh), la == lb && memcmp(fa, fb, la) == 0);
  free(fa);
  free(fb);
  free(x);
  free(y);
  nl_note_free(inc);
  nl_note_free(fresh);
  nl_note_blocks_free(&copy);
  free(t);
}

/* Every key of keys_in_line typed at every column of every line of `blocky`, and one to three
 * bytes deleted there: each parse equals a fresh one, and blocks hold for some. */
static void test_every_key_in_every_line(void) {
  nl_note_blocks bl = {0};
  nl_note_edit whole = {0, 0, &bl, NULL, 0, 0};
  nl_note *prev = nl_note_parse_ex(blocky, strlen(blocky), NULL, &whole);
  ASSERT(prev != NULL && bl.valid);
  nl_lines l;
  ASSERT(nl_lines_init(&l, blocky, strlen(blocky)) == 0);
  size_t held = 0, tried = 0;
  for (size_t line = 0; line < l.n_lines; line++) {
    size_t start = l.starts[line], end = nl_lines_line_end(&l, line);
    for (size_t a = start; a <= end; a++) {
      for (size_t i = 0; i < sizeof keys_in_line / sizeof *keys_in_line; i++, tried++)
        edited_as_fresh(blocky, prev, &bl, a, a, keys_in_line[i], &held);
      for (size_t d = 1; d <= 3 && a + d <= end; d++, tried++)
        edited_as_fresh(blocky, prev, &bl, a, a + d, "", &held);
    }
  }
  ASSERT(held > tried / 4);
  nl_lines_free(&l);
  nl_note_free(prev);
  nl_note_blocks_free(&bl);
}

/* Lines for short random notes: containers, markers with and without the blank after them,
 * fences inside containers (an unclosed one ends on the next line, which its container's end
 * also gives to a paragraph), task markers and link reference definitions. */
static const char *const line_pool[] = {
    "a para", "- item", "-x y", "1. one", "1.x two", "# head", "#tag", "> q", ">x", "[ ] t",
    "[x]y", "- [ ] task @Zed", "    code", "", "===", "---", "***", "* star", "*x", "+ plus",
    "2) two", "  - nested", "> - q item", "## h2 ##", "```", "~~~", "<div>", "[l]: /u", "x",
    "- ", "1. ", "> ", "#", "##x", "-", "2024)x", "12.5 x", "\tTab", "> ```", "- ```", "  b",
    "-\tx", "#\th", "[ ]\tx", "[ ?] p",
};

/* Notes tried first: "[l]:" is no task marker (no blank after its ']'), so typing after the
 * ':' may end the definition and make "---" a setext underline. */
static const char *const fixed_notes[] = {"[l]: /u\n---", "> ```\nx\n- ```\ny"};

/* Every key typed at every column of every line of fixed_notes and of short notes made of
 * random lines of line_pool, and one to three bytes deleted there: each parse equals a fresh
 * one. */
static void test_every_key_in_random_notes(void) {
  seed = 5;
  size_t held = 0, tried = 0, n_fixed = sizeof fixed_notes / sizeof *fixed_notes;
  for (size_t it = 0; it < n_fixed + 120 && nl_test_failures == 0; it++) {
    char base[512];
    size_t at = 0;
    unsigned n_lines = it < n_fixed ? 0 : 2 + rnd(4);
    if (it < n_fixed) at = (size_t)snprintf(base, sizeof base, "%s", fixed_notes[it]);
    for (unsigned j = 0; j < n_lines; j++)
      at += (size_t)snprintf(base + at, sizeof base - at, "%s%s",
                             line_pool[rnd(sizeof line_pool / sizeof *line_pool)],
                             j + 1 < n_lines ? "\n" : "");
    nl_note_blocks bl = {0};
    nl_note_edit whole = {0, 0, &bl, NULL, 0, 0};
    nl_note *prev = nl_note_parse_ex(base, at, NULL, &whole);
    nl_lines l;
    ASSERT(prev != NULL && nl_lines_init(&l, base, at) == 0);
    for (size_t line = 0; line < l.n_lines && nl_test_failures == 0; line++) {
      size_t end = nl_lines_line_end(&l, line);
      for (size_t a = l.starts[line]; a <= end; a++) {
        for (size_t i = 0; i < sizeof keys_in_line / sizeof *keys_in_line; i++, tried++)
          edited_as_fresh(base, prev, &bl, a, a, keys_in_line[i], &held);
        for (size_t d = 1; d <= 3 && a + d <= end; d++, tried++)
          edited_as_fresh(base, prev, &bl, a, a + d, "", &held);
      }
    }
    nl_lines_free(&l);
    nl_note_free(prev);
    nl_note_blocks_free(&bl);
  }
  ASSERT(held > tried / 8);
}

static void test_random_typing(void) {
  for (unsigned s = 21; s <= 28; s++) random_typing(s, 80);
}

/* Typing inside a task's text keeps every key and the face: the new parse swaps in, no name
 * row is written again (the table keeps its length) and the generation stays; a new link
 * target is a new key, and the rows are written again. */
static void test_typing_swaps_in(void) {
  fixture f;
  ASSERT(fixture_init(&f, dir, NL_ENC_UTF16) == 0);
  char abs[4200];
  snprintf(abs, sizeof abs, "%s/Meetings/2025-11-02 Pilot.md", nl_ws_root(f.ws, 0));
  nl_doc *doc = nl_docs_get(f.docs, open_note(&f, "Meetings/2025-11-02 Pilot.md", meeting, NULL));
  ASSERT(doc != NULL && nl_doc_index(doc, f.ws, abs) != NULL);
  size_t rows0, rows1, rows2;
  const char *pool;
  nl_ws_names(f.ws, &rows0, &pool, NULL);
  uint64_t gen = nl_ws_generation(f.ws);
  json_t *typed = json_loads("[{\"range\":{\"start\":{\"line\":15,\"character\":20},"
                             "\"end\":{\"line\":15,\"character\":20}},\"text\":\"soon \"}]", 0, NULL);
  char err[128];
  ASSERT(nl_doc_apply(doc, typed, NL_ENC_UTF16, 2, err, sizeof err) == 0);
  ASSERT_EQ(doc->head, nl_lines_line_start(&doc->lines, 15) + 20);
  ASSERT_EQ(doc->tail, doc->len - doc->head - 5);
  ASSERT(nl_doc_index(doc, f.ws, abs) != NULL);
  nl_ws_names(f.ws, &rows1, &pool, NULL);
  ASSERT_EQ(rows1, rows0);
  ASSERT_EQ(nl_ws_generation(f.ws), gen);
  json_decref(typed);
  json_t *linked = json_loads("[{\"range\":{\"start\":{\"line\":15,\"character\":20},"
                              "\"end\":{\"line\":15,\"character\":20}},\"text\":\"[[Léa Dubois]] \"}]",
                              0, NULL);
  ASSERT(nl_doc_apply(doc, linked, NL_ENC_UTF16, 3, err, sizeof err) == 0);
  ASSERT(nl_doc_index(doc, f.ws, abs) != NULL);
  nl_ws_names(f.ws, &rows2, &pool, NULL);
  ASSERT(rows2 > rows1);
  json_decref(linked);
  same_as_full(&f, doc, abs, "typing");
  fixture_done(&f);
}

/* The frontmatter of lines an edit left alone is the earlier parse's: given a parse whose
 * frontmatter differs (which an honest caller never gives), that is the one kept. */
static void test_frontmatter_taken_from_prev(void) {
  const char *a = "---\ntitle: Before\n---\nbody\n", *b = "---\ntitle: After!\n---\nbody 2\n";
  nl_note *prev = nl_note_parse(a, strlen(a));
  nl_note_edit body = {strlen("---\ntitle: After!\n---\nbody"), 2, NULL, NULL, 0, 0};
  nl_note_edit fence = {strlen("---\ntitle: After!\n--"), 2, NULL, NULL, 0, 0}; /* the fence line changed */
  nl_note *kept = nl_note_parse_ex(b, strlen(b), prev, &body);
  nl_note *fresh = nl_note_parse_ex(b, strlen(b), prev, &fence);
  ASSERT(prev != NULL && kept != NULL && fresh != NULL);
  ASSERT_STR_EQ(kept->title->text, "Before");
  ASSERT_STR_EQ(fresh->title->text, "After!");
  nl_note_free(prev);
  nl_note_free(kept);
  nl_note_free(fresh);
}

/* ---- each rule alone ----------------------------------------------------------------------
 * The random tests above check that the parse and the diagnostics stay right; some rules are
 * backed there by others (or only ever make the answer more careful), so disabling one alone
 * would fail none of them. Each case below is decided by one rule: disabling that rule changes
 * its answer. */

/* Whether the leaf blocks of the parse of `blocks_of` hold (nl_note_blocks_hold) for `text`,
 * which an edit after its first `head` bytes (SIZE_MAX: as many as the two texts share) and
 * before the last bytes the two share made. A case whose bytes before `head` differ gives the
 * function blocks that are not those of the text's line, which it must not trust. */
static int blocks_hold(const char *blocks_of, const char *text, size_t head) {
  size_t m = strlen(blocks_of), n = strlen(text), tail = 0, shared = 0;
  if (head == SIZE_MAX)
    for (head = 0; head < m && head < n && blocks_of[head] == text[head]; head++) shared++;
  while (tail < m - shared && tail < n - head && blocks_of[m - 1 - tail] == text[n - 1 - tail])
    tail++;
  nl_note_blocks bl = {0};
  nl_note_edit whole = {0, 0, &bl, NULL, 0, 0};
  nl_note *prev = nl_note_parse_ex(blocks_of, m, NULL, &whole);
  nl_lines l;
  if (prev == NULL || !bl.valid || nl_lines_init(&l, text, n) != 0) return -1;
  nl_note_edit edit = {head, tail, NULL, NULL, 0, 0};
  int held = nl_note_blocks_hold(&bl, &l, bl.body_line, &edit, prev->n_lines);
  nl_lines_free(&l);
  nl_note_free(prev);
  nl_note_blocks_free(&bl);
  return held;
}

static const struct {
  const char *rule, *blocks_of, *text;
  size_t head;
  int holds;
} hold_cases[] = {
    {"an edit inside a paragraph's line", "foo bar\nbaz\n", "foo bar!\nbaz\n", SIZE_MAX, 1},
    {"the same line count", "a\nb\n", "ab\n", SIZE_MAX, 0},
    {"an edit inside one line", "foo\nbar\n", "fo\n# r\n", SIZE_MAX, 0},
    {"one block claims the line", "> ```\nfoo\n", "> ```\nfoox\n", SIZE_MAX, 0},
    {"a block claims the line", "foo\n\nbar\n", "foo\nx\nbar\n", SIZE_MAX, 0},
    {"no code block", "```\nfoo\n```\n", "```\nfoox\n```\n", SIZE_MAX, 0},
    /* headings */
    {"a heading's '#'s before the edit", "## a\n", "# a\n", SIZE_MAX, 0},
    {"a blank after a heading's '#'s", "# a\n", "#a bx\n", 4, 0},
    {"at most six '#'s", "# a\n", "####### ax\n", 9, 0},
    {"a heading's text typed", "## a\n", "## ab\n", SIZE_MAX, 1},
    /* the first character */
    {"the first character before the edit", "foo\n===\n", "foo\na===\n", SIZE_MAX, 0},
    {"a letter first", "foo\n", "foox\n", SIZE_MAX, 1},
    {"a byte of UTF-8 first", "\xc3\xa9" "a\n", "\xc3\xa9" "ax\n", SIZE_MAX, 1},
    {"punctuation first", "(a)\n", "(a)x\n", SIZE_MAX, 1},
    {"'<' first", "<b> a\n", "<b> ab\n", SIZE_MAX, 0},
    {"'[' on a later line", "a\n[b\n", "a\n[bx\n", SIZE_MAX, 1},
    {"'[' opening a paragraph", "[b c\n", "[b cx\n", SIZE_MAX, 0},
    {"']' closing a task marker", "[ab c\n", "[ab cx\n", SIZE_MAX, 0},
    {"no '[' inside a task marker", "[[] c\n", "[[] cx\n", SIZE_MAX, 0},
    {"a proposed task's marker", "[ ?] a\n", "[ ?] ax\n", SIZE_MAX, 1},
    {"a task marker before the edit", "[y] a\n", "[x] a\n", SIZE_MAX, 0},
    {"a tag's '#'s before the edit", "#a\n", "#b\n", SIZE_MAX, 0},
    {"a tag, not '#'s and a blank", "####### a\n", "####### ab\n", SIZE_MAX, 0},
    {"digits before the edit", "12\n", "123\n", SIZE_MAX, 0},
    {"a number, not a list marker", "12.5 x\n", "12.5 xy\n", SIZE_MAX, 1},
    {"the character after '1.' before the edit", "1.a\n", "1.b\n", SIZE_MAX, 0},
    {"')' after digits", "a\n1)\n", "a\n1)x\n", SIZE_MAX, 0},
    {"'_' and a blank", "_ a\n", "_ ab\n", SIZE_MAX, 0},
    {"'**' and a word", "**b** c\n", "**b** cd\n", SIZE_MAX, 1},
    {"a blank between '='s", "foo\n== =\n", "foo\n== =x\n", SIZE_MAX, 0},
    {"a setext underline", "foo\n---\n", "foo\n---x\n", SIZE_MAX, 0},
    /* a later line */
    {"a first line opened by '['", "[a b\nc\n", "[a b\ncd\n", SIZE_MAX, 0},
    {"a first line opened by a task marker", "[x] a\nc\n", "[x] a\ncd\n", SIZE_MAX, 1},
    /* containers */
    {"blanks", "  foo\n", "  foox\n", SIZE_MAX, 1},
    {"a block quote", "> foo\n", "> foox\n", SIZE_MAX, 1},
    {"a bullet", "- foo\n", "- foox\n", SIZE_MAX, 1},
    {"'-' without a blank is no bullet", "-#\n", "-#x\n", SIZE_MAX, 1},
    {"an ordered marker", "1. foo\n", "1. foox\n", SIZE_MAX, 1},
    {"'1.' without a blank is no marker", "1.#\n", "1.#x\n", SIZE_MAX, 1},
    {"at most nine digits in a marker", "1234567890. a\n", "1234567890. ab\n", SIZE_MAX, 0},
    {"a digit in a marker", ". #\n", ". #x\n", SIZE_MAX, 1},
};

static void test_each_block_rule(void) {
  for (size_t i = 0; i < sizeof hold_cases / sizeof *hold_cases; i++) {
    int held = blocks_hold(hold_cases[i].blocks_of, hold_cases[i].text, hold_cases[i].head);
    if (held != hold_cases[i].holds)
      fprintf(stderr, "rule \"%s\": %s -> %s\n", hold_cases[i].rule, hold_cases[i].blocks_of,
              hold_cases[i].text);
    ASSERT_EQ(held, hold_cases[i].holds);
  }
  /* What the caller says of the blocks and the edit (an edit past the text's end). */
  const char *t = "foo";
  nl_note_blocks bl = {0};
  nl_note_edit whole = {0, 0, &bl, NULL, 0, 0};
  nl_note *prev = nl_note_parse_ex(t, strlen(t), NULL, &whole);
  nl_lines l;
  ASSERT(prev != NULL && bl.valid && nl_lines_init(&l, t, strlen(t)) == 0);
  nl_note_edit same = {SIZE_MAX, SIZE_MAX, NULL, NULL, 0, 0}, past = {5, 0, NULL, NULL, 0, 0};
  ASSERT_EQ(nl_note_blocks_hold(&bl, &l, 0, &same, prev->n_lines), 1);
  ASSERT_EQ(nl_note_blocks_hold(&bl, &l, 0, &past, prev->n_lines), 0);
  ASSERT_EQ(nl_note_blocks_hold(&bl, &l, 1, &same, prev->n_lines), 0); /* another body start */
  bl.valid = 0;
  ASSERT_EQ(nl_note_blocks_hold(&bl, &l, 0, &same, prev->n_lines), 0);
  nl_lines_free(&l);
  nl_note_free(prev);
  nl_note_blocks_free(&bl);
}

/* nl_diag_same_but_line of the parses of a and b for `line`. */
static int same_but_line(const char *a, const char *b, uint32_t line) {
  nl_note *x = nl_note_parse(a, strlen(a)), *y = nl_note_parse(b, strlen(b));
  int same = x != NULL && y != NULL ? nl_diag_same_but_line(x, y, line) : -1;
  nl_note_free(x);
  nl_note_free(y);
  return same;
}

static const struct {
  const char *rule, *a, *b;
  uint32_t line;
  int same;
} same_cases[] = {
    {"only the line differs", "[[A]] @Ana `c`\n- [ ] t\n", "[[A]] @Ana `c`\n- [ ] t [[B]]\n", 1, 1},
    {"the same line count", "x\n", "x\ny\n", 0, 0},
    {"frontmatter in both or neither", "---\nt: 1\n--\nx\n", "---\nt: 1\n---\nx\n", 3, 0},
    {"the frontmatter's last line", "---\nt: 1\n---\nx\ny\n", "---\nt: 1\nu: 2\n---\ny\n", 4, 0},
    {"the line below the frontmatter", "---\nt: 1\n---\nx\n", "---\nt: 2\n---\nx\n", 1, 0},
    {"a link's target", "[[A]]\nx\n", "[[B]]\nx\n", 1, 0},
    {"a link's heading", "[[A#h]]\nx\n", "[[A#g]]\nx\n", 1, 0},
    {"a link's text", "[[A|h]]\nx\n", "[[A|g]]\nx\n", 1, 0},
    {"a link's place", "[[A]] \nx\n", " [[A]]\nx\n", 1, 0},
    {"a link's end", "[[A]]\nx\n", "[[A ]]\nx\n", 1, 0},
    {"as many links", "[[A]]\nx\n", "[[A]] [[B]]\nx\n", 1, 0},
    {"no link across the line", "[x\ny](A.md)\n", "[x\ny](A.md)\n", 1, 0},
    {"a mention's name", "@Ana\nx\n", "@Bob\nx\n", 1, 0},
    {"a mention's place", "@Ana \nx\n", " @Ana\nx\n", 1, 0},
    {"a task's status", "- [ ] a\nx\n", "- [x] a\nx\n", 1, 0},
    {"a task's date", "- [ ] a \xf0\x9f\x93\x85 2025-01-01\nx\n",
     "- [ ] a \xf0\x9f\x93\x85 2025-01-02\nx\n", 1, 0},
    {"a code span's place", "`a`\nx\n", "`ab`\nx\n", 1, 0},
    {"as many code spans", "`a`\nx\n", "`a` `b`\nx\n", 1, 0},
    {"code spans on the line", "x\n`c`\n", "x\n`c` `d`\n", 1, 1},
};

static void test_each_same_but_line_rule(void) {
  for (size_t i = 0; i < sizeof same_cases / sizeof *same_cases; i++) {
    int same = same_but_line(same_cases[i].a, same_cases[i].b, same_cases[i].line);
    if (same != same_cases[i].same)
      fprintf(stderr, "rule \"%s\": %s | %s\n", same_cases[i].rule, same_cases[i].a,
              same_cases[i].b);
    ASSERT_EQ(same, same_cases[i].same);
  }
}

int main(void) {
  uv_loop_init(&loop);
  cfg = nl_config_new();
  caps.related_info = 1;
  write_vault();
  RUN(test_frontmatter_taken_from_prev);
  RUN(test_typing_swaps_in);
  RUN(test_random_edits_lf);
  RUN(test_random_edits_crlf);
  RUN(test_random_typing);
  RUN(test_every_key_in_every_line);
  RUN(test_every_key_in_random_notes);
  RUN(test_each_block_rule);
  RUN(test_each_same_but_line_rule);
  nl_config_free(cfg);
  uv_loop_close(&loop);
  return NL_TEST_DONE();
}
