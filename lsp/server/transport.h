/* transport.h: LSP's byte stream over stdio on libuv. Reads stdin (a pipe, a socket, a tty or
 * a file), cuts it into whole messages with protocol/frame.c, and writes messages to stdout in
 * order, never dropped and never interleaved, holding what the client has not read yet. Knows
 * nothing of the methods: bodies go to a callback. Loop thread only. */
#ifndef NL_TRANSPORT_H
#define NL_TRANSPORT_H

#include <jansson.h>
#include <uv.h>

typedef struct nl_transport nl_transport;

typedef struct {
  /* A whole message body (borrowed for the call); framing problems are logged and skipped. */
  void (*body)(void *ud, const char *body, size_t len);
  /* Input ended: end of file, a closed pipe or a read error (logged). */
  void (*ended)(void *ud);
  /* A queued write finished; nl_transport_pending may have reached 0. */
  void (*written)(void *ud);
  void *ud;
} nl_transport_cbs;

/* Starts reading stdin on `loop` (borrowed) and prepares stdout; messages over max_message
 * bytes are refused with a log line. Returns a new transport, or NULL with *rc set to the
 * libuv error. Free it with nl_transport_free once the loop has closed its handles. */
nl_transport *nl_transport_start(uv_loop_t *loop, size_t max_message, nl_transport_cbs cbs,
                                 int *rc);
/* Encodes msg (borrowed) with its Content-Length header and queues it; 0 or a negative
 * error (logged). While more than a few MiB wait for the client to read them, the transport
 * stops reading input (back-pressure) and resumes once the client has caught up. */
int nl_transport_send(nl_transport *t, const json_t *msg);
/* Queues buf[0, len), a message nl_rpc_encode* framed (steals buf; NULL: out of memory,
 * logged), as nl_transport_send does. */
int nl_transport_send_encoded(nl_transport *t, char *buf, size_t len);
/* Writes queued and not yet finished. */
size_t nl_transport_pending(const nl_transport *t);
/* Stops reading (when the server exits); its handles close with the loop's others. */
void nl_transport_stop(nl_transport *t);
/* Frees the transport; accepts NULL. Call after the loop has run out. */
void nl_transport_free(nl_transport *t);

#endif
