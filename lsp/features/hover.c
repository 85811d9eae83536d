/* hover.c: textDocument/hover, a short card for what is under the cursor.
 *   a link, @mention, `account:` / `participants:` value or account tag: the note it names
 *     (title, kind and account, path, aliases, how many notes link to it; the heading when the
 *     link names one), or that nothing has that name;
 *   a task line: its status (custom names too), owners, dates (due relative to today),
 *     priority, recurrence and its next occurrence, id, dependencies; the range is the task;
 *   another tag: how many times the vault uses it;
 *   a person or an account (also on its own note's title): the card adds their open tasks,
 *     overdue first with due dates, and their latest meetings (lsp/features/party.c).
 * Markdown when the client reads it, else the same text plain. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsp/base/buf.h"
#include "lsp/base/error.h"
#include "lsp/features/features.h"
#include "lsp/features/locate.h"
#include "lsp/features/nav_util.h"
#include "lsp/features/party.h"
#include "lsp/note/recurrence.h"
#include "lsp/note/task.h"
#include "protocol/lsp_types.h"
#include "protocol/rpc.h"

/* The card of note e; links: how many links name it (nl_ws_backlinks), < 0 when unknown. */
static void note_card(const nl_entry *e, const char *heading, ptrdiff_t links, nl_buf *t) {
  const nl_note *n = e->note;
  char *detail = nl_nav_detail(e);
  nl_buf_addf(t, "**%s**  \n%s  \n`%s`", n->title != NULL ? n->title->text : e->name,
      detail != NULL ? detail : nl_kind_name(e->kind), e->rel);
  free(detail);
  if (n->n_aliases > 0) {
    nl_buf_addf(t, "  \nalso: ");
    for (size_t i = 0; i < n->n_aliases; i++) nl_buf_addf(t, "%s%s", i ? ", " : "", n->aliases[i].text);
  }
  if (links >= 0) nl_buf_addf(t, "  \n%td link%s to it", links, links == 1 ? "" : "s");
  if (heading != NULL) {
    const nl_heading *h = nl_nav_find_heading(n, heading);
    if (h != NULL)
      nl_buf_addf(t, "  \nsection: %s (line %u)", h->text, h->line + 1);
    else
      nl_buf_addf(t, "  \nno heading \"%s\" in it", heading);
  }
}

static const char *const date_names[NL_DATE__COUNT] = {"due", "scheduled", "starts", "created",
                                                       "done", "cancelled"};
static const char *const priority_names[] = {"", "lowest", "low", "medium", "high", "highest"};

/* A task card: the same parsed task the diagnostics and actions use. `md` picks markdown
 * (bold, hard breaks) or plain text (new lines). */
static void task_card(const nl_ctx *ctx, const nl_entry *self, const nl_task *task, int md,
                      nl_buf *t) {
  const nl_note *n = self->note;
  const nl_task_settings *ts = &nl_ws_config(ctx->ws)->tasks;
  const char *b = md ? "**" : "", *br = md ? "  \n" : "\n";
  const char *name;
  nl_task_status type = nl_task_symbol_type(ts, task->symbol, &name);
  if (nl_task_is_proposed(task, ts))
    nl_buf_addf(t, "%sproposed task%s — accept or reject it", b, b);
  else
    nl_buf_addf(t, "%s%s task%s (%s)", b, name, b, nl_task_status_type_name(type));
  uint32_t m0, n_owners = nl_task_owners(n, task, &m0);
  if (n_owners > 0) {
    nl_buf_addf(t, "%sowner: ", br);
    for (uint32_t i = 0; i < n_owners; i++) {
      const nl_mention *m = &n->mentions[m0 + i];
      size_t len = 0;
      nl_entry *p = nl_ws_resolve_mention(ctx->ws, self, m, &len);
      if (p != NULL) nl_buf_addf(t, "%s%s", i ? ", " : "", p->name);
      else nl_buf_addf(t, "%s%.*s (no note)", i ? ", " : "", (int)nl_mention_word_len(m), m->tail);
    }
  }
  for (int d = 0; d < NL_DATE__COUNT; d++) {
    const nl_task_date *td = nl_task_date_of(task, d);
    if (!td->present) continue;
    if (!td->valid) {
      nl_buf_addf(t, "%s%s: not a valid date", br, date_names[d]);
      continue;
    }
    char day[16];
    nl_date_format(td->days, day);
    nl_buf_addf(t, "%s%s: %s", br, date_names[d], day);
    if (d != NL_DATE_DUE) continue;
    int32_t delta = td->days - ctx->today;
    if (delta == 0)
      nl_buf_addf(t, " (today)");
    else if (delta > 0)
      nl_buf_addf(t, " (in %d day%s)", (int)delta, delta == 1 ? "" : "s");
    else
      nl_buf_addf(t, " (%d day%s ago)", (int)-delta, delta == -1 ? "" : "s");
  }
  if (task->priority != NL_PRIORITY_NONE && task->priority <= NL_PRIORITY_HIGHEST)
    nl_buf_addf(t, "%spriority: %s", br, priority_names[task->priority]);
  if (nl_task_recurrence(task) != NULL) {
    nl_occurrence cur, next;
    nl_occurrence_of(task, &cur);
    nl_buf_addf(t, "%srecurs: %s", br, nl_task_recurrence(task));
    if (nl_recurrence_next(nl_task_recurrence(task), &cur, ctx->today, &next) != 0) {
      nl_buf_addf(t, " (no next occurrence computed for this rule)");
    } else if (next.has[2] || next.has[1] || next.has[0]) {
      char day[16];
      int k = next.has[2] ? 2 : next.has[1] ? 1 : 0;
      nl_date_format(next.days[k], day);
      nl_buf_addf(t, " (next %s %s)", k == 2 ? "due" : k == 1 ? "scheduled" : "starts", day);
    }
  }
  if (task->on_completion != NL_ON_COMPLETION_NONE)
    nl_buf_addf(t, "%son completion: %s", br,
        task->on_completion == NL_ON_COMPLETION_DELETE ? "delete the line" : "keep the line");
  if (nl_task_id(task) != NULL) nl_buf_addf(t, "%sid: %s", br, nl_task_id(task));
  if (nl_task_n_depends_on(task) > 0) {
    nl_buf_addf(t, "%sdepends on: ", br);
    for (uint32_t i = 0; i < nl_task_n_depends_on(task); i++)
      nl_buf_addf(t, "%s%s", i ? ", " : "", nl_task_depends_on(task, i));
  }
  if (task->mojibake) nl_buf_addf(t, "%sfields read through mangled emoji: repair the encoding", br);
}

static const nl_task *task_on_line(const nl_note *n, uint32_t line) {
  for (size_t i = 0; i < n->n_tasks; i++)
    if (n->tasks[i].line == line) return &n->tasks[i];
  return NULL;
}

typedef struct {
  const char *tag;
  size_t count;
} tag_count;

static void count_tag(void *ud, const char *tag, size_t count) {
  tag_count *c = ud;
  if (strcmp(tag, c->tag) == 0) c->count = count;
}

/* ---- people and accounts ----------------------------------------------------------------- */

/* A person's or account's own note, hovered on its first heading or frontmatter title. */
static int on_own_title(const nl_entry *self, uint32_t line) {
  if (!nl_party_is(self)) return 0;
  const nl_note *n = self->note;
  return (n->n_headings > 0 && n->headings[0].line == line) ||
         (n->title != NULL && n->title->range.start.line == line);
}

/* The card of the note a link, mention or name leads to. A person or account card adds their
 * open tasks and latest meetings; loading those counts the links to them, which the card
 * shows, so the backlinks are searched once. */
static void target_card(const nl_ctx *ctx, const nl_entry *e, const char *heading, nl_buf *t) {
  nl_party p;
  if (!nl_party_is(e) || nl_party_load(ctx->ws, e, ctx->today, &p) < 0) {
    nl_ref *refs;
    ptrdiff_t links = nl_ws_backlinks(ctx->ws, e, &refs);
    if (links > 0) free(refs);
    note_card(e, heading, links, t);
    return;
  }
  note_card(e, heading, (ptrdiff_t)p.n_links, t);
  char *lines = nl_party_card(ctx->ws, e, &p);
  if (lines != NULL) nl_buf_addf(t, "  \n%s", lines);
  free(lines);
  nl_party_free(&p);
}

int nl_feature_hover(const nl_ctx *ctx, const json_t *params, json_t **result, char *err,
                     size_t err_size) {
  const char *uri = NULL;
  uint32_t line = 0, character = 0;
  int rc = nl_nav_text_position(params, &uri, &line, &character, err, err_size);
  if (rc != 0) return rc;
  *result = json_null();
  const nl_doc *doc = nl_docs_get(ctx->docs, uri);
  const nl_entry *self = nl_ws_by_uri(ctx->ws, uri);
  /* The index holds the open text (the server flushes edits before requests). */
  if (doc == NULL || self == NULL) return 0;
  const nl_note *n = self->note;
  nl_bpos pos = nl_ctx_bpos(ctx, doc, line, character);
  nl_loc loc;
  nl_locate(ctx->ws, self, n, pos, &loc);
  nl_buf t = NL_BUF_INIT;
  const nl_entry *target = NULL;
  const char *heading = NULL, *missing = NULL;
  int missing_len = INT_MAX; /* all of missing */
  switch (loc.kind) {
  case NL_LOC_LINK: {
    const nl_link *l = &n->links[loc.index];
    target = *l->target == '\0' ? self
                                : nl_ws_resolve(ctx->ws, self,
                                                l->target, strlen(l->target), NULL);
    heading = nl_link_heading(l);
    missing = l->target;
    break;
  }
  case NL_LOC_MENTION:
    target = loc.person;
    missing = n->mentions[loc.index].tail;
    missing_len = (int)nl_mention_word_len(&n->mentions[loc.index]);
    break;
  case NL_LOC_ACCOUNT:
    target = nl_ws_resolve_kind(ctx->ws, self, NL_KIND_ACCOUNT, n->account->text,
                                strlen(n->account->text));
    missing = n->account->text;
    break;
  case NL_LOC_PARTICIPANT: {
    const char *v = n->participants[loc.index].text;
    target = nl_ws_resolve_kind(ctx->ws, self, NL_KIND_PERSON, v, strlen(v));
    missing = v;
    break;
  }
  case NL_LOC_TAG: {
    const char *tag = n->tags[loc.index].name;
    target = nl_ws_resolve_account_tag(ctx->ws, self, tag, strlen(tag));
    if (target == NULL) {
      tag_count c = {tag, 0};
      nl_ws_foreach_tag(ctx->ws, (int)self->root, count_tag, &c);
      nl_buf_addf(&t, "**#%s**  \nused %zu time%s in the vault", tag, c.count, c.count == 1 ? "" : "s");
    }
    break;
  }
  case NL_LOC_TYPE:
  case NL_LOC_NONE: {
    const nl_task *task = task_on_line(n, pos.line);
    if (task != NULL) {
      task_card(ctx, self, task, ctx->caps->hover_markdown, &t);
      loc.range = nl_task_range(task, (nl_col_span){task->status_col, task->line_end});
      loc.kind = NL_LOC_TYPE; /* the range below is the task's */
    } else if (on_own_title(self, pos.line)) {
      target = self;
    }
    break;
  }
  }
  if (target != NULL)
    target_card(ctx, target, heading, &t);
  else if (t.len == 0 && missing != NULL && loc.kind != NL_LOC_NONE && loc.kind != NL_LOC_TAG)
    nl_buf_addf(&t, "no note named \"%.*s\"", missing_len, missing);
  if (t.len == 0 && !t.oom) return 0;
  char *value = nl_buf_take(&t);
  if (value == NULL) return NL_ENOMEM;
  json_decref(*result);
  *result = json_pack("{s:{s:s,s:s},s:o}", "contents", "kind",
                      ctx->caps->hover_markdown ? "markdown" : "plaintext", "value", value,
                      "range", nl_ctx_range_json(ctx, self, loc.kind != NL_LOC_NONE ? loc.range
                        : (nl_brange){{pos.line, 0}, {pos.line, 0}}));
  free(value);
  return 0;
}
