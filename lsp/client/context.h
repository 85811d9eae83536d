/* context.h: what a feature handler sees of the server: the index, the open documents, the
 * negotiated position encoding, the client's capabilities and today's date. Handlers run on
 * the loop thread and never block. */
#ifndef NL_CONTEXT_H
#define NL_CONTEXT_H

#include <jansson.h>
#include <stdint.h>

#include "lsp/base/buf.h"
#include "lsp/client/document.h"
#include "lsp/client/text.h"
#include "lsp/index/workspace.h"
#include "protocol/position.h"

/* What the client said it supports in `initialize` (0 when absent). */
typedef struct {
  int snippet;               /* textDocument.completion.completionItem.snippetSupport */
  int document_changes;      /* workspace.workspaceEdit.documentChanges */
  int create_files;          /* workspace.workspaceEdit.resourceOperations has "create" */
  int rename_files;          /* workspace.workspaceEdit.resourceOperations has "rename" */
  int prepare_rename;        /* textDocument.rename.prepareSupport */
  int will_rename_files;     /* workspace.fileOperations.willRename */
  int related_info;          /* textDocument.publishDiagnostics.relatedInformation */
  int pull_diagnostics;      /* textDocument.diagnostic */
  int diagnostic_refresh;    /* workspace.diagnostics.refreshSupport */
  int inlay_hint_refresh;    /* workspace.inlayHint.refreshSupport */
  int code_lens_refresh;     /* workspace.codeLens.refreshSupport */
  int work_done_progress;    /* window.workDoneProgress */
  int watched_files_dynamic; /* workspace.didChangeWatchedFiles.dynamicRegistration */
  int configuration;         /* workspace.configuration */
  int apply_edit;            /* workspace.applyEdit */
  int code_action_literals;  /* textDocument.codeAction.codeActionLiteralSupport */
  int code_action_resolve;   /* textDocument.codeAction.resolveSupport has "edit" */
  int hierarchical_symbols;  /* textDocument.documentSymbol.hierarchicalDocumentSymbolSupport */
  int hover_markdown;        /* textDocument.hover.contentFormat has "markdown" */
  int completion_edit_range; /* textDocument.completion.completionList.itemDefaults has
                                "editRange" */
} nl_client_caps;

typedef struct nl_ctx nl_ctx;
struct nl_ctx {
  nl_workspace *ws;          /* borrowed */
  nl_docs *docs;             /* borrowed */
  nl_encoding enc;           /* negotiated position encoding */
  int32_t today;             /* days since 1970-01-01 */
  const nl_client_caps *caps;
  /* Sends workspace/applyEdit with `edit` (steals) as a server request. */
  void (*apply_edit)(const nl_ctx *ctx, const char *label, json_t *edit);
  /* Sends $/progress {token (borrowed), value} whose value is the JSON text value[0, n)
   * (borrowed; not checked): partial results of a request, written as text. */
  void (*progress)(const nl_ctx *ctx, const json_t *token, const char *value, size_t n);
  void *server;              /* for apply_edit and progress */
  /* What features keep between requests (lsp/features/features.h: nl_memo_new); borrowed,
   * NULL: nothing is kept and every request starts afresh. */
  struct nl_memo *memo;
};

/* A feature handler: `params` is borrowed. On success it sets *result (new reference; json_null()
 * for "no result") and returns 0; on bad params it returns NL_RPC_INVALID_PARAMS (negative,
 * from protocol/rpc.h) with a message naming the field in err. */
typedef int (*nl_handler_fn)(const nl_ctx *ctx, const json_t *params, json_t **result,
                             char *err, size_t err_size);
/* What a handler returns instead of 0 when *result is a JSON string that holds the answer's
 * JSON text (nl_ctx_raw_result): a long answer written as text, without a tree of JSON
 * values to build, encode and free (references: a tree of ~20 allocations per location). */
#define NL_CTX_RAW_RESULT 1
/* Takes b's text, the JSON of an answer, as *result (new) for a handler to return
 * NL_CTX_RAW_RESULT with; out of memory: 0 with *result = json_null(), the empty answer. */
int nl_ctx_raw_result(nl_buf *b, json_t **result);
/* For a caller that wants the answer as JSON values (tests): a handler's return code and
 * *result as if it had built the tree; NL_CTX_RAW_RESULT becomes 0 with *result replaced by
 * the value its text holds (an internal error if the text were not JSON). */
int nl_ctx_result_tree(int rc, json_t **result);

/* ---- positions of notes ------------------------------------------------------------------ */

/* Converts a byte position of note `e` to an LSP position in ctx->enc: with the open
 * document's text, else from the index's parse (lsp/note/columns.h), reading the file only
 * for a position the parse does not keep; a position past a line is clamped. Returns a new
 * JSON Position. */
json_t *nl_ctx_position_json(const nl_ctx *ctx, const nl_entry *e, nl_bpos p);
/* Same for a range. */
json_t *nl_ctx_range_json(const nl_ctx *ctx, const nl_entry *e, nl_brange r);
/* A Location {uri, range} for a range of `e` (new). */
json_t *nl_ctx_location_json(const nl_ctx *ctx, const nl_entry *e, nl_brange r);
/* Appends to b the JSON text of nl_ctx_location_json(ctx, e, r), for an answer written as
 * text (NL_CTX_RAW_RESULT). */
void nl_ctx_location_text(const nl_ctx *ctx, nl_buf *b, const nl_entry *e, nl_brange r);
/* Appends to b the JSON text of a Location for a span of `e` on one line that starts at
 * `start` with `lead` ASCII bytes followed by bytes[0, n) (the note's own bytes, from the
 * parse): an @mention is '@' and the name it resolved to. No text is read to measure it. */
void nl_ctx_span_location_text(const nl_ctx *ctx, nl_buf *b, const nl_entry *e, nl_bpos start,
                               uint32_t lead, const char *bytes, size_t n);
/* Appends s (NUL-terminated, valid UTF-8) as a JSON string, escaped as jansson's encoder
 * does, for an answer written as text. */
void nl_ctx_string_text(nl_buf *b, const char *s);
/* Appends the JSON text of nl_lsp_range_json(l1, c1, l2, c2) (protocol/lsp_types.h). */
void nl_ctx_range_text(nl_buf *b, uint32_t l1, uint32_t c1, uint32_t l2, uint32_t c2);
/* Appends v in decimal, a JSON number. */
void nl_ctx_u32_text(nl_buf *b, uint32_t v);
/* The same for s[0, n), which may hold NUL (escaped as \u0000, as jansson does). */
void nl_ctx_string_text_len(nl_buf *b, const char *s, size_t n);
/* Appends the JSON text of nl_ctx_text_range_json(ctx, t, r). */
void nl_ctx_text_range_text(const nl_ctx *ctx, nl_buf *b, const nl_text *t, nl_brange r);
/* Appends the JSON text of a Location at the top of `uri`: line 0, column 0, empty (column 0
 * in every encoding, so no text is read). */
void nl_ctx_top_location_text(nl_buf *b, const char *uri);
/* A Range (new) of the note whose text is t. */
json_t *nl_ctx_text_range_json(const nl_ctx *ctx, const nl_text *t, nl_brange r);
/* Converts an LSP position in open document `doc` to a byte position of its note. */
nl_bpos nl_ctx_bpos(const nl_ctx *ctx, const nl_doc *doc, uint32_t line, uint32_t character);

#endif
