#include "lsp/base/log.h"

#include "lsp/base/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <uv.h>

static int log_level = NL_LOG_INFO;
static FILE *log_file;
static nl_log_sink log_sink;
static void *log_sink_ud;
static uv_thread_t log_sink_thread;
static uv_once_t log_once = UV_ONCE_INIT;
static uv_mutex_t log_mutex;

static void log_init(void) { uv_mutex_init(&log_mutex); }

static const char *const level_names[] = {"", "error", "warn", "info", "debug"};

void nl_log_set_level(int level) {
  if (level >= NL_LOG_ERROR && level <= NL_LOG_DEBUG) log_level = level;
}

int nl_log_level(void) { return log_level; }

int nl_log_level_parse(const char *name) {
  if (name == NULL) return NL_EINVAL;
  for (int i = NL_LOG_ERROR; i <= NL_LOG_DEBUG; i++)
    if (strcmp(name, level_names[i]) == 0) return i;
  if (strcmp(name, "warning") == 0) return NL_LOG_WARN;
  return NL_EINVAL;
}

int nl_log_open_file(const char *path) {
  FILE *f = fopen(path, "a");
  if (f == NULL) return -errno;
  uv_once(&log_once, log_init);
  uv_mutex_lock(&log_mutex);
  if (log_file != NULL) fclose(log_file);
  log_file = f;
  setvbuf(f, NULL, _IOLBF, 0);
  uv_mutex_unlock(&log_mutex);
  return 0;
}

void nl_log_close(void) {
  uv_once(&log_once, log_init);
  uv_mutex_lock(&log_mutex);
  if (log_file != NULL) fclose(log_file);
  log_file = NULL;
  uv_mutex_unlock(&log_mutex);
}

void nl_log_set_sink(nl_log_sink sink, void *ud) {
  log_sink = sink;
  log_sink_ud = ud;
  log_sink_thread = uv_thread_self();
}

void nl_log(int level, const char *fmt, ...) {
  if (level > log_level) return;
  char msg[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);

  uv_once(&log_once, log_init);
  uv_mutex_lock(&log_mutex);
  fprintf(log_file != NULL ? log_file : stderr, "notes-lsp: %s: %s\n", level_names[level], msg);
  uv_mutex_unlock(&log_mutex);

  /* The sink writes to the client, which only the loop thread may do. */
  uv_thread_t self = uv_thread_self();
  if (log_sink != NULL && uv_thread_equal(&self, &log_sink_thread))
    log_sink(log_sink_ud, level, msg);
}
