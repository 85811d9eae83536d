/* pull.c: the workspace/diagnostic request the server holds while nothing is new for the
 * client (lsp/features/workspace_diagnostic.c says when and why): held when the feature answers
 * NL_FEATURE_NOTHING_NEW, queued again to be handled afresh once the pull stamp moved, answered
 * RequestCancelled on $/cancelRequest and with an empty report at shutdown, so neither a
 * cancel nor leaving waits on it. One request at most: a client keeps one open. */
#include "lsp/server/server_impl.h"

#include <stdlib.h>
#include <string.h>

#include "lsp/base/log.h"
#include "lsp/features/features.h"

static void drop(nl_server *srv) {
  nl_rpc_msg_free(&srv->parked->msg);
  free(srv->parked);
  srv->parked = NULL;
}

void nl_srv_pull_release(nl_server *srv) {
  if (srv->parked == NULL) return;
  nl_srv_send_msg(srv, nl_rpc_result(srv->parked->msg.id, json_pack("{s:[]}", "items")));
  drop(srv);
}

void nl_srv_pull_supersede(nl_server *srv, const nl_server_queued *q) {
  /* The client asked again, so it no longer waits on the older one: it gets its (empty)
   * answer now, which keeps the order of answers the order of requests. */
  if (srv->parked != NULL && q->parse_rc == 0 && q->msg.kind == NL_RPC_MSG_REQUEST &&
      strcmp(q->msg.method, "workspace/diagnostic") == 0)
    nl_srv_pull_release(srv);
}

void nl_srv_pull_park(nl_server *srv, nl_server_queued *q) {
  nl_srv_pull_release(srv); /* none: nl_srv_pull_supersede answered it */
  q->next = NULL;
  srv->parked = q;
  srv->parked_at = nl_feature_pull_stamp(nl_srv_ctx_now(srv));
  nl_log(NL_LOG_DEBUG, "workspace/diagnostic held: nothing new for the client");
}

void nl_srv_pull_wake(nl_server *srv) {
  if (srv->parked == NULL || srv->exiting) return;
  const nl_ctx *ctx = nl_srv_ctx_now(srv);
  nl_pull_stamp now = nl_feature_pull_stamp(ctx), *at = &srv->parked_at;
  if (now.seq == at->seq && now.rest == at->rest) return;
  /* An edit that kept its note's face (the common case while typing) can change that note's
   * report alone: looking at it costs little, where asking the whole request again costs a
   * pass over every note the client holds (a third of a second at 100,000). */
  if (now.rest == at->rest &&
      nl_feature_workspace_diagnostic_news(ctx, srv->parked->msg.params, at->seq) == 0) {
    *at = now;
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
  if (srv->parked == NULL || id == NULL || !json_equal((json_t *)id, srv->parked->msg.id))
    return 0;
  nl_srv_send_msg(srv, nl_rpc_error(srv->parked->msg.id, NL_RPC_REQUEST_CANCELLED,
                                    "request cancelled"));
  drop(srv);
  return 1;
}

void nl_srv_pull_free(nl_server *srv) {
  if (srv->parked != NULL) drop(srv);
}
