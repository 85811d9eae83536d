/* test-new-note.c: a note made from the vault's template: core Templates variables and the
 * common Templater commands filled in for a given moment (never the clock) in the local time
 * zone (TZ, set here as POSIX rules: no time zone database needed), moment.js formats, unknown
 * commands left as written. */
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lsp/features/new_note.h"
#include "lsp/index/config.h"
#include "lsp/note/note.h"

static char root[256];

/* The moment notes are made at: 2025-11-05 09:07:05 UTC, a Wednesday. */
#define MADE_AT 1762333625
static int64_t made_at = MADE_AT;

/* Sets the local time zone, as the TZ environment variable does. */
static void set_tz(const char *tz) {
  setenv("TZ", tz, 1);
  tzset();
}

/* Writes text to root/rel. */
static void write_at(const char *rel, const char *text) {
  char path[400];
  snprintf(path, sizeof path, "%s/%s", root, rel);
  FILE *f = fopen(path, "w");
  ASSERT(f != NULL);
  fputs(text, f);
  fclose(f);
}

/* The text of a person note titled "Priya Natarajan" made at made_at from a template holding
 * `tpl`, in *out (new, free()); NULL on failure. With `vault`, the vault's
 * .obsidian settings apply too, on a copy of the configuration as the server makes them. */
static void made_with(const char *tpl, int vault, char **out) {
  write_at("Templates/Person.md", tpl);
  nl_config *c = nl_config_new();
  char err[256];
  json_t *o = json_pack("{s:{s:s}}", "templates", "person", "Templates/Person.md");
  ASSERT_EQ(nl_config_apply_json(c, o, err, sizeof err), 0);
  json_decref(o);
  if (vault) ASSERT(nl_config_apply_vault(c, root) >= 0);
  nl_config *copy = nl_config_copy(c);
  nl_config_free(c);
  ASSERT(copy != NULL);
  *out = nl_new_note_text(copy, root, NL_KIND_PERSON, "Priya Natarajan", made_at);
  nl_config_free(copy);
}

static void made_from(const char *tpl, char **out) { made_with(tpl, 0, out); }

#define ASSERT_MADE(tpl, want)          \
  do {                                  \
    char *got_ = NULL;                  \
    made_from(tpl, &got_);              \
    ASSERT(got_ != NULL);               \
    ASSERT_STR_EQ(got_, want);          \
    free(got_);                         \
  } while (0)

static void test_core_templates(void) {
  ASSERT_MADE("# {{title}}\ncreated: {{ date }} {{time}}\n",
              "# Priya Natarajan\ncreated: 2025-11-05 09:07\n");
  ASSERT_MADE("{{date:dddd, MMMM Do YYYY}} {{time:h:mm A}} {{date:[week of] D/M/YY}}",
              "Wednesday, November 5th 2025 9:07 AM week of 5/11/25");
  ASSERT_MADE("{{unknown}} {{date:", "{{unknown}} {{date:"); /* left as written */
}

/* moment.js tokens beyond the common ones, as moment's English locale writes them: seconds,
 * the quarter, the day of the year, two-letter weekdays, 1-24 hours, ordinals, Unix seconds,
 * ISO weeks (GGGG-[W]WW) and the locale's weeks (Sunday first, week 1 holds January 1st),
 * across a year's end. */
static void test_moment_tokens(void) {
  ASSERT_MADE("{{time:HH:mm:ss}} {{time:s}} {{date:ss}}", "09:07:05 5 05");
  ASSERT_MADE("{{date:Q DDD DDDD dd kk k Mo}}", "4 309 309 We 09 9 11th");
  ASSERT_MADE("{{date:X}}", "1762333625");
  ASSERT_MADE("{{date:GGGG-[W]WW W gggg ww w}}", "2025-W45 45 2025 45 45");
  /* 2027-01-01, a Friday: ISO week 53 of 2026; the locale's week 1 of 2027. */
  ASSERT_MADE("<% tp.date.now(\"GGGG-[W]WW gggg-ww\", 422) %>", "2026-W53 2027-01");
  /* 2026-12-31, a Thursday: already in the locale's week 1 of 2027. */
  ASSERT_MADE("<% tp.date.now(\"GGGG-WW gggg-w\", 421) %>", "2026-53 2027-1");
}

/* The vault's .obsidian/templates.json {"dateFormat", "timeFormat"} are {{date}} and {{time}};
 * an empty one keeps Obsidian's default, and {{date:FORMAT}} is always its own format. */
static void test_core_formats_from_the_vault(void) {
  char path[400];
  snprintf(path, sizeof path, "%s/.obsidian", root);
  mkdir(path, 0755);
  const char *settings[][2] = {
      {"{\"folder\": \"Templates\", \"dateFormat\": \"DD.MM.YYYY\", \"timeFormat\": \"h:mm A\"}",
       "05.11.2025 9:07 AM 2025 09"},
      {"{\"dateFormat\": \"\", \"timeFormat\": \"HH[h]mm\"}", "2025-11-05 09h07 2025 09"},
  };
  for (size_t i = 0; i < 2; i++) {
    write_at(".obsidian/templates.json", settings[i][0]);
    char *text = NULL;
    made_with("{{date}} {{time}} {{date:YYYY}} {{time:HH}}", 1, &text);
    ASSERT(text != NULL);
    ASSERT_STR_EQ(text, settings[i][1]);
    free(text);
  }
  snprintf(path, sizeof path, "%s/.obsidian/templates.json", root);
  unlink(path);
  snprintf(path, sizeof path, "%s/.obsidian", root);
  rmdir(path);
}

static void test_templater(void) {
  ASSERT_MADE("# <% tp.file.title %>\n<%- tp.date.now(\"YYYY-MM-DD\") -%>\n",
              "# Priya Natarajan\n2025-11-05\n");
  ASSERT_MADE("<% tp.date.now() %> <% tp.date.now('DD.MM', 30) %> <% tp.date.tomorrow(\"ddd D\") %>",
              "2025-11-05 05.12 Thu 6");
  ASSERT_MADE("<% tp.date.yesterday() %>|<% tp.file.creation_date() %>|<% tp.date.today(\"MMM\") %>",
              "2025-11-04|2025-11-05 09:07|Nov");
  /* Commands that need Templater itself stay verbatim, as do scripts. */
  ASSERT_MADE("<% tp.system.prompt(\"Role\") %> <%* tR += 'x' %> <% tp.date.now(\"YYYY\", \"P1D\") %>",
              "<% tp.system.prompt(\"Role\") %> <%* tR += 'x' %> <% tp.date.now(\"YYYY\", \"P1D\") %>");
}

/* Obsidian's Templates and Templater date a note by moment(): the local time zone, not UTC.
 * 03:30 UTC on 2025-11-12 is still the 11th in New York (-05:00, EST), 09:00 in India
 * (+05:30); in July New York keeps daylight time (-04:00). X and x are the moment itself. */
static void test_time_zones(void) {
  const char *tpl = "{{date}} {{time}} {{date:X x}} {{date:Z ZZ}} <% tp.date.tomorrow(\"D HH:mm Z\") %>";
  static const struct {
    const char *tz;
    int64_t at;
    const char *want;
  } cases[] = {
      {"EST5EDT,M3.2.0,M11.1.0", 1762918200,
       "2025-11-11 22:30 1762918200 1762918200000 -05:00 -0500 12 22:30 -05:00"},
      {"EST5EDT,M3.2.0,M11.1.0", 1751340600,
       "2025-06-30 23:30 1751340600 1751340600000 -04:00 -0400 1 23:30 -04:00"},
      {"IST-5:30", 1762918200, "2025-11-12 09:00 1762918200 1762918200000 +05:30 +0530 13 09:00 +05:30"},
      {"UTC0", 1762918200, "2025-11-12 03:30 1762918200 1762918200000 +00:00 +0000 13 03:30 +00:00"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    set_tz(cases[i].tz);
    made_at = cases[i].at;
    char *got = NULL;
    made_from(tpl, &got);
    made_at = MADE_AT;
    set_tz("UTC0");
    ASSERT_STR_EQ(got, cases[i].want);
    free(got);
  }
}

static void test_no_template(void) {
  nl_config *c = nl_config_new();
  char *text = nl_new_note_text(c, root, NL_KIND_NOTE, "Plain", 0);
  ASSERT_STR_EQ(text, "# Plain\n");
  free(text);
  nl_config_free(c);
}

static char tdir[300];

int main(void) {
  snprintf(root, sizeof root, "/tmp/nl-new-note-XXXXXX");
  if (mkdtemp(root) == NULL) return 1;
  snprintf(tdir, sizeof tdir, "%s/Templates", root);
  if (mkdir(tdir, 0700) != 0) return 1;
  set_tz("UTC0");
  RUN(test_core_templates);
  RUN(test_moment_tokens);
  RUN(test_core_formats_from_the_vault);
  RUN(test_templater);
  RUN(test_time_zones);
  RUN(test_no_template);
  char path[400];
  snprintf(path, sizeof path, "%s/Person.md", tdir);
  unlink(path);
  rmdir(tdir);
  rmdir(root);
  return NL_TEST_DONE();
}
