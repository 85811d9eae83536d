/* diagnose_incr.c: what re-diagnosing after an edit may skip. Another note's diagnostics read
 * an edited note only through its face (what links, mentions and frontmatter names resolve to,
 * and the headings and block ids their fragments name), so while the face stays the same, as
 * it does for nearly every keystroke, only the edited note itself needs diagnosing again. */
#include "lsp/index/diagnose.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Appends s and its NUL to out at *at (out NULL: only counts). */
static void put(char *out, size_t *at, const char *s) {
  size_t n = strlen(s != NULL ? s : "") + 1;
  if (out != NULL) memcpy(out + *at, s != NULL ? s : "", n);
  *at += n;
}

/* The note's part of a face: its title, aliases, headings and block ids, item i < n_items. */
static size_t n_items(const nl_note *n) {
  return n != NULL ? 1 + (size_t)n->n_aliases + n->n_headings + n->n_blocks : 0;
}

static const char *item(const nl_note *n, size_t i) {
  if (i == 0) return n->title != NULL ? n->title->text : NULL;
  if (--i < n->n_aliases) return n->aliases[i].text;
  if ((i -= n->n_aliases) < n->n_headings) return n->headings[i].text;
  return n->blocks[i - n->n_headings].id;
}

/* The face of e into out (NULL: only its length); returns its length. Each list is preceded by
 * its count, so moving a name from one list to the next changes the face. */
static size_t face_write(const nl_entry *e, char *out) {
  const nl_note *n = e->note;
  size_t at = 0;
  char counts[96];
  snprintf(counts, sizeof counts, "%d %u %u %u", (int)e->kind, n ? n->n_aliases : 0u,
           n ? n->n_headings : 0u, n ? n->n_blocks : 0u);
  put(out, &at, counts);
  put(out, &at, e->rel);
  put(out, &at, e->name);
  for (size_t i = 0; i < n_items(n); i++) put(out, &at, item(n, i));
  return at;
}

int nl_diag_same_face(const nl_note *a, const nl_note *b) {
  if (a == NULL || b == NULL) return a == b;
  if (a->n_aliases != b->n_aliases || a->n_headings != b->n_headings || a->n_blocks != b->n_blocks)
    return 0;
  for (size_t i = 0; i < n_items(a); i++) {
    const char *x = item(a, i), *y = item(b, i);
    if (strcmp(x != NULL ? x : "", y != NULL ? y : "") != 0) return 0;
  }
  return 1;
}

char *nl_diag_face(const nl_entry *e, size_t *len) {
  *len = 0;
  if (e == NULL) return NULL;
  size_t n = face_write(e, NULL);
  char *out = malloc(n);
  if (out == NULL) return NULL;
  *len = face_write(e, out);
  return out;
}
