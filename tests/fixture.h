/* fixture.h: a real index of a vault, open documents and a feature context for the feature
 * tests (completion, definition). Include once, after test.h, in one test runner. */
#ifndef NL_TEST_FIXTURE_H
#define NL_TEST_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <uv.h>

#include "lsp/client/context.h"
#include "lsp/client/document.h"
#include "lsp/index/workspace.h"

static uv_loop_t loop;
static nl_config *cfg;
static nl_client_caps caps;

/* ---- fixture ----------------------------------------------------------------------------- */

typedef struct {
  nl_workspace *ws;
  nl_docs *docs;
  nl_ctx ctx;
} fixture;

static void scan_done(nl_workspace *ws, void *ud, size_t done, size_t total, int finished) {
  if (finished) *(int *)ud = 1;
}

static int fixture_init(fixture *f, const char *dir, nl_encoding enc) {
  memset(f, 0, sizeof *f);
  f->ws = nl_ws_new(&loop, cfg);
  f->docs = nl_docs_new();
  int finished = 0;
  if (f->ws == NULL || f->docs == NULL || nl_ws_add_root(f->ws, dir) != 0 ||
      nl_ws_scan(f->ws, scan_done, &finished) != 0)
    return -1;
  uv_run(&loop, UV_RUN_DEFAULT);
  f->ctx.ws = f->ws;
  f->ctx.docs = f->docs;
  f->ctx.enc = enc;
  f->ctx.today = 20407; /* 2025-11-15 */
  f->ctx.caps = &caps;
  return finished ? 0 : -1;
}

static void fixture_done(fixture *f) {
  nl_ws_free(f->ws);
  nl_docs_free(f->docs);
}

/* Writes text to dir/rel (the folders must exist): 0, or -1 when it cannot. */
static inline int write_file(const char *dir, const char *rel, const char *text) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, rel);
  FILE *fp = fopen(path, "wb");
  if (fp == NULL) return -1;
  fputs(text, fp);
  return fclose(fp);
}

/* Names made of a few syllables in a fixed pseudo-random order (seed: the state), into
 * out[size]: many share letters in and out of order, some non-ASCII, so that short patterns
 * match hundreds of a few hundred names (the memo tests). */
static inline void fixture_name(unsigned *seed, char *out, size_t size) {
  static const char *const syllables[] = {"Qu", "en", "tin", "O", "ka", "for", "Quil", "lon",
                                          "E", "me", "a", "Ré", "nt", "Qé", "Ök", "ar"};
  size_t len = 0;
  int words = 2 + (int)(*seed % 3);
  out[0] = '\0';
  for (int w = 0; w < words; w++) {
    int parts = 1 + (int)((*seed >> 4) % 3);
    for (int p = 0; p < parts; p++) {
      *seed = *seed * 1103515245u + 12345u;
      len += (size_t)snprintf(out + len, size - len, "%s", syllables[(*seed >> 16) % 16]);
    }
    if (w + 1 < words) len += (size_t)snprintf(out + len, size - len, " ");
  }
}

/* Makes a fresh folder from the mkdtemp template dir ("/tmp/nl-x-XXXXXX", filled in place)
 * with a People folder in it: 0, or -1 when it cannot be made. */
static inline int fixture_vault_dir(char *dir) {
  char sub[4200];
  if (mkdtemp(dir) == NULL) return -1;
  snprintf(sub, sizeof sub, "%s/People", dir);
  return mkdir(sub, 0755);
}

static char *read_file(const char *path, size_t *len) {
  FILE *fp = fopen(path, "rb");
  if (fp == NULL) return NULL;
  fseek(fp, 0, SEEK_END);
  long n = ftell(fp);
  fseek(fp, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  if (buf != NULL && fread(buf, 1, (size_t)n, fp) != (size_t)n) {
    free(buf);
    buf = NULL;
  }
  fclose(fp);
  if (buf != NULL) buf[n] = '\0';
  *len = (size_t)n;
  return buf;
}

/* Opens vault note `rel` in the editor with `text` (NULL: its text on disk, with `append`
 * added when not NULL) and indexes that text, as the server flushes edits into the index
 * before it answers a request. Returns the URI (borrowed from the index). */
static const char *open_note_ex(fixture *f, const char *rel, const char *text,
                               const char *append, int index) {
  char abs[4096];
  snprintf(abs, sizeof abs, "%s/%s", nl_ws_root(f->ws, 0), rel);
  nl_entry *e = nl_ws_by_path(f->ws, abs);
  if (e == NULL) return NULL;
  size_t len = 0;
  char *disk = text ? NULL : read_file(abs, &len);
  nl_doc *doc = NULL;
  if (text != NULL) {
    doc = nl_docs_open(f->docs, e->uri, 1, text, strlen(text));
  } else if (disk != NULL) {
    size_t extra = append ? strlen(append) : 0;
    char *all = malloc(len + extra + 1);
    memcpy(all, disk, len);
    if (extra) memcpy(all + len, append, extra);
    doc = nl_docs_open(f->docs, e->uri, 1, all, len + extra);
    free(all);
  }
  free(disk);
  /* As the server does before every request: the open text is flushed into the index. */
  if (doc != NULL && index) e = nl_ws_update(f->ws, abs, doc->text, doc->len, 1);
  return e ? e->uri : NULL;
}

static const char *open_note(fixture *f, const char *rel, const char *text, const char *append) {
  return open_note_ex(f, rel, text, append, 1);
}

/* Independent of the code under test: a column of `s` (up to byte n) in units of enc. */
static inline uint32_t units(const char *s, size_t n, nl_encoding enc) {
  uint32_t u = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (enc == NL_ENC_UTF8) u++;
    else if ((c & 0xC0) != 0x80) u += (enc == NL_ENC_UTF16 && c >= 0xF0) ? 2 : 1;
  }
  return u;
}

/* The position just after the first `needle` in line `line` of text. */
static inline uint32_t col_after(const char *text, uint32_t line, const char *needle, nl_encoding enc) {
  const char *s = text;
  for (uint32_t i = 0; i < line && s; i++) {
    s = strchr(s, '\n');
    if (s) s++;
  }
  if (s == NULL) return UINT32_MAX;
  const char *hit = strstr(s, needle);
  if (hit == NULL) return UINT32_MAX;
  return units(s, (size_t)(hit - s) + strlen(needle), enc);
}

/* The 0-based line of the first line of `rel` on disk holding `needle`. */
static inline uint32_t disk_line_of(const char *rel, const char *needle, char **text_out) {
  char path[4096];
  size_t len = 0;
  snprintf(path, sizeof path, "%s/%s", NL_TEST_VAULT, rel);
  char *text = read_file(path, &len);
  const char *hit = text ? strstr(text, needle) : NULL;
  uint32_t n = 0;
  for (const char *p = text; hit && p < hit; p++) n += *p == '\n';
  if (text_out) *text_out = text;
  else free(text);
  return hit ? n : UINT32_MAX;
}

#endif
