/* resolve.c: what a link, a mention, a frontmatter value or an account tag names, by the
 * index's name maps. */
#include "lsp/index/workspace_impl.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lsp/base/path.h"
#include "lsp/base/unicode.h"
#include "lsp/note/mojibake.h"

/* ---- resolution -------------------------------------------------------------------------- */

/* Whether rel lies under from's folder as Obsidian tests it: the path starts with the folder's
 * path as a string, case-folded, with no '/' required after it ("Pro" holds "Projects/x" too)
 * and every note of the vault under a note at the root. */
int nl_ws_under_folder_of(const char *from_rel, const char *rel) {
  const char *a = strrchr(from_rel, '/');
  size_t la = a ? (size_t)(a - from_rel) : 0;
  if (la == 0) return 1;
  nl_wsi_key kf, ke;
  nl_wsi_key_make(&kf, from_rel, la);
  nl_wsi_key_make(&ke, rel, strlen(rel));
  int ok = ke.len >= kf.len && memcmp(ke.s, kf.s, kf.len) == 0;
  nl_wsi_key_done(&kf);
  nl_wsi_key_done(&ke);
  return ok;
}

/* Obsidian's order among the files a link matches (MetadataCache.getLinkpathDest): those under
 * the linking note's folder first, then the others; in each group the shortest path first (a
 * note at the root before one in a folder), then byte order. */
static int better(const nl_entry *from, const nl_entry *a, const nl_entry *b) {
  if (from != NULL) {
    int fa = nl_ws_under_folder_of(from->rel, a->rel), fb = nl_ws_under_folder_of(from->rel, b->rel);
    if (fa != fb) return fa;
  }
  size_t la = strlen(a->rel), lb = strlen(b->rel);
  if (la != lb) return la < lb;
  return strcmp(a->rel, b->rel) < 0;
}

/* Collects the distinct live entries among ids that pass `keep` into out, best first; with a
 * `from`, only those of from's workspace folder: each folder is its own vault. */
typedef int (*keep_fn)(const nl_entry *e, const void *arg);

static size_t collect(const nl_workspace *ws, const nl_entry *from, const uint32_t *ids,
                      uint32_t n, keep_fn keep, const void *arg, nl_entry **out, size_t cap) {
  size_t total = 0;
  for (uint32_t i = 0; i < n; i++) {
    nl_entry *e = nl_ws_get(ws, ids[i]);
    if (e == NULL || (from != NULL && e->root != from->root) || (keep != NULL && !keep(e, arg)))
      continue;
    int dup = 0;
    for (uint32_t j = 0; j < i && !dup; j++) dup = ids[j] == ids[i];
    if (dup) continue;
    /* Insertion into the sorted prefix that fits in out. */
    size_t pos = total < cap ? total : cap;
    while (pos > 0 && better(from, e, out[pos - 1])) {
      if (pos < cap) out[pos] = out[pos - 1];
      pos--;
    }
    if (pos < cap) out[pos] = e;
    total++;
  }
  return total;
}

/* Keeps entries whose vault-relative path without .md ends with the target path: as a string,
 * as Obsidian compares them ([[ple/Ana]] reaches People/Ana); the file names are equal already. */
static int path_suffix(const nl_entry *e, const void *arg) {
  const nl_wsi_key *want = arg;
  size_t rl = strlen(e->rel);
  if (rl >= 3 && strcasecmp(e->rel + rl - 3, ".md") == 0) rl -= 3;
  nl_wsi_key k;
  nl_wsi_key_make(&k, e->rel, rl);
  int ok = k.len >= want->len && memcmp(k.s + k.len - want->len, want->s, want->len) == 0;
  nl_wsi_key_done(&k);
  return ok;
}

static nl_entry *by_rel(const nl_workspace *ws, const nl_entry *from, const char *rel) {
  char abs[4096];
  for (size_t r = 0; r < ws->n_roots; r++) {
    if (from != NULL && from->root != r) continue;
    if ((size_t)snprintf(abs, sizeof(abs), "%s/%s", ws->roots[r], rel) >= sizeof(abs)) continue;
    nl_entry *e = nl_ws_by_path(ws, abs);
    if (e != NULL) return e;
  }
  return NULL;
}

static int dot_relative(const char *t, size_t len) {
  return (len >= 2 && t[0] == '.' && t[1] == '/') ||
         (len >= 3 && t[0] == '.' && t[1] == '.' && t[2] == '/');
}

/* The note at the vault path rel exactly, with or without its ".md". */
static nl_entry *exact(const nl_workspace *ws, const nl_entry *from, char *rel, size_t cap) {
  nl_entry *e = by_rel(ws, from, rel);
  size_t n = strlen(rel);
  if (e == NULL && !nl_wsi_has_md_suffix(rel) && n + 4 <= cap) {
    memcpy(rel + n, ".md", 4);
    e = by_rel(ws, from, rel);
    rel[n] = '\0';
  }
  return e;
}

/* Obsidian's rules (MetadataCache.getLinkpathDest), for wikilinks and markdown links alike (so
 * no argument says which kind a link is): a
 * path starting "./" or "../" is taken from the linking note's folder, then any path is tried
 * as a path from the vault's root ("/" leading or not); a path with a leading "/" stops there;
 * otherwise every note of that file name whose path ends with the target matches, in the order
 * of `better`. Titles and aliases come last: Obsidian does not follow them, but the server
 * does and reports it (diagnose.c). */
size_t nl_ws_resolve_all(const nl_workspace *ws, const nl_entry *from,
                         const char *target, size_t len, nl_entry **out, size_t cap) {
  while (len > 0 && (target[0] == ' ' || target[0] == '\t')) target++, len--;
  while (len > 0 && (target[len - 1] == ' ' || target[len - 1] == '\t')) len--;
  if (len == 0) return 0;
  char rel[4096];
  nl_entry *e = NULL;
  int rooted = target[0] == '/';
  if (dot_relative(target, len)) {
    if (nl_path_join_beside(from != NULL ? from->rel : "", target, len, rel, sizeof(rel) - 4) != 0 ||
        rel[0] == '\0')
      return 0;
    size_t n = strlen(rel);
    e = exact(ws, from, rel, sizeof rel);
    target = rel; /* not there: the joined path is matched as a suffix below */
    len = (size_t)n;
  } else if (len - (size_t)rooted < sizeof(rel) - 4) {
    memcpy(rel, target + rooted, len - (size_t)rooted);
    rel[len - (size_t)rooted] = '\0';
    e = exact(ws, from, rel, sizeof rel);
  }
  if (e != NULL) {
    if (cap > 0) out[0] = e;
    return 1;
  }
  if (rooted) return 0;
  if (len > 3 && strncasecmp(target + len - 3, ".md", 3) == 0) len -= 3;
  const char *slash = NULL;
  for (size_t i = len; i > 0 && slash == NULL; i--)
    if (target[i - 1] == '/') slash = target + i - 1;
  uint32_t n;
  const uint32_t *ids;
  if (slash != NULL) {
    nl_wsi_key base, want;
    nl_wsi_key_make(&base, slash + 1, len - (size_t)(slash + 1 - target));
    nl_wsi_key_make(&want, target[0] == '/' ? target + 1 : target, target[0] == '/' ? len - 1 : len);
    ids = nl_strmap_get(&ws->files, base.s, base.len, &n);
    size_t total = collect(ws, from, ids, n, path_suffix, &want, out, cap);
    nl_wsi_key_done(&base);
    nl_wsi_key_done(&want);
    return total;
  }
  nl_wsi_key k;
  nl_wsi_key_make(&k, target, len);
  ids = nl_strmap_get(&ws->files, k.s, k.len, &n);
  size_t total = collect(ws, from, ids, n, NULL, NULL, out, cap);
  if (total == 0) {
    ids = nl_strmap_get(&ws->names, k.s, k.len, &n);
    total = collect(ws, from, ids, n, NULL, NULL, out, cap);
  }
  nl_wsi_key_done(&k);
  return total;
}

size_t nl_ws_files_named(const nl_workspace *ws, const nl_entry *from, const char *name,
                         size_t len, nl_entry **out, size_t cap) {
  nl_wsi_key k;
  nl_wsi_key_make(&k, name, len);
  uint32_t n;
  const uint32_t *ids = nl_strmap_get(&ws->files, k.s, k.len, &n);
  size_t total = collect(ws, from, ids, n, NULL, NULL, out, cap);
  nl_wsi_key_done(&k);
  return total;
}

nl_entry *nl_ws_resolve(const nl_workspace *ws, const nl_entry *from,
                        const char *target, size_t len, size_t *n_matches) {
  nl_entry *best = NULL;
  size_t n = nl_ws_resolve_all(ws, from, target, len, &best, 1);
  if (n_matches != NULL) *n_matches = n;
  return n > 0 ? best : NULL;
}

char *nl_ws_name_key(const char *s, size_t len, size_t *key_len) {
  nl_wsi_key k;
  nl_wsi_key_make(&k, s, len);
  char *out = malloc(k.len + 1);
  if (out != NULL) {
    memcpy(out, k.s, k.len);
    out[k.len] = '\0';
    *key_len = k.len;
  }
  nl_wsi_key_done(&k);
  return out;
}

int nl_ws_same_name(const char *a, size_t alen, const char *b, size_t blen) {
  nl_wsi_key ka, kb;
  nl_wsi_key_make(&ka, a, alen);
  nl_wsi_key_make(&kb, b, blen);
  int same = ka.len == kb.len && memcmp(ka.s, kb.s, ka.len) == 0;
  nl_wsi_key_done(&ka);
  nl_wsi_key_done(&kb);
  return same;
}

/* A note of a kind, in from's workspace folder when from is set: each folder is its own vault.
 * (Not through collect's from, which would also rank the notes by from's folder.) */
typedef struct {
  nl_kind kind;
  const nl_entry *from;
} kind_in;

static int of_kind(const nl_entry *e, const void *arg) {
  const kind_in *k = arg;
  return e->kind == k->kind && (k->from == NULL || e->root == k->from->root);
}

nl_entry *nl_ws_resolve_kind(const nl_workspace *ws, const nl_entry *from, nl_kind kind,
                             const char *name, size_t len) {
  while (len > 0 && name[0] == ' ') name++, len--;
  while (len > 0 && name[len - 1] == ' ') len--;
  if (len == 0) return NULL;
  nl_wsi_key k;
  nl_wsi_key_make(&k, name, len);
  nl_entry *best = NULL;
  uint32_t n;
  kind_in want = {kind, from};
  const uint32_t *ids = nl_strmap_get(&ws->files, k.s, k.len, &n);
  if (collect(ws, NULL, ids, n, of_kind, &want, &best, 1) == 0) {
    ids = nl_strmap_get(&ws->names, k.s, k.len, &n);
    collect(ws, NULL, ids, n, of_kind, &want, &best, 1);
  }
  nl_wsi_key_done(&k);
  return best;
}

/* The person named by the longest prefix of tail that ends before a space, else NULL; with
 * `repair`, each prefix is read with its mojibake repaired. *matched_len: the prefix's bytes. */
static nl_entry *person_prefix(const nl_workspace *ws, const nl_entry *from, const char *tail,
                               size_t len, int repair, size_t *matched_len) {
  for (size_t end = len; end > 0; end--) {
    if ((end != len && tail[end] != ' ') || tail[end - 1] == ' ') continue;
    size_t n = end;
    char *fixed = repair ? nl_mojibake_repair(tail, end, &n) : NULL;
    if (repair && fixed == NULL) return NULL;
    nl_entry *e = nl_ws_resolve_kind(ws, from, NL_KIND_PERSON, repair ? fixed : tail, n);
    free(fixed);
    if (e != NULL) {
      *matched_len = end;
      return e;
    }
  }
  return NULL;
}

static int has_mojibake(const char *s, size_t len) {
  if (nl_unicode_is_ascii(s, len)) return 0; /* the common case */
  nl_mojibake_span *spans;
  ptrdiff_t n = nl_mojibake_find(s, len, &spans);
  nl_mojibake_spans_free(spans, n > 0 ? (size_t)n : 0);
  return n > 0;
}

nl_entry *nl_ws_resolve_mention(const nl_workspace *ws, const nl_entry *from,
                                const nl_mention *m, size_t *matched_len) {
  const char *tail = m->tail != NULL ? m->tail : "";
  size_t len = strlen(tail), matched = 0;
  nl_entry *e = person_prefix(ws, from, tail, len, 0, &matched);
  /* "@LÃ©a" names Léa when the repair is certain (lsp/note/mojibake.h): the bytes written
   * stay the mention's, only the name is read repaired. */
  if (e == NULL && has_mojibake(tail, len)) e = person_prefix(ws, from, tail, len, 1, &matched);
  if (e == NULL) {
    matched = m->tail != NULL ? nl_mention_word_len(m) : 0;
    e = nl_ws_resolve_kind(ws, from, NL_KIND_PERSON, tail, matched);
  }
  if (matched_len != NULL) *matched_len = matched;
  return e;
}

nl_entry *nl_ws_resolve_account_tag(const nl_workspace *ws, const nl_entry *from,
                                    const char *tag, size_t len) {
  static const char prefix[] = "account/";
  if (len > 0 && tag[0] == '#') tag++, len--;
  if (len <= sizeof(prefix) - 1 || strncasecmp(tag, prefix, sizeof(prefix) - 1) != 0) return NULL;
  nl_wsi_key k;
  nl_wsi_slug_make(&k, tag + sizeof(prefix) - 1, len - (sizeof(prefix) - 1));
  nl_entry *best = NULL;
  uint32_t n;
  const uint32_t *ids = nl_strmap_get(&ws->slugs, k.s, k.len, &n);
  kind_in want = {NL_KIND_ACCOUNT, from};
  collect(ws, NULL, ids, n, of_kind, &want, &best, 1);
  nl_wsi_key_done(&k);
  return best;
}
