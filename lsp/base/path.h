/* path.h: where a path really leads, all symlinks followed: the one answer to "is this path
 * inside that folder". Every read after the first scan (fs events, didChangeWatchedFiles,
 * didClose), the vault's `.notes-lsp.yaml` and every note the server offers to create ask it,
 * so a link out of a vault is never followed. Errors are nl_errno codes (error.h). */
#ifndef NL_PATH_H
#define NL_PATH_H

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
