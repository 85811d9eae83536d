/* vault.c: see vault.h. */
#include "lsp/cli/vault.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lsp/base/log.h"

typedef struct {
  int finished;
  const nl_cli_hooks *hooks; /* or NULL */
} scan_state;

static void on_progress(nl_workspace *ws, void *ud, size_t done, size_t total, int finished) {
  scan_state *s = ud;
  const nl_cli_hooks *h = s->hooks;
  if (h != NULL && h->progress != NULL) h->progress(h->ud, done, total);
  if (finished) s->finished = 1;
}

static int load_config(nl_cli_vault *v, const char *job, FILE *err) {
  size_t n = strlen(v->root) + sizeof "/.notes-lsp.yaml";
  char *path = malloc(n);
  if (path == NULL) return -1;
  snprintf(path, n, "%s/.notes-lsp.yaml", v->root);
  char msg[1024] = "";
  nl_config_apply_vault(v->cfg, v->root); /* the vault's template folders */
  int rc = nl_config_apply_yaml_file(v->cfg, path, msg, sizeof msg);
  free(path);
  if (rc < 0) {
    fprintf(err, "notes-lsp %s: %s\n", job, msg);
    return -1;
  }
  return 0;
}

int nl_cli_vault_open(nl_cli_vault *v, const char *job, const char *dir, FILE *err) {
  return nl_cli_vault_open_ex(v, job, dir, err, NULL);
}

int nl_cli_vault_open_ex(nl_cli_vault *v, const char *job, const char *dir, FILE *err,
                         const nl_cli_hooks *hooks) {
  memset(v, 0, sizeof *v);
  v->log_level = nl_log_level();
  struct stat sb;
  if (realpath(dir, v->root) == NULL || stat(v->root, &sb) != 0) {
    fprintf(err, "notes-lsp %s: cannot open '%s': %s\n", job, dir, strerror(errno));
    return 2;
  }
  if (!S_ISDIR(sb.st_mode)) {
    fprintf(err, "notes-lsp %s: '%s' is not a folder\n", job, dir);
    return 2;
  }
  DIR *d = opendir(v->root);
  if (d == NULL) {
    fprintf(err, "notes-lsp %s: cannot read folder '%s': %s\n", job, dir, strerror(errno));
    return 2;
  }
  closedir(d);
  /* The index's progress lines are for the server's log; here they would bury the report. */
  if (v->log_level > NL_LOG_WARN) nl_log_set_level(NL_LOG_WARN);
  if ((v->cfg = nl_config_new()) == NULL || load_config(v, job, err) < 0) return 2;
  if (uv_loop_init(&v->loop) != 0) return 2;
  v->loop_ready = 1;
  scan_state st = {0, hooks};
  v->ws = nl_ws_new(&v->loop, v->cfg);
  if (v->ws != NULL && hooks != NULL && hooks->text != NULL)
    nl_ws_set_text_hook(v->ws, hooks->text, hooks->ud);
  if (v->ws == NULL || nl_ws_add_root(v->ws, v->root) < 0 ||
      nl_ws_scan(v->ws, on_progress, &st) < 0) {
    fprintf(err, "notes-lsp %s: cannot index '%s'\n", job, v->root);
    return 2;
  }
  /* The scan's work requests keep the loop alive until the last merge. */
  while (!st.finished && uv_run(&v->loop, UV_RUN_ONCE) != 0) {
  }
  if (!st.finished && !nl_ws_ready(v->ws)) {
    fprintf(err, "notes-lsp %s: the scan of '%s' did not finish\n", job, v->root);
    return 2;
  }
  return 0;
}

void nl_cli_vault_close(nl_cli_vault *v) {
  if (v->loop_ready) {
    while (v->ws != NULL && nl_ws_scanning(v->ws)) /* never free the index under a scan */
      if (uv_run(&v->loop, UV_RUN_ONCE) == 0) break;
    nl_ws_free(v->ws);
    uv_run(&v->loop, UV_RUN_NOWAIT); /* close callbacks of the index's handles */
    uv_loop_close(&v->loop);
  }
  nl_config_free(v->cfg);
  nl_log_set_level(v->log_level);
  memset(v, 0, sizeof *v);
}

int nl_cli_option(int argc, char **argv, int *i, const char *name, const char **value) {
  size_t n = strlen(name);
  const char *a = argv[*i];
  if (strncmp(a, name, n) != 0 || (a[n] != '\0' && a[n] != '=')) return 0;
  if (a[n] == '=')
    *value = a + n + 1;
  else
    *value = *i + 1 < argc ? argv[++*i] : NULL;
  return 1;
}

int nl_cli_usage_error(FILE *err, const char *job, const char *usage, const char *fmt,
                       const char *arg) {
  fprintf(err, "notes-lsp %s: ", job);
  fprintf(err, fmt, arg);
  fprintf(err, "\n%s", usage);
  return 2;
}

int nl_cli_folder(const char **dir, const char *a) {
  if (*dir != NULL) return -1;
  *dir = a;
  return 0;
}
