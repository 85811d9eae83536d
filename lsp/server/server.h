/* server.h: the language server: a libuv loop reading LSP messages from stdin and writing
 * replies to stdout, the lifecycle, open documents and the index. Only the loop thread touches
 * the server. */
#ifndef NL_SERVER_H
#define NL_SERVER_H

#include <jansson.h>

typedef struct nl_server nl_server;

typedef struct {
  int no_cache; /* --no-cache: neither read nor write the index cache */
} nl_server_options;

/* Runs a server on stdin/stdout until `exit` with `opts` (borrowed; NULL for the defaults);
 * returns the process exit status (0 after shutdown, 1 without it or when the editor's
 * process died). */
int nl_server_main(const nl_server_options *opts);

/* ---- the server's own methods (the table is lsp/server/dispatch.c) ------------------------- */

int nl_server_initialize(nl_server *, const json_t *, json_t **, char *, size_t);
int nl_server_initialized(nl_server *, const json_t *, json_t **, char *, size_t);
int nl_server_shutdown(nl_server *, const json_t *, json_t **, char *, size_t);
int nl_server_exit(nl_server *, const json_t *, json_t **, char *, size_t);
int nl_server_did_open(nl_server *, const json_t *, json_t **, char *, size_t);
int nl_server_did_change(nl_server *, const json_t *, json_t **, char *, size_t);
int nl_server_did_close(nl_server *, const json_t *, json_t **, char *, size_t);
int nl_server_did_save(nl_server *, const json_t *, json_t **, char *, size_t);
/* workspace/diagnostic: lsp/features/workspace_diagnostic.c run in slices and held (pull.c) */
int nl_server_workspace_diagnostic(nl_server *, const json_t *, json_t **, char *, size_t);
int nl_server_did_change_configuration(nl_server *, const json_t *, json_t **, char *, size_t);
int nl_server_did_change_watched_files(nl_server *, const json_t *, json_t **, char *, size_t);
int nl_server_set_trace(nl_server *, const json_t *, json_t **, char *, size_t);

#endif
