/* tasks.h: `notes-lsp tasks`, the vault's tasks on the command line through the query engine
 * (lsp/features/task_query.h) that the server's `notes-lsp.tasks` command runs.
 *
 *   notes-lsp tasks [--owner NAME]... [--account NAME]... [--status STATUS]... [--overdue]
 *                   [--due-before DATE] [--due-after DATE] [--priority PRIORITY]...
 *                   [--path GLOB] [--text WORDS] [--sort due|priority|path|owner]
 *                   [--group-by owner|account] [--limit N] [--today DATE]
 *                   [--format text|json|markdown] [DIR]
 *
 * Text: one line a task, `path:line: [status] description — owners, due DATE (relative),
 * priority` (line 1-based), then `N tasks, M overdue`; with --group-by a `NAME (N)` line
 * heads each group. JSON: the array `notes-lsp.tasks` returns (ranges in UTF-16, LSP's default
 * encoding). Markdown: a checklist to paste into a note, each task linking back to its note.
 * Exit 0, or 2 on a usage error (message and usage on stderr) or an unreadable DIR. */
#ifndef NL_CLI_TASKS_H
#define NL_CLI_TASKS_H

#include <stdio.h>

/* Runs the job with argv[0] == "tasks"; prints to stdout and stderr; returns the exit status. */
int nl_tasks_main(int argc, char **argv);
/* The same with the output streams given (borrowed), for tests. */
int nl_tasks_run(int argc, char **argv, FILE *out, FILE *err);

#endif
