/* glob.c: a glob pattern runs as a small automaton over the path (the Thompson construction
 * that RE2 and Go's regexp use): every pattern position the text could have reached is kept
 * at once, so a pattern like "*a*a*a*a*a*a*a*a*b" costs a pass per path byte instead of the
 * exponential retries of a recursive matcher. */
#include "lsp/index/glob.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { T_LIT, T_ANY, T_STAR, T_DSTAR };

typedef struct {
  uint8_t type;
  char c; /* T_LIT */
} token;

/* Splits the pattern into tokens; two stars and the slash after them are one T_DSTAR (which
 * may match no segment at all). */
static size_t compile(const char *p, token *out) {
  size_t n = 0;
  while (*p != '\0') {
    if (p[0] == '*' && p[1] == '*') {
      p += 2;
      if (*p == '/') p++;
      out[n++] = (token){T_DSTAR, 0};
    } else if (*p == '*') {
      p++;
      out[n++] = (token){T_STAR, 0};
    } else if (*p == '?') {
      p++;
      out[n++] = (token){T_ANY, 0};
    } else {
      out[n++] = (token){T_LIT, *p++};
    }
  }
  return n;
}

/* State sets: at[i] means "the path read so far can stop right before token i"; mid[i] means
 * "inside the '**' at token i, in the middle of a segment" — a '**' may only hand over to the
 * next token at the start of a segment, so it remembers whether it just read a '/'. */
static void closure(const token *t, size_t n, uint8_t *at) {
  for (size_t i = 0; i < n; i++)
    if (at[i] && (t[i].type == T_STAR || t[i].type == T_DSTAR)) at[i + 1] = 1;
}

int nl_glob_match(const char *pattern, const char *path) {
  size_t plen = strlen(pattern);
  token stack_tokens[64];
  uint8_t stack_sets[4 * 65];
  token *t = plen <= 64 ? stack_tokens : malloc(plen * sizeof(*t));
  uint8_t *sets = plen <= 64 ? stack_sets : malloc(4 * (plen + 1));
  int match = 0;
  if (t == NULL || sets == NULL) goto done;
  size_t n = compile(pattern, t);
  uint8_t *at = sets, *mid = sets + (n + 1), *next_at = sets + 2 * (n + 1),
          *next_mid = sets + 3 * (n + 1);
  memset(sets, 0, 4 * (n + 1));
  at[0] = 1;
  closure(t, n, at);
  for (const char *s = path; *s != '\0'; s++) {
    char c = *s;
    int any = 0;
    memset(next_at, 0, 2 * (n + 1)); /* next_at and next_mid are adjacent */
    for (size_t i = 0; i < n; i++) {
      if (!at[i] && !mid[i]) continue;
      switch (t[i].type) {
      case T_LIT:
        if (at[i] && c == t[i].c) next_at[i + 1] = any = 1;
        break;
      case T_ANY:
        if (at[i] && c != '/') next_at[i + 1] = any = 1;
        break;
      case T_STAR:
        if (at[i] && c != '/') next_at[i] = any = 1;
        break;
      case T_DSTAR:
        /* A trailing '**' takes the rest of the path, whatever it is. */
        if (i + 1 == n) {
          match = 1;
          goto done;
        }
        if (c == '/')
          next_at[i] = 1;
        else
          next_mid[i] = 1;
        any = 1;
        break;
      }
    }
    if (!any) goto done;
    uint8_t *swap = at;
    at = next_at;
    next_at = swap;
    swap = mid;
    mid = next_mid;
    next_mid = swap;
    closure(t, n, at);
  }
  match = at[n];
done:
  if (t != stack_tokens) free(t);
  if (sets != stack_sets) free(sets);
  return match;
}
