/* task_query.h: the vault's tasks, filtered and sorted: one engine behind `notes-lsp tasks`,
 * the `notes-lsp.tasks` command, code lenses and the person and account hover cards. It reads
 * the index's parsed tasks and does no I/O, except that building the JSON of a result may read
 * a note's text to give a range in the client's encoding.
 *
 * Filters combine (all must hold); a list filter holds when any of its values matches:
 *   owners     a task owner (@mention on its line) names the person: by note (name, title or
 *              alias) or, for a mention of no person note, by the name as written; "me" means
 *              the configured owner names
 *   accounts   the task's account (nl_tq_hit.account) is the named account note, or has the
 *              name when it is no note
 *   statuses   NL_TQ_* bits; none given: proposed, todo and in progress
 *   overdue    a valid due date before today and a status that is not done or cancelled
 *   due before / after   a valid due date strictly before / after the date
 *   priorities nl_priority bits (NL_PRIORITY_NONE is Obsidian Tasks' "normal")
 *   path       a vault-relative glob ('*' in a segment, '**' across folders; a folder matches
 *              every note below it), as the `ignore` setting reads it
 *   folder     the note is in this workspace folder (its path or file URI; each folder is
 *              its own vault, and a folder the index does not have holds no task)
 *   text       every word occurs in the description, ignoring case
 */
#ifndef NL_TASK_QUERY_H
#define NL_TASK_QUERY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "lsp/client/document.h"
#include "lsp/index/workspace.h"
#include "lsp/note/task.h"
#include "protocol/position.h"

typedef enum {
  NL_TQ_PROPOSED,
  NL_TQ_TODO,
  NL_TQ_IN_PROGRESS,
  NL_TQ_DONE,
  NL_TQ_CANCELLED,
  NL_TQ__STATUS_COUNT
} nl_tq_status;

typedef enum { NL_TQ_SORT_DUE, NL_TQ_SORT_PRIORITY, NL_TQ_SORT_PATH, NL_TQ_SORT_OWNER } nl_tq_sort;
typedef enum { NL_TQ_GROUP_NONE, NL_TQ_GROUP_OWNER, NL_TQ_GROUP_ACCOUNT } nl_tq_group;

#define NL_TQ_OPEN_STATUSES \
  ((1u << NL_TQ_PROPOSED) | (1u << NL_TQ_TODO) | (1u << NL_TQ_IN_PROGRESS))

/* A query. Every string is owned by the query (nl_tq_query_free). */
typedef struct {
  char **owners;
  size_t n_owners;
  char **accounts;
  size_t n_accounts;
  unsigned statuses;   /* bits 1 << nl_tq_status; 0 means NL_TQ_OPEN_STATUSES */
  int overdue;
  int has_due_before, has_due_after;
  int32_t due_before, due_after; /* days since 1970-01-01 */
  unsigned priorities; /* bits 1 << nl_priority; 0 means any */
  char *path;          /* glob, or NULL */
  char *folder;        /* a workspace folder's path or file URI, or NULL: every folder */
  char *text;          /* words, or NULL */
  nl_tq_sort sort;     /* default: due (then priority, path, line) */
  nl_tq_group group;
  int has_today;
  int32_t today;
  size_t limit;        /* at most this many tasks; 0: all */
  size_t offset;       /* after skipping this many of the sorted answer (paging) */
  /* A person or account note (borrowed) whose tasks to list, as if named by --owner or
   * --account: for code lenses and hover cards, which know the note rather than a name. */
  const nl_entry *party;
} nl_tq_query;

void nl_tq_query_init(nl_tq_query *q);
/* Frees the query's strings and leaves it initialised; accepts NULL. */
void nl_tq_query_free(nl_tq_query *q);
/* Append a copy of name; 0, or -1 when out of memory. */
int nl_tq_query_add_owner(nl_tq_query *q, const char *name);
int nl_tq_query_add_account(nl_tq_query *q, const char *name);

/* Names to values: -1 when s names none. Status: proposed, todo, in_progress (or
 * in-progress), done, cancelled. Priority: highest, high, medium, normal (none), low, lowest,
 * as nl_priority. Sort: due, priority, path, owner. Group: owner, account (none for "none"). */
int nl_tq_parse_status(const char *s);
int nl_tq_parse_priority(const char *s);
int nl_tq_parse_sort(const char *s);
int nl_tq_parse_group(const char *s);
const char *nl_tq_status_name(nl_tq_status s);    /* "in_progress" ... (static) */
const char *nl_tq_priority_name(int priority);    /* "highest" ..., NULL for none (static) */

/* The filters by name, one table for the command line and notes-lsp.tasks: `key` is the JSON
 * argument ("dueBefore"), `flag` the option ("--due-before"). *n gets the count; static. */
typedef struct {
  const char *key;
  const char *flag;
} nl_tq_filter_name;
const nl_tq_filter_name *nl_tq_filter_names(size_t *n);

/* Sets filter `key` (a key of nl_tq_filter_names) from its text: owner and account append a
 * name; status and priority add comma-separated names; dueBefore, dueAfter and today take
 * YYYY-MM-DD; path a glob; text words; sort and groupBy a name; limit a number >= 0. Returns
 * 0, or -1 with the problem in err, naming the filter as `shown` ("--status: expected
 * proposed, todo, in_progress, done or cancelled, got 'later'"). The one parser of filter
 * values: the command line and nl_tq_query_from_json both call it. */
int nl_tq_query_set(nl_tq_query *q, const char *key, const char *value, const char *shown,
                    char *err, size_t err_size);

/* Reads the arguments object of `workspace/executeCommand notes-lsp.tasks` into q (already
 * initialised): owner, account, status, priority (string or array of strings), overdue (bool),
 * dueBefore, dueAfter, today (YYYY-MM-DD), path, text, sort, groupBy (string), limit (integer
 * >= 0). NULL or an empty object is the default query. Returns 0, or -1 with the key and the
 * problem in err ("status: expected proposed, ..., got 'later'"); unknown keys are errors. */
int nl_tq_query_from_json(nl_tq_query *q, const json_t *args, char *err, size_t err_size);

/* ---- running ----------------------------------------------------------------------------- */

typedef struct {
  const nl_entry *entry;   /* borrowed until the index changes */
  const nl_task *task;     /* borrowed from entry->note */
  int32_t due;             /* the valid due date, INT32_MAX when none (a sort key) */
  uint8_t status;          /* nl_tq_status */
  uint8_t overdue;
  uint8_t rank;            /* priority in Tasks' order, highest first: a larger rank sorts first */
  /* The task's account: the first account note linked or `#account/`-tagged on its line, else
   * the note's frontmatter `account:` (the note when it resolves, else account_name borrowed
   * from the note), else the note itself when it is an account; both NULL when none. Set for
   * the hits a result returns (items[0 .. n)), computed after the limit. */
  const nl_entry *account;
  const char *account_name;
} nl_tq_hit;

typedef struct {
  nl_tq_hit *items;        /* new; sorted as the query asks, from q->offset on */
  size_t n;
  size_t total;            /* tasks that matched, before the offset and the limit */
  size_t total_overdue;    /* the overdue ones among those `total`, shown or not */
  int32_t today;
} nl_tq_result;

/* Runs q over every task of ws. `today` is used unless q has its own. With a limit, only the
 * first offset + limit hits in q's order are kept as the pass goes (a bounded heap), so a
 * page of a large answer is not the price of sorting all of it. Returns 0, or -1 when out of
 * memory (r is then empty). Free r with nl_tq_result_free. */
int nl_tq_run(const nl_workspace *ws, const nl_tq_query *q, int32_t today, nl_tq_result *r);
void nl_tq_result_free(nl_tq_result *r);

/* Sorts hits as `sort` says: due (dated first, earliest first), then priority, then path and
 * line; priority first for NL_TQ_SORT_PRIORITY; the first owner's name (none last), then as
 * due, for NL_TQ_SORT_OWNER. Every order ends in path and line, so it is total. 0, or -1 when
 * out of memory (the order is then unspecified). */
int nl_tq_sort_hits(const nl_workspace *ws, nl_tq_hit *items, size_t n, nl_tq_sort sort);
/* The comparison of two nl_tq_hit for `sort` (qsort's contract), or NULL for
 * NL_TQ_SORT_OWNER, which needs the owners' names worked out first (nl_tq_sort_hits). */
typedef int (*nl_tq_cmp_fn)(const void *a, const void *b);
nl_tq_cmp_fn nl_tq_hit_cmp(nl_tq_sort sort);
/* The part of that comparison that reads only the keys copied into the hits (due, rank),
 * 0 when they tie or `sort` orders by path or owner first: where it is not 0 it is the
 * comparison's answer, and neither hit's entry or task is read. */
int nl_tq_hit_keys_cmp(nl_tq_sort sort, const nl_tq_hit *a, const nl_tq_hit *b);

/* Sets a hit's account fields (see nl_tq_hit). */
void nl_tq_hit_account(const nl_workspace *ws, nl_tq_hit *h);

/* The status of one task under the `tasks:` settings `ts` (may be NULL): proposed as
 * nl_task_is_proposed says unless done or cancelled, else its type; NL_TQ__STATUS_COUNT for a
 * configured non-task, which no query lists. */
nl_tq_status nl_tq_task_status(const nl_task *t, const nl_task_settings *ts);
/* The same from the task's status type under ts and its NL_PROPOSED_* bits. */
nl_tq_status nl_tq_status_of(nl_task_status type, unsigned proposed, const nl_task_settings *ts);
/* Whether it has a valid due date before today and is proposed, to do or in progress. */
int nl_tq_task_overdue(const nl_task *t, const nl_task_settings *ts, int32_t today);

/* The person a task owner's @mention in note `from` (its entry) names, among the people of
 * from's workspace folder, or NULL, and in *name (may be NULL) its display name: the person
 * note's name (NFC) when it names one, else the name as written (new, free(); NULL when out
 * of memory). A mention written through mojibake ("@LÃ©a Dubois") names the person its
 * repair names (nl_ws_resolve_mention). */
const nl_entry *nl_tq_owner(const nl_workspace *ws, const nl_entry *from, const nl_mention *m,
                            char **name);
/* Just the display name (new, free()), NULL when out of memory. */
char *nl_tq_owner_name(const nl_workspace *ws, const nl_entry *from, const nl_mention *m);
/* The task's description for reading in a list or a card: Tasks' description without the
 * owners' @mentions and the line's tags, spaces collapsed ("Draft the pilot success criteria"
 * of "Draft the pilot success criteria @Ana Ruiz #task"). New (free()), NULL when out of
 * memory. */
char *nl_tq_plain_description(const nl_workspace *ws, const nl_entry *e, const nl_task *t);
/* The display name of a hit's account (NFC), or NULL when it has none. New (free()). */
char *nl_tq_account_name(const nl_tq_hit *h);
/* mark followed by s[0, n) ("#" and "proposed" give "#proposed"): new (free()), NULL when out
 * of memory. */
char *nl_tq_marked(char mark, const char *s, size_t n);

/* "today", "tomorrow", "in 3 days", "yesterday", "4 days ago"; for an `overdue` date in the
 * past "2 days overdue". Writes into buf (size at least 32). */
void nl_tq_relative(int32_t days, int32_t today, int overdue, char *buf, size_t size);

/* ---- output ------------------------------------------------------------------------------ */

/* A group of hits: hits[idx[0 .. n)] under `name` (new; NULL for the tasks with no owner or no
 * account, which come last). */
typedef struct {
  char *name;
  size_t *idx;
  size_t n;
} nl_tq_bucket;

/* Groups r's hits by owner (a task with two owners is in both groups) or account, groups in
 * name order (ignoring case). New array in *out with its count in *n; free with
 * nl_tq_buckets_free. 0, or -1 when out of memory. */
int nl_tq_group_hits(const nl_workspace *ws, const nl_tq_result *r, nl_tq_group g,
                     nl_tq_bucket **out, size_t *n);
void nl_tq_buckets_free(nl_tq_bucket *b, size_t n);

/* The JSON of a result (new): an array of task objects
 *   {uri, path, range, line, status, statusSymbol, description, owners, account, due,
 *    scheduled, start, created, done, cancelled, priority, overdue, dueInDays, recurrence, id,
 *    dependsOn, blockId, tags, note: {title, kind}}
 * or, when q->group is set, an array of {group: name|null, tasks: [...]}. `range` spans the
 * task's line in `enc` units, read from the open document in docs (may be NULL) or the file
 * (one read per note, and none for UTF-8). NULL when out of memory. */
json_t *nl_tq_result_json(const nl_workspace *ws, nl_docs *docs, nl_encoding enc,
                          const nl_tq_query *q, const nl_tq_result *r);
/* The same JSON as text, exactly what json_dumpf(nl_tq_result_json(...), JSON_INDENT(2))
 * writes, handed to cb (jansson's json_dump_callback_t: 0, or -1 to stop) in pieces of about
 * 64 KiB as the tasks are built, so the whole answer is never held: the command line's
 * `--format json` over a large vault. 0, or -1 when out of memory or cb failed. */
int nl_tq_result_dump(const nl_workspace *ws, nl_docs *docs, nl_encoding enc,
                      const nl_tq_query *q, const nl_tq_result *r, json_dump_callback_t cb,
                      void *data);

#endif
