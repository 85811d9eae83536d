/* test-task.c: task status markers, Obsidian Tasks emoji fields, the description, and dates. */
#include <stdint.h>

#include "lsp/note/note.h"
#include "lsp/note/task.h"
#include "tests/test.h"

static nl_note *parse(const char *s) { return nl_note_parse("t.md", s, strlen(s)); }

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

static void check_status(const char *line, nl_task_status want, char want_char, uint32_t end) {
  nl_note *n = parse(line);
  const nl_task *t = only_task(n);
  if (t == NULL) fprintf(stderr, "  no single task in \"%s\"\n", line);
  ASSERT(t != NULL);
  ASSERT_EQ(t->status, want);
  ASSERT_EQ(t->status_char, want_char);
  ASSERT_EQ(t->status_range.start.col, 2);
  ASSERT_EQ(t->status_range.end.col, end);
  nl_note_free(n);
}

static void test_status_markers(void) {
  check_status("- [ ] open", NL_TASK_OPEN, ' ', 5);
  check_status("- [x] done", NL_TASK_DONE, 'x', 5);
  check_status("- [X] done", NL_TASK_DONE, 'X', 5);
  check_status("- [-] cancelled", NL_TASK_CANCELLED, '-', 5);
  check_status("- [/] going", NL_TASK_IN_PROGRESS, '/', 5);
  check_status("- [?] proposed", NL_TASK_PROPOSED, '?', 5);
  check_status("- [ ?] proposed with a space", NL_TASK_PROPOSED, '?', 6);
  check_status("- [>] forwarded", NL_TASK_OTHER, '>', 5);
  check_status("* [ ] star", NL_TASK_OPEN, ' ', 5);
  check_status("+ [ ] plus", NL_TASK_OPEN, ' ', 5);
  check_status("- [ ]", NL_TASK_OPEN, ' ', 5); /* at the end of the line */
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
  ASSERT_EQ(n->tasks[0].status_range.start.col, 3);
  ASSERT_STR_EQ(n->tasks[0].text, "one");
  ASSERT_EQ(n->tasks[1].status, NL_TASK_OPEN);
  ASSERT_EQ(n->tasks[1].status_range.start.col, 3);
  ASSERT_EQ(n->tasks[2].line, 3);
  ASSERT_EQ(n->tasks[2].status, NL_TASK_PROPOSED);
  ASSERT_EQ(n->tasks[2].status_range.start.col, 4);
  ASSERT_EQ(n->tasks[2].status_range.end.col, 8);
  ASSERT_EQ(n->tasks[3].line, 4);
  ASSERT_EQ(n->tasks[3].status, NL_TASK_IN_PROGRESS);
  ASSERT_EQ(n->tasks[3].status_range.start.col, 6);
  ASSERT_EQ(n->tasks[4].line, 5);
  ASSERT_EQ(n->tasks[4].status, NL_TASK_CANCELLED);
  ASSERT_EQ(n->tasks[4].status_range.start.col, 3);
  nl_note_free(n);
}

/* ---- fields ------------------------------------------------------------------------------ */

static void test_all_fields(void) {
  /* cols: "- [ ] Do it " is 12 bytes; 📅 4, ⏳ 3, 🛫 4, ➕ 3, ✅ 3, ❌ 3, 🔁 4, 🆔 4, ⛔ 3, ⏫ 3. */
  const char *s = "- [ ] Do it \xF0\x9F\x93\x85 2025-11-10 \xE2\x8F\xB3 2025-11-08 \xF0\x9F\x9B\xAB "
                  "2025-11-07 \xE2\x9E\x95 2025-11-01 \xE2\x9C\x85 2025-11-09 \xE2\x9D\x8C "
                  "2025-11-11 \xF0\x9F\x94\x81 every week \xF0\x9F\x86\x94 abc-1 \xE2\x9B\x94 x1,y2 "
                  "\xE2\x8F\xAB now";
  nl_note *n = parse(s);
  const nl_task *t = only_task(n);
  ASSERT(t != NULL);
  static const uint32_t starts[NL_DATE__COUNT] = {12, 28, 43, 59, 74, 89};
  static const uint32_t widths[NL_DATE__COUNT] = {4, 3, 4, 3, 3, 3};
  static const char *const values[NL_DATE__COUNT] = {"2025-11-10", "2025-11-08", "2025-11-07",
                                                     "2025-11-01", "2025-11-09", "2025-11-11"};
  for (int d = 0; d < NL_DATE__COUNT; d++) {
    const nl_task_date *date = &t->dates[d];
    int32_t want;
    ASSERT_EQ(nl_date_parse(values[d], 10, &want), 0);
    ASSERT(date->present);
    ASSERT(date->valid);
    ASSERT_EQ(date->days, want);
    ASSERT_EQ(date->range.start.col, starts[d]);
    ASSERT_EQ(date->value_range.start.col, starts[d] + widths[d] + 1);
    ASSERT_EQ(date->value_range.end.col, starts[d] + widths[d] + 11);
    ASSERT_EQ(date->range.end.col, date->value_range.end.col);
    ASSERT_MEM_EQ(s + date->value_range.start.col, 10, values[d], 10);
  }
  ASSERT_STR_EQ(t->recurrence, "every week");
  ASSERT_STR_EQ(t->id, "abc-1");
  ASSERT_STR_EQ(t->depends_on, "x1,y2");
  ASSERT_EQ(t->priority, NL_PRIORITY_HIGH);
  ASSERT_EQ(t->priority_range.end.col - t->priority_range.start.col, 3);
  ASSERT_MEM_EQ(s + t->priority_range.start.col, 3, "\xE2\x8F\xAB", 3);
  ASSERT_STR_EQ(t->text, "Do it now");
  ASSERT_EQ(t->text_range.start.col, 6);
  ASSERT_EQ(t->text_range.end.col, strlen(s));
  nl_note_free(n);
}

static void test_priorities(void) {
  static const struct {
    const char *emoji;
    nl_priority want;
  } cases[] = {{"\xF0\x9F\x94\xBA", NL_PRIORITY_HIGHEST}, {"\xE2\x8F\xAB", NL_PRIORITY_HIGH},
               {"\xF0\x9F\x94\xBC", NL_PRIORITY_MEDIUM},  {"\xF0\x9F\x94\xBD", NL_PRIORITY_LOW},
               {"\xE2\x8F\xAC", NL_PRIORITY_LOWEST}};
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char line[64];
    snprintf(line, sizeof(line), "- [ ] a %s b", cases[i].emoji);
    nl_note *n = parse(line);
    const nl_task *t = only_task(n);
    ASSERT(t != NULL);
    ASSERT_EQ(t->priority, cases[i].want);
    ASSERT_EQ(t->priority_range.start.col, 8);
    ASSERT_EQ(t->priority_range.end.col, 8 + strlen(cases[i].emoji));
    ASSERT_STR_EQ(t->text, "a b");
    nl_note_free(n);
  }
}

static void test_date_aliases_and_variation_selector(void) {
  /* 📆 and 🗓️ (with U+FE0F) are due dates, ⌛ is scheduled. */
  const char *s = "- [ ] a \xF0\x9F\x97\x93\xEF\xB8\x8F 2025-01-02 \xE2\x8C\x9B 2025-01-03";
  nl_note *n = parse(s);
  const nl_task *t = only_task(n);
  ASSERT(t != NULL);
  ASSERT(t->dates[NL_DATE_DUE].valid);
  ASSERT_EQ(t->dates[NL_DATE_DUE].range.start.col, 8);
  ASSERT_EQ(t->dates[NL_DATE_DUE].value_range.start.col, 8 + 7 + 1);
  ASSERT(t->dates[NL_DATE_SCHEDULED].valid);
  ASSERT_STR_EQ(t->text, "a");
  nl_note_free(n);
  n = parse("- [ ] b \xF0\x9F\x93\x86 2025-01-02");
  t = only_task(n);
  ASSERT(t != NULL);
  ASSERT(t->dates[NL_DATE_DUE].valid);
  nl_note_free(n);
}

static void test_invalid_dates(void) {
  const char *s = "- [ ] a \xF0\x9F\x93\x85 2025-1-5 \xE2\x8F\xB3tomorrow \xF0\x9F\x9B\xAB 2025-11-31 \xE2\x9C\x85";
  nl_note *n = parse(s);
  const nl_task *t = only_task(n);
  ASSERT(t != NULL);
  const nl_task_date *due = &t->dates[NL_DATE_DUE];
  ASSERT(due->present && !due->valid);
  ASSERT_EQ(due->value_range.start.col, 13);
  ASSERT_EQ(due->value_range.end.col, 21); /* the whole non-space run "2025-1-5" */
  const nl_task_date *sch = &t->dates[NL_DATE_SCHEDULED];
  ASSERT(sch->present && !sch->valid);
  ASSERT_MEM_EQ(s + sch->value_range.start.col, sch->value_range.end.col - sch->value_range.start.col,
                "tomorrow", 8);
  const nl_task_date *start = &t->dates[NL_DATE_START];
  ASSERT(start->present && !start->valid);
  ASSERT_MEM_EQ(s + start->value_range.start.col, 10, "2025-11-31", 10);
  const nl_task_date *done = &t->dates[NL_DATE_DONE];
  ASSERT(done->present && !done->valid);
  ASSERT_EQ(done->range.end.col - done->range.start.col, 3); /* the emoji alone */
  ASSERT_EQ(done->value_range.start.col, done->value_range.end.col);
  ASSERT_EQ(done->value_range.start.col, strlen(s));
  ASSERT(!t->dates[NL_DATE_CREATED].present);
  ASSERT_STR_EQ(t->text, "a");
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
  ASSERT_EQ(t->n_mentions, 2);
  ASSERT_STR_EQ(n->mentions[t->first_mention].tail, "Ana Ruiz");
  ASSERT_STR_EQ(n->mentions[t->first_mention + 1].tail, "Bob");
  ASSERT_EQ(n->mentions[t->first_mention].task, 0);
  ASSERT_EQ(n->mentions[t->first_mention + 1].task, 0);
  ASSERT_EQ(t->n_tags, 2);
  ASSERT_STR_EQ(n->tags[t->first_tag].name, "task");
  ASSERT_EQ(t->proposed_tag.start.line, 0);
  ASSERT_MEM_EQ(s + t->proposed_tag.start.col, t->proposed_tag.end.col - t->proposed_tag.start.col,
                "#proposed", 9);
  ASSERT_STR_EQ(t->text, "Call the bank");
  nl_note_free(n);
}

static void test_no_proposed_tag(void) {
  nl_note *n = parse("- [ ] plain #proposedx\n- [ ] second line owner\n  @Carl continues");
  ASSERT(n != NULL);
  ASSERT_EQ(n->n_tasks, 2);
  ASSERT_EQ(n->tasks[0].proposed_tag.start.line, NL_NONE);
  ASSERT_EQ(n->tasks[0].n_tags, 1);
  /* A mention on a continuation line is not an owner. */
  ASSERT_EQ(n->tasks[1].n_mentions, 0);
  ASSERT_EQ(n->n_mentions, 1);
  ASSERT_EQ(n->mentions[0].task, UINT32_MAX);
  ASSERT_STR_EQ(n->tasks[1].text, "second line owner");
  nl_note_free(n);
}

static void test_first_field_wins(void) {
  nl_note *n = parse("- [ ] a \xF0\x9F\x93\x85 2025-01-01 \xF0\x9F\x93\x85 2025-02-02 \xF0\x9F\x94\xBA \xE2\x8F\xAC");
  const nl_task *t = only_task(n);
  ASSERT(t != NULL);
  ASSERT_EQ(t->dates[NL_DATE_DUE].days, 20089);
  ASSERT_EQ(t->priority, NL_PRIORITY_HIGHEST);
  ASSERT_STR_EQ(t->text, "a");
  nl_note_free(n);
}

static void test_crlf_task(void) {
  nl_note *n = parse("- [x] done \xE2\x9C\x85 2025-11-06\r\n- [ ] next\r\n");
  ASSERT(n != NULL);
  ASSERT_EQ(n->n_tasks, 2);
  ASSERT(n->tasks[0].dates[NL_DATE_DONE].valid);
  ASSERT_EQ(n->tasks[0].text_range.end.col, 25);
  ASSERT_STR_EQ(n->tasks[1].text, "next");
  nl_note_free(n);
}

int main(void) {
  RUN(test_date_parse);
  RUN(test_date_format_round_trip);
  RUN(test_status_markers);
  RUN(test_not_tasks);
  RUN(test_ordered_and_nested);
  RUN(test_all_fields);
  RUN(test_priorities);
  RUN(test_date_aliases_and_variation_selector);
  RUN(test_invalid_dates);
  RUN(test_truncated_emoji_is_text);
  RUN(test_owners_tags_and_proposed);
  RUN(test_no_proposed_tag);
  RUN(test_first_field_wins);
  RUN(test_crlf_task);
  return NL_TEST_DONE();
}
