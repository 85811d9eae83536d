/* mojibake.h: finds and repairs UTF-8 that was decoded as Windows-1252, Latin-1 or Mac Roman
 * and re-encoded as UTF-8 ("Léa" -> "LÃ©a", "’" -> "â€™", 📅 -> "ðŸ“…", Mac "’" -> "‚Äô").
 *
 * Each code point is mapped back to the byte it came from under the codec; a run is a maximal
 * sequence of such code points whose bytes form complete, valid, non-overlong UTF-8 multibyte
 * sequences. Genuine text can look the same (an upper-case accented letter then a quote, as
 * in "JOSÉ’s"), so a run is accepted on its own only when it is unlikely to be genuine:
 *   - any 4-byte sequence, or any 3-byte one except after a letter with two closing marks
 *     (quotes, dashes, ellipsis, guillemets) as continuation characters: "café…”";
 *   - two or more sequences in a row ("Ð¿Ñ€Ð¸" for "при");
 *   - one Windows-1252 2-byte sequence that holds a C1 control (genuine text has none), or
 *     is led by "Â" or "Ã", except "Ã’" / "Ã”" closing a word in capitals ("MAÇÃ”");
 *   - one with another Windows-1252 lead that decodes below U+0500 (Latin Extended, IPA,
 *     combining marks after a letter, Greek, Cyrillic), and, when its second character is a
 *     closing mark, sits inside a word: after a lower-case letter, or at a word start before
 *     a letter ("wiÄ™cej", "Å’uvre" but not "JOSÉ’s", "ABÖ–ÜB");
 *   - one Mac Roman 2-byte sequence led by ¬ √ ƒ ≈, by » after a letter, or by Œ œ inside a
 *     word (its other leads are dashes and quotes, and "l’été" is genuine).
 *   - a Mac Roman 4-byte emoji whose lead was lost (0xF0 is Apple's private-use logo, which
 *     conversions drop: 📅 as "üìÖ"): three characters for 9F xx yy forming a word of their
 *     own and a pictograph U+1F300..U+1FAFF, the second not one of ä ç é ö ü ("üçü" is
 *     genuine Turkish).
 * A run refused only by these rules is still repaired when an accepted run of the same codec
 * shares its line: a mis-decoded line is mis-decoded throughout ("Ð’ Ð´Ð°Ð½Ð½Ñ‹Ð¹").
 * Decoded text must be plausible: no C1 controls, private use or noncharacters. A repaired
 * run that is itself entirely mojibake is repaired again (double encoding), up to three
 * layers. Windows-1252's five undefined bytes and Latin-1's C1 range are accepted as the
 * code points U+0080..U+009F, as decoders produce them in practice.
 *
 * Checked against 36,000 lines of translated Debian manual pages (Czech to Chinese): no
 * genuine text flagged, and those lines mis-decoded by Python repaired in full 99.9% of the
 * time (Windows-1252) and 99.6% (Mac Roman); the misses are one-letter words with no other
 * mojibake on their line (Ukrainian "і" as "Ñ–", Romanian "și" as Mac "»ôi"). */
#ifndef NL_MOJIBAKE_H
#define NL_MOJIBAKE_H

#include <stddef.h>
#include <stdint.h>

typedef enum { NL_MOJIBAKE_CP1252, NL_MOJIBAKE_MACROMAN } nl_mojibake_codec;

typedef struct {
  size_t start, end;   /* byte offsets of the mojibake run in the input */
  char *repaired;      /* the original UTF-8 (new, NUL-terminated, owned by the span) */
  size_t repaired_len;
  nl_mojibake_codec codec; /* the codec of the outermost layer */
} nl_mojibake_span;

/* Finds runs in text in order; returns the count and sets *spans to a new array (free with
 * nl_mojibake_spans_free; NULL when the count is 0), negative when out of memory (*spans is
 * then NULL). Invalid UTF-8 in text is skipped, never part of a run. */
ptrdiff_t nl_mojibake_find(const char *text, size_t len, nl_mojibake_span **spans);
/* Frees the n spans and their strings; accepts NULL. */
void nl_mojibake_spans_free(nl_mojibake_span *spans, size_t n);
/* Writes text[from, to) into out with each of the n spans (in order, inside [from, to))
 * replaced by its repair, then a NUL; returns the bytes written before the NUL. out needs room
 * for to - from + 1 bytes plus the spans' repaired_len. */
size_t nl_mojibake_splice(const char *text, size_t from, size_t to,
                          const nl_mojibake_span *spans, size_t n, char *out);
/* Where a word really ends that starts at text[0] and that a scanner ended at `end` (of len
 * bytes) inside a mojibake run: past the run when its repair is all word characters (is_word),
 * with the word characters after it ("LÃ©a" is one word, as "Léa" is), else at the run's start
 * ("Bobâ€™s" ends before "â€™", as "Bob’s" ends before "’"). Returns end when it is in no run. */
size_t nl_mojibake_word_end(const char *text, size_t len, size_t end, int (*is_word)(uint32_t));
/* Repairs every run in text: returns new malloc'd, NUL-terminated text and its length in
 * *out_len (may be NULL); NULL when out of memory. Text without mojibake is returned
 * unchanged byte for byte. */
char *nl_mojibake_repair(const char *text, size_t len, size_t *out_len);

#endif
