/* The server: transport on libuv, lifecycle, documents, configuration, progress, pushing
 * diagnostics. Messages read in one go are queued and handled from a check callback, so a
 * $/cancelRequest that arrives with its request cancels it (-32800). */
#include "lsp/server/server.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lsp/features/features.h"
#include "lsp/base/log.h"
#include "lsp/server/transport.h"
#include "lsp/index/watch.h"
#include "protocol/lsp_types.h"
#include "protocol/rpc.h"

#define MAX_MESSAGE (64u << 20)
#define DIAG_DELAY_MS 60

enum { ST_NEW, ST_RUNNING, ST_SHUTDOWN };

typedef struct pending_req {
  struct pending_req *next;
  json_int_t id;
  void (*cb)(nl_server *srv, const json_t *result, const json_t *error, void *ud);
  void *ud;
} pending_req;

typedef struct queued_msg {
  struct queued_msg *next;
  nl_rpc_msg msg;
  int parse_rc;
  char err[256];
} queued_msg;

struct nl_server {
  uv_loop_t *loop;
  nl_transport *transport;
  uv_check_t check;
  uv_idle_t idle; /* keeps the check running while messages are queued */
  uv_timer_t diag_timer;
  uv_timer_t parent_timer;
  uv_timer_t midnight_timer; /* overdue tasks change with the date */
  uv_signal_t sigterm;

  queued_msg *queue_head, *queue_tail;
  queued_msg *held_head, *held_tail; /* requests waiting for the first scan */
  json_int_t *cancelled;
  size_t n_cancelled;

  nl_docs *docs;
  nl_workspace *ws;
  nl_config *cfg;
  json_t *init_options;   /* the client's initializationOptions */
  json_t *settings;       /* the latest notesLsp settings */
  nl_client_caps caps;
  nl_ctx ctx;
  nl_encoding enc;
  int state;
  int exiting;
  int exit_code;
  long parent_pid;
  json_int_t next_id;
  pending_req *pending;
  int progress_token; /* the work-done progress token was created */
  int progress_pct;
  json_t *published;  /* uri -> last diagnostics sent */
  json_t *indexed;    /* uri -> version of the open document last parsed into the index */
  nl_watch *watch;    /* fs events when the client does not watch files for us */
  int merge_pending;  /* the index has parsed notes to merge */
};

/* ---- writing ----------------------------------------------------------------------------- */

static void maybe_finish(nl_server *srv);
static void flush_edits(nl_server *srv);
static void release_held(nl_server *srv);

/* Sends msg (steals). */
static void send_msg(nl_server *srv, json_t *msg) {
  if (msg != NULL) nl_transport_send(srv->transport, msg);
  json_decref(msg);
}

static void notify(nl_server *srv, const char *method, json_t *params) {
  send_msg(srv, nl_rpc_notification(method, params));
}

static void request(nl_server *srv, const char *method, json_t *params,
                    void (*cb)(nl_server *, const json_t *, const json_t *, void *), void *ud) {
  pending_req *p = calloc(1, sizeof(*p));
  if (p == NULL) {
    json_decref(params);
    return;
  }
  p->id = ++srv->next_id;
  p->cb = cb;
  p->ud = ud;
  p->next = srv->pending;
  srv->pending = p;
  send_msg(srv, nl_rpc_request(p->id, method, params));
}

static void show_message(nl_server *srv, int type, const char *msg) {
  notify(srv, "window/showMessage", json_pack("{s:i,s:s}", "type", type, "message", msg));
}

static void log_sink(void *ud, int level, const char *msg) {
  nl_server *srv = ud;
  if (srv->exiting) return;
  notify(srv, "window/logMessage", json_pack("{s:i,s:s}", "type", level, "message", msg));
}

/* ---- context ----------------------------------------------------------------------------- */

static void ctx_apply_edit(const nl_ctx *ctx, const char *label, json_t *edit) {
  nl_server *srv = ctx->server;
  if (!srv->caps.apply_edit) {
    json_decref(edit);
    nl_log(NL_LOG_WARN, "client cannot apply edits (no workspace.applyEdit): %s", label);
    return;
  }
  request(srv, "workspace/applyEdit", json_pack("{s:s,s:o}", "label", label, "edit", edit), NULL,
          NULL);
}

static const nl_ctx *ctx_now(nl_server *srv) {
  srv->ctx.ws = srv->ws;
  srv->ctx.docs = srv->docs;
  srv->ctx.enc = srv->enc;
  srv->ctx.today = nl_config_today(srv->cfg);
  srv->ctx.caps = &srv->caps;
  srv->ctx.apply_edit = ctx_apply_edit;
  srv->ctx.server = srv;
  return &srv->ctx;
}

/* ---- diagnostics ------------------------------------------------------------------------- */

static int publish_one(nl_doc *doc, void *arg) {
  nl_server *srv = arg;
  nl_entry *e = nl_ws_by_uri(srv->ws, doc->uri);
  json_t *items = e != NULL ? nl_feature_diagnostics_json(ctx_now(srv), e) : json_array();
  if (items == NULL) return 0;
  json_t *last = json_object_get(srv->published, doc->uri);
  if (last != NULL && json_equal(last, items)) {
    json_decref(items);
    return 0;
  }
  json_object_set(srv->published, doc->uri, items);
  notify(srv, "textDocument/publishDiagnostics",
         json_pack("{s:s,s:I,s:o}", "uri", doc->uri, "version", (json_int_t)doc->version,
                   "diagnostics", items));
  return 0;
}

static void diag_timer_cb(uv_timer_t *t) {
  nl_server *srv = t->data;
  flush_edits(srv);
  uv_timer_stop(t); /* the flush's own index change asked for this very run again */
  if (nl_ws_scanning(srv->ws)) return; /* the scan's end publishes */
  if (srv->caps.pull_diagnostics) {
    /* The client pulls: tell it that what other documents depend on changed. */
    if (srv->caps.diagnostic_refresh)
      request(srv, "workspace/diagnostic/refresh", NULL, NULL, NULL);
    return;
  }
  nl_docs_foreach(srv->docs, publish_one, srv);
}

/* Diagnostics are computed once the edits pause, not on every keystroke. */
static void schedule_diagnostics(nl_server *srv) {
  /* Not from half an index: the scan's end is a change and schedules them. */
  if (srv->state != ST_RUNNING || srv->exiting || nl_ws_scanning(srv->ws)) return;
  if (srv->caps.pull_diagnostics && !srv->caps.diagnostic_refresh) return;
  uv_timer_start(&srv->diag_timer, diag_timer_cb, DIAG_DELAY_MS, 0);
}

/* Any index change may change another open document's diagnostics (a new person note clears
 * unknown-person elsewhere), so every change refreshes them, debounced. */
static void ws_changed(nl_workspace *ws, void *ud) { schedule_diagnostics(ud); }

/* Milliseconds until just after the next local midnight. */
static uint64_t ms_to_midnight(void) {
  time_t now = time(NULL);
  struct tm tm;
  localtime_r(&now, &tm);
  tm.tm_hour = 24; /* mktime normalises to the next day's 00:00, DST included */
  tm.tm_min = 0;
  tm.tm_sec = 1;
  tm.tm_isdst = -1;
  double s = difftime(mktime(&tm), now);
  return s > 0 ? (uint64_t)(s * 1000) : 60000;
}

/* "Today" rolls over at midnight: overdue-task diagnostics of open notes follow. */
static void midnight_cb(uv_timer_t *t) {
  nl_server *srv = t->data;
  schedule_diagnostics(srv);
  uv_timer_start(t, midnight_cb, ms_to_midnight(), 0);
}

/* ---- configuration ----------------------------------------------------------------------- */

static void scan_progress(nl_workspace *ws, void *ud, size_t done, size_t total, int finished);

static int scan_rules_differ(const nl_config *a, const nl_config *b) {
  if (a->max_file_size != b->max_file_size || a->ignore.n != b->ignore.n) return 1;
  for (size_t i = 0; i < a->ignore.n; i++)
    if (strcmp(a->ignore.items[i], b->ignore.items[i]) != 0) return 1;
  return 0;
}

/* Builds the configuration from defaults, each root's .notes-lsp.yaml, initializationOptions
 * and the latest settings, in that order; problems go to the log and the user. */
static void rebuild_config(nl_server *srv) {
  nl_config *cfg = nl_config_new();
  if (cfg == NULL) return;
  char err[1024];
  for (size_t i = 0; i < nl_ws_n_roots(srv->ws); i++) {
    char path[4096];
    snprintf(path, sizeof(path), "%s/.notes-lsp.yaml", nl_ws_root(srv->ws, i));
    if (nl_config_apply_yaml_file(cfg, path, err, sizeof(err)) < 0) {
      nl_log(NL_LOG_WARN, "invalid configuration, using defaults for it: %s", err);
      show_message(srv, 2, err);
    }
  }
  const json_t *layers[2] = {srv->init_options, srv->settings};
  for (int i = 0; i < 2; i++) {
    if (layers[i] == NULL) continue;
    if (nl_config_apply_json(cfg, layers[i], err, sizeof(err)) < 0) {
      char msg[1200];
      snprintf(msg, sizeof(msg), "invalid notes-lsp setting: %s", err);
      nl_log(NL_LOG_WARN, "%s", msg);
      show_message(srv, 2, msg);
    }
  }
  if (cfg->log_level != 0) nl_log_set_level(cfg->log_level);
  nl_config *old = srv->cfg;
  srv->cfg = cfg;
  nl_ws_set_config(srv->ws, cfg); /* a running scan has its own copy */
  /* What is scanned changed: scan again (notes already indexed are only re-parsed). */
  if (nl_ws_ready(srv->ws) && !nl_ws_scanning(srv->ws) && scan_rules_differ(old, cfg)) {
    int rc = nl_ws_scan(srv->ws, scan_progress, srv);
    if (rc != 0) nl_log(NL_LOG_ERROR, "cannot start indexing: %s", uv_strerror(rc));
  }
  nl_config_free(old);
}

/* ---- lifecycle --------------------------------------------------------------------------- */

static int flag(const json_t *obj, const char *path) {
  const json_t *v = obj;
  char buf[256];
  snprintf(buf, sizeof(buf), "%s", path);
  for (char *tok = strtok(buf, "."); tok != NULL && v != NULL; tok = strtok(NULL, "."))
    v = json_object_get(v, tok);
  return json_is_true(v);
}

static void read_caps(nl_server *srv, const json_t *caps) {
  nl_client_caps *c = &srv->caps;
  c->snippet = flag(caps, "textDocument.completion.completionItem.snippetSupport");
  c->document_changes = flag(caps, "workspace.workspaceEdit.documentChanges");
  const json_t *ops = json_object_get(
      json_object_get(json_object_get(caps, "workspace"), "workspaceEdit"), "resourceOperations");
  size_t i;
  const json_t *op;
  json_array_foreach(ops, i, op) if (json_is_string(op) && strcmp(json_string_value(op), "create") == 0)
      c->create_files = 1;
  c->related_info = flag(caps, "textDocument.publishDiagnostics.relatedInformation");
  c->pull_diagnostics = json_is_object(
      json_object_get(json_object_get(caps, "textDocument"), "diagnostic"));
  c->diagnostic_refresh = flag(caps, "workspace.diagnostics.refreshSupport");
  c->hierarchical_symbols =
      flag(caps, "textDocument.documentSymbol.hierarchicalDocumentSymbolSupport");
  const json_t *defaults = json_object_get(
      json_object_get(json_object_get(json_object_get(caps, "textDocument"), "completion"),
                      "completionList"),
      "itemDefaults");
  json_array_foreach(defaults, i, op) if (json_is_string(op) && strcmp(json_string_value(op), "editRange") == 0)
      c->completion_edit_range = 1;
  const json_t *formats = json_object_get(
      json_object_get(json_object_get(caps, "textDocument"), "hover"), "contentFormat");
  json_array_foreach(formats, i, op) if (json_is_string(op) && strcmp(json_string_value(op), "markdown") == 0)
      c->hover_markdown = 1;
  c->work_done_progress = flag(caps, "window.workDoneProgress");
  c->watched_files_dynamic = flag(caps, "workspace.didChangeWatchedFiles.dynamicRegistration");
  c->configuration = flag(caps, "workspace.configuration");
  c->apply_edit = flag(caps, "workspace.applyEdit");
  c->code_action_literals = json_is_object(json_object_get(
      json_object_get(json_object_get(caps, "textDocument"), "codeAction"),
      "codeActionLiteralSupport"));
  const json_t *props = json_object_get(
      json_object_get(json_object_get(json_object_get(caps, "textDocument"), "codeAction"),
                      "resolveSupport"),
      "properties");
  json_array_foreach(props, i, op) if (json_is_string(op) && strcmp(json_string_value(op), "edit") == 0)
      c->code_action_resolve = 1;

  /* Prefer UTF-8 (our native unit), then UTF-32, else the default UTF-16. */
  srv->enc = NL_ENC_UTF16;
  const json_t *encs = json_object_get(json_object_get(caps, "general"), "positionEncodings");
  int has8 = 0, has32 = 0;
  json_array_foreach(encs, i, op) {
    const char *s = json_string_value(op);
    if (s == NULL) continue;
    has8 |= strcmp(s, "utf-8") == 0;
    has32 |= strcmp(s, "utf-32") == 0;
  }
  if (has8)
    srv->enc = NL_ENC_UTF8;
  else if (has32)
    srv->enc = NL_ENC_UTF32;
}

static void add_root_uri(nl_server *srv, const char *uri) {
  char *path = nl_uri_to_path(uri);
  if (path == NULL) {
    nl_log(NL_LOG_WARN, "ignored workspace folder that is not a file URI: %s", uri);
    return;
  }
  nl_ws_add_root(srv->ws, path);
  free(path);
}

static void parent_check(uv_timer_t *t) {
  nl_server *srv = t->data;
  if (kill((pid_t)srv->parent_pid, 0) == 0 || errno == EPERM) return;
  nl_log(NL_LOG_WARN, "the editor (process %ld) is gone, exiting", srv->parent_pid);
  srv->exit_code = 1;
  srv->exiting = 1;
  maybe_finish(srv);
}

static json_t *capabilities(nl_server *srv) {
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
  if (srv->caps.pull_diagnostics)
    json_object_set_new(caps, "diagnosticProvider",
                        json_pack("{s:s,s:b,s:b}", "identifier", "notes-lsp",
                                  "interFileDependencies", 1, "workspaceDiagnostics", 0));
  return caps;
}

int nl_server_initialize(nl_server *srv, const json_t *params, json_t **result, char *err,
                         size_t err_size) {
  if (srv->state != ST_NEW) {
    snprintf(err, err_size, "initialize was already received");
    return NL_RPC_INVALID_REQUEST;
  }
  if (!json_is_object(params)) {
    snprintf(err, err_size, "params must be an object");
    return NL_RPC_INVALID_PARAMS;
  }
  read_caps(srv, json_object_get(params, "capabilities"));
  const json_t *pid = json_object_get(params, "processId");
  if (json_is_integer(pid) && json_integer_value(pid) > 0) {
    srv->parent_pid = (long)json_integer_value(pid);
    uv_timer_start(&srv->parent_timer, parent_check, 2000, 2000);
  }
  const json_t *folders = json_object_get(params, "workspaceFolders");
  size_t i;
  const json_t *f;
  json_array_foreach(folders, i, f) {
    const char *uri = json_string_value(json_object_get(f, "uri"));
    if (uri != NULL) add_root_uri(srv, uri);
  }
  if (nl_ws_n_roots(srv->ws) == 0) {
    const char *root = json_string_value(json_object_get(params, "rootUri"));
    if (root != NULL) {
      add_root_uri(srv, root);
    } else if ((root = json_string_value(json_object_get(params, "rootPath"))) != NULL) {
      nl_ws_add_root(srv->ws, root);
    }
  }
  const json_t *opts = json_object_get(params, "initializationOptions");
  if (json_is_object(opts)) {
    /* Accept both {folders: ...} and {notesLsp: {folders: ...}}. */
    const json_t *inner = json_object_get(opts, "notesLsp");
    srv->init_options = json_incref((json_t *)(json_is_object(inner) ? inner : opts));
  }
  rebuild_config(srv);
  srv->state = ST_RUNNING;
  *result = json_pack("{s:o,s:{s:s,s:s}}", "capabilities", capabilities(srv), "serverInfo",
                      "name", "notes-lsp", "version", NOTES_LSP_VERSION);
  return 0;
}

static void progress(nl_server *srv, json_t *value) {
  if (!srv->progress_token || srv->exiting) {
    json_decref(value);
    return;
  }
  notify(srv, "$/progress", json_pack("{s:s,s:o}", "token", "notes-lsp/index", "value", value));
}

static void scan_progress(nl_workspace *ws, void *ud, size_t done, size_t total, int finished) {
  nl_server *srv = ud;
  if (finished) {
    char msg[64];
    snprintf(msg, sizeof(msg), "%zu notes", nl_ws_count(ws));
    progress(srv, json_pack("{s:s,s:s}", "kind", "end", "message", msg));
    srv->progress_token = 0; /* the token is done; a later rescan reports nothing */
    nl_log(NL_LOG_INFO, "index ready: %s", msg);
    if (!srv->exiting) release_held(srv);
    return;
  }
  int pct = total > 0 ? (int)(done * 100 / total) : 0;
  if (done != 0 && pct < srv->progress_pct + 5) return;
  srv->progress_pct = pct;
  char msg[64];
  snprintf(msg, sizeof(msg), "%zu/%zu notes", done, total);
  progress(srv, json_pack("{s:s,s:s,s:i}", "kind", "report", "message", msg, "percentage", pct));
}

static void config_reply(nl_server *srv, const json_t *result, const json_t *error, void *ud) {
  const json_t *first = json_array_get(result, 0);
  if (!json_is_object(first)) return;
  json_decref(srv->settings);
  srv->settings = json_incref((json_t *)first);
  rebuild_config(srv);
}

int nl_server_initialized(nl_server *srv, const json_t *params, json_t **result, char *err,
                          size_t err_size) {
  if (srv->caps.work_done_progress) {
    request(srv, "window/workDoneProgress/create",
            json_pack("{s:s}", "token", "notes-lsp/index"), NULL, NULL);
    srv->progress_token = 1;
    progress(srv, json_pack("{s:s,s:s,s:b,s:i}", "kind", "begin", "title", "Indexing notes",
                            "cancellable", 0, "percentage", 0));
  }
  if (srv->caps.watched_files_dynamic) {
    request(srv, "client/registerCapability",
            json_pack("{s:[{s:s,s:s,s:{s:[{s:s}]}}]}", "registrations", "id",
                      "notes-lsp/watch", "method", "workspace/didChangeWatchedFiles",
                      "registerOptions", "watchers", "globPattern", "**/*.md"),
            NULL, NULL);
  }
  if (srv->caps.configuration)
    request(srv, "workspace/configuration",
            json_pack("{s:[{s:s}]}", "items", "section", "notesLsp"), config_reply, NULL);
  int rc = nl_ws_scan(srv->ws, scan_progress, srv);
  if (rc != 0) nl_log(NL_LOG_ERROR, "cannot start indexing: %s", uv_strerror(rc));
  if (!srv->caps.watched_files_dynamic) srv->watch = nl_watch_start(srv->loop, srv->ws);
  return 0;
}

int nl_server_shutdown(nl_server *srv, const json_t *params, json_t **result, char *err,
                       size_t err_size) {
  srv->state = ST_SHUTDOWN;
  *result = json_null();
  return 0;
}

int nl_server_exit(nl_server *srv, const json_t *params, json_t **result, char *err,
                   size_t err_size) {
  srv->exit_code = srv->state == ST_SHUTDOWN ? 0 : 1;
  srv->exiting = 1;
  return 0;
}

int nl_server_set_trace(nl_server *srv, const json_t *params, json_t **result, char *err,
                        size_t err_size) {
  return 0;
}

/* ---- documents --------------------------------------------------------------------------- */

static void index_doc(nl_server *srv, const nl_doc *doc) {
  char *path = nl_uri_to_path(doc->uri);
  if (path == NULL) return;
  nl_ws_update(srv->ws, path, doc->text, doc->len, 1);
  free(path);
  json_object_set_new(srv->indexed, doc->uri, json_integer(doc->version));
}

static int flush_one(nl_doc *doc, void *arg) {
  nl_server *srv = arg;
  const json_t *v = json_object_get(srv->indexed, doc->uri);
  if (!json_is_integer(v) || json_integer_value(v) != doc->version) index_doc(srv, doc);
  return 0;
}

/* Edits are parsed into the index lazily: once typing pauses (with the diagnostics) or before
 * a request reads the index, not on every keystroke, so a large note costs one parse per
 * pause rather than one per key. */
static void flush_edits(nl_server *srv) { nl_docs_foreach(srv->docs, flush_one, srv); }

int nl_server_did_open(nl_server *srv, const json_t *params, json_t **result, char *err,
                       size_t err_size) {
  const char *uri, *text;
  int64_t version;
  if (nl_lsp_get_string(params, "textDocument.uri", &uri, err, err_size) != 0 ||
      nl_lsp_get_string(params, "textDocument.text", &text, err, err_size) != 0 ||
      nl_lsp_get_int(params, "textDocument.version", &version, err, err_size) != 0)
    return NL_RPC_INVALID_PARAMS;
  const json_t *t = json_object_get(json_object_get(params, "textDocument"), "text");
  nl_doc *doc = nl_docs_open(srv->docs, uri, version, text, json_string_length(t));
  if (doc == NULL) return NL_RPC_INTERNAL_ERROR;
  index_doc(srv, doc);
  schedule_diagnostics(srv);
  return 0;
}

int nl_server_did_change(nl_server *srv, const json_t *params, json_t **result, char *err,
                         size_t err_size) {
  const char *uri = nl_lsp_get_uri(params, err, err_size);
  int64_t version;
  if (uri == NULL || nl_lsp_get_int(params, "textDocument.version", &version, err, err_size) != 0)
    return NL_RPC_INVALID_PARAMS;
  nl_doc *doc = nl_docs_get(srv->docs, uri);
  if (doc == NULL) {
    snprintf(err, err_size, "textDocument.uri is not open: %s", uri);
    return NL_RPC_INVALID_PARAMS;
  }
  int rc = nl_doc_apply(doc, json_object_get(params, "contentChanges"), srv->enc, version, err,
                        err_size);
  if (rc != 0) return rc == NL_RPC_INVALID_PARAMS ? rc : NL_RPC_INTERNAL_ERROR;
  /* Parsed by flush_edits, when typing pauses or a request needs it. */
  uv_timer_start(&srv->diag_timer, diag_timer_cb, DIAG_DELAY_MS, 0);
  return 0;
}

int nl_server_did_close(nl_server *srv, const json_t *params, json_t **result, char *err,
                        size_t err_size) {
  const char *uri = nl_lsp_get_uri(params, err, err_size);
  if (uri == NULL) return NL_RPC_INVALID_PARAMS;
  char *path = nl_uri_to_path(uri);
  nl_docs_close(srv->docs, uri);
  json_object_del(srv->indexed, uri);
  if (path != NULL) nl_ws_close(srv->ws, path);
  free(path);
  /* A closed document's diagnostics are cleared: they belong to the editor's view. */
  if (json_object_get(srv->published, uri) != NULL) {
    json_object_del(srv->published, uri);
    notify(srv, "textDocument/publishDiagnostics",
           json_pack("{s:s,s:[]}", "uri", uri, "diagnostics"));
  }
  return 0;
}

int nl_server_did_save(nl_server *srv, const json_t *params, json_t **result, char *err,
                       size_t err_size) {
  return nl_lsp_get_uri(params, err, err_size) != NULL ? 0 : NL_RPC_INVALID_PARAMS;
}

int nl_server_did_change_configuration(nl_server *srv, const json_t *params, json_t **result,
                                       char *err, size_t err_size) {
  const json_t *settings = json_object_get(params, "settings");
  const json_t *ours = json_object_get(settings, "notesLsp");
  if (json_is_object(ours)) {
    json_decref(srv->settings);
    srv->settings = json_incref((json_t *)ours);
    rebuild_config(srv);
  } else if (srv->caps.configuration) {
    /* Pull-style clients send an empty notification and expect us to ask. */
    request(srv, "workspace/configuration",
            json_pack("{s:[{s:s}]}", "items", "section", "notesLsp"), config_reply, NULL);
  }
  return 0;
}

int nl_server_did_change_watched_files(nl_server *srv, const json_t *params, json_t **result,
                                       char *err, size_t err_size) {
  const json_t *changes = json_object_get(params, "changes");
  if (!json_is_array(changes)) {
    snprintf(err, err_size, "params.changes must be an array");
    return NL_RPC_INVALID_PARAMS;
  }
  size_t i;
  const json_t *c;
  json_array_foreach(changes, i, c) {
    const char *uri = json_string_value(json_object_get(c, "uri"));
    json_int_t type = json_integer_value(json_object_get(c, "type"));
    char *path = uri != NULL ? nl_uri_to_path(uri) : NULL;
    if (path == NULL) continue;
    if (type == 3)
      nl_ws_remove(srv->ws, path);
    else
      nl_ws_reload(srv->ws, path);
    free(path);
  }
  return 0;
}

/* ---- handling messages ------------------------------------------------------------------- */

static int is_cancelled(nl_server *srv, const json_t *id) {
  if (!json_is_integer(id)) return 0;
  for (size_t i = 0; i < srv->n_cancelled; i++)
    if (srv->cancelled[i] == json_integer_value(id)) return 1;
  return 0;
}

static void idle_cb(uv_idle_t *h) {}

static void handle_response(nl_server *srv, nl_rpc_msg *m) {
  if (!json_is_integer(m->id)) return;
  json_int_t id = json_integer_value(m->id);
  for (pending_req **pp = &srv->pending; *pp != NULL; pp = &(*pp)->next) {
    pending_req *p = *pp;
    if (p->id != id) continue;
    *pp = p->next;
    if (m->error != NULL)
      nl_log(NL_LOG_WARN, "client answered request %lld with an error: %s", (long long)id,
             json_string_value(json_object_get(m->error, "message")));
    if (p->cb != NULL) p->cb(srv, m->result, m->error, p->ud);
    free(p);
    return;
  }
  nl_log(NL_LOG_DEBUG, "response to unknown request %lld", (long long)id);
}

static void handle_request(nl_server *srv, nl_rpc_msg *m) {
  int is_request = m->kind == NL_RPC_MSG_REQUEST;
  const char *method = m->method;
  char err[512] = "";
  json_t *result = NULL;
  if (is_request && is_cancelled(srv, m->id)) {
    send_msg(srv, nl_rpc_error(m->id, NL_RPC_REQUEST_CANCELLED, "request cancelled"));
    return;
  }
  const nl_dispatch_entry *d = nl_dispatch_find(method);
  if (srv->state == ST_NEW && strcmp(method, "initialize") != 0 && strcmp(method, "exit") != 0) {
    if (is_request)
      send_msg(srv, nl_rpc_error(m->id, NL_RPC_SERVER_NOT_INITIALIZED,
                                 "server not initialized: %s before initialize", method));
    return;
  }
  if (srv->state == ST_SHUTDOWN && is_request && strcmp(method, "shutdown") != 0) {
    send_msg(srv, nl_rpc_error(m->id, NL_RPC_INVALID_REQUEST, "%s after shutdown", method));
    return;
  }
  if (d == NULL) {
    if (is_request)
      send_msg(srv, nl_rpc_error(m->id, NL_RPC_METHOD_NOT_FOUND, "method not found: %s", method));
    else if (strncmp(method, "$/", 2) != 0)
      nl_log(NL_LOG_DEBUG, "ignored notification %s", method);
    return;
  }
  if (d->needs_document) {
    const char *uri = nl_lsp_get_uri(m->params, err, sizeof(err));
    if (uri == NULL) goto invalid;
  }
  if (d->feature != NULL) flush_edits(srv);
  uint64_t started = uv_hrtime();
  int rc = d->server != NULL ? d->server(srv, m->params, &result, err, sizeof(err))
                             : d->feature(ctx_now(srv), m->params, &result, err, sizeof(err));
  if (nl_log_level() >= NL_LOG_DEBUG)
    nl_log(NL_LOG_DEBUG, "%s took %.3f ms", method, (double)(uv_hrtime() - started) / 1e6);
  if (rc != 0) {
    json_decref(result);
    if (rc == NL_RPC_INVALID_PARAMS) goto invalid;
    if (!is_request) {
      nl_log(NL_LOG_WARN, "%s: %s", method, err[0] ? err : nl_rpc_error_message(rc));
      return;
    }
    send_msg(srv, nl_rpc_error(m->id, rc < -32900 || rc > -32000 ? NL_RPC_INTERNAL_ERROR : rc,
                               "%s", err[0] ? err : nl_rpc_error_message(rc)));
    return;
  }
  if (is_request) send_msg(srv, nl_rpc_result(m->id, result != NULL ? result : json_null()));
  else json_decref(result);
  return;
invalid:
  if (is_request)
    send_msg(srv, nl_rpc_error(m->id, NL_RPC_INVALID_PARAMS, "invalid params: %s", err));
  else
    nl_log(NL_LOG_WARN, "%s: invalid params: %s", method, err);
}

static void handle(nl_server *srv, queued_msg *q) {
  nl_rpc_msg *m = &q->msg;
  if (q->parse_rc == NL_RPC_PARSE_ERROR) {
    nl_log(NL_LOG_WARN, "invalid JSON from the client: %s", q->err);
    send_msg(srv, nl_rpc_error(m->id, NL_RPC_PARSE_ERROR, "%s", q->err));
    return;
  }
  if (q->parse_rc != 0 || m->kind == NL_RPC_MSG_INVALID) {
    nl_log(NL_LOG_WARN, "invalid message from the client: %s", q->err);
    send_msg(srv, nl_rpc_error(m->id, NL_RPC_INVALID_REQUEST, "%s", q->err));
    return;
  }
  if (m->kind == NL_RPC_MSG_RESPONSE) {
    handle_response(srv, m);
    return;
  }
  handle_request(srv, m);
}

/* While the first scan runs, a request that reads the whole index (completion, definition,
 * code actions, symbols, pulled diagnostics) waits for it rather than answer from half an
 * index: a link to a note not read yet would look broken. Returns 1 when q was held. */
static int hold(nl_server *srv, queued_msg *q) {
  if (!nl_ws_scanning(srv->ws) || q->parse_rc != 0 || q->msg.kind != NL_RPC_MSG_REQUEST)
    return 0;
  const nl_dispatch_entry *d = nl_dispatch_find(q->msg.method);
  if (d == NULL || d->feature == NULL || is_cancelled(srv, q->msg.id)) return 0;
  q->next = NULL;
  if (srv->held_tail != NULL)
    srv->held_tail->next = q;
  else
    srv->held_head = q;
  srv->held_tail = q;
  return 1;
}

/* A $/cancelRequest for a held request answers it now. */
static void cancel_held(nl_server *srv, const json_t *id) {
  if (!json_is_integer(id)) return;
  queued_msg *prev = NULL;
  for (queued_msg *q = srv->held_head; q != NULL; prev = q, q = q->next) {
    if (!json_is_integer(q->msg.id) || json_integer_value(q->msg.id) != json_integer_value(id))
      continue;
    if (prev != NULL)
      prev->next = q->next;
    else
      srv->held_head = q->next;
    if (srv->held_tail == q) srv->held_tail = prev;
    send_msg(srv, nl_rpc_error(q->msg.id, NL_RPC_REQUEST_CANCELLED, "request cancelled"));
    nl_rpc_msg_free(&q->msg);
    free(q);
    return;
  }
}

/* The scan is done: held requests go first in the queue, in the order they came. */
static void release_held(nl_server *srv) {
  if (srv->held_head == NULL) return;
  srv->held_tail->next = srv->queue_head;
  if (srv->queue_head == NULL) srv->queue_tail = srv->held_tail;
  srv->queue_head = srv->held_head;
  srv->held_head = srv->held_tail = NULL;
  uv_idle_start(&srv->idle, idle_cb);
}

/* Collects the ids of $/cancelRequest in the queue, then handles the queue in order. */
static void drain(nl_server *srv) {
  srv->n_cancelled = 0;
  size_t n = 0;
  for (queued_msg *q = srv->queue_head; q != NULL; q = q->next) n++;
  free(srv->cancelled);
  srv->cancelled = calloc(n + 1, sizeof(json_int_t));
  for (queued_msg *q = srv->queue_head; q != NULL && srv->cancelled != NULL; q = q->next) {
    if (q->parse_rc != 0 || q->msg.method == NULL) continue;
    if (strcmp(q->msg.method, "$/cancelRequest") != 0) continue;
    const json_t *id = json_object_get(q->msg.params, "id");
    if (json_is_integer(id)) srv->cancelled[srv->n_cancelled++] = json_integer_value(id);
  }
  while (srv->queue_head != NULL && !srv->exiting) {
    queued_msg *q = srv->queue_head;
    srv->queue_head = q->next;
    if (hold(srv, q)) continue;
    if (q->msg.method != NULL && strcmp(q->msg.method, "$/cancelRequest") == 0)
      cancel_held(srv, json_object_get(q->msg.params, "id"));
    handle(srv, q);
    nl_rpc_msg_free(&q->msg);
    free(q);
  }
  srv->queue_tail = NULL;
  srv->n_cancelled = 0;
  maybe_finish(srv);
}

#define MERGE_SLICE_NS 2000000 /* index merging per loop turn while requests may wait */

static void check_cb(uv_check_t *c) {
  nl_server *srv = c->data;
  uv_idle_stop(&srv->idle);
  drain(srv);
  if (srv->merge_pending && !srv->exiting) {
    srv->merge_pending = nl_ws_merge(srv->ws, MERGE_SLICE_NS);
    /* Keep turning without blocking in poll until the parsed notes are all merged. */
    if (srv->merge_pending) uv_idle_start(&srv->idle, idle_cb);
  }
}

/* The index has parsed notes waiting: merge them between requests, a slice per loop turn. */
static void ws_wake(void *ud) {
  nl_server *srv = ud;
  if (srv->exiting) return;
  srv->merge_pending = 1;
  uv_idle_start(&srv->idle, idle_cb);
}

/* A whole message from the client: parsed now, handled from the check callback. */
static void on_body(void *ud, const char *body, size_t len) {
  nl_server *srv = ud;
  queued_msg *q = calloc(1, sizeof(*q));
  if (q == NULL) {
    nl_log(NL_LOG_ERROR, "out of memory queueing a message");
    return;
  }
  q->parse_rc = nl_rpc_parse(body, len, &q->msg, q->err, sizeof(q->err));
  if (srv->queue_tail != NULL)
    srv->queue_tail->next = q;
  else
    srv->queue_head = q;
  srv->queue_tail = q;
  /* Keep the loop from blocking in poll so the check callback handles the queue now. */
  uv_idle_start(&srv->idle, idle_cb);
}

static void on_ended(void *ud) {
  nl_server *srv = ud;
  if (!srv->exiting) {
    nl_log(NL_LOG_INFO, "input closed without exit");
    srv->exit_code = srv->state == ST_SHUTDOWN ? 0 : 1;
    srv->exiting = 1;
  }
  drain(srv);
}

static void on_written(void *ud) { maybe_finish(ud); }

/* ---- shutting down ----------------------------------------------------------------------- */

static void close_walk(uv_handle_t *h, void *arg) {
  if (!uv_is_closing(h)) uv_close(h, NULL);
}

/* Once exit was requested and every reply is written, close all handles; the loop ends. */
static void maybe_finish(nl_server *srv) {
  /* A scan still running finishes on the thread pool; its results land in the index, which
   * lives until the loop has run out. */
  if (!srv->exiting || nl_transport_pending(srv->transport) > 0) return;
  nl_log_set_sink(NULL, NULL);
  nl_transport_stop(srv->transport);
  nl_watch_stop(srv->watch);
  srv->watch = NULL;
  uv_walk(srv->loop, close_walk, NULL);
}

static void on_sigterm(uv_signal_t *s, int signum) {
  nl_server *srv = s->data;
  srv->exit_code = srv->state == ST_SHUTDOWN ? 0 : 1;
  srv->exiting = 1;
  maybe_finish(srv);
}

int nl_server_main(void) {
  signal(SIGPIPE, SIG_IGN);
  nl_server *srv = calloc(1, sizeof(*srv));
  if (srv == NULL) return 1;
  srv->loop = uv_default_loop();
  srv->docs = nl_docs_new();
  srv->cfg = nl_config_new();
  srv->published = json_object();
  srv->indexed = json_object();
  srv->ws = srv->cfg != NULL ? nl_ws_new(srv->loop, srv->cfg) : NULL;
  srv->enc = NL_ENC_UTF16;
  srv->exit_code = 1;
  if (srv->docs == NULL || srv->ws == NULL || srv->published == NULL || srv->indexed == NULL) {
    fprintf(stderr, "notes-lsp: out of memory\n");
    return 1;
  }
  nl_ws_on_change(srv->ws, ws_changed, srv);
  nl_ws_set_waker(srv->ws, ws_wake, srv);
  uv_check_init(srv->loop, &srv->check);
  srv->check.data = srv;
  uv_check_start(&srv->check, check_cb);
  uv_idle_init(srv->loop, &srv->idle);
  uv_timer_init(srv->loop, &srv->diag_timer);
  srv->diag_timer.data = srv;
  uv_timer_init(srv->loop, &srv->parent_timer);
  srv->parent_timer.data = srv;
  uv_unref((uv_handle_t *)&srv->parent_timer);
  uv_timer_init(srv->loop, &srv->midnight_timer);
  srv->midnight_timer.data = srv;
  uv_unref((uv_handle_t *)&srv->midnight_timer);
  uv_timer_start(&srv->midnight_timer, midnight_cb, ms_to_midnight(), 0);
  uv_signal_init(srv->loop, &srv->sigterm);
  srv->sigterm.data = srv;
  uv_signal_start(&srv->sigterm, on_sigterm, SIGTERM);
  uv_unref((uv_handle_t *)&srv->sigterm);
  int rc = 0;
  nl_transport_cbs cbs = {on_body, on_ended, on_written, srv};
  srv->transport = nl_transport_start(srv->loop, MAX_MESSAGE, cbs, &rc);
  if (srv->transport == NULL) {
    fprintf(stderr, "notes-lsp: cannot open stdio: %s\n", uv_strerror(rc));
    return 1;
  }
  nl_log_set_sink(log_sink, srv);
  uv_run(srv->loop, UV_RUN_DEFAULT);

  int code = srv->exit_code;
  /* A scan still running would touch freed memory: wait for its thread pool work. */
  uv_run(srv->loop, UV_RUN_DEFAULT);
  uv_loop_close(srv->loop);
  queued_msg *lists[2] = {srv->queue_head, srv->held_head};
  for (int i = 0; i < 2; i++) {
    for (queued_msg *q = lists[i]; q != NULL;) {
      queued_msg *next = q->next;
      nl_rpc_msg_free(&q->msg);
      free(q);
      q = next;
    }
  }
  for (pending_req *p = srv->pending; p != NULL;) {
    pending_req *next = p->next;
    free(p);
    p = next;
  }
  free(srv->cancelled);
  nl_ws_free(srv->ws);
  nl_docs_free(srv->docs);
  nl_config_free(srv->cfg);
  nl_transport_free(srv->transport);
  json_decref(srv->init_options);
  json_decref(srv->settings);
  json_decref(srv->published);
  json_decref(srv->indexed);
  free(srv);
  return code;
}
