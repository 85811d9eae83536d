// Builds the extension with esbuild, packages it with vsce (offline), checks what the .vsix holds,
// and loads the bundle with the `vscode` stand-in to check activation: the commands it registers
// and the error a user sees when the server binary is missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { EXT_DIR, assertInstalled, requireWithVscodeStub, readZip } = require('./helpers.cjs');

assertInstalled();
const pkg = JSON.parse(fs.readFileSync(path.join(EXT_DIR, 'package.json'), 'utf8'));
const BUNDLE = path.join(EXT_DIR, 'dist', 'extension.js');

function run(cmd, args) {
  return execFileSync(cmd, args, { cwd: EXT_DIR, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 240000 });
}

test('the TypeScript sources type-check against @types/vscode 1.82', { timeout: 240000 }, () => {
  run('npx', ['--no-install', 'tsc', '--noEmit', '-p', '.']);
});

test('npm run build bundles vscode-languageclient into dist/extension.js', { timeout: 240000 }, () => {
  fs.rmSync(path.join(EXT_DIR, 'dist'), { recursive: true, force: true });
  run('npm', ['run', 'build']);
  const js = fs.readFileSync(BUNDLE, 'utf8');
  assert.match(js, /require\("vscode"\)/, 'vscode stays external');
  assert.doesNotMatch(js, /require\("vscode-languageclient/, 'the client is bundled, not required');
  assert.doesNotMatch(js, /require\("vscode-jsonrpc/, 'the protocol layer is bundled, not required');
});

test('vsce packages a .vsix with only the bundle and the manifest', { timeout: 240000 }, () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'notes-lsp-vsix-'));
  try {
    const vsix = path.join(out, 'notes-lsp.vsix');
    run('npx', ['--no-install', 'vsce', 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', vsix]);
    const entries = readZip(vsix);
    const names = [...entries.keys()].sort();
    for (const want of ['extension.vsixmanifest', 'extension/package.json', 'extension/dist/extension.js']) {
      assert.ok(names.includes(want), `${want} in ${names.join(', ')}`);
    }
    assert.ok(!names.some((n) => n.includes('node_modules') || n.startsWith('extension/src/') || n.startsWith('extension/test/')), names.join(', '));
    const packed = JSON.parse(entries.get('extension/package.json')().toString('utf8'));
    assert.deepEqual(packed.contributes, pkg.contributes);
    assert.deepEqual(packed.activationEvents, pkg.activationEvents);
    const manifest = entries.get('extension.vsixmanifest')().toString('utf8');
    assert.match(manifest, /<Property Id="Microsoft.VisualStudio.Code.Engine" Value="\^1\.82\.0" \/>/);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

/** A VS Code with just the parts activate() touches; records what the extension does. */
function fakeVscode(settings, { workspaceFolder } = {}) {
  const rec = { commands: new Map(), errors: [], warnings: [], channels: [], settingsOpened: [], views: [], contexts: [] };
  const disposable = { dispose() {} };
  const channel = (name) => {
    const ch = { name, lines: [], appendLine: (l) => ch.lines.push(l), append() {}, show() { ch.shown = true; }, dispose() {}, clear() {} };
    rec.channels.push(ch);
    return ch;
  };
  globalThis.__vscodeOverrides = {
    window: {
      createOutputChannel: channel,
      showErrorMessage: async (msg, ...items) => {
        rec.errors.push({ msg, items });
        return items[0]; // the user clicks the first button
      },
      showWarningMessage: async (msg) => {
        rec.warnings.push(msg);
        return undefined;
      },
      activeTextEditor: undefined,
      createTreeView: (id) => {
        rec.views.push(id);
        return { dispose() {}, message: undefined };
      },
    },
    workspace: {
      workspaceFolders: workspaceFolder ? [{ uri: { scheme: 'file', fsPath: workspaceFolder }, name: 'vault', index: 0 }] : undefined,
      getConfiguration: () => ({
        get: (k, d) => (k in settings ? settings[k] : d),
        inspect: (k) => (k in settings ? { globalValue: settings[k] } : {}),
      }),
      onDidChangeConfiguration: () => disposable,
      onDidOpenTextDocument: () => disposable,
      onDidSaveTextDocument: () => disposable,
      textDocuments: [],
      createFileSystemWatcher: () => disposable,
    },
    commands: {
      registerCommand: (id, fn) => {
        rec.commands.set(id, fn);
        return disposable;
      },
      executeCommand: async (...args) => {
        if (args[0] === 'setContext') rec.contexts.push(args.slice(1));
        else rec.settingsOpened.push(args);
      },
    },
  };
  return rec;
}

async function activateWith(settings, opts) {
  if (!fs.existsSync(BUNDLE)) run('npm', ['run', 'build']);
  const rec = fakeVscode(settings, opts);
  const ext = requireWithVscodeStub(BUNDLE);
  const context = { subscriptions: [] };
  await ext.activate(context);
  await new Promise((r) => setImmediate(r)); // let the error message's button handler run
  return { rec, ext, context };
}

test('activation with a missing server: a clear error naming the path and the setting', { timeout: 60000 }, async () => {
  try {
    const missing = '/nonexistent/dir/notes-lsp';
    const { rec, ext, context } = await activateWith({ serverPath: missing });
    assert.deepEqual([...rec.commands.keys()].sort(), pkg.contributes.commands.map((c) => c.command).sort());
    assert.equal(rec.errors.length, 1, JSON.stringify(rec.errors));
    assert.match(rec.errors[0].msg, /\/nonexistent\/dir\/notes-lsp/);
    assert.match(rec.errors[0].msg, /does not exist/);
    assert.match(rec.errors[0].msg, /notesLsp\.serverPath/);
    assert.deepEqual(rec.errors[0].items, ['Open Settings']);
    assert.deepEqual(rec.settingsOpened, [['workbench.action.openSettings', 'notesLsp.serverPath']]);
    assert.ok(context.subscriptions.length >= 6, 'channels, commands and the settings watcher are disposed with the extension');

    // The log command shows the output channel, which also recorded the failure.
    await rec.commands.get('notesLsp.showServerLog')();
    const log = rec.channels.find((c) => c.name === 'notes-lsp');
    assert.equal(log.shown, true);
    assert.ok(log.lines.some((l) => l.includes(missing)), log.lines.join('\n'));

    // Accept-all and Show Tasks with no server and no note: a warning each, no crash.
    await rec.commands.get('notesLsp.acceptAllProposedTasks')();
    assert.equal(rec.warnings.length, 1);
    await rec.commands.get('notesLsp.showTasks')();
    assert.equal(rec.warnings.length, 2);
    assert.match(rec.warnings[1], /not running; open a note of the vault first/);
    // The Tasks view exists and shows once the extension runs.
    assert.deepEqual(rec.views, ['notesLsp.tasks']);
    assert.deepEqual(rec.contexts, [['notesLsp.tasksGroupBy', 'owner'], ['notesLsp.active', true]]);
    await ext.deactivate();
  } finally {
    delete globalThis.__vscodeOverrides;
  }
});

test('activation with a server path that is not executable, and a bare name not on PATH', { timeout: 60000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notes-lsp-noexec-'));
  const savedPath = process.env.PATH;
  try {
    const file = path.join(dir, 'notes-lsp');
    fs.writeFileSync(file, 'not a program');
    fs.chmodSync(file, 0o644);
    let { rec } = await activateWith({ serverPath: './notes-lsp' }, { workspaceFolder: dir });
    assert.equal(rec.errors.length, 1);
    assert.match(rec.errors[0].msg, new RegExp(`"${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" is not an executable file`));

    process.env.PATH = dir; // holds only the non-executable file
    ({ rec } = await activateWith({}));
    assert.equal(rec.errors.length, 1);
    assert.match(rec.errors[0].msg, /"notes-lsp" was not found on PATH/);
  } finally {
    process.env.PATH = savedPath;
    delete globalThis.__vscodeOverrides;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
