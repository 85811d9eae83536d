// Finds the notes-lsp executable named by `notesLsp.serverPath`, the way a shell would, so a
// missing or non-executable binary is reported with a clear message instead of a bare ENOENT.
// No `vscode` import here, so the node tests can exercise it.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export type ServerPathResult =
  | { ok: true; path: string }
  | { ok: false; path: string; reason: string };

function isExecutableFile(p: string): boolean {
  try {
    const st = fs.statSync(p);
    if (!st.isFile()) return false;
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Resolves `setting` (a bare name looked up on PATH, `~/...`, an absolute path, or a path
 * relative to `workspaceRoot`) to an executable file.
 */
export function resolveServerPath(
  setting: string | undefined,
  workspaceRoot: string | undefined,
  envPath: string | undefined = process.env.PATH,
): ServerPathResult {
  const wanted = (setting ?? '').trim() || 'notes-lsp';
  let candidate = wanted;
  if (candidate === '~' || candidate.startsWith('~/')) {
    candidate = path.join(os.homedir(), candidate.slice(1));
  }
  if (candidate.includes('/') || candidate.includes(path.sep)) {
    const abs = path.isAbsolute(candidate)
      ? candidate
      : path.resolve(workspaceRoot ?? process.cwd(), candidate);
    if (!fs.existsSync(abs)) return { ok: false, path: abs, reason: 'does not exist' };
    if (!isExecutableFile(abs)) return { ok: false, path: abs, reason: 'is not an executable file' };
    return { ok: true, path: abs };
  }
  for (const dir of (envPath ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, candidate);
    if (isExecutableFile(p)) return { ok: true, path: p };
  }
  return { ok: false, path: candidate, reason: 'was not found on PATH' };
}
