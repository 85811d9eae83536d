/* new_note.c: see new_note.h. */
#include "lsp/features/new_note.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsp/base/file.h"
#include "lsp/index/glob.h"
#include "lsp/note/note.h"

void nl_new_note_yaml_scalar(const char *s, char *out, size_t cap) {
  size_t len = strlen(s);
  int plain = len > 0 && strchr("-?:,[]{}#&*!|>'\"%@` ", s[0]) == NULL &&
              strstr(s, ": ") == NULL && strstr(s, " #") == NULL && s[len - 1] != ' ' &&
              s[len - 1] != ':';
  if (cap == 0) return;
  if (plain) {
    snprintf(out, cap, "%s", s);
    return;
  }
  size_t n = 0;
  if (cap < 3) {
    out[0] = '\0';
    return;
  }
  out[n++] = '"';
  for (; *s && n + 3 < cap; s++) {
    if (*s == '"' || *s == '\\') out[n++] = '\\';
    out[n++] = *s;
  }
  out[n++] = '"';
  out[n] = '\0';
}

/* The first folder in path order, among the folders of every note and their parents, that
 * glob `pat` matches; NULL when none does. */
static char *first_matching_folder(const nl_workspace *ws, const char *pat) {
  char *best = NULL;
  char dir[4096];
  for (uint32_t id = 0, lim = nl_ws_id_limit(ws); id < lim; id++) {
    const nl_entry *e = nl_ws_get(ws, id);
    if (e == NULL) continue;
    for (const char *slash = strchr(e->rel, '/'); slash != NULL; slash = strchr(slash + 1, '/')) {
      size_t n = (size_t)(slash - e->rel);
      if (n >= sizeof dir) break;
      memcpy(dir, e->rel, n);
      dir[n] = '\0';
      if ((best != NULL && strcmp(dir, best) >= 0) || !nl_glob_match(pat, dir)) continue;
      char *copy = strdup(dir);
      if (copy == NULL) continue;
      free(best);
      best = copy;
    }
  }
  return best;
}

char *nl_new_note_folder(const nl_workspace *ws, nl_kind kind) {
  const nl_config *cfg = nl_ws_config(ws);
  const char *plain = nl_config_new_note_folder(cfg, kind);
  if (kind <= NL_KIND_NOTE || kind >= NL_KIND__COUNT) return NULL;
  const nl_strlist *l = &cfg->folders[kind];
  for (size_t i = 0; i < l->n; i++)
    if (strpbrk(l->items[i], "*?") == NULL) return strdup(l->items[i]);
  for (size_t i = 0; i < l->n; i++) {
    char *found = first_matching_folder(ws, l->items[i]);
    if (found != NULL) return found;
  }
  return plain != NULL ? strdup(plain) : NULL;
}

static char *default_text(const nl_config *cfg, nl_kind kind, const char *title) {
  char yaml[1100];
  nl_new_note_yaml_scalar(title, yaml, sizeof yaml);
  size_t cap = 2 * strlen(title) + sizeof yaml + 64;
  char *out = malloc(cap);
  if (out == NULL) return NULL;
  if (kind == NL_KIND_NOTE) {
    snprintf(out, cap, "# %s\n", title);
  } else {
    const nl_strlist *types = &cfg->types[kind];
    const char *type = types->n > 0 ? types->items[0] : nl_kind_name(kind);
    snprintf(out, cap, "---\ntype: %s\ntitle: %s\n---\n# %s\n", type, yaml, title);
  }
  return out;
}

/* Replaces every {{title}} and {{date}} (any spaces inside the braces) in t. */
static char *fill(const char *t, size_t len, const char *title, const char *date) {
  size_t cap = len + 1, tl = strlen(title);
  for (const char *p = strstr(t, "{{"); p != NULL; p = strstr(p + 2, "{{")) cap += tl + 16;
  char *out = malloc(cap);
  if (out == NULL) return NULL;
  size_t n = 0;
  for (size_t i = 0; i < len;) {
    if (t[i] == '{' && i + 1 < len && t[i + 1] == '{') {
      const char *end = strstr(t + i, "}}");
      if (end != NULL) {
        size_t a = i + 2, b = (size_t)(end - t);
        while (a < b && t[a] == ' ') a++;
        while (b > a && t[b - 1] == ' ') b--;
        const char *v = NULL;
        if (b - a == 5 && memcmp(t + a, "title", 5) == 0) v = title;
        if (b - a == 4 && memcmp(t + a, "date", 4) == 0) v = date;
        if (v != NULL) {
          memcpy(out + n, v, strlen(v));
          n += strlen(v);
          i = (size_t)(end - t) + 2;
          continue;
        }
      }
    }
    out[n++] = t[i++];
  }
  out[n] = '\0';
  return out;
}

char *nl_new_note_text(const nl_config *cfg, const char *root, nl_kind kind, const char *title,
                       int32_t today) {
  const char *tpl = kind >= 0 && kind < NL_KIND__COUNT ? cfg->kind_template[kind] : NULL;
  if (tpl == NULL || root == NULL) return default_text(cfg, kind, title);
  size_t cap = strlen(root) + strlen(tpl) + 2;
  char *path = malloc(cap);
  if (path == NULL) return NULL;
  snprintf(path, cap, "%s/%s", root, tpl);
  char *text = NULL;
  size_t len = 0;
  int rc = nl_file_read(path, 1u << 20, &text, &len);
  if (rc != 0 && (cap = strlen(path)) > 0 && (cap < 3 || strcmp(path + cap - 3, ".md") != 0)) {
    char *md = malloc(cap + 4); /* "Templates/Person" names Templates/Person.md */
    if (md != NULL) {
      snprintf(md, cap + 4, "%s.md", path);
      rc = nl_file_read(md, 1u << 20, &text, &len);
      free(md);
    }
  }
  free(path);
  if (rc != 0) return default_text(cfg, kind, title);
  char date[16];
  nl_date_format(today, date);
  size_t skip = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
  char *out = fill(text + skip, len - skip, title, date);
  free(text);
  return out;
}
