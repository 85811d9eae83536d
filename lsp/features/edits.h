/* edits.h: a workspace edit under construction, for rename and file moves. Each note edited is
 * loaded once: its text as the client sees it now (the open document's, else the file on disk)
 * and a fresh parse of exactly those bytes, so every edit is computed from, and converted to the
 * client's positions with, the text it applies to, never from an index that may lag behind the
 * disk. The result is a WorkspaceEdit: versioned TextDocumentEdits (then resource operations)
 * when the client takes documentChanges, else the plain changes map. */
#ifndef NL_EDITS_H
#define NL_EDITS_H

#include <jansson.h>
#include <stddef.h>

#include "lsp/base/vec.h"
#include "lsp/client/context.h"
#include "lsp/index/diagnose.h"

typedef struct {
  nl_brange range;
  char *text;           /* new */
} nl_edits_edit;

/* One note being edited. */
typedef struct {
  const nl_entry *e;    /* borrowed from the index */
  const char *uri;      /* where the edits go (e->uri unless redirected); borrowed */
  nl_text t;            /* its text now */
  nl_note *note;        /* a parse of t (new) */
  nl_vec edits;         /* of nl_edits_edit */
} nl_edits_file;

typedef struct {
  const nl_ctx *ctx;    /* borrowed */
  nl_vec files;         /* of nl_edits_file * (each new) */
  json_t *ops;          /* resource operations appended after the text edits (new) */
  int oom;
} nl_edits;

void nl_edits_init(nl_edits *s, const nl_ctx *ctx);
void nl_edits_free(nl_edits *s);

/* The note `e` loaded into the set (once): borrowed until nl_edits_free; NULL when out of
 * memory. A note whose file cannot be read is loaded empty (and gets no edits). */
nl_edits_file *nl_edits_file_of(nl_edits *s, const nl_entry *e);
/* Loads `e` from the file at `abs` instead of e->abs (a file already moved on disk), its edits
 * addressed to `uri`; both borrowed until nl_edits_free. */
nl_edits_file *nl_edits_file_at(nl_edits *s, const nl_entry *e, const char *abs,
                                const char *uri);

/* Adds an edit replacing range r of f with text[0, len) (copied). An edit equal to one already
 * there is dropped; 0, or -1 when out of memory. */
int nl_edits_add(nl_edits *s, nl_edits_file *f, nl_brange r, const char *text, size_t len);
/* Replaces the link path in range r of f (one line) with text[0, len), the edit narrowed to the
 * segments that change: the folders both start with stay, and so do the whole segments (else a
 * ".md") both end with: "People/Ana Ruiz" rewritten to "Ana Ruiz" deletes "People/" and
 * touches nothing else. No edit when they are equal; 0, or -1 when out of memory. */
int nl_edits_replace(nl_edits *s, nl_edits_file *f, nl_brange r, const char *text, size_t len);
/* Appends a RenameFile operation from old_uri to new_uri (copied). */
int nl_edits_rename_file(nl_edits *s, const char *old_uri, const char *new_uri);
/* Whether any file has an edit, or an operation was added. */
int nl_edits_empty(const nl_edits *s);

/* The WorkspaceEdit (new), NULL when out of memory. */
json_t *nl_edits_json(nl_edits *s);

/* ---- text of a loaded note --------------------------------------------------------------- */

/* The bytes of line `line` of f (BOM excluded, terminator excluded); "" past the end. */
const char *nl_edits_line(const nl_edits_file *f, uint32_t line, size_t *len);
/* The source bytes of a one-line range of f (borrowed), with their count in *len; NULL when the
 * range spans lines or lies outside the text. */
const char *nl_edits_slice(const nl_edits_file *f, nl_brange r, size_t *len);
/* An LSP Range (new) for r in f, in encoding enc. */
json_t *nl_edits_range_json(const nl_edits_file *f, nl_encoding enc, nl_brange r);
/* A client position in f to a byte position. */
nl_bpos nl_edits_bpos(const nl_edits_file *f, nl_encoding enc, uint32_t line,
                      uint32_t character);

/* The range of a heading's text in its line (after the '#'s, before a closing run); -1 for a
 * setext heading over several lines. */
int nl_edits_heading_text(const nl_edits_file *f, const nl_heading *h, nl_brange *out);
/* The note's title heading: its first level-1 heading, or NULL. */
const nl_heading *nl_edits_title_heading(const nl_note *n);

#endif
