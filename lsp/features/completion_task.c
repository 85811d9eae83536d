/* completion_task.c: completion inside an Obsidian Tasks line: a word names a field
 * ("due" offers 📅), a date emoji offers dates (today, tomorrow, the week's days), 🔁 offers
 * recurrence rules. Fields come from the parser's one emoji table. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lsp/features/completion_impl.h"
#include "lsp/note/task.h"

/* ---- task fields ------------------------------------------------------------------------- */

/* Where a task's text starts on the line ("- [ ] |"), or 0 when the line is no task. */
static size_t task_text_start(const nl_completion_req *r) {
  size_t i = 0;
  while (i < r->len && (nl_completion_is_space(r->text[i]) || r->text[i] == '>')) i++;
  if (i < r->len && strchr("-*+", r->text[i]) != NULL) {
    i++;
  } else {
    size_t d = i;
    while (i < r->len && r->text[i] >= '0' && r->text[i] <= '9') i++;
    if (i == d || i >= r->len || (r->text[i] != '.' && r->text[i] != ')')) return 0;
    i++;
  }
  if (i >= r->len || !nl_completion_is_space(r->text[i])) return 0;
  while (i < r->len && nl_completion_is_space(r->text[i])) i++;
  nl_task t;
  memset(&t, 0, sizeof t);
  if (nl_task_marker(&t, r->text, r->len, i, 0) != 0) return 0;
  return nl_task_text_cols(&t).a;
}

/* Dates Tasks' suggester offers after a date emoji: today, tomorrow, the next seven days by
 * name, next week, month and year. */
static void date_items(nl_completion_req *r, size_t a, size_t b, int space) {
  static const char *const days[7] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                      "Saturday", "Sunday"};
  int32_t today = r->ctx->today;
  struct {
    int32_t day;
    char name[24];
  } c[12];
  size_t n = 0;
  c[n].day = today, snprintf(c[n++].name, sizeof c[0].name, "today");
  c[n].day = today + 1, snprintf(c[n++].name, sizeof c[0].name, "tomorrow");
  for (int k = 2; k <= 7; k++) {
    int wd = (int)((((today + k) % 7) + 7 + 3) % 7); /* 1970-01-01 was a Thursday */
    c[n].day = today + k, snprintf(c[n++].name, sizeof c[0].name, "%s", days[wd]);
  }
  c[n].day = today + 7, snprintf(c[n++].name, sizeof c[0].name, "next week");
  char ds[16], label[64], filter[64], insert[24];
  for (size_t i = 0; i < n; i++) {
    nl_date_format(c[i].day, ds);
    snprintf(label, sizeof label, "%s", ds);
    snprintf(filter, sizeof filter, "%s %s", c[i].name, ds);
    snprintf(insert, sizeof insert, "%s%s", space ? " " : "", ds);
    nl_completion_add_item(r, label, 12 /* Value */, c[i].name, filter, a, b, insert);
  }
}

static void rule_items(nl_completion_req *r, size_t a, size_t b, int space) {
  static const char *const rules[] = {"every day", "every week", "every weekday", "every month",
                                      "every year", "every week when done"};
  char insert[48];
  for (size_t i = 0; i < sizeof rules / sizeof *rules; i++) {
    snprintf(insert, sizeof insert, "%s%s", space ? " " : "", rules[i]);
    nl_completion_add_item(r, rules[i], 12, "recurrence", NULL, a, b, insert);
  }
}

/* Words that name a field, as typed in a task ("due" offers "📅 "). */
static const struct {
  const char *word;
  nl_task_field_kind kind;
  int which;
} field_words[] = {
    {"due", NL_FIELD_DATE, NL_DATE_DUE},          {"scheduled", NL_FIELD_DATE, NL_DATE_SCHEDULED},
    {"start", NL_FIELD_DATE, NL_DATE_START},      {"created", NL_FIELD_DATE, NL_DATE_CREATED},
    {"done", NL_FIELD_DATE, NL_DATE_DONE},        {"cancelled", NL_FIELD_DATE, NL_DATE_CANCELLED},
    {"highest", NL_FIELD_PRIORITY, NL_PRIORITY_HIGHEST},
    {"high", NL_FIELD_PRIORITY, NL_PRIORITY_HIGH}, {"medium", NL_FIELD_PRIORITY, NL_PRIORITY_MEDIUM},
    {"low", NL_FIELD_PRIORITY, NL_PRIORITY_LOW},  {"lowest", NL_FIELD_PRIORITY, NL_PRIORITY_LOWEST},
    {"recurring", NL_FIELD_RECURRENCE, 0},        {"every", NL_FIELD_RECURRENCE, 0},
    {"id", NL_FIELD_ID, 0},                       {"depends", NL_FIELD_DEPENDS, 0},
    {"blocked", NL_FIELD_DEPENDS, 0},             {"finish", NL_FIELD_ON_COMPLETION, 0},
};

static void field_items(nl_completion_req *r, const char *typed, size_t n, size_t a, size_t b) {
  size_t count;
  const nl_task_emoji_def *table = nl_task_emoji_table(&count);
  for (size_t i = 0; i < sizeof field_words / sizeof *field_words; i++) {
    if (strncasecmp(field_words[i].word, typed, n) != 0) continue;
    for (size_t k = 0; k < count; k++) {
      const nl_task_emoji_def *e = &table[k];
      if (!e->canonical || e->kind != field_words[i].kind || e->which != field_words[i].which)
        continue;
      char label[64], insert[16];
      snprintf(label, sizeof label, "%s %s", e->emoji, e->name);
      snprintf(insert, sizeof insert, "%s ", e->emoji);
      nl_completion_add_item(r, label, 14 /* Keyword */, "Obsidian Tasks field", field_words[i].word, a, b,
               insert);
    }
  }
}

/* In a task's text: a value after a date or 🔁 emoji, else a field for the word typed. */
int nl_completion_task_field(nl_completion_req *r) {
  size_t text = task_text_start(r);
  if (text == 0 || r->cur < text) return 0;
  size_t w = r->cur;
  while (w > text && (unsigned char)r->text[w - 1] < 0x80 &&
         (isalnum((unsigned char)r->text[w - 1]) || r->text[w - 1] == '-'))
    w--;
  size_t p = w;
  while (p > text && r->text[p - 1] == ' ') p--;
  nl_task_field_kind kind;
  int which;
  size_t e = nl_task_emoji_before(r->text, text, p, &kind, &which);
  size_t before = r->items.n;
  /* after "📅 " the typed value is replaced; right after "📅" a space comes first */
  size_t a = p < w ? w : p;
  if (e != SIZE_MAX && kind == NL_FIELD_DATE) date_items(r, a, r->cur, p == w);
  else if (e != SIZE_MAX && kind == NL_FIELD_RECURRENCE) rule_items(r, a, r->cur, p == w);
  else if (w < r->cur && (w == text || r->text[w - 1] == ' '))
    field_items(r, r->text + w, r->cur - w, w, r->cur);
  return r->items.n > before;
}
