#include "lsp/server/transport.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lsp/base/log.h"
#include "protocol/frame.h"
#include "protocol/rpc.h"

struct nl_transport {
  uv_loop_t *loop;
  nl_transport_cbs cbs;
  nl_frame *frame;
  union {
    uv_pipe_t pipe;
    uv_tty_t tty;
  } in;
  int in_is_file;
  int reading;
  uv_fs_t in_req;
  char in_buf[65536];
  union {
    uv_pipe_t pipe;
    uv_tty_t tty;
  } out;
  int out_is_file;
  size_t pending;
  size_t pending_bytes; /* bytes of the writes not finished yet */
  int paused;           /* reading stopped until the client reads what we wrote */
  int file_idle;        /* stdin is a file and no read is in flight */
};

/* Back-pressure: a client that stops reading would otherwise make us queue replies without
 * end. Over the high mark, no more requests are read (the client's writes block instead);
 * reading resumes once the writes drain below the low mark. */
#define HIGH_WATER (4u << 20)
#define LOW_WATER (1u << 20)

typedef struct {
  uv_write_t req;
  char *buf;
  size_t len;
  nl_transport *t;
} write_req;

/* ---- reading ----------------------------------------------------------------------------- */

static void feed(nl_transport *t, const char *buf, size_t len) {
  if (nl_frame_feed(t->frame, buf, len) != 0) {
    nl_log(NL_LOG_ERROR, "out of memory buffering input");
    return;
  }
  for (;;) {
    const char *body;
    size_t blen;
    char err[256];
    int rc = nl_frame_next(t->frame, &body, &blen, err, sizeof(err));
    if (rc == 0) break;
    if (rc < 0) {
      nl_log(NL_LOG_WARN, "bad message framing: %s", err);
      continue;
    }
    t->cbs.body(t->cbs.ud, body, blen);
  }
}

static void ended(nl_transport *t) {
  t->reading = 0;
  t->cbs.ended(t->cbs.ud);
}

static void alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
  nl_transport *t = h->data;
  *buf = uv_buf_init(t->in_buf, sizeof(t->in_buf));
}

static void read_cb(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
  nl_transport *t = s->data;
  if (n > 0) feed(t, buf->base, (size_t)n);
  if (n < 0) {
    if (n != UV_EOF) nl_log(NL_LOG_ERROR, "cannot read from the client: %s", uv_strerror((int)n));
    uv_read_stop(s);
    ended(t);
  }
}

/* A regular file cannot be polled: it is read with chained uv_fs_read requests. */
static void file_read_cb(uv_fs_t *req) {
  nl_transport *t = req->data;
  ssize_t n = req->result;
  uv_fs_req_cleanup(req);
  if (n <= 0) {
    ended(t);
    return;
  }
  feed(t, t->in_buf, (size_t)n);
  if (!t->reading) return;
  if (t->paused) {
    t->file_idle = 1;
    return;
  }
  uv_buf_t b = uv_buf_init(t->in_buf, sizeof(t->in_buf));
  if (uv_fs_read(t->loop, &t->in_req, 0, &b, 1, -1, file_read_cb) != 0) ended(t);
}

static int open_in(nl_transport *t) {
  uv_handle_type in = uv_guess_handle(0);
  t->reading = 1;
  if (in == UV_FILE) {
    t->in_is_file = 1;
    t->in_req.data = t;
    uv_buf_t b = uv_buf_init(t->in_buf, sizeof(t->in_buf));
    return uv_fs_read(t->loop, &t->in_req, 0, &b, 1, -1, file_read_cb);
  }
  int rc;
  uv_stream_t *s = (uv_stream_t *)&t->in;
  if (in == UV_TTY)
    rc = uv_tty_init(t->loop, &t->in.tty, 0, 1);
  else if ((rc = uv_pipe_init(t->loop, &t->in.pipe, 0)) == 0)
    rc = uv_pipe_open(&t->in.pipe, 0); /* pipes and sockets alike */
  if (rc != 0) return rc;
  s->data = t;
  return uv_read_start(s, alloc_cb, read_cb);
}

static int open_out(nl_transport *t) {
  uv_handle_type out = uv_guess_handle(1);
  int rc;
  if (out == UV_FILE || out == UV_UNKNOWN_HANDLE) {
    t->out_is_file = 1;
    return 0;
  }
  if (out == UV_TTY) return uv_tty_init(t->loop, &t->out.tty, 1, 0);
  if ((rc = uv_pipe_init(t->loop, &t->out.pipe, 0)) != 0) return rc;
  return uv_pipe_open(&t->out.pipe, 1);
}

nl_transport *nl_transport_start(uv_loop_t *loop, size_t max_message, nl_transport_cbs cbs,
                                 int *rc) {
  nl_transport *t = calloc(1, sizeof(*t));
  if (t == NULL || (t->frame = nl_frame_new(max_message)) == NULL) {
    free(t);
    *rc = UV_ENOMEM;
    return NULL;
  }
  t->loop = loop;
  t->cbs = cbs;
  if ((*rc = open_in(t)) != 0 || (*rc = open_out(t)) != 0) {
    /* Handles already initialised belong to the loop now; the caller closes the loop. */
    t->reading = 0;
    return NULL;
  }
  return t;
}

static void pause_reading(nl_transport *t) {
  if (t->paused || !t->reading) return;
  t->paused = 1;
  nl_log(NL_LOG_DEBUG, "client is not reading: %zu bytes queued, pausing input",
         t->pending_bytes);
  if (!t->in_is_file) uv_read_stop((uv_stream_t *)&t->in);
}

static void resume_reading(nl_transport *t) {
  if (!t->paused) return;
  t->paused = 0;
  if (!t->reading) return;
  if (!t->in_is_file) {
    int rc = uv_read_start((uv_stream_t *)&t->in, alloc_cb, read_cb);
    if (rc != 0) {
      nl_log(NL_LOG_ERROR, "cannot read from the client: %s", uv_strerror(rc));
      ended(t);
    }
  } else if (t->file_idle) {
    t->file_idle = 0;
    uv_buf_t b = uv_buf_init(t->in_buf, sizeof(t->in_buf));
    if (uv_fs_read(t->loop, &t->in_req, 0, &b, 1, -1, file_read_cb) != 0) ended(t);
  }
}

void nl_transport_stop(nl_transport *t) {
  if (t == NULL || !t->reading) return;
  t->reading = 0;
  if (!t->in_is_file && !t->paused) uv_read_stop((uv_stream_t *)&t->in);
}

void nl_transport_free(nl_transport *t) {
  if (t == NULL) return;
  nl_frame_free(t->frame);
  free(t);
}

/* ---- writing ----------------------------------------------------------------------------- */

static void write_done(uv_write_t *req, int status) {
  write_req *w = (write_req *)req;
  nl_transport *t = w->t;
  if (status < 0) nl_log(NL_LOG_ERROR, "cannot write to the client: %s", uv_strerror(status));
  t->pending_bytes -= w->len;
  free(w->buf);
  free(w);
  t->pending--;
  if (t->paused && t->pending_bytes <= LOW_WATER) resume_reading(t);
  t->cbs.written(t->cbs.ud);
}

int nl_transport_send(nl_transport *t, const json_t *msg) {
  size_t len;
  char *buf = nl_rpc_encode(msg, &len);
  return nl_transport_send_encoded(t, buf, len);
}

int nl_transport_send_encoded(nl_transport *t, char *buf, size_t len) {
  if (buf == NULL) {
    nl_log(NL_LOG_ERROR, "cannot encode a message: out of memory");
    return UV_ENOMEM;
  }
  if (t->out_is_file) {
    /* A file never blocks for long: written at once, in order. */
    size_t off = 0;
    while (off < len) {
      ssize_t n = write(STDOUT_FILENO, buf + off, len - off);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      off += (size_t)n;
    }
    free(buf);
    return off == len ? 0 : UV_EIO;
  }
  write_req *w = malloc(sizeof(*w));
  if (w == NULL) {
    free(buf);
    return UV_ENOMEM;
  }
  w->buf = buf;
  w->len = len;
  w->t = t;
  uv_buf_t b = uv_buf_init(buf, (unsigned)len);
  /* libuv queues writes on the stream in order: a slow client holds memory, loses nothing. */
  int rc = uv_write(&w->req, (uv_stream_t *)&t->out, &b, 1, write_done);
  if (rc < 0) {
    nl_log(NL_LOG_ERROR, "cannot write to the client: %s", uv_strerror(rc));
    free(buf);
    free(w);
    return rc;
  }
  t->pending++;
  t->pending_bytes += len;
  if (t->pending_bytes > HIGH_WATER) pause_reading(t);
  return 0;
}

size_t nl_transport_pending(const nl_transport *t) { return t != NULL ? t->pending : 0; }
