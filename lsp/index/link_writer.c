/* link_writer.c: see link_writer.h. */
#include "lsp/index/link_writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lsp/base/buf.h"
#include "lsp/base/path.h"
#include "lsp/base/unicode.h"
#include "lsp/index/config.h"
#include "protocol/percent.h"

static int index_reaches(void *ud, const char *target, size_t len) {
  const nl_link_index *ix = ud;
  size_t n = 0;
  const nl_entry *hit = nl_ws_resolve(ix->ws, ix->from, target, len, &n);
  return hit == ix->to && n == 1;
}

nl_link_dest nl_link_dest_index(nl_link_index *ix, const char *from_rel) {
  const nl_config *cfg = nl_config_at(nl_ws_config(ix->ws), (ix->from != NULL ? ix->from : ix->to)->abs);
  nl_link_dest d = {0};
  d.from_rel = from_rel != NULL ? from_rel : "";
  d.to_rel = ix->to->rel;
  d.format = cfg->link_format;
  d.markdown = cfg->use_markdown_links;
  d.reaches = index_reaches;
  d.ud = ix;
  return d;
}

/* What a markdown destination written by the server holds as is. */
static int dest_keeps(unsigned char c) {
  return c > ' ' && c != 0x7F && strchr("%()<>#?[]\"\\`", c) == NULL;
}

char *nl_link_encode(const char *s, size_t len) {
  return nl_percent_encode(s, len, dest_keeps);
}

static int is_md(const char *s, size_t len) {
  return len > 3 && strncasecmp(s + len - 3, ".md", 3) == 0;
}

static int reaches(const nl_link_dest *d, const char *target, size_t len) {
  return d->reaches == NULL || d->reaches(d->ud, target, len);
}

/* The path part before encoding, into a new string: the vault path, the file name or the
 * relative path, its ".md" dropped when `strip`. */
static char *plain_path(const nl_link_dest *d, const char *to, int strip) {
  size_t tl = strlen(to);
  size_t cut = strip ? 3 : 0;
  const char *slash = strrchr(to, '/');
  const char *name = slash ? slash + 1 : to;
  size_t name_len = tl - (size_t)(name - to);
  char *out = NULL;
  switch (d->format) {
  case NL_LINK_FORMAT_RELATIVE: {
    char *dir = strndup(d->from_rel, nl_path_dir_len(d->from_rel));
    char *rel = dir ? nl_path_relative(dir, to) : NULL;
    free(dir);
    if (rel == NULL) return NULL;
    size_t rl = strlen(rel) - cut;
    /* "sub/x" from the note's folder could be read as "sub/x" at the vault's root. */
    if (strncmp(rel, "../", 3) == 0 || reaches(d, rel, rl)) {
      rel[rl] = '\0';
      return rel;
    }
    out = malloc(rl + 3);
    if (out != NULL) snprintf(out, rl + 3, "./%.*s", (int)rl, rel);
    free(rel);
    return out;
  }
  case NL_LINK_FORMAT_SHORTEST:
    if (reaches(d, name, name_len - (is_md(name, name_len) ? 3 : 0)))
      return strndup(name, name_len - cut);
    return strndup(to, tl - cut);
  default:
    return strndup(to, tl - cut);
  }
}

char *nl_link_path(const nl_link_dest *d) {
  if (d->to_rel == NULL) return strdup("");
  size_t tl = strlen(d->to_rel);
  char *to = nl_unicode_nfc(d->to_rel, tl, NULL);
  if (to == NULL) return NULL;
  int strip = is_md(to, strlen(to)) && (d->md_ext < 0 || (d->md_ext == 0 && !d->markdown));
  char *path = plain_path(d, to, strip);
  free(to);
  if (path == NULL || !d->markdown || d->angle) return path;
  char *enc = nl_link_encode(path, strlen(path));
  free(path);
  return enc;
}

/* A markdown fragment: each '#'-separated heading of "A#B" encoded, the '#'s kept. */
static void add_fragment(nl_buf *b, const char *frag) {
  while (1) {
    size_t seg = strcspn(frag, "#");
    char *enc = nl_link_encode(frag, seg);
    if (enc == NULL) b->oom = 1;
    else nl_buf_adds(b, enc);
    free(enc);
    if (frag[seg] == '\0') return;
    nl_buf_add(b, "#", 1);
    frag += seg + 1;
  }
}

/* Markdown link text: '[', ']' and '\' escaped so the text cannot close the link. */
static void add_text(nl_buf *b, const char *s) {
  for (; *s; s++) {
    if (strchr("[]\\", *s) != NULL) nl_buf_add(b, "\\", 1);
    nl_buf_add(b, s, 1);
  }
}

/* The file name of to_rel without ".md", NFC (new). */
static char *file_title(const char *rel) {
  const char *slash = strrchr(rel, '/');
  const char *name = slash ? slash + 1 : rel;
  size_t len = strlen(name);
  if (is_md(name, len)) len -= 3;
  return nl_unicode_nfc(name, len, NULL);
}

char *nl_link_write(const nl_link_dest *d, const char *fragment, const char *shown, int embed) {
  char *path = nl_link_path(d);
  if (path == NULL) return NULL;
  char *title = NULL;
  nl_buf b = NL_BUF_INIT;
  if (embed) nl_buf_add(&b, "!", 1);
  if (d->markdown) {
    if (shown == NULL && d->to_rel != NULL) shown = title = file_title(d->to_rel);
    if (shown == NULL) b.oom = 1;
    else {
      nl_buf_add(&b, "[", 1);
      add_text(&b, shown);
    }
    nl_buf_adds(&b, d->angle ? "](<" : "](");
    nl_buf_adds(&b, path);
    if (fragment != NULL) {
      nl_buf_add(&b, "#", 1);
      if (d->angle) nl_buf_adds(&b, fragment);
      else add_fragment(&b, fragment);
    }
    nl_buf_adds(&b, d->angle ? ">)" : ")");
  } else {
    nl_buf_add(&b, "[[", 2);
    nl_buf_adds(&b, path);
    if (fragment != NULL) {
      nl_buf_add(&b, "#", 1);
      nl_buf_adds(&b, fragment);
    }
    if (shown != NULL) {
      nl_buf_add(&b, "|", 1);
      nl_buf_adds(&b, shown);
    }
    nl_buf_add(&b, "]]", 2);
  }
  free(path);
  free(title);
  return nl_buf_take(&b);
}
