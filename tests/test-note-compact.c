/* nl_note_compact must keep every field of a note: a compacted parse and a fresh parse of the
 * same text dump to the same bytes, for every note of the example vault and tricky inputs. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsp/note/note.h"
#include "test.h"

typedef struct {
  char *buf;
  size_t len, cap;
} dump;

static void put(dump *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#include <stdarg.h>
static void put(dump *d, const char *fmt, ...) {
  char tmp[4096];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n >= sizeof(tmp)) n = sizeof(tmp) - 1;
  if (d->len + (size_t)n + 1 > d->cap) {
    d->cap = (d->len + (size_t)n + 1) * 2;
    d->buf = realloc(d->buf, d->cap);
  }
  memcpy(d->buf + d->len, tmp, (size_t)n + 1);
  d->len += (size_t)n;
}

#define S(x) ((x) != NULL ? (x) : "(null)")
#define R(r) (r).start.line, (r).start.col, (r).end.line, (r).end.col

static void dump_note(dump *d, const nl_note *n) {
  put(d, "path=%s lines=%u bom=%d crlf=%d\n", S(n->path), n->n_lines, n->has_bom, n->crlf);
  const nl_frontmatter *fm = &n->fm;
  put(d, "fm %d %d %u %u err=%d %u:%u %s\n", fm->present, fm->is_mapping, fm->first_line,
      fm->last_line, fm->has_error, fm->error_pos.line, fm->error_pos.col, S(fm->error_message));
  for (size_t i = 0; i < fm->n_entries; i++) {
    const nl_fm_entry *e = &fm->entries[i];
    put(d, " key %s %u:%u-%u:%u list=%d map=%d\n", S(e->key), R(e->key_range), e->is_list,
        e->is_mapping);
    for (size_t j = 0; j < e->n_items; j++)
      put(d, "  item %s %u:%u-%u:%u\n", S(e->items[j].text), R(e->items[j].range));
  }
  const nl_fm_scalar *one[] = {n->type, n->title, n->account, n->date};
  for (size_t i = 0; i < 4; i++) put(d, "field %s\n", one[i] != NULL ? S(one[i]->text) : "-");
  for (size_t i = 0; i < n->n_aliases; i++) put(d, "alias %s\n", S(n->aliases[i].text));
  for (size_t i = 0; i < n->n_participants; i++)
    put(d, "participant %s\n", S(n->participants[i].text));
  for (size_t i = 0; i < n->n_headings; i++)
    put(d, "heading %d %s %s %u:%u-%u:%u\n", n->headings[i].level, S(n->headings[i].text),
        S(n->headings[i].slug), R(n->headings[i].range));
  for (size_t i = 0; i < n->n_blocks; i++)
    put(d, "block %s %u:%u-%u:%u\n", S(n->blocks[i].id), R(n->blocks[i].range));
  for (size_t i = 0; i < n->n_links; i++) {
    const nl_link *l = &n->links[i];
    put(d, "link %d %s %s %s %s %u:%u-%u:%u %u:%u-%u:%u\n", l->kind, S(l->target), S(l->heading),
        S(l->block), S(l->alias), R(l->range), R(l->target_range));
  }
  for (size_t i = 0; i < n->n_tags; i++)
    put(d, "tag %s %d %u:%u-%u:%u\n", S(n->tags[i].name), n->tags[i].in_frontmatter,
        R(n->tags[i].range));
  for (size_t i = 0; i < n->n_mentions; i++)
    put(d, "mention %s|%s %u:%u %u\n", S(n->mentions[i].tail), S(n->mentions[i].word),
        n->mentions[i].at.line, n->mentions[i].at.col, n->mentions[i].task);
  for (size_t i = 0; i < n->n_tasks; i++) {
    const nl_task *t = &n->tasks[i];
    put(d, "task %u %d %s %d %s %s %s %s %d %d %d\n", t->line, t->status, t->symbol, t->proposed,
        S(t->description), S(t->recurrence), S(t->id), S(t->block_id), t->priority,
        t->on_completion, t->mojibake);
    for (uint32_t k = 0; k < t->n_depends_on; k++) put(d, " depends %s\n", S(t->depends_on[k]));
    for (int k = 0; k < NL_DATE__COUNT; k++)
      put(d, " date %d %d %d %d\n", k, t->dates[k].present, t->dates[k].valid, t->dates[k].days);
  }
}

static char *parse_dump(const char *path, const char *text, size_t len, int compact) {
  nl_note *n = nl_note_parse(path, text, len);
  if (n == NULL) return NULL;
  if (compact && nl_note_compact(n) != 0) {
    nl_note_free(n);
    return NULL;
  }
  dump d = {0};
  dump_note(&d, n);
  nl_note_free(n);
  return d.buf;
}

static int compare(const char *path, const char *text, size_t len) {
  char *a = parse_dump(path, text, len, 0);
  char *b = parse_dump(path, text, len, 1);
  int same = a != NULL && b != NULL && strcmp(a, b) == 0;
  if (!same) fprintf(stderr, "differs: %s\n--- fresh\n%s\n--- compacted\n%s\n", path, S(a), S(b));
  free(a);
  free(b);
  return same;
}

static int walk(const char *dir, const char *rel, int *count) {
  DIR *d = opendir(dir);
  if (d == NULL) return 0;
  int ok = 1;
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (de->d_name[0] == '.') continue;
    char path[4096], r[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
    snprintf(r, sizeof(r), "%s%s%s", rel, *rel ? "/" : "", de->d_name);
    if (de->d_type == DT_DIR) {
      ok &= walk(path, r, count);
      continue;
    }
    FILE *f = fopen(path, "rb");
    if (f == NULL) continue;
    static char buf[1 << 20];
    size_t len = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    ok &= compare(r, buf, len);
    (*count)++;
  }
  closedir(d);
  return ok;
}

static void test_vault_notes(void) {
  int count = 0;
  ASSERT(walk(NL_TEST_VAULT, "", &count));
  ASSERT_EQ(count, 17);
}

static void test_big_note(void) {
  /* Many tasks and links: the note spans several arena blocks before compaction. */
  size_t cap = 400000, len = 0;
  char *text = malloc(cap);
  len += (size_t)snprintf(text, cap, "---\ntitle: Big\naliases: [B, C]\ntags: [x, y/z]\n---\n");
  for (int i = 0; i < 2000 && len + 200 < cap; i++)
    len += (size_t)snprintf(text + len, cap - len,
                            "- [ ?] task %d [[Note %d#Head|alias]] @Person %d \xf0\x9f\x93\x85 2025-11-%02d #t%d\n",
                            i, i, i, i % 28 + 1, i);
  ASSERT(compare("Big.md", text, len));
  free(text);
  ASSERT(compare("empty.md", "", 0));
}

int main(void) {
  RUN(test_vault_notes);
  RUN(test_big_note);
  return NL_TEST_DONE();
}
