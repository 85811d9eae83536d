/* edits.c: see edits.h. */
#include "lsp/features/edits.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "protocol/lsp_types.h"

void nl_edits_init(nl_edits *s, const nl_ctx *ctx) {
  memset(s, 0, sizeof *s);
  s->ctx = ctx;
}

static void file_free(nl_edits_file *f) {
  if (f == NULL) return;
  nl_edits_edit *edits = f->edits.items;
  for (size_t i = 0; i < f->edits.n; i++) free(edits[i].text);
  nl_vec_free(&f->edits);
  nl_note_free(f->note);
  nl_text_free(&f->t);
  free(f);
}

void nl_edits_free(nl_edits *s) {
  if (s == NULL) return;
  nl_edits_file **files = s->files.items;
  for (size_t i = 0; i < s->files.n; i++) file_free(files[i]);
  nl_vec_free(&s->files);
  json_decref(s->ops);
  memset(s, 0, sizeof *s);
}

static nl_edits_file *load(nl_edits *s, const nl_entry *e, const char *abs, const char *uri) {
  nl_edits_file **files = s->files.items;
  for (size_t i = 0; i < s->files.n; i++)
    if (files[i]->e == e) return files[i];
  nl_edits_file *f = calloc(1, sizeof *f);
  if (f == NULL) {
    s->oom = 1;
    return NULL;
  }
  f->e = e;
  f->uri = uri;
  /* A moved file is read where it is now; the entry still names its old place. */
  nl_entry at = *e;
  at.abs = (char *)abs;
  at.uri = (char *)uri;
  nl_text_load(&f->t, s->ctx->docs, &at);
  f->note = nl_note_parse(f->t.text, f->t.len);
  nl_edits_file **slot = f->note != NULL ? nl_vec_push(&s->files, sizeof *slot) : NULL;
  if (slot == NULL) {
    s->oom = 1;
    file_free(f);
    return NULL;
  }
  *slot = f;
  return f;
}

nl_edits_file *nl_edits_file_of(nl_edits *s, const nl_entry *e) {
  return load(s, e, e->abs, e->uri);
}

nl_edits_file *nl_edits_file_at(nl_edits *s, const nl_entry *e, const char *abs,
                                const char *uri) {
  return load(s, e, abs, uri);
}

static int same_range(nl_brange a, nl_brange b) {
  return a.start.line == b.start.line && a.start.col == b.start.col &&
         a.end.line == b.end.line && a.end.col == b.end.col;
}

int nl_edits_add(nl_edits *s, nl_edits_file *f, nl_brange r, const char *text, size_t len) {
  const nl_edits_edit *edits = f->edits.items;
  for (size_t i = 0; i < f->edits.n; i++)
    if (same_range(edits[i].range, r) && strlen(edits[i].text) == len &&
        memcmp(edits[i].text, text, len) == 0)
      return 0;
  char *copy = malloc(len + 1);
  nl_edits_edit *x = copy != NULL ? nl_vec_push(&f->edits, sizeof *x) : NULL;
  if (x == NULL) {
    free(copy);
    s->oom = 1;
    return -1;
  }
  memcpy(copy, text, len);
  copy[len] = '\0';
  *x = (nl_edits_edit){r, copy};
  return 0;
}

/* Whether position i of s (len bytes) starts a path segment. */
static int seg_start(const char *s, size_t i) { return i == 0 || s[i - 1] == '/'; }

int nl_edits_replace(nl_edits *s, nl_edits_file *f, nl_brange r, const char *text, size_t len) {
  size_t rl;
  const char *raw = nl_edits_slice(f, r, &rl);
  if (raw == NULL) return nl_edits_add(s, f, r, text, len);
  /* The folders both start with stay... */
  size_t same = 0, head = 0;
  while (same < rl && same < len && raw[same] == text[same])
    if (raw[same++] == '/') head = same;
  if (same == rl && same == len) return 0;
  /* ...and so do the whole segments both end with, else a ".md" both end with. */
  size_t tail = 0, keep = 0;
  while (tail < rl - head && tail < len - head && raw[rl - 1 - tail] == text[len - 1 - tail]) {
    tail++;
    if (seg_start(raw, rl - tail) && seg_start(text, len - tail)) keep = tail;
  }
  if (keep == 0 && tail >= 3 && strncasecmp(raw + rl - 3, ".md", 3) == 0) keep = 3;
  r.start.col += (uint32_t)head;
  r.end.col -= (uint32_t)keep;
  return nl_edits_add(s, f, r, text + head, len - head - keep);
}

int nl_edits_rename_file(nl_edits *s, const char *old_uri, const char *new_uri) {
  if (s->ops == NULL) s->ops = json_array();
  json_t *op = json_pack("{s:s,s:s,s:s}", "kind", "rename", "oldUri", old_uri, "newUri", new_uri);
  if (s->ops == NULL || op == NULL || json_array_append_new(s->ops, op) < 0) {
    s->oom = 1;
    return -1;
  }
  return 0;
}

int nl_edits_empty(const nl_edits *s) {
  if (s->ops != NULL && json_array_size(s->ops) > 0) return 0;
  nl_edits_file *const *files = s->files.items;
  for (size_t i = 0; i < s->files.n; i++)
    if (files[i]->edits.n > 0) return 0;
  return 1;
}

static int cmp_edit(const void *a, const void *b) {
  const nl_edits_edit *x = a, *y = b;
  if (x->range.start.line != y->range.start.line)
    return x->range.start.line < y->range.start.line ? -1 : 1;
  if (x->range.start.col != y->range.start.col)
    return x->range.start.col < y->range.start.col ? -1 : 1;
  return 0;
}

static json_t *text_edits(const nl_edits_file *f, nl_encoding enc) {
  json_t *out = json_array();
  const nl_edits_edit *edits = f->edits.items;
  for (size_t i = 0; out != NULL && i < f->edits.n; i++) {
    uint32_t l1, c1, l2, c2;
    nl_text_units(&f->t, enc, edits[i].range.start, &l1, &c1);
    nl_text_units(&f->t, enc, edits[i].range.end, &l2, &c2);
    if (json_array_append_new(out, nl_lsp_text_edit_json(l1, c1, l2, c2, edits[i].text)) < 0) {
      json_decref(out);
      return NULL;
    }
  }
  return out;
}

json_t *nl_edits_json(nl_edits *s) {
  if (s->oom) return NULL;
  int versioned = s->ctx->caps != NULL && s->ctx->caps->document_changes;
  json_t *changes = versioned ? json_array() : json_object();
  if (changes == NULL) return NULL;
  nl_edits_file **files = s->files.items;
  for (size_t i = 0; i < s->files.n; i++) {
    nl_edits_file *f = files[i];
    if (f->edits.n == 0) continue;
    qsort(f->edits.items, f->edits.n, sizeof(nl_edits_edit), cmp_edit);
    json_t *edits = text_edits(f, s->ctx->enc);
    if (edits == NULL) goto oom;
    int rc;
    if (versioned) {
      /* An open note's edit names the version it was computed from: a client whose text moved
       * on since refuses it rather than corrupt it. */
      json_t *version = f->t.open ? json_integer(f->t.version) : json_null();
      rc = json_array_append_new(
          changes, json_pack("{s:{s:s,s:o},s:o}", "textDocument", "uri", f->uri, "version",
                             version, "edits", edits));
    } else {
      rc = json_object_set_new(changes, f->uri, edits);
    }
    if (rc < 0) goto oom;
  }
  if (versioned) {
    if (s->ops != NULL && json_array_extend(changes, s->ops) < 0) goto oom;
    return json_pack("{s:o}", "documentChanges", changes);
  }
  return json_pack("{s:o}", "changes", changes);
oom:
  json_decref(changes);
  return NULL;
}

/* ---- text of a loaded note --------------------------------------------------------------- */

const char *nl_edits_line(const nl_edits_file *f, uint32_t line, size_t *len) {
  return nl_text_line(&f->t, line, len);
}

const char *nl_edits_slice(const nl_edits_file *f, nl_brange r, size_t *len) {
  *len = 0;
  if (r.start.line != r.end.line || r.end.col < r.start.col) return NULL;
  size_t ll;
  const char *line = nl_edits_line(f, r.start.line, &ll);
  if (r.end.col > ll) return NULL;
  *len = r.end.col - r.start.col;
  return line + r.start.col;
}

json_t *nl_edits_range_json(const nl_edits_file *f, nl_encoding enc, nl_brange r) {
  uint32_t l1, c1, l2, c2;
  nl_text_units(&f->t, enc, r.start, &l1, &c1);
  nl_text_units(&f->t, enc, r.end, &l2, &c2);
  return nl_lsp_range_json(l1, c1, l2, c2);
}

nl_bpos nl_edits_bpos(const nl_edits_file *f, nl_encoding enc, uint32_t line,
                      uint32_t character) {
  return nl_text_bpos(&f->t, enc, line, character);
}

static int is_blank(char c) { return c == ' ' || c == '\t'; }

int nl_edits_heading_text(const nl_edits_file *f, const nl_heading *h, nl_brange *out) {
  size_t len;
  const char *line = nl_edits_line(f, h->line, &len);
  size_t tl = strlen(h->text);
  /* An ATX heading's text is the line's bytes as written; a setext heading's first line is its
   * text only when it has one line. */
  if (h->end_line > h->line + 1) return -1;
  size_t i = 0;
  while (i < len && (is_blank(line[i]) || line[i] == '>')) i++;
  while (i < len && line[i] == '#') i++;
  while (i < len && is_blank(line[i])) i++;
  if (i + tl > len || memcmp(line + i, h->text, tl) != 0) return -1;
  out->start = out->end = (nl_bpos){h->line, 0};
  out->start.col = (uint32_t)i;
  out->end.col = (uint32_t)(i + tl);
  return 0;
}

const nl_heading *nl_edits_title_heading(const nl_note *n) {
  for (size_t i = 0; i < n->n_headings; i++)
    if (n->headings[i].level == 1) return &n->headings[i];
  return NULL;
}
