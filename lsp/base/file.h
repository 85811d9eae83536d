/* file.h: the one way to read a whole file (git's strbuf_read_file): every note, the check
 * command and the text service read through it. Opening never blocks (a FIFO named *.md is
 * refused, not waited on) and only regular files are read. */
#ifndef NL_FILE_H
#define NL_FILE_H

#include <stddef.h>

/* max_size for a read without a limit (beyond the address space). */
#define NL_FILE_NO_LIMIT ((size_t)-2)

/* Reads the regular file at `path` into a new NUL-terminated buffer (*text, free()) with its
 * length in *len. Returns 0; NL_ETOOBIG when it holds more than max_size bytes (nothing is
 * read); NL_ENOTREG when it is not a regular file; another nl_errno (lsp/base/error.h) when it
 * cannot be opened or read. On failure *text is NULL and *len 0. A file that grows while it is read is cut at
 * max_size. */
int nl_file_read(const char *path, size_t max_size, char **text, size_t *len);
/* The same, and on success the file's status when it was opened in *st (may be NULL): what
 * the index cache stamps the note with. */
struct stat;
int nl_file_read_ex(const char *path, size_t max_size, char **text, size_t *len,
                    struct stat *st);

/* How many files the one reader has opened for reading so far in this process (a count for tests
 * that prove a job reads each note once). */
size_t nl_file_reads(void);

#endif
