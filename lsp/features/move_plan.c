/* move_plan.c: what a move of files in the editor moves: the request's {oldUri, newUri} pairs
 * read into notes and attachments with their paths after the move (move_plan.h). */
#include "lsp/features/move_plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "protocol/lsp_types.h"
#include "protocol/rpc.h"

void nl_move_plan_free(nl_move_plan *p) {
  for (size_t i = 0; i < p->n; i++) {
    free(p->m[i].abs);
    free(p->m[i].rel);
    free(p->m[i].uri);
    free(p->m[i].key);
  }
  free(p->m);
  for (size_t i = 0; i < p->an; i++) {
    free(p->am[i].rel);
    free(p->am[i].key);
  }
  free(p->am);
  free(p->slot);
  free(p->by_key);
}

const nl_move_note *nl_move_of(const nl_move_plan *p, const nl_entry *e) {
  return p->slot[e->id] ? &p->m[p->slot[e->id] - 1] : NULL;
}

const char *nl_move_rel_after(const nl_move_plan *p, const nl_entry *e) {
  const nl_move_note *m = nl_move_of(p, e);
  return m ? m->rel : e->rel;
}

/* The file name (without .md) of e after the move. */
const char *nl_move_name_after(const nl_move_plan *p, const nl_entry *e, size_t *len) {
  const nl_move_note *m = nl_move_of(p, e);
  if (m == NULL) {
    *len = strlen(e->name);
    return e->name;
  }
  *len = m->name_len;
  return m->name;
}

/* The vault path of new_abs (borrowed: its tail) for a file at abs of vault path rel, or NULL
 * when new_abs leaves that file's root. */
static const char *rel_in_root(const char *abs, const char *rel, const char *new_abs) {
  size_t root = strlen(abs) - strlen(rel); /* abs is root "/" rel */
  if (strncmp(new_abs, abs, root) != 0 || strlen(new_abs) <= root) return NULL;
  return new_abs + root;
}

/* Room for one more of *n elements of `size` bytes in *arr (capacity *cap); 0, or -1 when out
 * of memory. */
static int grow(void **arr, size_t *cap, size_t n, size_t size) {
  if (n < *cap) return 0;
  size_t c = *cap ? *cap * 2 : 16;
  void *x = realloc(*arr, c * size);
  if (x == NULL) return -1;
  *arr = x;
  *cap = c;
  return 0;
}

/* Where the file at abs, inside folder old (length ol), lands when the folder moves to
 * new_folder: new (free()), NULL when out of memory. */
static char *in_moved_folder(const char *abs, size_t ol, const char *new_folder) {
  size_t cap = strlen(new_folder) + strlen(abs + ol) + 1;
  char *to = malloc(cap);
  if (to != NULL) snprintf(to, cap, "%s%s", new_folder, abs + ol);
  return to;
}

/* Records that e moves to new_abs; 0, or -1 when out of memory. Moves out of e's root are
 * not recorded: links to a note outside the vault cannot be kept. */
static int add_move(nl_move_plan *p, const nl_entry *e, const char *new_abs) {
  const char *rel = rel_in_root(e->abs, e->rel, new_abs);
  if (rel == NULL) return 0;
  size_t nl = strlen(rel);
  if (nl < 4 || strcasecmp(rel + nl - 3, ".md") != 0) return 0; /* no longer a note */
  if (p->slot[e->id]) return 0;
  if (grow((void **)&p->m, &p->cap, p->n, sizeof *p->m) != 0) return -1;
  nl_move_note *m = &p->m[p->n];
  m->e = e;
  m->abs = strdup(new_abs);
  m->rel = strdup(rel);
  m->uri = nl_path_to_uri(new_abs);
  if (m->abs == NULL || m->rel == NULL || m->uri == NULL) {
    free(m->abs);
    free(m->rel);
    free(m->uri);
    return -1;
  }
  const char *slash = strrchr(m->rel, '/');
  m->name = slash ? slash + 1 : m->rel;
  m->name_len = strlen(m->name) - 3;
  size_t kl;
  m->key = nl_ws_name_key(m->name, m->name_len, &kl);
  if (m->key == NULL) {
    free(m->abs);
    free(m->rel);
    free(m->uri);
    return -1;
  }
  p->slot[e->id] = (uint32_t)++p->n;
  return 0;
}

const nl_move_att *nl_move_att_of(const nl_move_plan *p, const char *abs) {
  for (size_t i = 0; i < p->an; i++)
    if (strcmp(p->am[i].old_abs, abs) == 0) return &p->am[i];
  return NULL;
}

/* Records that the attachment at abs (vault path rel) moves to new_abs; 0, or -1 when out of
 * memory. A move out of its root, or to a note's name, is not recorded. */
static int add_att_move(nl_move_plan *p, const char *abs, const char *rel, const char *new_abs) {
  const char *to = rel_in_root(abs, rel, new_abs);
  if (to == NULL) return 0;
  size_t tl = strlen(to);
  if ((tl >= 3 && strcasecmp(to + tl - 3, ".md") == 0) || nl_move_att_of(p, abs)) return 0;
  if (grow((void **)&p->am, &p->acap, p->an, sizeof *p->am) != 0) return -1;
  nl_move_att *a = &p->am[p->an];
  a->old_abs = abs;
  a->old_rel = rel;
  a->root = nl_ws_root_of(p->ctx->ws, abs);
  a->rel = strdup(to);
  const char *slash = a->rel ? strrchr(a->rel, '/') : NULL;
  const char *name = slash ? slash + 1 : a->rel;
  size_t kl;
  a->key = a->rel ? nl_ws_name_key(name, strlen(name), &kl) : NULL;
  if (a->key == NULL) {
    free(a->rel);
    return -1;
  }
  p->an++;
  return 0;
}

/* The attachment at oa moved to na, or every attachment in folder oa (length ol) moved. */
static int read_att_moves(nl_move_plan *p, const char *oa, const char *na) {
  const nl_workspace *ws = p->ctx->ws;
  size_t ol = strlen(oa);
  int rc = 0;
  for (uint32_t id = 0; id < nl_ws_attachment_limit(ws) && rc == 0; id++) {
    const char *rel, *abs = nl_ws_attachment_get(ws, id, &rel);
    if (abs == NULL || strncmp(abs, oa, ol) != 0) continue;
    if (abs[ol] == '\0') {
      rc = add_att_move(p, abs, rel, na);
      continue;
    }
    if (abs[ol] != '/') continue;
    char *to = in_moved_folder(abs, ol, na);
    if (to == NULL) return -1;
    rc = add_att_move(p, abs, rel, to);
    free(to);
  }
  return rc;
}

static int index_keys(nl_move_plan *p);

int nl_move_read(nl_move_plan *p, const json_t *params, char *err, size_t err_size) {
  const json_t *files = json_object_get(params, "files");
  if (!json_is_array(files)) {
    snprintf(err, err_size, "files must be an array");
    return NL_RPC_INVALID_PARAMS;
  }
  const nl_workspace *ws = p->ctx->ws;
  size_t i;
  const json_t *f;
  json_array_foreach(files, i, f) {
    const char *ou = json_string_value(json_object_get(f, "oldUri"));
    const char *nu = json_string_value(json_object_get(f, "newUri"));
    if (ou == NULL || nu == NULL) {
      snprintf(err, err_size, "files[%zu] needs oldUri and newUri strings", i);
      return NL_RPC_INVALID_PARAMS;
    }
    char *oa = nl_uri_to_path(ou), *na = nl_uri_to_path(nu);
    int rc = 0;
    if (oa != NULL && na != NULL) {
      const nl_entry *e = nl_ws_by_path(ws, oa);
      if (e != NULL) {
        rc = add_move(p, e, na);
      } else {
        size_t ol = strlen(oa);
        for (uint32_t id = 0; id < nl_ws_id_limit(ws) && rc == 0; id++) {
          const nl_entry *x = nl_ws_get(ws, id);
          if (x == NULL || strncmp(x->abs, oa, ol) != 0 || x->abs[ol] != '/') continue;
          char *to = in_moved_folder(x->abs, ol, na);
          if (to == NULL) {
            rc = -1;
            break;
          }
          rc = add_move(p, x, to);
          free(to);
        }
        if (rc == 0) rc = read_att_moves(p, oa, na);
      }
    }
    free(oa);
    free(na);
    if (rc != 0) {
      snprintf(err, err_size, "out of memory");
      return NL_RPC_INTERNAL_ERROR;
    }
  }
  if (index_keys(p) != 0) {
    snprintf(err, err_size, "out of memory");
    return NL_RPC_INTERNAL_ERROR;
  }
  return 0;
}

/* ---- resolution after the move ----------------------------------------------------------- */

static const nl_move_plan *sort_plan; /* qsort has no context argument */

static int cmp_key(const void *a, const void *b) {
  return strcmp(sort_plan->m[*(const uint32_t *)a].key, sort_plan->m[*(const uint32_t *)b].key);
}

static int index_keys(nl_move_plan *p) {
  p->by_key = malloc((p->n + 1) * sizeof *p->by_key);
  if (p->by_key == NULL) return -1;
  for (size_t i = 0; i < p->n; i++) p->by_key[i] = (uint32_t)i;
  sort_plan = p;
  qsort(p->by_key, p->n, sizeof *p->by_key, cmp_key);
  return 0;
}

/* The moved notes whose new name has key `key`: by_key[*first .. *first + count). */
size_t nl_move_named(const nl_move_plan *p, const char *key, size_t *first) {
  size_t lo = 0, hi = p->n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (strcmp(p->m[p->by_key[mid]].key, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  size_t end = lo;
  while (end < p->n && strcmp(p->m[p->by_key[end]].key, key) == 0) end++;
  *first = lo;
  return end - lo;
}

int nl_move_plan_init(nl_move_plan *p, const nl_ctx *ctx, int after) {
  memset(p, 0, sizeof *p);
  p->ctx = ctx;
  p->after = after;
  p->slot = calloc(nl_ws_id_limit(ctx->ws) + 1, sizeof *p->slot);
  return p->slot != NULL ? 0 : -1;
}

void nl_move_describe(const nl_move_plan *p, char *buf, size_t size) {
  if (p->n + p->an == 1) {
    snprintf(buf, size, "%s '%s'", p->n ? "note" : "attachment", p->n ? p->m[0].rel : p->am[0].rel);
    return;
  }
  char notes[48] = "", atts[48] = "";
  if (p->n) snprintf(notes, sizeof notes, "%zu note%s", p->n, p->n == 1 ? "" : "s");
  if (p->an) snprintf(atts, sizeof atts, "%zu attachment%s", p->an, p->an == 1 ? "" : "s");
  snprintf(buf, size, "%s%s%s", notes, p->n && p->an ? " and " : "", atts);
}
