/* test-rpc.c: JSON-RPC envelopes, the error-code table, builders and encoding. */
#include "protocol/frame.h"
#include "protocol/rpc.h"

#include "test.h"

/* The numbers from the LSP 3.17 specification (ErrorCodes and LSPErrorCodes). */
static void test_codes_match_spec(void) {
  ASSERT_EQ(NL_RPC_PARSE_ERROR, -32700);
  ASSERT_EQ(NL_RPC_INVALID_REQUEST, -32600);
  ASSERT_EQ(NL_RPC_METHOD_NOT_FOUND, -32601);
  ASSERT_EQ(NL_RPC_INVALID_PARAMS, -32602);
  ASSERT_EQ(NL_RPC_INTERNAL_ERROR, -32603);
  ASSERT_EQ(NL_RPC_SERVER_NOT_INITIALIZED, -32002);
  ASSERT_EQ(NL_RPC_UNKNOWN_ERROR_CODE, -32001);
  ASSERT_EQ(NL_RPC_REQUEST_FAILED, -32803);
  ASSERT_EQ(NL_RPC_SERVER_CANCELLED, -32802);
  ASSERT_EQ(NL_RPC_CONTENT_MODIFIED, -32801);
  ASSERT_EQ(NL_RPC_REQUEST_CANCELLED, -32800);
}

static void test_code_names(void) {
  static const struct {
    int code;
    const char *name;
  } spec[] = {{-32700, "PARSE_ERROR"},        {-32600, "INVALID_REQUEST"},
              {-32601, "METHOD_NOT_FOUND"},   {-32602, "INVALID_PARAMS"},
              {-32603, "INTERNAL_ERROR"},     {-32002, "SERVER_NOT_INITIALIZED"},
              {-32001, "UNKNOWN_ERROR_CODE"}, {-32803, "REQUEST_FAILED"},
              {-32802, "SERVER_CANCELLED"},   {-32801, "CONTENT_MODIFIED"},
              {-32800, "REQUEST_CANCELLED"}};
  for (size_t i = 0; i < sizeof(spec) / sizeof(spec[0]); i++)
    ASSERT_STR_EQ(nl_rpc_error_name(spec[i].code), spec[i].name);
  ASSERT(nl_rpc_error_name(-1) == NULL);
  ASSERT(nl_rpc_error_name(0) == NULL);
  ASSERT_STR_EQ(nl_rpc_error_message(-32601), "method not found");
  ASSERT_STR_EQ(nl_rpc_error_message(7), "unknown error");
}

static int parse(const char *s, nl_rpc_msg *m, char *err) {
  return nl_rpc_parse(s, strlen(s), m, err, 128);
}

static void test_request(void) {
  nl_rpc_msg m;
  char err[128];
  ASSERT_EQ(parse("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"initialize\",\"params\":{\"a\":1}}",
                  &m, err),
            0);
  ASSERT_EQ(m.kind, NL_RPC_MSG_REQUEST);
  ASSERT_STR_EQ(m.method, "initialize");
  ASSERT(json_is_integer(m.id));
  ASSERT_EQ(json_integer_value(m.id), 7);
  ASSERT(json_is_object(m.params));
  ASSERT(m.result == NULL && m.error == NULL);
  nl_rpc_msg_free(&m);
  ASSERT(m.root == NULL);
  nl_rpc_msg_free(&m); /* twice is harmless */
  nl_rpc_msg_free(NULL);

  ASSERT_EQ(parse("{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"method\":\"shutdown\"}", &m, err), 0);
  ASSERT_EQ(m.kind, NL_RPC_MSG_REQUEST);
  ASSERT_STR_EQ(json_string_value(m.id), "abc");
  ASSERT(m.params == NULL);
  nl_rpc_msg_free(&m);

  ASSERT_EQ(parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\",\"params\":[1,2]}", &m, err), 0);
  ASSERT(json_is_array(m.params));
  nl_rpc_msg_free(&m);
}

static void test_notification(void) {
  nl_rpc_msg m;
  char err[128];
  ASSERT_EQ(parse("{\"method\":\"initialized\",\"jsonrpc\":\"2.0\",\"params\":{}}", &m, err), 0);
  ASSERT_EQ(m.kind, NL_RPC_MSG_NOTIFICATION);
  ASSERT_STR_EQ(m.method, "initialized");
  ASSERT(m.id == NULL);
  nl_rpc_msg_free(&m);
  /* Invalid JSON whose top-level id is still readable: the reply can carry it. */
  ASSERT_EQ(parse("{\"jsonrpc\":\"2.0\",\"params\":{\"id\":1,\"x\":\"\\ud83d\"},\"id\": 42,"
                  "\"method\":\"m\"}", &m, err), NL_RPC_PARSE_ERROR);
  ASSERT(json_is_integer(m.id) && json_integer_value(m.id) == 42);
  nl_rpc_msg_free(&m);
  ASSERT_EQ(parse("{\"id\":\"a\\\"b\",\"method\":", &m, err), NL_RPC_PARSE_ERROR);
  ASSERT_STR_EQ(json_string_value(m.id), "a\"b");
  nl_rpc_msg_free(&m);
  ASSERT_EQ(parse("{\"params\":{\"id\":7},\"method\":}", &m, err), NL_RPC_PARSE_ERROR);
  ASSERT(m.id == NULL); /* only a nested id */
  nl_rpc_msg_free(&m);
  ASSERT_EQ(parse("{\"id\":{},", &m, err), NL_RPC_PARSE_ERROR);
  ASSERT(m.id == NULL);
  nl_rpc_msg_free(&m);
  /* A NUL inside a string is valid JSON and is kept. */
  ASSERT_EQ(parse("{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"params\":{\"t\":\"a\\u0000b\"}}", &m,
                  err), 0);
  ASSERT_EQ(json_string_length(json_object_get(m.params, "t")), 3);
  nl_rpc_msg_free(&m);
  /* "params": null is taken as no params (clients send it with exit and shutdown). */
  ASSERT_EQ(parse("{\"jsonrpc\":\"2.0\",\"method\":\"exit\",\"params\":null}", &m, err), 0);
  ASSERT_EQ(m.kind, NL_RPC_MSG_NOTIFICATION);
  ASSERT(m.params == NULL);
  nl_rpc_msg_free(&m);
}

static void test_response(void) {
  nl_rpc_msg m;
  char err[128];
  ASSERT_EQ(parse("{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":null}", &m, err), 0);
  ASSERT_EQ(m.kind, NL_RPC_MSG_RESPONSE);
  ASSERT(json_is_null(m.result));
  ASSERT_EQ(json_integer_value(m.id), 3);
  nl_rpc_msg_free(&m);

  ASSERT_EQ(parse("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"x\"}}",
                  &m, err),
            0);
  ASSERT_EQ(m.kind, NL_RPC_MSG_RESPONSE);
  ASSERT(json_is_null(m.id));
  ASSERT(json_is_object(m.error));
  nl_rpc_msg_free(&m);
}

/* Each invalid envelope with the message and whether the id survives for the error reply. */
static void test_invalid(void) {
  static const struct {
    const char *in;
    int rc;
    const char *msg;
    int has_id;
  } cases[] = {
      {"{\"jsonrpc\":\"2.0\",", NL_RPC_PARSE_ERROR, NULL, 0},
      {"", NL_RPC_PARSE_ERROR, NULL, 0},
      {"{\"a\":1} x", NL_RPC_PARSE_ERROR, NULL, 0},
      {"[1,2]", NL_RPC_INVALID_REQUEST, "message is not a json object", 0},
      {"42", NL_RPC_INVALID_REQUEST, "message is not a json object", 0},
      {"{\"id\":4,\"method\":\"m\"}", NL_RPC_INVALID_REQUEST, "missing \"jsonrpc\" member", 1},
      {"{\"jsonrpc\":\"1.0\",\"id\":5,\"method\":\"m\"}", NL_RPC_INVALID_REQUEST,
       "\"jsonrpc\" must be \"2.0\"", 1},
      {"{\"jsonrpc\":2,\"id\":\"s\",\"method\":\"m\"}", NL_RPC_INVALID_REQUEST,
       "\"jsonrpc\" must be \"2.0\"", 1},
      {"{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"m\"}", NL_RPC_INVALID_REQUEST,
       "\"id\" must be an integer or a string", 0},
      {"{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"m\"}", NL_RPC_INVALID_REQUEST,
       "\"id\" must be an integer or a string", 0},
      {"{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"m\"}", NL_RPC_INVALID_REQUEST,
       "\"id\" must be an integer or a string", 0},
      {"{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":3}", NL_RPC_INVALID_REQUEST,
       "\"method\" must be a string", 1},
      {"{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"m\",\"params\":\"p\"}", NL_RPC_INVALID_REQUEST,
       "\"params\" must be an object or an array", 1},
      {"{\"jsonrpc\":\"2.0\",\"id\":9}", NL_RPC_INVALID_REQUEST,
       "message has no method, result or error", 1},
      {"{\"jsonrpc\":\"2.0\",\"result\":1}", NL_RPC_INVALID_REQUEST, "response has no \"id\"", 0},
      {"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1,\"error\":{}}", NL_RPC_INVALID_REQUEST,
       "response has both result and error", 1},
      {"{\"jsonrpc\":\"2.0\",\"id\":null,\"result\":1}", NL_RPC_INVALID_REQUEST,
       "\"id\" must be an integer or a string", 0},
      {"{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":\"x\",\"message\":\"m\"}}",
       NL_RPC_INVALID_REQUEST,
       "\"error\" must be an object with an integer code and a string message", 1},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    nl_rpc_msg m;
    char err[128];
    int rc = parse(cases[i].in, &m, err);
    if (rc != cases[i].rc) fprintf(stderr, "case %zu: %s\n", i, cases[i].in);
    ASSERT_EQ(rc, cases[i].rc);
    ASSERT_EQ(m.kind, NL_RPC_MSG_INVALID);
    ASSERT(m.method == NULL && m.params == NULL && m.result == NULL);
    if (cases[i].msg != NULL) ASSERT_STR_EQ(err, cases[i].msg);
    else ASSERT(strncmp(err, "parse error", 11) == 0);
    ASSERT_EQ(m.id != NULL, cases[i].has_id);
    nl_rpc_msg_free(&m);
  }
}

static char *dump(const json_t *v) { return json_dumps(v, JSON_COMPACT); }

static void check_json(json_t *v, const char *want, int *ok) {
  char *s = dump(v);
  *ok = s != NULL && strcmp(s, want) == 0;
  if (!*ok) fprintf(stderr, "got  %s\nwant %s\n", s ? s : "(null)", want);
  free(s);
  json_decref(v);
}

static void test_builders(void) {
  int ok;
  json_t *id = json_integer(12);
  check_json(nl_rpc_result(id, json_pack("{s:i}", "x", 1)),
             "{\"jsonrpc\":\"2.0\",\"id\":12,\"result\":{\"x\":1}}", &ok);
  ASSERT(ok);
  check_json(nl_rpc_result(id, NULL), "{\"jsonrpc\":\"2.0\",\"id\":12,\"result\":null}", &ok);
  ASSERT(ok);
  ASSERT_EQ(id->refcount, 1); /* copied, not shared */
  json_decref(id);

  json_t *sid = json_string("r-1");
  check_json(nl_rpc_error(sid, NL_RPC_METHOD_NOT_FOUND, "unhandled method %s", "foo/bar"),
             "{\"jsonrpc\":\"2.0\",\"id\":\"r-1\",\"error\":{\"code\":-32601,"
             "\"message\":\"unhandled method foo/bar\"}}",
             &ok);
  ASSERT(ok);
  json_decref(sid);
  check_json(nl_rpc_error(NULL, NL_RPC_PARSE_ERROR, NULL),
             "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,"
             "\"message\":\"parse error\"}}",
             &ok);
  ASSERT(ok);
  /* A message that is not UTF-8 falls back to the default text instead of failing. */
  check_json(nl_rpc_error(NULL, NL_RPC_INTERNAL_ERROR, "bad \xff byte"),
             "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32603,"
             "\"message\":\"internal error\"}}",
             &ok);
  ASSERT(ok);
  check_json(nl_rpc_request(5, "workspace/configuration", json_pack("{s:[]}", "items")),
             "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"workspace/configuration\","
             "\"params\":{\"items\":[]}}",
             &ok);
  ASSERT(ok);
  check_json(nl_rpc_notification("exit", NULL), "{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}", &ok);
  ASSERT(ok);
  ASSERT(nl_rpc_notification(NULL, json_object()) == NULL); /* params freed, ASan checks */
}

static void test_encode(void) {
  json_t *msg = nl_rpc_notification(
      "window/logMessage", json_pack("{s:s}", "message", "Zo\xC3\xAB \xE7\x8E\x8B / \xF0\x9F\x98\x80"));
  size_t len = 0;
  char *out = nl_rpc_encode(msg, &len);
  ASSERT(out != NULL);
  const char *want_body = "{\"jsonrpc\":\"2.0\",\"method\":\"window/logMessage\",\"params\":"
                          "{\"message\":\"Zo\xC3\xAB \xE7\x8E\x8B / \xF0\x9F\x98\x80\"}}";
  char want[256];
  int n = snprintf(want, sizeof(want), "Content-Length: %zu\r\n\r\n%s", strlen(want_body), want_body);
  ASSERT_EQ(len, n);
  ASSERT_STR_EQ(out, want);

  /* What we encode, the framer and the parser read back. */
  nl_frame *f = nl_frame_new(1024);
  ASSERT_EQ(nl_frame_feed(f, out, len), 0);
  const char *body;
  size_t blen;
  ASSERT_EQ(nl_frame_next(f, &body, &blen, NULL, 0), 1);
  nl_rpc_msg m;
  ASSERT_EQ(nl_rpc_parse(body, blen, &m, NULL, 0), 0);
  ASSERT_EQ(m.kind, NL_RPC_MSG_NOTIFICATION);
  ASSERT(json_equal(m.root, msg));
  nl_rpc_msg_free(&m);
  nl_frame_free(f);
  free(out);
  json_decref(msg);
}

static void test_encode_nul_in_string(void) {
  json_t *msg = json_pack("{s:s#}", "t", "a\0b", (size_t)3);
  size_t len;
  char *out = nl_rpc_encode(msg, &len);
  ASSERT(out != NULL);
  ASSERT_STR_EQ(out, "Content-Length: 16\r\n\r\n{\"t\":\"a\\u0000b\"}");
  ASSERT_EQ(len, strlen(out));
  free(out);
  json_decref(msg);
}

/* A result given as JSON text: the same message, byte for byte, as the result encoded from a
 * tree, for an integer, a string and a missing id. */
static void test_encode_raw_result(void) {
  const char *text = "[{\"uri\":\"file:///a%20b.md\",\"n\":[1,2]},\"Zo\xC3\xAB\"]";
  json_t *ids[] = {json_integer(42), json_string("x\"y"), NULL};
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
    json_t *msg = nl_rpc_result(ids[i], json_loads(text, 0, NULL));
    size_t want_len = 0, len = 0;
    char *want = nl_rpc_encode(msg, &want_len);
    char *out = nl_rpc_encode_raw_result(ids[i], text, strlen(text), &len);
    ASSERT(want != NULL && out != NULL);
    ASSERT_EQ(len, want_len);
    ASSERT_STR_EQ(out, want);
    free(want);
    free(out);
    json_decref(msg);
    json_decref(ids[i]);
  }
}

int main(void) {
  RUN(test_codes_match_spec);
  RUN(test_code_names);
  RUN(test_request);
  RUN(test_notification);
  RUN(test_response);
  RUN(test_invalid);
  RUN(test_builders);
  RUN(test_encode);
  RUN(test_encode_nul_in_string);
  RUN(test_encode_raw_result);
  return NL_TEST_DONE();
}
