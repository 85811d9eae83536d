// End-to-end: notes-lsp's features on the example vault, through Microsoft's vscode-jsonrpc,
// with the ClientCapabilities VS Code sends. Run: node --test tests/e2e/features.test.mjs
// Every expected string is spelled out; "today" is 2025-11-15 (set by TEST_SETTINGS).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  LspSession,
  REPO_ROOT,
  copyVault,
  removeVault,
  uriPath,
  locations,
  completionItems,
  itemTexts,
  positionOf,
  lineAt,
  VSCODE_CAPS,
  withVaultServer,
} from './lib/lsp-session.mjs';

const KICKOFF = 'Meetings/2025-11-06 - Storage pilot kickoff with Contoso.md';
const FABRIKAM = 'Meetings/2025-11-14 - Fabrikam procurement sync.md';
const CRM = 'Meetings/2025-10-02 - Export from the old CRM.md';
const BROKEN_FM = 'Meetings/2025-11-20 - Broken frontmatter.md';
const DAILY = 'Daily/2025-11-06.md';
const TIMEOUT = 60000;

// The kickoff note's lines (0-based) that the tests act on.
const L_ACCOUNT = 4; // account: Contoso
const L_PARTICIPANT_ANA = 7; // - Ana Ruiz
const L_TAG_ACCOUNT = 12; // - account/contoso
const L_ATTENDEES = 19; // **Attendees**: Myself, [[Ana Ruiz]], [[Jonas Becker]]
const L_PROPOSED_1 = 27;
const L_PROPOSED_2 = 28;
const L_OPEN_OVERDUE = 29;
const L_DONE = 30;
const L_INVALID_DATE = 31;
const L_ZOE = 32;
const L_HEADING_LINK = 41;
const L_BROKEN_LINK = 42;
const L_CODE_BLOCK = 45;

const PROPOSED_1 = '- [ ?] Confirm pilot rack delivery date with the data center team @Jonas Becker 📅 2025-11-10 ⏫ #task #proposed';
const ACCEPTED_1 = '- [ ] Confirm pilot rack delivery date with the data center team @Jonas Becker 📅 2025-11-10 ⏫ #task';
const PROPOSED_2 = '- [ ?] Share the reference benchmark results with Ana @Myself 📅 2025-11-12 #task #proposed';
const ACCEPTED_2 = '- [ ] Share the reference benchmark results with Ana @Myself 📅 2025-11-12 #task';
const PROPOSED_3 = '- [ ?] Ask [[Fabrikam]] for a reference call @Léa Dubois 📅 2025-11-31 #task #proposed';
const ACCEPTED_3 = '- [ ] Ask [[Fabrikam]] for a reference call @Léa Dubois 📅 2025-11-31 #task';
const FABRIKAM_PROPOSED = '- [?] Send the licensing options summary @Myself 📅 2025-11-18 🔺 #task #proposed';
const FABRIKAM_ACCEPTED = '- [ ] Send the licensing options summary @Myself 📅 2025-11-18 🔺 #task';
// Rejecting cancels the task the Obsidian Tasks way: [-], #proposed dropped, ❌ today appended.
const REJECTED_2 = '- [-] Share the reference benchmark results with Ana @Myself 📅 2025-11-12 #task ❌ 2025-11-15';
const FABRIKAM_REJECTED = '- [-] Send the licensing options summary @Myself 📅 2025-11-18 🔺 #task ❌ 2025-11-15';
const L_FABRIKAM_PROPOSED = 20;

// The CRM export as an editor shows it (BOM dropped, CRLF kept) and as it must read repaired.
const CRM_REPAIRED =
  '---\r\ntype: customer\r\ntitle: Export from the old CRM\r\naccount: Fabrikam\r\n---\r\n' +
  '# Export from the old CRM\r\n\r\n' +
  'Léa’s team asked for the renewal quote — see [[Fabrikam]].\r\n\r\n' +
  '- [ ] Send the renewal quote @Léa Dubois 📅 2025-11-20 #task\r\n';

/**
 * A fresh server, initialized like VS Code would, in a fresh copy of the vault. VS Code
 * supports pulled diagnostics, so with its capabilities they are pulled; `capabilities`
 * overrides them (the push model is tested with a client that cannot pull).
 */
function withServer(fn, capabilities = VSCODE_CAPS) {
  return withVaultServer(fn, { capabilities });
}

function replaceLine(text, n, newLine) {
  const lines = text.split('\n');
  lines[n] = newLine;
  return lines.join('\n');
}

const codeOf = (d) => String(d.code);
const hasDiag = (code, line) => (diags) => diags.some((d) => codeOf(d) === code && (line === undefined || d.range.start.line === line));

async function waitDiag(s, uri, code, line) {
  const diags = await s.waitForDiagnostics(uri, hasDiag(code, line), { what: `${code}${line === undefined ? '' : ` at line ${line}`}` });
  const d = diags.find((x) => codeOf(x) === code && (line === undefined || x.range.start.line === line));
  assert.equal(d.source, 'notes-lsp', `source of ${code}`);
  return { d, diags };
}

async function complete(s, uri, position, triggerCharacter) {
  const context = triggerCharacter ? { triggerKind: 2, triggerCharacter } : { triggerKind: 1 };
  const items = completionItems(await s.request('textDocument/completion', { textDocument: { uri }, position, context }));
  return items;
}

function assertOffers(items, expected, what) {
  const all = items.map(itemTexts);
  for (const want of expected) {
    assert.ok(
      all.some((texts) => texts.some((t) => t.includes(want))),
      `${what}: no item for "${want}" among ${JSON.stringify(all.map((t) => t[0])).slice(0, 800)}`,
    );
  }
}

function assertNotOffered(items, labels, what) {
  const got = items.map((i) => (typeof i.label === 'string' ? i.label : i.label?.label).normalize('NFC'));
  for (const l of labels) assert.ok(!got.includes(l), `${what}: "${l}" must not be offered`);
}

async function definitionPaths(s, uri, position, method = 'textDocument/definition') {
  const locs = locations(await s.request(method, { textDocument: { uri }, position }));
  return locs.map((l) => ({ path: uriPath(l.uri), range: l.range }));
}

async function codeActions(s, uri, range, diagnostics, only) {
  const context = { diagnostics, triggerKind: 1 };
  if (only) context.only = only;
  return (await s.request('textDocument/codeAction', { textDocument: { uri }, range, context })) ?? [];
}

/** Applies a code action as VS Code does: resolve if needed, apply its edit, run its command. */
async function applyAction(s, action) {
  let a = action;
  if (!a.edit && !a.command && a.data !== undefined) a = await s.request('codeAction/resolve', a);
  if (a.command && !a.edit) {
    // Commands that edit answer with workspace/applyEdit before their own response.
    const edited = s.nextApplyEdit();
    await s.request('workspace/executeCommand', a.command);
    await edited;
    return;
  }
  assert.ok(a.edit, `code action "${a.title}" has neither edit nor command`);
  s.applyWorkspaceEdit(a.edit, { notify: true });
  if (a.command) await s.request('workspace/executeCommand', a.command);
}

function findAction(actions, title) {
  const a = actions.find((x) => x.title === title);
  assert.ok(a, `no code action "${title}" among ${JSON.stringify(actions.map((x) => x.title))}`);
  return a;
}

const lineRange = (text, n) => ({ start: { line: n, character: 0 }, end: { line: n, character: lineAt(text, n).length } });

// -------------------------------------------------------------------------------------------

test('capabilities: completion triggers, definition, declaration, code actions, commands', { timeout: TIMEOUT }, async () => {
  const vault = copyVault();
  const s = new LspSession({ cwd: vault });
  try {
    s.start();
    const { capabilities: c } = await s.initialize({ capabilities: VSCODE_CAPS });
    for (const ch of ['[', '@', '#', '/', '|', '^']) {
      assert.ok(c.completionProvider?.triggerCharacters?.includes(ch), `completion trigger character ${ch}`);
    }
    assert.ok(c.definitionProvider, 'definitionProvider');
    assert.ok(c.declarationProvider, 'declarationProvider');
    assert.ok(c.codeActionProvider, 'codeActionProvider');
    if (typeof c.codeActionProvider === 'object' && c.codeActionProvider.codeActionKinds) {
      for (const k of ['quickfix', 'source.notesLsp.acceptAllProposed', 'source.notesLsp.rejectAllProposed']) {
        assert.ok(c.codeActionProvider.codeActionKinds.includes(k), `codeActionKinds has ${k}`);
      }
    }
    for (const cmd of ['notes-lsp.acceptAllProposedTasks', 'notes-lsp.rejectAllProposedTasks']) {
      assert.ok(c.executeCommandProvider?.commands?.includes(cmd), `executeCommandProvider has ${cmd}`);
    }
    await s.initialized();
    await s.shutdownAndExit();
  } finally {
    await s.dispose();
    removeVault(vault);
  }
});

test('completion after [[ offers notes and aliases; after [[Note# its headings', { timeout: TIMEOUT }, () =>
  withServer(async (s) => {
    const uri = await s.open(KICKOFF);
    const at = { line: L_ATTENDEES + 1, character: 0 };
    await s.change(uri, [{ range: { start: at, end: at }, text: 'See [[\n' }]);
    const items = await complete(s, uri, { line: L_ATTENDEES + 1, character: 'See [['.length }, '[');
    assertOffers(items, ['Ana Ruiz', 'Jonas Becker', 'Contoso', 'Contoso Ltd', 'Fabrikam', 'Project Atlas', 'Léa Dubois', 'Zoë Lindahl', '王芳'], '[[ completion');
    assert.ok(!items.some((i) => itemTexts(i).some((t) => t.includes('.obsidian'))), '.obsidian is never indexed');

    await s.change(uri, [{ range: { start: at, end: { line: at.line, character: 'See [['.length } }, text: 'See [[Project Atlas#' }]);
    const headings = await complete(s, uri, { line: at.line, character: 'See [[Project Atlas#'.length }, '#');
    assertOffers(headings, ['Milestones'], '[[Project Atlas# completion');
    assertNotOffered(headings, ['Ana Ruiz'], '[[Project Atlas# completion');
  }));

test('completion after @ offers people (with aliases), not accounts', { timeout: TIMEOUT }, () =>
  withServer(async (s) => {
    const uri = await s.open(KICKOFF);
    const at = { line: L_ATTENDEES + 1, character: 0 };
    await s.change(uri, [{ range: { start: at, end: at }, text: 'Ping @\n' }]);
    const items = await complete(s, uri, { line: at.line, character: 'Ping @'.length }, '@');
    assertOffers(items, ['Jonas Becker', 'Ana Ruiz', 'Léa Dubois', 'Zoë Lindahl', 'Myself'], '@ completion');
    assertOffers(items, ['王芳'], '@ completion (CJK title)');
    assertNotOffered(items, ['Contoso', 'Fabrikam', 'Project Atlas'], '@ completion');
  }));

test('completion after # offers tags; in frontmatter account: and participants: values', { timeout: TIMEOUT }, () =>
  withServer(async (s) => {
    const uri = await s.open(KICKOFF);
    const at = { line: L_ATTENDEES + 1, character: 0 };
    await s.change(uri, [{ range: { start: at, end: at }, text: 'Tags: #\n' }]);
    const tags = await complete(s, uri, { line: at.line, character: 'Tags: #'.length }, '#');
    assertOffers(tags, ['account/contoso', 'account/fabrikam', 'type/person'], '# completion');

    // account: <cursor>
    await s.change(uri, [{ range: lineRange(s.text(uri), L_ACCOUNT), text: 'account: ' }]);
    const accounts = await complete(s, uri, { line: L_ACCOUNT, character: 'account: '.length });
    assertOffers(accounts, ['Contoso', 'Fabrikam'], 'account: completion');
    assertNotOffered(accounts, ['Ana Ruiz', 'Jonas Becker'], 'account: completion');

    // a new participants item: "- <cursor>" after "- Jonas Becker"
    const p = { line: L_PARTICIPANT_ANA + 1, character: lineAt(s.text(uri), L_PARTICIPANT_ANA + 1).length };
    assert.equal(lineAt(s.text(uri), p.line), '- Jonas Becker');
    await s.change(uri, [{ range: { start: p, end: p }, text: '\n- ' }]);
    const people = await complete(s, uri, { line: p.line + 1, character: 2 });
    assertOffers(people, ['Léa Dubois', 'Zoë Lindahl'], 'participants: completion');
    assertNotOffered(people, ['Contoso', 'Fabrikam'], 'participants: completion');
  }));

test('definition and declaration from every position kind', { timeout: TIMEOUT }, () =>
  withServer(async (s, vault) => {
    const uri = await s.open(KICKOFF);
    const text = s.text(uri);
    const P = (rel) => path.join(vault, rel).normalize('NFC');
    const cases = [
      ['[[Ana Ruiz]]', positionOf(text, '[[Ana Ruiz]]', { delta: 3 }), 'People/Ana Ruiz.md', L_ATTENDEES],
      ['@Jonas Becker', positionOf(text, '@Jonas Becker', { delta: 3 }), 'People/Jonas Becker.md', L_PROPOSED_1],
      ['account: Contoso', positionOf(text, 'account: Contoso', { delta: 11 }), 'Accounts/Contoso.md', L_ACCOUNT],
      ['participants item', { line: L_PARTICIPANT_ANA, character: 4 }, 'People/Ana Ruiz.md', L_PARTICIPANT_ANA],
      ['tag account/contoso', { line: L_TAG_ACCOUNT, character: 10 }, 'Accounts/Contoso.md', L_TAG_ACCOUNT],
      ['@Zoë Lindahl (NFD file name)', positionOf(text, '@Zoë Lindahl', { delta: 2 }), 'People/Zoë Lindahl.md', L_ZOE],
      ['[[Contoso]]', positionOf(text, '[[Contoso]]', { delta: 4 }), 'Accounts/Contoso.md', 18],
    ];
    for (const [what, pos, target, line] of cases) {
      assert.equal(pos.line, line, `${what} is on line ${line}`);
      const defs = await definitionPaths(s, uri, pos);
      assert.deepEqual(defs.map((d) => d.path), [P(target)], `definition of ${what}`);
      const decls = await definitionPaths(s, uri, pos, 'textDocument/declaration');
      assert.deepEqual(decls.map((d) => d.path), [P(target)], `declaration of ${what}`);
    }

    // A heading link lands on the heading line ("## Milestones" is line 9 of Project Atlas.md).
    const heading = await definitionPaths(s, uri, positionOf(text, '[[Project Atlas#Milestones]]', { delta: 5 }));
    assert.deepEqual(heading.map((d) => d.path), [P('Projects/Project Atlas.md')]);
    assert.equal(heading[0].range.start.line, 9, '[[Project Atlas#Milestones]] goes to "## Milestones"');
    assert.equal(lineAt(text, L_HEADING_LINK), '- [[Project Atlas#Milestones]]');

    // Inside a fenced code block nothing is a link or a mention.
    assert.equal(lineAt(text, L_CODE_BLOCK), 'Example syntax, not a link: [[Not A Link]] @Nobody');
    assert.deepEqual(await definitionPaths(s, uri, positionOf(text, '[[Not A Link]]', { delta: 3 })), []);

    // An alias mention and an aliased link in another note.
    const fab = await s.open(FABRIKAM);
    const ft = s.text(fab);
    assert.deepEqual((await definitionPaths(s, fab, positionOf(ft, '@Wang Fang', { delta: 2 }))).map((d) => d.path), [P('People/王芳.md')], '@Wang Fang');
    assert.deepEqual((await definitionPaths(s, fab, positionOf(ft, '[[王芳|Wang Fang]]', { delta: 2 }))).map((d) => d.path), [P('People/王芳.md')], '[[王芳|Wang Fang]]');
    assert.deepEqual(
      (await definitionPaths(s, fab, positionOf(ft, '[[Meetings/2025-11-06', { delta: 4 }))).map((d) => d.path),
      [P(KICKOFF)],
      'path link with alias',
    );
  }));

test('diagnostics in the kickoff meeting: proposed, overdue, invalid date, broken link', { timeout: TIMEOUT }, () =>
  withServer(async (s) => {
    const uri = await s.open(KICKOFF);
    await waitDiag(s, uri, 'proposed-task', L_PROPOSED_1);
    await waitDiag(s, uri, 'proposed-task', L_PROPOSED_2);
    await waitDiag(s, uri, 'overdue-task', L_OPEN_OVERDUE);
    await waitDiag(s, uri, 'invalid-date', L_INVALID_DATE);
    const { diags } = await waitDiag(s, uri, 'broken-link', L_BROKEN_LINK);
    const text = s.text(uri);
    assert.equal(lineAt(text, L_PROPOSED_1), PROPOSED_1);
    assert.equal(lineAt(text, L_DONE), '- [x] Send the meeting recap @Myself 📅 2025-11-06 ✅ 2025-11-06 #task');
    assert.ok(!diags.some((d) => d.range.start.line === L_DONE && codeOf(d) === 'overdue-task'), 'a done task is never overdue');
    assert.ok(!diags.some((d) => d.range.start.line === L_CODE_BLOCK), 'nothing inside the fenced code block');
    assert.ok(!diags.some((d) => d.range.start.line === L_HEADING_LINK), '[[Project Atlas#Milestones]] resolves');
    assert.ok(!diags.some((d) => d.range.start.line === L_ZOE && codeOf(d) === 'unknown-person'), '@Zoë Lindahl (NFD file) is known');
    assert.ok(!diags.some((d) => codeOf(d) === 'unknown-person' && d.range.start.line === L_INVALID_DATE), '@Léa Dubois is known');
    for (const d of diags) assert.equal(d.source, 'notes-lsp');
  }));

test('pushed diagnostics for a client without pull support', { timeout: TIMEOUT }, () => {
  const caps = structuredClone(VSCODE_CAPS);
  delete caps.textDocument.diagnostic;
  delete caps.workspace.diagnostics;
  return withServer(async (s) => {
    assert.equal(s.pullsDiagnostics, false, 'no diagnosticProvider for a client that cannot pull');
    const uri = await s.open(KICKOFF);
    await waitDiag(s, uri, 'proposed-task', L_PROPOSED_1);
    await waitDiag(s, uri, 'broken-link', L_BROKEN_LINK);
    // An edit is followed by a fresh publish.
    await s.change(uri, [{ range: lineRange(s.text(uri), L_BROKEN_LINK), text: '- [[Contoso]]' }]);
    await s.waitForDiagnostics(uri, (ds) => !ds.some((d) => codeOf(d) === 'broken-link'), { what: 'broken-link gone after the edit' });
  }, caps);
});

test('diagnostics from edits: missing-heading, unknown-person, unknown-account', { timeout: TIMEOUT }, () =>
  withServer(async (s) => {
    const uri = await s.open(KICKOFF);
    await waitDiag(s, uri, 'proposed-task', L_PROPOSED_1);
    await s.change(uri, [{ range: lineRange(s.text(uri), L_HEADING_LINK), text: '- [[Project Atlas#Budget]]' }]);
    await waitDiag(s, uri, 'missing-heading', L_HEADING_LINK);
    const at = { line: L_ATTENDEES + 1, character: 0 };
    await s.change(uri, [{ range: { start: at, end: at }, text: 'Ask @Nobody\n' }]);
    await waitDiag(s, uri, 'unknown-person', L_ATTENDEES + 1);
    await s.change(uri, [{ range: lineRange(s.text(uri), L_ACCOUNT), text: 'account: Initech' }]);
    await waitDiag(s, uri, 'unknown-account', L_ACCOUNT);
  }));

test('diagnostics in other notes: ambiguous-link, frontmatter-error, mojibake', { timeout: TIMEOUT }, () =>
  withServer(async (s) => {
    const daily = await s.open(DAILY);
    assert.equal(lineAt(s.text(daily), 3), '- Which [[Apollo]] did Léa mean? ^apollo-question');
    await waitDiag(s, daily, 'ambiguous-link', 3);
    const broken = await s.open(BROKEN_FM);
    const { d } = await waitDiag(s, broken, 'frontmatter-error');
    assert.ok(d.range.start.line <= 4, `frontmatter-error inside the frontmatter (line ${d.range.start.line})`);
    const crm = await s.open(CRM);
    await waitDiag(s, crm, 'mojibake', 7);
    await waitDiag(s, crm, 'mojibake', 9);
  }));

test('"Accept proposed task" rewrites exactly that line', { timeout: TIMEOUT }, () =>
  withServer(async (s) => {
    const uri = await s.open(KICKOFF);
    const before = s.text(uri);
    const { d } = await waitDiag(s, uri, 'proposed-task', L_PROPOSED_1);
    const actions = await codeActions(s, uri, d.range, [d]);
    const accept = findAction(actions, 'Accept proposed task');
    assert.equal(accept.kind, 'quickfix');
    assert.equal(accept.isPreferred, true);
    findAction(actions, 'Reject proposed task');
    await applyAction(s, accept);
    assert.equal(lineAt(s.text(uri), L_PROPOSED_1), ACCEPTED_1);
    assert.equal(s.text(uri), replaceLine(before, L_PROPOSED_1, ACCEPTED_1), 'nothing else changed');
    // The server saw the edit: no proposed-task left on that line.
    await s.waitForDiagnostics(uri, (ds) => !ds.some((x) => codeOf(x) === 'proposed-task' && x.range.start.line === L_PROPOSED_1) && hasDiag('proposed-task', L_PROPOSED_2)(ds), { what: 'diagnostics after accept' });
  }));

test('"Reject proposed task" cancels the task', { timeout: TIMEOUT }, () =>
  withServer(async (s) => {
    const uri = await s.open(KICKOFF);
    const before = s.text(uri);
    assert.equal(lineAt(before, L_PROPOSED_2), PROPOSED_2);
    const { d } = await waitDiag(s, uri, 'proposed-task', L_PROPOSED_2);
    await applyAction(s, findAction(await codeActions(s, uri, d.range, [d]), 'Reject proposed task'));
    assert.equal(lineAt(s.text(uri), L_PROPOSED_2), REJECTED_2);
    assert.equal(s.text(uri), replaceLine(before, L_PROPOSED_2, REJECTED_2), 'nothing else changed');
  }));

test('"Accept all proposed tasks": command and source action give the same text', { timeout: TIMEOUT }, () =>
  withServer(async (s) => {
    const uri = await s.open(KICKOFF);
    const before = s.text(uri);
    assert.equal(lineAt(before, L_INVALID_DATE), PROPOSED_3);
    let want = replaceLine(before, L_PROPOSED_1, ACCEPTED_1);
    want = replaceLine(want, L_PROPOSED_2, ACCEPTED_2);
    want = replaceLine(want, L_INVALID_DATE, ACCEPTED_3);

    const edited = s.nextApplyEdit();
    await s.request('workspace/executeCommand', { command: 'notes-lsp.acceptAllProposedTasks', arguments: [uri] });
    await edited;
    assert.equal(s.text(uri), want, 'after notes-lsp.acceptAllProposedTasks');

    // Back to the original, then the same through the source action.
    await s.change(uri, [{ text: before }]);
    const whole = { start: { line: 0, character: 0 }, end: { line: before.split('\n').length - 1, character: 0 } };
    const actions = await codeActions(s, uri, whole, [], ['source.notesLsp.acceptAllProposed']);
    const all = findAction(actions, 'Accept all proposed tasks');
    assert.equal(all.kind, 'source.notesLsp.acceptAllProposed');
    await applyAction(s, all);
    assert.equal(s.text(uri), want, 'after the "Accept all proposed tasks" action');
  }));

test('"Reject all proposed tasks" on the [?] form', { timeout: TIMEOUT }, () =>
  withServer(async (s) => {
    const uri = await s.open(FABRIKAM);
    const before = s.text(uri);
    assert.equal(lineAt(before, L_FABRIKAM_PROPOSED), FABRIKAM_PROPOSED);
    const whole = { start: { line: 0, character: 0 }, end: { line: before.split('\n').length - 1, character: 0 } };
    const actions = await codeActions(s, uri, whole, [], ['source.notesLsp.rejectAllProposed']);
    const all = findAction(actions, 'Reject all proposed tasks');
    assert.equal(all.kind, 'source.notesLsp.rejectAllProposed');
    await applyAction(s, all);
    assert.equal(s.text(uri), replaceLine(before, L_FABRIKAM_PROPOSED, FABRIKAM_REJECTED));

    // The command form, on the original text: accept gives the plain task.
    await s.change(uri, [{ text: before }]);
    const edited = s.nextApplyEdit();
    await s.request('workspace/executeCommand', { command: 'notes-lsp.acceptAllProposedTasks', arguments: [uri] });
    await edited;
    assert.equal(s.text(uri), replaceLine(before, L_FABRIKAM_PROPOSED, FABRIKAM_ACCEPTED));
    await s.change(uri, [{ text: before }]);
    const rejected = s.nextApplyEdit();
    await s.request('workspace/executeCommand', { command: 'notes-lsp.rejectAllProposedTasks', arguments: [uri] });
    await rejected;
    assert.equal(s.text(uri), replaceLine(before, L_FABRIKAM_PROPOSED, FABRIKAM_REJECTED));
  }));

test('"Complete task" checks an open task and stamps today', { timeout: TIMEOUT }, () =>
  withServer(async (s) => {
    const uri = await s.open(KICKOFF);
    const before = s.text(uri);
    await waitDiag(s, uri, 'overdue-task', L_OPEN_OVERDUE);
    const range = lineRange(before, L_OPEN_OVERDUE);
    const diags = (s.diagnostics.get(uri) ?? []).filter((d) => d.range.start.line === L_OPEN_OVERDUE);
    await applyAction(s, findAction(await codeActions(s, uri, range, diags), 'Complete task'));
    const line = lineAt(s.text(uri), L_OPEN_OVERDUE);
    assert.ok(line.startsWith('- [x] Draft the pilot success criteria @Ana Ruiz 📅 2025-11-08 🔼'), line);
    assert.ok(line.includes('✅ 2025-11-15'), `done date is today: ${line}`);
    assert.equal(s.text(uri).split('\n').length, before.split('\n').length, 'no line added or removed');
  }));

test('"Create note" for a broken link creates the note', { timeout: TIMEOUT }, () =>
  withServer(async (s) => {
    const uri = await s.open(KICKOFF);
    const { d } = await waitDiag(s, uri, 'broken-link', L_BROKEN_LINK);
    // The contract's title, or the server's fuller one naming the note.
    const actions = await codeActions(s, uri, d.range, [d]);
    const create = actions.find((x) => x.title === "Create note 'Northwind Traders'") ?? findAction(actions, 'Create note');
    assert.equal(create.kind, 'quickfix');
    let a = create;
    if (!a.edit && !a.command && a.data !== undefined) a = await s.request('codeAction/resolve', a);
    const ops = a.edit?.documentChanges ?? [];
    const created = ops.filter((o) => o.kind === 'create').map((o) => uriPath(o.uri));
    assert.equal(created.length, 1, `one CreateFile: ${JSON.stringify(ops)}`);
    assert.equal(path.basename(created[0]), 'Northwind Traders.md');
    assert.ok(created[0].startsWith(s.cwd + path.sep), 'inside the vault');
    await applyAction(s, a);
    assert.ok(fs.existsSync(created[0]), 'the note exists on disk');
  }));

test('"Repair text encoding" restores the CRM export exactly', { timeout: TIMEOUT }, () =>
  withServer(async (s) => {
    const uri = await s.open(CRM);
    assert.equal(lineAt(s.text(uri), 7), 'LÃ©aâ€™s team asked for the renewal quote â€” see [[Fabrikam]].');
    const { d } = await waitDiag(s, uri, 'mojibake', 7);
    // One "Repair text encoding" per mojibake diagnostic, as a user would, until none is left.
    let repairs = 0;
    for (let diag = d; diag; repairs++) {
      assert.ok(repairs < 10, 'repairs converge');
      await applyAction(s, findAction(await codeActions(s, uri, diag.range, [diag]), 'Repair text encoding'));
      const fresh = await s.waitForDiagnostics(uri, () => true, { what: 'diagnostics after a repair' });
      diag = fresh.find((x) => codeOf(x) === 'mojibake');
    }
    assert.equal(lineAt(s.text(uri), 7), 'Léa’s team asked for the renewal quote — see [[Fabrikam]].');
    assert.equal(lineAt(s.text(uri), 9), '- [ ] Send the renewal quote @Léa Dubois 📅 2025-11-20 #task');
    assert.equal(s.text(uri), CRM_REPAIRED, 'the whole note, CRLF kept, byte for byte');
    await s.waitForDiagnostics(uri, (ds) => !ds.some((x) => codeOf(x) === 'mojibake'), { what: 'no mojibake left' });
  }));
