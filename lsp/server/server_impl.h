/* server_impl.h: the server's private parts, shared by the files of lsp/server/ that make it
 * (server.c: lifecycle, documents, diagnostics, the loop; queue.c: the message queue;
 * settings.c: configuration and capabilities). Nothing outside lsp/server/ includes it. */
#ifndef NL_SERVER_IMPL_H
#define NL_SERVER_IMPL_H

#include <uv.h>

#include "lsp/index/config.h"
#include "lsp/index/watch.h"
#include "lsp/index/workspace.h"
#include "lsp/client/context.h"
#include "lsp/server/dispatch.h"
#include "lsp/client/document.h"
#include "lsp/server/server.h"
#include "lsp/server/transport.h"
#include "protocol/rpc.h"

#define MAX_MESSAGE (64u << 20)
#define DIAG_DELAY_MS 60      /* diagnostics after a single edit */
#define DIAG_DELAY_MAX_MS 300 /* after the last edit of steady typing, at the slowest */

enum { ST_NEW, ST_RUNNING, ST_SHUTDOWN };

typedef struct nl_server_pending {
  struct nl_server_pending *next;
  json_int_t id;
  void (*cb)(nl_server *srv, const json_t *result, const json_t *error, void *ud);
  void *ud;
} nl_server_pending;

typedef struct nl_server_queued {
  struct nl_server_queued *next;
  nl_rpc_msg msg;
  int parse_rc;
  char err[256];
} nl_server_queued;

struct nl_server {
  uv_loop_t *loop;
  nl_transport *transport;
  uv_check_t check;
  uv_idle_t idle; /* keeps the check running while messages are queued */
  uv_timer_t diag_timer;
  uv_timer_t parent_timer;
  uv_timer_t midnight_timer; /* overdue tasks change with the date */
  uv_signal_t sigterm;

  nl_server_queued *queue_head, *queue_tail;
  nl_server_queued *held_head, *held_tail; /* requests waiting for the first scan */
  nl_server_queued *handling; /* the message being handled (borrowed) */
  /* workspace/diagnostic (pull.c): the pull running in slices (its message and job), or the
   * one held with nothing new since parked_at; one at most */
  nl_server_queued *pull_running, *parked, *pull_done;
  nl_ws_pull *pull_job;
  nl_pull_stamp pull_started, parked_at;
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
  nl_server_pending *pending;
  int progress_token; /* the work-done progress token was created */
  int progress_pct;
  json_t *published;  /* uri -> the JSON text (a string) of the last diagnostics sent */
  json_t *indexed;    /* uri -> version of the open document last parsed into the index */
  nl_watch *watch;    /* fs events when the client does not watch files for us */
  int merge_pending;  /* the index has parsed notes to merge */
  int initialized;    /* `initialized` was handled: the scan and the watch started once */
  int vault_push;     /* push the problems of closed notes at the next run (after a scan or
                         a settings change) */
  uint32_t *push_ids; /* closed notes left to push, from push_pos to n_push (vault_push.c) */
  size_t n_push, push_pos;
  /* The list's first push_full_end ids are a pass over every note, which stops once it
   * showed maxNotes closed notes with problems (push_shown); the rest are readers of changed
   * faces. */
  size_t push_full_end, push_shown;
  /* What the next diagnostics run covers: the documents indexed from an edit since the last
   * run (uri -> true), and every note when others_stale (anything but an edit that kept its
   * note's face changed the index, the configuration or the date). */
  json_t *edited;
  int others_stale;
  int in_flush;       /* index_doc is updating the index: the change is an edit's */
  uint64_t last_edit_ms; /* loop time of the last didChange */
  uint64_t edit_gap_ms;  /* running average of the gaps between edits of this burst; 0: none */
};

/* ---- writing and context (server.c) ------------------------------------------------------- */

/* Sends msg (steals). */
void nl_srv_send_msg(nl_server *srv, json_t *msg);
/* Sends the answer to request `id` (borrowed) whose result (steals) is a JSON string holding
 * the result's JSON text (NL_CTX_RAW_RESULT). */
void nl_srv_send_raw_result(nl_server *srv, json_t *id, json_t *result);
/* Sends a notification; params are stolen. */
void nl_srv_notify(nl_server *srv, const char *method, json_t *params);
/* Sends a request (params stolen); cb (may be NULL) gets the client's answer. */
void nl_srv_request(nl_server *srv, const char *method, json_t *params,
                    void (*cb)(nl_server *, const json_t *, const json_t *, void *), void *ud);
void nl_srv_show_message(nl_server *srv, int type, const char *msg);
/* Sends textDocument/publishDiagnostics for uri with the diagnostics whose JSON text items
 * holds (taken: items is emptied), with the document's version unless version < 0, unless
 * they are the ones last sent (srv->published) and !force; "[]" is kept there only when
 * keep_empty (an open document's), else it is what a uri not there was last sent. Returns 1
 * when items held any diagnostic. */
int nl_srv_publish_items(nl_server *srv, const char *uri, int64_t version, nl_buf *items,
                         int keep_empty, int force);
/* The feature context for this moment (borrowed from srv). */
const nl_ctx *nl_srv_ctx_now(nl_server *srv);
/* Parses pending edits of open documents into the index. */
void nl_srv_flush_edits(nl_server *srv);
void nl_srv_schedule_diagnostics(nl_server *srv);
/* Once exit was requested and every reply is written, closes all handles. */
void nl_srv_maybe_finish(nl_server *srv);
void nl_srv_scan_progress(nl_workspace *ws, void *ud, size_t done, size_t total, int finished);
void nl_srv_add_root_uri(nl_server *srv, const char *uri);
void nl_srv_parent_check(uv_timer_t *t);

/* Background work (the scan's merge, the reference maps after it, closed notes' pushed
 * diagnostics) done per loop turn, after the queued messages: a request that comes meanwhile
 * waits at most about this long. */
#define NL_SRV_SLICE_NS 1000000

/* ---- diagnostics of closed notes (vault_push.c) ------------------------------------------ */

/* `diagnostics.scope: vault` for clients that do not pull: after a scan, pushes the problems
 * of every closed note (up to diagnostics.maxNotes notes with some); after another change,
 * those of the closed notes already shown and of the notes that read a changed note's face
 * (nl_ws_take_dependents). */
void nl_srv_publish_vault(nl_server *srv);
/* The next slice of the notes left to push (after the queued messages of this loop turn). */
void nl_srv_vault_push_continue(nl_server *srv);
/* Forgets the notes left to push. */
void nl_srv_vault_push_free(nl_server *srv);

/* ---- the message queue (queue.c) -------------------------------------------------------- */

void nl_srv_idle_cb(uv_idle_t *h);
/* Handles the queued messages in order, after collecting their $/cancelRequest ids. */
void nl_srv_drain(nl_server *srv);
/* The first scan is done: held requests go first in the queue, in the order they came. */
void nl_srv_release_held(nl_server *srv);
/* Shutdown during the first scan: every held request is answered with RequestFailed. */
void nl_srv_refuse_held(nl_server *srv);

/* ---- workspace/diagnostic, running and held (pull.c) ------------------------------------- */

/* A handler's answer that it kept the message being handled (srv->handling), to answer later. */
#define NL_SRV_KEPT 3
/* Before q (borrowed) is handled: when it is a workspace/diagnostic request, the pull running
 * or held is answered with an empty report first. */
void nl_srv_pull_supersede(nl_server *srv, const nl_server_queued *q);
/* The next slice of the running pull (after the queued messages of this loop turn). */
void nl_srv_pull_continue(nl_server *srv);
/* A diagnostics run: resumes a pull a rescan paused, and queues the held one again when what
 * pulled diagnostics depend on changed for it. */
void nl_srv_pull_wake(nl_server *srv);
/* Answers the running or held pull RequestCancelled when `id` (borrowed) is its id; 1 when
 * it was. */
int nl_srv_pull_cancel(nl_server *srv, const json_t *id);
/* Answers the running or held pull, if any, with an empty report (at shutdown). */
void nl_srv_pull_release(nl_server *srv);
/* Frees the running or held pull without answering (after exit). */
void nl_srv_pull_free(nl_server *srv);

/* ---- configuration and capabilities (settings.c) ------------------------------------------ */

/* Rebuilds the configuration from defaults, each root's .notes-lsp.yaml,
 * initializationOptions and the latest settings; rescans when what is scanned changed. */
void nl_srv_rebuild_config(nl_server *srv);
/* Asks the client for the notesLsp section (workspace/configuration); the answer replaces the
 * settings and rebuilds the configuration. */
void nl_srv_pull_config(nl_server *srv);
/* Reads the client's capabilities into srv->caps and picks the position encoding. */
void nl_srv_read_caps(nl_server *srv, const json_t *caps);
/* The server's capabilities (new). */
json_t *nl_srv_capabilities(nl_server *srv);

#endif
