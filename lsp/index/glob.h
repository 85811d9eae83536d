/* glob.h: the ignore globs' matcher over '/'-separated vault-relative paths. '*' and '?' stay
 * within a segment, '**' spans any number of segments (and "**" followed by '/' may match no
 * segment at all). Matching costs O(pattern length x path length) whatever the pattern: the
 * pattern runs as an automaton over the path, never by backtracking. No I/O. */
#ifndef NL_GLOB_H
#define NL_GLOB_H

/* 1 when the whole of `path` matches `pattern`, else 0 (also when out of memory). */
int nl_glob_match(const char *pattern, const char *path);

#endif
