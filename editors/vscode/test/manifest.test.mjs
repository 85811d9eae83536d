// The manifest (package.json) promises what the code does: every command the code registers is
// contributed and vice versa, every setting the code reads is contributed and vice versa, the
// activation events and engine pins are the ones VS Code needs; the settings map to the server
// configuration; the capabilities fixture is what vscode-languageclient really sends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { EXT_DIR, assertInstalled, loadTs } = require('./helpers.cjs');

assertInstalled();
const pkg = JSON.parse(fs.readFileSync(path.join(EXT_DIR, 'package.json'), 'utf8'));
const src = Object.fromEntries(
  fs.readdirSync(path.join(EXT_DIR, 'src')).map((f) => [f, fs.readFileSync(path.join(EXT_DIR, 'src', f), 'utf8')]),
);
const allSrc = Object.values(src).join('\n');
const config = loadTs('src/config.ts');
const serverPath = loadTs('src/serverPath.ts');

test('engines and pins that vscode-languageclient 9 and vsce need', () => {
  assert.equal(pkg.engines.vscode, '^1.82.0');
  assert.equal(pkg.devDependencies['@types/vscode'], '~1.82.0');
  assert.match(pkg.dependencies['vscode-languageclient'], /^[~^]?9\./);
  assert.equal(pkg.main, './dist/extension.js');
  assert.ok(fs.existsSync(path.join(EXT_DIR, 'package-lock.json')), 'package-lock.json is committed');
  const lock = JSON.parse(fs.readFileSync(path.join(EXT_DIR, 'package-lock.json'), 'utf8'));
  assert.match(lock.packages['node_modules/vscode-languageclient'].version, /^9\./);
  assert.match(lock.packages['node_modules/@types/vscode'].version, /^1\.82\./);
});

test('activation events: markdown files and vault workspaces', () => {
  assert.deepEqual(
    [...pkg.activationEvents].sort(),
    ['onLanguage:markdown', 'workspaceContains:.notes-lsp.yaml', 'workspaceContains:.obsidian'].sort(),
  );
});

test('contributed commands are exactly the registered ones', () => {
  const registered = [...allSrc.matchAll(/registerCommand\(\s*['"]([^'"]+)['"]/g)].map((m) => m[1]).sort();
  const contributed = pkg.contributes.commands.map((c) => c.command).sort();
  assert.deepEqual(registered, contributed);
  assert.deepEqual(contributed, [
    'notesLsp.acceptAllProposedTasks',
    'notesLsp.groupTasksByAccount',
    'notesLsp.groupTasksByOwner',
    'notesLsp.loadMoreTasks',
    'notesLsp.refreshTasks',
    'notesLsp.rejectAllProposedTasks',
    'notesLsp.restartServer',
    'notesLsp.showServerLog',
    'notesLsp.showTasks',
  ]);
  for (const c of pkg.contributes.commands) assert.ok(c.title && c.category, `${c.command} has a title and category`);
  for (const menu of Object.values(pkg.contributes.menus)) {
    for (const m of menu) assert.ok(contributed.includes(m.command), `menu entry ${m.command}`);
  }
});

test('the Tasks view: in the explorer, created in code, with its title buttons', () => {
  assert.deepEqual(pkg.contributes.views, { explorer: [{ id: 'notesLsp.tasks', name: 'Tasks', when: 'notesLsp.active' }] });
  assert.match(src['tasksView.ts'], /export const VIEW_ID = 'notesLsp\.tasks'/);
  assert.match(src['tasksView.ts'], /createTreeView\(VIEW_ID/);
  assert.match(src['extension.ts'], /'setContext', 'notesLsp\.active', true/);
  const show = pkg.contributes.commands.find((c) => c.command === 'notesLsp.showTasks');
  assert.equal(`${show.category}: ${show.title}`, 'notes-lsp: Show Tasks');
  const titleBar = pkg.contributes.menus['view/title'];
  assert.deepEqual(titleBar.map((m) => m.command).sort(),
    ['notesLsp.groupTasksByAccount', 'notesLsp.groupTasksByOwner', 'notesLsp.refreshTasks']);
  for (const m of titleBar) {
    assert.match(m.when, /^view == notesLsp\.tasks\b/, `${m.command} only on the Tasks view`);
    assert.ok(pkg.contributes.commands.find((c) => c.command === m.command).icon, `${m.command} has an icon`);
  }
  // Each grouping button shows while the other grouping is on (tasksView.ts sets the context).
  assert.match(src['tasksView.ts'], /GROUP_BY_CONTEXT = 'notesLsp\.tasksGroupBy'/);
  assert.match(src['extension.ts'], /'notes-lsp\.tasks'|TASKS_COMMAND/);
  assert.match(src['tasks.ts'], /export const TASKS_COMMAND = 'notes-lsp\.tasks'/);
  // The "Load more tasks…" row runs the command the extension registers.
  assert.match(src['tasksView.ts'], /LOAD_MORE_COMMAND = 'notesLsp\.loadMoreTasks'/);
});

test('the extension runs the server commands of the contract with the note URI', () => {
  assert.match(src['extension.ts'], /'notes-lsp\.acceptAllProposedTasks'/);
  assert.match(src['extension.ts'], /'notes-lsp\.rejectAllProposedTasks'/);
  assert.match(src['extension.ts'], /arguments:\s*\[uri\]/);
});

test('contributed settings are exactly the ones the code reads', () => {
  const contributed = Object.keys(pkg.contributes.configuration.properties).sort();
  const mapped = [...config.SERVER_SETTING_KEYS, ...config.CLIENT_SETTING_KEYS].map((k) => `notesLsp.${k}`).sort();
  assert.deepEqual(contributed, mapped);
  // Keys read directly with get()/inspect() or watched with affectsConfiguration().
  const read = [
    ...[...allSrc.matchAll(/\.(?:get|inspect)(?:<[^>]*>)?\(\s*'([^']+)'/g)].map((m) => m[1]),
    ...[...allSrc.matchAll(/affectsConfiguration\(`\$\{SECTION\}\.([^`]+)`\)/g)].map((m) => m[1]),
  ];
  assert.ok(read.length > 0, 'found the settings the code reads');
  for (const k of read) assert.ok(contributed.includes(`notesLsp.${k}`), `notesLsp.${k} is contributed`);
  // vscode-languageclient reads `<id>.trace.server` itself; the id must be our section.
  assert.match(src['extension.ts'], /const SECTION = 'notesLsp';/);
  assert.match(src['extension.ts'], /new VaultClient\(SECTION,/);
  assert.deepEqual(pkg.contributes.configuration.properties['notesLsp.trace.server'].enum, ['off', 'messages', 'verbose']);
  assert.deepEqual(pkg.contributes.configuration.properties['notesLsp.logLevel'].enum, ['error', 'warn', 'info', 'debug']);
});

test('settings map to the server configuration; only explicit values are sent', () => {
  const settings = {
    'folders.person': { defaultValue: ['People'], globalValue: ['Contacts'], workspaceValue: ['Team'] },
    'folders.account': { defaultValue: ['Accounts'] },
    'types.meeting': { defaultValue: ['meeting'], globalValue: ['meeting', 'call'] },
    owner: { defaultValue: ['Myself', 'me'], workspaceFolderValue: ['Ich'] },
    ignore: { defaultValue: [], globalValue: ['Templates/**', 42] },
    maxFileSize: { defaultValue: 8388608, workspaceValue: 1000.7 },
    logLevel: { defaultValue: 'warn', globalValue: 'debug' },
  };
  const got = config.buildServerConfig((k) => settings[k]);
  assert.deepEqual(got, {
    folders: { person: ['Team'] },
    types: { meeting: ['meeting', 'call'] },
    owner: ['Ich'],
    ignore: ['Templates/**'],
    maxFileSize: 1000,
    logLevel: 'debug',
  });
  assert.deepEqual(config.buildServerConfig(() => undefined), {});
  assert.deepEqual(config.buildServerConfig((k) => ({ defaultValue: settings[k]?.defaultValue })), {});
  // Every default in the manifest is a value the mapping accepts.
  for (const [key, p] of Object.entries(pkg.contributes.configuration.properties)) {
    const k = key.slice('notesLsp.'.length);
    if (!config.SERVER_SETTING_KEYS.includes(k)) continue;
    const one = config.buildServerConfig((q) => (q === k ? { globalValue: p.default } : undefined));
    assert.ok(Object.keys(one).length === 1, `default of ${key} maps to the server configuration`);
  }
});

test('server path: PATH lookup, relative, missing and non-executable', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notes-lsp-path-'));
  try {
    const exe = path.join(dir, 'notes-lsp');
    fs.writeFileSync(exe, '#!/bin/sh\n');
    fs.chmodSync(exe, 0o755);
    const plain = path.join(dir, 'plain');
    fs.writeFileSync(plain, '');
    fs.chmodSync(plain, 0o644);
    assert.deepEqual(serverPath.resolveServerPath('notes-lsp', undefined, `/nonexistent:${dir}`), { ok: true, path: exe });
    assert.deepEqual(serverPath.resolveServerPath('', undefined, dir), { ok: true, path: exe });
    assert.deepEqual(serverPath.resolveServerPath('./notes-lsp', dir, ''), { ok: true, path: exe });
    assert.deepEqual(serverPath.resolveServerPath('notes-lsp', undefined, '/nonexistent'), {
      ok: false, path: 'notes-lsp', reason: 'was not found on PATH',
    });
    assert.deepEqual(serverPath.resolveServerPath(path.join(dir, 'nope'), undefined, ''), {
      ok: false, path: path.join(dir, 'nope'), reason: 'does not exist',
    });
    assert.equal(serverPath.resolveServerPath(plain, undefined, '').reason, 'is not an executable file');
    assert.equal(serverPath.resolveServerPath(dir, undefined, '').reason, 'is not an executable file');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the capabilities fixture is what vscode-languageclient 9 computes', () => {
  const { computeClientCapabilities } = require('./client-capabilities.cjs');
  const fixture = JSON.parse(fs.readFileSync(path.join(EXT_DIR, 'test/fixtures/vscode-client-capabilities.json'), 'utf8'));
  assert.deepEqual(computeClientCapabilities(), fixture);
  // The parts the brief names, spelled out.
  assert.deepEqual(fixture.general.positionEncodings, ['utf-16']);
  assert.equal(fixture.textDocument.completion.completionItem.snippetSupport, true);
  assert.deepEqual(fixture.textDocument.completion.completionItem.resolveSupport.properties, ['documentation', 'detail', 'additionalTextEdits']);
  assert.equal(fixture.textDocument.diagnostic.dynamicRegistration, true);
  assert.equal(fixture.workspace.workspaceEdit.documentChanges, true);
  assert.deepEqual(fixture.workspace.workspaceEdit.resourceOperations, ['create', 'rename', 'delete']);
  assert.equal(fixture.workspace.didChangeWatchedFiles.dynamicRegistration, true);
  assert.equal(fixture.window.workDoneProgress, true);
});
