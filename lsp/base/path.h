/* path.h: paths, in two groups. Vault-relative paths ('/' separated, no leading '/', "" for
 * the root) are joined and compared as strings, no I/O. Real paths answer "where does this
 * path really lead, all symlinks followed", the one answer to "is this path inside that
 * folder": every read after the first scan (fs events, didChangeWatchedFiles, didClose), the
 * vault's `.notes-lsp.yaml` and every note the server offers to create ask it, so a link out
 * of a vault is never followed. Errors are nl_errno codes (error.h). */
#ifndef NL_PATH_H
#define NL_PATH_H

#include <stddef.h>

/* ---- vault-relative paths (no I/O) ---- */

/* The length of rel's folder part ("People/Ana.md" -> 6, "Ana.md" -> 0). */
size_t nl_path_dir_len(const char *rel);

/* Joins folder `base` and the relative path rel ("../x/./y.md"; a leading '/' means the
 * vault root) into out (cap bytes), resolving "." and "..". Returns 0, or -1 when the path
 * climbs above the root or does not fit. */
int nl_path_join(const char *base, const char *rel, char *out, size_t cap);

/* nl_path_join from the folder of vault-relative file `file`, rel given as (ptr, len): where a
 * markdown link written in `file` leads. */
int nl_path_join_beside(const char *file, const char *rel, size_t rel_len, char *out,
                        size_t cap);

/* The path from folder `from` to file `to`, both vault-relative: "../People/Ana Ruiz.md".
 * New (free()), NULL when out of memory. */
char *nl_path_relative(const char *from, const char *to);

/* ---- real paths (links followed) ---- */

/* 1 when `real` (a resolved absolute path) is `root_real` or lies below it; no I/O. */
int nl_path_within(const char *root_real, const char *real);

/* The resolved path of `path` (new, free()) when it exists and, every link followed, lies
 * inside `root_real` (itself resolved). NULL otherwise, with *err (may be NULL) set to the
 * errno of the resolution or NL_EOUTSIDE when it leads outside. */
char *nl_path_real_within(const char *root_real, const char *path, int *err);

/* Whether a new file may be created at `path` (absolute) inside `root_real`: 0 when nothing
 * exists there (not even a dangling link), no segment is "." or "..", and its nearest existing
 * folder lies inside root_real once links are followed. -EEXIST, NL_EOUTSIDE (it would land
 * outside), -EINVAL (a "." or ".." segment, not absolute) or another negative errno. */
int nl_path_creatable_within(const char *root_real, const char *path);

#endif
