/* diagnose_mojibake.c: the diagnostic for text that looks like UTF-8 decoded as Windows-1252 or
 * Mac Roman (the detection is lsp/note/mojibake.c), one per word, with the repaired text. */
#include <stdlib.h>
#include <string.h>

#include "lsp/index/diagnose_impl.h"
#include "lsp/note/mojibake.h"

static int is_line_end(char c) { return c == '\n' || c == '\r'; }

static int ascii_punct(char c) {
  unsigned char u = (unsigned char)c;
  return u < 0x80 && !((u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z'));
}

/* The word around a run, so a message reads "'LÃ©a' should be 'Léa'" rather than "'Ã©'
 * should be 'é'": the run grown to the blanks around it on its line, then with ASCII
 * punctuation at either end ("@", "(", ".") dropped again. */
static void word_around(const char *t, size_t len, size_t *a, size_t *b) {
  size_t s = *a, e = *b;
  while (s > 0 && !nl_diag_is_space(t[s - 1]) && !is_line_end(t[s - 1])) s--;
  while (e < len && !nl_diag_is_space(t[e]) && !is_line_end(t[e])) e++;
  while (s < *a && ascii_punct(t[s])) s++;
  while (e > *b && ascii_punct(t[e - 1])) e--;
  *a = s;
  *b = e;
}

/* One diagnostic for the runs spans[i, j) that share the word [ws, we). */
static void report_word(nl_diag_run *r, const nl_mojibake_span *spans, ptrdiff_t i, ptrdiff_t j,
                        size_t ws, size_t we) {
  const char *t = r->ls.text;
  nl_brange range = {nl_diag_bpos(&r->ls, ws), nl_diag_bpos(&r->ls, we)};
  r->moji[r->n_moji++] = range;
  if (!nl_diag_in_run(r, range)) return; /* kept from the last run (nl_diagnose_line) */
  size_t cap = we - ws + 1;
  for (ptrdiff_t k = i; k < j; k++) cap += spans[k].repaired_len;
  char *fixed = malloc(cap);
  if (fixed == NULL) {
    r->oom = 1;
    return;
  }
  size_t n = nl_mojibake_splice(t, ws, we, spans + i, (size_t)(j - i), fixed);
  const char *codec = spans[i].codec == NL_MOJIBAKE_MACROMAN ? "Mac Roman" : "Windows-1252";
  nl_diag *d = nl_diag_push(r->out, NL_SEV_WARNING, NL_DIAG_MOJIBAKE, range,
                    nl_diag_fmt("text looks like UTF-8 decoded as %s: '%.*s' should be '%s'", codec,
                        (int)(we - ws), t + ws, fixed));
  if (d == NULL) {
    r->oom = 1;
    free(fixed);
    return;
  }
  d->repaired = fixed;
  d->repaired_len = n;
}

/* Whether text bytes [a, b) touch a code block or code span of the note. */
static int in_code(const nl_diag_run *r, size_t a, size_t b) {
  nl_brange s = {nl_diag_bpos(&r->ls, a), nl_diag_bpos(&r->ls, b)};
  size_t lo = 0, hi = r->note->n_code;
  while (lo < hi) { /* the first code range that does not end before s starts */
    size_t mid = (lo + hi) / 2;
    nl_bpos e = r->note->code[mid].end;
    if (e.line < s.start.line || (e.line == s.start.line && e.col <= s.start.col)) lo = mid + 1;
    else hi = mid;
  }
  return lo < r->note->n_code && nl_diag_ranges_overlap(r->note->code[lo], s);
}

void nl_diag_check_mojibake(nl_diag_run *r) {
  if (r->ls.text == NULL) return;
  nl_mojibake_span *spans = NULL;
  ptrdiff_t n = nl_mojibake_find(r->ls.text, r->ls.len, &spans);
  if (n < 0) {
    r->oom = 1;
    return;
  }
  if (n > 0) r->moji = calloc((size_t)n, sizeof *r->moji);
  if (n > 0 && r->moji == NULL) r->oom = 1;
  for (ptrdiff_t i = 0; i < n && r->moji != NULL;) {
    if (in_code(r, spans[i].start, spans[i].end)) { /* code is code: never "repaired" */
      i++;
      continue;
    }
    size_t ws = spans[i].start, we = spans[i].end;
    word_around(r->ls.text, r->ls.len, &ws, &we);
    ptrdiff_t j = i + 1;
    while (j < n && spans[j].start < we) { /* later runs in the same word */
      size_t a = spans[j].start, b = spans[j].end;
      word_around(r->ls.text, r->ls.len, &a, &b);
      if (b > we) we = b;
      j++;
    }
    report_word(r, spans, i, j, ws, we);
    i = j;
  }
  nl_mojibake_spans_free(spans, n > 0 ? (size_t)n : 0);
}

