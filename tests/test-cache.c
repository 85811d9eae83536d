/* The index cache: a stored note reads back equal to a fresh parse; a changed stamp, a file
 * modified just before the scan, a damaged, truncated, foreign, other-build or other-folder
 * cache give no note; and through the index, a restart takes unchanged notes from the cache
 * and sees every file changed, added or removed while it was down, the reference maps built
 * after a scan merged in slices answer as if built during it, and the setting turns it off. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "lsp/base/buf.h"
#include "lsp/base/log.h"
#include "lsp/index/cache.h"
#include "lsp/index/config.h"
#include "lsp/index/diagnose.h"
#include "lsp/index/workspace.h"
#include "lsp/index/workspace_impl.h" /* nl_wsi_set_seq: a parse replaced at the same address */
#include "note_dump.h"
#include "test.h"

static char tmp[4096];     /* this run's scratch folder */
static char cache_dir[4200];

static int64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static nl_cache_stamp stamp(uint64_t size, int64_t mtime_ns) {
  nl_cache_stamp s = {size, mtime_ns, 42, 7};
  return s;
}

static const char *notes[][2] = {
    {"People/Ana Ruiz.md", "---\ntype: person\naliases: [Ana, \"A. Ruiz\"]\ntags: [team/x]\n---\n# Ana\n"},
    {"Meetings/m1.md",
     "---\ntitle: Kickoff\nparticipants: [\"[[Ana Ruiz]]\"]\n---\n# Notes ^b1\n\n"
     "- [ ?] Send deck @Ana Ruiz \xf0\x9f\x93\x85 2025-11-20 \xe2\x8f\xab #proposed\n"
     "- [x] Done [[Ana Ruiz#Ana|her]] \xe2\x9c\x85 2025-11-01\n\nSee [doc](../x%20y.md#h).\n"},
    {"empty.md", ""},
    {"broken.md", "---\nkey: [unclosed\n---\ntext\n"},
};
#define N_NOTES (sizeof(notes) / sizeof(notes[0]))

/* Writes a cache of `root` holding every note of `notes` with stamp (len, mtime): the first
 * on its own (nl_cache_add), the others in one run (nl_cache_add_many). */
static int write_cache(const char *root, int64_t since, int64_t mtime) {
  nl_cache_writer *w = nl_cache_writer_new(cache_dir, root, since);
  if (w == NULL) return -1;
  nl_note *n[N_NOTES];
  const char *rels[N_NOTES];
  nl_cache_stamp s[N_NOTES];
  for (size_t i = 0; i < N_NOTES; i++) {
    n[i] = nl_note_parse(notes[i][1], strlen(notes[i][1]));
    rels[i] = notes[i][0];
    s[i] = stamp(strlen(notes[i][1]), mtime);
  }
  int rc = nl_cache_add(w, rels[0], &s[0], n[0]);
  if (rc == 0) rc = nl_cache_add_many(w, N_NOTES - 1, rels + 1, s + 1, n + 1);
  for (size_t i = 0; i < N_NOTES; i++) nl_note_free(n[i]);
  if (rc != 0) {
    nl_cache_abort(w);
    return -1;
  }
  return nl_cache_commit(w, NULL, NULL);
}

/* Asserts that note n reads as the fresh parse of `text`. */
static void expect_parse_of(const nl_note *n, const char *text) {
  nl_note *fresh = nl_note_parse(text, strlen(text));
  char *a = note_dump(fresh), *b = note_dump(n);
  ASSERT_STR_EQ(b, a);
  free(a);
  free(b);
  nl_note_free(fresh);
}

/* Every note reads back as its fresh parse: record by record, and (slab) from the records
 * read at once, where a record loaded a second time is read on its own again (the slab's copy
 * was re-based in place) and the notes outlive the reader. */
static void roundtrip(int slab) {
  int64_t since = now_ns(), old = since - 3600LL * 1000000000LL;
  ASSERT_EQ(write_cache("/vault/a", since, old), 0);
  nl_cache_reader *r = nl_cache_open(cache_dir, "/vault/a");
  ASSERT(r != NULL);
  nl_cache_slab *held = NULL;
  if (slab) {
    ASSERT_EQ(nl_cache_read_records(r), 0);
    held = nl_cache_take_slab(r);
    ASSERT(held != NULL);
    ASSERT(nl_cache_take_slab(r) == NULL);
  }
  nl_note *cached[N_NOTES];
  for (int pass = 0; pass < 1 + slab; pass++)
    for (size_t i = 0; i < N_NOTES; i++) {
      nl_cache_stamp s = stamp(strlen(notes[i][1]), old);
      nl_note *n = nl_cache_load(r, notes[i][0], &s);
      ASSERT(n != NULL);
      if (pass == 0) cached[i] = n;
      /* Read at once, every note lies in the mapped file, the empty one's struct too; read
       * a second time, each is a copy of its own. */
      if (slab) ASSERT_EQ(nl_cache_slab_holds(held, n), pass == 0);
      if (pass == 0 && slab) continue; /* kept past the reader */
      expect_parse_of(n, notes[i][1]);
      nl_note_free(n);
    }
  ASSERT_EQ(nl_cache_hits(r), N_NOTES * (1 + (size_t)slab));
  nl_cache_reader_free(r);
  if (!slab) return;
  nl_note *fresh = nl_note_parse(notes[0][1], strlen(notes[0][1]));
  ASSERT(!nl_cache_slab_holds(held, fresh));
  nl_note_free(fresh);
  for (size_t i = 0; i < N_NOTES; i++) {
    expect_parse_of(cached[i], notes[i][1]);
    nl_note_free(cached[i]);
  }
  nl_cache_slab_free(held);
}

static void test_roundtrip(void) {
  roundtrip(0);
  roundtrip(1);
}

static void test_stamp_must_match(void) {
  int64_t since = now_ns(), old = since - 3600LL * 1000000000LL;
  ASSERT_EQ(write_cache("/vault/b", since, old), 0);
  nl_cache_reader *r = nl_cache_open(cache_dir, "/vault/b");
  ASSERT(r != NULL);
  size_t len = strlen(notes[1][1]);
  nl_cache_stamp s = stamp(len + 1, old); /* size */
  ASSERT(nl_cache_load(r, notes[1][0], &s) == NULL);
  s = stamp(len, old + 1); /* mtime */
  ASSERT(nl_cache_load(r, notes[1][0], &s) == NULL);
  s = stamp(len, old);
  s.ino++; /* replaced by another file */
  ASSERT(nl_cache_load(r, notes[1][0], &s) == NULL);
  s = stamp(len, old);
  ASSERT(nl_cache_load(r, "Meetings/other.md", &s) == NULL);
  nl_note *n = nl_cache_load(r, notes[1][0], &s);
  ASSERT(n != NULL);
  nl_note_free(n);
  nl_cache_reader_free(r);
}

/* A file written within 2 s before the scan began may be written again with the same mtime
 * after it was read: its record is never trusted. */
static void test_racy_file(void) {
  int64_t since = now_ns();
  ASSERT_EQ(write_cache("/vault/c", since, since - 500000000LL), 0);
  nl_cache_reader *r = nl_cache_open(cache_dir, "/vault/c");
  ASSERT(r != NULL);
  nl_cache_stamp s = stamp(strlen(notes[0][1]), since - 500000000LL);
  ASSERT(nl_cache_load(r, notes[0][0], &s) == NULL);
  nl_cache_reader_free(r);
}

static long file_size(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* The one cache file of the folder written last (the only .idx in cache_dir). */
static int cache_file(char *out, size_t size) {
  DIR *d = opendir(cache_dir);
  int found = 0;
  struct dirent *de;
  while (d != NULL && (de = readdir(d)) != NULL) {
    size_t n = strlen(de->d_name);
    if (n > 4 && strcmp(de->d_name + n - 4, ".idx") == 0) {
      snprintf(out, size, "%s/%s", cache_dir, de->d_name);
      found++;
    }
  }
  if (d != NULL) closedir(d);
  return found == 1 ? 0 : -1;
}

static void flip_byte(const char *path, long at) {
  int fd = open(path, O_RDWR);
  unsigned char c = 0;
  if (pread(fd, &c, 1, at) == 1) {
    c ^= 0x5A;
    if (pwrite(fd, &c, 1, at) != 1) perror("pwrite");
  }
  close(fd);
}

static void clear_cache_dir(void) {
  char cmd[4400];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", cache_dir);
  if (system(cmd) != 0) perror(cmd);
}

#define HEADER_BYTES_ 96L /* the cache file's header: its first record follows */

/* Takes the address the cache of `root` is mapped at, so that a reader must read its records
 * into memory; give_map_address gives it back. */
static void *take_map_address(const char *root) {
  void *at = (void *)(uintptr_t)nl_cache_map_at(root);
  void *m = mmap(at, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (m != at) fprintf(stderr, "cannot take the address %p\n", at);
  return m != MAP_FAILED ? m : NULL;
}
static void give_map_address(void *m) {
  if (m != NULL) munmap(m, 4096);
}

/* Whether the parse of note n (its frontmatter entries) lies in the mapping of root's cache
 * of `size` bytes. */
static int in_mapping(const nl_note *n, const char *root, long size) {
  uintptr_t at = (uintptr_t)nl_cache_map_at(root), p = (uintptr_t)n->fm.entries;
  return p >= at && p < at + (uintptr_t)size;
}

/* A second start maps the cache file and uses each record where it lies there: the notes
 * read back as their fresh parses, live past the reader, and keep what they showed when the
 * file is replaced by a new cache while they are alive; with the address taken, the records
 * are read into memory instead, just as right. */
static void test_records_mapped(void) {
  clear_cache_dir();
  int64_t since = now_ns(), old = since - 3600LL * 1000000000LL;
  const char *root = "/vault/m";
  char path[4400];
  ASSERT_EQ(write_cache(root, since, old), 0);
  ASSERT_EQ(cache_file(path, sizeof(path)), 0);
  long size = file_size(path);
  for (int taken_address = 0; taken_address < 2; taken_address++) {
    void *taken = taken_address ? take_map_address(root) : NULL;
    nl_cache_reader *r = nl_cache_open(cache_dir, root);
    ASSERT(r != NULL);
    ASSERT_EQ(nl_cache_read_records(r), 0);
    nl_cache_slab *held = nl_cache_take_slab(r);
    ASSERT(held != NULL);
    nl_note *cached[N_NOTES];
    for (size_t i = 0; i < N_NOTES; i++) {
      nl_cache_stamp s = stamp(strlen(notes[i][1]), old);
      cached[i] = nl_cache_load(r, notes[i][0], &s);
      ASSERT(cached[i] != NULL);
    }
    ASSERT(cached[0]->fm.entries != NULL);
    ASSERT_EQ(in_mapping(cached[0], root, size), !taken_address);
    ASSERT(nl_cache_slab_holds(held, cached[0]));
    nl_cache_reader_free(r);
    /* Another cache of the folder renamed over the file: one note, another text. */
    nl_cache_writer *w = nl_cache_writer_new(cache_dir, root, since);
    ASSERT(w != NULL);
    const char *other = "---\ntitle: Other\n---\n# Other\n";
    nl_note *o = nl_note_parse(other, strlen(other));
    nl_cache_stamp so = stamp(strlen(other), old);
    ASSERT_EQ(nl_cache_add(w, notes[0][0], &so, o), 0);
    ASSERT_EQ(nl_cache_commit(w, NULL, NULL), 0);
    for (size_t i = 0; i < N_NOTES; i++) {
      expect_parse_of(cached[i], notes[i][1]);
      nl_note_free(cached[i]);
    }
    nl_cache_slab_free(held);
    give_map_address(taken);
    /* The new file serves the next reader. */
    r = nl_cache_open(cache_dir, root);
    ASSERT(r != NULL);
    ASSERT_EQ(nl_cache_read_records(r), 0);
    nl_note *n = nl_cache_load(r, notes[0][0], &so);
    ASSERT(n != NULL);
    expect_parse_of(n, other);
    nl_note_free(n);
    nl_note_free(o);
    nl_cache_reader_free(r);
    ASSERT_EQ(write_cache(root, since, old), 0);
  }
}

static void test_damage_is_ignored(void) {
  clear_cache_dir();
  int64_t since = now_ns(), old = since - 3600LL * 1000000000LL;
  char path[4400];
  ASSERT_EQ(write_cache("/vault/d", since, old), 0);
  ASSERT_EQ(cache_file(path, sizeof(path)), 0);
  long size = file_size(path);
  ASSERT(size > 64);
  /* Another folder's name: not its cache. */
  ASSERT(nl_cache_open(cache_dir, "/vault/other") == NULL);
  /* A damaged record (a byte of its struct, then one of its block): that note is re-read,
   * the others still load, one by one, from the mapped file or from the records read into
   * memory at once (the mapping's address taken). */
  nl_cache_reader *r;
  for (int flip = 0; flip < 2; flip++) {
    flip_byte(path, flip == 0 ? 64 + 200 : HEADER_BYTES_ + (long)sizeof(nl_note) + 9);
    for (int mode = 0; mode < 3; mode++) {
      void *taken = mode == 2 ? take_map_address("/vault/d") : NULL;
      r = nl_cache_open(cache_dir, "/vault/d");
      ASSERT(r != NULL);
      if (mode > 0) ASSERT_EQ(nl_cache_read_records(r), 0);
      size_t loaded = 0;
      for (size_t i = 0; i < N_NOTES; i++) {
        nl_cache_stamp s = stamp(strlen(notes[i][1]), old);
        nl_note *n = nl_cache_load(r, notes[i][0], &s);
        loaded += n != NULL;
        if (i == 0) ASSERT(n == NULL); /* the first record is the damaged one */
        if (n != NULL) expect_parse_of(n, notes[i][1]);
        nl_note_free(n);
      }
      ASSERT_EQ(loaded, N_NOTES - 1);
      nl_cache_reader_free(r); /* frees the slab nobody took */
      give_map_address(taken);
    }
    flip_byte(path, flip == 0 ? 64 + 200 : HEADER_BYTES_ + (long)sizeof(nl_note) + 9);
  }
  /* Cut inside the records: the table is gone, so is the cache. */
  ASSERT_EQ(truncate(path, HEADER_BYTES_ + 300), 0);
  ASSERT(nl_cache_open(cache_dir, "/vault/d") == NULL);
  ASSERT_EQ(write_cache("/vault/d", since, old), 0);
  /* A damaged table, a truncated file, a foreign file: no cache at all. */
  flip_byte(path, size - 3);
  ASSERT(nl_cache_open(cache_dir, "/vault/d") == NULL);
  ASSERT_EQ(write_cache("/vault/d", since, old), 0);
  ASSERT_EQ(truncate(path, size - 10), 0);
  ASSERT(nl_cache_open(cache_dir, "/vault/d") == NULL);
  FILE *f = fopen(path, "wb");
  fputs("not a cache at all, just some text that is long enough to hold a header ....", f);
  fclose(f);
  ASSERT(nl_cache_open(cache_dir, "/vault/d") == NULL);
  ASSERT_EQ(truncate(path, 0), 0);
  ASSERT(nl_cache_open(cache_dir, "/vault/d") == NULL);
  /* Written by another build (a new version, a changed note layout): its build identity in
   * the header differs, and nothing of it is read. */
  ASSERT_EQ(write_cache("/vault/d", since, old), 0);
  r = nl_cache_open(cache_dir, "/vault/d");
  ASSERT(r != NULL);
  nl_cache_reader_free(r);
  flip_byte(path, 8);
  ASSERT(nl_cache_open(cache_dir, "/vault/d") == NULL);
}

/* ---- through the index ------------------------------------------------------------------- */

static uv_loop_t loop;
static nl_config *cfg;

static void scan_done(nl_workspace *ws, void *ud, size_t done, size_t total, int finished) {
  if (finished) *(int *)ud = 1;
}

static nl_workspace *index_with_cache(const char *root) {
  nl_workspace *ws = nl_ws_new(&loop, cfg);
  int finished = 0;
  nl_ws_add_root(ws, root);
  nl_ws_set_cache_dir(ws, cache_dir);
  if (nl_ws_scan(ws, scan_done, &finished) == 0) uv_run(&loop, UV_RUN_DEFAULT);
  return ws;
}

/* Writes a file and dates it an hour back, so a later scan may trust its cached parse. */
static void put_file(const char *root, const char *rel, const char *text, int hours_back) {
  char path[4400];
  snprintf(path, sizeof(path), "%s/%s", root, rel);
  char *slash = strrchr(path, '/');
  *slash = '\0';
  mkdir(path, 0700);
  *slash = '/';
  FILE *f = fopen(path, "wb");
  fputs(text, f);
  fclose(f);
  struct timespec t[2];
  clock_gettime(CLOCK_REALTIME, &t[0]);
  t[0].tv_sec -= hours_back * 3600;
  t[1] = t[0];
  utimensat(AT_FDCWD, path, t, 0);
}

static const char *title_of(nl_workspace *ws, const char *root, const char *rel) {
  char path[4400];
  snprintf(path, sizeof(path), "%s/%s", root, rel);
  nl_entry *e = nl_ws_by_path(ws, path);
  if (e == NULL) return "(absent)";
  return e->note->title != NULL ? e->note->title->text : "(no title)";
}

/* An empty cache folder and a new vault folder tmp/name in root. */
static void fresh_vault(char *root, size_t size, const char *name) {
  clear_cache_dir();
  snprintf(root, size, "%s/%s", tmp, name);
  mkdir(root, 0700);
}

static void test_restart(void) {
  char root[4200];
  fresh_vault(root, sizeof(root), "vault");
  put_file(root, "a.md", "---\ntitle: A one\n---\n[[b]]\n", 2);
  put_file(root, "b.md", "---\ntitle: B one\n---\n", 2);
  put_file(root, "c.md", "---\ntitle: C one\n---\n", 2);
  put_file(root, "sub/d.md", "---\ntitle: D one\n---\n", 2);
  nl_workspace *ws = index_with_cache(root);
  ASSERT_EQ(nl_ws_count(ws), 4);
  nl_ws_free(ws);
  char path[4400];
  ASSERT_EQ(cache_file(path, sizeof(path)), 0);
  struct stat before;
  ASSERT_EQ(stat(path, &before), 0);

  /* Nothing changed: every note from the cache, and the cache file is left as it was. */
  ws = index_with_cache(root);
  ASSERT_EQ(nl_ws_count(ws), 4);
  ASSERT_STR_EQ(title_of(ws, root, "sub/d.md"), "D one");
  size_t n_back = 0;
  nl_ref *refs = NULL;
  nl_entry *b = nl_ws_resolve(ws, NULL, "b", 1, NULL);
  ASSERT(b != NULL);
  ptrdiff_t nb = nl_ws_backlinks(ws, b, &refs);
  n_back = nb > 0 ? (size_t)nb : 0;
  free(refs);
  ASSERT_EQ(n_back, 1);
  nl_ws_free(ws);
  struct stat after;
  ASSERT_EQ(stat(path, &after), 0);
  ASSERT_EQ(after.st_ino, before.st_ino);
  ASSERT_EQ(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);

  /* While the server was down: a changed with the same size and an older mtime than before
   * (the stamp differs all the same), b rewritten now, c removed, e added, d replaced by a new
   * file (another inode) with the same size and mtime. */
  put_file(root, "a.md", "---\ntitle: A two\n---\n[[c]]\n", 3);
  put_file(root, "b.md", "---\ntitle: B two, longer\n---\n", 0);
  snprintf(path, sizeof(path), "%s/c.md", root);
  unlink(path);
  put_file(root, "e.md", "---\ntitle: E new\n---\n", 2);
  char dpath[4400], dtmp[4400];
  snprintf(dpath, sizeof(dpath), "%s/sub/d.md", root);
  snprintf(dtmp, sizeof(dtmp), "%s/sub/d.tmp", root);
  struct stat dst;
  stat(dpath, &dst);
  FILE *f = fopen(dtmp, "wb");
  fputs("---\ntitle: D two\n---\n", f);
  fclose(f);
  struct timespec t[2] = {dst.st_atim, dst.st_mtim};
  utimensat(AT_FDCWD, dtmp, t, 0);
  rename(dtmp, dpath);

  ws = index_with_cache(root);
  ASSERT_EQ(nl_ws_count(ws), 4);
  ASSERT_STR_EQ(title_of(ws, root, "a.md"), "A two");
  ASSERT_STR_EQ(title_of(ws, root, "b.md"), "B two, longer");
  ASSERT_STR_EQ(title_of(ws, root, "c.md"), "(absent)");
  ASSERT_STR_EQ(title_of(ws, root, "e.md"), "E new");
  ASSERT_STR_EQ(title_of(ws, root, "sub/d.md"), "D two");
  char err[256];
  ASSERT_EQ(nl_ws_check(ws, err, sizeof(err)), 0);
  nl_ws_free(ws);

  /* The cache written by that scan serves the next ones just as well: the first takes three
   * notes from it and re-reads b (written just now), so it carries those three over into a
   * new file, which the last one reads. */
  for (int round = 0; round < 2; round++) {
    ws = index_with_cache(root);
    ASSERT_EQ(nl_ws_count(ws), 4);
    ASSERT_STR_EQ(title_of(ws, root, "a.md"), "A two");
    ASSERT_STR_EQ(title_of(ws, root, "b.md"), "B two, longer");
    ASSERT_STR_EQ(title_of(ws, root, "e.md"), "E new");
    ASSERT_STR_EQ(title_of(ws, root, "sub/d.md"), "D two");
    ASSERT_EQ(nl_ws_check(ws, err, sizeof(err)), 0);
    nl_ws_free(ws);
  }
}

/* A scan again in the same index (the configuration changed) replaces every note, those from
 * the cache with the new slab's: the notes stay readable whether the old slab goes or not. */
static void test_rescan_replaces_cached_notes(void) {
  char root[4200];
  fresh_vault(root, sizeof(root), "rescan");
  put_file(root, "a.md", "---\ntitle: A one\n---\n[[b]]\n", 2);
  put_file(root, "b.md", "---\ntitle: B one\n---\n", 2);
  nl_ws_free(index_with_cache(root));
  nl_workspace *ws = index_with_cache(root);
  ASSERT_EQ(nl_ws_count(ws), 2);
  put_file(root, "a.md", "---\ntitle: A two\n---\n[[b]]\n", 1);
  for (int round = 0; round < 3; round++) {
    int finished = 0;
    ASSERT_EQ(nl_ws_scan(ws, scan_done, &finished), 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    ASSERT(finished);
    ASSERT_STR_EQ(title_of(ws, root, "a.md"), "A two");
    ASSERT_STR_EQ(title_of(ws, root, "b.md"), "B one");
    nl_entry *b = nl_ws_resolve(ws, NULL, "b", 1, NULL);
    ASSERT(b != NULL);
    nl_ref *refs = NULL;
    ASSERT_EQ(nl_ws_backlinks(ws, b, &refs), 1);
    free(refs);
    char err[256];
    ASSERT_EQ(nl_ws_check(ws, err, sizeof(err)), 0);
  }
  nl_ws_free(ws);
}

/* ---- the index tables in the cache (cache_tables.c) -------------------------------------- */

/* Saves the cache file aside (save = 1) or puts the saved copy back (save = 0). */
static void keep_cache_file(int save) {
  char path[4400], cmd[9000];
  ASSERT_EQ(cache_file(path, sizeof(path)), 0);
  if (save) snprintf(cmd, sizeof(cmd), "cp '%s' '%s/saved.bak'", path, tmp);
  else snprintf(cmd, sizeof(cmd), "cp '%s/saved.bak' '%s'", tmp, path);
  ASSERT_EQ(system(cmd), 0);
}

static int woken;
static void wake(void *ud) { woken = 1; }

static nl_workspace *index_in_slices(const char *root);

static int tables_used; /* the log said the tables came from the cache */
static int appended;    /* and that the cache was written in place */
static int symbols_used; /* and that the symbol table came with the tables */
static void log_sink(void *ud, int level, const char *msg) {
  if (strstr(msg, "index tables from the index cache") != NULL) tables_used++;
  if (strstr(msg, "the symbol table with them") != NULL) symbols_used++;
  if (strstr(msg, "(appended)") != NULL) appended++;
}

static nl_workspace *index_no_cache(const char *root) {
  nl_workspace *ws = nl_ws_new(&loop, cfg);
  int finished = 0;
  nl_ws_add_root(ws, root);
  if (nl_ws_scan(ws, scan_done, &finished) == 0) uv_run(&loop, UV_RUN_DEFAULT);
  return ws;
}

static int by_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Everything the features ask of the tables, as text, in an order that does not depend on
 * entry ids: each note's path, kind, seq and name rows, what its file name and title resolve
 * to, its backlinks and its task rows. */
/* Every entry of ws by path (ids differ by merge order): a new array of *n (free()). */
static nl_entry **by_path(nl_workspace *ws, size_t *n) {
  nl_entry **all = calloc(nl_ws_id_limit(ws) + 1, sizeof(*all));
  *n = 0;
  for (uint32_t id = 0; id < nl_ws_id_limit(ws); id++)
    if (nl_ws_get(ws, id) != NULL) all[(*n)++] = nl_ws_get(ws, id);
  for (size_t i = 1; i < *n; i++)
    for (size_t j = i; j > 0 && strcmp(all[j - 1]->rel, all[j]->rel) > 0; j--) {
      nl_entry *t = all[j];
      all[j] = all[j - 1];
      all[j - 1] = t;
    }
  return all;
}

static char *answers(nl_workspace *ws) {
  nl_buf b = NL_BUF_INIT;
  size_t n;
  nl_entry **all = by_path(ws, &n);
  size_t n_rows, n_tasks;
  const char *pool;
  const nl_ws_name *rows = nl_ws_names(ws, &n_rows, &pool, NULL);
  const nl_ws_task *tasks = nl_ws_tasks(ws, &n_tasks);
  for (size_t i = 0; i < n; i++) {
    nl_entry *e = all[i];
    nl_buf_addf(&b, "%s kind=%d seq=%llu uri=%s\n", e->rel, (int)e->kind,
                (unsigned long long)e->seq, e->uri);
    for (size_t r = 0; r < n_rows; r++)
      if (!rows[r].dead && rows[r].id == e->id)
        nl_buf_addf(&b, "  row %u %s seq=%llu kind=%d\n", rows[r].sub, pool + rows[r].off,
                    (unsigned long long)rows[r].seq, rows[r].kind);
    const char *names[2] = {e->name, e->note->title != NULL ? e->note->title->text : NULL};
    for (int k = 0; k < 2 && names[k] != NULL; k++) {
      nl_entry *to = nl_ws_resolve(ws, NULL, names[k], strlen(names[k]), NULL);
      nl_buf_addf(&b, "  %s -> %s\n", names[k], to != NULL ? to->rel : "(none)");
    }
    nl_ref *refs = NULL;
    ptrdiff_t nb = nl_ws_backlinks(ws, e, &refs);
    const char **from = calloc((size_t)(nb > 0 ? nb : 0) + 1, sizeof(*from));
    for (ptrdiff_t k = 0; k < nb; k++) from[k] = nl_ws_get(ws, refs[k].from)->rel;
    qsort(from, (size_t)(nb > 0 ? nb : 0), sizeof(*from), by_str); /* ids differ by merge order */
    for (ptrdiff_t k = 0; k < nb; k++) nl_buf_addf(&b, "  from %s\n", from[k]);
    free(from);
    free(refs);
    for (size_t t = 0; t < n_tasks; t++)
      if (!tasks[t].dead && tasks[t].id == e->id)
        nl_buf_addf(&b, "  task %u due=%d status=%d\n", tasks[t].task, tasks[t].due, tasks[t].status);
    nl_diag_list diags;
    nl_diag_list_init(&diags);
    nl_diagnose(ws, e, NULL, 0, 20100, &diags);
    for (size_t d = 0; d < diags.n; d++)
      nl_buf_addf(&b, "  diag %s %u:%u %s (%zu related)\n", diags.items[d].code,
                  diags.items[d].range.start.line, diags.items[d].range.start.col,
                  diags.items[d].message, diags.items[d].n_related);
    nl_diag_list_free(&diags);
  }
  free(all);
  char err[256];
  if (nl_ws_check(ws, err, sizeof(err)) != 0) nl_buf_addf(&b, "check: %s\n", err);
  return nl_buf_take(&b);
}

static void put_table_vault(const char *root) {
  put_file(root, "a.md", "---\ntitle: A one\naliases: [Alpha, \"Ä two\"]\n---\n[[b]] [[Acme Corp]] @Ana Ruiz\n"
           "- [ ] call 📅 2025-01-02\n- [x] done [[missing note]] @Nobody Here\n", 2);
  put_file(root, "b.md", "---\ntitle: B one\n---\n[[a]] [[Alpha]] #tag/x\n", 2);
  put_file(root, "People/Ana Ruiz.md", "---\ntype: person\naliases: [Ana]\n---\n", 2);
  put_file(root, "Accounts/Acme Corp.md", "---\ntype: account\naliases: [ACME-co]\n---\n[[b]]\n", 2);
  put_file(root, "sub/c.md", "- [ ] open [[Acme Corp]] ⏫\n", 2);
  /* Enough notes that the tables span several of the pieces they are written and hashed in. */
  for (int i = 0; i < 600; i++) {
    char rel[64], text[128];
    snprintf(rel, sizeof(rel), "generated notes, a rather long folder name/note number %03d.md", i);
    snprintf(text, sizeof(text), "---\naliases: [G%d]\n---\n[[note number %03d]] - [ ] t%d\n", i, (i * 7) % 600, i);
    put_file(root, rel, text, 2);
  }
}

static char *fresh_answers(const char *root, const char *rel, const char *text);

/* A start on the cache (in slices or not) takes its tables and answers `want`. */
static void cached_answers(const char *root, const char *want, int slices) {
  tables_used = 0;
  nl_workspace *ws = slices ? index_in_slices(root) : index_with_cache(root);
  while (slices && nl_ws_merge(ws, UINT64_MAX)) {} /* the reference maps */
  ASSERT_EQ(tables_used, 1);
  char *got = answers(ws);
  ASSERT_STR_EQ(got, want);
  free(got);
  nl_ws_free(ws);
}

/* A second start whose notes all come unchanged from the cache takes the tables from it: the
 * same answers as a fresh scan, with or without a waker; damaged tables fall back to merging
 * the notes, and notes changed, added, removed or renamed are fixed up over the tables, with
 * the same answers again. */
static void test_tables_from_the_cache(void) {
  char root[4200], path[4400];
  fresh_vault(root, sizeof(root), "tables");
  put_table_vault(root);
  nl_workspace *ws = index_no_cache(root);
  char *want = answers(ws);
  if (getenv("SHOW_ANSWERS")) fputs(want, stderr);
  nl_ws_free(ws);
  nl_log_set_sink(log_sink, NULL);
  tables_used = 0;
  ws = index_with_cache(root); /* writes the cache with its tables */
  ASSERT_EQ(tables_used, 0);
  char *got = answers(ws);
  ASSERT_STR_EQ(got, want);
  free(got);
  nl_ws_free(ws);
  for (int slices = 0; slices < 2; slices++) {
    ws = slices ? index_in_slices(root) : index_with_cache(root);
    if (slices) while (nl_ws_merge(ws, UINT64_MAX)) {} /* the reference maps */
    ASSERT_EQ(tables_used, slices + 1);
    got = answers(ws);
    ASSERT_STR_EQ(got, want);
    free(got);
    nl_ws_free(ws);
  }
  /* Damaged tables: the notes are merged, and the tables written again. */
  ASSERT_EQ(cache_file(path, sizeof(path)), 0);
  FILE *f = fopen(path, "rb");
  unsigned char h[96];
  ASSERT_EQ(fread(h, 1, sizeof(h), f), sizeof(h));
  fclose(f);
  uint64_t at;
  memcpy(&at, h + 64, 8);
  ASSERT(at > 96);
  uint64_t tables_len;
  memcpy(&tables_len, h + 72, 8);
  ASSERT(tables_len > 2 * 65536); /* three pieces or more (cache_impl.h) */
  flip_byte(path, (long)at + 5);
  tables_used = 0;
  ws = index_with_cache(root);
  ASSERT_EQ(tables_used, 0);
  got = answers(ws);
  ASSERT_STR_EQ(got, want);
  free(got);
  nl_ws_free(ws);
  ws = index_with_cache(root);
  ASSERT_EQ(tables_used, 1);
  /* The installed tables have room: a name an edit adds goes in without moving the rows. */
  const nl_ws_name *rows = ws->rows;
  size_t n_rows = ws->n_rows;
  snprintf(path, sizeof(path), "%s/a.md", root);
  const char *named = "---\ntitle: A renamed\naliases: [Ay, Aye]\n---\n## A new heading\n";
  ASSERT(nl_ws_update(ws, path, named, strlen(named), 1) != NULL);
  ASSERT(ws->n_rows > n_rows);
  ASSERT(ws->rows == rows);
  nl_ws_free(ws);
  /* Changed and added while down: the tables, their notes fixed up (the stored parse replaced
   * by the file's, the new note merged), answer as a fresh scan does; then the new cache's. */
  put_file(root, "b.md", "---\ntitle: B two\n---\n[[a]]\n- [ ] new\n", 1);
  put_file(root, "d.md", "[[b]]\n", 1);
  free(want);
  want = fresh_answers(root, NULL, NULL);
  keep_cache_file(1);
  cached_answers(root, want, 0);
  keep_cache_file(0); /* the fix-up once more, in slices */
  cached_answers(root, want, 1);
  cached_answers(root, want, 0);
  /* Removed, and renamed (the same file at another path): the same. */
  snprintf(path, sizeof(path), "%s/d.md", root);
  unlink(path);
  char to[4400];
  snprintf(path, sizeof(path), "%s/a.md", root);
  snprintf(to, sizeof(to), "%s/sub/a moved.md", root);
  ASSERT_EQ(rename(path, to), 0);
  free(want);
  want = fresh_answers(root, NULL, NULL);
  cached_answers(root, want, 0);
  cached_answers(root, want, 0);
  ASSERT_EQ(rename(to, path), 0);
  free(want);
  want = fresh_answers(root, NULL, NULL);
  cached_answers(root, want, 1);
  /* A document open before the scan: the notes are merged as before (the open text wins),
   * and the cache file, its tables included, is left as it is for the next start. */
  struct stat before, after;
  ASSERT_EQ(cache_file(path, sizeof(path)), 0);
  ASSERT_EQ(stat(path, &before), 0);
  size_t count = nl_ws_count(ws = index_no_cache(root));
  nl_ws_free(ws);
  tables_used = 0;
  ws = nl_ws_new(&loop, cfg);
  nl_ws_add_root(ws, root);
  nl_ws_set_cache_dir(ws, cache_dir);
  char abs[4400];
  snprintf(abs, sizeof(abs), "%s/b.md", root);
  const char *open_text = "---\ntitle: B open\n---\n";
  ASSERT(nl_ws_update(ws, abs, open_text, strlen(open_text), 1) != NULL);
  int finished = 0;
  ASSERT_EQ(nl_ws_scan(ws, scan_done, &finished), 0);
  uv_run(&loop, UV_RUN_DEFAULT);
  ASSERT(finished);
  ASSERT_EQ(tables_used, 0);
  ASSERT_EQ(nl_ws_count(ws), count);
  ASSERT_STR_EQ(title_of(ws, root, "b.md"), "B open");
  char err[256];
  ASSERT_EQ(nl_ws_check(ws, err, sizeof(err)), 0);
  nl_ws_free(ws);
  ASSERT_EQ(stat(path, &after), 0);
  ASSERT_EQ(after.st_ino, before.st_ino);
  nl_ws_free(index_with_cache(root));
  ASSERT_EQ(tables_used, 1);
  nl_log_set_sink(NULL, NULL);
  free(want);
}

/* ---- a document opened while the tables wait (cache_tables.c) ------------------------------ */

/* Scans root as an editor starts the server: the scan starts, then `rel` opens with `text`
 * before any note is merged; with the index cache or without, in slices (a waker) or not. */
static int symbols_at_ready; /* index_opened builds the symbol table once the scan is ready */
static nl_workspace *index_opened(const char *root, int cache, int slices, const char *rel,
                                  const char *text) {
  nl_workspace *ws = nl_ws_new(&loop, cfg);
  nl_ws_add_root(ws, root);
  if (cache) nl_ws_set_cache_dir(ws, cache_dir);
  if (slices) nl_ws_set_waker(ws, wake, NULL);
  int finished = 0;
  if (nl_ws_scan(ws, scan_done, &finished) != 0) return ws;
  char abs[4400];
  snprintf(abs, sizeof(abs), "%s/%s", root, rel != NULL ? rel : "");
  if (rel != NULL && nl_ws_update(ws, abs, text, strlen(text), 1) == NULL) return ws;
  while (!finished) {
    uv_run(&loop, UV_RUN_ONCE);
    while (woken && !finished) woken = nl_ws_merge(ws, 0);
  }
  nl_ws_symbol_table table; /* a workspace/symbol request at ready, before the cache's write */
  if (symbols_at_ready && nl_ws_symbols(ws, &table) != 0) return ws;
  uv_run(&loop, UV_RUN_DEFAULT);
  while (slices && nl_ws_merge(ws, UINT64_MAX)) {} /* the reference maps */
  return ws;
}

/* The answers of a fresh scan without the cache, rel opened with text unless NULL (new). */
static char *fresh_answers(const char *root, const char *rel, const char *text) {
  nl_workspace *ws = index_opened(root, 0, 0, rel, text);
  char *a = answers(ws);
  nl_ws_free(ws);
  return a;
}

/* Opens rel with text in two more starts on the cache, without slices then in slices, each
 * taking the cache's tables (the log line counted in *logged) and giving answer's text `want`,
 * a fresh scan's with the same document open. */
static void opened_answers_ex(const char *root, const char *rel, const char *text,
                              const char *want, char *(*answer)(nl_workspace *), int *logged) {
  for (int slices = 0; slices < 2; slices++) {
    int before = *logged;
    nl_workspace *ws = index_opened(root, 1, slices, rel, text);
    ASSERT_EQ(*logged, before + 1);
    char *got = answer(ws);
    ASSERT_STR_EQ(got, want);
    free(got);
    nl_ws_free(ws);
  }
}

static void opened_answers(const char *root, const char *rel, const char *text,
                           const char *want) {
  opened_answers_ex(root, rel, text, want, answers, &tables_used);
}

/* An editor opens a note right after the server starts: the first start stores the tables as
 * the files give them (the open note's file parse kept), and a second start installs them and
 * puts the open document back over its note. Every answer is a fresh scan's with the same
 * document open: its text differs from the file's (another title, aliases, kind, links, tasks),
 * a new document is not on disk, and notes changed, added or removed while down merge. */
static void test_tables_with_an_open_document(void) {
  char root[4200], path[4400];
  fresh_vault(root, sizeof(root), "opened");
  put_table_vault(root);
  const char *text = "---\ntitle: B open\naliases: [Bee, Alpha]\ntype: person\n---\n"
                     "[[a]] [[Acme Corp]] #tag/y\n- [ ] from the buffer 📅 2025-03-04\n";
  nl_workspace *ws = index_no_cache(root);
  char *want_disk = answers(ws);
  nl_ws_free(ws);
  ws = index_opened(root, 0, 1, "b.md", text);
  char *want = answers(ws);
  if (getenv("SHOW_ANSWERS")) fputs(want, stderr);
  nl_ws_free(ws);
  ws = index_opened(root, 0, 0, "b.md", text);
  char *got = answers(ws);
  ASSERT_STR_EQ(got, want);
  free(got);
  nl_ws_free(ws);
  nl_log_set_sink(log_sink, NULL);
  tables_used = 0;
  ws = index_opened(root, 1, 1, "b.md", text); /* the first start: writes the cache */
  ASSERT_EQ(tables_used, 0);
  got = answers(ws);
  ASSERT_STR_EQ(got, want);
  free(got);
  nl_ws_free(ws);
  ws = index_with_cache(root); /* nothing open: the tables are the files' */
  ASSERT_EQ(tables_used, 1);
  got = answers(ws);
  ASSERT_STR_EQ(got, want_disk);
  free(got);
  nl_ws_free(ws);
  opened_answers(root, "b.md", text, want);
  /* A document that is no file (yet) takes its place in the path order as in a fresh scan. */
  const char *fresh = "---\ntitle: New one\n---\n[[b]] [[New one]]\n";
  free(want);
  want = fresh_answers(root, "m new.md", fresh);
  opened_answers(root, "m new.md", fresh, want);
  /* Changed, added and removed while down: the tables, fixed up, answer as a fresh scan does;
   * then the new cache's. */
  put_file(root, "a.md", "---\ntitle: A two\n---\n[[b]] [[B open]]\n- [ ] new\n", 1);
  put_file(root, "d.md", "[[b]] [[Bee]]\n", 1);
  snprintf(path, sizeof(path), "%s/sub/c.md", root);
  unlink(path);
  free(want);
  want = fresh_answers(root, "b.md", text);
  opened_answers(root, "b.md", text, want);
  /* The open document's file changed while down: the same. */
  put_file(root, "b.md", "---\ntitle: B three\n---\nnothing\n", 1);
  free(want);
  want = fresh_answers(root, "b.md", text);
  opened_answers(root, "b.md", text, want);
  nl_log_set_sink(NULL, NULL);
  free(want);
  free(want_disk);
}

/* The symbol table's rows of every note by path, as text, and the index's check (which
 * compares each row with one made again from its string); nl_ws_symbols builds the table when
 * the index has none. */
static char *symbol_answers(nl_workspace *ws) {
  nl_ws_symbol_table t;
  nl_buf b = NL_BUF_INIT;
  if (nl_ws_symbols(ws, &t) != 0) return nl_buf_addf(&b, "no symbol table\n"), nl_buf_take(&b);
  size_t n;
  nl_entry **all = by_path(ws, &n);
  for (size_t i = 0; i < n; i++)
    for (uint32_t k = 0; all[i]->id < t.n_ids && k < t.count[all[i]->id]; k++) {
      const nl_ws_symbol *r = &t.rows[t.first[all[i]->id] + k];
      nl_buf_addf(&b, "%s %u %s %llx %llx %zu %u %u %d %llx\n", all[i]->rel, r->sub, r->text,
                  (unsigned long long)r->initials, (unsigned long long)r->heads,
                  nl_ws_symbol_len(r), (unsigned)r->first, (unsigned)r->ascii, (int)r->dead,
                  (unsigned long long)t.masks[t.first[all[i]->id] + k]);
    }
  free(all);
  char err[256];
  if (nl_ws_check(ws, err, sizeof(err)) != 0) nl_buf_addf(&b, "check: %s\n", err);
  return nl_buf_take(&b);
}

/* A symbol table built before the first start's cache is written (a workspace/symbol request
 * right after ready) is stored with the tables, and a start that installs them has it back
 * with the rows a table built from a fresh scan has: a document open (its rows its buffer's,
 * the stored ones its file's), and notes changed, added and removed while down. */
static void test_symbols_from_the_cache(void) {
  char root[4200], path[4400];
  fresh_vault(root, sizeof(root), "symbols");
  put_table_vault(root);
  const char *text =
      "---\ntitle: B open\naliases: [Bee, Alpha]\n---\n# B open\n## Second\n# Third\n";
  nl_workspace *ws = index_opened(root, 0, 0, "b.md", text);
  char *want = symbol_answers(ws);
  nl_ws_free(ws);
  nl_log_set_sink(log_sink, NULL);
  symbols_used = 0;
  symbols_at_ready = 1;
  ws = index_opened(root, 1, 1, "b.md", text); /* the first start: writes the cache */
  symbols_at_ready = 0;
  ASSERT_EQ(symbols_used, 0);
  char *got = symbol_answers(ws);
  ASSERT_STR_EQ(got, want);
  free(got);
  nl_ws_free(ws);
  opened_answers_ex(root, "b.md", text, want, symbol_answers, &symbols_used);
  put_file(root, "a.md", "---\ntitle: A two\naliases: [Alef]\n---\n# New heading\n", 1);
  put_file(root, "d.md", "# D heading\n## Deeper\n", 1);
  snprintf(path, sizeof(path), "%s/sub/c.md", root);
  unlink(path);
  ws = index_opened(root, 0, 0, "b.md", text);
  free(want);
  want = symbol_answers(ws);
  nl_ws_free(ws);
  opened_answers_ex(root, "b.md", text, want, symbol_answers, &symbols_used);
  /* Nothing open: the stored rows are the files'. */
  ws = index_opened(root, 0, 0, NULL, NULL);
  free(want);
  want = symbol_answers(ws);
  nl_ws_free(ws);
  opened_answers_ex(root, NULL, NULL, want, symbol_answers, &symbols_used);
  nl_log_set_sink(NULL, NULL);
  free(want);
}

/* A note read again during the scan, after the scan merged it (as the watcher does when its
 * file changes): the index no longer holds the parse the scan stored, so the cache gets no
 * tables, and the next start answers as a fresh scan of the files. */
static void test_no_tables_after_a_reload(void) {
  char root[4200], abs[4400];
  fresh_vault(root, sizeof(root), "reload");
  put_table_vault(root);
  nl_workspace *ws = index_no_cache(root);
  char *want = answers(ws);
  nl_ws_free(ws);
  snprintf(abs, sizeof(abs), "%s/b.md", root);
  ws = nl_ws_new(&loop, cfg);
  nl_ws_add_root(ws, root);
  nl_ws_set_cache_dir(ws, cache_dir);
  nl_ws_set_waker(ws, wake, NULL);
  int finished = 0, reloaded = 0;
  ASSERT_EQ(nl_ws_scan(ws, scan_done, &finished), 0);
  const char *text = "---\ntitle: B elsewhere\naliases: [Bee]\n---\n";
  while (!finished) {
    uv_run(&loop, UV_RUN_ONCE);
    while (woken && !finished) {
      woken = nl_ws_merge(ws, 0);
      if (!reloaded && !finished && nl_ws_by_path(ws, abs) != NULL)
        reloaded = nl_ws_update(ws, abs, text, strlen(text), 0) != NULL;
    }
  }
  uv_run(&loop, UV_RUN_DEFAULT);
  ASSERT(reloaded);
  nl_ws_free(ws);
  nl_log_set_sink(log_sink, NULL);
  tables_used = 0;
  ws = index_with_cache(root);
  ASSERT_EQ(tables_used, 0);
  char *got = answers(ws);
  ASSERT_STR_EQ(got, want);
  free(got);
  nl_ws_free(ws);
  nl_log_set_sink(NULL, NULL);
  free(want);
}

/* A few notes changed while down: the cache file is appended to in place (its records stay
 * where they are, with gaps where replaced ones were), start after start, until its dead bytes
 * pass half the live ones and it is written anew; every start answers as a fresh scan. */
/* How many notes of a start on root's cache are not used where they lie in the mapped file
 * (their records re-based into memory of their own). */
static size_t notes_not_in_place(const char *root) {
  nl_workspace *ws = index_with_cache(root);
  size_t n = 0;
  for (uint32_t id = 0; id < ws->n_ids; id++)
    n += ws->entries[id] != NULL && !ws->entries[id]->note->borrowed;
  nl_ws_free(ws);
  return n;
}

static void test_cache_appended_in_place(void) {
  char root[4200], path[4400];
  fresh_vault(root, sizeof(root), "append");
  put_table_vault(root);
  for (int i = 0; i < 3000; i++) { /* records heavier than the tables, as a vault's are */
    char rel[64], text[2000];
    int n = snprintf(text, sizeof(text), "[[n%04d]]\n", (i * 13) % 3000);
    for (int h = 0; h < 30; h++) n += snprintf(text + n, sizeof(text) - (size_t)n, "## part %d of %d\n", h, i);
    snprintf(rel, sizeof(rel), "long/n%04d.md", i);
    put_file(root, rel, text, 2);
  }
  nl_log_set_sink(log_sink, NULL);
  nl_ws_free(index_with_cache(root)); /* writes the cache */
  struct stat first, now;
  ASSERT_EQ(cache_file(path, sizeof(path)), 0);
  ASSERT_EQ(stat(path, &first), 0);
  appended = 0;
  int rewritten = 0;
  for (int round = 0; round < 12 && !rewritten; round++) {
    char rel[64], text[128];
    snprintf(rel, sizeof(rel), "long/n%04d.md", round * 7);
    snprintf(text, sizeof(text), "---\ntitle: Round %d\n---\n[[n0001]]\n", round);
    put_file(root, rel, text, 1);
    snprintf(rel, sizeof(rel), "long/added %d.md", round);
    put_file(root, rel, "[[a]]\n", 1);
    snprintf(path, sizeof(path), "%s/long/n%04d.md", root, 2999 - round);
    unlink(path);
    char *want = fresh_answers(root, NULL, NULL);
    cached_answers(root, want, round % 2); /* the fix-up, appending */
    cached_answers(root, want, 0);         /* the appended cache, installed whole */
    free(want);
    ASSERT_EQ(cache_file(path, sizeof(path)), 0);
    ASSERT_EQ(stat(path, &now), 0);
    rewritten = now.st_ino != first.st_ino;
    ASSERT_EQ(appended, round + !rewritten);
    /* The records a commit appended or carried into a new file lead where they now lie. */
    ASSERT_EQ(notes_not_in_place(root), 0);
  }
  ASSERT(appended >= 1);
  ASSERT(rewritten);
  nl_log_set_sink(NULL, NULL);
}

/* ---- the reference maps after a scan merged in slices (backlinks.c) ----------------------- */

/* Scans root as the server does (a waker, merges in slices of budget 0: eight notes a turn)
 * until ready; the reference maps are then still deferred. */
static nl_workspace *index_in_slices(const char *root) {
  nl_workspace *ws = nl_ws_new(&loop, cfg);
  nl_ws_add_root(ws, root);
  nl_ws_set_cache_dir(ws, cache_dir);
  nl_ws_set_waker(ws, wake, NULL);
  int finished = 0;
  if (nl_ws_scan(ws, scan_done, &finished) != 0) return ws;
  while (!finished) {
    uv_run(&loop, UV_RUN_ONCE);
    while (woken && !finished) woken = nl_ws_merge(ws, 0);
  }
  uv_run(&loop, UV_RUN_DEFAULT);
  return ws;
}

static ptrdiff_t refs_count(nl_workspace *ws, const char *name,
                            ptrdiff_t (*of)(const nl_workspace *, const nl_entry *, nl_ref **)) {
  nl_entry *e = nl_ws_resolve(ws, NULL, name, strlen(name), NULL);
  if (e == NULL) return -100;
  nl_ref *refs = NULL;
  ptrdiff_t n = of(ws, e, &refs);
  free(refs);
  return n;
}

static void count_tag(void *ud, const char *tag, size_t count) {
  if (strcmp(tag, "account/acme") == 0) *(size_t *)ud = count;
}

static size_t acme_tags(nl_workspace *ws) {
  size_t n = 0;
  nl_ws_foreach_tag(ws, -1, count_tag, &n);
  return n;
}

static void test_deferred_refs(void) {
  char root[4200], path[4400];
  fresh_vault(root, sizeof(root), "slices");
  put_file(root, "Ana Ruiz.md", "---\ntype: person\n---\n", 2);
  put_file(root, "Acme.md", "---\ntype: account\n---\n", 2);
  put_file(root, "b.md", "# B\n", 2);
  put_file(root, "c.md", "# C\n", 2);
  for (int i = 0; i < 20; i++) { /* more than one slice of notes */
    char rel[64], text[256];
    snprintf(rel, sizeof(rel), "m/m%02d.md", i);
    snprintf(text, sizeof(text),
             "---\naccount: \"[[Acme]]\"\nparticipants: [\"[[Ana Ruiz]]\"]\n---\n"
             "[[b]] @Ana Ruiz #account/acme\n");
    put_file(root, rel, text, 2);
  }
  /* The first start (no cache) and the second (every note from it) answer the same. */
  for (int round = 0; round < 2; round++) {
    nl_workspace *ws = index_in_slices(root);
    ASSERT_EQ(nl_ws_count(ws), 24);
    /* While deferred: m00 now links to c, m01 goes; the searches then see exactly that. */
    snprintf(path, sizeof(path), "%s/m/m00.md", root);
    const char *text = "[[c]]\n";
    ASSERT(nl_ws_update(ws, path, text, strlen(text), 1) != NULL);
    snprintf(path, sizeof(path), "%s/m/m01.md", root);
    ASSERT_EQ(nl_ws_remove(ws, path), 0);
    ASSERT_EQ(acme_tags(ws), 18);
    ASSERT_EQ(refs_count(ws, "b", nl_ws_backlinks), 18);
    ASSERT_EQ(refs_count(ws, "c", nl_ws_backlinks), 1);
    ASSERT_EQ(refs_count(ws, "Ana Ruiz", nl_ws_mentions_of), 18);
    ASSERT_EQ(refs_count(ws, "Ana Ruiz", nl_ws_fm_refs_of), 18);
    ASSERT_EQ(refs_count(ws, "Acme", nl_ws_fm_refs_of), 18);
    ASSERT_EQ(refs_count(ws, "Acme", nl_ws_account_tags_of), 18);
    /* Complete now: later edits update the maps at once. */
    text = "[[b]]\n";
    snprintf(path, sizeof(path), "%s/m/m00.md", root);
    ASSERT(nl_ws_update(ws, path, text, strlen(text), 1) != NULL);
    ASSERT_EQ(refs_count(ws, "b", nl_ws_backlinks), 19);
    ASSERT_EQ(refs_count(ws, "c", nl_ws_backlinks), 0);
    char err[256];
    ASSERT_EQ(nl_ws_check(ws, err, sizeof(err)), 0);
    nl_ws_free(ws);
  }
  /* Built by the slices after the scan, as the server drives them: the same answers. */
  nl_workspace *ws = index_in_slices(root);
  int slices = 0;
  while (nl_ws_merge(ws, 1000000000)) slices++;
  ASSERT_EQ(slices, 0);
  ASSERT_EQ(refs_count(ws, "b", nl_ws_backlinks), 20);
  ASSERT_EQ(refs_count(ws, "Ana Ruiz", nl_ws_mentions_of), 20);
  nl_ws_free(ws);
}

/* ---- the cache written after the scan is ready (cache_later.c) --------------------------- */

static size_t cache_hits = SIZE_MAX; /* the log's count of notes from the cache, last scan */
static void hits_sink(void *ud, int level, const char *msg) {
  size_t n, hits;
  if (sscanf(msg, "indexed %zu notes, %zu of them unchanged", &n, &hits) == 2) cache_hits = hits;
}

/* A scan merged in slices is ready before its cache is written: the notes go a slice at a
 * time after the reference maps, each only while its entry still holds the file's parse (or
 * keeps it under an open document: an open document's text or a note replaced since is not
 * stored under the file's stamp); and a cache still being written is finished when the index
 * is freed. */
static void test_cache_written_after_ready(void) {
  char root[4200], path[4400];
  fresh_vault(root, sizeof(root), "later");
  for (int i = 0; i < 80; i++) {
    char rel[64], text[64];
    snprintf(rel, sizeof(rel), "n/n%02d.md", i);
    snprintf(text, sizeof(text), "---\ntitle: N%02d disk\n---\n[[n00]]\n", i);
    put_file(root, rel, text, 2);
  }
  nl_log_set_sink(hits_sink, NULL);
  nl_workspace *ws = index_in_slices(root);
  ASSERT_EQ(nl_ws_ready(ws), 1);
  ASSERT_EQ(cache_file(path, sizeof(path)), -1); /* nothing written yet */
  snprintf(path, sizeof(path), "%s/n/n01.md", root);
  const char *text = "---\ntitle: N01 open\n---\n";
  ASSERT(nl_ws_update(ws, path, text, strlen(text), 1) != NULL);
  snprintf(path, sizeof(path), "%s/n/n02.md", root);
  text = "---\ntitle: N02 memory\n---\n";
  ASSERT(nl_ws_update(ws, path, text, strlen(text), 0) != NULL);
  snprintf(path, sizeof(path), "%s/n/n03.md", root);
  ASSERT_EQ(nl_ws_remove(ws, path), 0);
  /* n04's parse freed and another allocated at its address (an edit, then a reload from the
   * file): the pointer is the listed one, the seq a new one. */
  snprintf(path, sizeof(path), "%s/n/n04.md", root);
  nl_entry *n04 = nl_wsi_by_path(ws, path, strlen(path));
  ASSERT(n04 != NULL);
  nl_wsi_set_seq(ws, n04, ++ws->seq);
  while (nl_ws_merge(ws, 1000)) { /* slices of a microsecond: 32 notes at least each */
  }
  ASSERT_EQ(cache_file(path, sizeof(path)), 0);
  nl_ws_free(ws);
  /* The next start: n01's file parse was kept while it was open (for the tables) and written,
   * n02's replaced parse was not, nor n04's, n03 is read again: every other note from the
   * cache, those three from their files. */
  ws = index_with_cache(root);
  ASSERT_EQ(nl_ws_count(ws), 80);
  ASSERT_EQ(cache_hits, 77);
  ASSERT_STR_EQ(title_of(ws, root, "n/n01.md"), "N01 disk");
  ASSERT_STR_EQ(title_of(ws, root, "n/n02.md"), "N02 disk");
  ASSERT_STR_EQ(title_of(ws, root, "n/n03.md"), "N03 disk");
  nl_ws_free(ws);
  /* Freed before a slice ran: the cache is written then, whole. */
  clear_cache_dir();
  nl_ws_free(index_in_slices(root));
  ASSERT_EQ(cache_file(path, sizeof(path)), 0);
  nl_ws_free(index_with_cache(root));
  ASSERT_EQ(cache_hits, 80);
  nl_log_set_sink(NULL, NULL);
}

/* The `cache` setting off (as --no-cache sets it): the scan writes no cache, and leaves the
 * one there is as it was. */
/* The walk takes each note's stamp itself (relative to its folder, or through the link for a
 * note reached by a symlink): a link's target changed while the server was down is read
 * again, and a note that grew over the size limit is dropped, not taken from the cache. */
static void test_restart_stamps_from_the_walk(void) {
  char root[4200], link[4400], target[4400];
  fresh_vault(root, sizeof(root), "walk");
  put_file(root, ".store/t.md", "---\ntitle: T one\n---\n", 2); /* a hidden folder: not walked */
  put_file(root, "big.md", "---\ntitle: Big\n---\n", 2);
  snprintf(link, sizeof(link), "%s/linked.md", root);
  snprintf(target, sizeof(target), "%s/.store/t.md", root);
  ASSERT_EQ(symlink(target, link), 0);
  nl_workspace *ws = index_with_cache(root);
  ASSERT_EQ(nl_ws_count(ws), 2);
  ASSERT_STR_EQ(title_of(ws, root, "linked.md"), "T one");
  nl_ws_free(ws);

  put_file(root, ".store/t.md", "---\ntitle: T two\n---\n", 1);
  char big[4096];
  memset(big, 'x', sizeof(big) - 1);
  big[sizeof(big) - 1] = '\0';
  put_file(root, "big.md", big, 1);
  size_t max = cfg->max_file_size;
  cfg->max_file_size = 1024;
  ws = index_with_cache(root);
  cfg->max_file_size = max;
  ASSERT_EQ(nl_ws_count(ws), 1);
  ASSERT_STR_EQ(title_of(ws, root, "linked.md"), "T two");
  ASSERT_STR_EQ(title_of(ws, root, "big.md"), "(absent)");
  char err[256];
  ASSERT_EQ(nl_ws_check(ws, err, sizeof(err)), 0);
  nl_ws_free(ws);
}

static void test_cache_off(void) {
  char root[4200], path[4400];
  fresh_vault(root, sizeof(root), "off");
  put_file(root, "a.md", "---\ntitle: A\n---\n", 2);
  nl_ws_free(index_with_cache(root));
  ASSERT_EQ(cache_file(path, sizeof(path)), 0);
  struct stat before, after;
  ASSERT_EQ(stat(path, &before), 0);
  put_file(root, "b.md", "---\ntitle: B\n---\n", 2);
  cfg->cache = 0;
  nl_workspace *ws = index_with_cache(root);
  ASSERT_EQ(nl_ws_count(ws), 2);
  ASSERT_STR_EQ(title_of(ws, root, "a.md"), "A");
  nl_ws_free(ws);
  ASSERT_EQ(stat(path, &after), 0);
  ASSERT_EQ(after.st_ino, before.st_ino);
  ASSERT_EQ(after.st_size, before.st_size);
  ASSERT_EQ(unlink(path), 0);
  nl_ws_free(index_with_cache(root));
  cfg->cache = 1;
  ASSERT_EQ(cache_file(path, sizeof(path)), -1);
}

int main(void) {
  snprintf(tmp, sizeof(tmp), "/tmp/nl-test-cache-XXXXXX");
  if (mkdtemp(tmp) == NULL) return 1;
  snprintf(cache_dir, sizeof(cache_dir), "%s/cache/notes-lsp", tmp);
  uv_loop_init(&loop);
  cfg = nl_config_new();
  RUN(test_roundtrip);
  RUN(test_stamp_must_match);
  RUN(test_racy_file);
  RUN(test_damage_is_ignored);
  RUN(test_records_mapped);
  RUN(test_restart);
  RUN(test_restart_stamps_from_the_walk);
  RUN(test_rescan_replaces_cached_notes);
  RUN(test_tables_from_the_cache);
  RUN(test_tables_with_an_open_document);
  RUN(test_symbols_from_the_cache);
  RUN(test_no_tables_after_a_reload);
  RUN(test_cache_appended_in_place);
  RUN(test_deferred_refs);
  RUN(test_cache_written_after_ready);
  RUN(test_cache_off);
  nl_config_free(cfg);
  uv_loop_close(&loop);
  char cmd[4200];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
  if (system(cmd) != 0) return 1;
  return NL_TEST_DONE();
}
