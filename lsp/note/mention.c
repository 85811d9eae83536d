/* mention.c: where an @mention's first word ends, read from its tail when asked instead of
 * kept with each of a vault's mentions (nl_mention_word_len, note.h). */
#include "lsp/note/note.h"

#include <string.h>

#include "lsp/base/unicode.h"
#include "lsp/note/mojibake.h"
#include "protocol/utf8.h"

static int word_cp(uint32_t cp) {
  return cp == '-' || cp == '_' || cp == '.' || cp == '\'' || nl_unicode_is_word_cp(cp);
}

size_t nl_mention_word_len(const nl_mention *m) {
  const char *t = m->tail;
  size_t n = t != NULL ? strlen(t) : 0, we = 0;
  while (we < n) { /* letters and digits of any script, and "-_.'" */
    unsigned char c = (unsigned char)t[we];
    if (c < 0x80) {
      int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alnum && strchr("-_.'", c) == NULL) break;
      we++;
      continue;
    }
    uint32_t cp;
    size_t k = nl_utf8_next(t + we, n - we, &cp);
    if (!nl_unicode_is_word_cp(cp)) break;
    we += k;
  }
  we = nl_mojibake_word_end(t, n, we, word_cp);
  while (we > 0 && (t[we - 1] == '.' || t[we - 1] == '\'' || t[we - 1] == '-')) we--;
  return we;
}
