// What the extension's features rely on from the server: the server commands it calls, the
// completion triggers VS Code needs, and the accept-all round trip as notesLsp.acceptAllProposedTasks
// runs it (executeCommand with the note's URI, then workspace/applyEdit for that same document).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { e2e, KICKOFF, TIMEOUT, pkg, withVscodeSession } from './client-session.mjs';

const { loadTs } = createRequire(import.meta.url)('./helpers.cjs');

const { uriPath, lineAt } = e2e;

test('server capabilities the extension relies on', { timeout: TIMEOUT }, () =>
  withVscodeSession(async (s, _vault, result) => {
    const c = result.capabilities;
    for (const ch of ['[', '@', '#']) assert.ok(c.completionProvider?.triggerCharacters?.includes(ch), `trigger ${ch}`);
    // vscode-languageclient registers each server command as a VS Code command: they must be
    // the ones the extension calls and must not collide with the extension's own.
    const serverCommands = c.executeCommandProvider?.commands ?? [];
    for (const cmd of ['notes-lsp.acceptAllProposedTasks', 'notes-lsp.rejectAllProposedTasks']) {
      assert.ok(serverCommands.includes(cmd), `server command ${cmd}`);
    }
    const own = pkg.contributes.commands.map((x) => x.command);
    assert.deepEqual(serverCommands.filter((x) => own.includes(x)), [], 'no clash with the extension commands');
    await s.shutdownAndExit();
  }));

test('notesLsp.acceptAllProposedTasks round trip', { timeout: TIMEOUT }, () =>
  withVscodeSession(async (s, vault) => {
    const uri = await s.open(KICKOFF);
    const before = s.text(uri);
    const version = s.docs.get(uri).version;
    const edited = s.nextApplyEdit();
    // Exactly what runOnActiveNote() sends.
    await s.request('workspace/executeCommand', { command: 'notes-lsp.acceptAllProposedTasks', arguments: [uri] });
    const { edit } = await edited;
    const targets = [
      ...Object.keys(edit.changes ?? {}),
      ...(edit.documentChanges ?? []).filter((d) => d.textDocument).map((d) => d.textDocument.uri),
    ];
    assert.deepEqual(targets.map(uriPath), [path.join(vault, KICKOFF)], 'the edit is for the active note');
    for (const d of edit.documentChanges ?? []) {
      if (d.textDocument && d.textDocument.version !== null) {
        assert.equal(d.textDocument.version, version, 'VS Code rejects an edit for another version');
      }
    }
    assert.equal(lineAt(s.text(uri), 27), '- [ ] Confirm pilot rack delivery date with the data center team @Jonas Becker 📅 2025-11-10 ⏫ #task');
    assert.notEqual(s.text(uri), before);
    assert.ok(!s.text(uri).includes('#proposed'), 'no proposed task left in the note');
    await s.shutdownAndExit();
  }));

test('the Tasks view and Show Tasks on the real notes-lsp.tasks answer', { timeout: TIMEOUT }, () =>
  withVscodeSession(async (s) => {
    const { checkTasks, groupTasks, quickPickItems, TASKS_COMMAND, SHOW_TASKS_COMMAND } = loadTs('src/tasks.ts');
    // What queryTasks() sends for the view: no filter (the server's default: open tasks).
    const all = checkTasks(await s.request('workspace/executeCommand', { command: TASKS_COMMAND, arguments: [{}] }));
    assert.ok(all.length > 0, 'open tasks in the example vault');
    assert.ok(all.every((t) => t.status !== 'done' && t.status !== 'cancelled'), 'not done, not cancelled');
    const byOwner = groupTasks(all, 'owner');
    const jonas = byOwner.find((g) => g.label === 'Jonas Becker');
    assert.ok(jonas, `a Jonas Becker group in ${byOwner.map((g) => g.label)}`);
    assert.equal(jonas.tasks[0].overdue, true, 'his overdue proposal first (today 2025-11-15)');
    assert.equal(jonas.tasks[0].status, 'proposed');
    assert.equal(jonas.tasks[0].path, 'Meetings/2025-11-06 - Storage pilot kickoff with Contoso.md');
    assert.equal(jonas.tasks[0].line, 27);
    assert.ok(groupTasks(all, 'account').some((g) => g.label === 'Contoso'), 'a Contoso group');
    const items = quickPickItems(all);
    assert.equal(items.length, all.length);
    // The person lens's command answers as the query with its filters.
    const lensAnswer = checkTasks(await s.request('workspace/executeCommand', {
      command: SHOW_TASKS_COMMAND, arguments: [{ owner: ['Jonas Becker'] }],
    }));
    assert.equal(lensAnswer.length, jonas.tasks.length, 'the lens lists his tasks');
    await s.shutdownAndExit();
  }));
