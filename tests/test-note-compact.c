/* Compaction must keep every field of a note: a parse (which compacts) dumps to the same bytes
 * before and after the scratch it was built in is reused, for every note of the example vault
 * and tricky inputs. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsp/note/note.h"
#include "note_dump.h"
#include "test.h"

/* The parse compacts the note into one block and hands its scratch blocks back for the next
 * parse: a pointer compaction missed (a field nl_note_each_pointer lacks) still points into
 * them. So the note is dumped right after its parse, then again after another parse has
 * overwritten the scratch, and after a second compaction: all three must be equal. */
static int compare(const char *path, const char *text, size_t len) {
  nl_note *n = nl_note_parse(text, len);
  if (n == NULL) return 0;
  char *a = note_dump(n);
  size_t flen = len * 2 + 4096;
  char *filler = malloc(flen);
  for (size_t i = 0; i < flen; i++) filler[i] = "[[x]] #y @z - [ ] \n"[i % 19];
  nl_note_free(nl_note_parse(filler, flen));
  free(filler);
  char *b = note_dump(n);
  int compacted = nl_note_compact(n) == 0;
  char *c = note_dump(n);
  int same = compacted && strcmp(a, b) == 0 && strcmp(a, c) == 0;
  if (!same)
    fprintf(stderr, "differs: %s\n--- fresh\n%s\n--- later\n%s\n--- compacted again\n%s\n", path,
            S(a), S(b), S(c));
  free(a);
  free(b);
  free(c);
  nl_note_free(n);
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

static int all_in_block(nl_note *n);

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
  /* Markdown links spread over lines: their ranges lie apart (nl_link_spread) and move too. */
  len = 0;
  for (int i = 0; i < 2000 && len + 200 < cap; i++)
    len += (size_t)snprintf(text + len, cap - len, "[text %d\nmore](Note%%20%d.md#H \"t\") [[W]]\n", i, i);
  ASSERT(compare("Spread.md", text, len));
  nl_note *n = nl_note_parse(text, len);
  ASSERT(n != NULL && n->n_links == 4000 && n->links[0].spread && all_in_block(n));
  nl_note_free(n);
  free(text);
  ASSERT(compare("empty.md", "", 0));
}

typedef struct {
  const char *base;
  size_t len;
  int outside;
} block_check;

static void *inside_block(void *ud, const void *p) {
  block_check *c = ud;
  if ((const char *)p < c->base || (const char *)p > c->base + c->len) c->outside++;
  return (void *)p;
}

/* Every pointer of a compacted note points into its one block, so the index cache can store
 * it: a static error message too. */
static int all_in_block(nl_note *n) {
  block_check c = {NULL, 0, 0};
  c.base = nl_arena_single(&n->arena, &c.len);
  if (c.base == NULL) return 0;
  nl_note_each_pointer(n, inside_block, &c);
  return c.outside == 0;
}

/* Compaction keeps each distinct text once: a person named in the frontmatter, two links
 * and a task's owner, a tag repeated on task lines. */
static void test_equal_texts_share(void) {
  const char *text = "---\nparticipants:\n- Ana Ruiz\naccount: Ana Ruiz\n---\n"
                     "[[Ana Ruiz]] met [[Ana Ruiz|Ana]] and [[Bo]]\n"
                     "- [ ] one @Ana Ruiz #task\n- [ ] two #task\n";
  nl_note *n = nl_note_parse(text, strlen(text));
  ASSERT(n != NULL);
  ASSERT_EQ(n->n_links, 3);
  ASSERT_STR_EQ(n->links[0].target, "Ana Ruiz");
  ASSERT(n->links[0].target == n->links[1].target);
  ASSERT(n->participants[0].text == n->links[0].target);
  ASSERT(n->account->text == n->links[0].target);
  ASSERT_STR_EQ(n->links[2].target, "Bo");
  ASSERT_EQ(n->n_tasks, 2);
  uint32_t t0, t1;
  ASSERT_EQ(nl_task_tags(n, &n->tasks[0], &t0), 1);
  ASSERT_EQ(nl_task_tags(n, &n->tasks[1], &t1), 1);
  ASSERT_STR_EQ(n->tags[t0].name, "task");
  ASSERT(n->tags[t0].name == n->tags[t1].name);
  ASSERT(all_in_block(n));
  ASSERT(compare("shared.md", text, strlen(text)));
  nl_note_free(n);
}

static void test_static_error_in_block(void) {
  char text[1024] = "---\nkey: "; /* deeper than the frontmatter parser's 256 levels */
  for (int i = 0; i < 300; i++) strcat(text, "[");
  strcat(text, "\n---\nbody\n");
  nl_note *n = nl_note_parse(text, strlen(text));
  ASSERT(n != NULL);
  ASSERT(n->fm.has_error);
  ASSERT_STR_EQ(n->fm.error_message, "frontmatter nests too deeply");
  ASSERT(all_in_block(n));
  nl_note_free(n);
}

int main(void) {
  RUN(test_vault_notes);
  RUN(test_big_note);
  RUN(test_equal_texts_share);
  RUN(test_static_error_in_block);
  return NL_TEST_DONE();
}
