/* cache.h: the persistent index cache. One file per workspace folder under
 * $XDG_CACHE_HOME/notes-lsp/ (else ~/.cache/notes-lsp/) holds the parsed notes of the last
 * scan, each with the size, mtime, inode and device of the file it was read from. The next
 * scan takes a note from the cache only when the file's stamp is exactly the stored one (and
 * the file was not modified within 2 s before the stored scan began, when a later write could
 * keep the same mtime): the file always wins. A cache written by another build, for another
 * folder, truncated or corrupt is ignored with a log line and rewritten by the scan.
 *
 * The scan writes the notes it parsed once it is ready (cache_later.c), then the table, into a
 * new file that it renames into place; or, when most notes came unchanged from the old file,
 * appends them to it and writes its header last: either way a reader sees the old cache or the
 * new one whole. Readers and the writer are safe to use from several threads at once. */
#ifndef NL_CACHE_H
#define NL_CACHE_H

#include <stdint.h>
#include <sys/stat.h>

#include "lsp/note/note.h"

/* What identifies a file's content without reading it. */
typedef struct {
  uint64_t size;
  int64_t mtime_ns;
  uint64_t ino;
  uint64_t dev;
} nl_cache_stamp;

void nl_cache_stamp_of(const struct stat *st, nl_cache_stamp *out);

/* The cache folder: $XDG_CACHE_HOME/notes-lsp, else $HOME/.cache/notes-lsp; new string
 * (free()), NULL when neither variable is set or on out of memory. Not created here. */
char *nl_cache_dir(void);

/* ---- reading ----------------------------------------------------------------------------- */

typedef struct nl_cache_reader nl_cache_reader;

/* Opens the cache of workspace folder `root` (absolute) in `dir`. Returns a new reader (free
 * with nl_cache_reader_free), or NULL when there is none or it cannot be used (logged at info
 * level when it exists but is foreign or corrupt). */
nl_cache_reader *nl_cache_open(const char *dir, const char *root);
/* Reads every record of r's file at once (run it while the walk stats the files): maps the file
 * read-only at nl_cache_map_at(root) and checks each record there, where it then serves as it
 * lies; or, when that address is taken, reads the notes' blocks into one allocation, a preadv
 * per 64 records, each record checked and re-based where it lies as it arrives. Either is the
 * slab; nl_cache_load then takes a note from there instead of a read and an allocation per
 * note. 0, or a negative error (nl_cache_load reads each record on its own, as
 * it does a record loaded a second time). Call before the first nl_cache_load, from one
 * thread. */
int nl_cache_read_records(nl_cache_reader *r);
/* What nl_cache_read_records read the notes into (the mapped file, or the block they were
 * read into), or NULL; from now on the caller owns it (free with nl_cache_slab_free once no
 * note nl_cache_load returned from it is alive: such a note's parse lives in it, and
 * nl_note_free frees only the note itself). r keeps using it. */
typedef struct nl_cache_slab nl_cache_slab;
nl_cache_slab *nl_cache_take_slab(nl_cache_reader *r);
/* The index tables stored with the notes (lsp/index/cache_tables.c), read and checked: *len
 * bytes where the file is mapped (nl_cache_read_records maps it too), or read into memory when
 * it cannot be; borrowed until nl_cache_tables_done (or the reader is freed). NULL when there
 * are none or they are damaged (logged). Once per reader. */
const void *nl_cache_tables(nl_cache_reader *r, size_t *len);
/* Done with the tables: their bytes leave the process's memory. Accepts NULL. */
void nl_cache_tables_done(nl_cache_reader *r);
/* The stored tables do not serve (damaged, or they do not describe the notes): the writer
 * from r stores new ones even when no note changed. */
void nl_cache_drop_tables(nl_cache_reader *r);
/* Whether note's parse lives in slab s. */
int nl_cache_slab_holds(const nl_cache_slab *s, nl_note *note);
void nl_cache_slab_free(nl_cache_slab *s); /* accepts NULL */
/* The address a second start maps the cache of `root` at (cache.c): its notes are used where
 * they lie there. When it is taken, they are read into memory and re-based. */
uint64_t nl_cache_map_at(const char *root);
/* Whether a cache of workspace folder `root` exists in `dir` (it may still be unusable). */
int nl_cache_exists(const char *dir, const char *root);
/* The note stored for vault-relative path `rel` when its stamp equals *st and the record
 * reads back intact; a new note (nl_note_free), or NULL (then parse the file). */
nl_note *nl_cache_load(nl_cache_reader *r, const char *rel, const nl_cache_stamp *st);
/* The note stored for `rel` whatever the file's stamp now (what the tables were built from,
 * for a note changed or removed since): a new note (nl_note_free), or NULL. Not a hit. */
nl_note *nl_cache_load_stored(nl_cache_reader *r, const char *rel);
size_t nl_cache_hits(const nl_cache_reader *r); /* notes nl_cache_load returned so far */
void nl_cache_reader_free(nl_cache_reader *r);  /* accepts NULL */

/* ---- writing ----------------------------------------------------------------------------- */

typedef struct nl_cache_writer nl_cache_writer;

/* Starts a new cache of `root` in `dir` (created if missing) as a temporary file; `since_ns`
 * is when the scan began (CLOCK_REALTIME ns). Returns a new writer or NULL (logged). */
nl_cache_writer *nl_cache_writer_new(const char *dir, const char *root, int64_t since_ns);
/* Makes room in the writer's table for `n` more records whose paths total `rel_bytes`, so that
 * it is allocated once, not doubled (its old copies would stay on the heap: 8 MiB of peak RSS
 * at 100,000 notes). A hint: without it, or when it fails, the table grows as needed. */
void nl_cache_reserve(nl_cache_writer *w, size_t n, size_t rel_bytes);
/* Appends `note` (borrowed; it must be compacted into one block) for `rel` read with stamp
 * *st. 0, or a negative error; a note that cannot be stored is simply left out. */
int nl_cache_add(nl_cache_writer *w, const char *rel, const nl_cache_stamp *st,
                 nl_note *note);
/* The same for n notes (at most NL_CACHE_ADD_MAX) written in one go, note i for rels[i] with
 * stamp st[i]; a note that cannot be stored is left out. 0, or a negative error (then the
 * cache is not committed). */
#define NL_CACHE_ADD_MAX 32
int nl_cache_add_many(nl_cache_writer *w, size_t n, const char *const *rels,
                      const nl_cache_stamp *st, nl_note *const *notes);
/* Carries the record of `rel` over from the old cache `r` (which nl_cache_load just returned
 * it from) without writing it now: when every note is kept and none is added, the old file
 * stays as it is. `r` must outlive w. 0, or a negative error. */
int nl_cache_keep(nl_cache_writer *w, nl_cache_reader *r, const char *rel);
/* Where nl_cache_commit writes the index tables: nl_cache_sink_put appends len bytes of p. */
typedef struct nl_cache_sink nl_cache_sink;
void nl_cache_sink_put(nl_cache_sink *s, const void *p, size_t len);
/* Writes the index tables to s, for nl_cache_commit; 0, or nonzero to store none. */
typedef int (*nl_cache_tables_fn)(void *ud, nl_cache_sink *s);
/* Writes the table, and the index tables `tables` appends (NULL: none), and renames the file
 * over the cache of the root; frees w (steals). When no note changed and the old file holds
 * tables (or none are given) the old file is kept and nothing is written. When most of the old
 * file's records are kept (its dead bytes stay under half the live ones), the new records, the
 * table and the tables are appended to it instead and its header is written last, so that the
 * kept records are not copied. 0, or a negative error (the old cache, if any, stays). */
int nl_cache_commit(nl_cache_writer *w, nl_cache_tables_fn tables, void *ud);
/* Drops the temporary file and frees w; accepts NULL. */
void nl_cache_abort(nl_cache_writer *w);

#endif
