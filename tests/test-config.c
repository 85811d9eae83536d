/* Configuration: defaults, JSON overlays with precise problems, the YAML file, kinds, ignore
 * globs, owner names and the today override. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lsp/index/config.h"
#include "lsp/base/log.h"
#include "lsp/note/note.h"
#include "test.h"

#include <sys/stat.h>

static void test_defaults(void) {
  nl_config *c = nl_config_new();
  ASSERT(c != NULL);
  ASSERT_STR_EQ(c->folders[NL_KIND_PERSON].items[0], "People");
  ASSERT_STR_EQ(c->folders[NL_KIND_ACCOUNT].items[0], "Accounts");
  ASSERT_EQ(c->max_file_size, 8 << 20);
  ASSERT(nl_config_is_owner(c, "Myself", 6));
  ASSERT(nl_config_is_owner(c, "ME", 2));
  ASSERT(!nl_config_is_owner(c, "Ana", 3));
  ASSERT_EQ(c->has_today, 0);
  nl_config_free(c);
}

static void test_kinds(void) {
  nl_config *c = nl_config_new();
  ASSERT_EQ(nl_config_kind(c, "People/Ana Ruiz.md", NULL), NL_KIND_PERSON);
  ASSERT_EQ(nl_config_kind(c, "people/ana.md", NULL), NL_KIND_PERSON);
  ASSERT_EQ(nl_config_kind(c, "Meetings/2025/x.md", "customer"), NL_KIND_MEETING);
  ASSERT_EQ(nl_config_kind(c, "Inbox.md", "Account"), NL_KIND_ACCOUNT);
  ASSERT_EQ(nl_config_kind(c, "Peoplex/a.md", NULL), NL_KIND_NOTE);
  ASSERT_EQ(nl_config_kind(c, "Inbox.md", ""), NL_KIND_NOTE);
  nl_config_free(c);
}

static void test_json_overlay(void) {
  nl_config *c = nl_config_new();
  char err[512];
  json_t *j = json_loads("{\"folders\": {\"person\": [\"Contacts\", \"Team\"]},"
                         " \"types\": {\"account\": \"customer\"}, \"owner\": \"Jo\","
                         " \"today\": \"2025-11-15\", \"maxFileSize\": 1000,"
                         " \"ignore\": [\"Templates/**\"], \"logLevel\": \"debug\"}",
                         0, NULL);
  ASSERT_EQ(nl_config_apply_json(c, j, err, sizeof(err)), 0);
  json_decref(j);
  ASSERT_EQ(nl_config_kind(c, "Team/x.md", NULL), NL_KIND_PERSON);
  ASSERT_EQ(nl_config_kind(c, "People/x.md", NULL), NL_KIND_NOTE);
  ASSERT_EQ(nl_config_kind(c, "x.md", "customer"), NL_KIND_ACCOUNT);
  ASSERT(nl_config_is_owner(c, "jo", 2));
  ASSERT(!nl_config_is_owner(c, "Myself", 6));
  int32_t d;
  nl_date_parse("2025-11-15", 10, &d);
  ASSERT_EQ(nl_config_today(c), d);
  ASSERT_EQ(c->max_file_size, 1000);
  ASSERT_EQ(c->log_level, NL_LOG_DEBUG);
  nl_config_free(c);
}

/* `cache` is a boolean: JSON's true/false, or YAML's plain true/false that arrive as strings. */
static void test_cache_setting(void) {
  nl_config *c = nl_config_new();
  char err[512];
  ASSERT_EQ(c->cache, 1);
  json_t *j = json_loads("{\"cache\": false}", 0, NULL);
  ASSERT_EQ(nl_config_apply_json(c, j, err, sizeof(err)), 0);
  json_decref(j);
  ASSERT_EQ(c->cache, 0);
  nl_config *copy = nl_config_copy(c);
  ASSERT_EQ(copy->cache, 0);
  nl_config_free(copy);
  j = json_loads("{\"cache\": \"true\"}", 0, NULL);
  ASSERT_EQ(nl_config_apply_json(c, j, err, sizeof(err)), 0);
  json_decref(j);
  ASSERT_EQ(c->cache, 1);
  j = json_loads("{\"cache\": \"sometimes\"}", 0, NULL);
  ASSERT_EQ(nl_config_apply_json(c, j, err, sizeof(err)), -1);
  json_decref(j);
  ASSERT(strstr(err, "cache: expected true or false") != NULL);
  ASSERT_EQ(c->cache, 1);
  nl_config_free(c);
}

static void test_json_problems(void) {
  nl_config *c = nl_config_new();
  char err[512];
  json_t *j = json_loads("{\"today\": \"tomorrow\", \"folderz\": 1, \"owner\": [1],"
                         " \"folders\": {\"robot\": []}, \"maxFileSize\": -5,"
                         " \"ignore\": [\"Archive/**\"]}",
                         0, NULL);
  ASSERT_EQ(nl_config_apply_json(c, j, err, sizeof(err)), -1);
  json_decref(j);
  ASSERT(strstr(err, "today: expected YYYY-MM-DD, got tomorrow") != NULL);
  ASSERT(strstr(err, "folderz: unknown setting") != NULL);
  ASSERT(strstr(err, "owner[0]: expected a string") != NULL);
  ASSERT(strstr(err, "folders.robot: unknown kind") != NULL);
  ASSERT(strstr(err, "maxFileSize") != NULL);
  /* Bad keys leave defaults; good keys in the same object still apply. */
  ASSERT_EQ(c->has_today, 0);
  ASSERT(nl_config_is_owner(c, "Myself", 6));
  ASSERT(nl_config_ignored(c, "Archive/Apollo.md"));
  j = json_string("not an object");
  ASSERT_EQ(nl_config_apply_json(c, j, err, sizeof(err)), -1);
  json_decref(j);
  ASSERT_EQ(nl_config_apply_json(c, NULL, err, sizeof(err)), 0);
  nl_config_free(c);
}

static void test_ignore_globs(void) {
  nl_config *c = nl_config_new();
  char err[256];
  json_t *j = json_pack("{s:[s,s,s,s]}", "ignore", "Templates/**", "*.excalidraw.md", "Daily",
                        "**/draft-*.md");
  ASSERT_EQ(nl_config_apply_json(c, j, err, sizeof(err)), 0);
  json_decref(j);
  ASSERT(nl_config_ignored(c, "Templates/meeting.md"));
  ASSERT(nl_config_ignored(c, "Templates/a/b.md"));
  ASSERT(nl_config_ignored(c, "x/y.excalidraw.md"));
  ASSERT(nl_config_ignored(c, "Daily/2025-11-06.md"));
  ASSERT(nl_config_ignored(c, "Projects/draft-atlas.md"));
  ASSERT(nl_config_ignored(c, "draft-x.md"));
  ASSERT(!nl_config_ignored(c, "Templatesx/a.md"));
  ASSERT(!nl_config_ignored(c, "People/Ana Ruiz.md"));
  ASSERT(!nl_config_ignored(c, "Projects/atlas.md"));
  nl_config_free(c);
}

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  if (f == NULL) return;
  fputs(text, f);
  fclose(f);
}

static void test_yaml_file(void) {
  char path[] = "/tmp/nl-config-XXXXXX";
  int fd = mkstemp(path);
  ASSERT(fd >= 0);
  close(fd);
  write_file(path, "folders:\n  account: [Customers]\nowner:\n  - Jo\ntoday: 2025-01-02\n"
                   "maxFileSize: 4096\n");
  nl_config *c = nl_config_new();
  char err[512];
  ASSERT_EQ(nl_config_apply_yaml_file(c, path, err, sizeof(err)), 0);
  ASSERT_EQ(nl_config_kind(c, "Customers/Contoso.md", NULL), NL_KIND_ACCOUNT);
  ASSERT_EQ(c->max_file_size, 4096);
  ASSERT(c->has_today);
  /* A syntax error names the file, line and column. */
  write_file(path, "folders:\n  account: [Customers\nowner: x\n");
  ASSERT_EQ(nl_config_apply_yaml_file(c, path, err, sizeof(err)), -1);
  ASSERT(strncmp(err, path, strlen(path)) == 0);
  ASSERT(strstr(err, ":3:") != NULL || strstr(err, ":2:") != NULL);
  write_file(path, "today: someday\n");
  ASSERT_EQ(nl_config_apply_yaml_file(c, path, err, sizeof(err)), -1);
  ASSERT(strstr(err, "today: expected YYYY-MM-DD") != NULL);
  unlink(path);
  ASSERT_EQ(nl_config_apply_yaml_file(c, path, err, sizeof(err)), 1);
  nl_config_free(c);
}

/* tasks: custom statuses and the "[?]" setting, from YAML as a vault writes them, and their
 * problems. */
static void test_tasks_settings(void) {
  char path[] = "/tmp/nl-config-XXXXXX";
  int fd = mkstemp(path);
  ASSERT(fd >= 0);
  close(fd);
  write_file(path, "tasks:\n  questionIsProposed: true\n  statuses:\n"
                   "    \">\": {name: Forwarded, type: non_task, next: \"x\"}\n"
                   "    \"~\": cancelled\n");
  nl_config *c = nl_config_new();
  char err[512];
  ASSERT_EQ(nl_config_apply_yaml_file(c, path, err, sizeof(err)), 0);
  ASSERT_EQ(c->tasks.question_is_proposed, 1);
  ASSERT_EQ(c->tasks.n_statuses, 2);
  const char *name = NULL;
  ASSERT_EQ(nl_task_symbol_type(&c->tasks, ">", &name), NL_TASK_NON_TASK);
  ASSERT_STR_EQ(name, "Forwarded");
  ASSERT_EQ(nl_task_symbol_type(&c->tasks, "~", NULL), NL_TASK_CANCELLED);
  nl_config *copy = nl_config_copy(c);
  ASSERT(copy != NULL && copy->tasks.n_statuses == 2 && copy->tasks.question_is_proposed);
  nl_config_free(copy);
  json_t *j = json_loads("{\"tasks\": {\"statuses\": {\"ab\": \"todo\", \"!\": \"urgent\"},"
                         " \"questionIsProposed\": \"yes\", \"colour\": 1}}", 0, NULL);
  ASSERT_EQ(nl_config_apply_json(c, j, err, sizeof(err)), -1);
  json_decref(j);
  ASSERT(strstr(err, "tasks.statuses.ab: a status symbol is one character") != NULL);
  ASSERT(strstr(err, "tasks.statuses.!: expected a type") != NULL);
  ASSERT(strstr(err, "tasks.questionIsProposed: expected true or false") != NULL);
  ASSERT(strstr(err, "tasks.colour: unknown setting") != NULL);
  ASSERT_EQ(c->tasks.question_is_proposed, 1); /* a bad value leaves the setting as it was */
  j = json_loads("{\"tasks\": {\"statuses\": null}}", 0, NULL);
  ASSERT_EQ(nl_config_apply_json(c, j, err, sizeof(err)), 0);
  json_decref(j);
  ASSERT_EQ(c->tasks.n_statuses, 0);
  unlink(path);
  nl_config_free(c);
}

static void test_vault_settings(void) {
  char dir[] = "/tmp/nl-vault-XXXXXX", path[256];
  ASSERT(mkdtemp(dir) != NULL);
  snprintf(path, sizeof path, "%s/.obsidian", dir);
  ASSERT_EQ(mkdir(path, 0700), 0);
  snprintf(path, sizeof path, "%s/.obsidian/app.json", dir);
  write_file(path, "{\"useMarkdownLinks\": true, \"newLinkFormat\": \"absolute\", "
                   "\"attachmentFolderPath\": \"./assets\", "
                   "\"userIgnoreFilters\": [\"Archive/\", \"/^Old.*/\"]}");
  snprintf(path, sizeof path, "%s/.gitignore", dir);
  write_file(path, "# build output\nbuild/\n/private\n*.tmp.md\n!keep.tmp.md\n");
  nl_config *c = nl_config_new();
  nl_config_apply_vault(c, dir);
  ASSERT(c->use_markdown_links);
  ASSERT_EQ(c->link_format, NL_LINK_FORMAT_ABSOLUTE);
  ASSERT_STR_EQ(c->attachment_folder, "./assets");
  /* Excluded files are indexed (links to them resolve) but not offered. */
  ASSERT(nl_config_excluded(c, "Archive/Apollo.md"));
  ASSERT(!nl_config_excluded(c, "Old notes.md")); /* a regex filter is not a path */
  ASSERT(!nl_config_ignored(c, "Archive/Apollo.md"));
  /* .gitignore'd files and folders are not indexed at all. */
  ASSERT(nl_config_ignored(c, "build/x.md"));
  ASSERT(nl_config_ignored(c, "a/build/x.md"));
  ASSERT(nl_config_ignored(c, "private/diary.md"));
  ASSERT(nl_config_ignored(c, "notes/draft.tmp.md"));
  ASSERT(!nl_config_ignored(c, "notes/draft.md"));
  nl_config *copy = nl_config_copy(c);
  ASSERT(copy != NULL && copy->use_markdown_links && copy->excluded.n == 1);
  ASSERT_STR_EQ(copy->attachment_folder, "./assets");
  nl_config_free(copy);
  nl_config_free(c);

  /* Several workspace folders: each file is asked of its own folder's settings; a folder
   * without .obsidian keeps the defaults, whatever the other says. */
  char other[] = "/tmp/nl-vault-XXXXXX", deep[300], file[320];
  ASSERT(mkdtemp(other) != NULL);
  c = nl_config_new();
  ASSERT_EQ(nl_config_add_vault(c, other), 0);
  ASSERT_EQ(nl_config_add_vault(c, dir), 0);
  ASSERT(!c->use_markdown_links); /* the shared configuration has no vault's settings */
  snprintf(file, sizeof file, "%s/Notes/a.md", dir);
  ASSERT(nl_config_at(c, file)->use_markdown_links);
  ASSERT(nl_config_ignored(nl_config_at(c, file), "build/x.md"));
  snprintf(file, sizeof file, "%s/Notes/a.md", other);
  ASSERT(!nl_config_at(c, file)->use_markdown_links);
  ASSERT(!nl_config_ignored(nl_config_at(c, file), "build/x.md"));
  ASSERT(nl_config_at(c, "/elsewhere/a.md") == c);
  snprintf(deep, sizeof deep, "%s-not/a.md", dir); /* a sibling sharing the prefix */
  ASSERT(nl_config_at(c, deep) == c);
  copy = nl_config_copy(c);
  snprintf(file, sizeof file, "%s/a.md", dir);
  ASSERT(copy != NULL && copy->n_vaults == 2 && nl_config_at(copy, file)->link_format == NL_LINK_FORMAT_ABSOLUTE);
  nl_config_free(copy);
  nl_config_free(c);
  rmdir(other);
  snprintf(path, sizeof path, "%s/.obsidian/app.json", dir);
  unlink(path);
  snprintf(path, sizeof path, "%s/.obsidian", dir);
  rmdir(path);
  snprintf(path, sizeof path, "%s/.gitignore", dir);
  unlink(path);
  rmdir(dir);
}

static void test_folder_globs(void) {
  nl_config *c = nl_config_new();
  char err[256];
  json_t *o = json_pack("{s:{s:[s],s:[s]}}", "folders", "person", "**/People", "account",
                        "Clients/*");
  ASSERT_EQ(nl_config_apply_json(c, o, err, sizeof err), 0);
  json_decref(o);
  ASSERT_EQ(nl_config_kind(c, "Work/Team/People/Ana.md", NULL), NL_KIND_PERSON);
  ASSERT_EQ(nl_config_kind(c, "People/Ana.md", NULL), NL_KIND_PERSON);
  ASSERT_EQ(nl_config_kind(c, "Peoples/Ana.md", NULL), NL_KIND_NOTE);
  ASSERT_EQ(nl_config_kind(c, "Clients/EU/Contoso.md", NULL), NL_KIND_ACCOUNT);
  ASSERT_EQ(nl_config_kind(c, "Clients/Contoso.md", NULL), NL_KIND_NOTE);
  /* A new note goes in the folder a glob names ("People"), never in a folder named "**". */
  ASSERT_STR_EQ(nl_config_new_note_folder(c, NL_KIND_PERSON), "People");
  ASSERT(nl_config_new_note_folder(c, NL_KIND_ACCOUNT) == NULL);
  nl_config_free(c);
}

static void test_kind_templates(void) {
  nl_config *c = nl_config_new();
  char err[256];
  json_t *o = json_pack("{s:{s:[s],s:s,s:s}}", "templates", "folders", "T", "person",
                        "Templates/Person.md", "note", "Templates/Note");
  ASSERT_EQ(nl_config_apply_json(c, o, err, sizeof err), 0);
  json_decref(o);
  ASSERT_STR_EQ(c->kind_template[NL_KIND_PERSON], "Templates/Person.md");
  ASSERT_STR_EQ(c->kind_template[NL_KIND_NOTE], "Templates/Note");
  ASSERT(c->kind_template[NL_KIND_ACCOUNT] == NULL);
  ASSERT(nl_config_is_template(c, "T/x.md"));
  ASSERT(nl_config_is_template(c, "Templates/Person.md")); /* its folder is a template folder */
  nl_config *copy = nl_config_copy(c);
  ASSERT(copy != NULL);
  ASSERT_STR_EQ(copy->kind_template[NL_KIND_PERSON], "Templates/Person.md");
  nl_config_free(copy);
  o = json_pack("{s:{s:s,s:s}}", "templates", "robot", "T/R.md", "account", "../x.md");
  ASSERT_EQ(nl_config_apply_json(c, o, err, sizeof err), -1);
  json_decref(o);
  ASSERT(strstr(err, "templates.robot: unknown kind") != NULL);
  ASSERT(strstr(err, "templates.account: expected a vault-relative path") != NULL);
  ASSERT_STR_EQ(nl_config_new_note_folder(c, NL_KIND_PERSON), "People");
  nl_config_free(c);
}

int main(void) {
  RUN(test_defaults);
  RUN(test_kinds);
  RUN(test_json_overlay);
  RUN(test_cache_setting);
  RUN(test_json_problems);
  RUN(test_tasks_settings);
  RUN(test_ignore_globs);
  RUN(test_yaml_file);
  RUN(test_vault_settings);
  RUN(test_folder_globs);
  RUN(test_kind_templates);
  return NL_TEST_DONE();
}
