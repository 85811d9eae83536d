// End-to-end: workspace/diagnostic as VS Code's client drives it (a partialResultToken and the
// previous resultIds, asked again as soon as it is answered), through vscode-jsonrpc on a copy
// of the example vault. With nothing new the server holds the request rather than answer it
// empty; it answers once a note's problems changed (that note alone), RequestCancelled on
// $/cancelRequest, and with an empty report when another pull comes or at shutdown.
// Run: node --test tests/e2e/workspace-pull.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lineAt, withVaultServer, TEST_SETTINGS, VSCODE_CAPS } from './lib/lsp-session.mjs';

const TIMEOUT = 60000;
const KICKOFF = 'Meetings/2025-11-06 - Storage pilot kickoff with Contoso.md';

let tokens = 0;

// A workspace pull with a fresh partialResultToken; resolves to every report it sent, streamed
// or answered, as { items, streamed, answer }. `settled` says whether it has come back yet.
function pull(s, previousResultIds, { token } = {}) {
  const partialResultToken = `wp-${++tokens}`;
  const streamed = [];
  const sub = s.conn.onProgress(s.protocol.WorkspaceDiagnosticRequest.partialResult, partialResultToken, (v) => streamed.push(...v.items));
  const state = { settled: false };
  state.done = s.request('workspace/diagnostic', { previousResultIds, partialResultToken }, { token, timeout: TIMEOUT })
    .then((answer) => ({ items: [...streamed, ...answer.items], streamed, answer }))
    .finally(() => {
      state.settled = true;
      sub.dispose();
    });
  return state;
}

const idsOf = (items) => items.map((r) => ({ uri: r.uri, value: r.resultId }));

// Every answer the server wrote so far that is a workspace diagnostic report (read off the raw
// stream, independently of vscode-jsonrpc).
const reportsWritten = (s) => s.rawMessages.filter((m) => m.result && Array.isArray(m.result.items)).length;

// A round trip: whatever the server wrote before answering it has been read.
async function roundTrip(s) {
  await s.request('workspace/symbol', { query: 'zzzz-no-such-symbol' });
  await new Promise(setImmediate);
}

// Runs fn (a change) and waits until the server's diagnostics run that follows it has happened:
// its workspace/codeLens/refresh request comes from the same timer callback that then looks at
// a held pull; a round trip after it, and whatever that look queued has been answered.
async function afterDiagnosticsRun(s, fn) {
  const runs = () => s.rawMessages.filter((m) => m.method === 'workspace/codeLens/refresh').length;
  const n = runs();
  await fn();
  await s.waitForRaw(() => runs() > n, { what: 'the diagnostics run after the change' });
  await roundTrip(s);
}

async function firstPull(s) {
  const first = await pull(s, []).done;
  assert.ok(first.items.length > 3, 'the example vault has notes with problems');
  for (const r of first.items) assert.equal(r.kind, 'full');
  return idsOf(first.items);
}

test('a pull with nothing new is held until a note changes, then answers that note alone', { timeout: TIMEOUT }, async () => {
  await withVaultServer(async (s) => {
    const ids = await firstPull(s);
    const written = reportsWritten(s);
    const held = pull(s, ids);
    let uri;
    await afterDiagnosticsRun(s, async () => {
      uri = await s.open(KICKOFF);
    });
    assert.equal(held.settled, false, 'held: opening a note changes no report');
    // Typing in its body (the note's face stays): looked at again, still nothing new.
    const end = s.text(uri).split('\n').length - 1;
    const at = { line: end, character: lineAt(s.text(uri), end).length };
    await afterDiagnosticsRun(s, () => s.change(uri, [{ range: { start: at, end: at }, text: '\n\nA plain closing line.\n' }]));
    assert.equal(held.settled, false, 'held: a body edit that changes no report');
    assert.equal(reportsWritten(s), written);

    // Fix the kickoff note's broken link: the held pull answers with that note alone.
    const text = s.text(uri);
    const line = text.split('\n').findIndex((l) => l.includes('[[Northwind Traders]]'));
    await s.change(uri, [{ range: { start: { line, character: 0 }, end: { line, character: lineAt(text, line).length } }, text: '- [[Contoso]]' }]);
    const answer = await held.done;
    assert.deepEqual(answer.items.map((r) => r.uri), [uri]);
    assert.equal(answer.items[0].kind, 'full');
    assert.equal(answer.items[0].version, 3);
    assert.ok(!answer.items[0].items.some((d) => d.code === 'broken-link'), JSON.stringify(answer.items[0].items));

    // Asked again with the new id (as VS Code does): held again.
    const newIds = [...ids.filter((p) => p.uri !== uri), ...idsOf(answer.items)];
    const again = pull(s, newIds);
    await roundTrip(s);
    assert.equal(again.settled, false);
    // Another pull, here without a token (Neovim asks once, on demand): the held one is answered
    // empty first, so the client is not left waiting on it, and this one answers at once.
    const once = await s.request('workspace/diagnostic', { previousResultIds: newIds });
    assert.deepEqual(once, { items: [] });
    assert.equal(again.settled, true);
    assert.deepEqual((await again.done).answer, { items: [] });
  });
});

test('a held pull is answered RequestCancelled on $/cancelRequest, and the server goes on', { timeout: TIMEOUT }, async () => {
  await withVaultServer(async (s) => {
    const ids = await firstPull(s);
    const cts = new s.protocol.CancellationTokenSource();
    const held = pull(s, ids, { token: cts.token });
    await roundTrip(s);
    assert.equal(held.settled, false);
    cts.cancel();
    await assert.rejects(held.done, (e) => e.code === -32800);
    // Still answering: another pull with a stale id answers at once.
    const fresh = await pull(s, ids.slice(1).concat([{ uri: ids[0].uri, value: '0000000000000000' }])).done;
    assert.deepEqual(fresh.items.map((r) => r.uri), [ids[0].uri]);
  });
});

test('shutdown answers a held pull with an empty report and the server exits', { timeout: TIMEOUT }, async () => {
  await withVaultServer(async (s) => {
    const ids = await firstPull(s);
    const held = pull(s, ids);
    await roundTrip(s);
    assert.equal(held.settled, false);
    assert.equal(await s.request('shutdown', null), null);
    assert.deepEqual(held.settled, true, 'answered before the shutdown result');
    assert.deepEqual((await held.done).answer, { items: [] });
    await s.notify('exit', null);
    const { code } = await s.exited;
    assert.equal(code, 0, `exit after shutdown${s.stderrTail()}`);
  });
});

// -------------------------------------------------------------------------------------------
// A first pull of many notes runs in slices: the loop goes on between them.

const BULK = 3000;
const bulkNotes = (vault) => {
  fs.mkdirSync(path.join(vault, 'Bulk'));
  for (let i = 0; i < BULK; i++) fs.writeFileSync(path.join(vault, 'Bulk', `n${i}.md`), `# n${i}\n\nSee [[Nowhere ${i}]].\n`);
};

// Writes the requests in one write, so the server reads them together and handles them in one
// go: the first one's first slice, then the next message.
function writeTogether(s, messages) {
  const frames = messages.map((m) => {
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...m }), 'utf8');
    return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
  });
  return s.writeRaw(Buffer.concat(frames));
}

const answerTo = (s, id) => s.waitForRaw((m) => m.id === id && (m.result !== undefined || m.error !== undefined), { what: `the answer to ${id}` });

test('a long first pull runs in slices: a request after it is answered first; every report once', { timeout: TIMEOUT }, async () => {
  await withVaultServer(async (s) => {
    const batches = [];
    s.conn.onProgress(s.protocol.WorkspaceDiagnosticRequest.partialResult, 'bulk', (v) => batches.push(v.items));
    await writeTogether(s, [
      { id: 'pull-1', method: 'workspace/diagnostic', params: { previousResultIds: [], partialResultToken: 'bulk' } },
      { id: 'sym-1', method: 'workspace/symbol', params: { query: 'zzzz-no-such-symbol' } },
    ]);
    const pulled = await answerTo(s, 'pull-1');
    const order = s.rawMessages.filter((m) => m.id === 'pull-1' || m.id === 'sym-1').map((m) => m.id);
    assert.deepEqual(order, ['sym-1', 'pull-1'], 'the symbol request did not wait for the whole pull');
    assert.deepEqual(pulled.result, { items: [] }, 'every report went as a partial result');
    await roundTrip(s);
    const all = batches.flat();
    assert.equal(all.filter((r) => r.uri.includes('/Bulk/')).length, BULK);
    assert.equal(new Set(all.map((r) => r.uri)).size, all.length, 'each note once');
  }, { prepare: bulkNotes });
});

test('shutdown or another pull answers a running pull with an empty report', { timeout: TIMEOUT }, async () => {
  await withVaultServer(async (s) => {
    await writeTogether(s, [
      { id: 'pull-1', method: 'workspace/diagnostic', params: { previousResultIds: [], partialResultToken: 'p1' } },
      { id: 'pull-2', method: 'workspace/diagnostic', params: { previousResultIds: [], partialResultToken: 'p2' } },
      { id: 'down', method: 'shutdown', params: null },
    ]);
    assert.deepEqual((await answerTo(s, 'pull-1')).result, { items: [] }, 'superseded by pull-2');
    assert.deepEqual((await answerTo(s, 'pull-2')).result, { items: [] }, 'answered at shutdown');
    assert.equal((await answerTo(s, 'down')).result, null);
    const order = s.rawMessages.filter((m) => ['pull-1', 'pull-2', 'down'].includes(m.id)).map((m) => m.id);
    assert.deepEqual(order, ['pull-1', 'pull-2', 'down']);
    await s.notify('exit', null);
    const { code } = await s.exited;
    assert.equal(code, 0, `exit after shutdown${s.stderrTail()}`);
  }, { prepare: bulkNotes });
});

// -------------------------------------------------------------------------------------------
// Clients that do not pull (diagnostics.scope): closing a note with problems.

const PUSH_CAPS = (() => {
  const c = JSON.parse(JSON.stringify(VSCODE_CAPS));
  delete c.textDocument.diagnostic;
  delete c.workspace.diagnostics;
  return c;
})();

async function openThenClose(scope) {
  let after;
  await withVaultServer(async (s) => {
    const uri = await s.open(KICKOFF);
    await s.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'broken-link'));
    await s.close(uri);
    await roundTrip(s);
    after = s.diagnostics.get(uri);
  }, { capabilities: PUSH_CAPS, settings: { ...TEST_SETTINGS, diagnostics: { scope } } });
  return after;
}

test('push, scope vault: a note closed with problems keeps them listed; scope open clears them', { timeout: TIMEOUT }, async () => {
  assert.ok((await openThenClose('vault')).some((d) => d.code === 'broken-link'));
  assert.deepEqual(await openThenClose('open'), []);
});
