/* settings.c: the server's configuration (defaults, .notes-lsp.yaml, initializationOptions,
 * the notesLsp settings section, later ones overriding earlier), what the client can do, and
 * what the server offers in return. */
#include "lsp/server/server_impl.h"

#include <stdio.h>
#include <string.h>

#include "lsp/base/error.h"
#include "lsp/base/log.h"
#include "lsp/features/features.h"

/* ---- configuration ----------------------------------------------------------------------- */

static int scan_rules_differ(const nl_config *a, const nl_config *b) {
  if (a->n_vaults != b->n_vaults) return 1;
  for (size_t i = 0; i < a->n_vaults; i++)
    if (strcmp(a->vault_roots[i], b->vault_roots[i]) != 0 || scan_rules_differ(a->vaults[i], b->vaults[i]))
      return 1;
  if (a->max_file_size != b->max_file_size || a->max_notes != b->max_notes ||
      a->ignore.n != b->ignore.n || a->vault_ignore.n != b->vault_ignore.n)
    return 1;
  for (size_t i = 0; i < a->ignore.n; i++)
    if (strcmp(a->ignore.items[i], b->ignore.items[i]) != 0) return 1;
  for (size_t i = 0; i < a->vault_ignore.n; i++)
    if (strcmp(a->vault_ignore.items[i], b->vault_ignore.items[i]) != 0) return 1;
  return 0;
}

/* Builds the configuration from defaults, each root's .notes-lsp.yaml, initializationOptions
 * and the latest settings, in that order, then each root's own copy with its vault's settings
 * (.obsidian, .gitignore); problems go to the log and the user. */
void nl_srv_rebuild_config(nl_server *srv) {
  nl_config *cfg = nl_config_new();
  if (cfg == NULL) return;
  char err[1024];
  for (size_t i = 0; i < nl_ws_n_roots(srv->ws); i++) {
    char path[4096];
    snprintf(path, sizeof(path), "%s/.notes-lsp.yaml", nl_ws_root(srv->ws, i));
    if (nl_config_apply_yaml_file(cfg, path, err, sizeof(err)) < 0) {
      nl_log(NL_LOG_WARN, "invalid configuration, using defaults for it: %s", err);
      nl_srv_show_message(srv, 2, err);
    }
  }
  const json_t *layers[2] = {srv->init_options, srv->settings};
  for (int i = 0; i < 2; i++) {
    if (layers[i] == NULL) continue;
    if (nl_config_apply_json(cfg, layers[i], err, sizeof(err)) < 0) {
      char msg[1200];
      snprintf(msg, sizeof(msg), "invalid notes-lsp setting: %s", err);
      nl_log(NL_LOG_WARN, "%s", msg);
      nl_srv_show_message(srv, 2, msg);
    }
  }
  for (size_t i = 0; i < nl_ws_n_roots(srv->ws); i++)
    if (nl_config_add_vault(cfg, nl_ws_root(srv->ws, i)) != 0)
      nl_log(NL_LOG_ERROR, "out of memory reading the settings of %s", nl_ws_root(srv->ws, i));
  if (cfg->log_level != 0) nl_log_set_level(cfg->log_level);
  nl_config *old = srv->cfg;
  srv->cfg = cfg;
  nl_ws_set_config(srv->ws, cfg); /* a running scan has its own copy */
  /* The notes behind a changed face are what pushed vault diagnostics send again
   * (vault_push.c) and what a pull diagnoses again (rather than every note: 13 s of CPU at
   * 100,000 notes per heading typed); pushing the open notes alone needs no lookups. */
  nl_ws_track_dependents(srv->ws, cfg->diagnostics_vault || srv->caps.pull_diagnostics);
  /* Any closed note's problems may read a setting (today, folders, task statuses): pushed
   * vault diagnostics look at every note again (a pull sees the wide generation move). */
  if (nl_ws_ready(srv->ws)) srv->vault_push = 1;
  /* What is scanned changed: scan again (notes already indexed are only re-parsed). */
  if (nl_ws_ready(srv->ws) && !nl_ws_scanning(srv->ws) && scan_rules_differ(old, cfg)) {
    int rc = nl_ws_scan(srv->ws, nl_srv_scan_progress, srv);
    if (rc != 0) nl_log(NL_LOG_ERROR, "cannot start indexing: %s", nl_strerror(rc));
  }
  nl_config_free(old);
}

/* ---- capabilities ------------------------------------------------------------------------ */

/* The value at a dotted path of objects ("textDocument.hover.contentFormat"), or NULL. */
static const json_t *at(const json_t *obj, const char *path) {
  const json_t *v = obj;
  char buf[256];
  snprintf(buf, sizeof(buf), "%s", path);
  for (char *tok = strtok(buf, "."); tok != NULL && v != NULL; tok = strtok(NULL, "."))
    v = json_object_get(v, tok);
  return v;
}

static int flag(const json_t *obj, const char *path) { return json_is_true(at(obj, path)); }

/* The array at `path` holds the string `want`. */
static int lists(const json_t *obj, const char *path, const char *want) {
  size_t i;
  const json_t *v;
  json_array_foreach(at(obj, path), i, v) {
    if (json_is_string(v) && strcmp(json_string_value(v), want) == 0) return 1;
  }
  return 0;
}

void nl_srv_read_caps(nl_server *srv, const json_t *caps) {
  nl_client_caps *c = &srv->caps;
  c->snippet = flag(caps, "textDocument.completion.completionItem.snippetSupport");
  c->document_changes = flag(caps, "workspace.workspaceEdit.documentChanges");
  c->create_files = lists(caps, "workspace.workspaceEdit.resourceOperations", "create");
  c->rename_files = lists(caps, "workspace.workspaceEdit.resourceOperations", "rename");
  c->prepare_rename = flag(caps, "textDocument.rename.prepareSupport");
  c->will_rename_files = flag(caps, "workspace.fileOperations.willRename");
  c->related_info = flag(caps, "textDocument.publishDiagnostics.relatedInformation");
  c->pull_diagnostics = json_is_object(at(caps, "textDocument.diagnostic"));
  c->diagnostic_refresh = flag(caps, "workspace.diagnostics.refreshSupport");
  c->inlay_hint_refresh = flag(caps, "workspace.inlayHint.refreshSupport");
  c->code_lens_refresh = flag(caps, "workspace.codeLens.refreshSupport");
  c->hierarchical_symbols =
      flag(caps, "textDocument.documentSymbol.hierarchicalDocumentSymbolSupport");
  c->completion_edit_range =
      lists(caps, "textDocument.completion.completionList.itemDefaults", "editRange");
  c->hover_markdown = lists(caps, "textDocument.hover.contentFormat", "markdown");
  c->work_done_progress = flag(caps, "window.workDoneProgress");
  c->watched_files_dynamic = flag(caps, "workspace.didChangeWatchedFiles.dynamicRegistration");
  c->configuration = flag(caps, "workspace.configuration");
  c->apply_edit = flag(caps, "workspace.applyEdit");
  c->code_action_literals =
      json_is_object(at(caps, "textDocument.codeAction.codeActionLiteralSupport"));
  c->code_action_resolve =
      lists(caps, "textDocument.codeAction.resolveSupport.properties", "edit");

  /* Prefer UTF-8 (our native unit), then UTF-32, else the default UTF-16. */
  srv->enc = lists(caps, "general.positionEncodings", "utf-8")    ? NL_ENC_UTF8
             : lists(caps, "general.positionEncodings", "utf-32") ? NL_ENC_UTF32
                                                                  : NL_ENC_UTF16;
}

json_t *nl_srv_capabilities(nl_server *srv) {
  json_t *cmds = json_array();
  for (const char *const *c = nl_feature_commands; *c != NULL; c++)
    json_array_append_new(cmds, json_string(*c));
  json_t *caps = json_pack(
      "{s:s,s:{s:b,s:i,s:{s:b}},s:{s:[s,s,s,s,s,s],s:b},s:b,s:b,s:b,s:b,s:b,"
      "s:{s:[s,s,s,s,s,s]},s:{s:o},s:b,s:{s:{s:b,s:s}}}",
      "positionEncoding", nl_encoding_name(srv->enc),
      "textDocumentSync", "openClose", 1, "change", 2, "save", "includeText", 0,
      "completionProvider", "triggerCharacters", "[", "@", "#", "/", "|", "^",
      "resolveProvider", 0,
      "definitionProvider", 1,
      "declarationProvider", 1,
      "referencesProvider", 1,
      "documentSymbolProvider", 1,
      "hoverProvider", 1,
      "codeActionProvider", "codeActionKinds", "quickfix", "refactor.rewrite", "source",
      "source.notesLsp.acceptAllProposed", "source.notesLsp.rejectAllProposed",
      "source.notesLsp.repairEncoding",
      "executeCommandProvider", "commands", cmds,
      "workspaceSymbolProvider", 1,
      "workspace", "workspaceFolders", "supported", 1, "changeNotifications", "");
  /* changeNotifications must be bool or string id; we do not track folder changes. */
  json_object_del(json_object_get(json_object_get(caps, "workspace"), "workspaceFolders"),
                  "changeNotifications");
  /* Notes and folders moved in the editor: their links are updated (lsp/features/move.c). */
  json_t *moves = json_pack("{s:[{s:s,s:{s:s,s:s}},{s:s,s:{s:s,s:s}}]}", "filters", "scheme",
                            "file", "pattern", "glob", "**/*.md", "matches", "file", "scheme",
                            "file", "pattern", "glob", "**/*", "matches", "folder");
  json_object_set_new(json_object_get(caps, "workspace"), "fileOperations",
                      json_pack("{s:O,s:o}", "willRename", moves, "didRename", moves));
  json_object_set_new(caps, "documentLinkProvider", json_pack("{s:b}", "resolveProvider", 0));
  json_object_set_new(caps, "foldingRangeProvider", json_true());
  json_object_set_new(caps, "selectionRangeProvider", json_true());
  /* RenameOptions only for a client that says it sends prepareRename (LSP 3.17). */
  json_object_set_new(caps, "renameProvider",
                      srv->caps.prepare_rename ? json_pack("{s:b}", "prepareProvider", 1)
                                               : json_true());
  json_object_set_new(caps, "codeLensProvider", json_pack("{s:b}", "resolveProvider", 1));
  json_object_set_new(caps, "inlayHintProvider", json_pack("{s:b}", "resolveProvider", 0));
  if (srv->caps.pull_diagnostics)
    json_object_set_new(caps, "diagnosticProvider",
                        json_pack("{s:s,s:b,s:b}", "identifier", "notes-lsp",
                                  "interFileDependencies", 1, "workspaceDiagnostics", 1));
  return caps;
}

static void config_reply(nl_server *srv, const json_t *result, const json_t *error, void *ud) {
  const json_t *first = json_array_get(result, 0);
  if (!json_is_object(first)) return;
  json_decref(srv->settings);
  srv->settings = json_incref((json_t *)first);
  nl_srv_rebuild_config(srv);
}

void nl_srv_pull_config(nl_server *srv) {
  nl_srv_request(srv, "workspace/configuration",
                 json_pack("{s:[{s:s}]}", "items", "section", "notesLsp"), config_reply, NULL);
}

int nl_server_did_change_configuration(nl_server *srv, const json_t *params, json_t **result,
                                       char *err, size_t err_size) {
  const json_t *settings = json_object_get(params, "settings");
  const json_t *ours = json_object_get(settings, "notesLsp");
  if (json_is_object(ours)) {
    json_decref(srv->settings);
    srv->settings = json_incref((json_t *)ours);
    nl_srv_rebuild_config(srv);
  } else if (srv->caps.configuration) {
    nl_srv_pull_config(srv); /* pull-style clients send an empty notification and expect us to ask */
  }
  return 0;
}
