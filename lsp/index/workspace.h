/* workspace.h: the index of every note in the workspace folders. The index is touched only on
 * the loop thread; the thread pool only reads files and parses notes. Every update costs in
 * proportion to the note changed, not to the vault. */
#ifndef NL_WORKSPACE_H
#define NL_WORKSPACE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <uv.h>

#include "lsp/index/config.h"
#include "lsp/note/note.h"

/* One note in the index. Entries are never moved: pointers stay valid until the entry is
 * removed (nl_ws_remove or a rename), and ids are never reused. */
typedef struct nl_entry {
  uint32_t id;
  char *abs;       /* absolute path (owned, or in the entry's block: one_block) */
  char *rel;       /* path relative to its workspace folder, '/' separated (borrowed: the
                      tail of abs) */
  char *uri;       /* file URI (owned, or in the entry's block: one_block) */
  char *name;      /* file name without ".md" (borrowed: in abs's block) */
  uint32_t root;   /* index of its workspace folder (nl_ws_root; the innermost that holds it):
                      each folder is its own vault, and a link never leaves it */
  uint8_t one_block; /* abs (its block with name) and uri lie after the entry in its own
                        allocation (an entry the index makes); 0: each allocated apart (an
                        entry read from the index cache, cache_tables.c) */
  nl_note *note;   /* the current parse (owned), from the open document when open */
  nl_kind kind;
  int open;        /* the text comes from an open document, which overrides disk */
  uint64_t seq;    /* the index's update counter when this entry last changed (recency) */
  uint64_t dev, ino; /* the file's device and inode once read from disk (0, 0 before) */
  /* Pull diagnostics' memo, kept by lsp/features/diagnostics.c: the state (a hash of seq,
   * nl_ws_wide_generation, today...) under which they were last computed (0: never, or
   * forgotten because the entry read a face that changed, dependents.c) and the hash of their
   * JSON then, their resultId. */
  uint64_t diag_state, diag_id;
} nl_entry;

/* A link (or a mention) in some note that points at a note: backlinks. */
typedef struct {
  uint32_t from;   /* entry id of the linking note */
  uint32_t link;   /* index into that note's links (its mentions for nl_ws_mentions_of) */
} nl_ref;

typedef struct nl_workspace nl_workspace;

/* Called on the loop thread as the first scan proceeds: `done` of `total` files parsed;
 * finished is 1 on the last call. */
typedef void (*nl_ws_progress_cb)(nl_workspace *ws, void *ud, size_t done, size_t total,
                                  int finished);
/* Called on the loop thread after the index changed (scan finished, note updated, added,
 * removed); the server refreshes diagnostics of open documents from it. */
typedef void (*nl_ws_change_cb)(nl_workspace *ws, void *ud);

/* Sizes libuv's thread pool to the machine's cores (2 to 16) unless UV_THREADPOOL_SIZE is set:
 * parsing is CPU-bound and more threads only hold more memory in flight. Call before the
 * first scan (libuv reads the variable once). */
void nl_ws_size_thread_pool(void);

/* ---- lifetime ---------------------------------------------------------------------------- */

/* Returns a new, empty index on `loop` (borrowed, must outlive it) with `cfg` (borrowed until
 * replaced with nl_ws_set_config; a running scan works on its own copy). NULL when out of
 * memory. */
nl_workspace *nl_ws_new(uv_loop_t *loop, const nl_config *cfg);
/* Frees the index and every entry. Call only when no scan is running (nl_ws_scanning). */
void nl_ws_free(nl_workspace *ws);

/* Replaces the configuration (borrowed): recomputes kinds and drops notes it now ignores.
 * Notes it no longer ignores, or that the size limit now admits, come with the next scan. */
void nl_ws_set_config(nl_workspace *ws, const nl_config *cfg);
const nl_config *nl_ws_config(const nl_workspace *ws);

/* Adds a workspace folder (absolute path, copied). Returns 0 or NL_ENOMEM. */
int nl_ws_add_root(nl_workspace *ws, const char *abs_dir);
size_t nl_ws_n_roots(const nl_workspace *ws);
const char *nl_ws_root(const nl_workspace *ws, size_t i); /* borrowed */
/* The workspace folder that holds abs (the innermost: each folder is its own vault), or -1. */
int nl_ws_root_of(const nl_workspace *ws, const char *abs);

void nl_ws_on_change(nl_workspace *ws, nl_ws_change_cb cb, void *ud);

/* ---- scanning and live updates ----------------------------------------------------------- */

/* Starts the scan of every root: the walk and the parses run on libuv's thread pool, results
 * are merged on the loop thread, `cb` reports progress. Skips .git, .obsidian, .trash,
 * node_modules, hidden folders, ignored globs, files over maxFileSize or binary (logged), and
 * never follows a symlink out of a root or into a loop. Returns 0, NL_EBUSY while a scan runs,
 * NL_ENOMEM or NL_ELOOP. */
int nl_ws_scan(nl_workspace *ws, nl_ws_progress_cb cb, void *ud);
int nl_ws_scanning(const nl_workspace *ws);
/* Folders and notes the last finished scan could not read (each logged with its reason). */
size_t nl_ws_unreadable(const nl_workspace *ws);
/* 1 when the last finished scan stopped at maxNotes: the vault holds more notes than indexed. */
int nl_ws_capped(const nl_workspace *ws);
/* Stops a running scan without merging what it parsed (the server is leaving): work not
 * started is cancelled, work running stops after its current file. The scan's memory goes once
 * the loop has run its last callback; nl_ws_scanning is 0 from now on. */
void nl_ws_cancel_scan(nl_workspace *ws);
/* Keeps the parsed notes in an index cache in folder `dir` (copied; NULL turns the cache off,
 * the default) unless the configuration's `cache` is false: the next scan re-reads only the
 * notes changed since (lsp/index/cache.h). Takes effect at the next nl_ws_scan. 0, or
 * NL_ENOMEM. */
int nl_ws_set_cache_dir(nl_workspace *ws, const char *dir);

/* Called on thread-pool threads, several at once, with the bytes of each note the scan reads
 * (`text`, len bytes of the whole file, NUL-terminated) after they are parsed; `abs` is the
 * note's path as its entry will have it. Returns 1 to keep the bytes (the hook then owns text
 * and frees it), else 0. Notes that come from the index cache are not read, so not seen. */
typedef int (*nl_ws_text_cb)(void *ud, const char *abs, char *text, size_t len);
/* Sets the hook of the scans started from now on (NULL: none, the default); ud is the
 * caller's and must outlive them. */
void nl_ws_set_text_hook(nl_workspace *ws, nl_ws_text_cb cb, void *ud);

/* Without a waker, parsed notes are merged as soon as a thread-pool chunk finishes. With one,
 * they wait and `wake` (called on the loop thread) asks the owner to call nl_ws_merge soon;
 * the server does so between requests, so indexing never holds up a request for long. */
void nl_ws_set_waker(nl_workspace *ws, void (*wake)(void *ud), void *ud);
/* Merges waiting notes for about budget_ns, and once the scan is over builds the reference
 * maps it deferred (backlinks.c); returns 1 when some of that work is still waiting. */
int nl_ws_merge(nl_workspace *ws, uint64_t budget_ns);
int nl_ws_ready(const nl_workspace *ws); /* the first scan finished */

/* The resolved path of abs (new, free()) when, every link followed, it lies inside one of
 * the roots (lsp/base/path.h); NULL otherwise. Every read after the first scan asks it. */
char *nl_ws_real_inside(const nl_workspace *ws, const char *abs);
/* The resolved path of e's file (new, free()) in *real when, every link followed, it still
 * lies inside the root e was indexed under; 0, or an nl_errno (NL_EOUTSIDE, -ENOENT...). For
 * readers of a closed note that hold no index (the text service). */
int nl_ws_entry_real(const nl_entry *e, char **real);
/* Whether a note may be created at abs: nothing there yet, and inside the root it names once
 * links are followed. 0, or an nl_errno: NL_EEXIST, NL_EOUTSIDE (outside every root), NL_EINVAL. */
int nl_ws_creatable(const nl_workspace *ws, const char *abs);

/* Parses `text` as the note at `abs` (inside a root) and replaces its entry or adds one.
 * `open` marks the text as an open document's. Returns the entry (borrowed), NULL when the
 * path is outside every root or on out of memory. */
nl_entry *nl_ws_update(nl_workspace *ws, const char *abs, const char *text, size_t len,
                       int open);
/* The same for an open document's text after an edit: `was` is the entry at abs (borrowed,
 * NULL when there is none) and `edit` says what changed since the text its note was parsed
 * from, so that what the edit left alone is not parsed again (nl_note_parse_ex); it says too
 * whether the edit changed one line's diagnostics alone (edit->same_but_line). */
nl_entry *nl_ws_update_ex(nl_workspace *ws, const char *abs, const char *text, size_t len,
                          int open, const nl_entry *was, nl_note_edit *edit);
/* Re-reads a file from disk (created or changed on disk). Does nothing for an open document.
 * Returns 0, or a negative error (the entry is removed when the file is gone). */
int nl_ws_reload(nl_workspace *ws, const char *abs);
/* An open document was closed: its entry reverts to the file on disk (or goes if none). */
int nl_ws_close(nl_workspace *ws, const char *abs);
/* Removes the note at `abs` (deleted on disk); 0, or 1 when it was not indexed. */
int nl_ws_remove(nl_workspace *ws, const char *abs);

/* ---- lookups ----------------------------------------------------------------------------- */

nl_entry *nl_ws_by_path(const nl_workspace *ws, const char *abs); /* borrowed or NULL */
nl_entry *nl_ws_by_uri(const nl_workspace *ws, const char *uri);  /* borrowed or NULL */
/* Entries by id for iteration: ids run from 0 to nl_ws_id_limit; removed ids give NULL. */
uint32_t nl_ws_id_limit(const nl_workspace *ws);
nl_entry *nl_ws_get(const nl_workspace *ws, uint32_t id);
size_t nl_ws_count(const nl_workspace *ws);       /* live entries */
uint64_t nl_ws_seq(const nl_workspace *ws);       /* increases with every change */
/* Increases with every change that can alter what another note's diagnostics say: a note
 * added or removed; a note's title, aliases, headings, block ids or kind changed; an
 * attachment added or removed; the configuration replaced. A note's own edits that change
 * none of these leave it alone, so the diagnostics of the other notes stand (together with
 * each entry's seq, it says when a note's diagnostics need computing again). */
uint64_t nl_ws_generation(const nl_workspace *ws);
/* Increases with the changes of nl_ws_generation whose dependents were not collected, so that
 * any note's diagnostics may read them: all of them while dependents are not tracked, during
 * a scan, and when the configuration is replaced. While it holds, a note whose diagnostics
 * were computed (diag_state) needs them again only when its seq moved or it was collected as
 * a dependent of a change, which forgets its diag_state. */
uint64_t nl_ws_wide_generation(const nl_workspace *ws);

/* Resolves a link target as written (`Ana Ruiz`, `People/Ana Ruiz`, `Ana Ruiz.md`,
 * `../People/Ana%20Ruiz.md` already decoded) from note `from` (may be NULL) among the notes of
 * from's own workspace folder (every folder when NULL) by Obsidian's rules
 * (MetadataCache.getLinkpathDest), for wikilinks and markdown links alike: "./" and "../"
 * from from's folder; then the path from the vault's root (a leading '/' allows nothing
 * else); then every note of that file name whose path ends with the target, those under
 * from's folder first, then the shortest path, then byte order; then, where Obsidian stops,
 * frontmatter titles and aliases. Case-insensitive and NFC normalised. *n_matches tells how
 * many matched (may be NULL; 1 for a path match). Returns NULL when nothing matches. */
nl_entry *nl_ws_resolve(const nl_workspace *ws, const nl_entry *from,
                        const char *target, size_t len, size_t *n_matches);
/* Every note matching like nl_ws_resolve, best first, into out (at most cap); returns the
 * total number of matches. */
size_t nl_ws_resolve_all(const nl_workspace *ws, const nl_entry *from,
                         const char *target, size_t len, nl_entry **out, size_t cap);
/* The notes of from's workspace folder (every folder's when from is NULL) whose file name
 * without ".md" is name[0, len), in nl_ws_resolve's order from `from`, into out (at most cap);
 * returns how many there are. No path, title or alias rule: the candidates a bare name has. */
size_t nl_ws_files_named(const nl_workspace *ws, const nl_entry *from, const char *name,
                         size_t len, nl_entry **out, size_t cap);
/* Whether the vault path rel lies under the folder of the note at from_rel as Obsidian ranks
 * link targets (nl_ws_resolve): a case-folded string prefix, every path when from_rel is at
 * the vault's root. */
int nl_ws_under_folder_of(const char *from_rel, const char *rel);
/* ---- attachments (any file that is not a note) ------------------------------------------- */

/* Records the file at `abs` (inside a root, not hidden, not ignored, not .md): 0, 1 when it is
 * not an attachment of the vault, NL_ENOMEM. Adding a known file does nothing. */
int nl_ws_attachment_add(nl_workspace *ws, const char *abs);
/* Forgets it (deleted); 0, or 1 when it was not recorded. */
int nl_ws_attachment_remove(nl_workspace *ws, const char *abs);
/* The file a link or embed target names ("diagram.png", "assets/diagram.png",
 * "../docs/a.pdf") by the rules of nl_ws_resolve among the files of from's workspace folder
 * (every folder's when from is NULL). Borrowed absolute path until the attachment is removed,
 * or NULL. */
const char *nl_ws_resolve_attachment(const nl_workspace *ws, const nl_entry *from,
                                     const char *target, size_t len);
/* Whether a target's extension is a file type Obsidian opens (png, pdf, canvas, ...): such a
 * name is an attachment, any other dotted name may be a note's ("2021.07.17"). */
int nl_ws_attachment_ext(const char *target);
/* Attachments by id for iteration: ids run from 0 to nl_ws_attachment_limit; the absolute
 * path (borrowed until removed) with its vault path in *rel, or NULL for a removed id. */
uint32_t nl_ws_attachment_limit(const nl_workspace *ws);
const char *nl_ws_attachment_get(const nl_workspace *ws, uint32_t id, const char **rel);
/* The vault path (borrowed) of the attachment at absolute path abs, or NULL. */
const char *nl_ws_attachment_rel(const nl_workspace *ws, const char *abs);
/* The attachments of from's workspace folder (every folder's when from is NULL) whose file name
 * is name[0, len) (the index's key, extension included): their absolute and vault paths
 * (borrowed) into abs and rel, at most cap; returns how many have it. */
size_t nl_ws_attachments_named(const nl_workspace *ws, const nl_entry *from, const char *name,
                               size_t len, const char **abs, const char **rel, size_t cap);

/* The index's key of a name (NFC, case-folded): new (free()), its length in *len; NULL when
 * out of memory. Equal keys are the same name. */
char *nl_ws_name_key(const char *s, size_t len, size_t *key_len);
/* Whether two names are the same for the index (equal NFC case-folded keys). */
int nl_ws_same_name(const char *a, size_t alen, const char *b, size_t blen);
/* Resolves a name to a note of `kind` (frontmatter `account:`, `participants:`), by name,
 * title or alias, among the notes of from's workspace folder (every folder's when from is
 * NULL, for callers that have no note); NULL when no note of that kind has it. The two
 * resolvers below take from alike. */
nl_entry *nl_ws_resolve_kind(const nl_workspace *ws, const nl_entry *from, nl_kind kind,
                             const char *name, size_t len);
/* Resolves a mention to the person whose name or alias is the longest prefix of m->tail at a
 * word boundary (else the one named by its first word); when none is, and the tail holds mojibake, the
 * prefixes are read repaired ("@LÃ©a" names Léa). *matched_len is set to the bytes of tail the
 * name covers (the word's length when nothing matched). NULL when no person matches. */
nl_entry *nl_ws_resolve_mention(const nl_workspace *ws, const nl_entry *from,
                                const nl_mention *m, size_t *matched_len);
/* Resolves a tag `account/<slug>` to the account whose name, title or alias equals the slug
 * ignoring case, spaces, '-' and '_'; NULL otherwise (or when the tag has another prefix). */
nl_entry *nl_ws_resolve_account_tag(const nl_workspace *ws, const nl_entry *from,
                                    const char *tag, size_t len);

/* Links anywhere in the vault whose target resolves to `e` (computed on call); new array in
 * *out (free()), returns the count or a negative error. */
ptrdiff_t nl_ws_backlinks(const nl_workspace *ws, const nl_entry *e, nl_ref **out);
/* Calls cb(ud, id) for each note of workspace folder `root` (every folder's when root < 0) with
 * a link whose last path segment is the file name name[0, len) (as the index compares names;
 * ".md" dropped), of the links written with a path ('/' in the target) only when `with_path`:
 * every note that may link to a file of that name, an attachment's backlinks among them, an
 * id once per such link. Returns how many calls it made. */
size_t nl_ws_linking_named(const nl_workspace *ws, int root, const char *name, size_t len,
                           int with_path, void (*cb)(void *ud, uint32_t id), void *ud);

/* Keeping the notes whose diagnostics may have changed because another note's face changed
 * (dependents.c): from on = 1, each change after the first scan collects the changed note and
 * the notes that may name it by its old and new file name, title and aliases (links,
 * mentions, frontmatter names, account tags), or an attachment's file name (links). Each
 * note collected forgets its pulled diagnostics' memo (diag_state), so nl_ws_wide_generation
 * need not move and a pull diagnoses these notes again rather than every note. */
void nl_ws_track_dependents(nl_workspace *ws, int on);
/* The ids collected since the last call, each once, and forgets them: new array (free()),
 * the count in *n; NULL and 0 for none. An id may since have been removed (nl_ws_get NULL). */
uint32_t *nl_ws_take_dependents(nl_workspace *ws, size_t *n);

/* Character masks (nl_unicode_char_mask) by entry id, for passes over the whole vault that
 * can skip an entry without touching it: `names` covers the file name, title and aliases,
 * `all` adds the headings. Borrowed until the index changes; 0 for removed ids. */
const uint64_t *nl_ws_name_masks(const nl_workspace *ws);
const uint64_t *nl_ws_all_masks(const nl_workspace *ws);

/* The name table: one row per file name and per alias of every note, packed so that a pass
 * over every name (completion) reads contiguous memory and touches no entry. Rows of removed
 * or re-indexed notes stay behind marked dead until the table is compacted. */
typedef struct {
  uint64_t mask;   /* nl_unicode_char_mask of the name */
  uint64_t initials; /* nl_unicode_initials_mask of the name */
  uint64_t bigrams;  /* nl_unicode_word_heads of the name */
  uint64_t trigrams;
  uint64_t seq;    /* the entry's seq when the row was written (recency) */
  uint32_t id;     /* entry id */
  uint32_t sub;    /* 0: the file name; i + 1: alias i of the note */
  uint32_t off;    /* the name, NUL-terminated, at pool + off */
  uint32_t len;
  uint32_t root;   /* the entry's root (nl_entry.root) */
  uint8_t kind;    /* nl_kind */
  uint8_t dead;
  uint8_t ascii;   /* the name is all ASCII */
  char first;      /* its first byte */
} nl_ws_name;

/* The rows (borrowed until the index changes), their count in *n and the pool in *pool;
 * *masks (may be NULL) gets the rows' masks again as one dense array, which a pass can scan
 * at a fraction of the memory traffic of the rows (a dead row's mask there is 0). */
const nl_ws_name *nl_ws_names(const nl_workspace *ws, size_t *n, const char **pool,
                              const uint64_t **masks);
/* The rows' kinds as one dense byte array (NL_WS_DEAD for a dead row), like the masks. */
#define NL_WS_DEAD 0xFF
const uint8_t *nl_ws_name_kinds(const nl_workspace *ws);
/* Changes whenever rows move (the table is compacted), and differs between workspaces: a row
 * index kept from a pass is the same row while this stays the same (rows are only appended,
 * and marked dead). */
uint64_t nl_ws_names_epoch(const nl_workspace *ws);

/* The task table: one row per task of every note, packed so that a pass over the vault's
 * tasks (the task query) filters by status, due date and priority reading 16 bytes a task
 * and touches a note only for the tasks that pass. Rows of changed or removed notes stay
 * behind marked dead until the table is compacted; an entry's rows are contiguous. */
typedef struct {
  uint32_t id;      /* entry id */
  uint32_t task;    /* index in the entry's note->tasks */
  int32_t due;      /* the valid due date (days since 1970-01-01), INT32_MAX when none */
  uint8_t status;   /* nl_task.status: the status under the default statuses */
  uint8_t priority; /* nl_priority */
  uint8_t proposed; /* NL_PROPOSED_* bits */
  uint8_t dead;
} nl_ws_task;

/* The rows (borrowed until the index changes) and their count in *n; NULL when the table is
 * incomplete (it ran out of memory once), when a caller must walk the notes instead. A scan
 * merged in slices builds the table after its index cache is written; asked before, it is
 * built here first. */
const nl_ws_task *nl_ws_tasks(const nl_workspace *ws, size_t *n);

/* The symbol table (symbol_table.c): one row per string workspace/symbol matches, every
 * note's file name (sub 0), title when it differs from the name byte for byte (sub 1),
 * aliases (sub 2 + i) and headings (sub NL_WS_SYMBOL_HEADING + i) but an H1 that is the name
 * or title byte for byte; an entry's rows are contiguous. Rows of changed or removed notes
 * stay behind marked dead (mask 0) until the table is compacted. A row is 32 bytes, half a
 * cache line (the table holds ~740,000 at 100,000 notes, and a short query reads thousands
 * of them scattered). */
#define NL_WS_SYMBOL_HEADING 0x100000u
#define NL_WS_SYMBOL_ALNUM ((1ull << 36) - 1) /* the mask bits of ASCII letters and digits */
typedef struct {
  uint64_t initials : 36; /* nl_unicode_initials_mask of the string, its letters and digits
                           * (NL_WS_SYMBOL_ALNUM): the only bits a pass over rows tests */
  uint64_t len : 16;      /* bytes, 0xFFFF from there on: nl_ws_symbol_len */
  uint64_t first : 8;     /* the first byte, ASCII letters in lower case */
  uint64_t ascii : 1;     /* the string is all ASCII */
  uint64_t dead : 1;
  uint64_t heads;         /* nl_unicode_word_heads: its bigrams and trigrams in one set */
  const char *text;       /* borrowed: the entry's name or its parse's string */
  uint32_t id;            /* entry id */
  uint32_t sub;
} nl_ws_symbol;

/* The row's string's length in bytes. */
static inline size_t nl_ws_symbol_len(const nl_ws_symbol *r) {
  return r->len != 0xFFFF ? (size_t)r->len : strlen(r->text);
}

typedef struct {
  const nl_ws_symbol *rows; /* n rows */
  const uint64_t *masks;    /* the rows' character masks, densely (0: dead) */
  size_t n;
  const uint32_t *first, *count; /* by entry id below n_ids: its rows */
  uint32_t n_ids;
  uint64_t epoch; /* changes whenever rows move or the table is built again, and differs
                   * between workspaces: a row index kept is the same row while this and
                   * nl_ws_seq stay the same */
} nl_ws_symbol_table;

/* Fills *out with the table (borrowed until the index changes), building it from the notes
 * on the first call (the index keeps it in step from then on). 0, or NL_ENOMEM. */
int nl_ws_symbols(nl_workspace *ws, nl_ws_symbol_table *out);

/* Mentions anywhere in the vault that name `person` (nl_ref.link indexes the note's
 * mentions; computed on call from the notes whose mentions start with a word of the person's
 * names). New array in *out (free()), returns the count or a negative error. */
ptrdiff_t nl_ws_mentions_of(const nl_workspace *ws, const nl_entry *person, nl_ref **out);
/* nl_ws_resolve_mention of from's mention i, kept from the searches (a result of
 * nl_ws_mentions_of costs no second resolution). */
nl_entry *nl_ws_mention_resolved(const nl_workspace *ws, const nl_entry *from, size_t i,
                                 size_t *matched_len);

/* Notes whose frontmatter `account:` (nl_ref.link 0) or `participants:` entry i (link i + 1)
 * names `e`, an account or a person, as nl_ws_resolve_kind reads them. New array in *out
 * (free()), returns the count or a negative error. */
ptrdiff_t nl_ws_fm_refs_of(const nl_workspace *ws, const nl_entry *e, nl_ref **out);

/* Tags `account/<slug>` anywhere in the vault that name `account` (nl_ref.link indexes the
 * note's tags). New array in *out (free()), returns the count or a negative error. */
ptrdiff_t nl_ws_account_tags_of(const nl_workspace *ws, const nl_entry *account, nl_ref **out);

/* Every distinct tag of workspace folder `root`'s vault with how many times it is used there;
 * calls cb for each (root < 0: every folder, a tag once per folder that uses it). */
void nl_ws_foreach_tag(const nl_workspace *ws, int root,
                       void (*cb)(void *ud, const char *tag, size_t count), void *ud);

/* Verifies the index's invariants (names map to live entries, counts match); returns 0 or
 * NL_ECORRUPT with a description in err. Tests and debug builds call it after every update. */
int nl_ws_check(const nl_workspace *ws, char *err, size_t err_size);

#endif
