/* pull.c: workspace/diagnostic's life in the server (lsp/features/workspace_diagnostic.c says
 * what a pull answers and why). Without a partialResultToken it is answered at once. With one
 * it runs in slices, one per loop turn after the queued messages, so other requests and its
 * own partial results go on meanwhile; when it has nothing new it is held, and once the pull
 * stamp moved either answered with the few notes that changed or queued again to be handled
 * afresh. A running or held pull is answered
 * RequestCancelled on $/cancelRequest, and with an empty report when another pull comes or at
 * shutdown, so neither a cancel nor leaving waits on it. One pull at most runs or is held: a
 * client keeps one open. */
#include "lsp/server/server_impl.h"

#include <stdlib.h>
#include <string.h>

#include "lsp/base/log.h"
#include "lsp/features/features.h"

#define SLICE 128 /* notes diagnosed per loop turn: about 20 ms */

/* Frees the running or held pull's message and job. */
static void drop(nl_server *srv) {
  nl_server_queued *q = srv->pull_job != NULL ? srv->pull_running : srv->parked;
  nl_feature_ws_pull_free(srv->pull_job);
  srv->pull_job = NULL;
  srv->pull_running = srv->parked = NULL;
  if (q == NULL) return;
  nl_rpc_msg_free(&q->msg);
  free(q);
}

static nl_server_queued *current(nl_server *srv) {
  return srv->pull_job != NULL ? srv->pull_running : srv->parked;
}

void nl_srv_pull_release(nl_server *srv) {
  nl_server_queued *q = current(srv);
  if (q == NULL) return;
  nl_srv_send_msg(srv, nl_rpc_result(q->msg.id, json_pack("{s:[]}", "items")));
  drop(srv);
}

void nl_srv_pull_supersede(nl_server *srv, const nl_server_queued *q) {
  /* The client asked again, so it no longer waits on the older one: it gets its (empty)
   * answer now, which keeps the order of answers the order of requests. */
  if (current(srv) != NULL && q->parse_rc == 0 && q->msg.kind == NL_RPC_MSG_REQUEST &&
      strcmp(q->msg.method, "workspace/diagnostic") == 0)
    nl_srv_pull_release(srv);
}

static void park(nl_server *srv, nl_server_queued *q, nl_pull_stamp at) {
  q->next = NULL;
  srv->parked = q;
  srv->parked_at = at;
  nl_log(NL_LOG_DEBUG, "workspace/diagnostic held: nothing new for the client");
}

/* One slice of the running pull; answers it, or holds it, when it is done. */
static int step(nl_server *srv, json_t **result, char *err, size_t err_size) {
  int rc = nl_feature_ws_pull_step(srv->pull_job, nl_srv_ctx_now(srv), SLICE, result, err,
                                   err_size);
  if (rc == NL_FEATURE_MORE) {
    uv_idle_start(&srv->idle, nl_srv_idle_cb); /* the next slice at the next loop turn */
    return rc;
  }
  nl_server_queued *q = srv->pull_running;
  nl_feature_ws_pull_free(srv->pull_job);
  srv->pull_job = NULL;
  srv->pull_running = NULL;
  srv->pull_done = q; /* the caller answers and frees it */
  /* Held from the stamp the pull started at, and looked at again at once: an edit made while
   * it ran (whose diagnostics run found no held pull to wake) is news. */
  if (rc == NL_FEATURE_NOTHING_NEW) {
    park(srv, q, srv->pull_started);
    nl_srv_pull_wake(srv);
  }
  return rc;
}

int nl_server_workspace_diagnostic(nl_server *srv, const json_t *params, json_t **result,
                                   char *err, size_t err_size) {
  nl_srv_flush_edits(srv);
  nl_ws_pull *job = nl_feature_ws_pull_new(params, err, err_size);
  if (job == NULL) return NL_RPC_INVALID_PARAMS;
  /* Kept to run in slices only as a request: a notification's message is freed on return. */
  const nl_server_queued *q = srv->handling;
  if (!nl_feature_ws_pull_streams(job) || q == NULL || q->msg.kind != NL_RPC_MSG_REQUEST) {
    int rc = nl_feature_ws_pull_step(job, nl_srv_ctx_now(srv), SIZE_MAX, result, err, err_size);
    nl_feature_ws_pull_free(job);
    return rc;
  }
  srv->pull_job = job;
  srv->pull_running = srv->handling;
  srv->pull_started = nl_feature_pull_stamp(nl_srv_ctx_now(srv));
  int rc = step(srv, result, err, err_size);
  if (rc == NL_FEATURE_MORE || rc == NL_FEATURE_NOTHING_NEW) return NL_SRV_KEPT;
  return rc; /* answered by the caller, which frees the message */
}

void nl_srv_pull_continue(nl_server *srv) {
  if (srv->pull_job == NULL || srv->exiting || nl_ws_scanning(srv->ws)) return;
  nl_srv_flush_edits(srv);
  json_t *result = NULL;
  char err[256] = "";
  srv->pull_done = NULL;
  int rc = step(srv, &result, err, sizeof(err));
  nl_server_queued *q = srv->pull_done;
  if (rc == NL_FEATURE_MORE || rc == NL_FEATURE_NOTHING_NEW || q == NULL) return;
  if (rc == NL_CTX_RAW_RESULT)
    nl_srv_send_raw_result(srv, q->msg.id, result);
  else if (rc == 0)
    nl_srv_send_msg(srv, nl_rpc_result(q->msg.id, result));
  else
    nl_srv_send_msg(srv, nl_rpc_error(q->msg.id, NL_RPC_INTERNAL_ERROR, "%s", err));
  nl_rpc_msg_free(&q->msg);
  free(q);
}

void nl_srv_pull_wake(nl_server *srv) {
  /* A rescan paused the running pull: it goes on once the index is whole again. */
  if (srv->pull_job != NULL && !nl_ws_scanning(srv->ws)) uv_idle_start(&srv->idle, nl_srv_idle_cb);
  if (srv->parked == NULL || srv->exiting) return;
  const nl_ctx *ctx = nl_srv_ctx_now(srv);
  nl_pull_stamp now = nl_feature_pull_stamp(ctx), *at = &srv->parked_at;
  if (now.seq == at->seq && now.rest == at->rest) return;
  /* An edit that kept its note's face (the common case while typing) can change that note's
   * report alone: looking at it costs little, and so does answering with it, where asking
   * the whole request again costs a pass over every resultId the client sent and every note
   * (a fifth of a second at 100,000). */
  json_t *answer = NULL;
  int news = now.rest == at->rest
                 ? nl_feature_workspace_diagnostic_news(ctx, srv->parked->msg.params, at->seq,
                                                        &answer)
                 : -1;
  if (news == 0) {
    *at = now;
    return;
  }
  if (news == 1) {
    nl_srv_send_raw_result(srv, srv->parked->msg.id, answer);
    drop(srv);
    return;
  }
  nl_server_queued *q = srv->parked;
  srv->parked = NULL;
  q->next = srv->queue_head;
  srv->queue_head = q;
  if (srv->queue_tail == NULL) srv->queue_tail = q;
  uv_idle_start(&srv->idle, nl_srv_idle_cb);
}

int nl_srv_pull_cancel(nl_server *srv, const json_t *id) {
  nl_server_queued *q = current(srv);
  if (q == NULL || id == NULL || !json_equal((json_t *)id, q->msg.id)) return 0;
  nl_srv_send_msg(srv, nl_rpc_error(q->msg.id, NL_RPC_REQUEST_CANCELLED, "request cancelled"));
  drop(srv);
  return 1;
}

void nl_srv_pull_free(nl_server *srv) { drop(srv); }
