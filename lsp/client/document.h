/* document.h: the editor's open documents, keyed by URI, with full and incremental sync
 * (textDocument/didOpen, didChange, didClose). The text of an open document is the truth for the
 * features, not the file on disk. */
#ifndef NL_DOCUMENT_H
#define NL_DOCUMENT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "lsp/index/workspace.h"
#include "protocol/position.h"

typedef struct {
  char *uri;       /* owned by the store */
  int64_t version; /* the version of the last open or change */
  char *text;      /* owned; always NUL-terminated (the text itself may contain NULs) */
  size_t len;      /* bytes of text, NUL excluded */
  size_t cap;      /* allocated bytes of text */
  nl_lines lines;  /* the line table of text, kept up to date */
  /* Since the last nl_doc_index: the text's first `head` bytes and its last `tail` bytes are
   * those the text had then (SIZE_MAX each: no change came; 0 after an open or a full change). */
  size_t head, tail;
  nl_note_blocks blocks; /* the leaf blocks of that parse (nl_note_parse_ex), owned */
  uint64_t mark;   /* the index's seq of that parse (nl_doc_index); 0: none */
  /* That parse differs from the entry's parse before it (whose seq was `follows`; 0: not
   * known) only in the diagnostics of line follows_line (UINT32_MAX: of none), so that those
   * of the other lines can be kept (edit->same_but_line). */
  uint64_t follows;
  uint32_t follows_line;
} nl_doc;

typedef struct nl_docs nl_docs;

/* A new empty store, or NULL when out of memory. */
nl_docs *nl_docs_new(void);
/* Frees the store and every document in it; accepts NULL. */
void nl_docs_free(nl_docs *docs);

/* Opens uri with a copy of text[0, len), replacing its contents if it is already open (the
 * nl_doc pointer then stays the same). Returns the document (borrowed: valid until it is closed
 * or the store freed), or NULL when out of memory (an already open document is left unchanged). */
nl_doc *nl_docs_open(nl_docs *docs, const char *uri, int64_t version, const char *text, size_t len);
/* The open document for uri (borrowed, see nl_docs_open), or NULL when it is not open. */
nl_doc *nl_docs_get(nl_docs *docs, const char *uri);
/* Closes uri and frees its document; 0, or NL_ENOENT when it was not open. */
int nl_docs_close(nl_docs *docs, const char *uri);
/* Number of open documents. */
size_t nl_docs_count(const nl_docs *docs);
/* Calls cb for every open document in no particular order until cb returns non-zero, which is
 * then returned (0 after a full walk). cb must not open or close documents. */
int nl_docs_foreach(nl_docs *docs, int (*cb)(nl_doc *doc, void *arg), void *arg);

/* Applies the contentChanges array of a didChange (borrowed) in order: a change with "range" (in
 * units of enc, clamped as LSP says) replaces that range, one without (or with a null range)
 * replaces the whole text. Then sets doc->version. Returns 0; or NL_EINVAL with a
 * message naming the field (e.g. "contentChanges[1].text must be a string") or NL_ENOMEM, and the
 * document unchanged: the batch applies entirely or not at all. */
int nl_doc_apply(nl_doc *doc, const json_t *content_changes, nl_encoding enc, int64_t version,
                 char *err, size_t err_size);

/* Parses doc's text into the index as the open note at abs (nl_ws_update_ex): what the
 * changes since the last nl_doc_index left alone is not parsed again (the frontmatter before
 * them; the block structure, when they cannot change it). The entry (borrowed), or NULL as
 * nl_ws_update gives it. */
nl_entry *nl_doc_index(nl_doc *doc, nl_workspace *ws, const char *abs);

/* Checks a document's invariants (text NUL-terminated within cap, line table equal to a fresh
 * scan of the text); 0, NL_EINVAL when broken, NL_ENOMEM. O(document): for tests and debug builds. */
int nl_doc_check(const nl_doc *doc);

#endif
