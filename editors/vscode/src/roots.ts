// The vault root of a note, as every notes-lsp integration finds it: the nearest folder with
// `.obsidian` or `.notes-lsp.yaml`, else the nearest with `.git`, else the workspace folder
// holding the note (VS Code's working folder), else the note's own folder.
// No `vscode` import here, so the node tests can check it without VS Code.
import * as fs from 'fs';
import * as path from 'path';

/** Priority groups: the first group with a match in any ancestor wins. */
export const ROOT_MARKERS: readonly (readonly string[])[] = [['.obsidian', '.notes-lsp.yaml'], ['.git']];

export type Exists = (p: string) => boolean;

function isInside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** The nearest ancestor of `start` (itself included) holding one of `names`, or undefined. */
function dominating(start: string, names: readonly string[], exists: Exists): string | undefined {
  let dir = start;
  for (;;) {
    if (names.some((n) => exists(path.join(dir, n)))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The vault root for the note at absolute path `file`, given the workspace folders' paths.
 * Without any marker, the innermost workspace folder holding the note, else its folder.
 */
export function findRoot(
  file: string,
  workspaceFolders: readonly string[],
  markers: readonly (readonly string[])[] = ROOT_MARKERS,
  exists: Exists = fs.existsSync,
): string {
  const start = path.dirname(path.resolve(file));
  for (const group of markers) {
    const found = dominating(start, group, exists);
    if (found !== undefined) return found;
  }
  const holding = workspaceFolders
    .map((f) => path.resolve(f))
    .filter((f) => isInside(file, f))
    .sort((a, b) => b.length - a.length);
  return holding[0] ?? start;
}
