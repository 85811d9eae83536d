/* The one table of methods. Requests not listed get MethodNotFound; notifications not listed
 * are ignored (those starting with "$/" silently). */
#include "lsp/server/dispatch.h"

#include <string.h>

static const nl_dispatch_entry table[] = {
    {"initialize", nl_server_initialize, NULL, 0},
    {"initialized", nl_server_initialized, NULL, 0},
    {"shutdown", nl_server_shutdown, NULL, 0},
    {"exit", nl_server_exit, NULL, 0},
    {"$/setTrace", nl_server_set_trace, NULL, 0},
    {"textDocument/didOpen", nl_server_did_open, NULL, 0},
    {"textDocument/didChange", nl_server_did_change, NULL, 0},
    {"textDocument/didClose", nl_server_did_close, NULL, 0},
    {"textDocument/didSave", nl_server_did_save, NULL, 0},
    {"workspace/didChangeConfiguration", nl_server_did_change_configuration, NULL, 0},
    {"workspace/didChangeWatchedFiles", nl_server_did_change_watched_files, NULL, 0},
    {"textDocument/completion", NULL, nl_feature_completion, 1},
    {"textDocument/definition", NULL, nl_feature_definition, 1},
    {"textDocument/declaration", NULL, nl_feature_definition, 1},
    {"textDocument/references", NULL, nl_feature_references, 1},
    {"textDocument/documentSymbol", NULL, nl_feature_document_symbol, 1},
    {"textDocument/hover", NULL, nl_feature_hover, 1},
    {"textDocument/codeAction", NULL, nl_feature_code_action, 1},
    {"textDocument/diagnostic", NULL, nl_feature_diagnostic, 1},
    {"workspace/diagnostic", nl_server_workspace_diagnostic, NULL, 0}, /* lsp/server/pull.c */
    {"textDocument/prepareRename", NULL, nl_feature_prepare_rename, 1},
    {"textDocument/rename", NULL, nl_feature_rename, 1},
    {"textDocument/documentLink", NULL, nl_feature_document_link, 1},
    {"textDocument/foldingRange", NULL, nl_feature_folding_range, 1},
    {"textDocument/selectionRange", NULL, nl_feature_selection_range, 1},
    {"textDocument/codeLens", NULL, nl_feature_code_lens, 1},
    {"codeLens/resolve", NULL, nl_feature_code_lens_resolve, 0},
    {"textDocument/inlayHint", NULL, nl_feature_inlay_hint, 1},
    {"workspace/executeCommand", NULL, nl_feature_execute_command, 0},
    {"workspace/symbol", NULL, nl_feature_workspace_symbol, 0},
    {"workspace/willRenameFiles", NULL, nl_feature_will_rename_files, 0},
    {"workspace/didRenameFiles", NULL, nl_feature_did_rename_files, 0},
};

const nl_dispatch_entry *nl_dispatch_find(const char *method) {
  for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
    if (strcmp(table[i].method, method) == 0) return &table[i];
  return NULL;
}
