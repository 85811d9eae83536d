/* graph.c: `notes-lsp graph`. One pass over the index collects what each person, account,
 * project and meeting note points at; a table turns each (note kind, target kind) pair into
 * an edge; the edges are merged, "meets" is derived from "attends", and one of three writers
 * prints the result. */
#include "lsp/cli/graph.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "lsp/base/unicode.h"
#include "lsp/base/vec.h"
#include "lsp/cli/vault.h"
#include "lsp/index/diagnose.h"

static const char usage[] =
    "usage: notes-lsp graph [--around NAME] [--depth N] [--format mermaid|dot|json] [DIR]\n";

enum { FORMAT_MERMAID, FORMAT_DOT, FORMAT_JSON };

typedef struct {
  const char *dir;
  const char *around; /* borrowed from argv, or NULL */
  int depth;          /* -1 when not given */
  int format;
} options;

/* ---- arguments --------------------------------------------------------------------------- */

static int usage_error(FILE *err, const char *fmt_, const char *arg) {
  return nl_cli_usage_error(err, "graph", usage, fmt_, arg);
}

static int parse_format(const char *v) {
  static const char *const names[] = {"mermaid", "dot", "json"};
  for (int i = 0; v != NULL && i < 3; i++)
    if (strcmp(v, names[i]) == 0) return i;
  return -1;
}

/* A depth 0..1000 from v; -1 otherwise. */
static int parse_depth(const char *v) {
  if (v == NULL || *v < '0' || *v > '9') return -1;
  char *end;
  long d = strtol(v, &end, 10);
  return (*end != '\0' || d > 1000) ? -1 : (int)d;
}

/* Returns -1 to go on, else the exit status (0 for --help). */
static int parse_args(int argc, char **argv, options *o, FILE *out, FILE *err) {
  memset(o, 0, sizeof *o);
  o->depth = -1;
  int positional_only = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v;
    if (positional_only || a[0] != '-' || a[1] == '\0') {
      if (nl_cli_folder(&o->dir, a) != 0)
        return usage_error(err, "more than one folder given ('%s')", a);
    } else if (strcmp(a, "--") == 0) {
      positional_only = 1;
    } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      fputs(usage, out);
      return 0;
    } else if (nl_cli_option(argc, argv, &i, "--around", &v)) {
      if (v == NULL || *v == '\0') return usage_error(err, "%s needs a name", "--around");
      o->around = v;
    } else if (nl_cli_option(argc, argv, &i, "--depth", &v)) {
      if ((o->depth = parse_depth(v)) < 0)
        return usage_error(err, "--depth: expected a number from 0 to 1000, got '%s'",
                           v ? v : "");
    } else if (nl_cli_option(argc, argv, &i, "--format", &v)) {
      if ((o->format = parse_format(v)) < 0)
        return usage_error(err, "--format: expected mermaid, dot or json, got '%s'", v ? v : "");
    } else {
      return usage_error(err, "unknown option '%s'", a);
    }
  }
  if (o->depth >= 0 && o->around == NULL)
    return usage_error(err, "%s needs --around NAME", "--depth");
  if (o->depth < 0) o->depth = 1;
  if (o->dir == NULL) o->dir = ".";
  return -1;
}

/* ---- the graph --------------------------------------------------------------------------- */

enum { EDGE_MEMBER, EDGE_ATTENDS, EDGE_ABOUT, EDGE_WORKS_ON, EDGE_MEETS, EDGE__COUNT };
static const char *const edge_names[EDGE__COUNT] = {"member", "attends", "about", "works-on",
                                                    "meets"};

typedef struct {
  uint32_t from, to;  /* node indexes */
  uint8_t kind;       /* EDGE_* */
  uint32_t weight;
} edge;

typedef struct {
  const nl_entry *e;  /* borrowed from the index */
  char *name;         /* new: the file name in NFC */
  char *id;           /* new: kind + '_' + an ASCII slug of the name, unique */
  int keep;           /* inside --around's reach */
} node;

typedef struct {
  const nl_workspace *ws;
  node *nodes;
  size_t n_nodes;
  uint32_t *node_of;  /* entry id -> node index + 1, 0 for notes that are not nodes */
  nl_vec edges;        /* of edge; read through edge_list */
  int oom;
} graph;

static edge *edge_list(const graph *g) { return g->edges.items; }

static int is_node_kind(nl_kind k) {
  return k == NL_KIND_PERSON || k == NL_KIND_ACCOUNT || k == NL_KIND_PROJECT ||
         k == NL_KIND_MEETING;
}

/* Where a note names another: frontmatter (`account:`, `participants:`, tags) or the body
 * (links and @mentions). */
enum { VIA_FRONTMATTER = 1, VIA_BODY = 2 };

/* The edge a note of kind [from] that names a note of kind [to] makes: its kind + 1 (0 for
 * none), negated when the edge runs from the named note to the naming one, and whether
 * frontmatter alone may make it. Indexed by nl_kind. */
typedef struct {
  int8_t edge;  /* EDGE_* + 1, negative: reversed */
  uint8_t via;  /* VIA_* that count */
} rule;

#define R(kind, via) {(int8_t)((kind) + 1), (via)}
#define REV(kind, via) {(int8_t)(-((kind) + 1)), (via)}
#define ANY (VIA_FRONTMATTER | VIA_BODY)
static const rule rules[NL_KIND__COUNT][NL_KIND__COUNT] = {
    [NL_KIND_PERSON] = {[NL_KIND_ACCOUNT] = R(EDGE_MEMBER, VIA_FRONTMATTER),
                        [NL_KIND_PROJECT] = R(EDGE_WORKS_ON, ANY)},
    [NL_KIND_MEETING] = {[NL_KIND_PERSON] = REV(EDGE_ATTENDS, ANY),
                         [NL_KIND_ACCOUNT] = R(EDGE_ABOUT, ANY),
                         [NL_KIND_PROJECT] = R(EDGE_ABOUT, ANY)},
    [NL_KIND_PROJECT] = {[NL_KIND_PERSON] = REV(EDGE_WORKS_ON, ANY),
                         [NL_KIND_ACCOUNT] = R(EDGE_ABOUT, ANY),
                         [NL_KIND_MEETING] = REV(EDGE_ABOUT, ANY)},
    [NL_KIND_ACCOUNT] = {[NL_KIND_PROJECT] = REV(EDGE_ABOUT, ANY),
                         [NL_KIND_MEETING] = REV(EDGE_ABOUT, ANY)},
};
#undef R
#undef REV
#undef ANY

static void push_edge(graph *g, uint32_t from, uint32_t to, int kind) {
  if (from == to) return;
  edge *x = nl_vec_push(&g->edges, sizeof *x);
  if (x == NULL)
    g->oom = 1;
  else
    *x = (edge){from, to, (uint8_t)kind, 1};
}

/* Note `from` names `to` (may be NULL) through `via`. */
static void names(graph *g, const nl_entry *from, const nl_entry *to, int via) {
  if (to == NULL || g->node_of[from->id] == 0 || g->node_of[to->id] == 0) return;
  rule r = rules[from->kind][to->kind];
  if (r.edge == 0 || !(r.via & via)) return;
  uint32_t a = g->node_of[from->id] - 1, b = g->node_of[to->id] - 1;
  if (r.edge > 0)
    push_edge(g, a, b, r.edge - 1);
  else
    push_edge(g, b, a, -r.edge - 1);
}

static const nl_entry *fm_target(const graph *g, const nl_entry *from, const nl_fm_scalar *v,
                                 nl_kind kind) {
  size_t a, n;
  nl_diag_fm_name(v->text, &a, &n);
  return n == 0 ? NULL : nl_ws_resolve_kind(g->ws, from, kind, v->text + a, n);
}

/* Every note the note of `e` names, through names(). */
static void note_edges(graph *g, const nl_entry *e) {
  const nl_note *n = e->note;
  if (n->account != NULL) names(g, e, fm_target(g, e, n->account, NL_KIND_ACCOUNT), VIA_FRONTMATTER);
  for (size_t i = 0; i < n->n_participants; i++)
    names(g, e, fm_target(g, e, &n->participants[i], NL_KIND_PERSON), VIA_FRONTMATTER);
  for (size_t i = 0; i < n->n_tags; i++) {
    const char *t = n->tags[i].name;
    names(g, e, nl_ws_resolve_account_tag(g->ws, e, t, strlen(t)), VIA_FRONTMATTER);
  }
  for (size_t i = 0; i < n->n_links; i++) {
    const nl_link *l = &n->links[i];
    if (l->target[0] == '\0') continue; /* [[#heading]] of the note itself */
    names(g, e,
          nl_ws_resolve(g->ws, e, l->target, strlen(l->target), NULL),
          VIA_BODY);
  }
  for (size_t i = 0; i < n->n_mentions; i++)
    names(g, e, nl_ws_resolve_mention(g->ws, e, &n->mentions[i], NULL), VIA_BODY);
}

static int by_edge(const void *pa, const void *pb) {
  const edge *a = pa, *b = pb;
  if (a->kind != b->kind) return a->kind < b->kind ? -1 : 1;
  if (a->to != b->to) return a->to < b->to ? -1 : 1; /* attends: grouped by meeting */
  if (a->from != b->from) return a->from < b->from ? -1 : 1;
  return 0;
}

/* Sorts the edges and merges equal ones, summing their weights. */
static void merge_edges(graph *g) {
  if (g->edges.n > 1) qsort(g->edges.items, g->edges.n, sizeof(edge), by_edge);
  size_t o = 0;
  for (size_t i = 0; i < g->edges.n; i++) {
    if (o > 0 && by_edge(&edge_list(g)[o - 1], &edge_list(g)[i]) == 0)
      edge_list(g)[o - 1].weight += edge_list(g)[i].weight;
    else
      edge_list(g)[o++] = edge_list(g)[i];
  }
  g->edges.n = o;
}

/* People who attend one meeting meet each other. Call with the edges merged: the attends
 * edges are then grouped by meeting. Node indexes follow the names' order, so `from` is the
 * first of the two by name. */
static void derive_meets(graph *g) {
  size_t n = g->edges.n;
  for (size_t i = 0; i < n; i++) {
    if (edge_list(g)[i].kind != EDGE_ATTENDS) continue;
    for (size_t j = i + 1; j < n && edge_list(g)[j].kind == EDGE_ATTENDS &&
                           edge_list(g)[j].to == edge_list(g)[i].to;
         j++)
      push_edge(g, edge_list(g)[i].from, edge_list(g)[j].from, EDGE_MEETS);
  }
  for (size_t i = 0; i < g->edges.n; i++) /* attends, member... count once; meets counts */
    if (edge_list(g)[i].kind != EDGE_MEETS) edge_list(g)[i].weight = 1;
  merge_edges(g);
}

/* ---- nodes ------------------------------------------------------------------------------- */

/* Nodes print accounts, then people, projects and meetings, each by name. */
static int kind_rank(nl_kind k) {
  switch (k) {
  case NL_KIND_ACCOUNT: return 0;
  case NL_KIND_PERSON: return 1;
  case NL_KIND_PROJECT: return 2;
  default: return 3;
  }
}

static int by_node(const void *pa, const void *pb) {
  const node *a = pa, *b = pb;
  int ra = kind_rank(a->e->kind), rb = kind_rank(b->e->kind);
  if (ra != rb) return ra < rb ? -1 : 1;
  int c = strcmp(a->name, b->name);
  return c != 0 ? c : strcmp(a->e->rel, b->e->rel);
}

/* kind + '_' + the name's ASCII letters and digits, lowercased, other runs as one '_'; a
 * name with none gets its position instead. New string, NULL when out of memory. */
static char *make_id(const node *nd, size_t index) {
  const char *kind = nl_kind_name(nd->e->kind);
  size_t n = strlen(nd->name), k = strlen(kind);
  char *id = malloc(k + n + 24);
  if (id == NULL) return NULL;
  memcpy(id, kind, k);
  size_t o = k;
  int gap = 1;
  for (const char *p = nd->name; *p; p++) {
    char c = *p;
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')) {
      if (gap) id[o++] = '_';
      id[o++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      gap = 0;
    } else {
      gap = 1;
    }
  }
  if (o == k) o += (size_t)sprintf(id + o, "_%zu", index + 1);
  id[o] = '\0';
  return id;
}

static const graph *sort_graph; /* for by_id: qsort has no user pointer */

static int by_id(const void *pa, const void *pb) {
  uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
  int c = strcmp(sort_graph->nodes[a].id, sort_graph->nodes[b].id);
  return c != 0 ? c : (a < b ? -1 : a > b);
}

/* Makes ids unique: the second of a repeated id gets _2, the third _3 (in node order, so the
 * ids are stable); repeated until a suffix collides with no other id. */
static int unique_ids(graph *g) {
  size_t cap = g->n_nodes ? g->n_nodes : 1;
  uint32_t *order = malloc(cap * sizeof *order), *rank = malloc(cap * sizeof *rank);
  int rc = order != NULL && rank != NULL ? 0 : -1, changed = 1;
  while (rc == 0 && changed) {
    changed = 0;
    for (size_t i = 0; i < g->n_nodes; i++) order[i] = (uint32_t)i;
    sort_graph = g;
    qsort(order, g->n_nodes, sizeof *order, by_id);
    for (size_t i = 0; i < g->n_nodes; i++) /* 1 for the first of its id, 2 for the next... */
      rank[order[i]] = i > 0 && strcmp(g->nodes[order[i]].id, g->nodes[order[i - 1]].id) == 0
                           ? rank[order[i - 1]] + 1
                           : 1;
    for (size_t i = 0; rc == 0 && i < g->n_nodes; i++) {
      if (rank[i] == 1) continue;
      node *nd = &g->nodes[i];
      size_t n = strlen(nd->id) + 24;
      char *id = malloc(n);
      if (id == NULL) {
        rc = -1;
        break;
      }
      snprintf(id, n, "%s_%u", nd->id, rank[i]);
      free(nd->id);
      nd->id = id;
      changed = 1;
    }
  }
  free(rank);
  free(order);
  return rc;
}

/* Notes of one kind with one name (Projects/Apollo.md, Archive/Apollo.md) are told apart by
 * their paths without ".md". Call with the nodes sorted. */
static int path_names(graph *g) {
  for (size_t i = 0; i < g->n_nodes;) {
    size_t j = i + 1;
    while (j < g->n_nodes && g->nodes[j].e->kind == g->nodes[i].e->kind &&
           strcmp(g->nodes[j].name, g->nodes[i].name) == 0)
      j++;
    for (size_t k = i; j - i > 1 && k < j; k++) {
      const char *rel = g->nodes[k].e->rel;
      size_t n = strlen(rel);
      if (n > 3 && strcmp(rel + n - 3, ".md") == 0) n -= 3;
      char *name = nl_unicode_nfc(rel, n, NULL);
      if (name == NULL) return -1;
      free(g->nodes[k].name);
      g->nodes[k].name = name;
    }
    i = j;
  }
  return 0;
}

static int collect_nodes(graph *g) {
  uint32_t limit = nl_ws_id_limit(g->ws);
  g->nodes = calloc(limit ? limit : 1, sizeof *g->nodes);
  g->node_of = calloc(limit ? limit : 1, sizeof *g->node_of);
  if (g->nodes == NULL || g->node_of == NULL) return -1;
  for (uint32_t id = 0; id < limit; id++) {
    const nl_entry *e = nl_ws_get(g->ws, id);
    if (e == NULL || e->note == NULL || e->rel == NULL || !is_node_kind(e->kind)) continue;
    node *nd = &g->nodes[g->n_nodes++];
    nd->e = e;
    if ((nd->name = nl_unicode_nfc(e->name, strlen(e->name), NULL)) == NULL) return -1;
  }
  qsort(g->nodes, g->n_nodes, sizeof *g->nodes, by_node);
  if (path_names(g) < 0) return -1;
  qsort(g->nodes, g->n_nodes, sizeof *g->nodes, by_node);
  for (size_t i = 0; i < g->n_nodes; i++) {
    g->node_of[g->nodes[i].e->id] = (uint32_t)i + 1;
    if ((g->nodes[i].id = make_id(&g->nodes[i], i)) == NULL) return -1;
  }
  return unique_ids(g);
}

static void graph_free(graph *g) {
  for (size_t i = 0; g->nodes != NULL && i < g->n_nodes; i++) {
    free(g->nodes[i].name);
    free(g->nodes[i].id);
  }
  free(g->nodes);
  free(g->node_of);
  nl_vec_free(&g->edges);
}

static int build(graph *g, const nl_workspace *ws) {
  memset(g, 0, sizeof *g);
  g->ws = ws;
  if (collect_nodes(g) < 0) return -1;
  for (size_t i = 0; i < g->n_nodes; i++) note_edges(g, g->nodes[i].e);
  merge_edges(g);
  derive_meets(g);
  for (size_t i = 0; i < g->n_nodes; i++) g->nodes[i].keep = 1;
  return g->oom ? -1 : 0;
}

/* ---- --around ---------------------------------------------------------------------------- */

/* The node NAME resolves to: the best match of a link to it that is a node. -1 when none. */
static ptrdiff_t find_node(const graph *g, const char *name) {
  nl_entry *found[64];
  size_t n = nl_ws_resolve_all(g->ws, NULL, name, strlen(name), found, 64);
  for (size_t i = 0; i < n && i < 64; i++)
    if (g->node_of[found[i]->id] != 0) return (ptrdiff_t)g->node_of[found[i]->id] - 1;
  return -1;
}

/* Keeps the nodes within `depth` steps of `start`, following edges both ways. */
static int keep_around(graph *g, size_t start, int depth) {
  int *dist = malloc((g->n_nodes ? g->n_nodes : 1) * sizeof *dist);
  if (dist == NULL) return -1;
  for (size_t i = 0; i < g->n_nodes; i++) dist[i] = -1;
  dist[start] = 0;
  /* One sweep over the edges per step: the vault's edges are few next to its notes. */
  for (int step = 0; step < depth; step++) {
    int grew = 0;
    for (size_t i = 0; i < g->edges.n; i++) {
      const edge *x = &edge_list(g)[i];
      if (dist[x->from] == step && dist[x->to] < 0) dist[x->to] = step + 1, grew = 1;
      if (dist[x->to] == step && dist[x->from] < 0) dist[x->from] = step + 1, grew = 1;
    }
    if (!grew) break;
  }
  for (size_t i = 0; i < g->n_nodes; i++) g->nodes[i].keep = dist[i] >= 0;
  free(dist);
  return 0;
}

static int edge_kept(const graph *g, const edge *x) {
  return g->nodes[x->from].keep && g->nodes[x->to].keep;
}

/* Edges print by kind, then by their nodes' order. */
static int by_printed_edge(const void *pa, const void *pb) {
  const edge *a = pa, *b = pb;
  if (a->kind != b->kind) return a->kind < b->kind ? -1 : 1;
  if (a->from != b->from) return a->from < b->from ? -1 : 1;
  if (a->to != b->to) return a->to < b->to ? -1 : 1;
  return 0;
}

/* ---- writers ----------------------------------------------------------------------------- */

/* A label inside Mermaid's double quotes: '"' and the characters Mermaid reads as markup or
 * entity starts become its #code; entities. */
static void mermaid_text(FILE *out, const char *s) {
  for (; *s; s++) {
    switch (*s) {
    case '"': fputs("#quot;", out); break;
    case '#': fputs("#35;", out); break;
    case '<': fputs("#lt;", out); break;
    case '>': fputs("#gt;", out); break;
    case '&': fputs("#amp;", out); break;
    case '`': fputs("#96;", out); break;
    default: fputc(*s, out);
    }
  }
}

static void write_mermaid(FILE *out, const graph *g) {
  static const char *const open[] = {[NL_KIND_PERSON] = "([\"", [NL_KIND_ACCOUNT] = "[[\"",
                                     [NL_KIND_PROJECT] = "[/\"", [NL_KIND_MEETING] = "{{\""};
  static const char *const close[] = {[NL_KIND_PERSON] = "\"])", [NL_KIND_ACCOUNT] = "\"]]",
                                      [NL_KIND_PROJECT] = "\"/]", [NL_KIND_MEETING] = "\"}}"};
  static const char *const arrow[] = {[EDGE_MEMBER] = "-->|member of|",
                                      [EDGE_ATTENDS] = "-->|attends|",
                                      [EDGE_ABOUT] = "-.->|about|",
                                      [EDGE_WORKS_ON] = "-->|works on|",
                                      [EDGE_MEETS] = "==="};
  fputs("```mermaid\nflowchart LR\n", out);
  for (size_t i = 0; i < g->n_nodes; i++) {
    const node *nd = &g->nodes[i];
    if (!nd->keep) continue;
    fprintf(out, "  %s%s", nd->id, open[nd->e->kind]);
    mermaid_text(out, nd->name);
    fprintf(out, "%s\n", close[nd->e->kind]);
  }
  for (size_t i = 0; i < g->edges.n; i++) {
    const edge *x = &edge_list(g)[i];
    if (!edge_kept(g, x)) continue;
    fprintf(out, "  %s %s", g->nodes[x->from].id, arrow[x->kind]);
    if (x->kind == EDGE_MEETS)
      fprintf(out, "|met %u time%s|", x->weight, x->weight == 1 ? "" : "s");
    fprintf(out, " %s\n", g->nodes[x->to].id);
  }
  static const char *const styles[] = {
      [NL_KIND_PERSON] = "fill:#dbeafe,stroke:#1d4ed8,color:#111",
      [NL_KIND_ACCOUNT] = "fill:#ffedd5,stroke:#c2410c,color:#111",
      [NL_KIND_PROJECT] = "fill:#dcfce7,stroke:#15803d,color:#111",
      [NL_KIND_MEETING] = "fill:#f3e8ff,stroke:#7e22ce,color:#111"};
  static const nl_kind kinds[] = {NL_KIND_ACCOUNT, NL_KIND_PERSON, NL_KIND_PROJECT,
                                  NL_KIND_MEETING};
  for (size_t k = 0; k < 4; k++) {
    int first = 1;
    for (size_t i = 0; i < g->n_nodes; i++) {
      const node *nd = &g->nodes[i];
      if (!nd->keep || nd->e->kind != kinds[k]) continue;
      fprintf(out, first ? "  class %s" : ",%s", nd->id);
      first = 0;
    }
    if (!first) fprintf(out, " %s\n", nl_kind_name(kinds[k]));
  }
  for (size_t k = 0; k < 4; k++)
    fprintf(out, "  classDef %s %s\n", nl_kind_name(kinds[k]), styles[kinds[k]]);
  fputs("```\n", out);
}

/* A DOT double-quoted string: '"' and '\' escaped. */
static void dot_text(FILE *out, const char *s) {
  fputc('"', out);
  for (; *s; s++) {
    if (*s == '"' || *s == '\\') fputc('\\', out);
    fputc(*s, out);
  }
  fputc('"', out);
}

static void write_dot(FILE *out, const graph *g) {
  static const char *const shape[] = {
      [NL_KIND_PERSON] = "shape=ellipse, style=filled, fillcolor=\"#dbeafe\"",
      [NL_KIND_ACCOUNT] = "shape=box, style=\"filled,bold\", fillcolor=\"#ffedd5\"",
      [NL_KIND_PROJECT] = "shape=parallelogram, style=filled, fillcolor=\"#dcfce7\"",
      [NL_KIND_MEETING] = "shape=hexagon, style=filled, fillcolor=\"#f3e8ff\""};
  static const char *const style[] = {
      [EDGE_MEMBER] = "label=\"member of\"", [EDGE_ATTENDS] = "label=\"attends\"",
      [EDGE_ABOUT] = "label=\"about\", style=dashed", [EDGE_WORKS_ON] = "label=\"works on\"",
      [EDGE_MEETS] = "dir=none, penwidth=2"};
  fputs("digraph notes {\n  graph [rankdir=LR, fontname=\"sans-serif\"];\n"
        "  node [fontname=\"sans-serif\"];\n  edge [fontname=\"sans-serif\", fontsize=10];\n",
        out);
  for (size_t i = 0; i < g->n_nodes; i++) {
    const node *nd = &g->nodes[i];
    if (!nd->keep) continue;
    fprintf(out, "  %s [label=", nd->id);
    dot_text(out, nd->name);
    fprintf(out, ", %s];\n", shape[nd->e->kind]);
  }
  for (size_t i = 0; i < g->edges.n; i++) {
    const edge *x = &edge_list(g)[i];
    if (!edge_kept(g, x)) continue;
    fprintf(out, "  %s -> %s [%s", g->nodes[x->from].id, g->nodes[x->to].id, style[x->kind]);
    if (x->kind == EDGE_MEETS)
      fprintf(out, ", label=\"met %u time%s\"", x->weight, x->weight == 1 ? "" : "s");
    fputs("];\n", out);
  }
  fputs("}\n", out);
}

static int write_json(FILE *out, const graph *g) {
  json_t *nodes = json_array(), *edges = json_array();
  json_t *doc = json_pack("{s:o, s:o}", "nodes", nodes, "edges", edges);
  if (doc == NULL) return -1;
  for (size_t i = 0; i < g->n_nodes; i++) {
    const node *nd = &g->nodes[i];
    if (!nd->keep) continue;
    json_t *j = json_pack("{s:s, s:s, s:s?, s:s?}", "id", nd->id, "kind",
                          nl_kind_name(nd->e->kind), "name", nd->name, "path", nd->e->rel);
    if (j == NULL || json_array_append_new(nodes, j) < 0) goto oom;
  }
  for (size_t i = 0; i < g->edges.n; i++) {
    const edge *x = &edge_list(g)[i];
    if (!edge_kept(g, x)) continue;
    json_t *j = json_pack("{s:s, s:s, s:s, s:I}", "from", g->nodes[x->from].id, "to",
                          g->nodes[x->to].id, "kind", edge_names[x->kind], "weight",
                          (json_int_t)x->weight);
    if (j == NULL || json_array_append_new(edges, j) < 0) goto oom;
  }
  json_dumpf(doc, out, JSON_INDENT(2));
  fputc('\n', out);
  json_decref(doc);
  return 0;
oom:
  json_decref(doc);
  return -1;
}

/* ---- the job ----------------------------------------------------------------------------- */

static int run_job(const options *o, const nl_workspace *ws, FILE *out, FILE *err) {
  graph g;
  int status = 2;
  if (build(&g, ws) < 0) goto oom;
  if (g.edges.n > 1) qsort(g.edges.items, g.edges.n, sizeof(edge), by_printed_edge);
  if (o->around != NULL) {
    ptrdiff_t start = find_node(&g, o->around);
    if (start < 0) {
      fprintf(err, "notes-lsp graph: --around: no person, account, project or meeting named "
                   "'%s'\n%s", o->around, usage);
      goto done;
    }
    if (keep_around(&g, (size_t)start, o->depth) < 0) goto oom;
  }
  if (o->format == FORMAT_MERMAID)
    write_mermaid(out, &g);
  else if (o->format == FORMAT_DOT)
    write_dot(out, &g);
  else if (write_json(out, &g) < 0)
    goto oom;
  fflush(out);
  status = 0;
  goto done;
oom:
  fprintf(err, "notes-lsp graph: out of memory\n");
done:
  graph_free(&g);
  return status;
}

int nl_graph_run(int argc, char **argv, FILE *out, FILE *err) {
  options o;
  int rc = parse_args(argc, argv, &o, out, err);
  if (rc >= 0) return rc;
  nl_cli_vault v;
  rc = nl_cli_vault_open(&v, "graph", o.dir, err);
  if (rc == 0) rc = run_job(&o, v.ws, out, err);
  nl_cli_vault_close(&v);
  return rc;
}

int nl_graph_main(int argc, char **argv) { return nl_graph_run(argc, argv, stdout, stderr); }
