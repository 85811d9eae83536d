/* fuzz-code-action.c: libFuzzer target for the code-action edit builder (lsp/features/).
 * The input is an open note; "Accept all proposed tasks" (notes-lsp.acceptAllProposedTasks)
 * builds its WorkspaceEdit through the same path as every task action. Checked: every edit
 * stays on one line that the parse read as a task; applying the edits keeps every other line
 * byte for byte and the number of lines; asking again on the result proposes no edit (applying
 * twice is a no-op). */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "lsp/features/features.h"
#include "lsp/index/config.h"
#include "protocol/lsp_types.h"
#include "protocol/position.h"

#define CHECK(cond)                                                                    \
  do {                                                                                 \
    if (!(cond)) {                                                                     \
      fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond);     \
      abort();                                                                         \
    }                                                                                  \
  } while (0)

#define ABS "/fuzz-vault/Note.md"

static nl_workspace *ws;
static nl_docs *docs;
static nl_client_caps caps;
static json_t *captured; /* the last edit the feature asked the client to apply */

static void capture(const nl_ctx *ctx, const char *label, json_t *edit) {
  json_decref(captured);
  captured = edit;
}

static void setup(void) {
  static uv_loop_t loop;
  uv_loop_init(&loop);
  nl_config *cfg = nl_config_new(); /* lives as long as the process */
  ws = nl_ws_new(&loop, cfg);
  docs = nl_docs_new();
  CHECK(ws != NULL && docs != NULL && nl_ws_add_root(ws, "/fuzz-vault") == 0);
}

/* Opens text as the note and asks for accept-all; returns the edits array (new) or NULL. */
static json_t *accept_all(const char *uri, const char *text, size_t len, int64_t version) {
  nl_docs_open(docs, uri, version, text, len);
  CHECK(nl_ws_update(ws, ABS, text, len, 1) != NULL);
  nl_ctx ctx = {.ws = ws, .docs = docs, .enc = NL_ENC_UTF8, .today = 20407, .caps = &caps,
                .apply_edit = capture};
  json_t *params = json_pack("{s:s,s:[s]}", "command", "notes-lsp.acceptAllProposedTasks",
                             "arguments", uri);
  json_t *result = NULL;
  char err[256];
  captured = NULL;
  int rc = nl_feature_execute_command(&ctx, params, &result, err, sizeof err);
  json_decref(params);
  json_decref(result);
  CHECK(rc == 0);
  json_t *edits = captured ? json_incref(json_object_get(json_object_get(captured, "changes"), uri))
                           : NULL;
  json_decref(captured);
  captured = NULL;
  return edits;
}

static int is_task_line(const nl_note *n, uint32_t line) {
  for (size_t i = 0; i < n->n_tasks; i++)
    if (n->tasks[i].line == line) return 1;
  return 0;
}

static int by_start_desc(const void *a, const void *b) {
  const size_t *x = a, *y = b;
  return x[0] < y[0] ? 1 : x[0] > y[0] ? -1 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (ws == NULL) setup();
  if (size > 16384 || memchr(data, '\0', size) != NULL) return 0;
  static int64_t version;
  char *uri = nl_path_to_uri(ABS);
  const char *text = (const char *)data;
  json_t *edits = accept_all(uri, text, size, ++version);
  if (edits == NULL || json_array_size(edits) == 0) {
    json_decref(edits);
    free(uri);
    return 0;
  }
  const nl_note *note = nl_ws_by_path(ws, ABS)->note;
  nl_lines lines;
  CHECK(nl_lines_init(&lines, text, size) == 0);
  size_t n = json_array_size(edits);
  size_t(*spans)[3] = calloc(n, sizeof *spans);
  CHECK(spans != NULL);
  for (size_t i = 0; i < n; i++) {
    const json_t *ed = json_array_get(edits, i);
    const json_t *r = json_object_get(ed, "range");
    uint32_t l1 = (uint32_t)json_integer_value(json_object_get(json_object_get(r, "start"), "line"));
    uint32_t c1 =
        (uint32_t)json_integer_value(json_object_get(json_object_get(r, "start"), "character"));
    uint32_t l2 = (uint32_t)json_integer_value(json_object_get(json_object_get(r, "end"), "line"));
    uint32_t c2 =
        (uint32_t)json_integer_value(json_object_get(json_object_get(r, "end"), "character"));
    CHECK(l1 == l2 && c1 <= c2);
    CHECK(is_task_line(note, l1));
    CHECK(json_is_string(json_object_get(ed, "newText")));
    CHECK(strchr(json_string_value(json_object_get(ed, "newText")), '\n') == NULL);
    spans[i][0] = nl_lines_offset(&lines, NL_ENC_UTF8, l1, c1);
    spans[i][1] = nl_lines_offset(&lines, NL_ENC_UTF8, l2, c2);
    spans[i][2] = i;
    CHECK(spans[i][1] <= nl_lines_line_end(&lines, l1));
  }
  /* Apply from the end so earlier offsets stay valid; edits must not overlap. */
  qsort(spans, n, sizeof *spans, by_start_desc);
  size_t cap = size + 1;
  for (size_t i = 0; i < n; i++)
    cap += strlen(json_string_value(json_object_get(json_array_get(edits, spans[i][2]), "newText")));
  char *out = malloc(cap);
  CHECK(out != NULL);
  memcpy(out, text, size);
  size_t len = size;
  size_t limit = SIZE_MAX;
  for (size_t i = 0; i < n; i++) {
    CHECK(spans[i][1] <= limit);
    limit = spans[i][0];
    const char *nt = json_string_value(json_object_get(json_array_get(edits, spans[i][2]), "newText"));
    size_t nl = strlen(nt);
    memmove(out + spans[i][0] + nl, out + spans[i][1], len - spans[i][1]);
    memcpy(out + spans[i][0], nt, nl);
    len = len - (spans[i][1] - spans[i][0]) + nl;
  }
  /* Every line that is not an edited task line is unchanged, and no line came or went. */
  nl_lines after;
  CHECK(nl_lines_init(&after, out, len) == 0);
  CHECK(after.n_lines == lines.n_lines);
  for (size_t l = 0; l < lines.n_lines; l++) {
    if (is_task_line(note, (uint32_t)l)) continue;
    size_t a0 = nl_lines_line_start(&lines, l), a1 = nl_lines_line_end(&lines, l);
    size_t b0 = nl_lines_line_start(&after, l), b1 = nl_lines_line_end(&after, l);
    CHECK(a1 - a0 == b1 - b0 && memcmp(text + a0, out + b0, a1 - a0) == 0);
  }
  /* Applying twice is a no-op: the accepted note proposes nothing more. */
  json_t *again = accept_all(uri, out, len, ++version);
  CHECK(again == NULL || json_array_size(again) == 0);
  json_decref(again);
  nl_lines_free(&after);
  nl_lines_free(&lines);
  free(out);
  free(spans);
  json_decref(edits);
  free(uri);
  return 0;
}
