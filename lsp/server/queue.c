/* queue.c: the messages read from the client, handled in order: cancellation, requests held
 * while the first scan runs, dispatch to the server's own handlers and to the features. */
#include "lsp/server/server_impl.h"

#include <stdlib.h>
#include <string.h>

#include "lsp/base/log.h"
#include "lsp/features/features.h"
#include "protocol/lsp_types.h"

/* ---- handling messages ------------------------------------------------------------------- */

static int is_cancelled(nl_server *srv, const json_t *id) {
  if (!json_is_integer(id)) return 0;
  for (size_t i = 0; i < srv->n_cancelled; i++)
    if (srv->cancelled[i] == json_integer_value(id)) return 1;
  return 0;
}

void nl_srv_idle_cb(uv_idle_t *h) {}

static void handle_response(nl_server *srv, nl_rpc_msg *m) {
  if (!json_is_integer(m->id)) return;
  json_int_t id = json_integer_value(m->id);
  for (nl_server_pending **pp = &srv->pending; *pp != NULL; pp = &(*pp)->next) {
    nl_server_pending *p = *pp;
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

/* Returns NL_SRV_KEPT when the handler kept the message to answer later (pull.c), else 0. */
static int handle_request(nl_server *srv, nl_rpc_msg *m) {
  int is_request = m->kind == NL_RPC_MSG_REQUEST;
  const char *method = m->method;
  char err[512] = "";
  json_t *result = NULL;
  if (is_request && is_cancelled(srv, m->id)) {
    nl_srv_send_msg(srv, nl_rpc_error(m->id, NL_RPC_REQUEST_CANCELLED, "request cancelled"));
    return 0;
  }
  const nl_dispatch_entry *d = nl_dispatch_find(method);
  if (srv->state == ST_NEW && strcmp(method, "initialize") != 0 && strcmp(method, "exit") != 0) {
    if (is_request)
      nl_srv_send_msg(srv, nl_rpc_error(m->id, NL_RPC_SERVER_NOT_INITIALIZED,
                                 "server not initialized: %s before initialize", method));
    return 0;
  }
  if (srv->state == ST_SHUTDOWN && is_request && strcmp(method, "shutdown") != 0) {
    nl_srv_send_msg(srv, nl_rpc_error(m->id, NL_RPC_INVALID_REQUEST, "%s after shutdown", method));
    return 0;
  }
  if (d == NULL) {
    if (is_request)
      nl_srv_send_msg(srv, nl_rpc_error(m->id, NL_RPC_METHOD_NOT_FOUND, "method not found: %s", method));
    else if (strncmp(method, "$/", 2) != 0)
      nl_log(NL_LOG_DEBUG, "ignored notification %s", method);
    return 0;
  }
  if (d->needs_document) {
    const char *uri = nl_lsp_get_uri(m->params, err, sizeof(err));
    if (uri == NULL) goto invalid;
  }
  if (d->feature != NULL) nl_srv_flush_edits(srv);
  uint64_t started = uv_hrtime();
  int rc = d->server != NULL ? d->server(srv, m->params, &result, err, sizeof(err))
                             : d->feature(nl_srv_ctx_now(srv), m->params, &result, err, sizeof(err));
  if (nl_log_level() >= NL_LOG_DEBUG)
    nl_log(NL_LOG_DEBUG, "%s took %.3f ms", method, (double)(uv_hrtime() - started) / 1e6);
  if (rc == NL_SRV_KEPT && is_request) return rc;
  if (rc == NL_CTX_RAW_RESULT) {
    if (is_request) nl_srv_send_raw_result(srv, m->id, result);
    else json_decref(result);
    return 0;
  }
  if (rc != 0) {
    json_decref(result);
    if (rc == NL_RPC_INVALID_PARAMS) goto invalid;
    if (!is_request) {
      nl_log(NL_LOG_WARN, "%s: %s", method, err[0] ? err : nl_rpc_error_message(rc));
      return 0;
    }
    nl_srv_send_msg(srv, nl_rpc_error(m->id, rc < -32900 || rc > -32000 ? NL_RPC_INTERNAL_ERROR : rc,
                               "%s", err[0] ? err : nl_rpc_error_message(rc)));
    return 0;
  }
  if (is_request) nl_srv_send_msg(srv, nl_rpc_result(m->id, result != NULL ? result : json_null()));
  else json_decref(result);
  return 0;
invalid:
  if (is_request)
    nl_srv_send_msg(srv, nl_rpc_error(m->id, NL_RPC_INVALID_PARAMS, "invalid params: %s", err));
  else
    nl_log(NL_LOG_WARN, "%s: invalid params: %s", method, err);
  return 0;
}

/* Returns NL_SRV_KEPT when q was kept to be answered later, else 0. */
static int handle(nl_server *srv, nl_server_queued *q) {
  nl_rpc_msg *m = &q->msg;
  if (q->parse_rc == NL_RPC_PARSE_ERROR) {
    nl_log(NL_LOG_WARN, "invalid JSON from the client: %s", q->err);
    nl_srv_send_msg(srv, nl_rpc_error(m->id, NL_RPC_PARSE_ERROR, "%s", q->err));
    return 0;
  }
  if (q->parse_rc != 0 || m->kind == NL_RPC_MSG_INVALID) {
    nl_log(NL_LOG_WARN, "invalid message from the client: %s", q->err);
    nl_srv_send_msg(srv, nl_rpc_error(m->id, NL_RPC_INVALID_REQUEST, "%s", q->err));
    return 0;
  }
  if (m->kind == NL_RPC_MSG_RESPONSE) {
    handle_response(srv, m);
    return 0;
  }
  return handle_request(srv, m);
}

/* While the first scan runs, a request that reads the whole index (completion, definition,
 * code actions, symbols, pulled diagnostics) waits for it rather than answer from half an
 * index: a link to a note not read yet would look broken. Returns 1 when q was held. */
static int hold(nl_server *srv, nl_server_queued *q) {
  if (!nl_ws_scanning(srv->ws) || q->parse_rc != 0 || q->msg.kind != NL_RPC_MSG_REQUEST)
    return 0;
  const nl_dispatch_entry *d = nl_dispatch_find(q->msg.method);
  if (d == NULL || (d->feature == NULL && d->server != nl_server_workspace_diagnostic) ||
      is_cancelled(srv, q->msg.id))
    return 0;
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
  nl_server_queued *prev = NULL;
  for (nl_server_queued *q = srv->held_head; q != NULL; prev = q, q = q->next) {
    if (!json_is_integer(q->msg.id) || json_integer_value(q->msg.id) != json_integer_value(id))
      continue;
    if (prev != NULL)
      prev->next = q->next;
    else
      srv->held_head = q->next;
    if (srv->held_tail == q) srv->held_tail = prev;
    nl_srv_send_msg(srv, nl_rpc_error(q->msg.id, NL_RPC_REQUEST_CANCELLED, "request cancelled"));
    nl_rpc_msg_free(&q->msg);
    free(q);
    return;
  }
}

/* Shutdown came while the first scan ran: every held request is answered now with an error,
 * rather than never (the exit that follows would drop them unanswered). */
void nl_srv_refuse_held(nl_server *srv) {
  while (srv->held_head != NULL) {
    nl_server_queued *q = srv->held_head;
    srv->held_head = q->next;
    nl_srv_send_msg(srv, nl_rpc_error(q->msg.id, NL_RPC_REQUEST_FAILED,
                                      "the server is shutting down before its index was ready"));
    nl_rpc_msg_free(&q->msg);
    free(q);
  }
  srv->held_tail = NULL;
}

/* The scan is done: held requests go first in the queue, in the order they came. */
void nl_srv_release_held(nl_server *srv) {
  if (srv->held_head == NULL) return;
  srv->held_tail->next = srv->queue_head;
  if (srv->queue_head == NULL) srv->queue_tail = srv->held_tail;
  srv->queue_head = srv->held_head;
  srv->held_head = srv->held_tail = NULL;
  uv_idle_start(&srv->idle, nl_srv_idle_cb);
}

/* Collects the ids of $/cancelRequest in the queue, then handles the queue in order. */
void nl_srv_drain(nl_server *srv) {
  srv->n_cancelled = 0;
  size_t n = 0;
  for (nl_server_queued *q = srv->queue_head; q != NULL; q = q->next) n++;
  free(srv->cancelled);
  srv->cancelled = calloc(n + 1, sizeof(json_int_t));
  for (nl_server_queued *q = srv->queue_head; q != NULL && srv->cancelled != NULL; q = q->next) {
    if (q->parse_rc != 0 || q->msg.method == NULL) continue;
    if (strcmp(q->msg.method, "$/cancelRequest") != 0) continue;
    const json_t *id = json_object_get(q->msg.params, "id");
    if (json_is_integer(id)) srv->cancelled[srv->n_cancelled++] = json_integer_value(id);
  }
  while (srv->queue_head != NULL && !srv->exiting) {
    nl_server_queued *q = srv->queue_head;
    srv->queue_head = q->next;
    if (hold(srv, q)) continue;
    if (q->msg.method != NULL && strcmp(q->msg.method, "$/cancelRequest") == 0) {
      cancel_held(srv, json_object_get(q->msg.params, "id"));
      nl_srv_pull_cancel(srv, json_object_get(q->msg.params, "id"));
    }
    nl_srv_pull_supersede(srv, q);
    srv->handling = q;
    int kept = handle(srv, q) == NL_SRV_KEPT;
    srv->handling = NULL;
    if (kept) continue;
    nl_rpc_msg_free(&q->msg);
    free(q);
  }
  srv->queue_tail = NULL;
  srv->n_cancelled = 0;
  nl_srv_maybe_finish(srv);
}
