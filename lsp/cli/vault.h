/* vault.h: what every command-line job starts with: a vault folder, its `.notes-lsp.yaml` and a
 * complete index of it, built by the server's own scan on a private loop. */
#ifndef NL_CLI_VAULT_H
#define NL_CLI_VAULT_H

#include <limits.h>
#include <stdio.h>
#include <uv.h>

#include "lsp/index/config.h"
#include "lsp/index/workspace.h"

typedef struct {
  char root[PATH_MAX]; /* the folder, absolute */
  nl_config *cfg;      /* owned */
  nl_workspace *ws;    /* owned; the first scan has finished */
  uv_loop_t loop;
  int loop_ready;
  int log_level;       /* restored by nl_cli_vault_close */
} nl_cli_vault;

/* Indexes folder `dir` for job `job` ("check", "tasks"): resolves it, reads its configuration
 * and waits for the first scan. Progress lines of the index are silenced until close. Returns
 * 0, or 2 (the usage-error exit status) after printing "notes-lsp JOB: problem 'dir'" to err;
 * close v in both cases. */
int nl_cli_vault_open(nl_cli_vault *v, const char *job, const char *dir, FILE *err);

/* What a job may hear of the first scan; every member may be NULL. */
typedef struct {
  /* On the loop thread as the scan goes: `done` of `total` files parsed so far. */
  void (*progress)(void *ud, size_t done, size_t total);
  /* Each note's bytes as the scan reads them (nl_ws_set_text_hook: thread-pool threads). */
  nl_ws_text_cb text;
  void *ud; /* the caller's, passed to both */
} nl_cli_hooks;
/* nl_cli_vault_open with hooks (borrowed for the call; may be NULL). */
int nl_cli_vault_open_ex(nl_cli_vault *v, const char *job, const char *dir, FILE *err,
                         const nl_cli_hooks *hooks);
/* Frees the index and the configuration and closes the loop; accepts a vault that failed to
 * open. */
void nl_cli_vault_close(nl_cli_vault *v);

/* Prints "notes-lsp JOB: " and fmt with its one string argument, then the job's usage text, to
 * err; returns 2, the usage-error exit status. */
int nl_cli_usage_error(FILE *err, const char *job, const char *usage, const char *fmt,
                       const char *arg);
/* Takes argument `a` (borrowed) as the job's one folder: 0, or -1 when *dir was given already. */
int nl_cli_folder(const char **dir, const char *a);
/* Parses an option's value, "--opt=value" or "--opt value" at argv[*i] (advancing *i past a
 * separate value). Returns 1 and sets *value (borrowed, NULL when the value is missing) when
 * argv[*i] is the option `name`, else 0. */
int nl_cli_option(int argc, char **argv, int *i, const char *name, const char **value);

#endif
