/* config.h: the server's settings, from defaults, `.notes-lsp.yaml` at the workspace root,
 * `initializationOptions` and `workspace/didChangeConfiguration` (same keys everywhere):
 *
 *   folders:  {person: [People], account: [Accounts], project: [Projects], meeting: [Meetings]}
 *                                  a folder may be a glob ('*' within a name, '**' any depth):
 *                                  ** then /People is every folder named People
 *   types:    {person: [person], account: [account], project: [project], meeting: [meeting]}
 *   ignore:   [glob, ...]          vault-relative globs: '*' within a segment, '**' any depth
 *   maxFileSize: 8388608           bytes; larger files are skipped with a log line
 *   maxNotes: 100000               the scan stops there (a home folder opened by mistake),
 *                                  logs the folder and the count, and the server keeps serving
 *   owner:    [Myself, me]         the vault owner's names; `@me` never is an unknown person
 *   today:    YYYY-MM-DD           fixed date for tests; otherwise the local date
 *   logLevel: error|warn|info|debug
 *   templates: [Templates]         folders of templates: indexed for completion and navigation,
 *                                  but no task or link diagnostics. The folders named in the
 *                                  vault's .obsidian/templates.json and Templater's settings
 *                                  (.obsidian/plugins/templater-obsidian/data.json) count too.
 *   templates: {folders: [Templates], person: Templates/Person.md, account: ...}
 *                                  the same, with the template a new note of each kind (person,
 *                                  account, project, meeting, note) is created from; its folder
 *                                  is a template folder too
 *   tasks:
 *     statuses:                    Obsidian Tasks' custom statuses, by symbol:
 *       ">": {name: Forwarded, type: todo, next: "x"}   type: todo|in_progress|done|cancelled|
 *       "~": cancelled                                      non_task (a bare type is enough)
 *     questionIsProposed: false    `[?]` is a proposed task (`[ ?]` and #proposed always are)
 *   diagnostics:                   for clients that do not pull diagnostics:
 *     scope: vault                 vault: after the first scan, push the problems of closed
 *                                  notes too; open: only of open notes
 *     maxNotes: 1000               at most this many closed notes are pushed
 */
#ifndef NL_CONFIG_H
#define NL_CONFIG_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "lsp/note/task.h"

typedef enum {
  NL_KIND_NOTE,
  NL_KIND_PERSON,
  NL_KIND_ACCOUNT,
  NL_KIND_PROJECT,
  NL_KIND_MEETING,
  NL_KIND__COUNT
} nl_kind;

/* "note", "person", "account", "project", "meeting" (static). */
const char *nl_kind_name(nl_kind kind);

typedef struct {
  char **items; /* each malloc'd */
  size_t n;
} nl_strlist;

/* Appends a copy of s to l; 0 or NL_ENOMEM. */
int nl_strlist_push(nl_strlist *l, const char *s);

#define NL_CONFIG_MAX_NOTES 100000

typedef struct nl_config nl_config;

struct nl_config {
  nl_strlist folders[NL_KIND__COUNT]; /* vault-relative folder prefixes; [NL_KIND_NOTE] unused */
  nl_strlist types[NL_KIND__COUNT];   /* frontmatter `type:` values, compared case-insensitively */
  nl_strlist ignore;
  size_t max_file_size;
  size_t max_notes;                   /* the scan indexes at most this many notes */
  nl_strlist owner;
  int has_today;
  int32_t today;                      /* days since 1970-01-01 when has_today */
  int log_level;                      /* NL_LOG_* from log.h; 0 when not set */
  nl_strlist templates;               /* the `templates:` setting's folders */
  char *kind_template[NL_KIND__COUNT]; /* `templates: {person: path}`: vault-relative (owned) */
  nl_strlist vault_templates;         /* from the vaults' Obsidian settings (apply_vault) */
  nl_task_settings tasks;             /* the `tasks:` setting */
  /* From the vault's own files (nl_config_apply_vault): */
  nl_strlist vault_ignore;            /* .gitignore patterns: not indexed */
  nl_strlist excluded;                /* .obsidian/app.json userIgnoreFilters: indexed (links
                                         to them resolve) but never offered as new links */
  int use_markdown_links;             /* app.json useMarkdownLinks: new links as [x](path.md) */
  int link_format;                    /* app.json newLinkFormat: NL_LINK_FORMAT_* */
  char *attachment_folder;            /* app.json attachmentFolderPath ("/" the root, "./"
                                         the note's folder, "./x" below it, else a folder);
                                         NULL when not set (the root) */
  int diagnostics_vault;              /* `diagnostics.scope: vault` (default) rather than open */
  size_t diagnostics_max_notes;       /* `diagnostics.maxNotes` */
  int cache;                          /* keep the index cache (lsp/index/cache.h); default 1 */
  char *template_date_format;         /* .obsidian/templates.json dateFormat: {{date}} (owned);
                                         NULL for Obsidian's default YYYY-MM-DD */
  char *template_time_format;         /* timeFormat: {{time}} (owned); NULL for HH:mm */
  /* One per workspace folder (nl_config_add_vault): this configuration with that folder's own
   * vault settings applied (owned, as are the roots); none for a configuration of one vault. */
  nl_config **vaults;
  char **vault_roots;
  size_t n_vaults;
};

/* newLinkFormat: the note's file name when no other note has it, else its vault path;
 * always the vault path; the path relative to the linking note. */
enum { NL_LINK_FORMAT_SHORTEST, NL_LINK_FORMAT_ABSOLUTE, NL_LINK_FORMAT_RELATIVE };

/* Returns a new configuration with the defaults above; free with nl_config_free. */
nl_config *nl_config_new(void);
void nl_config_free(nl_config *cfg);
/* Returns a new deep copy of cfg (free with nl_config_free), NULL when out of memory. */
nl_config *nl_config_copy(const nl_config *cfg);

/* Overlays the keys present in `obj` (borrowed). Keys that are valid are applied even when
 * others are not; returns 0, or -1 with every problem described in err ("notesLsp.today:
 * expected YYYY-MM-DD, got \"tomorrow\""). Unknown keys are an error too (typos matter). */
int nl_config_apply_json(nl_config *cfg, const json_t *obj, char *err, size_t err_size);

/* Reads a YAML file (`.notes-lsp.yaml`) and overlays it like nl_config_apply_json. Returns 0,
 * 1 when the file does not exist, -1 with "path:line:col: problem" in err. */
int nl_config_apply_yaml_file(nl_config *cfg, const char *path, char *err, size_t err_size);

/* Reads the settings the Obsidian vault at `root` keeps: the template folders of the core
 * Templates plugin's .obsidian/templates.json {"folder": ...} (with its "dateFormat" and
 * "timeFormat" for {{date}} and {{time}}) and of Templater's
 * .obsidian/plugins/templater-obsidian/data.json {"templates_folder": ...}; from
 * .obsidian/app.json useMarkdownLinks, newLinkFormat, attachmentFolderPath and
 * userIgnoreFilters (plain paths; /regex/ entries are skipped); and the root .gitignore's
 * patterns (comments and negations skipped; "dir/" and "/dir" kept as folder patterns).
 * Missing or unreadable files add nothing; returns the number of template folders added, -1
 * when out of memory. */
int nl_config_apply_vault(nl_config *cfg, const char *root);

/* Adds the configuration of the workspace folder `root` (absolute, copied): a copy of cfg as it
 * is now with the vault settings of `root` applied (nl_config_apply_vault), so call it once
 * every shared setting is in. Each folder of a workspace keeps its own .obsidian settings.
 * 0, or NL_ENOMEM. */
int nl_config_add_vault(nl_config *cfg, const char *root);
/* The configuration for the file at absolute path `abs`: that of the workspace folder holding
 * it (the deepest one) when cfg has per-folder ones, else cfg. Borrowed from cfg. Every
 * question about a vault's own settings (link format, ignore filters, templates) is asked of
 * it. */
const nl_config *nl_config_at(const nl_config *cfg, const char *abs);

/* Whether vault-relative `rel_path` lies in a template folder. */
int nl_config_is_template(const nl_config *cfg, const char *rel_path);

/* The date features use: the `today` override, else the local date now. */
int32_t nl_config_today(const nl_config *cfg);
/* The moment templates fill in ({{date}}, {{time}}, tp.date.now(...)), in seconds since the
 * epoch: the local midnight that starts the `today` override, else now. */
int64_t nl_config_now(const nl_config *cfg);

/* The kind of a note: frontmatter `type` first (when it names a configured type), else the
 * first configured folder that `rel_path` lies in, else NL_KIND_NOTE. type may be NULL. */
nl_kind nl_config_kind(const nl_config *cfg, const char *rel_path, const char *type);

/* Whether vault-relative `rel_path` matches one of the ignore globs or the vault's .gitignore
 * patterns. */
int nl_config_ignored(const nl_config *cfg, const char *rel_path);
/* Whether vault-relative `rel_path` matches glob `pattern` as an ignore entry reads it: '*'
 * within a segment, '**' any depth, a folder matches everything below it, and a pattern without
 * '/' matches any one segment. */
int nl_config_glob_match(const char *pattern, const char *rel_path);

/* Whether `rel_path` is excluded by the vault's userIgnoreFilters: new links never name it. */
int nl_config_excluded(const nl_config *cfg, const char *rel_path);

/* The folder a new note of `kind` goes in: the first of the kind's folders without a
 * wildcard, else the tail of a glob after its last wildcard segment ("People" of a glob
 * ending in "/People"); NULL for none (the vault's root). Borrowed from cfg, or static. */
const char *nl_config_new_note_folder(const nl_config *cfg, nl_kind kind);

/* Whether `name` is one of the owner's names (case-insensitive). */
int nl_config_is_owner(const nl_config *cfg, const char *name, size_t len);

#endif
