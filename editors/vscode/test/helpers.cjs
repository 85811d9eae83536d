'use strict';
// Shared by the extension's node tests: paths, loading TypeScript sources and the bundle with
// the `vscode` stand-in, and reading a .vsix (a zip) without extra packages.
const fs = require('fs');
const os = require('os');
const path = require('path');
const zlib = require('zlib');
const Module = require('module');

const EXT_DIR = path.resolve(__dirname, '..');
const REPO_ROOT = path.resolve(EXT_DIR, '../..');

function assertInstalled() {
  if (!fs.existsSync(path.join(EXT_DIR, 'node_modules', 'vscode-languageclient'))) {
    throw new Error(`editors/vscode/node_modules is missing: run "npm ci" in ${EXT_DIR} (or tests/install-test-deps.sh)`);
  }
}

/** Requires `file` with `vscode` resolved to the stand-in. */
function requireWithVscodeStub(file) {
  const stubPath = path.join(__dirname, 'vscode-stub.cjs');
  const original = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    if (request === 'vscode') return stubPath;
    return original.call(this, request, ...rest);
  };
  try {
    delete require.cache[require.resolve(file)];
    return require(file);
  } finally {
    Module._resolveFilename = original;
  }
}

/** Bundles one TypeScript source with esbuild and requires it; with `{ vscode: true }` its
 * `vscode` import is the stand-in (test/vscode-stub.cjs). */
function loadTs(rel, { vscode = false } = {}) {
  assertInstalled();
  const esbuild = require(path.join(EXT_DIR, 'node_modules', 'esbuild'));
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'notes-lsp-vscode-')), path.basename(rel, '.ts') + '.cjs');
  esbuild.buildSync({
    entryPoints: [path.join(EXT_DIR, rel)], bundle: true, platform: 'node', format: 'cjs', outfile: out,
    external: vscode ? ['vscode'] : [], logLevel: 'error',
  });
  try {
    return vscode ? requireWithVscodeStub(out) : require(out);
  } finally {
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
  }
}

/** Entries of a zip file: name -> () => Buffer (stored or deflated). */
function readZip(file) {
  const buf = fs.readFileSync(file);
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error(`${file}: not a zip file`);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries = new Map();
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('bad zip central directory');
    const method = buf.readUInt16LE(p + 10);
    const csize = buf.readUInt32LE(p + 20);
    const nlen = buf.readUInt16LE(p + 28);
    const xlen = buf.readUInt16LE(p + 30);
    const clen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nlen);
    entries.set(name, () => {
      const lnlen = buf.readUInt16LE(local + 26);
      const lxlen = buf.readUInt16LE(local + 28);
      const data = buf.subarray(local + 30 + lnlen + lxlen, local + 30 + lnlen + lxlen + csize);
      return method === 8 ? zlib.inflateRawSync(data) : Buffer.from(data);
    });
    p += 46 + nlen + xlen + clen;
  }
  return entries;
}

module.exports = { EXT_DIR, REPO_ROOT, assertInstalled, requireWithVscodeStub, loadTs, readZip };
