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
  return hit != ix->to ? NL_LINK_ELSEWHERE : n == 1 ? NL_LINK_ONLY : NL_LINK_FIRST;
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

/* What a markdown destination written by the server holds as is (link_writer.h: Obsidian's
 * blanks, '\' and controls, and the few characters that would not reach the note). */
static int dest_keeps(unsigned char c) {
  return c > ' ' && c != 0x7F && strchr("%#<>?\"\\`", c) == NULL;
}

static int dest_keeps_no_parens(unsigned char c) {
  return c != '(' && c != ')' && dest_keeps(c);
}

/* Whether every ')' of s[0, len) closes an earlier '(' and every '(' is closed: CommonMark
 * keeps such parentheses in a destination as they are. */
static int parens_balanced(const char *s, size_t len) {
  size_t depth = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] == '(') depth++;
    else if (s[i] == ')' && depth-- == 0) return 0;
  }
  return depth == 0;
}

char *nl_link_encode(const char *s, size_t len) {
  return nl_percent_encode(s, len, parens_balanced(s, len) ? dest_keeps : dest_keeps_no_parens);
}

static int is_md(const char *s, size_t len) {
  return len > 3 && strncasecmp(s + len - 3, ".md", 3) == 0;
}

/* How target leads from the linking note (NL_LINK_*); without a judge, to the note alone. */
static int reaches(const nl_link_dest *d, const char *target, size_t len) {
  return d->reaches == NULL ? NL_LINK_ONLY : d->reaches(d->ud, target, len);
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
    /* Obsidian's plain path, unless it leads elsewhere ("sub/x" or "x" at the vault's root
     * wins) or, with a folder in it, to this note only as one of several (link_writer.h). */
    int need = memchr(rel, '/', rl) != NULL ? NL_LINK_ONLY : NL_LINK_FIRST;
    if (strncmp(rel, "../", 3) == 0 || reaches(d, rel, rl) >= need) {
      rel[rl] = '\0';
      return rel;
    }
    out = malloc(rl + 3);
    if (out != NULL) snprintf(out, rl + 3, "./%.*s", (int)rl, rel);
    free(rel);
    return out;
  }
  case NL_LINK_FORMAT_SHORTEST:
    if (reaches(d, name, name_len - (is_md(name, name_len) ? 3 : 0)) == NL_LINK_ONLY)
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

/* What Obsidian shows for the wikilink (link_writer.h): the file name of rel (NULL: the
 * linking note, shown by its fragment alone) without ".md", NFC, then " > " and each
 * '#'-separated part of fragment (may be NULL). New, NULL when out of memory. */
static char *shown_text(const char *rel, const char *fragment) {
  nl_buf b = NL_BUF_INIT;
  if (rel != NULL) {
    const char *slash = strrchr(rel, '/');
    const char *name = slash ? slash + 1 : rel;
    size_t len = strlen(name);
    if (is_md(name, len)) len -= 3;
    char *title = nl_unicode_nfc(name, len, NULL);
    if (title == NULL) b.oom = 1;
    else nl_buf_adds(&b, title);
    free(title);
  }
  for (const char *f = fragment; f != NULL;) {
    size_t seg = strcspn(f, "#");
    if (b.len > 0) nl_buf_adds(&b, " > ");
    nl_buf_add(&b, f, seg);
    f = f[seg] == '#' ? f + seg + 1 : NULL;
  }
  return nl_buf_take(&b);
}

char *nl_link_write(const nl_link_dest *d, const char *fragment, const char *shown, int embed) {
  char *path = nl_link_path(d);
  if (path == NULL) return NULL;
  char *title = NULL;
  nl_buf b = NL_BUF_INIT;
  if (embed) nl_buf_add(&b, "!", 1);
  if (d->markdown) {
    if (shown == NULL) shown = title = shown_text(d->to_rel, fragment);
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
