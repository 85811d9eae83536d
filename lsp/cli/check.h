/* check.h: `notes-lsp check`, the command-line job: index a vault with the server's own
 * engine, print every diagnostic like a compiler does, and exit non-zero when there are
 * problems, so CI and pre-commit hooks can run it.
 *
 *   notes-lsp check [--today YYYY-MM-DD] [--format text|json|sarif]
 *                   [--fail-on error|warning|information|hint]
 *                   [--color auto|always|never] [DIR] [--changed FILE...]
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
 * SARIF output (--format sarif): a SARIF 2.1.0 log with one run; tool.driver.rules is the
 * engine's table of codes (nl_diag_rules), each result has ruleId, ruleIndex, level (error,
 * warning, note), message.text and one location: artifactLocation.uri relative to DIR (base
 * %SRCROOT%, given in originalUriBaseIds) and a region with 1-based lines and columns counted
 * in UTF-16 code units (columnKind utf16CodeUnits); ambiguous links list their candidates as
 * relatedLocations.
 *
 * --changed FILE...: every argument after it that is not an option is a file (relative to the
 * current directory) to report on; the whole vault is still indexed. Files that are not
 * indexed notes are skipped with a line on stderr; a missing file is an error (status 2).
 *
 * On a terminal the text report is coloured (--color auto; NO_COLOR set and non-empty turns
 * auto off) and stderr shows a progress line that is erased before the report; into pipes and
 * files neither is written.
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
