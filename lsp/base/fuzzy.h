/* fuzzy.h: fuzzy matching of completion patterns against names (lsp/base/fuzzy.c). */
#ifndef NL_FUZZY_H
#define NL_FUZZY_H

#include <stddef.h>

/* Scores candidate against pattern for completion ranking; -1 when the pattern's characters
 * do not all occur in order in the candidate, or when out of memory (a candidate over 64
 * bytes or a pattern over 16 bytes allocates scratch space).
 *
 * Both strings are compared as simple-case-folded NFD code points. When the pattern holds no
 * combining mark, the candidate's marks are ignored, so "lea" finds "Léa"; "léa" needs the
 * accent. The score is tier * 2^24 + quality * 2^10 + (1023 - candidate length), where
 *   tier 4: pattern equals candidate; 3: candidate starts with pattern; 2: the pattern splits
 *   into pieces that each match contiguously from a word start ("ldu" in "Léa Dubois");
 *   1: any other in-order (scattered) match;
 *   quality (0..8191): 1024 plus the best alignment's sum over pattern characters of 1, +8
 *   at a word start (candidate start or after white space, '/', '-', '_'), +4 when
 *   continuing a contiguous run, minus 1 per candidate character skipped between matches
 *   (skipped characters before the first match are free), clamped;
 *   length: in code points, capped at 1023, so shorter candidates win ties.
 * An empty pattern scores every candidate in tier 3 by length alone. */
int nl_fuzzy_score(const char *pattern, size_t plen, const char *candidate, size_t clen);
/* What nl_fuzzy_score gives a one-character ASCII pattern that occurs in an ASCII candidate
 * of clen bytes: where is NL_FUZZY_LETTER_FIRST when it is the candidate's first character
 * (tier 4 or 3), NL_FUZZY_LETTER_WORD when it is not but starts a word (tier 2), else
 * NL_FUZZY_LETTER_INSIDE (tier 1). Lets a pass rank such names from what it knows of them
 * (their first byte, word initials and length) without reading them. */
enum { NL_FUZZY_LETTER_INSIDE, NL_FUZZY_LETTER_WORD, NL_FUZZY_LETTER_FIRST };
int nl_fuzzy_score_letter(int where, size_t clen);
/* The highest score nl_fuzzy_score can give an alphanumeric pattern of pn characters in a
 * tier up to `tier` (at most 2: not exact, not a prefix) against a candidate of at least
 * clen_min code points in which at most later_at_word of the pattern's characters after the
 * first can start a word. Lets a pass skip a candidate that could not beat the worst of a
 * full list without reading it. */
int nl_fuzzy_score_bound(int tier, size_t pn, size_t later_at_word, size_t clen_min);
/* What nl_fuzzy_score gives an ASCII pattern of pn lower-case bytes against an ASCII candidate
 * of cn bytes that it cannot match at word starts (so tier 1, or -1): the leftmost greedy
 * alignment, in one pass and without the tests for the higher tiers. For a pass that knows
 * from a name's word-start sets (nl_nav_may_anchor) that no higher tier is possible. */
int nl_fuzzy_score_scattered(const char *lower, size_t pn, const char *candidate, size_t cn);
/* The same score by the full alignment only (nl_fuzzy_score takes bit sets for strings of up
 * to 16 and 128 characters, ASCII or folded); for tests that check the two agree. */
int nl_fuzzy_score_reference(const char *pattern, size_t plen, const char *candidate,
                             size_t clen);

#endif
