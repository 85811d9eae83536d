/* watch.h: watches the workspace folders with libuv fs events when the client cannot send
 * workspace/didChangeWatchedFiles. Linux has no recursive watch, so each folder gets its own
 * handle; new folders are picked up as they appear. Changes go to nl_ws_reload/nl_ws_remove. */
#ifndef NL_WATCH_H
#define NL_WATCH_H

#include <uv.h>

#include "lsp/index/workspace.h"

typedef struct nl_watch nl_watch;

/* Starts watching every folder below each root of ws (borrowed; must outlive the watch).
 * Returns a new watch, or NULL on out of memory; folders that cannot be watched are logged. */
nl_watch *nl_watch_start(uv_loop_t *loop, nl_workspace *ws);
/* Number of folders watched. */
size_t nl_watch_count(const nl_watch *w);
/* Closes every handle; the memory goes in the close callbacks. Accepts NULL. */
void nl_watch_stop(nl_watch *w);

#endif
