/* log.h: the server's log: stderr (or --log-file) always, and window/logMessage through a sink
 * the server installs. Safe to call from any thread; the sink is called only on the thread
 * that installed it. Messages follow git: lowercase, no full stop, error first, then place. */
#ifndef NL_LOG_H
#define NL_LOG_H

enum { NL_LOG_ERROR = 1, NL_LOG_WARN = 2, NL_LOG_INFO = 3, NL_LOG_DEBUG = 4 };

typedef void (*nl_log_sink)(void *ud, int level, const char *msg);

void nl_log(int level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void nl_log_set_level(int level);
int nl_log_level(void);
/* "error" "warn" "info" "debug" -> level; NL_EINVAL when unknown. */
int nl_log_level_parse(const char *name);
/* Appends to `path` instead of stderr; 0 or a negative errno. */
int nl_log_open_file(const char *path);
void nl_log_close(void);
/* Installs (or with NULL removes) a sink called on the calling thread for each message at or
 * above the level. */
void nl_log_set_sink(nl_log_sink sink, void *ud);

#endif
