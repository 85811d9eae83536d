/* server.h: the language server: a libuv loop reading LSP messages from stdin and writing
 * replies to stdout, the lifecycle, open documents and the index. Only the loop thread touches
 * the server. */
#ifndef NL_SERVER_H
#define NL_SERVER_H

#include <jansson.h>
#include <uv.h>

#include "lsp/index/config.h"
#include "lsp/server/context.h"
#include "lsp/server/document.h"
#include "lsp/index/workspace.h"

typedef struct nl_server nl_server;

/* Runs a server on stdin/stdout until `exit`; returns the process exit status (0 after
 * shutdown, 1 without it or when the editor's process died). */
int nl_server_main(void);

/* ---- for the dispatch table (lsp/server/dispatch.c) -------------------------------------------- */

/* A handler of the server's own methods (lifecycle, documents, configuration). Same contract
 * as nl_handler_fn; notifications leave *result unset. */
typedef int (*nl_server_fn)(nl_server *srv, const json_t *params, json_t **result, char *err,
                            size_t err_size);

typedef struct {
  const char *method;
  nl_server_fn server;    /* one of server or feature is set */
  nl_handler_fn feature;
  int needs_document;     /* params.textDocument.uri must name an open document */
} nl_dispatch_entry;

/* The entry for `method`, or NULL. */
const nl_dispatch_entry *nl_dispatch_find(const char *method);

int nl_server_initialize(nl_server *, const json_t *, json_t **, char *, size_t);
int nl_server_initialized(nl_server *, const json_t *, json_t **, char *, size_t);
int nl_server_shutdown(nl_server *, const json_t *, json_t **, char *, size_t);
int nl_server_exit(nl_server *, const json_t *, json_t **, char *, size_t);
int nl_server_did_open(nl_server *, const json_t *, json_t **, char *, size_t);
int nl_server_did_change(nl_server *, const json_t *, json_t **, char *, size_t);
int nl_server_did_close(nl_server *, const json_t *, json_t **, char *, size_t);
int nl_server_did_save(nl_server *, const json_t *, json_t **, char *, size_t);
int nl_server_did_change_configuration(nl_server *, const json_t *, json_t **, char *, size_t);
int nl_server_did_change_watched_files(nl_server *, const json_t *, json_t **, char *, size_t);
int nl_server_set_trace(nl_server *, const json_t *, json_t **, char *, size_t);

#endif
