/* tasks_command.c: workspace/executeCommand notes-lsp.tasks, the vault task query for editors
 * (a VS Code picker, a Neovim quickfix list). Its JSON is `notes-lsp tasks --format json`'s,
 * with ranges in the negotiated encoding, a page at a time: without a `limit` the answer is
 * the first NL_TASKS_PAGE tasks (from `offset`), since a whole vault's open tasks can be
 * hundreds of megabytes of JSON that no picker shows; `limit: 0` asks for all of them. */
#include <stdio.h>

#include "lsp/features/features.h"
#include "lsp/features/task_query.h"
#include "protocol/rpc.h"

#define NL_TASKS_PAGE 500 /* tasks in an answer that gives no limit */

int nl_feature_tasks_command(const nl_ctx *ctx, const json_t *params, json_t **result,
                             char *err, size_t err_size) {
  const json_t *args = json_object_get(params, "arguments");
  if (args != NULL && !json_is_null(args) && !json_is_array(args)) {
    snprintf(err, err_size, "params.arguments must be an array");
    return NL_RPC_INVALID_PARAMS;
  }
  if (json_array_size(args) > 1) {
    snprintf(err, err_size, "params.arguments: expected one object of filters, got %zu values",
             json_array_size(args));
    return NL_RPC_INVALID_PARAMS;
  }
  const json_t *filters = json_array_get(args, 0);
  if (filters != NULL && !json_is_null(filters) && !json_is_object(filters)) {
    snprintf(err, err_size, "params.arguments[0] must be an object of filters");
    return NL_RPC_INVALID_PARAMS;
  }
  nl_tq_query q;
  nl_tq_query_init(&q);
  char why[256];
  if (nl_tq_query_from_json(&q, filters, why, sizeof why) < 0) {
    snprintf(err, err_size, "params.arguments[0].%s", why);
    nl_tq_query_free(&q);
    return NL_RPC_INVALID_PARAMS;
  }
  if (json_object_get(filters, "limit") == NULL) q.limit = NL_TASKS_PAGE;
  nl_tq_result r;
  int rc = nl_tq_run(ctx->ws, &q, ctx->today, &r);
  *result = rc == 0 ? nl_tq_result_json(ctx->ws, ctx->docs, ctx->enc, &q, &r) : NULL;
  nl_tq_result_free(&r);
  nl_tq_query_free(&q);
  if (*result == NULL) {
    snprintf(err, err_size, "out of memory");
    return NL_RPC_INTERNAL_ERROR;
  }
  return 0;
}
