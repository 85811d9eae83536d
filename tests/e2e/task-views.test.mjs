// End-to-end: the vault-wide task views through Microsoft's vscode-jsonrpc on a copy of the
// example vault, with the ClientCapabilities VS Code sends: the notes-lsp.tasks command (and
// that it answers exactly what `notes-lsp tasks --format json` prints). "today" is 2025-11-15.
// Run: node --test tests/e2e/task-views.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  LspSession,
  REPO_ROOT,
  copyVault,
  removeVault,
  uriPath,
  lineAt,
  serverPath,
} from './lib/lsp-session.mjs';

const VSCODE_CAPS = JSON.parse(
  fs.readFileSync(path.join(REPO_ROOT, 'editors/vscode/test/fixtures/vscode-client-capabilities.json'), 'utf8'),
);
const TIMEOUT = 60000;
const KICKOFF = 'Meetings/2025-11-06 - Storage pilot kickoff with Contoso.md';
const FABRIKAM = 'Meetings/2025-11-14 - Fabrikam procurement sync.md';

async function withServer(fn, capabilities = VSCODE_CAPS) {
  const vault = copyVault();
  const s = new LspSession({ cwd: vault });
  try {
    s.start();
    await s.initialize({ capabilities });
    await s.initialized();
    await s.waitForIndex();
    return await fn(s, vault);
  } finally {
    await s.dispose();
    removeVault(vault);
  }
}

const tasks = (s, filters) =>
  s.request('workspace/executeCommand', { command: 'notes-lsp.tasks', arguments: filters === undefined ? [] : [filters] });

async function expectInvalidParams(promise, fragment) {
  await assert.rejects(promise, (e) => {
    assert.equal(e.code, -32602, `error code for ${fragment}: ${e.message}`);
    assert.ok(e.message.includes(fragment), `"${e.message}" names ${fragment}`);
    return true;
  });
}

// -------------------------------------------------------------------------------------------

test('notes-lsp.tasks: advertised, and the same JSON as the CLI', { timeout: TIMEOUT }, async () => {
  await withServer(async (s, vault) => {
    assert.ok(s.initializeResult.capabilities.executeCommandProvider.commands.includes('notes-lsp.tasks'));
    const filters = { status: ['proposed', 'todo', 'in_progress', 'done', 'cancelled'], sort: 'path', today: '2025-11-15' };
    const got = await tasks(s, filters);
    const cli = JSON.parse(
      execFileSync(serverPath(), ['tasks', '--today', '2025-11-15', '--status', 'proposed,todo,in_progress,done,cancelled', '--sort', 'path', '--format', 'json', vault], { encoding: 'utf8' }),
    );
    assert.equal(got.length, 14);
    assert.deepEqual(got, cli);
  });
});

test('notes-lsp.tasks: fields of one task; ranges in UTF-16 cover the task line', { timeout: TIMEOUT }, async () => {
  await withServer(async (s, vault) => {
    const got = await tasks(s, { owner: ['Léa Dubois'] });
    assert.equal(got.length, 1);
    const t = got[0];
    assert.equal(t.path, KICKOFF);
    assert.equal(uriPath(t.uri), path.join(vault, KICKOFF));
    assert.equal(t.line, 31);
    assert.equal(t.status, 'proposed');
    assert.equal(t.statusSymbol, ' ?');
    assert.equal(t.description, 'Ask [[Fabrikam]] for a reference call');
    assert.deepEqual(t.owners, ['Léa Dubois']);
    assert.equal(t.account, 'Fabrikam', 'an account linked on the task line wins over the note\'s');
    assert.equal(t.due, null, '2025-11-31 is no date');
    assert.equal(t.priority, null);
    assert.equal(t.overdue, false);
    assert.deepEqual(t.tags, ['#task', '#proposed']);
    // Every range spans its line: the UTF-16 length of the text the editor shows.
    for (const x of await tasks(s, { status: ['todo', 'proposed', 'in_progress', 'done', 'cancelled'] })) {
      const text = fs.readFileSync(path.join(vault, x.path), 'utf8').replace(/^\uFEFF/, '');
      assert.deepEqual(x.range, { start: { line: x.line, character: 0 }, end: { line: x.line, character: lineAt(text, x.line).length } }, `range of ${x.path}:${x.line}`);
    }
  });
});

test('notes-lsp.tasks: filters combine; "me" is the configured owner', { timeout: TIMEOUT }, async () => {
  await withServer(async (s) => {
    const key = (xs) => xs.map((x) => `${x.path}:${x.line}`);
    assert.deepEqual(key(await tasks(s, { owner: ['me'], overdue: true })), [
      'Daily/2025-11-06.md:4',
      `${KICKOFF}:28`,
    ]);
    assert.deepEqual(key(await tasks(s, { account: 'Fabrikam', status: 'todo' })), [
      `${FABRIKAM}:21`,
      'Meetings/2025-10-02 - Export from the old CRM.md:9',
    ]);
    assert.deepEqual(key(await tasks(s, { priority: ['highest', 'high'], sort: 'priority' })), [
      `${FABRIKAM}:20`,
      `${KICKOFF}:27`,
    ]);
    assert.deepEqual(key(await tasks(s, { dueAfter: '2025-11-12', dueBefore: '2025-12-31', path: 'Meetings/**' })), [
      `${FABRIKAM}:20`,
      `${FABRIKAM}:21`,
    ]);
    assert.deepEqual(key(await tasks(s, { text: 'PILOT team', status: ['todo', 'proposed'] })), [
      `${KICKOFF}:27`,
      `${KICKOFF}:32`,
    ]);
    // A later day makes more tasks overdue; "today" in the arguments wins over the setting.
    assert.equal((await tasks(s, { overdue: true })).length, 5);
    assert.equal((await tasks(s, { overdue: true, today: '2025-12-02' })).length, 8);
    const grouped = await tasks(s, { groupBy: 'owner', owner: ['me', 'Ana Ruiz'] });
    assert.deepEqual(grouped.map((g) => [g.group, g.tasks.length]), [['Ana Ruiz', 1], ['Myself', 3]]);
    assert.equal((await tasks(s, { limit: 2 })).length, 2);
  });
});

test('notes-lsp.tasks: bad arguments are InvalidParams naming the filter', { timeout: TIMEOUT }, async () => {
  await withServer(async (s) => {
    await expectInvalidParams(tasks(s, { status: ['later'] }), 'status');
    await expectInvalidParams(tasks(s, { overdue: 'yes' }), 'overdue');
    await expectInvalidParams(tasks(s, { dueBefore: '2025-02-30' }), 'dueBefore');
    await expectInvalidParams(tasks(s, { priority: 3 }), 'priority');
    await expectInvalidParams(tasks(s, { sort: 'size' }), 'sort');
    await expectInvalidParams(tasks(s, { owners: ['me'] }), "unknown argument 'owners'");
    await expectInvalidParams(tasks(s, { limit: -1 }), 'limit');
    await expectInvalidParams(s.request('workspace/executeCommand', { command: 'notes-lsp.tasks', arguments: ['me'] }), 'arguments[0]');
    // The server is still answering.
    assert.equal((await tasks(s)).length, 11);
  });
});
