/* features.h: one handler per LSP feature, each a function of (context, params). The dispatch
 * table in lsp/server/dispatch.c maps methods to these. */
#ifndef NL_FEATURES_H
#define NL_FEATURES_H

#include "lsp/client/context.h"
#include "lsp/index/diagnose.h"
#include "lsp/client/text.h"

/* ---- what features keep between requests ------------------------------------------------ */

/* One server's memory of its last requests over its one index, set as nl_ctx.memo: a
 * workspace/symbol query or a completion pattern typed on from the last one looks only at the
 * notes or names that matched it (lsp/features/memo.h). Answers are the same with or without
 * it. New (NULL when out of
 * memory); nl_memo_free accepts NULL. */
typedef struct nl_memo nl_memo;
nl_memo *nl_memo_new(void);
void nl_memo_free(nl_memo *m);

/* textDocument/completion; the list as JSON text (NL_CTX_RAW_RESULT) */
int nl_feature_completion(const nl_ctx *ctx, const json_t *params, json_t **result, char *err,
                          size_t err_size);
/* textDocument/definition and textDocument/declaration */
int nl_feature_definition(const nl_ctx *ctx, const json_t *params, json_t **result, char *err,
                          size_t err_size);
/* textDocument/references: links (and @mentions of a person) to what is under the cursor */
int nl_feature_references(const nl_ctx *ctx, const json_t *params, json_t **result, char *err,
                          size_t err_size);
/* textDocument/hover: a card for the note, task or tag under the cursor */
int nl_feature_hover(const nl_ctx *ctx, const json_t *params, json_t **result, char *err,
                     size_t err_size);
/* textDocument/documentSymbol: the note's headings as an outline */
int nl_feature_document_symbol(const nl_ctx *ctx, const json_t *params, json_t **result,
                               char *err, size_t err_size);
/* textDocument/codeAction */
int nl_feature_code_action(const nl_ctx *ctx, const json_t *params, json_t **result, char *err,
                           size_t err_size);
/* textDocument/diagnostic (pull) */
int nl_feature_diagnostic(const nl_ctx *ctx, const json_t *params, json_t **result, char *err,
                          size_t err_size);
/* workspace/executeCommand: notes-lsp.acceptAllProposedTasks / rejectAllProposedTasks [uri] */
int nl_feature_execute_command(const nl_ctx *ctx, const json_t *params, json_t **result,
                               char *err, size_t err_size);
/* textDocument/prepareRename: the range and name of what the cursor is on, null when nothing
 * there can be renamed, RequestFailed saying why when it cannot be */
int nl_feature_prepare_rename(const nl_ctx *ctx, const json_t *params, json_t **result,
                              char *err, size_t err_size);
/* textDocument/rename: a note, person or account, heading, block id or tag and every reference
 * to it; RequestFailed with the reason (collision, invalid name) and no edit when refused */
int nl_feature_rename(const nl_ctx *ctx, const json_t *params, json_t **result, char *err,
                      size_t err_size);
/* workspace/willRenameFiles: the edit that keeps every link to and from the moved notes and
 * folders working (json null when none changes) */
int nl_feature_will_rename_files(const nl_ctx *ctx, const json_t *params, json_t **result,
                                 char *err, size_t err_size);
/* workspace/didRenameFiles (notification): for a client that did not send willRenameFiles, the
 * same edit offered through workspace/applyEdit */
int nl_feature_did_rename_files(const nl_ctx *ctx, const json_t *params, json_t **result,
                                char *err, size_t err_size);
/* textDocument/documentLink: links whose targets are files (notes, existing attachments) */
int nl_feature_document_link(const nl_ctx *ctx, const json_t *params, json_t **result,
                             char *err, size_t err_size);
/* textDocument/foldingRange: frontmatter, heading sections, code blocks, list items, quotes */
int nl_feature_folding_range(const nl_ctx *ctx, const json_t *params, json_t **result,
                             char *err, size_t err_size);
/* textDocument/selectionRange: from the element under each position out to the whole note */
int nl_feature_selection_range(const nl_ctx *ctx, const json_t *params, json_t **result,
                               char *err, size_t err_size);
/* workspace/executeCommand notes-lsp.tasks [filters]: the vault's tasks as JSON
 * (lsp/features/task_query.h); notes-lsp.showTasks, which code lenses name for the client to
 * show, answers the same when a client sends it back */
#define NL_CMD_TASKS "notes-lsp.tasks"
#define NL_CMD_SHOW_TASKS "notes-lsp.showTasks"
int nl_feature_tasks_command(const nl_ctx *ctx, const json_t *params, json_t **result,
                             char *err, size_t err_size);
/* textDocument/codeLens: on a person or account note, its open tasks, overdue, proposed and
 * meetings (resolved by codeLens/resolve); on a note with proposed tasks, accept all */
int nl_feature_code_lens(const nl_ctx *ctx, const json_t *params, json_t **result, char *err,
                         size_t err_size);
int nl_feature_code_lens_resolve(const nl_ctx *ctx, const json_t *params, json_t **result,
                                 char *err, size_t err_size);
/* textDocument/inlayHint: "in 3 days", "today", "2 days overdue" after task dates */
int nl_feature_inlay_hint(const nl_ctx *ctx, const json_t *params, json_t **result, char *err,
                          size_t err_size);
/* workspace/diagnostic (pull): the reports that changed for the client, which are the notes
 * with problems it has no report of and the notes whose resultId is not the one it sent in
 * previousResultIds (an empty report clears a note whose problems are gone); partial results
 * through $/progress when the client sends a partialResultToken. The answer is JSON text
 * (NL_CTX_RAW_RESULT). With a token and nothing to report, returns NL_FEATURE_NOTHING_NEW and
 * leaves *result unset: the caller may hold the request and ask again once
 * nl_feature_pull_stamp moves. */
#define NL_FEATURE_NOTHING_NEW 4 /* not NL_CTX_RAW_RESULT, which a pull's answer is */
int nl_feature_workspace_diagnostic(const nl_ctx *ctx, const json_t *params, json_t **result,
                                    char *err, size_t err_size);
/* The same pull run in slices, so that the first pull of a large vault holds neither the loop
 * (other requests wait one slice at most) nor its own partial results (each goes out as the
 * loop turns). _new: NULL with err set when params are invalid. _step: looks at the notes
 * from where the last step stopped, for up to `slice` diagnoses (SIZE_MAX: all); returns
 * NL_FEATURE_MORE when notes are left, else what nl_feature_workspace_diagnostic returns. */
#define NL_FEATURE_MORE 2
typedef struct nl_ws_pull nl_ws_pull;
nl_ws_pull *nl_feature_ws_pull_new(const json_t *params, char *err, size_t err_size);
int nl_feature_ws_pull_step(nl_ws_pull *p, const nl_ctx *ctx, size_t slice, json_t **result,
                            char *err, size_t err_size);
/* Whether the pull streams partial results (the client gave a partialResultToken). */
int nl_feature_ws_pull_streams(const nl_ws_pull *p);
void nl_feature_ws_pull_free(nl_ws_pull *p);
/* What pulled diagnostics depend on across the vault: the index's update counter (seq) and a
 * hash of the rest (the index's wide generation, today, the encoding, related locations).
 * While both stay the same no note's resultId can change; while `rest` does, only the notes
 * whose seq is above the earlier stamp's seq, or whose memo a changed face made them forget,
 * can have changed. */
typedef struct {
  uint64_t seq, rest;
} nl_pull_stamp;
nl_pull_stamp nl_feature_pull_stamp(const nl_ctx *ctx);
/* For a workspace/diagnostic request (params borrowed) that had nothing new at a stamp whose
 * `rest` is still the same: 1 when a note changed since `seq` has a report for the client,
 * with *result (new) the request's answer (NL_CTX_RAW_RESULT's JSON string), which is the one
 * the whole request would give now; 0 when none has (looking at those notes alone); -1 when
 * too many changed to look one by one or out of memory (then ask the request again). */
int nl_feature_workspace_diagnostic_news(const nl_ctx *ctx, const json_t *params, uint64_t seq,
                                         json_t **result);
/* A pulled note's diagnostics: their resultId (the hash of their JSON text, 16 hex digits)
 * into id, and 1 with the items' JSON text (an array) in `items` (emptied first), unless the
 * client's `previous` resultId (may be NULL) is that id: 0 ("unchanged"), items holding
 * nothing to send. The engine runs only when e's state changed
 * since its diagnostics were last computed (its seq, nl_ws_wide_generation, today, the
 * encoding) or it read a face that changed since (lsp/index/dependents.c): an unchanged note
 * costs a hash, not a diagnosis. -1 when out of memory. */
int nl_feature_pull_diagnostics(const nl_ctx *ctx, nl_entry *e, const char *previous,
                                char id[17], nl_buf *items);
/* The resultId of no problems at all (into 17 bytes). */
void nl_feature_no_problems_id(char out[17]);
/* How many times the diagnostics engine ran for the server's features since the process
 * started (tests prove with it that an unchanged pull computes nothing). */
size_t nl_feature_diagnose_runs(void);
/* How many of those kept the diagnostics of every line but the one an edit changed, whose
 * items alone were diagnosed again (for tests). */
size_t nl_feature_diagnose_line_runs(void);
/* workspace/symbol */
int nl_feature_workspace_symbol(const nl_ctx *ctx, const json_t *params, json_t **result,
                                char *err, size_t err_size);

/* Appends to b the diagnostics of entry `e` as the JSON text of an LSP Diagnostic array, for
 * publishDiagnostics: "[]" when e (or ctx) is NULL or not parsed. */
void nl_feature_diagnostics_text(const nl_ctx *ctx, const nl_entry *e, nl_buf *b);
/* The same as JSON values (new), parsed from that text, for callers that want a tree
 * (tests); NULL when out of memory. */
json_t *nl_feature_diagnostics_json(const nl_ctx *ctx, const nl_entry *e);

/* One LSP Diagnostic (new) for `d` of the note whose text is `t`, positions in ctx->enc, with
 * source "notes-lsp", relatedInformation when the client supports it and data {"repaired"} for
 * mojibake. NULL when out of memory or a string is not valid UTF-8. */
json_t *nl_diag_json(const nl_ctx *ctx, const nl_text *t, const nl_diag *d);

/* The command names executeCommandProvider advertises (NULL-terminated, static). */
extern const char *const nl_feature_commands[];

#endif
