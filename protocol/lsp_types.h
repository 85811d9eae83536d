/* lsp_types.h: LSP structures <-> JSON (Position, Range, Location, TextEdit, Diagnostic), readers
 * for request params that explain exactly what is wrong (for -32602 replies), and file URIs.
 * Positions here are already in the negotiated encoding; see position.h for the conversion. */
#ifndef NL_LSP_TYPES_H
#define NL_LSP_TYPES_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* ---- Builders: all return new values, or NULL when out of memory ---- */

/* {"line":line,"character":character} */
json_t *nl_lsp_position_json(uint32_t line, uint32_t character);
/* {"start":{l1,c1},"end":{l2,c2}} */
json_t *nl_lsp_range_json(uint32_t l1, uint32_t c1, uint32_t l2, uint32_t c2);
/* {"uri":uri,"range":...}; NULL also when uri is not valid UTF-8. */
json_t *nl_lsp_location_json(const char *uri, uint32_t l1, uint32_t c1, uint32_t l2, uint32_t c2);
/* {"range":...,"newText":new_text}; NULL also when new_text is not valid UTF-8. */
json_t *nl_lsp_text_edit_json(uint32_t l1, uint32_t c1, uint32_t l2, uint32_t c2,
                              const char *new_text);

/* A JSON string of s[0, len) with each byte that is not valid UTF-8 replaced by U+FFFD, so text
 * from a note with broken bytes still makes a valid message. NULL only when out of memory. */
json_t *nl_lsp_string_lossy(const char *s, size_t len);

/* ---- Param readers ----
 * Each reads a value at a dotted path ("textDocument.uri") below obj and returns 0, or
 * NL_RPC_INVALID_PARAMS (-32602) with a lowercase message naming the field in full in err, e.g.
 * "params.position.line must be a non-negative integer". The plain functions name the root
 * "params"; the _ex ones take the root's name (e.g. "params.contentChanges[2]", "" for none).
 * Strings are borrowed from obj. */

int nl_lsp_get_string(const json_t *obj, const char *path, const char **out, char *err,
                      size_t err_size);
int nl_lsp_get_string_ex(const json_t *obj, const char *root, const char *path, const char **out,
                         char *err, size_t err_size);
int nl_lsp_get_int(const json_t *obj, const char *path, int64_t *out, char *err, size_t err_size);
int nl_lsp_get_int_ex(const json_t *obj, const char *root, const char *path, int64_t *out,
                      char *err, size_t err_size);

/* A Position {line, character} of non-negative integers (at most UINT32_MAX) at key. */
int nl_lsp_get_position(const json_t *params, const char *key, uint32_t *line,
                        uint32_t *character, char *err, size_t err_size);
int nl_lsp_get_position_ex(const json_t *obj, const char *root, const char *key, uint32_t *line,
                           uint32_t *character, char *err, size_t err_size);
/* A Range {start, end} at key. The order of start and end is not checked. */
int nl_lsp_get_range(const json_t *params, const char *key, uint32_t *l1, uint32_t *c1,
                     uint32_t *l2, uint32_t *c2, char *err, size_t err_size);
int nl_lsp_get_range_ex(const json_t *obj, const char *root, const char *key, uint32_t *l1,
                        uint32_t *c1, uint32_t *l2, uint32_t *c2, char *err, size_t err_size);
/* params.textDocument.uri (borrowed from params), or NULL with the message in err. */
const char *nl_lsp_get_uri(const json_t *params, char *err, size_t err_size);
/* params.textDocument.uri into *uri (borrowed) and the Range at params.range, as a request on
 * a span of a document sends them (codeAction, inlayHint): 0, or NL_RPC_INVALID_PARAMS with
 * the message in err. */
int nl_lsp_get_uri_range(const json_t *params, const char **uri, uint32_t *l1, uint32_t *c1,
                         uint32_t *l2, uint32_t *c2, char *err, size_t err_size);

/* ---- File URIs ---- */

/* The absolute path of a file:// URI ("file:///p", "file://localhost/p" or "file:/p"),
 * percent-decoded, without query or fragment (new, caller frees); NULL for another scheme or
 * host, a relative path, a bad escape or an encoded NUL. */
char *nl_uri_to_path(const char *uri);
/* "file://" + abs_path with every byte except unreserved characters (A-Z a-z 0-9 - . _ ~) and
 * '/' percent-encoded as %XX, the way VS Code writes URIs (new, caller frees); NULL when the path
 * is not absolute or out of memory. */
char *nl_path_to_uri(const char *abs_path);

#endif
