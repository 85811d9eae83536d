/* diagnostics.c: the engine's diagnostics as LSP Diagnostic objects, for publishDiagnostics
 * and the pull requests (textDocument/diagnostic, workspace/diagnostic). A pulled note's
 * resultId is the hash of its diagnostics' JSON; the entry remembers it with the state it was
 * computed under, so a note whose state did not change answers without running the engine.
 * The memo keeps the last open note's diagnostics as text, one per diagnostic with its lines:
 * in the same state they serve again, and after an edit inside one line that left every other
 * line's items as they were (nl_doc.follows) only that line's items are diagnosed again. It
 * keeps the last closed note's too, so a held pull's look at a note changed on disk
 * (nl_feature_workspace_diagnostic_news) and the pull that answers it diagnose it once. Pulled
 * reports are written as text too, never as a tree of JSON values. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsp/base/hash.h"
#include "lsp/index/diagnose.h"
#include "lsp/features/features.h"
#include "lsp/features/memo.h"
#include "lsp/client/text.h"
#include "protocol/lsp_types.h"
#include "protocol/utf8.h"
#include "protocol/rpc.h"

#define NL_DIAG_SOURCE "notes-lsp"

/* Appends a related location in another note, {"location":...,"message":...}, after a comma
 * unless *first; nothing when the note is gone or the message is not UTF-8. Candidates point
 * at the start of a note, which needs no conversion; anything else goes through the context
 * (which may read that note). */
static void related_text(const nl_ctx *ctx, nl_buf *b, const nl_diag_related *rel, int *first) {
  const nl_entry *o = nl_ws_get(ctx->ws, rel->entry);
  const char *msg = rel->message != NULL ? rel->message : "";
  if (o == NULL || o->uri == NULL || !nl_utf8_valid(msg, strlen(msg))) return;
  nl_buf_adds(b, *first ? "{\"location\":" : ",{\"location\":");
  *first = 0;
  nl_bpos s = rel->range.start, e = rel->range.end;
  if (s.line == 0 && s.col == 0 && e.line == 0 && e.col == 0)
    nl_ctx_top_location_text(b, o->uri);
  else
    nl_ctx_location_text(ctx, b, o, rel->range);
  nl_buf_adds(b, ",\"message\":");
  nl_ctx_string_text(b, msg);
  nl_buf_adds(b, "}");
}

/* Appends d as an LSP Diagnostic's JSON text (the key order: range, severity, code, source,
 * message, relatedInformation, data), after a comma unless *first; nothing when its message is
 * not UTF-8. */
static void diag_text(const nl_ctx *ctx, const nl_text *t, const nl_diag *d, nl_buf *b,
                      int *first) {
  /* jansson takes only UTF-8: a diagnostic quoting text that is not was always left out */
  if (d->message == NULL || !nl_utf8_valid(d->message, strlen(d->message))) return;
  nl_buf_adds(b, *first ? "{\"range\":" : ",{\"range\":");
  *first = 0;
  nl_ctx_text_range_text(ctx, b, t, d->range);
  nl_buf_adds(b, ",\"severity\":");
  nl_ctx_u32_text(b, (uint32_t)d->severity);
  if (d->code != NULL) {
    nl_buf_adds(b, ",\"code\":");
    nl_ctx_string_text(b, d->code);
  }
  nl_buf_adds(b, ",\"source\":\"" NL_DIAG_SOURCE "\",\"message\":");
  nl_ctx_string_text(b, d->message);
  /* Ambiguous links and the like always name their candidates in the message; the related
   * locations are only for clients that show them. */
  if (d->n_related > 0 && ctx->caps != NULL && ctx->caps->related_info) {
    nl_buf_adds(b, ",\"relatedInformation\":[");
    int none = 1;
    for (size_t i = 0; i < d->n_related; i++) related_text(ctx, b, &d->related[i], &none);
    nl_buf_adds(b, "]");
  }
  if (d->repaired != NULL && nl_utf8_valid(d->repaired, d->repaired_len)) {
    nl_buf_adds(b, ",\"data\":{\"repaired\":");
    nl_ctx_string_text_len(b, d->repaired, d->repaired_len);
    nl_buf_adds(b, "}");
  }
  nl_buf_adds(b, "}");
}

/* The JSON value b holds (b is emptied); NULL when it is empty or out of memory. */
static json_t *tree_of(nl_buf *b) {
  json_t *v = b->oom || b->len == 0 ? NULL : json_loadb(b->s, b->len, 0, NULL);
  nl_buf_free(b);
  return v;
}

json_t *nl_diag_json(const nl_ctx *ctx, const nl_text *t, const nl_diag *d) {
  nl_buf b = NL_BUF_INIT;
  int first = 1;
  diag_text(ctx, t, d, &b, &first);
  return tree_of(&b);
}

static size_t diagnose_runs; /* nl_feature_diagnose_runs */
static size_t line_runs;     /* nl_feature_diagnose_line_runs */

size_t nl_feature_diagnose_runs(void) { return diagnose_runs; }
size_t nl_feature_diagnose_line_runs(void) { return line_runs; }

/* ---- kept after an edit ------------------------------------------------------------------ */

/* Appends the text s[0, n) of a diagnostic on lines [first, last] to m. */
static void keep(nl_memo_diags *m, const char *s, size_t n, uint32_t first, uint32_t last) {
  nl_memo_diag *k = nl_vec_push(&m->items, sizeof *k);
  if (k == NULL) {
    m->text.oom = 1;
    return;
  }
  *k = (nl_memo_diag){m->text.len, n, first, last};
  nl_buf_add(&m->text, s, n);
}

/* Appends the text of each diagnostic of list to m. */
static void keep_list(const nl_ctx *ctx, const nl_text *t, const nl_diag_list *list,
                      nl_memo_diags *m) {
  nl_buf one = NL_BUF_INIT;
  for (size_t i = 0; i < list->n; i++) {
    const nl_diag *d = &list->items[i];
    int first = 1;
    nl_buf_clear(&one);
    diag_text(ctx, t, d, &one, &first);
    if (one.len > 0) keep(m, one.s, one.len, d->range.start.line, d->range.end.line);
  }
  m->text.oom |= one.oom;
  nl_buf_free(&one);
}

/* The kept diagnostics of e: its open document's, when the index's note parsed it as it is
 * now, or the last closed note's when no document holds e; NULL when none can be kept. */
static nl_memo_diags *memo_of(const nl_ctx *ctx, const nl_entry *e, const nl_doc **doc) {
  if (ctx->memo == NULL) return NULL;
  *doc = ctx->docs != NULL && e->uri != NULL ? nl_docs_get(ctx->docs, e->uri) : NULL;
  if (*doc == NULL) return &ctx->memo->closed;
  if ((*doc)->mark != e->seq || (*doc)->head != SIZE_MAX) return NULL;
  return &ctx->memo->diags;
}

static void stamp(nl_memo_diags *m, const nl_ctx *ctx, const nl_entry *e) {
  m->seq = e->seq;
  m->id = e->id;
  m->gen = nl_ws_generation(ctx->ws);
  m->gen_wide = nl_ws_wide_generation(ctx->ws);
  m->today = ctx->today;
  m->enc = (int)ctx->enc;
  m->related = ctx->caps != NULL && ctx->caps->related_info;
}

/* Whether m was written in the state the index, the day and the client are in now, for e. */
static int same_state(const nl_memo_diags *m, const nl_ctx *ctx, const nl_entry *e) {
  nl_memo_diags now;
  stamp(&now, ctx, e);
  return m->seq != 0 && m->id == now.id && m->gen == now.gen && m->gen_wide == now.gen_wide &&
         m->today == now.today && m->enc == now.enc && m->related == now.related;
}

/* Into out: the kept diagnostics off doc's edited line, with those the line's items give now
 * (nl_diagnose_line), in the engine's order. 0, or -1 when that cannot be (a kept diagnostic
 * or an item across the line) or out of memory. */
static int kept_and_line(const nl_ctx *ctx, const nl_entry *e, const nl_doc *doc,
                         const nl_text *t, const char *body, size_t len,
                         const nl_memo_diags *m, nl_memo_diags *out) {
  uint32_t line = doc->follows_line;
  const nl_memo_diag *kept = m->items.items;
  size_t before = 0; /* kept diagnostics [0, before) end above the line, the rest start below */
  for (size_t i = 0; i < m->items.n; i++) {
    const nl_memo_diag *k = &kept[i];
    if (k->first <= line && k->last >= line && k->first != k->last) return -1;
    if (k->last < line) before = i + 1;
  }
  nl_diag_list list;
  nl_diag_list_init(&list);
  int rc = line == UINT32_MAX ? 0 : nl_diagnose_line(ctx->ws, e, body, len, ctx->today, line, &list);
  for (size_t i = 0; i < before && rc == 0; i++)
    keep(out, m->text.s + kept[i].off, kept[i].len, kept[i].first, kept[i].last);
  if (rc == 0) keep_list(ctx, t, &list, out);
  for (size_t i = before; i < m->items.n && rc == 0; i++)
    if (kept[i].first > line)
      keep(out, m->text.s + kept[i].off, kept[i].len, kept[i].first, kept[i].last);
  nl_diag_list_free(&list);
  if (rc != 0 || out->text.oom) return -1;
  line_runs++;
  return 0;
}

/* Appends m's diagnostics to b as the items of a JSON array. */
static void put_kept(const nl_memo_diags *m, nl_buf *b) {
  const nl_memo_diag *kept = m->items.items;
  for (size_t i = 0; i < m->items.n; i++) {
    if (i > 0) nl_buf_adds(b, ",");
    nl_buf_add(b, m->text.s + kept[i].off, kept[i].len);
  }
  b->oom |= m->text.oom;
}

void nl_feature_diagnostics_text(const nl_ctx *ctx, const nl_entry *e, nl_buf *b) {
  nl_buf_adds(b, "[");
  const nl_doc *doc = NULL;
  nl_memo_diags *m = ctx != NULL && e != NULL && e->note != NULL ? memo_of(ctx, e, &doc) : NULL;
  int same = m != NULL && same_state(m, ctx, e);
  if (same && m->seq == e->seq) { /* nothing changed since they were written (a pull after a
                                   * publish) */
    put_kept(m, b);
  } else if (ctx != NULL && e != NULL && e->note != NULL) {
    diagnose_runs++;
    nl_text t;
    nl_text_load(&t, ctx->docs, e); /* unreadable: diagnostics without mojibake */
    size_t len;
    const char *body = nl_text_body(&t, &len);
    nl_memo_diags fresh = {0};
    if (!same || doc == NULL || doc->follows != m->seq ||
        kept_and_line(ctx, e, doc, &t, body, len, m, &fresh) < 0) {
      nl_memo_diags_forget(&fresh);
      nl_diag_list list;
      nl_diag_list_init(&list);
      nl_diagnose(ctx->ws, e, body, len, ctx->today, &list);
      keep_list(ctx, &t, &list, &fresh);
      nl_diag_list_free(&list);
    }
    put_kept(&fresh, b);
    if (m != NULL && !fresh.text.oom) {
      stamp(&fresh, ctx, e);
      nl_memo_diags_forget(m);
      *m = fresh;
    } else {
      nl_memo_diags_forget(&fresh);
    }
    nl_text_free(&t);
  }
  nl_buf_adds(b, "]");
}

json_t *nl_feature_diagnostics_json(const nl_ctx *ctx, const nl_entry *e) {
  nl_buf b = NL_BUF_INIT;
  nl_feature_diagnostics_text(ctx, e, &b);
  return tree_of(&b);
}

/* ---- pulled diagnostics ------------------------------------------------------------------ */

/* The resultId of the diagnostics' JSON text s[0, n). */
static void id_of_text(const char *s, size_t n, char out[17]) {
  snprintf(out, 17, "%016llx", (unsigned long long)nl_hash_bytes(NL_HASH_INIT, s, n));
}

void nl_feature_no_problems_id(char out[17]) { id_of_text("[]", 2, out); }

/* Everything a note's diagnostics depend on besides its own parse and text, which its seq
 * covers: the rest of the vault (the index's wide generation; a change whose dependents were
 * collected forgot their diag_state instead, lsp/index/dependents.c), today, the encoding of their
 * positions and whether they carry related locations. Never 0, which means "never computed". */
static uint64_t pull_state(const nl_ctx *ctx, const nl_entry *e) {
  uint64_t h = nl_hash_u64(NL_HASH_INIT, e->seq);
  h = nl_hash_u64(h, nl_ws_wide_generation(ctx->ws));
  h = nl_hash_u64(h, (uint64_t)(uint32_t)ctx->today);
  h = nl_hash_u64(h, (uint64_t)ctx->enc);
  h = nl_hash_u64(h, (uint64_t)(ctx->caps != NULL && ctx->caps->related_info));
  return h | 1;
}

nl_pull_stamp nl_feature_pull_stamp(const nl_ctx *ctx) {
  uint64_t h = nl_hash_u64(NL_HASH_INIT, nl_ws_wide_generation(ctx->ws));
  h = nl_hash_u64(h, (uint64_t)(uint32_t)ctx->today);
  h = nl_hash_u64(h, (uint64_t)ctx->enc);
  h = nl_hash_u64(h, (uint64_t)(ctx->caps != NULL && ctx->caps->related_info));
  return (nl_pull_stamp){nl_ws_seq(ctx->ws), h};
}

int nl_feature_pull_diagnostics(const nl_ctx *ctx, nl_entry *e, const char *previous,
                                char id[17], nl_buf *items) {
  nl_buf_clear(items);
  uint64_t state = pull_state(ctx, e);
  if (e->diag_state == state) {
    snprintf(id, 17, "%016llx", (unsigned long long)e->diag_id);
    if (previous != NULL && strcmp(previous, id) == 0) return 0;
    char none[17];
    nl_feature_no_problems_id(none);
    if (strcmp(id, none) == 0) {
      nl_buf_adds(items, "[]");
      return items->oom ? -1 : 1;
    }
  }
  nl_feature_diagnostics_text(ctx, e, items);
  if (items->oom) return -1;
  id_of_text(items->s, items->len, id);
  e->diag_state = state;
  e->diag_id = strtoull(id, NULL, 16);
  return previous != NULL && strcmp(previous, id) == 0 ? 0 : 1;
}

int nl_feature_diagnostic(const nl_ctx *ctx, const json_t *params, json_t **result, char *err,
                          size_t err_size) {
  const char *uri = nl_lsp_get_uri(params, err, err_size);
  if (uri == NULL) return NL_RPC_INVALID_PARAMS;
  nl_entry *e = nl_ws_by_uri(ctx->ws, uri);
  const char *before = json_string_value(json_object_get(params, "previousResultId"));
  char id[17];
  nl_buf items = NL_BUF_INIT;
  int full;
  /* A document outside the vault (or not indexed yet) simply has no diagnostics. */
  if (e == NULL || e->note == NULL) {
    nl_feature_no_problems_id(id);
    full = before == NULL || strcmp(before, id) != 0;
    nl_buf_adds(&items, "[]");
  } else if ((full = nl_feature_pull_diagnostics(ctx, e, before, id, &items)) < 0) {
    nl_buf_free(&items);
    snprintf(err, err_size, "out of memory");
    return NL_RPC_INTERNAL_ERROR;
  }
  /* The same resultIds as workspace/diagnostic: an unchanged note answers `unchanged`. The
   * key order is json_pack's of {kind, resultId[, items]}. */
  nl_buf b = NL_BUF_INIT;
  nl_buf_adds(&b, full ? "{\"kind\":\"full\",\"resultId\":\"" : "{\"kind\":\"unchanged\",\"resultId\":\"");
  nl_buf_adds(&b, id);
  if (full) {
    nl_buf_adds(&b, "\",\"items\":");
    nl_buf_add(&b, items.s, items.len);
    nl_buf_adds(&b, "}");
  } else {
    nl_buf_adds(&b, "\"}");
  }
  b.oom |= items.oom;
  nl_buf_free(&items);
  return nl_ctx_raw_result(&b, result);
}
