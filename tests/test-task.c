/* test-task.c: task status markers, Obsidian Tasks emoji fields, the description, and dates. */
#include <stdint.h>

#include "lsp/note/note.h"
#include "lsp/note/task.h"
#include "tests/test.h"

static nl_note *parse(const char *s) { return nl_note_parse(s, strlen(s)); }

static const nl_task *only_task(const nl_note *n) { return n != NULL && n->n_tasks == 1 ? &n->tasks[0] : NULL; }

/* ---- dates ------------------------------------------------------------------------------- */

static void test_date_parse(void) {
  int32_t d = 12345;
  ASSERT_EQ(nl_date_parse("1970-01-01", 10, &d), 0);
  ASSERT_EQ(d, 0);
  ASSERT_EQ(nl_date_parse("1969-12-31", 10, &d), 0);
  ASSERT_EQ(d, -1);
  ASSERT_EQ(nl_date_parse("2025-11-06", 10, &d), 0);
  ASSERT_EQ(d, 20398);
  ASSERT_EQ(nl_date_parse("2000-02-29", 10, &d), 0);
  ASSERT_EQ(d, 11016);
  ASSERT_EQ(nl_date_parse("0000-01-01", 10, &d), 0);
  ASSERT_EQ(d, -719528);
  d = 7;
  ASSERT_EQ(nl_date_parse("2025-11-31", 10, &d), -1);
  ASSERT_EQ(d, 7); /* untouched on failure */
  ASSERT_EQ(nl_date_parse("1900-02-29", 10, &d), -1);
  ASSERT_EQ(nl_date_parse("2025-02-29", 10, &d), -1);
  ASSERT_EQ(nl_date_parse("2024-02-29", 10, &d), 0);
  ASSERT_EQ(nl_date_parse("2025-13-01", 10, &d), -1);
  ASSERT_EQ(nl_date_parse("2025-00-10", 10, &d), -1);
  ASSERT_EQ(nl_date_parse("2025-01-00", 10, &d), -1);
  ASSERT_EQ(nl_date_parse("2025-1-5", 8, &d), -1);
  ASSERT_EQ(nl_date_parse("2025-01-05x", 11, &d), -1);
  ASSERT_EQ(nl_date_parse("2025-01-0", 9, &d), -1);
  ASSERT_EQ(nl_date_parse("2025/01/05", 10, &d), -1);
  ASSERT_EQ(nl_date_parse("+025-01-05", 10, &d), -1);
  ASSERT_EQ(nl_date_parse(NULL, 10, &d), -1);
}

static void test_date_format_round_trip(void) {
  char buf[11];
  nl_date_format(0, buf);
  ASSERT_STR_EQ(buf, "1970-01-01");
  nl_date_format(-1, buf);
  ASSERT_STR_EQ(buf, "1969-12-31");
  nl_date_format(20423, buf);
  ASSERT_STR_EQ(buf, "2025-12-01");
  /* Every day of four centuries, across a non-leap 1900 and a leap 2000. */
  for (int32_t day = -30000; day < 120000; day++) {
    int32_t back = INT32_MIN;
    nl_date_format(day, buf);
    ASSERT_EQ(strlen(buf), 10);
    ASSERT_EQ(nl_date_parse(buf, 10, &back), 0);
    ASSERT_EQ(back, day);
  }
  nl_date_format(INT32_MIN, buf); /* clamped, still 10 characters */
  ASSERT_STR_EQ(buf, "0000-01-01");
  nl_date_format(INT32_MAX, buf);
  ASSERT_STR_EQ(buf, "9999-12-31");
}

/* ---- markers ----------------------------------------------------------------------------- */

static void check_status(const char *line, nl_task_status want, const char *symbol, uint32_t end) {
  nl_note *n = parse(line);
  const nl_task *t = only_task(n);
  if (t == NULL) fprintf(stderr, "  no single task in \"%s\"\n", line);
  ASSERT(t != NULL);
  ASSERT_EQ(t->status, want);
  ASSERT_STR_EQ(t->symbol, symbol);
  ASSERT_EQ(nl_task_status_cols(t).a, 2);
  ASSERT_EQ(nl_task_status_cols(t).b, end);
  nl_note_free(n);
}

static void test_status_markers(void) {
  check_status("- [ ] open", NL_TASK_OPEN, " ", 5);
  check_status("- [x] done", NL_TASK_DONE, "x", 5);
  check_status("- [X] done", NL_TASK_DONE, "X", 5);
  check_status("- [-] cancelled", NL_TASK_CANCELLED, "-", 5);
  check_status("- [/] going", NL_TASK_IN_PROGRESS, "/", 5);
  check_status("- [?] a question", NL_TASK_OPEN, "?", 5); /* unknown symbols are todo */
  check_status("- [ ?] proposed with a space", NL_TASK_OPEN, "?", 6);
  check_status("- [>] forwarded", NL_TASK_OPEN, ">", 5);
  check_status("- [\xE2\x9C\x93] a check mark", NL_TASK_OPEN, "\xE2\x9C\x93", 7);
  check_status("* [ ] star", NL_TASK_OPEN, " ", 5);
  check_status("+ [ ] plus", NL_TASK_OPEN, " ", 5);
  check_status("- [ ]", NL_TASK_OPEN, " ", 5); /* at the end of the line */
}

static void test_not_tasks(void) {
  static const char *const lines[] = {
      "- [ x] no",      "- [x]nospace",   "- [] empty",     "- [xy] two",    "[ ] not a list",
      "- [x](a.md) link", "    - [ ] indented code", "```\n- [ ] fenced\n```", "- text [ ] later",
      "<!--\n- [ ] html\n-->",
  };
  for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
    nl_note *n = parse(lines[i]);
    ASSERT(n != NULL);
    if (n->n_tasks != 0) fprintf(stderr, "  task found in \"%s\"\n", lines[i]);
    ASSERT_EQ(n->n_tasks, 0);
    nl_note_free(n);
  }
}

static void test_ordered_and_nested(void) {
  nl_note *n = parse("1. [x] one\n2) [ ] two\n- outer\n  - [ ?] inner\n    * [/] innermost\n\t- [-] tab\n");
  ASSERT(n != NULL);
  ASSERT_EQ(n->n_tasks, 5);
  ASSERT_EQ(n->tasks[0].line, 0);
  ASSERT_EQ(nl_task_status_cols(&n->tasks[0]).a, 3);
  ASSERT_STR_EQ(n->tasks[0].description, "one");
  ASSERT_EQ(n->tasks[1].status, NL_TASK_OPEN);
  ASSERT_EQ(nl_task_status_cols(&n->tasks[1]).a, 3);
  ASSERT_EQ(n->tasks[2].line, 3);
  ASSERT_EQ(n->tasks[2].proposed, NL_PROPOSED_WIDE);
  ASSERT_EQ(nl_task_status_cols(&n->tasks[2]).a, 4);
  ASSERT_EQ(nl_task_status_cols(&n->tasks[2]).b, 8);
  ASSERT_EQ(n->tasks[3].line, 4);
  ASSERT_EQ(n->tasks[3].status, NL_TASK_IN_PROGRESS);
  ASSERT_EQ(nl_task_status_cols(&n->tasks[3]).a, 6);
  ASSERT_EQ(n->tasks[4].line, 5);
  ASSERT_EQ(n->tasks[4].status, NL_TASK_CANCELLED);
  ASSERT_EQ(nl_task_status_cols(&n->tasks[4]).a, 3);
  nl_note_free(n);
}

/* ---- fields: ranges (the values are in tests/cases/tasks) -------------------------------- */

static void test_field_ranges(void) {
  /* cols: "- [ ] Do it " is 12 bytes; 🔁 4, 🆔 4, ⛔ 3, ⏫ 3, ➕ 3, 🛫 4, ⏳ 3, 📅 4, ❌ 3, ✅ 3. */
  const char *s = "- [ ] Do it \xF0\x9F\x94\x81 every week \xF0\x9F\x86\x94 abc-1 \xE2\x9B\x94 x1,y2 "
                  "\xE2\x8F\xAB \xE2\x9E\x95 2025-11-01 \xF0\x9F\x9B\xAB 2025-11-07 \xE2\x8F\xB3 "
                  "2025-11-08 \xF0\x9F\x93\x85 2025-11-10 \xE2\x9D\x8C 2025-11-11 \xE2\x9C\x85 "
                  "2025-11-09 ^blk";
  nl_note *n = parse(s);
  const nl_task *t = only_task(n);
  ASSERT(t != NULL);
  /* Tasks' own order: created, start, scheduled, due, cancelled, done. */
  static const int order[6] = {NL_DATE_CREATED, NL_DATE_START, NL_DATE_SCHEDULED, NL_DATE_DUE,
                               NL_DATE_CANCELLED, NL_DATE_DONE};
  static const uint32_t widths[6] = {3, 4, 3, 4, 3, 3};
  uint32_t col = 53;
  for (int i = 0; i < 6; i++) {
    const nl_task_date *d = nl_task_date_of(t, order[i]);
    ASSERT(d->present && d->valid);
    ASSERT_EQ(d->range.a, col);
    ASSERT_EQ(nl_task_date_value(t, d).start.col, col + widths[i] + 1);
    ASSERT_EQ(nl_task_date_value(t, d).end.col, col + widths[i] + 11);
    ASSERT_EQ(d->range.b, nl_task_date_value(t, d).end.col);
    col += widths[i] + 12;
  }
  nl_task_layout lay;
  ASSERT_EQ(nl_task_layout_of(t, s, strlen(s), &lay), 0);
  ASSERT_EQ(lay.recurrence.a, 12);
  ASSERT_EQ(lay.recurrence.b, 27);
  ASSERT_EQ(lay.id.a, 28);
  ASSERT_EQ(lay.depends.a, 39);
  ASSERT_EQ(lay.priority.a, 49);
  ASSERT_EQ(lay.priority.b, 52);
  ASSERT_EQ(lay.fields.a, 12);
  ASSERT_EQ(lay.fields.b, strlen(s) - 5);
  ASSERT_EQ(lay.description.a, 6);
  ASSERT_EQ(lay.description.b, 11);
  ASSERT_EQ(lay.on_completion.b, 0); /* no 🏁 */
  ASSERT_STR_EQ(nl_task_block_id(t), "blk");
  ASSERT_EQ(lay.block.a, strlen(s) - 4);
  ASSERT_STR_EQ(t->description, "Do it");
  ASSERT_EQ(nl_task_n_depends_on(t), 2);
  ASSERT_STR_EQ(nl_task_depends_on(t, 1), "y2");
  nl_note_free(n);
}

/* A date is 12 bytes: its day shares 32 bits with its flags, and the first and the last day a
 * four-digit year can name keep their value. */
static void test_date_extremes(void) {
  ASSERT_EQ(sizeof(nl_task_date), 12);
  nl_note *n = parse("- [ ] far \xe2\x8f\xb3 0000-01-01 \xf0\x9f\x93\x85 9999-12-31");
  const nl_task *t = only_task(n);
  ASSERT(t != NULL);
  int32_t last;
  ASSERT_EQ(nl_date_parse("9999-12-31", 10, &last), 0);
  const nl_task_date *due = nl_task_date_of(t, NL_DATE_DUE);
  const nl_task_date *sched = nl_task_date_of(t, NL_DATE_SCHEDULED);
  ASSERT(due->present && due->valid && sched->present && sched->valid);
  ASSERT_EQ(due->field, NL_DATE_DUE);
  ASSERT_EQ(due->days, last);
  ASSERT_EQ(sched->days, -719528);
  ASSERT(!nl_task_date_of(t, NL_DATE_START)->present);
  nl_note_free(n);
}

/* A task keeps its seldom fields apart: none of them costs a task nothing (48 bytes, no
 * nl_task_more), any one of them gets the others as NULL. */
static void test_seldom_fields_apart(void) {
  ASSERT_EQ(sizeof(nl_task), 48);
  nl_note *n = parse("- [ ] plain \xf0\x9f\x93\x85 2025-01-02 #task\n"
                     "- [ ] blocked ^b1\n"
                     "- [ ] later \xf0\x9f\x94\x81 every day\n");
  ASSERT_EQ(n->n_tasks, 3);
  const nl_task *t = &n->tasks[0];
  ASSERT(t->more == NULL);
  ASSERT(nl_task_recurrence(t) == NULL && nl_task_id(t) == NULL && nl_task_block_id(t) == NULL);
  ASSERT_EQ(nl_task_n_depends_on(t), 0);
  ASSERT_STR_EQ(t->description, "plain #task");
  t = &n->tasks[1];
  ASSERT(t->more != NULL);
  ASSERT_STR_EQ(nl_task_block_id(t), "b1");
  ASSERT(nl_task_recurrence(t) == NULL && nl_task_id(t) == NULL);
  ASSERT_EQ(nl_task_n_depends_on(t), 0);
  t = &n->tasks[2];
  ASSERT_STR_EQ(nl_task_recurrence(t), "every day");
  ASSERT(nl_task_block_id(t) == NULL);
  nl_note_free(n);
}

static void test_truncated_emoji_is_text(void) {
  /* The first three bytes of 📅 and a lone U+FE0F are not fields. */
  size_t k;
  nl_task_field_kind kind = NL_FIELD_NONE;
  int which = -1;
  ASSERT_EQ(nl_task_emoji("\xF0\x9F\x93", 3, &kind, &which), 0);
  ASSERT_EQ(nl_task_emoji("\xEF\xB8\x8F", 3, &kind, &which), 0);
  ASSERT_EQ(nl_task_emoji("\xF0\x9F\x93\x84", 4, &kind, &which), 0); /* 📄 */
  k = nl_task_emoji("\xF0\x9F\x93\x85\xEF\xB8\x8F", 7, &kind, &which);
  ASSERT_EQ(k, 7);
  ASSERT_EQ(kind, NL_FIELD_DATE);
  ASSERT_EQ(which, NL_DATE_DUE);
  ASSERT_EQ(nl_task_emoji("\xE2\x9B\x94\xEF\xB8", 5, &kind, &which), 3); /* half a selector */
  ASSERT_EQ(kind, NL_FIELD_DEPENDS);
}

static void test_owners_tags_and_proposed(void) {
  const char *s = "- [ ?] Call the bank @Ana Ruiz \xF0\x9F\x93\x85 2025-11-12 #task #proposed @Bob";
  nl_note *n = parse(s);
  const nl_task *t = only_task(n);
  ASSERT(t != NULL);
  uint32_t m0, t0;
  ASSERT_EQ(nl_task_owners(n, t, &m0), 2);
  ASSERT_STR_EQ(n->mentions[m0].tail, "Ana Ruiz");
  ASSERT_STR_EQ(n->mentions[m0 + 1].tail, "Bob");
  ASSERT_EQ(nl_task_tags(n, t, &t0), 2);
  ASSERT_STR_EQ(n->tags[t0].name, "task");
  ASSERT_EQ(t->proposed, NL_PROPOSED_WIDE | NL_PROPOSED_TAG);
  const nl_tag *proposed = &n->tags[t0 + 1];
  nl_brange pr = nl_note_tag_range(n, t0 + 1);
  ASSERT_STR_EQ(proposed->name, "proposed");
  ASSERT_MEM_EQ(s + pr.start.col, pr.end.col - pr.start.col, "#proposed", 9);
  /* "@Bob" ends the line, so nothing after it is a field: the date is description. */
  ASSERT(!nl_task_date_of(t, NL_DATE_DUE)->present);
  nl_note_free(n);
}

/* A task's owners and tags are found on its line (nl_task_owners, nl_task_tags), not kept:
 * frontmatter tags (whose `line` is a value's index) and mentions and tags on other lines
 * around the task are not its own. */
static void test_owners_and_tags_by_line(void) {
  const char *s = "---\ntags: [a, b, c, d, e, f, g]\n---\n"  /* lines 0-2 */
                  "@Zed and #z before\n"                        /* 3 */
                  "- [ ] one @Ana #x\n"                         /* 4: tags[1] is line 1 */
                  "- [ ] two\n"                                 /* 5 */
                  "  @Cy on the next line #y\n"                 /* 6: same paragraph */
                  "- [ ] three #p #q @Bo @Di\n";                /* 7 */
  nl_note *n = parse(s);
  ASSERT(n != NULL);
  ASSERT_EQ(n->n_tasks, 3);
  ASSERT_EQ(n->n_fm_tags, 7);
  uint32_t m0, t0;
  ASSERT_EQ(nl_task_owners(n, &n->tasks[0], &m0), 1);
  ASSERT_STR_EQ(n->mentions[m0].tail, "Ana");
  ASSERT_EQ(nl_task_tags(n, &n->tasks[0], &t0), 1);
  ASSERT_STR_EQ(n->tags[t0].name, "x");
  ASSERT_EQ(nl_task_owners(n, &n->tasks[1], &m0), 0);
  ASSERT_EQ(nl_task_tags(n, &n->tasks[1], &t0), 0);
  ASSERT_EQ(nl_task_owners(n, &n->tasks[2], &m0), 2);
  ASSERT_STR_EQ(n->mentions[m0].tail, "Bo");
  ASSERT_STR_EQ(n->mentions[m0 + 1].tail, "Di");
  ASSERT_EQ(nl_task_tags(n, &n->tasks[2], &t0), 2);
  ASSERT_STR_EQ(n->tags[t0].name, "p");
  ASSERT_STR_EQ(n->tags[t0 + 1].name, "q");
  nl_note_free(n);
}

static void test_proposed_settings(void) {
  nl_note *n = parse("- [?] a question\n- [ ?] wide\n- [ ] tagged #proposed\n- [ ] plain #proposedx\n");
  ASSERT(n != NULL);
  ASSERT_EQ(n->n_tasks, 4);
  nl_task_settings on = {0};
  on.question_is_proposed = 1;
  ASSERT(!nl_task_is_proposed(&n->tasks[0], NULL));
  ASSERT(nl_task_is_proposed(&n->tasks[0], &on));
  ASSERT(nl_task_is_proposed(&n->tasks[1], NULL));
  ASSERT(nl_task_is_proposed(&n->tasks[2], NULL));
  ASSERT(!nl_task_is_proposed(&n->tasks[3], &on));
  ASSERT_EQ(n->tasks[3].proposed & NL_PROPOSED_TAG, 0);
  nl_note_free(n);
}

static void test_custom_statuses(void) {
  nl_task_status_def defs[2] = {{">", "x", (char *)"Forwarded", NL_TASK_NON_TASK},
                                {"x", "", (char *)"Finished", NL_TASK_DONE}};
  nl_task_settings s = {defs, 2, 0};
  nl_note *n = parse("- [>] sent on\n- [x] done\n- [!] important\n");
  ASSERT(n != NULL);
  const char *name = NULL;
  ASSERT_EQ(nl_task_status_of(&n->tasks[0], &s), NL_TASK_NON_TASK);
  ASSERT(!nl_task_is_open(&n->tasks[0], &s));
  ASSERT(nl_task_is_open(&n->tasks[0], NULL));
  ASSERT_EQ(nl_task_symbol_type(&s, "x", &name), NL_TASK_DONE);
  ASSERT_STR_EQ(name, "Finished");
  ASSERT_EQ(nl_task_symbol_type(&s, "!", &name), NL_TASK_OPEN);
  ASSERT_STR_EQ(name, "Unknown");
  ASSERT_EQ(nl_task_status_parse("in_progress"), NL_TASK_IN_PROGRESS);
  ASSERT_EQ(nl_task_status_parse("doing"), -1);
  nl_note_free(n);
}

/* What "Complete task" writes, and the status of a recurring task's next occurrence. */
static void test_done_and_recurrence_symbols(void) {
  ASSERT_STR_EQ(nl_task_done_symbol(NULL), "x");
  ASSERT_STR_EQ(nl_task_recurrence_symbol(NULL, "x"), " ");
  nl_task_status_def defs[3] = {{"x", "", (char *)"Dropped", NL_TASK_CANCELLED},
                                {"d", "t", (char *)"Finished", NL_TASK_DONE},
                                {"t", "d", (char *)"Again", NL_TASK_OPEN}};
  nl_task_settings s = {defs, 3, 0};
  ASSERT_STR_EQ(nl_task_done_symbol(&s), "d");
  ASSERT_STR_EQ(nl_task_recurrence_symbol(&s, "d"), "t");
  /* a chain with no todo: in progress, else a space */
  nl_task_status_def loop[2] = {{"d", "p", (char *)"Done", NL_TASK_DONE},
                                {"p", "d", (char *)"Doing", NL_TASK_IN_PROGRESS}};
  nl_task_settings s2 = {loop, 2, 0};
  ASSERT_STR_EQ(nl_task_recurrence_symbol(&s2, "d"), "p");
  nl_task_status_def only[1] = {{"d", "d", (char *)"Done", NL_TASK_DONE}};
  nl_task_settings s3 = {only, 1, 0};
  ASSERT_STR_EQ(nl_task_recurrence_symbol(&s3, "d"), " ");
}

static void test_crlf_task(void) {
  nl_note *n = parse("- [x] done \xE2\x9C\x85 2025-11-06\r\n- [ ] next\r\n");
  ASSERT(n != NULL);
  ASSERT_EQ(n->n_tasks, 2);
  ASSERT(nl_task_date_of(&n->tasks[0], NL_DATE_DONE)->valid);
  ASSERT_EQ(nl_task_text_cols(&n->tasks[0]).b, 25);
  ASSERT_STR_EQ(n->tasks[1].description, "next");
  nl_note_free(n);
}

int main(void) {
  RUN(test_date_parse);
  RUN(test_date_format_round_trip);
  RUN(test_status_markers);
  RUN(test_not_tasks);
  RUN(test_ordered_and_nested);
  RUN(test_field_ranges);
  RUN(test_seldom_fields_apart);
  RUN(test_truncated_emoji_is_text);
  RUN(test_owners_tags_and_proposed);
  RUN(test_owners_and_tags_by_line);
  RUN(test_date_extremes);
  RUN(test_proposed_settings);
  RUN(test_custom_statuses);
  RUN(test_done_and_recurrence_symbols);
  RUN(test_crlf_task);
  return NL_TEST_DONE();
}
