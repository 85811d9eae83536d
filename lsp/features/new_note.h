/* new_note.h: what a note created from a broken link holds: the vault's template for its kind
 * (config `templates: {person: Templates/Person.md}`) filled in as Obsidian's core Templates
 * plugin and Templater do, else a frontmatter with its type and title and a
 * title heading. */
#ifndef NL_NEW_NOTE_H
#define NL_NEW_NOTE_H

#include <stdint.h>

#include "lsp/index/config.h"
#include "lsp/index/workspace.h"

/* The YAML scalar for s: plain when YAML reads that back unchanged, else double-quoted. Writes
 * at most cap bytes (NUL included) to out. */
void nl_new_note_yaml_scalar(const char *s, char *out, size_t cap);

/* The vault-relative folder a new note of `kind` goes to (new, free()), NULL for the vault's
 * root (a plain note, or no folder setting): the first plain folder of the kind's `folders`
 * setting; else, for a glob ("**" then "/People"), the first folder in path order of the
 * vault's notes that the glob matches ("Work/People"); else the glob's last plain segment
 * ("People"). */
char *nl_new_note_folder(const nl_workspace *ws, nl_kind kind);

/* The text of a new note of `kind` titled `title`, for the vault at `root`, made at `at`
 * (seconds since the epoch, shown in the local time zone as Obsidian's moment() shows it): the kind's template with the core Templates
 * variables ({{title}}, {{date}} and {{time}} in the formats of the vault's templates.json
 * (cfg), {{date:YYYY-MM-DD}}) and the common Templater commands (tp.file.title, tp.date.now("YYYY-MM-DD"[, days]), tp.date.today / tomorrow /
 * yesterday, tp.file.creation_date) filled in, moment.js formats, every other command left as
 * written. New (free()), NULL when out of memory. A template that cannot be read gives the
 * default text. */
char *nl_new_note_text(const nl_config *cfg, const char *root, nl_kind kind, const char *title,
                       int64_t at);

#endif
