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
  positionOf,
  fileUri,
  TEST_SETTINGS,
  serverPath,
  VSCODE_CAPS,
  withVaultServer,
} from './lib/lsp-session.mjs';

const TIMEOUT = 60000;
const KICKOFF = 'Meetings/2025-11-06 - Storage pilot kickoff with Contoso.md';
const FABRIKAM = 'Meetings/2025-11-14 - Fabrikam procurement sync.md';

// A server on a copy of the example vault; `prepare(vault)` adds to the copy before it starts.
function withServer(fn, capabilities = VSCODE_CAPS, prepare = () => {}) {
  return withVaultServer(fn, { capabilities, prepare });
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

test('notes-lsp.tasks: a page of 500 tasks unless a limit is given; offset for the next', { timeout: TIMEOUT }, async () => {
  const bulkTasks = (vault) => {
    fs.mkdirSync(path.join(vault, 'Bulk'));
    for (let i = 0; i < 300; i++) {
      const lines = [0, 1, 2, 3].map((k) => `- [ ] Bulk task ${i}.${k} \u{1F4C5} 2025-12-${String(1 + ((i + k) % 28)).padStart(2, '0')}\n`);
      fs.writeFileSync(path.join(vault, 'Bulk', `t${i}.md`), lines.join(''));
    }
  };
  await withServer(async (s) => {
    const today = '2025-11-15';
    const all = await tasks(s, { limit: 0, today });
    assert.equal(all.length, 1200 + 11, 'limit 0: every open task');
    const first = await tasks(s, { today });
    assert.equal(first.length, 500, 'no limit: the first page');
    assert.deepEqual(first, all.slice(0, 500));
    assert.deepEqual(await tasks(s, { offset: 500, today }), all.slice(500, 1000));
    assert.deepEqual(await tasks(s, { offset: 1000, today }), all.slice(1000), 'a short page is the last');
    assert.deepEqual(await tasks(s, { offset: 990, limit: 20, today }), all.slice(990, 1010));
    assert.deepEqual(await tasks(s, { offset: 5000, today }), []);
    await expectInvalidParams(tasks(s, { offset: -1 }), 'offset');
    await expectInvalidParams(tasks(s, { offset: '3' }), 'offset must be a non-negative integer');
  }, VSCODE_CAPS, bulkTasks);
});

test('notes-lsp.tasks: fields of one task; ranges in UTF-16 cover the task line', { timeout: TIMEOUT }, async () => {
  await withServer(async (s, vault) => {
    const got = await tasks(s, { owner: ['Léa Dubois'] });
    assert.deepEqual(got.map((x) => `${x.path}:${x.line}`), ['Meetings/2025-10-02 - Export from the old CRM.md:9', `${KICKOFF}:31`],
      'the CRM export\'s mis-decoded "@LÃ©a Dubois" names her too');
    const t = got[1];
    assert.equal(t.path, KICKOFF);
    assert.equal(uriPath(t.uri), path.join(vault, KICKOFF));
    assert.equal(t.line, 31);
    assert.equal(t.status, 'proposed');
    assert.equal(t.statusSymbol, ' ?');
    assert.equal(t.description, 'Ask [[Fabrikam]] for a reference call @Léa Dubois #task #proposed', "Tasks' description");
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
    // The CRM export's due date is read through its mojibake'd 📅 (2025-11-20).
    assert.deepEqual(key(await tasks(s, { account: 'Fabrikam', status: 'todo' })), [
      'Meetings/2025-10-02 - Export from the old CRM.md:9',
      `${FABRIKAM}:21`,
    ]);
    assert.deepEqual(key(await tasks(s, { priority: ['highest', 'high'], sort: 'priority' })), [
      `${FABRIKAM}:20`,
      `${KICKOFF}:27`,
    ]);
    assert.deepEqual(key(await tasks(s, { dueAfter: '2025-11-12', dueBefore: '2025-12-31', path: 'Meetings/**' })), [
      `${FABRIKAM}:20`,
      'Meetings/2025-10-02 - Export from the old CRM.md:9',
      `${FABRIKAM}:21`,
    ]);
    assert.deepEqual(key(await tasks(s, { text: 'PILOT team', status: ['todo', 'proposed'] })), [
      `${KICKOFF}:27`,
      `${KICKOFF}:32`,
    ]);
    // A later day makes more tasks overdue; "today" in the arguments wins over the setting.
    assert.equal((await tasks(s, { overdue: true })).length, 5);
    assert.equal((await tasks(s, { overdue: true, today: '2025-12-02' })).length, 9, 'the CRM export due 2025-11-20 too');
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

// -------------------------------------------------------------------------------------------

test('code lenses: person and account cards resolve to counts; proposed tasks to accept all', { timeout: TIMEOUT }, async () => {
  await withServer(async (s) => {
    const caps = s.initializeResult.capabilities;
    assert.deepEqual(caps.codeLensProvider, { resolveProvider: true });
    const lensesOf = async (rel) => s.request('textDocument/codeLens', { textDocument: { uri: await s.open(rel) } });

    const [ana] = await lensesOf('People/Ana Ruiz.md');
    assert.equal(ana.command, undefined, 'counted only on resolve');
    assert.deepEqual(ana.range, { start: { line: 11, character: 0 }, end: { line: 11, character: 0 } }, 'above the title heading');
    const anaResolved = await s.request('codeLens/resolve', ana);
    assert.deepEqual(anaResolved.command, {
      title: '1 open task · 1 overdue · 2 meetings',
      command: 'notes-lsp.showTasks',
      arguments: [{ owner: ['Ana Ruiz'] }],
    });
    // The lens's arguments list exactly the tasks it counts.
    assert.equal((await tasks(s, anaResolved.command.arguments[0])).length, 1);

    const [contoso] = await lensesOf('Accounts/Contoso.md');
    const contosoResolved = await s.request('codeLens/resolve', contoso);
    assert.equal(contosoResolved.command.title, '5 open tasks · 4 overdue · 2 proposed · 2 meetings');
    assert.equal((await tasks(s, contosoResolved.command.arguments[0])).length, 5);
    // notes-lsp.showTasks sent back to the server answers like notes-lsp.tasks.
    assert.deepEqual(
      await s.request('workspace/executeCommand', contosoResolved.command),
      await tasks(s, contosoResolved.command.arguments[0]),
    );

    const kickoff = await lensesOf(KICKOFF);
    assert.equal(kickoff.length, 1);
    assert.equal(kickoff[0].range.start.line, 27, 'on the first proposed task');
    assert.equal(kickoff[0].command.title, '3 proposed — accept all');
    assert.equal(kickoff[0].command.command, 'notes-lsp.acceptAllProposedTasks');
    assert.deepEqual(await lensesOf('Inbox.md'), [], 'a plain note without proposed tasks has none');

    // Accepting through the lens's command leaves no proposed lens.
    const edited = s.nextApplyEdit();
    await s.request('workspace/executeCommand', kickoff[0].command);
    await edited;
    assert.deepEqual(await s.request('textDocument/codeLens', { textDocument: { uri: kickoff[0].command.arguments[0] } }), []);
    assert.equal((await s.request('codeLens/resolve', contoso)).command.title, '5 open tasks · 4 overdue · 2 meetings');
  });
});

test('inlay hints: relative dates after due, scheduled and start dates; none on done tasks', { timeout: TIMEOUT }, async () => {
  await withServer(async (s) => {
    assert.ok(s.initializeResult.capabilities.inlayHintProvider);
    const uri = await s.open(KICKOFF);
    const text = s.text(uri);
    const all = { start: { line: 0, character: 0 }, end: { line: 60, character: 0 } };
    const hints = await s.request('textDocument/inlayHint', { textDocument: { uri }, range: all });
    const endOf = (needle) => {
      const line = text.split('\n').findIndex((l) => l.includes(needle));
      const l = text.split('\n')[line];
      return { line, character: l.indexOf(needle) + needle.length };
    };
    assert.deepEqual(hints, [
      { position: endOf('📅 2025-11-10'), label: '5 days overdue', tooltip: 'due 2025-11-10', paddingLeft: true },
      { position: endOf('📅 2025-11-12'), label: '3 days overdue', tooltip: 'due 2025-11-12', paddingLeft: true },
      { position: endOf('📅 2025-11-08'), label: '7 days overdue', tooltip: 'due 2025-11-08', paddingLeft: true },
      { position: { line: 32, character: lineAt(text, 32).indexOf('2025-11-12') + 10 }, label: '3 days overdue', tooltip: 'due 2025-11-12', paddingLeft: true },
    ]);
    // Only the requested lines; the range's lines are inclusive.
    const one = await s.request('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 29, character: 0 }, end: { line: 29, character: 5 } } });
    assert.deepEqual(one.map((h) => h.label), ['7 days overdue']);
    // Future, today and tomorrow, scheduled and start dates, in a note of our own.
    const fresh = 'Meetings/Plan.md';
    const planText = [
      '# Plan',
      '- [ ] a @Myself 📅 2025-11-15',
      '- [ ] b ⏳ 2025-11-16 🛫 2025-11-14 📅 2025-11-20',
      '- [x] c 📅 2025-11-01 ✅ 2025-11-02',
      '',
    ].join('\n');
    const plan = await s.open(fresh, { text: planText });
    const got = await s.request('textDocument/inlayHint', { textDocument: { uri: plan }, range: all });
    assert.deepEqual(got.map((h) => [h.position.line, h.label, h.tooltip]), [
      [1, 'today', 'due 2025-11-15'],
      [2, 'in 5 days', 'due 2025-11-20'],
      [2, 'tomorrow', 'scheduled 2025-11-16'],
      [2, 'yesterday', 'starts 2025-11-14'],
    ]);
  });
});

test('hover on a person or an account: open tasks overdue first, latest meetings', { timeout: TIMEOUT }, async () => {
  await withServer(async (s) => {
    const uri = await s.open(KICKOFF);
    const text = s.text(uri);
    const hoverAt = async (u, position) => (await s.request('textDocument/hover', { textDocument: { uri: u }, position }))?.contents?.value;
    const ANA_CARD =
      '**Ana Ruiz**  \nperson · Contoso  \n`People/Ana Ruiz.md`  \nalso: Ana  \n5 links to it  \nrole: VP Infrastructure  \n' +
      '**1 open task**, 1 overdue  \n' +
      '• Draft the pilot success criteria, due 2025-11-08 (7 days overdue) · Storage pilot kickoff with Contoso  \n' +
      '**latest meetings**  \n• 2025-11-20 - Broken frontmatter  \n• 2025-11-06 Storage pilot kickoff with Contoso';
    // A link, a frontmatter participant, and the person's own note title.
    assert.equal(await hoverAt(uri, positionOf(text, '[[Ana Ruiz]]', { delta: 3 })), ANA_CARD);
    assert.equal(await hoverAt(uri, positionOf(text, '- Ana Ruiz', { delta: 3 })), ANA_CARD);
    const ana = await s.open('People/Ana Ruiz.md');
    assert.equal(await hoverAt(ana, { line: 11, character: 4 }), ANA_CARD);
    // A mention: a proposed task says so.
    const jonas = await hoverAt(uri, positionOf(text, '@Jonas Becker 📅', { delta: 2 }));
    assert.ok(jonas.includes('**2 open tasks**, 1 overdue, 1 proposed  \n' +
      '• (proposed) Confirm pilot rack delivery date with the data center team, due 2025-11-10 (5 days overdue) · Storage pilot kickoff with Contoso  \n' +
      '• Hardware arrives in the pilot data center, due 2025-12-01 (in 16 days) · Project Atlas'), jonas);
    // The frontmatter account: tasks name their owner; overdue first.
    const contoso = await hoverAt(uri, positionOf(text, 'account: Contoso', { delta: 10 }));
    assert.ok(contoso.startsWith('**Contoso**'), contoso);
    assert.ok(contoso.includes('**5 open tasks**, 4 overdue, 2 proposed  \n' +
      '• Draft the pilot success criteria — Ana Ruiz, due 2025-11-08 (7 days overdue) · Storage pilot kickoff with Contoso  \n' +
      '• (proposed) Confirm pilot rack delivery date with the data center team — Jonas Becker, due 2025-11-10 (5 days overdue) · Storage pilot kickoff with Contoso  \n'), contoso);
    assert.ok(contoso.endsWith('**latest meetings**  \n• 2025-11-14 Fabrikam procurement sync  \n• 2025-11-06 Storage pilot kickoff with Contoso'), contoso);
  });
});

// -------------------------------------------------------------------------------------------

test('workspace/diagnostic: every note with problems, unchanged resultIds, partial results', { timeout: TIMEOUT }, async () => {
  await withServer(async (s, vault) => {
    assert.equal(s.initializeResult.capabilities.diagnosticProvider.workspaceDiagnostics, true);
    const first = await s.request('workspace/diagnostic', { previousResultIds: [] });
    const byPath = new Map(first.items.map((r) => [path.relative(vault, uriPath(r.uri)), r]));
    // Closed notes too: the CRM export's mojibake, the broken frontmatter, the ambiguous link.
    for (const rel of [KICKOFF, FABRIKAM, 'Meetings/2025-10-02 - Export from the old CRM.md', 'Meetings/2025-11-20 - Broken frontmatter.md', 'Daily/2025-11-06.md']) {
      const r = byPath.get(rel);
      assert.ok(r, `a report for ${rel}`);
      assert.equal(r.kind, 'full');
      assert.equal(r.version, null, 'not open');
      assert.ok(r.items.length > 0 && typeof r.resultId === 'string');
    }
    assert.ok(byPath.get('Meetings/2025-10-02 - Export from the old CRM.md').items.some((d) => d.code === 'mojibake'));
    assert.ok(byPath.get('Meetings/2025-11-20 - Broken frontmatter.md').items.some((d) => d.code === 'frontmatter-error'));
    assert.ok(!byPath.has('People/Ana Ruiz.md'), 'a note without problems is not reported');
    // The same diagnostics as textDocument/diagnostic, with the same resultId.
    const uri = await s.open(KICKOFF);
    const pulled = await s.request('textDocument/diagnostic', { textDocument: { uri } });
    assert.equal(pulled.resultId, byPath.get(KICKOFF).resultId);
    assert.deepEqual(pulled.items, byPath.get(KICKOFF).items);
    assert.deepEqual(await s.request('textDocument/diagnostic', { textDocument: { uri }, previousResultId: pulled.resultId }), { kind: 'unchanged', resultId: pulled.resultId });

    // Again with the resultIds: nothing changed, so not one report (the client keeps what it
    // has of every note a report leaves out).
    const previousResultIds = first.items.map((r) => ({ uri: r.uri, value: r.resultId }));
    const second = await s.request('workspace/diagnostic', { previousResultIds });
    assert.deepEqual(second.items, []);

    // Fix the broken link in the kickoff note: only it changes.
    const text = s.text(uri);
    const line = text.split('\n').findIndex((l) => l.includes('[[Northwind Traders]]'));
    await s.change(uri, [{ range: { start: { line, character: 0 }, end: { line, character: lineAt(text, line).length } }, text: '- [[Contoso]]' }]);
    const third = await s.request('workspace/diagnostic', { previousResultIds });
    assert.deepEqual(third.items.map((r) => r.uri), [uri]);
    assert.equal(third.items[0].kind, 'full');
    assert.equal(third.items[0].version, 2, 'the open note says its version');
    assert.ok(!third.items[0].items.some((d) => d.code === 'broken-link'));

    // A note whose problems are all gone is reported empty, to clear it.
    const fm = 'Meetings/2025-11-20 - Broken frontmatter.md';
    fs.writeFileSync(path.join(vault, fm), '# Fixed\n');
    await s.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: byPath.get(fm).uri, type: 2 }] });
    const fourth = await s.request('workspace/diagnostic', { previousResultIds });
    const cleared = fourth.items.find((r) => r.uri === byPath.get(fm).uri);
    assert.equal(cleared.kind, 'full');
    assert.deepEqual(cleared.items, []);

    // The heading the kickoff note links to ([[Project Atlas#Milestones]]) is renamed in
    // another note: the kickoff note's id changes and says so; every other note is unchanged.
    const held = [...new Map([...previousResultIds, ...fourth.items.map((r) => ({ uri: r.uri, value: r.resultId }))]
      .map((p) => [p.uri, p])).values()];
    const atlas = path.join(vault, 'Projects/Project Atlas.md');
    fs.writeFileSync(atlas, fs.readFileSync(atlas, 'utf8').replace('## Milestones', '## Timeline'));
    await s.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(atlas), type: 2 }] });
    const fifth = await s.request('workspace/diagnostic', { previousResultIds: held });
    const kickoff = fifth.items.find((r) => r.uri === uri);
    assert.equal(kickoff.kind, 'full');
    assert.ok(kickoff.items.some((d) => d.code === 'missing-heading' && d.message.includes('Milestones')), JSON.stringify(kickoff.items));
    assert.deepEqual(fifth.items.map((r) => r.uri), [uri], 'every other note is left out');

    // Partial results: the reports arrive as $/progress on the token, the rest in the answer.
    const partials = [];
    s.conn.onProgress(s.protocol.WorkspaceDiagnosticRequest.partialResult, 'wd-1', (v) => partials.push(...v.items));
    const last = await s.request('workspace/diagnostic', { previousResultIds: [], partialResultToken: 'wd-1' });
    assert.equal(partials.length + last.items.length, first.items.length - 1, 'every note with problems, once');
  });
});

test('workspace/diagnostic: bad previousResultIds are InvalidParams', { timeout: TIMEOUT }, async () => {
  await withServer(async (s) => {
    await expectInvalidParams(s.request('workspace/diagnostic', { previousResultIds: 'x' }), 'previousResultIds');
    await expectInvalidParams(s.request('workspace/diagnostic', { previousResultIds: [{ uri: 1 }] }), 'previousResultIds[0]');
  });
});

test('workspace/diagnostic: a large vault streams its reports as partial results', { timeout: TIMEOUT }, async () => {
  const bulkNotes = (vault) => {
    fs.mkdirSync(path.join(vault, 'Bulk'));
    for (let i = 0; i < 1200; i++) fs.writeFileSync(path.join(vault, 'Bulk', `n${i}.md`), `# n${i}\n\nSee [[Nowhere ${i}]].\n`);
  };
  await withServer(async (s) => {
    const batches = [];
    s.conn.onProgress(s.protocol.WorkspaceDiagnosticRequest.partialResult, 'bulk', (v) => batches.push(v.items));
    const last = await s.request('workspace/diagnostic', { previousResultIds: [], partialResultToken: 'bulk' });
    const all = [...batches.flat(), ...last.items];
    assert.ok(batches.length >= 2, `${batches.length} partial batches`);
    const bulk = all.filter((r) => uriPath(r.uri).includes('/Bulk/'));
    assert.equal(bulk.length, 1200);
    assert.equal(new Set(all.map((r) => r.uri)).size, all.length, 'each note once');
    assert.ok(bulk.every((r) => r.items.length === 1 && r.items[0].code === 'broken-link'));
  }, VSCODE_CAPS, bulkNotes);
});

// A client that cannot pull diagnostics (Neovim 0.7, Helix): VS Code's capabilities without
// textDocument.diagnostic.
const PUSH_CAPS = (() => {
  const c = JSON.parse(JSON.stringify(VSCODE_CAPS));
  delete c.textDocument.diagnostic;
  delete c.workspace.diagnostics;
  return c;
})();

function pushSession(diagnostics, fn) {
  const settings = { ...TEST_SETTINGS, ...(diagnostics ? { diagnostics } : {}) };
  return withVaultServer(fn, { capabilities: PUSH_CAPS, settings });
}

const CRM = 'Meetings/2025-10-02 - Export from the old CRM.md';
const BROKEN_FM = 'Meetings/2025-11-20 - Broken frontmatter.md';

test('push diagnostics, scope vault (the default): closed notes with problems after the scan', { timeout: TIMEOUT }, async () => {
  await pushSession(undefined, async (s, vault) => {
    assert.equal(s.initializeResult.capabilities.diagnosticProvider, undefined);
    const crm = fileUri(path.join(vault, CRM));
    const diags = await s.waitForDiagnostics(crm, (d) => d.some((x) => x.code === 'mojibake'), { what: 'mojibake pushed for a closed note' });
    assert.ok(diags.length > 0);
    await s.waitForDiagnostics(fileUri(path.join(vault, BROKEN_FM)), (d) => d.some((x) => x.code === 'frontmatter-error'));
    assert.equal(s.diagnostics.get(fileUri(path.join(vault, 'People/Ana Ruiz.md'))), undefined, 'nothing for a note without problems');
    // Creating the missing note clears the kickoff's broken link, though it is not open.
    const kickoff = fileUri(path.join(vault, KICKOFF));
    await s.waitForDiagnostics(kickoff, (d) => d.some((x) => x.code === 'broken-link'));
    fs.writeFileSync(path.join(vault, 'Accounts/Northwind Traders.md'), '---\ntype: account\n---\n# Northwind Traders\n');
    await s.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(path.join(vault, 'Accounts/Northwind Traders.md')), type: 1 }] });
    await s.waitForDiagnostics(kickoff, (d) => !d.some((x) => x.code === 'broken-link'), { what: 'broken link cleared' });
  });
});

test('push diagnostics: scope open pushes none for closed notes; maxNotes caps the vault', { timeout: TIMEOUT }, async () => {
  await pushSession({ scope: 'open' }, async (s, vault) => {
    const uri = await s.open(KICKOFF);
    await s.waitForDiagnostics(uri, (d) => d.length > 0);
    assert.equal(s.diagnostics.get(fileUri(path.join(vault, CRM))), undefined);
  });
  await pushSession({ scope: 'vault', maxNotes: 1 }, async (s) => {
    const uri = await s.open('Inbox.md');
    await s.waitForRaw((m) => m.method === 'textDocument/publishDiagnostics' && m.params.uri !== uri && m.params.diagnostics.length > 0, { what: 'a closed note pushed' });
    await s.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } }); // a round trip
    const closed = [...s.diagnostics.entries()].filter(([u, d]) => u !== uri && d.length > 0);
    assert.equal(closed.length, 1, JSON.stringify(closed.map(([u]) => u)));
  });
});
