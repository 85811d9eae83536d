/* rpc.c: JSON-RPC 2.0 envelopes; see rpc.h. */
#include "protocol/rpc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *nl_rpc_error_name(int code) {
  switch (code) {
#define XX(name, value, msg) \
  case NL_RPC_##name:        \
    return #name;
    NL_RPC_ERRNO_MAP(XX)
#undef XX
  }
  return NULL;
}

const char *nl_rpc_error_message(int code) {
  switch (code) {
#define XX(name, value, msg) \
  case NL_RPC_##name:        \
    return msg;
    NL_RPC_ERRNO_MAP(XX)
#undef XX
  }
  return "unknown error";
}

static int fail(char *err, size_t err_size, int code, const char *msg) {
  if (err != NULL && err_size > 0) snprintf(err, err_size, "%s", msg);
  return code;
}

/* LSP ids are integer | string; JSON-RPC's fractional numbers and null are not accepted. */
static int valid_id(const json_t *id) { return json_is_integer(id) || json_is_string(id); }

static int classify_call(nl_rpc_msg *out, json_t *method, json_t *id, char *err, size_t err_size) {
  if (!json_is_string(method))
    return fail(err, err_size, NL_RPC_INVALID_REQUEST, "\"method\" must be a string");
  json_t *params = json_object_get(out->root, "params");
  /* Strictly, params is omitted rather than null; clients send both for shutdown and exit. */
  if (json_is_null(params)) params = NULL;
  if (params != NULL && !json_is_object(params) && !json_is_array(params))
    return fail(err, err_size, NL_RPC_INVALID_REQUEST, "\"params\" must be an object or an array");
  if (id != NULL && !valid_id(id))
    return fail(err, err_size, NL_RPC_INVALID_REQUEST, "\"id\" must be an integer or a string");
  out->method = json_string_value(method);
  out->params = params;
  out->kind = id != NULL ? NL_RPC_MSG_REQUEST : NL_RPC_MSG_NOTIFICATION;
  return 0;
}

static int classify_response(nl_rpc_msg *out, json_t *id, char *err, size_t err_size) {
  json_t *result = json_object_get(out->root, "result");
  json_t *error = json_object_get(out->root, "error");
  if (result == NULL && error == NULL)
    return fail(err, err_size, NL_RPC_INVALID_REQUEST, "message has no method, result or error");
  if (result != NULL && error != NULL)
    return fail(err, err_size, NL_RPC_INVALID_REQUEST, "response has both result and error");
  if (id == NULL) return fail(err, err_size, NL_RPC_INVALID_REQUEST, "response has no \"id\"");
  /* A null id is only legal on an error reply to a request whose id could not be read. */
  if (!valid_id(id) && !(json_is_null(id) && error != NULL))
    return fail(err, err_size, NL_RPC_INVALID_REQUEST, "\"id\" must be an integer or a string");
  if (error != NULL &&
      (!json_is_object(error) || !json_is_integer(json_object_get(error, "code")) ||
       !json_is_string(json_object_get(error, "message"))))
    return fail(err, err_size, NL_RPC_INVALID_REQUEST,
                "\"error\" must be an object with an integer code and a string message");
  out->result = result;
  out->error = error;
  out->kind = NL_RPC_MSG_RESPONSE;
  return 0;
}

/* The end of the JSON string starting at body[i] == '"' (the index after its closing quote),
 * or len when it does not close. */
static size_t string_end(const char *body, size_t len, size_t i) {
  for (i++; i < len; i++) {
    if (body[i] == '\\')
      i++;
    else if (body[i] == '"')
      return i + 1;
  }
  return len;
}

/* The top-level "id" of a message that is not valid JSON, when it can still be read there:
 * an integer or a string member "id" of the outermost object. New, or NULL. */
static json_t *guess_id(const char *body, size_t len) {
  int depth = 0;
  for (size_t i = 0; i < len; i++) {
    char c = body[i];
    if (c == '{' || c == '[') {
      depth++;
    } else if (c == '}' || c == ']') {
      depth--;
    } else if (c == '"') {
      size_t end = string_end(body, len, i);
      int is_id = depth == 1 && end - i == 4 && memcmp(body + i, "\"id\"", 4) == 0;
      i = end - 1;
      if (!is_id) continue;
      size_t v = end;
      while (v < len && (body[v] == ' ' || body[v] == '\t' || body[v] == '\r' || body[v] == '\n'))
        v++;
      if (v >= len || body[v] != ':') continue;
      v++;
      while (v < len && (body[v] == ' ' || body[v] == '\t' || body[v] == '\r' || body[v] == '\n'))
        v++;
      size_t w = v;
      if (w < len && body[w] == '"')
        w = string_end(body, len, w);
      else
        while (w < len && (body[w] == '-' || (body[w] >= '0' && body[w] <= '9'))) w++;
      json_t *id = w > v ? json_loadb(body + v, w - v, JSON_DECODE_ANY, NULL) : NULL;
      if (valid_id(id)) return id;
      json_decref(id);
      return NULL;
    }
  }
  return NULL;
}

int nl_rpc_parse(const char *body, size_t len, nl_rpc_msg *out, char *err, size_t err_size) {
  memset(out, 0, sizeof(*out));
  if (err != NULL && err_size > 0) err[0] = '\0';
  json_error_t jerr;
  /* DECODE_ANY so that a scalar is reported as an invalid request, as JSON-RPC asks. */
  /* "\u0000" is valid JSON and may stand in a document's text: keep it (lengths, not NULs,
   * delimit strings downstream). */
  out->root = json_loadb(body, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
  if (out->root == NULL) {
    if (err != NULL && err_size > 0)
      snprintf(err, err_size, "parse error: %s at line %d column %d", jerr.text, jerr.line,
               jerr.column);
    /* Where the id can still be read, the error reply can carry it (root owns it). */
    out->root = guess_id(body, len);
    out->id = out->root;
    return NL_RPC_PARSE_ERROR;
  }
  if (!json_is_object(out->root))
    return fail(err, err_size, NL_RPC_INVALID_REQUEST, "message is not a json object");

  json_t *id = json_object_get(out->root, "id");
  if (valid_id(id)) out->id = id; /* known early so even an invalid envelope can be answered */
  json_t *version = json_object_get(out->root, "jsonrpc");
  if (version == NULL)
    return fail(err, err_size, NL_RPC_INVALID_REQUEST, "missing \"jsonrpc\" member");
  if (!json_is_string(version) || strcmp(json_string_value(version), "2.0") != 0)
    return fail(err, err_size, NL_RPC_INVALID_REQUEST, "\"jsonrpc\" must be \"2.0\"");

  json_t *method = json_object_get(out->root, "method");
  int rc = method != NULL ? classify_call(out, method, id, err, err_size)
                          : classify_response(out, id, err, err_size);
  if (rc < 0) {
    out->kind = NL_RPC_MSG_INVALID;
    out->method = NULL;
    out->params = out->result = out->error = NULL;
  } else if (out->kind == NL_RPC_MSG_RESPONSE) {
    out->id = id;
  }
  return rc;
}

void nl_rpc_msg_free(nl_rpc_msg *m) {
  if (m == NULL) return;
  json_decref(m->root);
  memset(m, 0, sizeof(*m));
}

/* A fresh {"jsonrpc":"2.0"} object. */
static json_t *envelope(void) {
  json_t *msg = json_object();
  if (msg == NULL) return NULL;
  if (json_object_set_new(msg, "jsonrpc", json_string("2.0")) < 0) {
    json_decref(msg);
    return NULL;
  }
  return msg;
}

/* Sets key to a deep copy of id (null when NULL); 0 or -1. Copies, not shares, so that a reply
 * never keeps the request tree's refcounts alive across threads. */
static int set_id(json_t *msg, json_t *id) {
  json_t *copy = id != NULL ? json_deep_copy(id) : json_null();
  return json_object_set_new(msg, "id", copy);
}

json_t *nl_rpc_result(json_t *id, json_t *result) {
  if (result == NULL) result = json_null();
  json_t *msg = envelope();
  if (msg == NULL || set_id(msg, id) < 0) {
    json_decref(result);
    json_decref(msg);
    return NULL;
  }
  if (json_object_set_new(msg, "result", result) < 0) { /* steals result even on failure */
    json_decref(msg);
    return NULL;
  }
  return msg;
}

static char *vformat(const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n < 0) return NULL;
  char *s = malloc((size_t)n + 1);
  if (s != NULL) vsnprintf(s, (size_t)n + 1, fmt, ap);
  return s;
}

json_t *nl_rpc_error(json_t *id, int code, const char *fmt, ...) {
  char *text = NULL;
  if (fmt != NULL) {
    va_list ap;
    va_start(ap, fmt);
    text = vformat(fmt, ap);
    va_end(ap);
    if (text == NULL) return NULL;
  }
  /* jansson only takes valid UTF-8; a message that is not falls back to the default one. */
  json_t *message = text != NULL ? json_string(text) : NULL;
  free(text);
  if (message == NULL) message = json_string(nl_rpc_error_message(code));
  json_t *error = json_object();
  if (error == NULL) {
    json_decref(message);
    return NULL;
  }
  if (json_object_set_new(error, "code", json_integer(code)) < 0) {
    json_decref(message);
    json_decref(error);
    return NULL;
  }
  if (json_object_set_new(error, "message", message) < 0) {
    json_decref(error);
    return NULL;
  }
  json_t *msg = envelope();
  if (msg == NULL || set_id(msg, id) < 0) {
    json_decref(error);
    json_decref(msg);
    return NULL;
  }
  if (json_object_set_new(msg, "error", error) < 0) {
    json_decref(msg);
    return NULL;
  }
  return msg;
}

/* Adds method and params (stolen, NULL omits it) to msg; frees everything on failure. */
static json_t *call(json_t *msg, const char *method, json_t *params) {
  if (msg == NULL || json_object_set_new(msg, "method", json_string(method)) < 0) {
    json_decref(params);
    json_decref(msg);
    return NULL;
  }
  if (params != NULL && json_object_set_new(msg, "params", params) < 0) {
    json_decref(msg);
    return NULL;
  }
  return msg;
}

json_t *nl_rpc_request(json_int_t id, const char *method, json_t *params) {
  json_t *msg = envelope();
  if (msg != NULL && json_object_set_new(msg, "id", json_integer(id)) < 0) {
    json_decref(msg);
    msg = NULL;
  }
  return call(msg, method, params);
}

json_t *nl_rpc_notification(const char *method, json_t *params) {
  return call(envelope(), method, params);
}

/* "Content-Length: N\r\n\r\n" then the n bytes of body[0, n) joined from the parts (new). */
static char *frame(const char *const *parts, const size_t *lens, size_t n_parts, size_t *len) {
  size_t body = 0;
  for (size_t i = 0; i < n_parts; i++) body += lens[i];
  char header[64];
  int hlen = snprintf(header, sizeof(header), "Content-Length: %zu\r\n\r\n", body);
  char *out = malloc((size_t)hlen + body + 1);
  if (out == NULL) return NULL;
  memcpy(out, header, (size_t)hlen);
  size_t at = (size_t)hlen;
  for (size_t i = 0; i < n_parts; i++) {
    memcpy(out + at, parts[i], lens[i]);
    at += lens[i];
  }
  out[at] = '\0';
  if (len != NULL) *len = at;
  return out;
}

char *nl_rpc_encode(const json_t *msg, size_t *len) {
  /* JSON_ENSURE_ASCII stays off: LSP bodies are UTF-8 and escaping would only cost bytes. */
  char *json = json_dumps(msg, JSON_COMPACT | JSON_ENCODE_ANY);
  if (json == NULL) return NULL;
  const char *parts[] = {json};
  size_t lens[] = {strlen(json)};
  char *out = frame(parts, lens, 1, len);
  free(json);
  return out;
}

/* msg (stolen) encoded as any message is, with `"key":` and the JSON text value[0, n) spliced in
 * before its closing brace. */
static char *encode_spliced(json_t *msg, const char *key, const char *value, size_t n,
                            size_t *len) {
  if (msg == NULL) return NULL;
  char *json = json_dumps(msg, JSON_COMPACT);
  json_decref(msg);
  if (json == NULL) return NULL;
  const char *parts[] = {json, ",\"", key, "\":", value, "}"};
  size_t lens[] = {strlen(json) - 1, 2, strlen(key), 2, n, 1};
  char *out = frame(parts, lens, 6, len);
  free(json);
  return out;
}

char *nl_rpc_encode_raw_result(json_t *id, const char *result, size_t n, size_t *len) {
  /* The envelope without its result, then the result spliced in. */
  json_t *msg = nl_rpc_result(id, NULL);
  if (msg != NULL) json_object_del(msg, "result");
  return encode_spliced(msg, "result", result, n, len);
}

char *nl_rpc_encode_raw_notification(const char *method, const char *params, size_t n,
                                     size_t *len) {
  return encode_spliced(nl_rpc_notification(method, NULL), "params", params, n, len);
}
