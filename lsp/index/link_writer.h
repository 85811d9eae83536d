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
 * Obsidian's fileToLinktext and generateMarkdownLink are the reference (what they write is
 * known from two reimplementations, obsidian-dev-utils' src/obsidian/Link.ts generateLinkText /
 * encodeUrl and Better Markdown Links' GenerateMarkdownLink.ts, and from Obsidian 1.13.7's own
 * output recorded in pvliesdonk/markdown-vault-mcp docs/design/reference/obsidian-markdown.md,
 * issue #1358). We depart only where Obsidian's link would not reach the note:
 *
 *   relative   Obsidian writes the plain relative path, never "./" ("Note" for a note in the
 *              same folder, "sub/Note" below it; a leading dot is only Better Markdown Links'
 *              option), and then resolves a path that also names a note from the vault's root
 *              to that note (val3344/obsidian-update-relative-links#6). We write "./" exactly
 *              then: when the plain path reaches another note, or, for a path with a folder,
 *              when it reaches this note only as one of several (Obsidian's choice among
 *              those is not stable). A note in the same folder that shares its name with notes
 *              elsewhere is still "Note": the linking note's own folder wins, in Obsidian as
 *              here.
 *   encoding   Obsidian encodes blanks, '\' and control characters only, and keeps
 *              non-ASCII, '(' ')' '[' ']' '!' '^' '&' as they are. We do too, and also encode
 *              '#' (Obsidian writes "Sub/C%20#1.md", which its own reader cuts at the '#'),
 *              '%' (so "100%AB" is not read as an escape), parentheses when they are not
 *              balanced (CommonMark ends the destination at the unmatched one), '<' '>' '?'
 *              '"' (which Obsidian's file names cannot hold) and '`': they could start an
 *              autolink, a query or a code span that takes the link apart.
 *   text       a markdown link without display text shows what Obsidian shows for the
 *              wikilink: the file name ("Ana Ruiz"), "Note > Heading" for a heading of
 *              another note (subheadings "Note > A > B"), "Note > ^id" for a block, the heading
 *              alone within the note. generateMarkdownLink by itself shows the file name even
 *              with a heading ("[SomeFile](SomeFile#head1)": mgmeyers/obsidian-copy-block-link
 *              #20), but Obsidian's [[ suggester passes the link's display text: it writes
 *              "[Heading](#Heading)" within the note (javalent/obsidian-leaflet#280); that it
 *              writes "Note > Heading" for another note's heading is inferred from that, not
 *              observed. '[', ']' and '\' in the text are escaped, as obsidian-dev-utils
 *              escapes the default text.
 *
 * Whether a form reaches the note is asked of the caller (the index, or the layout after a
 * move). Lives beside the resolver, which it asks; no I/O. */
#ifndef NL_LINK_WRITER_H
#define NL_LINK_WRITER_H

#include <stddef.h>

#include "lsp/index/workspace.h"

/* Where link target `target` (len bytes, as a link holds it once decoded: no fragment),
 * written in the linking note, leads: NL_LINK_ELSEWHERE (another note, or none),
 * NL_LINK_FIRST (the linked note, though other notes match it too) or NL_LINK_ONLY (the
 * linked note and no other). */
enum { NL_LINK_ELSEWHERE = 0, NL_LINK_FIRST = 1, NL_LINK_ONLY = 2 };
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
 * NULL for none (a markdown link then shows what Obsidian shows for the wikilink: "Note",
 * "Note > Heading", "Note > ^id", "Heading" within the note). New (free()), NULL when out of
 * memory. */
char *nl_link_write(const nl_link_dest *d, const char *fragment, const char *shown, int embed);

/* s[0, len) percent-encoded for a markdown destination: blanks, controls and %#<>?"\` as %XX,
 * '(' and ')' too when they are not balanced; '/', '[', ']', '^' and other UTF-8 kept
 * readable. New (free()), NULL when out of memory. */
char *nl_link_encode(const char *s, size_t len);

#endif
