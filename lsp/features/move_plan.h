/* move_plan.h: what a move of files in the editor moves (workspace/willRenameFiles,
 * didRenameFiles): the notes and attachments, each with its path after the move, read from the
 * request's {oldUri, newUri} pairs (a file, or a folder and every file in it). move.c finds the
 * links that the move breaks. */
#ifndef NL_MOVE_PLAN_H
#define NL_MOVE_PLAN_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "lsp/client/context.h"

/* A note that moves. */
typedef struct {
  const nl_entry *e;
  char *abs, *rel, *uri; /* after the move (new) */
  const char *name;      /* file name after the move, in rel */
  size_t name_len;
  char *key;             /* the index's key of name (new) */
} nl_move_note;

/* An attachment (image, PDF, canvas, any file not a note) that moves. */
typedef struct {
  const char *old_abs, *old_rel; /* before the move (borrowed from the index) */
  char *rel;                     /* after the move (new) */
  char *key;                     /* the index's key of its file name, extension included (new) */
  int root;                      /* its workspace folder (nl_ws_root_of) */
} nl_move_att;

/* What moves: the notes and attachments of workspace/willRenameFiles or didRenameFiles. */
typedef struct {
  const nl_ctx *ctx;
  nl_move_note *m;
  size_t n, cap;
  uint32_t *slot;        /* by entry id: index in m plus one, 0 when not moved */
  uint32_t *by_key;      /* indexes of m sorted by key, for the notes a name will name */
  int after;             /* the files are already at their new places */
  nl_move_att *am;       /* the attachments that move */
  size_t an, acap;
} nl_move_plan;


/* An empty plan over ctx's index (borrowed); `after`: the files are already at their new
 * places (didRenameFiles). 0, or -1 when out of memory; free with nl_move_plan_free. */
int nl_move_plan_init(nl_move_plan *p, const nl_ctx *ctx, int after);
void nl_move_plan_free(nl_move_plan *p);
/* Reads params.files [{oldUri, newUri}] into p. 0, or an NL_RPC_* error described in err. */
int nl_move_read(nl_move_plan *p, const json_t *params, char *err, size_t err_size);

/* The move of note e, or NULL when it stays (borrowed from p). */
const nl_move_note *nl_move_of(const nl_move_plan *p, const nl_entry *e);
/* e's vault path after the move (borrowed). */
const char *nl_move_rel_after(const nl_move_plan *p, const nl_entry *e);
/* e's file name without ".md" after the move (borrowed), its length in *len. */
const char *nl_move_name_after(const nl_move_plan *p, const nl_entry *e, size_t *len);
/* The move of the attachment at absolute path abs, or NULL when it stays (borrowed). */
const nl_move_att *nl_move_att_of(const nl_move_plan *p, const char *abs);
/* The moved notes whose new name has the index key `key`: p->m[p->by_key[*first + i]] for i
 * below the returned count. */
size_t nl_move_named(const nl_move_plan *p, const char *key, size_t *first);
/* What moved, for a person to read: "note 'People/Ana.md'", "attachment 'img/a.png'", "3
 * notes", "2 notes and 1 attachment"; into buf (size bytes). */
void nl_move_describe(const nl_move_plan *p, char *buf, size_t size);

#endif
