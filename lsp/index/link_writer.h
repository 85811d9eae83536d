/* link_writer.h: the one writer of the links the server writes (completion items, rename and
 * move edits, the alias-link fix), in the vault's format from `.obsidian/app.json`:
 *
 *   useMarkdownLinks  false: [[path#frag|shown]]; true: [shown](path.md#frag), the path
 *                     percent-encoded (blanks as %20) and ".md" kept, as Obsidian writes them
 *   newLinkFormat     shortest: the file name when that alone reaches the note from the linking
 *                     note and no other note has it, else the vault path; relative: the path
 *                     from the linking note's folder ("../People/Ana Ruiz"); absolute: the vault
 *                     path ("People/Ana Ruiz")
 *
 * This is Obsidian's fileToLinktext with one safety added: a relative path that does not start
 * with "../" and would lead to another note (a note of that path at the vault's root wins, in
 * Obsidian as here) is written "./path"; Obsidian itself never writes "./" (the Better Markdown
 * Links plugin adds it for that reason), so every other relative path is Obsidian's. Whether a
 * form reaches the note is asked of the caller (the index, or the layout after a move). Lives
 * beside the resolver, which it asks; no I/O.
 *
 * Markdown destinations keep non-ASCII readable (obsidian-dev-utils' stand-in for Obsidian's
 * generateMarkdownLink encodes only blanks, '\' and control characters; we also encode the few
 * ASCII characters that could end or split a destination), and a link without display text
 * shows the file name, as generateMarkdownLink's alias defaults to the file's basename. */
#ifndef NL_LINK_WRITER_H
#define NL_LINK_WRITER_H

#include <stddef.h>

#include "lsp/index/workspace.h"

/* Whether link target `target` (len bytes, as a link holds it once decoded: no fragment),
 * written in the linking note, resolves to the linked note and to no other. */
typedef int (*nl_link_reaches_fn)(void *ud, const char *target, size_t len);

typedef struct {
  const char *from_rel;       /* the linking note's vault path ("" for none); borrowed */
  const char *to_rel;         /* the linked file's vault path, extension included; borrowed;
                                 NULL: the linking note itself (no path: "[Heading](#Heading)",
                                 "[[#Heading]]"; the shown text must be given) */
  int format;                 /* NL_LINK_FORMAT_* (config.h) */
  int markdown;               /* a markdown link: ".md" kept, percent-encoded */
  int angle;                  /* a markdown destination in <...>: written as is, not encoded */
  int md_ext;                 /* 0: ".md" as the kind writes it (a markdown link keeps it, a
                                 wikilink drops it); 1: kept; -1: dropped (a link written
                                 with or without it keeps its way) */
  nl_link_reaches_fn reaches; /* NULL: every form reaches (the caller knows the name is unique) */
  void *ud;
} nl_link_dest;

/* The index as the judge of nl_link_dest.reaches: `to` reached from `from` (NULL for a
 * document outside the index). */
typedef struct {
  const nl_workspace *ws;     /* borrowed */
  const nl_entry *from, *to;  /* borrowed */
} nl_link_index;

/* A dest for a link in `from_rel` to indexed note ix->to, in the vault's format (markdown as
 * the vault's useMarkdownLinks says), judged by the index through ix (borrowed until the last
 * use of the dest). */
nl_link_dest nl_link_dest_index(nl_link_index *ix, const char *from_rel);

/* The link's path as written: NFC, ".md" as md_ext says,
 * percent-encoded for a markdown link (unless angle). New (free()), NULL when out of memory. */
char *nl_link_path(const nl_link_dest *d);

/* A whole link: "[[path#fragment|shown]]" or "[shown](path#fragment)", with '!' before it for
 * an embed. fragment: "Heading", "A#B" or "^block-id", NULL for none; shown: the display text,
 * NULL for none (a markdown link then shows the file name). New (free()), NULL when out of
 * memory. */
char *nl_link_write(const nl_link_dest *d, const char *fragment, const char *shown, int embed);

/* s[0, len) percent-encoded for a markdown destination: blanks, controls and %()<>#?[]"\` as
 * %XX; '/' and other UTF-8 kept readable. New (free()), NULL when out of memory. */
char *nl_link_encode(const char *s, size_t len);

#endif
