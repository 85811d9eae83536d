/* textDocument/references on a real index of tests/vault-example: links to a note, to one of
 * its headings, @mentions of a person, tag uses, the note itself from plain text, and the
 * declaration first when asked. Locations are checked by file and by the text they cover. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "lsp/index/config.h"
#include "lsp/features/features.h"
#include "protocol/lsp_types.h"
#include "protocol/rpc.h"
#include "test.h"

#include "fixture.h"

#define KICKOFF "Meetings/2025-11-06 - Storage pilot kickoff with Contoso.md"

/* Opens `rel` with its text on disk and returns the UTF-16 position of the first `needle`
 * (plus `into` bytes). */
static const char *open_at(fixture *f, const char *rel, const char *needle, size_t into,
                           uint32_t *line, uint32_t *character) {
  const char *uri = open_note(f, rel, NULL, NULL);
  nl_doc *doc = uri ? nl_docs_get(f->docs, uri) : NULL;
  const char *hit = doc ? strstr(doc->text, needle) : NULL;
  if (hit == NULL) return NULL;
  size_t off = (size_t)(hit - doc->text) + into;
  nl_lines_position(&doc->lines, NL_ENC_UTF16, off, line, character);
  return uri;
}

static json_t *references(fixture *f, const char *uri, uint32_t line, uint32_t character,
                          int declaration) {
  json_t *params = json_pack("{s:{s:s},s:{s:i,s:i},s:{s:b}}", "textDocument", "uri", uri,
                             "position", "line", line, "character", character, "context",
                             "includeDeclaration", declaration);
  json_t *result = NULL;
  char err[256];
  int rc = nl_ctx_result_tree(nl_feature_references(&f->ctx, params, &result, err, sizeof err),
                              &result);
  json_decref(params);
  if (rc != 0) fprintf(stderr, "references failed: %s\n", err);
  return result;
}

/* The text a Location (UTF-16 columns) covers, read from the vault on disk; new. */
static char *covered(const json_t *loc) {
  char *path = nl_uri_to_path(json_string_value(json_object_get(loc, "uri")));
  size_t len = 0;
  char *text = path ? read_file(path, &len) : NULL;
  free(path);
  if (text == NULL) return NULL;
  const json_t *r = json_object_get(loc, "range");
  json_int_t l = json_integer_value(json_object_get(json_object_get(r, "start"), "line"));
  json_int_t c1 = json_integer_value(json_object_get(json_object_get(r, "start"), "character"));
  json_int_t c2 = json_integer_value(json_object_get(json_object_get(r, "end"), "character"));
  char *p = text;
  for (json_int_t i = 0; i < l && p != NULL; i++) {
    p = strchr(p, '\n');
    if (p != NULL) p++;
  }
  char *out = NULL;
  if (p != NULL) {
    size_t n = strcspn(p, "\r\n");
    size_t b1 = nl_col_from_units(p, n, (uint32_t)c1, NL_ENC_UTF16);
    size_t b2 = nl_col_from_units(p, n, (uint32_t)c2, NL_ENC_UTF16);
    out = strndup(p + b1, b2 - b1);
  }
  free(text);
  return out;
}

/* How many locations are in file `rel` covering exactly `text` (NULL: any text). */
static int count(const json_t *locs, const char *rel, const char *text) {
  int n = 0;
  size_t i;
  const json_t *loc;
  json_array_foreach(locs, i, loc) {
    const char *uri = json_string_value(json_object_get(loc, "uri"));
    char *path = nl_uri_to_path(uri);
    size_t pl = path ? strlen(path) : 0, rl = strlen(rel);
    int same = path && pl >= rl && strcmp(path + pl - rl, rel) == 0;
    free(path);
    if (!same) continue;
    char *got = covered(loc);
    n += text == NULL || (got != NULL && strcmp(got, text) == 0);
    free(got);
  }
  return n;
}

/* A location written as text is the JSON nl_ctx_location_json gives, byte for byte, for
 * every link of a note (open and not) and with a URI that JSON must escape. */
static void test_location_text_is_location_json(void) {
  fixture f;
  ASSERT_EQ(fixture_init(&f, NL_TEST_VAULT, NL_ENC_UTF16), 0);
  const char *open = open_note(&f, KICKOFF, NULL, NULL);
  ASSERT(open != NULL);
  for (int pass = 0; pass < 3; pass++) {
    nl_entry e = *nl_ws_by_uri(f.ctx.ws, open);
    if (pass == 1) e = *nl_ws_by_path(f.ctx.ws, NL_TEST_VAULT "/People/Ana Ruiz.md");
    if (pass == 2) e.uri = "file:///q\"uo\\te\x01\x1f\t\n\x0b\r\b\f/Zo\xC3\xAB.md";
    ASSERT(e.note->n_links > 0);
    for (size_t i = 0; i < e.note->n_links; i++) {
      json_t *want = nl_ctx_location_json(&f.ctx, &e, nl_link_range(&e.note->links[i]));
      char *want_text = json_dumps(want, JSON_COMPACT);
      nl_buf b = NL_BUF_INIT;
      nl_ctx_location_text(&f.ctx, &b, &e, nl_link_range(&e.note->links[i]));
      ASSERT_STR_EQ(b.s, want_text);
      nl_buf_free(&b);
      free(want_text);
      json_decref(want);
    }
  }
  fixture_done(&f);
}

/* What a search finds: links, mentions, frontmatter names, account tags. */
enum { LINKS, MENTIONS, FM_NAMES, ACCOUNT_TAGS, N_SEARCHES };
static const char *const search_names[] = {"links", "mentions", "frontmatter names",
                                           "account tags"};

static ptrdiff_t search(const nl_workspace *ws, const nl_entry *t, int what, nl_ref **out) {
  switch (what) {
  case LINKS: return nl_ws_backlinks(ws, t, out);
  case MENTIONS: return nl_ws_mentions_of(ws, t, out);
  case FM_NAMES: return nl_ws_fm_refs_of(ws, t, out);
  default: return nl_ws_account_tags_of(ws, t, out);
  }
}

/* Item i of e's links (mentions...) resolved afresh, as the index's resolvers say. */
static const nl_entry *resolve_item(const nl_workspace *ws, const nl_entry *e, int what,
                                    const nl_entry *t, size_t i, size_t *len) {
  const nl_note *n = e->note;
  const char *s;
  switch (what) {
  case LINKS:
    return nl_ws_resolve(ws, e, n->links[i].target, strlen(n->links[i].target), NULL);
  case MENTIONS:
    return nl_ws_resolve_mention(ws, e, &n->mentions[i], len);
  case FM_NAMES:
    s = i == 0 ? (n->account ? n->account->text : "") : n->participants[i - 1].text;
    return *s ? nl_ws_resolve_kind(ws, e, t->kind, s, strlen(s)) : NULL;
  default:
    return nl_ws_resolve_account_tag(ws, e, n->tags[i].name, strlen(n->tags[i].name));
  }
}

static size_t n_items(const nl_note *n, int what) {
  return what == LINKS ? n->n_links : what == MENTIONS ? n->n_mentions
         : what == FM_NAMES ? 1 + n->n_participants : n->n_tags;
}

/* Whether the search `what` for t gives exactly the items of the whole vault that resolve to
 * t, each once (and nl_ws_mention_resolved what nl_ws_resolve_mention says). */
static int refs_agree(const nl_workspace *ws, const nl_entry *t, int what) {
  nl_ref *got = NULL;
  ptrdiff_t n = search(ws, t, what, &got);
  int ok = n >= 0;
  size_t want = 0;
  for (uint32_t id = 0; ok && id < nl_ws_id_limit(ws); id++) {
    const nl_entry *e = nl_ws_get(ws, id);
    if (e == NULL) continue;
    for (size_t i = 0; ok && i < n_items(e->note, what); i++) {
      size_t len = 0, memo_len = 0;
      const nl_entry *to = resolve_item(ws, e, what, t, i, &len);
      if (what == MENTIONS &&
          (nl_ws_mention_resolved(ws, e, i, &memo_len) != to || memo_len != len)) {
        fprintf(stderr, "mention %zu of %s: memo differs\n", i, e->rel);
        ok = 0;
      }
      if (to != t) continue;
      want++;
      int found = 0;
      for (ptrdiff_t k = 0; k < n; k++) found += got[k].from == id && got[k].link == i;
      if (found != 1) {
        fprintf(stderr, "%s %zu of %s to %s: found %d times\n", search_names[what], i, e->rel,
                t->rel, found);
        ok = 0;
      }
    }
  }
  if (ok && (size_t)n != want) {
    fprintf(stderr, "%s of %s: %td found, %zu resolve to it\n", search_names[what], t->rel, n,
            want);
    ok = 0;
  }
  free(got);
  return ok;
}

static int all_refs_agree(const nl_workspace *ws) {
  int ok = 1;
  for (uint32_t id = 0; id < nl_ws_id_limit(ws); id++) {
    const nl_entry *t = nl_ws_get(ws, id);
    for (int what = 0; t != NULL && what < N_SEARCHES; what++) ok &= refs_agree(ws, t, what);
  }
  return ok;
}

/* A note of the vault at rel (in memory, as an open document's text) with `text`, or gone
 * (text NULL). */
static void put(fixture *f, const char *rel, const char *text) {
  char abs[4096];
  snprintf(abs, sizeof abs, "%s/%s", nl_ws_root(f->ws, 0), rel);
  if (text == NULL)
    ASSERT_EQ(nl_ws_remove(f->ws, abs), 0);
  else
    ASSERT(nl_ws_update(f->ws, abs, text, strlen(text), 1) != NULL);
}

/* What the searches keep of resolutions (backlinks.c) never changes an answer: every target's
 * links, mentions, frontmatter names and account tags equal a search of the whole vault,
 * asked again after each change that moves a resolution: a note renamed, given an alias or a
 * title, a second note of a name, a link edited, a person with a shorter name, an account's
 * alias, notes removed. */
static void test_references_equal_a_full_search(void) {
  fixture f;
  ASSERT_EQ(fixture_init(&f, NL_TEST_VAULT, NL_ENC_UTF16), 0);
  ASSERT(all_refs_agree(f.ws));
  ASSERT(all_refs_agree(f.ws)); /* from what the first pass kept */
  size_t len = 0;
  char *ana = read_file(NL_TEST_VAULT "/People/Ana Ruiz.md", &len);
  char *kickoff = read_file(NL_TEST_VAULT "/" KICKOFF, &len);
  ASSERT(ana != NULL && kickoff != NULL);
  put(&f, "People/Ana Ruiz.md", NULL); /* renamed */
  put(&f, "People/Ana R.md", ana);
  ASSERT(all_refs_agree(f.ws));
  put(&f, "People/Ana R.md", "---\naliases: [Ana Ruiz, Contoso]\n---\n# Ana\n");
  ASSERT(all_refs_agree(f.ws));
  put(&f, "Archive/Jonas Becker.md", "# Jonas, archived\n"); /* [[Jonas Becker]] now picks */
  ASSERT(all_refs_agree(f.ws));
  put(&f, "Jonas Becker.md", "# Jonas at the root\n");
  ASSERT(all_refs_agree(f.ws));
  char *edited = strdup(kickoff);
  for (char *p = strstr(edited, "[[Contoso]]"); p != NULL; p = strstr(p, "[[Contoso]]"))
    memcpy(p, "[[Apollo]] ", 11);
  put(&f, KICKOFF, edited); /* links edited: the note's seq moves, nothing else */
  ASSERT(all_refs_agree(f.ws));
  put(&f, "People/Jonas.md", "# Jonas\n"); /* "@Jonas Becker" may stop at "Jonas" */
  ASSERT(all_refs_agree(f.ws));
  put(&f, "Accounts/Contoso Two.md", "---\naliases: [Contoso, Fabrikam Group]\n---\n");
  ASSERT(all_refs_agree(f.ws));
  put(&f, "Accounts/Contoso.md", NULL); /* `account: Contoso` and #account/contoso move */
  ASSERT(all_refs_agree(f.ws));
  put(&f, "Projects/Apollo.md", NULL);
  put(&f, "People/Jonas Becker.md", NULL);
  ASSERT(all_refs_agree(f.ws));
  put(&f, KICKOFF, kickoff);
  ASSERT(all_refs_agree(f.ws));
  free(edited);
  free(ana);
  free(kickoff);
  fixture_done(&f);
}

/* ---- the reference maps built on a thread (refs_maps.c) ---------------------------------- */

static int woken;
static void on_wake(void *ud) { woken = 1; }

/* A vault of n notes linking to, mentioning and naming each other, with tags: more than a
 * scan's reference maps are built on the loop thread for. */
static void write_linked_vault(char *dir, int n) {
  ASSERT_EQ(fixture_vault_dir(dir), 0);
  char rel[256], text[2048];
  for (int i = 0; i < n; i++) {
    int a = (i * 7 + 3) % n, b = (i * 13 + 5) % n, p = (i * 11) % 40;
    size_t len = (size_t)snprintf(text, sizeof text,
                                  "---\naccount: Note %d\nparticipants: [Person %d]\n---\n"
                                  "# Note %d\n[[Note %d]] and [[sub/Note %d]], @Person %d said #t%d "
                                  "#account/note-%d\n- [ ] ask @Person %d\n",
                                  a, p, i, a, b, p, i % 9, b, (p + 1) % 40);
    ASSERT(len < sizeof text);
    /* Tags used again (counted once a name with their uses), in some notes more names than
     * that count takes at a time (32), among them those the tests below edit. */
    len += (size_t)snprintf(text + len, sizeof text - len, "- [ ] again #t%d #task\n- [ ] #task\n", i % 9);
    for (int line = 0; i % 50 == 49 && line < 2; line++) {
      for (int t = 0; t < 40; t++) len += (size_t)snprintf(text + len, sizeof text - len, "#m%d ", (t * 7 + line) % 40);
      len += (size_t)snprintf(text + len, sizeof text - len, "\n");
    }
    ASSERT(len < sizeof text);
    snprintf(rel, sizeof rel, "Note %d.md", i);
    ASSERT_EQ(write_file(dir, rel, text), 0);
  }
  for (int p = 0; p < 40; p++) {
    snprintf(rel, sizeof rel, "People/Person %d.md", p);
    snprintf(text, sizeof text, "# Person %d\n[[Note %d]]\n", p, p);
    ASSERT_EQ(write_file(dir, rel, text), 0);
  }
}

/* Scans dir as the server does (a waker, merged in slices) until nothing is left for the loop
 * thread: the reference maps are then being built on their thread. */
static void scan_in_slices(const char *dir, const char *open_first, nl_workspace **out) {
  nl_workspace *ws = *out = nl_ws_new(&loop, cfg);
  int finished = 0;
  ASSERT(ws != NULL && nl_ws_add_root(ws, dir) == 0);
  char abs[4200];
  snprintf(abs, sizeof abs, "%s/Open.md", dir); /* in the maps before the scan defers them */
  ASSERT(open_first == NULL || nl_ws_update(ws, abs, open_first, strlen(open_first), 1) != NULL);
  nl_ws_set_waker(ws, on_wake, NULL);
  ASSERT_EQ(nl_ws_scan(ws, scan_done, &finished), 0);
  while (!finished) {
    uv_run(&loop, UV_RUN_ONCE);
    while (woken && !finished) woken = nl_ws_merge(ws, 1000000);
  }
  while (nl_ws_merge(ws, 1000000)) {
  }
}

typedef struct {
  const nl_workspace *ws;
  int ok;
} tag_check;

/* Each tag's count equals its uses in every note. */
static void tag_counted(void *ud, const char *tag, size_t count) {
  tag_check *c = ud;
  size_t uses = 0;
  for (uint32_t id = 0; id < nl_ws_id_limit(c->ws); id++) {
    const nl_entry *e = nl_ws_get(c->ws, id);
    for (size_t i = 0; e != NULL && i < e->note->n_tags; i++) uses += strcmp(e->note->tags[i].name, tag) == 0;
  }
  if (uses != count) {
    fprintf(stderr, "tag %s: counted %zu, used %zu times\n", tag, count, uses);
    c->ok = 0;
  }
}

static int tags_agree(const nl_workspace *ws) {
  tag_check c = {ws, 1};
  nl_ws_foreach_tag(ws, -1, tag_counted, &c);
  return c.ok;
}

/* The maps a thread builds after the scan answer as a search of the whole vault, whether a
 * search joins the thread, or notes change (in and out of the notes it reads) while it runs
 * and the rest is put in on the loop thread. */
static void test_references_from_maps_built_on_a_thread(void) {
  char dir[] = "/tmp/nl-refs-XXXXXX";
  write_linked_vault(dir, 600);
  nl_workspace *ws;
  const char *edit = "[[Person 3]] #t1 @Person 5\n";
  scan_in_slices(dir, NULL, &ws);
  ASSERT_EQ(nl_ws_count(ws), 640);
  ASSERT(tags_agree(ws)); /* joins the thread */
  ASSERT(all_refs_agree(ws));
  nl_ws_free(ws);

  scan_in_slices(dir, edit, &ws); /* the thread's maps go after the open document's */
  ASSERT(tags_agree(ws));
  ASSERT(all_refs_agree(ws));
  nl_ws_free(ws);

  scan_in_slices(dir, NULL, &ws);
  char abs[4200];
  for (int i = 599; i >= 0; i -= 150) { /* the thread may be anywhere: any point must do */
    snprintf(abs, sizeof abs, "%s/Note %d.md", dir, i);
    ASSERT(nl_ws_update(ws, abs, edit, strlen(edit), 1) != NULL);
  }
  snprintf(abs, sizeof abs, "%s/Note 7.md", dir);
  ASSERT_EQ(nl_ws_remove(ws, abs), 0);
  snprintf(abs, sizeof abs, "%s/New.md", dir);
  ASSERT(nl_ws_update(ws, abs, edit, strlen(edit), 1) != NULL);
  while (nl_ws_merge(ws, 1000000)) {
  }
  ASSERT(all_refs_agree(ws));
  ASSERT(tags_agree(ws));
  nl_ws_free(ws);

  /* New settings keep the reference maps as they are, but for the notes they leave out. */
  scan_in_slices(dir, NULL, &ws);
  nl_config *ignoring = nl_config_copy(cfg);
  json_t *set = json_pack("{s:[s]}", "ignore", "Note 1*.md");
  char err[256];
  ASSERT(ignoring != NULL && nl_config_apply_json(ignoring, set, err, sizeof err) == 0);
  nl_ws_set_config(ws, ignoring);
  ASSERT_EQ(nl_ws_count(ws), 640 - 111); /* Note 1, 10-19, 100-199 */
  ASSERT(all_refs_agree(ws));
  ASSERT(tags_agree(ws));
  nl_ws_free(ws);
  nl_config_free(ignoring);
  json_decref(set);

  scan_in_slices(dir, NULL, &ws); /* freed while the thread may still run */
  nl_ws_free(ws);
  char cmd[4300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  ASSERT_EQ(system(cmd), 0);
}

static void test_links_to_a_note(void) {
  fixture f;
  ASSERT_EQ(fixture_init(&f, NL_TEST_VAULT, NL_ENC_UTF16), 0);
  uint32_t l, c;
  const char *uri = open_at(&f, KICKOFF, "[[Contoso]]", 3, &l, &c);
  ASSERT(uri != NULL);
  json_t *r = references(&f, uri, l, c, 1);
  ASSERT(json_is_array(r));
  /* The declaration first: the top of the account note. */
  json_t *first = json_pack("[O]", json_array_get(r, 0));
  ASSERT_EQ(count(first, "Accounts/Contoso.md", ""), 1);
  json_decref(first);
  ASSERT_EQ(count(r, KICKOFF, "[[Contoso]]"), 2);
  ASSERT_EQ(count(r, "People/Ana Ruiz.md", "[[Contoso]]"), 1);
  ASSERT_EQ(count(r, "People/Jonas Becker.md", "[[Contoso]]"), 1);
  ASSERT_EQ(count(r, "Daily/2025-11-06.md", "[[Contoso]]"), 1);
  ASSERT_EQ(count(r, "Meetings/2025-11-14 - Fabrikam procurement sync.md",
                  "[[Contoso|our other pilot]]"), 1);
  /* Not the fenced code block, not the frontmatter value (a value, not a link). */
  json_decref(r);
  r = references(&f, uri, l, c, 0);
  ASSERT_EQ(count(r, "Accounts/Contoso.md", NULL), 0);
  json_decref(r);
  fixture_done(&f);
}

static void test_mentions_and_links_to_a_person(void) {
  fixture f;
  ASSERT_EQ(fixture_init(&f, NL_TEST_VAULT, NL_ENC_UTF16), 0);
  uint32_t l, c;
  const char *uri = open_at(&f, KICKOFF, "@Jonas Becker", 2, &l, &c);
  json_t *r = references(&f, uri, l, c, 0);
  ASSERT_EQ(count(r, KICKOFF, "@Jonas Becker"), 1);
  ASSERT_EQ(count(r, "Projects/Project Atlas.md", "@Jonas Becker"), 1);
  ASSERT_EQ(count(r, KICKOFF, "[[Jonas Becker]]"), 1);
  ASSERT_EQ(count(r, "Accounts/Contoso.md", "[[Jonas Becker]]"), 1);
  json_decref(r);
  /* From a participants: item in the frontmatter, the same person. */
  uri = open_at(&f, KICKOFF, "- Jonas Becker", 3, &l, &c);
  r = references(&f, uri, l, c, 0);
  ASSERT_EQ(count(r, "Projects/Project Atlas.md", "@Jonas Becker"), 1);
  json_decref(r);
  fixture_done(&f);
}

static void test_links_to_a_heading(void) {
  fixture f;
  ASSERT_EQ(fixture_init(&f, NL_TEST_VAULT, NL_ENC_UTF16), 0);
  uint32_t l, c;
  const char *uri = open_at(&f, KICKOFF, "[[Project Atlas#Milestones]]", 4, &l, &c);
  json_t *r = references(&f, uri, l, c, 0);
  ASSERT_EQ(json_array_size(r), 1);
  ASSERT_EQ(count(r, KICKOFF, "[[Project Atlas#Milestones]]"), 1);
  json_decref(r);
  /* On the heading line of the note itself: the same links. */
  uri = open_at(&f, "Projects/Project Atlas.md", "## Milestones", 4, &l, &c);
  r = references(&f, uri, l, c, 1);
  ASSERT_EQ(json_array_size(r), 2);
  ASSERT_EQ(count(r, "Projects/Project Atlas.md", "## Milestones"), 1);
  ASSERT_EQ(count(r, KICKOFF, "[[Project Atlas#Milestones]]"), 1);
  json_decref(r);
  /* On plain text of the note: every link to the note, with or without a heading. */
  uri = open_at(&f, "Projects/Project Atlas.md", "Milestones", 0, &l, &c);
  r = references(&f, uri, l + 2, 0, 0);
  ASSERT_EQ(count(r, KICKOFF, "[[Project Atlas]]"), 1);
  ASSERT_EQ(count(r, KICKOFF, "[[Project Atlas#Milestones]]"), 1);
  ASSERT_EQ(count(r, "Accounts/Contoso.md", "[[Project Atlas]]"), 1);
  json_decref(r);
  /* On the level-1 title heading: the note, not a "#Project Atlas" fragment. */
  uri = open_at(&f, "Projects/Project Atlas.md", "# Project Atlas", 2, &l, &c);
  r = references(&f, uri, l, c, 0);
  ASSERT_EQ(count(r, KICKOFF, "[[Project Atlas]]"), 1);
  json_decref(r);
  fixture_done(&f);
}

static void test_tags(void) {
  fixture f;
  ASSERT_EQ(fixture_init(&f, NL_TEST_VAULT, NL_ENC_UTF16), 0);
  uint32_t l, c;
  const char *uri = open_at(&f, KICKOFF, "#proposed", 2, &l, &c);
  json_t *r = references(&f, uri, l, c, 0);
  /* Three proposed tasks here, one in the Fabrikam sync. */
  ASSERT_EQ(count(r, KICKOFF, "#proposed"), 3);
  ASSERT_EQ(count(r, "Meetings/2025-11-14 - Fabrikam procurement sync.md", "#proposed"), 1);
  ASSERT_EQ(json_array_size(r), 4);
  json_decref(r);
  /* An account tag names the account: the links to it. */
  uri = open_at(&f, "Inbox.md", "#account/contoso", 3, &l, &c);
  r = references(&f, uri, l, c, 0);
  ASSERT_EQ(count(r, "People/Ana Ruiz.md", "[[Contoso]]"), 1);
  json_decref(r);
  fixture_done(&f);
}

static void test_nothing_to_find(void) {
  fixture f;
  ASSERT_EQ(fixture_init(&f, NL_TEST_VAULT, NL_ENC_UTF16), 0);
  uint32_t l, c;
  const char *uri = open_at(&f, KICKOFF, "[[Northwind Traders]]", 3, &l, &c);
  json_t *r = references(&f, uri, l, c, 1);
  ASSERT(json_is_array(r));
  ASSERT_EQ(json_array_size(r), 0);
  json_decref(r);
  json_t *params = json_pack("{s:{s:s}}", "textDocument", "uri", uri);
  json_t *result = NULL;
  char err[256];
  ASSERT_EQ(nl_feature_references(&f.ctx, params, &result, err, sizeof err),
            NL_RPC_INVALID_PARAMS);
  ASSERT(strstr(err, "position") != NULL);
  json_decref(params);
  fixture_done(&f);
}

int main(void) {
  uv_loop_init(&loop);
  cfg = nl_config_new();
  RUN(test_location_text_is_location_json);
  RUN(test_references_equal_a_full_search);
  RUN(test_references_from_maps_built_on_a_thread);
  RUN(test_links_to_a_note);
  RUN(test_mentions_and_links_to_a_person);
  RUN(test_links_to_a_heading);
  RUN(test_tags);
  RUN(test_nothing_to_find);
  nl_config_free(cfg);
  uv_loop_close(&loop);
  return NL_TEST_DONE();
}
