/* lsp_types.c: LSP types <-> JSON, param readers and file URIs; see lsp_types.h. */
#include "protocol/lsp_types.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "protocol/percent.h"
#include "protocol/position.h"
#include "protocol/rpc.h"
#include "protocol/utf8.h"

/* ---- Builders ---- */

json_t *nl_lsp_position_json(uint32_t line, uint32_t character) {
  return json_pack("{s:I,s:I}", "line", (json_int_t)line, "character", (json_int_t)character);
}

json_t *nl_lsp_range_json(uint32_t l1, uint32_t c1, uint32_t l2, uint32_t c2) {
  /* "o" steals, and json_pack frees what it stole when it fails, so nothing leaks here. */
  return json_pack("{s:o,s:o}", "start", nl_lsp_position_json(l1, c1), "end",
                   nl_lsp_position_json(l2, c2));
}

json_t *nl_lsp_location_json(const char *uri, uint32_t l1, uint32_t c1, uint32_t l2, uint32_t c2) {
  return json_pack("{s:s,s:o}", "uri", uri, "range", nl_lsp_range_json(l1, c1, l2, c2));
}

json_t *nl_lsp_text_edit_json(uint32_t l1, uint32_t c1, uint32_t l2, uint32_t c2,
                              const char *new_text) {
  return json_pack("{s:o,s:s}", "range", nl_lsp_range_json(l1, c1, l2, c2), "newText", new_text);
}

/* ---- Param readers ---- */

static int fail_at(char *err, size_t err_size, const char *root, const char *path, size_t n,
                   const char *what) {
  if (err != NULL && err_size > 0)
    snprintf(err, err_size, "%s%s%.*s %s", root, root[0] && n ? "." : "", (int)n, path, what);
  return NL_RPC_INVALID_PARAMS;
}

/* Walks the dotted path below obj. Returns the value, or NULL with err set: a missing member or
 * an intermediate value that is not an object is named up to where the walk stopped. */
static const json_t *lookup(const json_t *obj, const char *root, const char *path, char *err,
                            size_t err_size) {
  size_t done = 0; /* bytes of path walked so far */
  if (!json_is_object(obj)) {
    fail_at(err, err_size, root, path, 0, "must be an object");
    return NULL;
  }
  for (;;) {
    const char *seg = path + done;
    const char *dot = strchr(seg, '.');
    size_t seg_len = dot ? (size_t)(dot - seg) : strlen(seg);
    const json_t *v = json_object_getn(obj, seg, seg_len);
    size_t upto = done + seg_len;
    if (v == NULL) {
      fail_at(err, err_size, root, path, upto, "is missing");
      return NULL;
    }
    if (dot == NULL) return v;
    if (!json_is_object(v)) {
      fail_at(err, err_size, root, path, upto, "must be an object");
      return NULL;
    }
    obj = v;
    done = upto + 1;
  }
}

int nl_lsp_get_string_ex(const json_t *obj, const char *root, const char *path, const char **out,
                         char *err, size_t err_size) {
  const json_t *v = lookup(obj, root, path, err, err_size);
  if (v == NULL) return NL_RPC_INVALID_PARAMS;
  if (!json_is_string(v)) return fail_at(err, err_size, root, path, strlen(path), "must be a string");
  *out = json_string_value(v);
  return 0;
}

int nl_lsp_get_string(const json_t *obj, const char *path, const char **out, char *err,
                      size_t err_size) {
  return nl_lsp_get_string_ex(obj, "params", path, out, err, err_size);
}

int nl_lsp_get_int_ex(const json_t *obj, const char *root, const char *path, int64_t *out,
                      char *err, size_t err_size) {
  const json_t *v = lookup(obj, root, path, err, err_size);
  if (v == NULL) return NL_RPC_INVALID_PARAMS;
  if (!json_is_integer(v))
    return fail_at(err, err_size, root, path, strlen(path), "must be an integer");
  *out = (int64_t)json_integer_value(v);
  return 0;
}

int nl_lsp_get_int(const json_t *obj, const char *path, int64_t *out, char *err, size_t err_size) {
  return nl_lsp_get_int_ex(obj, "params", path, out, err, err_size);
}

/* Reads a uinteger member of a Position named key_name for the message. */
static int get_uint(const json_t *pos, const char *member, const char *root, const char *key,
                    uint32_t *out, char *err, size_t err_size) {
  const json_t *v = json_object_get(pos, member);
  if (v != NULL && json_is_integer(v) && json_integer_value(v) >= 0 &&
      (uint64_t)json_integer_value(v) <= UINT32_MAX) {
    *out = (uint32_t)json_integer_value(v);
    return 0;
  }
  char name[256]; /* for the message only: every keystroke reads four of these */
  snprintf(name, sizeof(name), "%s.%s", key, member);
  return fail_at(err, err_size, root, name, strlen(name),
                 v == NULL ? "is missing" : "must be a non-negative integer");
}

int nl_lsp_get_position_ex(const json_t *obj, const char *root, const char *key, uint32_t *line,
                           uint32_t *character, char *err, size_t err_size) {
  const json_t *pos = lookup(obj, root, key, err, err_size);
  if (pos == NULL) return NL_RPC_INVALID_PARAMS;
  if (!json_is_object(pos)) return fail_at(err, err_size, root, key, strlen(key), "must be an object");
  uint32_t l, c;
  if (get_uint(pos, "line", root, key, &l, err, err_size) < 0 ||
      get_uint(pos, "character", root, key, &c, err, err_size) < 0)
    return NL_RPC_INVALID_PARAMS;
  *line = l;
  *character = c;
  return 0;
}

int nl_lsp_get_position(const json_t *params, const char *key, uint32_t *line,
                        uint32_t *character, char *err, size_t err_size) {
  return nl_lsp_get_position_ex(params, "params", key, line, character, err, err_size);
}

int nl_lsp_get_range_ex(const json_t *obj, const char *root, const char *key, uint32_t *l1,
                        uint32_t *c1, uint32_t *l2, uint32_t *c2, char *err, size_t err_size) {
  char start[256], end[256];
  snprintf(start, sizeof(start), "%s.start", key);
  snprintf(end, sizeof(end), "%s.end", key);
  const json_t *range = lookup(obj, root, key, err, err_size);
  if (range == NULL) return NL_RPC_INVALID_PARAMS;
  if (!json_is_object(range))
    return fail_at(err, err_size, root, key, strlen(key), "must be an object");
  uint32_t a, b, c, d;
  if (nl_lsp_get_position_ex(obj, root, start, &a, &b, err, err_size) < 0 ||
      nl_lsp_get_position_ex(obj, root, end, &c, &d, err, err_size) < 0)
    return NL_RPC_INVALID_PARAMS;
  *l1 = a, *c1 = b, *l2 = c, *c2 = d;
  return 0;
}

int nl_lsp_get_range(const json_t *params, const char *key, uint32_t *l1, uint32_t *c1,
                     uint32_t *l2, uint32_t *c2, char *err, size_t err_size) {
  return nl_lsp_get_range_ex(params, "params", key, l1, c1, l2, c2, err, err_size);
}

const char *nl_lsp_get_uri(const json_t *params, char *err, size_t err_size) {
  const char *uri = NULL;
  if (nl_lsp_get_string(params, "textDocument.uri", &uri, err, err_size) < 0) return NULL;
  return uri;
}

int nl_lsp_get_uri_range(const json_t *params, const char **uri, uint32_t *l1, uint32_t *c1,
                         uint32_t *l2, uint32_t *c2, char *err, size_t err_size) {
  *uri = nl_lsp_get_uri(params, err, err_size);
  if (*uri == NULL) return NL_RPC_INVALID_PARAMS;
  return nl_lsp_get_range(params, "range", l1, c1, l2, c2, err, err_size);
}

/* ---- File URIs ---- */

char *nl_uri_to_path(const char *uri) {
  if (uri == NULL || strncasecmp(uri, "file:", 5) != 0) return NULL;
  const char *p = uri + 5;
  if (p[0] == '/' && p[1] == '/') {
    const char *host = p + 2;
    const char *slash = strchr(host, '/');
    size_t host_len = slash ? (size_t)(slash - host) : strlen(host);
    /* A remote host (UNC share) has no local path. */
    if (host_len != 0 && !(host_len == 9 && strncasecmp(host, "localhost", 9) == 0)) return NULL;
    p = host + host_len;
  }
  if (*p != '/') return NULL;
  size_t n = strcspn(p, "?#"); /* query and fragment are not part of the path */
  char *out = malloc(n + 1);
  if (out == NULL) return NULL;
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    if (p[i] != '%') {
      out[o++] = p[i];
      continue;
    }
    int hi = i + 1 < n ? nl_hex_value((unsigned char)p[i + 1]) : -1;
    int lo = i + 2 < n ? nl_hex_value((unsigned char)p[i + 2]) : -1;
    if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
      free(out);
      return NULL;
    }
    out[o++] = (char)(hi * 16 + lo);
    i += 2;
  }
  out[o] = '\0';
  return out;
}

static int unreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

static int uri_keeps(unsigned char c) { return unreserved(c) || c == '/'; }

char *nl_path_to_uri(const char *abs_path) {
  static const char scheme[] = "file://";
  if (abs_path == NULL || abs_path[0] != '/') return NULL;
  char *path = nl_percent_encode(abs_path, strlen(abs_path), uri_keeps);
  if (path == NULL) return NULL;
  size_t n = strlen(path);
  char *out = malloc(sizeof(scheme) + n);
  if (out != NULL) {
    memcpy(out, scheme, sizeof(scheme) - 1);
    memcpy(out + sizeof(scheme) - 1, path, n + 1);
  }
  free(path);
  return out;
}

json_t *nl_lsp_string_lossy(const char *s, size_t len) {
  json_t *j = json_stringn(s, len);
  if (j != NULL || len == 0) return j;
  char *buf = malloc(len * 3 + 1);
  if (buf == NULL) return NULL;
  size_t o = 0;
  for (size_t i = 0; i < len;) {
    uint32_t cp;
    size_t n = nl_utf8_decode(s + i, len - i, &cp);
    if (n == 0) {
      memcpy(buf + o, "\xEF\xBF\xBD", 3);
      o += 3;
      i++;
      continue;
    }
    memcpy(buf + o, s + i, n);
    o += n;
    i += n;
  }
  j = json_stringn(buf, o);
  free(buf);
  return j;
}
