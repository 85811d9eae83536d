// The Tasks view and the "Show Tasks" quick pick as pure functions (src/tasks.ts) on
// editors/fixtures/tasks.json, an answer of notes-lsp.tasks in the contract's shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { EXT_DIR, loadTs } = require('./helpers.cjs');
const tasks = loadTs('src/tasks.ts');
const FIXTURE = JSON.parse(fs.readFileSync(path.join(EXT_DIR, '../fixtures/tasks.json'), 'utf8'));

const labels = (groups) => groups.map((g) => g.label);
const descriptions = (group) => group.tasks.map((t) => t.description);

test('the fixture passes the answer check; malformed answers are named', () => {
  assert.equal(tasks.checkTasks(FIXTURE).length, 8);
  assert.throws(() => tasks.checkTasks({ error: 'x' }), /answered \{"error":"x"\}, not a list/);
  const broken = structuredClone(FIXTURE);
  delete broken[3].overdue;
  assert.throws(() => tasks.checkTasks(broken), /answer \[3\]\.overdue is not a boolean/);
  broken[1].owners = 'Ana Ruiz';
  assert.throws(() => tasks.checkTasks(broken), /answer \[1\]\.owners is not a list/);
});

test('by owner: groups with overdue tasks first, "(no owner)" last, overdue tasks first inside', () => {
  const groups = tasks.groupTasks(FIXTURE, 'owner');
  // Myself: 2 overdue; Ana Ruiz, Jonas Becker: 1 each (by name); 王芳: none; no owner last.
  assert.deepEqual(labels(groups), ['Myself', 'Ana Ruiz', 'Jonas Becker', '王芳', '(no owner)']);
  assert.deepEqual(descriptions(groups[0]), [
    'Review the pilot budget',
    'Share the reference benchmark results with Ana',
    'Send the licensing options summary',
  ]);
  assert.deepEqual(
    groups.map((g) => tasks.groupDescription(g)),
    ['3 tasks · 2 overdue · 2 proposed', '1 task · 1 overdue', '2 tasks · 1 overdue · 1 proposed', '1 task', '1 task'],
  );
});

test('by account: a task without an account goes to "(no account)", last', () => {
  const groups = tasks.groupTasks(FIXTURE, 'account');
  assert.deepEqual(labels(groups), ['Contoso', 'Fabrikam', '(no account)']);
  assert.equal(groups[0].overdue, 3);
  assert.deepEqual(descriptions(groups[2]), ['Review the pilot budget', 'Read the pilot notes from [[Storage pilot kickoff with Contoso]]']);
});

test('a task with two owners is listed under each', () => {
  const shared = { ...FIXTURE[1], owners: ['Ana Ruiz', 'Myself'] };
  const groups = tasks.groupTasks([shared], 'owner');
  assert.deepEqual(labels(groups), ['Ana Ruiz', 'Myself']);
});

test('rows: proposed and overdue are marked, the grouping field is left out', () => {
  const proposed = FIXTURE[2];
  assert.deepEqual(tasks.taskIcon(proposed), { id: 'question', color: 'list.warningForeground' });
  assert.deepEqual(tasks.taskIcon(FIXTURE[4]), { id: 'question', color: undefined });
  assert.deepEqual(tasks.taskIcon(FIXTURE[1]), { id: 'warning', color: 'list.warningForeground' });
  assert.deepEqual(tasks.taskIcon(FIXTURE[6]), { id: 'circle-large-outline' });
  assert.equal(tasks.taskDescription(proposed), 'proposed · Jonas Becker · Contoso · due 2025-11-10, overdue · high priority');
  assert.equal(tasks.taskDescription(proposed, 'owner'), 'proposed · Contoso · due 2025-11-10, overdue · high priority');
  assert.equal(tasks.taskDescription(proposed, 'account'), 'proposed · Jonas Becker · due 2025-11-10, overdue · high priority');
  assert.equal(tasks.taskDescription(FIXTURE[0]), 'in progress · Myself · due 2025-11-07, overdue');
  assert.equal(tasks.taskLocation(proposed), 'Meetings/2025-11-06 - Storage pilot kickoff with Contoso.md:28');
});

test('quick pick: every task once, overdue first, icon, details and place', () => {
  const items = tasks.quickPickItems(FIXTURE);
  assert.equal(items.length, FIXTURE.length);
  assert.deepEqual(items.map((i) => i.task.overdue), [true, true, true, true, false, false, false, false]);
  assert.equal(items[2].label, '$(question) Confirm pilot rack delivery date with the data center team');
  assert.equal(items[2].detail, 'Meetings/2025-11-06 - Storage pilot kickoff with Contoso.md:28');
  assert.equal(items[7].label, '$(circle-large-outline) Read the pilot notes from [[Storage pilot kickoff with Contoso]]');
  assert.equal(items[7].description, '');
});

test('a task with no vault path or description still gets a row', () => {
  const bare = { ...FIXTURE[7], path: null, description: null };
  assert.equal(tasks.checkTasks([bare]).length, 1);
  assert.equal(tasks.taskLocation(bare), 'Inbox.md:3');
  assert.equal(tasks.taskText(bare), '(no description)');
  assert.throws(() => tasks.checkTasks([{ ...bare, due: 20251110 }]), /\[0\]\.due is not a string or null/);
});

// The server's paging as README "Task views in the editor" states it: at most `limit` tasks
// after the first `offset`, every one for limit 0.
function pagedFixture(asked) {
  return async (filters) => {
    asked.push(filters);
    const end = filters.limit === 0 ? undefined : filters.offset + filters.limit;
    return FIXTURE.slice(filters.offset, end);
  };
}

test('pages: the editor asks for 500 explicitly; a shorter page is the last', async () => {
  const asked = [];
  const pager = new tasks.TaskPager(pagedFixture(asked), { owner: ['me'] });
  assert.equal(tasks.TASK_PAGE, 500);
  assert.equal((await tasks.loadMoreTasks([pager])).length, 8);
  assert.deepEqual(asked, [{ owner: ['me'], limit: 500, offset: 0 }]);
  assert.equal(pager.hasMore, false);
  assert.deepEqual(await pager.more(), [], 'nothing is asked after the last page');
  assert.equal(asked.length, 1);
});

test('pages of 3: "load more" appends the next page until a short one', async () => {
  const asked = [];
  const pager = new tasks.TaskPager(pagedFixture(asked), {}, 3);
  assert.equal((await tasks.loadMoreTasks([pager])).length, 3);
  assert.equal(pager.hasMore, true, 'a full page: the server may have more');
  assert.equal((await tasks.loadMoreTasks([pager])).length, 6);
  assert.equal((await tasks.loadMoreTasks([pager])).length, 8);
  assert.equal(pager.hasMore, false);
  assert.deepEqual(asked.map((f) => [f.limit, f.offset]), [[3, 0], [3, 3], [3, 6]]);
  assert.deepEqual(pager.tasks, FIXTURE, 'every task once, in the server order');
  assert.match(tasks.loadMoreDescription(6), /^6 shown/);
});

test('pages of 4 over 8 tasks: the empty third page ends it; limit 0 is one page of all', async () => {
  const pager = new tasks.TaskPager(pagedFixture([]), {}, 4);
  await tasks.loadMoreTasks([pager]);
  await tasks.loadMoreTasks([pager]);
  assert.equal(pager.hasMore, true);
  assert.equal((await tasks.loadMoreTasks([pager])).length, 8);
  assert.equal(pager.hasMore, false);
  const all = new tasks.TaskPager(pagedFixture([]), { limit: 0 });
  assert.equal((await tasks.loadMoreTasks([all])).length, 8);
  assert.equal(all.hasMore, false);
});

test('two vaults: each pages on its own; a bad page is named', async () => {
  const a = new tasks.TaskPager(pagedFixture([]), {}, 5);
  const b = new tasks.TaskPager(async () => FIXTURE.slice(0, 2), {}, 5);
  assert.equal((await tasks.loadMoreTasks([a, b])).length, 7);
  assert.deepEqual([a.hasMore, b.hasMore], [true, false]);
  assert.equal((await tasks.loadMoreTasks([a, b])).length, 10);
  const bad = new tasks.TaskPager(async () => ({ error: 'x' }));
  await assert.rejects(tasks.loadMoreTasks([bad]), /not a list/);
});
