#include "lsp/index/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "lsp/base/clock.h"
#include "lsp/base/log.h"
#include "lsp/base/error.h"
#include "lsp/base/unicode.h"
#include "lsp/index/glob.h"
#include "lsp/note/note.h"

static const char *const kind_names[NL_KIND__COUNT] = {"note", "person", "account", "project",
                                                       "meeting"};
static const char *const default_folders[NL_KIND__COUNT] = {NULL, "People", "Accounts",
                                                            "Projects", "Meetings"};

const char *nl_kind_name(nl_kind kind) {
  return kind < NL_KIND__COUNT ? kind_names[kind] : "note";
}

/* ---- string lists ------------------------------------------------------------------------ */

static void strlist_clear(nl_strlist *l) {
  for (size_t i = 0; i < l->n; i++) free(l->items[i]);
  free(l->items);
  l->items = NULL;
  l->n = 0;
}

int nl_strlist_push(nl_strlist *l, const char *s) {
  char **items = realloc(l->items, (l->n + 1) * sizeof(*items));
  if (items == NULL) return NL_ENOMEM;
  l->items = items;
  if ((items[l->n] = strdup(s)) == NULL) return NL_ENOMEM;
  l->n++;
  return 0;
}

nl_config *nl_config_new(void) {
  nl_config *cfg = calloc(1, sizeof(*cfg));
  if (cfg == NULL) return NULL;
  int rc = 0;
  for (int k = NL_KIND_PERSON; k < NL_KIND__COUNT; k++) {
    rc |= nl_strlist_push(&cfg->folders[k], default_folders[k]);
    rc |= nl_strlist_push(&cfg->types[k], kind_names[k]);
  }
  rc |= nl_strlist_push(&cfg->owner, "Myself");
  rc |= nl_strlist_push(&cfg->owner, "me");
  cfg->max_file_size = 8u << 20;
  cfg->max_notes = NL_CONFIG_MAX_NOTES;
  cfg->log_level = 0; /* unset: the command line decides */
  cfg->diagnostics_vault = 1;
  cfg->diagnostics_max_notes = 1000;
  cfg->cache = 1;
  if (rc != 0) {
    nl_config_free(cfg);
    return NULL;
  }
  return cfg;
}

void nl_config_free(nl_config *cfg) {
  if (cfg == NULL) return;
  for (int k = 0; k < NL_KIND__COUNT; k++) {
    strlist_clear(&cfg->folders[k]);
    strlist_clear(&cfg->types[k]);
  }
  strlist_clear(&cfg->ignore);
  strlist_clear(&cfg->owner);
  strlist_clear(&cfg->templates);
  for (int k = 0; k < NL_KIND__COUNT; k++) free(cfg->kind_template[k]);
  strlist_clear(&cfg->vault_templates);
  strlist_clear(&cfg->vault_ignore);
  strlist_clear(&cfg->excluded);
  free(cfg->attachment_folder);
  free(cfg->template_date_format);
  free(cfg->template_time_format);
  nl_task_settings_clear(&cfg->tasks);
  for (size_t i = 0; i < cfg->n_vaults; i++) {
    nl_config_free(cfg->vaults[i]);
    free(cfg->vault_roots[i]);
  }
  free(cfg->vaults);
  free(cfg->vault_roots);
  free(cfg);
}

static int strlist_copy(nl_strlist *dst, const nl_strlist *src) {
  for (size_t i = 0; i < src->n; i++)
    if (nl_strlist_push(dst, src->items[i]) != 0) return -1;
  return 0;
}

nl_config *nl_config_copy(const nl_config *cfg) {
  nl_config *c = calloc(1, sizeof(*c));
  if (c == NULL) return NULL;
  int rc = 0;
  for (int k = 0; k < NL_KIND__COUNT; k++) {
    rc |= strlist_copy(&c->folders[k], &cfg->folders[k]);
    rc |= strlist_copy(&c->types[k], &cfg->types[k]);
  }
  rc |= strlist_copy(&c->ignore, &cfg->ignore);
  rc |= strlist_copy(&c->owner, &cfg->owner);
  rc |= strlist_copy(&c->templates, &cfg->templates);
  for (int k = 0; k < NL_KIND__COUNT; k++)
    if (cfg->kind_template[k] != NULL && (c->kind_template[k] = strdup(cfg->kind_template[k])) == NULL)
      rc = -1;
  rc |= strlist_copy(&c->vault_templates, &cfg->vault_templates);
  rc |= nl_task_settings_copy(&c->tasks, &cfg->tasks);
  rc |= strlist_copy(&c->vault_ignore, &cfg->vault_ignore);
  rc |= strlist_copy(&c->excluded, &cfg->excluded);
  c->use_markdown_links = cfg->use_markdown_links;
  c->link_format = cfg->link_format;
  if (cfg->attachment_folder != NULL && (c->attachment_folder = strdup(cfg->attachment_folder)) == NULL)
    rc = -1;
  if (cfg->template_date_format != NULL &&
      (c->template_date_format = strdup(cfg->template_date_format)) == NULL)
    rc = -1;
  if (cfg->template_time_format != NULL &&
      (c->template_time_format = strdup(cfg->template_time_format)) == NULL)
    rc = -1;
  c->max_file_size = cfg->max_file_size;
  c->max_notes = cfg->max_notes;
  c->diagnostics_vault = cfg->diagnostics_vault;
  c->diagnostics_max_notes = cfg->diagnostics_max_notes;
  c->has_today = cfg->has_today;
  c->today = cfg->today;
  c->log_level = cfg->log_level;
  c->cache = cfg->cache;
  if (rc == 0 && cfg->n_vaults > 0) {
    c->vaults = calloc(cfg->n_vaults, sizeof(*c->vaults));
    c->vault_roots = calloc(cfg->n_vaults, sizeof(*c->vault_roots));
    rc = c->vaults != NULL && c->vault_roots != NULL ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < cfg->n_vaults; i++, c->n_vaults++) {
      c->vaults[i] = nl_config_copy(cfg->vaults[i]);
      c->vault_roots[i] = strdup(cfg->vault_roots[i]);
      if (c->vaults[i] == NULL || c->vault_roots[i] == NULL) rc = -1;
    }
  }
  if (rc != 0) {
    nl_config_free(c);
    return NULL;
  }
  return c;
}

int nl_config_add_vault(nl_config *cfg, const char *root) {
  nl_config **vaults = realloc(cfg->vaults, (cfg->n_vaults + 1) * sizeof(*vaults));
  if (vaults == NULL) return NL_ENOMEM;
  cfg->vaults = vaults;
  char **roots = realloc(cfg->vault_roots, (cfg->n_vaults + 1) * sizeof(*roots));
  if (roots == NULL) return NL_ENOMEM;
  cfg->vault_roots = roots;
  /* The copy of cfg carries none of cfg's own per-folder configurations. */
  size_t n = cfg->n_vaults;
  cfg->n_vaults = 0;
  nl_config *v = nl_config_copy(cfg);
  cfg->n_vaults = n;
  char *r = strdup(root);
  if (v == NULL || r == NULL || nl_config_apply_vault(v, root) < 0) {
    nl_config_free(v);
    free(r);
    return NL_ENOMEM;
  }
  cfg->vaults[n] = v;
  cfg->vault_roots[n] = r;
  cfg->n_vaults++;
  return 0;
}

const nl_config *nl_config_at(const nl_config *cfg, const char *abs) {
  const nl_config *best = cfg;
  size_t best_len = 0;
  for (size_t i = 0; abs != NULL && i < cfg->n_vaults; i++) {
    const char *root = cfg->vault_roots[i];
    size_t n = strlen(root);
    while (n > 1 && root[n - 1] == '/') n--;
    if (n > best_len && strncmp(abs, root, n) == 0 && (abs[n] == '/' || abs[n] == '\0')) {
      best = cfg->vaults[i];
      best_len = n;
    }
  }
  return best;
}

/* ---- applying JSON ----------------------------------------------------------------------- */

typedef struct {
  char *buf;
  size_t size;
  size_t len;
  int failed;
} problems;

static void problem(problems *p, const char *fmt, ...) {
  p->failed = 1;
  if (p->buf == NULL || p->size == 0) return;
  if (p->len > 0 && p->len + 2 < p->size) {
    memcpy(p->buf + p->len, "; ", 3);
    p->len += 2;
  }
  if (p->len >= p->size) return;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(p->buf + p->len, p->size - p->len, fmt, ap);
  va_end(ap);
  if (n > 0) p->len += (size_t)n < p->size - p->len ? (size_t)n : p->size - p->len - 1;
}

/* A string or a list of strings becomes the list; anything else is a problem. */
static void apply_strlist(nl_strlist *dst, const json_t *v, const char *key, problems *p) {
  nl_strlist l = {0};
  if (json_is_string(v)) {
    if (nl_strlist_push(&l, json_string_value(v)) != 0) goto oom;
  } else if (json_is_array(v)) {
    size_t i;
    const json_t *item;
    json_array_foreach(v, i, item) {
      if (!json_is_string(item)) {
        problem(p, "%s[%zu]: expected a string", key, i);
        strlist_clear(&l);
        return;
      }
      if (nl_strlist_push(&l, json_string_value(item)) != 0) goto oom;
    }
  } else {
    problem(p, "%s: expected a string or a list of strings", key);
    return;
  }
  strlist_clear(dst);
  *dst = l;
  return;
oom:
  strlist_clear(&l);
  problem(p, "%s: out of memory", key);
}

static int kind_parse(const char *name);

/* `templates:` a list of folders, or {folders: [...], <kind>: "Templates/Person.md", ...}. */
static void apply_templates(nl_config *cfg, const json_t *v, problems *p) {
  if (!json_is_object(v)) {
    apply_strlist(&cfg->templates, v, "templates", p);
    return;
  }
  const json_t *folders = json_object_get(v, "folders");
  if (folders != NULL) apply_strlist(&cfg->templates, folders, "templates.folders", p);
  const char *key;
  const json_t *item;
  json_object_foreach((json_t *)v, key, item) {
    if (strcmp(key, "folders") == 0) continue;
    int k = strcmp(key, "note") == 0 ? NL_KIND_NOTE : kind_parse(key);
    const char *path = json_string_value(item);
    if (k < 0 || path == NULL || *path == '\0' || path[0] == '/' || strstr(path, "..") != NULL) {
      problem(p, k < 0 ? "templates.%s: unknown kind (person, account, project, meeting, note)"
                       : "templates.%s: expected a vault-relative path to a note",
              key);
      continue;
    }
    char *copy = strdup(path);
    if (copy == NULL) continue;
    free(cfg->kind_template[k]);
    cfg->kind_template[k] = copy;
    const char *slash = strrchr(path, '/');
    if (slash != NULL && slash > path) {
      char folder[1024];
      snprintf(folder, sizeof folder, "%.*s", (int)(slash - path), path);
      nl_strlist_push(&cfg->templates, folder);
    }
  }
}

static int kind_parse(const char *name) {
  for (int k = NL_KIND_PERSON; k < NL_KIND__COUNT; k++)
    if (strcasecmp(name, kind_names[k]) == 0) return k;
  return -1;
}

/* Folders where notes are created must stay inside the vault: "../outside" or "/tmp" would
 * have "Create note" write anywhere. 1 when `f` is a vault-relative folder. */
static int folder_inside(const char *f) {
  if (f[0] == '/') return 0;
  for (const char *s = f; *s != '\0'; s++) {
    if ((unsigned char)*s < 0x20 || *s == '\\') return 0;
    if ((s == f || s[-1] == '/') && s[0] == '.' && s[1] == '.' && (s[2] == '/' || s[2] == '\0'))
      return 0;
  }
  return 1;
}

/* Refuses a folders.<kind> value naming a folder outside the vault; 1 when it is fine. */
static int folders_inside(const json_t *item, const char *key, problems *p) {
  size_t i, n = json_is_array(item) ? json_array_size(item) : 1;
  for (i = 0; i < n; i++) {
    const char *f = json_string_value(json_is_array(item) ? json_array_get(item, i) : item);
    if (f != NULL && !folder_inside(f)) {
      problem(p, "%s: '%s' is not a folder inside the vault (no leading '/', no '..')", key, f);
      return 0;
    }
  }
  return 1;
}

static void apply_per_kind(nl_strlist *lists, const json_t *v, const char *key, problems *p,
                           int inside_vault) {
  if (!json_is_object(v)) {
    problem(p, "%s: expected a mapping of person/account/project/meeting to lists", key);
    return;
  }
  const char *k;
  const json_t *item;
  json_object_foreach((json_t *)v, k, item) {
    int kind = kind_parse(k);
    char name[128];
    snprintf(name, sizeof(name), "%s.%s", key, k);
    if (kind < 0) {
      problem(p, "%s: unknown kind (expected person, account, project or meeting)", name);
      continue;
    }
    if (json_is_null(item)) {
      strlist_clear(&lists[kind]);
      continue;
    }
    if (inside_vault && !folders_inside(item, name, p)) continue;
    apply_strlist(&lists[kind], item, name, p);
  }
}

static void apply_today(nl_config *cfg, const json_t *v, problems *p) {
  if (json_is_null(v)) {
    cfg->has_today = 0;
    return;
  }
  int32_t days;
  const char *s = json_string_value(v);
  if (s == NULL || nl_date_parse(s, strlen(s), &days) != 0) {
    problem(p, "today: expected YYYY-MM-DD, got %s", s != NULL ? s : "a non-string");
    return;
  }
  cfg->has_today = 1;
  cfg->today = days;
}

static void apply_size(nl_config *cfg, const json_t *v, problems *p) {
  if (!json_is_integer(v) || json_integer_value(v) <= 0) {
    problem(p, "maxFileSize: expected a positive number of bytes");
    return;
  }
  cfg->max_file_size = (size_t)json_integer_value(v);
}

static void apply_max_notes(nl_config *cfg, const json_t *v, problems *p) {
  if (!json_is_integer(v) || json_integer_value(v) <= 0) {
    problem(p, "maxNotes: expected a positive number of notes");
    return;
  }
  cfg->max_notes = (size_t)json_integer_value(v);
}

static void apply_level(nl_config *cfg, const json_t *v, problems *p) {
  int level = nl_log_level_parse(json_string_value(v));
  if (level < 0) {
    problem(p, "logLevel: expected error, warn, info or debug");
    return;
  }
  cfg->log_level = level;
}

/* One status: a type name, or {type, name, next}. */
static int status_def(nl_task_status_def *d, const char *symbol, const json_t *v, problems *p) {
  const json_t *type = json_is_object(v) ? json_object_get(v, "type") : v;
  const char *name = json_string_value(json_object_get(v, "name"));
  const char *next = json_string_value(json_object_get(v, "next"));
  size_t adv = 0;
  uint32_t cp = nl_unicode_decode(symbol, strlen(symbol), &adv);
  if (symbol[0] == '\0' || adv != strlen(symbol) || cp < 0x20 || cp == 0xFFFD) {
    problem(p, "tasks.statuses.%s: a status symbol is one character", symbol);
    return -1;
  }
  int t = nl_task_status_parse(json_string_value(type));
  if (t < 0) {
    problem(p, "tasks.statuses.%s: expected a type (todo, in_progress, done, cancelled, non_task)"
            " or {type, name, next}", symbol);
    return -1;
  }
  if (next != NULL && (strlen(next) >= sizeof(d->next))) {
    problem(p, "tasks.statuses.%s.next: a status symbol is one character", symbol);
    return -1;
  }
  memcpy(d->symbol, symbol, adv + 1);
  snprintf(d->next, sizeof(d->next), "%s", next != NULL ? next : "");
  d->type = (uint8_t)t;
  d->name = strdup(name != NULL ? name : symbol);
  return d->name == NULL ? -1 : 0;
}

static void apply_statuses(nl_task_settings *ts, const json_t *v, problems *p) {
  if (json_is_null(v)) {
    nl_task_settings s = {0};
    s.question_is_proposed = ts->question_is_proposed;
    nl_task_settings_clear(ts);
    *ts = s;
    return;
  }
  if (!json_is_object(v)) {
    problem(p, "tasks.statuses: expected a mapping of status symbols to types");
    return;
  }
  nl_task_status_def *defs = calloc(json_object_size(v) + 1, sizeof(*defs));
  size_t n = 0;
  const char *sym;
  const json_t *item;
  if (defs == NULL) {
    problem(p, "tasks.statuses: out of memory");
    return;
  }
  json_object_foreach((json_t *)v, sym, item) {
    if (status_def(&defs[n], sym, item, p) == 0) n++;
  }
  for (size_t i = 0; i < ts->n_statuses; i++) free(ts->statuses[i].name);
  free(ts->statuses);
  ts->statuses = defs;
  ts->n_statuses = n;
}

static void apply_tasks(nl_config *cfg, const json_t *v, problems *p) {
  if (!json_is_object(v)) {
    problem(p, "tasks: expected a mapping (statuses, questionIsProposed)");
    return;
  }
  const char *key;
  const json_t *item;
  json_object_foreach((json_t *)v, key, item) {
    if (strcmp(key, "statuses") == 0) {
      apply_statuses(&cfg->tasks, item, p);
    } else if (strcmp(key, "questionIsProposed") == 0) {
      if (!json_is_boolean(item))
        problem(p, "tasks.questionIsProposed: expected true or false");
      else
        cfg->tasks.question_is_proposed = json_is_true(item);
    } else {
      problem(p, "tasks.%s: unknown setting", key);
    }
  }
}

static void apply_diagnostics(nl_config *cfg, const json_t *v, problems *p) {
  if (!json_is_object(v)) {
    problem(p, "diagnostics: expected a mapping (scope, maxNotes)");
    return;
  }
  const char *key;
  const json_t *item;
  json_object_foreach((json_t *)v, key, item) {
    const char *scope = json_string_value(item);
    if (strcmp(key, "scope") == 0) {
      if (scope != NULL && (strcmp(scope, "open") == 0 || strcmp(scope, "vault") == 0))
        cfg->diagnostics_vault = strcmp(scope, "vault") == 0;
      else
        problem(p, "diagnostics.scope: expected open or vault");
    } else if (strcmp(key, "maxNotes") == 0) {
      if (!json_is_integer(item) || json_integer_value(item) < 0)
        problem(p, "diagnostics.maxNotes: expected a number of notes");
      else
        cfg->diagnostics_max_notes = (size_t)json_integer_value(item);
    } else {
      problem(p, "diagnostics.%s: unknown setting", key);
    }
  }
}

/* A boolean; YAML's plain true and false arrive as strings. */
static void apply_cache(nl_config *cfg, const json_t *v, problems *p) {
  const char *s = json_string_value(v);
  if (json_is_boolean(v))
    cfg->cache = json_is_true(v);
  else if (s != NULL && (strcmp(s, "true") == 0 || strcmp(s, "false") == 0))
    cfg->cache = s[0] == 't';
  else
    problem(p, "cache: expected true or false");
}

int nl_config_apply_json(nl_config *cfg, const json_t *obj, char *err, size_t err_size) {
  problems p = {err, err_size, 0, 0};
  if (err != NULL && err_size > 0) err[0] = '\0';
  if (obj == NULL || json_is_null(obj)) return 0;
  if (!json_is_object(obj)) {
    problem(&p, "configuration: expected a mapping");
    return -1;
  }
  const char *key;
  const json_t *v;
  json_object_foreach((json_t *)obj, key, v) {
    if (strcmp(key, "folders") == 0)
      apply_per_kind(cfg->folders, v, key, &p, 1);
    else if (strcmp(key, "types") == 0)
      apply_per_kind(cfg->types, v, key, &p, 0);
    else if (strcmp(key, "ignore") == 0)
      apply_strlist(&cfg->ignore, v, key, &p);
    else if (strcmp(key, "owner") == 0)
      apply_strlist(&cfg->owner, v, key, &p);
    else if (strcmp(key, "maxFileSize") == 0)
      apply_size(cfg, v, &p);
    else if (strcmp(key, "maxNotes") == 0)
      apply_max_notes(cfg, v, &p);
    else if (strcmp(key, "today") == 0)
      apply_today(cfg, v, &p);
    else if (strcmp(key, "logLevel") == 0)
      apply_level(cfg, v, &p);
    else if (strcmp(key, "templates") == 0)
      apply_templates(cfg, v, &p);
    else if (strcmp(key, "tasks") == 0)
      apply_tasks(cfg, v, &p);
    else if (strcmp(key, "diagnostics") == 0)
      apply_diagnostics(cfg, v, &p);
    else if (strcmp(key, "cache") == 0)
      apply_cache(cfg, v, &p);
    else
      problem(&p, "%s: unknown setting", key);
  }
  return p.failed ? -1 : 0;
}

/* ---- queries ----------------------------------------------------------------------------- */

int32_t nl_config_today(const nl_config *cfg) {
  if (cfg->has_today) return cfg->today;
  struct tm tm;
  nl_clock_local(&tm);
  char buf[48];
  snprintf(buf, sizeof(buf), "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  int32_t days = 0;
  nl_date_parse(buf, 10, &days);
  return days;
}

int64_t nl_config_now(const nl_config *cfg) {
  if (!cfg->has_today) return nl_clock_now_ms() / 1000;
  /* A fixed day starts at its local midnight: tests never see the clock. */
  int32_t y, m, d;
  nl_date_civil(cfg->today, &y, &m, &d);
  struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_isdst = -1};
  time_t t = mktime(&tm);
  return t != (time_t)-1 ? (int64_t)t : (int64_t)cfg->today * 86400;
}

/* Whether rel lies in folder: a path prefix, or for a glob (any folder named People: '**'
 * then "/People") any folder of rel's path that the glob matches. */
static int in_folder(const char *rel, const char *folder) {
  size_t n = strlen(folder);
  while (n > 0 && folder[n - 1] == '/') n--;
  if (n == 0) return 0;
  if (strpbrk(folder, "*?") == NULL) return strncasecmp(rel, folder, n) == 0 && rel[n] == '/';
  char pat[512], dir[4096];
  if (n >= sizeof pat) return 0;
  memcpy(pat, folder, n);
  pat[n] = '\0';
  for (const char *slash = strchr(rel, '/'); slash != NULL; slash = strchr(slash + 1, '/')) {
    size_t dl = (size_t)(slash - rel);
    if (dl >= sizeof dir) break;
    memcpy(dir, rel, dl);
    dir[dl] = '\0';
    if (nl_glob_match(pat, dir)) return 1;
  }
  return 0;
}

nl_kind nl_config_kind(const nl_config *cfg, const char *rel_path, const char *type) {
  if (type != NULL && *type != '\0') {
    for (int k = NL_KIND_PERSON; k < NL_KIND__COUNT; k++)
      for (size_t i = 0; i < cfg->types[k].n; i++)
        if (strcasecmp(type, cfg->types[k].items[i]) == 0) return (nl_kind)k;
  }
  for (int k = NL_KIND_PERSON; k < NL_KIND__COUNT; k++)
    for (size_t i = 0; i < cfg->folders[k].n; i++)
      if (in_folder(rel_path, cfg->folders[k].items[i])) return (nl_kind)k;
  return NL_KIND_NOTE;
}

static int list_ignores(const nl_strlist *list, const char *rel_path);

int nl_config_ignored(const nl_config *cfg, const char *rel_path) {
  return list_ignores(&cfg->ignore, rel_path) || list_ignores(&cfg->vault_ignore, rel_path);
}

int nl_config_excluded(const nl_config *cfg, const char *rel_path) {
  return list_ignores(&cfg->excluded, rel_path);
}

/* Whether rel_path matches a glob of list, or lies below a folder one matches. */
static int list_ignores(const nl_strlist *list, const char *rel_path) {
  for (size_t i = 0; i < list->n; i++)
    if (nl_config_glob_match(list->items[i], rel_path)) return 1;
  return 0;
}

int nl_config_glob_match(const char *pat, const char *rel_path) {
  if (nl_glob_match(pat, rel_path)) return 1;
  /* A folder pattern matches everything below it. */
  size_t n = strlen(pat);
  if (n > 0 && strncmp(rel_path, pat, n) == 0 && rel_path[n] == '/') return 1;
  if (strchr(pat, '/') != NULL) return 0;
  /* A pattern without '/' matches any one segment ("*.tmp.md", "drafts"). */
  for (const char *seg = rel_path; seg != NULL; seg = strchr(seg, '/')) {
    if (*seg == '/') seg++;
    const char *end = strchr(seg, '/');
    char part[512];
    size_t len = end != NULL ? (size_t)(end - seg) : strlen(seg);
    if (len >= sizeof(part)) continue;
    memcpy(part, seg, len);
    part[len] = '\0';
    if (nl_glob_match(pat, part)) return 1;
    if (end == NULL) break;
  }
  return 0;
}

const char *nl_config_new_note_folder(const nl_config *cfg, nl_kind kind) {
  if (kind <= NL_KIND_NOTE || kind >= NL_KIND__COUNT) return NULL;
  const nl_strlist *l = &cfg->folders[kind];
  for (size_t i = 0; i < l->n; i++)
    if (strpbrk(l->items[i], "*?") == NULL) return l->items[i];
  for (size_t i = 0; i < l->n; i++) {
    const char *tail = strrchr(l->items[i], '/');
    if (tail != NULL && strpbrk(tail, "*?") == NULL && tail[1] != '\0') return tail + 1;
  }
  return NULL;
}

int nl_config_is_owner(const nl_config *cfg, const char *name, size_t len) {
  for (size_t i = 0; i < cfg->owner.n; i++) {
    const char *o = cfg->owner.items[i];
    if (strlen(o) == len && strncasecmp(o, name, len) == 0) return 1;
  }
  return 0;
}

int nl_config_is_template(const nl_config *cfg, const char *rel_path) {
  const nl_strlist *lists[2] = {&cfg->templates, &cfg->vault_templates};
  for (int k = 0; k < 2; k++)
    for (size_t i = 0; i < lists[k]->n; i++)
      if (in_folder(rel_path, lists[k]->items[i])) return 1;
  return 0;
}
