/* code_action.c: quick fixes and source actions for tasks and diagnostics, and the
 * workspace/executeCommand commands that apply the same edits. Actions are computed from the
 * note's parse and its diagnostics, never from the diagnostics a client sends back, because
 * Neovim and Helix often send none. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lsp/base/error.h"
#include "lsp/base/log.h"
#include "lsp/index/diagnose.h"
#include "lsp/features/features.h"
#include "lsp/features/new_note.h"
#include "lsp/note/recurrence.h"
#include "lsp/note/task.h"
#include "protocol/lsp_types.h"
#include "protocol/rpc.h"

#define CMD_ACCEPT_ALL "notes-lsp.acceptAllProposedTasks"
#define CMD_REJECT_ALL "notes-lsp.rejectAllProposedTasks"

#define KIND_QUICKFIX "quickfix"
#define KIND_REWRITE "refactor.rewrite"
#define KIND_ACCEPT_ALL "source.notesLsp.acceptAllProposed"
#define KIND_REJECT_ALL "source.notesLsp.rejectAllProposed"
#define KIND_REPAIR_ALL "source.notesLsp.repairEncoding"

const char *const nl_feature_commands[] = {CMD_ACCEPT_ALL, CMD_REJECT_ALL, NL_CMD_TASKS, NULL};

/* The note an action works on: its text as the client sees it and the parse of that very
 * text. An open note's parse is the index's (the server flushes edits before requests); a
 * closed note is parsed again from the bytes just read, so an edit never lands on ranges of a
 * file that changed on disk since the index read it. */
typedef struct {
  const nl_ctx *ctx;
  const nl_entry *e;
  nl_text t;
  const nl_note *note; /* e->note, or owned_note */
  nl_note *owned_note;
  char today[16];
  const nl_task_settings *ts; /* borrowed from the configuration */
} note_view;

/* 0, or -1 when the note's text cannot be read (no action can be computed then). */
static int view_init(note_view *v, const nl_ctx *ctx, const nl_entry *e) {
  v->ctx = ctx;
  v->e = e;
  v->note = e->note;
  v->owned_note = NULL;
  nl_date_format(ctx->today, v->today);
  v->ts = &nl_ws_config(ctx->ws)->tasks;
  if (nl_text_load(&v->t, ctx->docs, e) < 0) return -1;
  if (v->t.open) return 0;
  size_t len;
  const char *body = nl_text_body(&v->t, &len);
  v->owned_note = nl_note_parse(body, len);
  if (v->owned_note == NULL) return -1;
  v->note = v->owned_note;
  return 0;
}

static void view_free(note_view *v) {
  nl_note_free(v->owned_note);
  nl_text_free(&v->t);
}

/* ---- edits ------------------------------------------------------------------------------- */

static json_t *text_edit(const note_view *v, nl_brange r, const char *new_text) {
  uint32_t l1, c1, l2, c2;
  nl_text_units(&v->t, v->ctx->enc, r.start, &l1, &c1);
  nl_text_units(&v->t, v->ctx->enc, r.end, &l2, &c2);
  return nl_lsp_text_edit_json(l1, c1, l2, c2, new_text);
}

static void add_edit(json_t *edits, const note_view *v, nl_brange r, const char *new_text) {
  json_t *ed = text_edit(v, r, new_text);
  if (ed != NULL) json_array_append_new(edits, ed);
}

/* A WorkspaceEdit changing this note with `edits` (steals): a versioned TextDocumentEdit when
 * the client takes documentChanges, else the plain changes map. */
static json_t *workspace_edit(const note_view *v, json_t *edits) {
  if (edits == NULL) return NULL;
  const nl_client_caps *caps = v->ctx->caps;
  if (caps != NULL && caps->document_changes) {
    json_t *version = v->t.open ? json_integer(v->t.version) : json_null();
    json_t *tde = json_pack("{s:{s:s, s:o}, s:o}", "textDocument", "uri", v->e->uri, "version",
                            version, "edits", edits);
    return tde ? json_pack("{s:[o]}", "documentChanges", tde) : NULL;
  }
  json_t *changes = json_object();
  if (changes == NULL || json_object_set_new(changes, v->e->uri, edits) < 0) {
    json_decref(changes);
    return NULL;
  }
  return json_pack("{s:o}", "changes", changes);
}

typedef enum { TASK_ACCEPT, TASK_REJECT, TASK_COMPLETE } task_act;

static int is_blank(char c) { return c == ' ' || c == '\t'; }

/* A block id ends its line ("... ✅ 2025-11-15 ^abc-1", as Obsidian Tasks writes it), so a date
 * goes before it: returns where the text before " ^id" ends, or end when there is none. */
static size_t before_block_id(const char *line, size_t end) {
  size_t i = end;
  while (i > 0 && (line[i - 1] == '-' || (line[i - 1] >= '0' && line[i - 1] <= '9') ||
                   (line[i - 1] >= 'a' && line[i - 1] <= 'z') ||
                   (line[i - 1] >= 'A' && line[i - 1] <= 'Z')))
    i--;
  if (i == end || i < 2 || line[i - 1] != '^' || !is_blank(line[i - 2])) return end;
  i -= 2;
  while (i > 0 && is_blank(line[i - 1])) i--;
  return i;
}

/* Appends the edits that accept, reject or complete task `t`: the status, the `#proposed` tag
 * with exactly one space before it, and a cancelled or done date at the end of the line's
 * text (before trailing blanks, so they stay where they were, and before a block id). */
static void task_edits(const note_view *v, const nl_task *t, task_act act, json_t *edits) {
  size_t ll;
  const char *line = nl_text_line(&v->t, t->line, &ll);
  char done[8];
  snprintf(done, sizeof done, "[%s]", nl_task_done_symbol(v->ts));
  const char *const status[] = {"[ ]", "[-]", done};
  /* Accepting keeps a real status ("[/] ... #proposed" stays in progress); "[ ?]" and "[?]"
   * become "[ ]". */
  if (act != TASK_ACCEPT || (t->proposed & (NL_PROPOSED_WIDE | NL_PROPOSED_QUESTION)))
    add_edit(edits, v, nl_task_range(t, nl_task_status_cols(t)), status[act]);

  char stamp[48] = "";
  if (act == TASK_REJECT && !nl_task_date_of(t, NL_DATE_CANCELLED)->present)
    snprintf(stamp, sizeof stamp, " %s %s", nl_task_date_emoji(NL_DATE_CANCELLED), v->today);
  if (act == TASK_COMPLETE && !nl_task_date_of(t, NL_DATE_DONE)->present)
    snprintf(stamp, sizeof stamp, " %s %s", nl_task_date_emoji(NL_DATE_DONE), v->today);
  size_t end = ll;
  while (end > 0 && is_blank(line[end - 1])) end--;
  end = before_block_id(line, end);
  nl_bpos at = {t->line, (uint32_t)end};

  /* Every `#proposed` on the line goes (a line may carry it twice), each with one space. */
  int stamped = 0;
  uint32_t t0, n_tags = nl_task_tags(v->note, t, &t0);
  for (uint32_t k = 0; act != TASK_COMPLETE && k < n_tags; k++) {
    const nl_tag *tg = &v->note->tags[t0 + k];
    nl_brange tag = nl_note_tag_range(v->note, t0 + k);
    if (strcmp(tg->name, "proposed") != 0 || tag.start.line != t->line || tag.end.col > ll)
      continue;
    if (tag.start.col > 0 && line[tag.start.col - 1] == ' ') tag.start.col--;
    if (tag.end.col >= end) { /* the tag ends the text: the stamp takes its place */
      add_edit(edits, v, tag, stamp);
      stamped = 1;
    } else {
      add_edit(edits, v, tag, "");
    }
  }
  if (!stamped && stamp[0] != '\0') add_edit(edits, v, (nl_brange){at, at}, stamp);
}

/* All the proposed tasks of the note accepted or rejected; NULL when there is none. */
static json_t *all_proposed_edit(const note_view *v, task_act act) {
  const nl_note *n = v->note;
  json_t *edits = json_array();
  for (size_t i = 0; edits != NULL && i < n->n_tasks; i++)
    if (nl_task_is_proposed(&n->tasks[i], v->ts)) task_edits(v, &n->tasks[i], act, edits);
  if (edits == NULL || json_array_size(edits) == 0) {
    json_decref(edits);
    return NULL;
  }
  return workspace_edit(v, edits);
}

/* ---- actions ----------------------------------------------------------------------------- */

/* Whether `kind` passes context.only: equal to one of its kinds or below one ("source" lets
 * "source.notesLsp.acceptAllProposed" through). No filter lets everything through. */
static int kind_allowed(const json_t *only, const char *kind) {
  if (!json_is_array(only) || json_array_size(only) == 0) return 1;
  size_t i;
  json_t *o;
  json_array_foreach(only, i, o) {
    const char *k = json_string_value(o);
    if (k == NULL) continue;
    size_t kl = strlen(k);
    if (strncmp(kind, k, kl) == 0 && (kind[kl] == '\0' || kind[kl] == '.')) return 1;
  }
  return 0;
}

/* Appends {title, kind, edit, [diagnostics], [isPreferred]}; steals edit and diag. */
static void add_action(json_t *out, const json_t *only, const char *title, const char *kind,
                       json_t *edit, json_t *diag, int preferred) {
  if (edit == NULL || !kind_allowed(only, kind)) {
    json_decref(edit);
    json_decref(diag);
    return;
  }
  json_t *a = json_pack("{s:s, s:s, s:o}", "title", title, "kind", kind, "edit", edit);
  if (a == NULL) {
    json_decref(diag);
    return;
  }
  if (diag != NULL) json_object_set_new(a, "diagnostics", json_pack("[o]", diag));
  if (preferred) json_object_set_new(a, "isPreferred", json_true());
  json_array_append_new(out, a);
}

/* Completing a task as Tasks toggles it: a 🔁 task gets its next occurrence on the line above
 * (dates moved by the rule); 🏁 delete removes the completed line. */
static void complete_edits(const note_view *v, const nl_task *t, json_t *edits) {
  size_t ll;
  const char *line = nl_text_line(&v->t, t->line, &ll);
  const char *eol = v->note->crlf ? "\r\n" : "\n";
  char *next_line = NULL;
  nl_occurrence cur, next;
  nl_occurrence_of(t, &cur);
  const char *rule = nl_task_recurrence(t);
  if (rule != NULL && nl_recurrence_next(rule, &cur, v->ctx->today, &next) == 0)
    next_line = nl_recurrence_line(t, line, ll, &next,
                                   nl_task_recurrence_symbol(v->ts, nl_task_done_symbol(v->ts)));
  char *ins = NULL;
  if (next_line != NULL) {
    size_t n = strlen(next_line) + 3;
    if ((ins = malloc(n)) != NULL) snprintf(ins, n, "%s%s", next_line, eol);
  }
  if (t->on_completion == NL_ON_COMPLETION_DELETE) {
    nl_brange whole = {{t->line, 0}, {t->line + 1, 0}};
    if (t->line + 1 >= v->note->n_lines) whole.end = (nl_bpos){t->line, (uint32_t)ll};
    add_edit(edits, v, whole, ins != NULL ? ins : "");
  } else {
    if (ins != NULL) add_edit(edits, v, (nl_brange){{t->line, 0}, {t->line, 0}}, ins);
    task_edits(v, t, TASK_COMPLETE, edits);
  }
  free(ins);
  free(next_line);
}

static json_t *task_action_edit(const note_view *v, const nl_task *t, task_act act) {
  json_t *edits = json_array();
  if (edits != NULL && act == TASK_COMPLETE) complete_edits(v, t, edits);
  else if (edits != NULL) task_edits(v, t, act, edits);
  return workspace_edit(v, edits);
}

/* The diagnostic of `code` on task line `line`, as JSON to attach to its quick fixes. */
static json_t *diag_on_line(const note_view *v, const nl_diag_list *dl, const char *code,
                            uint32_t line) {
  for (size_t i = 0; i < dl->n; i++)
    if (dl->items[i].range.start.line == line && strcmp(dl->items[i].code, code) == 0)
      return nl_diag_json(v->ctx, &v->t, &dl->items[i]);
  return NULL;
}

static void task_actions(const note_view *v, const nl_diag_list *dl, uint32_t l1, uint32_t l2,
                         const json_t *only, json_t *out) {
  const nl_note *n = v->note;
  for (size_t i = 0; i < n->n_tasks; i++) {
    const nl_task *t = &n->tasks[i];
    if (t->line < l1 || t->line > l2) continue;
    if (nl_task_is_proposed(t, v->ts)) {
      add_action(out, only, "Accept proposed task", KIND_QUICKFIX,
                 task_action_edit(v, t, TASK_ACCEPT),
                 diag_on_line(v, dl, NL_DIAG_PROPOSED_TASK, t->line), 1);
      add_action(out, only, "Reject proposed task", KIND_QUICKFIX,
                 task_action_edit(v, t, TASK_REJECT),
                 diag_on_line(v, dl, NL_DIAG_PROPOSED_TASK, t->line), 0);
    } else if (nl_task_is_open(t, v->ts)) {
      add_action(out, only, "Complete task", KIND_REWRITE, task_action_edit(v, t, TASK_COMPLETE),
                 NULL, 0);
    }
  }
}

/* The folder of the workspace root that holds entry e (new), from its absolute and relative
 * paths; the first root when they do not fit together. */
static char *entry_root(const note_view *v) {
  const char *abs = v->e->abs, *rel = v->e->rel;
  size_t al = abs ? strlen(abs) : 0, rl = rel ? strlen(rel) : 0;
  if (al > rl + 1 && strcmp(abs + al - rl, rel) == 0 && abs[al - rl - 1] == '/')
    return strndup(abs, al - rl - 1);
  const char *root = nl_ws_n_roots(v->ctx->ws) ? nl_ws_root(v->ctx->ws, 0) : NULL;
  return root ? strdup(root) : NULL;
}

/* A name that may become a vault-relative file: no absolute path, no "..", no control
 * characters or backslashes. */
static int safe_name(const char *name) {
  if (name == NULL || name[0] == '\0' || name[0] == '/') return 0;
  for (const char *p = name; *p; p++) {
    if ((unsigned char)*p < 0x20 || *p == '\\') return 0;
    if ((p == name || p[-1] == '/') && p[0] == '.' && p[1] == '.' && (p[2] == '/' || !p[2]))
      return 0;
  }
  return name[strlen(name) - 1] != '/';
}

static json_t *create_note_action(const note_view *v, const nl_diag *d) {
  const nl_client_caps *caps = v->ctx->caps;
  if (caps == NULL || !caps->create_files || !caps->document_changes) return NULL;
  if (!safe_name(d->missing_name)) return NULL;
  char *folder = NULL;
  if (strchr(d->missing_name, '/') == NULL) folder = nl_new_note_folder(v->ctx->ws, d->missing_kind);
  char *root = entry_root(v);
  if (root == NULL) {
    free(folder);
    return NULL;
  }
  const nl_config *cfg = nl_config_at(nl_ws_config(v->ctx->ws), root); /* its vault's templates */
  size_t nl = strlen(d->missing_name);
  int has_md = nl > 3 && strcasecmp(d->missing_name + nl - 3, ".md") == 0;
  size_t cap = strlen(root) + (folder ? strlen(folder) : 0) + nl + 8;
  char *path = malloc(cap);
  if (path == NULL) {
    free(root);
    free(folder);
    return NULL;
  }
  snprintf(path, cap, "%s/%s%s%s%s", root, folder ? folder : "", folder ? "/" : "",
           d->missing_name, has_md ? "" : ".md");
  free(folder);
  /* Never onto a file that exists (one the index skipped: ignored, hidden, too large) and
   * never through a symlinked folder out of the root. */
  int rc = nl_ws_creatable(v->ctx->ws, path);
  if (rc != 0) {
    nl_log(NL_LOG_DEBUG, "no create-note action for %s: %s", path, nl_strerror(rc));
    free(path);
    free(root);
    return NULL;
  }
  char *uri = nl_path_to_uri(path);
  free(path);
  const char *base = strrchr(d->missing_name, '/');
  base = base ? base + 1 : d->missing_name;
  char title[512];
  snprintf(title, sizeof title, "%.*s", (int)(strlen(base) - (has_md ? 3 : 0)), base);
  /* The kind's template when the vault has one (lsp/features/new_note.c). */
  char *content = uri ? nl_new_note_text(cfg, root, d->missing_kind, title, nl_config_now(cfg)) : NULL;
  free(root);
  if (content == NULL) {
    free(uri);
    return NULL;
  }
  /* Neither overwrite nor ignoreIfExists: should the file appear before the client applies
   * the edit, the create fails and the edit after it is not applied (LSP 3.17, CreateFile),
   * rather than writing the heading into someone's file. */
  json_t *edit = json_pack(
      "{s:[{s:s, s:s, s:{s:b, s:b}}, {s:{s:s, s:n}, s:[o]}]}", "documentChanges", "kind",
      "create", "uri", uri, "options", "overwrite", 0, "ignoreIfExists", 0, "textDocument", "uri",
      uri, "version", "edits", nl_lsp_text_edit_json(0, 0, 0, 0, content));
  free(content);
  free(uri);
  return edit;
}

static const char *create_title(const nl_diag *d, char *buf, size_t cap) {
  if (d->missing_kind == NL_KIND_NOTE)
    snprintf(buf, cap, "Create note '%s'", d->missing_name);
  else
    snprintf(buf, cap, "Create %s note '%s'", nl_kind_name(d->missing_kind), d->missing_name);
  return buf;
}

static int touches(nl_brange d, nl_bpos a, nl_bpos b) {
  int d_before = d.end.line < a.line || (d.end.line == a.line && d.end.col < a.col);
  int d_after = d.start.line > b.line || (d.start.line == b.line && d.start.col > b.col);
  return !d_before && !d_after;
}

static json_t *repair_edit(const note_view *v, const nl_diag_list *dl, const nl_diag *only_one) {
  json_t *edits = json_array();
  for (size_t i = 0; edits != NULL && i < dl->n; i++) {
    const nl_diag *d = &dl->items[i];
    if (d->repaired == NULL || (only_one != NULL && d != only_one)) continue;
    add_edit(edits, v, d->range, d->repaired);
  }
  if (edits == NULL || json_array_size(edits) == 0) {
    json_decref(edits);
    return NULL;
  }
  return workspace_edit(v, edits);
}

static void diagnostic_actions(const note_view *v, const nl_diag_list *dl, nl_bpos a, nl_bpos b,
                               const json_t *only, json_t *out) {
  char title[600];
  for (size_t i = 0; i < dl->n; i++) {
    const nl_diag *d = &dl->items[i];
    if (!touches(d->range, a, b)) continue;
    if (d->repaired != NULL) {
      add_action(out, only, "Repair text encoding", KIND_QUICKFIX, repair_edit(v, dl, d),
                 nl_diag_json(v->ctx, &v->t, d), 1);
    } else if (d->relinked != NULL) {
      json_t *edits = json_array();
      add_edit(edits, v, d->range, d->relinked);
      snprintf(title, sizeof title, "Link by file name: %s", d->relinked);
      add_action(out, only, title, KIND_QUICKFIX, workspace_edit(v, edits),
                 nl_diag_json(v->ctx, &v->t, d), 1);
    } else if (d->missing_name != NULL) {
      add_action(out, only, create_title(d, title, sizeof title), KIND_QUICKFIX,
                 create_note_action(v, d), nl_diag_json(v->ctx, &v->t, d), 0);
    }
  }
}

static void source_actions(const note_view *v, const nl_diag_list *dl, const json_t *only,
                           json_t *out) {
  add_action(out, only, "Accept all proposed tasks", KIND_ACCEPT_ALL,
             all_proposed_edit(v, TASK_ACCEPT), NULL, 0);
  add_action(out, only, "Reject all proposed tasks", KIND_REJECT_ALL,
             all_proposed_edit(v, TASK_REJECT), NULL, 0);
  add_action(out, only, "Repair text encoding in the whole note", KIND_REPAIR_ALL,
             repair_edit(v, dl, NULL), NULL, 0);
}

int nl_feature_code_action(const nl_ctx *ctx, const json_t *params, json_t **result, char *err,
                           size_t err_size) {
  const char *uri;
  uint32_t l1, c1, l2, c2;
  int rc = nl_lsp_get_uri_range(params, &uri, &l1, &c1, &l2, &c2, err, err_size);
  if (rc != 0) return rc;
  const json_t *only = json_object_get(json_object_get(params, "context"), "only");
  const nl_entry *e = nl_ws_by_uri(ctx->ws, uri);
  json_t *out = json_array();
  if (e == NULL || e->note == NULL || out == NULL) {
    *result = out ? out : json_null();
    return 0;
  }
  if (l2 < l1 || (l2 == l1 && c2 < c1)) { /* tolerate a reversed selection */
    uint32_t tl = l1, tc = c1;
    l1 = l2, c1 = c2, l2 = tl, c2 = tc;
  }
  note_view v;
  if (view_init(&v, ctx, e) < 0) {
    view_free(&v);
    *result = out;
    return 0;
  }
  nl_bpos a = nl_text_bpos(&v.t, ctx->enc, l1, c1);
  nl_bpos b = nl_text_bpos(&v.t, ctx->enc, l2, c2);
  /* A selection of whole lines ends at column 0 of the line after it. */
  uint32_t last_line = (b.line > a.line && c2 == 0) ? b.line - 1 : b.line;

  nl_diag_list dl;
  nl_diag_list_init(&dl);
  size_t len;
  const char *body = nl_text_body(&v.t, &len);
  nl_diagnose_note(ctx->ws, e, v.note, body, len, ctx->today, &dl);
  task_actions(&v, &dl, a.line, last_line, only, out);
  diagnostic_actions(&v, &dl, a, b, only, out);
  source_actions(&v, &dl, only, out);
  nl_diag_list_free(&dl);
  view_free(&v);
  *result = out;
  return 0;
}

int nl_feature_execute_command(const nl_ctx *ctx, const json_t *params, json_t **result,
                               char *err, size_t err_size) {
  const char *cmd = NULL;
  int rc = nl_lsp_get_string(params, "command", &cmd, err, err_size);
  if (rc != 0) return rc;
  if (strcmp(cmd, NL_CMD_TASKS) == 0 || strcmp(cmd, NL_CMD_SHOW_TASKS) == 0)
    return nl_feature_tasks_command(ctx, params, result, err, err_size);
  task_act act;
  if (strcmp(cmd, CMD_ACCEPT_ALL) == 0) {
    act = TASK_ACCEPT;
  } else if (strcmp(cmd, CMD_REJECT_ALL) == 0) {
    act = TASK_REJECT;
  } else {
    snprintf(err, err_size, "unknown command '%s'", cmd);
    return NL_RPC_INVALID_PARAMS;
  }
  const char *uri = json_string_value(json_array_get(json_object_get(params, "arguments"), 0));
  if (uri == NULL) {
    snprintf(err, err_size, "params.arguments[0] must be the note's uri");
    return NL_RPC_INVALID_PARAMS;
  }
  const nl_entry *e = nl_ws_by_uri(ctx->ws, uri);
  if (e == NULL || e->note == NULL) {
    snprintf(err, err_size, "no note in the workspace for %s", uri);
    return NL_RPC_INVALID_PARAMS;
  }
  note_view v;
  if (view_init(&v, ctx, e) < 0) {
    view_free(&v);
    snprintf(err, err_size, "cannot read %s", e->abs);
    return NL_RPC_INTERNAL_ERROR;
  }
  json_t *edit = all_proposed_edit(&v, act);
  view_free(&v);
  if (edit != NULL && ctx->apply_edit != NULL)
    ctx->apply_edit(ctx, act == TASK_ACCEPT ? "Accept all proposed tasks"
                                            : "Reject all proposed tasks", edit);
  else
    json_decref(edit);
  *result = json_null();
  return 0;
}
