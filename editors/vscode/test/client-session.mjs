// Shared by client.test.mjs and client-features.test.mjs: a notes-lsp session set up as VS Code
// sets it up, through the protocol layer vscode-languageclient 9 uses (this package's own
// vscode-languageserver-protocol), with the exact ClientCapabilities it sends (test/fixtures),
// VS Code's URI encoding and the configuration the extension builds.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { EXT_DIR, REPO_ROOT, assertInstalled, loadTs } = require('./helpers.cjs');

assertInstalled();
const e2eLib = path.join(REPO_ROOT, 'tests/e2e/lib/lsp-session.mjs');
if (!fs.existsSync(path.join(REPO_ROOT, 'tests/e2e/node_modules/vscode-uri'))) {
  throw new Error('tests/e2e/node_modules is missing: run "npm ci" in tests/e2e (or tests/install-test-deps.sh)');
}
const e2e = await import(e2eLib);
const { LspSession, copyVault, removeVault, TEST_SETTINGS } = e2e;
export { e2e };
// The protocol module vscode-languageclient itself depends on, not the e2e copy.
const protocol = require(require.resolve('vscode-languageserver-protocol/node', {
  paths: [path.dirname(require.resolve('vscode-languageclient/package.json'))],
}));
const { URI } = require('vscode-uri');
export const CAPS = JSON.parse(fs.readFileSync(path.join(EXT_DIR, 'test/fixtures/vscode-client-capabilities.json'), 'utf8'));
const config = loadTs('src/config.ts');
export const pkg = JSON.parse(fs.readFileSync(path.join(EXT_DIR, 'package.json'), 'utf8'));

export const KICKOFF = 'Meetings/2025-11-06 - Storage pilot kickoff with Contoso.md';
export const TIMEOUT = 60000;

// What the extension sends for a user who set these in settings.json (plus the tests' "today").
const USER_SETTINGS = {
  'folders.person': { globalValue: ['People'] },
  owner: { globalValue: ['Myself', 'me'] },
  logLevel: { globalValue: 'warn' },
};
export const EXTENSION_CONFIG = { ...config.buildServerConfig((k) => USER_SETTINGS[k]), today: TEST_SETTINGS.today };

/** initialize exactly as vscode-languageclient 9 does (client.js initialize()). */
export function vscodeInitializeParams(vault) {
  const rootUri = URI.file(vault).toString();
  return {
    processId: process.pid,
    clientInfo: { name: 'Visual Studio Code', version: '1.82.0' },
    locale: 'en',
    rootPath: vault,
    rootUri,
    capabilities: CAPS,
    initializationOptions: EXTENSION_CONFIG,
    trace: 'off',
    workspaceFolders: [{ uri: rootUri, name: path.basename(vault) }],
  };
}

/** The capability a registration needs: dynamicRegistration true in what VS Code sent. */
export function supportsDynamic(method) {
  const [scope, name] = method.split('/');
  if (scope === 'textDocument') {
    const key = ['didOpen', 'didChange', 'didClose', 'didSave', 'willSave', 'willSaveWaitUntil'].includes(name) ? 'synchronization' : name;
    return CAPS.textDocument[key]?.dynamicRegistration === true;
  }
  if (scope === 'workspace') {
    const key = { symbol: 'symbol', executeCommand: 'executeCommand' }[name] ?? name;
    if (['willCreateFiles', 'didCreateFiles', 'willRenameFiles', 'didRenameFiles', 'willDeleteFiles', 'didDeleteFiles'].includes(name)) {
      return CAPS.workspace.fileOperations?.dynamicRegistration === true;
    }
    return CAPS.workspace[key]?.dynamicRegistration === true;
  }
  return false;
}


/** Starts notes-lsp in a vault copy, initializes it as VS Code does, runs fn, cleans up. */
export async function withVscodeSession(fn) {
  const vault = copyVault();
  const s = new LspSession({ cwd: vault, protocol, settings: EXTENSION_CONFIG, args: ['--stdio'] });
  try {
    s.start();
    const result = await s.request('initialize', vscodeInitializeParams(vault));
    await s.notify('initialized', {});
    await s.waitForIndex();
    return await fn(s, vault, result);
  } finally {
    await s.dispose();
    removeVault(vault);
  }
}
