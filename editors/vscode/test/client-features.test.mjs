// What the extension's features rely on from the server: the server commands it calls, the
// completion triggers VS Code needs, and the accept-all round trip as notesLsp.acceptAllProposedTasks
// runs it (executeCommand with the note's URI, then workspace/applyEdit for that same document),
// and the Tasks view (src/tasksView.ts) paging through the server's notes-lsp.tasks answer.
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

// The parts of the VS Code API the Tasks view reads back (the stand-in's values are opaque):
// plain data classes, and a command and tree-view registry that only records.
function treeApi() {
  class EventEmitter {
    listeners = [];
    event = (fn) => { this.listeners.push(fn); return { dispose() {} }; };
    fire(v) { for (const fn of this.listeners) fn(v); }
    dispose() {}
  }
  class TreeItem { constructor(label, collapsibleState) { this.label = label; this.collapsibleState = collapsibleState; } }
  class ThemeIcon { constructor(id, color) { this.id = id; this.color = color; } }
  class ThemeColor { constructor(id) { this.id = id; } }
  class Range { constructor(l1, c1, l2, c2) { this.start = { line: l1, character: c1 }; this.end = { line: l2, character: c2 }; } }
  const view = { message: undefined, dispose() {} };
  return {
    view,
    api: {
      EventEmitter, TreeItem, ThemeIcon, ThemeColor, Range,
      TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
      Uri: { parse: (s) => s },
      commands: { executeCommand: async () => undefined },
      window: { createTreeView: () => view },
    },
  };
}

test('the Tasks view pages through the real server: "Load more tasks…" until every open task', { timeout: TIMEOUT }, () =>
  withVscodeSession(async (s) => {
    const { view: treeView, api } = treeApi();
    globalThis.__vscodeOverrides = api;
    try {
      const { TasksView, LOAD_MORE_COMMAND } = loadTs('src/tasksView.ts', { vscode: true });
      const { TaskPager, TASKS_COMMAND, LOAD_MORE_LABEL, checkTasks } = loadTs('src/tasks.ts');
      // What the extension's taskPager() sends, recorded.
      const asked = [];
      const fetch = (filters) => {
        asked.push([filters.limit, filters.offset]);
        return s.request('workspace/executeCommand', { command: TASKS_COMMAND, arguments: [filters] });
      };
      const all = checkTasks(await s.request('workspace/executeCommand', { command: TASKS_COMMAND, arguments: [{ limit: 0 }] }));
      const PAGE = 3; // the extension asks 500; the example vault has a dozen open tasks
      assert.ok(all.length > 2 * PAGE, `open tasks to page through: ${all.length}`);
      const pagers = [];
      const view = new TasksView(() => { pagers.splice(0, Infinity, new TaskPager(fetch, {}, PAGE)); return pagers; });
      view.register({ subscriptions: [] });
      const key = (t) => `${t.uri}:${t.line}`;
      const shown = () => {
        const groups = view.getChildren().filter((n) => 'group' in n);
        return new Set(groups.flatMap((g) => view.getChildren(g).map((n) => key(n.task))));
      };
      await view.refresh();
      let loads = 0;
      for (let row; (row = view.getChildren().find((n) => 'more' in n)); loads++) {
        const item = view.getTreeItem(row);
        assert.equal(item.label, LOAD_MORE_LABEL);
        assert.deepEqual(item.command, { command: LOAD_MORE_COMMAND, title: LOAD_MORE_LABEL });
        assert.equal(item.description, `${pagers[0].tasks.length} shown; the server has more`);
        assert.equal(shown().size, pagers[0].tasks.length, 'every task fetched is in the tree');
        assert.ok(loads <= all.length, 'paging ends');
        await view.loadMore(); // what notesLsp.loadMoreTasks runs
      }
      assert.equal(treeView.message, undefined, 'no error in the view');
      assert.equal(loads, Math.floor(all.length / PAGE), 'a row a full page');
      assert.deepEqual(asked, Array.from({ length: loads + 1 }, (_, i) => [PAGE, i * PAGE]), 'pages in order');
      assert.deepEqual(pagers[0].tasks.map(key), all.map(key), 'the pages are the whole answer, each task once');
      assert.deepEqual(shown(), new Set(all.map(key)), 'the tree holds every open task');
      // A task row opens its line as the server gave it.
      const first = view.getChildren().find((n) => 'group' in n);
      const row = view.getTreeItem(view.getChildren(first)[0]);
      const task = view.getChildren(first)[0].task;
      assert.deepEqual(row.command.arguments, [task.uri, { selection: new api.Range(task.line, 0, task.line, task.range.end.character) }]);
      // Refresh starts again from the first page.
      asked.length = 0;
      await view.refresh();
      assert.deepEqual(asked, [[PAGE, 0]]);
      assert.ok(view.getChildren().some((n) => 'more' in n), 'the "Load more" row again');
      await s.shutdownAndExit();
    } finally {
      delete globalThis.__vscodeOverrides;
    }
  }));
