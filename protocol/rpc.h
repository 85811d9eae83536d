/* rpc.h: JSON-RPC 2.0 envelopes for LSP: parse and classify a message body, build replies,
 * requests and notifications, and encode them with their Content-Length header.
 * All JSON values are jansson's; ownership follows jansson's words (new, borrowed, steals). */
#ifndef NL_RPC_H
#define NL_RPC_H

#include <jansson.h>
#include <stddef.h>

/* JSON-RPC and LSP 3.17 error codes with their default messages; the one place they are mapped. */
#define NL_RPC_ERRNO_MAP(XX)                                             \
  XX(PARSE_ERROR, -32700, "parse error")                                 \
  XX(INVALID_REQUEST, -32600, "invalid request")                         \
  XX(METHOD_NOT_FOUND, -32601, "method not found")                       \
  XX(INVALID_PARAMS, -32602, "invalid params")                           \
  XX(INTERNAL_ERROR, -32603, "internal error")                           \
  XX(SERVER_NOT_INITIALIZED, -32002, "server not initialized")           \
  XX(UNKNOWN_ERROR_CODE, -32001, "unknown error code")                   \
  XX(REQUEST_FAILED, -32803, "request failed")                           \
  XX(SERVER_CANCELLED, -32802, "server cancelled")                       \
  XX(CONTENT_MODIFIED, -32801, "content modified")                       \
  XX(REQUEST_CANCELLED, -32800, "request cancelled")

typedef enum {
#define XX(name, value, msg) NL_RPC_##name = (value),
  NL_RPC_ERRNO_MAP(XX)
#undef XX
} nl_rpc_errno;

/* The symbolic name of a code ("METHOD_NOT_FOUND"), or NULL for an unknown code. Static. */
const char *nl_rpc_error_name(int code);
/* The default message of a code ("method not found"), or "unknown error". Static. */
const char *nl_rpc_error_message(int code);

/* ---- Parsing ---- */

typedef enum {
  NL_RPC_MSG_INVALID = 0,
  NL_RPC_MSG_REQUEST,      /* method and id */
  NL_RPC_MSG_NOTIFICATION, /* method, no id */
  NL_RPC_MSG_RESPONSE      /* id and result or error */
} nl_rpc_kind;

typedef struct {
  nl_rpc_kind kind;
  json_t *root;       /* new: the whole message, freed by nl_rpc_msg_free; on a parse error the
                         id read from the broken text, or NULL */
  json_t *id;         /* borrowed from root: integer or string (null in some responses); NULL
                         when absent or of a wrong type */
  const char *method; /* borrowed from root; NULL for responses */
  json_t *params;     /* borrowed from root: object or array; NULL when absent */
  json_t *result;     /* borrowed from root: a response's result (may be JSON null) */
  json_t *error;      /* borrowed from root: a response's error object */
} nl_rpc_msg;

/* Parses body[0, len) into *out (always initialised, free it with nl_rpc_msg_free). Returns 0
 * for a valid request, notification or response; NL_RPC_PARSE_ERROR for invalid JSON (out->id
 * set, and out->root holding only it, when the outermost object's "id" can still be read);
 * NL_RPC_INVALID_REQUEST for a well-formed JSON value that is not a valid envelope, with out->id
 * set when the id could be read so that the error reply can carry it. A lowercase message goes
 * to err (may be NULL) on failure. */
int nl_rpc_parse(const char *body, size_t len, nl_rpc_msg *out, char *err, size_t err_size);
/* Releases out->root and clears *m; accepts NULL and an already freed message. */
void nl_rpc_msg_free(nl_rpc_msg *m);

/* ---- Builders: all return new values, or NULL when out of memory ---- */

/* {"jsonrpc":"2.0","id":id,"result":result}. id is borrowed and copied (NULL means null);
 * result is stolen (NULL means null). */
json_t *nl_rpc_result(json_t *id, json_t *result);
/* {"jsonrpc":"2.0","id":id,"error":{"code":code,"message":...}}. id is borrowed and copied (NULL
 * means null); fmt is printf-style; a NULL fmt uses the code's default message. */
json_t *nl_rpc_error(json_t *id, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* {"jsonrpc":"2.0","id":id,"method":method,"params":params}; params is stolen, NULL omits it. */
json_t *nl_rpc_request(json_int_t id, const char *method, json_t *params);
/* {"jsonrpc":"2.0","method":method,"params":params}; params is stolen, NULL omits it. */
json_t *nl_rpc_notification(const char *method, json_t *params);

/* Returns a new malloc'd buffer "Content-Length: N\r\n\r\n" followed by the compact JSON of msg
 * (UTF-8 kept as is, not escaped), NUL-terminated, with the total length (header included) in
 * *len; NULL when out of memory or msg cannot be encoded. */
char *nl_rpc_encode(const json_t *msg, size_t *len);
/* The same for the reply {"jsonrpc":"2.0","id":id,"result":...} whose result is the JSON text
 * result[0, n) (borrowed; not checked), written by a handler without a JSON tree (a long list
 * of locations); id is borrowed (NULL means null). */
char *nl_rpc_encode_raw_result(json_t *id, const char *result, size_t n, size_t *len);
/* The same for the notification {"jsonrpc":"2.0","method":method,"params":...} whose params
 * are the JSON text params[0, n) (borrowed; not checked): pushed diagnostics. */
char *nl_rpc_encode_raw_notification(const char *method, const char *params, size_t n,
                                     size_t *len);

#endif
