/* config_file.c: settings that live in files of the vault: .notes-lsp.yaml (read through
 * libyaml into the JSON shape nl_config_apply_json takes), the vault's .obsidian settings
 * (app.json, the template folders of core Templates and Templater) and its root .gitignore. */
#include "lsp/index/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "lsp/base/error.h"
#include "lsp/base/file.h"
#include "lsp/base/log.h"
#include "lsp/base/path.h"
#include "lsp/index/glob.h"

/* Settings files are small; a larger one is no settings file. */
#define NL_CONFIG_FILE_MAX (1u << 20)

/* ---- YAML file --------------------------------------------------------------------------- */

static json_t *node_to_json(yaml_document_t *doc, yaml_node_t *node, int depth) {
  if (node == NULL || depth > 32) return json_null();
  switch (node->type) {
  case YAML_SCALAR_NODE: {
    const char *s = (const char *)node->data.scalar.value;
    size_t len = node->data.scalar.length;
    /* Plain scalars that look like integers or null become those; the rest stay strings. */
    if (node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
      if (len == 0 || strcmp(s, "null") == 0 || strcmp(s, "~") == 0) return json_null();
      if (strcmp(s, "true") == 0 || strcmp(s, "True") == 0) return json_true();
      if (strcmp(s, "false") == 0 || strcmp(s, "False") == 0) return json_false();
      char *end;
      long long n = strtoll(s, &end, 10);
      if (*end == '\0' && end != s) return json_integer(n);
    }
    return json_stringn(s, len);
  }
  case YAML_SEQUENCE_NODE: {
    json_t *arr = json_array();
    for (yaml_node_item_t *it = node->data.sequence.items.start;
         it < node->data.sequence.items.top; it++)
      json_array_append_new(arr, node_to_json(doc, yaml_document_get_node(doc, *it), depth + 1));
    return arr;
  }
  case YAML_MAPPING_NODE: {
    json_t *obj = json_object();
    for (yaml_node_pair_t *pr = node->data.mapping.pairs.start;
         pr < node->data.mapping.pairs.top; pr++) {
      yaml_node_t *k = yaml_document_get_node(doc, pr->key);
      if (k == NULL || k->type != YAML_SCALAR_NODE) continue;
      json_object_set_new(obj, (const char *)k->data.scalar.value,
                          node_to_json(doc, yaml_document_get_node(doc, pr->value), depth + 1));
    }
    return obj;
  }
  default:
    return json_null();
  }
}

/* The resolved path (new) of a configuration file inside the vault at `dir`: NULL when it
 * does not exist (*why NULL), or when it links out of the vault or is no regular file (a FIFO
 * would block the read for ever), with *why saying so. Its content is never read then. */
static char *vault_file(const char *dir, const char *path, const char **why) {
  *why = NULL;
  struct stat st;
  if (lstat(path, &st) != 0) return NULL;
  char *dir_real = realpath(dir, NULL);
  int rc = -ENOENT;
  char *real = dir_real != NULL ? nl_path_real_within(dir_real, path, &rc) : NULL;
  free(dir_real);
  if (real == NULL) {
    *why = rc == NL_EOUTSIDE ? "it links outside the workspace folder" : "it cannot be resolved";
  } else if (stat(real, &st) != 0 || !S_ISREG(st.st_mode)) {
    *why = "it is not a regular file";
    free(real);
    real = NULL;
  }
  return real;
}

int nl_config_apply_yaml_file(nl_config *cfg, const char *path, char *err, size_t err_size) {
  if (err != NULL && err_size > 0) err[0] = '\0';
  char dir[4096];
  const char *slash = strrchr(path, '/');
  size_t dn = slash == NULL ? 0 : slash == path ? 1 : (size_t)(slash - path);
  if (dn >= sizeof(dir)) return 1;
  if (dn == 0)
    memcpy(dir, ".", 2);
  else
    memcpy(dir, path, dn), dir[dn] = '\0';
  const char *why;
  char *real = vault_file(dir, path, &why);
  if (real == NULL && why != NULL) {
    snprintf(err, err_size, "%s: not read: %s", path, why);
    return -1;
  }
  char *text = NULL;
  size_t len = 0;
  /* A settings file is small: a huge one is refused with a clear error, never parsed. */
  int read_rc = real != NULL ? nl_file_read(real, NL_CONFIG_FILE_MAX, &text, &len) : -ENOENT;
  free(real);
  if (read_rc == -ENOENT) return 1;
  if (read_rc != 0) {
    snprintf(err, err_size, "%s: not read: %s", path, nl_strerror(read_rc));
    return -1;
  }
  yaml_parser_t parser;
  yaml_document_t doc;
  if (!yaml_parser_initialize(&parser)) {
    free(text);
    snprintf(err, err_size, "%s: out of memory", path);
    return -1;
  }
  yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
  int rc = 0;
  if (!yaml_parser_load(&parser, &doc)) {
    snprintf(err, err_size, "%s:%zu:%zu: %s", path, parser.problem_mark.line + 1,
             parser.problem_mark.column + 1, parser.problem ? parser.problem : "invalid YAML");
    rc = -1;
  } else {
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (root != NULL) {
      json_t *obj = node_to_json(&doc, root, 0);
      char inner[1024];
      if (nl_config_apply_json(cfg, obj, inner, sizeof(inner)) != 0) {
        snprintf(err, err_size, "%s: %s", path, inner);
        rc = -1;
      }
      json_decref(obj);
    }
    yaml_document_delete(&doc);
  }
  yaml_parser_delete(&parser);
  free(text);
  return rc;
}

/* ---- template folders -------------------------------------------------------------------- */

/* Adds the string at `key` of the JSON file root/rel as a folder, trimmed of slashes. */
/* The JSON of the vault's settings file root/rel (new), NULL when it is missing, unreadable or
 * no JSON. Obsidian's settings files are small; a huge or special file is no settings file. */
static json_t *vault_json(const char *root, const char *rel) {
  char path[4096];
  if ((size_t)snprintf(path, sizeof(path), "%s/%s", root, rel) >= sizeof(path)) return NULL;
  const char *why;
  char *real = vault_file(root, path, &why);
  if (why != NULL) nl_log(NL_LOG_WARN, "ignored %s: %s", path, why);
  char *text = NULL;
  size_t len = 0;
  json_t *doc = real != NULL && nl_file_read(real, NL_CONFIG_FILE_MAX, &text, &len) == 0
                    ? json_loadb(text, len, 0, NULL)
                    : NULL;
  free(text);
  free(real);
  return doc;
}

/* A template folder named by `key` of doc (borrowed, may be NULL): 1 added, 0 none, -1. */
static int vault_folder(nl_config *cfg, const json_t *doc, const char *key) {
  const char *v = json_string_value(json_object_get(doc, key));
  int added = 0;
  if (v != NULL) {
    while (*v == '/') v++;
    char folder[1024];
    snprintf(folder, sizeof(folder), "%s", v);
    size_t n = strlen(folder);
    while (n > 0 && folder[n - 1] == '/') folder[--n] = '\0';
    if (n > 0) added = nl_strlist_push(&cfg->vault_templates, folder) == 0 ? 1 : -1;
  }
  return added;
}

/* A format of the core Templates plugin ({{date}}, {{time}}) from `key` of doc (borrowed, may
 * be NULL) into *slot; an empty one leaves the default, as in Obsidian. 0, or -1. */
static int vault_template_format(char **slot, const json_t *doc, const char *key) {
  const char *v = json_string_value(json_object_get(doc, key));
  if (v == NULL || *v == '\0') return 0;
  free(*slot);
  return (*slot = strdup(v)) != NULL ? 0 : -1;
}

/* A path pattern without its leading and trailing slashes, added to list; 0 or -1. */
static int push_pattern(nl_strlist *list, const char *s, size_t n) {
  while (n > 0 && *s == '/') s++, n--;
  while (n > 0 && s[n - 1] == '/') n--;
  if (n == 0 || n >= 1024) return 0;
  char pat[1024];
  memcpy(pat, s, n);
  pat[n] = '\0';
  return nl_strlist_push(list, pat);
}

/* .obsidian/app.json: how new links are written, where attachments go, what is excluded. */
static int vault_app(nl_config *cfg, const char *root) {
  json_t *app = vault_json(root, ".obsidian/app.json");
  if (app == NULL) return 0;
  int rc = 0;
  if (json_is_boolean(json_object_get(app, "useMarkdownLinks")))
    cfg->use_markdown_links = json_is_true(json_object_get(app, "useMarkdownLinks"));
  const char *fmt = json_string_value(json_object_get(app, "newLinkFormat"));
  if (fmt != NULL && strcmp(fmt, "absolute") == 0) cfg->link_format = NL_LINK_FORMAT_ABSOLUTE;
  if (fmt != NULL && strcmp(fmt, "relative") == 0) cfg->link_format = NL_LINK_FORMAT_RELATIVE;
  if (fmt != NULL && strcmp(fmt, "shortest") == 0) cfg->link_format = NL_LINK_FORMAT_SHORTEST;
  const char *att = json_string_value(json_object_get(app, "attachmentFolderPath"));
  if (att != NULL) {
    free(cfg->attachment_folder);
    if ((cfg->attachment_folder = strdup(att)) == NULL) rc = -1;
  }
  size_t i;
  const json_t *f;
  json_array_foreach(json_object_get(app, "userIgnoreFilters"), i, f) {
    const char *v = json_string_value(f);
    size_t n = v ? strlen(v) : 0;
    if (n == 0 || (n > 1 && v[0] == '/' && v[n - 1] == '/')) continue; /* a /regex/ */
    if (push_pattern(&cfg->excluded, v, n) != 0) rc = -1;
  }
  json_decref(app);
  return rc;
}

/* The root .gitignore: what git does not track is not a note of the vault either. */
static int vault_gitignore(nl_config *cfg, const char *root) {
  char path[4096];
  if ((size_t)snprintf(path, sizeof(path), "%s/.gitignore", root) >= sizeof(path)) return 0;
  const char *why;
  char *real = vault_file(root, path, &why);
  if (why != NULL) nl_log(NL_LOG_WARN, "ignored %s: %s", path, why);
  char *text = NULL;
  size_t len = 0;
  int read_rc = real != NULL ? nl_file_read(real, NL_CONFIG_FILE_MAX, &text, &len) : -ENOENT;
  free(real);
  if (read_rc != 0 && read_rc != -ENOENT) nl_log(NL_LOG_WARN, "ignored %s: %s", path, nl_strerror(read_rc));
  int rc = 0;
  for (size_t at = 0; rc == 0 && at < len;) {
    const char *line = text + at, *nl = memchr(line, '\n', len - at);
    size_t n = nl != NULL ? (size_t)(nl - line) : len - at;
    at += n + 1;
    while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t')) n--;
    if (n == 0 || line[0] == '#' || line[0] == '!') continue;
    rc = push_pattern(&cfg->vault_ignore, line, n);
  }
  free(text);
  return rc;
}

int nl_config_apply_vault(nl_config *cfg, const char *root) {
  json_t *core = vault_json(root, ".obsidian/templates.json");
  json_t *templater = vault_json(root, ".obsidian/plugins/templater-obsidian/data.json");
  int a = vault_folder(cfg, core, "folder"), b = vault_folder(cfg, templater, "templates_folder");
  int e = vault_template_format(&cfg->template_date_format, core, "dateFormat") |
          vault_template_format(&cfg->template_time_format, core, "timeFormat");
  json_decref(core);
  json_decref(templater);
  int c = vault_app(cfg, root), d = vault_gitignore(cfg, root);
  return a < 0 || b < 0 || c < 0 || d < 0 || e < 0 ? -1 : a + b;
}
