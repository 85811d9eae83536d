/* name_keys.c: the keys the index's name maps are keyed by (workspace_impl.h): a name's key
 * (nl_unicode_key: NFC, case-folded), an account's slug key, and a link target's last path
 * segment. */
#include "lsp/index/workspace_impl.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lsp/base/unicode.h"

void nl_wsi_key_make(nl_wsi_key *k, const char *s, size_t len) {
  k->heap = NULL;
  size_t n = nl_unicode_key_into(s, len, k->buf, sizeof(k->buf));
  if (n < sizeof(k->buf)) {
    k->s = k->buf;
    k->len = n;
    return;
  }
  k->heap = nl_unicode_key(s, len, &k->len);
  k->s = k->heap != NULL ? k->heap : "";
  if (k->heap == NULL) k->len = 0;
}

/* The slug key of an account name: its key without spaces, '-' and '_'. */
void nl_wsi_slug_make(nl_wsi_key *k, const char *s, size_t len) {
  nl_wsi_key_make(k, s, len);
  char *w = k->heap != NULL ? k->heap : k->buf;
  if (k->s != w) return; /* "" on OOM */
  size_t j = 0;
  for (size_t i = 0; i < k->len; i++)
    if (w[i] != ' ' && w[i] != '-' && w[i] != '_') w[j++] = w[i];
  w[j] = '\0';
  k->len = j;
}

void nl_wsi_key_done(nl_wsi_key *k) { free(k->heap); }

void nl_wsi_map_key(nl_strmap *m, const char *s, size_t len, uint32_t id, int add,
                    void (*make)(nl_wsi_key *, const char *, size_t)) {
  nl_wsi_key k;
  make(&k, s, len);
  if (k.len > 0) {
    if (add)
      nl_strmap_add(m, k.s, k.len, id);
    else
      nl_strmap_remove(m, k.s, k.len, id);
  }
  nl_wsi_key_done(&k);
}

int nl_wsi_same_key(const char *a, const char *b) {
  nl_wsi_key ka, kb;
  nl_wsi_key_make(&ka, a, strlen(a));
  nl_wsi_key_make(&kb, b, strlen(b));
  int same = ka.len == kb.len && memcmp(ka.s, kb.s, ka.len) == 0;
  nl_wsi_key_done(&ka);
  nl_wsi_key_done(&kb);
  return same;
}

/* The last path segment of a link target without a ".md" suffix: what refs is keyed by. */
void nl_wsi_link_base(const char *t, const char **s, size_t *len) {
  const char *slash = strrchr(t, '/');
  const char *b = slash != NULL ? slash + 1 : t;
  size_t n = strlen(b);
  if (n >= 3 && strcasecmp(b + n - 3, ".md") == 0) n -= 3;
  *s = b;
  *len = n;
}
