/* frontmatter.c: libyaml events to nl_frontmatter. libyaml's marks count characters, not bytes
 * (its index advances once per character and twice for "\r\n"), so positions go through a
 * cursor that walks the UTF-8 text; libyaml has already rejected invalid UTF-8 by then. */
#include "lsp/note/frontmatter.h"

#include <string.h>
#include <yaml.h>

#include "lsp/base/unicode.h"

typedef struct {
  yaml_parser_t parser;
  const nl_lines *lines;
  const char *yaml;
  size_t base, len;
  size_t cur_char, cur_byte; /* the char -> byte cursor */
  int ascii;                 /* the YAML is ASCII: characters are bytes */
  size_t line;               /* the line of the latest position (pos_at) */
  nl_arena *arena;
  int oom;
} fm_ctx;

static size_t byte_of(fm_ctx *c, size_t index) {
  if (c->ascii) return index < c->len ? index : c->len; /* a character is a byte */
  if (index < c->cur_char) c->cur_char = c->cur_byte = 0; /* marks rarely go backwards */
  while (c->cur_char < index && c->cur_byte < c->len) {
    c->cur_byte++;
    while (c->cur_byte < c->len && ((unsigned char)c->yaml[c->cur_byte] & 0xC0) == 0x80)
      c->cur_byte++;
    c->cur_char++;
  }
  return c->cur_byte;
}

static nl_bpos pos_at(fm_ctx *c, size_t byte) {
  return nl_scan_pos_near(c->lines, c->base + byte, &c->line);
}

/* The next event; 0 at a syntax error (the parser then holds the problem). */
static int next(fm_ctx *c, yaml_event_t *ev) { return yaml_parser_parse(&c->parser, ev); }

static int is_start(const yaml_event_t *ev) {
  return ev->type == YAML_SEQUENCE_START_EVENT || ev->type == YAML_MAPPING_START_EVENT;
}
static int is_end(const yaml_event_t *ev) {
  return ev->type == YAML_SEQUENCE_END_EVENT || ev->type == YAML_MAPPING_END_EVENT;
}

/* Consumes events until `depth` open collections are closed; 0 at a syntax error. */
static int skip_open(fm_ctx *c, size_t depth) {
  while (depth > 0) {
    yaml_event_t ev;
    if (!next(c, &ev)) return 0;
    if (is_start(&ev)) depth++;
    if (is_end(&ev)) depth--;
    int done = ev.type == YAML_STREAM_END_EVENT || ev.type == YAML_NO_EVENT;
    yaml_event_delete(&ev);
    if (done) return 1;
  }
  return 1;
}

/* Skips the node that `ev` (already read, not deleted here) starts. */
static int skip_node(fm_ctx *c, const yaml_event_t *ev) { return is_start(ev) ? skip_open(c, 1) : 1; }

static int is_null(const yaml_event_t *ev) {
  if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) return 0;
  const char *v = (const char *)ev->data.scalar.value;
  size_t n = ev->data.scalar.length;
  return n == 0 || (n == 1 && v[0] == '~') ||
         (n == 4 && (!memcmp(v, "null", 4) || !memcmp(v, "Null", 4) || !memcmp(v, "NULL", 4)));
}

/* Narrows sc to text[a .. b) of its own text when that text is written as is in the source
 * (no quotes, escapes or folding), so the range stays exact; else keeps the range. */
static void narrow(fm_ctx *c, nl_fm_scalar *sc, size_t src, size_t src_len, size_t a, size_t b) {
  const char *text = sc->text;
  if (src_len == strlen(text) && memcmp(c->yaml + src, text, src_len) == 0) {
    sc->range.start = pos_at(c, src + a);
    sc->range.end = pos_at(c, src + b);
  }
  char *s = nl_arena_strndup(c->arena, text + a, b - a);
  if (s == NULL) c->oom = 1;
  else sc->text = s;
}

/* A link value, "[[X|alias]]" or (from an unquoted [[X|alias]]) "X|alias", becomes X. */
static void strip_link(fm_ctx *c, nl_fm_scalar *sc, size_t src, size_t src_len, int bare) {
  const char *t = sc->text;
  size_t n = strlen(t), a = 0, b = n;
  if (!bare) {
    if (n < 4 || memcmp(t, "[[", 2) != 0 || memcmp(t + n - 2, "]]", 2) != 0) return;
    a = 2, b = n - 2;
  }
  const char *bar = memchr(t + a, '|', b - a);
  if (bar != NULL) b = (size_t)(bar - t);
  if (a == 0 && b == n) return;
  narrow(c, sc, src, src_len, a, b);
}

/* Builds a scalar from a SCALAR event; link: 0 key, 1 value, 2 the X of an unquoted [[X]]. */
static int make_scalar(fm_ctx *c, const yaml_event_t *ev, nl_fm_scalar *sc, int link) {
  char *text = nl_arena_strndup(c->arena, (const char *)ev->data.scalar.value,
                                ev->data.scalar.length);
  if (text == NULL) {
    c->oom = 1;
    return -1;
  }
  size_t a = byte_of(c, ev->start_mark.index), b = byte_of(c, ev->end_mark.index);
  yaml_scalar_style_t style = ev->data.scalar.style;
  if ((style == YAML_SINGLE_QUOTED_SCALAR_STYLE || style == YAML_DOUBLE_QUOTED_SCALAR_STYLE) &&
      b >= a + 2) {
    a++;
    b--;
  }
  if (b < a) b = a;
  sc->text = text;
  sc->range.start = pos_at(c, a);
  sc->range.end = pos_at(c, b);
  if (link) strip_link(c, sc, a, b - a, link == 2);
  return c->oom ? -1 : 0;
}

/* Reads a sequence whose SEQUENCE_START was just read. When it is a chain of single-member
 * sequences ending in one scalar, sets *depth to the number of sequences (1 for [X], 2 for
 * [[X]]) and fills sc; else *depth = 0. Iterative: the nesting may be deep. 0 at an error. */
static int read_chain(fm_ctx *c, int *depth, nl_fm_scalar *sc) {
  size_t opened = 1;
  yaml_event_t ev;
  *depth = 0;
  for (;;) {
    if (!next(c, &ev)) return 0;
    if (ev.type != YAML_SEQUENCE_START_EVENT) break;
    opened++;
    yaml_event_delete(&ev);
  }
  if (ev.type != YAML_SCALAR_EVENT) {
    if (is_start(&ev)) opened++;
    if (is_end(&ev)) opened--;
    yaml_event_delete(&ev);
    return skip_open(c, opened);
  }
  nl_fm_scalar tmp;
  int ok = make_scalar(c, &ev, &tmp, 2) == 0;
  yaml_event_delete(&ev);
  if (!ok) return 1;
  size_t closed = 0;
  while (closed < opened) {
    if (!next(c, &ev)) return 0;
    int end = ev.type == YAML_SEQUENCE_END_EVENT, start = is_start(&ev);
    yaml_event_delete(&ev);
    if (!end) return skip_open(c, opened - closed + (size_t)start);
    closed++;
  }
  *depth = opened > 2 ? 0 : (int)opened;
  *sc = tmp;
  return 1;
}

/* Reads a sequence value into e's items. 0 at a syntax error. */
static int read_list(fm_ctx *c, nl_fm_entry *e) {
  nl_vec items = {0};
  size_t members = 0;
  nl_fm_scalar single = {0};
  int single_depth = 0, ok = 1;
  for (;;) {
    yaml_event_t ev;
    if (!next(c, &ev)) {
      ok = 0;
      break;
    }
    if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_STREAM_END_EVENT ||
        ev.type == YAML_NO_EVENT) {
      yaml_event_delete(&ev);
      break;
    }
    members++;
    nl_fm_scalar sc = {0};
    int depth = 0;
    if (ev.type == YAML_SCALAR_EVENT) {
      if (!is_null(&ev) && make_scalar(c, &ev, &sc, 1) == 0) depth = -1;
    } else if (ev.type == YAML_SEQUENCE_START_EVENT) {
      ok = read_chain(c, &depth, &sc);
    } else {
      ok = skip_node(c, &ev);
    }
    yaml_event_delete(&ev);
    if (!ok || c->oom) break;
    if (depth == 1 && members == 1) single = sc, single_depth = 1;
    if (depth == -1 || depth == 2) {
      nl_fm_scalar *slot = nl_vec_push(&items, sizeof(nl_fm_scalar));
      if (slot == NULL) {
        c->oom = 1;
        break;
      }
      *slot = sc;
    }
  }
  /* `key: [[X]]` is a list holding the list [X]: a link, not a list. */
  if (ok && members == 1 && single_depth == 1) {
    items.n = 0;
    nl_fm_scalar *slot = nl_vec_push(&items, sizeof(nl_fm_scalar));
    if (slot == NULL) c->oom = 1;
    else *slot = single;
  } else {
    e->is_list = 1;
  }
  int copied = 1;
  e->items = nl_vec_to_arena(&items, sizeof(nl_fm_scalar), c->arena, &copied);
  e->n_items = items.n;
  if (!copied) c->oom = 1;
  nl_vec_free(&items);
  return ok;
}

/* Reads the value of entry e; 0 at a syntax error. */
static int read_value(fm_ctx *c, nl_fm_entry *e) {
  yaml_event_t ev;
  if (!next(c, &ev)) return 0;
  int ok = 1;
  switch (ev.type) {
    case YAML_SCALAR_EVENT:
      if (!is_null(&ev)) {
        nl_fm_scalar *sc = nl_arena_alloc_of(c->arena, sizeof(*sc), sizeof(*sc));
        if (sc == NULL || make_scalar(c, &ev, sc, 1) < 0) {
          c->oom = 1;
          break;
        }
        e->items = sc;
        e->n_items = 1;
      }
      break;
    case YAML_SEQUENCE_START_EVENT:
      ok = read_list(c, e);
      break;
    case YAML_MAPPING_START_EVENT:
      e->is_mapping = 1;
      ok = skip_node(c, &ev);
      break;
    default: /* an alias: no value we can read */
      break;
  }
  yaml_event_delete(&ev);
  return ok;
}

/* Reads the top-level mapping (its MAPPING_START read) into entries; 0 at a syntax error. */
static int read_mapping(fm_ctx *c, nl_vec *entries) {
  for (;;) {
    yaml_event_t ev;
    if (!next(c, &ev)) return 0;
    if (ev.type == YAML_MAPPING_END_EVENT || ev.type == YAML_STREAM_END_EVENT ||
        ev.type == YAML_NO_EVENT) {
      yaml_event_delete(&ev);
      return 1;
    }
    nl_fm_entry e;
    memset(&e, 0, sizeof(e));
    int ok = 1, keyed = ev.type == YAML_SCALAR_EVENT;
    if (keyed) {
      nl_fm_scalar key;
      if (make_scalar(c, &ev, &key, 0) < 0) {
        yaml_event_delete(&ev);
        return 1;
      }
      e.key = key.text;
      ok = read_value(c, &e);
    } else {
      /* A complex key: skip it and its value. */
      yaml_event_t val;
      ok = skip_node(c, &ev) && next(c, &val);
      if (ok) {
        ok = skip_node(c, &val);
        yaml_event_delete(&val);
      }
    }
    yaml_event_delete(&ev);
    if (!ok || c->oom) return ok;
    if (keyed) {
      nl_fm_entry *slot = nl_vec_push(entries, sizeof(nl_fm_entry));
      if (slot == NULL) {
        c->oom = 1;
        return 1;
      }
      *slot = e;
    }
  }
}

/* Reads the stream to its end; 0 at a syntax error. */
static int read_stream(fm_ctx *c, nl_frontmatter *fm, nl_vec *entries) {
  int root_seen = 0;
  for (;;) {
    yaml_event_t ev;
    if (!next(c, &ev)) return 0;
    yaml_event_type_t type = ev.type;
    int ok = 1;
    if (!root_seen && (type == YAML_SCALAR_EVENT || type == YAML_ALIAS_EVENT || is_start(&ev))) {
      root_seen = 1;
      if (type == YAML_MAPPING_START_EVENT) {
        fm->is_mapping = 1;
        ok = read_mapping(c, entries);
      } else {
        ok = skip_node(c, &ev);
      }
    }
    yaml_event_delete(&ev);
    if (!ok) return 0;
    if (type == YAML_STREAM_END_EVENT || type == YAML_NO_EVENT || c->oom) return 1;
  }
}

static void set_error(fm_ctx *c, nl_frontmatter *fm) {
  yaml_parser_t *p = &c->parser;
  size_t off = p->error == YAML_READER_ERROR ? p->problem_offset : byte_of(c, p->problem_mark.index);
  if (off > c->len) off = c->len;
  fm->has_error = 1;
  fm->error_pos = pos_at(c, off);
  const char *msg = p->problem != NULL ? p->problem : "invalid yaml";
  fm->error_message = nl_arena_strndup(c->arena, msg, strlen(msg));
  if (fm->error_message == NULL) c->oom = 1;
}

/* libyaml's time grows with the square of the flow nesting depth (it rescans every open
 * simple key per token): 100,000 '[' take seconds. No real frontmatter nests this deep. */
#define MAX_FLOW_DEPTH 256

/* The offset where flow collections nest deeper than MAX_FLOW_DEPTH, or len. Brackets inside
 * quotes count too: an overestimate that only ever refuses absurd input. */
static size_t too_deep_at(const char *s, size_t len) {
  size_t depth = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] == '[' || s[i] == '{') {
      if (++depth > MAX_FLOW_DEPTH) return i;
    } else if ((s[i] == ']' || s[i] == '}') && depth > 0) {
      depth--;
    }
  }
  return len;
}

/* The entries of the lines above byte `off` of the YAML, parsed on their own: after an error
 * at `off` that stopped the parse before them. */
static int parse_before(fm_ctx *c, nl_frontmatter *fm, size_t off) {
  uint32_t line = nl_scan_pos(c->lines, c->base + off).line;
  size_t cut = c->lines->starts[line];
  if (cut <= c->base || cut - c->base >= c->len) return 0;
  nl_frontmatter head;
  memset(&head, 0, sizeof(head));
  if (nl_frontmatter_parse(&head, c->arena, c->lines, c->base, cut - c->base) < 0) return -1;
  fm->is_mapping = head.is_mapping;
  fm->entries = head.entries;
  fm->n_entries = head.n_entries;
  return 0;
}

int nl_frontmatter_parse(nl_frontmatter *fm, nl_arena *arena, const nl_lines *lines, size_t base,
                         size_t len) {
  fm_ctx c;
  memset(&c, 0, sizeof(c));
  c.lines = lines;
  c.yaml = lines->text + base;
  c.base = base;
  c.len = len;
  c.arena = arena;
  c.ascii = nl_unicode_is_ascii(c.yaml, len);
  size_t deep = too_deep_at(c.yaml, len);
  if (deep < len) {
    fm->has_error = 1;
    fm->error_pos = pos_at(&c, deep);
    fm->error_message = "frontmatter nests too deeply";
    return parse_before(&c, fm, deep);
  }
  if (!yaml_parser_initialize(&c.parser)) return -1;
  yaml_parser_set_input_string(&c.parser, (const unsigned char *)c.yaml, len);
  /* Never guess UTF-16 from the first bytes: the note is UTF-8 and marks must count its chars. */
  yaml_parser_set_encoding(&c.parser, YAML_UTF8_ENCODING);
  nl_vec entries = {0};
  if (!read_stream(&c, fm, &entries)) {
    if (c.parser.error == YAML_MEMORY_ERROR) c.oom = 1;
    else set_error(&c, fm);
  }
  int copied = 1;
  fm->entries = nl_vec_to_arena(&entries, sizeof(nl_fm_entry), arena, &copied);
  fm->n_entries = entries.n;
  if (!copied) c.oom = 1;
  /* libyaml decodes its input ahead of the parse, so invalid UTF-8 fails before the entries
   * above it are read: parse those lines again on their own to keep them. */
  if (fm->has_error && c.parser.error == YAML_READER_ERROR && entries.n == 0 &&
      parse_before(&c, fm, c.parser.problem_offset) < 0)
    c.oom = 1;
  nl_vec_free(&entries);
  yaml_parser_delete(&c.parser);
  return c.oom ? -1 : 0;
}

/* A copy of a string into the arena, NULL staying NULL; *oom set on failure. */
static const char *copy_str(nl_arena *arena, const char *s, int *oom) {
  if (s == NULL) return NULL;
  const char *c = nl_arena_strndup(arena, s, strlen(s));
  if (c == NULL) *oom = 1;
  return c;
}

int nl_frontmatter_copy(nl_frontmatter *fm, nl_arena *arena, const nl_frontmatter *src) {
  int oom = 0;
  *fm = *src;
  fm->entries = NULL;
  fm->error_message = copy_str(arena, src->error_message, &oom);
  if (src->n_entries == 0) return oom ? -1 : 0;
  nl_fm_entry *en = nl_arena_alloc_of(arena, src->n_entries * sizeof(*en), sizeof(*en));
  if (en == NULL) return -1;
  fm->entries = en;
  for (uint32_t i = 0; i < src->n_entries; i++) {
    en[i] = src->entries[i];
    en[i].key = copy_str(arena, src->entries[i].key, &oom);
    if (en[i].n_items == 0 || en[i].items == NULL) continue;
    nl_fm_scalar *it = nl_arena_alloc_of(arena, en[i].n_items * sizeof(*it), sizeof(*it));
    if (it == NULL) return -1;
    for (uint32_t j = 0; j < en[i].n_items; j++) {
      it[j] = src->entries[i].items[j];
      it[j].text = copy_str(arena, it[j].text, &oom);
    }
    en[i].items = it;
  }
  return oom ? -1 : 0;
}
