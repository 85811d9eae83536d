/* notes-lsp: parses flags and runs the server or the check job. */
#include <stdio.h>
#include <string.h>

#include "lsp/cli/check.h"
#include "lsp/cli/graph.h"
#include "lsp/cli/tasks.h"
#include "lsp/base/log.h"
#include "lsp/server/server.h"
#include "lsp/index/workspace.h"

static void usage(FILE *out) {
  fprintf(out,
          "usage: notes-lsp [--stdio] [--log-file PATH] [--log-level LEVEL] [--no-cache]\n"
          "       notes-lsp check [--today YYYY-MM-DD] [--format text|json|sarif]\n"
          "                       [--fail-on error|warning|information|hint]\n"
          "                       [--color auto|always|never] [DIR] [--changed FILE...]\n"
          "       notes-lsp tasks [FILTERS...] [--format text|json|markdown] [DIR]\n"
          "       notes-lsp graph [--around NAME] [--depth N] [--format mermaid|dot|json] [DIR]\n"
          "       notes-lsp --version | --help\n"
          "\n"
          "Runs the notes-lsp language server on stdin/stdout, or checks a vault.\n"
          "  --stdio            talk LSP over stdin/stdout (the default)\n"
          "  --log-file PATH    append the log to PATH instead of stderr\n"
          "  --log-level LEVEL  error, warn, info (default) or debug\n"
          "  --no-cache         neither read nor write the index cache\n"
          "                     ($XDG_CACHE_HOME/notes-lsp, else ~/.cache/notes-lsp)\n");
}

int main(int argc, char **argv) {
  nl_ws_size_thread_pool();
  if (argc > 1 && strcmp(argv[1], "check") == 0) return nl_check_main(argc - 1, argv + 1);
  if (argc > 1 && strcmp(argv[1], "tasks") == 0) return nl_tasks_main(argc - 1, argv + 1);
  if (argc > 1 && strcmp(argv[1], "graph") == 0) return nl_graph_main(argc - 1, argv + 1);
  nl_server_options opts = {0};
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--stdio") == 0) continue;
    if (strcmp(a, "--no-cache") == 0) {
      opts.no_cache = 1;
      continue;
    }
    if (strcmp(a, "--version") == 0) {
      printf("notes-lsp %s\n", NOTES_LSP_VERSION);
      return 0;
    }
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      usage(stdout);
      return 0;
    }
    if (strcmp(a, "--log-file") == 0 && i + 1 < argc) {
      if (nl_log_open_file(argv[++i]) != 0) {
        fprintf(stderr, "notes-lsp: cannot open log file: %s\n", argv[i]);
        return 2;
      }
      continue;
    }
    if (strcmp(a, "--log-level") == 0 && i + 1 < argc) {
      int level = nl_log_level_parse(argv[++i]);
      if (level < 0) {
        fprintf(stderr, "notes-lsp: unknown log level: %s\n", argv[i]);
        usage(stderr);
        return 2;
      }
      nl_log_set_level(level);
      continue;
    }
    fprintf(stderr, "notes-lsp: unknown option: %s\n", a);
    usage(stderr);
    return 2;
  }
  int code = nl_server_main(&opts);
  nl_log_close();
  return code;
}
