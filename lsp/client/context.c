#include "lsp/client/context.h"

#include <stdlib.h>
#include <string.h>

#include "lsp/note/columns.h"
#include "protocol/lsp_types.h"
#include "protocol/rpc.h"

/* Note positions p[0, n) in the client's units. An open note converts with its document's
 * text; a closed one with the columns its parse keeps (lsp/note/columns.h), and only a
 * position the parse does not know makes the file be read (once per call). */
static void to_lsp(const nl_ctx *ctx, const nl_entry *e, const nl_bpos *p, size_t n,
                   uint32_t *line, uint32_t *character) {
  nl_doc *doc = ctx->docs != NULL ? nl_docs_get(ctx->docs, e->uri) : NULL;
  nl_text t;
  int loaded = 0, ok = 0;
  if (doc != NULL) {
    nl_text_of_doc(&t, doc);
    loaded = ok = 1;
  }
  for (size_t i = 0; i < n; i++) {
    line[i] = p[i].line;
    character[i] = p[i].col;
    if (!loaded && e->note != NULL && nl_columns_units(e->note, ctx->enc, p[i], &character[i]) == 0)
      continue;
    if (!loaded) {
      ok = nl_text_load(&t, ctx->docs, e) == 0;
      loaded = 1;
    }
    if (ok) nl_text_units(&t, ctx->enc, p[i], &line[i], &character[i]);
  }
  if (loaded) nl_text_free(&t);
}

json_t *nl_ctx_position_json(const nl_ctx *ctx, const nl_entry *e, nl_bpos p) {
  uint32_t l, c;
  to_lsp(ctx, e, &p, 1, &l, &c);
  return nl_lsp_position_json(l, c);
}

json_t *nl_ctx_range_json(const nl_ctx *ctx, const nl_entry *e, nl_brange r) {
  nl_bpos p[2] = {r.start, r.end};
  uint32_t l[2], c[2];
  to_lsp(ctx, e, p, 2, l, c);
  return nl_lsp_range_json(l[0], c[0], l[1], c[1]);
}

json_t *nl_ctx_text_range_json(const nl_ctx *ctx, const nl_text *t, nl_brange r) {
  uint32_t l1, c1, l2, c2;
  nl_text_units(t, ctx->enc, r.start, &l1, &c1);
  nl_text_units(t, ctx->enc, r.end, &l2, &c2);
  return nl_lsp_range_json(l1, c1, l2, c2);
}

json_t *nl_ctx_location_json(const nl_ctx *ctx, const nl_entry *e, nl_brange r) {
  return json_pack("{s:s,s:o}", "uri", e->uri, "range", nl_ctx_range_json(ctx, e, r));
}

/* ---- answers written as text ------------------------------------------------------------ */

/* Appends v in decimal. */
static void add_u32(nl_buf *b, uint32_t v) {
  char d[10];
  size_t n = 0;
  do d[sizeof d - ++n] = (char)('0' + v % 10);
  while ((v /= 10) != 0);
  nl_buf_add(b, d + sizeof d - n, n);
}

/* Appends s[0, n) as a JSON string, escaped as jansson's encoder does ('"', '\\' and control
 * characters, NUL among them; UTF-8 kept as is). */
static void add_json_string(nl_buf *b, const char *s, size_t n) {
  static const char hex[] = "0123456789ABCDEF";
  nl_buf_add(b, "\"", 1);
  const char *run = s, *end = s + n;
  for (; s < end; s++) {
    unsigned char c = (unsigned char)*s;
    if (c != '"' && c != '\\' && c >= 0x20) continue;
    nl_buf_add(b, run, (size_t)(s - run));
    char esc[6] = {'\\', (char)c, 0, 0, 0, 0};
    size_t el = 2;
    if (c < 0x20) {
      /* jansson's short escapes: \b \t \n, \f \r; any other control character as \u00XX */
      static const char named[] = "btn\0fr";
      if (c >= '\b' && c <= '\r' && named[c - '\b'] != '\0') {
        esc[1] = named[c - '\b'];
      } else {
        memcpy(esc + 1, "u00", 3);
        esc[4] = hex[c >> 4];
        esc[5] = hex[c & 15];
        el = 6;
      }
    }
    nl_buf_add(b, esc, el);
    run = s + 1;
  }
  nl_buf_add(b, run, (size_t)(end - run));
  nl_buf_add(b, "\"", 1);
}

/* {"uri":...,"range":{"start":{"line":l1,"character":c1},"end":{...}}}, the key order of
 * nl_lsp_location_json. */
static void add_location(nl_buf *b, const char *uri, uint32_t l1, uint32_t c1, uint32_t l2,
                         uint32_t c2) {
  nl_buf_adds(b, "{\"uri\":");
  add_json_string(b, uri, strlen(uri));
  nl_buf_adds(b, ",\"range\":");
  nl_ctx_range_text(b, l1, c1, l2, c2);
  nl_buf_adds(b, "}");
}

void nl_ctx_range_text(nl_buf *b, uint32_t l1, uint32_t c1, uint32_t l2, uint32_t c2) {
  nl_buf_adds(b, "{\"start\":{\"line\":");
  add_u32(b, l1);
  nl_buf_adds(b, ",\"character\":");
  add_u32(b, c1);
  nl_buf_adds(b, "},\"end\":{\"line\":");
  add_u32(b, l2);
  nl_buf_adds(b, ",\"character\":");
  add_u32(b, c2);
  nl_buf_adds(b, "}}");
}

void nl_ctx_u32_text(nl_buf *b, uint32_t v) { add_u32(b, v); }

void nl_ctx_location_text(const nl_ctx *ctx, nl_buf *b, const nl_entry *e, nl_brange r) {
  nl_bpos p[2] = {r.start, r.end};
  uint32_t l[2], c[2];
  to_lsp(ctx, e, p, 2, l, c);
  add_location(b, e->uri, l[0], c[0], l[1], c[1]);
}

void nl_ctx_span_location_text(const nl_ctx *ctx, nl_buf *b, const nl_entry *e, nl_bpos start,
                               uint32_t lead, const char *bytes, size_t n) {
  uint32_t l, c;
  to_lsp(ctx, e, &start, 1, &l, &c);
  uint64_t end = (uint64_t)c + lead + nl_col_to_units(bytes, n, n, ctx->enc);
  add_location(b, e->uri, l, c, l, end > UINT32_MAX ? UINT32_MAX : (uint32_t)end);
}

void nl_ctx_string_text(nl_buf *b, const char *s) { add_json_string(b, s, strlen(s)); }

void nl_ctx_string_text_len(nl_buf *b, const char *s, size_t n) { add_json_string(b, s, n); }

void nl_ctx_text_range_text(const nl_ctx *ctx, nl_buf *b, const nl_text *t, nl_brange r) {
  uint32_t l1, c1, l2, c2;
  nl_text_units(t, ctx->enc, r.start, &l1, &c1);
  nl_text_units(t, ctx->enc, r.end, &l2, &c2);
  nl_ctx_range_text(b, l1, c1, l2, c2);
}

void nl_ctx_top_location_text(nl_buf *b, const char *uri) { add_location(b, uri, 0, 0, 0, 0); }

int nl_ctx_raw_result(nl_buf *b, json_t **result) {
  size_t len = b->len;
  char *text = nl_buf_take(b);
  *result = text != NULL ? json_stringn_nocheck(text, len) : NULL;
  free(text);
  if (*result != NULL) return NL_CTX_RAW_RESULT;
  *result = json_null();
  return 0;
}

int nl_ctx_result_tree(int rc, json_t **result) {
  if (rc != NL_CTX_RAW_RESULT) return rc;
  json_t *v =
      json_loadb(json_string_value(*result), json_string_length(*result), JSON_DECODE_ANY, NULL);
  json_decref(*result);
  *result = v;
  return v != NULL ? 0 : NL_RPC_INTERNAL_ERROR;
}

nl_bpos nl_ctx_bpos(const nl_ctx *ctx, const nl_doc *doc, uint32_t line, uint32_t character) {
  nl_text t;
  nl_text_of_doc(&t, doc);
  return nl_text_bpos(&t, ctx->enc, line, character);
}
