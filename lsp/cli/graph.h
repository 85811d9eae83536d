/* graph.h: `notes-lsp graph`, who meets whom: people, the accounts they belong to, and the
 * meetings and projects that connect them, drawn from the index that `check` builds.
 *
 *   notes-lsp graph [--around NAME] [--depth N] [--format mermaid|dot|json] [DIR]
 *
 * Nodes are the notes of kind person, account, project and meeting. Edges, each kept once:
 *   member    person -> account   the person's frontmatter `account:` or an `account/<slug>` tag
 *   attends   person -> meeting   the meeting's `participants:`, @mentions and links to the person
 *   about     meeting -> account|project, project -> account
 *                                 `account:`, account tags and links, from either note
 *   works-on  person -> project   links and mentions between the two notes, either way
 *   meets     person -- person    both attend a meeting; weight: how many meetings
 * Frontmatter values may be written as links ("[[Ana Ruiz]]").
 *
 * --around NAME keeps the nodes within --depth steps (default 1) of the node NAME resolves to
 * (file name, path, title or alias) and the edges between them. Output is sorted (nodes by
 * kind then name, edges by kind then names) so it is stable: mermaid (default) is a fenced
 * ```mermaid flowchart to paste into a note, dot a Graphviz digraph, json
 * {"nodes": [{"id", "kind", "name", "path"}], "edges": [{"from", "to", "kind", "weight"}]}.
 * Exit 0, or 2 on a usage error, an unknown --around name or an unreadable DIR (message on
 * stderr). */
#ifndef NL_CLI_GRAPH_H
#define NL_CLI_GRAPH_H

#include <stdio.h>

/* Runs the job with argv[0] == "graph"; prints to stdout and stderr; returns the exit status. */
int nl_graph_main(int argc, char **argv);
/* The same with the output streams given (borrowed), for tests. */
int nl_graph_run(int argc, char **argv, FILE *out, FILE *err);

#endif
