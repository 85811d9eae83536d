// End-to-end: the LSP/JSON-RPC foundation of notes-lsp (lifecycle, sync, errors) through
// Microsoft's vscode-jsonrpc. Run: node --test tests/e2e/foundation.test.mjs
// The server is $NOTES_LSP or build/notes-lsp; each test runs it in a temp copy of the vault.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  LspSession,
  REPO_ROOT,
  copyVault,
  removeVault,
  fileUri,
  uriPath,
  locations,
  positionOf,
  lineAt,
  withTimeout,
  protocol,
  VSCODE_CAPS,
  withVaultServer,
} from './lib/lsp-session.mjs';

const { CancellationTokenSource } = protocol;

const KICKOFF = 'Meetings/2025-11-06 - Storage pilot kickoff with Contoso.md';
const TIMEOUT = 60000;

/** Runs `fn(session, vault)` against a fresh server in a fresh vault copy, then cleans up. */
function withServer(fn, opts = {}) {
  return withVaultServer(fn, { initialize: false, session: opts });
}

function syncKind(caps) {
  const sync = caps.textDocumentSync;
  return typeof sync === 'number' ? sync : sync?.change;
}

async function expectResponseError(promise, code, what) {
  await assert.rejects(promise, (err) => {
    assert.equal(err.code, code, `${what}: expected error ${code}, got ${err.code} (${err.message})`);
    return true;
  });
}

test('initialize with VS Code capabilities: incremental sync, UTF-16, then shutdown/exit 0', { timeout: TIMEOUT }, () =>
  withServer(async (s) => {
    const result = await s.initialize({ capabilities: VSCODE_CAPS });
    const caps = result.capabilities;
    assert.ok(caps && typeof caps === 'object', 'initialize result has capabilities');
    assert.equal(syncKind(caps), 2, `textDocumentSync must be incremental (2): ${JSON.stringify(caps.textDocumentSync)}`);
    if (typeof caps.textDocumentSync === 'object') {
      assert.equal(caps.textDocumentSync.openClose, true, 'textDocumentSync.openClose');
    }
    // VS Code offers only UTF-16, so the server must use it (absent means UTF-16).
    assert.ok(
      caps.positionEncoding === undefined || caps.positionEncoding === 'utf-16',
      `positionEncoding with a UTF-16-only client: ${caps.positionEncoding}`,
    );
    if (result.serverInfo !== undefined) assert.equal(typeof result.serverInfo.name, 'string');
    await s.initialized();
    const { code, signal } = await s.shutdownAndExit();
    assert.equal(signal, null, 'server was not killed by a signal');
    assert.equal(code, 0, `exit after shutdown must exit 0${s.stderrTail()}`);
  }));

test('positionEncoding negotiation picks one the client offered, and positions follow it', { timeout: TIMEOUT }, () =>
  withServer(async (s, vault) => {
    const caps = structuredClone(VSCODE_CAPS);
    caps.general.positionEncodings = ['utf-8', 'utf-16'];
    const result = await s.initialize({ capabilities: caps });
    const enc = result.capabilities.positionEncoding ?? 'utf-16';
    assert.ok(['utf-8', 'utf-16'].includes(enc), `negotiated ${enc}`);
    await s.initialized();
    if (result.capabilities.definitionProvider) {
      await s.waitForIndex();
      const uri = await s.open(KICKOFF);
      // The last letter of "@Zoë Lindahl", after two "ë" on its line (two bytes each in UTF-8):
      // read as UTF-16 a byte column points two characters further, past the mention.
      const line = lineAt(s.text(uri), 32);
      const at = line.indexOf('@Zoë Lindahl') + '@Zoë Lindah'.length;
      const character = enc === 'utf-8' ? Buffer.byteLength(line.slice(0, at), 'utf8') : at;
      const got = locations(await s.request('textDocument/definition', { textDocument: { uri }, position: { line: 32, character } }));
      assert.deepEqual(got.map((l) => uriPath(l.uri)), [path.join(vault, 'People/Zoë Lindahl.md').normalize('NFC')], `definition at a ${enc} column`);
    }
    await s.shutdownAndExit();
  }));

test('a client that sends no positionEncodings gets UTF-16', { timeout: TIMEOUT }, () =>
  withServer(async (s) => {
    const result = await s.initialize({ capabilities: {} });
    const enc = result.capabilities.positionEncoding;
    assert.ok(enc === undefined || enc === 'utf-16', `negotiated ${enc}`);
    await s.initialized();
    await s.shutdownAndExit();
  }));

test('lifecycle: didOpen, incremental didChange, errors, cancel, shutdown, exit', { timeout: TIMEOUT }, () =>
  withServer(async (s, vault) => {
    const { capabilities: caps } = await s.initialize({ capabilities: VSCODE_CAPS });
    await s.initialized();
    const uri = await s.open(KICKOFF);

    // Several incremental changes, one after another, including astral characters (two UTF-16
    // code units each) before the positions we ask about afterwards.
    const summary = positionOf(s.text(uri), '**Date**');
    await s.change(uri, [
      { range: { start: summary, end: summary }, text: 'Intro 📅 2025-11-06 with [[Ana Ruiz]] and 🎉 @Jonas Becker.\n\n' },
    ]);
    const intro = positionOf(s.text(uri), 'Intro');
    await s.change(uri, [
      { range: { start: { line: intro.line, character: 5 }, end: { line: intro.line, character: 5 } }, text: ' ☕' },
      // Deletes " a bare-metal" inside one line.
      {
        range: {
          start: positionOf(s.text(uri), ' a bare-metal'),
          end: positionOf(s.text(uri), ' a bare-metal', { delta: ' a bare-metal'.length }),
        },
        text: '',
      },
    ]);
    // A replacement spanning two lines.
    const dec = positionOf(s.text(uri), '## Decisions');
    await s.change(uri, [
      { range: { start: dec, end: { line: dec.line + 1, character: lineAt(s.text(uri), dec.line + 1).length } }, text: '## Decisions\n- Pilot on bare metal.' },
    ]);
    // An insertion at the very end.
    const lines = s.text(uri).split('\n');
    const end = { line: lines.length - 1, character: lines[lines.length - 1].length };
    await s.change(uri, [{ range: { start: end, end }, text: '\nTrailing line.\n' }]);

    assert.ok(s.text(uri).includes('Intro ☕ 📅 2025-11-06 with [[Ana Ruiz]] and 🎉 @Jonas Becker.'));
    assert.ok(s.text(uri).includes('Contoso wants pilot before'));

    if (caps.definitionProvider) {
      // Targets must be indexed: wait for the initial scan the server reports with $/progress.
      await s.waitForIndex();
      // The server's copy must match ours: positions after astral characters and shifted lines.
      const anaPos = positionOf(s.text(uri), '[[Ana Ruiz]]', { delta: 4 });
      const ana = locations(await s.request('textDocument/definition', { textDocument: { uri }, position: anaPos }));
      assert.deepEqual(ana.map((l) => uriPath(l.uri)), [path.join(vault, 'People/Ana Ruiz.md')], 'definition of [[Ana Ruiz]] after the edits');
      const jonasPos = positionOf(s.text(uri), '[[Jonas Becker]]', { delta: 4 });
      assert.equal(jonasPos.line, 21, 'the Attendees line moved down by two');
      const jonas = locations(await s.request('textDocument/definition', { textDocument: { uri }, position: jonasPos }));
      assert.deepEqual(jonas.map((l) => uriPath(l.uri)), [path.join(vault, 'People/Jonas Becker.md')], 'definition of [[Jonas Becker]] on a shifted line');
    } else {
      // Without definition the least the server owes us is no error and no crash.
      await expectResponseError(s.request('notes-lsp/no-such-method', {}), -32601, 'probe after didChange');
    }

    // Unknown request: MethodNotFound. Unknown notification: ignored silently.
    await expectResponseError(s.request('notes-lsp/no-such-method', { x: 1 }), -32601, 'unknown method');
    await s.notify('notes-lsp/no-such-notification', { x: 1 });
    await s.notify('$/no-such-dollar-notification', {});

    // A body that is not JSON: ParseError, with id null when no id can be read, and the
    // server keeps serving.
    const bad = Buffer.from('{"jsonrpc": "2.0", "method": "textDocument/hover", "params": {', 'utf8');
    await s.writeRaw(Buffer.concat([Buffer.from(`Content-Length: ${bad.length}\r\n\r\n`, 'ascii'), bad]));
    const parseError = await s.waitForRaw((m) => m.error && m.id === null, { what: 'a -32700 response with id null' });
    assert.equal(parseError.error.code, -32700, `parse error response: ${JSON.stringify(parseError)}`);
    // Where the broken text still shows the request's id, the ParseError carries it.
    const badWithId = Buffer.from('{"jsonrpc": "2.0", "id": 4242, "method": "textDocument/hover", "params": {', 'utf8');
    await s.writeRaw(Buffer.concat([Buffer.from(`Content-Length: ${badWithId.length}\r\n\r\n`, 'ascii'), badWithId]));
    const parseErrorWithId = await s.waitForRaw((m) => m.error && m.id === 4242, { what: 'a -32700 response with id 4242' });
    assert.equal(parseErrorWithId.error.code, -32700, `parse error response: ${JSON.stringify(parseErrorWithId)}`);

    // Valid JSON that is not a request: InvalidRequest.
    const invalid = Buffer.from('{"jsonrpc": "2.0", "id": "raw-1", "method": 42}', 'utf8');
    await s.writeRaw(Buffer.concat([Buffer.from(`Content-Length: ${invalid.length}\r\n\r\n`, 'ascii'), invalid]));
    const invalidReply = await s.waitForRaw((m) => m.error && (m.id === 'raw-1' || (m.id === null && m.error.code === -32600)), {
      what: 'a -32600 response to a request whose method is not a string',
    });
    assert.equal(invalidReply.error.code, -32600, `invalid request response: ${JSON.stringify(invalidReply)}`);

    // $/cancelRequest for an id that was never sent, and for one in flight.
    await s.notify('$/cancelRequest', { id: 987654 });
    const cts = new CancellationTokenSource();
    const method = caps.completionProvider ? 'textDocument/completion' : 'notes-lsp/no-such-method';
    const inFlight = s.request(method, { textDocument: { uri }, position: positionOf(s.text(uri), '[[Contoso]]', { delta: 2 }) }, { token: cts.token });
    cts.cancel();
    try {
      await inFlight; // answering anyway is allowed
    } catch (err) {
      assert.ok([-32800, -32601].includes(err.code), `cancelled request: ${err.code} ${err.message}`);
    }

    // Still alive and answering after all of that.
    await expectResponseError(s.request('notes-lsp/still-there', {}), -32601, 'request after the error cases');
    assert.equal(s.rawMessages.filter((m) => m.invalidJson || m.framingError).length, 0, 'every message the server wrote was well-framed JSON');

    await s.close(uri);
    assert.equal(await s.request('shutdown', null), null, 'shutdown result is null');
    // After shutdown, requests are InvalidRequest (LSP 3.17, shutdown request).
    await expectResponseError(s.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } }), -32600, 'request after shutdown');
    await s.notify('exit', null);
    const { code } = await s.exited;
    assert.equal(code, 0, `exit after shutdown${s.stderrTail()}`);
    // The only thing vscode-jsonrpc may complain about is the id-null ParseError we provoked.
    const unexpected = s.logErrors.filter((m) => !(m.startsWith('Received response message without id') && m.includes('-32700')));
    assert.deepEqual(unexpected, [], 'vscode-jsonrpc logged no other protocol errors');
  }));

test('a request before initialize is ServerNotInitialized (-32002)', { timeout: TIMEOUT }, () =>
  withServer(async (s) => {
    await expectResponseError(
      s.request('textDocument/hover', { textDocument: { uri: fileUri(path.join(s.cwd, KICKOFF)) }, position: { line: 0, character: 0 } }),
      -32002,
      'hover before initialize',
    );
    await expectResponseError(s.request('notes-lsp/no-such-method', {}), -32002, 'unknown method before initialize');
    // Initialization still works afterwards.
    const result = await s.initialize({ capabilities: VSCODE_CAPS });
    assert.equal(syncKind(result.capabilities), 2);
    await s.initialized();
    const { code } = await s.shutdownAndExit();
    assert.equal(code, 0);
  }));

test('a second initialize is rejected', { timeout: TIMEOUT }, () =>
  withServer(async (s) => {
    await s.initialize({ capabilities: VSCODE_CAPS });
    await s.initialized();
    await assert.rejects(s.initialize({ capabilities: VSCODE_CAPS }), (err) => typeof err.code === 'number');
    const { code } = await s.shutdownAndExit();
    assert.equal(code, 0);
  }));

test('exit without shutdown exits with code 1', { timeout: TIMEOUT }, () =>
  withServer(async (s) => {
    await s.initialize({ capabilities: VSCODE_CAPS });
    await s.initialized();
    await s.open(KICKOFF);
    await s.notify('exit', null);
    const { code, signal } = await s.exited;
    assert.equal(signal, null, 'not killed by a signal');
    assert.equal(code, 1, `exit without shutdown${s.stderrTail()}`);
  }));

test('end of input without exit ends the server', { timeout: TIMEOUT }, () =>
  withServer(async (s) => {
    await s.initialize({ capabilities: VSCODE_CAPS });
    await s.initialized();
    s.proc.stdin.end();
    const { signal } = await withTimeout(s.exited, 10000, 'the server to exit after its stdin closed', s);
    assert.equal(signal, null, 'not killed by a signal');
  }));
