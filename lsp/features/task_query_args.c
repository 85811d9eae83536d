/* task_query_args.c: the one parser of filter values, for `notes-lsp tasks` (a flag and its
 * text) and the notes-lsp.tasks arguments (JSON values, whose strings come here too). */
#include "lsp/features/task_query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const nl_tq_filter_name filter_names[] = {
    {"owner", "--owner"},       {"account", "--account"},     {"status", "--status"},
    {"priority", "--priority"}, {"dueBefore", "--due-before"}, {"dueAfter", "--due-after"},
    {"today", "--today"},       {"path", "--path"},           {"text", "--text"},
    {"sort", "--sort"},         {"groupBy", "--group-by"},    {"limit", "--limit"},
    {"offset", "--offset"},     {"folder", "--folder"},
};

const nl_tq_filter_name *nl_tq_filter_names(size_t *n) {
  *n = sizeof filter_names / sizeof filter_names[0];
  return filter_names;
}

static int oom(char *err, size_t n) {
  snprintf(err, n, "out of memory");
  return -1;
}

static int expected(char *err, size_t n, const char *shown, const char *what, const char *v) {
  snprintf(err, n, "%s: expected %s, got '%s'", shown, what, v);
  return -1;
}

/* Each comma-separated name of v through parse into the bit set; -1 when one names nothing. */
static int add_bits(const char *v, int (*parse)(const char *), unsigned *bits) {
  unsigned got = 0;
  for (const char *s = v;; s++) {
    const char *end = strchr(s, ',');
    size_t len = end != NULL ? (size_t)(end - s) : strlen(s);
    char name[32];
    if (len >= sizeof name) return -1;
    memcpy(name, s, len);
    name[len] = '\0';
    int b = parse(name);
    if (b < 0) return -1;
    got |= 1u << b;
    if (end == NULL) break;
    s = end;
  }
  *bits |= got;
  return 0;
}

static int set_date(const char *v, int32_t *days, int *has) {
  if (nl_date_parse(v, strlen(v), days) < 0) return -1;
  if (has != NULL) *has = 1;
  return 0;
}

static int set_string(char **dst, const char *v) {
  char *copy = strdup(v);
  if (copy == NULL) return -1;
  free(*dst);
  *dst = copy;
  return 0;
}

static const char status_list[] = "proposed, todo, in_progress, done or cancelled";
static const char priority_list[] = "highest, high, medium, normal, low or lowest";

int nl_tq_query_set(nl_tq_query *q, const char *key, const char *v, const char *shown, char *err,
                    size_t n) {
  int choice;
  if (strcmp(key, "owner") == 0 || strcmp(key, "account") == 0) {
    if (*v == '\0') return snprintf(err, n, "%s needs a name", shown), -1;
    int rc = key[0] == 'o' ? nl_tq_query_add_owner(q, v) : nl_tq_query_add_account(q, v);
    return rc < 0 ? oom(err, n) : 0;
  }
  if (strcmp(key, "status") == 0)
    return add_bits(v, nl_tq_parse_status, &q->statuses) < 0
               ? expected(err, n, shown, status_list, v)
               : 0;
  if (strcmp(key, "priority") == 0)
    return add_bits(v, nl_tq_parse_priority, &q->priorities) < 0
               ? expected(err, n, shown, priority_list, v)
               : 0;
  int32_t *day = strcmp(key, "dueBefore") == 0  ? &q->due_before
                 : strcmp(key, "dueAfter") == 0 ? &q->due_after
                 : strcmp(key, "today") == 0    ? &q->today
                                                : NULL;
  if (day != NULL) {
    int *has = day == &q->due_before ? &q->has_due_before
               : day == &q->due_after ? &q->has_due_after
                                      : &q->has_today;
    return set_date(v, day, has) < 0 ? expected(err, n, shown, "a date YYYY-MM-DD", v) : 0;
  }
  if (strcmp(key, "path") == 0) {
    if (*v == '\0') return snprintf(err, n, "%s needs a glob", shown), -1;
    return set_string(&q->path, v) < 0 ? oom(err, n) : 0;
  }
  if (strcmp(key, "text") == 0) return set_string(&q->text, v) < 0 ? oom(err, n) : 0;
  if (strcmp(key, "folder") == 0) {
    if (*v == '\0') return snprintf(err, n, "%s needs a workspace folder", shown), -1;
    return set_string(&q->folder, v) < 0 ? oom(err, n) : 0;
  }
  if (strcmp(key, "sort") == 0) {
    if ((choice = nl_tq_parse_sort(v)) < 0)
      return expected(err, n, shown, "due, priority, path or owner", v);
    q->sort = (nl_tq_sort)choice;
    return 0;
  }
  if (strcmp(key, "groupBy") == 0) {
    if ((choice = nl_tq_parse_group(v)) < 0)
      return expected(err, n, shown, "owner or account", v);
    q->group = (nl_tq_group)choice;
    return 0;
  }
  if (strcmp(key, "limit") == 0 || strcmp(key, "offset") == 0) {
    char *end = NULL;
    long long k = strtoll(v, &end, 10);
    if (*v == '\0' || *end != '\0' || k < 0) return expected(err, n, shown, "a number", v);
    *(key[0] == 'l' ? &q->limit : &q->offset) = (size_t)k;
    return 0;
  }
  snprintf(err, n, "unknown filter '%s'", shown);
  return -1;
}

/* ---- arguments of notes-lsp.tasks -------------------------------------------------------- */

static int is_filter(const char *key) {
  for (size_t i = 0; i < sizeof filter_names / sizeof filter_names[0]; i++)
    if (strcmp(key, filter_names[i].key) == 0) return 1;
  return 0;
}

/* One argument: JSON types checked here, every value's text parsed by nl_tq_query_set. */
static int read_arg(nl_tq_query *q, const char *key, const json_t *v, char *err, size_t n) {
  if (strcmp(key, "overdue") == 0) {
    if (!json_is_boolean(v)) return snprintf(err, n, "overdue must be true or false"), -1;
    q->overdue = json_is_true(v);
    return 0;
  }
  if (!is_filter(key)) {
    snprintf(err, n,
             "unknown argument '%s' (expected owner, account, status, overdue, dueBefore, "
             "dueAfter, priority, path, folder, text, sort, groupBy, limit, offset or today)",
             key);
    return -1;
  }
  if (strcmp(key, "limit") == 0 || strcmp(key, "offset") == 0) {
    if (!json_is_integer(v)) return snprintf(err, n, "%s must be a non-negative integer", key), -1;
    char num[32];
    snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
    return nl_tq_query_set(q, key, num, key, err, n);
  }
  int many = strcmp(key, "owner") == 0 || strcmp(key, "account") == 0 ||
             strcmp(key, "status") == 0 || strcmp(key, "priority") == 0;
  if (json_is_string(v)) return nl_tq_query_set(q, key, json_string_value(v), key, err, n);
  if (!many || !json_is_array(v)) {
    snprintf(err, n, many ? "%s must be a string or an array of strings" : "%s must be a string",
             key);
    return -1;
  }
  size_t i;
  const json_t *item;
  json_array_foreach(v, i, item) {
    char shown[48];
    snprintf(shown, sizeof shown, "%s[%zu]", key, i);
    if (!json_is_string(item)) return snprintf(err, n, "%s must be a string", shown), -1;
    if (nl_tq_query_set(q, key, json_string_value(item), shown, err, n) < 0) return -1;
  }
  return 0;
}

int nl_tq_query_from_json(nl_tq_query *q, const json_t *args, char *err, size_t err_size) {
  if (args == NULL || json_is_null(args)) return 0;
  if (!json_is_object(args)) {
    snprintf(err, err_size, "the argument must be an object of filters");
    return -1;
  }
  const char *key;
  const json_t *v;
  json_object_foreach((json_t *)args, key, v) {
    if (read_arg(q, key, v, err, err_size) < 0) return -1;
  }
  return 0;
}
