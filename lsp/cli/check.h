/* check.h: `notes-lsp check`, the command-line job: index a vault with the server's own
 * engine, print every diagnostic like a compiler does, and exit non-zero when there are
 * problems, so CI and pre-commit hooks can run it.
 *
 *   notes-lsp check [--today YYYY-MM-DD] [--format text|json]
 *                   [--fail-on error|warning|information|hint] [DIR]
 *
 * Text output: one line per diagnostic, `path:line:col: severity: message [code]` (path
 * relative to DIR, line and col 1-based, col counted in bytes, a BOM not counted), sorted by
 * path (byte order), line, column, then severity; then one summary line
 * `N errors, N warnings, N information in N notes` where the last number is how many notes
 * were checked.
 *
 * JSON output (--format json), one document:
 *   {"diagnostics": [{"path", "line", "column", "endLine", "endColumn",   (1-based, bytes)
 *                     "severity": "error"|"warning"|"information"|"hint",
 *                     "code", "message",
 *                     "related": [{"path", "message"}]   (only when there are any)}, ...],
 *    "summary": {"errors", "warnings", "information", "hints", "notes"}}
 *
 * Exit status: 0 when no diagnostic is at or above --fail-on (default warning), 1 when one is,
 * 2 on a usage error (message and usage on stderr) or when DIR or its .notes-lsp.yaml cannot
 * be read. DIR defaults to the current directory; --today defaults to the configuration's
 * `today`, else the local date. */
#ifndef NL_CHECK_H
#define NL_CHECK_H

#include <stdio.h>

/* Runs the job with argv[0] == "check"; prints to stdout and stderr; returns the exit status. */
int nl_check_main(int argc, char **argv);
/* The same with the output streams given (borrowed), for tests. */
int nl_check_run(int argc, char **argv, FILE *out, FILE *err);

#endif
