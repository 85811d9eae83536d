/* The server: lifecycle, documents, pushed diagnostics and the loop. Messages read in one go
 * are queued (queue.c) and handled from a check callback, so a $/cancelRequest that arrives
 * with its request cancels it (-32800); configuration and capabilities are in settings.c. */
#include "lsp/server/server_impl.h"
#include "lsp/base/error.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "lsp/base/clock.h"
#include "lsp/base/error.h"
#include "lsp/base/log.h"
#include "lsp/index/cache.h"
#include "lsp/features/features.h"
#include "protocol/lsp_types.h"

/* ---- writing ----------------------------------------------------------------------------- */


/* Sends msg (steals). */
void nl_srv_send_msg(nl_server *srv, json_t *msg) {
  if (msg != NULL) nl_transport_send(srv->transport, msg);
  json_decref(msg);
}

void nl_srv_notify(nl_server *srv, const char *method, json_t *params) {
  nl_srv_send_msg(srv, nl_rpc_notification(method, params));
}

void nl_srv_send_raw_result(nl_server *srv, json_t *id, json_t *result) {
  size_t len;
  char *buf = nl_rpc_encode_raw_result(id, json_string_value(result), json_string_length(result),
                                       &len);
  nl_transport_send_encoded(srv->transport, buf, len);
  json_decref(result);
}

void nl_srv_request(nl_server *srv, const char *method, json_t *params,
                    void (*cb)(nl_server *, const json_t *, const json_t *, void *), void *ud) {
  nl_server_pending *p = calloc(1, sizeof(*p));
  if (p == NULL) {
    json_decref(params);
    return;
  }
  p->id = ++srv->next_id;
  p->cb = cb;
  p->ud = ud;
  p->next = srv->pending;
  srv->pending = p;
  nl_srv_send_msg(srv, nl_rpc_request(p->id, method, params));
}

void nl_srv_show_message(nl_server *srv, int type, const char *msg) {
  nl_srv_notify(srv, "window/showMessage", json_pack("{s:i,s:s}", "type", type, "message", msg));
}

static void log_sink(void *ud, int level, const char *msg) {
  nl_server *srv = ud;
  if (srv->exiting) return;
  nl_srv_notify(srv, "window/logMessage", json_pack("{s:i,s:s}", "type", level, "message", msg));
}

/* ---- context ----------------------------------------------------------------------------- */

static void ctx_apply_edit(const nl_ctx *ctx, const char *label, json_t *edit) {
  nl_server *srv = ctx->server;
  if (!srv->caps.apply_edit) {
    json_decref(edit);
    nl_log(NL_LOG_WARN, "client cannot apply edits (no workspace.applyEdit): %s", label);
    return;
  }
  nl_srv_request(srv, "workspace/applyEdit", json_pack("{s:s,s:o}", "label", label, "edit", edit), NULL,
          NULL);
}

static void ctx_progress(const nl_ctx *ctx, const json_t *token, const char *value, size_t n) {
  /* {"token":...,"value":...}, the value spliced in as it was written */
  nl_server *srv = ctx->server;
  char *tok = json_dumps(token, JSON_COMPACT | JSON_ENCODE_ANY);
  nl_buf params = NL_BUF_INIT;
  nl_buf_adds(&params, "{\"token\":");
  nl_buf_adds(&params, tok != NULL ? tok : "null");
  nl_buf_adds(&params, ",\"value\":");
  nl_buf_add(&params, value, n);
  nl_buf_adds(&params, "}");
  free(tok);
  if (!params.oom) {
    size_t len;
    char *buf = nl_rpc_encode_raw_notification("$/progress", params.s, params.len, &len);
    nl_transport_send_encoded(srv->transport, buf, len);
  }
  nl_buf_free(&params);
}

const nl_ctx *nl_srv_ctx_now(nl_server *srv) {
  srv->ctx.ws = srv->ws;
  srv->ctx.docs = srv->docs;
  srv->ctx.enc = srv->enc;
  srv->ctx.today = nl_config_today(srv->cfg);
  srv->ctx.caps = &srv->caps;
  srv->ctx.apply_edit = ctx_apply_edit;
  srv->ctx.progress = ctx_progress;
  srv->ctx.server = srv;
  return &srv->ctx;
}

/* ---- diagnostics ------------------------------------------------------------------------- */

int nl_srv_publish_items(nl_server *srv, const char *uri, int64_t version, nl_buf *items,
                         int keep_empty, int force) {
  if (items->oom || items->s == NULL) {
    nl_buf_free(items);
    return 0;
  }
  int some = items->len > 2; /* not "[]" */
  const json_t *last = json_object_get(srv->published, uri);
  const char *was = last != NULL ? json_string_value(last) : keep_empty ? NULL : "[]";
  size_t was_len = last != NULL ? json_string_length(last) : was != NULL ? 2 : 0;
  if (!force && was != NULL && was_len == items->len && memcmp(was, items->s, was_len) == 0) {
    nl_buf_free(items);
    return some;
  }
  if (some || keep_empty)
    json_object_set_new(srv->published, uri, json_stringn_nocheck(items->s, items->len));
  else
    json_object_del(srv->published, uri);
  /* {"uri":...[,"version":N],"diagnostics":[...]}: the items written as text are sent as
   * they are, never built as a tree of JSON values. */
  nl_buf params = NL_BUF_INIT;
  nl_buf_adds(&params, "{\"uri\":");
  nl_ctx_string_text(&params, uri);
  if (version >= 0) nl_buf_addf(&params, ",\"version\":%lld", (long long)version);
  nl_buf_adds(&params, ",\"diagnostics\":");
  nl_buf_add(&params, items->s, items->len);
  nl_buf_adds(&params, "}");
  nl_buf_free(items);
  if (!params.oom) {
    size_t len;
    char *buf = nl_rpc_encode_raw_notification("textDocument/publishDiagnostics", params.s,
                                               params.len, &len);
    nl_transport_send_encoded(srv->transport, buf, len);
  }
  nl_buf_free(&params);
  return some;
}

static int publish_one(nl_doc *doc, void *arg) {
  nl_server *srv = arg;
  nl_buf items = NL_BUF_INIT;
  nl_feature_diagnostics_text(nl_srv_ctx_now(srv), nl_ws_by_uri(srv->ws, doc->uri), &items);
  nl_srv_publish_items(srv, doc->uri, doc->version, &items, 1, 0);
  return 0;
}

static int publish_edited(nl_server *srv) {
  const char *uri;
  json_t *v;
  json_object_foreach(srv->edited, uri, v) {
    nl_doc *doc = nl_docs_get(srv->docs, uri);
    if (doc != NULL) publish_one(doc, srv);
  }
  return 0;
}

static void diag_timer_cb(uv_timer_t *t) {
  nl_server *srv = t->data;
  nl_srv_flush_edits(srv);
  uv_timer_stop(t); /* the flush's own index change asked for this very run again */
  if (nl_ws_scanning(srv->ws)) return; /* the scan's end publishes */
  int all = srv->others_stale;
  srv->others_stale = 0;
  /* Code lenses count tasks and meetings across the vault. */
  if (srv->caps.code_lens_refresh) nl_srv_request(srv, "workspace/codeLens/refresh", NULL, NULL, NULL);
  if (srv->caps.pull_diagnostics) {
    /* The client pulls: tell it that what other documents depend on changed. */
    if (srv->caps.diagnostic_refresh && all)
      nl_srv_request(srv, "workspace/diagnostic/refresh", NULL, NULL, NULL);
  } else if (all) {
    nl_docs_foreach(srv->docs, publish_one, srv);
    nl_srv_publish_vault(srv);
  } else {
    /* Only edits that kept their notes' faces: no other note's problems can have changed. */
    publish_edited(srv);
  }
  json_object_clear(srv->edited);
  free(nl_ws_take_dependents(srv->ws, &(size_t){0})); /* read by nl_srv_publish_vault alone */
  nl_srv_pull_wake(srv);
}

/* Diagnostics are computed once the edits pause, not on every keystroke. */
static void start_diag_timer(nl_server *srv) {
  /* Not from half an index: the scan's end is a change and schedules them. */
  if (srv->state != ST_RUNNING || srv->exiting || nl_ws_scanning(srv->ws)) return;
  if (srv->caps.pull_diagnostics && !srv->caps.diagnostic_refresh && !srv->parked &&
      !srv->pull_job)
    return;
  uv_timer_start(&srv->diag_timer, diag_timer_cb, DIAG_DELAY_MS, 0);
}

void nl_srv_schedule_diagnostics(nl_server *srv) {
  srv->others_stale = 1;
  start_diag_timer(srv);
}

/* Any index change may change another open document's diagnostics (a new person note clears
 * unknown-person elsewhere), so every change refreshes them, debounced; an edit's own change
 * is judged by index_doc. */
void ws_changed(nl_workspace *ws, void *ud) {
  nl_server *srv = ud;
  if (!srv->in_flush) nl_srv_schedule_diagnostics(srv);
}

/* When the midnight timer fires: a little after the next local midnight, so that the day has
 * turned however the loop's cached time lags the clock. */
static uint64_t ms_to_midnight(nl_server *srv) {
  uv_update_time(srv->loop);
  return nl_clock_ms_to_midnight(200);
}

/* "Today" rolls over at midnight: overdue-task diagnostics of open notes follow (and with
 * them the code lenses' overdue counts, which diag_timer_cb refreshes), and so do the relative
 * dates of inlay hints ("tomorrow" becomes "today"). */
static void midnight_cb(uv_timer_t *t) {
  nl_server *srv = t->data;
  nl_srv_schedule_diagnostics(srv);
  if (srv->state == ST_RUNNING && !srv->exiting && srv->caps.inlay_hint_refresh)
    nl_srv_request(srv, "workspace/inlayHint/refresh", NULL, NULL, NULL);
  uv_timer_start(t, midnight_cb, ms_to_midnight(srv), 0);
}

/* ---- lifecycle --------------------------------------------------------------------------- */

void nl_srv_add_root_uri(nl_server *srv, const char *uri) {
  char *path = nl_uri_to_path(uri);
  if (path == NULL) {
    nl_log(NL_LOG_WARN, "ignored workspace folder that is not a file URI: %s", uri);
    return;
  }
  nl_ws_add_root(srv->ws, path);
  free(path);
}

void nl_srv_parent_check(uv_timer_t *t) {
  nl_server *srv = t->data;
  if (kill((pid_t)srv->parent_pid, 0) == 0 || errno == EPERM) return;
  nl_log(NL_LOG_WARN, "the editor (process %ld) is gone, exiting", srv->parent_pid);
  srv->exit_code = 1;
  srv->exiting = 1;
  nl_srv_maybe_finish(srv);
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
  nl_srv_read_caps(srv, json_object_get(params, "capabilities"));
  const json_t *pid = json_object_get(params, "processId");
  if (json_is_integer(pid) && json_integer_value(pid) > 0) {
    srv->parent_pid = (long)json_integer_value(pid);
    uv_timer_start(&srv->parent_timer, nl_srv_parent_check, 2000, 2000);
  }
  const json_t *folders = json_object_get(params, "workspaceFolders");
  size_t i;
  const json_t *f;
  json_array_foreach(folders, i, f) {
    const char *uri = json_string_value(json_object_get(f, "uri"));
    if (uri != NULL) nl_srv_add_root_uri(srv, uri);
  }
  if (nl_ws_n_roots(srv->ws) == 0) {
    const char *root = json_string_value(json_object_get(params, "rootUri"));
    if (root != NULL) {
      nl_srv_add_root_uri(srv, root);
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
  nl_srv_rebuild_config(srv);
  srv->state = ST_RUNNING;
  *result = json_pack("{s:o,s:{s:s,s:s}}", "capabilities", nl_srv_capabilities(srv), "serverInfo",
                      "name", "notes-lsp", "version", NOTES_LSP_VERSION);
  return 0;
}

static void progress(nl_server *srv, json_t *value) {
  if (!srv->progress_token || srv->exiting) {
    json_decref(value);
    return;
  }
  nl_srv_notify(srv, "$/progress", json_pack("{s:s,s:o}", "token", "notes-lsp/index", "value", value));
}

void nl_srv_scan_progress(nl_workspace *ws, void *ud, size_t done, size_t total, int finished) {
  nl_server *srv = ud;
  if (finished) {
    char msg[64];
    snprintf(msg, sizeof(msg), "%zu notes", nl_ws_count(ws));
    progress(srv, json_pack("{s:s,s:s}", "kind", "end", "message", msg));
    srv->progress_token = 0; /* the token is done; a later rescan reports nothing */
    /* Which folders were indexed is the first thing to check when names do not resolve. */
    char roots[1024] = "";
    for (size_t i = 0, used = 0; i < nl_ws_n_roots(ws) && used < sizeof(roots); i++)
      used += (size_t)snprintf(roots + used, sizeof(roots) - used, "%s%s", i ? ", " : "",
                               nl_ws_root(ws, i));
    nl_log(NL_LOG_INFO, "index ready: %s in %s", msg, roots[0] ? roots : "no folder");
    if (nl_ws_capped(ws)) { /* half a vault indexed breaks links silently: say so */
      snprintf(roots, sizeof(roots), "notes-lsp indexed only %s (the maxNotes setting): the "
               "vault holds more; raise maxNotes to index them all", msg);
      nl_srv_show_message(srv, 2, roots);
    }
    srv->vault_push = 1;
    if (!srv->exiting) nl_srv_release_held(srv);
    return;
  }
  int pct = total > 0 ? (int)(done * 100 / total) : 0;
  if (done != 0 && pct < srv->progress_pct + 5) return;
  srv->progress_pct = pct;
  char msg[64];
  snprintf(msg, sizeof(msg), "%zu/%zu notes", done, total);
  progress(srv, json_pack("{s:s,s:s,s:i}", "kind", "report", "message", msg, "percentage", pct));
}

int nl_server_initialized(nl_server *srv, const json_t *params, json_t **result, char *err,
                          size_t err_size) {
  /* A second one would start a second scan and a second set of watches. */
  if (srv->initialized) {
    nl_log(NL_LOG_WARN, "ignored a second initialized notification");
    return 0;
  }
  srv->initialized = 1;
  if (srv->caps.work_done_progress) {
    nl_srv_request(srv, "window/workDoneProgress/create",
            json_pack("{s:s}", "token", "notes-lsp/index"), NULL, NULL);
    srv->progress_token = 1;
    progress(srv, json_pack("{s:s,s:s,s:b,s:i}", "kind", "begin", "title", "Indexing notes",
                            "cancellable", 0, "percentage", 0));
  }
  if (srv->caps.watched_files_dynamic) {
    /* Every file: notes, and attachments whose links must stop (or start) being missing. */
    nl_srv_request(srv, "client/registerCapability",
            json_pack("{s:[{s:s,s:s,s:{s:[{s:s}]}}]}", "registrations", "id",
                      "notes-lsp/watch", "method", "workspace/didChangeWatchedFiles",
                      "registerOptions", "watchers", "globPattern", "**/*"),
            NULL, NULL);
  }
  if (srv->caps.configuration) nl_srv_pull_config(srv);
  int rc = nl_ws_scan(srv->ws, nl_srv_scan_progress, srv);
  if (rc != 0) nl_log(NL_LOG_ERROR, "cannot start indexing: %s", nl_strerror(rc));
  if (!srv->caps.watched_files_dynamic) srv->watch = nl_watch_start(srv->loop, srv->ws);
  return 0;
}

int nl_server_shutdown(nl_server *srv, const json_t *params, json_t **result, char *err,
                       size_t err_size) {
  srv->state = ST_SHUTDOWN;
  nl_srv_pull_release(srv); /* a held workspace pull is answered, not left waiting */
  nl_srv_refuse_held(srv);  /* and so is a request held for the first scan */
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

/* Parses doc into the index. Its diagnostics are due at the next run; other notes' only when
 * its face (what their diagnostics read of it) changed. */
static void index_doc(nl_server *srv, nl_doc *doc) {
  char *path = nl_uri_to_path(doc->uri);
  if (path == NULL) return;
  /* The index moves its generation when the note's face changes (or the note is new). */
  uint64_t gen = nl_ws_generation(srv->ws);
  srv->in_flush = 1;
  nl_doc_index(doc, srv->ws, path);
  srv->in_flush = 0;
  if (nl_ws_generation(srv->ws) != gen)
    nl_srv_schedule_diagnostics(srv);
  else
    start_diag_timer(srv);
  free(path);
  json_object_set_new(srv->indexed, doc->uri, json_integer(doc->version));
  json_object_set_new(srv->edited, doc->uri, json_true());
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
void nl_srv_flush_edits(nl_server *srv) { nl_docs_foreach(srv->docs, flush_one, srv); }

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
  nl_srv_schedule_diagnostics(srv);
  return 0;
}

/* How long after this edit typing counts as paused: longer than the typist's own rhythm (1.5
 * times the running average of the gaps between edits of this burst), at least DIAG_DELAY_MS
 * and at most DIAG_DELAY_MAX_MS; a gap of DIAG_DELAY_MAX_MS or more starts a new burst. So
 * steady typing at any pace up to that re-parses and re-diagnoses once it stops, not between
 * keys, and a single edit is diagnosed after DIAG_DELAY_MS. */
static uint64_t typing_pause(nl_server *srv) {
  uint64_t now = uv_now(srv->loop), gap = now - srv->last_edit_ms;
  srv->last_edit_ms = now;
  if (gap >= DIAG_DELAY_MAX_MS)
    srv->edit_gap_ms = 0;
  else
    srv->edit_gap_ms = srv->edit_gap_ms == 0 ? gap : (srv->edit_gap_ms + gap) / 2;
  uint64_t delay = srv->edit_gap_ms * 3 / 2;
  return delay < DIAG_DELAY_MS ? DIAG_DELAY_MS : delay > DIAG_DELAY_MAX_MS ? DIAG_DELAY_MAX_MS : delay;
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
  if (rc != 0) return rc == NL_EINVAL ? NL_RPC_INVALID_PARAMS : NL_RPC_INTERNAL_ERROR;
  /* Parsed by nl_srv_flush_edits, when typing pauses or a request needs it. */
  uv_timer_start(&srv->diag_timer, diag_timer_cb, typing_pause(srv), 0);
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
  /* A closed document's diagnostics are cleared: they belong to the editor's view; with
   * diagnostics.scope vault the note's own problems stay listed, as a closed note's. */
  if (json_object_get(srv->published, uri) != NULL) {
    const nl_entry *e = nl_ws_by_uri(srv->ws, uri); /* as saved, now that it is closed */
    nl_buf items = NL_BUF_INIT;
    if (srv->cfg->diagnostics_vault && e != NULL && e->note != NULL)
      nl_feature_diagnostics_text(nl_srv_ctx_now(srv), e, &items);
    else
      nl_buf_adds(&items, "[]");
    nl_srv_publish_items(srv, uri, -1, &items, 0, 1);
  }
  return 0;
}

int nl_server_did_save(nl_server *srv, const json_t *params, json_t **result, char *err,
                       size_t err_size) {
  return nl_lsp_get_uri(params, err, err_size) != NULL ? 0 : NL_RPC_INVALID_PARAMS;
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
    size_t n = strlen(path);
    int note = n > 3 && strcasecmp(path + n - 3, ".md") == 0;
    if (!note) /* an attachment (lsp/index/attachments.c) */
      type == 3 ? nl_ws_attachment_remove(srv->ws, path) : nl_ws_attachment_add(srv->ws, path);
    else if (type == 3)
      nl_ws_remove(srv->ws, path);
    else
      nl_ws_reload(srv->ws, path);
    free(path);
  }
  return 0;
}

static void check_cb(uv_check_t *c) {
  nl_server *srv = c->data;
  uv_idle_stop(&srv->idle);
  nl_srv_drain(srv);
  nl_srv_pull_continue(srv);
  /* One slice of background work a loop turn, so that a request waits for one at most: the
   * diagnostics pushed after a scan (which runs only once the scan is merged) take the turn's
   * slice while they last, and what the index does after its scan (its cache, task table and
   * reference maps) waits for the turns after them. */
  uint64_t start = uv_hrtime();
  nl_srv_vault_push_continue(srv);
  uint64_t spent = uv_hrtime() - start;
  if (srv->merge_pending && !srv->exiting) {
    if (spent < NL_SRV_SLICE_NS) srv->merge_pending = nl_ws_merge(srv->ws, NL_SRV_SLICE_NS - spent);
    /* Keep turning without blocking in poll until the parsed notes are all merged. */
    if (srv->merge_pending) uv_idle_start(&srv->idle, nl_srv_idle_cb);
  }
}

/* The index has parsed notes waiting: merge them between requests, a slice per loop turn. */
static void ws_wake(void *ud) {
  nl_server *srv = ud;
  if (srv->exiting) return;
  srv->merge_pending = 1;
  uv_idle_start(&srv->idle, nl_srv_idle_cb);
}

/* A whole message from the client: parsed now, handled from the check callback. */
static void on_body(void *ud, const char *body, size_t len) {
  nl_server *srv = ud;
  nl_server_queued *q = calloc(1, sizeof(*q));
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
  uv_idle_start(&srv->idle, nl_srv_idle_cb);
}

static void on_ended(void *ud) {
  nl_server *srv = ud;
  if (!srv->exiting) {
    nl_log(NL_LOG_INFO, "input closed without exit");
    srv->exit_code = srv->state == ST_SHUTDOWN ? 0 : 1;
    srv->exiting = 1;
  }
  nl_srv_drain(srv);
}

void on_written(void *ud) { nl_srv_maybe_finish(ud); }

/* ---- shutting down ----------------------------------------------------------------------- */

static void close_walk(uv_handle_t *h, void *arg) {
  if (!uv_is_closing(h)) uv_close(h, NULL);
}

/* Once exit was requested and every reply is written, close all handles; the loop ends. */
void nl_srv_maybe_finish(nl_server *srv) {
  /* A scan still running is cut short: what has not started is cancelled, what runs stops
   * after its current file, so leaving takes milliseconds however large the vault. */
  if (srv->exiting) nl_ws_cancel_scan(srv->ws);
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
  nl_srv_maybe_finish(srv);
}

int nl_server_main(const nl_server_options *opts) {
  signal(SIGPIPE, SIG_IGN);
  nl_server *srv = calloc(1, sizeof(*srv));
  if (srv == NULL) return 1;
  srv->loop = uv_default_loop();
  srv->docs = nl_docs_new();
  srv->cfg = nl_config_new();
  srv->published = json_object();
  srv->indexed = json_object();
  srv->edited = json_object();
  srv->ws = srv->cfg != NULL ? nl_ws_new(srv->loop, srv->cfg) : NULL;
  srv->ctx.memo = nl_memo_new(); /* NULL: every request starts afresh */
  srv->enc = NL_ENC_UTF16;
  srv->exit_code = 1;
  if (srv->docs == NULL || srv->ws == NULL || srv->published == NULL || srv->indexed == NULL ||
      srv->edited == NULL) {
    fprintf(stderr, "notes-lsp: out of memory\n");
    return 1;
  }
  nl_ws_on_change(srv->ws, ws_changed, srv);
  nl_ws_set_waker(srv->ws, ws_wake, srv);
  if (opts == NULL || !opts->no_cache) {
    char *dir = nl_cache_dir();
    nl_ws_set_cache_dir(srv->ws, dir);
    free(dir);
  }
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
  uv_timer_start(&srv->midnight_timer, midnight_cb, ms_to_midnight(srv), 0);
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
  nl_server_queued *lists[2] = {srv->queue_head, srv->held_head};
  for (int i = 0; i < 2; i++) {
    for (nl_server_queued *q = lists[i]; q != NULL;) {
      nl_server_queued *next = q->next;
      nl_rpc_msg_free(&q->msg);
      free(q);
      q = next;
    }
  }
  for (nl_server_pending *p = srv->pending; p != NULL;) {
    nl_server_pending *next = p->next;
    free(p);
    p = next;
  }
  nl_srv_pull_free(srv);
  nl_srv_vault_push_free(srv);
  free(srv->cancelled);
  nl_ws_free(srv->ws);
  nl_memo_free(srv->ctx.memo);
  nl_docs_free(srv->docs);
  nl_config_free(srv->cfg);
  nl_transport_free(srv->transport);
  json_decref(srv->init_options);
  json_decref(srv->settings);
  json_decref(srv->published);
  json_decref(srv->indexed);
  json_decref(srv->edited);
  free(srv);
  return code;
}
