/* test-diagnose: the diagnostics engine on the example vault and on tricky notes added to its
 * index in memory (nothing is written to disk). */
#include <stdlib.h>
#include <sys/stat.h>
#include <uv.h>

#include "lsp/index/config.h"
#include "lsp/index/diagnose.h"
#include "lsp/client/text.h"
#include "lsp/index/workspace.h"
#include "test.h"

#define TODAY_STR "2025-11-15"
#define KICKOFF "Meetings/2025-11-06 - Storage pilot kickoff with Contoso.md"
#define SYNC "Meetings/2025-11-14 - Fabrikam procurement sync.md"
#define CRM "Meetings/2025-10-02 - Export from the old CRM.md"
#define BROKEN_FM "Meetings/2025-11-20 - Broken frontmatter.md"

static uv_loop_t loop;
static nl_config *cfg;
static nl_workspace *ws;
static int32_t today;

static void on_progress(nl_workspace *w, void *ud, size_t done, size_t total, int finished) {
  (void)w, (void)done, (void)total;
  if (finished) *(int *)ud = 1;
}

static int setup(void) {
  uv_loop_init(&loop);
  cfg = nl_config_new();
  ws = nl_ws_new(&loop, cfg);
  int finished = 0;
  if (ws == NULL || nl_ws_add_root(ws, NL_TEST_VAULT) != 0 ||
      nl_ws_scan(ws, on_progress, &finished) != 0)
    return -1;
  while (!finished && uv_run(&loop, UV_RUN_ONCE) != 0) {
  }
  nl_date_parse(TODAY_STR, 10, &today);
  return finished ? 0 : -1;
}

static void teardown(void) {
  nl_ws_free(ws);
  uv_run(&loop, UV_RUN_NOWAIT);
  uv_loop_close(&loop);
  nl_config_free(cfg);
}

static nl_entry *entry(const char *rel) {
  char abs[4096];
  snprintf(abs, sizeof abs, "%s/%s", NL_TEST_VAULT, rel);
  return nl_ws_by_path(ws, abs);
}

/* Diagnoses a vault note with its text from disk. */
static int diagnose_rel(const char *rel, nl_diag_list *out) {
  nl_diag_list_init(out);
  nl_entry *e = entry(rel);
  if (e == NULL) return -1;
  nl_text t;
  if (nl_text_load(&t, NULL, e) < 0) return -1;
  size_t len = 0;
  const char *body = nl_text_body(&t, &len);
  int rc = nl_diagnose(ws, e, body, len, today, out);
  nl_text_free(&t);
  return rc;
}

/* Puts `text` into the index as the note at vault-relative `rel` (as an open document would)
 * and diagnoses it. */
static nl_entry *diagnose_text(const char *rel, const char *text, nl_diag_list *out) {
  char abs[4096];
  snprintf(abs, sizeof abs, "%s/%s", NL_TEST_VAULT, rel);
  nl_diag_list_init(out);
  nl_entry *e = nl_ws_update(ws, abs, text, strlen(text), 1);
  if (e != NULL) nl_diagnose(ws, e, text, strlen(text), today, out);
  return e;
}

static void forget(const char *rel) {
  char abs[4096];
  snprintf(abs, sizeof abs, "%s/%s", NL_TEST_VAULT, rel);
  nl_ws_remove(ws, abs);
}

static size_t count_code(const nl_diag_list *l, const char *code) {
  size_t n = 0;
  for (size_t i = 0; i < l->n; i++) n += strcmp(l->items[i].code, code) == 0;
  return n;
}

/* The diagnostic with `code` starting on 0-based `line`, or NULL. */
static const nl_diag *find(const nl_diag_list *l, const char *code, uint32_t line) {
  for (size_t i = 0; i < l->n; i++)
    if (strcmp(l->items[i].code, code) == 0 && l->items[i].range.start.line == line)
      return &l->items[i];
  return NULL;
}

static void dump(const char *what, const nl_diag_list *l) {
  for (size_t i = 0; i < l->n; i++)
    fprintf(stderr, "  %s %u:%u-%u:%u %s [%s]\n", what, l->items[i].range.start.line,
            l->items[i].range.start.col, l->items[i].range.end.line, l->items[i].range.end.col,
            l->items[i].message, l->items[i].code);
}

/* ---- the example vault ------------------------------------------------------------------- */

static void test_kickoff_meeting(void) {
  nl_diag_list l;
  ASSERT_EQ(diagnose_rel(KICKOFF, &l), 0);
  dump("kickoff", &l);
  /* proposed tasks on lines 28, 29, 32 (1-based) */
  ASSERT_EQ(count_code(&l, NL_DIAG_PROPOSED_TASK), 3);
  const nl_diag *d = find(&l, NL_DIAG_PROPOSED_TASK, 27);
  ASSERT(d != NULL);
  ASSERT_STR_EQ(d->message,
                "proposed task: owner Jonas Becker, due 2025-11-10 — accept or reject it");
  ASSERT_EQ(d->severity, NL_SEV_INFORMATION);
  ASSERT_EQ(d->range.start.col, 2); /* from "[ ?]" */
  ASSERT_EQ(d->range.end.line, 27);
  d = find(&l, NL_DIAG_PROPOSED_TASK, 31);
  ASSERT(d != NULL);
  ASSERT_STR_EQ(d->message,
                "proposed task: owner Léa Dubois, due 2025-11-31 — accept or reject it");

  /* overdue relative to 2025-11-15: not the done task (31) nor the invalid date (32) */
  ASSERT_EQ(count_code(&l, NL_DIAG_OVERDUE_TASK), 4);
  d = find(&l, NL_DIAG_OVERDUE_TASK, 27);
  ASSERT(d != NULL);
  ASSERT_STR_EQ(d->message, "overdue since 2025-11-10 (5 days)");
  ASSERT_EQ(d->severity, NL_SEV_WARNING);
  ASSERT_EQ(d->range.end.col - d->range.start.col, strlen("📅 2025-11-10"));
  ASSERT(find(&l, NL_DIAG_OVERDUE_TASK, 29) != NULL);
  ASSERT(find(&l, NL_DIAG_OVERDUE_TASK, 32) != NULL);
  ASSERT(find(&l, NL_DIAG_OVERDUE_TASK, 30) == NULL);
  ASSERT(find(&l, NL_DIAG_OVERDUE_TASK, 31) == NULL);

  d = find(&l, NL_DIAG_INVALID_DATE, 31);
  ASSERT(d != NULL);
  ASSERT_STR_EQ(d->message, "invalid date '2025-11-31': November has 30 days");
  ASSERT_EQ(d->severity, NL_SEV_ERROR);
  ASSERT_EQ(d->range.end.col - d->range.start.col, 10); /* the value only */

  d = find(&l, NL_DIAG_BROKEN_LINK, 42);
  ASSERT(d != NULL);
  ASSERT_STR_EQ(d->message, "broken link: no note named 'Northwind Traders'");
  ASSERT_STR_EQ(d->missing_name, "Northwind Traders");
  ASSERT_EQ(d->missing_kind, NL_KIND_NOTE);
  ASSERT_EQ(d->range.start.col, 2);
  ASSERT_EQ(d->range.end.col, 2 + strlen("[[Northwind Traders]]"));

  /* Zoë (NFD file name), Léa, Jonas, Ana, Myself resolve; the fenced block does not count;
   * [[Project Atlas#Milestones]] exists. Nothing else. */
  ASSERT_EQ(count_code(&l, NL_DIAG_UNKNOWN_PERSON), 0);
  ASSERT_EQ(count_code(&l, NL_DIAG_MISSING_HEADING), 0);
  ASSERT_EQ(count_code(&l, NL_DIAG_BROKEN_LINK), 1);
  ASSERT_EQ(l.n, 3 + 4 + 1 + 1);
  for (size_t i = 0; i < l.n; i++) ASSERT(l.items[i].range.start.line != 45);
  nl_diag_list_free(&l);
}

static void test_fabrikam_sync(void) {
  nl_diag_list l;
  ASSERT_EQ(diagnose_rel(SYNC, &l), 0);
  dump("sync", &l);
  /* @Wang Fang is 王芳's alias; the cancelled task is not overdue; the path link resolves */
  ASSERT_EQ(l.n, 1);
  const nl_diag *d = find(&l, NL_DIAG_PROPOSED_TASK, 20);
  ASSERT(d != NULL);
  ASSERT_STR_EQ(d->message, "proposed task: owner Myself, due 2025-11-18 — accept or reject it");
  ASSERT_EQ(d->range.start.col, 2);
  ASSERT_EQ(d->range.end.col - d->range.start.col, strlen("[?] Send the licensing options "
                                                          "summary @Myself 📅 2025-11-18 🔺 "
                                                          "#task #proposed"));
  nl_diag_list_free(&l);
}

static void test_daily_ambiguous(void) {
  nl_diag_list l;
  ASSERT_EQ(diagnose_rel("Daily/2025-11-06.md", &l), 0);
  dump("daily", &l);
  ASSERT_EQ(l.n, 3);
  const nl_diag *h = find(&l, NL_DIAG_ALIAS_LINK, 2);
  ASSERT(h != NULL);
  ASSERT_EQ(h->severity, NL_SEV_HINT);
  ASSERT_STR_EQ(h->relinked, "[[2025-11-06 - Storage pilot kickoff with Contoso|Storage pilot "
                             "kickoff with Contoso]]");
  const nl_diag *d = find(&l, NL_DIAG_AMBIGUOUS_LINK, 3);
  ASSERT(d != NULL);
  ASSERT_EQ(d->range.start.col, strlen("- Which "));
  ASSERT_EQ(d->n_related, 2);
  ASSERT_STR_EQ(d->message, "ambiguous link 'Apollo' matches 2 notes: Archive/Apollo.md, "
                            "Projects/Apollo.md; using Archive/Apollo.md");
  ASSERT_STR_EQ(d->related[0].message, "candidate: Archive/Apollo.md");
  ASSERT_STR_EQ(d->related[1].message, "candidate: Projects/Apollo.md");
  ASSERT_EQ(d->related[0].entry, entry("Archive/Apollo.md")->id);
  d = find(&l, NL_DIAG_OVERDUE_TASK, 4);
  ASSERT(d != NULL);
  ASSERT_STR_EQ(d->message, "overdue since 2025-11-07 (8 days)"); /* an in-progress task */
  nl_diag_list_free(&l);
}

static void test_clean_notes(void) {
  /* an inline nested tag, aliases, accounts and people that all resolve */
  static const char *const clean[] = {"Accounts/Contoso.md",
                                      "Accounts/Fabrikam.md",
                                      "People/Ana Ruiz.md",
                                      "People/王芳.md",
                                      "People/Myself.md",
                                      "Projects/Apollo.md",
                                      "Projects/Project Atlas.md",
                                      "Archive/Apollo.md"};
  for (size_t i = 0; i < sizeof clean / sizeof clean[0]; i++) {
    nl_diag_list l;
    ASSERT_EQ(diagnose_rel(clean[i], &l), 0);
    dump(clean[i], &l);
    ASSERT_EQ(l.n, 0);
    nl_diag_list_free(&l);
  }
  /* A link by frontmatter title resolves, with a hint: Obsidian would not follow it. */
  nl_diag_list l;
  ASSERT_EQ(diagnose_rel("Inbox.md", &l), 0);
  ASSERT_EQ(l.n, 1);
  ASSERT_STR_EQ(l.items[0].code, NL_DIAG_ALIAS_LINK);
  nl_diag_list_free(&l);
}

static void test_crm_mojibake(void) {
  nl_diag_list l;
  ASSERT_EQ(diagnose_rel(CRM, &l), 0);
  dump("crm", &l);
  /* line 8: "LÃ©aâ€™s" and "â€”"; line 10: "LÃ©a" and the mangled 📅 */
  ASSERT_EQ(count_code(&l, NL_DIAG_MOJIBAKE), 4);
  const nl_diag *d = find(&l, NL_DIAG_MOJIBAKE, 7);
  ASSERT(d != NULL);
  ASSERT_EQ(d->range.start.col, 0);
  ASSERT_STR_EQ(d->repaired, "Léa’s");
  ASSERT_STR_EQ(d->message,
                "text looks like UTF-8 decoded as Windows-1252: 'LÃ©aâ€™s' should be 'Léa’s'");
  /* the mangled mention is the encoding's problem, not an unknown person */
  ASSERT_EQ(count_code(&l, NL_DIAG_UNKNOWN_PERSON), 0);
  int found_cal = 0;
  for (size_t i = 0; i < l.n; i++)
    if (l.items[i].repaired != NULL && strcmp(l.items[i].repaired, "📅") == 0) found_cal = 1;
  ASSERT(found_cal);
  ASSERT_EQ(count_code(&l, NL_DIAG_UNKNOWN_ACCOUNT), 0);
  /* without the text there is no mojibake check, and nothing crashes */
  nl_diag_list l2;
  nl_diag_list_init(&l2);
  ASSERT_EQ(nl_diagnose(ws, entry(CRM), NULL, 0, today, &l2), 0);
  ASSERT_EQ(count_code(&l2, NL_DIAG_MOJIBAKE), 0);
  nl_diag_list_free(&l2);
  nl_diag_list_free(&l);
}

static void test_broken_frontmatter(void) {
  nl_diag_list l;
  ASSERT_EQ(diagnose_rel(BROKEN_FM, &l), 0);
  dump("broken fm", &l);
  ASSERT_EQ(l.n, 1);
  const nl_diag *d = find(&l, NL_DIAG_FRONTMATTER_ERROR, entry(BROKEN_FM)->note->fm.error_pos.line);
  ASSERT(d != NULL);
  ASSERT_EQ(d->severity, NL_SEV_ERROR);
  ASSERT_EQ(d->range.start.col, entry(BROKEN_FM)->note->fm.error_pos.col);
  ASSERT(strstr(d->message, "frontmatter is not valid YAML: ") == d->message);
  nl_diag_list_free(&l);
}

/* ---- tricky notes ------------------------------------------------------------------------ */

static void test_unknown_person_range(void) {
  nl_diag_list l;
  const char *text = "- [ ] Call @Jonas Beckerman 📅 2025-11-20 #task\n"
                     "- Ask @nobody about it, and @Ana and @me and @Myself\n"
                     "- Ping @Olu Adé-Bámidélé, then @Maria De La Cruz Santos today\n";
  diagnose_text("Scratch/people.md", text, &l);
  dump("people", &l);
  /* "@Jonas Beckerman": Jonas Becker is a person but not at a word boundary */
  const nl_diag *d = find(&l, NL_DIAG_UNKNOWN_PERSON, 0);
  ASSERT(d != NULL);
  ASSERT_STR_EQ(d->message, "unknown person 'Jonas Beckerman': no person note has this name");
  ASSERT_EQ(d->range.start.col, strlen("- [ ] Call "));
  ASSERT_EQ(d->range.end.col, strlen("- [ ] Call @Jonas Beckerman"));
  ASSERT_STR_EQ(d->missing_name, "Jonas Beckerman");
  ASSERT_EQ(d->missing_kind, NL_KIND_PERSON);
  /* lowercase: only the word; @Ana is an alias, @me and @Myself the owner */
  d = find(&l, NL_DIAG_UNKNOWN_PERSON, 1);
  ASSERT(d != NULL);
  ASSERT_STR_EQ(d->missing_name, "nobody");
  ASSERT_EQ(d->range.end.col - d->range.start.col, strlen("@nobody"));
  ASSERT_EQ(count_code(&l, NL_DIAG_UNKNOWN_PERSON), 4);
  /* non-ASCII names stop at the comma; at most three words */
  int olu = 0, maria = 0;
  for (size_t i = 0; i < l.n; i++) {
    if (l.items[i].missing_name == NULL) continue;
    olu |= strcmp(l.items[i].missing_name, "Olu Adé-Bámidélé") == 0;
    maria |= strcmp(l.items[i].missing_name, "Maria De La") == 0;
  }
  ASSERT(olu);
  ASSERT(maria);
  nl_diag_list_free(&l);
  forget("Scratch/people.md");
}

static void test_person_created_later(void) {
  nl_diag_list l;
  const char *text = "Met @Priya Natarajan today.\n";
  diagnose_text("Scratch/later.md", text, &l);
  ASSERT_EQ(count_code(&l, NL_DIAG_UNKNOWN_PERSON), 1);
  ASSERT_STR_EQ(l.items[0].missing_name, "Priya Natarajan");
  nl_diag_list_free(&l);

  nl_diag_list p;
  diagnose_text("People/Priya Natarajan.md", "---\ntype: person\n---\n# Priya Natarajan\n", &p);
  ASSERT_EQ(p.n, 0);
  nl_diag_list_free(&p);
  diagnose_text("Scratch/later.md", text, &l);
  ASSERT_EQ(count_code(&l, NL_DIAG_UNKNOWN_PERSON), 0);
  nl_diag_list_free(&l);
  forget("People/Priya Natarajan.md");
  diagnose_text("Scratch/later.md", text, &l);
  ASSERT_EQ(count_code(&l, NL_DIAG_UNKNOWN_PERSON), 1);
  nl_diag_list_free(&l);
  forget("Scratch/later.md");
}

static void test_frontmatter_names_and_dates(void) {
  nl_diag_list l;
  const char *text = "---\n"
                     "date: 2025-02-29\n"
                     "account: Globex\n"
                     "participants:\n"
                     "- Ana Ruiz\n"
                     "- \"[[Jonas Becker]]\"\n"
                     "- me\n"
                     "- Mallory\n"
                     "---\n"
                     "# Notes\n";
  diagnose_text("Scratch/fm.md", text, &l);
  dump("fm", &l);
  ASSERT_EQ(l.n, 3);
  const nl_diag *d = find(&l, NL_DIAG_INVALID_DATE, 1);
  ASSERT(d != NULL);
  ASSERT_STR_EQ(d->message, "invalid date '2025-02-29': February 2025 has 28 days");
  d = find(&l, NL_DIAG_UNKNOWN_ACCOUNT, 2);
  ASSERT(d != NULL);
  ASSERT_STR_EQ(d->message, "unknown account 'Globex': no account note has this name");
  ASSERT_EQ(d->range.start.col, strlen("account: "));
  ASSERT_EQ(d->missing_kind, NL_KIND_ACCOUNT);
  d = find(&l, NL_DIAG_UNKNOWN_PERSON, 7);
  ASSERT(d != NULL);
  ASSERT_STR_EQ(d->missing_name, "Mallory");
  nl_diag_list_free(&l);

  const char *ok = "---\ndate: 2024-02-29T10:00\naccount: \"[[Contoso]]\"\n---\n";
  diagnose_text("Scratch/fm.md", ok, &l);
  dump("fm ok", &l);
  ASSERT_EQ(l.n, 0);
  nl_diag_list_free(&l);
  diagnose_text("Scratch/fm.md", "---\ndate:\ntitle: Template\n---\n", &l);
  ASSERT_EQ(l.n, 0); /* an empty date is a template's */
  nl_diag_list_free(&l);
  forget("Scratch/fm.md");
}

/* Templates: indexed, but their tasks, mentions and links are placeholders. The folders come
 * from the `templates:` setting and from the vault's Obsidian settings (core Templates plugin,
 * Templater). */
static void test_templates(void) {
  char dir[] = "/tmp/nl-templates-XXXXXX";
  ASSERT(mkdtemp(dir) != NULL);
  char path[4200];
  snprintf(path, sizeof path, "%s/.obsidian", dir);
  mkdir(path, 0700);
  snprintf(path, sizeof path, "%s/.obsidian/plugins", dir);
  mkdir(path, 0700);
  snprintf(path, sizeof path, "%s/.obsidian/plugins/templater-obsidian", dir);
  mkdir(path, 0700);
  snprintf(path, sizeof path, "%s/.obsidian/templates.json", dir);
  FILE *f = fopen(path, "w");
  ASSERT(f != NULL);
  fputs("{\"folder\": \"Meta/Templates/\"}", f);
  fclose(f);
  snprintf(path, sizeof path, "%s/.obsidian/plugins/templater-obsidian/data.json", dir);
  f = fopen(path, "w");
  ASSERT(f != NULL);
  fputs("{\"templates_folder\": \"Templater\", \"trigger_on_file_creation\": true}", f);
  fclose(f);
  nl_config *c = nl_config_new();
  ASSERT(c != NULL);
  ASSERT(nl_config_apply_vault(c, dir) >= 2);
  ASSERT(nl_config_is_template(c, "Meta/Templates/Meeting.md"));
  ASSERT(nl_config_is_template(c, "Templater/Daily.md"));
  ASSERT(!nl_config_is_template(c, "Meta/Other.md"));
  char err[256];
  json_t *opts = json_pack("{s:[s]}", "templates", "Tmpl");
  ASSERT_EQ(nl_config_apply_json(c, opts, err, sizeof err), 0);
  json_decref(opts);
  nl_ws_set_config(ws, c);
  nl_diag_list l;
  const char *text = "# {{title}}\n"
                     "- [ ?] Follow up with @Nobody Known on [[Nowhere]] \xF0\x9F\x93\x85 2025-02-30 #proposed\n"
                     "- [ ] Old \xF0\x9F\x93\x85 2020-01-01\n";
  diagnose_text("Tmpl/Meeting.md", text, &l);
  dump("template", &l);
  ASSERT_EQ(l.n, 0);
  nl_diag_list_free(&l);
  forget("Tmpl/Meeting.md");
  diagnose_text("Scratch/not-a-template.md", text, &l); /* the same text elsewhere */
  ASSERT(count_code(&l, NL_DIAG_PROPOSED_TASK) == 1 && count_code(&l, NL_DIAG_BROKEN_LINK) == 1);
  ASSERT(count_code(&l, NL_DIAG_INVALID_DATE) == 1 && count_code(&l, NL_DIAG_OVERDUE_TASK) == 1);
  nl_diag_list_free(&l);
  forget("Scratch/not-a-template.md");
  nl_ws_set_config(ws, cfg);
  nl_config_free(c);
  snprintf(path, sizeof path, "rm -rf '%s'", dir);
  ASSERT_EQ(system(path), 0);
}

/* Code is code: mojibake inside a fence, an indented block or a code span is no diagnostic
 * and gets no repair (#14 item 11); the same text outside code does. */
static void test_mojibake_not_in_code(void) {
  nl_diag_list l;
  const char *text = "# Encoding\n"
                     "```\nLÃ©a\xE2\x80\x99s fence\n```\n"
                     "\n    LÃ©a indented\n\n"
                     "Inline `LÃ©a` span and LÃ©a prose.\n";
  diagnose_text("Scratch/code.md", text, &l);
  dump("code", &l);
  ASSERT_EQ(count_code(&l, NL_DIAG_MOJIBAKE), 1);
  const nl_diag *d = find(&l, NL_DIAG_MOJIBAKE, 7);
  ASSERT(d != NULL);
  ASSERT_EQ(d->range.start.col, strlen("Inline `LÃ©a` span and "));
  nl_diag_list_free(&l);
  forget("Scratch/code.md");
}

/* A note of theme checkboxes (Minimal, Things): "[?]" is a question, not a proposal. */
static void test_theme_checkboxes(void) {
  nl_diag_list l;
  const char *text = "# Checkboxes\n"
                     "- [?] question\n- [!] important\n- [>] forwarded\n- [<] scheduling\n"
                     "- [i] information\n- [*] star\n- [\"] quote\n- [b] bookmark\n";
  diagnose_text("Scratch/theme.md", text, &l);
  ASSERT_EQ(count_code(&l, NL_DIAG_PROPOSED_TASK), 0);
  ASSERT_EQ(l.n, 0);
  nl_diag_list_free(&l);
  forget("Scratch/theme.md");
}

static void test_task_dates(void) {
  nl_diag_list l;
  const char *text = "- [ ] a 📅 2025-13-01\n"
                     "- [ ] b ⏳ <% tp.date.now() %> 📅 {{date}} 🛫 2025-1-5\n"
                     "- [ ] c 📅 2025-11-14\n"
                     "- [ ] d 📅 2025-11-15\n"
                     "- [x] e 📅 2025-01-01\n"
                     "- [-] f 📅 2025-01-01\n"
                     "- [ ?] g\n"
                     "- [?] h, a theme's question checkbox 📅 2025-01-01\n";
  diagnose_text("Scratch/dates.md", text, &l);
  dump("dates", &l);
  const nl_diag *d = find(&l, NL_DIAG_INVALID_DATE, 0);
  ASSERT(d != NULL);
  ASSERT_STR_EQ(d->message, "invalid date '2025-13-01': there is no month 13");
  /* Templater values and other shapes are no date fields for Tasks: description, no error. */
  ASSERT(find(&l, NL_DIAG_INVALID_DATE, 1) == NULL);
  d = find(&l, NL_DIAG_OVERDUE_TASK, 2);
  ASSERT(d != NULL);
  ASSERT_STR_EQ(d->message, "overdue since 2025-11-14 (1 day)");
  ASSERT(find(&l, NL_DIAG_OVERDUE_TASK, 3) == NULL); /* due today is not overdue */
  ASSERT(find(&l, NL_DIAG_OVERDUE_TASK, 4) == NULL);
  ASSERT(find(&l, NL_DIAG_OVERDUE_TASK, 5) == NULL);
  d = find(&l, NL_DIAG_PROPOSED_TASK, 6);
  ASSERT(d != NULL);
  ASSERT_STR_EQ(d->message, "proposed task: owner none, no due date — accept or reject it");
  /* "[?]" is an open task, not a proposed one, unless tasks.questionIsProposed says so. */
  ASSERT(find(&l, NL_DIAG_PROPOSED_TASK, 7) == NULL);
  ASSERT(find(&l, NL_DIAG_OVERDUE_TASK, 7) != NULL);
  ASSERT_EQ(l.n, 4);
  nl_diag_list_free(&l);
  forget("Scratch/dates.md");
}

static void test_links(void) {
  nl_diag_list l;
  const char *text = "# Top\n"
                     "## Sub heading\n"
                     "[[Project Atlas#milestones]] [[Project Atlas#Nope]]\n"
                     "[[Daily/2025-11-06#^apollo-question]] [[Daily/2025-11-06#^nope]]\n"
                     "[[#Sub Heading]] [[#sub-heading]] [[#Missing]]\n"
                     "![[diagram.png]] [kick](../Meetings/2025-11-06%20-%20Storage%20pilot%20"
                     "kickoff%20with%20Contoso.md) [gone](../Gone.md)\n"
                     "[[Contoso Ltd]] [[Apollo (2023)]] `[[Not a link]]`\n";
  diagnose_text("Scratch/links.md", text, &l);
  dump("links", &l);
  ASSERT_EQ(count_code(&l, NL_DIAG_MISSING_HEADING), 3);
  const nl_diag *d = find(&l, NL_DIAG_MISSING_HEADING, 2);
  ASSERT(d != NULL);
  ASSERT_STR_EQ(d->message, "no heading 'Nope' in 'Projects/Project Atlas.md'");
  ASSERT_EQ(d->range.start.col, strlen("[[Project Atlas#milestones]] [[Project Atlas#"));
  d = find(&l, NL_DIAG_MISSING_HEADING, 3);
  ASSERT(d != NULL);
  ASSERT_STR_EQ(d->message, "no block '^nope' in 'Daily/2025-11-06.md'");
  d = find(&l, NL_DIAG_MISSING_HEADING, 4);
  ASSERT(d != NULL);
  ASSERT_STR_EQ(d->message, "no heading 'Missing' in 'Scratch/links.md'");
  d = find(&l, NL_DIAG_BROKEN_LINK, 5);
  ASSERT(d != NULL);
  /* An embed of an image the vault does not have; no "create note" for it. */
  ASSERT_STR_EQ(d->message, "broken link: no file 'diagram.png' in the vault");
  ASSERT(d->missing_name == NULL);
  ASSERT_STR_EQ(d[1].missing_name, "../Gone.md");
  ASSERT_EQ(count_code(&l, NL_DIAG_BROKEN_LINK), 2);
  /* By alias and by title: the fix writes the file name, or the path when it is ambiguous. */
  ASSERT_EQ(count_code(&l, NL_DIAG_ALIAS_LINK), 2);
  d = find(&l, NL_DIAG_ALIAS_LINK, 6);
  ASSERT(d != NULL);
  ASSERT_STR_EQ(d->relinked, "[[Contoso|Contoso Ltd]]");
  ASSERT_STR_EQ(d->message, "'Contoso Ltd' is a title or alias of 'Accounts/Contoso.md': "
                            "Obsidian links by file name");
  ASSERT_STR_EQ(d[1].relinked, "[[Archive/Apollo|Apollo (2023)]]");
  ASSERT_EQ(l.n, 7);
  nl_diag_list_free(&l);
  forget("Scratch/links.md");
}

static void test_bad_input(void) {
  nl_diag_list l;
  /* invalid UTF-8, NULs stripped by strlen, unterminated constructs: no crash, no hang */
  const char *text = "---\ndate: \xff\xfe\n---\n- [?] \xc3 @\xe2\x82 [[\xff]] #proposed\n@\n[[";
  diagnose_text("Scratch/bad.md", text, &l);
  dump("bad", &l);
  /* libyaml rejects the invalid bytes: the frontmatter is in error, the task still counts */
  ASSERT(find(&l, NL_DIAG_FRONTMATTER_ERROR, 1) != NULL || find(&l, NL_DIAG_INVALID_DATE, 1));
  ASSERT(find(&l, NL_DIAG_PROPOSED_TASK, 3) != NULL);
  nl_diag_list_free(&l);
  forget("Scratch/bad.md");
  nl_diag_list_free(NULL);
  nl_diag_list_init(&l);
  ASSERT_EQ(nl_diagnose(ws, NULL, "", 0, today, &l), 0);
  ASSERT_EQ(l.n, 0);
  ASSERT_STR_EQ(nl_diag_severity_name(NL_SEV_INFORMATION), "information");
}

int main(void) {
  if (setup() != 0) {
    fprintf(stderr, "cannot index %s\n", NL_TEST_VAULT);
    return 1;
  }
  RUN(test_kickoff_meeting);
  RUN(test_fabrikam_sync);
  RUN(test_daily_ambiguous);
  RUN(test_clean_notes);
  RUN(test_crm_mojibake);
  RUN(test_broken_frontmatter);
  RUN(test_unknown_person_range);
  RUN(test_person_created_later);
  RUN(test_frontmatter_names_and_dates);
  RUN(test_task_dates);
  RUN(test_templates);
  RUN(test_theme_checkboxes);
  RUN(test_mojibake_not_in_code);
  RUN(test_links);
  RUN(test_bad_input);
  char err[256];
  if (nl_ws_check(ws, err, sizeof err) != 0) {
    fprintf(stderr, "index check failed: %s\n", err);
    return 1;
  }
  teardown();
  return NL_TEST_DONE();
}
