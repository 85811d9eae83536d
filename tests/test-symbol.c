/* workspace/symbol with a memo (nl_memo: a query typed on from the last one looks only at the
 * notes that matched it) answers exactly what a full pass answers: the same symbols in the same
 * order, as queries grow, shrink, change case, cross a non-ASCII character and the index
 * changes between them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <uv.h>

#include "lsp/base/fuzzy.h"
#include "lsp/index/config.h"
#include "lsp/client/context.h"
#include "lsp/client/document.h"
#include "lsp/features/features.h"
#include "protocol/lsp_types.h"
#include "lsp/index/workspace.h"
#include "test.h"

#include "fixture.h"

static json_t *symbols(const nl_ctx *ctx, const char *query) {
  json_t *params = json_pack("{s:s}", "query", query), *result = NULL;
  char err[256] = "";
  int rc = nl_ctx_result_tree(nl_feature_workspace_symbol(ctx, params, &result, err, sizeof err),
                              &result);
  json_decref(params);
  if (rc != 0) fprintf(stderr, "workspace/symbol failed: %s\n", err);
  return result;
}

/* Asks `query` with the memo and without: the number of symbols when the answers are equal,
 * (size_t)-1 (printing both) when they differ. */
static size_t same_answer(const nl_ctx *with, const nl_ctx *without, const char *query) {
  json_t *a = symbols(with, query), *b = symbols(without, query);
  size_t n = json_array_size(a);
  if (!json_equal(a, b)) {
    char *sa = json_dumps(a, JSON_COMPACT), *sb = json_dumps(b, JSON_COMPACT);
    fprintf(stderr, "query \"%s\":\n  with the memo: %.600s\n  full pass:     %.600s\n", query,
            sa ? sa : "?", sb ? sb : "?");
    free(sa);
    free(sb);
    n = (size_t)-1;
  }
  json_decref(a);
  json_decref(b);
  return n;
}

/* Indexes the vault in dir into f: `with` asks with a memo (new), `without` without one. */
static void open_pair(fixture *f, const char *dir, nl_ctx *with, nl_ctx *without) {
  ASSERT_EQ(fixture_init(f, dir, NL_ENC_UTF16), 0);
  *with = *without = f->ctx;
  with->memo = nl_memo_new();
  without->memo = NULL;
}

/* Frees what open_pair made and removes the vault. */
static void close_pair(fixture *f, nl_ctx *with, const char *dir) {
  nl_memo_free(with->memo);
  fixture_done(f);
  char cmd[4200];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  ASSERT_EQ(system(cmd), 0);
}

static void test_memo_answers_as_a_full_pass(void) {
  char dir[] = "/tmp/nl-symbol-XXXXXX";
  ASSERT(mkdtemp(dir) != NULL);
  unsigned seed = 7;
  for (int i = 0; i < 600; i++) {
    char name[128], heading[128], rel[160], text[512];
    fixture_name(&seed, name, sizeof name);
    fixture_name(&seed, heading, sizeof heading);
    snprintf(rel, sizeof rel, "%s %d.md", name, i);
    snprintf(text, sizeof text, "# %s\n\n## %s\n\n## Notes %d\n", name, heading, i);
    ASSERT_EQ(write_file(dir, rel, text), 0);
  }
  ASSERT_EQ(write_file(dir, "Here.md", "# Here\n"), 0);
  fixture f;
  nl_ctx with, without;
  open_pair(&f, dir, &with, &without);
  ASSERT(with.memo != NULL);
  const char *typed[] = {"", "q", "qu", "que", "quen", "quent", "quent", "quen", "Qu", "Quen",
                         "Quent", "Quentin", "Quentin ", "Quentin O", "Quentin Ok", "Q", "Qé",
                         "Qén", "R", "Ré", "Rént", "ö", "ök", "öka", "zzzz", "zzzz"};
  for (size_t i = 0; i < sizeof typed / sizeof *typed; i++)
    ASSERT(same_answer(&with, &without, typed[i]) != (size_t)-1);
  /* Not vacuous: short queries fill the list (cut at 200), long ones narrow it. */
  ASSERT_EQ(same_answer(&with, &without, "q"), 200);
  ASSERT_EQ(same_answer(&with, &without, "que"), 200);
  size_t n = same_answer(&with, &without, "Quentin");
  ASSERT(n > 0 && n < 200);
  ASSERT_EQ(same_answer(&with, &without, "zzzz"), 0);
  ASSERT(same_answer(&with, &without, "Qén") > 0);
  /* The index changes between two keystrokes: a note now has a heading that matches. */
  ASSERT(same_answer(&with, &without, "Quen") != (size_t)-1);
  ASSERT(open_note(&f, "Here.md", "# Here\n\n## Quentessential\n", NULL) != NULL);
  ASSERT(same_answer(&with, &without, "Quent") != (size_t)-1);
  ASSERT_EQ(same_answer(&with, &without, "Quentess"), 1);
  /* The same query again with nothing changed (the memo's last answer), then after a note
   * gains a heading that the query matches exactly, then after that note is removed: each
   * time the full pass's answer, not the one kept. */
  ASSERT_EQ(same_answer(&with, &without, "que"), 200);
  ASSERT_EQ(same_answer(&with, &without, "que"), 200);
  ASSERT(open_note(&f, "Here.md", "# Here\n\n## Que\n", NULL) != NULL);
  json_t *first = symbols(&with, "que");
  ASSERT_STR_EQ(json_string_value(json_object_get(json_array_get(first, 0), "name")), "Que");
  json_decref(first);
  ASSERT_EQ(same_answer(&with, &without, "que"), 200);
  char here[4200];
  snprintf(here, sizeof here, "%s/Here.md", nl_ws_root(f.ws, 0));
  ASSERT_EQ(nl_ws_remove(f.ws, here), 0);
  first = symbols(&with, "que");
  ASSERT(strcmp(json_string_value(json_object_get(json_array_get(first, 0), "name")), "Que") != 0);
  json_decref(first);
  ASSERT_EQ(same_answer(&with, &without, "que"), 200);
  nl_memo_free(NULL);
  close_pair(&f, &with, dir);
}


/* ---- a reference: every note's strings scored in full, no table, no bound ---------------- */

typedef struct {
  uint64_t rank;
  uint32_t id, sub;
} ref_hit;

static int ref_better(const void *a, const void *b) {
  const ref_hit *x = a, *y = b;
  if (x->rank != y->rank) return x->rank > y->rank ? -1 : 1;
  if (x->id != y->id) return x->id < y->id ? -1 : 1;
  return x->sub < y->sub ? -1 : x->sub > y->sub;
}

static uint64_t ref_rank(int score, const nl_entry *e, int is_note) {
  uint64_t seq = e->seq < (1ull << 30) - 1 ? e->seq : (1ull << 30) - 1;
  int party = e->kind == NL_KIND_PERSON || e->kind == NL_KIND_ACCOUNT;
  return (uint64_t)score << 32 | (uint64_t)party << 31 | (uint64_t)is_note << 30 | seq;
}

static int ref_score(const char *query, const char *s) {
  return nl_fuzzy_score(query, strlen(query), s, strlen(s));
}

/* Whether a symbol's kind, location and container are what the note says, as the tree of
 * JSON values before the answer was written as text had them. */
static int same_details(const nl_ctx *ctx, const nl_entry *e, uint32_t sub, const json_t *sym) {
  int party = e->kind == NL_KIND_PERSON || e->kind == NL_KIND_ACCOUNT;
  int kind = sub != 0 ? 15 : party ? 5 : 1;
  json_t *loc = sub != 0 ? nl_ctx_location_json(ctx, e, nl_heading_range(
                                                            &e->note->headings[sub - NL_WS_SYMBOL_HEADING]))
                         : nl_lsp_location_json(e->uri, 0, 0, 0, 0);
  const char *container = json_string_value(json_object_get(sym, "containerName"));
  const char *slash = strrchr(e->rel, '/');
  int ok = json_integer_value(json_object_get(sym, "kind")) == kind &&
           json_equal(loc, json_object_get(sym, "location")) &&
           (sub != 0 ? container != NULL &&
                           nl_ws_same_name(container, strlen(container), e->name, strlen(e->name))
            : slash == NULL ? container == NULL
                            : container != NULL && strlen(container) == (size_t)(slash - e->rel) &&
                                  strncmp(container, e->rel, strlen(container)) == 0);
  json_decref(loc);
  return ok;
}

/* What workspace/symbol answers, computed the slow way: each note once (the best of its file
 * name, title and aliases), each heading but an H1 that names the note again; the best 200.
 * Compared with the answer by name, kind and location. 1 when they agree. */
static int matches_reference(const nl_ctx *ctx, const char *query, const json_t *answer) {
  size_t cap = 1024, n = 0;
  ref_hit *hits = malloc(cap * sizeof *hits);
  for (uint32_t id = 0; id < nl_ws_id_limit(ctx->ws); id++) {
    const nl_entry *e = nl_ws_get(ctx->ws, id);
    if (e == NULL) continue;
    const nl_note *note = e->note;
    const char *title = note->title != NULL ? note->title->text : NULL;
    int best = ref_score(query, e->name);
    if (title != NULL && ref_score(query, title) > best) best = ref_score(query, title);
    for (size_t i = 0; i < note->n_aliases; i++)
      if (ref_score(query, note->aliases[i].text) > best) best = ref_score(query, note->aliases[i].text);
    if (n + note->n_headings + 1 > cap) hits = realloc(hits, (cap = 2 * cap + note->n_headings) * sizeof *hits);
    if (best >= 0) hits[n++] = (ref_hit){ref_rank(best, e, 1), id, 0};
    for (size_t i = 0; i < note->n_headings; i++) {
      const nl_heading *h = &note->headings[i];
      int s = ref_score(query, h->text);
      size_t hl = strlen(h->text);
      if (s < 0 || (h->level == 1 && (nl_ws_same_name(h->text, hl, e->name, strlen(e->name)) ||
                                       (title && nl_ws_same_name(h->text, hl, title, strlen(title))))))
        continue;
      hits[n++] = (ref_hit){ref_rank(s, e, 0), id, NL_WS_SYMBOL_HEADING + (uint32_t)i};
    }
  }
  qsort(hits, n, sizeof *hits, ref_better);
  if (n > 200) n = 200;
  int ok = json_array_size(answer) == n;
  for (size_t i = 0; ok && i < n; i++) {
    const nl_entry *e = nl_ws_get(ctx->ws, hits[i].id);
    const json_t *sym = json_array_get(answer, i);
    const char *name = json_string_value(json_object_get(sym, "name"));
    const json_t *loc = json_object_get(sym, "location");
    const char *uri = json_string_value(json_object_get(loc, "uri"));
    int line = (int)json_integer_value(json_object_get(
        json_object_get(json_object_get(loc, "range"), "start"), "line"));
    const char *want = hits[i].sub == 0 ? e->name
                                        : e->note->headings[hits[i].sub - NL_WS_SYMBOL_HEADING].text;
    int want_line = hits[i].sub == 0 ? 0 : (int)e->note->headings[hits[i].sub - NL_WS_SYMBOL_HEADING].line;
    ok = name != NULL && uri != NULL && strcmp(uri, e->uri) == 0 && line == want_line &&
         nl_ws_same_name(name, strlen(name), want, strlen(want)) &&
         same_details(ctx, e, hits[i].sub, sym);
    if (!ok)
      fprintf(stderr, "query \"%s\", symbol %zu: answered %s at %s:%d, reference %s at %s:%d\n",
              query, i, name ? name : "?", uri ? uri : "?", line, want, e->uri, want_line);
  }
  if (json_array_size(answer) != n)
    fprintf(stderr, "query \"%s\": %zu symbols, reference %zu\n", query, json_array_size(answer), n);
  free(hits);
  return ok;
}

/* Asks each query with the memo as typed, and checks it and a fresh pass without the memo
 * against the reference. */
static void check_typed(const nl_ctx *with, const nl_ctx *without, const char *const *typed,
                        size_t n) {
  for (size_t i = 0; i < n; i++) {
    json_t *a = symbols(with, typed[i]), *b = symbols(without, typed[i]);
    ASSERT(matches_reference(without, typed[i], a));
    ASSERT(json_equal(a, b));
    json_decref(a);
    json_decref(b);
  }
}

static const char *const typed_queries[] = {
    "", "q", "qu", "que", "quen", "quent", "Q", "Qu", "Que", "Quen", "Quent", "Quentin",
    "Quentin ", "Quentin O", "okafor", "o", "ok", "oka", "e", "me", "Qé", "Qén", "ö", "ök",
    "Ré", "lon", "lonE", "zzzz", "Notes", "n", "no", "not", "a b", "2", "12", "x-y", "Q_",
    /* Mostly scattered matches, fewer than a list: */
    "u", "ue", "uet", "uetn", "x", "xe", "xen", "xent", "nti", "ntio", "tka", "akaf"};

/* The symbol table answers what the notes hold, as they are added, edited (titles, aliases,
 * headings, H1s that name the note), renamed and removed, and after the table drops its dead
 * rows: each answer, with the memo as a query is typed and without it, is the reference's. */
static void test_table_answers_as_the_notes(void) {
  char dir[] = "/tmp/nl-symbol-XXXXXX";
  ASSERT_EQ(fixture_vault_dir(dir), 0);
  unsigned seed = 11;
  for (int i = 0; i < 400; i++) {
    char name[128], heading[128], alias[128], rel[200], text[1400];
    fixture_name(&seed, name, sizeof name);
    fixture_name(&seed, heading, sizeof heading);
    fixture_name(&seed, alias, sizeof alias);
    snprintf(rel, sizeof rel, "%s%s %d.md", i % 7 == 0 ? "People/" : "", name, i);
    if (i % 3 == 0)
      snprintf(text, sizeof text,
               "---\ntitle: %s title\naliases: [%s, Q%d]\n---\n# %s title\n\n## %s\n\n## Notes\n",
               name, alias, i, name, heading);
    else if (i % 3 == 1)
      /* A long heading (over 128 bytes) with the letters far apart; an H1 in other case. */
      snprintf(text, sizeof text,
               "# %s %d\n\n## %s qxxxxxxxxxxxxxxxxxxxxxxxxxxxxxuxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
               "xxxxxxxxxxxxxxxxxxxxxxxxxxxxexxxxxxxxxxxxxxxxxxnxxxxxxxxxxxxxxxxxxxxxt end\n\n"
               "## Notes %d\n# Again %s\n", name, i, heading, i, alias);
    else
      /* Quotes, a backslash and a tab, which the answer's JSON text escapes. */
      snprintf(text, sizeof text, "# %s\n\n## %s\n\n## Notes\n\n### x-y \"12\" Q_\\\t%s\n", heading,
               name, alias);
    ASSERT_EQ(write_file(dir, rel, text), 0);
  }
  fixture f;
  nl_ctx with, without;
  open_pair(&f, dir, &with, &without);
  size_t nq = sizeof typed_queries / sizeof *typed_queries;
  check_typed(&with, &without, typed_queries, nq);
  char abs[4096], text[512];
  for (int round = 0; round < 30; round++) {
    /* Adds, edits, renames and removes between queries. */
    snprintf(abs, sizeof abs, "%s/Added %d Quentin.md", dir, round);
    snprintf(text, sizeof text, "---\naliases: [Okafor %d]\n---\n# Quest %d\n## Quent %d\n", round,
             round, round);
    ASSERT(nl_ws_update(f.ws, abs, text, strlen(text), 0) != NULL);
    for (uint32_t id = (uint32_t)round; id < nl_ws_id_limit(f.ws); id += 9) {
      nl_entry *e = nl_ws_get(f.ws, id);
      if (e == NULL) continue;
      snprintf(abs, sizeof abs, "%s", e->abs);
      snprintf(text, sizeof text, "---\ntitle: Edited %d %s\n---\n# %s\n## Quen %d t\n",
               round, e->name, e->name, round);
      ASSERT(nl_ws_update(f.ws, abs, text, strlen(text), 0) != NULL);
    }
    nl_entry *gone = nl_ws_get(f.ws, (uint32_t)(round * 7 + 3));
    if (gone != NULL) {
      /* Renamed: the old path goes, the new one comes with the same text. */
      char old[4096], moved[4096];
      snprintf(old, sizeof old, "%s", gone->abs);
      snprintf(moved, sizeof moved, "%s/Renamed %d Que.md", dir, round);
      snprintf(text, sizeof text, "# Renamed %d\n## Okafor\n", round);
      ASSERT_EQ(nl_ws_remove(f.ws, old), 0);
      ASSERT(nl_ws_update(f.ws, moved, text, strlen(text), 0) != NULL);
    }
    nl_entry *drop = nl_ws_get(f.ws, (uint32_t)(round * 11 + 5));
    if (drop != NULL) {
      snprintf(abs, sizeof abs, "%s", drop->abs);
      ASSERT_EQ(nl_ws_remove(f.ws, abs), 0);
    }
    const char *some[] = {"Q", "Qu", "Que", "Quen", "Quent", "okafor", "e", "Edited", "n"};
    if (round % 5 == 0) check_typed(&with, &without, some, sizeof some / sizeof *some);
    char err[256];
    ASSERT_EQ(nl_ws_check(f.ws, err, sizeof err), 0);
  }
  check_typed(&with, &without, typed_queries, nq);
  close_pair(&f, &with, dir);
}

/* A query with a few matches at word starts and more only scattered, fewer than a list in all:
 * the scattered ones are in the answer too (the pass offers them after the word-start ones
 * unless the list is full of better ones). */
static void test_scattered_after_word_starts(void) {
  char dir[] = "/tmp/nl-symbol-XXXXXX";
  ASSERT_EQ(fixture_vault_dir(dir), 0);
  /* "qn": "Quarterly Notes" at word starts, "aqua lane" only scattered. */
  ASSERT_EQ(write_file(dir, "Quarterly Notes.md", "# Quarterly Notes\n"), 0);
  ASSERT_EQ(write_file(dir, "Quiet Night.md", "## Queue names\n"), 0);
  for (int i = 0; i < 30; i++) {
    char rel[64], text[128];
    snprintf(rel, sizeof rel, "aqua lane %d.md", i);
    snprintf(text, sizeof text, "## liquid %d many\n", i);
    ASSERT_EQ(write_file(dir, rel, text), 0);
  }
  fixture f;
  nl_ctx with, without;
  open_pair(&f, dir, &with, &without);
  const char *typed[] = {"q", "qn", "Q", "QN"};
  check_typed(&with, &without, typed, sizeof typed / sizeof *typed);
  json_t *a = symbols(&without, "qn");
  ASSERT_EQ(json_array_size(a), 3 + 60); /* 3 at word starts, 30 names and 30 headings scattered */
  json_decref(a);
  close_pair(&f, &with, dir);
}

/* Strings longer than a row's 16-bit length (a heading and a title of 70,000 bytes) are
 * scored, ranked and copied into the memo by their whole length, as the reference scores
 * them, as a query is typed on. */
static void test_strings_past_a_rows_length(void) {
  char dir[] = "/tmp/nl-symbol-XXXXXX";
  ASSERT_EQ(fixture_vault_dir(dir), 0);
  size_t long_len = 70000;
  char *text = malloc(2 * long_len + 200);
  ASSERT(text != NULL);
  size_t at = (size_t)sprintf(text, "---\ntitle: Qu ");
  memset(text + at, 'e', long_len);
  at += long_len;
  at += (size_t)sprintf(text + at, " nt\n---\n## Quentin ");
  memset(text + at, 'o', long_len);
  at += long_len;
  sprintf(text + at, " kafor\n\n## Quentin Okafor\n");
  ASSERT_EQ(write_file(dir, "Long.md", text), 0);
  free(text);
  ASSERT_EQ(write_file(dir, "Quentin Okafor.md", "## Quiet\n"), 0);
  ASSERT_EQ(write_file(dir, "Quarterly.md", "## Queue entries\n"), 0);
  fixture f;
  nl_ctx with, without;
  open_pair(&f, dir, &with, &without);
  const char *typed[] = {"q", "qu", "que", "quen", "quent", "quentin", "quentino", "quentinok",
                         "Q", "Qe", "Qent", "okafor", "z"};
  check_typed(&with, &without, typed, sizeof typed / sizeof *typed);
  json_t *a = symbols(&without, "quentinok");
  ASSERT_EQ(json_array_size(a), 3); /* the long heading, the short one, the note */
  json_decref(a);
  close_pair(&f, &with, dir);
}

int main(void) {
  uv_loop_init(&loop);
  cfg = nl_config_new();
  RUN(test_memo_answers_as_a_full_pass);
  RUN(test_table_answers_as_the_notes);
  RUN(test_scattered_after_word_starts);
  RUN(test_strings_past_a_rows_length);
  nl_config_free(cfg);
  uv_loop_close(&loop);
  return NL_TEST_DONE();
}
