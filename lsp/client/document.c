/* document.c: open documents and incremental edits; see document.h. */
#include "lsp/client/document.h"
#include "lsp/base/error.h"
#include "lsp/base/hash.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol/lsp_types.h"
#include "protocol/rpc.h"

/* Open addressing with linear probing and backward-shift deletion (no tombstones). Documents are
 * allocated one by one so their pointers survive a rehash. */
struct nl_docs {
  nl_doc **slots;
  size_t cap; /* a power of two, or 0 */
  size_t count;
};

static uint64_t uri_hash(const char *uri) {
  return nl_hash_bytes(NL_HASH_INIT, uri, strlen(uri));
}

nl_docs *nl_docs_new(void) { return calloc(1, sizeof(nl_docs)); }

static void doc_free(nl_doc *doc) {
  if (doc == NULL) return;
  free(doc->uri);
  free(doc->text);
  nl_lines_free(&doc->lines);
  nl_note_blocks_free(&doc->blocks);
  free(doc);
}

void nl_docs_free(nl_docs *docs) {
  if (docs == NULL) return;
  for (size_t i = 0; i < docs->cap; i++) doc_free(docs->slots[i]);
  free(docs->slots);
  free(docs);
}

/* The slot holding uri, or the empty slot where it would go. Requires cap > count. */
static size_t find_slot(const nl_docs *docs, const char *uri) {
  size_t mask = docs->cap - 1;
  size_t i = (size_t)uri_hash(uri) & mask;
  while (docs->slots[i] != NULL && strcmp(docs->slots[i]->uri, uri) != 0) i = (i + 1) & mask;
  return i;
}

static int grow(nl_docs *docs) {
  size_t cap = docs->cap ? docs->cap * 2 : 16;
  nl_doc **slots = calloc(cap, sizeof(*slots));
  if (slots == NULL) return NL_ENOMEM;
  nl_docs bigger = {slots, cap, docs->count};
  for (size_t i = 0; i < docs->cap; i++)
    if (docs->slots[i] != NULL) slots[find_slot(&bigger, docs->slots[i]->uri)] = docs->slots[i];
  free(docs->slots);
  *docs = bigger;
  return 0;
}

nl_doc *nl_docs_get(nl_docs *docs, const char *uri) {
  if (docs->count == 0 || uri == NULL) return NULL;
  return docs->slots[find_slot(docs, uri)];
}

size_t nl_docs_count(const nl_docs *docs) { return docs->count; }

/* Replaces doc's text and line table with a copy of text[0, len); 0 or NL_ENOMEM, doc unchanged. */
static int set_text(nl_doc *doc, const char *text, size_t len) {
  if (len == SIZE_MAX) return NL_ENOMEM;
  char *copy = malloc(len + 1);
  if (copy == NULL) return NL_ENOMEM;
  if (len > 0) memcpy(copy, text, len);
  copy[len] = '\0';
  nl_lines lines;
  if (nl_lines_init(&lines, copy, len) < 0) {
    free(copy);
    return NL_ENOMEM;
  }
  free(doc->text);
  nl_lines_free(&doc->lines);
  doc->text = copy;
  doc->len = len;
  doc->cap = len + 1;
  doc->lines = lines;
  doc->head = doc->tail = 0; /* a new text: nothing is known of it */
  return 0;
}

nl_doc *nl_docs_open(nl_docs *docs, const char *uri, int64_t version, const char *text, size_t len) {
  if (uri == NULL) return NULL;
  nl_doc *doc = nl_docs_get(docs, uri);
  if (doc != NULL) {
    if (set_text(doc, text, len) < 0) return NULL;
    doc->version = version;
    return doc;
  }
  /* Keep the load under 3/4 so probes stay short. */
  if ((docs->count + 1) * 4 > docs->cap * 3 && grow(docs) < 0) return NULL;
  doc = calloc(1, sizeof(*doc));
  if (doc == NULL) return NULL;
  doc->uri = strdup(uri);
  if (doc->uri == NULL || set_text(doc, text, len) < 0) {
    doc_free(doc);
    return NULL;
  }
  doc->version = version;
  docs->slots[find_slot(docs, uri)] = doc;
  docs->count++;
  return doc;
}

int nl_docs_close(nl_docs *docs, const char *uri) {
  nl_doc *doc = nl_docs_get(docs, uri);
  if (doc == NULL) return NL_ENOENT;
  size_t mask = docs->cap - 1;
  size_t hole = find_slot(docs, uri);
  docs->slots[hole] = NULL;
  docs->count--;
  doc_free(doc);
  /* Backward-shift: pull later members of the probe run into the hole when their home slot
   * does not lie cyclically in (hole, i], so every lookup still finds them. */
  for (size_t i = (hole + 1) & mask; docs->slots[i] != NULL; i = (i + 1) & mask) {
    size_t home = (size_t)uri_hash(docs->slots[i]->uri) & mask;
    int stays = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
    if (stays) continue;
    docs->slots[hole] = docs->slots[i];
    docs->slots[i] = NULL;
    hole = i;
  }
  return 0;
}

int nl_docs_foreach(nl_docs *docs, int (*cb)(nl_doc *doc, void *arg), void *arg) {
  for (size_t i = 0; i < docs->cap; i++) {
    if (docs->slots[i] == NULL) continue;
    int rc = cb(docs->slots[i], arg);
    if (rc != 0) return rc;
  }
  return 0;
}

/* ---- Changes ---- */

typedef struct {
  const char *text;
  size_t len;
  int full; /* no range: replace everything */
  uint32_t l1, c1, l2, c2;
} change;

static int bad(char *err, size_t err_size, size_t i, const char *what) {
  if (err != NULL && err_size > 0) snprintf(err, err_size, "contentChanges[%zu]%s", i, what);
  return NL_EINVAL;
}

/* Line starts inside text (not counting 0), the most a change can add to the table (plus the
 * boundary effects of splitting or joining a CRLF, bounded by 2). */
static size_t count_terminators(const char *t, size_t len) {
  size_t n = 0;
  for (size_t i = 0; i < len; i++) {
    if (t[i] == '\n' || (t[i] == '\r' && (i + 1 == len || t[i + 1] != '\n'))) n++;
  }
  return n;
}

static int read_change(const json_t *item, size_t i, change *c, char *err, size_t err_size) {
  char root[48];
  if (!json_is_object(item)) return bad(err, err_size, i, " must be an object");
  const json_t *text = json_object_get(item, "text");
  if (text == NULL) return bad(err, err_size, i, ".text is missing");
  if (!json_is_string(text)) return bad(err, err_size, i, ".text must be a string");
  c->text = json_string_value(text);
  c->len = json_string_length(text);
  const json_t *range = json_object_get(item, "range");
  c->full = range == NULL || json_is_null(range);
  if (c->full) return 0;
  /* The message names the change: its root is written only for it, not on every keystroke. */
  if (nl_lsp_get_range_ex(item, "", "range", &c->l1, &c->c1, &c->l2, &c->c2, NULL, 0) < 0) {
    snprintf(root, sizeof(root), "contentChanges[%zu]", i);
    nl_lsp_get_range_ex(item, root, "range", &c->l1, &c->c1, &c->l2, &c->c2, err, err_size);
    return NL_EINVAL;
  }
  if (c->l2 < c->l1 || (c->l2 == c->l1 && c->c2 < c->c1))
    return bad(err, err_size, i, ".range.end is before range.start");
  return 0;
}

/* Is p a line start of text[0, len)? Mirrors the scan in position.c. */
static int starts_line(const char *t, size_t len, size_t p) {
  if (p == 0) return 1;
  if (t[p - 1] == '\n') return 1;
  return t[p - 1] == '\r' && (p == len || t[p] != '\n');
}

/* Replaces doc->text[a, b) with c->text; capacity for text and lines is already reserved. Only
 * the starts around the edit are rescanned: the prefix before a and the suffix after b keep
 * their starts (the suffix shifted), so a batch of small edits never rescans the whole text. */
static void splice(nl_doc *doc, size_t a, size_t b, const char *ins, size_t ins_len) {
  nl_lines *l = &doc->lines;
  size_t lo = a > 0 ? a : 1;
  size_t keep = nl_lines_line_of(l, lo - 1) + 1;  /* starts < lo */
  size_t tail = nl_lines_line_of(l, b) + 1;       /* first start > b */
  size_t n_tail = l->n_lines - tail;

  memmove(doc->text + a + ins_len, doc->text + b, doc->len - b + 1); /* with the NUL */
  if (ins_len > 0) memcpy(doc->text + a, ins, ins_len);
  doc->len = doc->len - (b - a) + ins_len;

  size_t hi = a + ins_len; /* starts in [lo, hi] depend on the new bytes */
  size_t mid = 0;
  for (size_t p = lo; p <= hi && p <= doc->len; p++)
    if (starts_line(doc->text, doc->len, p)) mid++;
  memmove(l->starts + keep + mid, l->starts + tail, n_tail * sizeof(size_t));
  for (size_t k = keep + mid; k < keep + mid + n_tail; k++) l->starts[k] = l->starts[k] - b + hi;
  size_t k = keep;
  for (size_t p = lo; p <= hi && p <= doc->len; p++)
    if (starts_line(doc->text, doc->len, p)) l->starts[k++] = p;
  l->n_lines = keep + mid + n_tail;
  l->text = doc->text;
  l->len = doc->len;
}

static int reserve(nl_doc *doc, size_t text_cap, size_t lines_cap) {
  if (text_cap > doc->cap) {
    char *t = realloc(doc->text, text_cap);
    if (t == NULL) return NL_ENOMEM;
    doc->text = t;
    doc->cap = text_cap;
    doc->lines.text = t;
  }
  if (lines_cap > doc->lines.cap) {
    if (lines_cap > SIZE_MAX / sizeof(size_t)) return NL_ENOMEM;
    size_t *s = realloc(doc->lines.starts, lines_cap * sizeof(size_t));
    if (s == NULL) return NL_ENOMEM;
    doc->lines.starts = s;
    doc->lines.cap = lines_cap;
  }
  return 0;
}

static void apply_one(nl_doc *doc, const change *c, nl_encoding enc) {
  if (c->full) {
    doc->head = doc->tail = 0;
    if (c->len > 0) memcpy(doc->text, c->text, c->len);
    doc->text[c->len] = '\0';
    doc->len = c->len;
    (void)nl_lines_reset(&doc->lines, doc->text, doc->len); /* capacity reserved: cannot fail */
    return;
  }
  size_t a = nl_lines_offset(&doc->lines, enc, c->l1, c->c1);
  size_t b = nl_lines_offset(&doc->lines, enc, c->l2, c->c2);
  if (b < a) b = a; /* cannot happen for ordered positions; keeps splice safe regardless */
  /* The bytes before a and those after b are what they were before this change. */
  if (a < doc->head) doc->head = a;
  if (doc->len - b < doc->tail) doc->tail = doc->len - b;
  splice(doc, a, b, c->text, c->len);
}

int nl_doc_apply(nl_doc *doc, const json_t *content_changes, nl_encoding enc, int64_t version,
                 char *err, size_t err_size) {
  if (err != NULL && err_size > 0) err[0] = '\0';
  if (!json_is_array(content_changes)) {
    if (err != NULL && err_size > 0) snprintf(err, err_size, "contentChanges must be an array");
    return NL_EINVAL;
  }
  size_t n = json_array_size(content_changes);
  change *changes = n ? calloc(n, sizeof(*changes)) : NULL;
  if (n > 0 && changes == NULL) return NL_ENOMEM;

  /* Validate everything and size the buffers first: after that nothing can fail. */
  size_t text_cap = doc->len + 1, lines_cap = doc->lines.n_lines;
  int rc = 0;
  for (size_t i = 0; i < n && rc == 0; i++) {
    rc = read_change(json_array_get(content_changes, i), i, &changes[i], err, err_size);
    if (rc < 0) break;
    size_t terms = count_terminators(changes[i].text, changes[i].len);
    if (changes[i].len > SIZE_MAX / 2 - text_cap || terms > SIZE_MAX / 2 - lines_cap - 2) {
      rc = NL_ENOMEM;
      break;
    }
    text_cap += changes[i].len;
    lines_cap += terms + 2;
  }
  if (rc == 0) rc = reserve(doc, text_cap, lines_cap);
  if (rc == 0) {
    for (size_t i = 0; i < n; i++) apply_one(doc, &changes[i], enc);
    doc->version = version;
  }
  free(changes);
  return rc;
}

nl_entry *nl_doc_index(nl_doc *doc, nl_workspace *ws, const char *abs) {
  /* The lines the changes since the last parse left alone are not parsed again, while that
   * parse is still the entry's (its seq unchanged). */
  nl_entry *was = nl_ws_by_path(ws, abs);
  if (was == NULL || doc->mark == 0 || was->seq != doc->mark) { /* not the last parse's */
    doc->head = doc->tail = 0;
    doc->blocks.valid = 0;
  }
  nl_note_edit edit = {doc->head, doc->tail, &doc->blocks, &doc->lines, 0, 0};
  uint64_t before = was != NULL ? was->seq : 0;
  nl_entry *e = nl_ws_update_ex(ws, abs, doc->text, doc->len, 1, was, &edit);
  doc->mark = e != NULL ? e->seq : 0;
  doc->follows = e != NULL && edit.same_but_line ? before : 0;
  doc->follows_line = edit.line;
  doc->head = doc->tail = SIZE_MAX;
  return e;
}

int nl_doc_check(const nl_doc *doc) {
  if (doc->text == NULL || doc->len >= doc->cap || doc->text[doc->len] != '\0') return NL_EINVAL;
  if (doc->lines.text != doc->text || doc->lines.len != doc->len) return NL_EINVAL;
  nl_lines fresh;
  if (nl_lines_init(&fresh, doc->text, doc->len) < 0) return NL_ENOMEM;
  int same = fresh.n_lines == doc->lines.n_lines &&
             memcmp(fresh.starts, doc->lines.starts, fresh.n_lines * sizeof(size_t)) == 0;
  nl_lines_free(&fresh);
  return same ? 0 : -EINVAL;
}
