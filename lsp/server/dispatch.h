/* dispatch.h: the one table from LSP method names to handlers: the server's own (lifecycle,
 * documents, configuration; lsp/server/server.c) and the features (lsp/features/). */
#ifndef NL_DISPATCH_H
#define NL_DISPATCH_H

#include "lsp/features/features.h"
#include "lsp/server/server.h"

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

#endif
