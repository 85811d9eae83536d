// `npm test`: runs test/*.test.mjs (never the helper modules beside them) with `node --test`,
// after making sure what they need is there:
//  - this folder's packages (npm ci here): missing -> stop, saying so;
//  - tests/e2e's pinned packages, used by the client tests' shared session library: missing ->
//    installed with `npm ci` in tests/e2e (same registry, committed lock file);
//  - the notes-lsp binary ($NOTES_LSP, else build/notes-lsp): missing -> the tests that drive it
//    are skipped with the command that builds it.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const extDir = path.resolve(here, '..');
const repo = path.resolve(extDir, '../..');
const e2eDir = path.join(repo, 'tests/e2e');
// Tests that start the real server through tests/e2e/lib.
const SERVER_TESTS = new Set(['client.test.mjs', 'client-features.test.mjs']);

if (!fs.existsSync(path.join(extDir, 'node_modules', 'vscode-languageclient'))) {
  console.error(`editors/vscode/node_modules is missing: run "npm ci" in ${extDir} first`);
  process.exit(1);
}

let files = fs.readdirSync(here).filter((f) => f.endsWith('.test.mjs')).sort();

function executable(p) {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function skipServerTests(why) {
  console.log(`# skipping ${[...SERVER_TESTS].join(', ')}: ${why}`);
  files = files.filter((f) => !SERVER_TESTS.has(f));
}

const server = process.env.NOTES_LSP || path.join(repo, 'build', 'notes-lsp');
if (!executable(server)) {
  skipServerTests(
    `no notes-lsp binary at ${server}; build it with ` +
      `"cmake -S ${repo} -B ${repo}/build && cmake --build ${repo}/build -j2" or set NOTES_LSP`,
  );
} else if (!fs.existsSync(path.join(e2eDir, 'node_modules', 'vscode-jsonrpc'))) {
  console.log(`# installing tests/e2e's pinned packages: npm ci in ${e2eDir}`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: e2eDir,
    stdio: 'inherit',
  });
  if (r.status !== 0) skipServerTests(`"npm ci" in ${e2eDir} failed; run it by hand`);
}

const r = spawnSync(process.execPath, ['--test', ...files.map((f) => path.join(here, f))], {
  cwd: extDir,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
