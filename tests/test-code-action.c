/* test-code-action: code actions, executeCommand and the LSP form of diagnostics. Notes are
 * opened as documents (nothing is written to disk); each action's edit is applied to the text
 * by a small helper and the result compared byte for byte. */
#include <unistd.h>
#include <uv.h>

#include "lsp/index/config.h"
#include "lsp/client/context.h"
#include "lsp/index/diagnose.h"
#include "lsp/features/features.h"
#include "lsp/base/file.h"
#include "lsp/note/mojibake.h"
#include "lsp/index/workspace.h"
#include "protocol/lsp_types.h"
#include "protocol/position.h"
#include "protocol/rpc.h"
#include "test.h"

#define KICKOFF "Meetings/2025-11-06 - Storage pilot kickoff with Contoso.md"
#define SYNC "Meetings/2025-11-14 - Fabrikam procurement sync.md"
#define CRM "Meetings/2025-10-02 - Export from the old CRM.md"

static uv_loop_t loop;
static nl_config *cfg;
static nl_workspace *ws;
static nl_docs *docs;
static nl_client_caps caps;
static nl_ctx ctx;

/* what the last workspace/applyEdit carried */
static char applied_label[128];
static json_t *applied_edit;

static void capture_apply(const nl_ctx *c, const char *label, json_t *edit) {
  (void)c;
  snprintf(applied_label, sizeof applied_label, "%s", label);
  json_decref(applied_edit);
  applied_edit = edit;
}

static void on_progress(nl_workspace *w, void *ud, size_t done, size_t total, int finished) {
  (void)w, (void)done, (void)total;
  if (finished) *(int *)ud = 1;
}

static int setup(void) {
  uv_loop_init(&loop);
  cfg = nl_config_new();
  ws = nl_ws_new(&loop, cfg);
  docs = nl_docs_new();
  int finished = 0;
  if (ws == NULL || docs == NULL || nl_ws_add_root(ws, NL_TEST_VAULT) != 0 ||
      nl_ws_scan(ws, on_progress, &finished) != 0)
    return -1;
  while (!finished && uv_run(&loop, UV_RUN_ONCE) != 0) {
  }
  caps.document_changes = 1;
  caps.create_files = 1;
  caps.related_info = 1;
  caps.code_action_literals = 1;
  caps.apply_edit = 1;
  ctx.ws = ws;
  ctx.docs = docs;
  ctx.enc = NL_ENC_UTF16;
  nl_date_parse("2025-11-15", 10, &ctx.today);
  ctx.caps = &caps;
  ctx.apply_edit = capture_apply;
  return finished ? 0 : -1;
}

static void teardown(void) {
  json_decref(applied_edit);
  nl_docs_free(docs);
  nl_ws_free(ws);
  uv_run(&loop, UV_RUN_NOWAIT);
  uv_loop_close(&loop);
  nl_config_free(cfg);
}

/* ---- documents --------------------------------------------------------------------------- */

typedef struct {
  char abs[1024];
  char *uri;
  char *text; /* as opened */
  size_t len;
} doc_t;

/* Opens `text` (or, when NULL, the vault file's contents) as document `rel`, version 7. */
static void open_doc(doc_t *d, const char *rel, const char *text) {
  snprintf(d->abs, sizeof d->abs, "%s/%s", NL_TEST_VAULT, rel);
  if (text != NULL) {
    d->text = strdup(text);
    d->len = strlen(text);
  } else {
    nl_file_read(d->abs, NL_FILE_NO_LIMIT, &d->text, &d->len);
  }
  nl_entry *e = nl_ws_update(ws, d->abs, d->text, d->len, 1);
  d->uri = strdup(e ? e->uri : "file:///nowhere");
  nl_docs_open(docs, d->uri, 7, d->text, d->len);
}

static void close_doc(doc_t *d, int on_disk) {
  nl_docs_close(docs, d->uri);
  if (on_disk)
    nl_ws_close(ws, d->abs);
  else
    nl_ws_remove(ws, d->abs);
  free(d->uri);
  free(d->text);
}

/* ---- applying edits ---------------------------------------------------------------------- */

typedef struct {
  size_t start, end;
  const char *text;
} flat_edit;

static int by_start_desc(const void *a, const void *b) {
  const flat_edit *x = a, *y = b;
  return x->start < y->start ? 1 : x->start > y->start ? -1 : 0;
}

/* Applies TextEdits (positions in ctx.enc) to text; returns the new text (free()) or NULL when
 * the edits overlap or are malformed. */
static char *apply_edits(const char *text, size_t len, const json_t *edits) {
  nl_lines lines;
  if (nl_lines_init(&lines, text, len) != 0) return NULL;
  size_t n = json_array_size(edits);
  flat_edit *fe = calloc(n + 1, sizeof *fe);
  for (size_t i = 0; i < n; i++) {
    const json_t *ed = json_array_get(edits, i);
    uint32_t l1, c1, l2, c2;
    char err[128];
    if (nl_lsp_get_range(ed, "range", &l1, &c1, &l2, &c2, err, sizeof err) != 0 ||
        json_string_value(json_object_get(ed, "newText")) == NULL) {
      free(fe);
      nl_lines_free(&lines);
      return NULL;
    }
    fe[i].start = nl_lines_offset(&lines, ctx.enc, l1, c1);
    fe[i].end = nl_lines_offset(&lines, ctx.enc, l2, c2);
    fe[i].text = json_string_value(json_object_get(ed, "newText"));
  }
  nl_lines_free(&lines);
  qsort(fe, n, sizeof *fe, by_start_desc);
  for (size_t i = 0; i + 1 < n; i++)
    if (fe[i + 1].end > fe[i].start) { /* overlap */
      free(fe);
      return NULL;
    }
  size_t cap = len + 1;
  for (size_t i = 0; i < n; i++) cap += strlen(fe[i].text);
  char *out = malloc(cap);
  memcpy(out, text, len);
  size_t olen = len;
  for (size_t i = 0; i < n; i++) { /* last first, so earlier offsets stay valid */
    size_t tl = strlen(fe[i].text);
    memmove(out + fe[i].start + tl, out + fe[i].end, olen - fe[i].end);
    memcpy(out + fe[i].start, fe[i].text, tl);
    olen = olen - (fe[i].end - fe[i].start) + tl;
  }
  out[olen] = '\0';
  free(fe);
  return out;
}

/* The edits of a WorkspaceEdit for `uri`: from documentChanges (checking the version) or
 * changes. */
static const json_t *edits_for(const json_t *we, const char *uri, json_t *version) {
  const json_t *dc = json_object_get(we, "documentChanges");
  if (dc != NULL) {
    const json_t *tde = json_array_get(dc, 0);
    const json_t *td = json_object_get(tde, "textDocument");
    if (json_array_size(dc) != 1 || !json_equal(json_object_get(td, "version"), version) ||
        strcmp(json_string_value(json_object_get(td, "uri")), uri) != 0)
      return NULL;
    return json_object_get(tde, "edits");
  }
  return json_object_get(json_object_get(we, "changes"), uri);
}

/* ---- requests ---------------------------------------------------------------------------- */

static json_t *code_actions(const doc_t *d, uint32_t l1, uint32_t c1, uint32_t l2, uint32_t c2,
                            const char *only) {
  json_t *params = json_pack("{s:{s:s}, s:o, s:{s:[]}}", "textDocument", "uri", d->uri, "range",
                             nl_lsp_range_json(l1, c1, l2, c2), "context", "diagnostics");
  if (only != NULL)
    json_object_set_new(json_object_get(params, "context"), "only", json_pack("[s]", only));
  json_t *result = NULL;
  char err[256] = "";
  int rc = nl_feature_code_action(&ctx, params, &result, err, sizeof err);
  json_decref(params);
  if (rc != 0) fprintf(stderr, "codeAction failed: %s\n", err);
  return result;
}

static const json_t *action(const json_t *actions, const char *title) {
  size_t i;
  json_t *a;
  json_array_foreach(actions, i, a) {
    if (strcmp(json_string_value(json_object_get(a, "title")), title) == 0) return a;
  }
  return NULL;
}

/* Applies the action titled `title` on the range to the document's text; new text or NULL. */
static char *run_action(const doc_t *d, uint32_t l1, uint32_t c1, uint32_t l2, uint32_t c2,
                        const char *title) {
  json_t *acts = code_actions(d, l1, c1, l2, c2, NULL);
  const json_t *a = action(acts, title);
  char *out = NULL;
  json_t *version = json_integer(7);
  if (a != NULL) {
    const json_t *edits = edits_for(json_object_get(a, "edit"), d->uri, version);
    if (edits != NULL) out = apply_edits(d->text, d->len, edits);
  } else {
    fprintf(stderr, "no action '%s'\n", title);
  }
  json_decref(version);
  json_decref(acts);
  return out;
}

/* text with the first occurrence of `from` replaced by `to` (new). */
static char *replaced(const char *text, const char *from, const char *to) {
  const char *at = strstr(text, from);
  if (at == NULL) return strdup("(not found)");
  size_t n = strlen(text) - strlen(from) + strlen(to);
  char *out = malloc(n + 1);
  size_t pre = (size_t)(at - text);
  memcpy(out, text, pre);
  strcpy(out + pre, to);
  strcat(out, at + strlen(from));
  return out;
}

#define L28 "- [ ?] Confirm pilot rack delivery date with the data center team @Jonas Becker " \
            "📅 2025-11-10 ⏫ #task #proposed"
#define L28_ACCEPTED "- [ ] Confirm pilot rack delivery date with the data center team " \
                     "@Jonas Becker 📅 2025-11-10 ⏫ #task"
#define L28_REJECTED "- [-] Confirm pilot rack delivery date with the data center team " \
                     "@Jonas Becker 📅 2025-11-10 ⏫ #task ❌ 2025-11-15"

/* ---- cases ------------------------------------------------------------------------------- */

static void check_accept_reject(nl_encoding enc) {
  ctx.enc = enc;
  doc_t d;
  open_doc(&d, KICKOFF, NULL);
  /* the cursor anywhere on line 28, no diagnostics passed */
  char *got = run_action(&d, 27, 10, 27, 10, "Accept proposed task");
  char *want = replaced(d.text, L28 "\n", L28_ACCEPTED "\n");
  ASSERT(got != NULL);
  ASSERT_STR_EQ(got, want);
  free(got);
  free(want);
  got = run_action(&d, 27, 0, 27, 0, "Reject proposed task");
  want = replaced(d.text, L28 "\n", L28_REJECTED "\n");
  ASSERT(got != NULL);
  ASSERT_STR_EQ(got, want);
  free(got);
  free(want);
  close_doc(&d, 1);
  ctx.enc = NL_ENC_UTF16;
}

static void test_accept_reject_utf16(void) { check_accept_reject(NL_ENC_UTF16); }
static void test_accept_reject_utf8(void) { check_accept_reject(NL_ENC_UTF8); }
static void test_accept_reject_utf32(void) { check_accept_reject(NL_ENC_UTF32); }

static void test_emoji_columns(void) {
  /* the #proposed edit's start is counted in UTF-16 units: 📅 is 2 units, ⏫ one */
  doc_t d;
  open_doc(&d, KICKOFF, NULL);
  json_t *acts = code_actions(&d, 27, 3, 27, 3, "quickfix");
  const json_t *a = action(acts, "Accept proposed task");
  ASSERT(a != NULL);
  const json_t *edits =
      json_object_get(json_array_get(json_object_get(json_object_get(a, "edit"),
                                                     "documentChanges"), 0), "edits");
  ASSERT_EQ(json_array_size(edits), 2);
  const json_t *tag = json_array_get(edits, 1);
  const char *tagged = strstr(L28, " #proposed");
  size_t bytes = (size_t)(tagged - L28);
  uint32_t units = nl_col_to_units(L28, strlen(L28), bytes, NL_ENC_UTF16);
  ASSERT_EQ(units, bytes - 2 - 2); /* 📅 is 4 bytes and 2 units, ⏫ 3 bytes and 1 unit */
  ASSERT_EQ(json_integer_value(json_object_get(
                json_object_get(json_object_get(tag, "range"), "start"), "character")),
            units);
  ASSERT_STR_EQ(json_string_value(json_object_get(tag, "newText")), "");
  ASSERT(json_is_true(json_object_get(a, "isPreferred")));
  /* the proposed-task diagnostic rides along */
  const json_t *diag = json_array_get(json_object_get(a, "diagnostics"), 0);
  ASSERT_STR_EQ(json_string_value(json_object_get(diag, "code")), "proposed-task");
  json_decref(acts);
  close_doc(&d, 1);
}

static void test_bare_question_form(void) {
  doc_t d;
  open_doc(&d, SYNC, NULL);
  const char *line = "- [?] Send the licensing options summary @Myself 📅 2025-11-18 🔺 #task "
                     "#proposed\n";
  char *got = run_action(&d, 20, 0, 20, 5, "Accept proposed task");
  char *want = replaced(d.text, line,
                        "- [ ] Send the licensing options summary @Myself 📅 2025-11-18 🔺 "
                        "#task\n");
  ASSERT_STR_EQ(got, want);
  free(got);
  free(want);
  got = run_action(&d, 20, 0, 20, 5, "Reject proposed task");
  want = replaced(d.text, line,
                  "- [-] Send the licensing options summary @Myself 📅 2025-11-18 🔺 #task ❌ "
                  "2025-11-15\n");
  ASSERT_STR_EQ(got, want);
  free(got);
  free(want);
  close_doc(&d, 1);
}

static void test_all_proposed(void) {
  const char *text = "# Tasks\n"
                     "- [ ?] one #proposed #task\n"
                     "- [ ] not proposed\n"
                     "- [?] two #proposed   \n"
                     "- [?] three 📅 2025-11-20 #proposed #task @Ana\n"
                     "- [?] four without the tag\n";
  doc_t d;
  open_doc(&d, "Scratch/all.md", text);
  char *got = run_action(&d, 0, 0, 0, 0, "Accept all proposed tasks");
  ASSERT_STR_EQ(got, "# Tasks\n"
                     "- [ ] one #task\n"
                     "- [ ] not proposed\n"
                     "- [ ] two   \n"
                     "- [ ] three 📅 2025-11-20 #task @Ana\n"
                     "- [?] four without the tag\n");
  free(got);
  got = run_action(&d, 0, 0, 0, 0, "Reject all proposed tasks");
  ASSERT_STR_EQ(got, "# Tasks\n"
                     "- [-] one #task ❌ 2025-11-15\n"
                     "- [ ] not proposed\n"
                     "- [-] two ❌ 2025-11-15   \n"
                     "- [-] three 📅 2025-11-20 #task @Ana ❌ 2025-11-15\n"
                     "- [?] four without the tag\n");
  free(got);
  /* the same edit through workspace/executeCommand */
  json_t *params = json_pack("{s:s, s:[s]}", "command", "notes-lsp.rejectAllProposedTasks",
                             "arguments", d.uri);
  json_t *result = NULL;
  char err[256] = "";
  ASSERT_EQ(nl_feature_execute_command(&ctx, params, &result, err, sizeof err), 0);
  ASSERT(json_is_null(result));
  json_decref(result);
  json_decref(params);
  ASSERT(applied_edit != NULL);
  ASSERT_STR_EQ(applied_label, "Reject all proposed tasks");
  json_t *version = json_integer(7);
  got = apply_edits(d.text, d.len, edits_for(applied_edit, d.uri, version));
  json_decref(version);
  ASSERT(got != NULL && strstr(got, "- [-] two ❌ 2025-11-15   \n") != NULL);
  free(got);
  close_doc(&d, 0);
}

static void test_complete_task(void) {
  const char *text = "- [ ] open 📅 2025-11-01  \n- [/] going\n- [x] done ✅ 2025-11-01\n";
  doc_t d;
  open_doc(&d, "Scratch/complete.md", text);
  char *got = run_action(&d, 0, 0, 0, 0, "Complete task");
  ASSERT_STR_EQ(got, "- [x] open 📅 2025-11-01 ✅ 2025-11-15  \n- [/] going\n- [x] done ✅ "
                     "2025-11-01\n");
  free(got);
  got = run_action(&d, 1, 3, 1, 3, "Complete task");
  ASSERT_STR_EQ(got, "- [ ] open 📅 2025-11-01  \n- [x] going ✅ 2025-11-15\n- [x] done ✅ "
                     "2025-11-01\n");
  free(got);
  json_t *acts = code_actions(&d, 2, 0, 2, 0, NULL); /* done: nothing to complete */
  ASSERT(action(acts, "Complete task") == NULL);
  json_decref(acts);
  close_doc(&d, 0);

  /* a block id stays last, as Obsidian Tasks keeps it */
  open_doc(&d, "Scratch/complete.md", "- [ ] open ^task-1\n- [?] maybe #proposed ^q2 \n");
  got = run_action(&d, 0, 0, 0, 0, "Complete task");
  ASSERT_STR_EQ(got, "- [x] open ✅ 2025-11-15 ^task-1\n- [?] maybe #proposed ^q2 \n");
  free(got);
  got = run_action(&d, 1, 0, 1, 0, "Reject proposed task");
  ASSERT_STR_EQ(got, "- [ ] open ^task-1\n- [-] maybe ❌ 2025-11-15 ^q2 \n");
  free(got);
  got = run_action(&d, 1, 0, 1, 0, "Accept proposed task");
  ASSERT_STR_EQ(got, "- [ ] open ^task-1\n- [ ] maybe ^q2 \n");
  free(got);
  close_doc(&d, 0);
}

static void test_accept_keeps_status(void) {
  doc_t d;
  open_doc(&d, "Scratch/keep.md", "- [/] started already #proposed\n");
  char *got = run_action(&d, 0, 0, 0, 0, "Accept proposed task");
  ASSERT_STR_EQ(got, "- [/] started already\n");
  free(got);
  got = run_action(&d, 0, 0, 0, 0, "Reject proposed task");
  ASSERT_STR_EQ(got, "- [-] started already ❌ 2025-11-15\n");
  free(got);
  close_doc(&d, 0);
}

static void test_complete_recurring(void) {
  const char *text = "# Chores\n"
                     "  - [ ] Water 🔁 every week 🛫 2025-11-10 📅 2025-11-14 🆔 w1 ^w\n"
                     "- [ ] Bins 🔁 every weekday when done 📅 2025-11-03 🏁 delete\n"
                     "- [ ] Odd 🔁 every blue moon 📅 2025-11-03\n"
                     "- [ ] Once 🏁 delete\n";
  doc_t d;
  open_doc(&d, "Scratch/recurring.md", text);
  /* The next occurrence goes above, dates moved as Tasks moves them, without the id and the
   * block id; the completed line gets ✅ today before its block id. */
  char *got = run_action(&d, 1, 4, 1, 4, "Complete task");
  char *want = replaced(text, "  - [ ] Water 🔁 every week 🛫 2025-11-10 📅 2025-11-14 🆔 w1 ^w\n",
                        "  - [ ] Water 🔁 every week 🛫 2025-11-17 📅 2025-11-21\n"
                        "  - [x] Water 🔁 every week 🛫 2025-11-10 📅 2025-11-14 🆔 w1 ✅ "
                        "2025-11-15 ^w\n");
  ASSERT_STR_EQ(got, want);
  free(got);
  free(want);
  /* when done counts from today (a Saturday: next weekday Monday); 🏁 delete drops the line */
  got = run_action(&d, 2, 0, 2, 0, "Complete task");
  want = replaced(text, "- [ ] Bins 🔁 every weekday when done 📅 2025-11-03 🏁 delete\n",
                  "- [ ] Bins 🔁 every weekday when done 📅 2025-11-17 🏁 delete\n");
  ASSERT_STR_EQ(got, want);
  free(got);
  free(want);
  /* a rule Tasks does not read: completed, no next occurrence */
  got = run_action(&d, 3, 0, 3, 0, "Complete task");
  want = replaced(text, "- [ ] Odd 🔁 every blue moon 📅 2025-11-03\n",
                  "- [x] Odd 🔁 every blue moon 📅 2025-11-03 ✅ 2025-11-15\n");
  ASSERT_STR_EQ(got, want);
  free(got);
  free(want);
  got = run_action(&d, 4, 0, 4, 0, "Complete task");
  want = replaced(text, "- [ ] Once 🏁 delete\n", "");
  ASSERT_STR_EQ(got, want);
  free(got);
  free(want);
  close_doc(&d, 0);
}

/* A note whose emoji went through Mac Roman: 📅 as "üìÖ" (its lead lost), ⏫ as "‚è´". */
static void test_mojibake_note(void) {
  const char *text = "# Sync\n"
                     "- [ ?] Send the quote @Ana üìÖ 2025-11-10 ‚è´ #proposed\n"
                     "- [ ] Book the room üìÖ 2025-11-20\n";
  doc_t d;
  open_doc(&d, "Scratch/mac.md", text);
  nl_diag_list dl;
  nl_diag_list_init(&dl);
  nl_entry *e = nl_ws_by_path(ws, d.abs);
  ASSERT(e != NULL);
  size_t len;
  ASSERT_EQ(nl_diagnose(ws, e, text, strlen(text), ctx.today, &dl), 0);
  int overdue = 0, proposed = 0, moji = 0;
  for (size_t i = 0; i < dl.n; i++) {
    const nl_diag *g = &dl.items[i];
    if (strcmp(g->code, NL_DIAG_OVERDUE_TASK) == 0) {
      overdue++;
      ASSERT_EQ(g->range.start.line, 1);
      ASSERT_STR_EQ(g->message, "overdue since 2025-11-10 (5 days)");
    }
    if (strcmp(g->code, NL_DIAG_PROPOSED_TASK) == 0) {
      proposed++;
      ASSERT(strstr(g->message, "due 2025-11-10") != NULL);
    }
    moji += strcmp(g->code, NL_DIAG_MOJIBAKE) == 0;
  }
  nl_diag_list_free(&dl);
  ASSERT_EQ(overdue, 1);
  ASSERT_EQ(proposed, 1);
  ASSERT(moji >= 2); /* the repair stays on offer */
  (void)len;
  char *got = run_action(&d, 1, 0, 1, 0, "Accept proposed task");
  ASSERT_STR_EQ(got, "# Sync\n"
                     "- [ ] Send the quote @Ana üìÖ 2025-11-10 ‚è´\n"
                     "- [ ] Book the room üìÖ 2025-11-20\n");
  free(got);
  got = run_action(&d, 1, 0, 1, 0, "Repair text encoding in the whole note");
  ASSERT_STR_EQ(got, "# Sync\n"
                     "- [ ?] Send the quote @Ana 📅 2025-11-10 ⏫ #proposed\n"
                     "- [ ] Book the room 📅 2025-11-20\n");
  free(got);
  close_doc(&d, 0);
}

/* "[?]" is a theme's question by default; tasks.questionIsProposed makes it proposed. */
static void test_question_setting(void) {
  const char *text = "- [?] Which rack? 📅 2025-11-20\n";
  doc_t d;
  open_doc(&d, "Scratch/question.md", text);
  json_t *acts = code_actions(&d, 0, 0, 0, 0, NULL);
  ASSERT(action(acts, "Accept proposed task") == NULL);
  ASSERT(action(acts, "Complete task") != NULL);
  json_decref(acts);
  nl_config *on = nl_config_copy(cfg);
  ASSERT(on != NULL);
  on->tasks.question_is_proposed = 1;
  nl_ws_set_config(ws, on);
  char *got = run_action(&d, 0, 0, 0, 0, "Accept proposed task");
  ASSERT_STR_EQ(got, "- [ ] Which rack? 📅 2025-11-20\n");
  free(got);
  got = run_action(&d, 0, 0, 0, 0, "Reject proposed task");
  ASSERT_STR_EQ(got, "- [-] Which rack? 📅 2025-11-20 ❌ 2025-11-15\n");
  free(got);
  nl_ws_set_config(ws, cfg);
  nl_config_free(on);
  close_doc(&d, 0);
}

static void test_crlf_kept(void) {
  const char *text = "# CRLF\r\n- [ ?] a #proposed\r\n- [?] b #proposed #task\r\n- [ ] c\r\n";
  doc_t d;
  open_doc(&d, "Scratch/crlf.md", text);
  char *got = run_action(&d, 0, 0, 0, 0, "Reject all proposed tasks");
  ASSERT_STR_EQ(got, "# CRLF\r\n- [-] a ❌ 2025-11-15\r\n- [-] b #task ❌ 2025-11-15\r\n"
                     "- [ ] c\r\n");
  free(got);
  got = run_action(&d, 3, 0, 3, 0, "Complete task");
  ASSERT_STR_EQ(got, "# CRLF\r\n- [ ?] a #proposed\r\n- [?] b #proposed #task\r\n"
                     "- [x] c ✅ 2025-11-15\r\n");
  free(got);
  close_doc(&d, 0);
}

static void test_only_filter(void) {
  doc_t d;
  open_doc(&d, KICKOFF, NULL);
  json_t *acts = code_actions(&d, 27, 0, 28, 0, "source");
  size_t i;
  json_t *a;
  ASSERT(json_array_size(acts) >= 2);
  json_array_foreach(acts, i, a) {
    ASSERT(strncmp(json_string_value(json_object_get(a, "kind")), "source.", 7) == 0);
  }
  json_decref(acts);
  acts = code_actions(&d, 27, 0, 28, 0, "source.notesLsp.acceptAllProposed");
  ASSERT_EQ(json_array_size(acts), 1);
  json_decref(acts);
  /* a whole-line selection of line 28 ends at 29:0 and does not take line 29's task */
  acts = code_actions(&d, 27, 0, 28, 0, "quickfix");
  ASSERT_EQ(json_array_size(acts), 2);
  json_decref(acts);
  acts = code_actions(&d, 27, 0, 28, 3, "quickfix");
  ASSERT_EQ(json_array_size(acts), 4);
  json_decref(acts);
  acts = code_actions(&d, 27, 0, 28, 0, "refactor");
  ASSERT_EQ(json_array_size(acts), 0);
  json_decref(acts);
  /* a line that is no task: no task actions */
  acts = code_actions(&d, 23, 5, 23, 5, "quickfix");
  ASSERT_EQ(json_array_size(acts), 0);
  json_decref(acts);
  acts = code_actions(&d, 23, 5, 23, 5, NULL);
  json_array_foreach(acts, i, a) {
    ASSERT(strcmp(json_string_value(json_object_get(a, "kind")), "quickfix") != 0);
  }
  json_decref(acts);
  close_doc(&d, 1);
}

static void test_create_note(void) {
  doc_t d;
  open_doc(&d, KICKOFF, NULL);
  json_t *acts = code_actions(&d, 42, 5, 42, 5, "quickfix");
  const json_t *a = action(acts, "Create note 'Northwind Traders'");
  ASSERT(a != NULL);
  const json_t *dc = json_object_get(json_object_get(a, "edit"), "documentChanges");
  ASSERT_EQ(json_array_size(dc), 2);
  const json_t *create = json_array_get(dc, 0);
  char *uri = nl_path_to_uri(NL_TEST_VAULT "/Northwind Traders.md");
  ASSERT_STR_EQ(json_string_value(json_object_get(create, "kind")), "create");
  ASSERT_STR_EQ(json_string_value(json_object_get(create, "uri")), uri);
  /* Neither flag: the create fails on a file that appeared meanwhile, and so does the edit. */
  ASSERT(json_is_false(json_object_get(json_object_get(create, "options"), "ignoreIfExists")));
  ASSERT(json_is_false(json_object_get(json_object_get(create, "options"), "overwrite")));
  const json_t *tde = json_array_get(dc, 1);
  ASSERT_STR_EQ(json_string_value(json_object_get(json_object_get(tde, "textDocument"), "uri")),
                uri);
  ASSERT(json_is_null(json_object_get(json_object_get(tde, "textDocument"), "version")));
  const json_t *ed = json_array_get(json_object_get(tde, "edits"), 0);
  ASSERT_STR_EQ(json_string_value(json_object_get(ed, "newText")), "# Northwind Traders\n");
  json_t *origin = nl_lsp_range_json(0, 0, 0, 0);
  int at_origin = json_equal(json_object_get(ed, "range"), origin);
  json_decref(origin);
  ASSERT(at_origin);
  free(uri);
  json_decref(acts);
  close_doc(&d, 1);

  /* a person goes to the person folder with its frontmatter */
  doc_t p;
  open_doc(&p, "Scratch/person.md", "Met @Priya Natarajan: today\n");
  acts = code_actions(&p, 0, 6, 0, 6, NULL);
  a = action(acts, "Create person note 'Priya Natarajan'");
  ASSERT(a != NULL);
  dc = json_object_get(json_object_get(a, "edit"), "documentChanges");
  uri = nl_path_to_uri(NL_TEST_VAULT "/People/Priya Natarajan.md");
  ASSERT_STR_EQ(json_string_value(json_object_get(json_array_get(dc, 0), "uri")), uri);
  free(uri);
  ed = json_array_get(json_object_get(json_array_get(dc, 1), "edits"), 0);
  ASSERT_STR_EQ(json_string_value(json_object_get(ed, "newText")),
                "---\ntype: person\ntitle: Priya Natarajan\n---\n# Priya Natarajan\n");
  json_decref(acts);
  /* no resource operations, no create action */
  caps.create_files = 0;
  acts = code_actions(&p, 0, 6, 0, 6, NULL);
  ASSERT(action(acts, "Create person note 'Priya Natarajan'") == NULL);
  json_decref(acts);
  caps.create_files = 1;
  close_doc(&p, 0);
}

static void test_repair_encoding(void) {
  doc_t d;
  open_doc(&d, CRM, NULL); /* BOM and CRLF kept in the document */
  char *got = run_action(&d, 7, 2, 7, 2, "Repair text encoding");
  ASSERT(got != NULL);
  ASSERT(strstr(got, "\r\nLéa’s team asked for the renewal quote â€” see") != NULL);
  free(got);
  got = run_action(&d, 0, 0, 0, 0, "Repair text encoding in the whole note");
  size_t want_len = 0;
  char *want = nl_mojibake_repair(d.text, d.len, &want_len);
  ASSERT(got != NULL);
  ASSERT_STR_EQ(got, want);
  ASSERT(strstr(got, "- [ ] Send the renewal quote @Léa Dubois 📅 2025-11-20 #task\r\n") != NULL);
  ASSERT(memcmp(got, "\xEF\xBB\xBF---\r\n", 8) == 0);
  free(want);
  free(got);
  close_doc(&d, 1);
}

static void test_changes_map(void) {
  caps.document_changes = 0;
  doc_t d;
  open_doc(&d, KICKOFF, NULL);
  json_t *acts = code_actions(&d, 27, 0, 27, 0, "quickfix");
  const json_t *a = action(acts, "Accept proposed task");
  ASSERT(a != NULL);
  const json_t *edit = json_object_get(a, "edit");
  ASSERT(json_object_get(edit, "documentChanges") == NULL);
  ASSERT_EQ(json_array_size(json_object_get(json_object_get(edit, "changes"), d.uri)), 2);
  ASSERT(action(acts, "Create note 'Northwind Traders'") == NULL);
  json_decref(acts);
  close_doc(&d, 1);
  caps.document_changes = 1;
}

static void test_execute_command_errors(void) {
  json_t *result = NULL;
  char err[256] = "";
  json_t *p = json_pack("{s:s, s:[s]}", "command", "notes-lsp.frobnicate", "arguments", "x");
  ASSERT_EQ(nl_feature_execute_command(&ctx, p, &result, err, sizeof err),
            NL_RPC_INVALID_PARAMS);
  ASSERT_STR_EQ(err, "unknown command 'notes-lsp.frobnicate'");
  json_decref(p);
  p = json_pack("{s:s}", "command", "notes-lsp.acceptAllProposedTasks");
  ASSERT_EQ(nl_feature_execute_command(&ctx, p, &result, err, sizeof err),
            NL_RPC_INVALID_PARAMS);
  json_decref(p);
  p = json_pack("{s:s, s:[s]}", "command", "notes-lsp.acceptAllProposedTasks", "arguments",
                "file:///not/in/the/vault.md");
  ASSERT_EQ(nl_feature_execute_command(&ctx, p, &result, err, sizeof err),
            NL_RPC_INVALID_PARAMS);
  json_decref(p);
  p = json_pack("{s:i}", "command", 3);
  ASSERT_EQ(nl_feature_execute_command(&ctx, p, &result, err, sizeof err),
            NL_RPC_INVALID_PARAMS);
  json_decref(p);
  ASSERT_STR_EQ(nl_feature_commands[0], "notes-lsp.acceptAllProposedTasks");
  ASSERT_STR_EQ(nl_feature_commands[1], "notes-lsp.rejectAllProposedTasks");
  ASSERT_STR_EQ(nl_feature_commands[2], "notes-lsp.tasks");
  ASSERT(nl_feature_commands[3] == NULL);
  /* codeAction with bad params */
  p = json_pack("{s:{s:s}}", "textDocument", "uri", "file:///x.md");
  ASSERT_EQ(nl_feature_code_action(&ctx, p, &result, err, sizeof err), NL_RPC_INVALID_PARAMS);
  json_decref(p);
}

/* Random notes built from the constructs actions touch: every action on every line must give
 * edits that apply without overlapping, in every encoding. Deterministic (a fixed LCG). */
static void test_random_notes_edits_apply(void) {
  static const char *const parts[] = {
      "- [ ?] ", "- [?] ", "- [ ] ", "- [/] ", "- [x] ", "#proposed", " #proposed", "📅 ",
      "2025-11-31", "2025-11-01", "✅ 2025-11-02", "❌", "@Ana Ruiz", "@Nobody Here", "@",
      "[[Apollo]]", "[[Nowhere]]", "[[Project Atlas#Nope]]", "LÃ©a", "â€™", "ðŸ“…", " ",
      "  ", "\n", "\r\n", "\t", "^blk-1", "é", "王芳", "\xff", "```\n", "---\n",
      "title: [x\n", "word"};
  uint32_t seed = 12345;
  size_t applied = 0;
  for (int round = 0; round < 150; round++) {
    char text[2048];
    size_t n = 0;
    int pieces = 5 + round % 40;
    for (int k = 0; k < pieces; k++) {
      seed = seed * 1103515245u + 12345u;
      const char *p = parts[(seed >> 16) % (sizeof parts / sizeof parts[0])];
      size_t pl = strlen(p);
      if (n + pl >= sizeof text) break;
      memcpy(text + n, p, pl);
      n += pl;
    }
    text[n] = '\0';
    doc_t d;
    open_doc(&d, "Scratch/random.md", text);
    ctx.enc = (nl_encoding)(round % 3);
    caps.document_changes = round % 2;
    json_t *version = json_integer(7);
    for (uint32_t line = 0; line < 12; line++) {
      json_t *acts = code_actions(&d, line, 0, line, 200, NULL);
      size_t i;
      json_t *a;
      json_array_foreach(acts, i, a) {
        const char *title = json_string_value(json_object_get(a, "title"));
        if (strncmp(title, "Create ", 7) == 0) continue;
        const json_t *edits = edits_for(json_object_get(a, "edit"), d.uri, version);
        ASSERT(edits != NULL);
        char *got = apply_edits(d.text, d.len, edits);
        if (got == NULL) fprintf(stderr, "round %d line %u: '%s' overlaps\n", round, line, title);
        ASSERT(got != NULL);
        free(got);
        applied++;
      }
      json_decref(acts);
    }
    json_decref(version);
    close_doc(&d, 0);
  }
  ctx.enc = NL_ENC_UTF16;
  caps.document_changes = 1;
  ASSERT(applied > 500); /* the notes did hold tasks, tags and mojibake */
}

/* ---- diagnostics as LSP JSON ------------------------------------------------------------- */

static void test_diagnostics_json(void) {
  doc_t d;
  open_doc(&d, KICKOFF, NULL);
  json_t *params = json_pack("{s:{s:s}}", "textDocument", "uri", d.uri);
  json_t *result = NULL;
  char err[256];
  ASSERT_EQ(nl_ctx_result_tree(nl_feature_diagnostic(&ctx, params, &result, err, sizeof err), &result), 0);
  ASSERT_STR_EQ(json_string_value(json_object_get(result, "kind")), "full");
  json_t *items = json_object_get(result, "items");
  ASSERT_EQ(json_array_size(items), 9);
  /* the overdue range on line 28 in UTF-16: after @Jonas Becker, before the date */
  size_t i;
  json_t *it;
  int seen = 0;
  json_array_foreach(items, i, it) {
    ASSERT_STR_EQ(json_string_value(json_object_get(it, "source")), "notes-lsp");
    if (strcmp(json_string_value(json_object_get(it, "code")), "overdue-task") != 0) continue;
    const json_t *r = json_object_get(it, "range");
    if (json_integer_value(json_object_get(json_object_get(r, "start"), "line")) != 27) continue;
    size_t col = (size_t)(strstr(L28, "📅") - L28);
    ASSERT_EQ(json_integer_value(json_object_get(json_object_get(r, "start"), "character")),
              col);
    ASSERT_EQ(json_integer_value(json_object_get(json_object_get(r, "end"), "character")),
              col + 2 + 1 + 10); /* 📅 is two UTF-16 units */
    ASSERT_EQ(json_integer_value(json_object_get(it, "severity")), 2);
    seen = 1;
  }
  ASSERT(seen);
  json_decref(result);
  json_decref(params);
  close_doc(&d, 1);

  /* not open: read from disk; relatedInformation only when the client takes it */
  nl_entry *daily = nl_ws_by_path(ws, NL_TEST_VAULT "/Daily/2025-11-06.md");
  json_t *arr = nl_feature_diagnostics_json(&ctx, daily);
  const json_t *amb = json_array_get(arr, 1); /* after the alias-link hint on line 3 */
  ASSERT_STR_EQ(json_string_value(json_object_get(amb, "code")), "ambiguous-link");
  const json_t *rel = json_object_get(amb, "relatedInformation");
  ASSERT_EQ(json_array_size(rel), 2);
  ASSERT_STR_EQ(json_string_value(json_object_get(json_array_get(rel, 0), "message")),
                "candidate: Archive/Apollo.md");
  ASSERT_STR_EQ(json_string_value(json_object_get(
                    json_object_get(json_array_get(rel, 0), "location"), "uri")),
                nl_ws_by_path(ws, NL_TEST_VAULT "/Archive/Apollo.md")->uri);
  json_decref(arr);
  caps.related_info = 0;
  arr = nl_feature_diagnostics_json(&ctx, daily);
  ASSERT(json_object_get(json_array_get(arr, 0), "relatedInformation") == NULL);
  json_decref(arr);
  caps.related_info = 1;

  /* mojibake carries its repair */
  nl_entry *crm = nl_ws_by_path(ws, NL_TEST_VAULT "/" CRM);
  arr = nl_feature_diagnostics_json(&ctx, crm);
  ASSERT_STR_EQ(json_string_value(json_object_get(json_object_get(json_array_get(arr, 0), "data"),
                                                  "repaired")),
                "Léa’s");
  json_decref(arr);

  /* a document outside the vault has no diagnostics */
  params = json_pack("{s:{s:s}}", "textDocument", "uri", "file:///elsewhere/x.md");
  ASSERT_EQ(nl_ctx_result_tree(nl_feature_diagnostic(&ctx, params, &result, err, sizeof err), &result), 0);
  ASSERT_EQ(json_array_size(json_object_get(result, "items")), 0);
  json_decref(result);
  json_decref(params);
}

/* A closed note changed on disk since the index read it: the edit is computed on the bytes it
 * will be applied to, not with the old parse's ranges (issue 14, item 4). */
static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  ASSERT(f != NULL);
  fputs(text, f);
  fclose(f);
}

static void test_closed_note_changed_on_disk(void) {
  char dir[] = "/tmp/nl-code-action-XXXXXX";
  ASSERT(mkdtemp(dir) != NULL);
  char path[256];
  snprintf(path, sizeof path, "%s/Tasks.md", dir);
  write_file(path, "- [?] Call Ana \xF0\x9F\x93\x85 2025-11-20 #proposed\n");
  nl_workspace *w = nl_ws_new(&loop, cfg);
  int finished = 0;
  ASSERT(w != NULL && nl_ws_add_root(w, dir) == 0 && nl_ws_scan(w, on_progress, &finished) == 0);
  while (!finished && uv_run(&loop, UV_RUN_ONCE) != 0) {
  }
  nl_entry *e = nl_ws_by_path(w, path);
  ASSERT(e != NULL);
  char *uri = strdup(e->uri);
  /* Changed behind the index's back: a line before the task, and a longer description. */
  const char *now = "# Added on disk \xE2\x80\x94 later\n"
                    "- [?] Call Ana Ruiz about it \xF0\x9F\x93\x85 2025-11-20 #proposed\n";
  write_file(path, now);
  nl_ctx c = ctx;
  c.ws = w;
  json_t *p = json_pack("{s:s, s:[s]}", "command", "notes-lsp.acceptAllProposedTasks",
                        "arguments", uri);
  json_t *result = NULL;
  char err[256] = "";
  ASSERT_EQ(nl_feature_execute_command(&c, p, &result, err, sizeof err), 0);
  json_decref(p);
  json_decref(result);
  ASSERT(applied_edit != NULL);
  const json_t *edits = edits_for(applied_edit, uri, json_null()); /* closed: no version */
  ASSERT(edits != NULL);
  char *got = apply_edits(now, strlen(now), edits);
  ASSERT(got != NULL);
  ASSERT_STR_EQ(got, "# Added on disk \xE2\x80\x94 later\n"
                     "- [ ] Call Ana Ruiz about it \xF0\x9F\x93\x85 2025-11-20\n");
  free(got);
  /* The same through textDocument/codeAction on the closed note. */
  p = json_pack("{s:{s:s}, s:o, s:{s:[]}}", "textDocument", "uri", uri, "range",
                nl_lsp_range_json(1, 3, 1, 3), "context", "diagnostics");
  ASSERT_EQ(nl_feature_code_action(&c, p, &result, err, sizeof err), 0);
  json_decref(p);
  const json_t *a = action(result, "Reject proposed task");
  ASSERT(a != NULL);
  edits = edits_for(json_object_get(a, "edit"), uri, json_null());
  ASSERT(edits != NULL);
  got = apply_edits(now, strlen(now), edits);
  ASSERT(got != NULL);
  ASSERT_STR_EQ(got, "# Added on disk \xE2\x80\x94 later\n"
                     "- [-] Call Ana Ruiz about it \xF0\x9F\x93\x85 2025-11-20 "
                     "\xE2\x9D\x8C 2025-11-15\n");
  free(got);
  json_decref(result);
  free(uri);
  nl_ws_free(w);
  unlink(path);
  rmdir(dir);
}

int main(void) {
  if (setup() != 0) {
    fprintf(stderr, "cannot index %s\n", NL_TEST_VAULT);
    return 1;
  }
  RUN(test_accept_reject_utf16);
  RUN(test_accept_reject_utf8);
  RUN(test_accept_reject_utf32);
  RUN(test_emoji_columns);
  RUN(test_bare_question_form);
  RUN(test_all_proposed);
  RUN(test_complete_task);
  RUN(test_complete_recurring);
  RUN(test_accept_keeps_status);
  RUN(test_mojibake_note);
  RUN(test_question_setting);
  RUN(test_crlf_kept);
  RUN(test_only_filter);
  RUN(test_create_note);
  RUN(test_repair_encoding);
  RUN(test_changes_map);
  RUN(test_execute_command_errors);
  RUN(test_random_notes_edits_apply);
  RUN(test_diagnostics_json);
  RUN(test_closed_note_changed_on_disk);
  char err[256];
  if (nl_ws_check(ws, err, sizeof err) != 0) {
    fprintf(stderr, "index check failed: %s\n", err);
    return 1;
  }
  teardown();
  return NL_TEST_DONE();
}
